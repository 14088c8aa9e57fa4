package org.jstgt.iscsi.login;

import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;

import org.jstgt.api.target.TargetRegistry;
import org.jstgt.iscsi.limits.FloodLog;
import org.jstgt.iscsi.limits.PortalLimits;
import org.jstgt.iscsi.pdu.Pdu;
import org.jstgt.iscsi.security.Authenticators;
import org.jstgt.iscsi.security.DiscoveryPolicy;

/**
 * What a {@link Login} and its {@link LoginHandler} need from the connection and the fabric
 * around it. All methods are called on the connection's event loop.
 */
public interface LoginHost {

    /** @return what the connection's log lines carry in the MDC, or null */
    default org.jstgt.iscsi.log.SessionMdc.Context mdc() {
        return null;
    }

    /** @return the target registry, or null while the SCSI core is absent */
    TargetRegistry registry();

    /** @return the authentication services present */
    Authenticators authenticators();

    /** @return how Discovery sessions authenticate, as now configured */
    DiscoveryPolicy discoveryPolicy();

    /** @return which refused logins are worth a log line (shared by the fabric's connections) */
    FloodLog<String> loginRefusals();

    /** @return the limits of the portal the connection came in on (login timeout, text size) */
    PortalLimits limits();

    /** @return the name of the portal the connection came in on */
    String portalName();

    /** @return the portal group tag of that portal */
    int portalTag();

    /** @return the initiator's IP address (for ACLs) */
    InetAddress initiatorAddress();

    /**
     * Checks a login that adds a connection to an existing session (TSIH != 0, RFC 7143 §6.3.1).
     *
     * @param tsih the TSIH the initiator sent
     * @param isid its ISID
     * @param initiatorName its name
     * @return a login status, {@link LoginStatus#SUCCESS} to go on
     */
    int checkExistingSession(int tsih, long isid, String initiatorName);

    /**
     * What the session gives a connection it admits: its TSIH and the command window the final
     * Login Response announces (RFC 7143 §11.13.3: ExpCmdSN and MaxCmdSN of the session).
     *
     * @param tsih the session's TSIH (1..65535), or 0 when refused
     * @param status {@link LoginStatus#SUCCESS}, or the login status refusing the connection
     * @param expCmdSn the session's ExpCmdSN
     * @param maxCmdSn the session's MaxCmdSN
     */
    record Admission(int tsih, int status, int expCmdSn, int maxCmdSn) {
        /** @return a refusal with a login status */
        public static Admission refused(int status) {
            return new Admission(0, status, 0, 0);
        }
    }

    /**
     * Prepares the admission, before {@link #admit}. A new session (TSIH 0) reinstates an older
     * session of the same initiator port and portal group (RFC 7143 §6.3.5): that one ends first.
     * A connection joining a session (TSIH != 0, §6.3.1) is added to it on the session's thread,
     * replacing a connection of the same CID (connection reinstatement, §6.3.4).
     *
     * @param result what the login established
     * @return completes (any thread) when {@link #admit} may run; at once when nothing needs waiting
     */
    default CompletionStage<Void> beforeAdmission(LoginResult result) {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Creates the session at the end of a successful leading login, or completes a connection's
     * joining of its session.
     *
     * @param result what the login established
     * @return the admission, or its refusal
     */
    Admission admit(LoginResult result);

    /** @return {@code address:port} of the initiator, for the log */
    String remoteDescription();

    /** @param ctx the context of the handler now serving the connection (writes go through it) */
    void attach(ChannelHandlerContext ctx);

    /** @param pdu a response to queue (ownership passes) */
    void send(Pdu pdu);

    /** Flushes what was queued. */
    void flush();

    /** Gives the connection up: it closes, without a reset, once the responses queued left. */
    void giveUp();

    /** The channel closed. */
    void lost();

    /**
     * The login succeeded and its response is queued: the connection enters the Full Feature
     * Phase, with the negotiated digests and MaxRecvDataSegmentLength, and its full feature
     * handler takes the login handler's place in the pipeline.
     *
     * @param ctx the login handler's context
     * @param loginHandler the handler to replace
     * @param result what the login established
     */
    void enterFullFeature(ChannelHandlerContext ctx, ChannelHandler loginHandler, LoginResult result);
}
