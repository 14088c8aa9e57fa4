package org.jstgt.scsi.pr;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** I_T nexuses, PERSISTENT RESERVE OUT requests and a store for the engine's tests. */
final class Pr {
    static final String TARGET = "iqn.2026-11.org.jstgt:t1";
    static final String NAME_A = "iqn.2026-01.org.test:a";
    static final String NAME_B = "iqn.2026-01.org.test:b";
    static final String NAME_C = "iqn.2026-01.org.test:c";
    /** Initiator a, ISID 1, through portal group 1. */
    static final ItNexus A = nexus(NAME_A, 1, 1);
    static final ItNexus B = nexus(NAME_B, 1, 1);
    static final ItNexus C = nexus(NAME_C, 1, 1);
    /** Initiator a's port of ISID 1 through portal group 2: another I_T nexus of the same port. */
    static final ItNexus A_TPG2 = nexus(NAME_A, 1, 2);
    /** Initiator a's second port (ISID 2) through portal group 1. */
    static final ItNexus A_ISID2 = nexus(NAME_A, 2, 1);

    private Pr() {
    }

    static ItNexus nexus(String name, int isid, int tpgt) {
        return ItNexus.of(name, name + ",i,0x" + String.format("%012x", isid),
                TARGET + ",t,0x" + String.format("%04x", tpgt), tpgt);
    }

    static PrOutRequest req(int sa, PrType type, long key, long saKey) {
        return new PrOutRequest(sa, type, key, saKey, false, false, false, List.of(), 0, false);
    }

    static PrOutRequest register(long key, long saKey) {
        return req(PrOutRequest.REGISTER, null, key, saKey);
    }

    static PrOutRequest register(long key, long saKey, boolean allTargetPorts, boolean aptpl) {
        return new PrOutRequest(PrOutRequest.REGISTER, null, key, saKey, false, allTargetPorts, aptpl, List.of(), 0,
                false);
    }

    static PrOutRequest registerAndIgnore(long saKey) {
        return req(PrOutRequest.REGISTER_AND_IGNORE_EXISTING_KEY, null, 0, saKey);
    }

    static PrOutRequest reserve(long key, PrType type) {
        return req(PrOutRequest.RESERVE, type, key, 0);
    }

    static PrOutRequest release(long key, PrType type) {
        return req(PrOutRequest.RELEASE, type, key, 0);
    }

    static PrOutRequest clear(long key) {
        return req(PrOutRequest.CLEAR, null, key, 0);
    }

    static PrOutRequest preempt(long key, long saKey, PrType type) {
        return req(PrOutRequest.PREEMPT, type, key, saKey);
    }

    static PrOutRequest move(long key, long saKey, TransportId to, int rtpi, boolean unreg) {
        return new PrOutRequest(PrOutRequest.REGISTER_AND_MOVE, null, key, saKey, false, false, false, List.of(to),
                rtpi, unreg);
    }

    /** A store that keeps what it is given, survives restarts and completes saves when told. */
    static final class MemoryStore implements PrStore {
        final List<PrState> saved = new ArrayList<>();
        final List<CompletableFuture<Void>> pending = new ArrayList<>();
        boolean holdSaves;
        PrState initial = PrState.EMPTY;

        @Override
        public PrState load(String lun) {
            return initial;
        }

        @Override
        public synchronized CompletionStage<Void> save(String lun, PrState state) {
            saved.add(state);
            CompletableFuture<Void> f = new CompletableFuture<>();
            if (holdSaves) {
                pending.add(f);
            } else {
                f.complete(null);
            }
            return f;
        }

        @Override
        public void delete(String lun) {
        }

        @Override
        public boolean survivesRestart() {
            return true;
        }
    }
}
