package org.jstgt.device.dvd;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.CommandResult;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.ReservationClass;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.Sense;
import org.jstgt.api.scsi.SenseKey;
import org.jstgt.scsi.spc.CdbChecks;
import org.jstgt.scsi.spc.OpcodeTable;

/**
 * READ CD and READ CD MSF (MMC-6) of a CD's Mode 1 sectors, as the CD Read feature
 * requires: per sector the fields byte 9 selects, in sector order (ECMA-130): SYNC (12 bytes:
 * 00h, ten FFh, 00h), the 4-byte HEADER (MSF address in BCD and mode 01h), and the 2048 bytes of
 * USER DATA. An image holds user data only, so EDC and ECC, C2 error information and sub-channel
 * data are not offered (INVALID FIELD IN CDB); a Mode 1 sector has no subheader, so header code 10b
 * selects nothing. A DVD has no CD sectors (CANNOT READ MEDIUM - INCOMPATIBLE FORMAT).
 */
final class ReadCd implements CommandFamily {
    /** ILLEGAL REQUEST, ILLEGAL MODE FOR THIS TRACK (64h/00h): the sectors are not of the expected type. */
    static final Sense ILLEGAL_MODE = Sense.of(SenseKey.ILLEGAL_REQUEST, 0x64, 0x00);
    static final int SYNC = 12;
    static final int HEADER = 4;

    private final Tray tray;

    ReadCd(Tray tray) {
        this.tray = tray;
    }

    @Override
    public void register(OpcodeTable.Builder table) {
        table.command(0xB9, "READ CD MSF", 12).in().reservation(ReservationClass.READ)
                .usage(0, 0x1E, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xF0, 0, 0)
                .handler(t -> parse(t, true))
                .command(0xBE, "READ CD", 12).in().reservation(ReservationClass.READ)
                .usage(0, 0x1E, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xF0, 0, 0)
                .handler(t -> parse(t, false));
    }

