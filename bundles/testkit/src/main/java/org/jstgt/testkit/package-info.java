/**
 * Test support for jstgt: a small blocking iSCSI initiator (RFC 7143), iSCSI PDU encoding, CDB
 * builders and sense expectations. For tests and integration tests only.
 */
@Export
@Version("0.1.0")
package org.jstgt.testkit;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
