package org.jstgt.device.changer;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.jstgt.api.media.ChangerElement.ElementType;
import org.jstgt.api.media.RemovableMedium;
import org.jstgt.api.scsi.LogicalUnit;
import org.jstgt.api.scsi.LunDirectory;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.UnitEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The library's mechanism: MOVE MEDIUM and INITIALIZE ELEMENT STATUS as operations on the
 * {@link Library}, run one at a time through a {@link Serial} whether an initiator or the shell
 * asks, each change saved in the {@link StateFile} before the operation ends, and unit attentions
 * for changes an initiator did not make itself.
 *
 * <p>Data transfer elements are the tape LUNs of {@code changer.drives}, looked up by name at
 * every use (a unit is replaced on a bundle update). The changer's belief and the drive's report
 * may differ: a drive the changer believes empty but which reports a medium (loaded through the
 * shell) is full, with no volume tag, and refuses cartridges; a drive the changer believes full
 * but which reports no medium (unloaded through the shell or by the initiator) still holds the
 * cartridge, ejected to the drive's throat as a real drive does, and a move takes it without an
 * unload.
 */
final class Robot {
    private static final Logger LOG = LoggerFactory.getLogger(Robot.class);
    private static final long DRIVE_POLL_MILLIS = 100;

    /** Who asks for an operation: an I_T nexus, or the shell when null. */
    record Requester(String initiatorPort, String targetPort) {
    }

    private final String lun;
    private final Library library;
    private final Layout layout;
    private final MediaDirectory media;
    private final StateFile state;
    private final String launch;
    private final LunDirectory luns;
    private final UnitEvents events;
    private final Prevention prevention;
    private final Serial serial;
    private final long driveWaitNanos;

    /**
     * @param driveWait how long a move waits for a configured drive whose LUN is not active (its
     *     bundle being updated) before it fails NOT READY
     */
    Robot(String lun, Library library, MediaDirectory media, StateFile state, String launch, LunDirectory luns,
            UnitEvents events, Prevention prevention, Serial serial, Duration driveWait) {
        this.driveWaitNanos = driveWait.toNanos();
        this.lun = lun;
        this.library = library;
        this.layout = library.layout();
        this.media = media;
        this.state = state;
        this.launch = launch;
        this.luns = luns;
        this.events = events;
        this.prevention = prevention;
        this.serial = serial;
    }

    String name() {
        return lun;
    }

    Layout layout() {
        return layout;
    }

    Library library() {
        return library;
    }

    LunDirectory luns() {
        return luns;
    }

    Prevention prevention() {
        return prevention;
    }

    Serial serial() {
        return serial;
    }

    // ---- what the elements look like now

    /** @return every element as reported now, in address order */
    List<ElementView> views() {
        Holding[] held = library.snapshot();
        List<ElementView> out = new ArrayList<>(held.length);
        for (int p = 0; p < held.length; p++) {
            out.add(view(p, held[p]));
        }
        return out;
    }

    private ElementView view(int p, Holding h) {
        ElementType type = layout.type(p);
        int address = layout.address(p);
        int ordinal = layout.ordinal(p);
        String barcode = h == null ? null : h.cartridge().barcode();
        int source = h == null ? -1 : h.source();
        if (type != ElementType.DATA_TRANSFER) {
            return new ElementView(p, address, type, ordinal, h != null, barcode, source, h != null && h.imported(),
                    true, -1, 0, "");
        }
        String drive = library.drive(p);
        Optional<RemovableMedium> m = medium(p);
        if (m.isEmpty()) {
            return new ElementView(p, address, type, ordinal, h != null, barcode, source, false, false,
                    ChangerSense.DRIVE_NOT_READY.asc(), ChangerSense.DRIVE_NOT_READY.ascq(), drive);
        }
        boolean foreign = h == null && m.get().loaded().isPresent();
        return new ElementView(p, address, type, ordinal, h != null || foreign, barcode, source, false, true, -1, 0,
                drive);
    }

    /** @return the removable medium of a data transfer element's tape LUN, when it is active */
    Optional<RemovableMedium> medium(int position) {
        return luns.unit(library.drive(position)).flatMap(LogicalUnit::removableMedium);
    }

    // ---- MOVE MEDIUM

    /**
     * Moves a cartridge (SMC-3 §6.4) once the operations before it have ended.
     *
     * @param source source element address
     * @param destination destination element address
     * @param who who asks
     * @return completes when moved and saved, or exceptionally with a {@link ScsiException}
     */
    CompletableFuture<Void> move(int source, int destination, Requester who) {
        return serial.submit(() -> awaitDrives(source, destination)
                .thenCompose(v -> attempt(() -> moveNow(source, destination, who))));
    }

