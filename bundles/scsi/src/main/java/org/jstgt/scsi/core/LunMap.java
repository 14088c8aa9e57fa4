package org.jstgt.scsi.core;

import java.util.Map;
import java.util.TreeMap;

/** An immutable LUN number -> LUN table of one target. */
record LunMap(Map<Integer, LunRuntime> byNumber, int[] numbers) {
    static final LunMap EMPTY = new LunMap(Map.of(), new int[0]);

    static LunMap of(TreeMap<Integer, LunRuntime> sorted) {
        int[] n = sorted.keySet().stream().mapToInt(Integer::intValue).toArray();
        return new LunMap(Map.copyOf(sorted), n);
    }

    LunRuntime get(int lun) {
        return byNumber.get(lun);
    }

    boolean sameAs(LunMap other) {
        if (byNumber.size() != other.byNumber.size()) {
            return false;
        }
        for (Map.Entry<Integer, LunRuntime> e : byNumber.entrySet()) {
            if (other.byNumber.get(e.getKey()) != e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
