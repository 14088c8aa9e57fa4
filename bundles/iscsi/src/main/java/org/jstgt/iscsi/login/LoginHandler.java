package org.jstgt.iscsi.login;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

import org.jstgt.iscsi.log.SessionMdc;
import org.jstgt.iscsi.log.LogSafe;
import org.jstgt.iscsi.pdu.InvalidPdu;
import org.jstgt.iscsi.pdu.LoginRequest;
import org.jstgt.iscsi.pdu.LoginResponse;
import org.jstgt.iscsi.pdu.Opcode;
import org.jstgt.iscsi.pdu.Pdu;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's handler during the login phase (RFC 7143 §6): feeds Login Requests to a
 * {@link Login} and sends its answers. A failed login gives the connection up; a successful one
 * has the connection put its full feature handler in this handler's place (as a session
 * negotiator hands over to the session). Only Login Requests are allowed meanwhile (§6.3).
 * Every inbound PDU is released here.
 */
public final class LoginHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(LoginHandler.class);

    private final LoginHost host;
    private final Login login;
    /** The login ended (failed, timed out or completed): later input is dropped. */
    private boolean over;
    /** The final response waits for an older session to end (reinstatement). */
    private boolean waiting;

    /** @param host the connection */
    public LoginHandler(LoginHost host) {
        this.host = host;
        this.login = new Login(host);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        host.attach(ctx);
        // RFC 7143 §6 leaves the bound on the login's duration to the implementation: the portal's
        // login.timeout, counted from the connection (a peer that sends nothing is closed too).
        int timeout = host.limits().loginTimeout();
        ctx.executor().schedule(SessionMdc.wrap(host.mdc(), SessionMdc.NO_LUN, () -> {
            if (!over && !ctx.isRemoved()) {
                if (waiting) {
                    LOG.warn("{}: the session this login reinstates still has commands in the device after {} s; "
                            + "closing the new connection (the initiator retries)", host.remoteDescription(),
                            timeout);
                } else {
                    LOG.info("{}: login not completed within {} s (login.timeout); closing",
                            host.remoteDescription(), timeout);
                }
                over = true;
                login.close();
                ctx.close();
            }
        }), timeout, TimeUnit.SECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (over) {
                return;
            }
            if (msg instanceof InvalidPdu bad) {
                if (bad.opcode() == Opcode.LOGIN_REQUEST.code()) {
                    host.send(login.malformed(bad));
                } else {
                    LOG.info("{}: {} (opcode 0x{})", host.remoteDescription(),
                            LogSafe.of(bad.detail(), LogSafe.MESSAGE), Integer.toHexString(bad.opcode()));
                    invalid();
                }
                end();
            } else if (msg instanceof LoginRequest req) {
                request(ctx, req);
            } else if (msg instanceof Pdu pdu) {
                LOG.info("{} sent {} during login; closing (RFC 7143 §6.3)", host.remoteDescription(), pdu.opcode());
                invalid();
                end();
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void request(ChannelHandlerContext ctx, LoginRequest req) {
        if (waiting) {
            LOG.info("{} sent a Login Request before the answer to its last one; closing (RFC 7143 §6.3)",
                    host.remoteDescription());
            end();
            return;
        }
        outcome(ctx, login.handle(req));
    }

    /** What a login step leads to: send its response, fail, enter full feature, or wait. */
    private void outcome(ChannelHandlerContext ctx, Login.Step step) {
        switch (step.outcome()) {
            case WAIT -> {
                waiting = true;
                step.until().whenComplete((v, e) -> {
                    try {
                        ctx.executor().execute(SessionMdc.wrap(host.mdc(), SessionMdc.NO_LUN, () -> resume(ctx)));
                    } catch (RejectedExecutionException gone) {
                        // the connection's event loop is gone and with it the login
                    }
                });
            }
            case FAILED -> {
                if (step.delayMillis() > 0) {
                    // An authentication failure held back (progressive delay against guessing).
                    over = true;
                    login.close();
                    ctx.executor().schedule(SessionMdc.wrap(host.mdc(), SessionMdc.NO_LUN, () -> {
                        host.send(step.response());
                        host.giveUp();
                    }), step.delayMillis(), TimeUnit.MILLISECONDS);
                    return;
                }
                host.send(step.response());
                end();
            }
            case COMPLETE -> {
                host.send(step.response());
                over = true;
                login.close();
                host.enterFullFeature(ctx, this, step.result());
            }
            default -> host.send(step.response());
        }
    }

    /** The older session of a reinstatement has ended: the login completes now. */
    private void resume(ChannelHandlerContext ctx) {
        waiting = false;
        if (over || ctx.isRemoved()) {
            return;
        }
        // the final response leaves with the flush of enterFullFeature, or with the close after a refusal
        outcome(ctx, login.resume());
    }

    /** RFC 7143 §6.3: once the login started, a PDU other than a Login Request gets status 0x020b. */
    private void invalid() {
        LoginResponse r = login.invalidDuringLogin();
        if (r != null) {
            host.send(r);
        }
    }

    private void end() {
        over = true;
        login.close();
        host.giveUp();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        host.flush();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        over = true; // a login waiting for its admission does not resume
        login.close();
        host.lost();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.info("connection {} failed: {}", host.remoteDescription(),
                LogSafe.of(cause.toString(), LogSafe.MESSAGE));
        ctx.close();
    }
}
