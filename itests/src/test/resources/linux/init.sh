#!/bin/busybox sh
# /init of the initramfs LinuxInitiatorIT boots in QEMU: the Linux kernel's own iSCSI initiator
# (iscsi_tcp, logged in by open-iscsi's iscsistart, or by iscsid and iscsiadm) against the started
# assembly at 10.0.2.2, QEMU's address for the host. It sets up the guest, then runs
# /modes/$MODE.sh (src/test/resources/linux/modes), which prints what the test checks to the serial
# console; then the guest powers off.
# From the kernel command line: MODE, TGT (the target), ARGS (more iscsistart arguments, commas for
# spaces), and what a mode reads besides (PORTS, TGT2).
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
for m in $(cat /modlist); do insmod /lib/modules/$m || echo "INSMOD-FAILED $m"; done
ip link set lo up; ip link set eth0 up; ip addr add 10.0.2.15/24 dev eth0; ip route add default via 10.0.2.2

# logs in to TGT with iscsistart, as an initramfs booting from iSCSI does (no iscsid)
login_iscsistart() {
    echo "== login"
    iscsistart -i iqn.2026-12.org.jstgt.itest:linux -t "$TGT" -g 1 -a 10.0.2.2 -p 3260 $(echo "$ARGS" | tr , " ")
    echo "iscsistart rc=$?"
}

# open-iscsi as a distribution runs it: iscsid, driven by iscsiadm
start_iscsid() {
    echo "InitiatorName=iqn.2026-12.org.jstgt.itest:linux" > /etc/iscsi/initiatorname.iscsi
    # iscsid serves only root, whom it looks up by uid
    echo "root:x:0:0:root:/:/bin/sh" > /etc/passwd; echo "root:x:0:" > /etc/group
    mkdir -p /run/lock/iscsi /etc/iscsi/nodes /etc/iscsi/send_targets
    iscsid -f > /tmp/iscsid.log 2>&1 &
    for i in 1 2 3 4 5; do iscsiadm -m session > /dev/null 2>&1; [ $? -ne 20 ] && break; sleep 1; done
}

# true when /dev/$1 is there and opens: devtmpfs makes the node a moment before the disk can be
# opened (until then open fails with ENXIO), so a write right after the node appears may fail
disk_ready() {
    [ -b "/dev/$1" ] && dd if="/dev/$1" of=/dev/null bs=4096 count=1 2>/dev/null
}

# waits up to 10 s for the first disk
wait_for_disk() {
    for i in 1 2 3 4 5 6 7 8 9 10; do disk_ready sda && break; sleep 1; done
}

# the port of the portal a disk's session came in through
port_of() {
    cat $(readlink -f /sys/block/$1/device)/../../connection*/iscsi_connection/connection*/persistent_port
}

# logs in through iscsid to TGT on each of PORTS (commas), one path each, with a replacement timeout
# of 5 s (the I/O of a path whose session is gone fails over after 5 s, not 120), as multipath
# setups have it; sets PA and PB to the ports of sda and sdb
login_paths() {
    start_iscsid
    for p in $(echo "$PORTS" | tr , " "); do
        iscsiadm -m node -o new -T "$TGT" -p 10.0.2.2:$p > /dev/null
        iscsiadm -m node -T "$TGT" -p 10.0.2.2:$p -o update -n node.session.timeo.replacement_timeout -v 5
        iscsiadm -m node -T "$TGT" -p 10.0.2.2:$p --login > /dev/null; echo "login $p rc=$?"
    done
    for i in $(seq 1 10); do [ -b /dev/sda ] && [ -b /dev/sdb ] && break; sleep 1; done
    PA=$(port_of sda); PB=$(port_of sdb); echo "PATH sda $PA"; echo "PATH sdb $PB"
}

# dm-multipath over sda and sdb as a distribution's multipathd runs it for an ALUA array (paths
# grouped by their ALUA priority, failback at once), with $1 as more lines of its defaults; waits
# up to 30 s for the map, dm-0 (without it, ends the run with what multipath says), and sets MPD to
# multipathd's pid
start_multipathd() {
    mkdir -p /etc/multipath
    cat > /etc/multipath.conf <<CONF
defaults {
    find_multipaths off
    user_friendly_names no
    polling_interval 2
$1
}
devices {
    device {
        vendor "JSTGT"
        product ".*"
        path_grouping_policy group_by_prio
        prio alua
        path_checker tur
        failback immediate
        no_path_retry 30
    }
}
CONF
    # No udev here: device-mapper makes its own device nodes, and each path gets the entry of
    # udev's database that multipath looks for: a device udev has seen, with the identifier udev
    # reads from the Device Identification page (ID_SERIAL) and ID_WWN, without which multipath's
    # built-in blacklist leaves a device out. The kernel's wwid is made of one of that page's
    # designators.
    mkdir -p /run/udev/data
    for d in sda sdb; do
        id=$(tr ' ' _ < /sys/block/$d/device/wwid)
        printf 'I:1\nE:ID_SERIAL=%s\nE:ID_WWN=%s\n' "$id" "$id" > /run/udev/data/b$(cat /sys/block/$d/dev)
        echo "WWID $d $id"
    done
    export DM_DISABLE_UDEV=1
    multipathd -d -s > /tmp/multipathd.log 2>&1 &
    MPD=$!
    for i in $(seq 1 30); do [ -b /dev/dm-0 ] && break; sleep 1; done
    echo "map: $(ls /sys/block/dm-0/slaves 2>/dev/null | tr '\n' ' ')"
    if [ ! -b /dev/dm-0 ]; then
        echo "NO-MAP"
        multipath -v3 2>&1 | tail -80
        echo "== multipathd"
        cat /tmp/multipathd.log
        finish
    fi
}

# stops multipathd, removes the map, logs out of every path, then ends the run with multipathd's log
end_multipath() {
    kill $MPD; wait $MPD
    multipath -F; echo "flush rc=$?"
    iscsiadm -m node --logoutall=all > /dev/null; echo "logout rc=$?"
    echo "== multipathd"
    cat /tmp/multipathd.log
    finish
}

# the kernel's messages of its SCSI and iSCSI drivers, then the end of the run
finish() {
    echo "== dmesg"
    dmesg | grep -E "sd |sr |st |ch |alua|scsi|iscsi|connection|cdrom|reset|I/O error|device-mapper" \
        | grep -v -E "ommand line|ARGS=" | sed 's/^\[[ 0-9.]*\] //'
    echo "== END"
    poweroff -f
}

if [ -f "/modes/$MODE.sh" ]; then
    . "/modes/$MODE.sh"
else
    echo "NO-SUCH-MODE $MODE"
fi
poweroff -f
