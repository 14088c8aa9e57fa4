package org.jstgt.scsi.pr;

import static org.jstgt.testkit.PrCdbs.transportId;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;

import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.scsi.spc.Expect;
import org.junit.jupiter.api.Test;

/** iSCSI TransportIDs (SPC-4 §7.6.4.6), parsed strictly. */
class TransportIdTest {
    private static final String NAME = "iqn.2026-01.org.test:a";

    private static TransportId parse(byte[] b) throws ScsiException {
        return TransportId.parse(b, 0, b.length);
    }

    @Test
    void deviceAndPortFormats() throws Exception {
        assertEquals(new TransportId(NAME, null), parse(transportId(0, NAME, 24)));
        // names and ISIDs compare in lower case
        assertEquals(new TransportId(NAME, "23d000000001"),
                parse(transportId(1, "IQN.2026-01.org.test:A,I,0X23D000000001", 40)));
    }

    @Test
    void encodeIsPaddedToAMultipleOfFourAndReadsBack() throws Exception {
        byte[] port = new TransportId(NAME, "000000000001").encode();
        assertEquals(0, port.length % 4);
        assertEquals(0x45, port[0], "format 01b, iSCSI");
        assertEquals(port.length - 4, port[3]);
        assertEquals(new TransportId(NAME, "000000000001"), parse(port));
        byte[] device = new TransportId("iqn.2026-01.x", null).encode();
        assertEquals(24, device.length, "at least 20 bytes of name");
        assertEquals(0x05, device[0]);
        assertEquals(new TransportId("iqn.2026-01.x", null), parse(device));
    }

    @Test
    void severalBackToBack() throws Exception {
        byte[] a = transportId(0, NAME, 24);
        byte[] b = transportId(1, "iqn.2026-01.org.test:b,i,0x000000000002", 40);
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        assertEquals(List.of(new TransportId(NAME, null), new TransportId("iqn.2026-01.org.test:b", "000000000002")),
                TransportId.parseAll(both, 0, both.length));
    }

    @Test
    void badFieldsArePointedAt() {
        byte[] fc = transportId(0, NAME, 24);
        fc[0] = 0x06;
        Expect.inList(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, 0, 3, () -> parse(fc));
        byte[] format = transportId(2, NAME, 24);
        Expect.inList(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, 0, 7, () -> parse(format));
        byte[] reserved = transportId(0, NAME, 24);
        reserved[0] |= 0x10;
        Expect.inList(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, 0, 5, () -> parse(reserved));
        byte[] byte1 = transportId(0, NAME, 24);
        byte1[1] = 1;
        Expect.inList(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, 1, -1, () -> parse(byte1));
        Expect.inList(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, 2, -1, () -> parse(transportId(0, NAME, 23)));
        byte[] full = transportId(0, "iqn.2026-01.org.test:abc", 24);
        Expect.inList(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, 4, -1, () -> parse(full));
        byte[] pad = transportId(0, NAME, 28);
        pad[30] = 'x';
        Expect.inList(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, 30, -1, () -> parse(pad));
        Expect.inList(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, 4, -1,
                () -> parse(transportId(0, "not-a-name", 24)));
        Expect.inList(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, 4, -1,
                () -> parse(transportId(0, NAME + ",i,0x000000000001", 40)));
        Expect.inList(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, 4, -1, () -> parse(transportId(1, NAME, 24)));
        Expect.inList(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, 4 + NAME.length() + 5, -1,
                () -> parse(transportId(1, NAME + ",i,0x12345", 40)));
    }

    @Test
    void runningPastTheListIsALengthError() {
        byte[] id = transportId(0, NAME, 24);
        Expect.sense(SenseReason.PARAMETER_LIST_LENGTH_ERROR, -1, -1, () -> TransportId.parse(id, 0, 20));
        Expect.sense(SenseReason.PARAMETER_LIST_LENGTH_ERROR, -1, -1, () -> TransportId.parse(id, 0, 3));
    }
}
