package org.jstgt.scsi.pr;

import static org.jstgt.testkit.PrCdbs.basic;
import static org.jstgt.testkit.PrCdbs.move;
import static org.jstgt.testkit.PrCdbs.transportId;
import static org.jstgt.testkit.PrCdbs.transportIds;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.scsi.spc.Expect;
import org.jstgt.testkit.Cdbs;
import org.jstgt.testkit.PrCdbs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The CDB and parameter list of PERSISTENT RESERVE OUT (SPC-4 §6.16); the PERSISTENT RESERVE IN CDB (§6.15). */
class PrOutRequestTest {
    private static final String B = Pr.NAME_B;

    static Cdb out(int sa, int scopeType, long length) {
        return new Cdb(PrCdbs.persistentReserveOut(sa, scopeType, length));
    }

    private static PrOutRequest parse(int sa, int type, byte[] list) throws Exception {
        return PrOutRequest.parse(PrOutRequest.parseCdb(out(sa, type, list.length)), list, true);
    }

    @Test
    void cdbFields() throws Exception {
        PrOutRequest.Command c = PrOutRequest.parseCdb(out(1, 0x05, 24));
        assertEquals(new PrOutRequest.Command(1, PrType.WRITE_EXCLUSIVE_REGISTRANTS_ONLY, 24), c);
        assertNull(PrOutRequest.parseCdb(out(0, 0xFF, 24)).type(), "REGISTER ignores SCOPE and TYPE");
        assertNull(PrOutRequest.parseCdb(out(7, 0xFF, 24)).type(), "REGISTER AND MOVE too");
        Expect.invalidField(1, 4, () -> PrOutRequest.parseCdb(out(8, 0, 24)));
        Expect.invalidField(1, 7, () -> PrOutRequest.parseCdb(new Cdb(Cdbs.raw(0x5F, 0x80, 0, 0, 0, 0, 0, 0, 24, 0))));
        Expect.invalidField(2, 7, () -> PrOutRequest.parseCdb(out(1, 0x13, 24)));
        Expect.invalidField(2, 3, () -> PrOutRequest.parseCdb(out(4, 0x02, 24)));
        Expect.invalidField(2, 3, () -> PrOutRequest.parseCdb(out(2, 0x00, 24)));
        Expect.invalidField(5, -1, () -> PrOutRequest.parseCdb(out(0, 0, 65536)));
        Cdb reserved = new Cdb(new byte[] {0x5F, 0, 0, 0, 1, 0, 0, 0, 24, 0});
        Expect.invalidField(4, -1, () -> PrOutRequest.parseCdb(reserved));
        Cdb control = new Cdb(new byte[] {0x5F, 0, 0, 0, 0, 0, 0, 0, 24, 0x04});
        Expect.invalidField(9, 2, () -> PrOutRequest.parseCdb(control));
    }

    @Test
    void persistentReserveInCdbFields() throws Exception {
        assertEquals(new PrIn.Command(3, 0x1234),
                PrIn.parseCdb(new Cdb(new byte[] {0x5E, 3, 0, 0, 0, 0, 0, 0x12, 0x34, 0})));
        Expect.invalidField(1, 4, () -> PrIn.parseCdb(new Cdb(new byte[] {0x5E, 4, 0, 0, 0, 0, 0, 0, 8, 0})));
        Expect.invalidField(1, 5, () -> PrIn.parseCdb(new Cdb(new byte[] {0x5E, 0x20, 0, 0, 0, 0, 0, 0, 8, 0})));
        Expect.invalidField(6, -1, () -> PrIn.parseCdb(new Cdb(new byte[] {0x5E, 0, 0, 0, 0, 0, 1, 0, 8, 0})));
        Expect.invalidField(9, 0, () -> PrIn.parseCdb(new Cdb(new byte[] {0x5E, 0, 0, 0, 0, 0, 0, 0, 8, 1})));
    }

