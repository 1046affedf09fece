#!/bin/sh
# Runs inside the VM: every /tests/tests/*.sh in name order. Each script prints result lines
# (see lib.sh); a script that exits non-zero without printing a FAIL line, or that prints no
# result at all, is reported as failed here. Ends with the line VMTEST-DONE.
PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH
. /tests/vm.env
cd /tests || exit 1
for t in /tests/tests/*.sh; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .sh)
	out=/tmp/vmtest-$name.out
	echo "VMTEST-BEGIN $name"
	/bin/sh "$t" > "$out" 2>&1
	rc=$?
	cat "$out"
	if ! grep -q '^VMTEST ' "$out"; then
		echo "VMTEST FAIL $name: printed no result (exit status $rc)"
	elif [ "$rc" -ne 0 ] && ! grep -q '^VMTEST FAIL ' "$out"; then
		echo "VMTEST FAIL $name: exit status $rc"
	fi
done
echo "VMTEST-DONE"
