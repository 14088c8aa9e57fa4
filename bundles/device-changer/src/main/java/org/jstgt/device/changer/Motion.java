package org.jstgt.device.changer;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.ReservationClass;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.scsi.spc.CdbChecks;
import org.jstgt.scsi.spc.Commands;
import org.jstgt.scsi.spc.OpcodeTable;

/**
 * The commands that work the mechanism: MOVE MEDIUM (SMC-3 §6.4), EXCHANGE MEDIUM (§6.1),
 * POSITION TO ELEMENT (§6.7), INITIALIZE ELEMENT STATUS (§6.2) and INITIALIZE ELEMENT STATUS
 * WITH RANGE (§6.3). Fields are checked when the command is parsed; the state of the elements
 * when it runs, after the operations before it ({@link Robot}). Byte 1 bits 7-5 of each CDB are
 * the obsolete LUN field, which Linux's {@code ch} driver still fills: ignored.
 */
final class Motion implements CommandFamily {
    static final int INITIALIZE_ELEMENT_STATUS = 0x07;
    static final int POSITION_TO_ELEMENT = 0x2B;
    static final int INITIALIZE_ELEMENT_STATUS_WITH_RANGE = 0x37;
    static final int MOVE_MEDIUM = 0xA5;
    static final int EXCHANGE_MEDIUM = 0xA6;

    private final Robot robot;
    private final Layout layout;

    Motion(Robot robot) {
        this.robot = robot;
        this.layout = robot.layout();
    }

    @Override
    public void register(OpcodeTable.Builder table) {
        int full = 0xFF;
        table.command(INITIALIZE_ELEMENT_STATUS, "INITIALIZE ELEMENT STATUS", 6)
                .usage(0, 0, 0, 0, 0, 0)
                .handler(this::initializeElementStatus)
                .command(INITIALIZE_ELEMENT_STATUS_WITH_RANGE, "INITIALIZE ELEMENT STATUS WITH RANGE", 10)
                .usage(0, 0x03, full, full, 0, 0, full, full, 0, 0)
                .handler(this::initializeElementStatusWithRange)
                .command(POSITION_TO_ELEMENT, "POSITION TO ELEMENT", 10).reservation(ReservationClass.WRITE)
                .usage(0, 0, full, full, full, full, 0, 0, 0x01, 0)
                .handler(this::positionToElement)
                .command(MOVE_MEDIUM, "MOVE MEDIUM", 12)
                .usage(0, 0, full, full, full, full, full, full, 0, 0, 0x01, 0)
                .handler(this::moveMedium)
                .command(EXCHANGE_MEDIUM, "EXCHANGE MEDIUM", 12)
                .usage(0, 0, full, full, full, full, full, full, full, full, 0x03, 0)
                .handler(this::exchangeMedium);
    }

