/**
 * Logging what a peer sends: {@link org.jstgt.iscsi.log.LogSafe} escapes and bounds a peer's
 * strings before they reach a log line, and {@link org.jstgt.iscsi.log.LogBudget} bounds how many
 * lines one connection can cause; {@link org.jstgt.iscsi.log.BoundedSetting} reads a ranged
 * setting and reports a bad value with where it came from and its key.
 */
package org.jstgt.iscsi.log;
