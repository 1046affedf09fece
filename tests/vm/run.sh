#!/bin/bash
# tests/vm/run.sh BOARD - boot a qemu board (TCG) on a Debian kernel with a BusyBox initramfs,
# run every tests/vm/tests/*.sh inside it, and report.
#
#   BOARD        qemu_x86_64 | qemu_aarch64 | qemu_armv7 (facts in board-configs/BOARD/vm.sh)
# Environment:
#   TINYRUN      tinyrun binary built for the board's architecture (required)
#   UNIT         unit-test runner built for that architecture (optional; run inside the VM too)
#   VM_TIMEOUT   seconds before qemu is killed and the run fails (default per board)
#   VM_MODULES   extra kernel modules to put in the initramfs (see mkinitramfs.sh)
#   VM_SMP       virtual CPUs (default 1)
#   VM_APPEND    extra kernel command line
#   VM_VERBOSE=1 kernel messages on the console (no "quiet"), and the whole log printed at the end
#   VM_REFRESH=1 re-resolve and re-fetch the kernel and busybox (otherwise the cache is used)
#   VM_INTEGRATION=1|FILTER also run tests/integration/run.sh [FILTER] in the VM (slow under TCG:
#                minutes; the default timeout becomes 1800 s)
# Output: the VMTEST result lines, a timing line with the count of skips, then "N passed, N failed". A run
# that does not reach VMTEST-DONE counts one more failure. Exit status 1 on any failure.
# Serial log: build/cache/vm/BOARD.log.
set -eu

die() { echo "vm-run: error: $*" >&2; exit 2; }

[ $# -eq 1 ] || die "usage: $0 BOARD (qemu_x86_64 | qemu_aarch64 | qemu_armv7)"
BOARD=$1
TOP=$(cd "$(dirname "$0")/../.." && pwd -P)
VM=$TOP/tests/vm
VMSH=$TOP/board-configs/$BOARD/vm.sh
[ -f "$VMSH" ] || die "unknown board '$BOARD': no $VMSH"
# shellcheck source=/dev/null
. "$VMSH"

[ -n "${TINYRUN:-}" ] || die "TINYRUN is not set: give the path of the tinyrun binary built for $ARCH"
[ -f "$TINYRUN" ] || die "TINYRUN=$TINYRUN: no such file"
TINYRUN=$(cd "$(dirname "$TINYRUN")" && pwd -P)/$(basename "$TINYRUN")
if [ -n "${UNIT:-}" ]; then
	[ -f "$UNIT" ] || die "UNIT=$UNIT: no such file"
	UNIT=$(cd "$(dirname "$UNIT")" && pwd -P)/$(basename "$UNIT")
fi
# A binary of another architecture would fail only inside the VM: check the ELF header here.
check_elf() { # VAR FILE
	local magic machine
	magic=$(od -An -c -N4 "$2" | tr -d ' ')
	machine=$(od -An -tu2 -j18 -N2 "$2" | tr -d ' ')
	[ "$magic" = '177ELF' ] || die "$1=$2 is not an ELF binary"
	[ "$machine" = "$ELF_MACHINE" ] ||
		die "$1=$2 is built for ELF machine $machine, $BOARD needs $ELF_MACHINE ($ARCH)"
}
check_elf TINYRUN "$TINYRUN"
[ -z "${UNIT:-}" ] || check_elf UNIT "$UNIT"
export TINYRUN UNIT="${UNIT:-}"
[ -z "${VM_INTEGRATION:-}" ] || VM_TIMEOUT_DEFAULT=1800
timeout=${VM_TIMEOUT:-$VM_TIMEOUT_DEFAULT}
case $timeout in '' | *[!0-9]*) die "VM_TIMEOUT=$timeout is not a number of seconds" ;; esac
command -v "$QEMU" >/dev/null 2>&1 ||
	die "$QEMU not found (apt-get install qemu-system-x86 / qemu-system-arm)"

CACHE=$TOP/build/cache/vm
mkdir -p "$CACHE"
# One run per board at a time: they share the board's cache and log.
exec 9>"$CACHE/$BOARD.lock"
flock 9

