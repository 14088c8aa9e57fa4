package org.jstgt.scsi.spc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.ReservationClass;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.SenseReason;

/**
 * A device's commands: opcode (and service action) to parser and metadata. Dispatch checks the
 * CONTROL byte of every command, answers unknown opcodes with INVALID COMMAND OPERATION CODE and
 * unknown service actions with INVALID FIELD IN CDB, and can answer REPORT SUPPORTED OPERATION
 * CODES from the metadata, which lists the reservation commands the SCSI core answers for every
 * device ({@link ReservationRows}) with the device's own. Immutable once built; safe for concurrent
 * use.
 */
public final class OpcodeTable {
    /** MAINTENANCE IN (SPC-4 §6.35), whose service action 0Ch is REPORT SUPPORTED OPERATION CODES. */
    public static final int MAINTENANCE_IN = 0xA3;
    /** Service action of REPORT SUPPORTED OPERATION CODES. */
    public static final int REPORT_SUPPORTED_OPERATION_CODES = 0x0C;
    /** Service action of REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS. */
    public static final int REPORT_SUPPORTED_TASK_MANAGEMENT_FUNCTIONS = SupportedTaskManagement.SERVICE_ACTION;

    /** SUPPORT field values (SPC-4 §6.35.3, table 306). */
    private static final int NOT_SUPPORTED = 0b001;
    private static final int SUPPORTED = 0b011;
    /** Command timeouts descriptor length (SPC-4 §6.35.4, table 307). */
    private static final int TIMEOUTS_LENGTH = 12;

    /** @param reservation the class by CDB, or null when the row's class holds for every CDB */
    record Entry(OpcodeInfo info, CommandParser parser, Function<Cdb, ReservationClass> reservation) {
    }

    /** Per opcode: one entry (no service action), or 32 slots by service action. */
    private final Object[] byOpcode = new Object[256];
    private final List<OpcodeInfo> commands;
    /**
     * By TPGS (0..3): the table REPORT SUPPORTED OPERATION CODES answers from, with the rows the
     * core runs for such a target ({@link TargetPortGroupRows}); null when this table reports itself.
     */
    private final OpcodeTable[] reports;

