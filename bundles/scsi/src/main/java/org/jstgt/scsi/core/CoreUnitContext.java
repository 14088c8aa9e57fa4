package org.jstgt.scsi.core;

import java.util.Optional;

import org.jstgt.api.media.MediumOpener;
import org.jstgt.api.scsi.LunDirectory;
import org.jstgt.api.scsi.LunSpec;
import org.jstgt.api.scsi.UnitContext;
import org.jstgt.api.scsi.UnitEvents;
import org.jstgt.api.store.BackingStore;

/** What the core hands a device provider for one unit: its LUN's spec, store and services. */
record CoreUnitContext(LunSpec spec, Optional<BackingStore> store, MediumOpener media, UnitEvents events,
        LunDirectory luns) implements UnitContext {
}
