# MODE=mpathpersist: persistent reservations through dm-multipath, as Pacemaker's fence_mpath makes
# them: logs in to PORTS (commas) through iscsid, puts dm-multipath over the two paths with the
# reservation key KEY, registers it on every path (with ALLTG, with ALL_TG_PT) and reserves Write
# Exclusive, Registrants Only with mpathpersist, and checks the keys with sg_persist. After
# WAITING-FOR-ATTENTION it writes 4 KiB through the map, printing each write's status whenever it
# changes, until the disk's last 4 KiB say PR-DONE (up to 120 s); then the map, and each path's keys.
# Meanwhile three writers keep direct writes in flight with hardly a pause (16 MiB in 1 MiB writes
# per dd), so that the other node's PREEMPT AND ABORT meets some: the
# target answers those TASK ABORTED, and the kernel's retry meets the RESERVATION CONFLICT at once.
# Sourced by /init (init.sh), which provides the functions it calls.
login_paths
# ALLTG=1: registrations with ALL_TG_PT (mpathpersist --param-alltgpt), and all_tg_pt in
# multipath.conf, which sends them once per SCSI host: each iSCSI session is a host of its own
if [ -n "$ALLTG" ]; then
    start_multipathd "    reservation_key $KEY
    all_tg_pt yes"
    ALLTGPT=--param-alltgpt
else
    start_multipathd "    reservation_key $KEY"
fi
mpathpersist --out --register $ALLTGPT --param-sark=$KEY /dev/dm-0; echo "register rc=$?"
mpathpersist --out --reserve --param-rk=$KEY --prout-type=5 /dev/dm-0; echo "reserve rc=$?"
for d in sda sdb; do
    echo "keys through $(port_of $d): $(sg_persist -n -i -k /dev/$d | grep -c -i "$KEY")"
done
sg_persist -n -i -r /dev/sda
echo "all target ports registrations: $(sg_persist -n -i -s /dev/sda | grep -c "All target ports bit set")"
dd if=/dev/urandom of=/tmp/p bs=4096 count=1 2>/dev/null
dd if=/tmp/p of=/dev/dm-0 bs=4096 oflag=direct 2>/dev/null; echo "reserved write rc=$?"
[ "$(dd if=/dev/dm-0 bs=4096 count=1 iflag=direct 2>/dev/null | md5sum)" = "$(md5sum < /tmp/p)" ] \
    && echo "RESERVED-DATA-OK"
LASTBLOCK=$(( $(cat /sys/block/dm-0/size) / 8 - 1 ))
for at in 8 24 40; do
    ( while [ ! -e /tmp/stop-writers ]; do
        dd if=/dev/zero of=/dev/dm-0 bs=1M seek=$at count=16 oflag=direct 2>/dev/null || sleep 1
    done ) &
    writers="$writers $!"
done
sleep 1
echo "WAITING-FOR-ATTENTION"
n=0; start=$(date +%s); last=""
while [ $(( $(date +%s) - start )) -lt 120 ]; do
    dd if=/tmp/p of=/dev/dm-0 bs=4096 seek=$(( n % 64 )) count=1 oflag=direct 2>/dev/null; rc=$?
    [ "$rc" != "$last" ] && echo "WRITE $n rc=$rc" && last=$rc
    n=$(( n + 1 ))
    dd if=/dev/dm-0 bs=4096 skip=$LASTBLOCK count=1 iflag=direct 2>/dev/null | grep -q PR-DONE && break
done
echo "ROUNDS $n in $(( $(date +%s) - start )) s"
touch /tmp/stop-writers; wait $writers
echo "== multipath after"
multipath -ll 2>&1
for d in sda sdb; do
    sg_persist -n -i -k /dev/$d | grep -q "there are NO registered reservation keys" && echo "no keys through $(port_of $d)"
done
end_multipath
