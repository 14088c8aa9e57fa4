# MODE=disk: LUN 0 is a disk: the queue limits sd derived, SCSI inquiries through sg3_utils,
# O_DIRECT data at both ends, a discard, an ext4 file system, a persistent reservation through
# SG_IO, SYNCHRONIZE CACHE.
# Sourced by /init (init.sh), which provides the functions it calls.
login_iscsistart
wait_for_disk
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
finish
