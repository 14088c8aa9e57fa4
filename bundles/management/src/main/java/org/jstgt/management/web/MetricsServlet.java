package org.jstgt.management.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.jstgt.management.Telemetry;
import org.jstgt.management.metrics.PrometheusMetrics;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code GET /jstgt/metrics}: the Prometheus text format 0.0.4, registered on the HTTP Whiteboard. */
@Component(service = Servlet.class, property = {
    "osgi.http.whiteboard.servlet.pattern=" + MetricsServlet.PATH,
    "osgi.http.whiteboard.servlet.name=jstgt-metrics"})
public final class MetricsServlet extends HttpServlet {
    /** Where Prometheus scrapes. */
    public static final String PATH = "/jstgt/metrics";
    private static final long serialVersionUID = 1L;

    private final transient Telemetry telemetry;

    /** @param telemetry the poller */
    @Activate
    public MetricsServlet(@Reference Telemetry telemetry) {
        this.telemetry = telemetry;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        byte[] body = telemetry.scrape().getBytes(StandardCharsets.UTF_8);
        resp.setStatus(HttpServletResponse.SC_OK);
        resp.setContentType(PrometheusMetrics.CONTENT_TYPE);
        resp.setHeader("Cache-Control", "no-store");
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }
}
