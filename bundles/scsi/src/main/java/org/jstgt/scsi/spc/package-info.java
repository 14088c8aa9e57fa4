/**
 * SPC-4 building blocks shared by device bundles: the opcode table a device is made of, CDB field
 * checks, the INQUIRY and VPD builder, the mode page framework and big-endian byte helpers. A
 * device bundle is a lifecycle plus an {@link org.jstgt.scsi.spc.OpcodeTable}.
 */
@Export
@Version("0.1.0")
package org.jstgt.scsi.spc;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
