/**
 * SCSI device SPI: CDB view, tasks, sense reasons, and the device provider / logical unit contract
 * (parse, then execute), and each command's class against persistent reservations.
 */
@Export
@Version("0.7.0")
package org.jstgt.api.scsi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
