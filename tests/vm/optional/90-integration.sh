#!/bin/sh
# Opt-in (VM_INTEGRATION=1 or a run.sh FILTER, see tests/vm/README.md): the integration runner,
# tests/integration/run.sh, on the board. Its cases call plain `tinyrun run/create` (pivot_root),
# which the initramfs root refuses, so the runner works in a chroot whose root is a bind of /
# (a mount with a parent, as after switch_root), in a mount namespace of its own. Cases that need
# jq or runc skip: the VM has only BusyBox.
. /tests/lib.sh

[ -f /tests/integration/run.sh ] || { vm_skip integration "tests/integration not in the initramfs"; exit 0; }
filter=$VM_INTEGRATION
[ "$filter" != 1 ] || filter=
t0=$(cut -d' ' -f1 /proc/uptime)
# shellcheck disable=SC2016 # $1 is the inner shell's
unshare -m sh -c '
	mount --make-rprivate / &&
	mkdir -p /tmp/vmint-root &&
	mount --rbind / /tmp/vmint-root &&
	exec chroot /tmp/vmint-root env TINYRUN=/usr/bin/tinyrun TR_TIMEOUT=60 \
		sh /tests/integration/run.sh "$1"' integration "$filter" >/tmp/vmint.out 2>&1
rc=$?
sed 's/^/integ: /' /tmp/vmint.out
last=$(tail -n 1 /tmp/vmint.out)
echo "90-integration: took $(awk -v t0="$t0" '{ printf "%.1f", $1 - t0 }' /proc/uptime) s"
if [ $rc -eq 0 ]; then vm_ok integration; else vm_fail integration "exit $rc: $last"; fi
exit 0
