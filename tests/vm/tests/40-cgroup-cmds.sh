#!/bin/sh
# The commands that act on a live container's cgroups, on pure cgroup v2: update changes live limits
# (read back from memory.max, pids.max, cpu.max, cpu.weight), pause/resume stop and restart a counter
# (cgroup.freeze), ps lists the pids, events reports stats and OOM kills, kill --all and delete --force
# reach every process in the cgroup; commands in the wrong state fail and change nothing.
. /tests/lib.sh

W=/tmp/vmcc
CG=/sys/fs/cgroup
MARK=VMCG=40-cgroup-cmds
NP=--no-pivot

# expect_fail NAME RC OUTPUT TEXT: the command failed and said TEXT
expect_fail() {
	case "$2:$3" in
	0:*) vm_fail "$1" "succeeded: $(one_line "$3")" ;;
	*"$4"*) vm_ok "$1" ;;
	*) vm_fail "$1" "no '$4' in: $(one_line "$3")" ;;
	esac
}
status_of() { tinyrun state "$1" 2>/dev/null | sed -n 's/.*"status": *"\([a-z]*\)".*/\1/p'; }
# wait_for N CMD...: until CMD succeeds, at most N/20 s
wait_for() {
	n=$1
	shift
	until "$@"; do n=$((n - 1)); [ $n -gt 0 ] || return 1; sleep 0.05; done
}
nprocs() { wc -l <"$CG/$1/cgroup.procs" 2>/dev/null || echo 0; }
gone() { [ ! -d "/proc/$1" ] || grep -q '^State:.*Z' "/proc/$1/status"; }

# bundle DIR LINUX_JSON_FRAGMENT ARG...: see vm_min_bundle in lib.sh
bundle() {
	_bd=$1 _blx=$2
	shift 2
	vm_min_bundle "$_bd" "$W/rootfs" false vmcc "$_blx" "$@"
}
# start ID DIR: create and start (output in /tmp/vmcc.out)
start() {
	tinyrun create $NP -b "$2" "$1" >/tmp/vmcc.out 2>&1 && tinyrun start "$1" >>/tmp/vmcc.out 2>&1
}

[ -e $CG/cgroup.controllers ] || { vm_skip cgroup-cmds "$CG is not cgroup2"; exit 0; }
rm -rf "$W"
mkdir -p "$W/rootfs/bin" "$W/rootfs/proc" "$W/rootfs/dev" "$W/rootfs/tmp"
cp /bin/busybox "$W/rootfs/bin/busybox"
for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -s busybox "$W/rootfs/bin/$a"; done
ls $CG >/tmp/vmcc.before

# ---------------------------------------------------------------- update
bundle "$W/upd" '"cgroupsPath": "/vmcc-upd",
		"resources": { "memory": { "limit": 67108864 }, "pids": { "limit": 20 } },' sleep 300
start vm-cc-upd "$W/upd" || vm_fail cc-update-start "$(one_line "$(cat /tmp/vmcc.out)")"
d=$CG/vmcc-upd
out=$(tinyrun update --memory 48m --pids-limit 12 --cpu-quota 30000 --cpu-period 100000 --cpu-shares 1024 vm-cc-upd 2>&1)
expect cc-update-exit "$?:$out" "0:"
expect cc-update-memory-max "$(cat $d/memory.max 2>&1)" 50331648
expect cc-update-pids-max "$(cat $d/pids.max 2>&1)" 12
expect cc-update-cpu-max "$(cat $d/cpu.max 2>&1)" "30000 100000"
expect cc-update-cpu-weight-converted "$(cat $d/cpu.weight 2>&1)" 39
printf '{ "memory": { "limit": 41943040 }, "pids": { "limit": -1 } }' >/tmp/vmcc.res
out=$(tinyrun update --resources - vm-cc-upd </tmp/vmcc.res 2>&1)
expect cc-update-stdin "$?:$(cat $d/memory.max 2>&1):$(cat $d/pids.max 2>&1)" "0:41943040:max"
out=$(tinyrun update --memory 12q vm-cc-upd 2>&1)
expect_fail cc-update-bad-size "$?" "$out" "--memory"
printf '{ "memory": { "limit": "lots" } }' >/tmp/vmcc.res
out=$(tinyrun update --resources /tmp/vmcc.res vm-cc-upd 2>&1)
expect_fail cc-update-bad-json-names-path "$?" "$out" "memory.limit"
expect cc-update-bad-changes-nothing "$(cat $d/memory.max 2>&1)" 41943040
tinyrun delete --force vm-cc-upd >/dev/null 2>&1

