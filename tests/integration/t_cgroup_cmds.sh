# t_cgroup_cmds.sh: the commands that act on a live container's cgroups, on the host's layout (here
# hybrid: v1 controllers plus a cgroup2 mount): update changes live limits (read back from the cgroup
# files), pause/resume stop and restart a counter, ps lists the pids, events reports stats and OOM
# kills, kill --all reaches every process in the cgroups; wrong states fail and change nothing.
# Pure cgroup v2 is tested in the VMs (tests/vm/tests/40-cgroup-cmds.sh).

# cc_v1 CONTROLLER: skip unless CONTROLLER is mounted as a v1 hierarchy.
cc_v1() {
	[ -n "$(cg_mount "$1")" ] || skip "no cgroup v1 $1 hierarchy here"
}

# cc_file CONTROLLER FILE: FILE of the container's cgroup ($CGP) in CONTROLLER's hierarchy.
cc_file() {
	cat "$(cg_mount "$1")$CGP/$2"
}

# cc_bundle ARGS...: a bundle in $TR_TMP/b running ARGS, its cgroup $CGP below the case's own.
cc_bundle() {
	make_bundle "$TR_TMP/b" "$@"
	CGP=$(cg_abs_path ctr)
	spec_set '.linux.cgroupsPath = $p' --arg p "$CGP"
}

# cc_start ID: create and start from $TR_BUNDLE (not through $(...): the init keeps stdout).
cc_start() {
	tr create --bundle "$TR_BUNDLE" "$1" >"$TR_TMP/create.out" 2>&1 ||
		fail "create $1 failed: $(cat "$TR_TMP/create.out")"
	assert_ok tr start "$1"
}

# cc_status ID: the status field of tinyrun state.
cc_status() {
	tr state "$1" | sed -n 's/.*"status": *"\([a-z]*\)".*/\1/p'
}

# cc_wait SECONDS CMD...: until CMD succeeds, at most SECONDS; fails the case otherwise.
cc_wait() {
	_cw=$(($1 * 20))
	shift
	until "$@"; do
		_cw=$((_cw - 1))
		[ $_cw -gt 0 ] || fail "timed out waiting for: $*"
		sleep 0.05
	done
}

# cc_gone: no hierarchy has the container's cgroup any more.
cc_gone() {
	for _m in $(cg_hierarchies | cut -d' ' -f1); do
		assert_no_file "$_m$CGP"
	done
}

teardown() {
	[ -z "${CC_EVENTS:-}" ] || kill "$CC_EVENTS" 2>/dev/null || :
	for _id in $("$TINYRUN" --root "$TR_ROOT" list -q 2>/dev/null); do
		"$TINYRUN" --root "$TR_ROOT" delete --force "$_id" >/dev/null 2>&1
	done
	return 0
}

# ---------------------------------------------------------------- update

test_update_changes_live_limits() {
	cc_v1 memory
	cc_v1 pids
	cc_v1 cpu
	cc_bundle sleep 300
	spec_set '.linux.resources = { "memory": { "limit": 67108864 }, "pids": { "limit": 20 } }'
	cc_start ccupd
	assert_eq "$(cc_file memory memory.limit_in_bytes)" 67108864
	assert_ok tr update --memory 48m --pids-limit 12 --cpu-quota 30000 --cpu-period 100000 \
		--cpu-shares 256 ccupd
	assert_eq "$(cc_file memory memory.limit_in_bytes)" 50331648
	assert_eq "$(cc_file pids pids.max)" 12
	assert_eq "$(cc_file cpu cpu.cfs_quota_us)" 30000
	assert_eq "$(cc_file cpu cpu.shares)" 256
	# 0 is "unchanged" (runc's rule), -1 "no limit"
	assert_ok tr update --memory 0 --pids-limit -1 ccupd
	assert_eq "$(cc_file memory memory.limit_in_bytes)" 50331648
	assert_eq "$(cc_file pids pids.max)" max
	# containerd: the resources object on stdin
	printf '{ "memory": { "limit": 41943040 }, "pids": { "limit": 9 } }' >"$TR_TMP/res.json"
	assert_ok sh -c '"$1" --root "$2" update --resources=- ccupd <"$3"' sh "$TINYRUN" "$TR_ROOT" \
		"$TR_TMP/res.json"
	assert_eq "$(cc_file memory memory.limit_in_bytes)" 41943040
	assert_eq "$(cc_file pids pids.max)" 9
	# and from a file, a flag on top of it
	assert_ok tr update --resources "$TR_TMP/res.json" --pids-limit 7 ccupd
	assert_eq "$(cc_file pids pids.max)" 7
	assert_eq "$(cc_status ccupd)" running
	assert_ok tr delete --force ccupd
	cc_gone
}

