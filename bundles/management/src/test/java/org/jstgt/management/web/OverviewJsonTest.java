package org.jstgt.management.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jstgt.api.mgmt.IoMeter;
import org.jstgt.api.mgmt.IoMeter.Kind;
import org.jstgt.management.FakeView;
import org.jstgt.management.LunHistory;
import org.jstgt.management.StatsPoller;
import org.junit.jupiter.api.Test;

class OverviewJsonTest {
    private final FakeView view = new FakeView();
    private final AtomicLong clock = new AtomicLong();
    private final StatsPoller poller = new StatsPoller(() -> List.of(view), clock::get);
    private final LunHistory history = new LunHistory(3);

    private String overviewAfterOneBusySecond() {
        IoMeter disk = view.lun("disk0");
        view.target("demo");
        view.session(3, "iqn.2026-11.org.example:\"quoted\"");
        poller.tick();
        for (int i = 0; i < 200; i++) {
            disk.record(Kind.READ, 65536, 1_000_000, 0, 0);
        }
        disk.record(Kind.OTHER, 0, 1000, 2, 3);
        clock.addAndGet(2_000_000_000L);
        history.add(1_700_000_000_000L, poller.tick());
        return OverviewJson.render(poller.sample(), history.points(), 1_700_000_000_000L);
    }

    private static String lunStats(String json) {
        Matcher m = Pattern.compile("\"luns\":\\[\\{\"name\":\"disk0\".*?\"stats\":(\\{.*?\\}\\}\\})").matcher(json);
        assertTrue(m.find(), json);
        return m.group(1);
    }

    @Test
    void lunCarriesStateCountersRatesAndLatency() {
        String json = overviewAfterOneBusySecond();
        assertTrue(json.startsWith("{\"time\":1700000000000,\"interval\":2,"), json);
        assertTrue(json.contains("\"name\":\"disk0\",\"device\":\"disk\",\"store\":\"memory\",\"size\":1073741824,"
                + "\"blockSize\":512,\"readOnly\":false,\"state\":\"ACTIVE\",\"mappings\":[\"demo:0\"]"), json);
        String s = lunStats(json);
        assertTrue(s.contains("\"reads\":200,\"writes\":0,\"others\":1,\"readBytes\":13107200,"), s);
        assertTrue(s.contains("\"errors\":1,\"errorsBySenseKey\":{\"MEDIUM ERROR\":1}"), s);
        assertTrue(s.contains("\"readIops\":100,\"writeIops\":0,\"readBps\":6553600,"), s);
        Matcher p99 = Pattern.compile("\"readLatency\":\\{\"p50\":[^,]+,\"p99\":([^,]+),").matcher(s);
        assertTrue(p99.find(), s);
        double v = Double.parseDouble(p99.group(1));
        assertTrue(v >= 0.001 && v <= 0.001125, "p99 " + v);
    }

    @Test
    void targetsSessionsAndHistoryAreListedAndStringsEscaped() {
        String json = overviewAfterOneBusySecond();
        assertTrue(json.contains("\"targets\":[{\"name\":\"demo\",\"iqn\":\"iqn.2026-11.org.jstgt:demo\""), json);
        assertTrue(json.contains("\"tsih\":3,\"initiator\":\"iqn.2026-11.org.example:\\\"quoted\\\"\""), json);
        assertTrue(json.contains("\"history\":{\"disk0\":[[1700000000000,100,0,6553600,0,"), json);
        assertTrue(json.endsWith("]]}}"), json);
    }

    @Test
    void jsonEscapesControlCharactersAndNonFiniteNumbers() {
        String s = new Json().beginObject().name("a\tb").value("x\u0001</script>").name("n")
                .value(Double.NaN).name("l").beginArray().value(1.5).value(2L).endArray().endObject().toString();
        assertEquals("{\"a\\tb\":\"x\\u0001\\u003c/script>\",\"n\":null,\"l\":[1.5,2]}", s);
    }

    @Test
    void pageFilesAreInTheBundleAndLoadNothingFromElsewhere() throws IOException {
        for (String name : PageServlet.FILES.keySet()) {
            try (InputStream in = PageServlet.class.getResourceAsStream(name)) {
                assertNotNull(in, name);
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                assertFalse(Pattern.compile("(src|href)=\"(https?:)?//").matcher(text).find(), name + " loads from elsewhere");
                assertFalse(text.contains("fetch(\"http"), name);
            }
        }
        try (InputStream in = PageServlet.class.getResourceAsStream("index.html")) {
            String html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(html.contains("<script src=\"jstgt.js\"></script>"), html);
            assertTrue(html.contains("<table id=\"luns\">"), html);
        }
    }
}
