# MODE=changer: LUN 0 is a tape library with 4 slots, a mail slot and LUN 1 as its drive, driven by
# mtx.
# Sourced by /init (init.sh), which provides the functions it calls.
login_iscsistart
for i in 1 2 3 4 5 6 7 8 9 10; do [ -c /dev/sch0 ] && [ -c /dev/nst0 ] && break; sleep 1; done
C=/dev/$(ls /sys/class/scsi_changer/sch0/device/scsi_generic); T=/dev/nst0
dd if=/dev/urandom of=/tmp/f1 bs=65536 count=20 2>/dev/null
dd if=/dev/urandom of=/tmp/f2 bs=65536 count=7 2>/dev/null
echo "== changer"
mtx -f $C inquiry
mtx -f $C status
mtx -f $C load 1 0; echo "load 1 rc=$?"
dd if=/tmp/f1 of=$T bs=65536 2>/dev/null; echo "written 1 $(mt -f $T tell)"
# as Bacula's mtx-changer does with offline=1: the drive ejects, the robot takes the cartridge
mt -f $T offline; echo "offline rc=$?"
mtx -f $C unload 1 0; echo "unload 1 rc=$?"
mtx -f $C load 2 0; echo "load 2 rc=$?"
dd if=/tmp/f2 of=$T bs=65536 2>/dev/null; echo "written 2 $(mt -f $T tell)"
# an initiator of the drive prevents medium removal (st does so only with its auto-lock option):
# the robot must not take the cartridge
D=/dev/$(ls /sys/class/scsi_tape/st0/device/scsi_generic)
sg_prevent --prevent=1 $D; echo "prevent rc=$?"
mtx -f $C unload 2 0; echo "unload while prevented rc=$?"
mtx -f $C status | grep "Data Transfer"
sg_prevent --prevent=0 $D; echo "allow rc=$?"
# not ejected: the robot unloads the drive itself
mtx -f $C unload 2 0; echo "unload 2 rc=$?"
mtx -f $C transfer 2 3; echo "transfer rc=$?"
mtx -f $C load 1 0; echo "load 1 again rc=$?"
[ "$(dd if=$T bs=65536 2>/dev/null | md5sum)" = "$(md5sum < /tmp/f1)" ] && echo "CARTRIDGE-1-OK"
mtx -f $C unload 1 0; echo "unload 1 again rc=$?"
mtx -f $C load 3 0; echo "load 3 rc=$?"
[ "$(dd if=$T bs=65536 2>/dev/null | md5sum)" = "$(md5sum < /tmp/f2)" ] && echo "CARTRIDGE-2-OK"
mtx -f $C load 1 0; echo "load into a full drive rc=$?"
mtx -f $C unload 3 0; echo "unload 3 rc=$?"
mtx -f $C transfer 1 5; echo "to the mail slot rc=$?"
mtx -f $C inventory; echo "inventory rc=$?"
echo "== final status"
mtx -f $C status
finish