    OpcodeTable(List<Entry> entries, boolean targetPortGroups) {
        List<OpcodeInfo> infos = new ArrayList<>();
        for (Entry e : entries) {
            OpcodeInfo i = e.info();
            Object slot = byOpcode[i.opcode()];
            if (i.hasServiceAction()) {
                if (slot instanceof Entry) {
                    throw new IllegalArgumentException(i + " conflicts with " + ((Entry) slot).info());
                }
                Entry[] sa = slot == null ? new Entry[32] : (Entry[]) slot;
                if (sa[i.serviceAction()] != null) {
                    throw new IllegalArgumentException(i + " registered twice");
                }
                sa[i.serviceAction()] = e;
                byOpcode[i.opcode()] = sa;
            } else {
                if (slot != null) {
                    throw new IllegalArgumentException(i + " registered twice or conflicts with service actions");
                }
                byOpcode[i.opcode()] = e;
            }
            infos.add(i);
        }
        infos.sort(Comparator.comparingInt(OpcodeInfo::opcode).thenComparingInt(OpcodeInfo::serviceAction));
        this.commands = List.copyOf(infos);
        this.reports = targetPortGroups ? TargetPortGroupRows.reports(this, entries) : null;
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Dispatches a command: finds its entry, checks the CONTROL byte and runs its parser.
     *
     * @param task the task
     * @return the parsed command
     * @throws ScsiException INVALID COMMAND OPERATION CODE (20h/00h, field pointer byte 0) for an
     *     unknown opcode, INVALID FIELD IN CDB at byte 1 bit 4 for an unknown service action, or
     *     whatever the command's parser throws
     */
    public CommandDescriptor parse(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        Entry e = lookup(cdb);
        CdbChecks.checkControl(cdb, e.info().cdbLength());
        CommandDescriptor d = e.parser() == null ? reportFor(task).parseReportSupportedOperationCodes(cdb)
                : e.parser().parse(task);
        Objects.requireNonNull(d, () -> e.info() + ": parser returned null");
        return e.info().allowedWithUnitAttention() ? Commands.allowedWithUnitAttention(d) : d;
    }

    /** @return the table REPORT SUPPORTED OPERATION CODES answers from for the task's target */
    private OpcodeTable reportFor(ScsiTask task) {
        return reports == null ? this : reports[task.targetPortGroupSupport() & 0x3];
    }

    private Entry lookup(Cdb cdb) throws ScsiException {
        Object slot = byOpcode[cdb.opcode()];
        if (slot == null) {
            throw new ScsiException(SenseReason.INVALID_COMMAND_OPERATION_CODE,
                    String.format("opcode %02Xh", cdb.opcode())).inCdb(0, -1);
        }
        Entry e = find(cdb);
        if (e == null) {
            throw ScsiException.invalidCdbField(1, 4);
        }
        return e;
    }

    /** @return the entry of the CDB's opcode and (byte 1 bits 4-0, SPC-4 §4.3.3) service action, or null */
    private Entry find(Cdb cdb) {
        Object slot = byOpcode[cdb.opcode()];
        return slot instanceof Entry[] sa ? sa[cdb.u8(1) & 0x1F] : (Entry) slot;
    }

    /**
     * The class of a command against persistent reservations (SPC-4 §5.13.1), for
     * {@link org.jstgt.api.scsi.LogicalUnit#reservationClass}: the row's class, or what the row
     * decides from the CDB's fields (START STOP UNIT, PREVENT ALLOW MEDIUM REMOVAL).
     *
     * @param cdb a CDB
     * @return its class; {@link ReservationClass#WRITE} for a command not in the table
     */
    public ReservationClass reservationClass(Cdb cdb) {
        Entry e = find(cdb);
        if (e == null) {
            return ReservationClass.WRITE;
        }
        return e.reservation() == null ? e.info().reservation() : e.reservation().apply(cdb);
    }

    /**
     * @param opcode the operation code
     * @param serviceAction the service action, or -1
     * @return the metadata of a supported command
     */
    public Optional<OpcodeInfo> info(int opcode, int serviceAction) {
        if (opcode < 0 || opcode > 0xFF) {
            return Optional.empty();
        }
        Object slot = byOpcode[opcode];
        if (slot instanceof Entry e) {
            return serviceAction < 0 ? Optional.of(e.info()) : Optional.empty();
        }
        if (slot instanceof Entry[] sa && serviceAction >= 0 && serviceAction < 32 && sa[serviceAction] != null) {
            return Optional.of(sa[serviceAction].info());
        }
        return Optional.empty();
    }

    /**
     * @return every command the table dispatches, by opcode then service action (not REPORT and
     *     SET TARGET PORT GROUPS, which the core runs)
     */
    public List<OpcodeInfo> commands() {
        return commands;
    }

    /** @return true when {@code opcode} is qualified by service actions in this table */
    public boolean hasServiceActions(int opcode) {
        return opcode >= 0 && opcode <= 0xFF && byOpcode[opcode] instanceof Entry[];
    }

    /**
     * Validates a REPORT SUPPORTED OPERATION CODES CDB (SPC-4 §6.35.1, table 302).
     *
     * @param cdb the CDB
     * @return the descriptor that returns the data
     * @throws ScsiException INVALID FIELD IN CDB for reserved bits, a reserved REPORTING OPTIONS
     *     value, or a request that does not match whether the opcode has service actions
     */
    public CommandDescriptor parseReportSupportedOperationCodes(Cdb cdb) throws ScsiException {
        // byte 1 bits 7-5 reserved; byte 2: RCTD (7), reserved (6-3), REPORTING OPTIONS (2-0)
        CdbChecks.requireZero(cdb, 1, 0xE0);
        CdbChecks.requireZero(cdb, 2, 0x78);
        CdbChecks.requireZero(cdb, 10, 0xFF);
        byte[] data = reportSupportedOperationCodes(cdb);
        // bytes 6-9: ALLOCATION LENGTH
        return Commands.dataIn(CdbChecks.cap(cdb.u32(6)), task -> data);
    }

    /**
     * The REPORT SUPPORTED OPERATION CODES parameter data for a CDB.
     *
     * @param cdb the CDB
     * @return the complete data (before allocation length truncation)
     * @throws ScsiException INVALID FIELD IN CDB at REPORTING OPTIONS (byte 2 bit 2)
     */
    public byte[] reportSupportedOperationCodes(Cdb cdb) throws ScsiException {
        boolean rctd = cdb.bit(2, 7);
        int options = cdb.u8(2) & 0x07;
        int opcode = cdb.u8(3);
        int sa = cdb.u16(4);
        return switch (options) {
            case 0b000 -> allCommands(rctd);
            case 0b001 -> {
                // SPC-4 §6.35.1: an opcode with service actions needs option 010b
                if (hasServiceActions(opcode)) {
                    throw ScsiException.invalidCdbField(2, 2);
                }
                yield oneCommand(info(opcode, -1), rctd);
            }
            case 0b010 -> {
                if (byOpcode[opcode] instanceof Entry) {
                    throw ScsiException.invalidCdbField(2, 2);
                }
                yield oneCommand(sa > 0x1F ? Optional.empty() : info(opcode, sa), rctd);
            }
            case 0b011 -> oneCommand(hasServiceActions(opcode) ? (sa > 0x1F ? Optional.empty() : info(opcode, sa))
                    : info(opcode, -1), rctd);
            default -> throw ScsiException.invalidCdbField(2, 2);
        };
    }

    /** All_commands parameter data (SPC-4 §6.35.2, tables 303 and 304). */
    private byte[] allCommands(boolean rctd) {
        int each = 8 + (rctd ? TIMEOUTS_LENGTH : 0);
        byte[] d = new byte[4 + each * commands.size()];
        // bytes 0-3: COMMAND DATA LENGTH (n - 3)
        Bytes.putU32(d, 0, d.length - 4L);
        int p = 4;
        for (OpcodeInfo i : commands) {
            // byte 0 OPERATION CODE, 2-3 SERVICE ACTION, byte 5 CTDP (1) SERVACTV (0), 6-7 CDB LENGTH
            d[p] = (byte) i.opcode();
            if (i.hasServiceAction()) {
                Bytes.putU16(d, p + 2, i.serviceAction());
            }
            d[p + 5] = (byte) ((rctd ? 0x02 : 0) | (i.hasServiceAction() ? 0x01 : 0));
            Bytes.putU16(d, p + 6, i.cdbLength());
            if (rctd) {
                timeouts(d, p + 8);
            }
            p += each;
        }
        return d;
    }

    /** One_command parameter data (SPC-4 §6.35.3, table 305). */
    private static byte[] oneCommand(Optional<OpcodeInfo> info, boolean rctd) {
        if (info.isEmpty()) {
            // byte 1 SUPPORT 001b: not supported; CDB SIZE 0
            return new byte[] {0, NOT_SUPPORTED, 0, 0};
        }
        OpcodeInfo i = info.get();
        byte[] usage = i.usageData();
        byte[] d = new byte[4 + usage.length + (rctd ? TIMEOUTS_LENGTH : 0)];
        // byte 1: CTDP (7), SUPPORT (2-0); bytes 2-3 CDB SIZE; then CDB USAGE DATA
        d[1] = (byte) ((rctd ? 0x80 : 0) | SUPPORTED);
        Bytes.putU16(d, 2, usage.length);
        System.arraycopy(usage, 0, d, 4, usage.length);
        if (rctd) {
            timeouts(d, 4 + usage.length);
        }
        return d;
    }

    /**
     * Command timeouts descriptor (SPC-4 §6.35.4, table 307): DESCRIPTOR LENGTH 0Ah; NOMINAL and
     * RECOMMENDED timeouts 0 (none indicated: time depends on the backing store).
     */
    private static void timeouts(byte[] d, int at) {
        Bytes.putU16(d, at, 0x0A);
    }

    /** Collects commands, then {@link #build()}. */
    public static final class Builder {
        private final List<Entry> entries = new ArrayList<>();
        private boolean targetPortGroups;

        private Builder() {
        }

        /**
         * Starts a command without a service action.
         *
         * @param opcode the operation code
         * @param name the standard's name, e.g. {@code READ(10)}
         * @param cdbLength 6, 10, 12 or 16
         * @return the command's spec; finish it with {@link Command#handler(CommandParser)}
         */
        public Command command(int opcode, String name, int cdbLength) {
            return new Command(this, opcode, -1, name, cdbLength);
        }

        /**
         * Starts a command qualified by a service action in byte 1 bits 4-0.
         *
         * @param opcode the operation code
         * @param serviceAction the service action
         * @param name the standard's name, e.g. {@code READ CAPACITY(16)}
         * @param cdbLength 10, 12 or 16
         * @return the command's spec
         */
        public Command command(int opcode, int serviceAction, String name, int cdbLength) {
            return new Command(this, opcode, serviceAction, name, cdbLength);
        }

        /**
         * Adds the MAINTENANCE IN reports every device type offers: REPORT SUPPORTED OPERATION
         * CODES (A3h/0Ch), answered from this table, and REPORT SUPPORTED TASK MANAGEMENT
         * FUNCTIONS (A3h/0Dh, {@link SupportedTaskManagement}). The report also lists REPORT and
         * SET TARGET PORT GROUPS to the tasks whose target offers them ({@link TargetPortGroupRows}).
         *
         * @return this
         */
        public Builder reportSupportedOperationCodes() {
            targetPortGroups = true;
            // byte 1 SA, byte 2 RCTD and REPORTING OPTIONS, 3 opcode, 4-5 SA, 6-9 ALLOCATION LENGTH
            byte[] usage = {0, 0x1F, (byte) 0x87, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
                (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0, 0};
            // SPC-4 §5.13.1: allowed through Write Exclusive reservations, conflicts with Exclusive Access
            entries.add(new Entry(new OpcodeInfo(MAINTENANCE_IN, REPORT_SUPPORTED_OPERATION_CODES,
                    "REPORT SUPPORTED OPERATION CODES", 12, DataDirection.IN, true, ReservationClass.READ,
                    usage), null, null));
            entries.add(new Entry(SupportedTaskManagement.info(), SupportedTaskManagement::parse, null));
            return this;
        }

        /**
         * @param info metadata
         * @param parser the parser
         * @return this
         */
        public Builder add(OpcodeInfo info, CommandParser parser) {
            return add(info, parser, null);
        }

        private Builder add(OpcodeInfo info, CommandParser parser, Function<Cdb, ReservationClass> reservation) {
            entries.add(new Entry(info, Objects.requireNonNull(parser, "parser"), reservation));
            return this;
        }

        /**
         * @return the table, with the rows of the reservation commands the core answers
         *     ({@link ReservationRows})
         * @throws IllegalArgumentException when an opcode/service action is registered twice
         */
        public OpcodeTable build() {
            List<Entry> all = new ArrayList<>(entries);
            for (OpcodeInfo i : ReservationRows.rows()) {
                all.add(new Entry(i, ReservationRows::parse, null));
            }
            return new OpcodeTable(all, targetPortGroups);
        }
    }

    /** One command being described; defaults: no data, not allowed with UA, reservation class WRITE. */
    public static final class Command {
        private final Builder builder;
        private final int opcode;
        private final int serviceAction;
        private final String name;
        private final int cdbLength;
        private DataDirection direction = DataDirection.NONE;
        private boolean allowedWithUnitAttention;
        private ReservationClass reservation = ReservationClass.WRITE;
        private Function<Cdb, ReservationClass> byCdb;
        private byte[] usage;

        private Command(Builder builder, int opcode, int serviceAction, String name, int cdbLength) {
            this.builder = builder;
            this.opcode = opcode;
            this.serviceAction = serviceAction;
            this.name = name;
            this.cdbLength = cdbLength;
        }

        /** @return this; the command returns data (Data-In) */
        public Command in() {
            direction = DataDirection.IN;
            return this;
        }

        /** @return this; the command takes data (Data-Out) */
        public Command out() {
            direction = DataDirection.OUT;
            return this;
        }

        /** @return this; the command runs while a unit attention is pending (SAM-5 §5.14) */
        public Command allowedWithUnitAttention() {
            allowedWithUnitAttention = true;
            return this;
        }

        /**
         * @param r the class against persistent reservations
         * @return this
         */
        public Command reservation(ReservationClass r) {
            reservation = Objects.requireNonNull(r);
            return this;
        }

        /**
         * @param rowClass the class reported for the row: the strictest {@code byCdb} answers
         * @param byCdb the class from the CDB's fields, for a command whose class depends on them
         *     (SBC-3's START STOP UNIT and PREVENT ALLOW MEDIUM REMOVAL)
         * @return this
         */
        public Command reservation(ReservationClass rowClass, Function<Cdb, ReservationClass> byCdb) {
            this.reservation = Objects.requireNonNull(rowClass);
            this.byCdb = Objects.requireNonNull(byCdb);
            return this;
        }

        /**
         * CDB USAGE DATA (SPC-4 §6.35.3): per CDB byte, the bits the device server looks at. Byte 0
         * (and the service action bits) are filled in. Without it every byte but CONTROL is
         * reported as fully used.
         *
         * @param masks {@code cdbLength} masks
         * @return this
         */
        public Command usage(int... masks) {
            if (masks.length != cdbLength) {
                throw new IllegalArgumentException(name + ": " + masks.length + " usage masks for a " + cdbLength
                        + "-byte CDB");
            }
            usage = new byte[cdbLength];
            for (int i = 0; i < masks.length; i++) {
                usage[i] = (byte) masks[i];
            }
            return this;
        }

        /**
         * Finishes the command.
         *
         * @param parser validates the CDB and returns the descriptor
         * @return the table builder
         */
        public Builder handler(CommandParser parser) {
            byte[] u = usage;
            if (u == null) {
                u = new byte[cdbLength];
                Arrays.fill(u, 1, cdbLength - 1, (byte) 0xFF);
            }
            return builder.add(new OpcodeInfo(opcode, serviceAction, name, cdbLength, direction,
                    allowedWithUnitAttention, reservation, u), parser, byCdb);
        }
    }
}
