package org.jstgt.shell;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import org.jstgt.api.Pids;
import org.jstgt.api.media.RemovableMedium;
import org.jstgt.api.mgmt.LunInfo;

/**
 * Loads and ejects the media of DVD and tape LUNs, live and in their configuration: the unit acts
 * first (so a prevented removal or a bad image is refused with the unit's own reason), then the
 * {@code medium} key of {@code etc/jstgt.lun-<name>.cfg} is written so the state survives a
 * restart. What {@code iscsi:media-load}, {@code media-eject} and {@code media-list} do, without
 * the console (istgt's {@code istgtcontrol load/unload/change}).
 */
final class Media {
    /** The LUN key naming the loaded medium. */
    static final String MEDIUM = "medium";
    /** How long a load or eject may take (a tape syncs and rewinds first). */
    static final long WAIT_SECONDS = 120;

    private final ConfigStore store;
    private final PrintStream out;
    private final Function<String, Optional<RemovableMedium>> media;

    /**
     * @param store the configurations
     * @param out the console
     * @param media a LUN's medium slot, from the management views
     */
    Media(ConfigStore store, PrintStream out, Function<String, Optional<RemovableMedium>> media) {
        this.store = store;
        this.out = out;
        this.media = media;
    }

    /**
     * Loads an image into an empty drive and records it as the LUN's {@code medium}.
     *
     * @param lun the LUN's name
     * @param image the image file (relative paths resolve against the working directory)
     */
    void load(String lun, String image) throws IOException, InterruptedException {
        Path path = Paths.get(image).toAbsolutePath().normalize();
        RemovableMedium m = slot(lun);
        Optional<String> current = m.loaded();
        if (current.isPresent() && !samePath(current.get(), path)) {
            throw new IllegalStateException("LUN " + lun + " has " + current.get()
                    + " loaded; eject it first (iscsi:media-eject " + lun + ")");
        }
        if (current.isEmpty()) {
            await(m.load(path.toString()), "loading " + path + " into LUN " + lun);
            out.println("LUN " + lun + ": " + path + " loaded; initiators see NOT READY TO READY CHANGE");
        } else {
            out.println("LUN " + lun + ": " + path + " is loaded already");
        }
        persist(lun, path.toString());
    }

    /**
     * Ejects the LUN's medium and removes its {@code medium} key.
     *
     * @param lun the LUN's name
     * @param force eject even while an initiator prevents removal
     */
    void eject(String lun, boolean force) throws IOException, InterruptedException {
        RemovableMedium m = slot(lun);
        Optional<String> current = m.loaded();
        if (current.isEmpty()) {
            out.println("LUN " + lun + ": no medium loaded");
        } else {
            if (m.removalPrevented() && !force) {
                throw new IllegalStateException("LUN " + lun + ": an initiator prevents medium removal (PREVENT ALLOW "
                        + "MEDIUM REMOVAL); use --force to eject anyway");
            }
            await(m.unload(force), "ejecting the medium of LUN " + lun);
            out.println("LUN " + lun + ": " + current.get() + " ejected" + (force ? " (forced)" : ""));
        }
        persist(lun, null);
    }

    /**
     * @param luns the LUNs the core lists
     * @return one row per LUN with a removable medium: name, device type, medium, state, prevented
     */
    List<List<String>> rows(List<LunInfo> luns) {
        List<List<String>> rows = new ArrayList<>();
        for (LunInfo l : luns) {
            Optional<RemovableMedium> m = media.apply(l.name());
            if (m.isEmpty()) {
                if (isRemovableType(l.deviceType())) {
                    rows.add(List.of(l.name(), l.deviceType(), "-", l.state(), "-"));
                }
                continue;
            }
            RemovableMedium r = m.get();
            String status = r.status();
            rows.add(List.of(l.name(), l.deviceType(), r.loaded().orElse("(none)"),
                    status == null || status.isEmpty() ? (r.loaded().isPresent() ? "loaded" : "empty") : status,
                    r.removalPrevented() ? "yes" : "no"));
        }
        return rows;
    }

    private static boolean isRemovableType(String deviceType) {
        return "dvd".equals(deviceType) || "tape".equals(deviceType);
    }

    private RemovableMedium slot(String lun) {
        return media.apply(lun).orElseThrow(() -> new IllegalArgumentException("LUN '" + lun
                + "' has no removable medium here: it is not a dvd or tape LUN, or it is not ACTIVE (iscsi:lun-list)"));
    }

    /** Writes (or removes, for null) the LUN's {@code medium} key when it differs. */
    private void persist(String lun, String path) throws IOException {
        Optional<ConfigStore.Instance> i = store.find(Pids.LUN, lun);
        if (i.isEmpty()) {
            out.println("warning: no configuration for LUN " + lun + " (etc/" + Pids.LUN + "-" + lun
                    + ".cfg): the change is live only");
            return;
        }
        Object before = i.get().properties().get(MEDIUM);
        if (Objects.equals(before == null ? null : before.toString().trim(), path)) {
            return;
        }
        Map<String, Object> p = new LinkedHashMap<>(i.get().properties());
        if (path == null) {
            p.remove(MEDIUM);
        } else {
            p.put(MEDIUM, path);
        }
        store.update(i.get(), p);
        out.println(i.get().origin() + ": " + (path == null ? MEDIUM + " removed" : MEDIUM + " = " + path));
    }

    private static boolean samePath(String a, Path b) {
        return Paths.get(a).toAbsolutePath().normalize().equals(b);
    }

    /** Waits for a unit's action; its failure becomes the command's error, with the unit's reason. */
    static <T> T await(CompletionStage<T> stage, String what) throws InterruptedException {
        try {
            return stage.toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause() == null ? e : e.getCause();
            String reason = c.getMessage() == null ? c.toString() : c.getMessage();
            if (c instanceof IllegalArgumentException) {
                throw new IllegalArgumentException(what + " failed: " + reason, c);
            }
            throw new IllegalStateException(what + " failed: " + reason, c);
        } catch (TimeoutException e) {
            throw new IllegalStateException(what + " did not finish within " + WAIT_SECONDS + " s; see the log", e);
        }
    }
}
