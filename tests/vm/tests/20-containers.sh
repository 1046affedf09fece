#!/bin/sh
# Containers on the board: busybox bundles made from the VM's own /bin/busybox, run by tinyrun
# (run, create/state/start/delete, kill, delete --force, user and time namespaces, --no-pivot),
# then a check that nothing is left behind.
#
# The VM's root is the initramfs (rootfs), which pivot_root refuses to move (EINVAL: it has no
# parent mount), wherever the bundle lives. So every container here runs with --no-pivot, one
# check shows that plain pivot_root fails with a clear error, and one runs plain pivot_root in a
# chroot whose root is a bind mount (a mount with a parent), as after switch_root.
. /tests/lib.sh
. /tests/oci-spec.sh

W=/tmp/vmctr			# bundles on the /tmp tmpfs
IRD=/vmctr-initramfs		# a bundle on the initramfs root itself
MARK=VMCTR=20-containers	# in every container's environment, for the leak check
ROOT=/run/tinyrun		# tinyrun's default state root
NP=--no-pivot

# ---------------------------------------------------------------- helpers (expect: lib.sh)

# status_of ID: the status field of `tinyrun state ID` (empty when state fails)
status_of() {
	tinyrun state "$1" 2>/dev/null | sed -n 's/.*"status": *"\([a-z]*\)".*/\1/p'
}

