/**
 * What the SCSI core offers fabrics (iSCSI): targets, I_T nexuses and command submission; and what
 * fabrics tell it of their portal groups (ALUA target port groups and their access states).
 */
@Export
@Version("0.6.0")
package org.jstgt.api.target;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
