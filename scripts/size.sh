#!/bin/sh
# `make size`: the stripped size of tinyrun for each board configuration, at
# the board's own architecture (qemu_*) or at every architecture (the others),
# so a change that adds code shows what it costs on each target.
set -u
cd "$(dirname "$0")/.." || exit 1
printf '%-14s %-8s %10s\n' board arch bytes
rc=0
for b in "$@"; do
	case $b in
	qemu_*) arches=${b#qemu_} ;;
	*) arches="x86_64 aarch64 armv7" ;;
	esac
	for a in $arches; do
		if make -s --no-print-directory BOARD="$b" ARCH="$a" >/dev/null 2>build/size.err; then
			printf '%-14s %-8s %10s\n' "$b" "$a" "$(wc -c < "build/$a/boards/$b/tinyrun")"
		else
			printf '%-14s %-8s %10s\n' "$b" "$a" "FAILED"; cat build/size.err >&2; rc=1
		fi
	done
done
rm -f build/size.err
exit $rc
