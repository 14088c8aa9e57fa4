/**
 * What the SCSI core offers fabrics (iSCSI): targets, I_T nexuses and command submission.
 */
@Export
@Version("0.4.0")
package org.jstgt.api.target;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
