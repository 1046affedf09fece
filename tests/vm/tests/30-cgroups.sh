#!/bin/sh
# cgroup v2 on the board (cgroup_no_v1=all, cgroup2 on /sys/fs/cgroup, every controller enabled):
# every linux.resources value written and read back, with the v1-style values converted (shares to
# cpu.weight, blkio weight to io.weight, memory+swap to memory.swap.max, quota/period to cpu.max);
# clone3(CLONE_INTO_CGROUP) attach; limits enforced (OOM kill exits 137, pids refuses forks, the BPF
# device filter); cgroup namespaces; delete killing everything (cgroup.kill) and removing the cgroups;
# errors that name the field and leave nothing.
. /tests/lib.sh

W=/tmp/vmcg
CG=/sys/fs/cgroup
MARK=VMCG=30-cgroups
NP=--no-pivot

init_pid() { tinyrun state "$1" 2>/dev/null | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p'; }

# bundle DIR LINUX_JSON_FRAGMENT ARG...: see vm_min_bundle in lib.sh
bundle() {
	_bd=$1 _blx=$2
	shift 2
	vm_min_bundle "$_bd" "$W/rootfs" true vmcg "$_blx" "$@"
}

[ -e $CG/cgroup.controllers ] || { vm_skip cgroups "$CG is not cgroup2"; exit 0; }
rm -rf "$W"
mkdir -p "$W/rootfs/bin" "$W/rootfs/proc" "$W/rootfs/dev" "$W/rootfs/sys" "$W/rootfs/tmp"
cp /bin/busybox "$W/rootfs/bin/busybox"
for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -s busybox "$W/rootfs/bin/$a"; done
ls $CG >/tmp/vmcg.before

# ---------------------------------------------------------------- values written, converted
hp=
[ -e $CG/cgroup.controllers ] && grep -qw hugetlb $CG/cgroup.controllers &&
	[ -e /sys/kernel/mm/hugepages/hugepages-2048kB ] && hp='"hugepageLimits": [ { "pageSize": "2MB", "limit": 4194304 } ],'
bundle "$W/all" '
		"cgroupsPath": "/vmcg-all",
		"resources": {
			"memory": { "limit": 33554432, "reservation": 16777216 },
			"cpu": { "shares": 1024, "quota": 20000, "period": 50000, "burst": 1000, "cpus": "0", "mems": "0" },
			"pids": { "limit": 42 }, '"$hp"'
			"unified": { "memory.high": "30000000" }
		},' sleep 100
tinyrun create $NP -b "$W/all" vm-cg-all >/tmp/vmcg.out 2>&1; rc=$?; out=$(cat /tmp/vmcg.out)
d=$CG/vmcg-all
expect cg-create "$rc:$out" "0:"
expect cg-memory-max "$(cat $d/memory.max 2>&1)" 33554432
expect cg-memory-low "$(cat $d/memory.low 2>&1)" 16777216
expect cg-memory-high-unified "$(cat $d/memory.high 2>&1)" 29999104
expect cg-cpu-weight-from-shares "$(cat $d/cpu.weight 2>&1)" 39
expect cg-cpu-max "$(cat $d/cpu.max 2>&1)" "20000 50000"
expect cg-cpu-max-burst "$(cat $d/cpu.max.burst 2>&1)" 1000
expect cg-cpuset "$(cat $d/cpuset.cpus $d/cpuset.mems 2>&1)" "0
0"
expect cg-pids-max "$(cat $d/pids.max 2>&1)" 42
if [ -n "$hp" ]; then expect cg-hugetlb "$(cat $d/hugetlb.2MB.max 2>&1)" 4194304; else vm_skip cg-hugetlb "no hugetlb controller or 2MB pages"; fi
pid=$(init_pid vm-cg-all)
# clone3(CLONE_INTO_CGROUP): the init starts in its cgroup
expect cg-init-attached "$(cat /proc/${pid:-0}/cgroup 2>&1)" "0::/vmcg-all"
tinyrun delete vm-cg-all >/dev/null 2>&1
if [ -e $d ]; then vm_fail cg-delete-removes "$d is left"; else vm_ok cg-delete-removes; fi

# memory + swap (v1 style) -> memory.swap.max = swap - limit
if [ -e $CG/init.scope/memory.swap.max ] || grep -q . /proc/swaps 2>/dev/null || [ -n "$(ls $CG/*/memory.swap.max 2>/dev/null)" ]; then
	bundle "$W/swap" '"cgroupsPath": "/vmcg-swap", "resources": { "memory": { "limit": 33554432, "swap": 50331648 } },' sleep 100
	tinyrun create $NP -b "$W/swap" vm-cg-swap >/tmp/vmcg.out 2>&1; rc=$?; out=$(cat /tmp/vmcg.out)
	expect cg-swap-converted "$(cat $CG/vmcg-swap/memory.swap.max 2>&1)" 16777216
	tinyrun delete vm-cg-swap >/dev/null 2>&1
else
	vm_skip cg-swap-converted "no memory.swap.max in this kernel"
fi

# blkio weight -> io.weight (1 + (500 - 10) * 9999 / 990 = 4950), or io.bfq.weight as is, or named
bundle "$W/io" '"cgroupsPath": "/vmcg-io", "resources": { "blockIO": { "weight": 500 } },' sleep 100
tinyrun create $NP -b "$W/io" vm-cg-io >/tmp/vmcg.out 2>&1; rc=$?; out=$(cat /tmp/vmcg.out)
if [ $rc -eq 0 ] && [ -e $CG/vmcg-io/io.weight ]; then
	expect cg-io-weight-converted "$(head -n 1 $CG/vmcg-io/io.weight)" "default 4950"
elif [ $rc -eq 0 ]; then
	expect cg-io-weight-bfq "$(head -n 1 $CG/vmcg-io/io.bfq.weight)" "default 500"
else
	case $out in *linux.resources.blockIO.weight*) vm_ok cg-io-weight-named ;; *) vm_fail cg-io-weight-named "$(one_line "$out")" ;; esac
