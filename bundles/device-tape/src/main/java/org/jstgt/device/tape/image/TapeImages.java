package org.jstgt.device.tape.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Opens and makes tape cartridge images ({@code .tape} files, format in TAPE-IMAGE.md). One file
 * is one cartridge; its name without the extension is the cartridge's barcode. An empty file (an
 * administrator's {@code touch}) is a blank cartridge, made into an image when it is first opened.
 * An image is locked while open, so two drives never write one cartridge.
 */
public final class TapeImages {
    /** The file name extension of cartridge images, without the dot. */
    public static final String EXTENSION = "tape";
    /** The smallest capacity of a cartridge: 1 MiB. */
    public static final long MIN_CAPACITY = 1L << 20;
    /** The largest capacity of a cartridge: 64 TiB. */
    public static final long MAX_CAPACITY = 64L << 40;
    private static final long MIN_EARLY_WARNING = 64L << 10;
    private static final long MAX_EARLY_WARNING = 1L << 30;

    private TapeImages() {
    }

    /**
     * @param capacity a capacity in bytes
     * @return the early-warning zone of a new cartridge: capacity/50, at least 64 KiB and at most 1 GiB
     */
    public static long defaultEarlyWarning(long capacity) {
        return Math.min(capacity / 2, Math.max(MIN_EARLY_WARNING, Math.min(MAX_EARLY_WARNING, capacity / 50)));
    }

    /**
     * Makes a blank cartridge image.
     *
     * @param file the file to create; must not exist
     * @param capacity native capacity in bytes, {@link #MIN_CAPACITY}..{@link #MAX_CAPACITY}
     * @param worm a write-once cartridge
     * @throws java.nio.file.FileAlreadyExistsException when the file exists
     * @throws IllegalArgumentException when the capacity is out of range (the message says the range)
     */
    public static void create(Path file, long capacity, boolean worm) throws IOException {
        checkCapacity(capacity);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            FileTapeImage.format(ch, identity(capacity, worm), false);
        }
    }

    /**
     * Opens an existing cartridge image, read-only when the file is not writable (the image then
     * reports {@link TapeImage#writeProtected()}).
     *
     * @throws NoSuchFileException when the file does not exist
     * @throws TapeImageException when the file is blank, not a tape image, of an unsupported version,
     *     damaged beyond recovery, or in use
     */
    public static TapeImage open(Path file) throws IOException {
        return open(file, 0);
    }

    /**
     * Opens a cartridge image, making a blank one first when the file does not exist or is empty.
     *
     * @param file the image
     * @param blankCapacity the capacity of a cartridge made here; 0 to refuse a missing or blank file
     * @throws IllegalArgumentException when {@code blankCapacity} is neither 0 nor in range
     * @throws NoSuchFileException when the file does not exist and {@code blankCapacity} is 0
     * @throws TapeImageException when the file is blank and cannot be made an image, is not a tape
     *     image, is of an unsupported version, damaged beyond recovery, or in use
     */
    public static TapeImage open(Path file, long blankCapacity) throws IOException {
        if (blankCapacity != 0) {
            checkCapacity(blankCapacity);
        }
        if (blankCapacity == 0 && !Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such cartridge image");
        }
        boolean writable = !Files.exists(file) || Files.isWritable(file);
        FileChannel ch = writable
                ? FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)
                : FileChannel.open(file, StandardOpenOption.READ);
        try {
            lock(ch, file, writable);
            if (blank(ch)) {
                if (!writable || blankCapacity == 0) {
                    throw new TapeImageException(file, "blank cartridge (empty file)"
                            + (writable ? " and no capacity to make it with" : " that is not writable"));
                }
                FileTapeImage.format(ch, identity(blankCapacity, false), false);
            }
            return FileTapeImage.open(ch, file, writable);
        } catch (IOException | RuntimeException | Error e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Sets or clears a cartridge's write-protect tab (committed to the image).
     *
     * @throws TapeImageException when the file is not a tape image or is in use
     */
    public static void setWriteProtected(Path file, boolean on) throws IOException {
        if (!Files.isWritable(file)) {
            throw new TapeImageException(file, "not a writable file");
        }
        try (TapeImage image = open(file)) {
            ((FileTapeImage) image).protect(on);
        }
    }

    private static void checkCapacity(long capacity) {
        if (capacity < MIN_CAPACITY || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("tape capacity " + capacity + " is not in " + MIN_CAPACITY + " (1 MiB).."
                    + MAX_CAPACITY + " (64 TiB) bytes");
        }
    }

    private static Identity identity(long capacity, boolean worm) {
        UUID id = UUID.randomUUID();
        return new Identity(capacity, defaultEarlyWarning(capacity), worm, System.currentTimeMillis(),
                id.getMostSignificantBits(), id.getLeastSignificantBits());
    }

    /**
     * @return whether the file is empty, or no longer than a header whose making was interrupted:
     *     its first 8 bytes hold no more of the magic than a torn write leaves (each byte 0 or the
     *     magic's)
     */
    static boolean blank(FileChannel ch) throws IOException {
        long size = ch.size();
        if (size == 0) {
            return true;
        }
        if (size > Identity.DATA_START) {
            return false;
        }
        ByteBuffer magic = ByteBuffer.allocate(Identity.MAGIC.length);
        FileTapeImage.readFully(ch, magic.limit((int) Math.min(size, magic.capacity())), 0);
        boolean whole = magic.position() == Identity.MAGIC.length;
        for (int i = 0; i < magic.position(); i++) {
            if (magic.get(i) != 0 && magic.get(i) != Identity.MAGIC[i]) {
                return false;
            }
            whole &= magic.get(i) == Identity.MAGIC[i];
        }
        return !whole || size < Identity.DATA_START;
    }

    private static void lock(FileChannel ch, Path file, boolean writable) throws IOException {
        FileLock lock;
        try {
            lock = ch.tryLock(0, Long.MAX_VALUE, !writable);
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            throw new TapeImageException(file, "in use (locked by another drive or process)");
        }
    }
}
