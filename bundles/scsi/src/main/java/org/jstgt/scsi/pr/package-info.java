/**
 * Persistent reservations (SPC-4 §5.13) and their admission step: after the unit attention check
 * and before the task set ({@code core.NexusImpl#prepare}), a command whose opcode's reservation
 * class ({@code spc.ReservationClass}, per row of the opcode table) conflicts with the LUN's
 * reservation ends with RESERVATION CONFLICT. Filled by the persistent-reservations issue (PR IN/OUT,
 * registrations per I_T nexus, APTPL); until then no reservation can exist and PERSISTENT RESERVE
 * IN/OUT answer INVALID COMMAND OPERATION CODE.
 */
package org.jstgt.scsi.pr;
