# MODE=iscsid: discovery and login through iscsid and iscsiadm; reads LUN 0 until LUN 1 appears, up
# to 20 s after saying WAITING-FOR-ATTENTION, then logs out.
# Sourced by /init (init.sh), which provides the functions it calls.
start_iscsid
echo "== discovery"
iscsiadm -m discovery -t sendtargets -p 10.0.2.2:3260; echo "discovery rc=$?"
# discovery gives the target's own addresses (127.0.0.1 behind QEMU's NAT): a record for the
# address the guest reaches it at, as behind any NAT
iscsiadm -m node -o new -T "$TGT" -p 10.0.2.2:3260 > /dev/null; echo "new node rc=$?"
iscsiadm -m node -T "$TGT" -p 10.0.2.2:3260 --login; echo "login rc=$?"
for i in 1 2 3 4 5 6 7 8 9 10; do disk_ready sda && break; sleep 1; done
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
finish
