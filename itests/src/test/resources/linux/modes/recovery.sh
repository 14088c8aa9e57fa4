# MODE=recovery: through iscsid, logs in to TGT (its LUN 0 a disk), writes, resets the LU and the
# target through SG_IO and reads back after each, logs out; then the same with TGT2, the same disk.
# Sourced by /init (init.sh), which provides the functions it calls.
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
    for i in 1 2 3 4 5 6 7 8 9 10; do disk_ready sda && break; sleep 1; done
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
finish
