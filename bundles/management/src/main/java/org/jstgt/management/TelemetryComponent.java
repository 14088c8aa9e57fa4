package org.jstgt.management;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.management.MBeanServer;

import org.jstgt.api.mgmt.ManagementView;
import org.jstgt.management.jmx.JmxBeans;
import org.jstgt.management.metrics.PrometheusMetrics;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls every {@link ManagementView} (the SCSI core's and the iSCSI fabric's, whichever are
 * there) once a second, and keeps the Micrometer meters and the JMX MBeans in step with what it
 * finds.
 */
@Component(service = Telemetry.class, immediate = true)
public final class TelemetryComponent implements Telemetry {
    /** How often the views are polled; rates and interval latencies cover this period. */
    static final long PERIOD_MILLIS = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(TelemetryComponent.class);

    private final List<ManagementView> views = new CopyOnWriteArrayList<>();
    private final StatsPoller poller = new StatsPoller(() -> views, System::nanoTime);
    private final PrometheusMetrics metrics = new PrometheusMetrics(() -> Entity.of(poller.sample()));
    /** Two minutes of points per LUN for the web page's charts. */
    private final LunHistory history = new LunHistory(120);
    /** Karaf's MBean server (the management feature) when there is one, else the platform's. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
    private MBeanServer mbeanServer;
    private JmxBeans jmx;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jstgt-metrics-poller");
        t.setDaemon(true);
        return t;
    });

    /** Starts polling (after the views present at activation are bound). */
    @Activate
    void activate() {
        jmx = new JmxBeans(mbeanServer != null ? mbeanServer : ManagementFactory.getPlatformMBeanServer());
        timer.scheduleAtFixedRate(this::tick, 0, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** @param view a view that arrived */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addView(ManagementView view) {
        views.add(view);
    }

    /** @param view a view that left */
    void removeView(ManagementView view) {
        views.remove(view);
    }

    private void tick() {
        try {
            Sample s = poller.tick();
            history.add(System.currentTimeMillis(), s);
            publish(s);
        } catch (RuntimeException e) {
            LOG.warn("polling the management views failed; retrying in {} ms", PERIOD_MILLIS, e);
        }
    }

    private void publish(Sample sample) {
        List<Entity> entities = Entity.of(sample);
        metrics.sync(entities);
        jmx.sync(entities);
    }

    @Override
    public String scrape() {
        publish(poller.refresh());
        return metrics.scrape();
    }

    @Override
    public Sample sample() {
        return poller.sample();
    }

    @Override
    public Map<String, List<LunHistory.Point>> history() {
        return history.points();
    }

    /** Stops polling and removes the meters and MBeans. */
    @Deactivate
    void deactivate() throws InterruptedException {
        timer.shutdownNow();
        timer.awaitTermination(5, TimeUnit.SECONDS);
        jmx.close();
        metrics.close();
    }
}
