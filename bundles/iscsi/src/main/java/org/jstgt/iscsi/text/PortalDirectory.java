package org.jstgt.iscsi.text;

import java.util.List;

/** The portals currently serving, for SendTargets (RFC 7143 §13.3, Appendix C). */
public interface PortalDirectory {
    /** @return every serving portal */
    List<PortalEndpoint> endpoints();
}
