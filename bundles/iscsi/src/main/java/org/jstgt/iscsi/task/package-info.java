/**
 * SCSI tasks on the wire (RFC 7143 §4.2.5, §11.3, §11.4, §11.7, §11.8): the task table, command
 * start and completion, Data-Out collection with R2T and in-place placement, Data-In
 * segmentation with residuals. Home of ERL 1 Data-In/status retention for SNACK.
 */
package org.jstgt.iscsi.task;
