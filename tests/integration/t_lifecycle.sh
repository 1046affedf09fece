# t_lifecycle.sh: create/start/kill/delete/run/state/list on real busybox containers: every state
# transition, the errors the runtime-spec mandates (which must change nothing), run's exit status and
# signal forwarding, pid files, log files, concurrency, stdio and the fds a container sees.

# ---------------------------------------------------------------- helpers of this file

# lc_wait CMD...: retry CMD (quietly) for up to ~10 s; fails the case if it never succeeds.
lc_wait() {
	_lw=0
	while ! "$@" >/dev/null 2>&1; do
		_lw=$((_lw + 1))
		[ $_lw -ge 100 ] && fail "timed out waiting for: $*"
		sleep 0.1
	done
	return 0
}

# lc_field ID JQ_FILTER [ROOT]: a field of `tinyrun state ID` (jq -r).
lc_field() {
	"$TINYRUN" --root "${3:-$TR_ROOT}" state "$1" | jq -r "$2"
}

lc_status_is() {
	[ "$(lc_field "$1" .status)" = "$2" ]
}

lc_pid_alive() {
	[ -d "/proc/$1" ] && ! grep -q '^State:[[:space:]]*[ZX]' "/proc/$1/status" 2>/dev/null
}

lc_pid_gone() {
	! lc_pid_alive "$1"
}

# lc_rfc3339 TIME: TIME is an RFC 3339 date-time (and, with GNU date, parses to within a day of now).
lc_rfc3339() {
	assert_match "$1" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$' \
		"'$1' is an RFC 3339 date-time"
	if date --version 2>/dev/null | grep -q GNU; then
		_t=$(date -d "$1" +%s) || fail "date cannot parse '$1'"
		_now=$(date +%s)
		if [ $((_now - _t)) -ge 86400 ] || [ $((_t - _now)) -ge 86400 ]; then fail "time '$1' is not near now"; fi
	fi
}

# lc_bundle DIR ARGS...: a bundle with a writable rootfs (the tests look at files the container writes
# in rootfs/tmp from the host).
lc_bundle() {
	make_bundle "$@"
	spec_set '.root.readonly = false'
}

# Container ids are unique to the case (the runner's id, with "tinyrun" in it): the default cgroup
# of a container is named after its id, and other suites may run at the same time on this machine.
setup() {
	P=tinyrun-${TR_CASE_ID%-*}-
}

# force-delete whatever a case left in its roots (the leak check still fails a case that needs this)
# lc_create ARGS...: `tinyrun create ARGS` with its output in a file: the container's init keeps
# create's stdout and stderr open, so a $(...) around create would wait for the container to exit.
lc_create() {
	tr create "$@" </dev/null >"$TR_TMP/create.out" 2>&1 || fail "create $* failed: $(cat "$TR_TMP/create.out")"
}

teardown() {
	for _r in "$TR_ROOT" "$TR_TMP/root2"; do
		[ -d "$_r" ] || continue
		for _id in $("$TINYRUN" --root "$_r" list -q 2>/dev/null); do
			"$TINYRUN" --root "$_r" delete --force "$_id" >/dev/null 2>&1
		done
	done
	return 0
}

# ---------------------------------------------------------------- transitions

