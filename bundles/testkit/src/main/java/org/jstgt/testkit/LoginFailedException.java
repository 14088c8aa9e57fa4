package org.jstgt.testkit;

import java.util.List;

/** A Login Response with a non-zero Status-Class (RFC 7143 §11.13.5). */
public final class LoginFailedException extends IscsiProtocolException {
    private static final long serialVersionUID = 1L;
    private final int statusClass;
    private final int statusDetail;
    private final List<String> targetAddresses;

    public LoginFailedException(int statusClass, int statusDetail) {
        this(statusClass, statusDetail, List.of());
    }

    /**
     * @param statusClass Status-Class
     * @param statusDetail Status-Detail
     * @param targetAddresses the {@code TargetAddress} values of the response, in order (a redirect)
     */
    public LoginFailedException(int statusClass, int statusDetail, List<String> targetAddresses) {
        super(String.format("login failed: Status-Class 0x%02x, Status-Detail 0x%02x (%s)%s", statusClass,
                statusDetail, describe(statusClass, statusDetail),
                targetAddresses.isEmpty() ? "" : ", TargetAddress " + String.join(", ", targetAddresses)));
        this.statusClass = statusClass;
        this.statusDetail = statusDetail;
        this.targetAddresses = List.copyOf(targetAddresses);
    }

    /**
     * @return where a redirect (Status-Class 1) sends the initiator: the response's
     *     {@code TargetAddress} values ({@code host:port}, IPv6 in brackets, RFC 7143 §13.8), in
     *     order; empty for other statuses
     */
    public List<String> targetAddresses() {
        return targetAddresses;
    }

    /** @return Status-Class (1 redirection, 2 initiator error, 3 target error) */
    public int statusClass() {
        return statusClass;
    }

    /** @return Status-Detail */
    public int statusDetail() {
        return statusDetail;
    }

    /**
     * @return Status-Class and Status-Detail as one number, as RFC 7143 §11.13.5 writes them:
     *     0x0201 authentication failure, 0x0202 authorization failure, 0x0300 target error
     */
    public int status() {
        return statusClass << 8 | statusDetail;
    }

    private static String describe(int cls, int detail) {
        int code = cls << 8 | detail;
        return switch (code) {
            case 0x0101 -> "target moved temporarily";
            case 0x0102 -> "target moved permanently";
            case 0x0200 -> "initiator error";
            case 0x0201 -> "authentication failure";
            case 0x0202 -> "authorization failure";
            case 0x0203 -> "not found";
            case 0x0204 -> "target removed";
            case 0x0205 -> "unsupported version";
            case 0x0206 -> "too many connections";
            case 0x0207 -> "missing parameter";
            case 0x0208 -> "can't include in session";
            case 0x0209 -> "session type not supported";
            case 0x020a -> "session does not exist";
            case 0x020b -> "invalid request during login";
            case 0x0300 -> "target error";
            case 0x0301 -> "service unavailable";
            case 0x0302 -> "out of resources";
            default -> "unknown";
        };
    }
}
