package org.jstgt.iscsi.login;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import org.jstgt.api.auth.AuthContext;
import org.jstgt.api.target.ScsiTarget;
import org.jstgt.api.target.TargetRegistry;
import org.jstgt.iscsi.events.SessionEvents;
import org.jstgt.iscsi.limits.PortalLimits;
import org.jstgt.iscsi.log.LogSafe;
import org.jstgt.iscsi.pdu.InvalidPdu;
import org.jstgt.iscsi.pdu.LoginRequest;
import org.jstgt.iscsi.pdu.LoginResponse;
import org.jstgt.iscsi.pdu.MalformedPduException;
import org.jstgt.iscsi.pdu.Opcode;
import org.jstgt.iscsi.pdu.PduCodec;
import org.jstgt.iscsi.security.DiscoveryPolicy;
import org.jstgt.iscsi.security.SecurityStage;
import org.jstgt.iscsi.text.TextKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The login phase of one connection (RFC 7143 §6): SecurityNegotiation (through a
 * {@link SecurityStage}), LoginOperationalNegotiation, transition to the Full Feature Phase. Plain
 * Java; the caller owns and releases the request PDUs.
 */
public final class Login {
    private static final Logger LOG = LoggerFactory.getLogger(Login.class);

    static final int SECURITY = 0;
    static final int OPERATIONAL = 1;
    static final int FULL_FEATURE = 3;
    /** Text limit during login: the RFC default MaxRecvDataSegmentLength (§13.12). */
    static final int LOGIN_SEGMENT = 8192;

    /**
     * The outcome of one request. WAIT: the final response waits until an older session of the
     * same initiator port has ended (reinstatement, RFC 7143 §6.3.5); then {@link #resume()}.
     */
    public enum Outcome { CONTINUE, FAILED, COMPLETE, WAIT }

    /**
     * @param response the response to send (null when WAIT)
     * @param outcome what happens next
     * @param result set when {@code outcome == COMPLETE}
     * @param delayMillis when FAILED, how long to hold the response back (authentication failures)
     * @param until when WAIT, completes (on any thread) when the login may go on
     */
    public record Step(LoginResponse response, Outcome outcome, LoginResult result, long delayMillis,
            CompletionStage<Void> until) {
        Step(LoginResponse response, Outcome outcome, LoginResult result) {
            this(response, outcome, result, 0, null);
        }

        Step(LoginResponse response, Outcome outcome, LoginResult result, long delayMillis) {
            this(response, outcome, result, delayMillis, null);
        }
    }

    /** The final request of a login waiting for its admission to be prepared, with the response text built. */
    private record Pending(LoginRequest req, LoginResult result, ByteBuf text) {
    }

    private final LoginHost host;
    private final SecurityStage security;
    private boolean first = true;
    /** ITT and CSG of the last Login Request (CSG -1 before the first), for {@link #invalidDuringLogin()}. */
    private int lastItt;
    private int lastCsg = -1;
    private long isid;
    private int tsih;
    private int cid;
    private int cmdSn;
    private int statSn = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
    private int stage;
    private final ByteArrayOutputStream text = new ByteArrayOutputStream();
    private final Set<String> seen = new HashSet<>();
    private final Map<LoginKey, String> agreed = new EnumMap<>(LoginKey.class);
    private boolean discovery;
    private String initiatorName;
    private String initiatorAlias = "";
    private ScsiTarget target;
    private TargetSettings settings = TargetSettings.defaults();
    private boolean mrdslDeclared;
    private int initiatorMrdsl = 8192;
    /** Set while the login waits for its admission to be prepared (reinstatement, joining a session). */
    private Pending waiting;

    public Login(LoginHost host) {
        this.host = host;
        this.security = new SecurityStage(host.authenticators());
    }

