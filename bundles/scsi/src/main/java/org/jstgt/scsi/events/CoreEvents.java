package org.jstgt.scsi.events;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The SCSI core's events, for Event Admin (and so Decanter): a LUN changing state, and a
 * configuration file (or one of its keys) refused. Posted asynchronously where the core logs the
 * same; without Event Admin nothing is posted ({@link EventAdminSink} plugs it in while it is there).
 */
public final class CoreEvents {
    /** A LUN changed state: properties {@value #LUN}, {@value #STATE}, {@value #PREVIOUS}, {@value #REASON}. */
    public static final String LUN_STATE = "org/jstgt/lun/STATE";
    /**
     * A configuration was refused: properties {@value #PID} (the factory PID), {@value #NAME},
     * {@value #ORIGIN} (the file), {@value #KEY} when one key is at fault, {@value #REASON}.
     */
    public static final String CONFIG_ERROR = "org/jstgt/config/ERROR";

    /** Property: the LUN's name. */
    public static final String LUN = "lun";
    /** Property: the state now: ACTIVE, WAITING, FAILED, REMOVED, ... */
    public static final String STATE = "state";
    /** Property: the state before. */
    public static final String PREVIOUS = "previous";
    /** Property: why (what is waited for, what failed, what is wrong). */
    public static final String REASON = "reason";
    /** Property: the factory PID of the configuration. */
    public static final String PID = "pid";
    /** Property: the configuration's instance name. */
    public static final String NAME = "name";
    /** Property: the configuration's file (or PID). */
    public static final String ORIGIN = "origin";
    /** Property: the key at fault. */
    public static final String KEY = "key";

    private static volatile EventSink sink;

    private CoreEvents() {
    }

    /** @param next where events go from now on, or null for nowhere */
    public static void sink(EventSink next) {
        sink = next;
    }

    /** @param gone a sink going away: no longer used unless another replaced it already */
    public static void remove(EventSink gone) {
        if (sink == gone) {
            sink = null;
        }
    }

    /**
     * @param lun the LUN's name
     * @param origin its file
     * @param previous its state before, as listed ({@code WAITING(store.type=file)})
     * @param state its state now, as listed
     */
    public static void lunState(String lun, String origin, String previous, String state) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(LUN, lun);
        p.put(ORIGIN, origin);
        p.put(STATE, word(state));
        p.put(PREVIOUS, word(previous));
        String why = reason(state);
        if (why != null) {
            p.put(REASON, why);
        }
        post(LUN_STATE, p);
    }

    /**
     * @param pid the factory PID
     * @param name the instance name
     * @param origin the file
     * @param key the key at fault, or null
     * @param reason what is wrong (never a secret: the core's messages name keys, not secrets)
     */
    public static void configError(String pid, String name, String origin, String key, String reason) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(PID, pid);
        p.put(NAME, name);
        p.put(ORIGIN, origin);
        if (key != null) {
            p.put(KEY, key);
        }
        p.put(REASON, reason);
        post(CONFIG_ERROR, p);
    }

    /** @return {@code WAITING} of {@code WAITING(why)} */
    private static String word(String listed) {
        int paren = listed.indexOf('(');
        return paren < 0 ? listed : listed.substring(0, paren);
    }

    /** @return {@code why} of {@code WAITING(why)}, or null */
    private static String reason(String listed) {
        int paren = listed.indexOf('(');
        return paren < 0 || !listed.endsWith(")") ? null : listed.substring(paren + 1, listed.length() - 1);
    }

    private static void post(String topic, Map<String, Object> properties) {
        EventSink s = sink;
        if (s != null) {
            s.post(topic, Map.copyOf(properties));
        }
    }
}
