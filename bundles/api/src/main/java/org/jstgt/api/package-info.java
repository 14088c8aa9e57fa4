/**
 * Service property names and PIDs shared by all jstgt bundles.
 */
@Export
@Version("0.2.0")
package org.jstgt.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
