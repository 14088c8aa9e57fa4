/**
 * Backing store SPI: byte-addressed asynchronous storage primitives (read, write, flush, unmap, zero).
 * Stores know nothing of SCSI; device bundles map commands onto them.
 */
@Export
@Version("0.5.0")
package org.jstgt.api.store;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
