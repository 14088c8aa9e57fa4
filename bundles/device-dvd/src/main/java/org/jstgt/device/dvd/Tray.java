package org.jstgt.device.dvd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import org.jstgt.api.ConfigException;
import org.jstgt.api.media.MediumOpener;
import org.jstgt.api.media.RemovableMedium;
import org.jstgt.api.scsi.LunSpec;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.Sense;
import org.jstgt.api.scsi.SenseKey;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.scsi.UnitEvents;
import org.jstgt.scsi.spc.StoreCalls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drive's tray and the disc in it (MMC-6, removable medium and PREVENT ALLOW MEDIUM
 * REMOVAL): open or closed, empty, loading or loaded; the I_T nexuses that prevent removal; the
 * media event GET EVENT STATUS NOTIFICATION reports next; and the state file. Also the
 * {@link RemovableMedium} the shell and a changer drive. Thread-safe: state changes under this
 * object's lock, opening and closing images off it.
 *
 * <p>PREVENT field (byte 4 bits 1-0) per I_T nexus: bit 0 PREVENT stops START STOP UNIT from
 * ejecting; bit 1 PERSISTENT PREVENT stops an operator's eject, which then becomes an EJECT
 * REQUEST media event for the host to act on. A force unload (administrator), the nexus's loss and a
 * configuration change end them.
 */
final class Tray implements RemovableMedium {
    private static final Logger LOG = LoggerFactory.getLogger(Tray.class);

    /** MEDIA EVENT CODE values (MMC-6). */
    static final int NO_CHANGE = 0;
    static final int EJECT_REQUEST = 1;
    static final int NEW_MEDIA = 2;
    static final int MEDIA_REMOVAL = 3;

    /** PREVENT field bits. */
    static final int PREVENT = 0x1;
    static final int PERSISTENT = 0x2;

    /** NOT READY, MEDIUM NOT PRESENT - TRAY CLOSED (3Ah/01h). */
    static final Sense TRAY_CLOSED = Sense.of(SenseKey.NOT_READY, 0x3A, 0x01);
    /** NOT READY, MEDIUM NOT PRESENT - TRAY OPEN (3Ah/02h). */
    static final Sense TRAY_OPEN = Sense.of(SenseKey.NOT_READY, 0x3A, 0x02);

    private final LunSpec spec;
    private final MediumOpener opener;
    private final UnitEvents events;
    private final Executor workers;
    /** NOT READY TO READY CHANGE, MEDIUM MAY HAVE CHANGED (SPC-4 annex: 28h/00h). */
    private static final Sense MEDIUM_CHANGED = Sense.of(SenseKey.UNIT_ATTENTION, 0x28, 0x00);

    private final TrayFile file;
    private final String launch;

    // under this
    private String configMedium;
    private Disc disc;
    private boolean open;
    private boolean loading;
    /** The image a restore is opening while {@link #loading}; recorded as loaded meanwhile. */
    private String opening = "";
    private String ejected = "";
    private final Map<String, Integer> prevent = new HashMap<>();
    private int mediaEvent = NO_CHANGE;
    private boolean closed;

    Tray(LunSpec spec, MediumOpener opener, UnitEvents events, Executor workers, TrayFile file, String launch) {
        this.spec = spec;
        this.opener = opener;
        this.events = events;
        this.workers = workers;
        this.file = file;
        this.launch = launch == null ? "" : launch;
        this.configMedium = spec.property(DvdUnit.MEDIUM, "");
    }