    /**
     * READ CD: byte 1 EXPECTED SECTOR TYPE (4-2), DAP (1), other bits reserved; bytes 2-5 STARTING
     * LOGICAL BLOCK ADDRESS; bytes 6-8 TRANSFER LENGTH; byte 9 SYNC (7), HEADER CODES (6-5), USER
     * DATA (4), EDC & ECC (3), C2 ERROR CODE (2-1); byte 10 SUB-CHANNEL DATA SELECTION (2-0). READ CD
     * MSF: byte 2 reserved, bytes 3-5 STARTING M/S/F, bytes 6-8 ENDING M/S/F (not included).
     */
    private CommandDescriptor parse(ScsiTask task, boolean msf) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xE1);
        int expected = (cdb.u8(1) >>> 2) & 0x07;
        if (expected > 5) {
            throw ScsiException.invalidCdbField(1, 4);
        }
        CdbChecks.requireZero(cdb, 9, 0x0F);
        CdbChecks.requireZero(cdb, 10, 0xFF);
        int select = cdb.u8(9);
        boolean sync = (select & 0x80) != 0;
        int headers = (select >>> 5) & 0x03;
        boolean header = headers == 0b01 || headers == 0b11;
        boolean user = (select & 0x10) != 0;
        if (sync && !header) {
            // MMC-6, READ CD: SYNC without the header is an illegal combination
            throw ScsiException.invalidCdbField(9, 7);
        }
        int perSector = (sync ? SYNC : 0) + (header ? HEADER : 0) + (user ? Disc.BLOCK : 0);
        long lba;
        long count;
        if (msf) {
            CdbChecks.requireZeroBytes(cdb, 2, 2);
            long start = frames(cdb, 3);
            long end = frames(cdb, 6);
            if (start < 150) {
                throw ScsiException.invalidCdbField(3, -1);
            }
            if (end < start) {
                throw ScsiException.invalidCdbField(6, -1);
            }
            lba = start - 150;
            count = end - start;
        } else {
            lba = cdb.u32(2);
            count = cdb.u24(6);
        }
        if (count > Reads.MAX_BLOCKS) {
            throw ScsiException.invalidCdbField(6, -1);
        }
        Disc peek = tray.peek();
        if (peek == null) {
            throw new ScsiException(tray.notReady());
        }
        CdbChecks.checkRange(lba, count, peek.blocks());
        return new Command(lba, (int) count, perSector, expected, sync, header, user);
    }

    private static long frames(Cdb cdb, int at) throws ScsiException {
        int m = cdb.u8(at);
        int s = cdb.u8(at + 1);
        int f = cdb.u8(at + 2);
        if (s > 59 || f > 74) {
            throw ScsiException.invalidCdbField(s > 59 ? at + 1 : at + 2, -1);
        }
        return (m * 60L + s) * 75 + f;
    }

    /** One parsed READ CD or READ CD MSF. */
    private final class Command implements CommandDescriptor {
        private final long lba;
        private final int count;
        private final int perSector;
        private final int expected;
        private final boolean sync;
        private final boolean header;
        private final boolean user;

        Command(long lba, int count, int perSector, int expected, boolean sync, boolean header, boolean user) {
            this.lba = lba;
            this.count = count;
            this.perSector = perSector;
            this.expected = expected;
            this.sync = sync;
            this.header = header;
            this.user = user;
        }

        @Override
        public DataDirection direction() {
            return count == 0 || perSector == 0 ? DataDirection.NONE : DataDirection.IN;
        }

        @Override
        public int transferLength() {
            return count * perSector;
        }

        @Override
        public long lba() {
            return lba;
        }

        @Override
        public long blocks() {
            return count;
        }

        @Override
        public CompletionStage<CommandResult> execute(ScsiTask task) {
            Disc d;
            try {
                d = tray.acquire();
            } catch (ScsiException e) {
                return CompletableFuture.failedFuture(e);
            }
            try {
                if (d.dvd()) {
                    throw new ScsiException(DiscStructure.INCOMPATIBLE_FORMAT);
                }
                // EXPECTED SECTOR TYPE 000b (any) or 010b (Mode 1) match the image's sectors; 001b CD-DA
                // and 011b-101b Mode 2 do not
                if (expected != 0 && expected != 2) {
                    throw new ScsiException(ILLEGAL_MODE).withInformation(lba);
                }
                CdbChecks.checkRange(lba, count, d.blocks());
                int length = transferLength();
                if (length == 0) {
                    d.release();
                    return CompletableFuture.completedFuture(CommandResult.good());
                }
                ByteBuffer out = task.dataIn(length);
                ByteBuffer userData = user ? ByteBuffer.allocate(count * Disc.BLOCK) : ByteBuffer.allocate(0);
                CompletionStage<Void> read = user ? d.io().read(lba * Disc.BLOCK, userData, task.executor())
                        : CompletableFuture.completedFuture(null);
                return read.thenApply(v -> {
                    assemble(out, userData.array());
                    return CommandResult.good(length);
                }).whenComplete((v, e) -> d.release());
            } catch (ScsiException | RuntimeException e) {
                d.release();
                return CompletableFuture.failedFuture(e);
            }
        }

        private void assemble(ByteBuffer out, byte[] data) {
            int at = 0;
            for (int i = 0; i < count; i++) {
                if (sync) {
                    out.put(at, (byte) 0);
                    for (int k = 1; k < 11; k++) {
                        out.put(at + k, (byte) 0xFF);
                    }
                    out.put(at + 11, (byte) 0);
                    at += SYNC;
                }
                if (header) {
                    long frames = lba + i + 150;
                    out.put(at, bcd(frames / (60 * 75)));
                    out.put(at + 1, bcd(frames / 75 % 60));
                    out.put(at + 2, bcd(frames % 75));
                    out.put(at + 3, (byte) 0x01);
                    at += HEADER;
                }
                if (user) {
                    out.put(at, data, i * Disc.BLOCK, Disc.BLOCK);
                    at += Disc.BLOCK;
                }
            }
        }
    }

    private static byte bcd(long v) {
        return (byte) (((v / 10) << 4) | (v % 10));
    }
}
