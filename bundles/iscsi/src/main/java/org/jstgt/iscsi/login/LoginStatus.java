package org.jstgt.iscsi.login;

/** Login response Status-Class and Status-Detail (RFC 7143 §11.13.5), as {@code class << 8 | detail}. */
public final class LoginStatus {
    static final int SUCCESS = 0x0000;
    static final int INITIATOR_ERROR = 0x0200;
    static final int AUTHENTICATION_FAILURE = 0x0201;
    static final int AUTHORIZATION_FAILURE = 0x0202;
    static final int NOT_FOUND = 0x0203;
    static final int TARGET_REMOVED = 0x0204;
    static final int UNSUPPORTED_VERSION = 0x0205;
    public static final int TOO_MANY_CONNECTIONS = 0x0206;
    static final int MISSING_PARAMETER = 0x0207;
    static final int CANT_INCLUDE_IN_SESSION = 0x0208;
    static final int SESSION_TYPE_NOT_SUPPORTED = 0x0209;
    public static final int SESSION_DOES_NOT_EXIST = 0x020a;
    static final int INVALID_DURING_LOGIN = 0x020b;
    public static final int TARGET_ERROR = 0x0300;
    static final int SERVICE_UNAVAILABLE = 0x0301;
    public static final int OUT_OF_RESOURCES = 0x0302;

    private LoginStatus() {
    }
}