    /**
     * Brings the tray to the state it had, or loads the configured medium (helper-common rule for
     * drives): when the state file was written under the same {@code medium} value its loaded image,
     * tray and ejected image are restored, and its PREVENT holders within the same framework launch;
     * otherwise the configured image is loaded. A restored image whose file is gone or no longer
     * opens leaves the tray closed and empty, with a WARN naming it. Blocks, bounded.
     *
     * @param waitMillis how long opening the image may take
     * @throws ConfigException naming {@code medium} and the path when the configured image cannot be
     *     loaded
     */
    void restore(long waitMillis) throws ConfigException {
        Optional<TrayState> saved = file.load();
        String toLoad;
        boolean restored = saved.isPresent() && saved.get().configMedium().equals(configMedium);
        if (restored) {
            TrayState s = saved.get();
            toLoad = s.loaded();
            synchronized (this) {
                open = s.open() && s.loaded().isEmpty();
                ejected = s.ejected();
                if (s.launch().equals(launch)) {
                    prevent.putAll(s.prevent());
                }
            }
        } else {
            toLoad = configMedium;
        }
        if (!toLoad.isEmpty()) {
            synchronized (this) {
                loading = true;
                opening = toLoad;
                open = false;
            }
            CompletableFuture<Disc> opening = Disc.open(opener, spec, toLoad, workers).toCompletableFuture();
            Disc d;
            try {
                d = DvdUnit.await(opening, waitMillis);
            } catch (DvdUnit.StillOpening e) {
                // the store provider is not there yet (a boot may start this bundle first): the
                // drive is becoming ready (04h/01h) until the image opens
                LOG.info("LUN {}: opening {} takes longer; the drive reports BECOMING READY until it is loaded",
                        spec.name(), toLoad);
                boolean restoring = restored;
                opening.whenComplete((late, failure) -> restoredLate(toLoad, late, failure, restoring));
                persist();
                return;
            } catch (ConfigException | IOException | RuntimeException e) {
                synchronized (this) {
                    loading = false;
                }
                Throwable c = StoreCalls.unwrap(e);
                if (restored && !Files.exists(Path.of(toLoad))) {
                    LOG.warn("LUN {}: the medium {} loaded before is gone; the tray is empty", spec.name(), toLoad);
                } else if (restored && !toLoad.equals(configMedium)) {
                    LOG.warn("LUN {}: the medium {} loaded before cannot be opened ({}); the tray is empty",
                            spec.name(), toLoad, c.getMessage());
                } else {
                    throw new ConfigException(DvdUnit.MEDIUM, toLoad + ": " + message(c));
                }
                persist();
                return;
            }
            synchronized (this) {
                loading = false;
                disc = d;
                open = false;
            }
        }
        persist();
    }

    /**
     * The image of a restore that outlived its wait opened (or failed): installed without a unit
     * attention (the medium did not change), or, failing, the tray stays empty and the failure is
     * logged with the file and key.
     */
    private void restoredLate(String path, Disc d, Throwable failure, boolean restored) {
        boolean installed = false;
        synchronized (this) {
            loading = false;
            if (failure == null && !closed && disc == null) {
                disc = d;
                open = false;
                installed = true;
            }
        }
        if (failure != null) {
            LOG.error("LUN {}: {}: {} = {}: {}; the tray is empty", spec.name(), spec.origin(),
                    restored && !path.equals(configMedium) ? "the medium loaded before" : DvdUnit.MEDIUM, path,
                    message(StoreCalls.unwrap(failure)));
        } else if (!installed) {
            d.release();
        } else {
            LOG.info("LUN {}: medium {} loaded ({} blocks, {})", spec.name(), path, d.blocks(),
                    d.dvd() ? "DVD-ROM" : "CD-ROM");
        }
        persist();
    }

    /** @return a failure's message without a store provider's key prefix ({@code store.path: }) */
    static String message(Throwable c) {
        if (c instanceof ConfigException ce) {
            String m = ce.getMessage();
            String prefix = ce.key() + ": ";
            return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
        }
        return c.getMessage() == null ? c.toString() : c.getMessage();
    }

    /** @return completes when the state file holds every change made so far */
    CompletionStage<Void> saved() {
        return file.idle();
    }

    // ---- the drive's view

    /**
     * Takes a reference on the loaded disc for one command.
     *
     * @return the disc, to {@link Disc#release()} when the command ends
     * @throws ScsiException NOT READY: MEDIUM NOT PRESENT (tray open or closed) or BECOMING READY
     */
    synchronized Disc acquire() throws ScsiException {
        if (disc == null || !disc.retain()) {
            throw new ScsiException(notReady());
        }
        return disc;
    }

    /** @return the loaded disc without a reference (for parse-time checks), or null */
    synchronized Disc peek() {
        return disc;
    }

    /** @return the NOT READY sense of an empty drive: loading, tray open or tray closed */
    synchronized Sense notReady() {
        if (loading) {
            return SenseReason.LOGICAL_UNIT_BECOMING_READY.sense();
        }
        return open ? TRAY_OPEN : TRAY_CLOSED;
    }

    /** @return true while an image is being opened (a load, a tray close, a restore) */
    synchronized boolean isLoading() {
        return loading;
    }

    /** @return true while the tray is open */
    synchronized boolean isOpen() {
        return open;
    }

    /** @return true when some I_T nexus holds PREVENT (bit 0) */
    synchronized boolean locked() {
        return prevent.values().stream().anyMatch(b -> (b & PREVENT) != 0);
    }

    /** @return true when some I_T nexus holds PERSISTENT PREVENT */
    synchronized boolean persistentlyPrevented() {
        return prevent.values().stream().anyMatch(b -> (b & PERSISTENT) != 0);
    }

