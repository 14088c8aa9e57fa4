/**
 * Asymmetric logical unit access (SPC-4 §5.16): target port groups and their access states, the
 * admission step that fails a command not allowed in the state of the port it arrived on (NOT
 * READY / LOGICAL UNIT NOT ACCESSIBLE, ASYMMETRIC ACCESS STATE TRANSITION), and REPORT/SET TARGET
 * PORT GROUPS. Filled by the ALUA issue; until then every port is active/optimized and TPGS is
 * not reported in INQUIRY.
 */
package org.jstgt.scsi.alua;
