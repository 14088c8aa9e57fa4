/**
 * Service property names and PIDs shared by all jstgt bundles.
 */
@Export
@Version("0.1.0")
package org.jstgt.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
