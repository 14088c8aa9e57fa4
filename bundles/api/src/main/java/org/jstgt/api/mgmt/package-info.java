/**
 * Read-only management views for the shell and JMX.
 */
@Export
@Version("0.3.0")
package org.jstgt.api.mgmt;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