test_lifecycle_states_and_list() {
	require_cmd jq
	lc_bundle "$TR_TMP/b" sh -c 'echo started >/tmp/ran; exec sleep 1000'
	spec_set '.annotations = {"org.example.key": "value one", "other": ""}'
	lc_create --bundle "$TR_TMP/b" ${P}ctr1
	tr state ${P}ctr1 >"$TR_TMP/s1.json"
	jq -e . "$TR_TMP/s1.json" >/dev/null || fail "state is not JSON: $(cat "$TR_TMP/s1.json")"
	assert_eq "$(jq -r .status "$TR_TMP/s1.json")" created "status after create"
	assert_eq "$(jq -r .id "$TR_TMP/s1.json")" ${P}ctr1 "id"
	assert_match "$(jq -r .ociVersion "$TR_TMP/s1.json")" '^1\.[0-9]+\.[0-9]+' "ociVersion"
	assert_eq "$(jq -r .bundle "$TR_TMP/s1.json")" "$TR_TMP/b" "bundle is the absolute bundle path"
	assert_eq "$(jq -r .rootfs "$TR_TMP/s1.json")" "$TR_TMP/b/rootfs" "rootfs"
	assert_eq "$(jq -c .annotations "$TR_TMP/s1.json")" '{"org.example.key":"value one","other":""}' \
		"annotations come from the spec"
	lc_rfc3339 "$(jq -r .created "$TR_TMP/s1.json")"
	_pid=$(jq -r .pid "$TR_TMP/s1.json")
	assert_match "$_pid" '^[1-9][0-9]*$' "pid present while created"
	lc_pid_alive "$_pid" || fail "the created container's pid $_pid is not alive"
	# the init waits in the runtime: its command line is the runtime's, the process has not run
	_cmd=$(command tr '\0' ' ' <"/proc/$_pid/cmdline")
	assert_contains "$_cmd" "$TINYRUN" "created init still runs the runtime ($_cmd)"
	sleep 0.3
	assert_no_file "$TR_TMP/b/rootfs/tmp/ran"

	# list: table, json, quiet
	assert_ok tr list
	assert_match "$output" '^ID +PID +STATUS +BUNDLE +CREATED +OWNER' "table header"
	assert_match "$output" "^${P}ctr1 +$_pid +created +$TR_TMP/b " "table row"
	assert_ok tr list --format json
	assert_eq "$(printf '%s' "$output" | jq -r 'type')" array "list --format json is an array"
	assert_eq "$(printf '%s' "$output" | jq -r '[.[].id] | join(",")')" ${P}ctr1 "json list ids"
	assert_eq "$(printf '%s' "$output" | jq -r '.[0].status')" created "json list status"
	assert_ok tr list --quiet
	assert_eq "$output" ${P}ctr1 "list --quiet prints only the ids"
	assert_ok tr list -q
	assert_eq "$output" ${P}ctr1 "list -q"

	assert_ok tr start ${P}ctr1
	lc_wait test -f "$TR_TMP/b/rootfs/tmp/ran"
	assert_eq "$(cat "$TR_TMP/b/rootfs/tmp/ran")" started "the user process ran after start"
	assert_eq "$(lc_field ${P}ctr1 .status)" running "status after start"
	assert_eq "$(lc_field ${P}ctr1 .pid)" "$_pid" "pid unchanged by start"
	lc_wait sh -c "command tr '\\0' ' ' </proc/$_pid/cmdline | grep -q '^sleep 1000'"
	assert_ok tr list
	assert_match "$output" "^${P}ctr1 +$_pid +running " "table row while running"

	kill -9 "$_pid"
	lc_wait lc_status_is ${P}ctr1 stopped
	tr state ${P}ctr1 >"$TR_TMP/s3.json"
	assert_eq "$(jq -r 'has("pid")' "$TR_TMP/s3.json")" false "no pid once stopped"
	assert_eq "$(jq -r .bundle "$TR_TMP/s3.json")" "$TR_TMP/b" "bundle kept once stopped"
	assert_eq "$(jq -r '.annotations.other' "$TR_TMP/s3.json")" "" "annotations kept once stopped"
	assert_ok tr list --format json
	assert_eq "$(printf '%s' "$output" | jq -r '.[0].status')" stopped "json list status once stopped"

	assert_ok tr delete ${P}ctr1
	assert_no_file "$TR_ROOT/${P}ctr1"
	assert_eq "$(ls -A "$TR_ROOT")" "" "state root empty after delete"
	assert_fail tr state ${P}ctr1
	assert_contains "$output" "does not exist"
	assert_ok tr list -q
	assert_eq "$output" "" "list empty after delete"
	assert_ok tr list --format json
	assert_eq "$(printf '%s' "$output" | jq -c .)" "[]" "json list is [] with no container"
}

test_process_exit_makes_stopped() {
	require_cmd jq
	lc_bundle "$TR_TMP/b" sh -c 'while [ ! -f /tmp/go ]; do sleep 0.1; done'
	lc_create --bundle "$TR_TMP/b" ${P}ctr
	assert_ok tr start ${P}ctr
	assert_eq "$(lc_field ${P}ctr .status)" running
	touch "$TR_TMP/b/rootfs/tmp/go"
	lc_wait lc_status_is ${P}ctr stopped
	assert_ok tr delete ${P}ctr
	assert_no_file "$TR_ROOT/${P}ctr"
}

# ---------------------------------------------------------------- spec-mandated errors

test_start_running_or_stopped_fails() {
	require_cmd jq
	lc_bundle "$TR_TMP/b" sh -c 'echo x >>/tmp/runs; while [ ! -f /tmp/stop ]; do sleep 0.1; done'
	tr create --bundle "$TR_TMP/b" ${P}ctr
	assert_ok tr start ${P}ctr
	lc_wait test -f "$TR_TMP/b/rootfs/tmp/runs"
	_pid=$(lc_field ${P}ctr .pid)
	assert_fail tr start ${P}ctr
	assert_contains "$output" "running" "second start names the state"
	assert_eq "$(lc_field ${P}ctr .status)" running "a refused start leaves it running"
	assert_eq "$(lc_field ${P}ctr .pid)" "$_pid"
	touch "$TR_TMP/b/rootfs/tmp/stop"
	lc_wait lc_status_is ${P}ctr stopped
	assert_fail tr start ${P}ctr
	assert_contains "$output" "stopped" "start of a stopped container names the state"
	assert_eq "$(lc_field ${P}ctr .status)" stopped
	assert_eq "$(wc -l <"$TR_TMP/b/rootfs/tmp/runs" | command tr -d ' ')" 1 "the process ran once"
	assert_ok tr delete ${P}ctr
}