test_update_bad_input_changes_nothing() {
	cc_v1 memory
	cc_v1 pids
	cc_bundle sleep 300
	spec_set '.linux.resources = { "memory": { "limit": 67108864 }, "pids": { "limit": 20 } }'
	cc_start ccbad
	assert_fail tr update --memory 12q ccbad
	assert_contains "$output" "--memory"
	assert_fail tr update --blkio-weight 5 ccbad
	assert_contains "$output" "--blkio-weight"
	printf '{ "memory": { "limit": "lots" } }' >"$TR_TMP/bad.json"
	assert_fail tr update --resources "$TR_TMP/bad.json" ccbad
	assert_contains "$output" "memory.limit"
	printf '{ "pids": { "limit": 5 }, "memory": ' >"$TR_TMP/trunc.json"
	assert_fail tr update --resources "$TR_TMP/trunc.json" ccbad
	assert_contains "$output" "invalid JSON"
	assert_fail tr update ccbad
	assert_contains "$output" "nothing to change"
	assert_fail tr update --memory 1m nosuch
	assert_contains "$output" "does not exist"
	assert_eq "$(cc_file memory memory.limit_in_bytes)" 67108864
	assert_eq "$(cc_file pids pids.max)" 20
	assert_ok tr delete --force ccbad
	cc_gone
}

test_update_of_a_stopped_container_fails() {
	cc_v1 pids
	cc_bundle true
	spec_set '.linux.resources = { "pids": { "limit": 20 } }'
	cc_start ccstop
	cc_wait 5 sh -c '[ "$("$1" --root "$2" state ccstop | grep -c stopped)" = 1 ]' sh "$TINYRUN" "$TR_ROOT"
	assert_fail tr update --pids-limit 5 ccstop
	assert_contains "$output" "not running"
	assert_eq "$(cc_file pids pids.max)" 20
	assert_ok tr delete ccstop
	cc_gone
}

test_update_memory_below_use_fails_or_oom_kills() {
	cc_v1 memory
	# holds about 24 MiB of tmpfs (shmem, charged to the cgroup, not reclaimable without swap)
	cc_bundle sh -c 'head -c 25000000 /dev/zero >/dev/shm/fill; echo held >/tmp/held; sleep 300'
	spec_set '.root.readonly = false'
	spec_set '.linux.resources = { "memory": { "limit": 134217728, "swap": 134217728 } }'
	cc_start ccoom
	cc_wait 20 test -f "$TR_BUNDLE/rootfs/tmp/held"
	run tr update --memory 4m --memory-swap 4m ccoom
	if [ "$status" -ne 0 ]; then
		# refused by the kernel (EBUSY: it cannot reclaim): the error names the field, and the
		# old limit stays
		assert_contains "$output" "memory.limit"
		assert_eq "$(cc_file memory memory.limit_in_bytes)" 134217728
	else
		_k=$(sed -n 's/^oom_kill //p' "$(cg_mount memory)$CGP/memory.oom_control")
		[ "${_k:-0}" -gt 0 ] || fail "the limit was lowered below use without an OOM kill: $output" \
			"limit $(cc_file memory memory.limit_in_bytes) usage $(cc_file memory memory.usage_in_bytes)" \
			"memsw $(cc_file memory memory.memsw.limit_in_bytes 2>&1) $(cc_file memory memory.memsw.usage_in_bytes 2>&1)" \
			"procs $(cc_file memory cgroup.procs | paste -sd' ') state $(cc_status ccoom)"
	fi
	assert_ok tr delete --force ccoom
	cc_gone
}

