/**
 * Bounded memory and backpressure in the data path: the flow limits a target configures, each
 * session's write data budget and immediate command count, unsolicited data kept for commands
 * still waiting for their CmdSN, and the read throttle that stops reading a connection whose peer
 * does not read its answers.
 */
package org.jstgt.iscsi.flow;
