package org.jstgt.scsi.pr;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Where the persistent part of each logical unit's reservations is kept, by LUN configuration name. */
public interface PrStore {

    /** Keeps nothing: every logical unit starts without reservations, and APTPL cannot be honoured. */
    PrStore NONE = new PrStore() {
        @Override
        public PrState load(String lun) {
            return PrState.EMPTY;
        }

        @Override
        public CompletionStage<Void> save(String lun, PrState state) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void delete(String lun) {
        }

        @Override
        public boolean survivesRestart() {
            return false;
        }
    };

    /**
     * @param lun the LUN's configuration name
     * @return what was saved and still applies, else {@link PrState#EMPTY}; never fails
     */
    PrState load(String lun);

    /**
     * Saves a state, after every state given before for the LUN. Does not block.
     *
     * @param lun the LUN's configuration name
     * @param state the state
     * @return completes once it is durable, exceptionally when it could not be saved
     */
    CompletionStage<Void> save(String lun, PrState state);

    /**
     * Forgets a LUN whose configuration was deleted, after its pending saves.
     *
     * @param lun the LUN's configuration name
     */
    void delete(String lun);

    /** @return true when a state saved with APTPL survives a restart (PTPL_C, SPC-4 §6.15.4) */
    boolean survivesRestart();
}
