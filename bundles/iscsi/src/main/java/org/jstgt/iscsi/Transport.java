package org.jstgt.iscsi;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty transport: epoll when its classes and native library are present, NIO otherwise.
 * The epoll classes are touched only through {@link Epolls}, so a missing epoll bundle or
 * native library degrades to NIO instead of failing.
 */
record Transport(String name, EventLoopGroup boss, EventLoopGroup workers,
        Class<? extends ServerChannel> serverChannel) {
    private static final Logger LOG = LoggerFactory.getLogger(Transport.class);

    static Transport create() {
        try {
            if (Epolls.available()) {
                return new Transport("epoll", Epolls.group(1, "iscsi-accept"), Epolls.group(0, "iscsi-io"),
                        Epolls.serverChannel());
            }
            LOG.info("epoll not available ({}); using NIO", Epolls.cause());
        } catch (LinkageError e) {
            LOG.info("epoll classes not installed ({}); using NIO", e.toString());
        }
        return new Transport("nio", new NioEventLoopGroup(1, new DefaultThreadFactory("iscsi-accept", true)),
                new NioEventLoopGroup(0, new DefaultThreadFactory("iscsi-io", true)), NioServerSocketChannel.class);
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

        static EventLoopGroup group(int threads, String name) {
            return new io.netty.channel.epoll.EpollEventLoopGroup(threads, new DefaultThreadFactory(name, true));
        }

        static Class<? extends ServerChannel> serverChannel() {
            return io.netty.channel.epoll.EpollServerSocketChannel.class;
        }
    }
}