fi
tinyrun delete --force vm-cg-io >/dev/null 2>&1

# ---------------------------------------------------------------- limits enforced
bundle "$W/oom" '"cgroupsPath": "/vmcg-oom", "resources": { "memory": { "limit": 16777216, "swap": 16777216 } },' \
	sh -c 'a=$(head -c 64000000 /dev/zero | tr -c x x); echo survived'
out=$(tinyrun run $NP -b "$W/oom" vm-cg-oom 2>&1)
expect cg-oom-137 "$?" 137

bundle "$W/pids" '"cgroupsPath": "/vmcg-pids", "resources": { "pids": { "limit": 4 } },' \
	sh -c 'for i in 1 2 3 4 5 6 7 8; do sleep 1 & done; wait; echo done'
out=$(tinyrun run $NP -b "$W/pids" vm-cg-pids 2>&1)
case $out in *"can't fork"*) vm_ok cg-pids-refuses-fork ;; *) vm_fail cg-pids-refuses-fork "$(one_line "$out")" ;; esac

bundle "$W/dev" '"cgroupsPath": "/vmcg-dev",
		"devices": [ { "path": "/dev/mem", "type": "c", "major": 1, "minor": 1 } ],
		"resources": { "devices": [ { "allow": false, "access": "rwm" },
			{ "allow": false, "type": "c", "major": 1, "minor": 1, "access": "rw" } ] },' \
	sh -c 'echo x >/dev/null && echo null-ok; head -c 1 /dev/mem >/dev/null && echo mem-opened; exit 0'
out=$(tinyrun run $NP -b "$W/dev" vm-cg-dev 2>&1)
case $out in
*"BPF device filter"*) vm_skip cg-bpf-devices "this build has no BPF device filter: $(one_line "$out")" ;;
*null-ok*mem-opened*) vm_fail cg-bpf-devices "/dev/mem could be opened: $(one_line "$out")" ;;
*null-ok*) vm_ok cg-bpf-devices ;;
*) vm_fail cg-bpf-devices "$(one_line "$out")" ;;
esac

# ---------------------------------------------------------------- namespaces and attach
bundle "$W/ns" '"cgroupsPath": "/vmcg-ns", "resources": { "pids": { "limit": 33 } },' \
	sh -c 'cat /proc/self/cgroup; cat /sys/pids.max'
sed -i -e 's/{ "type": "pid" }/{ "type": "pid" }, { "type": "cgroup" }/' \
	-e 's|"mounts": \[|"mounts": [ { "destination": "/sys", "type": "cgroup", "source": "cgroup" },|' "$W/ns/config.json"
out=$(tinyrun run $NP -b "$W/ns" vm-cg-ns 2>&1)
expect cg-namespace-root "$?:$out" "0:0::/
33"

bundle "$W/user" '"cgroupsPath": "/vmcg-user", "resources": { "pids": { "limit": 20 } },
		"uidMappings": [ { "containerID": 0, "hostID": 100000, "size": 65536 } ],
		"gidMappings": [ { "containerID": 0, "hostID": 100000, "size": 65536 } ],' sleep 100
sed -i 's/{ "type": "pid" }/{ "type": "pid" }, { "type": "user" }/' "$W/user/config.json"
tinyrun create $NP -b "$W/user" vm-cg-user >/tmp/vmcg.out 2>&1; rc=$?; out=$(cat /tmp/vmcg.out)
pid=$(init_pid vm-cg-user)
expect cg-userns-attached "$(cat /proc/${pid:-0}/cgroup 2>&1)" "0::/vmcg-user"
tinyrun delete vm-cg-user >/dev/null 2>&1

