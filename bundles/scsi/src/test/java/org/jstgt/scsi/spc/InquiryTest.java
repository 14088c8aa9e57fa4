package org.jstgt.scsi.spc;

import static org.jstgt.scsi.spc.Expect.invalidField;
import static org.jstgt.scsi.spc.Expect.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.LunSpec;
import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.Test;

class InquiryTest {
    static final LunSpec SPEC = new LunSpec("disk0", "etc/jstgt.lun-disk0.cfg", "disk", "memory", 512, false,
            "JSTGT", "VIRTUAL-DISK", "0001", "disk0", 0x3123456789ABCDEFL, Map.of());

    private static Inquiry inquiry() {
        return Inquiry.builder(SPEC, 0)
                .versionDescriptors(Inquiry.VERSION_SAM5, Inquiry.VERSION_ISCSI, Inquiry.VERSION_SPC4,
                        Inquiry.VERSION_SBC3)
                .page(0xB1, t -> new byte[] {0, 1})
                .build();
    }

    private static byte[] ask(Inquiry inq, FakeScsiTask t) throws Exception {
        CommandDescriptor d = inq.parse(t);
        assertTrue(d.allowedWithUnitAttention());
        return t.dataInBytes(run(d, t));
    }

    @Test
    void standardData() throws Exception {
        byte[] d = ask(inquiry(), FakeScsiTask.of(0x12, 0, 0, 0, 255, 0));
        assertEquals(96, d.length);
        assertEquals(0x00, d[0], "qualifier 000b, type 0");
        assertEquals(0x00, d[1], "not removable");
        assertEquals(0x06, d[2], "SPC-4");
        assertEquals(0x12, d[3], "HISUP, response data format 2");
        assertEquals(91, d[4], "additional length n-4");
        assertEquals(0x00, d[5], "no 3PC unless asked");
        assertEquals(0x02, d[7], "CMDQUE");
        assertEquals("JSTGT   VIRTUAL-DISK    0001", new String(d, 8, 28, StandardCharsets.US_ASCII));
        assertArrayEquals(new byte[] {0x00, (byte) 0xA0, 0x09, 0x60, 0x04, 0x60, 0x04, (byte) 0xC0, 0, 0},
                Arrays.copyOfRange(d, 58, 68));
        for (int i = 36; i < 58; i++) {
            assertEquals(0, d[i]);
        }
    }

    @Test
    void removableAndDeviceType() throws Exception {
        Inquiry inq = Inquiry.builder(SPEC, 5).removable(true).build();
        byte[] d = ask(inq, FakeScsiTask.of(0x12, 0, 0, 0, 36, 0));
        assertEquals(0x05, d[0]);
        assertEquals((byte) 0x80, d[1]);
        assertEquals(0x08, ask(Inquiry.builder(SPEC, 0).thirdPartyCopy(true).build(),
                FakeScsiTask.of(0x12, 0, 0, 0, 36, 0))[5], "3PC");
        assertArrayEquals(new byte[] {0x05, 0, 0, 4, 0, (byte) 0x80, (byte) 0x83, (byte) 0x86},
                ask(inq, FakeScsiTask.of(0x12, 1, 0, 0, 255, 0)));
    }

    @Test
    void shortAllocationLengthTruncatesAndZeroTransfersNothing() throws Exception {
        Inquiry inq = inquiry();
        for (int alloc = 1; alloc < 100; alloc++) {
            FakeScsiTask t = FakeScsiTask.of(0x12, 0, 0, 0, alloc, 0);
            CommandDescriptor d = inq.parse(t);
            assertEquals(alloc, d.transferLength());
            assertEquals(Math.min(alloc, 96), run(d, t));
        }
        FakeScsiTask t = FakeScsiTask.of(0x12, 0, 0, 0, 0, 0);
        assertEquals(0, run(inq.parse(t), t));
        // 16-bit allocation length (bytes 3-4)
        FakeScsiTask big = FakeScsiTask.of(0x12, 0, 0, 0x01, 0x00, 0);
        assertEquals(256, inq.parse(big).transferLength());
    }

    @Test
    void badFields() {
        Inquiry inq = inquiry();
        // CMDDT
        invalidField(1, 1, () -> inq.parse(FakeScsiTask.of(0x12, 0x02, 0, 0, 255, 0)));
        // reserved bits of byte 1
        invalidField(1, 7, () -> inq.parse(FakeScsiTask.of(0x12, 0x80, 0, 0, 255, 0)));
        // PAGE CODE without EVPD
        invalidField(2, -1, () -> inq.parse(FakeScsiTask.of(0x12, 0, 0x80, 0, 255, 0)));
        // unsupported page
        invalidField(2, -1, () -> inq.parse(FakeScsiTask.of(0x12, 1, 0xB0, 0, 255, 0)));
    }

