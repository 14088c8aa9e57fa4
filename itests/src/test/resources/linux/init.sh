#!/bin/busybox sh
# /init of the initramfs LinuxInitiatorIT boots in QEMU: the Linux kernel's own iSCSI initiator
# (iscsi_tcp, logged in by open-iscsi's iscsistart) against the started assembly at 10.0.2.2, QEMU's
# address for the host. It prints what the test checks to the serial console, then powers off.
# From the kernel command line: TGT (the target), ARGS (more iscsistart arguments, commas for spaces),
# MODE (disk: LUN 0 is a disk; removable: LUN 0 is a DVD drive with an ISO image, LUN 1 a tape drive;
# attention: reads LUN 0 for 20 s after saying WAITING-FOR-ATTENTION, while the test raises one;
# changer: LUN 0 is a tape library with 4 slots, a mail slot and LUN 1 as its drive, driven by mtx;
# iscsid: discovery and login through iscsid and iscsiadm, reads LUN 0 until LUN 1 appears, up to
# 20 s after saying WAITING-FOR-ATTENTION, then logs out; paths: logs in to PORTS (commas), one
# path each to LUN 0 under the kernel's ALUA handler, and reads through whichever path is active
# until the first is standby and the second active/optimized, up to 30 s after
# WAITING-FOR-ATTENTION; recovery: through iscsid, logs in to TGT (its LUN 0 a disk), writes,
# resets the LU and the target through SG_IO and reads back after each, logs out, then the same
# with TGT2, the same disk; big: LUN 0 a disk past 2 TiB with 4096-byte blocks, written and read
# at both ends, its last 8 MiB discarded; update: through iscsid, writes and reads back 1 MiB
# after WAITING-FOR-ATTENTION until the disk's last 4 KiB say UPDATES-DONE, up to 240 s).
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
for m in $(cat /modlist); do insmod /lib/modules/$m || echo "INSMOD-FAILED $m"; done
ip link set lo up; ip link set eth0 up; ip addr add 10.0.2.15/24 dev eth0; ip route add default via 10.0.2.2
# open-iscsi as a distribution runs it: iscsid, driven by iscsiadm
start_iscsid() {
    echo "InitiatorName=iqn.2026-12.org.jstgt.itest:linux" > /etc/iscsi/initiatorname.iscsi
    # iscsid serves only root, whom it looks up by uid
    echo "root:x:0:0:root:/:/bin/sh" > /etc/passwd; echo "root:x:0:" > /etc/group
    mkdir -p /run/lock/iscsi /etc/iscsi/nodes /etc/iscsi/send_targets
    iscsid -f > /tmp/iscsid.log 2>&1 &
    for i in 1 2 3 4 5; do iscsiadm -m session > /dev/null 2>&1; [ $? -ne 20 ] && break; sleep 1; done
}
# the port of the portal a disk's session came in through
port_of() {
    cat $(readlink -f /sys/block/$1/device)/../../connection*/iscsi_connection/connection*/persistent_port
}
if [ "$MODE" = paths ]; then
    start_iscsid
    for p in $(echo "$PORTS" | tr , " "); do
        iscsiadm -m node -o new -T "$TGT" -p 10.0.2.2:$p > /dev/null
        iscsiadm -m node -T "$TGT" -p 10.0.2.2:$p --login > /dev/null; echo "login $p rc=$?"
    done
    for i in 1 2 3 4 5 6 7 8 9 10; do [ -b /dev/sda ] && [ -b /dev/sdb ] && break; sleep 1; done
    FIRST=${PORTS%,*}
    states() {
        for d in sda sdb; do
            echo "$1 path $(port_of $d): $(cat /sys/block/$d/device/access_state)"
        done
    }
    active() {
        for d in sda sdb; do
            case "$(cat /sys/block/$d/device/access_state)" in active*) echo $d; return;; esac
        done
    }
    states before
    echo "WAITING-FOR-ATTENTION"
    for n in $(seq 1 30); do
        d=$(active)
        dd if=/dev/$d of=/dev/null bs=4096 count=1 iflag=direct 2>/dev/null; echo "read $n path $(port_of $d) rc=$?"
        [ "$(port_of $d)" != "$FIRST" ] && break
        sleep 1
    done
    states after
    d=$(active)
    dd if=/dev/urandom of=/tmp/pattern bs=65536 count=16 2>/dev/null
    dd if=/tmp/pattern of=/dev/$d bs=65536 oflag=direct 2>/dev/null; echo "write path $(port_of $d) rc=$?"
    [ "$(dd if=/dev/$d bs=65536 count=16 iflag=direct 2>/dev/null | md5sum)" = "$(md5sum < /tmp/pattern)" ] \
        && echo "PATH-DATA-OK"
    iscsiadm -m node --logoutall=all > /dev/null; echo "logout rc=$?"
    echo "== dmesg"
    dmesg | grep -E "sd |alua|scsi|iscsi|connection|I/O error" | grep -v -E "ommand line|ARGS=" \
        | sed 's/^\[[ 0-9.]*\] //'
    echo "== END"
    poweroff -f