    /**
     * Handles one Login Request.
     *
     * @param req the request (not released here)
     * @return the response and what follows
     */
    public Step handle(LoginRequest req) {
        lastItt = req.itt();
        lastCsg = req.csg();
        if (first) {
            if (req.versionMin() > 0) {
                return fail(req, LoginStatus.UNSUPPORTED_VERSION, "Version-min " + req.versionMin());
            }
            isid = req.isid();
            tsih = req.tsih();
            cid = req.cid();
            cmdSn = req.cmdSn();
            if (req.csg() != SECURITY && req.csg() != OPERATIONAL) {
                return fail(req, LoginStatus.INITIATOR_ERROR, "CSG " + req.csg() + " in the first login request");
            }
            stage = req.csg();
        } else {
            if (req.isid() != isid || req.tsih() != tsih || req.cid() != cid) {
                return fail(req, LoginStatus.INITIATOR_ERROR, "ISID, TSIH or CID changed during login");
            }
            if (req.csg() != stage) {
                return fail(req, LoginStatus.INITIATOR_ERROR, "CSG " + req.csg() + " while in stage " + stage);
            }
        }
        if (req.transit() && req.cont()) {
            return fail(req, LoginStatus.INITIATOR_ERROR, "T and C bits both set (RFC 7143 §11.12.2)");
        }
        if (req.transit() && (req.nsg() == 2 || req.nsg() <= req.csg())) {
            return fail(req, LoginStatus.INITIATOR_ERROR, "transition from stage " + req.csg() + " to " + req.nsg());
        }
        ByteBuf data = req.data();
        int maxText = host.limits().maxText();
        if (text.size() + data.readableBytes() > maxText) {
            // RFC 7143 §11.13.5: 0x0302, the target has insufficient resources for it.
            return fail(req, LoginStatus.OUT_OF_RESOURCES, "login text longer than " + maxText + " bytes ("
                    + PortalLimits.TEXT_MAX + ")");
        }
        byte[] chunk = new byte[data.readableBytes()];
        data.getBytes(data.readerIndex(), chunk);
        text.writeBytes(chunk);
        if (req.cont()) {
            // RFC 7143 §6.1.1: acknowledge a partial text with an empty response.
            return new Step(response(req, false, 0, 0, Unpooled.EMPTY_BUFFER, LoginStatus.SUCCESS, cmdSn),
                    Outcome.CONTINUE, null);
        }
        List<Map.Entry<String, String>> pairs;
        try {
            pairs = TextKeys.parse(text.toByteArray());
        } catch (TextKeys.SyntaxException e) {
            return fail(req, LoginStatus.INITIATOR_ERROR, e.getMessage());
        }
        text.reset();
        List<Map.Entry<String, String>> answer = new ArrayList<>();
        boolean leadingPdu = first;
        if (first) {
            Step refused = leading(req, pairs, answer);
            if (refused != null) {
                return refused;
            }
            first = false;
        }
        List<Map.Entry<String, String>> authKeys = new ArrayList<>();
        Step refused = negotiate(req, pairs, answer, leadingPdu, authKeys);
        if (refused != null) {
            return refused;
        }
        if (stage == SECURITY && security.exchanging()) {
            SecurityStage.Refusal no = security.step(authKeys, req.transit(), answer);
            if (no != null) {
                return fail(req, no);
            }
        }
        // Our MaxRecvDataSegmentLength is declared once, in the operational stage (RFC 7143 §13.12).
        if (stage == OPERATIONAL && !mrdslDeclared) {
            answer.add(Map.entry(LoginKey.MAX_RECV_DATA_SEGMENT_LENGTH.wire(),
                    Integer.toString(settings.maxRecvDataSegmentLength())));
            mrdslDeclared = true;
        }
        byte[] out = TextKeys.encode(answer);
        if (out.length > LOGIN_SEGMENT) {
            return fail(req, LoginStatus.TARGET_ERROR, "login response text of " + out.length
                    + " bytes does not fit one PDU");
        }
        ByteBuf outBuf = out.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(out);
        SecurityStage.Transit leave = stage == SECURITY && req.transit() ? security.transit() : SecurityStage.Transit.GO;
        if (leave == SecurityStage.Transit.REFUSE) {
            outBuf.release();
            return fail(req, LoginStatus.AUTHENTICATION_FAILURE, "target requires AuthMethod=" + security.method()
                    + ", which was not negotiated");
        }
        if (!req.transit() || leave == SecurityStage.Transit.STAY) {
            // RFC 7143 §6.3: the target answers T=0 while its side of the stage is not done.
            return new Step(response(req, false, 0, 0, outBuf, LoginStatus.SUCCESS, cmdSn), Outcome.CONTINUE, null);
        }
        if (req.nsg() == OPERATIONAL) {
            LoginResponse r = response(req, true, req.nsg(), 0, outBuf, LoginStatus.SUCCESS, cmdSn);
            stage = OPERATIONAL;
            return new Step(r, Outcome.CONTINUE, null);
        }
        String digestRefused = settings.refusedDigest(agreed);
        if (digestRefused != null) {
            outBuf.release();
            return fail(req, LoginStatus.INITIATOR_ERROR, digestRefused);
        }
        int targetMrdsl = mrdslDeclared ? settings.maxRecvDataSegmentLength() : 8192;
        Negotiated negotiated = Negotiated.of(agreed, targetMrdsl, initiatorMrdsl);
        int respStatSn = statSn;
        LoginResult result = new LoginResult(discovery, initiatorName, initiatorAlias, target, settings, negotiated,
                isid, tsih, cid, cmdSn, respStatSn + 1, security.required()
                        ? security.method() + " user '" + security.identity() + "'" : "");
        // Reinstatement (RFC 7143 §6.3.5): the new session starts once the older one's tasks are
        // gone; a connection joins its session on the session's thread (§6.3.1).
        CompletionStage<Void> prepared = host.beforeAdmission(result);
        if (!prepared.toCompletableFuture().isDone()) {
            waiting = new Pending(req, result, outBuf);
            return new Step(null, Outcome.WAIT, null, 0, prepared);
        }
        return admit(req, result, outBuf);
    }