test_kill_stopped_fails() {
	require_cmd jq
	make_bundle "$TR_TMP/b" true
	assert_ok tr run --keep --bundle "$TR_TMP/b" ${P}ctr
	assert_eq "$(lc_field ${P}ctr .status)" stopped
	assert_fail tr kill ${P}ctr KILL
	assert_contains "$output" "container not running"
	assert_fail tr kill ${P}ctr
	assert_contains "$output" "container not running"
	assert_eq "$(lc_field ${P}ctr .status)" stopped
	assert_ok tr delete ${P}ctr
}

test_delete_running_needs_force() {
	require_cmd jq
	make_bundle "$TR_TMP/b" sleep 1000
	tr create --bundle "$TR_TMP/b" ${P}ctr
	tr start ${P}ctr
	_pid=$(lc_field ${P}ctr .pid)
	assert_fail tr delete ${P}ctr
	assert_contains "$output" "not stopped" "delete of a running container"
	assert_eq "$(lc_field ${P}ctr .status)" running "still running after the refused delete"
	lc_pid_alive "$_pid" || fail "process died after a refused delete"
	assert_file_exists "$TR_ROOT/${P}ctr"
	assert_ok tr delete --force ${P}ctr
	lc_wait lc_pid_gone "$_pid"
	assert_no_file "$TR_ROOT/${P}ctr"
	assert_fail tr state ${P}ctr
	assert_contains "$output" "does not exist"
}

test_delete_force_kills_whole_container() {
	require_cmd jq
	make_bundle "$TR_TMP/b" sh -c 'sleep 1000 & sleep 1000 & wait'
	tr create --bundle "$TR_TMP/b" ${P}ctr
	tr start ${P}ctr
	_pid=$(lc_field ${P}ctr .pid)
	lc_wait sh -c "[ \$(cat /proc/$_pid/task/$_pid/children | wc -w) -eq 2 ]"
	_kids=$(cat "/proc/$_pid/task/$_pid/children")
	assert_ok tr delete -f ${P}ctr
	for _k in $_pid $_kids; do lc_wait lc_pid_gone "$_k"; done
	assert_no_file "$TR_ROOT/${P}ctr"
}

test_create_existing_id_fails() {
	require_cmd jq
	lc_bundle "$TR_TMP/b" sleep 1000
	lc_bundle "$TR_TMP/other" sh -c 'touch /tmp/other-ran; sleep 1000'
	tr create --bundle "$TR_TMP/b" ${P}ctr
	tr state ${P}ctr >"$TR_TMP/before.json"
	_pid=$(jq -r .pid "$TR_TMP/before.json")
	assert_fail tr create --bundle "$TR_TMP/other" ${P}ctr
	assert_contains "$output" "already exists"
	tr state ${P}ctr >"$TR_TMP/after.json"
	assert_eq "$(cat "$TR_TMP/after.json")" "$(cat "$TR_TMP/before.json")" "existing container untouched"
	lc_pid_alive "$_pid" || fail "the existing container's init died"
	assert_ok tr list -q
	assert_eq "$output" ${P}ctr
	# and it still works
	assert_ok tr start ${P}ctr
	assert_eq "$(lc_field ${P}ctr .status)" running
	assert_no_file "$TR_TMP/other/rootfs/tmp/other-ran"
	tr delete --force ${P}ctr
}

test_invalid_ids_rejected() {
	make_bundle "$TR_TMP/b" true
	_long=$(printf '%300s' '' | command tr ' ' a)
	mkdir "$TR_TMP/cwd"
	cd "$TR_TMP/cwd"
	for _id in "../x" "a/b" "" "$_long" "." ".."; do
		assert_fail tr create --bundle "$TR_TMP/b" "$_id"
		assert_contains "$output" "invalid container id" "create '$_id'"
		for _c in state start delete kill; do
			assert_fail tr "$_c" "$_id"
			assert_contains "$output" "invalid container id" "$_c '$_id'"
		done
		assert_fail tr run --bundle "$TR_TMP/b" "$_id"
		assert_contains "$output" "invalid container id" "run '$_id'"
	done
	assert_eq "$(ls -A "$TR_ROOT")" "" "nothing created in the state root"
	assert_no_file "${TR_ROOT%/*}/x"
	assert_eq "$(ls -A "$TR_TMP/cwd")" "" "nothing created in the cwd"
}