    @Test
    void basicList() throws Exception {
        PrOutRequest r = parse(0, 0, basic(0x1122334455667788L, 0x99, 0x05));
        assertEquals(0x1122334455667788L, r.key());
        assertEquals(0x99, r.serviceActionKey());
        assertTrue(r.allTargetPorts());
        assertTrue(r.aptpl());
        assertFalse(r.specifyInitiatorPorts());
        PrOutRequest reserve = parse(1, 0x03, basic(0x11, 0, 0x05));
        assertFalse(reserve.aptpl() || reserve.allTargetPorts(), "ignored by other service actions");
        assertEquals(PrType.EXCLUSIVE_ACCESS, reserve.type());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 23, 25, 28})
    void basicListIs24Bytes(int length) {
        byte[] list = new byte[length];
        Expect.sense(SenseReason.PARAMETER_LIST_LENGTH_ERROR, -1, -1, () -> parse(3, 0, list));
    }

    @Test
    void specifyInitiatorPortsOnlyWithRegister() {
        byte[] list = basic(0, 0x99, 0x08, transportIds(transportId(0, B, 24)));
        Expect.inList(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, 20, 3, () -> parse(6, 0, list));
        Expect.inList(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, 20, 3, () -> parse(1, 0x01, basic(0, 0, 0x08)));
    }

    @Test
    void specifyInitiatorPortsList() throws Exception {
        byte[] list = basic(0, 0x99, 0x08, transportIds(transportId(0, B, 24),
                transportId(1, B + ",i,0x000000000002", 44)));
        PrOutRequest r = parse(0, 0, list);
        assertTrue(r.specifyInitiatorPorts());
        assertEquals(List.of(new TransportId(B, null), new TransportId(B, "000000000002")), r.transportIds());
    }

    @Test
    void specifyInitiatorPortsLengthsMustAgree() {
        Expect.sense(SenseReason.PARAMETER_LIST_LENGTH_ERROR, -1, -1, () -> parse(0, 0, basic(0, 0x99, 0x08)));
        byte[] list = basic(0, 0x99, 0x08, transportIds(transportId(0, B, 24)));
        list[27]++;
        Expect.sense(SenseReason.PARAMETER_LIST_LENGTH_ERROR, -1, -1, () -> parse(0, 0, list));
        byte[] partial = basic(0, 0x99, 0x08, transportIds(transportId(0, B, 24)));
        partial[31] = 40;
        Expect.sense(SenseReason.PARAMETER_LIST_LENGTH_ERROR, -1, -1, () -> parse(0, 0, partial));
        byte[] bad = basic(0, 0x99, 0x08, transportIds(transportId(2, B, 24)));
        Expect.inList(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, 28, 7, () -> parse(0, 0, bad));
    }

    @Test
    void aptplNeedsAPlaceToKeepTheState() throws Exception {
        PrOutRequest.Command c = PrOutRequest.parseCdb(out(0, 0, 24));
        Expect.inList(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, 20, 0,
                () -> PrOutRequest.parse(c, basic(0, 0x99, 0x01), false));
        assertFalse(PrOutRequest.parse(c, basic(0, 0x99, 0x00), false).aptpl());
    }

    @Test
    void registerAndMoveList() throws Exception {
        byte[] id = transportId(1, B + ",i,0x000000000002", 44);
        PrOutRequest r = parse(7, 0, move(0x11, 0x22, 0x03, 2, id));
        assertEquals(0x11, r.key());
        assertEquals(0x22, r.serviceActionKey());
        assertTrue(r.unregister());
        assertTrue(r.aptpl());
        assertEquals(2, r.relativeTargetPortId());
        assertEquals(List.of(new TransportId(B, "000000000002")), r.transportIds());
    }

    @Test
    void registerAndMoveBadLists() {
        byte[] id = transportId(1, B + ",i,0x000000000002", 44);
        byte[] length = move(0x11, 0x22, 0, 2, id);
        length[23]--;
        Expect.sense(SenseReason.PARAMETER_LIST_LENGTH_ERROR, -1, -1, () -> parse(7, 0, length));
        Expect.inList(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, 18, -1,
                () -> parse(7, 0, move(0x11, 0x22, 0, 0, id)));
        Expect.inList(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, 20, -1,
                () -> parse(7, 0, move(0x11, 0x22, 0, 1, new byte[0])));
        byte[] two = new byte[id.length * 2];
        System.arraycopy(id, 0, two, 0, id.length);
        System.arraycopy(id, 0, two, id.length, id.length);
        Expect.inList(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, 20, -1,
                () -> parse(7, 0, move(0x11, 0x22, 0, 1, two)));
        Expect.inList(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, 24, 3,
                () -> parse(7, 0, move(0x11, 0x22, 0, 1, new byte[] {0x06, 0, 0, 4, 'x', 0, 0, 0})));
    }
}
