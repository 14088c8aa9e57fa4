package org.jstgt.device.tape;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.Sense;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.device.tape.image.TapeImage;

/**
 * The drive's mechanism and medium: whether a cartridge is in it and threaded, the logical
 * position (the logical object identifier of the next object, SSC-3 logical objects: blocks and filemarks
 * both count, 0 is beginning of partition, {@link TapeImage#objects()} is end of data), and the
 * mode parameters that shape transfers (block length, density, buffered mode, compression).
 * Used only on the unit's {@link Lane}.
 */
final class Drive {
    /** Where the cartridge is. */
    enum State {
        /** No cartridge (NOT READY, MEDIUM NOT PRESENT). */
        EMPTY,
        /** Unloaded by LOAD UNLOAD but still in the drive (NOT READY, INITIALIZING COMMAND REQUIRED). */
        EJECTED,
        /** Threaded and ready. */
        LOADED
    }

    private final Cartridges cartridges;
    private State state = State.EMPTY;
    /** The cartridge in the drive (LOADED or EJECTED), else null. */
    private Path path;
    /** Open while LOADED. */
    private TapeImage image;
    private long position;
    /** Objects were appended or truncated since the last sync. */
    private boolean dirty;
    private long mediumSize;
    private boolean readOnly;
    /** BLOCK LENGTH of the block descriptor: 0 variable-block mode, else fixed-block mode. */
    private int blockLength;
    private Density density;
    private final Density defaultDensity;
    /** BUFFERED MODE 1: GOOD before the data is durable; 0: every write is synced first. */
    private boolean buffered = true;
    /** DCE of the Data Compression mode page (reported; data is stored as written). */
    private boolean compression;

    /**
     * @param cartridges opens cartridge images
     * @param config the LUN's keys
     */
    Drive(Cartridges cartridges, TapeConfig config) {
        this.cartridges = cartridges;
        this.defaultDensity = config.density();
        this.density = config.density();
        configure(config);
    }

    /** Takes the keys that apply in place: the size of new cartridges and write protection. */
    void configure(TapeConfig config) {
        this.mediumSize = config.mediumSize();
        this.readOnly = config.readOnly();
    }

    State state() {
        return state;
    }

    /** @return the cartridge in the drive (loaded or ejected), or null */
    Path path() {
        return path;
    }

    /** @return the open image, or null when not LOADED */
    TapeImage image() {
        return image;
    }

    /**
     * @return the open image
     * @throws ScsiException NOT READY: MEDIUM NOT PRESENT (3Ah/00h) without a cartridge, LOGICAL UNIT
     *     NOT READY, INITIALIZING COMMAND REQUIRED (04h/02h) for an unloaded one (LOAD makes it ready)
     */
    TapeImage ready() throws ScsiException {
        return switch (state) {
            case LOADED -> image;
            case EJECTED -> throw new ScsiException(SenseReason.LOGICAL_UNIT_NOT_READY_INITIALIZING_COMMAND_REQUIRED);
            case EMPTY -> throw new ScsiException(SenseReason.MEDIUM_NOT_PRESENT);
        };
    }

    /**
     * Loads (threads) a cartridge at beginning of partition, creating it with {@code medium.size}
     * when the file does not exist or is empty.
     *
     * @param cartridge the file
     * @throws IOException when it cannot be opened
     */
    void load(Path cartridge) throws IOException {
        if (Files.isRegularFile(cartridge) && Files.size(cartridge) == 0) {
            Files.delete(cartridge);
        }
        TapeImage opened = cartridges.open(cartridge, mediumSize);
        if (image != null) {
            image.close();
        }
        image = opened;
        path = cartridge;
        state = State.LOADED;
        position = 0;
        dirty = false;
    }

    /** Marks a cartridge as in the drive but unloaded (restoring an ejected drive). */
    void ejected(Path cartridge) {
        path = cartridge;
        state = State.EJECTED;
        position = 0;
    }

    /**
     * Unloads: syncs, closes the image; the cartridge stays in the drive, ejected.
     *
     * @throws IOException when the sync fails (the cartridge is unloaded all the same)
     */
    void unload() throws IOException {
        if (image == null) {
            return;
        }
        TapeImage closing = image;
        image = null;
        state = State.EJECTED;
        position = 0;
        dirty = false;
        closing.close();
    }

    /**
     * Takes the cartridge out (unloading it first).
     *
     * @throws IOException when the sync fails (the cartridge is out all the same)
     */
    void remove() throws IOException {
        try {
            unload();
        } finally {
            state = State.EMPTY;
            path = null;
        }
    }

    /** Closes the image without changing the recorded state (the unit is closing). */
    void close() throws IOException {
        if (image != null) {
            TapeImage closing = image;
            image = null;
            closing.close();
        }
    }

    long position() {
        return position;
    }

    /** @param id the new logical position, 0..objects() */
    void position(long id) {
        this.position = id;
    }

    /** @return WP: writes are refused (the drive's {@code read.only} or the cartridge's tab) */
    boolean writeProtected() {
        return readOnly || (image != null && image.writeProtected());
    }

    /**
     * @param id a logical object identifier
     * @return true when the objects before {@code id} reach into the early-warning zone
     *     (SSC-3, early warning)
     */
    boolean pastEarlyWarning(long id) {
        return image != null && image.usedBefore(id) >= image.capacity() - cartridges.earlyWarning(image);
    }

    /** Records that objects were appended or dropped; syncs at once outside buffered mode. */
    void changed() throws IOException {
        dirty = true;
        if (!buffered) {
            sync();
        }
    }

    /** Makes appended objects durable, as a tape drive writes its buffer before moving the tape. */
    void sync() throws IOException {
        if (image != null && dirty) {
            image.sync();
            dirty = false;
        }
    }

    /**
     * {@link #sync()} for a command.
     *
     * @throws ScsiException MEDIUM ERROR, WRITE ERROR when the sync fails
     */
    void syncOrFail() throws ScsiException {
        try {
            sync();
        } catch (IOException e) {
            throw new ScsiException(SenseReason.WRITE_ERROR, "sync: " + e);
        }
    }

    int blockLength() {
        return blockLength;
    }

    void blockLength(int length) {
        this.blockLength = length;
    }

    Density density() {
        return density;
    }

    Density defaultDensity() {
        return defaultDensity;
    }

    void density(Density d) {
        this.density = d;
    }

    boolean buffered() {
        return buffered;
    }

    void buffered(boolean b) {
        this.buffered = b;
    }

    boolean compression() {
        return compression;
    }

    void compression(boolean c) {
        this.compression = c;
    }

    /**
     * @param s a sense
     * @param information INFORMATION (a residual)
     * @param filemark FILEMARK
     * @param eom EOM
     * @param ili ILI
     * @return the sense with those fields (VALID set by INFORMATION)
     */
    static Sense sense(Sense s, long information, boolean filemark, boolean eom, boolean ili) {
        return s.withInformation(information).withStreamBits(filemark, eom, ili);
    }
}