fi
if [ "$MODE" = recovery ]; then
    start_iscsid
    dd if=/dev/urandom of=/tmp/pattern bs=65536 count=16 2>/dev/null
    check() {
        [ "$(dd if=/dev/sda bs=65536 count=16 iflag=direct 2>/dev/null | md5sum)" = "$(md5sum < /tmp/pattern)" ] \
            && echo "DATA-AFTER-$1-OK"
    }
    # TGT refuses TARGET WARM RESET, TGT2 allows it
    for t in "$TGT" "$TGT2"; do
        iscsiadm -m node -o new -T "$t" -p 10.0.2.2:3260 > /dev/null
        iscsiadm -m node -T "$t" -p 10.0.2.2:3260 --login > /dev/null; echo "login $t rc=$?"
        for i in 1 2 3 4 5 6 7 8 9 10; do [ -b /dev/sda ] && break; sleep 1; done
        [ "$t" = "$TGT" ] && { dd if=/tmp/pattern of=/dev/sda bs=65536 oflag=direct 2>/dev/null; echo "write rc=$?"; }
        G=/dev/$(ls /sys/block/sda/device/scsi_generic)
        for what in device target; do
            sg_reset --$what $G; echo "reset $what of $t rc=$?"
            for i in $(seq 1 30); do
                iscsiadm -m session -P 1 2>/dev/null | grep -q "Session State: LOGGED_IN" && break; sleep 1
            done
            check "$what-of-$t"
        done
        iscsiadm -m node -T "$t" -p 10.0.2.2:3260 --logout > /dev/null; echo "logout $t rc=$?"
        for i in 1 2 3 4 5 6 7 8 9 10; do [ -b /dev/sda ] || break; sleep 1; done
    done
    echo "== iscsid"
    cat /tmp/iscsid.log
    echo "== dmesg"
    dmesg | grep -E "sd |scsi|iscsi|connection|I/O error|reset" | grep -v -E "ommand line|ARGS=" \
        | sed 's/^\[[ 0-9.]*\] //'
    echo "== END"
    poweroff -f
fi
if [ "$MODE" = update ]; then
    start_iscsid
    iscsiadm -m node -o new -T "$TGT" -p 10.0.2.2:3260 > /dev/null
    iscsiadm -m node -T "$TGT" -p 10.0.2.2:3260 --login > /dev/null; echo "login rc=$?"
    for i in 1 2 3 4 5 6 7 8 9 10; do [ -b /dev/sda ] && break; sleep 1; done
    # three patterns, so that each offset gets a different one than it held before
    for p in 0 1 2; do dd if=/dev/urandom of=/tmp/p$p bs=65536 count=16 2>/dev/null; done
    LASTBLOCK=$(( $(cat /sys/block/sda/size) / 8 - 1 ))
    echo "WAITING-FOR-ATTENTION"
    n=0; start=$(date +%s)
    while [ $(( $(date +%s) - start )) -lt 240 ]; do
        off=$(( n % 32 )); p=/tmp/p$(( n % 3 ))
        dd if=$p of=/dev/sda bs=1M seek=$off count=1 oflag=direct 2>/dev/null || echo "WRITE-FAILED $n"
        [ "$(dd if=/dev/sda bs=1M skip=$off count=1 iflag=direct 2>/dev/null | md5sum)" = "$(md5sum < $p)" ] \
            || echo "READ-MISMATCH $n"
        n=$(( n + 1 ))
        dd if=/dev/sda bs=4096 skip=$LASTBLOCK count=1 iflag=direct 2>/dev/null | grep -q UPDATES-DONE && break
    done
    echo "ROUNDS $n in $(( $(date +%s) - start )) s"
    iscsiadm -m node --logoutall=all > /dev/null; echo "logout rc=$?"
    echo "== iscsid"
    cat /tmp/iscsid.log
    echo "== dmesg"
    dmesg | grep -E "sd |scsi|iscsi|connection|I/O error" | grep -v -E "ommand line|ARGS=" | sed 's/^\[[ 0-9.]*\] //'
    echo "== END"
    poweroff -f
