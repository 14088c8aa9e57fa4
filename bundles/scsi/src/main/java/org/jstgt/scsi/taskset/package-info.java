/**
 * Task sets (SAM-5 §8): the order in which a logical unit's admitted commands run. A unit that
 * declares {@link org.jstgt.api.scsi.Queueing#IN_ORDER} (tape, changer) runs its commands one at a
 * time in arrival order through {@link org.jstgt.scsi.taskset.InOrderTaskSet}; a concurrent unit
 * (disk) runs them through {@link org.jstgt.scsi.taskset.TaskSet}, which honours the task
 * attributes SIMPLE, ORDERED and HEAD OF QUEUE and bounds the LU's queue depth. Either gives each
 * command a {@link org.jstgt.scsi.taskset.Place} at admission.
 */
package org.jstgt.scsi.taskset;
