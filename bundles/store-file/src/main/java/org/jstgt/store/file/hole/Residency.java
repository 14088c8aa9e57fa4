package org.jstgt.store.file.hole;

import java.nio.ByteBuffer;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * Whether a range of a file mapping is all in memory (mincore(2)). On tmpfs a page that is not is a
 * hole, or swapped out. Touching a hole through a shared mapping allocates a page for it (read(2)
 * returns zeros and allocates nothing), so a thin file would fill with pages of zeros as it is read;
 * touching a swapped-out page would swap it in on the caller's thread. A pure memory query under the
 * process's memory map lock: fine on an event loop, unlike the file calls of {@link HoleFile}. Only
 * after {@link Holes#available()} says JNA is here.
 *
 * <p>Since Linux 5.2 mincore reports pages of a file the process neither owns nor may write only
 * when this process mapped them itself: for such a (read-only) file every range reads as not in
 * memory, and its reads are copied.
 */
public final class Residency {
    private static final long PAGE = Holes.available() ? Libc.getpagesize() : 4096;

    private Residency() {
    }

    /**
     * @param window a direct buffer over a file mapping
     * @param at offset in it
     * @param length byte count, positive, {@code at + length <= window.capacity()}
     * @return true when every page of those bytes is in memory; false when one is not, or on any
     *     failure (the caller then reads with read(2))
     */
    public static boolean all(ByteBuffer window, long at, int length) {
        if (!Holes.available()) {
            return false;
        }
        long base = Pointer.nativeValue(Native.getDirectBufferPointer(window));
        long start = (base + at) & -PAGE;
        long end = base + at + length;
        byte[] vec = new byte[(int) ((end - start + PAGE - 1) / PAGE)];
        try {
            Libc.mincore(start, end - start, vec);
        } catch (LastErrorException e) {
            return false;
        }
        for (byte b : vec) {
            if ((b & 1) == 0) {
                return false;
            }
        }
        return true;
    }
}