# relative path: beside our own leaf (we are at the root here: directly below it)
bundle "$W/rel" '"cgroupsPath": "vmcg-rel/ctr",' sleep 100
tinyrun create $NP -b "$W/rel" vm-cg-rel >/tmp/vmcg.out 2>&1; rc=$?; out=$(cat /tmp/vmcg.out)
pid=$(init_pid vm-cg-rel)
own=$(sed -n 's/^0:://p' /proc/self/cgroup)
par=${own%/*}
expect cg-relative-sibling "$(cat /proc/${pid:-0}/cgroup 2>&1)" "0::$par/vmcg-rel/ctr"
tinyrun delete vm-cg-rel >/dev/null 2>&1
if [ -e "$CG$par/vmcg-rel" ]; then vm_fail cg-relative-parents-removed "$CG$par/vmcg-rel is left"; else vm_ok cg-relative-parents-removed; fi

# ---------------------------------------------------------------- delete kills everything
bundle "$W/kill" '"cgroupsPath": "/vmcg-kill",' sh -c 'sleep 300 & sleep 300 & exec sleep 300'
sed -i 's/{ "type": "pid" }, //' "$W/kill/config.json"
tinyrun create $NP -b "$W/kill" vm-cg-kill >/dev/null 2>&1 && tinyrun start vm-cg-kill >/dev/null 2>&1
i=0
while [ "$(wc -l <$CG/vmcg-kill/cgroup.procs 2>/dev/null || echo 0)" -lt 3 ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
pids=$(cat $CG/vmcg-kill/cgroup.procs 2>/dev/null)
out=$(tinyrun delete --force vm-cg-kill 2>&1)
rc=$?
left=
for p in $pids; do [ -d /proc/$p ] && ! grep -q '^State:.*Z' /proc/$p/status && left="$left $p"; done
if [ $rc -eq 0 ] && [ -n "$pids" ] && [ -z "$left" ] && [ ! -e $CG/vmcg-kill ]; then
	vm_ok cg-delete-kills-all"$([ -e $CG/cgroup.kill ] || [ -e $CG/init.scope/cgroup.kill ] && echo -cgroup.kill)"
else
	vm_fail cg-delete-kills-all "exit $rc, pids '$pids', left '$left': $(one_line "$out")"
fi

# ---------------------------------------------------------------- errors name the field
bundle "$W/bad" '"cgroupsPath": "/vmcg-bad", "resources": { "network": { "classID": 5 } },' true
tinyrun create $NP -b "$W/bad" vm-cg-bad >/tmp/vmcg.out 2>&1; rc=$?; out=$(cat /tmp/vmcg.out)
case "$rc:$out" in 0:*) vm_fail cg-net-cls-refused "created" ;; *linux.resources.network.classID*) vm_ok cg-net-cls-refused ;; *) vm_fail cg-net-cls-refused "$(one_line "$out")" ;; esac
bundle "$W/bad" '"cgroupsPath": "/vmcg-bad", "resources": { "memory": { "swappiness": 10 } },' true
tinyrun create $NP -b "$W/bad" vm-cg-bad >/tmp/vmcg.out 2>&1; rc=$?; out=$(cat /tmp/vmcg.out)
case $out in *linux.resources.memory.swappiness*) vm_ok cg-v1-only-field-refused ;; *) vm_fail cg-v1-only-field-refused "$(one_line "$out")" ;; esac
bundle "$W/bad" '"cgroupsPath": "/vmcg-bad", "resources": { "unified": { "nosuch.file": "1" } },' true
tinyrun create $NP -b "$W/bad" vm-cg-bad >/tmp/vmcg.out 2>&1; rc=$?; out=$(cat /tmp/vmcg.out)
case $out in *linux.resources.unified.nosuch.file*) vm_ok cg-unified-validated ;; *) vm_fail cg-unified-validated "$(one_line "$out")" ;; esac
if [ -e $CG/vmcg-bad ] || [ -e /run/tinyrun/vm-cg-bad ]; then vm_fail cg-refused-leaves-nothing "left: $(ls -d $CG/vmcg-bad /run/tinyrun/vm-cg-bad 2>/dev/null)"; else vm_ok cg-refused-leaves-nothing; fi

# ---------------------------------------------------------------- nothing left behind
sleep 0.2
ls $CG >/tmp/vmcg.after
if cmp -s /tmp/vmcg.before /tmp/vmcg.after; then vm_ok cg-no-cgroups-left; else vm_fail cg-no-cgroups-left "$(one_line "$(diff /tmp/vmcg.before /tmp/vmcg.after | grep '^[-+][^-+]')")"; fi
left=
for p in /proc/[0-9]*; do
	tr '\0' '\n' <"$p/environ" 2>/dev/null | grep -qx "$MARK" && left="$left ${p#/proc/}"
done
if [ -z "$left" ]; then vm_ok cg-no-processes-left; else vm_fail cg-no-processes-left "$left"; fi
rm -rf "$W" /tmp/vmcg.*
exit 0