fi
if [ "$MODE" = iscsid ]; then
    start_iscsid
    echo "== discovery"
    iscsiadm -m discovery -t sendtargets -p 10.0.2.2:3260; echo "discovery rc=$?"
    # discovery gives the target's own addresses (127.0.0.1 behind QEMU's NAT): a record for the
    # address the guest reaches it at, as behind any NAT
    iscsiadm -m node -o new -T "$TGT" -p 10.0.2.2:3260 > /dev/null; echo "new node rc=$?"
    iscsiadm -m node -T "$TGT" -p 10.0.2.2:3260 --login; echo "login rc=$?"
    for i in 1 2 3 4 5 6 7 8 9 10; do [ -b /dev/sda ] && break; sleep 1; done
    iscsiadm -m session -P 3 | grep -E "iSCSI Session State|HeaderDigest|MaxRecvDataSegmentLength|Attached scsi disk"
    echo "WAITING-FOR-ATTENTION"
    for n in $(seq 1 20); do
        dd if=/dev/sda of=/dev/null bs=4096 count=1 iflag=direct 2>/dev/null; echo "read $n rc=$?"
        if ls -d /sys/bus/scsi/devices/*:0:0:1 > /dev/null 2>&1; then echo "LUN-1-ATTACHED"; break; fi
        sleep 1
    done
    iscsiadm -m node -T "$TGT" -p 10.0.2.2:3260 --logout; echo "logout rc=$?"
    echo "== iscsid"
    cat /tmp/iscsid.log
    echo "== dmesg"
    dmesg | grep -E "sd |sr |scsi|iscsi|connection|I/O error" | grep -v -E "ommand line|ARGS=" \
        | sed 's/^\[[ 0-9.]*\] //'
    echo "== END"
    poweroff -f
fi
echo "== login"
iscsistart -i iqn.2026-12.org.jstgt.itest:linux -t "$TGT" -g 1 -a 10.0.2.2 -p 3260 $(echo "$ARGS" | tr , " ")
echo "iscsistart rc=$?"
if [ "$MODE" = changer ]; then
    for i in 1 2 3 4 5 6 7 8 9 10; do [ -c /dev/sch0 ] && [ -c /dev/nst0 ] && break; sleep 1; done
    C=/dev/$(ls /sys/class/scsi_changer/sch0/device/scsi_generic); T=/dev/nst0
    dd if=/dev/urandom of=/tmp/f1 bs=65536 count=20 2>/dev/null
    dd if=/dev/urandom of=/tmp/f2 bs=65536 count=7 2>/dev/null
    echo "== changer"
    mtx -f $C inquiry
    mtx -f $C status
    mtx -f $C load 1 0; echo "load 1 rc=$?"
    dd if=/tmp/f1 of=$T bs=65536 2>/dev/null; echo "written 1 $(mt -f $T tell)"
    # as Bacula's mtx-changer does with offline=1: the drive ejects, the robot takes the cartridge
    mt -f $T offline; echo "offline rc=$?"
    mtx -f $C unload 1 0; echo "unload 1 rc=$?"
    mtx -f $C load 2 0; echo "load 2 rc=$?"
    dd if=/tmp/f2 of=$T bs=65536 2>/dev/null; echo "written 2 $(mt -f $T tell)"
    # an initiator of the drive prevents medium removal (st does so only with its auto-lock option):
    # the robot must not take the cartridge
    D=/dev/$(ls /sys/class/scsi_tape/st0/device/scsi_generic)
    sg_prevent --prevent=1 $D; echo "prevent rc=$?"
    mtx -f $C unload 2 0; echo "unload while prevented rc=$?"
    mtx -f $C status | grep "Data Transfer"
    sg_prevent --prevent=0 $D; echo "allow rc=$?"
    # not ejected: the robot unloads the drive itself
    mtx -f $C unload 2 0; echo "unload 2 rc=$?"
    mtx -f $C transfer 2 3; echo "transfer rc=$?"
    mtx -f $C load 1 0; echo "load 1 again rc=$?"
    [ "$(dd if=$T bs=65536 2>/dev/null | md5sum)" = "$(md5sum < /tmp/f1)" ] && echo "CARTRIDGE-1-OK"
    mtx -f $C unload 1 0; echo "unload 1 again rc=$?"
    mtx -f $C load 3 0; echo "load 3 rc=$?"
    [ "$(dd if=$T bs=65536 2>/dev/null | md5sum)" = "$(md5sum < /tmp/f2)" ] && echo "CARTRIDGE-2-OK"
    mtx -f $C load 1 0; echo "load into a full drive rc=$?"
    mtx -f $C unload 3 0; echo "unload 3 rc=$?"
    mtx -f $C transfer 1 5; echo "to the mail slot rc=$?"
    mtx -f $C inventory; echo "inventory rc=$?"
    echo "== final status"
    mtx -f $C status
    echo "== dmesg"
    dmesg | grep -E "ch |st |scsi|iscsi|connection|I/O error" | grep -v -E "ommand line|ARGS=" \
        | sed 's/^\[[ 0-9.]*\] //'
    echo "== END"
    poweroff -f
fi
if [ "$MODE" = removable ]; then
    for i in 1 2 3 4 5 6 7 8 9 10; do [ -b /dev/sr0 ] && [ -c /dev/nst0 ] && break; sleep 1; done
    echo "== dvd"
    mount -t iso9660 -o ro /dev/sr0 /mnt && cat /mnt/readme.txt; umount /mnt
    # through the drive's SCSI generic node: the cdrom driver allows removal whenever sr0 closes
    G=/dev/$(ls /sys/block/sr0/device/scsi_generic)
    sg_prevent --prevent=1 $G; echo "prevent rc=$?"
    sg_start --eject $G; echo "eject while prevented rc=$?"
    sg_prevent --prevent=0 $G; echo "allow rc=$?"
    sg_start --eject $G; echo "eject rc=$?"
    sg_turs $G > /dev/null 2>&1; echo "tur with the tray open rc=$?"
    # the kernel's cdrom driver closes an open tray when the disc is opened for data
    mount -t iso9660 -o ro /dev/sr0 /mnt && cat /mnt/readme.txt; umount /mnt
    echo "== tape"
    T=/dev/nst0
    dd if=/dev/urandom of=/tmp/f1 bs=65536 count=20 2>/dev/null
    dd if=/dev/urandom of=/tmp/f2 bs=65536 count=7 2>/dev/null
    mt -f $T rewind
    # closing the device after writing writes a filemark
    dd if=/tmp/f1 of=$T bs=65536 2>/dev/null; echo "file 1 $(mt -f $T tell)"
    dd if=/tmp/f2 of=$T bs=65536 2>/dev/null; echo "file 2 $(mt -f $T tell)"
    mt -f $T rewind
    [ "$(dd if=$T bs=65536 2>/dev/null | md5sum)" = "$(md5sum < /tmp/f1)" ] && echo "TAPE-FILE1-OK"
    [ "$(dd if=$T bs=65536 2>/dev/null | md5sum)" = "$(md5sum < /tmp/f2)" ] && echo "TAPE-FILE2-OK"
    mt -f $T rewind; mt -f $T fsf 1; echo "fsf $(mt -f $T tell)"
    [ "$(dd if=$T bs=65536 2>/dev/null | md5sum)" = "$(md5sum < /tmp/f2)" ] && echo "TAPE-FSF-OK"
    mt -f $T eom; echo "eom $(mt -f $T tell)"
    mt -f $T bsf 1; echo "bsf $(mt -f $T tell)"
    mt -f $T rewind; echo "rewind $(mt -f $T tell)"
    echo "== dmesg"
    dmesg | grep -E "sr |st |scsi|iscsi|connection|I/O error|cdrom" | grep -v -E "ommand line|ARGS=" \
        | sed 's/^\[[ 0-9.]*\] //'
    echo "== END"
    poweroff -f
fi
for i in 1 2 3 4 5 6 7 8 9 10; do [ -b /dev/sda ] && break; sleep 1; done
if [ "$MODE" = big ]; then
    S=/sys/block/sda
    echo "logical_block_size=$(cat $S/queue/logical_block_size) size=$(cat $S/size)"
    dd if=/dev/urandom of=/tmp/pattern bs=1M count=16 2>/dev/null
    A=$(md5sum < /tmp/pattern)
    LAST=$(( $(cat $S/size) / 2048 - 16 ))
    dd if=/tmp/pattern of=/dev/sda bs=1M oflag=direct conv=fsync 2>/dev/null; echo "write first rc=$?"
    dd if=/tmp/pattern of=/dev/sda bs=1M seek=$LAST oflag=direct conv=fsync 2>/dev/null; echo "write last rc=$?"
    B=$(dd if=/dev/sda bs=1M count=16 iflag=direct 2>/dev/null | md5sum)
    C=$(dd if=/dev/sda bs=1M skip=$LAST count=16 iflag=direct 2>/dev/null | md5sum)
    [ "$A" = "$B" ] && [ "$A" = "$C" ] && echo "BIG-DATA-OK"
    blkdiscard -o $(( (LAST + 8) * 1048576 )) -l 8388608 /dev/sda; echo "blkdiscard rc=$?"
    Z=$(dd if=/dev/sda bs=1M skip=$(( LAST + 8 )) count=8 iflag=direct 2>/dev/null | md5sum)
    [ "$Z" = "$(dd if=/dev/zero bs=1M count=8 2>/dev/null | md5sum)" ] && echo "BIG-DISCARD-ZEROES-OK"
    echo "== dmesg"
    dmesg | grep -E "sd |scsi|iscsi|connection|I/O error" | grep -v -E "ommand line|ARGS=" | sed 's/^\[[ 0-9.]*\] //'
    echo "== END"
    poweroff -f
fi
if [ "$MODE" = attention ]; then
    echo "WAITING-FOR-ATTENTION"
    for n in $(seq 1 20); do
        dd if=/dev/sda of=/dev/null bs=4096 count=1 iflag=direct 2>/dev/null; echo "read $n rc=$?"
        sleep 1
    done
    echo "== dmesg"
    dmesg | grep -E "sd |scsi|iscsi|connection|I/O error" | grep -v -E "ommand line|ARGS=" | sed 's/^\[[ 0-9.]*\] //'
    echo "== END"
    poweroff -f
fi
D=/dev/sda; S=/sys/block/sda; SD=$(echo $S/device/scsi_disk/*)
echo "== queue"
for f in logical_block_size max_hw_sectors_kb discard_max_bytes discard_granularity write_zeroes_max_bytes optimal_io_size minimum_io_size; do
    echo "$f=$(cat $S/queue/$f)"
done
echo "provisioning_mode=$(cat $SD/provisioning_mode) thin=$(cat $SD/thin_provisioning) cache_type=$(cat $SD/cache_type) fua=$(cat $SD/FUA)"
echo "== sg"
sg_inq $D | head -12; sg_vpd -p bl $D | head -12; sg_readcap -l $D | head -6
echo "== data"
dd if=/dev/urandom of=/tmp/pattern bs=1M count=16 2>/dev/null
A=$(md5sum < /tmp/pattern)
LAST=$(( $(cat $S/size) / 2048 - 16 ))
dd if=/tmp/pattern of=$D bs=1M oflag=direct conv=fsync 2>/dev/null
dd if=/tmp/pattern of=$D bs=1M seek=$LAST oflag=direct conv=fsync 2>/dev/null
echo 3 > /proc/sys/vm/drop_caches
B=$(dd if=$D bs=1M count=16 iflag=direct 2>/dev/null | md5sum)
C=$(dd if=$D bs=1M skip=$LAST count=16 iflag=direct 2>/dev/null | md5sum)
if [ "$A" = "$B" ] && [ "$A" = "$C" ]; then echo "DATA-OK"; else echo "DATA-MISMATCH"; fi
echo "== discard"
blkdiscard -o 0 -l 8388608 $D; echo "blkdiscard rc=$?"
Z=$(dd if=$D bs=1M count=8 iflag=direct 2>/dev/null | md5sum)
ZZ=$(dd if=/dev/zero bs=1M count=8 2>/dev/null | md5sum)
if [ "$Z" = "$ZZ" ]; then echo "DISCARD-ZEROES-OK"; else echo "DISCARD-NOT-ZERO"; fi
echo "== fs"
mke2fs -q $D > /dev/null 2>&1; echo "mke2fs rc=$?"
mount -t ext4 $D /mnt && echo "MOUNT-OK"
cp /tmp/pattern /mnt/pattern; mkdir /mnt/d; for i in $(seq 1 200); do echo $i > /mnt/d/f$i; done; sync; umount /mnt
echo 3 > /proc/sys/vm/drop_caches
mount -t ext4 $D /mnt && [ "$(md5sum < /mnt/pattern)" = "$A" ] && [ "$(cat /mnt/d/f137)" = 137 ] && echo "FS-OK"
umount /mnt
echo "== pr"
sg_persist --out --register --param-sark=0x1234 $D; echo "register rc=$?"
sg_persist --out --reserve --param-rk=0x1234 --prout-type=1 $D; echo "reserve rc=$?"
sg_persist --in -r $D | grep -i -E "key=|type"
sg_persist --out --release --param-rk=0x1234 --prout-type=1 $D; echo "release rc=$?"
sg_persist --out --register --param-rk=0x1234 --param-sark=0 $D; echo "unregister rc=$?"
sg_persist --in -k $D | grep -i "registered"
echo "== sync"
sg_sync $D; echo "sg_sync rc=$?"
echo "== dmesg"
dmesg | grep -E "sd |scsi|iscsi|connection|I/O error" | grep -v -E "ommand line|ARGS=" | sed 's/^\[[ 0-9.]*\] //'
echo "== END"
poweroff -f
