package org.jstgt.api.media;

import java.util.Objects;

/**
 * One element of a media changer as listings show it (SMC-3 §4.3, READ ELEMENT STATUS).
 *
 * @param address the element address
 * @param type its type
 * @param ordinal 1-based number among the elements of its type (slot 1, drive 2, ...)
 * @param full true when it holds a cartridge
 * @param volumeTag the cartridge's barcode (primary volume tag), empty when empty
 * @param drive for a data transfer element the tape LUN's name, else empty
 * @param accessible false when the element cannot be reached now (a drive whose LUN is not
 *     active, a mail slot an initiator locked with PREVENT ALLOW MEDIUM REMOVAL still counts as
 *     accessible)
 */
public record ChangerElement(int address, ElementType type, int ordinal, boolean full, String volumeTag, String drive,
        boolean accessible) {

    public ChangerElement {
        Objects.requireNonNull(type, "type");
        volumeTag = volumeTag == null ? "" : volumeTag;
        drive = drive == null ? "" : drive;
    }

    /** Element types and their ELEMENT TYPE CODE (SMC-3 §6.10, table 18). */
    public enum ElementType {
        /** Medium transport element (the robot arm), code 1. */
        MEDIUM_TRANSPORT(1, "transport"),
        /** Storage element (a slot), code 2. */
        STORAGE(2, "slot"),
        /** Import/export element (a mail slot), code 3. */
        IMPORT_EXPORT(3, "mail"),
        /** Data transfer element (a drive), code 4. */
        DATA_TRANSFER(4, "drive");

        private final int code;
        private final String word;

        ElementType(int code, String word) {
            this.code = code;
            this.word = word;
        }

        /** @return the ELEMENT TYPE CODE */
        public int code() {
            return code;
        }

        /** @return the word the shell uses ({@code slot:3}, {@code drive:1}, {@code mail:1}, {@code transport:1}) */
        public String word() {
            return word;
        }
    }
}
