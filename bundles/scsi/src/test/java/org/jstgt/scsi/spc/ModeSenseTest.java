package org.jstgt.scsi.spc;

import static org.jstgt.scsi.spc.Expect.invalidField;
import static org.jstgt.scsi.spc.Expect.run;
import static org.jstgt.scsi.spc.Expect.sense;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Map;

import org.jstgt.api.ConfigException;
import org.jstgt.api.scsi.LunSpec;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.Test;

class ModeSenseTest {
    private long blocks = 2048;

    private ModeSense modeSense() {
        byte[] caching = new byte[18];
        caching[0] = 0x04;
        byte[] changeable = new byte[18];
        changeable[0] = 0x04;
        return ModeSense.builder()
                .page(ModePages.control(true))
                .page(new ModePage(0x08, 0, caching::clone, changeable, () -> new byte[18]))
                .page(new ModePage(0x0A, 0x01, () -> new byte[] {1, 2}, new byte[2], () -> new byte[2]))
                .deviceSpecificParameter(() -> 0x90)
                .blockDescriptors(() -> blocks, 512)
                .build();
    }

    private static byte[] ask(ModeSense ms, FakeScsiTask t) throws Exception {
        int op = t.cdb().opcode();
        return t.dataInBytes(run(op == 0x1A ? ms.parse6(t) : ms.parse10(t), t));
    }

    @Test
    void modeSense6AllPagesWithShortBlockDescriptor() throws Exception {
        byte[] d = ask(modeSense(), FakeScsiTask.of(0x1A, 0, 0x3F, 0, 255, 0));
        // header 4 + descriptor 8 + caching 20 + control 12
        assertEquals(44, d.length);
        assertArrayEquals(new byte[] {43, 0, (byte) 0x90, 8}, Arrays.copyOf(d, 4));
        assertArrayEquals(new byte[] {0, 0, 0x08, 0, 0, 0, 0x02, 0}, Arrays.copyOfRange(d, 4, 12));
        assertEquals(0x08, d[12]);
        assertEquals(18, d[13]);
        assertEquals(0x04, d[14], "WCE");
        // Control: GLTSD, D_SENSE; QUEUE ALGORITHM MODIFIER 1; TAS (byte 5 bit 6)
        assertArrayEquals(new byte[] {0x0A, 10, 0x06, 0x10, 0, 0x40, 0, 0, 0, 0, 0, 0}, Arrays.copyOfRange(d, 32, 44));
    }

    @Test
    void allSubpagesIncludeSubpageFormat() throws Exception {
        byte[] d = ask(modeSense(), FakeScsiTask.of(0x1A, 0x08, 0x3F, 0xFF, 255, 0));
        // DBD: no descriptor; caching 20 + control 12 + control/01 (4 + 2)
        assertEquals(4 + 20 + 12 + 6, d.length);
        assertEquals(0, d[3]);
        assertArrayEquals(new byte[] {0x4A, 0x01, 0, 2, 1, 2}, Arrays.copyOfRange(d, 36, 42));
        byte[] sub = ask(modeSense(), FakeScsiTask.of(0x1A, 0x08, 0x0A, 0xFF, 255, 0));
        assertEquals(4 + 12 + 6, sub.length);
        byte[] one = ask(modeSense(), FakeScsiTask.of(0x1A, 0x08, 0x0A, 0x01, 255, 0));
        assertEquals(4 + 6, one.length);
    }

    @Test
    void modeSense10LongDescriptorWithLlbaa() throws Exception {
        blocks = 0x1_0000_0001L;
        byte[] d = ask(modeSense(), FakeScsiTask.of(0x5A, 0x10, 0x0A, 0, 0, 0, 0, 0, 255, 0));
        assertEquals(8 + 16 + 12, d.length);
        assertArrayEquals(new byte[] {0, 34, 0, (byte) 0x90, 1, 0, 0, 16}, Arrays.copyOf(d, 8));
        assertArrayEquals(new byte[] {0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 2, 0}, Arrays.copyOfRange(d, 8, 24));
        // without LLBAA: short descriptor, count capped at FFFFFFFFh
        byte[] s = ask(modeSense(), FakeScsiTask.of(0x5A, 0, 0x0A, 0, 0, 0, 0, 0, 255, 0));
        assertEquals(8 + 8 + 12, s.length);
        assertEquals(0, s[4]);
        assertEquals(8, s[7]);
        assertArrayEquals(new byte[] {-1, -1, -1, -1, 0, 0, 2, 0}, Arrays.copyOfRange(s, 8, 16));
    }

