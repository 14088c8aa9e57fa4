package org.jstgt.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import org.jstgt.iscsi.pdu.LogoutRequest;
import org.jstgt.iscsi.pdu.LogoutResponse;
import org.jstgt.iscsi.pdu.ScsiCommand;
import org.jstgt.testkit.FakeNexus;
import org.jstgt.testkit.FakeScsiTarget;
import org.junit.jupiter.api.Test;

/**
 * A logout that ends the session (RFC 7143 §11.14, §11.15): the session's I_T nexus ends before
 * the Logout Response leaves, so that an initiator told it logged out (libiscsi's Reserve6.Logout
 * reserves from another initiator right after) finds its SPC-2 reservation released. Found as a
 * flake of that test on a loaded machine: the nexus used to close only after the response was
 * written.
 */
class LogoutTest {
    private static final int LOGOUT_RESPONSE = 0x26;

    private final FakeScsiTarget disk = new FakeScsiTarget(Wire.TARGET);

    /** Records, for every Logout Response written to the socket, whether the nexus was closed then. */
    private static final class ResponseWatch extends ChannelOutboundHandlerAdapter {
        private final FakeNexus nexus;
        final List<Boolean> nexusClosedAtResponse = new ArrayList<>();

        ResponseWatch(FakeNexus nexus) {
            this.nexus = nexus;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof ByteBuf b && b.isReadable() && (b.getByte(b.readerIndex()) & 0x3f) == LOGOUT_RESPONSE) {
                nexusClosedAtResponse.add(nexus.closed());
            }
            ctx.write(msg, promise);
        }
    }

    private static ScsiCommand read10(Wire w, int blocks) {
        byte[] cdb = {0x28, 0, 0, 0, 0, 0, 0, 0, (byte) blocks, 0, 0, 0, 0, 0, 0, 0};
        return new ScsiCommand(false, true, true, false, 1, 0, ++w.itt, blocks * 512, w.cmdSn++, w.expStatSn, cdb,
                -1, Unpooled.EMPTY_BUFFER);
    }

    @Test
    void theNexusHasEndedWhenTheLogoutResponseIsWritten() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal();
            ResponseWatch watch = new ResponseWatch(disk.lastNexus());
            w.target.pipeline().addFirst(watch);
            w.send(new LogoutRequest(true, LogoutRequest.CLOSE_SESSION, 0x70, 1, w.cmdSn, w.expStatSn));
            LogoutResponse r = w.one(LogoutResponse.class);
            assertEquals(LogoutResponse.SUCCESS, r.response());
            assertEquals(List.of(true), watch.nexusClosedAtResponse, "the nexus ends before the response is written");
            assertFalse(w.target.isOpen());
            assertTrue(w.fabric.sessionInfos().isEmpty());
        }
    }

    @Test
    void closingTheLastConnectionEndsTheNexusBeforeTheResponseToo() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal();
            ResponseWatch watch = new ResponseWatch(disk.lastNexus());
            w.target.pipeline().addFirst(watch);
            w.send(new LogoutRequest(true, LogoutRequest.CLOSE_CONNECTION, 0x71, 1, w.cmdSn, w.expStatSn));
            assertEquals(LogoutResponse.SUCCESS, w.one(LogoutResponse.class).response());
            assertEquals(List.of(true), watch.nexusClosedAtResponse);
            assertTrue(w.fabric.sessionInfos().isEmpty());
        }
    }

    @Test
    void aCommandStillInTheDeviceDelaysTheResponseUntilItCameBack() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal();
            FakeNexus d = disk.lastNexus();
            d.hold(true);
            w.send(read10(w, 1));
            assertEquals(1, d.heldCount());
            w.send(new LogoutRequest(true, LogoutRequest.CLOSE_SESSION, 0x72, 1, w.cmdSn, w.expStatSn));
            assertTrue(w.receive().isEmpty(), "no Logout Response while a command of the session is in the device");
            assertFalse(d.closed());
            assertTrue(w.fabric.sessionInfos().isEmpty(), "the session is no longer listed");
            // a command after the logout is not handled (RFC 7143 §11.14: the initiator must not send one)
            w.send(read10(w, 1));
            assertEquals(1, d.heldCount());
            d.releaseHeld();
            LogoutResponse r = w.one(LogoutResponse.class);
            assertEquals(LogoutResponse.SUCCESS, r.response());
            assertEquals(0x72, r.itt());
            assertTrue(d.closed());
            assertFalse(w.target.isOpen());
        }
    }
}