    @Test
    void supportedPagesAreSorted() throws Exception {
        assertArrayEquals(new byte[] {0, 0, 0, 5, 0x00, (byte) 0x80, (byte) 0x83, (byte) 0x86, (byte) 0xB1},
                ask(inquiry(), FakeScsiTask.of(0x12, 1, 0x00, 0, 255, 0)));
    }

    @Test
    void extendedInquiryDataSaysWhatTheUnitDoes() throws Exception {
        byte[] d = ask(inquiry(), FakeScsiTask.of(0x12, 1, 0x86, 0, 255, 0));
        assertEquals(64, d.length);
        assertArrayEquals(new byte[] {0, (byte) 0x86, 0, 60, 0}, Arrays.copyOf(d, 5));
        assertEquals(0x01, d[5], "SIMPSUP only");
        assertEquals(0x00, d[6], "no V_SUP");
        assertEquals(0x01, d[7], "LUICLR");
        assertArrayEquals(new byte[56], Arrays.copyOfRange(d, 8, 64));
        Inquiry cached = Inquiry.builder(SPEC, 0).taskAttributes(true, true).volatileCache(true).build();
        byte[] c = ask(cached, FakeScsiTask.of(0x12, 1, 0x86, 0, 255, 0));
        assertEquals(0x07, c[5], "HEADSUP, ORDSUP, SIMPSUP");
        assertEquals(0x01, c[6], "V_SUP");
        assertThrows(IllegalArgumentException.class, () -> Inquiry.builder(SPEC, 0).page(0x86, t -> new byte[0]));
    }

    @Test
    void unitSerialNumber() throws Exception {
        assertArrayEquals(new byte[] {0, (byte) 0x80, 0, 5, 'd', 'i', 's', 'k', '0'},
                ask(inquiry(), FakeScsiTask.of(0x12, 1, 0x80, 0, 255, 0)));
    }

    @Test
    void devicePage() throws Exception {
        assertArrayEquals(new byte[] {0, (byte) 0xB1, 0, 2, 0, 1}, ask(inquiry(), FakeScsiTask.of(0x12, 1, 0xB1, 0, 255, 0)));
        assertThrows(IllegalArgumentException.class, () -> Inquiry.builder(SPEC, 0).page(0x83, t -> new byte[0]));
    }

    @Test
    void deviceIdentification() throws Exception {
        FakeScsiTask t = FakeScsiTask.builder().paddedCdb(0x12, 1, 0x83, 0x01, 0x00, 0).relativeTargetPortId(3)
                .targetPortGroup(7).build();
        byte[] d = ask(inquiry(), t);
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        // NAA: binary, LU, type 3, 8 bytes
        e.writeBytes(new byte[] {0x01, 0x03, 0, 8, 0x31, 0x23, 0x45, 0x67, (byte) 0x89, (byte) 0xAB, (byte) 0xCD,
            (byte) 0xEF});
        // T10 vendor ID: ASCII, LU, type 1
        byte[] t10 = "JSTGT   VIRTUAL-DISK:disk0".getBytes(StandardCharsets.US_ASCII);
        e.writeBytes(new byte[] {0x02, 0x01, 0, (byte) t10.length});
        e.writeBytes(t10);
        // relative target port: iSCSI, binary, PIV, target port, type 4
        e.writeBytes(new byte[] {0x51, (byte) 0x94, 0, 4, 0, 0, 0, 3});
        // target port group: type 5
        e.writeBytes(new byte[] {0x51, (byte) 0x95, 0, 4, 0, 0, 0, 7});
        // SCSI name string of the port: UTF-8, PIV, target port, type 8, NUL terminated, padded to 4
        byte[] port = "iqn.2026-11.org.jstgt:t1,t,0x1".getBytes(StandardCharsets.UTF_8);
        assertEquals(30, port.length);
        e.writeBytes(new byte[] {0x53, (byte) 0x98, 0, 32});
        e.writeBytes(Arrays.copyOf(port, 32));
        // SCSI name string of the target device: association 2
        byte[] dev = "iqn.2026-11.org.jstgt:t1".getBytes(StandardCharsets.UTF_8);
        assertEquals(24, dev.length);
        e.writeBytes(new byte[] {0x53, (byte) 0xA8, 0, 28});
        e.writeBytes(Arrays.copyOf(dev, 28));
        byte[] body = e.toByteArray();
        byte[] header = {0, (byte) 0x83, (byte) (body.length >> 8), (byte) body.length};
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(header);
        all.writeBytes(body);
        assertArrayEquals(all.toByteArray(), d);
    }

