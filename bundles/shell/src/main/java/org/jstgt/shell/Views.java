package org.jstgt.shell;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

import org.jstgt.api.mgmt.LunInfo;
import org.jstgt.api.mgmt.ManagementView;
import org.jstgt.api.mgmt.PortalInfo;
import org.jstgt.api.mgmt.SessionInfo;
import org.jstgt.api.mgmt.TargetInfo;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * Merges what every registered {@link ManagementView} reports (the SCSI core lists LUNs and
 * targets, the iSCSI fabric portals and sessions). A view that fails is named in {@link #errors()}
 * and the others are still listed.
 */
final class Views {
    private Views() {
    }

    /**
     * Reads every ManagementView service. Services are fetched for the call only and released.
     *
     * @param context the command bundle's context
     * @param read what to read from one view
     * @param <T> the item type
     * @return the merged items and errors
     */
    static <T> Listing<T> fromServices(BundleContext context, Function<ManagementView, List<T>> read) {
        Collection<ServiceReference<ManagementView>> refs;
        try {
            refs = context.getServiceReferences(ManagementView.class, null);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException("null filter rejected", e);
        }
        List<T> items = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (ServiceReference<ManagementView> ref : refs) {
            ManagementView view = context.getService(ref);
            if (view == null) {
                continue; // unregistered meanwhile
            }
            try {
                items.addAll(read.apply(view));
            } catch (RuntimeException e) {
                errors.add(describe(ref, view) + ": " + e);
            } finally {
                context.ungetService(ref);
            }
        }
        return new Listing<>(items, errors);
    }

    /**
     * @param context the command bundle's context
     * @param read what one view answers (empty when it does not know)
     * @param <T> the answer's type
     * @return the first view's answer
     */
    static <T> java.util.Optional<T> first(BundleContext context, Function<ManagementView, java.util.Optional<T>> read) {
        return fromServices(context, v -> read.apply(v).map(List::of).orElse(List.of())).items().stream().findFirst();
    }

    /**
     * @param views the views
     * @param read what to read from one view
     * @param <T> the item type
     * @return merged items; a view that throws is reported in the errors and skipped
     */
    static <T> Listing<T> merge(List<? extends ManagementView> views, Function<ManagementView, List<T>> read) {
        List<T> items = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (ManagementView v : views) {
            try {
                items.addAll(read.apply(v));
            } catch (RuntimeException e) {
                errors.add(v.getClass().getName() + ": " + e);
            }
        }
        return new Listing<>(items, errors);
    }

    private static String describe(ServiceReference<?> ref, ManagementView view) {
        return view.getClass().getName() + " (service " + ref.getProperty("service.id") + " from bundle "
                + ref.getBundle().getSymbolicName() + ")";
    }

    /** Sort orders used by the commands. */
    static final Comparator<LunInfo> LUN_ORDER = Comparator.comparing(LunInfo::name);
    static final Comparator<TargetInfo> TARGET_ORDER = Comparator.comparing(TargetInfo::name);
    static final Comparator<PortalInfo> PORTAL_ORDER = Comparator.comparing(PortalInfo::name);
    static final Comparator<SessionInfo> SESSION_ORDER = Comparator.comparingInt(SessionInfo::tsih);

    /**
     * Items merged from all views, and the failures met on the way.
     *
     * @param items the items
     * @param errors one line per failing view
     * @param <T> the item type
     */
    record Listing<T>(List<T> items, List<String> errors) {
        Listing {
            items = List.copyOf(items);
            errors = List.copyOf(errors);
        }

        Listing<T> sorted(Comparator<? super T> order) {
            List<T> s = new ArrayList<>(items);
            s.sort(order);
            return new Listing<>(s, errors);
        }
    }
}