# ---------------------------------------------------------------- pause, resume

test_pause_stops_a_counter_resume_restarts_it() {
	cc_v1 freezer
	cc_bundle sh -c 'i=0; while :; do i=$((i + 1)); echo $i >/tmp/n; sleep 0.02; done'
	spec_set '.root.readonly = false'
	cc_start ccpause
	_n=$TR_BUNDLE/rootfs/tmp/n
	cc_wait 10 test -s "$_n"
	assert_ok tr pause ccpause
	assert_eq "$(cc_status ccpause)" paused
	assert_eq "$(cc_file freezer freezer.state)" FROZEN
	_a=$(cat "$_n")
	sleep 0.5
	assert_eq "$(cat "$_n")" "$_a" "the counter stands still while paused"
	# wrong states: nothing changes
	assert_fail tr pause ccpause
	assert_contains "$output" "not running"
	assert_eq "$(cc_status ccpause)" paused
	assert_ok tr resume ccpause
	assert_eq "$(cc_status ccpause)" running
	sleep 0.3
	[ "$(cat "$_n")" -gt "$_a" ] || fail "the counter did not move after resume: $(cat "$_n") <= $_a"
	assert_fail tr resume ccpause
	assert_contains "$output" "not paused"
	assert_eq "$(cc_status ccpause)" running
	assert_ok tr delete --force ccpause
	cc_gone
}

test_delete_force_of_a_paused_container() {
	cc_v1 freezer
	cc_bundle sh -c 'sleep 300 & exec sleep 300'
	spec_set '.linux.namespaces |= map(select(.type != "pid"))'
	cc_start ccdelp
	_procs=$(cg_mount freezer)$CGP/cgroup.procs
	cc_wait 5 sh -c '[ "$(wc -l <"$1")" -ge 2 ]' sh "$_procs"
	_pids=$(cat "$_procs")
	assert_ok tr pause ccdelp
	assert_ok tr delete --force ccdelp
	for _p in $_pids; do
		[ ! -d "/proc/$_p" ] || grep -q '^State:.*Z' "/proc/$_p/status" || fail "process $_p survived"
	done
	cc_gone
	assert_eq "$(tr list -q)" ""
}

test_pause_and_resume_of_a_stopped_container_fail() {
	cc_v1 freezer
	cc_bundle true
	cc_start ccpst
	cc_wait 5 sh -c '"$1" --root "$2" state ccpst | grep -q stopped' sh "$TINYRUN" "$TR_ROOT"
	assert_fail tr pause ccpst
	assert_contains "$output" "stopped"
	assert_fail tr resume ccpst
	assert_contains "$output" "not paused"
	assert_eq "$(cc_file freezer freezer.state)" THAWED
	assert_ok tr delete ccpst
	cc_gone
}

# ---------------------------------------------------------------- ps, kill --all

