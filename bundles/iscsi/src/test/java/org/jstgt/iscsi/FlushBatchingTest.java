package org.jstgt.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;

import org.jstgt.iscsi.connection.Connection;
import org.jstgt.iscsi.connection.Fabric;
import org.jstgt.iscsi.pdu.LoginRequest;
import org.jstgt.iscsi.pdu.LoginResponse;
import org.jstgt.iscsi.pdu.Pdu;
import org.jstgt.iscsi.pdu.PduCodec;
import org.jstgt.iscsi.pdu.PduDecoder;
import org.jstgt.iscsi.pdu.ScsiCommand;
import org.jstgt.testkit.Await;
import org.jstgt.testkit.FakeNexus;
import org.jstgt.testkit.FakeScsiTarget;
import org.junit.jupiter.api.Test;

/**
 * On a real event loop (in-VM transport), commands that finish together on the store's threads
 * leave in one write: one flush for all their responses, not one each.
 */
class FlushBatchingTest {

    @Test
    void completionsArrivingTogetherLeaveInOneFlush() throws Exception {
        FakeScsiTarget disk = new FakeScsiTarget(Wire.TARGET);
        Fabric fabric = Wire.fabric(disk);
        DefaultEventLoopGroup loops = new DefaultEventLoopGroup(1);
        AtomicInteger flushes = new AtomicInteger();
        BlockingQueue<Pdu> received = new LinkedBlockingQueue<>();
        List<Channel> serverSide = new ArrayList<>();
        LocalAddress address = new LocalAddress("flush-batching");
        try {
            Channel server = new ServerBootstrap().group(loops).channel(LocalServerChannel.class)
                    .childHandler(new ChannelInitializer<LocalChannel>() {
                        @Override
                        protected void initChannel(LocalChannel ch) {
                            serverSide.add(ch);
                            ch.pipeline().addLast(new ChannelOutboundHandlerAdapter() {
                                @Override
                                public void flush(ChannelHandlerContext ctx) {
                                    flushes.incrementAndGet();
                                    ctx.flush();
                                }
                            });
                            Connection.open(ch, fabric, "main", 1, new InetSocketAddress("127.0.0.1", 3260),
                                    new InetSocketAddress("127.0.0.2", 40000));
                        }
                    }).bind(address).sync().channel();
            Channel client = new Bootstrap().group(loops).channel(LocalChannel.class)
                    .handler(new ChannelInitializer<LocalChannel>() {
                        @Override
                        protected void initChannel(LocalChannel ch) {
                            ch.pipeline().addLast(new PduDecoder(0xffffff, false, false));
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    received.add((Pdu) msg);
                                }
                            });
                        }
                    }).connect(address).sync().channel();
            send(client, new LoginRequest(true, false, 1, 3, 0, 0, Wire.ISID, 0, 1, 1, 1, 0,
                    Wire.text("InitiatorName=" + Wire.INITIATOR, "TargetName=" + Wire.TARGET, "SessionType=Normal")));
            LoginResponse login = (LoginResponse) received.poll(10, TimeUnit.SECONDS);
            assertEquals(0, login.status());
            int expStatSn = login.statSn() + 1;
            login.release();

            FakeNexus nexus = disk.nexuses().get(0);
            loops.next().submit(() -> nexus.hold(true)).sync();
            for (int i = 0; i < 3; i++) {
                send(client, new ScsiCommand(false, true, true, false, 1, 0, 0x100 + i, 512, 1 + i, expStatSn,
                        FullFeatureTest.read10(i, 1), -1, Unpooled.EMPTY_BUFFER));
            }
            awaitHeld(loops, nexus, 3);
            // Hold the event loop while the three completions are handed to it, as the store's
            // threads do when several reads finish at once.
            CountDownLatch gate = new CountDownLatch(1);
            loops.next().execute(() -> {
                try {
                    gate.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            int before = flushes.get();
            nexus.releaseHeld();
            gate.countDown();
            for (int i = 0; i < 3; i++) {
                Pdu p = received.poll(10, TimeUnit.SECONDS);
                assertEquals(0x100 + i, p.itt());
                p.release();
            }
            loops.next().submit(() -> { }).sync();
            assertEquals(1, flushes.get() - before, "one flush for the three responses");
            client.close().sync();
            server.close().sync();
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static void send(Channel client, Pdu pdu) throws InterruptedException {
        client.writeAndFlush(PduCodec.encode(pdu, ByteBufAllocator.DEFAULT, false, false)).sync();
    }

    private static void awaitHeld(DefaultEventLoopGroup loops, FakeNexus nexus, int n) throws Exception {
        Await.until(Duration.ofSeconds(10), n + " commands to reach the disk (held there)",
                () -> loops.next().submit(() -> nexus.heldCount()).get(), held -> held >= n);
    }
}