    /**
     * Goes on with a login that waited ({@link Outcome#WAIT}); on the connection's thread.
     *
     * @return the final response
     */
    public Step resume() {
        Pending a = waiting;
        if (a == null) {
            throw new IllegalStateException("no login waits");
        }
        waiting = null;
        return admit(a.req(), a.result(), a.text());
    }

    private Step admit(LoginRequest req, LoginResult result, ByteBuf outBuf) {
        LoginHost.Admission admitted = host.admit(result);
        if (admitted.status() != LoginStatus.SUCCESS) {
            outBuf.release();
            return fail(req, admitted.status(), tsih == 0 ? "session refused" : "cannot join session " + tsih);
        }
        tsih = admitted.tsih();
        cmdSn = admitted.expCmdSn();
        LoginResponse r = response(req, true, FULL_FEATURE, tsih, outBuf, LoginStatus.SUCCESS, admitted.maxCmdSn());
        stage = FULL_FEATURE;
        return new Step(r, Outcome.COMPLETE, result);
    }

    /** First request of the login: names, session type, target lookup and access (RFC 7143 §6.3). */
    private Step leading(LoginRequest req, List<Map.Entry<String, String>> pairs,
            List<Map.Entry<String, String>> answer) {
        String name = LoginText.find(pairs, LoginKey.INITIATOR_NAME);
        String type = LoginText.find(pairs, LoginKey.SESSION_TYPE);
        String targetName = LoginText.find(pairs, LoginKey.TARGET_NAME);
        if (name == null || name.isEmpty()) {
            return fail(req, LoginStatus.MISSING_PARAMETER, "InitiatorName missing");
        }
        if (!LoginText.validName(name)) {
            return fail(req, LoginStatus.INITIATOR_ERROR, "InitiatorName '" + name + "' is not an iSCSI name");
        }
        initiatorName = name;
        if (type == null || type.equals("Normal")) {
            discovery = false;
        } else if (type.equals("Discovery")) {
            discovery = true;
        } else {
            return fail(req, LoginStatus.SESSION_TYPE_NOT_SUPPORTED, "SessionType " + type);
        }
        TargetRegistry registry = host.registry();
        if (registry == null) {
            return fail(req, LoginStatus.SERVICE_UNAVAILABLE, "the SCSI core (TargetRegistry) is not running");
        }
        if (tsih != 0) {
            int status = host.checkExistingSession(tsih, isid, name);
            if (status != LoginStatus.SUCCESS) {
                return fail(req, status, "cannot add a connection to session " + tsih);
            }
        }
        if (discovery) {
            return requireAuthentication(req, null);
        }
        if (targetName == null || targetName.isEmpty()) {
            return fail(req, LoginStatus.MISSING_PARAMETER, "TargetName missing in a Normal session");
        }
        Optional<ScsiTarget> t = registry.target(targetName);
        if (t.isEmpty()) {
            return fail(req, LoginStatus.NOT_FOUND, "no target " + targetName);
        }
        ScsiTarget found = t.get();
        if (!found.portals().isEmpty() && !found.portals().contains(host.portalName())) {
            return fail(req, LoginStatus.NOT_FOUND, "target " + targetName + " is not offered on portal "
                    + host.portalName());
        }
        if (!found.available()) {
            // RFC 7143 §11.13.5: class 3, the initiator is not at fault and retries later; the
            // file is being fixed (its problem is logged at ERROR with file and key).
            return fail(req, LoginStatus.SERVICE_UNAVAILABLE, "target " + targetName + " takes no login while "
                    + found.origin() + " is invalid");
        }
        if (!found.allows(name, host.initiatorAddress())) {
            return fail(req, LoginStatus.AUTHORIZATION_FAILURE, "initiator " + name + " from "
                    + host.initiatorAddress().getHostAddress() + " not allowed on " + targetName);
        }
        target = found;
        settings = TargetSettings.forTarget(found.properties(), found.origin());
        Step refused = settings.redirection().answer(req, (status, why) -> fail(req, status, why));
        refused = refused != null ? refused : requireAuthentication(req, found);
        if (refused != null) {
            return refused;
        }
        // RFC 7143 §13.9: TargetPortalGroupTag in the first response of a Normal session.
        answer.add(Map.entry(LoginKey.TARGET_PORTAL_GROUP_TAG.wire(), Integer.toString(host.portalTag())));
        if (!found.alias().isEmpty()) {
            answer.add(Map.entry(LoginKey.TARGET_ALIAS.wire(), found.alias()));
        }
        return null;
    }

