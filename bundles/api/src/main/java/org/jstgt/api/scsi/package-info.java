/**
 * SCSI device SPI: CDB view, tasks, sense reasons, and the device provider / logical unit contract
 * (parse, then execute).
 */
@Export
@Version("0.3.0")
package org.jstgt.api.scsi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
