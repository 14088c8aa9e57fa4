package org.jstgt.device.changer;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.jstgt.api.media.ChangerElement;
import org.jstgt.api.media.MediaChanger;
import org.jstgt.api.scsi.ScsiException;

/**
 * The changer as the shell drives it ({@code iscsi:changer-status}, {@code iscsi:changer-move}):
 * its moves and rescans queue behind the initiators' commands ({@link Robot}) and are reported to
 * every initiator as NOT READY TO READY CHANGE, MEDIUM MAY HAVE CHANGED (and IMPORT OR EXPORT
 * ELEMENT ACCESSED when a mail slot is involved).
 */
final class ShellChanger implements MediaChanger {
    private final Robot robot;

    ShellChanger(Robot robot) {
        this.robot = robot;
    }

    @Override
    public List<ChangerElement> elements() {
        return robot.views().stream().map(v -> new ChangerElement(v.address(), v.type(), v.ordinal(), v.full(),
                v.barcode(), v.drive(), v.access())).toList();
    }

    @Override
    public CompletionStage<Void> move(int source, int destination) {
        return robot.move(source, destination, null).exceptionallyCompose(e -> CompletableFuture.failedFuture(
                forShell(Robot.unwrap(e))));
    }

    @Override
    public CompletionStage<Void> rescan() {
        return robot.rescan(null).exceptionallyCompose(e -> CompletableFuture.failedFuture(
                forShell(Robot.unwrap(e))));
    }

    /**
     * INVALID ELEMENT ADDRESS becomes {@link IllegalArgumentException}, every other refusal
     * {@link IllegalStateException}, with the message naming the elements.
     */
    private static Throwable forShell(Throwable e) {
        if (e instanceof ScsiException s) {
            String detail = s.getMessage();
            if (s.sense().equals(ChangerSense.INVALID_ELEMENT_ADDRESS)) {
                return new IllegalArgumentException(detail, s);
            }
            return new IllegalStateException(detail, s);
        }
        return e;
    }
}
