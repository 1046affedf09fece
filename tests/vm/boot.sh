#!/bin/sh
# Started once by BusyBox init after sysinit: runs the tests, then powers the VM off.
PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH
echo "VMBOOT uptime $(cut -d' ' -f1 /proc/uptime) s"
/bin/sh /tests/run-all.sh
echo "VMBOOT uptime $(cut -d' ' -f1 /proc/uptime) s"
sync
poweroff -f
