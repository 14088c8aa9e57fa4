package org.jstgt.device.changer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jstgt.api.media.ChangerElement.ElementType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which cartridge is in which element, as the changer believes: the in-memory contents, how they
 * are restored from a {@link StateFile} and reconciled with the cartridge directory, and how they
 * are saved. The medium transport never holds a cartridge (a move is atomic). Thread-safe: every
 * method holds the object's lock.
 */
final class Library {
    private static final Logger LOG = LoggerFactory.getLogger(Library.class);

    private final String lun;
    private final Layout layout;
    private final List<String> drives;
    private final Holding[] held;

    Library(String lun, Layout layout, List<String> drives) {
        this.lun = lun;
        this.layout = layout;
        this.drives = List.copyOf(drives);
        this.held = new Holding[layout.size()];
    }

    Layout layout() {
        return layout;
    }

    /** @return the LUN name of a data transfer element's drive */
    String drive(int position) {
        return drives.get(layout.ordinal(position) - 1);
    }

    synchronized Holding at(int position) {
        return held[position];
    }

    synchronized void set(int position, Holding h) {
        held[position] = h;
    }

    /** @return a copy of every element's holding, by position */
    synchronized Holding[] snapshot() {
        return held.clone();
    }

    /** @return the barcodes in the library */
    synchronized Set<String> barcodes() {
        Set<String> out = new HashSet<>();
        for (Holding h : held) {
            if (h != null) {
                out.add(h.cartridge().barcode());
            }
        }
        return out;
    }

    /** @return the first empty element of a type, or -1 */
    synchronized int firstEmpty(ElementType type) {
        return firstEmpty(type, 0, held.length);
    }

    /** @return the first empty element of a type at a position from {@code from} to before {@code to}, or -1 */
    synchronized int firstEmpty(ElementType type, int from, int to) {
        int first = layout.position(Layout.first(type));
        for (int i = 0; i < layout.count(type); i++) {
            int p = first + i;
            if (p >= from && p < to && held[p] == null) {
                return p;
            }
        }
        return -1;
    }

    /** @return the state-file key of an element: {@code slot:3}, {@code mail:1}, {@code drive:<lun>} */
    String key(int position) {
        ElementType t = layout.type(position);
        return t == ElementType.DATA_TRANSFER ? "drive:" + drive(position) : t.word() + ":" + layout.ordinal(position);
    }

    /** @return the position of a state-file key in this layout, or -1 */
    int position(String key) {
        int colon = key.indexOf(':');
        if (colon < 0) {
            return -1;
        }
        String word = key.substring(0, colon);
        String rest = key.substring(colon + 1);
        if (word.equals(ElementType.DATA_TRANSFER.word())) {
            int i = drives.indexOf(rest);
            return i < 0 ? -1 : layout.position(ElementType.DATA_TRANSFER, i + 1);
        }
        for (ElementType t : new ElementType[] {ElementType.STORAGE, ElementType.IMPORT_EXPORT}) {
            if (word.equals(t.word())) {
                try {
                    int n = Integer.parseInt(rest);
                    return n >= 1 && n <= layout.count(t) ? layout.position(t, n) : -1;
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /** @return the holdings by state-file key, in position order */
    synchronized Map<String, Holding> byKey() {
        Map<String, Holding> out = new LinkedHashMap<>();
        for (int p = 0; p < held.length; p++) {
            if (held[p] != null) {
                out.put(key(p), held[p]);
            }
        }
        return out;
    }

    /**
     * First start: the storage elements take the directory's cartridges in barcode order; those
     * beyond the last slot stay out, with a warning.
     *
     * @param cartridges the directory's cartridges in barcode order
     */
    synchronized void fill(Map<String, Cartridge> cartridges) {
        List<String> left = new ArrayList<>();
        for (Cartridge c : cartridges.values()) {
            int p = firstEmpty(ElementType.STORAGE);
            if (p < 0) {
                left.add(c.file());
            } else {
                held[p] = new Holding(c, -1, false);
            }
        }
        if (!left.isEmpty()) {
            LOG.warn("changer {}: {} cartridges do not fit in {} slots and stay out of the library: {}", lun,
                    left.size(), layout.slots(), left);
        }
    }

    /**
     * Takes saved contents, reconciled with the directory: a cartridge whose file is gone leaves its
     * element empty; one whose element no longer exists ({@code changer.slots} lowered, a drive
     * left {@code changer.drives}) goes back to the element it came from when that is empty, else
     * to the first empty slot, else stays out; a source address this layout does not have is
     * forgotten. Cartridges new in the directory are not added (INITIALIZE ELEMENT STATUS does).
     * Each change is logged.
     *
     * @param saved the saved holdings by key
     * @param cartridges the directory's cartridges by barcode
     */
    synchronized void restore(Map<String, Holding> saved, Map<String, Cartridge> cartridges) {
        Set<String> placed = new HashSet<>();
        List<Holding> homeless = new ArrayList<>();
        for (Map.Entry<String, Holding> e : saved.entrySet()) {
            Holding h = e.getValue();
            Cartridge now = cartridges.get(h.cartridge().barcode());
            if (now == null || !now.file().equals(h.cartridge().file())) {
                LOG.warn("changer {}: {} held {}, whose file is gone from the cartridge directory: now empty", lun,
                        e.getKey(), h.cartridge().file());
                continue;
            }
            if (!placed.add(now.barcode())) {
                LOG.warn("changer {}: {} held {}, which another element holds already: now empty", lun, e.getKey(),
                        now.file());
                continue;
            }
            int source = h.source() >= 0 && layout.position(h.source()) >= 0 ? h.source() : -1;
            Holding fixed = new Holding(now, source, h.imported());
            int p = position(e.getKey());
            if (p < 0) {
                homeless.add(fixed);
            } else {
                held[p] = fixed;
            }
        }
        for (Holding h : homeless) {
            int p = h.source() >= 0 ? layout.position(h.source()) : -1;
            if (p < 0 || held[p] != null || layout.type(p) == ElementType.DATA_TRANSFER) {
                p = firstEmpty(ElementType.STORAGE);
            }
            if (p < 0) {
                LOG.warn("changer {}: no empty slot for {}, whose element the configuration removed: it stays out"
                        + " of the library", lun, h.cartridge().file());
                continue;
            }
            LOG.warn("changer {}: {}'s element is no longer configured: it is now in {}", lun, h.cartridge().file(),
                    layout.describe(layout.address(p)));
            held[p] = new Holding(h.cartridge(), h.source(), false);
        }
    }
}
