package org.jstgt.testkit;

import static org.jstgt.testkit.InitiatorConnection.hex;
import static org.jstgt.testkit.InitiatorConnection.u32;
import static org.jstgt.testkit.InitiatorConnection.unexpected;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The login phase of an {@link Initiator} (RFC 7143 §6, §11.12-11.13): the keys offered for a
 * discovery or a normal session, the security stage (AuthMethod None, or CHAP through a
 * {@link ChapExchange} when the options carry {@link ChapOptions}), the operational stage, and the
 * session parameters settled from the offers and the answers (RFC 7143 §13).
 */
final class LoginNegotiation {
    // Login PDU byte 1 (RFC 7143 §11.12.1): T bit, C bit, CSG bits 2-3, NSG bits 0-1
    static final int TRANSIT = 0x80;
    static final int CONTINUE = 0x40;
    private static final int SECURITY_NEGOTIATION = 0;
    private static final int OPERATIONAL_NEGOTIATION = 1;
    private static final int FULL_FEATURE_PHASE = 3;

    /** Keys a target declares without expecting an answer (RFC 7143 §6.2, §13). */
    private static final Set<String> DECLARATIVE = Set.of("TargetAlias", "TargetAddress", "TargetPortalGroupTag",
            "MaxRecvDataSegmentLength", "InitiatorAlias", "TargetName", "InitiatorName", "SessionType");

    private LoginNegotiation() {
    }

    /** Logs in a discovery session. */
    static Negotiated discovery(InitiatorConnection c) throws IOException {
        c.discoverySession = true;
        return login(c, security(c.options, "Discovery", null), c.options.connectionOffer());
    }

    /** Logs in a normal session to {@code targetName}, offering MaxConnections (RFC 7143 §13.2). */
    static Negotiated normal(InitiatorConnection c, String targetName, int maxConnections) throws IOException {
        c.discoverySession = false;
        return login(c, security(c.options, "Normal", targetName), c.options.sessionOffer(maxConnections));
    }

    /**
     * Logs a connection in to the session of {@code leading} (RFC 7143 §6.3.1: the session's
     * TSIH, a CID of its own): only the connection's own keys are offered (digests and
     * MaxRecvDataSegmentLength, §13); the session-wide ones stay as the leading login settled them.
     */
    static Negotiated join(InitiatorConnection c, String targetName, Negotiated leading) throws IOException {
        c.discoverySession = false;
        Negotiated own = login(c, security(c.options, "Normal", targetName), c.options.connectionOffer());
        Negotiated n = new Negotiated(own.headerDigest(), own.dataDigest(), own.maxSendDataSegmentLength(),
                own.maxRecvDataSegmentLength(), leading.firstBurstLength(), leading.maxBurstLength(),
                leading.immediateData(), leading.initialR2T(), own.targetPortalGroupTag(), own.targetKeys());
        c.loggedIn(n);
        return n;
    }

    /** The keys of the first request: names and session type (TargetName null: none). */
    private static Map<String, String> security(InitiatorOptions options, String type, String targetName) {
        Map<String, String> security = new LinkedHashMap<>();
        security.put("InitiatorName", options.initiatorName());
        security.put("SessionType", type);
        if (targetName != null) {
            security.put("TargetName", targetName);
        }
        return security;
    }

