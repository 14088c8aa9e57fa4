package org.jstgt.store.file.hole;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;

import org.jstgt.api.store.StoreExtent;
import org.junit.jupiter.api.Test;

/**
 * Reading a FIEMAP answer into one run: holes before, between and after extents, runs of
 * contiguous extents whatever their flags, clipping to the offset asked and to the store's size, and
 * an answer that cannot be used. The kernel's side is in {@code FileStoreZeroTest} and {@code
 * FileStoreThinTest}.
 */
class ExtentMapTest {
    private static final long K = 4096;
    private static final long SIZE = 1000 * K;

    /** An answer asked from {@code offset} holding extents given as (logical, length) pairs. */
    private static ByteBuffer answer(long offset, long... extents) {
        ByteBuffer b = ExtentMap.request(offset, SIZE - offset, ExtentMap.EXTENTS);
        b.putInt(ExtentMap.FM_MAPPED_EXTENTS, extents.length / 2);
        for (int i = 0; i < extents.length / 2; i++) {
            int at = ExtentMap.HEADER + i * ExtentMap.EXTENT;
            b.putLong(at, extents[2 * i]);
            b.putLong(at + 8, 77 * K); // physical: not looked at
            b.putLong(at + ExtentMap.FE_LENGTH, extents[2 * i + 1]);
            b.putInt(at + 40, i % 2 == 0 ? 0x800 : 0x4); // unwritten, delayed: not looked at either
        }
        return b;
    }

    private static StoreExtent run(long offset, long... extents) {
        return ExtentMap.answer(answer(offset, extents), offset, SIZE);
    }

    @Test
    void noExtentIsAHoleUpToTheEnd() {
        assertEquals(new StoreExtent(5 * K, SIZE - 5 * K, false), run(5 * K));
    }

    @Test
    void aHoleEndsWhereTheFirstExtentStarts() {
        assertEquals(new StoreExtent(0, 10 * K, false), run(0, 10 * K, 5 * K));
        assertEquals(new StoreExtent(3, 10 * K - 3, false), run(3, 10 * K, 5 * K), "from inside a block");
    }

    @Test
    void contiguousExtentsMakeOneRunFromTheOffsetAsked() {
        assertEquals(new StoreExtent(0, 12 * K, true), run(0, 0, 4 * K, 4 * K, 4 * K, 8 * K, 4 * K, 20 * K, K));
        assertEquals(new StoreExtent(6 * K, 6 * K, true), run(6 * K, 4 * K, 4 * K, 8 * K, 4 * K, 20 * K, K),
                "the first extent began before the offset");
    }

    @Test
    void runsEndAtTheStoresSize() {
        assertEquals(new StoreExtent(990 * K, 10 * K, true), run(990 * K, 980 * K, 100 * K));
        assertEquals(new StoreExtent(990 * K, 10 * K, false), run(990 * K, 2000 * K, K));
    }

    @Test
    void aFullAnswerEndsItsRunAtItsLastExtent() {
        long[] extents = new long[2 * ExtentMap.EXTENTS];
        for (int i = 0; i < ExtentMap.EXTENTS; i++) {
            extents[2 * i] = i * K;
            extents[2 * i + 1] = K;
        }
        assertEquals(new StoreExtent(0, ExtentMap.EXTENTS * K, true), run(0, extents));
    }

    @Test
    void anExtentEndingBeforeTheOffsetIsNotUsed() {
        assertNull(run(8 * K, 0, 4 * K));
        assertNull(run(8 * K, 4 * K, 4 * K), "ends exactly at the offset");
    }
}
