# MODE=paths: logs in to PORTS (commas) through iscsid, one path each to LUN 0 under the kernel's
# ALUA handler, and reads through whichever path is active until the first is standby and the second
# active/optimized, up to 30 s after WAITING-FOR-ATTENTION.
# Sourced by /init (init.sh), which provides the functions it calls.
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
finish
