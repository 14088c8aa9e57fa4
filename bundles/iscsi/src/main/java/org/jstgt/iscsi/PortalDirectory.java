package org.jstgt.iscsi;

import java.util.List;

/** The portals currently serving, for SendTargets (RFC 7143 §13.3, Appendix C). */
interface PortalDirectory {
    /** @return every serving portal */
    List<PortalEndpoint> endpoints();
}
