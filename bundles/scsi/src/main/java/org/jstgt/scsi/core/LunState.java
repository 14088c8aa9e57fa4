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

    /**
     * Taken offline by its configuration ({@code offline = true}): mapped, no unit, store closed;
     * the core answers INQUIRY ({@link OfflineUnit}), REPORT LUNS and REQUEST SENSE, and every
     * other command gets NOT READY, MANUAL INTERVENTION REQUIRED.
     *
     * @param unit what the core answers for it
     */
    record Offline(OfflineUnit unit) implements LunState {
        @Override
        public String toString() {
            return "OFFLINE";
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
