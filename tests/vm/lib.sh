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

# expect NAME ACTUAL EXPECTED: ok when equal, else FAIL showing both on one line each
one_line() { printf '%s' "$1" | tr '\n' '|'; }
expect() {
	if [ "$2" = "$3" ]; then vm_ok "$1"; else vm_fail "$1" "expected '$(one_line "$3")', got '$(one_line "$2")'"; fi
}

# vm_min_bundle DIR ROOTFS READONLY HOSTNAME LINUX_FRAGMENT ARG...: a minimal busybox bundle for
# the cgroup tests (own pid, ipc, uts and mount namespaces; /proc and a /dev tmpfs); the fragment
# goes into "linux" (ends with ","); $MARK is put into the environment for the leak checks.
vm_min_bundle() {
	_d=$1 _r=$2 _ro=$3 _h=$4 _lx=$5
	shift 5
	_j= _s=
	for _a in "$@"; do _j="$_j$_s\"$_a\""; _s=', '; done
	mkdir -p "$_d"
	cat >"$_d/config.json" <<EOF
{
	"ociVersion": "1.0.2",
	"process": { "user": { "uid": 0, "gid": 0 }, "args": [ $_j ],
		"env": [ "PATH=/bin", "$MARK" ], "cwd": "/" },
	"root": { "path": "$_r", "readonly": $_ro },
	"hostname": "$_h",
	"mounts": [
		{ "destination": "/proc", "type": "proc", "source": "proc" },
		{ "destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": [ "nosuid", "mode=755" ] }
	],
	"linux": {$_lx
		"namespaces": [ { "type": "pid" }, { "type": "ipc" }, { "type": "uts" }, { "type": "mount" } ]
	}
}
EOF
}

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