bundle "$W/stop" '"cgroupsPath": "/vmcc-stop", "resources": { "pids": { "limit": 20 } },' true
start vm-cc-stop "$W/stop"
wait_for 100 sh -c '[ "$(tinyrun state vm-cc-stop | grep -c stopped)" = 1 ]'
out=$(tinyrun update --pids-limit 5 vm-cc-stop 2>&1)
expect_fail cc-update-stopped-fails "$?" "$out" "not running"
expect cc-update-stopped-unchanged "$(cat $CG/vmcc-stop/pids.max 2>&1)" 20
out=$(tinyrun pause vm-cc-stop 2>&1)
expect_fail cc-pause-stopped-fails "$?" "$out" "stopped"
tinyrun delete vm-cc-stop >/dev/null 2>&1

# ---------------------------------------------------------------- pause, resume
rm -f "$W/rootfs/tmp/n"
bundle "$W/pause" '"cgroupsPath": "/vmcc-pause",' sh -c 'i=0; while :; do i=$((i + 1)); echo $i >/tmp/n; sleep 0.05; done'
start vm-cc-pause "$W/pause"
wait_for 200 test -s "$W/rootfs/tmp/n"
out=$(tinyrun pause vm-cc-pause 2>&1)
expect cc-pause "$?:$out:$(status_of vm-cc-pause):$(cat $CG/vmcc-pause/cgroup.freeze 2>&1)" "0::paused:1"
a=$(cat "$W/rootfs/tmp/n")
sleep 1
expect cc-pause-counter-stops "$(cat "$W/rootfs/tmp/n")" "$a"
out=$(tinyrun pause vm-cc-pause 2>&1)
expect_fail cc-pause-paused-fails "$?" "$out" "not running"
out=$(tinyrun resume vm-cc-pause 2>&1)
expect cc-resume "$?:$out:$(status_of vm-cc-pause)" "0::running"
sleep 1
b=$(cat "$W/rootfs/tmp/n")
if [ "${b:-0}" -gt "${a:-0}" ]; then vm_ok cc-resume-counter-moves; else vm_fail cc-resume-counter-moves "$b <= $a"; fi
out=$(tinyrun resume vm-cc-pause 2>&1)
expect_fail cc-resume-running-fails "$?" "$out" "not paused"
tinyrun pause vm-cc-pause >/dev/null 2>&1
out=$(tinyrun delete --force vm-cc-pause 2>&1)
expect cc-delete-force-paused "$?:$out:$([ -e $CG/vmcc-pause ] && echo left)" "0::"

# ---------------------------------------------------------------- ps, kill --all
bundle "$W/ps" '"cgroupsPath": "/vmcc-ps",' sh -c 'sleep 300 & wait'
start vm-cc-ps "$W/ps"
wait_for 100 sh -c '[ "$(wc -l <'$CG'/vmcc-ps/cgroup.procs)" -ge 2 ]'
want=$(sort -n $CG/vmcc-ps/cgroup.procs | tr '\n' , )
out=$(tinyrun ps --format json vm-cc-ps 2>&1)
case $out in
\[[0-9]*\]) expect cc-ps-json "$(printf '%s' "$out" | tr -d '[]' | tr , '\n' | sort -n | tr '\n' ,)" "$want" ;;
*) vm_fail cc-ps-json "not an array of pids: $(one_line "$out")" ;;
esac
out=$(tinyrun ps vm-cc-ps 2>&1)
case $out in *PID*"sleep 300"*) vm_ok cc-ps-table ;; *) vm_fail cc-ps-table "$(one_line "$out")" ;; esac

