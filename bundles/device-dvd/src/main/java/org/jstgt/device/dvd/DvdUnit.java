package org.jstgt.device.dvd;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jstgt.api.ConfigException;
import org.jstgt.api.media.MediumOpener;
import org.jstgt.api.media.RemovableMedium;
import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.LogicalUnit;
import org.jstgt.api.scsi.LunSpec;
import org.jstgt.api.scsi.ReservationClass;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.Sense;
import org.jstgt.api.scsi.UnitEvents;
import org.jstgt.scsi.spc.ModePages;
import org.jstgt.scsi.spc.OpcodeTable;
import org.jstgt.scsi.spc.StoreCalls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An MMC-6 CD/DVD-ROM drive (peripheral device type 05h, removable) whose discs are ISO images:
 * the tray ({@link Tray}) and the opcode table its command families fill. Commands run
 * concurrently; each one that touches the disc holds a reference on it for its duration, so an
 * eject or a medium change never closes an image under a read.
 */
final class DvdUnit implements LogicalUnit {
    private static final Logger LOG = LoggerFactory.getLogger(DvdUnit.class);

    /** Device key: the loaded image; absent or empty for an empty tray. */
    static final String MEDIUM = "medium";
    /** Peripheral device type of a CD/DVD device (SPC-4 §6.6.2). */
    static final int PERIPHERAL_TYPE = 0x05;
    /** How long creating the unit waits for its image to open. */
    static final long OPEN_WAIT_MILLIS = 2_000;
    /** How long a close waits for the state file to be written. */
    static final long CLOSE_WAIT_MILLIS = 5_000;

    private volatile LunSpec spec;
    private final Tray tray;
    private final DvdModes modes;
    private final OpcodeTable table;

    private DvdUnit(LunSpec spec, Tray tray, UnitEvents events, boolean descriptorSense) {
        this.spec = spec;
        this.tray = tray;
        this.modes = new DvdModes(tray, descriptorSense);
        List<CommandFamily> families = List.of(new Identify(spec), new Readiness(tray), new Reads(tray),
                new ReadCd(tray), new Configuration(tray), new EventStatus(tray), new DiscInformation(tray),
                new DiscStructure(tray), modes, new Mechanism(tray, modes));
        OpcodeTable.Builder b = OpcodeTable.builder();
        for (CommandFamily f : families) {
            f.register(b);
        }
        this.table = b.reportSupportedOperationCodes().build();
    }

    /**
     * @param spec the LUN definition
     * @param opener opens images
     * @param events the unit's events towards initiators
     * @param workers runs blocking store calls, state file writes and image closes
     * @param file the drive's state file
     * @param launch this framework launch ({@code org.osgi.framework.uuid}), or null
     * @return the unit, its medium loaded or restored
     * @throws ConfigException naming {@code medium} when the configured image cannot be loaded,
     *     {@code store.type} when the LUN names one
     */
    static DvdUnit create(LunSpec spec, MediumOpener opener, UnitEvents events, Executor workers, TrayFile file,
            String launch) throws ConfigException {
        if (!spec.storeType().isEmpty()) {
            throw new ConfigException("store.type", "'" + spec.storeType() + "': a dvd drive opens its images itself;"
                    + " remove store.type (and store.path) and name the image in " + MEDIUM);
        }
        boolean descriptorSense = ModePages.descriptorSense(spec);
        Tray tray = new Tray(spec, opener, events, workers, file, launch);
        tray.restore(OPEN_WAIT_MILLIS);
        return new DvdUnit(spec, tray, events, descriptorSense);
    }

    /** An open that did not complete within the wait (it goes on). */
    static final class StillOpening extends IOException {
        private static final long serialVersionUID = 1L;

        StillOpening(long millis) {
            super("the medium did not open within " + millis + " ms");
        }
    }

