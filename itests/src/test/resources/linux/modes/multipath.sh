# MODE=multipath: logs in to PORTS (commas) through iscsid, one path each to LUN 0, and puts
# dm-multipath over them as a distribution's multipathd does for an ALUA array (paths grouped by
# their ALUA priority, failback at once). After WAITING-FOR-ATTENTION it writes and reads back
# 64 KiB at a time through the map, printing the port its I/O went through whenever that changes,
# until the disk's last 4 KiB say PATHS-DONE (up to 240 s); then, once multipathd has taken every
# path back into the map (up to 60 s), the map and its paths as multipath -ll sees them.
# Sourced by /init (init.sh), which provides the functions it calls.
login_paths
start_multipathd ""
echo "== multipath before"
multipath -ll 2>&1
for p in 0 1 2; do dd if=/dev/urandom of=/tmp/p$p bs=65536 count=1 2>/dev/null; done
LASTBLOCK=$(( $(cat /sys/block/dm-0/size) / 8 - 1 ))
ios() { awk '{print $1 + $5}' /sys/block/$1/stat; }
echo "WAITING-FOR-ATTENTION"
n=0; start=$(date +%s); last=""; a=$(ios sda); b=$(ios sdb)
while [ $(( $(date +%s) - start )) -lt 240 ]; do
    off=$(( n % 256 )); p=/tmp/p$(( n % 3 ))
    dd if=$p of=/dev/dm-0 bs=65536 seek=$off count=1 oflag=direct 2>/dev/null || echo "WRITE-FAILED $n"
    [ "$(dd if=/dev/dm-0 bs=65536 skip=$off count=1 iflag=direct 2>/dev/null | md5sum)" = "$(md5sum < $p)" ] \
        || echo "READ-MISMATCH $n"
    via=""; na=$(ios sda); nb=$(ios sdb)
    [ "$na" -gt "$a" ] && via="$via $PA"
    [ "$nb" -gt "$b" ] && via="$via $PB"
    a=$na; b=$nb
    [ "$via" != "$last" ] && echo "ROUND $n via$via" && last=$via
    n=$(( n + 1 ))
    dd if=/dev/dm-0 bs=4096 skip=$LASTBLOCK count=1 iflag=direct 2>/dev/null | grep -q PATHS-DONE && break
done
echo "ROUNDS $n in $(( $(date +%s) - start )) s"
# multipathd's checker takes a path back into the map within a few of its intervals
for i in $(seq 1 60); do
    multipathd show paths raw format "%d %t %T" > /tmp/paths 2>&1
    grep -q -v -E " active (ready|ghost) *$" /tmp/paths || break
    sleep 1
done
echo "== multipath after"
multipath -ll 2>&1
end_multipath
