package org.jstgt.scsi.core;

/** Where a LUN is in its life. */
sealed interface LunState {
    /** Serving on a unit. */
    record Active(UnitHandle handle) implements LunState {
        @Override
        public String toString() {
            return "ACTIVE";
        }
    }

    /** A provider is missing or the unit is being reopened: commands are held. */
    record Waiting(String why) implements LunState {
        @Override
        public String toString() {
            return "WAITING(" + why + ")";
        }
    }

    /** Opening failed: commands get NOT READY until the configuration or a provider changes. */
    record Failed(String why) implements LunState {
        @Override
        public String toString() {
            return "FAILED(" + why + ")";
        }
    }

    /** The configuration was deleted. */
    record Removed() implements LunState {
        @Override
        public String toString() {
            return "REMOVED";
        }
    }
}
