package org.jstgt.testkit;

import java.io.IOException;

/** The target sent something RFC 7143 does not allow, or an answer the initiator cannot use. */
public class IscsiProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    public IscsiProtocolException(String message) {
        super(message);
    }
}
