/**
 * Management views for the shell and JMX: listings, I/O counters and
 * latency histograms, session detail and logout, and the recovery of a LUN's reservations.
 */
@Export
@Version("0.5.0")
package org.jstgt.api.mgmt;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
