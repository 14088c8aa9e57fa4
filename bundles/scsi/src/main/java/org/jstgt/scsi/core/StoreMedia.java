package org.jstgt.scsi.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.jstgt.api.media.MediumOpener;
import org.jstgt.api.store.BackingStore;
import org.jstgt.api.store.BackingStoreProvider;
import org.jstgt.api.store.StoreSpec;

/**
 * Opens media through the store providers installed now, on a core thread (opening a file may
 * block), so a device bundle needs no dependency on a store bundle. A boot starts bundles in no
 * particular order: an open whose store type has no provider yet waits for one, bounded
 * ({@link #PROVIDER_WAIT_MILLIS}), without holding a thread.
 */
final class StoreMedia implements MediumOpener {
    /** How long an open waits for a provider of its store type to be installed. */
    static final long PROVIDER_WAIT_MILLIS = 60_000;
    /** How often a waiting open looks again. */
    private static final long RECHECK_MILLIS = 200;

    private final Function<String, BackingStoreProvider> providers;
    private final Executor opener;
    private final long waitMillis;

    /**
     * @param providers the current provider of a store type, or null (lock-free lookup)
     * @param opener where opens run
     */
    StoreMedia(Function<String, BackingStoreProvider> providers, Executor opener) {
        this(providers, opener, PROVIDER_WAIT_MILLIS);
    }

    /**
     * @param providers the current provider of a store type, or null (lock-free lookup)
     * @param opener where opens run
     * @param waitMillis how long an open waits for a missing provider
     */
    StoreMedia(Function<String, BackingStoreProvider> providers, Executor opener, long waitMillis) {
        this.providers = providers;
        this.opener = opener;
        this.waitMillis = waitMillis;
    }

    @Override
    public CompletionStage<BackingStore> open(String storeType, StoreSpec spec) {
        CompletableFuture<BackingStore> f = new CompletableFuture<>();
        attempt(f, storeType, spec, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis), opener);
        return f;
    }

    private void attempt(CompletableFuture<BackingStore> f, String storeType, StoreSpec spec, long deadline,
            Executor where) {
        try {
            where.execute(() -> {
                BackingStoreProvider p = providers.apply(storeType);
                if (p == null) {
                    if (System.nanoTime() - deadline >= 0) {
                        f.completeExceptionally(new IllegalStateException("no store provider of type '" + storeType
                                + "' is installed (waited " + waitMillis / 1000 + " s)"));
                    } else {
                        // the delay's own thread hands over to the opener; a stopped core ends the wait
                        Executor guarded = r -> {
                            try {
                                opener.execute(r);
                            } catch (RejectedExecutionException e) {
                                f.completeExceptionally(new IllegalStateException("the SCSI core is stopping"));
                            }
                        };
                        attempt(f, storeType, spec, deadline,
                                CompletableFuture.delayedExecutor(RECHECK_MILLIS, TimeUnit.MILLISECONDS, guarded));
                    }
                    return;
                }
                try {
                    BackingStore s = p.open(spec);
                    if (!f.complete(s)) {
                        s.close();
                    }
                } catch (Exception e) {
                    f.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            f.completeExceptionally(new IllegalStateException("the SCSI core is stopping"));
        }
    }
}