    /**
     * PREVENT ALLOW MEDIUM REMOVAL of one I_T nexus (MMC-6): PERSISTENT (byte 4
     * bit 1) picks the state the command sets, PREVENT (bit 0) its value: 00b allow, 01b prevent,
     * 10b persistent allow, 11b persistent prevent.
     *
     * @param nexus the nexus key
     * @param field the PREVENT field (byte 4 bits 1-0)
     */
    void prevent(String nexus, int field) {
        int state = (field & PERSISTENT) != 0 ? PERSISTENT : PREVENT;
        boolean on = (field & PREVENT) != 0;
        boolean changed;
        synchronized (this) {
            int before = prevent.getOrDefault(nexus, 0);
            int after = on ? before | state : before & ~state;
            if (after == 0) {
                prevent.remove(nexus);
            } else {
                prevent.put(nexus, after);
            }
            changed = before != after;
        }
        if (changed) {
            persist();
        }
    }

    /** @return the PREVENT bits a nexus holds (tests) */
    synchronized int preventBits(String nexus) {
        return prevent.getOrDefault(nexus, 0);
    }

    /** @param nexus an I_T nexus that ended: its prevention ends (SPC-4 §6.13) */
    /**
     * @param medium a {@code medium} value, "" for none
     * @return true when the tray holds exactly that: that image loaded, or nothing for ""
     */
    synchronized boolean holds(String medium) {
        if (loading) {
            return false;
        }
        if (medium.isEmpty()) {
            return disc == null;
        }
        try {
            return disc != null && Path.of(disc.path()).toAbsolutePath().normalize()
                    .equals(Path.of(medium).toAbsolutePath().normalize());
        } catch (java.nio.file.InvalidPathException e) {
            return false;
        }
    }

    /** Records a new {@code medium} value that changes nothing in the tray (see {@link #holds}). */
    void configured(String medium) {
        synchronized (this) {
            configMedium = medium;
        }
        persist();
    }

    /** A logical unit reset: every PREVENT, persistent ones included, ends (SPC-4 §6.13). */
    void resetPrevents() {
        boolean changed;
        synchronized (this) {
            changed = !prevent.isEmpty();
            prevent.clear();
        }
        if (changed) {
            persist();
        }
    }

    void nexusLost(String nexus) {
        boolean changed;
        synchronized (this) {
            changed = prevent.remove(nexus) != null;
        }
        if (changed) {
            persist();
        }
    }

    /** @return the pending media event code, cleared (GET EVENT STATUS NOTIFICATION, polled) */
    synchronized int takeMediaEvent() {
        int e = mediaEvent;
        mediaEvent = NO_CHANGE;
        return e;
    }

    /**
     * START STOP UNIT with LOEJ 1 and START 0 (MMC-6): opens the tray, the disc leaves.
     *
     * @throws ScsiException ILLEGAL REQUEST, MEDIUM REMOVAL PREVENTED (53h/02h) while an I_T nexus
     *     holds PREVENT
     */
    void hostEject() throws ScsiException {
        Disc d;
        synchronized (this) {
            if (prevent.values().stream().anyMatch(b -> (b & PREVENT) != 0)) {
                throw new ScsiException(SenseReason.MEDIUM_REMOVAL_PREVENTED);
            }
            d = takeDisc();
            open = true;
        }
        persist();
        if (d != null) {
            d.release();
        }
    }

    /**
     * START STOP UNIT with LOEJ 1 and START 1: closes the tray, loading the disc an eject left in it.
     *
     * @return completes when the tray is closed and the disc, if any, loaded (a disc that no longer
     *     opens leaves the tray closed and empty, logged)
     */
    CompletionStage<Void> hostLoad(String initiatorPortName, String targetPortName) {
        String path;
        synchronized (this) {
            if (!open || loading) {
                return CompletableFuture.completedFuture(null);
            }
            open = false;
            path = ejected;
            if (!path.isEmpty()) {
                loading = true;
            }
        }
        if (path.isEmpty()) {
            persist();
            return CompletableFuture.completedFuture(null);
        }
        return insert(path, initiatorPortName, targetPortName).handle((v, e) -> {
            if (e != null) {
                LOG.warn("LUN {}: the tray closed but {} cannot be loaded again: {}", spec.name(), path,
                        message(StoreCalls.unwrap(e)));
            }
            return null;
        });
    }

    // ---- RemovableMedium: the shell and changers

    @Override
    public synchronized Optional<String> loaded() {
        return disc == null ? Optional.empty() : Optional.of(disc.path());
    }

    @Override
    public CompletionStage<Void> load(String path) {
        synchronized (this) {
            if (disc != null || loading) {
                return CompletableFuture.failedFuture(new IllegalStateException("LUN " + spec.name() + ": "
                        + (disc != null ? disc.path() + " is loaded" : "a medium is being loaded")));
            }
            loading = true;
            open = false;
        }
        return insert(path, null, null).exceptionallyCompose(e -> {
            Throwable c = StoreCalls.unwrap(e);
            if (c instanceof ConfigException ce) {
                c = new IOException(path + ": " + message(ce), ce);
            }
            return CompletableFuture.failedFuture(c);
        });
    }

