#!/bin/sh
# The tinyrun binary answers on this board; the unit-test runner passes here when it was given.
. /tests/lib.sh

if out=$(tinyrun --version 2>&1) && printf '%s\n' "$out" | grep -q '[0-9][0-9]*\.[0-9]'; then
	vm_ok tinyrun-version
else
	vm_fail tinyrun-version "'tinyrun --version' printed '$(printf '%s' "$out" | head -n 1)'"
fi

if out=$(tinyrun features 2>&1) && printf '%s\n' "$out" | grep -q '"ociVersionMin"'; then
	vm_ok tinyrun-features
else
	vm_fail tinyrun-features "'tinyrun features' printed no \"ociVersionMin\": '$(printf '%s' "$out" | head -n 1)'"
fi

if [ -z "$UNIT" ]; then
	vm_skip unit "no UNIT runner given"
else
	log=/tmp/unit.log
	(cd /repo && "$UNIT") > "$log" 2>&1
	rc=$?
	sed 's/^/unit: /' "$log"
	last=$(tail -n 1 "$log")
	if [ "$rc" -eq 0 ] && printf '%s\n' "$last" | grep -q '^[0-9][0-9]* passed, 0 failed$'; then
		vm_ok unit
	else
		vm_fail unit "exit status $rc, last line '$last'"
	fi
fi
