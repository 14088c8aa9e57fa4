package org.jstgt.device.tape.image;

import java.io.IOException;

/** The medium's capacity is reached (the drive reports VOLUME OVERFLOW, SSC-3 §4.2.6). */
public final class TapeFullException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int appended;

    /**
     * @param message what did not fit
     * @param appended how many of the objects asked for were appended before the capacity was reached
     */
    public TapeFullException(String message, int appended) {
        super(message);
        this.appended = appended;
    }

    /** @return how many of the objects asked for were appended */
    public int appended() {
        return appended;
    }
}
