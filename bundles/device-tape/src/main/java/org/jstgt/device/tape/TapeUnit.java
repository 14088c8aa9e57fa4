package org.jstgt.device.tape;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.jstgt.api.ConfigException;
import org.jstgt.api.media.RemovableMedium;
import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.CommandResult;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.LogicalUnit;
import org.jstgt.api.scsi.LunSpec;
import org.jstgt.api.scsi.Queueing;
import org.jstgt.api.scsi.ReservationClass;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.Sense;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.scsi.UnitEvents;
import org.jstgt.device.tape.image.TapeImage;
import org.jstgt.scsi.spc.Commands;
import org.jstgt.scsi.spc.ModePages;
import org.jstgt.scsi.spc.OpcodeTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An SSC-3 sequential-access DLT drive ({@code device.type = tape}): peripheral device type 01h,
 * removable medium, commands run one at a time in arrival order ({@link Queueing#IN_ORDER}). The
 * drive's state lives in a {@link Drive} that only the unit's {@link Lane} touches: every command's
 * work, and every load and unload from the shell or a changer, runs there, and completes on the
 * task's executor.
 *
 * <p>State file rule ({@link StateFiles}): the file records the {@code medium} value it was
 * written under. When the LUN's {@code medium} equals it, the recorded cartridge (which a changer or
 * the shell may have changed) is in the drive again, and within the same framework launch (a
 * {@code bundle:update}) also its position, mode parameters and PREVENT holders; otherwise the
 * configured cartridge is loaded fresh. A recorded cartridge whose file is gone leaves the drive
 * empty, with a WARN naming the path.
 */
final class TapeUnit implements LogicalUnit {
    private static final Logger LOG = LoggerFactory.getLogger(TapeUnit.class);
    /** How long a configuration thread waits for the lane (close, reconfigure). */
    static final long CONFIG_WAIT_MILLIS = 30_000;

    /** The work of a command, on the lane. */
    @FunctionalInterface
    interface Work {
        /**
         * @param task the task
         * @param drive the drive
         * @return the result
         * @throws ScsiException CHECK CONDITION without data
         * @throws IOException a failed image (MEDIUM ERROR, WRITE ERROR)
         */
        CommandResult run(ScsiTask task, Drive drive) throws ScsiException, IOException;
    }

    private volatile LunSpec spec;
    private volatile TapeConfig config;
    private final Drive drive;
    private final Lane lane;
    private final UnitEvents events;
    /** Null: no state file (tests, no data area). */
    private final StateFiles states;
    private final Set<String> preventers = ConcurrentHashMap.newKeySet();
    private final OpcodeTable table;
    private final TapeSlot slot = new TapeSlot(this);

    // published after each lane job, for other threads
    private volatile int blockLength;
    private volatile boolean compression;
    private volatile String loadedPath;
    private volatile long capacity;
    private volatile String status = "empty";

    private TapeUnit(LunSpec spec, TapeConfig config, Cartridges cartridges, Executor pool, UnitEvents events,
            StateFiles states, boolean descriptorSense) {
        this.spec = spec;
        this.config = config;
        this.drive = new Drive(cartridges, config);
        this.lane = new Lane(pool, spec.name());
        this.events = events;
        this.states = states;
        List<CommandFamily> families = List.of(new Identity(spec), new MediumControl(this), new Transfers(this),
                new Positioning(this), new ReadPosition(this), new Limits(this), new TapeModes(this, descriptorSense),
                new LogPages());
        OpcodeTable.Builder b = OpcodeTable.builder();
        for (CommandFamily f : families) {
            f.register(b);
        }
        this.table = b.reportSupportedOperationCodes().build();
    }

    /**
     * @param spec the LUN definition
     * @param cartridges opens cartridge images
     * @param pool the bundle's workers
     * @param events the unit's events towards initiators
     * @param states the state files, or null to keep none
     * @return the unit, its cartridge loaded (or restored) and its state file written
     * @throws ConfigException a bad device key, or a configured {@code medium} that cannot be opened
     */
    static TapeUnit create(LunSpec spec, Cartridges cartridges, Executor pool, UnitEvents events, StateFiles states)
            throws ConfigException {
        TapeConfig config = TapeConfig.of(spec);
        TapeUnit u = new TapeUnit(spec, config, cartridges, pool, events, states, ModePages.descriptorSense(spec));
        u.restore();
        return u;
    }

    /** Runs before the unit is published: nothing else touches the drive yet. */
    private void restore() throws ConfigException {
        Optional<DriveState> saved = states == null ? Optional.empty() : states.load(spec.name());
        if (saved.isPresent() && saved.get().mediumConfig().equals(config.mediumText())) {
            DriveState s = saved.get();
            boolean sameLaunch = s.launch().equals(states.launch());
            if (!s.loaded().isEmpty()) {
                Path p = Path.of(s.loaded());
                if (!Files.exists(p)) {
                    LOG.warn("LUN {}: cartridge {} was in the drive but is gone; the drive is empty", spec.name(), p);
                } else if (s.ejected()) {
                    drive.ejected(p);
                } else {
                    try {
                        drive.load(p);
                    } catch (IOException | RuntimeException e) {
                        LOG.warn("LUN {}: cartridge {} cannot be loaded again ({}); the drive is empty", spec.name(), p,
                                e.toString());
                    }
                }
            }
            if (sameLaunch) {
                TapeImage image = drive.image();
                if (image != null) {
                    drive.position(Math.max(0, Math.min(s.position(), image.objects())));
                }
                drive.blockLength(s.blockLength() <= Transfers.MAX_TRANSFER ? Math.max(0, s.blockLength()) : 0);
                drive.density(Density.ofCode(s.density()).orElse(drive.defaultDensity()));
                drive.buffered(s.buffered());
                drive.compression(s.compression());
                preventers.addAll(s.prevent());
            }
            LOG.info("LUN {}: drive state restored ({}{})", spec.name(), describe(),
                    sameLaunch ? ", same launch: position and settings too" : "");
        } else if (config.medium().isPresent()) {
            Path p = config.medium().get();
            try {
                drive.load(p);
            } catch (IOException | RuntimeException e) {
                throw new ConfigException(TapeConfig.MEDIUM, "'" + config.mediumText() + "' cannot be loaded: "
                        + e.getMessage());
            }
        }
        saveState();
        publish();
    }

    /**
     * A command whose work runs on the lane.
     *
     * @param direction its data direction
     * @param length the bytes it transfers (an upper bound for IN)
     * @param work the work
     * @return the descriptor
     */
    CommandDescriptor command(DataDirection direction, int length, Work work) {
        return Commands.command(direction, length, task -> run(task, work));
    }

    private CompletionStage<CommandResult> run(ScsiTask task, Work work) {
        CompletableFuture<CommandResult> done = new CompletableFuture<>();
        lane.execute(() -> {
            CommandResult result = null;
            Throwable failure = null;
            try {
                result = work.run(task, drive);
            } catch (ScsiException e) {
                failure = e;
            } catch (IOException e) {
                failure = new ScsiException(SenseReason.WRITE_ERROR, e.toString());
            } catch (RuntimeException e) {
                LOG.warn("LUN {}: {} failed", spec.name(), task.cdb(), e);
                failure = e;
            }
            publish();
            CommandResult r = result;
            Throwable f = failure;
            Runnable complete = () -> {
                if (f == null) {
                    done.complete(r);
                } else {
                    done.completeExceptionally(f);
                }
            };
            try {
                task.executor().execute(complete);
            } catch (RejectedExecutionException e) {
                // the connection's executor is gone: complete here, nobody waits on its thread
                complete.run();
            }
        });
        return done;
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
        return Identity.SEQUENTIAL_ACCESS;
    }

    @Override
    public long capacityBytes() {
        return capacity;
    }

    @Override
    public Queueing queueing() {
        return Queueing.IN_ORDER;
    }

    @Override
    public Optional<RemovableMedium> removableMedium() {
        return Optional.of(slot);
    }

    /** SPC-4 §6.39: REQUEST SENSE of a drive without a ready cartridge reports why. */
    @Override
    public Optional<Sense> condition() {
        return switch (drive.state()) {
            case LOADED -> Optional.empty();
            case EJECTED -> Optional.of(SenseReason.LOGICAL_UNIT_NOT_READY_INITIALIZING_COMMAND_REQUIRED.sense());
            case EMPTY -> Optional.of(SenseReason.MEDIUM_NOT_PRESENT.sense());
        };
    }

    /** A logical unit reset ends every PREVENT (SPC-4 §6.13); the tape keeps its position. */
    @Override
    public void reset() {
        if (!preventers.isEmpty()) {
            preventers.clear();
            lane.execute(this::saveState);
        }
    }

    /** The PREVENT of that nexus ends with it (SPC-4 §6.13). */
    @Override
    public void nexusLost(String initiatorPortName, String targetPortName) {
        if (preventers.remove(nexus(initiatorPortName, targetPortName))) {
            lane.execute(this::saveState);
        }
    }

    /**
     * Applies in place a change of {@code medium} (unloading the cartridge even while removal is
     * prevented: a configuration edit is an administrator's act, then loading the new one and
     * raising NOT READY TO READY CHANGE), {@code medium.size} and {@code read.only}.
     *
     * @return false for any other change, a bad key, or a new cartridge that cannot be loaded (the
     *     core then builds the unit anew, which reports the key)
     */
    @Override
    public boolean reconfigure(LunSpec next) {
        if (!TapeConfig.differOnlyLive(spec, next)) {
            return false;
        }
        TapeConfig nc;
        try {
            nc = TapeConfig.of(next);
        } catch (ConfigException e) {
            return false;
        }
        try {
            return lane.call(() -> {
                drive.configure(nc);
                // a value that names what the drive holds already (the shell loaded it, then wrote
                // the key) changes nothing but the record
                boolean holds = drive.state() == Drive.State.EMPTY ? nc.medium().isEmpty()
                        : nc.medium().isPresent() && drive.path() != null
                                && nc.medium().get().toAbsolutePath().normalize()
                                        .equals(drive.path().toAbsolutePath().normalize());
                if (!nc.mediumText().equals(config.mediumText()) && !holds) {
                    preventers.clear();
                    if (drive.state() != Drive.State.EMPTY) {
                        try {
                            drive.remove();
                        } catch (IOException e) {
                            LOG.warn("LUN {}: cartridge unloaded with a failed sync: {}", spec.name(), e.toString());
                        }
                    }
                    if (nc.medium().isPresent()) {
                        try {
                            drive.load(nc.medium().get());
                        } catch (IOException | RuntimeException e) {
                            LOG.warn("LUN {}: medium '{}' cannot be loaded: {}", spec.name(), nc.mediumText(),
                                    e.toString());
                            publish();
                            return false;
                        }
                        events.mediumChanged();
                    }
                }
                config = nc;
                spec = next;
                saveState();
                publish();
                return true;
            }, CONFIG_WAIT_MILLIS);
        } catch (Exception e) {
            LOG.warn("LUN {}: reconfiguration not applied in place: {}", spec.name(), e.toString());
            return false;
        }
    }

    /** Makes written data durable, records the position in the state file and closes the cartridge. */
    @Override
    public void close() {
        try {
            lane.call(() -> {
                try {
                    drive.sync();
                } catch (IOException e) {
                    LOG.error("LUN {}: cartridge {} not synced: {}", spec.name(), drive.path(), e.toString());
                }
                saveState();
                drive.close();
                return null;
            }, CONFIG_WAIT_MILLIS);
        } catch (Exception e) {
            LOG.error("LUN {}: tape drive not closed cleanly: {}", spec.name(), e.toString());
        }
    }

    CompletionStage<Void> loadMedium(String path) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        lane.execute(() -> {
            try {
                if (drive.state() != Drive.State.EMPTY) {
                    throw new IllegalStateException("LUN " + spec.name() + " holds " + drive.path() + " already");
                }
                Path p;
                try {
                    p = Path.of(path);
                } catch (InvalidPathException e) {
                    throw new IllegalArgumentException("'" + path + "' is not a path: " + e.getReason());
                }
                drive.load(p);
                saveState();
                publish();
                events.mediumChanged();
                done.complete(null);
            } catch (IOException | RuntimeException e) {
                publish();
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    CompletionStage<Void> unloadMedium(boolean force) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        lane.execute(() -> {
            try {
                if (drive.state() == Drive.State.EMPTY) {
                    throw new IllegalStateException("LUN " + spec.name() + " holds no cartridge");
                }
                if (!preventers.isEmpty() && !force) {
                    throw new IllegalStateException("LUN " + spec.name() + ": medium removal is prevented by "
                            + String.join(", ", preventers));
                }
                preventers.clear();
                try {
                    drive.remove();
                } finally {
                    saveState();
                    publish();
                }
                done.complete(null);
            } catch (IOException | RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    /** A LOAD from an initiator: the others see NOT READY TO READY CHANGE. */
    void loadedByInitiator(ScsiTask task) {
        events.unitAttentionToOthers(SenseReason.NOT_READY_TO_READY_CHANGE_MEDIUM_MAY_HAVE_CHANGED.sense(),
                task.initiatorPortName(), task.targetPortName());
        saveState();
    }

    /** PREVENT ALLOW MEDIUM REMOVAL of one nexus; a change is written to the state file. */
    void prevent(String nexus, boolean prevent) {
        boolean changed = prevent ? preventers.add(nexus) : preventers.remove(nexus);
        if (changed) {
            saveState();
        }
    }

    boolean removalPrevented() {
        return !preventers.isEmpty();
    }

    /** A MODE SELECT changed the drive's settings: the values read at parse follow. */
    void modesChanged() {
        publish();
    }

    UnitEvents events() {
        return events;
    }

    /** @return the block length as last published (for a fixed-block transfer's length at parse) */
    int blockLengthNow() {
        return blockLength;
    }

    /** @return DCE as last published */
    boolean compressionNow() {
        return compression;
    }

    Optional<String> loadedPath() {
        return Optional.ofNullable(loadedPath);
    }

    String status() {
        return status;
    }

    /** @return the key of an I_T nexus */
    static String nexus(ScsiTask task) {
        return nexus(task.initiatorPortName(), task.targetPortName());
    }

    static String nexus(String initiatorPort, String targetPort) {
        return (initiatorPort + "|" + targetPort).replace(' ', '_');
    }

    /** Writes the state file (on the lane, or before the unit is published); a failure is logged. */
    void saveState() {
        if (states == null) {
            return;
        }
        Path p = drive.path();
        DriveState s = new DriveState(config.mediumText(), p == null ? "" : p.toString(),
                drive.state() == Drive.State.EJECTED, states.launch(), drive.position(), drive.blockLength(),
                drive.density().code(), drive.buffered(), drive.compression(), preventers);
        try {
            states.save(spec.name(), s);
        } catch (IOException | RuntimeException e) {
            LOG.warn("LUN {}: tape drive state not saved to {}: {}", spec.name(), states.file(spec.name()),
                    e.toString());
        }
    }

    private void publish() {
        blockLength = drive.blockLength();
        compression = drive.compression();
        Path p = drive.path();
        loadedPath = p == null ? null : p.toString();
        TapeImage image = drive.image();
        capacity = image == null ? 0 : image.capacity();
        status = describe();
    }

    private String describe() {
        return switch (drive.state()) {
            case EMPTY -> "empty";
            case EJECTED -> "unloaded";
            case LOADED -> {
                TapeImage image = drive.image();
                long at = drive.position();
                long files = image.marksBefore(TapeImage.Kind.FILEMARK, at);
                long lastMark = files == 0 ? -1 : image.markAt(TapeImage.Kind.FILEMARK, files - 1);
                String where = "block " + (at - lastMark - 1) + ", file " + files;
                yield at == image.objects() ? "EOD (" + where + ")" : where;
            }
        };
    }
}
