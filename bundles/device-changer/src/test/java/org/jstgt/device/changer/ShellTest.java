package org.jstgt.device.changer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletionException;

import org.jstgt.api.media.ChangerElement;
import org.jstgt.api.media.ChangerElement.ElementType;
import org.jstgt.api.media.MediaChanger;
import org.junit.jupiter.api.Test;

/** The changer as the shell drives it, and the unit attentions its changes raise. */
class ShellTest extends ChangerTestBase {

    @Test
    void elementsInAddressOrder() throws Exception {
        ChangerUnit u = library("A01.tape");
        context.units.remove("tape1");
        List<ChangerElement> e = u.mediaChanger().orElseThrow().elements();
        assertEquals(12, e.size());
        assertEquals(new ChangerElement(TRANSPORT, ElementType.MEDIUM_TRANSPORT, 1, false, "", "", true), e.get(0));
        assertEquals(new ChangerElement(MAIL1, ElementType.IMPORT_EXPORT, 1, false, "", "", true), e.get(1));
        assertEquals(new ChangerElement(DRIVE1, ElementType.DATA_TRANSFER, 1, false, "", "tape0", true), e.get(2));
        assertEquals(new ChangerElement(DRIVE2, ElementType.DATA_TRANSFER, 2, false, "", "tape1", false), e.get(3));
        assertEquals(new ChangerElement(SLOT1, ElementType.STORAGE, 1, true, "A01", "", true), e.get(4));
    }

    @Test
    void shellMovesRaiseUnitAttentionsForEveryone() throws Exception {
        ChangerUnit u = library("A01.tape");
        MediaChanger m = u.mediaChanger().orElseThrow();
        m.move(SLOT1, DRIVE1).toCompletableFuture().join();
        assertEquals(List.of("all 28/00"), context.raised);
        assertEquals(List.of("load " + path("A01.tape")), drive("tape0").calls);
        m.move(DRIVE1, MAIL1).toCompletableFuture().join();
        assertEquals(List.of("all 28/00", "all 28/00", "all 28/01"), context.raised);
        context.raised.clear();
        cartridges("B02.tape");
        m.rescan().toCompletableFuture().join();
        assertEquals(List.of("all 28/00"), context.raised);
    }

    @Test
    void refusalsForTheShell() throws Exception {
        ChangerUnit u = library("A01.tape");
        MediaChanger m = u.mediaChanger().orElseThrow();
        CompletionException bad = assertThrows(CompletionException.class,
                () -> m.move(0x7777, SLOT1).toCompletableFuture().join());
        assertInstanceOf(IllegalArgumentException.class, bad.getCause());
        CompletionException empty = assertThrows(CompletionException.class,
                () -> m.move(SLOT1 + 1, SLOT1 + 2).toCompletableFuture().join());
        assertInstanceOf(IllegalStateException.class, empty.getCause());
        assertTrue(empty.getCause().getMessage().contains("slot:2"), empty.getCause().getMessage());
        assertTrue(context.raised.isEmpty());
    }
}