    @Test
    void changeableAndDefaultValues() throws Exception {
        byte[] c = ask(modeSense(), FakeScsiTask.of(0x1A, 0x08, 0x48, 0, 255, 0));
        assertEquals(0x04, c[6]);
        byte[] def = ask(modeSense(), FakeScsiTask.of(0x1A, 0x08, 0x88, 0, 255, 0));
        assertEquals(0x00, def[6]);
        byte[] cd = ask(modeSense(), FakeScsiTask.of(0x1A, 0, 0x48, 0, 255, 0));
        assertArrayEquals(new byte[8], Arrays.copyOfRange(cd, 4, 12), "block descriptor is not changeable");
    }

    @Test
    void savedValuesAreNotSupported() {
        sense(SenseReason.SAVING_PARAMETERS_NOT_SUPPORTED, 2, 7,
                () -> modeSense().parse6(FakeScsiTask.of(0x1A, 0, 0xC8, 0, 255, 0)));
    }

    @Test
    void unknownPagesAndReservedBits() {
        ModeSense ms = modeSense();
        invalidField(2, 5, () -> ms.parse6(FakeScsiTask.of(0x1A, 0, 0x19, 0, 255, 0)));
        invalidField(3, -1, () -> ms.parse6(FakeScsiTask.of(0x1A, 0, 0x08, 0x02, 255, 0)));
        invalidField(3, -1, () -> ms.parse6(FakeScsiTask.of(0x1A, 0, 0x3F, 0x02, 255, 0)));
        invalidField(1, 4, () -> ms.parse6(FakeScsiTask.of(0x1A, 0x10, 0x3F, 0, 255, 0)));
        invalidField(1, 5, () -> ms.parse10(FakeScsiTask.of(0x5A, 0x20, 0x3F, 0, 0, 0, 0, 0, 255, 0)));
        invalidField(5, -1, () -> ms.parse10(FakeScsiTask.of(0x5A, 0, 0x3F, 0, 0, 1, 0, 0, 255, 0)));
    }

    @Test
    void allocationLengthTruncates() throws Exception {
        FakeScsiTask t = FakeScsiTask.of(0x1A, 0, 0x3F, 0, 4, 0);
        assertEquals(4, run(modeSense().parse6(t), t));
        assertEquals(43, t.dataInBytes(4)[0], "MODE DATA LENGTH is the full length");
        FakeScsiTask z = FakeScsiTask.of(0x5A, 0, 0x3F, 0, 0, 0, 0, 0, 0, 0);
        assertEquals(0, run(modeSense().parse10(z), z));
    }

    @Test
    void senseFormatKey() throws Exception {
        assertEquals(false, ModePages.descriptorSense(InquiryTest.SPEC));
        LunSpec d = new LunSpec("a", "o", "disk", "memory", 512, false, "V", "P", "R", "S", 1,
                Map.of("sense.format", "descriptor"));
        assertEquals(true, ModePages.descriptorSense(d));
        LunSpec bad = new LunSpec("a", "o", "disk", "memory", 512, false, "V", "P", "R", "S", 1,
                Map.of("sense.format", "long"));
        assertEquals("sense.format", assertThrows(ConfigException.class, () -> ModePages.descriptorSense(bad)).key());
        byte[] ie = ModePages.informationalExceptions().render(PageControl.CURRENT);
        assertArrayEquals(new byte[] {0x1C, 10, 0x08, 0, 0, 0, 0, 0, 0, 0, 0, 0}, ie);
        byte[] ctl = ModePages.control(false).render(PageControl.CURRENT);
        assertEquals(0x02, ctl[2]);
    }
}
