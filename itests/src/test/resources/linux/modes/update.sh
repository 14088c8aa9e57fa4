# MODE=update: through iscsid, writes and reads back 1 MiB after WAITING-FOR-ATTENTION until the
# disk's last 4 KiB say UPDATES-DONE, up to 240 s.
# Sourced by /init (init.sh), which provides the functions it calls.
start_iscsid
iscsiadm -m node -o new -T "$TGT" -p 10.0.2.2:3260 > /dev/null
iscsiadm -m node -T "$TGT" -p 10.0.2.2:3260 --login > /dev/null; echo "login rc=$?"
for i in 1 2 3 4 5 6 7 8 9 10; do disk_ready sda && break; sleep 1; done
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
finish
