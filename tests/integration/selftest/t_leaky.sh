# Deliberately bad cases, run by t_harness.sh through run.sh with TESTDIR pointing here.
# Each leaking case writes what it leaked to $SELFTEST_LOG ("KIND VALUE" lines) so that t_harness.sh can
# check that the runner found it and cleaned it up. Not run by the normal suite (TESTDIR differs).

note() {
	if [ -n "${SELFTEST_LOG:-}" ]; then echo "$*" >>"$SELFTEST_LOG"; fi
}

# a memory (v1) or the cgroup2 hierarchy, with this process's own cgroup: "MOUNT OWN"
pick_hierarchy() {
	_m=$(cg_mount memory)
	[ -n "$_m" ] || _m=$(cg_mount v2)
	[ -n "$_m" ] || return 1
	echo "$_m $(cg_own "$_m")"
}

test_pass() {
	assert_eq "$(echo hi)" hi
	assert_contains "hello world" "lo wo"
	assert_fail false
	assert_exit 3 sh -c 'exit 3'
}

test_skip() {
	skip "the selftest skips on purpose"
}

test_assert_fails() {
	assert_eq "actual-value" "expected-value" "the selftest compares on purpose"
}

test_unchecked_command_fails() {
	false
	echo "not reached"
}

test_leak_mount() {
	mkdir -p "$TR_TMP/mnt/inner"
	mount -t tmpfs selftest-tmpfs "$TR_TMP/mnt"
	mkdir -p "$TR_TMP/mnt/inner"
	mount -t tmpfs selftest-tmpfs2 "$TR_TMP/mnt/inner"
	note mount "$TR_TMP/mnt"
	note mount "$TR_TMP/mnt/inner"
}

test_leak_cgroup() {
	_h=$(pick_hierarchy) || skip "no memory or cgroup2 hierarchy"
	set -- $_h
	_base=$1${2%/}/$TR_CGROUP_PARENT
	mkdir -p "$_base/child/grandchild"
	note cgroup "$_base"
	note cgroup "$_base/child"
	note cgroup "$_base/child/grandchild"
	# a process in the cgroup, outside TR_TMP and without the case marker: found through the cgroup only
	(cd / && exec env -u TR_CASE_ID sleep 1003) >/dev/null 2>&1 &
	echo $! >"$_base/child/cgroup.procs"
	note pid $!
}

test_leak_process_cwd() {
	# a background sleep, detached into its own session, whose cwd is in TR_TMP
	mkdir "$TR_TMP/work"
	cd "$TR_TMP/work"
	setsid env -u TR_CASE_ID sleep 1001 >/dev/null 2>&1 &
	note pid $!
}

test_leak_process_env() {
	# a background sleep outside TR_TMP: found through the TR_CASE_ID marker in its environment
	(cd / && exec sleep 1002) >/dev/null 2>&1 &
	note pid $!
}

test_leak_state() {
	mkdir "$TR_ROOT/leftover-container"
	echo '{}' >"$TR_ROOT/leftover-container/state.json"
	note state "$TR_ROOT"
}

test_teardown_runs() {
	mkdir "$TR_TMP/m2"
	mount -t tmpfs selftest-tmpfs3 "$TR_TMP/m2"
	note cleaned "$TR_TMP/m2"
	false
}

teardown() {
	# teardown runs after every case of this file, also after a failure
	if [ -d "$TR_TMP/m2" ]; then umount "$TR_TMP/m2"; fi
	return 0
}

test_timeout() {
	[ -n "${SELFTEST_HANG:-}" ] || skip "SELFTEST_HANG not set"
	sleep 60
}
