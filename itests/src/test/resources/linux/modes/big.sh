# MODE=big: LUN 0 is a disk past 2 TiB with 4096-byte blocks: written and read at both ends, its
# last 8 MiB discarded.
# Sourced by /init (init.sh), which provides the functions it calls.
login_iscsistart
wait_for_disk
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
finish
