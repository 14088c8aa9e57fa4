# MODE=attention: reads LUN 0 for 20 s after saying WAITING-FOR-ATTENTION, while the test raises a
# unit attention.
# Sourced by /init (init.sh), which provides the functions it calls.
login_iscsistart
wait_for_disk
echo "WAITING-FOR-ATTENTION"
for n in $(seq 1 20); do
    dd if=/dev/sda of=/dev/null bs=4096 count=1 iflag=direct 2>/dev/null; echo "read $n rc=$?"
    sleep 1
done
finish
