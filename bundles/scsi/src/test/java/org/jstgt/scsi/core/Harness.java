package org.jstgt.scsi.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.jstgt.api.scsi.DeviceProvider;
import org.jstgt.api.scsi.ScsiStatus;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.store.BackingStoreProvider;
import org.jstgt.api.target.Nexus;
import org.jstgt.api.target.PreparedCommand;
import org.jstgt.api.target.ScsiResult;
import org.jstgt.testkit.ConfigProps;
import org.jstgt.testkit.FakeScsiTask;

/** A manager with fake providers, and helpers to run commands and read sense. */
class Harness implements AutoCloseable {
    static final String IQN = "iqn.2026-11.org.jstgt:t1";
    static final String INITIATOR = "iqn.2026-01.org.test:init";
    static final String INITIATOR_PORT = INITIATOR + ",i,0x1";

    final LunManager manager;
    final Fakes.StoreProvider stores = new Fakes.StoreProvider();
    final Fakes.DeviceProvider devices = new Fakes.DeviceProvider();

    Harness(long holdMillis) {
        manager = new LunManager(holdMillis, 5_000);
    }

    /** A manager that keeps the LUNs' reservations in {@code dir}, for the framework launch named. */
    Harness(java.nio.file.Path dir, String launch) {
        manager = new LunManager(15_000, 5_000, dir, launch);
    }

    Harness withProviders() {
        manager.addStoreProvider(stores, Map.of(BackingStoreProvider.TYPE, "fake"));
        manager.addDeviceProvider(devices, Map.of(DeviceProvider.TYPE, "fake"));
        return this;
    }

    static Map<String, Object> lunProps(String name, String... kv) {
        return ConfigProps.override(ConfigProps.fromFile("jstgt.lun-" + name + ".cfg", "service.pid", "jstgt.lun." + name,
                "device.type", "fake", "store.type", "fake", "size", "1MiB"), kv);
    }

    static Map<String, Object> targetProps(String name, String... kv) {
        return ConfigProps.override(ConfigProps.fromFile("jstgt.target-" + name + ".cfg", "iqn", IQN), kv);
    }

    void lun(String name, String... kv) {
        manager.lunUpdated("pid-lun-" + name, lunProps(name, kv));
    }

    void target(String name, String... kv) {
        manager.targetUpdated("pid-target-" + name, targetProps(name, kv));
    }

    Nexus nexus() {
        return manager.target(IQN).orElseThrow().openNexus(INITIATOR,
                INITIATOR_PORT, IQN + ",t,0x1", 1);
    }

    /** A nexus whose power-on unit attentions are consumed. */
    Nexus quietNexus(int... luns) throws Exception {
        Nexus n = nexus();
        for (int l : luns) {
            run(n, Tasks.requestSense(l, false, 18));
        }
        return n;
    }

    static ScsiResult run(Nexus n, FakeScsiTask t) throws Exception {
        PreparedCommand p = n.prepare(t);
        if (p.immediateResult() != null) {
            return p.immediateResult();
        }
        return p.execute().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static void assertGood(ScsiResult r) {
        assertEquals(ScsiStatus.GOOD, r.status(), () -> "status " + r.status() + " sense " + describe(r.sense()));
    }

    /**
     * A command aborted by another nexus's action: TASK ABORTED status, which the fabric sends
     * (TAS 1), not {@link ScsiResult#ABORTED}'s silence.
     */
    static void assertTaskAborted(ScsiResult r, String what) {
        assertEquals(ScsiStatus.TASK_ABORTED, r.status(), () -> what + ": status " + r.status());
        assertFalse(r.aborted(), () -> what + ": answered, not dropped");
    }

    static void assertSense(ScsiResult r, SenseReason reason) {
        assertEquals(ScsiStatus.CHECK_CONDITION, r.status(), "status");
        assertFixed(r.sense(), reason);
    }

    static void assertFixed(byte[] s, SenseReason reason) {
        assertEquals(0x70, s[0] & 0x7F, "response code");
        assertEquals(reason.key().code(), s[2] & 0x0F, () -> "sense key in " + describe(s));
        assertEquals(reason.asc(), s[12] & 0xFF, () -> "ASC in " + describe(s));
        assertEquals(reason.ascq(), s[13] & 0xFF, () -> "ASCQ in " + describe(s));
    }

    /**
     * The field pointer of fixed format sense (SPC-4 §4.5.2.4.2, bytes 15-17): SKSV, C/D, BPV and
     * BIT POINTER, FIELD POINTER.
     *
     * @param bit the bit, or -1 when the pointer names the whole byte
     */
    static void assertFieldPointer(byte[] s, boolean inCdb, int field, int bit) {
        int b0 = s[15] & 0xFF;
        assertEquals(0x80, b0 & 0x80, () -> "SKSV in " + describe(s));
        assertEquals(inCdb, (b0 & 0x40) != 0, () -> "C/D in " + describe(s));
        assertEquals(bit, (b0 & 0x08) != 0 ? b0 & 0x07 : -1, () -> "bit pointer in " + describe(s));
        assertEquals(field, (s[16] & 0xFF) << 8 | s[17] & 0xFF, () -> "field pointer in " + describe(s));
    }

    static String describe(byte[] s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s) {
            sb.append(String.format("%02x ", b & 0xFF));
        }
        return sb.toString().trim();
    }

    @Override
    public void close() {
        manager.close();
    }
}
