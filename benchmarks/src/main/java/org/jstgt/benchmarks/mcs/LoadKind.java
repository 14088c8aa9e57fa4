package org.jstgt.benchmarks.mcs;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What {@link McsLoad} keeps in flight ({@code --command}). */
enum LoadKind {
    /** Random READ(10)s of {@code --block} bytes. */
    READ(true),
    /** Random WRITE(10)s of {@code --block} bytes, with immediate data. */
    WRITE(true),
    /** COMPARE AND WRITE of {@code --block} bytes, each slot on its own blocks, every compare equal. */
    CAW(true),
    /** UNMAP of one range of {@code --block} bytes, walking the LUN. */
    UNMAP(true),
    /** WRITE SAME(16) with UNMAP of one block of zeros over {@code --block} bytes, walking the LUN. */
    WRITE_SAME_UNMAP(true),
    /** WRITE SAME(16) of one block of zeros over {@code --block} bytes, walking the LUN (no UNMAP). */
    WRITE_SAME(true),
    /** {@code --bytes} from {@code --lun} to {@code --dest-lun}: READ(16) then WRITE(16) per chunk. */
    HOST_COPY(false),
    /** {@code --bytes} from {@code --lun} to {@code --dest-lun} by EXTENDED COPY(LID1) per chunk. */
    XCOPY(false);

    /** Runs for {@code --seconds} and counts commands; else runs until its bytes are copied. */
    final boolean timed;

    LoadKind(boolean timed) {
        this.timed = timed;
    }

    /** @return the name on the command line: lower case, dashes */
    String option() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static LoadKind parse(String v) {
        for (LoadKind k : values()) {
            if (k.option().equals(v)) {
                return k;
            }
        }
        throw new IllegalArgumentException("--command: " + v + " is not one of " + names());
    }

    static String names() {
        return Arrays.stream(values()).map(LoadKind::option).collect(Collectors.joining("|"));
    }
}