    /**
     * The authentication policy (RFC 7143 §6.3) of the target, or of discovery ({@code t} null:
     * the discovery policy in force now): a required method must have its service, and a login
     * that needs it cannot start in the operational stage.
     */
    private Step requireAuthentication(LoginRequest req, ScsiTarget t) {
        DiscoveryPolicy d = t == null ? host.discoveryPolicy() : null;
        String origin = d != null ? d.origin() : t.origin();
        SecurityStage.Refusal no = security.require(d != null ? d.auth() : settings.auth(), origin,
                () -> new AuthContext(SecurityStage.NONE, "", initiatorName, host.initiatorAddress(), d != null,
                        d != null ? "" : t.iqn(), d != null ? d.properties() : t.properties(), origin));
        if (no != null) {
            return fail(req, no);
        }
        if (security.required() && stage != SECURITY) {
            return fail(req, LoginStatus.AUTHENTICATION_FAILURE, "AuthMethod=" + security.method()
                    + " required but the login started in the operational stage");
        }
        return null;
    }

    private Step negotiate(LoginRequest req, List<Map.Entry<String, String>> pairs,
            List<Map.Entry<String, String>> answer, boolean leadingPdu, List<Map.Entry<String, String>> authKeys) {
        List<LoginKey> answered = new ArrayList<>();
        for (Map.Entry<String, String> e : pairs) {
            String k = e.getKey();
            String v = e.getValue();
            if (!seen.add(k)) {
                // RFC 7143 §6.2: a key may be negotiated or declared once per login.
                return fail(req, LoginStatus.INITIATOR_ERROR, "key " + k + " sent twice");
            }
            LoginKey key = LoginKey.byWire(k);
            if (key == null && stage == SECURITY && security.exchanging() && security.owns(k)) {
                authKeys.add(e);
                continue;
            }
            if (key == null) {
                answer.add(Map.entry(k, "NotUnderstood"));
                continue;
            }
            if (KeyRules.valueTooLong(key, v)) {
                answer.add(Map.entry(k, "Reject"));
                continue;
            }
            switch (key) {
                case INITIATOR_NAME, TARGET_NAME, SESSION_TYPE -> {
                    if (!leadingPdu) {
                        return fail(req, LoginStatus.INITIATOR_ERROR, k + " only allowed in the first request");
                    }
                }
                case INITIATOR_ALIAS -> initiatorAlias = v;
                case SEND_TARGETS, TARGET_ALIAS, TARGET_ADDRESS, TARGET_PORTAL_GROUP_TAG ->
                        answer.add(Map.entry(k, "Reject"));
                case AUTH_METHOD -> {
                    if (stage != SECURITY) {
                        answer.add(Map.entry(k, "Irrelevant"));
                        continue;
                    }
                    String r = key.negotiate(v, security.method());
                    SecurityStage.Refusal no = security.agreed(r, v);
                    if (no != null) {
                        return fail(req, no);
                    }
                    answer.add(Map.entry(k, r));
                }
                case MAX_RECV_DATA_SEGMENT_LENGTH -> {
                    long n = key.parseNumber(v);
                    if (n < 0) {
                        answer.add(Map.entry(k, "Reject"));
                    } else {
                        initiatorMrdsl = (int) n;
                    }
                }
                case OF_MARK_INT, IF_MARK_INT -> answer.add(Map.entry(k, "Irrelevant"));
                default -> {
                    // Session-wide keys are settled by the leading login (RFC 7143 §6.3.1, §13 "LO")
                    if (discovery && key.irrelevantInDiscovery() || tsih != 0 && key.use() == LoginKey.Use.LO) {
                        answer.add(Map.entry(k, "Irrelevant"));
                        continue;
                    }
                    String r = key.negotiate(v, settings.ours(key));
                    agreed.put(key, r);
                    answered.add(key);
                    answer.add(Map.entry(k, r));
                }
            }
        }
        if (answered.contains(LoginKey.FIRST_BURST_LENGTH)) {
            Negotiated.settleFirstBurst(agreed, answer);
        }
        return null;
    }

