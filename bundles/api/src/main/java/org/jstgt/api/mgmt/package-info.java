/**
 * Management views for the shell and JMX: listings, and the recovery of a LUN's reservations.
 */
@Export
@Version("0.4.0")
package org.jstgt.api.mgmt;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