    /**
     * Waits, bounded, for a stage on a configuration thread.
     *
     * @throws IOException when it failed with one or timed out
     * @throws ConfigException when it failed with one
     */
    static <T> T await(CompletionStage<T> stage, long millis) throws ConfigException, IOException {
        try {
            return stage.toCompletableFuture().get(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while opening the medium", e);
        } catch (TimeoutException e) {
            throw new StillOpening(millis);
        } catch (ExecutionException e) {
            Throwable c = StoreCalls.unwrap(e);
            if (c instanceof ConfigException ce) {
                throw ce;
            }
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(c);
        }
    }

    /** @return the key a PREVENT is held under: the I_T nexus of a task */
    static String nexus(String initiatorPortName, String targetPortName) {
        return initiatorPortName + "|" + targetPortName;
    }

    @Override
    public CommandDescriptor parse(ScsiTask task) throws ScsiException {
        return table.parse(task);
    }

    @Override
    public ReservationClass reservationClass(Cdb cdb) {
        return table.reservationClass(cdb);
    }

    @Override
    public int peripheralDeviceType() {
        return PERIPHERAL_TYPE;
    }

    @Override
    public long capacityBytes() {
        Disc d = tray.peek();
        return d == null ? 0 : d.blocks() * Disc.BLOCK;
    }

    @Override
    public Optional<RemovableMedium> removableMedium() {
        return Optional.of(tray);
    }

    /** SPC-4 §6.39: an empty drive reports its NOT READY condition to REQUEST SENSE. */
    @Override
    public Optional<Sense> condition() {
        return tray.peek() == null ? Optional.of(tray.notReady()) : Optional.empty();
    }

    /** SPC-4 §6.13: a logical unit reset ends every PREVENT. */
    @Override
    public void reset() {
        tray.resetPrevents();
    }

    /** SPC-4 §6.13: a PREVENT ends with its I_T nexus. */
    @Override
    public void nexusLost(String initiatorPortName, String targetPortName) {
        tray.nexusLost(nexus(initiatorPortName, targetPortName));
    }

    /**
     * Applies a changed {@code medium} in place (the loaded disc leaves even if prevented, the new
     * one is loaded, NOT READY TO READY CHANGE follows); any other change needs a new unit.
     */
    @Override
    public boolean reconfigure(LunSpec next) {
        if (!withoutMedium(next).equals(withoutMedium(spec))) {
            return false;
        }
        String before = spec.property(MEDIUM, "");
        String after = next.property(MEDIUM, "");
        if (!Objects.equals(before, after) && tray.holds(after)) {
            // the value names what the tray holds already (the shell loaded it, then wrote the
            // key): only the record changes
            tray.configured(after);
        } else if (!Objects.equals(before, after)) {
            tray.reconfigure(after).whenComplete((v, e) -> {
                if (e != null) {
                    LOG.error("LUN {} ({}): {}: {}", next.name(), next.origin(), MEDIUM,
                            StoreCalls.unwrap(e).getMessage());
                }
            });
        }
        spec = next;
        return true;
    }

    private static LunSpec withoutMedium(LunSpec s) {
        Map<String, String> p = new HashMap<>(s.properties());
        p.remove(MEDIUM);
        return new LunSpec(s.name(), s.origin(), s.deviceType(), s.storeType(), s.blockSize(), s.readOnly(),
                s.vendor(), s.product(), s.revision(), s.serial(), s.naaId(), p);
    }

    /**
     * Closes the drive, waiting (bounded) until its state file holds the last change: the unit that
     * replaces this one (a bundle update, a reconfiguration) reads it next.
     */
    @Override
    public void close() {
        tray.close();
        try {
            tray.saved().toCompletableFuture().get(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("LUN {}: the drive state was not written before the close: {}", spec.name(), e.toString());
        }
    }

    /** @return the tray (tests) */
    Tray tray() {
        return tray;
    }

    /** @return the opcode table (tests) */
    OpcodeTable opcodeTable() {
        return table;
    }
}
