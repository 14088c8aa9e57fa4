package org.jstgt.scsi.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.jstgt.api.store.BackingStore;
import org.jstgt.api.store.BackingStoreProvider;
import org.jstgt.api.store.StoreSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Media opened through the store providers: an open whose store type has no provider yet waits
 * for one (a boot starts the DVD bundle before the file store), bounded.
 */
class StoreMediaTest {
    private final ExecutorService opener = Executors.newSingleThreadExecutor();
    private final AtomicReference<BackingStoreProvider> file = new AtomicReference<>();
    private static final StoreSpec SPEC = new StoreSpec("cd0", "test", "/srv/x.iso", 0, true, Map.of());

    @AfterEach
    void tearDown() {
        opener.shutdownNow();
    }

    @Test
    void anOpenWaitsForTheProviderToArrive() throws Exception {
        Fakes.StoreProvider provider = new Fakes.StoreProvider();
        StoreMedia media = new StoreMedia(type -> type.equals("memory") ? file.get() : null, opener, 10_000);
        CompletableFuture<BackingStore> f = media.open("memory", new StoreSpec("cd0", "test", null, 4096, true,
                Map.of())).toCompletableFuture();
        Thread.sleep(300);
        assertFalse(f.isDone(), "no provider yet: the open waits");
        file.set(provider);
        BackingStore s = f.get(10, TimeUnit.SECONDS);
        assertSame(provider.opened.get(0), s);
        assertEquals(4096, s.size());
    }

    @Test
    void anOpenGivesUpAfterItsBoundNamingTheType() {
        StoreMedia media = new StoreMedia(type -> null, opener, 300);
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> media.open("file", SPEC).toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertTrue(e.getCause().getMessage().startsWith("no store provider of type 'file' is installed"),
                e.getCause().getMessage());
    }

    @Test
    void aStoppedCoreEndsTheWait() {
        StoreMedia media = new StoreMedia(type -> null, opener, 10_000);
        CompletableFuture<BackingStore> f = media.open("file", SPEC).toCompletableFuture();
        opener.shutdown();
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        assertEquals("the SCSI core is stopping", e.getCause().getMessage());
    }
}