test_missing_id() {
	for _c in state start delete kill; do
		assert_fail tr "$_c" nosuch
		assert_contains "$output" "does not exist" "$_c of a missing id"
	done
	assert_fail tr kill nosuch 9
	assert_contains "$output" "does not exist"
	assert_exit 0 tr delete --force nosuch
	assert_exit 0 tr delete --force nosuch
	assert_eq "$(ls -A "$TR_ROOT")" "" "nothing created by the failed commands"
}

test_delete_created_kills_init() {
	require_cmd jq
	lc_bundle "$TR_TMP/b" touch /tmp/ran
	tr create --bundle "$TR_TMP/b" ${P}ctr
	_pid=$(lc_field ${P}ctr .pid)
	assert_ok tr delete ${P}ctr
	lc_wait lc_pid_gone "$_pid"
	assert_no_file "$TR_ROOT/${P}ctr"
	assert_no_file "$TR_TMP/b/rootfs/tmp/ran"
}

# ---------------------------------------------------------------- run

test_run_exit_status() {
	make_bundle "$TR_TMP/b" sh -c 'exit 42'
	assert_exit 42 tr run --bundle "$TR_TMP/b" ${P}ctr
	assert_eq "$(ls -A "$TR_ROOT")" "" "run deleted the container"
	make_bundle "$TR_TMP/z" true
	assert_exit 0 tr run --bundle "$TR_TMP/z" ${P}ctr
}

test_run_killed_by_signal() {
	make_bundle "$TR_TMP/b" sh -c 'kill -9 $$'
	# outside a pid namespace, so that sh is not the namespace's init (which ignores SIGKILL from inside)
	spec_set 'del(.linux.namespaces[] | select(.type == "pid"))'
	assert_exit 137 tr run --bundle "$TR_TMP/b" ${P}ctr
	spec_set '.process.args = ["sh", "-c", "kill -TERM $$"]'
	assert_exit 143 tr run --bundle "$TR_TMP/b" ${P}ctr
	assert_eq "$(ls -A "$TR_ROOT")" "" "run deleted the container"
}

test_run_forwards_signals() {
	lc_bundle "$TR_TMP/b" sh -c '
		trap "echo usr1 >>/tmp/got" USR1
		trap "echo term >>/tmp/got; exit 7" TERM
		touch /tmp/ready
		while :; do sleep 0.1; done'
	"$TINYRUN" --root "$TR_ROOT" run --bundle "$TR_TMP/b" ${P}ctr </dev/null >"$TR_TMP/out" 2>&1 &
	_rp=$!
	lc_wait test -f "$TR_TMP/b/rootfs/tmp/ready"
	kill -USR1 "$_rp"
	lc_wait grep -qx usr1 "$TR_TMP/b/rootfs/tmp/got"
	kill -0 "$_rp" || fail "run exited after USR1"
	kill -TERM "$_rp"
	if wait "$_rp"; then _rc=0; else _rc=$?; fi
	assert_eq "$_rc" 7 "run exits with the status of the container that trapped TERM"
	assert_eq "$(cat "$TR_TMP/b/rootfs/tmp/got")" "usr1
term" "signals reached the container in order"
	assert_eq "$(ls -A "$TR_ROOT")" "" "run deleted the container"
}

test_run_detach() {
	require_cmd jq
	make_bundle "$TR_TMP/b" sleep 1000
	# the container inherits stdout: a file, so that the caller does not wait for it
	tr run --detach --bundle "$TR_TMP/b" ${P}ctr >"$TR_TMP/out" 2>&1 </dev/null ||
		fail "run --detach failed: $(cat "$TR_TMP/out")"
	assert_eq "$(lc_field ${P}ctr .status)" running "run --detach returned while the container runs"
	_pid=$(lc_field ${P}ctr .pid)
	lc_pid_alive "$_pid" || fail "detached container is not alive"
	tr run -d --bundle "$TR_TMP/b" ${P}ctr2 >"$TR_TMP/out" 2>&1 </dev/null || fail "run -d: $(cat "$TR_TMP/out")"
	assert_eq "$(lc_field ${P}ctr2 .status)" running
	tr delete --force ${P}ctr
	tr delete --force ${P}ctr2
	lc_wait lc_pid_gone "$_pid"
}

