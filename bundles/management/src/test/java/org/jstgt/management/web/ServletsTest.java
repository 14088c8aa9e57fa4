package org.jstgt.management.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.servlet.ServletOutputStream;
import javax.servlet.WriteListener;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.jstgt.api.mgmt.IoMeter.Kind;
import org.jstgt.management.FakeView;
import org.jstgt.management.LunHistory;
import org.jstgt.management.Sample;
import org.jstgt.management.StatsPoller;
import org.jstgt.management.Telemetry;
import org.jstgt.management.metrics.PrometheusMetrics;
import org.junit.jupiter.api.Test;

class ServletsTest {
    /** What a servlet did to its response. */
    static final class Response {
        int status = 200;
        String error = "";
        String redirect;
        final Map<String, String> headers = new HashMap<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();

        HttpServletResponse proxy() {
            ServletOutputStream out = new ServletOutputStream() {
                @Override
                public void write(int b) {
                    body.write(b);
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setWriteListener(WriteListener listener) {
                }
            };
            return (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {HttpServletResponse.class}, (p, m, a) -> {
                        switch (m.getName()) {
                            case "setStatus" -> status = (Integer) a[0];
                            case "sendError" -> {
                                status = (Integer) a[0];
                                error = a.length > 1 ? (String) a[1] : "";
                            }
                            case "sendRedirect" -> {
                                status = 302;
                                redirect = (String) a[0];
                            }
                            case "setContentType" -> headers.put("Content-Type", (String) a[0]);
                            case "setHeader" -> headers.put((String) a[0], (String) a[1]);
                            case "getOutputStream" -> {
                                return out;
                            }
                            default -> {
                            }
                        }
                        return null;
                    });
        }

        String text() {
            return body.toString(StandardCharsets.UTF_8);
        }
    }

    private static HttpServletRequest request(String servletPath, String pathInfo) {
        return (HttpServletRequest) Proxy.newProxyInstance(ServletsTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (p, m, a) -> switch (m.getName()) {
                    case "getContextPath" -> "";
                    case "getServletPath" -> servletPath;
                    case "getPathInfo" -> pathInfo;
                    case "getMethod" -> "GET";
                    default -> null;
                });
    }

    @Test
    void pageServesItsFilesRedirectsTheBareNameAnd404sTheRest() throws Exception {
        PageServlet page = new PageServlet();
        Response index = new Response();
        page.doGet(request("/jstgt", "/"), index.proxy());
        assertEquals(200, index.status);
        assertEquals("text/html; charset=utf-8", index.headers.get("Content-Type"));
        assertTrue(index.text().contains("<title>jstgt</title>"), index.text());
        assertEquals("default-src 'self'", index.headers.get("Content-Security-Policy"));

        Response js = new Response();
        page.doGet(request("/jstgt", "/jstgt.js"), js.proxy());
        assertEquals("text/javascript; charset=utf-8", js.headers.get("Content-Type"));
        assertTrue(js.text().contains("fetch(\"api/overview\""), "the script polls the overview relative to the page");

        Response bare = new Response();
        page.doGet(request("/jstgt", null), bare.proxy());
        assertEquals("/jstgt/", bare.redirect);

        Response missing = new Response();
        page.doGet(request("/jstgt", "/../etc/passwd"), missing.proxy());
        assertEquals(404, missing.status);
        assertEquals("no such page: /jstgt/../etc/passwd", missing.error);
    }

    @Test
    void metricsAndOverviewServeTheTelemetry() throws Exception {
        FakeView view = new FakeView();
        view.lun("disk0").record(Kind.READ, 4096, 1000, 0, 0);
        StatsPoller poller = new StatsPoller(() -> List.of(view), System::nanoTime);
        try (PrometheusMetrics metrics = new PrometheusMetrics(() -> org.jstgt.management.Entity.of(poller.sample()))) {
            Telemetry telemetry = new Telemetry() {
                @Override
                public String scrape() {
                    metrics.sync(org.jstgt.management.Entity.of(poller.refresh()));
                    return metrics.scrape();
                }

                @Override
                public Sample sample() {
                    return poller.sample();
                }

                @Override
                public Map<String, List<LunHistory.Point>> history() {
                    return Map.of();
                }
            };
            Response m = new Response();
            new MetricsServlet(telemetry).doGet(request("/jstgt/metrics", null), m.proxy());
            assertEquals("text/plain; version=0.0.4; charset=utf-8", m.headers.get("Content-Type"));
            assertTrue(m.text().contains("jstgt_lun_commands_total{kind=\"read\",lun=\"disk0\"} 1.0"), m.text());

            Response o = new Response();
            new OverviewServlet(telemetry).doGet(request("/jstgt/api/overview", null), o.proxy());
            assertEquals("application/json; charset=utf-8", o.headers.get("Content-Type"));
            assertTrue(o.text().contains("\"luns\":[{\"name\":\"disk0\""), o.text());
            assertEquals("no-store", o.headers.get("Cache-Control"));
        }
    }
}
