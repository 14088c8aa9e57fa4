/**
 * Task management functions (SAM-5 §7): ABORT TASK, ABORT TASK SET, CLEAR TASK SET, LOGICAL UNIT
 * RESET, I_T NEXUS RESET acting on the task sets ({@code org.jstgt.scsi.taskset}) and answering only
 * once the affected commands are gone. Today the fabric mutes aborted commands itself and the core
 * offers LOGICAL UNIT RESET's unit attention ({@code Nexus#logicalUnitReset}); the issue on task
 * management moves the functions here.
 */
package org.jstgt.scsi.tmf;
