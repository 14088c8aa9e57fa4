package org.jstgt.device.disk;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.Sense;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.scsi.UnitEvents;
import org.jstgt.scsi.spc.ModePage;
import org.jstgt.scsi.spc.ModePages;
import org.jstgt.scsi.spc.ModeSelect;
import org.jstgt.scsi.spc.ModeSense;
import org.jstgt.scsi.spc.ModeValues;

/**
 * The disk's mode parameters (SBC-4 §6.5, SPC-4 §7.5): Read-Write Error Recovery (01h),
 * Disconnect-Reconnect (02h), Caching (08h, WCE changeable when the store has a volatile cache),
 * Control (0Ah, D_SENSE changeable) and Informational Exceptions Control (1Ch), all saveable, with
 * the block descriptor; MODE SENSE shows them and MODE SELECT changes them. A change of current
 * values is a MODE PARAMETERS CHANGED unit attention on every other I_T nexus (SPC-4 §6.9); SP
 * writes the saved values through {@link SavedModes}, which also gave the values the unit starts
 * with.
 */
final class DiskModes {
    /** Read-Write Error Recovery mode page (SBC-4 §6.5.9). */
    static final int READ_WRITE_ERROR_RECOVERY = 0x01;
    /** Disconnect-Reconnect mode page (SPC-4 §7.5.9). */
    static final int DISCONNECT_RECONNECT = 0x02;
    /** Caching mode page (SBC-4 §6.5.5). */
    static final int CACHING = 0x08;
    /** WCE in parameter byte 0 (page byte 2) of the Caching mode page. */
    static final int WCE = 0x04;

    /** Events of a unit that is not mapped (tests): nothing is raised. */
    static final UnitEvents NO_EVENTS = new UnitEvents() {
        @Override
        public void unitAttention(Sense sense) {
        }

        @Override
        public void capacityChanged() {
        }

        @Override
        public void mediumChanged() {
        }
    };

    private final ModeValues caching;
    private final ModeValues control;
    private final List<ModeValues> all;
    private final Map<ModePage, ModeValues> byPage = new IdentityHashMap<>();
    private final SavedModes saved;
    private final UnitEvents events;
    private final ModeSense sense;
    private final ModeSelect select;

    /**
     * @param disk the unit (write protection, capacity, block size, whether the store caches)
     * @param descriptorSense the default D_SENSE ({@code sense.format})
     * @param events where MODE PARAMETERS CHANGED goes
     * @param saved the unit's saved values, read here
     */
    DiskModes(DiskUnit disk, boolean descriptorSense, UnitEvents events, SavedModes saved) {
        this.events = events;
        this.saved = saved;
        this.caching = caching(disk.writeCache());
        this.control = ModePages.changeableControl(descriptorSense);
        // Read-Write Error Recovery, 10 parameter bytes all 0: AWRE and ARRE 0 (no reassignment),
        // no retry counts and RECOVERY TIME LIMIT 0 (the store's own error handling applies)
        ModeValues recovery = new ModeValues(READ_WRITE_ERROR_RECOVERY, 0, new byte[10], new byte[10]);
        // Disconnect-Reconnect, 14 parameter bytes all 0: iSCSI negotiates its burst limits at login
        // (MaxBurstLength, FirstBurstLength), so no limit is stated here
        ModeValues disconnect = new ModeValues(DISCONNECT_RECONNECT, 0, new byte[14], new byte[14]);
        this.all = List.of(recovery, disconnect, caching, control, ModePages.saveableInformationalExceptions());
        saved.load(all);
        boolean readOnly = disk.readOnly();
        ModeSense.Builder b = ModeSense.builder()
                // SBC-4 §6.5.1: WP (bit 7) when writes are refused, DPOFUA (bit 4): DPO and FUA accepted
                .deviceSpecificParameter(() -> (readOnly ? 0x80 : 0) | 0x10)
                .blockDescriptors(disk::capacity, disk.blockSize());
        for (ModeValues v : all) {
            ModePage p = v.page();
            byPage.put(p, v);
            b.page(p);
        }
        this.sense = b.build();
        this.select = new ModeSelect(sense, this::apply);
    }

    /**
     * Caching mode page (SBC-4 §6.5.5), 18 parameter bytes: WCE (byte 2 bit 2) by default when the
     * store keeps a volatile cache that FLUSH makes durable, and then changeable (WCE 0 makes every
     * write durable before GOOD); without such a cache WCE is 0 and not changeable. RCD 0, no
     * pre-fetch or segment parameters.
     */
    private static ModeValues caching(boolean volatileCache) {
        byte[] defaults = new byte[18];
        byte[] mask = new byte[18];
        if (volatileCache) {
            defaults[0] = WCE;
            mask[0] = WCE;
        }
        return new ModeValues(CACHING, 0, defaults, mask);
    }

    ModeSense modeSense() {
        return sense;
    }

    ModeSelect modeSelect() {
        return select;
    }

    /** @return WCE of the current Caching page: writes may stay in the store's volatile cache */
    boolean writeCacheEnabled() {
        return caching.currentBit(0, WCE);
    }

    /** @return D_SENSE of the current Control page */
    boolean descriptorSense() {
        return control.currentBit(0, ModePages.D_SENSE);
    }

    private CompletionStage<Void> apply(ScsiTask task, List<ModeSelect.Change> pages, boolean save) {
        boolean changed = false;
        for (ModeSelect.Change c : pages) {
            changed |= byPage.get(c.page()).select(c.parameters());
        }
        if (changed) {
            events.unitAttentionToOthers(SenseReason.MODE_PARAMETERS_CHANGED.sense(), task.initiatorPortName(),
                    task.targetPortName());
        }
        if (!save) {
            return CompletableFuture.completedFuture(null);
        }
        all.forEach(ModeValues::save);
        return saved.save(all, task.executor());
    }
}