    private static Negotiated login(InitiatorConnection c, Map<String, String> security,
            Map<String, String> operational) throws IOException {
        if (c.loggedIn) {
            throw new IllegalStateException("already logged in");
        }
        long deadline = c.deadline();
        int itt = c.nextItt();
        ChapExchange chap = c.options.chap() == null ? null : new ChapExchange(c.options.chap());
        security.put("AuthMethod", chap == null ? "None" : ChapExchange.OFFER);
        Map<String, String> targetKeys = new LinkedHashMap<>();
        int stage = SECURITY_NEGOTIATION;
        Map<String, String> toSend = new LinkedHashMap<>(security);
        boolean operationalSent = false;
        boolean first = true;
        for (int round = 0; round < 16; round++) {
            c.checkDeadline(deadline, "login");
            // RFC 7143 §12.1.3: with CHAP, the T bit waits for the request carrying CHAP_R
            boolean transit = stage != SECURITY_NEGOTIATION || chap == null || chap.transit();
            int next = stage == SECURITY_NEGOTIATION ? OPERATIONAL_NEGOTIATION : FULL_FEATURE_PHASE;
            if (stage == OPERATIONAL_NEGOTIATION && !operationalSent) {
                toSend.putAll(operational);
                operationalSent = true;
            }
            // RFC 7143 §11.12: Login Request, always immediate; CmdSN is not advanced during login
            Pdu req = new Pdu(Pdu.LOGIN_REQUEST).immediate(true)
                    .flags(transit ? TRANSIT | stage << 2 | next : stage << 2)
                    .u8(2, 0).u8(3, 0);
            for (int i = 0; i < 6; i++) {
                req.u8(8 + i, c.session.isid[i] & 0xff);
            }
            req.u16(14, c.session.tsih()).itt(itt).u16(20, c.cid).int32(24, c.session.cmdSN())
                    .int32(28, c.expStatSN);
            req.data(TextKeys.encode(toSend));
            c.send(req);
            Pdu resp = c.receive(deadline, "login response");
            if (resp.opcode() != Pdu.LOGIN_RESPONSE) {
                throw unexpected(resp, "Login Response");
            }
            if (resp.itt() != itt) {
                throw new IscsiProtocolException("Login Response ITT " + hex(resp.itt()) + ", sent " + hex(itt));
            }
            int statusClass = resp.u8(36);
            if (statusClass != 0) {
                // RFC 7143 §11.13.5: a redirect (class 1) says where in TargetAddress keys
                List<String> moved = new ArrayList<>();
                if (statusClass == 1) {
                    TextKeys.parse(resp.data()).stream().filter(p -> p.key().equals("TargetAddress"))
                            .forEach(p -> moved.add(p.value()));
                }
                throw new LoginFailedException(statusClass, resp.u8(37), moved);
            }
            if (resp.u8(3) != 0) {
                throw new IscsiProtocolException("target chose Version-active " + resp.u8(3) + ", we offered 0");
            }
            // RFC 7143 §11.13.4: the first Login Response carries the initial StatSN
            int statSN = resp.int32(24);
            if (!first && statSN != c.expStatSN) {
                throw new IscsiProtocolException("Login Response StatSN " + u32(statSN) + ", expected "
                        + u32(c.expStatSN));
            }
            first = false;
            c.expStatSN = statSN + 1;
            c.updateWindow(resp.int32(28), resp.int32(32));
            if (resp.u16(14) != 0) {
                c.session.tsih(resp.u16(14));
            }
            Map<String, String> answer = TextKeys.parseMap(resp.data());
            targetKeys.putAll(answer);
            for (Map.Entry<String, String> e : answer.entrySet()) {
                if (e.getValue().equals("Reject") || e.getValue().equals("NotUnderstood")) {
                    throw new IscsiProtocolException("target answered " + e.getKey() + "=" + e.getValue());
                }
            }
            if (!transit && (resp.flags() & TRANSIT) != 0) {
                throw new IscsiProtocolException("Login Response with the T bit answers a request without it "
                        + "(RFC 7143 §11.13.3)");
            }
            if (stage == SECURITY_NEGOTIATION && chap != null) {
                toSend = answerChap(c, chap, answer);
            } else {
                if (answer.containsKey("AuthMethod") && !answer.get("AuthMethod").equals("None")) {
                    throw new IscsiProtocolException("target requires AuthMethod=" + answer.get("AuthMethod")
                            + "; give the initiator CHAP credentials (InitiatorOptions.withChap)");
                }
                toSend = new LinkedHashMap<>();
            }
            Map<String, String> offered = stage == SECURITY_NEGOTIATION ? security : operational;
            for (Map.Entry<String, String> e : answer.entrySet()) {
                if (!offered.containsKey(e.getKey()) && !DECLARATIVE.contains(e.getKey())
                        && !e.getKey().startsWith("CHAP_")) {
                    // RFC 7143 §6.2: a key the target offers needs an answer; accept its value
                    toSend.put(e.getKey(), e.getValue());
                }
            }
            int respCsg = (resp.flags() >> 2) & 3;
            if (respCsg != stage) {
                throw new IscsiProtocolException("Login Response CSG " + respCsg + ", expected " + stage);
            }
            if ((resp.flags() & TRANSIT) != 0) {
                if (stage == SECURITY_NEGOTIATION && chap != null && !chap.done()) {
                    throw new IscsiProtocolException("target left the security stage before CHAP was complete "
                            + "(admitted without authentication?)");
                }
                int nsg = resp.flags() & 3;
                if (nsg == FULL_FEATURE_PHASE) {
                    if (!toSend.isEmpty()) {
                        throw new IscsiProtocolException("target moved to full feature phase with keys unanswered: "
                                + toSend.keySet());
                    }
                    if (!operationalSent) {
                        // the target skipped operational negotiation: every key keeps its default
                        targetKeys.keySet().removeAll(operational.keySet());
                    }
                    Negotiated negotiated = settle(c, operational, targetKeys);
                    c.loggedIn(negotiated);
                    return negotiated;
                }
                if (nsg != OPERATIONAL_NEGOTIATION || stage != SECURITY_NEGOTIATION) {
                    throw new IscsiProtocolException("Login Response moves from stage " + stage + " to " + nsg);
                }
                stage = OPERATIONAL_NEGOTIATION;
            } else if ((resp.flags() & CONTINUE) != 0) {
                throw new IscsiProtocolException("Login Response with C bit: text continuation is not supported");
            }
        }
        throw new IscsiProtocolException("login did not complete in 16 exchanges");
    }

