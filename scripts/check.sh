#!/bin/sh
# `make check`: every suite, in order of cost. Each suite ends with its own
# "N passed, N failed" line; this script adds them up, prints the total as the
# last line, and exits non-zero if any suite failed or did not report.
set -u
cd "$(dirname "$0")/.." || exit 1
log=build/check/logs
mkdir -p "$log"
total_p=0 total_f=0 total_s=0 bad=""

suite() {
	name=$1; shift
	echo "===== $name: $*"
	"$@" 2>&1 | tee "$log/$name.log"
	rc=$(cat "$log/.rc" 2>/dev/null || echo 0)
	line=$(grep -E '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed' "$log/$name.log" | tail -n 1)
	if [ -z "$line" ]; then
		echo "===== $name: no result line (exit $rc): counted as 1 failure"
		total_f=$((total_f + 1)); bad="$bad $name"; return
	fi
	p=$(echo "$line" | sed -E 's/^([A-Za-z-]+: )?([0-9]+) passed.*/\2/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	s=$(echo "$line" | sed -nE 's/.* ([0-9]+) skipped.*/\1/p')
	total_p=$((total_p + p)); total_f=$((total_f + f)); total_s=$((total_s + ${s:-0}))
	[ "$f" -eq 0 ] && [ "$rc" -eq 0 ] || bad="$bad $name"
}

# "$@" | tee loses the command's status: record it in a file
run() { "$@"; echo $? > "$log/.rc"; }

sh scripts/host-packages.sh || { echo "host packages missing"; echo "0 passed, 1 failed"; exit 1; }
make --no-print-directory deps >"$log/deps.log" 2>&1 ||
	{ cat "$log/deps.log"; echo "deps failed"; echo "0 passed, 1 failed"; exit 1; }
suite kconfig run make --no-print-directory check-kconfig
suite unit-host run make --no-print-directory check-unit
for a in aarch64 armv7; do
	[ "$a" = "$(uname -m)" ] && continue
	suite "unit-$a" run make --no-print-directory unit ARCH=$a BOARD=full
done
suite configs run sh scripts/check-configs.sh
suite integration run make --no-print-directory check-integration BOARD=full
for b in qemu_x86_64 qemu_aarch64 qemu_armv7; do
	suite "vm-$b" run make --no-print-directory check-vm BOARD=$b
done
rm -f "$log/.rc"

echo "===== failed suites:${bad:- none}"
echo "check: $total_p passed, $total_f failed, $total_s skipped"
[ -z "$bad" ]
