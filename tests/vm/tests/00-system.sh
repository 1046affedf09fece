#!/bin/sh
# The VM itself: Debian kernel, cgroup2 with its controllers, namespace types.
. /tests/lib.sh

r=$(uname -r)
if [ "$r" = "$KERNEL_RELEASE" ]; then vm_ok kernel-debian; else vm_fail kernel-debian "uname -r is '$r', expected '$KERNEL_RELEASE'"; fi

fstype=$(awk '$2 == "/sys/fs/cgroup" { t = $3 } END { print t }' /proc/mounts)
if [ "$fstype" = cgroup2 ]; then vm_ok cgroup2-mounted; else vm_fail cgroup2-mounted "/sys/fs/cgroup is '${fstype:-not mounted}'"; fi

if grep -q ' cgroup ' /proc/mounts; then vm_fail cgroup-no-v1 "a cgroup v1 hierarchy is mounted"; else vm_ok cgroup-no-v1; fi

ctl=$(cat /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null)
missing=
for c in memory pids cpu; do
	case " $ctl " in *" $c "*) ;; *) missing="$missing $c" ;; esac
done
if [ -z "$missing" ]; then vm_ok cgroup2-controllers; else vm_fail cgroup2-controllers "not in subtree_control:$missing (have: $ctl)"; fi

missing=
for n in $VM_NAMESPACES; do
	[ -e "/proc/self/ns/$n" ] || missing="$missing $n"
done
if [ -z "$missing" ]; then vm_ok namespaces; else vm_fail namespaces "missing in /proc/self/ns:$missing"; fi