    /**
     * Waits, bounded and without blocking a thread, for the configured drives among the
     * addresses whose LUN is not active: a bundle update of the tape device replaces its units,
     * and the core holds their own commands meanwhile.
     */
    private CompletionStage<Void> awaitDrives(int... addresses) {
        List<Integer> waiting = new ArrayList<>();
        for (int a : addresses) {
            int p = layout.position(a);
            if (p >= 0 && isDrive(p) && medium(p).isEmpty() && luns.spec(library.drive(p)).isPresent()) {
                waiting.add(p);
            }
        }
        if (waiting.isEmpty() || driveWaitNanos <= 0) {
            return CompletableFuture.completedFuture(null);
        }
        LOG.info("changer {}: waiting for {} to be active", lun, waiting.stream().map(library::drive).toList());
        return poll(waiting, System.nanoTime() + driveWaitNanos);
    }

    private CompletionStage<Void> poll(List<Integer> waiting, long deadline) {
        if (waiting.stream().allMatch(p -> medium(p).isPresent()) || System.nanoTime() - deadline >= 0) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.runAsync(() -> {
        }, CompletableFuture.delayedExecutor(DRIVE_POLL_MILLIS, TimeUnit.MILLISECONDS, serial.workers()))
                .thenCompose(v -> poll(waiting, deadline));
    }

