# MODE=multipath: logs in to PORTS (commas) through iscsid, one path each to LUN 0, and puts
# dm-multipath over them as a distribution's multipathd does for an ALUA array (paths grouped by
# their ALUA priority, failback at once). After WAITING-FOR-ATTENTION it writes and reads back
# 64 KiB at a time through the map, printing the port its I/O went through whenever that changes,
# until the disk's last 4 KiB say PATHS-DONE (up to 240 s); then, once multipathd has taken every
# path back into the map (up to 60 s), the map and its paths as multipath -ll sees them.
# Sourced by /init (init.sh), which provides the functions it calls.
start_iscsid
for p in $(echo "$PORTS" | tr , " "); do
    iscsiadm -m node -o new -T "$TGT" -p 10.0.2.2:$p > /dev/null
    # as multipath setups do: the I/O of a path whose session is gone fails over after 5 s, not 120
    iscsiadm -m node -T "$TGT" -p 10.0.2.2:$p -o update -n node.session.timeo.replacement_timeout -v 5
    iscsiadm -m node -T "$TGT" -p 10.0.2.2:$p --login > /dev/null; echo "login $p rc=$?"
done
for i in $(seq 1 10); do [ -b /dev/sda ] && [ -b /dev/sdb ] && break; sleep 1; done
PA=$(port_of sda); PB=$(port_of sdb); echo "PATH sda $PA"; echo "PATH sdb $PB"
mkdir -p /etc/multipath
cat > /etc/multipath.conf <<'CONF'
defaults {
    find_multipaths off
    user_friendly_names no
    polling_interval 2
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
# No udev here: device-mapper makes its own device nodes, and each path gets the entry of udev's
# database that multipath looks for: a device udev has seen, with the identifier udev reads from the
# Device Identification page (ID_SERIAL) and ID_WWN, without which multipath's built-in blacklist
# leaves a device out. The kernel's wwid is made of one of that page's designators.
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
kill $MPD; wait $MPD
multipath -F; echo "flush rc=$?"
iscsiadm -m node --logoutall=all > /dev/null; echo "logout rc=$?"
echo "== multipathd"
cat /tmp/multipathd.log
finish