# wait_status ID STATUS: poll the state for up to 10 s
wait_status() {
	i=0
	while [ $i -lt 100 ]; do
		[ "$(status_of "$1")" = "$2" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# make_rootfs DIR: busybox and its applet links
make_rootfs() {
	mkdir -p "$1/bin" "$1/proc" "$1/sys" "$1/dev" "$1/tmp" "$1/etc" "$1/root"
	cp /bin/busybox "$1/bin/busybox"
	for a in $(/bin/busybox --list); do
		[ "$a" = busybox ] || ln -s busybox "$1/bin/$a"
	done
}

# json_args ARG...: a JSON array of the arguments (no quotes or backslashes in them)
json_args() {
	j='' s=''
	for a in "$@"; do j="$j$s\"$a\""; s=', '; done
	printf '[%s]' "$j"
}

# bundle DIR ROOTFS EXTRA_NAMESPACES EXTRA_LINUX ARG...: DIR/config.json, runc-like defaults
bundle() {
	d=$1 r=$2 ns=$3 lx=$4
	shift 4
	mkdir -p "$d"
	oci_spec_default "$(json_args "$@")" "[ \"PATH=/bin\", \"TERM=xterm\", \"$MARK\" ]" \
		"$r" tinyrun-vm "" "$ns" "$lx" >"$d/config.json"
}

# ---------------------------------------------------------------- setup
t0=$(cut -d' ' -f1 /proc/uptime)
cat /proc/self/mountinfo >/tmp/vmctr-mountinfo.before
rm -rf "$W" "$IRD"
mkdir -p "$W"
make_rootfs "$W/rootfs"
RF=$W/rootfs

# ---------------------------------------------------------------- run
bundle "$W/hello" "$RF" "" "" sh -c 'hostname; id -u'
out=$(tinyrun run $NP -b "$W/hello" vm-hello 2>&1)
rc=$?
expect run-output "$rc:$out" "0:tinyrun-vm
0"

bundle "$W/exit3" "$RF" "" "" sh -c 'exit 3'
tinyrun run $NP -b "$W/exit3" vm-exit3 >/tmp/vmctr-exit3.out 2>&1
expect run-exit-status "$?" 3

# ---------------------------------------------------------------- create, state, start, delete
# shellcheck disable=SC2016 # expanded in the container
bundle "$W/life" "$RF" "" "" sh -c 'echo started in $(hostname) as pid $$'
tinyrun create $NP -b "$W/life" vm-life >/tmp/vmctr-life.out 2>&1
rc=$?
st=$(status_of vm-life)
expect create-state-created "$rc:$st" "0:created"
if tinyrun list 2>&1 | grep -q '^vm-life '; then vm_ok list; else vm_fail list "vm-life not listed: $(one_line "$(tinyrun list 2>&1)")"; fi
tinyrun start vm-life >/tmp/vmctr-start.out 2>&1
rc=$?
wait_status vm-life stopped
st=$(status_of vm-life)
expect start-state-stopped "$rc:$st" "0:stopped"
expect start-output "$(cat /tmp/vmctr-life.out)" "started in tinyrun-vm as pid 1"
tinyrun delete vm-life >/tmp/vmctr-delete.out 2>&1
rc=$?
if [ $rc -eq 0 ] && [ ! -e "$ROOT/vm-life" ] && ! tinyrun state vm-life >/dev/null 2>&1; then
	vm_ok delete
else
	vm_fail delete "exit $rc, $ROOT/vm-life $([ -e "$ROOT/vm-life" ] && echo exists || echo gone): $(one_line "$(cat /tmp/vmctr-delete.out)")"
fi

# ---------------------------------------------------------------- kill, delete --force
bundle "$W/sleep" "$RF" "" "" sleep 1000
tinyrun create $NP -b "$W/sleep" vm-kill >/dev/null 2>&1 && tinyrun start vm-kill >/dev/null 2>&1
st=$(status_of vm-kill)
if [ "$st" = running ]; then
	tinyrun kill vm-kill KILL >/tmp/vmctr-kill.out 2>&1
	rc=$?
	if [ $rc -eq 0 ] && wait_status vm-kill stopped; then vm_ok kill; else vm_fail kill "exit $rc, status $(status_of vm-kill): $(one_line "$(cat /tmp/vmctr-kill.out)")"; fi
else
	vm_fail kill "the sleep container is '$st', not running"
fi
tinyrun delete vm-kill >/dev/null 2>&1
if [ -e "$ROOT/vm-kill" ]; then vm_fail kill-delete "$ROOT/vm-kill is left"; else vm_ok kill-delete; fi

tinyrun create $NP -b "$W/sleep" vm-force >/dev/null 2>&1 && tinyrun start vm-force >/dev/null 2>&1
st=$(status_of vm-force)
pid=$(tinyrun state vm-force 2>/dev/null | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p')
o=$(tinyrun delete vm-force 2>&1)
plain=$?
o=$(tinyrun delete --force vm-force 2>&1)
rc=$?
sleep 0.1
if [ "$st" = running ] && [ $plain -ne 0 ] && [ $rc -eq 0 ] && [ ! -e "$ROOT/vm-force" ] &&
	{ [ -z "$pid" ] || [ ! -e "/proc/$pid" ] || grep -q '^State:.*Z' "/proc/$pid/status"; }; then
	vm_ok delete-force
else
	vm_fail delete-force "status was '$st', plain delete exit $plain, --force exit $rc, pid ${pid:-?}: $(one_line "$o")"
fi

# ---------------------------------------------------------------- user namespace
bundle "$W/userns" "$RF" ', { "type": "user" }' '
		"uidMappings": [ { "containerID": 0, "hostID": 100000, "size": 65536 } ],
		"gidMappings": [ { "containerID": 0, "hostID": 100000, "size": 65536 } ],' \
	sh -c 'cat /proc/self/uid_map; id -u'
out=$(tinyrun run $NP -b "$W/userns" vm-userns 2>&1)
rc=$?
expect userns-uid-map "$rc:$(printf '%s\n' "$out" | awk '{ $1 = $1; print }')" "0:0 100000 65536
0"

# ---------------------------------------------------------------- time namespace
if [ ! -e /proc/self/ns/time ]; then
	vm_skip timens "no time namespace in $KERNEL_RELEASE"
else
	bundle "$W/timens" "$RF" ', { "type": "time" }' '
		"timeOffsets": { "boottime": { "secs": 864000, "nanosecs": 0 } },' \
		cat /proc/uptime
	out=$(tinyrun run $NP -b "$W/timens" vm-timens 2>&1)
	rc=$?
	up=$(printf '%s\n' "$out" | cut -d. -f1)
	host=$(cut -d. -f1 /proc/uptime)
	case $up in
	'' | *[!0-9]*) vm_fail timens "exit $rc: $(one_line "$out")" ;;
	*) if [ $rc -eq 0 ] && [ "$up" -ge 864000 ] && [ "$up" -lt $((864000 + host + 60)) ]; then
		vm_ok timens
	else
		vm_fail timens "exit $rc, uptime in the container $up s, on the host $host s"
	fi ;;
	esac
fi

# ---------------------------------------------------------------- --no-pivot on the initramfs
# A bundle on the initramfs root (fs type rootfs) itself.
make_rootfs "$IRD/rootfs"
bundle "$IRD" "rootfs" "" "" sh -c 'hostname; echo $$'
fst=$(awk '$2 == "/" { t = $3 } END { print t }' /proc/self/mounts)	# rootfs (tmpfs-backed)
out=$(tinyrun run -b "$IRD" vm-pivot 2>&1)
rc=$?
echo "plain run of a bundle on $fst: exit $rc: $out"
if [ $rc -ne 0 ] && printf '%s\n' "$out" | grep -q 'pivot_root.*--no-pivot'; then
	vm_ok pivot-initramfs-fails
else
	vm_fail pivot-initramfs-fails "plain run on $fst exited $rc: $(one_line "$out")"
fi
tinyrun delete --force vm-pivot >/dev/null 2>&1
out=$(tinyrun run --no-pivot -b "$IRD" vm-nopivot 2>&1)
rc=$?
expect no-pivot-initramfs "$rc:$out" "0:tinyrun-vm
1"

# pivot_root works once the root is a mount with a parent: a bind of / entered with chroot
# (what switch_root gives a real system), in a mount namespace of its own.
out=$(unshare -m sh -c '
	mount --make-rprivate / &&
	mkdir -p /tmp/vmctr-newroot &&
	mount --rbind / /tmp/vmctr-newroot &&
	exec chroot /tmp/vmctr-newroot tinyrun --root /run/tinyrun run -b /tmp/vmctr/hello vm-pivot-chroot' 2>&1)
rc=$?
expect pivot-in-chroot "$rc:$out" "0:tinyrun-vm
0"
rmdir /tmp/vmctr-newroot 2>/dev/null

# ---------------------------------------------------------------- nothing left behind
sleep 0.2
left=$(ls -A "$ROOT" 2>/dev/null)
if [ -z "$left" ]; then vm_ok no-state-left; else vm_fail no-state-left "in $ROOT: $(one_line "$left")"; fi

cat /proc/self/mountinfo >/tmp/vmctr-mountinfo.after
if cmp -s /tmp/vmctr-mountinfo.before /tmp/vmctr-mountinfo.after; then
	vm_ok no-mounts-left
else
	vm_fail no-mounts-left "$(one_line "$(diff /tmp/vmctr-mountinfo.before /tmp/vmctr-mountinfo.after | grep '^[-+][^-+]')")"
fi

# Container processes: another pid or mount namespace than init's, our marker in the
# environment, or tinyrun itself (kernel threads aside).
pidns=$(readlink /proc/1/ns/pid) mntns=$(readlink /proc/1/ns/mnt)
procs=
for p in /proc/[0-9]*; do
	n=${p#/proc/}
	[ "$n" = $$ ] && continue
	# kernel threads (kthreadd and its children; kdevtmpfs has a mount namespace of its own)
	case $(sed -n 's/^PPid:[[:space:]]*//p' "$p/status" 2>/dev/null) in 0 | 2) [ "$n" = 1 ] || continue ;; esac
	exe=$(readlink "$p/exe" 2>/dev/null)
	why=
	[ "$(readlink "$p/ns/pid" 2>/dev/null || echo "$pidns")" = "$pidns" ] || why="$why pidns"
	[ "$(readlink "$p/ns/mnt" 2>/dev/null || echo "$mntns")" = "$mntns" ] || why="$why mntns"
	! tr '\0' '\n' <"$p/environ" 2>/dev/null | grep -qx "$MARK" || why="$why marker"
	[ "$exe" != /usr/bin/tinyrun ] || why="$why tinyrun"
	if [ -n "$why" ] && [ -e "$p" ]; then
		procs="$procs [$n $(cat "$p/comm" 2>/dev/null) '$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)'$why]"
	fi
done
if [ -z "$procs" ]; then vm_ok no-processes-left; else vm_fail no-processes-left "$procs"; fi

rm -rf "$W" "$IRD" /tmp/vmctr-*
echo "20-containers: took $(awk -v t0="$t0" '{ printf "%.1f", $1 - t0 }' /proc/uptime) s"
exit 0