test_run_keep() {
	require_cmd jq
	make_bundle "$TR_TMP/b" sh -c 'exit 3'
	assert_exit 3 tr run --keep --bundle "$TR_TMP/b" ${P}ctr
	assert_eq "$(lc_field ${P}ctr .status)" stopped "run --keep leaves a stopped container"
	assert_eq "$(lc_field ${P}ctr 'has("pid")')" false
	assert_ok tr list -q
	assert_eq "$output" ${P}ctr
	assert_ok tr delete ${P}ctr
	assert_eq "$(ls -A "$TR_ROOT")" "" "delete removed the kept container"
}

test_pid_file_exact() {
	require_cmd jq
	make_bundle "$TR_TMP/b" sleep 1000
	tr create --bundle "$TR_TMP/b" --pid-file "$TR_TMP/init.pid" ${P}ctr
	_pid=$(lc_field ${P}ctr .pid)
	assert_eq "$(cat "$TR_TMP/init.pid")" "$_pid" "pid file holds the init's pid"
	assert_eq "$(wc -c <"$TR_TMP/init.pid" | command tr -d ' ')" "${#_pid}" "pid file has no trailing newline"
	assert_eq "$(od -An -c "$TR_TMP/init.pid" | command tr -d ' \n')" "$_pid" "pid file bytes"
	tr delete ${P}ctr
	# a relative path is relative to the caller's cwd, not the bundle
	mkdir "$TR_TMP/cwd"
	(cd "$TR_TMP/cwd" && "$TINYRUN" --root "$TR_ROOT" create --bundle "$TR_TMP/b" --pid-file rel.pid ${P}ctr)
	_pid=$(lc_field ${P}ctr .pid)
	assert_file_exists "$TR_TMP/cwd/rel.pid"
	assert_no_file "$TR_TMP/b/rel.pid"
	assert_eq "$(cat "$TR_TMP/cwd/rel.pid")" "$_pid"
	tr delete ${P}ctr
	# run --detach writes one too
	(cd "$TR_TMP/cwd" && "$TINYRUN" --root "$TR_ROOT" run -d --bundle "$TR_TMP/b" --pid-file run.pid ${P}ctr) \
		>"$TR_TMP/out" 2>&1 </dev/null
	assert_eq "$(cat "$TR_TMP/cwd/run.pid")" "$(lc_field ${P}ctr .pid)" "run --pid-file"
	tr delete --force ${P}ctr
}

# ---------------------------------------------------------------- kill

test_kill_signals() {
	require_cmd jq
	lc_bundle "$TR_TMP/b" sh -c '
		for s in TERM USR1 USR2 HUP ALRM; do trap "echo $s >>/tmp/got" $s; done
		touch /tmp/ready
		while :; do sleep 0.1; done'
	tr create --bundle "$TR_TMP/b" ${P}ctr
	tr start ${P}ctr
	lc_wait test -f "$TR_TMP/b/rootfs/tmp/ready"
	_n=0
	# (not INT or QUIT: the runner starts cases in the background, where they are ignored, and a
	# shell cannot trap a signal ignored when it started)
	for _sig in "" USR1 SIGUSR2 1 SIGALRM; do
		_n=$((_n + 1))
		# shellcheck disable=SC2086
		assert_ok tr kill ${P}ctr $_sig
		lc_wait sh -c "[ \$(wc -l <'$TR_TMP/b/rootfs/tmp/got') -ge $_n ]"
	done
	assert_eq "$(command tr '\n' ' ' <"$TR_TMP/b/rootfs/tmp/got")" "TERM USR1 USR2 HUP ALRM " \
		"default TERM, names with and without SIG, numbers"
	assert_fail tr kill ${P}ctr NOSUCHSIG
	assert_contains "$output" "NOSUCHSIG" "unknown signal named"
	assert_fail tr kill ${P}ctr 0x
	assert_eq "$(lc_field ${P}ctr .status)" running "a refused kill changes nothing"
	_pid=$(lc_field ${P}ctr .pid)
	assert_ok tr kill ${P}ctr 9
	lc_wait lc_status_is ${P}ctr stopped
	lc_wait lc_pid_gone "$_pid"
	tr delete ${P}ctr
}

test_kill_all() {
	require_cmd jq
	make_bundle "$TR_TMP/b" sh -c 'trap "" TERM; sleep 1000 & sleep 1000 & wait'
	tr create --bundle "$TR_TMP/b" ${P}ctr
	tr start ${P}ctr
	_pid=$(lc_field ${P}ctr .pid)
	lc_wait sh -c "[ \$(cat /proc/$_pid/task/$_pid/children | wc -w) -eq 2 ]"
	_kids=$(cat "/proc/$_pid/task/$_pid/children")
	assert_ok tr kill --all ${P}ctr KILL
	for _k in $_pid $_kids; do lc_wait lc_pid_gone "$_k"; done
	lc_wait lc_status_is ${P}ctr stopped
	tr delete ${P}ctr
}