test_ps_lists_the_container_pids() {
	cc_v1 pids
	cc_bundle sh -c 'sleep 300 & wait'
	cc_start ccps
	_procs=$(cg_mount pids)$CGP/cgroup.procs
	cc_wait 5 sh -c '[ "$(wc -l <"$1")" -ge 2 ]' sh "$_procs"
	_init=$(tr state ccps | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p')
	_want=$(sort -n "$_procs" | paste -sd, -)
	run tr ps --format json ccps
	[ "$status" -eq 0 ] || fail "ps --format json failed: $output"
	# exactly a JSON array of the pids, nothing else
	assert_match "$output" '^\[[0-9]+(,[0-9]+)*\]$'
	assert_eq "$(printf '%s' "$output" | command tr -d '[]' | command tr , '\n' | sort -n | paste -sd, -)" \
		"$_want"
	assert_contains ",$(printf '%s' "$output" | command tr -d '[]')," ",$_init,"
	assert_ok tr ps ccps
	assert_contains "$output" "PID"
	assert_contains "$output" "sleep 300"
	assert_ok tr ps ccps -- -ef
	assert_contains "$output" "sleep 300"
	assert_contains "$output" "ignored"
	assert_fail tr ps --format json ccps -ef
	assert_contains "$output" "json"
	assert_fail tr ps --format yaml ccps
	assert_contains "$output" "--format"
	assert_ok tr delete --force ccps
	assert_fail tr ps ccps
	assert_contains "$output" "does not exist"
	cc_gone
}

test_kill_all_reaches_every_process_in_the_cgroups() {
	cc_v1 freezer
	# no pid namespace: only the cgroups know which processes are the container's
	cc_bundle sh -c 'sleep 300 & sleep 300 & wait'
	spec_set '.linux.namespaces |= map(select(.type != "pid"))'
	cc_start cckill
	_procs=$(cg_mount freezer)$CGP/cgroup.procs
	cc_wait 5 sh -c '[ "$(wc -l <"$1")" -ge 3 ]' sh "$_procs"
	_pids=$(cat "$_procs")
	assert_ok tr kill --all cckill KILL
	for _p in $_pids; do
		cc_wait 5 sh -c '[ ! -d "/proc/$1" ] || grep -q "^State:.*Z" "/proc/$1/status"' sh "$_p"
	done
	assert_eq "$(cc_file freezer freezer.state)" THAWED
	assert_ok tr delete cckill
	cc_gone
}

# ---------------------------------------------------------------- events

test_events_stats_reports_memory_and_pids() {
	cc_v1 memory
	cc_v1 pids
	cc_bundle sh -c 'sleep 300 & wait'
	spec_set '.linux.resources = { "memory": { "limit": 67108864 }, "pids": { "limit": 30 } }'
	cc_start ccev
	cc_wait 5 sh -c '[ "$(wc -l <"$1")" -ge 2 ]' sh "$(cg_mount pids)$CGP/cgroup.procs"
	assert_ok tr events --stats ccev
	assert_match "$output" '^\{"type":"stats","id":"ccev","data":\{.*\}\}$'
	_use=$(printf '%s' "$output" | sed -n 's/.*"memory":{[^}]*"usage":{"limit":[0-9]*,"usage":\([0-9]*\).*/\1/p')
	[ "${_use:-0}" -gt 0 ] || fail "memory.usage.usage is not > 0: $output"
	assert_contains "$output" '"limit":67108864'
	assert_contains "$output" '"pids":{"current":2,"limit":30}'
	assert_contains "$output" '"cpu":{"usage":{"total":'
	if command -v jq >/dev/null 2>&1; then
		assert_eq "$(printf '%s' "$output" | jq -r .data.pids.current)" 2
	fi
	assert_fail tr events --interval 5x ccev
	assert_contains "$output" "--interval"
	assert_ok tr delete --force ccev
	assert_fail tr events --stats ccev
	assert_contains "$output" "does not exist"
	cc_gone
}

test_events_reports_an_oom_kill_and_ends_with_the_container() {
	cc_v1 memory
	cc_bundle sh -c 'sleep 1; sh /hog.sh; sleep 2'
	printf '%s\n' 'a=$(head -c 64000000 /dev/zero | tr "\0" x); echo survived' >"$TR_BUNDLE/rootfs/hog.sh"
	spec_set '.linux.resources = { "memory": { "limit": 16777216, "swap": 16777216 } }'
	cc_start ccevoom
	tr events --interval 500ms ccevoom >"$TR_TMP/events.out" 2>&1 &
	CC_EVENTS=$!
	cc_wait 20 grep -q '"type":"oom"' "$TR_TMP/events.out"
	assert_contains "$(head -n 1 "$TR_TMP/events.out")" '{"type":"stats","id":"ccevoom"'
	assert_contains "$(cat "$TR_TMP/events.out")" '{"type":"oom","id":"ccevoom"}'
	# events ends by itself once the container stops
	cc_wait 10 sh -c '[ ! -d "/proc/$1" ] || grep -q "^State:.*Z" "/proc/$1/status"' sh "$CC_EVENTS"
	_rc=0
	wait "$CC_EVENTS" || _rc=$?
	assert_eq "$_rc" 0 "exit status of events"
	CC_EVENTS=
	assert_ok tr delete ccevoom
	cc_gone
}
