# shellcheck shell=sh
# Helpers for the in-VM test scripts (tests/vm/tests/*.sh source this file as /tests/lib.sh).
# Result lines, one per check, read by tests/vm/run.sh on the serial log:
#   VMTEST ok NAME
#   VMTEST FAIL NAME: REASON
#   VMTEST skip NAME: REASON
# /tests/vm.env (sourced here) sets BOARD, ARCH, KERNEL_RELEASE, VM_NAMESPACES, TINYRUN (path of
# the binary, on PATH as tinyrun), UNIT (path of the unit-test runner, empty when none) and MODULES
# (the .ko files copied in, insmod them with vm_insmod).
. /tests/vm.env

vm_ok() { echo "VMTEST ok $1"; }
vm_fail() { n=$1; shift; echo "VMTEST FAIL $n: $*"; }
vm_skip() { n=$1; shift; echo "VMTEST skip $n: $*"; }

# vm_check NAME COMMAND...: ok when COMMAND succeeds, else FAIL with its last output line.
vm_check() {
	n=$1; shift
	if o=$("$@" 2>&1); then
		vm_ok "$n"
	else
		vm_fail "$n" "'$*' failed: $(printf '%s\n' "$o" | tail -n 1)"
	fi
}

# vm_insmod NAME...: loads modules copied in through tests/vm/modules.list or VM_MODULES
# (dependencies first, from the deps file written by mkinitramfs.sh: there is no modules.dep).
vm_insmod() {
	# shellcheck disable=SC3043 # BusyBox ash has local; the recursion needs it
	local m f d
	for m in "$@"; do
		[ -d "/sys/module/$m" ] && continue	# loaded already, or built in
		f=/lib/modules/$KERNEL_RELEASE/$m.ko
		[ -e "$f" ] || { echo "vm_insmod: $m.ko not in the initramfs (add it to VM_MODULES)" >&2; return 1; }
		for d in $(sed -n "s/^$m: //p" "/lib/modules/$KERNEL_RELEASE/deps"); do
			vm_insmod "$d" || return 1
		done
		insmod "$f" || return 1
	done
}
