package org.jstgt.testkit;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A small blocking iSCSI initiator for tests (RFC 7143): one TCP connection, one session, one
 * outstanding command at a time, ErrorRecoveryLevel 0. Every wait is bounded by
 * {@link InitiatorOptions#timeout()}: the socket read timeout and a deadline over each exchange.
 *
 * <p>Typical use: {@code try (Initiator i = Initiator.connect(addr, opts)) { i.login(iqn);
 * i.scsi(0, Cdbs.read10(0, 8), null, 4096).assertGood(); i.logout(); }}
 *
 * <p>The initiator is strict: a PDU out of order (StatSN, DataSN, R2TSN), a digest error, a data
 * segment above our MaxRecvDataSegmentLength or a Reject fails the call with an
 * {@link IscsiProtocolException}, so that tests see target bugs.
 */
public final class Initiator implements AutoCloseable {
    // Login PDU byte 1 (RFC 7143 §11.12.1): T bit, C bit, CSG bits 2-3, NSG bits 0-1
    private static final int TRANSIT = 0x80;
    private static final int CONTINUE = 0x40;
    private static final int SECURITY_NEGOTIATION = 0;
    private static final int OPERATIONAL_NEGOTIATION = 1;
    private static final int FULL_FEATURE_PHASE = 3;

    /** Keys a target declares without expecting an answer (RFC 7143 §6.2, §13). */
    private static final Set<String> DECLARATIVE = Set.of("TargetAlias", "TargetAddress", "TargetPortalGroupTag",
            "MaxRecvDataSegmentLength", "InitiatorAlias", "TargetName", "InitiatorName", "SessionType");

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final InitiatorOptions options;
    private final long timeoutNanos;

    private final byte[] isid = new byte[6];
    private int tsih;
    private int nextItt = 1;
    private int cmdSN = 1;
    private int expCmdSN = 1;
    private int maxCmdSN = 1;
    private int expStatSN;
    private boolean loggedIn;
    private boolean discoverySession;
    private boolean headerDigest;
    private boolean dataDigest;
    private Negotiated negotiated;
    private final List<Pdu> asyncMessages = new ArrayList<>();

    private Initiator(Socket socket, InitiatorOptions options) throws IOException {
        this.socket = socket;
        this.options = options;
        this.timeoutNanos = options.timeout().toNanos();
        this.in = new BufferedInputStream(socket.getInputStream(), 65536);
        this.out = new BufferedOutputStream(socket.getOutputStream(), 65536);
        // ISID type 10b (random, RFC 7143 §11.12.5): byte 0 bits 6-7 = 2, the rest random
        RANDOM.nextBytes(isid);
        isid[0] = (byte) (0x80 | (isid[0] & 0x3f));
    }

    /**
     * Opens the TCP connection (IPv4 or IPv6).
     *
     * @param address target portal
     * @param options login offers and timeouts
     * @return a connected initiator, not yet logged in
     * @throws IOException when the connection fails or times out
     */
    public static Initiator connect(InetSocketAddress address, InitiatorOptions options) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            int ms = (int) Math.min(Integer.MAX_VALUE, options.timeout().toMillis());
            s.setSoTimeout(ms);
            s.connect(address, ms);
            return new Initiator(s, options);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * Runs a whole discovery session: connect, login with SessionType=Discovery, SendTargets=All,
     * logout.
     *
     * @param address portal
     * @param options offers and timeouts
     * @return the targets the portal reported
     * @throws IOException on any failure
     */
    public static List<DiscoveredTarget> sendTargets(InetSocketAddress address, InitiatorOptions options)
            throws IOException {
        try (Initiator i = connect(address, options)) {
            i.loginDiscovery();
            List<DiscoveredTarget> targets = i.sendTargetsAll();
            i.logout();
            return targets;
        }
    }

    /** @return the operational parameters in force, or null before login */
    public Negotiated negotiated() {
        return negotiated;
    }

    /** @return the TSIH the target assigned (0 before login) */
    public int tsih() {
        return tsih;
    }

    /** @return the ISID (6 bytes) */
    public byte[] isid() {
        return isid.clone();
    }

    /** @return Asynchronous Message PDUs received so far (RFC 7143 §11.9) */
    public List<Pdu> asyncMessages() {
        return List.copyOf(asyncMessages);
    }

    /**
     * Logs in a discovery session.
     *
     * @return negotiated parameters
     * @throws IOException on failure
     */
    public Negotiated loginDiscovery() throws IOException {
        Map<String, String> security = new LinkedHashMap<>();
        security.put("InitiatorName", options.initiatorName());
        security.put("SessionType", "Discovery");
        security.put("AuthMethod", "None");
        Map<String, String> operational = new LinkedHashMap<>();
        operational.put("HeaderDigest", options.headerDigest());
        operational.put("DataDigest", options.dataDigest());
        operational.put("MaxRecvDataSegmentLength", Integer.toString(options.maxRecvDataSegmentLength()));
        discoverySession = true;
        return login(security, operational);
    }

    /**
     * Logs in a normal session to a target.
     *
     * @param targetName the target's iSCSI name
     * @return negotiated parameters
     * @throws IOException on failure, {@link LoginFailedException} when the target refuses
     */
    public Negotiated login(String targetName) throws IOException {
        Map<String, String> security = new LinkedHashMap<>();
        security.put("InitiatorName", options.initiatorName());
        security.put("SessionType", "Normal");
        security.put("TargetName", targetName);
        security.put("AuthMethod", "None");
        Map<String, String> operational = new LinkedHashMap<>();
        operational.put("HeaderDigest", options.headerDigest());
        operational.put("DataDigest", options.dataDigest());
        operational.put("MaxRecvDataSegmentLength", Integer.toString(options.maxRecvDataSegmentLength()));
        operational.put("InitialR2T", yesNo(options.initialR2T()));
        operational.put("ImmediateData", yesNo(options.immediateData()));
        operational.put("FirstBurstLength", Integer.toString(options.firstBurstLength()));
        operational.put("MaxBurstLength", Integer.toString(options.maxBurstLength()));
        operational.put("MaxConnections", "1");
        operational.put("MaxOutstandingR2T", "1");
        operational.put("DataPDUInOrder", "Yes");
        operational.put("DataSequenceInOrder", "Yes");
        operational.put("ErrorRecoveryLevel", "0");
        operational.put("DefaultTime2Wait", "0");
        operational.put("DefaultTime2Retain", "0");
        discoverySession = false;
        return login(security, operational);
    }

    private Negotiated login(Map<String, String> security, Map<String, String> operational) throws IOException {
        if (loggedIn) {
            throw new IllegalStateException("already logged in");
        }
        long deadline = System.nanoTime() + timeoutNanos;
        int itt = nextItt();
        Map<String, String> targetKeys = new LinkedHashMap<>();
        int stage = SECURITY_NEGOTIATION;
        Map<String, String> toSend = new LinkedHashMap<>(security);
        boolean operationalSent = false;
        boolean first = true;
        for (int round = 0; round < 16; round++) {
            checkDeadline(deadline, "login");
            int next = stage == SECURITY_NEGOTIATION ? OPERATIONAL_NEGOTIATION : FULL_FEATURE_PHASE;
            if (stage == OPERATIONAL_NEGOTIATION && !operationalSent) {
                toSend.putAll(operational);
                operationalSent = true;
            }
            // RFC 7143 §11.12: Login Request, always immediate; CmdSN is not advanced during login
            Pdu req = new Pdu(Pdu.LOGIN_REQUEST).immediate(true)
                    .flags(TRANSIT | stage << 2 | next)
                    .u8(2, 0).u8(3, 0);
            for (int i = 0; i < 6; i++) {
                req.u8(8 + i, isid[i] & 0xff);
            }
            req.u16(14, tsih).itt(itt).u16(20, 0).int32(24, cmdSN).int32(28, expStatSN);
            req.data(TextKeys.encode(toSend));
            send(req);
            Pdu resp = receive(deadline, "login response");
            if (resp.opcode() != Pdu.LOGIN_RESPONSE) {
                throw unexpected(resp, "Login Response");
            }
            if (resp.itt() != itt) {
                throw new IscsiProtocolException("Login Response ITT " + hex(resp.itt()) + ", sent " + hex(itt));
            }
            int statusClass = resp.u8(36);
            if (statusClass != 0) {
                throw new LoginFailedException(statusClass, resp.u8(37));
            }
            if (resp.u8(3) != 0) {
                throw new IscsiProtocolException("target chose Version-active " + resp.u8(3) + ", we offered 0");
            }
            // RFC 7143 §11.13.4: the first Login Response carries the initial StatSN
            int statSN = resp.int32(24);
            if (!first && statSN != expStatSN) {
                throw new IscsiProtocolException("Login Response StatSN " + u32(statSN) + ", expected " + u32(expStatSN));
            }
            first = false;
            expStatSN = statSN + 1;
            updateWindow(resp.int32(28), resp.int32(32));
            tsih = resp.u16(14);
            Map<String, String> answer = TextKeys.parseMap(resp.data());
            targetKeys.putAll(answer);
            for (Map.Entry<String, String> e : answer.entrySet()) {
                if (e.getValue().equals("Reject") || e.getValue().equals("NotUnderstood")) {
                    throw new IscsiProtocolException("target answered " + e.getKey() + "=" + e.getValue());
                }
            }
            if (answer.containsKey("AuthMethod") && !answer.get("AuthMethod").equals("None")) {
                throw new IscsiProtocolException("target requires AuthMethod=" + answer.get("AuthMethod")
                        + "; the testkit initiator supports only None");
            }
            toSend = new LinkedHashMap<>();
            Map<String, String> offered = stage == SECURITY_NEGOTIATION ? security : operational;
            for (Map.Entry<String, String> e : answer.entrySet()) {
                if (!offered.containsKey(e.getKey()) && !DECLARATIVE.contains(e.getKey())) {
                    // RFC 7143 §6.2: a key the target offers needs an answer; accept its value
                    toSend.put(e.getKey(), e.getValue());
                }
            }
            int respCsg = (resp.flags() >> 2) & 3;
            if (respCsg != stage) {
                throw new IscsiProtocolException("Login Response CSG " + respCsg + ", expected " + stage);
            }
            if ((resp.flags() & TRANSIT) != 0) {
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
                    negotiated = settle(operational, targetKeys);
                    headerDigest = negotiated.headerDigest();
                    dataDigest = negotiated.dataDigest();
                    loggedIn = true;
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
     * Computes the session parameters from our offers and the target's answers (RFC 7143 §13:
     * InitialR2T is OR, ImmediateData AND, burst lengths minimum; unanswered keys keep defaults).
     */
    private Negotiated settle(Map<String, String> offered, Map<String, String> answers) throws IscsiProtocolException {
        boolean hd = digest("HeaderDigest", offered, answers);
        boolean dd = digest("DataDigest", offered, answers);
        int mrdsl = intKey(answers, "MaxRecvDataSegmentLength", 8192, 512, 0xffffff);
        int fbl = 65536;
        int mbl = 262144;
        boolean immediate = true;
        boolean r2t = true;
        if (!discoverySession) {
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

    /**
     * Sends SendTargets=All in a discovery session (RFC 7143 §11.10, Appendix C), following text
     * continuations.
     *
     * @return the targets reported
     * @throws IOException on failure
     */
    public List<DiscoveredTarget> sendTargetsAll() throws IOException {
        requireLoggedIn();
        long deadline = System.nanoTime() + timeoutNanos;
        int itt = nextItt();
        int ttt = Pdu.RESERVED_TAG;
        byte[] request = TextKeys.encode(Map.of("SendTargets", "All"));
        java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
        for (int round = 0; round < 1024; round++) {
            awaitWindow(deadline);
            Pdu req = new Pdu(Pdu.TEXT_REQUEST).flags(0x80).itt(itt).int32(20, ttt).int32(24, cmdSN)
                    .int32(28, expStatSN).data(round == 0 ? request : new byte[0]);
            cmdSN++;
            send(req);
            Pdu resp = receiveFor(itt, deadline, "Text Response");
            if (resp.opcode() != Pdu.TEXT_RESPONSE) {
                throw unexpected(resp, "Text Response");
            }
            checkStatSN(resp);
            text.writeBytes(resp.data());
            boolean fin = resp.isFinal();
            boolean cont = (resp.flags() & CONTINUE) != 0;
            if (fin && cont) {
                throw new IscsiProtocolException("Text Response with both F and C bits (RFC 7143 §11.11.2)");
            }
            if (fin) {
                try {
                    return parseSendTargets(text.toByteArray());
                } catch (IllegalArgumentException e) {
                    throw new IscsiProtocolException("SendTargets answer: " + e.getMessage());
                }
            }
            ttt = resp.int32(20);
            if (ttt == Pdu.RESERVED_TAG) {
                throw new IscsiProtocolException("non-final Text Response without a Target Transfer Tag");
            }
        }
        throw new IscsiProtocolException("SendTargets answer never ended");
    }

    /**
     * Parses a SendTargets answer (RFC 7143 §13.3): target records, each a TargetName followed by
     * its TargetAddress keys. Any other key is refused, as real initiators (libiscsi) refuse it.
     *
     * @param text the concatenated text data
     * @return targets in order
     * @throws IllegalArgumentException on a key other than TargetName or TargetAddress
     */
    static List<DiscoveredTarget> parseSendTargets(byte[] text) {
        List<DiscoveredTarget> out = new ArrayList<>();
        String name = null;
        List<String> addresses = new ArrayList<>();
        for (TextKeys.Pair p : TextKeys.parse(text)) {
            if (p.key().equals("TargetName")) {
                if (name != null) {
                    out.add(new DiscoveredTarget(name, addresses));
                }
                name = p.value();
                addresses = new ArrayList<>();
            } else if (p.key().equals("TargetAddress")) {
                if (name == null) {
                    throw new IllegalArgumentException("TargetAddress before any TargetName");
                }
                addresses.add(p.value());
            } else {
                throw new IllegalArgumentException("key " + p.key() + "=" + p.value()
                        + " in a target record, which holds only TargetName and TargetAddress");
            }
        }
        if (name != null) {
            out.add(new DiscoveredTarget(name, addresses));
        }
        return out;
    }

    /**
     * Runs one SCSI command (RFC 7143 §11.3-11.8) with SIMPLE task attribute and waits for its
     * status: immediate data and unsolicited Data-Out up to FirstBurstLength as negotiated, Data-Out
     * for each R2T, Data-In collected at its buffer offsets, status from the SCSI Response or a
     * final Data-In with the S bit.
     *
     * @param lun logical unit number (0..16383)
     * @param cdb the CDB, up to 16 bytes
     * @param dataOut data to write, or null / empty
     * @param expectedInLength bytes expected back (0 for none); not combined with dataOut
     * @return the reply
     * @throws IOException on transport failure or protocol violation
     */
    public ScsiReply scsi(int lun, byte[] cdb, byte[] dataOut, int expectedInLength) throws IOException {
        requireLoggedIn();
        if (discoverySession) {
            throw new IllegalStateException("SCSI commands need a normal session");
        }
        if (cdb.length == 0 || cdb.length > 16) {
            throw new IllegalArgumentException("CDB must be 1..16 bytes, was " + cdb.length);
        }
        byte[] outData = dataOut == null ? new byte[0] : dataOut;
        if (outData.length > 0 && expectedInLength > 0) {
            throw new IllegalArgumentException("bidirectional commands are not supported");
        }
        if (expectedInLength < 0) {
            throw new IllegalArgumentException("expectedInLength must be >= 0");
        }
        long deadline = System.nanoTime() + timeoutNanos;
        Negotiated n = negotiated;
        int itt = nextItt();
        int maxSend = n.maxSendDataSegmentLength();
        int immediateLength = n.immediateData() ? Math.min(outData.length, Math.min(n.firstBurstLength(), maxSend)) : 0;
        int unsolicited = n.initialR2T() ? immediateLength : Math.min(outData.length, n.firstBurstLength());
        boolean moreUnsolicited = unsolicited > immediateLength;

        // RFC 7143 §11.3.1: byte 1 F, R, W, ATTR (1 = SIMPLE)
        int flags = (moreUnsolicited ? 0 : 0x80) | (expectedInLength > 0 ? 0x40 : 0) | (outData.length > 0 ? 0x20 : 0)
                | 1;
        awaitWindow(deadline);
        Pdu cmd = new Pdu(Pdu.SCSI_COMMAND).flags(flags).lun(lun).itt(itt)
                .int32(20, outData.length > 0 ? outData.length : expectedInLength).int32(24, cmdSN)
                .int32(28, expStatSN);
        for (int i = 0; i < cdb.length; i++) {
            cmd.u8(32 + i, cdb[i] & 0xff);
        }
        cmd.data(Arrays.copyOf(outData, immediateLength));
        cmdSN++;
        send(cmd, false);
        if (moreUnsolicited) {
            sendDataOut(lun, itt, Pdu.RESERVED_TAG, outData, immediateLength, unsolicited - immediateLength, maxSend);
        }
        out.flush();

        byte[] in = new byte[expectedInLength];
        int inHigh = 0;
        int expectedDataSN = 0;
        int expectedR2TSN = 0;
        int solicited = 0;
        for (;;) {
            Pdu pdu = receiveFor(itt, deadline, "status of " + opName(cdb));
            switch (pdu.opcode()) {
                case Pdu.R2T -> {
                    if (outData.length == 0) {
                        throw new IscsiProtocolException("R2T for a command without Data-Out");
                    }
                    updateWindow(pdu.int32(28), pdu.int32(32));
                    int r2tsn = pdu.int32(36);
                    if (r2tsn != expectedR2TSN) {
                        throw new IscsiProtocolException("R2TSN " + u32(r2tsn) + ", expected " + expectedR2TSN);
                    }
                    expectedR2TSN++;
                    int offset = pdu.int32(40);
                    int length = pdu.int32(44);
                    if (length <= 0 || length > n.maxBurstLength()) {
                        throw new IscsiProtocolException("R2T Desired Data Transfer Length " + u32(length)
                                + " outside 1..MaxBurstLength " + n.maxBurstLength());
                    }
                    if (offset < 0 || (long) offset + length > outData.length) {
                        throw new IscsiProtocolException("R2T asks for bytes " + u32(offset) + "+" + length
                                + " of a " + outData.length + "-byte transfer");
                    }
                    if (offset < unsolicited) {
                        throw new IscsiProtocolException("R2T at offset " + offset + " asks again for unsolicited data ("
                                + unsolicited + " bytes)");
                    }
                    solicited += length;
                    sendDataOut(lun, itt, pdu.int32(20), outData, offset, length, maxSend);
                    out.flush();
                }
                case Pdu.DATA_IN -> {
                    if (expectedInLength == 0) {
                        throw new IscsiProtocolException("Data-In for a command that expects no data");
                    }
                    updateWindow(pdu.int32(28), pdu.int32(32));
                    int dataSN = pdu.int32(36);
                    if (dataSN != expectedDataSN) {
                        throw new IscsiProtocolException("Data-In DataSN " + u32(dataSN) + ", expected " + expectedDataSN);
                    }
                    expectedDataSN++;
                    int offset = pdu.int32(40);
                    byte[] d = pdu.data();
                    if (offset < 0 || (long) offset + d.length > expectedInLength) {
                        throw new IscsiProtocolException("Data-In bytes " + u32(offset) + "+" + d.length
                                + " beyond the expected length " + expectedInLength);
                    }
                    System.arraycopy(d, 0, in, offset, d.length);
                    inHigh = Math.max(inHigh, offset + d.length);
                    // RFC 7143 §11.7.1: S bit = status follows in this PDU (F must be set too)
                    if ((pdu.flags() & 0x01) != 0) {
                        if (!pdu.isFinal()) {
                            throw new IscsiProtocolException("Data-In with S bit but without F bit");
                        }
                        checkStatSN(pdu);
                        int f = pdu.flags();
                        return new ScsiReply(0, pdu.u8(3), new byte[0], Arrays.copyOf(in, inHigh), (f & 0x04) != 0,
                                (f & 0x02) != 0, pdu.int32(44));
                    }
                }
                case Pdu.SCSI_RESPONSE -> {
                    checkStatSN(pdu);
                    if (outData.length > 0 && solicited + unsolicited < outData.length && pdu.u8(3) == 0
                            && pdu.u8(2) == 0 && (pdu.flags() & 0x02) == 0) {
                        throw new IscsiProtocolException("GOOD status after " + (solicited + unsolicited) + " of "
                                + outData.length + " Data-Out bytes without underflow");
                    }
                    byte[] sense = new byte[0];
                    byte[] d = pdu.data();
                    if (d.length >= 2) {
                        // RFC 7143 §11.4.7.2: SenseLength (2 bytes), sense data, then response data
                        int senseLength = (d[0] & 0xff) << 8 | d[1] & 0xff;
                        if (senseLength + 2 > d.length) {
                            throw new IscsiProtocolException("SenseLength " + senseLength + " exceeds the data segment "
                                    + d.length);
                        }
                        sense = Arrays.copyOfRange(d, 2, 2 + senseLength);
                    } else if (d.length == 1) {
                        throw new IscsiProtocolException("SCSI Response data segment of 1 byte");
                    }
                    int f = pdu.flags();
                    return new ScsiReply(pdu.u8(2), pdu.u8(3), sense, Arrays.copyOf(in, inHigh), (f & 0x04) != 0,
                            (f & 0x02) != 0, pdu.int32(44));
                }
                default -> throw unexpected(pdu, "R2T, Data-In or SCSI Response");
            }
        }
    }

    private void sendDataOut(int lun, int itt, int ttt, byte[] data, int offset, int length, int maxSend)
            throws IOException {
        // RFC 7143 §11.7: DataSN starts at 0 for each R2T's burst and for the unsolicited burst
        int dataSN = 0;
        int end = offset + length;
        for (int pos = offset; pos < end; dataSN++) {
            int n = Math.min(maxSend, end - pos);
            Pdu p = new Pdu(Pdu.DATA_OUT).flags(pos + n == end ? 0x80 : 0).lun(lun).itt(itt).int32(20, ttt)
                    .int32(28, expStatSN).int32(36, dataSN).int32(40, pos)
                    .data(Arrays.copyOfRange(data, pos, pos + n));
            send(p, false);
            pos += n;
        }
    }

    /**
     * NOP-Out ping (RFC 7143 §11.18) with ping data; checks that the NOP-In echoes it.
     *
     * @throws IOException on failure or a wrong echo
     */
    public void ping() throws IOException {
        requireLoggedIn();
        long deadline = System.nanoTime() + timeoutNanos;
        int itt = nextItt();
        byte[] payload = new byte[Math.min(64, negotiated.maxSendDataSegmentLength())];
        RANDOM.nextBytes(payload);
        Pdu nop = new Pdu(Pdu.NOP_OUT).immediate(true).flags(0x80).itt(itt).int32(20, Pdu.RESERVED_TAG)
                .int32(24, cmdSN).int32(28, expStatSN).data(payload);
        send(nop);
        Pdu resp = receiveFor(itt, deadline, "NOP-In");
        if (resp.opcode() != Pdu.NOP_IN) {
            throw unexpected(resp, "NOP-In");
        }
        checkStatSN(resp);
        updateWindow(resp.int32(28), resp.int32(32));
        if (!Arrays.equals(resp.data(), payload)) {
            throw new IscsiProtocolException("NOP-In did not echo the ping data (RFC 7143 §11.19.5)");
        }
    }

    /**
     * Logout "close the session" (RFC 7143 §11.14), then closes the socket.
     *
     * @throws IOException on failure or a non-zero Response
     */
    public void logout() throws IOException {
        requireLoggedIn();
        long deadline = System.nanoTime() + timeoutNanos;
        int itt = nextItt();
        awaitWindow(deadline);
        Pdu req = new Pdu(Pdu.LOGOUT_REQUEST).flags(0x80).itt(itt).u16(20, 0).int32(24, cmdSN).int32(28, expStatSN);
        cmdSN++;
        send(req);
        Pdu resp = receiveFor(itt, deadline, "Logout Response");
        if (resp.opcode() != Pdu.LOGOUT_RESPONSE) {
            throw unexpected(resp, "Logout Response");
        }
        checkStatSN(resp);
        loggedIn = false;
        close();
        if (resp.u8(2) != 0) {
            throw new IscsiProtocolException("Logout Response code " + resp.u8(2));
        }
    }

    /** Closes the TCP connection without logout. */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }

    // ---- plumbing

    private void requireLoggedIn() {
        if (!loggedIn) {
            throw new IllegalStateException("not logged in");
        }
    }

    private int nextItt() {
        int itt = nextItt++;
        if (nextItt == Pdu.RESERVED_TAG) {
            nextItt = 1;
        }
        return itt;
    }

    private void send(Pdu pdu) throws IOException {
        send(pdu, true);
    }

    private void send(Pdu pdu, boolean flush) throws IOException {
        if (pdu.data().length > (loggedIn && negotiated != null ? negotiated.maxSendDataSegmentLength() : 8192)) {
            throw new IllegalStateException("data segment " + pdu.data().length + " above the target's limit");
        }
        out.write(pdu.encode(headerDigest, dataDigest));
        if (flush) {
            out.flush();
        }
    }

    private Pdu receive(long deadline, String waitingFor) throws IOException {
        checkDeadline(deadline, waitingFor);
        try {
            int limit = loggedIn ? options.maxRecvDataSegmentLength() : 8192;
            return Pdu.read(in, headerDigest, dataDigest, limit);
        } catch (SocketTimeoutException e) {
            throw new SocketTimeoutException("no PDU from the target within " + options.timeout()
                    + " while waiting for " + waitingFor);
        }
    }

    /**
     * Reads until a PDU for the given task arrives, answering target NOP-In pings and recording
     * asynchronous messages on the way.
     */
    private Pdu receiveFor(int itt, long deadline, String waitingFor) throws IOException {
        for (;;) {
            Pdu pdu = receive(deadline, waitingFor);
            if (handleUnsolicited(pdu)) {
                continue;
            }
            if (pdu.itt() != itt) {
                throw new IscsiProtocolException(String.format("%s with ITT %08x while waiting for %s (ITT %08x)",
                        opName(pdu.opcode()), pdu.itt(), waitingFor, itt));
            }
            return pdu;
        }
    }

    private boolean handleUnsolicited(Pdu pdu) throws IOException {
        switch (pdu.opcode()) {
            case Pdu.NOP_IN -> {
                if (pdu.itt() != Pdu.RESERVED_TAG) {
                    return false;
                }
                // RFC 7143 §11.19: target ping; StatSN not advanced; answer when TTT is not reserved
                updateWindow(pdu.int32(28), pdu.int32(32));
                int ttt = pdu.int32(20);
                if (ttt != Pdu.RESERVED_TAG) {
                    Pdu reply = new Pdu(Pdu.NOP_OUT).immediate(true).flags(0x80).lun(pdu.lun())
                            .itt(Pdu.RESERVED_TAG).int32(20, ttt).int32(24, cmdSN).int32(28, expStatSN);
                    send(reply);
                }
                return true;
            }
            case Pdu.ASYNC_MESSAGE -> {
                // RFC 7143 §11.9: carries a StatSN of its own
                expStatSN = pdu.int32(24) + 1;
                updateWindow(pdu.int32(28), pdu.int32(32));
                asyncMessages.add(pdu);
                return true;
            }
            case Pdu.REJECT -> {
                throw new IscsiProtocolException(String.format("target sent Reject, reason 0x%02x (%s) for %s",
                        pdu.u8(2), rejectReason(pdu.u8(2)), pdu.data().length >= 48
                                ? Pdu.ofHeader(Arrays.copyOf(pdu.data(), 48)).toString() : "?"));
            }
            default -> {
                return false;
            }
        }
    }

    private void checkStatSN(Pdu pdu) throws IscsiProtocolException {
        int statSN = pdu.int32(24);
        if (statSN != expStatSN) {
            throw new IscsiProtocolException(opName(pdu.opcode()) + " StatSN " + u32(statSN) + ", expected "
                    + u32(expStatSN));
        }
        expStatSN = statSN + 1;
        updateWindow(pdu.int32(28), pdu.int32(32));
    }

    /** RFC 7143 §4.2.2.1: ExpCmdSN and MaxCmdSN only move forward (serial number arithmetic). */
    private void updateWindow(int exp, int max) {
        if (max - exp < -1) {
            return; // MaxCmdSN = ExpCmdSN - 1 closes the window; lower values are invalid and ignored
        }
        if (exp - expCmdSN > 0) {
            expCmdSN = exp;
        }
        if (max - maxCmdSN > 0) {
            maxCmdSN = max;
        }
    }

    private void awaitWindow(long deadline) throws IOException {
        while (cmdSN - maxCmdSN > 0) {
            Pdu pdu = receive(deadline, "the command window to open (CmdSN " + u32(cmdSN) + ", MaxCmdSN "
                    + u32(maxCmdSN) + ")");
            if (!handleUnsolicited(pdu)) {
                throw unexpected(pdu, "a NOP-In or Asynchronous Message opening the command window");
            }
        }
    }

    private void checkDeadline(long deadline, String what) throws SocketTimeoutException {
        if (System.nanoTime() - deadline > 0) {
            throw new SocketTimeoutException("no answer within " + options.timeout() + " for " + what);
        }
    }

    private static IscsiProtocolException unexpected(Pdu pdu, String expected) {
        return new IscsiProtocolException("unexpected " + opName(pdu.opcode()) + " " + pdu + ", expected " + expected);
    }

    private static String opName(int opcode) {
        return switch (opcode) {
            case Pdu.NOP_IN -> "NOP-In";
            case Pdu.SCSI_RESPONSE -> "SCSI Response";
            case Pdu.TASK_MANAGEMENT_RESPONSE -> "Task Management Response";
            case Pdu.LOGIN_RESPONSE -> "Login Response";
            case Pdu.TEXT_RESPONSE -> "Text Response";
            case Pdu.DATA_IN -> "Data-In";
            case Pdu.LOGOUT_RESPONSE -> "Logout Response";
            case Pdu.R2T -> "R2T";
            case Pdu.ASYNC_MESSAGE -> "Asynchronous Message";
            case Pdu.REJECT -> "Reject";
            default -> String.format("opcode 0x%02x", opcode);
        };
    }

    private static String opName(byte[] cdb) {
        return String.format("CDB opcode %02Xh", cdb[0] & 0xff);
    }

    private static String rejectReason(int reason) {
        Map<Integer, String> m = new HashMap<>();
        m.put(0x02, "data (payload) digest error");
        m.put(0x03, "SNACK reject");
        m.put(0x04, "protocol error");
        m.put(0x05, "command not supported");
        m.put(0x06, "immediate command reject");
        m.put(0x07, "task in progress");
        m.put(0x08, "invalid data ack");
        m.put(0x09, "invalid PDU field");
        m.put(0x0a, "long operation reject");
        m.put(0x0c, "waiting for logout");
        return m.getOrDefault(reason, "reserved");
    }

    private static String yesNo(boolean b) {
        return b ? "Yes" : "No";
    }

    private static String hex(int v) {
        return String.format("%08x", v);
    }

    private static long u32(int v) {
        return v & 0xffffffffL;
    }
}
