/**
 * Test support for jstgt: a small blocking iSCSI initiator (RFC 7143, with one-way and mutual
 * CHAP), iSCSI PDU encoding, CDB builders, sense expectations, a bounded poll
 * ({@link org.jstgt.testkit.Await}), and in-process fakes for unit tests of the SCSI core and
 * devices ({@link org.jstgt.testkit.FakeScsiTask}, {@link org.jstgt.testkit.RecordingStore}). For
 * tests and integration tests only.
 */
@Export
@Version("0.5.0")
package org.jstgt.testkit;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
