package org.jstgt.scsi.pr;

import static org.jstgt.scsi.pr.Pr.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.List;

import org.jstgt.scsi.spc.Bytes;
import org.junit.jupiter.api.Test;

/** PERSISTENT RESERVE IN parameter data (SPC-4 §6.15.2-5). */
class PrInTest {
    private final PrEngine engine = new PrEngine("d0", new MemoryStore());

    private byte[] data(int sa, int alloc) {
        return PrIn.data(engine.state(), new PrIn.Command(sa, alloc), true);
    }

    @Test
    void readKeysListsEveryKeyInOrder() throws Exception {
        assertArrayEquals(new byte[8], data(PrIn.READ_KEYS, 100), "generation 0, no keys");
        engine.persistentReserveOut(A, register(0, 0x0102030405060708L));
        engine.persistentReserveOut(B, register(0, 0xBB));
        byte[] d = data(PrIn.READ_KEYS, 100);
        assertEquals(24, d.length);
        assertEquals(2, Bytes.u32(d, 0), "PRGENERATION");
        assertEquals(16, Bytes.u32(d, 4), "ADDITIONAL LENGTH");
        assertEquals(0x0102030405060708L, Bytes.u64(d, 8));
        assertEquals(0xBB, Bytes.u64(d, 16));
    }

    @Test
    void truncatedToTheAllocationLengthWithTheWholeLengthTold() throws Exception {
        engine.persistentReserveOut(A, register(0, 0xAA));
        byte[] d = data(PrIn.READ_KEYS, 8);
        assertEquals(8, d.length);
        assertEquals(8, Bytes.u32(d, 4), "libiscsi prin_read_keys_truncate: the length of the whole list");
        assertEquals(0, data(PrIn.READ_FULL_STATUS, 0).length);
    }

    @Test
    void readReservation() throws Exception {
        engine.persistentReserveOut(A, register(0, 0xAA));
        assertArrayEquals(new byte[] {0, 0, 0, 1, 0, 0, 0, 0}, data(PrIn.READ_RESERVATION, 100));
        engine.persistentReserveOut(A, reserve(0xAA, PrType.EXCLUSIVE_ACCESS_REGISTRANTS_ONLY));
        byte[] d = data(PrIn.READ_RESERVATION, 100);
        assertEquals(24, d.length);
        assertEquals(16, Bytes.u32(d, 4));
        assertEquals(0xAA, Bytes.u64(d, 8));
        assertEquals(0x06, d[21], "SCOPE LU_SCOPE, TYPE 6h");
        engine.persistentReserveOut(A, release(0xAA, PrType.EXCLUSIVE_ACCESS_REGISTRANTS_ONLY));
        engine.persistentReserveOut(A, reserve(0xAA, PrType.WRITE_EXCLUSIVE_ALL_REGISTRANTS));
        d = data(PrIn.READ_RESERVATION, 100);
        assertEquals(0, Bytes.u64(d, 8), "an all registrants reservation has key 0");
        assertEquals(0x07, d[21]);
    }

    @Test
    void reportCapabilities() throws Exception {
        byte[] d = data(PrIn.REPORT_CAPABILITIES, 100);
        assertEquals(8, Bytes.u16(d, 0), "LENGTH");
        assertEquals(0x1D, d[2], "CRH, SIP_C, ATP_C, PTPL_C");
        assertEquals((byte) 0x90, d[3], "TMV, ALLOW COMMANDS 001b, PTPL_A 0");
        assertEquals((byte) 0xEA, d[4], "WR_EX_AR, EX_AC_RO, WR_EX_RO, EX_AC, WR_EX");
        assertEquals(0x01, d[5], "EX_AC_AR");
        engine.persistentReserveOut(A, register(0, 0xAA, false, true));
        assertEquals((byte) 0x91, data(PrIn.REPORT_CAPABILITIES, 100)[3], "PTPL_A");
        byte[] noPtpl = PrIn.data(engine.state(), new PrIn.Command(PrIn.REPORT_CAPABILITIES, 100), false);
        assertEquals(0x1C, noPtpl[2]);
        assertEquals((byte) 0x90, noPtpl[3]);
    }

    @Test
    void readFullStatusDescribesEachRegistration() throws Exception {
        engine.persistentReserveOut(A, register(0, 0xAA));
        engine.persistentReserveOut(B, register(0, 0xBB, true, false));
        engine.persistentReserveOut(A, reserve(0xAA, PrType.WRITE_EXCLUSIVE));
        byte[] d = data(PrIn.READ_FULL_STATUS, 4096);
        byte[] idA = new TransportId(NAME_A, "000000000001").encode();
        byte[] idB = new TransportId(NAME_B, "000000000001").encode();
        assertEquals(8 + 24 + idA.length + 24 + idB.length, d.length);
        assertEquals(2, Bytes.u32(d, 0));
        assertEquals(d.length - 8, Bytes.u32(d, 4));
        // A: holder through relative target port 1
        assertEquals(0xAA, Bytes.u64(d, 8));
        assertEquals(0x01, d[8 + 12], "R_HOLDER");
        assertEquals(0x01, d[8 + 13], "SCOPE and TYPE");
        assertEquals(1, Bytes.u16(d, 8 + 18));
        assertEquals(idA.length, Bytes.u32(d, 8 + 20));
        assertArrayEquals(idA, Arrays.copyOfRange(d, 8 + 24, 8 + 24 + idA.length));
        int b = 8 + 24 + idA.length;
        assertEquals(0xBB, Bytes.u64(d, b));
        assertEquals(0x02, d[b + 12], "ALL_TG_PT, not holder");
        assertEquals(0, d[b + 13]);
        assertEquals(0, Bytes.u16(d, b + 18));
        assertArrayEquals(idB, Arrays.copyOfRange(d, b + 24, b + 24 + idB.length));
        byte[] cut = data(PrIn.READ_FULL_STATUS, 40);
        assertArrayEquals(Arrays.copyOf(d, 40), cut, "cut inside the first descriptor");
    }
}
