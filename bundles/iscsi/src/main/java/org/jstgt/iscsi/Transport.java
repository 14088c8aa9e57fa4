package org.jstgt.iscsi;

import java.util.Locale;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import org.jstgt.iscsi.poll.PollWindow;
import org.jstgt.iscsi.poll.PollingIoHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty transport. The key {@code transport} of {@code etc/jstgt.iscsi.cfg} ({@link IscsiSettings};
 * formerly the system property {@value #PROPERTY}) picks it: {@code auto} (the default)
 * takes io_uring, then epoll, then NIO, the first whose classes and native library load here;
 * {@code io_uring}, {@code epoll} or {@code nio} ask for one and fall back to NIO, with a warning,
 * when it cannot load. The native transports' classes are touched only through {@link Urings} and
 * {@link Epolls}, so a missing bundle or library degrades instead of failing.
 *
 * <p>The connections' event loops poll for a while after I/O before they sleep
 * ({@link PollingIoHandler}, key {@code busy.poll.us}). On io_uring the event loops also run the
 * file store's I/O (it submits its reads and writes to
 * the ring of the loop that asks), so a command's file I/O completes on its connection's thread.
 */
record Transport(String name, EventLoopGroup boss, EventLoopGroup workers,
        Class<? extends ServerChannel> serverChannel) {
    private static final Logger LOG = LoggerFactory.getLogger(Transport.class);
    /** Deprecated system property naming the transport (read by {@link IscsiSettings} when its file does not). */
    static final String PROPERTY = "jstgt.iscsi.transport";

    static Transport create() {
        return create(IscsiSettings.DEFAULT_TRANSPORT);
    }

    /** @param name auto, io_uring, epoll or nio (anything else: auto, with a warning) */
    static Transport create(String name) {
        return create(name, new PollWindow(PollWindow.DEFAULT_MICROS));
    }

    /**
     * @param name auto, io_uring, epoll or nio (anything else: auto, with a warning)
     * @param poll how long the connections' event loops poll after I/O before they sleep
     */
    static Transport create(String name, PollWindow poll) {
        String asked = name.trim().toLowerCase(Locale.ROOT);
        switch (asked) {
            case "io_uring":
                return orNio(uring(true, poll), asked, poll);
            case "epoll":
                return orNio(epoll(true, poll), asked, poll);
            case "nio":
                return nio(poll);
            default:
                if (!asked.equals("auto")) {
                    LOG.warn("{}.cfg: key transport: '{}' is not one of auto, io_uring, epoll, nio; using auto",
                            IscsiSettings.PID, asked);
                }
                Transport t = uring(false, poll);
                if (t == null) {
                    t = epoll(false, poll);
                }
                return t != null ? t : nio(poll);
        }
    }

    private static Transport orNio(Transport t, String asked, PollWindow poll) {
        if (t != null) {
            return t;
        }
        LOG.warn("{}.cfg: key transport: {} cannot be used here (see above); using NIO", IscsiSettings.PID, asked);
        return nio(poll);
    }

    private static Transport nio(PollWindow poll) {
        return of("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, poll);
    }

    private static Transport uring(boolean asked, PollWindow poll) {
        try {
            if (Urings.available()) {
                return of("io_uring", Urings.factory(), Urings.serverChannel(), poll);
            }
            log(asked, "io_uring not available ({})", Urings.cause());
        } catch (LinkageError e) {
            log(asked, "io_uring classes not installed ({})", e.toString());
        }
        return null;
    }

    private static Transport epoll(boolean asked, PollWindow poll) {
        try {
            if (Epolls.available()) {
                return of("epoll", Epolls.factory(), Epolls.serverChannel(), poll);
            }
            log(asked, "epoll not available ({})", Epolls.cause());
        } catch (LinkageError e) {
            log(asked, "epoll classes not installed ({})", e.toString());
        }
        return null;
    }

    private static void log(boolean asked, String format, Object arg) {
        if (asked) {
            LOG.warn(format, arg);
        } else {
            LOG.info(format, arg);
        }
    }

    /** Accepting needs no polling; the connections' loops poll for {@code poll} after I/O. */
    private static Transport of(String name, IoHandlerFactory factory, Class<? extends ServerChannel> server,
            PollWindow poll) {
        return new Transport(name, new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("iscsi-accept", true),
                factory), new MultiThreadIoEventLoopGroup(0, new DefaultThreadFactory("iscsi-io", true),
                        PollingIoHandler.factory(factory, poll)), server);
    }

    /** The only class that names io_uring types. */
    private static final class Urings {
        static boolean available() {
            return io.netty.channel.uring.IoUring.isAvailable();
        }

        static String cause() {
            Throwable t = io.netty.channel.uring.IoUring.unavailabilityCause();
            return t == null ? "unknown" : t.toString();
        }

        static IoHandlerFactory factory() {
            return io.netty.channel.uring.IoUringIoHandler.newFactory();
        }

        static Class<? extends ServerChannel> serverChannel() {
            return io.netty.channel.uring.IoUringServerSocketChannel.class;
        }
    }

    /** The only class that names epoll types. */
    private static final class Epolls {
        static boolean available() {
            return io.netty.channel.epoll.Epoll.isAvailable();
        }

        static String cause() {
            Throwable t = io.netty.channel.epoll.Epoll.unavailabilityCause();
            return t == null ? "unknown" : t.toString();
        }

        static IoHandlerFactory factory() {
            return io.netty.channel.epoll.EpollIoHandler.newFactory();
        }

        static Class<? extends ServerChannel> serverChannel() {
            return io.netty.channel.epoll.EpollServerSocketChannel.class;
        }
    }
}
