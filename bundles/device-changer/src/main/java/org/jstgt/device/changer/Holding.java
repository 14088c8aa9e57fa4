package org.jstgt.device.changer;

import java.util.Objects;

/**
 * What an element holds.
 *
 * @param cartridge the cartridge
 * @param source SOURCE STORAGE ELEMENT ADDRESS (SMC-3 §6.10.3): the storage or import/export
 *     element the cartridge was last moved from, or -1 when unknown (SVALID 0)
 * @param imported IMPEXP of an import/export element: placed there by an operator (a rescan), not
 *     by the transport
 */
record Holding(Cartridge cartridge, int source, boolean imported) {
    Holding {
        Objects.requireNonNull(cartridge, "cartridge");
    }
}
