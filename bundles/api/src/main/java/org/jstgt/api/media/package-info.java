/**
 * Removable media: how a device opens a medium (DVD image, tape cartridge) through the installed
 * store providers, and how one unit loads or unloads the medium of another (a changer and its
 * drives), how the shell drives a changer, and how blank media of a device's own format are made.
 */
@Export
@Version("0.2.0")
package org.jstgt.api.media;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