    @Override
    public CompletionStage<Void> unload(boolean force) {
        Disc d;
        synchronized (this) {
            if (disc == null) {
                return CompletableFuture.failedFuture(new IllegalStateException("LUN " + spec.name()
                        + ": no medium is loaded"));
            }
            if (!prevent.isEmpty() && !force) {
                if (prevent.values().stream().anyMatch(b -> (b & PERSISTENT) != 0)) {
                    // MMC-6: under persistent prevention an operator's eject is a request to the host
                    mediaEvent = EJECT_REQUEST;
                }
                return CompletableFuture.failedFuture(new IllegalStateException("LUN " + spec.name()
                        + ": an initiator prevents medium removal (eject with force to override)"));
            }
            prevent.clear();
            d = takeDisc();
            open = true;
        }
        persist();
        d.release();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized boolean removalPrevented() {
        return !prevent.isEmpty();
    }

    @Override
    public synchronized String status() {
        String s = loading ? "loading" : disc != null ? "loaded" : open ? "tray open" : "tray closed, empty";
        return prevent.isEmpty() ? s : s + ", removal prevented";
    }

    // ---- the administrator's configuration

    /**
     * A changed {@code medium} value: whatever is loaded leaves even if prevented (an administrator's
     * act), then the new image is loaded (nothing for an empty value: tray closed and empty).
     *
     * @param next the new value, empty for none
     * @return completes when done; exceptionally when the new image cannot be loaded
     */
    CompletionStage<Void> reconfigure(String next) {
        Disc d;
        synchronized (this) {
            configMedium = next;
            prevent.clear();
            d = takeDisc();
            open = false;
            ejected = "";
            if (!next.isEmpty()) {
                loading = true;
            }
        }
        if (d != null) {
            d.release();
        }
        if (next.isEmpty()) {
            persist();
            return CompletableFuture.completedFuture(null);
        }
        return insert(next, null, null);
    }

    /** Closes the drive: the disc's tray reference is given back (commands still holding one keep it open). */
    void close() {
        Disc d;
        synchronized (this) {
            closed = true;
            d = disc;
            disc = null;
        }
        if (d != null) {
            d.release();
        }
    }

    /** Under this: removes the disc, remembering it for a tray close and reporting its removal. */
    private Disc takeDisc() {
        Disc d = disc;
        disc = null;
        if (d != null) {
            ejected = d.path();
            mediaEvent = MEDIA_REMOVAL;
        }
        return d;
    }

    /**
     * Opens and installs an image; {@link #loading} is set by the caller.
     *
     * @param initiatorPortName the nexus whose START STOP UNIT closed the tray (it knows of the
     *     change and gets no unit attention for it), or null for the shell, a changer or the configuration
     * @param targetPortName that nexus's target port, or null
     */
    private CompletionStage<Void> insert(String path, String initiatorPortName, String targetPortName) {
        synchronized (this) {
            opening = path;
        }
        return Disc.open(opener, spec, path, workers).handle((d, e) -> {
            if (e == null) {
                // MMC-6: a new medium is a NOT READY TO READY CHANGE unit attention, for every nexus
                // but the one that loaded it itself (it learns of the medium from its own command).
                // Raised before the disc is installed, so that no other nexus reads the new medium
                // without it; if the drive closes or takes another medium meanwhile, the attention
                // only says that the medium may have changed, which it may have.
                if (initiatorPortName == null) {
                    events.mediumChanged();
                } else {
                    events.unitAttentionToOthers(MEDIUM_CHANGED, initiatorPortName, targetPortName);
                }
            }
            boolean installed = false;
            synchronized (this) {
                loading = false;
                if (e == null && !closed && disc == null) {
                    disc = d;
                    open = false;
                    ejected = "";
                    mediaEvent = NEW_MEDIA;
                    installed = true;
                }
            }
            persist();
            if (e != null) {
                throw new java.util.concurrent.CompletionException(StoreCalls.unwrap(e));
            }
            if (!installed) {
                d.release();
                throw new IllegalStateException("LUN " + spec.name() + ": the drive closed or took another medium");
            }
            LOG.info("LUN {}: medium {} loaded ({} blocks, {})", spec.name(), path, d.blocks(),
                    d.dvd() ? "DVD-ROM" : "CD-ROM");
            return null;
        });
    }

    /** Hands the state to the file writer; under the lock so that writes keep the order of changes. */
    private synchronized void persist() {
        if (closed) {
            // a replaced unit (bundle update, reconfiguration) no longer speaks for the drive: its
            // successor owns the state file
            return;
        }
        String loaded = disc != null ? disc.path() : loading ? opening : "";
        file.save(new TrayState(configMedium, loaded, open, ejected, launch, prevent));
    }
}
