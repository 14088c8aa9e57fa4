package org.jstgt.scsi.pr;

/**
 * The persistent reservation of a logical unit (SPC-4 §5.13.9): its type (the scope is always
 * LU_SCOPE) and the registration that holds it. Under an all registrants type every registration
 * holds it; {@code holder} is then one of them, kept so that the reservation exists while any does.
 *
 * @param type the type
 * @param holder the holding registration
 */
public record Reservation(PrType type, Registration holder) {

    /** @return true when {@code r} holds the reservation (SPC-4 §5.13.10) */
    public boolean heldBy(Registration r) {
        return r != null && (type.allRegistrants() || holder.equals(r));
    }
}
