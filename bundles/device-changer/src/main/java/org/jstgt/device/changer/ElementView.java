package org.jstgt.device.changer;

import org.jstgt.api.media.ChangerElement.ElementType;

/**
 * One element as READ ELEMENT STATUS and the shell report it (SMC-3 §6.10.3).
 *
 * @param position the element's position in the layout
 * @param address ELEMENT ADDRESS
 * @param type the element type
 * @param ordinal 1-based number among its type
 * @param full FULL
 * @param barcode the cartridge's barcode; null when empty or when the medium is not the
 *     changer's (a drive loaded through the shell)
 * @param source SOURCE STORAGE ELEMENT ADDRESS, or -1 (SVALID 0)
 * @param imported IMPEXP of an import/export element
 * @param access ACCESS: the transport can reach it
 * @param asc ADDITIONAL SENSE CODE of an exception (EXCEPT 1), or -1
 * @param ascq ADDITIONAL SENSE CODE QUALIFIER of the exception
 * @param drive the tape LUN name of a data transfer element, else empty
 */
record ElementView(int position, int address, ElementType type, int ordinal, boolean full, String barcode,
        int source, boolean imported, boolean access, int asc, int ascq, String drive) {

    boolean except() {
        return asc >= 0;
    }
}
