package org.jstgt.device.tape.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.jstgt.device.tape.image.TapeImage.Kind;

/** What a tape image should hold: its objects in order, and checks of an image against them. */
final class Model {
    /** A logical object: a block's bytes, or a mark (data null). */
    record Obj(Kind kind, byte[] data) {
        boolean same(Obj o) {
            return kind == o.kind && Arrays.equals(data, o.data);
        }

        int length() {
            return data == null ? 0 : data.length;
        }
    }

    final List<Obj> objects = new ArrayList<>();

    Model copy() {
        Model m = new Model();
        m.objects.addAll(objects);
        return m;
    }

    long used(long id) {
        long u = 0;
        for (int i = 0; i < id; i++) {
            u += objects.get(i).length() + Records.HEADER;
        }
        return u;
    }

    /** @return the objects of an image, every block read whole */
    static List<Obj> contents(TapeImage t) throws IOException {
        List<Obj> out = new ArrayList<>();
        for (long id = 0; id < t.objects(); id++) {
            Kind k = t.kind(id);
            if (k == Kind.BLOCK) {
                ByteBuffer b = ByteBuffer.allocate(t.length(id));
                assertEquals(b.capacity(), t.read(id, b));
                out.add(new Obj(k, b.array()));
            } else {
                out.add(new Obj(k, null));
            }
        }
        return out;
    }

    /** @return whether {@code a} begins with {@code b}'s first n objects */
    static boolean prefix(List<Obj> whole, List<Obj> part) {
        if (part.size() > whole.size()) {
            return false;
        }
        for (int i = 0; i < part.size(); i++) {
            if (!whole.get(i).same(part.get(i))) {
                return false;
            }
        }
        return true;
    }

    static int common(List<Obj> a, List<Obj> b) {
        int n = 0;
        while (n < a.size() && n < b.size() && a.get(n).same(b.get(n))) {
            n++;
        }
        return n;
    }

    /** Checks every query of the image against the model; reads every block (some with a short buffer). */
    void check(TapeImage t, Random r) throws IOException {
        int n = objects.size();
        assertEquals(n, t.objects(), "objects");
        assertEquals(used(n), t.used(), "used");
        long fm = 0;
        long sm = 0;
        List<Long> fms = new ArrayList<>();
        List<Long> sms = new ArrayList<>();
        long used = 0;
        for (int id = 0; id <= n; id++) {
            assertEquals(fm, t.marksBefore(Kind.FILEMARK, id), "filemarks before " + id);
            assertEquals(sm, t.marksBefore(Kind.SETMARK, id), "setmarks before " + id);
            assertEquals(used, t.usedBefore(id), "used before " + id);
            if (id == n) {
                break;
            }
            Obj o = objects.get(id);
            assertEquals(o.kind(), t.kind(id), "kind of " + id);
            assertEquals(o.length(), t.length(id), "length of " + id);
            used += o.length() + Records.HEADER;
            if (o.kind() == Kind.FILEMARK) {
                fms.add((long) id);
                fm++;
            } else if (o.kind() == Kind.SETMARK) {
                sms.add((long) id);
                sm++;
            } else {
                int room = r.nextInt(4) == 0 ? r.nextInt(o.length() + 1) : o.length() + r.nextInt(3);
                ByteBuffer b = ByteBuffer.allocate(room + 2).position(1).limit(room + 1);
                int got = t.read(id, b);
                assertEquals(Math.min(room, o.length()), got, "read length of " + id);
                assertEquals(1 + got, b.position());
                assertArrayEquals(Arrays.copyOf(o.data(), got), Arrays.copyOfRange(b.array(), 1, 1 + got),
                        "data of " + id);
            }
        }
        for (int i = 0; i < fms.size(); i++) {
            assertEquals(fms.get(i), t.markAt(Kind.FILEMARK, i));
        }
        for (int i = 0; i < sms.size(); i++) {
            assertEquals(sms.get(i), t.markAt(Kind.SETMARK, i));
        }
        assertEquals(-1, t.markAt(Kind.FILEMARK, fms.size()));
        assertEquals(-1, t.markAt(Kind.SETMARK, sms.size()));
        assertEquals(-1, t.markAt(Kind.FILEMARK, -1));
        assertThrows(IndexOutOfBoundsException.class, () -> t.kind(n));
        assertThrows(IndexOutOfBoundsException.class, () -> t.length(-1));
        assertThrows(IndexOutOfBoundsException.class, () -> t.marksBefore(Kind.FILEMARK, n + 1));
    }
}
