package org.jstgt.scsi.core;

import static org.jstgt.scsi.core.Harness.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;

import org.jstgt.api.target.Nexus;
import org.jstgt.api.target.ScsiResult;
import org.jstgt.scsi.config.TargetConfig;
import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A target with every LUN number SAM-5's single level flat space addressing reaches (0..16383):
 * all come alive, REPORT LUNS lists each in the right addressing method, and a command reaches the
 * highest one.
 */
class ManyLunsTest {
    private static final int COUNT = TargetConfig.MAX_LUN + 1;
    private Harness h;

    @AfterEach
    void tearDown() {
        if (h != null) {
            h.close();
        }
    }

    @Test
    void sixteenThousandLunsOnOneTarget() throws Exception {
        h = new Harness(15_000).withProviders();
        List<String> mapping = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            h.lun("d" + i, "size", "4KiB");
            mapping.add("lun." + i);
            mapping.add("d" + i);
        }
        h.target("t1", mapping.toArray(String[]::new));
        assertEquals("ACTIVE", h.manager.lunState("d16383"));
        Nexus n = h.nexus();
        int alloc = 8 + 8 * COUNT;
        FakeScsiTask report = Tasks.reportLuns(0, alloc);
        ScsiResult r = run(n, report);
        assertGood(r);
        byte[] d = report.dataInBytes(alloc);
        assertEquals(8 * COUNT, ((d[0] & 0xFF) << 24) | ((d[1] & 0xFF) << 16) | ((d[2] & 0xFF) << 8) | (d[3] & 0xFF),
                "LUN LIST LENGTH");
        // LUN 255: peripheral device addressing (00b); LUN 256 and above: flat space (01b)
        assertEquals(0x00, d[8 + 8 * 255] & 0xFF);
        assertEquals(0xFF, d[8 + 8 * 255 + 1] & 0xFF);
        assertEquals(0x41, d[8 + 8 * 256] & 0xFF);
        assertEquals(0x00, d[8 + 8 * 256 + 1] & 0xFF);
        assertEquals(0x7F, d[8 + 8 * 16383] & 0xFF);
        assertEquals(0xFF, d[8 + 8 * 16383 + 1] & 0xFF);
        run(n, Tasks.requestSense(16383, false, 18));
        assertGood(run(n, Tasks.testUnitReady(16383)));
        assertGood(run(n, Tasks.read10(16383, 0, 1)));
    }
}