    /** With naa.company.id an NAA 6h IEEE Registered Extended designator comes first, then the NAA 3h one. */
    @Test
    void registeredExtendedDesignatorWithACompanyId() throws Exception {
        LunSpec spec = new LunSpec("disk0", "etc/jstgt.lun-disk0.cfg", "disk", "memory", 512, false, "JSTGT",
                "VIRTUAL-DISK", "0001", "disk0", 0x3123456789ABCDEFL, Map.of(NaaDesignators.KEY, "AC-DE-48"));
        byte[] d = ask(Inquiry.builder(spec, 0).build(), FakeScsiTask.of(0x12, 1, 0x83, 0, 255, 0));
        assertArrayEquals(new byte[] {0x01, 0x03, 0, 16, 0x6A, (byte) 0xCD, (byte) 0xE4, (byte) 0x80, 0, 0, 0, 0,
            0x01, 0x23, 0x45, 0x67, (byte) 0x89, (byte) 0xAB, (byte) 0xCD, (byte) 0xEF}, Arrays.copyOfRange(d, 4, 24),
            "NAA 6h, COMPANY_ID ACDE48, VENDOR SPECIFIC IDENTIFIER 0, the 60 local bits as the extension");
        assertArrayEquals(new byte[] {0x01, 0x03, 0, 8, 0x31, 0x23, 0x45, 0x67, (byte) 0x89, (byte) 0xAB, (byte) 0xCD,
            (byte) 0xEF}, Arrays.copyOfRange(d, 24, 36), "then NAA 3h");
        assertEquals(0x3123456789ABCDEFL, NaaDesignators.localIdOf(Arrays.copyOfRange(d, 8, 24)));
        assertEquals(0xACDE48, NaaDesignators.companyId("0xacde48"));
        assertEquals(-1, NaaDesignators.companyId(" "));
        for (String bad : new String[] {"1B21", "00-1B-2G", "0x1234567"}) {
            assertEquals(NaaDesignators.KEY, assertThrows(org.jstgt.api.ConfigException.class,
                    () -> NaaDesignators.companyId(bad)).key());
        }
    }

    /** TPGS (byte 5 bits 5-4) is the task's target's, beside 3PC. */
    @Test
    void tpgsIsTheTargetsAsymmetricAccess() throws Exception {
        Inquiry copy = Inquiry.builder(SPEC, 0).thirdPartyCopy(true).build();
        int[] expected = {0x08, 0x18, 0x28, 0x38};
        for (int tpgs = 0; tpgs <= 3; tpgs++) {
            FakeScsiTask t = FakeScsiTask.builder().paddedCdb(0x12, 0, 0, 0, 36, 0).targetPortGroupSupport(tpgs)
                    .build();
            assertEquals(expected[tpgs], ask(copy, t)[5], "TPGS " + tpgs + " with 3PC");
        }
    }

    /**
     * The same LU through two port groups: the LU's designators (NAA, T10 vendor ID) and the serial
     * are the same, the target port's designators (relative port, port group, port name) are each
     * group's.
     */
    @Test
    void theLuIsTheSameThroughEveryPortGroup() throws Exception {
        FakeScsiTask one = FakeScsiTask.builder().paddedCdb(0x12, 1, 0x83, 0x01, 0x00, 0).relativeTargetPortId(1)
                .targetPortGroup(1).target("iqn.2026-11.org.jstgt:t1", "iqn.2026-11.org.jstgt:t1,t,0x0001").build();
        FakeScsiTask two = FakeScsiTask.builder().paddedCdb(0x12, 1, 0x83, 0x01, 0x00, 0).relativeTargetPortId(2)
                .targetPortGroup(2).target("iqn.2026-11.org.jstgt:t1", "iqn.2026-11.org.jstgt:t1,t,0x0002").build();
        byte[] a = ask(inquiry(), one);
        byte[] b = ask(inquiry(), two);
        // header, NAA 3h (12 bytes), T10 vendor ID (4 + 26): the LU's designators
        assertArrayEquals(Arrays.copyOfRange(a, 0, 46), Arrays.copyOfRange(b, 0, 46));
        assertArrayEquals(new byte[] {0x51, (byte) 0x94, 0, 4, 0, 0, 0, 1, 0x51, (byte) 0x95, 0, 4, 0, 0, 0, 1},
                Arrays.copyOfRange(a, 46, 62));
        assertArrayEquals(new byte[] {0x51, (byte) 0x94, 0, 4, 0, 0, 0, 2, 0x51, (byte) 0x95, 0, 4, 0, 0, 0, 2},
                Arrays.copyOfRange(b, 46, 62));
        FakeScsiTask serialOne = FakeScsiTask.builder().paddedCdb(0x12, 1, 0x80, 0, 255, 0).targetPortGroup(1).build();
        FakeScsiTask serialTwo = FakeScsiTask.builder().paddedCdb(0x12, 1, 0x80, 0, 255, 0).targetPortGroup(2).build();
        assertArrayEquals(ask(inquiry(), serialOne), ask(inquiry(), serialTwo));
    }

    @Test
    void scsiNameStringIsAlwaysTerminated() {
        assertEquals(8, Inquiry.scsiNameString("abcd").length);
        assertEquals(8, Inquiry.scsiNameString("abcdefg").length);
        assertEquals(4, Inquiry.scsiNameString("abc").length);
    }
}
