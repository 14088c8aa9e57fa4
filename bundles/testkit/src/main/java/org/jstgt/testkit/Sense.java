package org.jstgt.testkit;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.OptionalLong;

import org.jstgt.api.scsi.SenseData;
import org.jstgt.api.scsi.SenseKey;

/**
 * Parsed sense data (SPC-4 §4.5): fixed (response codes 70h/71h) or descriptor format (72h/73h),
 * and expectations over it in the style of libiscsi's {@code EXPECT_*} sets.
 *
 * @param responseCode 70h, 71h, 72h or 73h
 * @param key sense key (4 bits)
 * @param asc additional sense code
 * @param ascq additional sense code qualifier
 * @param information the INFORMATION field when present and valid
 * @param senseKeySpecific the 3 sense-key specific bytes as an int (SKSV set), or -1
 * @param raw the sense bytes as received
 */
public record Sense(int responseCode, int key, int asc, int ascq, OptionalLong information, int senseKeySpecific,
        byte[] raw) {

    /**
     * Parses sense data.
     *
     * @param sense the sense bytes (from the SCSI Response data segment, after SenseLength)
     * @return the sense
     * @throws IllegalArgumentException when the bytes are too short or the response code unknown
     */
    public static Sense parse(byte[] sense) {
        if (sense.length < 2) {
            throw new IllegalArgumentException("sense data too short: " + sense.length + " bytes");
        }
        int code = sense[0] & 0x7f;
        switch (code) {
            case 0x70, 0x71 -> {
                // SPC-4 §4.5.3: key in byte 2 bits 0-3, INFORMATION bytes 3-6 (VALID byte 0 bit 7),
                // ASC byte 12, ASCQ byte 13, sense-key specific bytes 15-17 (SKSV byte 15 bit 7)
                if (sense.length < 14) {
                    throw new IllegalArgumentException("fixed-format sense shorter than 14 bytes: " + sense.length);
                }
                OptionalLong info = (sense[0] & 0x80) != 0
                        ? OptionalLong.of(((sense[3] & 0xffL) << 24) | ((sense[4] & 0xff) << 16)
                                | ((sense[5] & 0xff) << 8) | (sense[6] & 0xff))
                        : OptionalLong.empty();
                int sks = sense.length >= 18 && (sense[15] & 0x80) != 0
                        ? (sense[15] & 0xff) << 16 | (sense[16] & 0xff) << 8 | sense[17] & 0xff
                        : -1;
                return new Sense(code, sense[2] & 0x0f, sense[12] & 0xff, sense[13] & 0xff, info, sks, sense.clone());
            }
            case 0x72, 0x73 -> {
                // SPC-4 §4.5.2: key byte 1, ASC byte 2, ASCQ byte 3, descriptors from byte 8
                if (sense.length < 8) {
                    throw new IllegalArgumentException("descriptor sense shorter than 8 bytes: " + sense.length);
                }
                OptionalLong info = OptionalLong.empty();
                int sks = -1;
                int end = Math.min(sense.length, 8 + (sense[7] & 0xff));
                int p = 8;
                while (p + 2 <= end) {
                    int type = sense[p] & 0xff;
                    int len = sense[p + 1] & 0xff;
                    if (p + 2 + len > end) {
                        break;
                    }
                    if (type == 0x00 && len >= 0x0a && (sense[p + 2] & 0x80) != 0) {
                        long v = 0;
                        for (int i = 0; i < 8; i++) {
                            v = v << 8 | (sense[p + 4 + i] & 0xff);
                        }
                        info = OptionalLong.of(v);
                    } else if (type == 0x02 && len >= 6 && (sense[p + 4] & 0x80) != 0) {
                        sks = (sense[p + 4] & 0xff) << 16 | (sense[p + 5] & 0xff) << 8 | sense[p + 6] & 0xff;
                    }
                    p += 2 + len;
                }
                return new Sense(code, sense[1] & 0x0f, sense[2] & 0xff, sense[3] & 0xff, info, sks, sense.clone());
            }
            default -> throw new IllegalArgumentException(String.format("unknown sense response code %02xh", code));
        }
    }

    /** @return the sense key as the API enum */
    public SenseKey senseKey() {
        for (SenseKey k : SenseKey.values()) {
            if (k.code() == key) {
                return k;
            }
        }
        throw new IllegalStateException("reserved sense key " + key);
    }

    /**
     * Field pointer of an ILLEGAL REQUEST (SPC-4 §4.5.2.4.2): byte index in the CDB or parameter list.
     *
     * @return the FIELD POINTER, or -1 when no valid sense-key specific data is present
     */
    public int fieldPointer() {
        return senseKeySpecific < 0 ? -1 : senseKeySpecific & 0xffff;
    }

    /** @return the BIT POINTER when BPV is set, else -1 (the whole byte is meant, or no field pointer) */
    public int fieldBit() {
        return senseKeySpecific >= 0 && (senseKeySpecific & 0x080000) != 0 ? senseKeySpecific >>> 16 & 7 : -1;
    }

    /**
     * @param sense a sense value as devices produce it
     * @return it as an initiator sees it (rendered in descriptor format and parsed)
     */
    public static Sense of(org.jstgt.api.scsi.Sense sense) {
        return parse(SenseData.descriptor(sense));
    }

    /** @return true when the field pointer names a CDB byte (C/D bit), false for the parameter list */
    public boolean fieldInCdb() {
        return senseKeySpecific >= 0 && (senseKeySpecific & 0x400000) != 0;
    }

    /**
     * An expectation: a sense key, an ASC and the ASCQs accepted (libiscsi's {@code EXPECT_LBA_OOB}
     * accepts more than one qualifier).
     *
     * @param key the sense key
     * @param asc additional sense code
     * @param ascqs accepted qualifiers; empty accepts any
     * @return the expectation
     */
    public static Expectation expect(SenseKey key, int asc, int... ascqs) {
        return new Expectation(key, asc, ascqs.clone());
    }

    /** LOGICAL BLOCK ADDRESS OUT OF RANGE (SBC-4 §4.5). */
    public static final Expectation LBA_OUT_OF_RANGE = expect(SenseKey.ILLEGAL_REQUEST, 0x21, 0x00);
    /** INVALID COMMAND OPERATION CODE. */
    public static final Expectation INVALID_OPCODE = expect(SenseKey.ILLEGAL_REQUEST, 0x20, 0x00);
    /** INVALID FIELD IN CDB. */
    public static final Expectation INVALID_FIELD_IN_CDB = expect(SenseKey.ILLEGAL_REQUEST, 0x24, 0x00);
    /** LOGICAL UNIT NOT SUPPORTED. */
    public static final Expectation LUN_NOT_SUPPORTED = expect(SenseKey.ILLEGAL_REQUEST, 0x25, 0x00);
    /** WRITE PROTECTED (and its qualifiers 1-7). */
    public static final Expectation WRITE_PROTECTED = expect(SenseKey.DATA_PROTECT, 0x27, 0, 1, 2, 3, 4, 5, 6, 7);
    /** REPORTED LUNS DATA HAS CHANGED (SPC-4 §6.37 unit attention). */
    public static final Expectation REPORTED_LUNS_CHANGED = expect(SenseKey.UNIT_ATTENTION, 0x3f, 0x0e);
    /** Any power on, reset or bus device reset unit attention (29h/xx). */
    public static final Expectation RESET_OCCURRED = expect(SenseKey.UNIT_ATTENTION, 0x29);
    /** CAPACITY DATA HAS CHANGED. */
    public static final Expectation CAPACITY_CHANGED = expect(SenseKey.UNIT_ATTENTION, 0x2a, 0x09);

    /**
     * What a command's sense must look like.
     *
     * @param key the sense key
     * @param asc additional sense code
     * @param ascqs accepted qualifiers (empty: any)
     */
    public record Expectation(SenseKey key, int asc, int[] ascqs) {

        /**
         * @param sense parsed sense
         * @return true when key, ASC and one of the ASCQs match
         */
        public boolean matches(Sense sense) {
            if (sense.key() != key.code() || sense.asc() != asc) {
                return false;
            }
            if (ascqs.length == 0) {
                return true;
            }
            for (int q : ascqs) {
                if (q == sense.ascq()) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Asserts that a reply is CHECK CONDITION with matching sense.
         *
         * @param reply the reply
         * @throws AssertionError naming what was expected and what came
         */
        public void check(ScsiReply reply) {
            if (reply.status() != org.jstgt.api.scsi.ScsiStatus.CHECK_CONDITION) {
                throw new AssertionError("expected CHECK CONDITION with " + this + " but status was "
                        + ScsiReply.statusName(reply.status()));
            }
            Sense s = reply.sense().orElseThrow(
                    () -> new AssertionError("CHECK CONDITION without sense data, expected " + this));
            if (!matches(s)) {
                throw new AssertionError("expected " + this + " but got " + s);
            }
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(String.format("%s/%02Xh", key, asc));
            if (ascqs.length == 0) {
                sb.append("/any");
            } else {
                sb.append('/');
                for (int i = 0; i < ascqs.length; i++) {
                    sb.append(i == 0 ? "" : "|").append(String.format("%02Xh", ascqs[i]));
                }
            }
            return sb.toString();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Expectation e && e.key == key && e.asc == asc && Arrays.equals(e.ascqs, ascqs);
        }

        @Override
        public int hashCode() {
            return (key.hashCode() * 31 + asc) * 31 + Arrays.hashCode(ascqs);
        }
    }

    @Override
    public String toString() {
        return String.format("Sense[%s ASC %02Xh ASCQ %02Xh%s%s; %s]", keyName(), asc, ascq,
                information.isPresent() ? " INFORMATION " + information.getAsLong() : "",
                fieldPointer() >= 0 ? (fieldInCdb() ? " CDB" : " param") + " byte " + fieldPointer() : "",
                HexFormat.of().formatHex(raw));
    }

    private String keyName() {
        for (SenseKey k : SenseKey.values()) {
            if (k.code() == key) {
                return k.name();
            }
        }
        return "key " + key;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sense s && Arrays.equals(s.raw, raw);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(raw);
    }
}
