package org.jstgt.device.changer;

import java.util.Objects;

/**
 * A cartridge image of the library's directory.
 *
 * @param file the file name in {@code changer.media}
 * @param barcode its volume tag: the file name without extension
 */
record Cartridge(String file, String barcode) {
    Cartridge {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(barcode, "barcode");
    }
}
