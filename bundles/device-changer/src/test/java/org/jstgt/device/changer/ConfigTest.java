package org.jstgt.device.changer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import org.jstgt.api.ConfigException;
import org.junit.jupiter.api.Test;

/** The {@code changer.*} keys: every bad value names its key and value. */
class ConfigTest extends ChangerTestBase {

    private void bad(String key, String value, String expectedInMessage) throws Exception {
        Map<String, String> p = props(8, 1, "tape0");
        if (value == null) {
            p.remove(key);
        } else {
            p.put(key, value);
        }
        ConfigException e = assertThrows(ConfigException.class, () -> ChangerConfig.of(spec(p)));
        assertEquals(key, e.key());
        assertTrue(e.getMessage().contains(expectedInMessage), e.getMessage());
    }

    @Test
    void goodKeys() throws Exception {
        ChangerConfig c = ChangerConfig.of(spec(props(10000, 240, " tape0 ,tape1,t.2-x")));
        assertEquals(List.of("tape0", "tape1", "t.2-x"), c.drives());
        assertEquals(10000, c.slots());
        assertEquals(240, c.mails());
        Map<String, String> p = props(1, 0, "");
        p.remove(ChangerConfig.MAILSLOTS);
        p.remove(ChangerConfig.DRIVES);
        c = ChangerConfig.of(spec(p));
        assertEquals(1, c.mails());
        assertEquals(List.of(), c.drives());
    }

    @Test
    void badKeys() throws Exception {
        bad(ChangerConfig.SLOTS, null, "missing");
        bad(ChangerConfig.SLOTS, "0", "'0'");
        bad(ChangerConfig.SLOTS, "10001", "'10001'");
        bad(ChangerConfig.SLOTS, "eight", "'eight'");
        bad(ChangerConfig.MAILSLOTS, "-1", "'-1'");
        bad(ChangerConfig.MAILSLOTS, "241", "'241'");
        bad(ChangerConfig.DRIVES, "tape0,,tape1", "empty");
        bad(ChangerConfig.DRIVES, "tape0, tape0", "'tape0' is listed twice");
        bad(ChangerConfig.DRIVES, "tape 0", "'tape 0'");
        bad(ChangerConfig.DRIVES, "lib0", "this changer");
        bad(ChangerConfig.MEDIA, null, "missing");
        bad(ChangerConfig.MEDIA, "bad\0path", "not a path");
    }

    @Test
    void mediaThatIsAFile() throws Exception {
        Files.write(media().resolve("file"), new byte[0]);
        Map<String, String> p = props(8, 1, "tape0");
        p.put(ChangerConfig.MEDIA, media.resolve("file").toString());
        ConfigException e = assertThrows(ConfigException.class, () -> unit(p, "l"));
        assertEquals(ChangerConfig.MEDIA, e.key());
        assertTrue(e.getMessage().contains("not a directory"), e.getMessage());
    }

    @Test
    void badSenseFormat() throws Exception {
        Map<String, String> p = props(8, 1, "tape0");
        p.put("sense.format", "pretty");
        assertEquals("sense.format", assertThrows(ConfigException.class, () -> unit(p, "l")).key());
    }
}