    /**
     * Runs a security-stage answer through the CHAP exchange. RFC 7143 §12.1.3: when the target's
     * mutual answer is wrong the initiator must drop the connection, so it is closed here.
     */
    private static Map<String, String> answerChap(InitiatorConnection c, ChapExchange chap, Map<String, String> answer)
            throws IscsiProtocolException {
        try {
            return chap.answer(answer);
        } catch (TargetAuthenticationException e) {
            c.close();
            throw e;
        }
    }

    /**
     * Computes the session parameters from our offers and the target's answers (RFC 7143 §13:
     * InitialR2T is OR, ImmediateData AND, burst lengths minimum; unanswered keys keep defaults).
     */
    private static Negotiated settle(InitiatorConnection c, Map<String, String> offered, Map<String, String> answers)
            throws IscsiProtocolException {
        InitiatorOptions options = c.options;
        boolean hd = digest("HeaderDigest", offered, answers);
        boolean dd = digest("DataDigest", offered, answers);
        int mrdsl = intKey(answers, "MaxRecvDataSegmentLength", 8192, 512, 0xffffff);
        int fbl = 65536;
        int mbl = 262144;
        boolean immediate = true;
        boolean r2t = true;
        if (!c.discoverySession) {
            fbl = intKey(answers, "FirstBurstLength", 65536, 512, options.firstBurstLength());
            mbl = intKey(answers, "MaxBurstLength", 262144, 512, options.maxBurstLength());
            immediate = boolKey(answers, "ImmediateData", true, options.immediateData());
            r2t = boolKey(answers, "InitialR2T", true, options.initialR2T());
            if (immediate && !options.immediateData()) {
                throw new IscsiProtocolException("ImmediateData=Yes answered to our No (AND function)");
            }
            if (!r2t && options.initialR2T()) {
                throw new IscsiProtocolException("InitialR2T=No answered to our Yes (OR function)");
            }
            if (fbl > mbl) {
                fbl = mbl;
            }
            String mot = answers.get("MaxOutstandingR2T");
            if (mot != null && !mot.equals("1")) {
                throw new IscsiProtocolException("MaxOutstandingR2T=" + mot + " answered to our 1");
            }
        }
        int tpgt = -1;
        String tag = answers.get("TargetPortalGroupTag");
        if (tag != null) {
            try {
                tpgt = Integer.parseInt(tag);
            } catch (NumberFormatException e) {
                throw new IscsiProtocolException("TargetPortalGroupTag=" + tag + " is not a number");
            }
        }
        return new Negotiated(hd, dd, mrdsl, options.maxRecvDataSegmentLength(), fbl, mbl, immediate, r2t, tpgt,
                answers);
    }

    private static boolean digest(String key, Map<String, String> offered, Map<String, String> answers)
            throws IscsiProtocolException {
        String v = answers.get(key);
        if (v == null) {
            return false;
        }
        String offer = offered.get(key).toUpperCase(Locale.ROOT);
        String upper = v.toUpperCase(Locale.ROOT);
        if (!upper.equals("NONE") && !upper.equals("CRC32C") || !Arrays.asList(offer.split(",")).contains(upper)) {
            throw new IscsiProtocolException(key + "=" + v + " was not among our offer " + offered.get(key));
        }
        return upper.equals("CRC32C");
    }

    private static int intKey(Map<String, String> answers, String key, int dflt, int min, int max)
            throws IscsiProtocolException {
        String v = answers.get(key);
        if (v == null || v.equals("Irrelevant")) {
            // RFC 7143 §6.2: an unanswered or irrelevant key keeps its default
            return Math.min(dflt, max);
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw new IscsiProtocolException(key + "=" + v + " outside " + min + ".." + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IscsiProtocolException(key + "=" + v + " is not a number");
        }
    }

    private static boolean boolKey(Map<String, String> answers, String key, boolean dflt, boolean offered)
            throws IscsiProtocolException {
        String v = answers.get(key);
        if (v == null) {
            return dflt;
        }
        if (v.equals("Irrelevant")) {
            return offered;
        }
        return switch (v) {
            case "Yes" -> true;
            case "No" -> false;
            default -> throw new IscsiProtocolException(key + "=" + v + " is neither Yes nor No");
        };
    }

    private static String yesNo(boolean b) {
        return b ? "Yes" : "No";
    }
}
