package org.jstgt.testkit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The target's side of CHAP for {@link ScriptedPortal} (RFC 7143 §12.1.3), written apart from the
 * initiator's code so that each checks the other: its own digest table, its own decoding. It
 * records every security-stage request, and can misbehave on purpose.
 */
final class ChapTargetScript implements ScriptedPortal.SecurityScript {
    /** What the script received: the keys and the T bit of one request. */
    record Request(Map<String, String> keys, boolean transit) {
    }

    final List<Request> requests = new ArrayList<>();
    private final String policy;
    private final String user;
    private final String secret;
    private String mutualUser;
    private String mutualSecret;
    private List<Integer> supported = List.of(8, 7, 6, 5);
    /** Answer the initiator's challenge with a wrong CHAP_R. */
    boolean wrongMutualResponse;
    /** Answer the initiator's challenge with another CHAP_N. */
    String mutualNameOverride;
    /** Set the T bit in the answer to AuthMethod even though the request did not ask for it. */
    boolean transitEagerly;
    /** The initiator sent our own identifier and challenge back. */
    volatile boolean reflectionSeen;

    private final Random random = new Random(42);
    private int step;
    private String digest;
    private int id;
    private byte[] challenge;

    /**
     * @param policy none, chap or mutual
     * @param user chap.user
     * @param secret chap.secret
     */
    ChapTargetScript(String policy, String user, String secret) {
        this.policy = policy;
        this.user = user;
        this.secret = secret;
    }

    ChapTargetScript mutual(String u, String s) {
        mutualUser = u;
        mutualSecret = s;
        return this;
    }

    ChapTargetScript supporting(Integer... algorithms) {
        supported = List.of(algorithms);
        return this;
    }

    @Override
    public Reply step(Map<String, String> keys, boolean transit) {
        requests.add(new Request(Map.copyOf(keys), transit));
        Map<String, String> out = new LinkedHashMap<>();
        switch (step++) {
            case 0 -> {
                List<String> offer = List.of(keys.getOrDefault("AuthMethod", "").split(","));
                if (policy.equals("none") && offer.contains("None")) {
                    out.put("AuthMethod", "None");
                    step = 3; // nothing to exchange
                    return new Reply(out, transit, 0);
                }
                if (policy.equals("none") || !offer.contains("CHAP")) {
                    return new Reply(out, false, 0x0201);
                }
                out.put("AuthMethod", "CHAP");
                return new Reply(out, transitEagerly, 0);
            }
            case 1 -> {
                String chosen = null;
                for (String a : keys.getOrDefault("CHAP_A", "").split(",")) {
                    if (supported.contains(Integer.valueOf(a))) {
                        chosen = a;
                        break;
                    }
                }
                if (chosen == null) {
                    out.put("CHAP_A", "Reject");
                    return new Reply(out, false, 0);
                }
                digest = digestOf(Integer.parseInt(chosen));
                id = random.nextInt(256);
                challenge = new byte[32];
                random.nextBytes(challenge);
                out.put("CHAP_A", chosen);
                out.put("CHAP_I", Integer.toString(id));
                out.put("CHAP_C", "0x" + hex(challenge));
                return new Reply(out, false, 0);
            }
            case 2 -> {
                byte[] expected = hash(id, secret, challenge);
                if (!user.equals(keys.get("CHAP_N")) || !Arrays.equals(expected, decode(keys.get("CHAP_R")))) {
                    return new Reply(out, false, 0x0201);
                }
                String theirId = keys.get("CHAP_I");
                String theirChallenge = keys.get("CHAP_C");
                if (policy.equals("mutual") != (theirId != null && theirChallenge != null)) {
                    return new Reply(out, false, 0x0201);
                }
                if (theirChallenge != null) {
                    byte[] c = decode(theirChallenge);
                    if (Arrays.equals(c, challenge)) {
                        reflectionSeen = Integer.parseInt(theirId) == id;
                        return new Reply(out, false, 0x0201);
                    }
                    byte[] r = hash(Integer.parseInt(theirId), mutualSecret, c);
                    if (wrongMutualResponse) {
                        r[0] ^= 1;
                    }
                    out.put("CHAP_N", mutualNameOverride != null ? mutualNameOverride : mutualUser);
                    out.put("CHAP_R", "0x" + hex(r));
                }
                return new Reply(out, transit, 0);
            }
            default -> {
                return new Reply(out, transit, 0);
            }
        }
    }

    private byte[] hash(int identifier, String s, byte[] c) {
        try {
            MessageDigest md = MessageDigest.getInstance(digest);
            md.update((byte) identifier);
            md.update(s.getBytes(StandardCharsets.UTF_8));
            md.update(c);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String digestOf(int algorithm) {
        return switch (algorithm) {
            case 5 -> "MD5";
            case 6 -> "SHA-1";
            case 7 -> "SHA-256";
            case 8 -> "SHA3-256";
            default -> throw new IllegalArgumentException("CHAP_A " + algorithm);
        };
    }

    static byte[] decode(String v) {
        if (v == null) {
            return new byte[0];
        }
        if (v.startsWith("0b")) {
            return Base64.getDecoder().decode(v.substring(2));
        }
        String h = v.substring(2);
        byte[] b = new byte[h.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(String.format("%02x", x));
        }
        return sb.toString();
    }
}