# ---------------------------------------------------------------- global options

test_root_keeps_containers_apart() {
	require_cmd jq
	make_bundle "$TR_TMP/b" sleep 1000
	_r2=$TR_TMP/root2
	tr create --bundle "$TR_TMP/b" ${P}one
	"$TINYRUN" --root "$_r2" create --bundle "$TR_TMP/b" ${P}two
	assert_ok tr list -q
	assert_eq "$output" ${P}one
	assert_ok "$TINYRUN" --root "$_r2" list -q
	assert_eq "$output" ${P}two
	assert_fail tr state ${P}two
	assert_contains "$output" "does not exist"
	assert_eq "$(lc_field ${P}two .status "$_r2")" created
	"$TINYRUN" --root "$_r2" delete ${P}two
	tr delete ${P}one
	assert_eq "$(ls -A "$_r2")" "" "root2 empty"
	rmdir "$_r2"
}

# The default cgroup is the id (as runc's): the same id under a second --root would share it, and
# deleting one would kill the other. The second create is refused instead; the first is untouched.
test_same_id_in_two_roots() {
	require_cmd jq
	make_bundle "$TR_TMP/b" sleep 1000
	_r2=$TR_TMP/root2
	tr create --bundle "$TR_TMP/b" ${P}one </dev/null >/dev/null 2>&1
	assert_fail "$TINYRUN" --root "$_r2" create --bundle "$TR_TMP/b" ${P}one </dev/null
	assert_contains "$output" "already has processes"
	assert_eq "$(ls -A "$_r2" 2>/dev/null)" "" "nothing left in root2"
	assert_eq "$(lc_field ${P}one .status)" created "root1's container untouched"
	tr delete ${P}one
	rm -rf "$_r2"
}

test_log_json() {
	require_cmd jq
	assert_fail "$TINYRUN" --root "$TR_ROOT" --log "$TR_TMP/log.json" --log-format json state nosuch
	assert_file_exists "$TR_TMP/log.json"
	assert_eq "$(wc -l <"$TR_TMP/log.json" | command tr -d ' ')" 1 "one line per error"
	assert_fail "$TINYRUN" --root "$TR_ROOT" --log "$TR_TMP/log.json" --log-format=json kill nosuch2 9
	assert_eq "$(wc -l <"$TR_TMP/log.json" | command tr -d ' ')" 2 "the log is appended to"
	_line=$(tail -n 1 "$TR_TMP/log.json")
	printf '%s' "$_line" | jq -e 'type == "object"' >/dev/null || fail "log line is not a JSON object: $_line"
	assert_eq "$(printf '%s' "$_line" | jq -r .level)" error "level"
	_msg=$(printf '%s' "$_line" | jq -r .msg)
	assert_contains "$_msg" nosuch2 "msg names the container"
	assert_contains "$_msg" "does not exist" "msg says what is wrong"
	lc_rfc3339 "$(printf '%s' "$_line" | jq -r .time)"
	assert_eq "$(printf '%s' "$_line" | jq -r 'keys | sort | join(",")')" "level,msg,time" "exactly level, msg, time"
	# a message with quotes stays valid JSON
	assert_fail "$TINYRUN" --root "$TR_ROOT" --log "$TR_TMP/log.json" --log-format json no-such-cmd
	tail -n 1 "$TR_TMP/log.json" | jq -e '.msg | test("no-such-cmd")' >/dev/null ||
		fail "bad JSON line for a message with quotes: $(tail -n 1 "$TR_TMP/log.json")"
	# a successful command logs no error
	assert_ok "$TINYRUN" --root "$TR_ROOT" --log "$TR_TMP/log.json" --log-format json list
	assert_eq "$(jq -r 'select(.level == "error") | .msg' "$TR_TMP/log.json" | wc -l | command tr -d ' ')" 3
}