"$VM/fetch.sh" "$BOARD" || die "fetching the kernel and busybox for $BOARD failed"
kernel=$CACHE/$BOARD/kernel
release=$(cat "$CACHE/$BOARD/release")
initrd=$CACHE/$BOARD.cpio
"$VM/mkinitramfs.sh" "$BOARD" "$initrd" || die "building the initramfs for $BOARD failed"

log=$CACHE/$BOARD.log
: >"$log"
quiet="quiet loglevel=3"
[ -z "${VM_VERBOSE:-}" ] || quiet=
append="console=$CONSOLE cgroup_no_v1=all panic=-1 rdinit=/init $quiet ${VM_APPEND:-}"

qpid=
cleanup() {
	if [ -n "$qpid" ] && kill -0 "$qpid" 2>/dev/null; then
		kill "$qpid" 2>/dev/null || true
		sleep 0.5
		kill -9 "$qpid" 2>/dev/null || true
		wait "$qpid" 2>/dev/null || true
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

echo "vm-run: $BOARD: booting $release under TCG (timeout ${timeout}s, log $log)"
start=$(date +%s.%N)
# shellcheck disable=SC2086
"$QEMU" $QEMU_MACHINE_ARGS -accel tcg -smp "${VM_SMP:-1}" -m "$MEM" \
	-nodefaults -no-reboot -display none -monitor none -serial "file:$log" \
	-kernel "$kernel" -initrd "$initrd" -append "$append" \
	</dev/null >"$CACHE/$BOARD.qemu.out" 2>&1 &
qpid=$!

elapsed() { echo "$(date +%s.%N) $start" | awk '{ printf "%.1f", $1 - $2 }'; }
done_seen=
booted=
status=
while :; do
	if [ -z "$booted" ] && grep -q '^VMBOOT' "$log"; then
		booted=$(elapsed)
	fi
	if grep -q '^VMTEST-DONE' "$log"; then
		done_seen=1
		break
	fi
	if ! kill -0 "$qpid" 2>/dev/null; then
		status="qemu exited before VMTEST-DONE"
		break
	fi
	if [ "$(elapsed | cut -d. -f1)" -ge "$timeout" ]; then
		status="no VMTEST-DONE within ${timeout}s: qemu killed"
		break
	fi
	sleep 0.2
done
# After VMTEST-DONE the VM powers itself off; give it a few seconds.
if [ -n "$done_seen" ]; then
	for _ in $(seq 50); do
		kill -0 "$qpid" 2>/dev/null || break
		sleep 0.1
	done
fi
cleanup
qpid=
total=$(elapsed)

if [ -n "${VM_VERBOSE:-}" ] || [ -z "$done_seen" ]; then
	echo "---- serial log ($log)$([ -n "$done_seen" ] || echo ', last 40 lines') ----"
	if [ -n "$done_seen" ]; then tr -d '\r' <"$log"; else tr -d '\r' <"$log" | tail -n 40; fi
	[ ! -s "$CACHE/$BOARD.qemu.out" ] || { echo "---- qemu ----"; cat "$CACHE/$BOARD.qemu.out"; }
	echo "----"
fi

results=$(tr -d '\r' <"$log" | grep -E '^VMTEST (ok|FAIL|skip) ' || true)
[ -z "$results" ] || printf '%s\n' "$results"
passed=$(printf '%s\n' "$results" | grep -c '^VMTEST ok ' || true)
failed=$(printf '%s\n' "$results" | grep -c '^VMTEST FAIL ' || true)
skipped=$(printf '%s\n' "$results" | grep -c '^VMTEST skip ' || true)
if [ -z "$done_seen" ]; then
	echo "VMTEST FAIL vm-done: $status"
	failed=$((failed + 1))
fi
uptime=$(tr -d '\r' <"$log" | sed -n 's/^VMBOOT uptime \([0-9.]*\) s$/\1/p' | head -n 1)
echo "vm-run: $BOARD: tests started at guest uptime ${uptime:-?}s (wall ${booted:-?}s), run took ${total}s, $skipped skipped"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
