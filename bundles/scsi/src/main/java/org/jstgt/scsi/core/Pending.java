package org.jstgt.scsi.core;

import java.util.Map;

/**
 * A configuration refused (bad value, clashing name or IQN), kept for listings and for a retry
 * when what it clashed with goes away.
 */
record Pending(String origin, String name, String problem, Map<String, ?> props) {
}
