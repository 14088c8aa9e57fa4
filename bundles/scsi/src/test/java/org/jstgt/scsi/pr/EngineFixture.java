package org.jstgt.scsi.pr;

/** An engine over a {@link Pr.MemoryStore}, and its PERSISTENT RESERVE OUT. */
abstract class EngineFixture {
    final Pr.MemoryStore store = new Pr.MemoryStore();
    final PrEngine engine;

    EngineFixture() {
        this(PrEngine.MAX_REGISTRATIONS);
    }

    /** @param max the registrations the engine holds at most */
    EngineFixture(int max) {
        engine = new PrEngine("d0", store, max);
    }

    Outcome out(ItNexus n, PrOutRequest r) throws Exception {
        return engine.persistentReserveOut(n, r);
    }
}
