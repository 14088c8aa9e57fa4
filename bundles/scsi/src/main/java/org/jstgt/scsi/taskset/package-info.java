/**
 * Task sets (SAM-5 §8): the order in which a logical unit's admitted commands run. A unit that
 * declares {@link org.jstgt.api.scsi.Queueing#IN_ORDER} (tape, changer) runs its commands one at a
 * time in arrival order through {@link org.jstgt.scsi.taskset.InOrderTaskSet}; concurrent units run
 * SIMPLE commands as their data arrives. Task attributes ORDERED and HEAD OF QUEUE on concurrent
 * units, and ACA, belong here too.
 */
package org.jstgt.scsi.taskset;
