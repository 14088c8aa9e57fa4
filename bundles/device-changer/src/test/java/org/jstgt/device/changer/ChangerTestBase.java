package org.jstgt.device.changer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

import org.jstgt.api.ConfigException;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.LunSpec;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.Sense;
import org.jstgt.api.scsi.SenseKey;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** A library in a temporary directory, CDB builders (as Linux {@code ch} and mtx fill them) and sense expectations. */
abstract class ChangerTestBase {
    static final int TRANSPORT = 0x0001;
    static final int MAIL1 = 0x0010;
    static final int DRIVE1 = 0x0100;
    static final int DRIVE2 = 0x0101;
    static final int SLOT1 = 0x1000;
    static final String OTHER_INITIATOR = "iqn.2026-11.org.jstgt:other,i,0x000000000002";

    @TempDir
    Path tmp;
    Path media;
    Path states;
    /** Runs the mechanism on the caller's thread: every test step completes before the next. */
    Executor workers = Runnable::run;
    /** Moves fail at once on an inactive drive unless a test waits. */
    java.time.Duration driveWait = java.time.Duration.ZERO;
    TestContext context;

    Path media() throws IOException {
        if (media == null) {
            media = Files.createDirectories(tmp.resolve("tapes"));
            states = tmp.resolve("state");
        }
        return media;
    }

    void cartridges(String... files) throws IOException {
        for (String f : files) {
            Files.write(media().resolve(f), new byte[0]);
        }
    }

    Map<String, String> props(int slots, int mails, String drives) throws IOException {
        Map<String, String> p = new HashMap<>();
        p.put(ChangerConfig.SLOTS, Integer.toString(slots));
        p.put(ChangerConfig.MAILSLOTS, Integer.toString(mails));
        p.put(ChangerConfig.DRIVES, drives);
        p.put(ChangerConfig.MEDIA, media().toString());
        return p;
    }

    static LunSpec spec(Map<String, String> props) {
        return new LunSpec("lib0", "etc/jstgt.lun-lib0.cfg", "changer", "", 512, false, "JSTGT", "VIRTUAL-LIBRARY",
                "0001", "lib0", 0x3000000000000008L, props);
    }

    /** A library of 8 slots, 1 mail slot and drives tape0 (LUN 1), tape1 (LUN 2). */
    ChangerUnit library(String... files) throws IOException, ConfigException {
        cartridges(files);
        return unit(props(8, 1, "tape0, tape1"), "launch-1");
    }

    ChangerUnit unit(Map<String, String> props, String launch) throws IOException, ConfigException {
        media();
        if (context == null) {
            context = new TestContext(spec(props));
            context.drive("tape0", 1);
            context.drive("tape1", 2);
        }
        TestContext c = new TestContext(spec(props));
        c.units.putAll(context.units);
        c.specs.putAll(context.specs);
        c.lunNumbers.putAll(context.lunNumbers);
        context = c;
        return ChangerUnit.create(context, states, launch, workers, driveWait);
    }

    FakeDrive drive(String name) {
        return (FakeDrive) context.units.get(name);
    }

    String path(String file) {
        return media.resolve(file).toString();
    }

    // ---- CDBs

    static FakeScsiTask readElementStatus(int type, boolean voltag, int start, int count, boolean dvcid, int alloc) {
        return FakeScsiTask.of(0xB8, (voltag ? 0x10 : 0) | type, start >>> 8, start, count >>> 8, count,
                dvcid ? 1 : 0, alloc >>> 16, alloc >>> 8, alloc, 0, 0);
    }

    static FakeScsiTask moveMedium(int transport, int source, int destination) {
        return FakeScsiTask.of(0xA5, 0, transport >>> 8, transport, source >>> 8, source, destination >>> 8,
                destination, 0, 0, 0, 0);
    }

    static FakeScsiTask positionToElement(int transport, int destination) {
        return FakeScsiTask.of(0x2B, 0, transport >>> 8, transport, destination >>> 8, destination, 0, 0, 0, 0);
    }

    static FakeScsiTask initializeElementStatus() {
        return FakeScsiTask.of(0x07, 0, 0, 0, 0, 0);
    }

    static FakeScsiTask preventAllow(boolean prevent) {
        return FakeScsiTask.of(0x1E, 0, 0, 0, prevent ? 1 : 0, 0);
    }

    static FakeScsiTask fromOther(FakeScsiTask t) {
        return t.toBuilder().initiator("iqn.2026-11.org.jstgt:other", OTHER_INITIATOR).build();
    }

    // ---- running

    /** Parses and runs; returns the Data-In byte count; throws the command's ScsiException. */
    static int run(ChangerUnit u, FakeScsiTask t) throws ScsiException {
        CommandDescriptor d = u.parse(t);
        try {
            return d.execute(t).toCompletableFuture().join().dataInLength();
        } catch (CompletionException e) {
            if (Robot.unwrap(e) instanceof ScsiException s) {
                throw s;
            }
            throw e;
        }
    }

    /** Runs a Data-In command and returns its data. */
    static byte[] data(ChangerUnit u, FakeScsiTask t) throws ScsiException {
        int n = run(u, t);
        return n == 0 ? new byte[0] : t.dataInBytes(n);
    }

    static ScsiException expect(Sense sense, Executable e) {
        ScsiException x = assertThrows(ScsiException.class, e);
        Sense s = x.sense();
        assertTrue(s.key() == sense.key() && s.asc() == sense.asc() && s.ascq() == sense.ascq(),
                "expected " + sense + ", got " + x.getMessage());
        return x;
    }

    static ScsiException expect(SenseReason reason, Executable e) {
        return expect(reason.sense(), e);
    }

    static void invalidField(int fieldByte, int fieldBit, Executable e) {
        fieldPointer(expect(SenseReason.INVALID_FIELD_IN_CDB, e), fieldByte, fieldBit);
    }

    static void invalidAddress(int fieldByte, Executable e) {
        fieldPointer(expect(ChangerSense.INVALID_ELEMENT_ADDRESS, e), fieldByte, 7);
    }

    static void fieldPointer(ScsiException x, int fieldByte, int fieldBit) {
        org.jstgt.testkit.Sense s = org.jstgt.testkit.Sense.of(x.sense());
        assertTrue(s.fieldInCdb(), "field pointer in the CDB");
        assertEquals(fieldByte, s.fieldPointer(), "field pointer byte");
        assertEquals(fieldBit, s.fieldBit(), "field pointer bit");
    }

    static int u16(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    static int u24(byte[] b, int at) {
        return ((b[at] & 0xFF) << 16) | u16(b, at + 1);
    }

    static String ascii(byte[] b, int at, int n) {
        return new String(b, at, n, java.nio.charset.StandardCharsets.US_ASCII);
    }

    static final Sense NOT_READY_0400 = Sense.of(SenseKey.NOT_READY, 4, 0);
}