    private LoginResponse response(LoginRequest req, boolean transit, int nsg, int tsihOut, ByteBuf data, int status,
            int maxCmdSn) {
        // RFC 7143 §11.13.4: the TSIH the initiator sent, but in the final response of a new session
        return new LoginResponse(transit, false, req.csg(), transit ? nsg : 0, 0, 0, req.isid(),
                tsihOut != 0 ? tsihOut : req.tsih(), req.itt(),
                statSn++, cmdSn, maxCmdSn, status >> 8, status & 0xff, data);
    }

    private Step fail(LoginRequest req, SecurityStage.Refusal no) {
        int status = no.failure() == SecurityStage.Failure.AUTHENTICATION ? LoginStatus.AUTHENTICATION_FAILURE
                : LoginStatus.TARGET_ERROR;
        Step s = fail(req, status, no.why());
        return new Step(s.response(), s.outcome(), null, no.delayMillis());
    }

    private Step fail(LoginRequest req, int status, String why) {
        String address = host.initiatorAddress().getHostAddress();
        String code = String.format("%04x", status);
        // one line per address and status a minute: a peer retrying in a loop cannot flood the log
        long suppressed = host.loginRefusals().record(address + " 0x" + code, System.nanoTime());
        if (suppressed >= 0) {
            LOG.info("login from {} ({}) refused with status 0x{}: {}{}", address,
                    initiatorName == null ? "?" : LogSafe.of(initiatorName), code, LogSafe.of(why, LogSafe.MESSAGE),
                    suppressed == 0 ? "" : " (" + suppressed + " more refused with this status since the last line;"
                            + " logged once a minute per address)");
            if (status == LoginStatus.AUTHENTICATION_FAILURE || status == LoginStatus.AUTHORIZATION_FAILURE) {
                SessionEvents.authFailed(host.mdc(), target == null ? null : target.iqn(),
                        initiatorName == null ? null : LogSafe.of(initiatorName), req.isid(), status,
                        LogSafe.of(why, LogSafe.MESSAGE));
            }
        }
        LoginResponse r = new LoginResponse(false, false, req.csg(), 0, 0, 0, req.isid(), req.tsih(), req.itt(), statSn++,
                req.cmdSn(), req.cmdSn(), status >> 8, status & 0xff, Unpooled.EMPTY_BUFFER);
        return new Step(r, Outcome.FAILED, null);
    }

    /**
     * Answers a Login Request the decoder could not accept, such as a data segment over the 8192
     * bytes allowed during login (RFC 7143 §13.12): Initiator error (0x0200), as the header is
     * readable even when the data is not.
     *
     * @param bad the refused PDU (its opcode is Login Request)
     * @return the response to send before the connection closes
     */
    public LoginResponse malformed(InvalidPdu bad) {
        LoginRequest req;
        try {
            req = (LoginRequest) PduCodec.decode(Opcode.LOGIN_REQUEST, bad.header(), new byte[0], Unpooled.EMPTY_BUFFER);
        } catch (MalformedPduException e) {
            throw new IllegalStateException("a login BHS always decodes", e);
        }
        return fail(req, LoginStatus.INITIATOR_ERROR, bad.detail()).response();
    }

    /**
     * @return the Login reject "Invalid during login" (0x020b) due to a PDU other than a Login
     *         Request once the login started (RFC 7143 §6.3), or null before: then the connection just closes
     */
    public LoginResponse invalidDuringLogin() {
        return lastCsg < 0 ? null : new LoginResponse(false, false, lastCsg, 0, 0, 0, isid, 0, lastItt, statSn++,
                cmdSn, cmdSn, LoginStatus.INVALID_DURING_LOGIN >> 8, LoginStatus.INVALID_DURING_LOGIN & 0xff, Unpooled.EMPTY_BUFFER);
    }

    /** The login ended (admitted, refused, timed out or connection lost). */
    public void close() {
        Pending a = waiting;
        if (a != null) {
            waiting = null;
            a.text().release();
        }
        security.close();
    }

    /** @return the stage the login is in */
    int stage() {
        return stage;
    }
}
