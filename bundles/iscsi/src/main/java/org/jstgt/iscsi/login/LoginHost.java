package org.jstgt.iscsi.login;

import java.net.InetAddress;

import org.jstgt.api.target.TargetRegistry;
import org.jstgt.iscsi.security.Authenticators;

/** What a {@link Login} needs from the connection and the fabric around it. */
public interface LoginHost {

    /** @return the target registry, or null while the SCSI core is absent */
    TargetRegistry registry();

    /** @return the authentication services present */
    Authenticators authenticators();

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
     * Creates the session at the end of a successful login.
     *
     * @param result what the login established
     * @return the new TSIH (1..65535), or a negative login status to refuse
     */
    int admit(LoginResult result);
}
