package org.jstgt.device.changer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;

import org.jstgt.api.ConfigException;
import org.jstgt.api.media.MediaChanger;
import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.LogicalUnit;
import org.jstgt.api.scsi.LunSpec;
import org.jstgt.api.scsi.Queueing;
import org.jstgt.api.scsi.ReservationClass;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.UnitContext;
import org.jstgt.scsi.spc.ModePages;
import org.jstgt.scsi.spc.OpcodeTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An SMC-3 media changer (peripheral device type 08h): a tape library of storage slots,
 * import/export elements (mail slots) and data transfer elements bound to the target's tape LUNs,
 * with cartridges from a directory ({@link ChangerConfig}). Its commands run one at a time in
 * arrival order ({@link Queueing#IN_ORDER}); the shell's moves join the same queue
 * ({@link Robot}). Its contents survive restarts and bundle updates in a {@link StateFile}.
 */
final class ChangerUnit implements LogicalUnit {
    private static final Logger LOG = LoggerFactory.getLogger(ChangerUnit.class);
    static final int PERIPHERAL_DEVICE_TYPE = 0x08;
    /** How long {@link #close()} waits for a shell's move under way. */
    private static final long CLOSE_WAIT_MILLIS = 30_000;
    /**
     * How long a move waits for a configured drive whose LUN is not active: the core's bound for
     * holding commands while a provider is away (15 s), so that a bundle update of the tape device
     * is invisible to the changer's initiators too.
     */
    static final Duration DRIVE_WAIT = Duration.ofSeconds(15);

    private final Robot robot;
    private final OpcodeTable table;
    private final ShellChanger shell;

    private ChangerUnit(Robot robot, Identity identity) {
        this.robot = robot;
        OpcodeTable.Builder b = OpcodeTable.builder();
        for (CommandFamily f : List.of(identity, new Readiness(robot), new ElementStatus(robot), new Motion(robot))) {
            f.register(b);
        }
        this.table = b.reportSupportedOperationCodes().build();
        this.shell = new ShellChanger(robot);
    }

    /**
     * Builds a changer: reads its keys, prepares the cartridge directory, restores the saved
     * contents reconciled with the directory (or fills the slots on a first start) and saves them.
     *
     * @param context the LUN's context
     * @param stateDir directory of the state files, or null to keep none
     * @param launch this framework launch ({@code org.osgi.framework.uuid}); PREVENT holders saved
     *     in the same launch are restored
     * @param workers runs the mechanism and file I/O
     * @return the unit
     * @throws ConfigException naming a bad {@code changer.*} key or {@code sense.format}
     */
    static ChangerUnit create(UnitContext context, Path stateDir, String launch, Executor workers)
            throws ConfigException {
        return create(context, stateDir, launch, workers, DRIVE_WAIT);
    }

    /**
     * @param driveWait how long a move waits for a configured drive whose LUN is not active
     * @see #create(UnitContext, Path, String, Executor)
     */
    static ChangerUnit create(UnitContext context, Path stateDir, String launch, Executor workers,
            Duration driveWait) throws ConfigException {
        LunSpec spec = context.spec();
        ChangerConfig config = ChangerConfig.of(spec);
        boolean dSense = ModePages.descriptorSense(spec);
        Layout layout = config.layout();
        MediaDirectory media = new MediaDirectory(spec.name(), config.media());
        media.prepare();
        Map<String, Cartridge> found;
        try {
            found = media.scan();
        } catch (java.io.IOException e) {
            throw new ConfigException(ChangerConfig.MEDIA, "'" + config.media() + "' cannot be read: " + e);
        }
        String thisLaunch = launch == null || launch.isBlank() ? "unknown" : launch.strip();
        StateFile state = new StateFile(StateFile.of(stateDir, spec.name()));
        Library library = new Library(spec.name(), layout, config.drives());
        Prevention prevention = new Prevention();
        Optional<StateFile.Saved> saved = state.read();
        if (saved.isPresent() && saved.get().media().equals(config.media().toString())) {
            library.restore(saved.get().elements(), found);
            if (saved.get().launch().equals(thisLaunch)) {
                prevention.restore(saved.get().preventers());
            }
            LOG.info("changer {}: contents restored from {}", spec.name(), state.path());
        } else {
            if (saved.isPresent()) {
                LOG.info("changer {}: {} changed from {} to {}: the slots are filled afresh", spec.name(),
                        ChangerConfig.MEDIA, saved.get().media(), config.media());
            }
            library.fill(found);
        }
        for (String d : config.drives()) {
            if (context.luns().spec(d).isEmpty()) {
                LOG.warn("changer {}: drive {} of {} is not a configured LUN (yet)", spec.name(), d,
                        ChangerConfig.DRIVES);
            }
        }
        Robot robot = new Robot(spec.name(), library, media, state, thisLaunch, context.luns(), context.events(),
                prevention, new Serial(workers), driveWait);
        robot.save();
        return new ChangerUnit(robot, new Identity(spec, layout, dSense));
    }

    @Override
    public CommandDescriptor parse(ScsiTask task) throws ScsiException {
        return table.parse(ObsoleteLun.strip(task));
    }

    @Override
    public ReservationClass reservationClass(Cdb cdb) {
        return table.reservationClass(cdb);
    }

    @Override
    public Queueing queueing() {
        return Queueing.IN_ORDER;
    }

    @Override
    public int peripheralDeviceType() {
        return PERIPHERAL_DEVICE_TYPE;
    }

    @Override
    public long capacityBytes() {
        return 0;
    }

    @Override
    public Optional<MediaChanger> mediaChanger() {
        return Optional.of(shell);
    }

    /** The nexus's PREVENT of the import/export elements ends with it (SPC-4 §6.13). */
    @Override
    public void nexusLost(String initiatorPortName, String targetPortName) {
        if (robot.prevention().prevent(Prevention.nexus(initiatorPortName, targetPortName), false)) {
            robot.savePrevention();
        }
    }

    /** A logical unit reset ends every PREVENT of the mail slots (SPC-4 §6.13). */
    @Override
    public void reset() {
        boolean changed = false;
        for (String holder : robot.prevention().holders()) {
            changed |= robot.prevention().prevent(holder, false);
        }
        if (changed) {
            robot.savePrevention();
        }
    }

    /** Waits, bounded, for a shell's move under way; the state is saved by then. */
    @Override
    public void close() {
        if (!robot.serial().drain(CLOSE_WAIT_MILLIS)) {
            LOG.warn("changer {}: closed while a move was still under way", robot.name());
        }
    }

    Robot robot() {
        return robot;
    }

    OpcodeTable opcodeTable() {
        return table;
    }
}
