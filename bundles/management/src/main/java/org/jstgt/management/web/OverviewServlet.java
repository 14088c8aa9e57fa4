package org.jstgt.management.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.jstgt.management.Telemetry;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code GET /jstgt/api/overview}: the JSON of {@link OverviewJson}, which the web page polls. */
@Component(service = Servlet.class, property = {
    "osgi.http.whiteboard.servlet.pattern=" + OverviewServlet.PATH,
    "osgi.http.whiteboard.servlet.name=jstgt-overview"})
public final class OverviewServlet extends HttpServlet {
    /** Where the overview is served. */
    public static final String PATH = "/jstgt/api/overview";
    private static final long serialVersionUID = 1L;

    private final transient Telemetry telemetry;

    /** @param telemetry the poller */
    @Activate
    public OverviewServlet(@Reference Telemetry telemetry) {
        this.telemetry = telemetry;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        byte[] body = OverviewJson.render(telemetry.sample(), telemetry.history(), System.currentTimeMillis())
                .getBytes(StandardCharsets.UTF_8);
        resp.setStatus(HttpServletResponse.SC_OK);
        resp.setContentType("application/json; charset=utf-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }
}
