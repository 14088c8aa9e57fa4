package org.jstgt.scsi.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

import org.jstgt.api.media.MediumOpener;
import org.jstgt.api.store.BackingStore;
import org.jstgt.api.store.BackingStoreProvider;
import org.jstgt.api.store.StoreSpec;

/**
 * Opens media through the store providers installed now, on a core thread (opening a file may
 * block), so a device bundle needs no dependency on a store bundle.
 */
final class StoreMedia implements MediumOpener {
    private final Function<String, BackingStoreProvider> providers;
    private final Executor opener;

    /**
     * @param providers the current provider of a store type, or null (lock-free lookup)
     * @param opener where opens run
     */
    StoreMedia(Function<String, BackingStoreProvider> providers, Executor opener) {
        this.providers = providers;
        this.opener = opener;
    }

    @Override
    public CompletionStage<BackingStore> open(String storeType, StoreSpec spec) {
        CompletableFuture<BackingStore> f = new CompletableFuture<>();
        try {
            opener.execute(() -> {
                BackingStoreProvider p = providers.apply(storeType);
                if (p == null) {
                    f.completeExceptionally(new IllegalStateException("no store provider of type '" + storeType
                            + "' is installed"));
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
        return f;
    }
}
