# t_harness.sh: the runner itself can fail: it runs the deliberately bad cases in selftest/ and must
# report every failure and leak, clean every leak up, and count right.

RUNNER=$TR_INTEG_DIR/run.sh
SELFTEST=$TR_INTEG_DIR/selftest

# run_selftest SHELL...: run the selftest suite with the given shell; sets $status, $output, $LOG
run_selftest() {
	LOG=$TR_TMP/selftest.log
	: >"$LOG"
	if output=$(SELFTEST_LOG=$LOG SELFTEST_HANG=1 TR_TIMEOUT=3 TESTDIR=$SELFTEST "$@" "$RUNNER" 2>&1); then
		status=0
	else
		status=$?
	fi
	printf '%s\n' "$output" >"$TR_TMP/selftest.out"
}

# case_block NAME: the lines the runner printed for one case (its result line and indented output)
case_block() {
	awk -v n="$1" '
		/^(ok|FAIL|skip) / { on = ($2 == n) }
		/^[0-9]+ passed/ { on = 0 }
		on' "$TR_TMP/selftest.out"
}

check_selftest_result() {
	assert_eq "$status" 1 "the runner exits 1 when a case failed"
	assert_eq "$(printf '%s\n' "$output" | tail -n 1)" "1 passed, 9 failed, 1 skipped" "summary line"

	assert_match "$output" '^ok t_leaky:test_pass$'
	assert_match "$output" '^skip t_leaky:test_skip \(the selftest skips on purpose\)$'
	for _c in assert_fails unchecked_command_fails leak_mount leak_cgroup leak_process_cwd \
		leak_process_env leak_state teardown_runs timeout; do
		assert_match "$output" "^FAIL t_leaky:test_$_c " "test_$_c is reported as failed"
	done

	_b=$(case_block t_leaky:test_assert_fails)
	assert_contains "$_b" "the selftest compares on purpose" "assertion message shown"
	assert_contains "$_b" "expected: 'expected-value'"
	assert_contains "$_b" "actual:   'actual-value'"
	assert_contains "$(case_block t_leaky:test_unchecked_command_fails)" "a command failed"
	assert_not_contains "$(case_block t_leaky:test_unchecked_command_fails)" "not reached"
	assert_contains "$(case_block t_leaky:test_timeout)" "TIMEOUT"
	# teardown ran after the failure and unmounted what the case mounted: no leak reported
	assert_not_contains "$(case_block t_leaky:test_teardown_runs)" "LEAK"

	_n=0
	while read -r _kind _what; do
		_n=$((_n + 1))
		case "$_kind" in
		mount)
			assert_contains "$(case_block t_leaky:test_leak_mount)" "LEAK mount: $_what " "mount $_what reported"
			if awk -v t="$_what" '$5 == t { f = 1 } END { exit !f }' /proc/self/mountinfo; then
				fail "leaked mount $_what is still mounted"
			fi
			assert_no_file "$_what"
			;;
		cgroup)
			assert_contains "$(case_block t_leaky:test_leak_cgroup)" "LEAK cgroup: $_what" "cgroup $_what reported"
			assert_no_file "$_what"
			;;
		pid)
			assert_match "$output" "^    LEAK (process: pid $_what |cgroup: .*processes: $_what )" "process $_what reported"
			if [ -d "/proc/$_what" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$_what/status" 2>/dev/null; then
				fail "leaked process $_what is still running"
			fi
			;;
		state)
			assert_contains "$(case_block t_leaky:test_leak_state)" "LEAK state: $_what/leftover-container"
			assert_no_file "$_what"
			;;
		cleaned)
			if awk -v t="$_what" '$5 == t { f = 1 } END { exit !f }' /proc/self/mountinfo; then
				fail "teardown did not unmount $_what"
			fi
			;;
		*) fail "unknown selftest log line: $_kind $_what" ;;
		esac
	done <"$LOG"
	# 2 mounts, 3 cgroups, 3 pids, 1 state root, 1 teardown mount
	assert_eq "$_n" 10 "number of things the selftest cases leaked"
}

test_selftest_detects_and_cleans_leaks() {
	run_selftest
	check_selftest_result
}

test_selftest_under_busybox_sh() {
	_bb=${BUSYBOX:-/bin/busybox}
	[ -x "$_bb" ] || skip "no busybox at $_bb"
	run_selftest "$_bb" sh
	assert_match "$output" "shell [^ ]*busybox sh\$" "the cases ran under busybox sh too"
	check_selftest_result
}

test_filter_selects_cases() {
	assert_ok env SELFTEST_LOG=/dev/null TESTDIR="$SELFTEST" "$RUNNER" t_leaky:test_pass
	assert_eq "$(printf '%s\n' "$output" | tail -n 1)" "1 passed, 0 failed, 0 skipped"
	assert_fail env TESTDIR="$SELFTEST" "$RUNNER" no-such-case
	assert_contains "$output" "no test case matches"
}

test_runner_refuses_without_tinyrun() {
	assert_fail env -u TINYRUN "$RUNNER"
	assert_contains "$output" "TINYRUN"
	assert_fail env TINYRUN=relative/tinyrun "$RUNNER"
	assert_contains "$output" "absolute"
}

test_runner_requires_root() {
	require_cmd su
	id nobody >/dev/null 2>&1 || skip "no user nobody"
	# (su -s SHELL USER -c CMD works with util-linux su and busybox su)
	_r=$(su -s /bin/sh nobody -c "test -r '$RUNNER' && echo readable" 2>/dev/null) || _r=
	[ "$_r" = readable ] || skip "user nobody cannot read $RUNNER"
	assert_exit 1 su -s /bin/sh nobody -c "TINYRUN='$TINYRUN' sh '$RUNNER'"
	assert_contains "$output" "must be run as root"
}
