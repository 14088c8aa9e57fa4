/**
 * SPC-4 building blocks shared by device bundles: the opcode table a device is made of, CDB field
 * checks, the decoder of the block-addressing CDB forms ({@link org.jstgt.scsi.spc.CdbLayout} read
 * once into a {@link org.jstgt.scsi.spc.BlockCommand}), the INQUIRY and VPD builder, the mode page
 * framework, big-endian byte helpers, and the calls to a backing store with their failures mapped
 * to sense ({@link org.jstgt.scsi.spc.StoreCalls}).
 * A device bundle is a lifecycle plus an {@link org.jstgt.scsi.spc.OpcodeTable}.
 */
@Export
@Version("1.2.0")
package org.jstgt.scsi.spc;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
