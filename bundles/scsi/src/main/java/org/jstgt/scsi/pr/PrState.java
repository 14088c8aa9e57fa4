package org.jstgt.scsi.pr;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The reservations of one logical unit at one moment, immutable: the persistent part (PRgeneration,
 * registrations in the order they were made, the persistent reservation, the last APTPL received;
 * SPC-4 §5.13) and the SPC-2 reservation, which ends with its I_T nexus and is never saved.
 */
public final class PrState {
    /** No registration, no reservation. */
    public static final PrState EMPTY = new PrState(0, List.of(), null, false, null);

    private final int generation;
    private final List<Registration> registrations;
    private final Reservation reservation;
    private final boolean aptpl;
    private final ItNexus spc2Holder;
    private final boolean idle;

    /**
     * @param generation PRgeneration, a 32-bit wrapping counter (SPC-4 §6.15.2)
     * @param registrations the registrations, none covering an I_T nexus another covers
     * @param reservation the persistent reservation, or null; its holder is one of {@code registrations}
     * @param aptpl the last valid APTPL bit received (SPC-4 §5.13.5)
     * @param spc2Holder the I_T nexus holding an SPC-2 reservation (RESERVE(6)/(10)), or null
     */
    public PrState(int generation, List<Registration> registrations, Reservation reservation, boolean aptpl,
            ItNexus spc2Holder) {
        this.generation = generation;
        this.registrations = List.copyOf(registrations);
        this.reservation = reservation;
        this.aptpl = aptpl;
        this.spc2Holder = spc2Holder;
        if (reservation != null && !this.registrations.contains(reservation.holder())) {
            throw new IllegalArgumentException("the reservation's holder is not registered: " + reservation);
        }
        this.idle = this.registrations.isEmpty() && reservation == null && spc2Holder == null;
    }

    /** @return true when nothing can conflict: no registration, no reservation of either kind */
    public boolean idle() {
        return idle;
    }

    /** @return PRgeneration */
    public int generation() {
        return generation;
    }

    /** @return the registrations, oldest first */
    public List<Registration> registrations() {
        return registrations;
    }

    /** @return the persistent reservation, or null */
    public Reservation reservation() {
        return reservation;
    }

    /** @return the last valid APTPL bit received */
    public boolean aptpl() {
        return aptpl;
    }

    /** @return the I_T nexus holding an SPC-2 reservation, or null */
    public ItNexus spc2Holder() {
        return spc2Holder;
    }

    /** @return the registration covering the I_T nexus, or null when it is not registered */
    public Registration registrationOf(ItNexus n) {
        for (Registration r : registrations) {
            if (r.covers(n)) {
                return r;
            }
        }
        return null;
    }

    /** @return this state with PRgeneration incremented (wrapping) */
    PrState bumped() {
        return new PrState(generation + 1, registrations, reservation, aptpl, spc2Holder);
    }

    /** @return this state with other registrations and reservation */
    PrState with(List<Registration> regs, Reservation res) {
        return new PrState(generation, regs, res, aptpl, spc2Holder);
    }

    /** @return this state with another reservation */
    PrState withReservation(Reservation res) {
        return new PrState(generation, registrations, res, aptpl, spc2Holder);
    }

    /** @return this state with another APTPL */
    PrState withAptpl(boolean a) {
        return new PrState(generation, registrations, reservation, a, spc2Holder);
    }

    /** @return this state with another SPC-2 reservation holder (null: none) */
    PrState withSpc2(ItNexus holder) {
        return new PrState(generation, registrations, reservation, aptpl, holder);
    }

    /** @return the registrations with {@code old} replaced by {@code replacement}, the holder following it */
    PrState replaced(Registration old, Registration replacement) {
        List<Registration> regs = new ArrayList<>(registrations);
        regs.set(regs.indexOf(old), replacement);
        Reservation res = reservation;
        if (res != null && res.holder().equals(old)) {
            res = new Reservation(res.type(), replacement);
        }
        return with(regs, res);
    }

    /** @return true when what is saved (all but the SPC-2 reservation) is the same in both */
    boolean samePersistentState(PrState o) {
        return generation == o.generation && aptpl == o.aptpl && registrations.equals(o.registrations)
                && Objects.equals(reservation, o.reservation);
    }

    @Override
    public String toString() {
        return "PrState[generation " + Integer.toUnsignedString(generation) + ", " + registrations.size()
                + " registrations, reservation " + reservation + ", aptpl " + aptpl + ", spc2 " + spc2Holder + "]";
    }
}
