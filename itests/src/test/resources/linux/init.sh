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

# waits up to 10 s for the first disk
wait_for_disk() {
    for i in 1 2 3 4 5 6 7 8 9 10; do [ -b /dev/sda ] && break; sleep 1; done
}

# the port of the portal a disk's session came in through
port_of() {
    cat $(readlink -f /sys/block/$1/device)/../../connection*/iscsi_connection/connection*/persistent_port
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
