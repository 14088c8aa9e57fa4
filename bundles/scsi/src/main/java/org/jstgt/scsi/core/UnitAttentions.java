package org.jstgt.scsi.core;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import org.jstgt.api.scsi.Sense;
import org.jstgt.api.target.UnitAttentionListener;

/**
 * Pending unit attention conditions of one I_T nexus, per LUN (SAM-5 §5.14): reported oldest first,
 * each condition at most once.
 */
final class UnitAttentions {
    private final Map<Integer, LinkedHashSet<Sense>> pending = new HashMap<>();
    private volatile boolean any;

    /** Told of each condition newly established (see Nexus#onUnitAttention); null for none. */
    private volatile UnitAttentionListener listener;

    void listen(UnitAttentionListener l) {
        listener = l;
    }

    void add(int lun, Sense reason) {
        boolean added;
        synchronized (this) {
            added = pending.computeIfAbsent(lun, k -> new LinkedHashSet<>()).add(reason);
            any = true;
        }
        UnitAttentionListener l = listener;
        if (added && l != null) {
            l.raised(lun, reason);
        }
    }

    /** @return the oldest pending condition for the LUN, removed, or null */
    Sense poll(int lun) {
        if (!any) {
            return null;
        }
        synchronized (this) {
            LinkedHashSet<Sense> q = pending.get(lun);
            if (q == null || q.isEmpty()) {
                return null;
            }
            Iterator<Sense> it = q.iterator();
            Sense r = it.next();
            it.remove();
            if (q.isEmpty()) {
                pending.remove(lun);
                any = !pending.isEmpty();
            }
            return r;
        }
    }

    /** Clears a condition on every LUN of the nexus. */
    synchronized void clear(Sense reason) {
        pending.values().forEach(q -> q.remove(reason));
        pending.values().removeIf(Set::isEmpty);
        any = !pending.isEmpty();
    }

    /** Drops the conditions of LUN numbers that are no longer mapped. */
    synchronized void retain(Set<Integer> luns) {
        pending.keySet().retainAll(luns);
        any = !pending.isEmpty();
    }

    synchronized boolean has(int lun, Sense reason) {
        LinkedHashSet<Sense> q = pending.get(lun);
        return q != null && q.contains(reason);
    }
}
