package org.jstgt.scsi.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jstgt.api.scsi.DeviceProvider;
import org.jstgt.api.store.BackingStoreProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device and store providers present, by type, with the first of each type published as a
 * lock-free snapshot (what a unit starting or a medium opening uses). Writers are serialized by
 * the manager.
 */
final class ProviderIndex {
    private static final Logger LOG = LoggerFactory.getLogger(ProviderIndex.class);

    private final Map<String, List<DeviceProvider>> devices = new HashMap<>();
    private final Map<String, List<BackingStoreProvider>> stores = new HashMap<>();
    private volatile Map<String, DeviceProvider> firstDevice = Map.of();
    private volatile Map<String, BackingStoreProvider> firstStore = Map.of();

    /** @return the type the provider serves, or null when its service property is missing (logged) */
    String addDevice(DeviceProvider provider, Map<String, ?> props) {
        String type = type(props.get(DeviceProvider.TYPE), DeviceProvider.TYPE, provider);
        if (type != null) {
            devices.computeIfAbsent(type, k -> new ArrayList<>()).add(provider);
            firstDevice = firsts(devices);
        }
        return type;
    }

    void removeDevice(DeviceProvider provider) {
        devices.values().forEach(l -> l.remove(provider));
        firstDevice = firsts(devices);
    }

    /** @return the type the provider serves, or null when its service property is missing (logged) */
    String addStore(BackingStoreProvider provider, Map<String, ?> props) {
        String type = type(props.get(BackingStoreProvider.TYPE), BackingStoreProvider.TYPE, provider);
        if (type != null) {
            stores.computeIfAbsent(type, k -> new ArrayList<>()).add(provider);
            firstStore = firsts(stores);
        }
        return type;
    }

    void removeStore(BackingStoreProvider provider) {
        stores.values().forEach(l -> l.remove(provider));
        firstStore = firsts(stores);
    }

    /** @return the provider a new unit of the type uses, or null; lock-free */
    DeviceProvider device(String type) {
        return firstDevice.get(type);
    }

    /** @return the provider a new store of the type uses, or null; lock-free */
    BackingStoreProvider store(String type) {
        return firstStore.get(type);
    }

    private static <T> Map<String, T> firsts(Map<String, List<T>> byType) {
        Map<String, T> m = new HashMap<>();
        byType.forEach((type, l) -> {
            if (!l.isEmpty()) {
                m.put(type, l.get(0));
            }
        });
        return Map.copyOf(m);
    }

    private static String type(Object value, String property, Object provider) {
        if (value == null || value.toString().isBlank()) {
            LOG.warn("{} registered without the {} service property; ignored", provider.getClass().getName(), property);
            return null;
        }
        return value.toString().trim().toLowerCase(Locale.ROOT);
    }
}
