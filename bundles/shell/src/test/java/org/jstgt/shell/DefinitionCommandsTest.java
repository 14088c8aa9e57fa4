package org.jstgt.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.junit.jupiter.api.Test;

/** Completion and argument order of the commands that create, change and remove definitions. */
class DefinitionCommandsTest {

    private static Completion completion(Class<?> c, String field) throws Exception {
        Completion k = c.getDeclaredField(field).getAnnotation(Completion.class);
        assertNotNull(k, c.getSimpleName() + "." + field);
        return k;
    }

    @Test
    void everyNameCompletes() throws Exception {
        for (Class<?> c : List.of(LunDeleteCommand.class, LunResizeCommand.class, LunSetCommand.class,
                LunUnsetCommand.class)) {
            assertEquals(LunCompleter.class, completion(c, "name").value(), c.getSimpleName());
        }
        for (Class<?> c : List.of(LunMapCommand.class, LunUnmapCommand.class, TargetDeleteCommand.class,
                AclAddCommand.class, AclRemoveCommand.class)) {
            assertEquals(TargetCompleter.class, completion(c, "target").value(), c.getSimpleName());
        }
        assertEquals(LunCompleter.class, completion(LunMapCommand.class, "lun").value());
        assertEquals(PortalCompleter.class, completion(PortalDeleteCommand.class, "name").value());
        assertEquals(PortalCompleter.class, completion(TargetCreateCommand.class, "portals").value());
        Completion device = completion(LunCreateCommand.class, "device");
        assertEquals(StringsCompleter.class, device.value());
        assertEquals(LunDefinitions.DEVICES, List.of(device.values()));
        Completion store = completion(LunCreateCommand.class, "store");
        assertEquals(StringsCompleter.class, store.value());
        assertEquals(LunDefinitions.STORES, List.of(store.values()));
        assertTrue(List.of(completion(LunSetCommand.class, "key").values()).contains("serial"));
    }

    @Test
    void argumentsAreNumberedInOrderAndOptionsAreLong() throws Exception {
        for (Class<?> c : List.of(LunCreateCommand.class, LunDeleteCommand.class, LunResizeCommand.class,
                LunSetCommand.class, LunUnsetCommand.class, LunMapCommand.class, LunUnmapCommand.class,
                TargetCreateCommand.class, TargetDeleteCommand.class, PortalCreateCommand.class,
                PortalDeleteCommand.class, AclAddCommand.class, AclRemoveCommand.class)) {
            List<Integer> indexes = new ArrayList<>();
            for (Field f : c.getDeclaredFields()) {
                Argument a = f.getAnnotation(Argument.class);
                if (a != null) {
                    assertTrue(a.required(), c.getSimpleName() + "." + f.getName());
                    indexes.add(a.index());
                }
                Option o = f.getAnnotation(Option.class);
                if (o != null) {
                    assertTrue(o.name().startsWith("--"), o.name());
                }
            }
            indexes.sort(null);
            for (int i = 0; i < indexes.size(); i++) {
                assertEquals(i, indexes.get(i), c.getSimpleName());
            }
        }
        assertTrue(LunCreateCommand.class.getDeclaredField("sets").getAnnotation(Option.class).multiValued());
    }
}
