package org.jstgt.scsi.core;

import java.util.Arrays;
import java.util.Map;
import java.util.SortedMap;

/**
 * An immutable LUN number -> LUN table of one target, indexed by number: a lookup on the command
 * path is one array read, and a change (one LUN appearing or going) copies one array of at most
 * 16384 references rather than rebuilding a hash map, so that a target of 16384 LUNs comes alive
 * in time linear in its LUNs.
 */
final class LunMap {
    static final LunMap EMPTY = new LunMap(new LunRuntime[0], new int[0]);

    /** Visits a mapping. */
    @FunctionalInterface
    interface Visitor {
        void visit(int number, LunRuntime lun);
    }

    /** Index = LUN number; null where none is mapped. Never written after construction. */
    private final LunRuntime[] slots;
    /** The mapped numbers, ascending. */
    private final int[] numbers;

    private LunMap(LunRuntime[] slots, int[] numbers) {
        this.slots = slots;
        this.numbers = numbers;
    }

    static LunMap of(SortedMap<Integer, LunRuntime> sorted) {
        if (sorted.isEmpty()) {
            return EMPTY;
        }
        LunRuntime[] s = new LunRuntime[sorted.lastKey() + 1];
        int[] n = new int[sorted.size()];
        int i = 0;
        for (Map.Entry<Integer, LunRuntime> e : sorted.entrySet()) {
            s[e.getKey()] = e.getValue();
            n[i++] = e.getKey();
        }
        return new LunMap(s, n);
    }

    /** @return the LUN mapped at {@code lun}, or null */
    LunRuntime get(int lun) {
        return lun >= 0 && lun < slots.length ? slots[lun] : null;
    }

    /** @return the mapped numbers, ascending (do not modify) */
    int[] numbers() {
        return numbers;
    }

    /** @return the number of mapped LUNs */
    int size() {
        return numbers.length;
    }

    void forEach(Visitor v) {
        for (int n : numbers) {
            v.visit(n, slots[n]);
        }
    }

    /**
     * @param number a LUN number
     * @param lun the LUN to map there, or null to unmap it
     * @return a map with that one change (this one when nothing changes)
     */
    LunMap with(int number, LunRuntime lun) {
        if (get(number) == lun) {
            return this;
        }
        int length = lun != null ? Math.max(slots.length, number + 1) : slots.length;
        LunRuntime[] s = Arrays.copyOf(slots, length);
        s[number] = lun;
        int count = numbers.length + (lun == null ? -1 : get(number) == null ? 1 : 0);
        int[] n = new int[count];
        int i = 0;
        for (int k = 0; k < s.length && i < count; k++) {
            if (s[k] != null) {
                n[i++] = k;
            }
        }
        return new LunMap(s, n);
    }

    boolean sameAs(LunMap other) {
        if (!Arrays.equals(numbers, other.numbers)) {
            return false;
        }
        for (int n : numbers) {
            if (slots[n] != other.slots[n]) {
                return false;
            }
        }
        return true;
    }
}
