package org.jstgt.scsi.spc;

import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;

/** A device-provided vital product data page (SPC-4 §7.8): its bytes after the 4-byte page header. */
@FunctionalInterface
public interface VpdPage {

    /**
     * @param task the task asking (identities for per-port pages)
     * @return the page contents from byte 4 on; the header (qualifier, device type, page code,
     *     PAGE LENGTH) is added by {@link Inquiry}
     * @throws ScsiException when the page cannot be given
     */
    byte[] payload(ScsiTask task) throws ScsiException;
}
