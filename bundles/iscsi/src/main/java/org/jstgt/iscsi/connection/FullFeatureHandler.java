package org.jstgt.iscsi.connection;

import java.util.function.Supplier;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

import org.jstgt.api.target.TargetRegistry;
import org.jstgt.iscsi.log.LogBudget;
import org.jstgt.iscsi.log.LogSafe;
import org.jstgt.iscsi.logout.Logout;
import org.jstgt.iscsi.pdu.Bhs;
import org.jstgt.iscsi.pdu.DataOut;
import org.jstgt.iscsi.pdu.InvalidPdu;
import org.jstgt.iscsi.pdu.LogoutRequest;
import org.jstgt.iscsi.pdu.NopIn;
import org.jstgt.iscsi.pdu.NopOut;
import org.jstgt.iscsi.pdu.Pdu;
import org.jstgt.iscsi.pdu.RejectReason;
import org.jstgt.iscsi.pdu.ScsiCommand;
import org.jstgt.iscsi.pdu.SegmentPlacement;
import org.jstgt.iscsi.pdu.SnackRequest;
import org.jstgt.iscsi.pdu.TaskMgmtRequest;
import org.jstgt.iscsi.pdu.TextRequest;
import org.jstgt.iscsi.recovery.Retention;
import org.jstgt.iscsi.recovery.Snacks;
import org.jstgt.iscsi.session.CommandWindow;
import org.jstgt.iscsi.session.ConnectionPort;
import org.jstgt.iscsi.session.Session;
import org.jstgt.iscsi.session.SessionTable;
import org.jstgt.iscsi.task.DataOutCollector;
import org.jstgt.iscsi.task.ScsiCommands;
import org.jstgt.iscsi.text.PortalDirectory;
import org.jstgt.iscsi.text.TextExchange;
import org.jstgt.iscsi.tmf.TaskManagement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's handler in the Full Feature Phase (RFC 7143 §4.2): routes each PDU by opcode,
 * puts commands through the session's {@link CommandWindow} (immediate ones bypass it), and hands
 * them to the engines of this connection: SCSI commands and their data, task management, text,
 * logout; answers NOP-Out itself. A discovery session may carry only Text, Logout and NOP-Out
 * (RFC 7143 §4.3): anything else gives the connection up, but a task management request, which
 * is answered "Function authorization failed" ({@link TaskManagement}). Malformed PDUs get a Reject, and the
 * connection is given up when framing or command data is lost. Every inbound PDU is released here.
 */
final class FullFeatureHandler extends ChannelInboundHandlerAdapter implements SegmentPlacement {
    private static final Logger LOG = LoggerFactory.getLogger(FullFeatureHandler.class);

    private final Connection connection;
    private final Session session;
    private final CommandWindow window;
    private final ScsiCommands commands;
    private final DataOutCollector collector;
    private final TaskManagement taskManagement;
    private final TextExchange text;
    private final Logout logout;
    /** SNACK answers at ErrorRecoveryLevel 1; null at level 0. */
    private final Snacks snacks;
    private final LogBudget logBudget = new LogBudget();

    FullFeatureHandler(Connection connection, Session session, SessionTable sessions,
            Supplier<TargetRegistry> registry, PortalDirectory portals) {
        this.connection = connection;
        this.session = session;
        this.window = session.window();
        this.commands = new ScsiCommands(connection, session);
        this.collector = commands.collector();
        this.taskManagement = new TaskManagement(connection, session, sessions, commands);
        this.text = new TextExchange(connection, session, registry, portals);
        this.logout = new Logout(connection, session);
        Retention retention = connection.retention();
        this.snacks = retention == null ? null : new Snacks(connection, window, retention, collector::resendR2ts);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        connection.attach(ctx);
    }