# ---------------------------------------------------------------- events
out=$(tinyrun events --stats vm-cc-ps 2>&1)
use=$(printf '%s' "$out" | sed -n 's/.*"memory":{[^}]*"usage":{"limit":[0-9]*,"usage":\([0-9]*\).*/\1/p')
if [ "${use:-0}" -gt 0 ]; then vm_ok cc-events-memory-usage; else vm_fail cc-events-memory-usage "$(one_line "$out")"; fi
case $out in *'"pids":{"current":2,'*) vm_ok cc-events-pids ;; *) vm_fail cc-events-pids "$(one_line "$out")" ;; esac
case $out in '{"type":"stats","id":"vm-cc-ps","data":{"cpu":{"usage":{"total":'*'}}}') vm_ok cc-events-shape ;;
*) vm_fail cc-events-shape "$(one_line "$out")" ;; esac
tinyrun delete --force vm-cc-ps >/dev/null 2>&1

bundle "$W/kill" '"cgroupsPath": "/vmcc-kill",' sh -c 'sleep 300 & sleep 300 & wait'
sed -i 's/{ "type": "pid" }, //' "$W/kill/config.json"
start vm-cc-kill "$W/kill"
wait_for 100 sh -c '[ "$(wc -l <'$CG'/vmcc-kill/cgroup.procs)" -ge 3 ]'
pids=$(cat $CG/vmcc-kill/cgroup.procs 2>/dev/null)
out=$(tinyrun kill --all vm-cc-kill KILL 2>&1)
rc=$?
left=
for p in $pids; do wait_for 100 gone "$p" || left="$left $p"; done
expect cc-kill-all-cgroup "$rc:$out:$left" "0::"
tinyrun delete --force vm-cc-kill >/dev/null 2>&1

printf '%s\n' 'a=$(head -c 64000000 /dev/zero | tr -c x x); echo survived' >"$W/rootfs/hog.sh"
bundle "$W/oom" '"cgroupsPath": "/vmcc-oom", "resources": { "memory": { "limit": 16777216, "swap": 16777216 } },' \
	sh -c 'sleep 1; sh /hog.sh; sleep 2'
start vm-cc-oom "$W/oom"
tinyrun events --interval 500ms vm-cc-oom >/tmp/vmcc.events 2>&1 &
ev=$!
if wait_for 600 grep -q '"type":"oom"' /tmp/vmcc.events; then vm_ok cc-events-oom; else vm_fail cc-events-oom "$(one_line "$(cat /tmp/vmcc.events)")"; fi
if wait_for 200 gone "$ev"; then wait "$ev"; expect cc-events-ends "$?" 0; else vm_fail cc-events-ends "still running"; kill "$ev"; fi
tinyrun delete --force vm-cc-oom >/dev/null 2>&1

# ---------------------------------------------------------------- nothing left behind
sleep 0.2
ls $CG >/tmp/vmcc.after
if cmp -s /tmp/vmcc.before /tmp/vmcc.after; then vm_ok cc-no-cgroups-left; else vm_fail cc-no-cgroups-left "$(one_line "$(diff /tmp/vmcc.before /tmp/vmcc.after | grep '^[-+][^-+]')")"; fi
left=
for p in /proc/[0-9]*; do
	tr '\0' '\n' <"$p/environ" 2>/dev/null | grep -qx "$MARK" && left="$left ${p#/proc/}"
done
if [ -z "$left" ]; then vm_ok cc-no-processes-left; else vm_fail cc-no-processes-left "$left"; fi
rm -rf "$W" /tmp/vmcc.*
exit 0