test_log_text() {
	assert_fail "$TINYRUN" --root "$TR_ROOT" --log "$TR_TMP/log.txt" state nosuch
	assert_contains "$output" "does not exist" "the error is still on stderr"
	_line=$(tail -n 1 "$TR_TMP/log.txt")
	assert_match "$_line" '^time="[0-9T:.Z+-]+" level=error msg=".*nosuch.*does not exist.*"$' "text log line"
	lc_rfc3339 "$(printf '%s\n' "$_line" | sed 's/^time="\([^"]*\)".*/\1/')"
	assert_fail "$TINYRUN" --root "$TR_ROOT" --log-format yaml list
	assert_contains "$output" "yaml"
}

test_systemd_cgroup_refused() {
	make_bundle "$TR_TMP/b" true
	assert_fail tr --systemd-cgroup create --bundle "$TR_TMP/b" ${P}ctr
	assert_contains "$output" "systemd-cgroup" "the message names the option"
	assert_contains "$output" "not supported"
	assert_eq "$(ls -A "$TR_ROOT")" "" "nothing created"
}

# ---------------------------------------------------------------- concurrency

test_parallel_creates_of_different_ids() {
	make_bundle "$TR_TMP/b" sleep 1000
	_pids=
	for _i in 1 2 3 4 5 6 7 8 9 10; do
		"$TINYRUN" --root "$TR_ROOT" create --bundle "$TR_TMP/b" "${P}par$_i" >"$TR_TMP/c$_i.out" 2>&1 &
		_pids="$_pids $!"
	done
	_bad=0
	for _p in $_pids; do wait "$_p" || _bad=$((_bad + 1)); done
	[ $_bad -eq 0 ] || fail "$_bad parallel creates failed: $(cat "$TR_TMP"/c*.out)"
	assert_ok tr list -q
	assert_eq "$(printf '%s\n' "$output" | wc -l | command tr -d ' ')" 10 "list shows 10 containers"
	for _i in 1 2 3 4 5 6 7 8 9 10; do
		assert_eq "$(lc_field "${P}par$_i" .status)" created "${P}par$_i"
		tr delete "${P}par$_i"
	done
	assert_eq "$(ls -A "$TR_ROOT")" ""
}

test_parallel_creates_of_one_id() {
	require_cmd jq
	make_bundle "$TR_TMP/b" sleep 1000
	_pids=
	for _i in 1 2 3 4 5; do
		"$TINYRUN" --root "$TR_ROOT" create --bundle "$TR_TMP/b" ${P}same >"$TR_TMP/c$_i.out" 2>&1 &
		_pids="$_pids $!"
	done
	_ok=0
	for _p in $_pids; do
		if wait "$_p"; then _ok=$((_ok + 1)); fi
	done
	assert_eq "$_ok" 1 "exactly one of 5 creates of the same id succeeds"
	assert_eq "$(cat "$TR_TMP"/c*.out | grep -c 'already exists')" 4 "the others say 'already exists'"
	assert_eq "$(ls -A "$TR_ROOT")" "${P}same" "one state directory"
	assert_ok tr list -q
	assert_eq "$output" ${P}same
	assert_eq "$(lc_field ${P}same .status)" created
	_pid=$(lc_field ${P}same .pid)
	lc_pid_alive "$_pid" || fail "the winner's init is gone"
	# no init of a loser left: only one process runs the runtime from this bundle's create
	_n=0
	for _p in $(ls /proc | grep -E '^[0-9]+$'); do
		if command tr '\0' '\n' <"/proc/$_p/environ" 2>/dev/null | grep -qx "TR_CASE_ID=$TR_CASE_ID" &&
			[ "$(readlink "/proc/$_p/exe" 2>/dev/null)" = "$(readlink -f "$TINYRUN")" ]; then
			_n=$((_n + 1))
		fi
	done
	assert_eq "$_n" 1 "one runtime process (the winner's init) is left"
	tr start ${P}same
	assert_eq "$(lc_field ${P}same .status)" running
	tr delete --force ${P}same
	assert_eq "$(ls -A "$TR_ROOT")" ""
}

# ---------------------------------------------------------------- stdio and fds

test_stdio_of_run() {
	make_bundle "$TR_TMP/b" sh -c 'echo to-out; echo to-err >&2; exit 0'
	tr run --bundle "$TR_TMP/b" ${P}ctr >"$TR_TMP/out" 2>"$TR_TMP/err" </dev/null
	assert_eq "$(cat "$TR_TMP/out")" to-out "stdout reaches run's caller"
	assert_eq "$(cat "$TR_TMP/err")" to-err "stderr reaches run's caller"
	# stdin too
	spec_set '.process.args = ["sh", "-c", "read l; echo got:$l"]'
	assert_eq "$(echo hello | tr run --bundle "$TR_TMP/b" ${P}ctr)" "got:hello" "stdin reaches the container"
}

test_stdio_of_create_start() {
	require_cmd jq
	make_bundle "$TR_TMP/b" sh -c 'echo to-out; echo to-err >&2'
	mkfifo "$TR_TMP/fifo"
	# as containerd does: create's stdio are the container's; start's are not
	tr create --bundle "$TR_TMP/b" ${P}ctr >"$TR_TMP/out" 2>"$TR_TMP/err" </dev/null
	assert_eq "$(cat "$TR_TMP/out")" "" "nothing written before start"
	tr start ${P}ctr >"$TR_TMP/start.out" 2>&1
	lc_wait lc_status_is ${P}ctr stopped
	assert_eq "$(cat "$TR_TMP/out")" to-out "stdout reaches create's caller"
	assert_eq "$(cat "$TR_TMP/err")" to-err "stderr reaches create's caller"
	assert_eq "$(cat "$TR_TMP/start.out")" "" "start's own output is empty"
	tr delete ${P}ctr
	# through a fifo, read by the test shell
	cat "$TR_TMP/fifo" >"$TR_TMP/fifo.out" &
	_cat=$!
	tr create --bundle "$TR_TMP/b" ${P}ctr >"$TR_TMP/fifo" 2>/dev/null </dev/null
	tr start ${P}ctr
	wait "$_cat"
	assert_eq "$(cat "$TR_TMP/fifo.out")" to-out "output through a fifo"
	lc_wait lc_status_is ${P}ctr stopped
	tr delete ${P}ctr
}

# lc_fds PID: the fds of PID as the host sees them, on one line
lc_fds() {
	echo $(ls "/proc/$1/fd" | sort -n)
}

# lc_sleeping ID: the container's process is its `sleep` (the init has executed it)
lc_sleeping() {
	_sp=$(lc_field "$1" .pid)
	[ "$(command tr '\0' ' ' <"/proc/$_sp/cmdline")" = "sleep 1000 " ]
}

test_only_stdio_fds_by_default() {
	require_cmd jq
	make_bundle "$TR_TMP/b" sleep 1000
	tr create --bundle "$TR_TMP/b" ${P}ctr 5>"$TR_TMP/f5" 7>"$TR_TMP/f7" </dev/null >"$TR_TMP/out" 2>&1
	tr start ${P}ctr
	lc_wait lc_sleeping ${P}ctr
	assert_eq "$(lc_fds "$(lc_field ${P}ctr .pid)")" "0 1 2" "the container's process has only fds 0, 1, 2"
	tr delete --force ${P}ctr
	# seen from inside: ls has 0, 1, 2 and its own directory fd
	spec_set '.process.args = ["ls", "/proc/self/fd"]'
	exec 5>"$TR_TMP/f5" 7>"$TR_TMP/f7"
	assert_ok tr run --bundle "$TR_TMP/b" ${P}ctr
	exec 5>&- 7>&-
	assert_eq "$(echo $output)" "0 1 2 3" "ls sees 0 1 2 and its own directory fd"
}

test_preserve_fds() {
	require_cmd jq
	make_bundle "$TR_TMP/b" sleep 1000
	tr create --preserve-fds 2 --bundle "$TR_TMP/b" ${P}ctr 3>"$TR_TMP/f3" 4>"$TR_TMP/f4" 5>"$TR_TMP/f5" \
		8>"$TR_TMP/f8" </dev/null >"$TR_TMP/out" 2>&1
	tr start ${P}ctr
	lc_wait lc_sleeping ${P}ctr
	_pid=$(lc_field ${P}ctr .pid)
	assert_eq "$(lc_fds "$_pid")" "0 1 2 3 4" "create --preserve-fds 2: fds 3 and 4 passed, 5 and 8 not"
	assert_eq "$(readlink "/proc/$_pid/fd/3")" "$TR_TMP/f3" "fd 3 is the caller's fd 3"
	assert_eq "$(readlink "/proc/$_pid/fd/4")" "$TR_TMP/f4" "fd 4 is the caller's fd 4"
	tr delete --force ${P}ctr
	# run, in the foreground
	"$TINYRUN" --root "$TR_ROOT" run --preserve-fds 1 --bundle "$TR_TMP/b" ${P}ctr 3>"$TR_TMP/f3" \
		4>"$TR_TMP/f4" </dev/null >"$TR_TMP/out" 2>&1 &
	_rp=$!
	lc_wait lc_sleeping ${P}ctr
	_pid=$(lc_field ${P}ctr .pid)
	assert_eq "$(lc_fds "$_pid")" "0 1 2 3" "run --preserve-fds 1: fd 3 passed, 4 not"
	assert_eq "$(readlink "/proc/$_pid/fd/3")" "$TR_TMP/f3"
	tr kill ${P}ctr KILL
	if wait "$_rp"; then _rc=0; else _rc=$?; fi
	assert_eq "$_rc" 137 "run of a container killed by SIGKILL"
	# the container writes through a preserved fd
	spec_set '.process.args = ["sh", "-c", "echo through-3 >&3"]'
	assert_ok tr run --preserve-fds 1 --bundle "$TR_TMP/b" ${P}ctr 3>"$TR_TMP/g3"
	assert_eq "$(cat "$TR_TMP/g3")" through-3
	assert_eq "$(ls -A "$TR_ROOT")" ""
}