    @Override
    public ByteBuf place(byte[] bhs, int length) {
        return collector.place(bhs, length);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        collector.delivering();
        try {
            if (!connection.fullFeature()) {
                return;
            }
            if (msg instanceof InvalidPdu bad) {
                invalid(bad);
            } else if (msg instanceof Pdu pdu) {
                received(pdu);
            }
        } finally {
            collector.delivered();
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        connection.flush();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connection.lost();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.info("connection {} failed: {}", connection.remoteDescription(),
                LogSafe.of(cause.toString(), LogSafe.MESSAGE));
        ctx.close();
    }

    private void invalid(InvalidPdu bad) {
        if (logBudget.allow(LOG, connection.remoteDescription())) {
            LOG.info("{}: {} (opcode 0x{})", connection.remoteDescription(),
                    LogSafe.of(bad.detail(), LogSafe.MESSAGE), Integer.toHexString(bad.opcode()));
        }
        connection.reject(bad.reason(), bad.header());
        int op = bad.opcode();
        boolean dataBearing = op == 0x01 || op == 0x05;
        if (bad.fatal()) {
            // A header digest error or an absurd length loses framing (RFC 7143 §7.8, §7.11).
            connection.giveUp();
        } else if (bad.reason() == RejectReason.DATA_DIGEST_ERROR && dataBearing) {
            // At ErrorRecoveryLevel 1 a SCSI Command whose immediate data failed is discarded and
            // its CmdSN not counted: the initiator retries it (§7.8); a Data-Out's data is asked
            // for again with a recovery R2T. At level 0 neither can be recovered.
            boolean recovered = connection.retention() != null && (op == 0x01 || collector.lostDataOut(bad.header()));
            if (!recovered) {
                connection.giveUp();
            }
        }
    }

    private void received(Pdu pdu) {
        Retention retention = connection.retention();
        if (retention != null) {
            // every PDU of the initiator carries ExpStatSN at bytes 28..31 (RFC 7143 §4.2.2.2)
            retention.acknowledge(Retention.expStatSn(pdu));
        }
        if (session.discovery() && !discoveryAllows(pdu)) {
            connection.protocolError(pdu, pdu.opcode() + " in a discovery session, which carries only Text, Logout "
                    + "and NOP-Out (RFC 7143 §4.3)");
            return;
        }
        switch (pdu.opcode()) {
            case DATA_OUT -> collector.dataOut((DataOut) pdu);
            case NOP_OUT -> {
                NopOut nop = (NopOut) pdu;
                if (nop.itt() == Bhs.NO_TAG) {
                    // Answer to our NOP-In, or a ping that wants no reply (RFC 7143 §11.18).
                    return;
                }
                ordered(pdu, nop.immediate(), nop.cmdSn());
            }
            case SCSI_COMMAND -> {
                ScsiCommand c = (ScsiCommand) pdu;
                ordered(pdu, c.immediate(), c.cmdSn());
            }
            case TASK_MGMT_REQUEST -> {
                TaskMgmtRequest t = (TaskMgmtRequest) pdu;
                ordered(pdu, t.immediate(), t.cmdSn());
            }
            case TEXT_REQUEST -> {
                TextRequest t = (TextRequest) pdu;
                ordered(pdu, t.immediate(), t.cmdSn());
            }
            case LOGOUT_REQUEST -> {
                LogoutRequest l = (LogoutRequest) pdu;
                ordered(pdu, l.immediate(), l.cmdSn());
            }
            case SNACK_REQUEST -> {
                if (snacks != null) {
                    snacks.handle((SnackRequest) pdu);
                } else {
                    // SNACK needs ErrorRecoveryLevel 1 (RFC 7143 §11.16)
                    connection.reject(RejectReason.PROTOCOL_ERROR, pdu.header());
                }
            }
            default -> connection.reject(RejectReason.PROTOCOL_ERROR, pdu.header());
        }
    }

    private static boolean discoveryAllows(Pdu pdu) {
        return switch (pdu.opcode()) {
            case TEXT_REQUEST, LOGOUT_REQUEST, NOP_OUT, TASK_MGMT_REQUEST -> true;
            default -> false;
        };
    }

    /** Immediate PDUs go at once; others in CmdSN order, each on the connection it came on. */
    private void ordered(Pdu pdu, boolean immediate, int cmdSn) {
        if (immediate) {
            dispatch(pdu);
            return;
        }
        int ready = window.order(pdu, cmdSn, connection);
        if (ready == 0 && !window.isQueued(pdu.itt())) {
            LOG.debug("{}: CmdSN {} outside [{}, {}], dropped (RFC 7143 §4.2.2.1)", connection.remoteDescription(),
                    cmdSn, window.expCmdSn(), window.maxCmdSn());
        }
        for (int i = 0; i < ready; i++) {
            Pdu p = window.ready(i);
            ConnectionPort from = window.readyFrom(i);
            try {
                if (from.fullFeature()) {
                    from.deliver(p);
                }
            } finally {
                p.release();
            }
        }
    }

    /** A PDU of this connection, in order. */
    void dispatch(Pdu pdu) {
        switch (pdu.opcode()) {
            case NOP_OUT -> nopOut((NopOut) pdu);
            case TEXT_REQUEST -> text.request((TextRequest) pdu);
            case LOGOUT_REQUEST -> logout.request((LogoutRequest) pdu);
            // a discovery session gets here with task management (refused there) but no command
            case TASK_MGMT_REQUEST -> taskManagement.request((TaskMgmtRequest) pdu);
            case SCSI_COMMAND -> commands.command((ScsiCommand) pdu);
            default -> connection.reject(RejectReason.PROTOCOL_ERROR, pdu.header());
        }
    }

    private void nopOut(NopOut nop) {
        ByteBuf data = nop.data();
        int len = Math.min(data.readableBytes(), connection.negotiated().initiatorMaxRecvDataSegmentLength());
        // A copy, not a slice: a slice would keep the whole receive buffer it came in alive while the
        // answer waits to be sent, which send.buffer.high (counting the echo's bytes) does not see.
        ByteBuf echo = len == 0 ? Unpooled.EMPTY_BUFFER
                : connection.alloc().heapBuffer(len, len).writeBytes(data, data.readerIndex(), len);
        connection.send(new NopIn(nop.lun(), nop.itt(), Bhs.NO_TAG, connection.nextStatSn(), window.expCmdSn(),
                window.maxCmdSn(), echo));
    }
}
