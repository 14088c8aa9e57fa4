package org.jstgt.device.changer;

import org.jstgt.api.media.ChangerElement.ElementType;

/**
 * The fixed element address layout of every jstgt library (SMC-3 §4.3: element addresses are unique
 * across types; initiators read them from the Element Address Assignment mode page, §7.3.3):
 * medium transport 0001h; import/export elements from 0010h (at most {@value #MAX_MAIL});
 * data transfer elements from 0100h (at most {@value #MAX_DRIVES}); storage elements from 1000h
 * (at most {@value #MAX_SLOTS}). Each element also has a position: 0 the transport, then the
 * import/export elements, the data transfer elements and the storage elements, which is
 * ascending address order.
 */
final class Layout {
    static final int TRANSPORT = 0x0001;
    static final int FIRST_MAIL = 0x0010;
    static final int FIRST_DRIVE = 0x0100;
    static final int FIRST_SLOT = 0x1000;
    static final int MAX_MAIL = FIRST_DRIVE - FIRST_MAIL;
    static final int MAX_DRIVES = 256;
    static final int MAX_SLOTS = 10000;

    private final int mails;
    private final int drives;
    private final int slots;

    Layout(int slots, int mails, int drives) {
        if (slots < 1 || slots > MAX_SLOTS || mails < 0 || mails > MAX_MAIL || drives < 0 || drives > MAX_DRIVES) {
            throw new IllegalArgumentException(slots + " slots, " + mails + " mail slots, " + drives + " drives");
        }
        this.slots = slots;
        this.mails = mails;
        this.drives = drives;
    }

    int slots() {
        return slots;
    }

    int mails() {
        return mails;
    }

    int drives() {
        return drives;
    }

    /** @return the number of elements, the transport included */
    int size() {
        return 1 + mails + drives + slots;
    }

    /** @return the number of elements of a type */
    int count(ElementType type) {
        return switch (type) {
            case MEDIUM_TRANSPORT -> 1;
            case IMPORT_EXPORT -> mails;
            case DATA_TRANSFER -> drives;
            case STORAGE -> slots;
        };
    }

    /** @return the address of the first element of a type */
    static int first(ElementType type) {
        return switch (type) {
            case MEDIUM_TRANSPORT -> TRANSPORT;
            case IMPORT_EXPORT -> FIRST_MAIL;
            case DATA_TRANSFER -> FIRST_DRIVE;
            case STORAGE -> FIRST_SLOT;
        };
    }

    /** @return the position of an element address, or -1 when the library has no such element */
    int position(int address) {
        if (address == TRANSPORT) {
            return 0;
        }
        if (address >= FIRST_MAIL && address < FIRST_MAIL + mails) {
            return 1 + address - FIRST_MAIL;
        }
        if (address >= FIRST_DRIVE && address < FIRST_DRIVE + drives) {
            return 1 + mails + address - FIRST_DRIVE;
        }
        if (address >= FIRST_SLOT && address < FIRST_SLOT + slots) {
            return 1 + mails + drives + address - FIRST_SLOT;
        }
        return -1;
    }

    /** @return the address of a position */
    int address(int position) {
        ElementType t = type(position);
        return first(t) + ordinal(position) - 1;
    }

    /** @return the type of the element at a position */
    ElementType type(int position) {
        if (position == 0) {
            return ElementType.MEDIUM_TRANSPORT;
        }
        if (position <= mails) {
            return ElementType.IMPORT_EXPORT;
        }
        if (position <= mails + drives) {
            return ElementType.DATA_TRANSFER;
        }
        if (position < size()) {
            return ElementType.STORAGE;
        }
        throw new IndexOutOfBoundsException("position " + position);
    }

    /** @return the 1-based number of the element among those of its type */
    int ordinal(int position) {
        return switch (type(position)) {
            case MEDIUM_TRANSPORT -> 1;
            case IMPORT_EXPORT -> position;
            case DATA_TRANSFER -> position - mails;
            case STORAGE -> position - mails - drives;
        };
    }

    /** @return the position of the element of a type with a 1-based ordinal */
    int position(ElementType type, int ordinal) {
        return position(first(type) + ordinal - 1);
    }

    /** @return {@code slot:3 (1002h)}: the shell's name and the address, for messages */
    String describe(int address) {
        int p = position(address);
        if (p < 0) {
            return String.format("%04Xh", address);
        }
        return type(p).word() + ":" + ordinal(p) + String.format(" (%04Xh)", address);
    }
}
