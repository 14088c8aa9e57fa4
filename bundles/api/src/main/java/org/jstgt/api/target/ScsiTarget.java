package org.jstgt.api.target;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/** One configured target ({@code etc/jstgt.target-<name>.cfg}) as fabrics see it. */
@ProviderType
public interface ScsiTarget {

    /** @return the configuration name */
    String name();

    /** @return the target node name (IQN or EUI) */
    String iqn();

    /** @return the alias, or an empty string */
    String alias();

    /** @return the names of the portals ({@code jstgt.portal-<name>}) the target is offered on */
    List<String> portals();

    /**
     * @return every key of the target configuration as strings; fabrics read their own keys
     *     (negotiation limits) from here and validate them
     */
    Map<String, String> properties();

    /** @return where the configuration came from (file), for messages */
    String origin();

    /**
     * ACL check ({@code initiators} key: its first entry matching the name or the address decides;
     * none matching refuses).
     *
     * @param initiatorName the initiator's node name
     * @param address the initiator's IP address
     * @return true when the initiator may log in and see the target
     */
    boolean allows(String initiatorName, InetAddress address);

    /**
     * Whether the target takes new logins. False while its configuration file is invalid (a bad
     * edit never leaves an older, looser rule in force) and once the target is removed: logins
     * are then refused with a status the initiator retries later, and discovery does not list the
     * target. Sessions already open stay as long as {@link #allows} admits them.
     *
     * @return true when logins may proceed to the ACL check
     */
    default boolean available() {
        return true;
    }

    /**
     * Opens an I_T nexus.
     *
     * @param initiatorName initiator node name
     * @param initiatorPortName initiator port name ({@code <iqn>,i,0x<isid>})
     * @param targetPortName target port name ({@code <iqn>,t,0x<tpgt>})
     * @param relativeTargetPortId relative target port id
     * @return the nexus
     */
    Nexus openNexus(String initiatorName, String initiatorPortName, String targetPortName,
            int relativeTargetPortId);
}
