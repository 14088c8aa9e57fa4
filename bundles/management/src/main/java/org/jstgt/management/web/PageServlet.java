package org.jstgt.management.web;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Component;

/**
 * {@code GET /jstgt/}: the web page (HTML, one script, one style sheet, all in this bundle; the
 * page loads nothing from elsewhere). {@code /jstgt} redirects to {@code /jstgt/}; any other
 * name is 404.
 */
@Component(service = Servlet.class, property = {
    "osgi.http.whiteboard.servlet.pattern=/jstgt",
    "osgi.http.whiteboard.servlet.pattern=/jstgt/*",
    "osgi.http.whiteboard.servlet.name=jstgt-page"})
public final class PageServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    /** The files served, by name under /jstgt/, with their content types. */
    static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "jstgt.js", "text/javascript; charset=utf-8",
            "jstgt.css", "text/css; charset=utf-8");

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getPathInfo();
        if (path == null) {
            resp.sendRedirect(req.getContextPath() + req.getServletPath() + "/");
            return;
        }
        String name = path.equals("/") ? "index.html" : path.substring(1);
        String type = FILES.get(name);
        if (type == null) {
            resp.sendError(HttpServletResponse.SC_NOT_FOUND, "no such page: /jstgt" + path);
            return;
        }
        try (InputStream in = PageServlet.class.getResourceAsStream(name)) {
            if (in == null) {
                resp.sendError(HttpServletResponse.SC_INTERNAL_SERVER_ERROR, name + " is missing from the bundle");
                return;
            }
            byte[] body = in.readAllBytes();
            resp.setStatus(HttpServletResponse.SC_OK);
            resp.setContentType(type);
            resp.setHeader("Cache-Control", "no-cache");
            resp.setHeader("Content-Security-Policy", "default-src 'self'");
            resp.setContentLength(body.length);
            resp.getOutputStream().write(body);
        }
    }
}