    /**
     * MOVE MEDIUM (SMC-3 §6.4): bytes 2-3 MEDIUM TRANSPORT ADDRESS (0 = the default
     * transport), 4-5 SOURCE ADDRESS, 6-7 DESTINATION ADDRESS, 8-9 reserved, byte 10 INVERT (0).
     * A move into a data transfer element loads the cartridge into the tape LUN, a move out of one
     * unloads it first.
     *
     * @throws ScsiException INVALID ELEMENT ADDRESS (21h/01h) for an address the library does not
     *     have or a destination that cannot hold a cartridge (the transport); INVALID FIELD IN CDB
     *     for INVERT (the transport cannot rotate: Transport Geometry page) and reserved bits
     */
    private CommandDescriptor moveMedium(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0x1F);
        transport(cdb);
        int source = address(cdb, 4);
        int destination = address(cdb, 6);
        if (destination == Layout.TRANSPORT) {
            throw invalidAddress(6);
        }
        CdbChecks.requireZeroBytes(cdb, 8, 9);
        CdbChecks.requireZero(cdb, 10, 0xFE);
        if (cdb.bit(10, 0)) {
            throw ScsiException.invalidCdbField(10, 0);
        }
        return Commands.noData(t -> onTask(t, robot.move(source, destination, requester(t))));
    }

    /**
     * EXCHANGE MEDIUM (SMC-3 §6.1): bytes 2-3 MEDIUM TRANSPORT ADDRESS, 4-5 SOURCE ADDRESS,
     * 6-7 FIRST DESTINATION ADDRESS, 8-9 SECOND DESTINATION ADDRESS, byte 10 INV2 (1), INV1 (0).
     * The source's cartridge goes to the first destination, whose cartridge goes to the second
     * destination (the source, for a swap). Drives are unloaded and loaded as by MOVE MEDIUM;
     * should the second load fail, that cartridge stays in the transport (FULL in READ ELEMENT
     * STATUS), from which MOVE MEDIUM takes it.
     *
     * @throws ScsiException INVALID ELEMENT ADDRESS for an address the library does not have or a
     *     destination that is the transport; INVALID FIELD IN CDB for a first destination equal to
     *     the source (byte 6) or to the second destination (byte 8), INV1/INV2 and reserved bits
     */
    private CommandDescriptor exchangeMedium(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0x1F);
        transport(cdb);
        int source = address(cdb, 4);
        int first = address(cdb, 6);
        int second = address(cdb, 8);
        if (first == Layout.TRANSPORT) {
            throw invalidAddress(6);
        }
        if (second == Layout.TRANSPORT) {
            throw invalidAddress(8);
        }
        if (first == source) {
            throw ScsiException.invalidCdbField(6, -1);
        }
        if (second == first) {
            throw ScsiException.invalidCdbField(8, -1);
        }
        CdbChecks.requireZero(cdb, 10, 0xFF);
        return Commands.noData(t -> onTask(t, robot.exchange(source, first, second, requester(t))));
    }

    /**
     * POSITION TO ELEMENT (SMC-3 §6.7): bytes 2-3 MEDIUM TRANSPORT ADDRESS, 4-5
     * DESTINATION ELEMENT ADDRESS, 6-7 reserved, byte 8 INVERT (0). A virtual transport is
     * everywhere at once: GOOD once the fields are valid.
     */
    private CommandDescriptor positionToElement(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0x1F);
        transport(cdb);
        address(cdb, 4);
        CdbChecks.requireZeroBytes(cdb, 6, 7);
        CdbChecks.requireZero(cdb, 8, 0xFE);
        if (cdb.bit(8, 0)) {
            throw ScsiException.invalidCdbField(8, 0);
        }
        return Commands.good();
    }

    /**
     * INITIALIZE ELEMENT STATUS (SMC-3 §6.2): bytes 1-4 reserved. Rereads the cartridge
     * directory ({@link Robot#rescan}).
     */
    private CommandDescriptor initializeElementStatus(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0x1F);
        CdbChecks.requireZeroBytes(cdb, 2, 4);
        return Commands.noData(t -> onTask(t, robot.rescan(requester(t))));
    }

    /**
     * INITIALIZE ELEMENT STATUS WITH RANGE (SMC-3 §6.3): byte 1 FAST (1), RANGE (0);
     * bytes 2-3 ELEMENT ADDRESS; 4-5 reserved; 6-7 NUMBER OF ELEMENTS; byte 8 reserved. RANGE 0
     * rereads the directory for every element, as INITIALIZE ELEMENT STATUS; RANGE 1 for the
     * elements from ELEMENT ADDRESS on, at most NUMBER OF ELEMENTS of them (those of the
     * library's addresses in that span). FAST asks to skip elements known empty: there is no
     * scan to skip, so it is accepted and changes nothing.
     *
     * @throws ScsiException INVALID ELEMENT ADDRESS (byte 2) when RANGE is 1 and ELEMENT ADDRESS
     *     is not an element of the library
     */
    private CommandDescriptor initializeElementStatusWithRange(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0x1C);
        CdbChecks.requireZeroBytes(cdb, 4, 5);
        CdbChecks.requireZeroBytes(cdb, 8, 8);
        if (!cdb.bit(1, 0)) {
            return Commands.noData(t -> onTask(t, robot.rescan(requester(t))));
        }
        int first = address(cdb, 2);
        int from = layout.position(first);
        int to = Math.min(layout.size(), from + cdb.u16(6));
        return Commands.noData(t -> onTask(t, robot.rescan(requester(t), from, to)));
    }

    private void transport(Cdb cdb) throws ScsiException {
        int t = cdb.u16(2);
        if (t != 0 && t != Layout.TRANSPORT) {
            throw invalidAddress(2);
        }
    }

    private int address(Cdb cdb, int at) throws ScsiException {
        int a = cdb.u16(at);
        if (layout.position(a) < 0) {
            throw invalidAddress(at);
        }
        return a;
    }

    private static ScsiException invalidAddress(int at) {
        return new ScsiException(ChangerSense.INVALID_ELEMENT_ADDRESS).inCdb(at, 7);
    }

    static Robot.Requester requester(ScsiTask t) {
        return new Robot.Requester(t.initiatorPortName(), t.targetPortName());
    }

    /**
     * @param task the command
     * @param work its operation, ending on whatever thread
     * @return completes as {@code work}, on the task's executor, failed with the {@link ScsiException} itself
     */
    static CompletionStage<Void> onTask(ScsiTask task, CompletionStage<Void> work) {
        CompletableFuture<Void> r = new CompletableFuture<>();
        work.whenCompleteAsync((v, e) -> {
            if (e == null) {
                r.complete(null);
            } else {
                r.completeExceptionally(Robot.unwrap(e));
            }
        }, task.executor());
        return r;
    }
}
