package org.jstgt.store.file;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JNA is an optional import: where it is not installed the file store still opens, reads and
 * writes, and is thick (no UNMAP, no holes report). The provider runs here in a class loader that
 * sees the test class path without JNA's jar.
 */
class WithoutJnaTest {
    @TempDir
    Path dir;

    @Test
    void withoutJnaAFileStoreWorksThick() throws Exception {
        List<URL> urls = new ArrayList<>();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (String entry : cp.split(File.pathSeparator)) {
            if (!entry.isBlank() && !entry.contains(File.separator + "jna" + File.separator)) {
                urls.add(Path.of(entry).toUri().toURL());
            }
        }
        ClassLoader platform = ClassLoader.getPlatformClassLoader();
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), platform)) {
            assertThrows(ClassNotFoundException.class, () -> loader.loadClass("com.sun.jna.Native"));
            assumeTrue(urls.size() > 2, "test class path not known: " + cp);
            Object provider = loader.loadClass(FileStoreProvider.class.getName()).getConstructor().newInstance();
            Class<?> specType = loader.loadClass("org.jstgt.api.store.StoreSpec");
            Object spec = specType.getConstructor(String.class, String.class, String.class, long.class, boolean.class,
                    Map.class).newInstance("nj", "etc/jstgt.lun-nj.cfg", dir.resolve("nj.img").toString(), 1L << 20,
                    false, Map.of());
            Object store = provider.getClass().getMethod("open", specType).invoke(provider, spec);
            Class<?> storeType = loader.loadClass("org.jstgt.api.store.BackingStore");
            try {
                Set<String> caps = new TreeSet<>();
                for (Object c : (Set<?>) storeType.getMethod("capabilities").invoke(store)) {
                    caps.add(c.toString());
                }
                assertEquals(Set.of("FLUSH", "FUA"), caps);
                Executor inline = Runnable::run;
                join(storeType.getMethod("write", long.class, ByteBuffer.class, boolean.class, Executor.class)
                        .invoke(store, 512L, ByteBuffer.wrap(new byte[] {1, 2, 3}), false, inline));
                ByteBuffer back = ByteBuffer.allocate(3);
                join(storeType.getMethod("read", long.class, ByteBuffer.class, Executor.class)
                        .invoke(store, 512L, back, inline));
                assertArrayEquals(new byte[] {1, 2, 3}, back.array());
                CompletionException e = assertThrows(CompletionException.class, () -> join(storeType
                        .getMethod("unmap", long.class, long.class, Executor.class).invoke(store, 0L, 512L, inline)));
                assertInstanceOf(UnsupportedOperationException.class, e.getCause());
            } finally {
                storeType.getMethod("close").invoke(store);
                provider.getClass().getMethod("close").invoke(provider);
            }
        } catch (InvocationTargetException e) {
            throw new AssertionError(e.getCause());
        }
    }

    private static void join(Object stage) {
        ((CompletionStage<?>) stage).toCompletableFuture().join();
    }
}