    private static CompletionStage<Void> attempt(Serial.Operation<Void> op) {
        try {
            return op.run();
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletionStage<Void> moveNow(int source, int destination, Requester who) throws ScsiException {
        int from = element(source);
        int to = element(destination);
        Holding h = library.at(from);
        boolean toDrive = layout.type(to) == ElementType.DATA_TRANSFER;
        boolean fromDrive = layout.type(from) == ElementType.DATA_TRANSFER;
        if (h == null) {
            if (fromDrive && medium(from).flatMap(RemovableMedium::loaded).isPresent()) {
                throw ChangerSense.fail(ChangerSense.MANUAL_INTERVENTION, layout.describe(source)
                        + " holds a medium the changer did not load; eject it through the shell");
            }
            throw ChangerSense.fail(ChangerSense.SOURCE_EMPTY, layout.describe(source) + " is empty");
        }
        if (from == to) {
            return CompletableFuture.completedFuture(null);
        }
        if (library.at(to) != null || layout.type(to) == ElementType.MEDIUM_TRANSPORT) {
            throw ChangerSense.fail(ChangerSense.DESTINATION_FULL, layout.describe(destination) + " is full");
        }
        boolean mail = layout.type(from) == ElementType.IMPORT_EXPORT || layout.type(to) == ElementType.IMPORT_EXPORT;
        // SMC-3 PREVENT ALLOW MEDIUM REMOVAL keeps the operator from the import/export elements;
        // the initiators' own robot moves through them go on (a backup exports while it holds
        // the library). The shell is the operator's front panel.
        if (mail && who == null && prevention.prevented()) {
            throw ChangerSense.fail(ChangerSense.REMOVAL_PREVENTED,
                    "removal through the import/export elements is prevented");
        }
        RemovableMedium target = toDrive ? drive(to) : null;
        if (toDrive) {
            if (target.loaded().isPresent()) {
                throw ChangerSense.fail(ChangerSense.DESTINATION_FULL, layout.describe(destination)
                        + " holds a medium the changer did not load");
            }
            elsewhere(h.cartridge(), from, to);
        }
        CompletionStage<Void> out = fromDrive ? takeOut(from, h) : CompletableFuture.completedFuture(null);
        if (toDrive) {
            out = out.thenCompose(v -> load(target, h, destination));
        }
        return out.thenApplyAsync(v -> {
            int newSource = sourceAfter(from, h);
            library.set(from, null);
            library.set(to, new Holding(h.cartridge(), newSource, false));
            LOG.info("changer {}: {} moved from {} to {}{}", lun, h.cartridge().barcode(), layout.describe(source),
                    layout.describe(destination), who == null ? " (shell)" : "");
            save();
            if (who == null) {
                events.unitAttention(ChangerSense.MEDIUM_MAY_HAVE_CHANGED);
                if (mail) {
                    events.unitAttention(ChangerSense.IMPORT_EXPORT_ACCESSED);
                }
            }
            return null;
        }, serial.workers());
    }

    /**
     * @return the SOURCE STORAGE ELEMENT ADDRESS of a cartridge leaving an element: that element
     *     when it is a storage or import/export element, else the cartridge's as before
     */
    private int sourceAfter(int position, Holding h) {
        ElementType t = layout.type(position);
        return t == ElementType.STORAGE || t == ElementType.IMPORT_EXPORT ? layout.address(position) : h.source();
    }

    // ---- EXCHANGE MEDIUM

    /**
     * Exchanges cartridges (SMC-3 §6.1): the source's to the first destination, the first
     * destination's to the second destination (which may be the source: a swap).
     *
     * @param source source element address
     * @param first first destination element address
     * @param second second destination element address
     * @param who who asks
     * @return completes when done and saved, or exceptionally with a {@link ScsiException}
     */
    CompletableFuture<Void> exchange(int source, int first, int second, Requester who) {
        return serial.submit(() -> awaitDrives(source, first, second)
                .thenCompose(v -> attempt(() -> exchangeNow(source, first, second, who))));
    }

    private CompletionStage<Void> exchangeNow(int source, int first, int second, Requester who)
            throws ScsiException {
        int s = element(source);
        int d1 = element(first);
        int d2 = element(second);
        Holding a = library.at(s);
        Holding b = library.at(d1);
        if (a == null) {
            throw ChangerSense.fail(ChangerSense.SOURCE_EMPTY, layout.describe(source) + " is empty");
        }
        if (b == null) {
            throw ChangerSense.fail(ChangerSense.SOURCE_EMPTY, layout.describe(first) + " is empty");
        }
        Holding inTransport = library.at(0);
        if (inTransport != null) {
            throw ChangerSense.fail(ChangerSense.MANUAL_INTERVENTION, "the transport holds "
                    + inTransport.cartridge().barcode() + " from an exchange that failed: move it first");
        }
        if (d2 != s && library.at(d2) != null) {
            throw ChangerSense.fail(ChangerSense.DESTINATION_FULL, layout.describe(second) + " is full");
        }
        boolean mail = isMail(s) || isMail(d1) || isMail(d2);
        if (mail && who == null && prevention.prevented()) {
            throw ChangerSense.fail(ChangerSense.REMOVAL_PREVENTED,
                    "removal through the import/export elements is prevented");
        }
        RemovableMedium intoFirst = isDrive(d1) ? drive(d1) : null;
        RemovableMedium intoSecond = null;
        if (isDrive(d2) && d2 != s) {
            intoSecond = drive(d2);
            if (intoSecond.loaded().isPresent()) {
                throw ChangerSense.fail(ChangerSense.DESTINATION_FULL, layout.describe(second)
                        + " holds a medium the changer did not load");
            }
        }
        if (intoFirst != null) {
            elsewhere(a.cartridge(), s, d1);
        }
        if (isDrive(d2)) {
            elsewhere(b.cartridge(), d1, d2);
        }
        CompletionStage<Void> out = CompletableFuture.completedFuture(null);
        if (intoFirst != null) {
            out = takeOut(d1, b);
        }
        if (isDrive(s)) {
            CompletionStage<Void> o = out;
            out = o.thenCompose(v -> takeOutLater(s, a));
        }
        if (intoFirst != null) {
            out = out.thenCompose(v -> load(intoFirst, a, first));
        }
        boolean[] half = {false};
        out = out.thenApplyAsync(v -> {
            // the first half is done: the first destination's cartridge is in the transport
            half[0] = true;
            library.set(s, null);
            library.set(d1, new Holding(a.cartridge(), sourceAfter(s, a), false));
            library.set(0, new Holding(b.cartridge(), sourceAfter(d1, b), false));
            return null;
        }, serial.workers());
        if (isDrive(d2)) {
            RemovableMedium target = d2 == s ? null : intoSecond;
            out = out.thenCompose(v -> load(target != null ? target : driveOrNull(d2), b, second));
        }
        return out.handleAsync((v, e) -> {
            Holding inHand = half[0] ? library.at(0) : null;
            if (e == null) {
                library.set(0, null);
                library.set(d2, inHand);
                LOG.info("changer {}: {} moved from {} to {}, {} from {} to {}{}", lun, a.cartridge().barcode(),
                        layout.describe(source), layout.describe(first), b.cartridge().barcode(),
                        layout.describe(first), layout.describe(second), who == null ? " (shell)" : "");
            }
            if (e == null || inHand != null) {
                save();
            }
            if (e != null) {
                if (inHand != null) {
                    LOG.warn("changer {}: exchange stopped with {} in the transport: {}", lun,
                            inHand.cartridge().barcode(), unwrap(e).getMessage());
                }
                throw e instanceof CompletionException c ? c : new CompletionException(e);
            }
            if (who == null) {
                events.unitAttention(ChangerSense.MEDIUM_MAY_HAVE_CHANGED);
                if (mail) {
                    events.unitAttention(ChangerSense.IMPORT_EXPORT_ACCESSED);
                }
            }
            return null;
        }, serial.workers());
    }

    private CompletionStage<Void> takeOutLater(int position, Holding h) {
        try {
            return takeOut(position, h);
        } catch (ScsiException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private RemovableMedium driveOrNull(int position) {
        return medium(position).orElse(null);
    }

    private CompletionStage<Void> load(RemovableMedium d, Holding h, int address) {
        String path = media.path(h.cartridge()).toString();
        if (d == null) {
            return CompletableFuture.failedFuture(ChangerSense.fail(ChangerSense.DRIVE_NOT_READY,
                    layout.describe(address) + " is not active"));
        }
        return d.load(path).exceptionallyCompose(e -> CompletableFuture.failedFuture(
                loadFailure(e, layout.describe(address) + " cannot load " + path)));
    }

    private boolean isDrive(int position) {
        return layout.type(position) == ElementType.DATA_TRANSFER;
    }

    private boolean isMail(int position) {
        return layout.type(position) == ElementType.IMPORT_EXPORT;
    }

    /**
     * Takes a cartridge out of a drive: an unload when the drive reports it loaded; nothing when it
     * reports no medium (the cartridge waits in the throat).
     */
    private CompletionStage<Void> takeOut(int position, Holding h) throws ScsiException {
        RemovableMedium d = drive(position);
        Optional<String> loaded = d.loaded();
        if (loaded.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        Path expected = media.path(h.cartridge());
        if (!samePath(loaded.get(), expected)) {
            throw ChangerSense.fail(ChangerSense.MANUAL_INTERVENTION, layout.describe(layout.address(position))
                    + " has " + loaded.get() + " loaded, not " + expected + "; eject it through the shell");
        }
        if (d.removalPrevented()) {
            throw ChangerSense.fail(ChangerSense.REMOVAL_PREVENTED, "an initiator of " + library.drive(position)
                    + " prevents medium removal");
        }
        return d.unload(false).exceptionallyCompose(e -> CompletableFuture.failedFuture(
                unloadFailure(e, library.drive(position))));
    }

    /**
     * Refuses to load a cartridge that another drive has loaded already (through the shell): one
     * image in two drives would corrupt it.
     */
    private void elsewhere(Cartridge c, int from, int to) throws ScsiException {
        Path path = media.path(c);
        int first = layout.position(Layout.FIRST_DRIVE);
        for (int q = first; q < first + layout.drives(); q++) {
            if (q == from || q == to) {
                continue;
            }
            Optional<String> loaded = medium(q).flatMap(RemovableMedium::loaded);
            if (loaded.isPresent() && samePath(loaded.get(), path)) {
                throw ChangerSense.fail(ChangerSense.MANUAL_INTERVENTION, path + " is loaded in "
                        + layout.describe(layout.address(q)) + " already; eject it through the shell");
            }
        }
    }

    private static boolean samePath(String loaded, Path expected) {
        try {
            return Path.of(loaded).toAbsolutePath().normalize().equals(expected.toAbsolutePath().normalize());
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Throwable loadFailure(Throwable e, String what) {
        Throwable c = unwrap(e);
        if (c instanceof IllegalStateException) {
            return ChangerSense.fail(ChangerSense.DESTINATION_FULL, what + ": " + c.getMessage());
        }
        return ChangerSense.fail(ChangerSense.LOAD_OR_EJECT_FAILED, what + ": " + c);
    }

    private static Throwable unloadFailure(Throwable e, String drive) {
        Throwable c = unwrap(e);
        if (c instanceof IllegalStateException) {
            return ChangerSense.fail(ChangerSense.REMOVAL_PREVENTED, drive + ": " + c.getMessage());
        }
        return ChangerSense.fail(ChangerSense.LOAD_OR_EJECT_FAILED, drive + " cannot unload: " + c);
    }

    static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private RemovableMedium drive(int position) throws ScsiException {
        return medium(position).orElseThrow(() -> ChangerSense.fail(ChangerSense.DRIVE_NOT_READY,
                layout.describe(layout.address(position)) + ": tape LUN " + library.drive(position)
                        + " is not active"));
    }

    /** @return the position of an element address a cartridge can be moved from or to */
    private int element(int address) throws ScsiException {
        int p = layout.position(address);
        if (p < 0) {
            throw ChangerSense.fail(ChangerSense.INVALID_ELEMENT_ADDRESS, "no element " + layout.describe(address));
        }
        return p;
    }

    // ---- INITIALIZE ELEMENT STATUS

    /**
     * Rereads the cartridge directory once the operations before have ended: elements whose
     * cartridge file is gone become empty; new cartridges go to empty storage elements in barcode
     * order, then to empty import/export elements (IMPEXP: imported), and the rest stay out.
     *
     * @param who who asks; the others are told of a change with NOT READY TO READY CHANGE, and of
     *     a cartridge in an import/export element with IMPORT OR EXPORT ELEMENT ACCESSED
     * @return completes when done
     */
    CompletableFuture<Void> rescan(Requester who) {
        return rescan(who, 0, layout.size());
    }

    /**
     * Rereads the cartridge directory for a range of elements (INITIALIZE ELEMENT STATUS WITH
     * RANGE): only elements of the range are emptied or filled.
     *
     * @param who who asks
     * @param from the first position of the range
     * @param to the position after the range
     * @return completes when done
     */
    CompletableFuture<Void> rescan(Requester who, int from, int to) {
        return serial.submit(() -> {
            rescanNow(who, from, to);
            return CompletableFuture.completedFuture(null);
        });
    }

    private void rescanNow(Requester who, int from, int to) throws ScsiException {
        Map<String, Cartridge> found;
        try {
            found = media.scan();
        } catch (IOException e) {
            LOG.error("changer {}: cannot read the cartridge directory {}: {}", lun, media.dir(), e.toString());
            throw ChangerSense.fail(org.jstgt.api.scsi.SenseReason.INTERNAL_TARGET_FAILURE.sense(),
                    "cannot read " + media.dir());
        }
        boolean changed = false;
        boolean imported = false;
        Holding[] held = library.snapshot();
        for (int p = from; p < to; p++) {
            Holding h = held[p];
            if (h == null) {
                continue;
            }
            Cartridge now = found.get(h.cartridge().barcode());
            if (now == null || !now.file().equals(h.cartridge().file())) {
                LOG.warn("changer {}: {} is gone from {}: {} is now empty", lun, h.cartridge().file(), media.dir(),
                        layout.describe(layout.address(p)));
                library.set(p, null);
                changed = true;
            }
        }
        List<String> left = new ArrayList<>();
        var present = library.barcodes();
        for (Cartridge c : found.values()) {
            if (present.contains(c.barcode())) {
                continue;
            }
            int p = library.firstEmpty(ElementType.STORAGE, from, to);
            boolean mail = false;
            if (p < 0) {
                p = library.firstEmpty(ElementType.IMPORT_EXPORT, from, to);
                mail = p >= 0;
            }
            if (p < 0) {
                left.add(c.file());
                continue;
            }
            library.set(p, new Holding(c, -1, mail));
            LOG.info("changer {}: new cartridge {} in {}", lun, c.barcode(), layout.describe(layout.address(p)));
            changed = true;
            imported |= mail;
        }
        if (!left.isEmpty()) {
            LOG.warn("changer {}: no empty slot or mail slot for {}: they stay out of the library", lun, left);
        }
        if (changed) {
            save();
            raise(ChangerSense.MEDIUM_MAY_HAVE_CHANGED, who);
            if (imported) {
                raise(ChangerSense.IMPORT_EXPORT_ACCESSED, who);
            }
        }
    }

    private void raise(org.jstgt.api.scsi.Sense sense, Requester who) {
        if (who == null) {
            events.unitAttention(sense);
        } else {
            events.unitAttentionToOthers(sense, who.initiatorPort(), who.targetPort());
        }
    }

    // ---- state

    /** Writes the state file (on a worker: every caller runs in a {@link Serial} operation). */
    void save() {
        StateFile.Saved s = new StateFile.Saved(launch, media.dir().toString(), library.byKey(),
                prevention.holders());
        try {
            state.write(s);
        } catch (IOException | RuntimeException e) {
            LOG.error("changer {}: cannot save its state to {}: {}", lun, state.path(), e.toString());
        }
    }

    /** Saves the state after a change of the prevention, in order with the moves. */
    CompletableFuture<Void> savePrevention() {
        return serial.submit(() -> {
            save();
            return CompletableFuture.completedFuture(null);
        });
    }
}
