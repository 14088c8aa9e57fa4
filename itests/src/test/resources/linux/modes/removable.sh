# MODE=removable: LUN 0 is a DVD drive with an ISO image, LUN 1 a tape drive: the sr and st drivers.
# Sourced by /init (init.sh), which provides the functions it calls.
login_iscsistart
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
finish
