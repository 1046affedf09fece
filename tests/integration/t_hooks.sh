# t_hooks.sh: the six OCI hook kinds on real containers: when each runs, in which namespace its path
# resolves, what it gets (state JSON on stdin, args with args[0] as argv0, env), and what a failing or
# slow hook does to the command.

# hk_script FILE: a hook that appends its kind (first argument) to DIR/order, keeps its stdin in
# DIR/KIND.json and its HOOKVAR in DIR/KIND.env; DIR is the second argument.
hk_script() {
	cat >"$1" <<'EOF'
#!/bin/sh
cat >"$2/$1.json"
printf '%s\n' "${HOOKVAR-unset}" >"$2/$1.env"
printf '%s\n' "$1" >>"$2/order"
EOF
	chmod 755 "$1"
}

# hk_json KIND PATH ARGS_JSON_EXTRA: the hooks entry for KIND
hk_entry() {
	printf '{"path": "%s", "args": ["hook.sh", "%s", "%s"], "env": ["HOOKVAR=%s-var", "PATH=/bin:/usr/bin"]}' \
		"$2" "$1" "$3" "$1"
}

hk_wait() {
	_hw=0
	while ! "$@" >/dev/null 2>&1; do
		_hw=$((_hw + 1))
		[ $_hw -ge 100 ] && fail "timed out waiting for: $*"
		sleep 0.1
	done
	return 0
}

hk_status_is() {
	[ "$(tr state "$1" | jq -r .status)" = "$2" ]
}

hk_pid_gone() {
	! [ -d "/proc/$1" ] || grep -q '^State:[[:space:]]*[ZX]' "/proc/$1/status" 2>/dev/null
}

# hk_create ARGS...: `tinyrun create ARGS` with its output in a file: the container's init keeps
# create's stdout and stderr open, so a $(...) around create would wait for the container to exit.
hk_create() {
	tr create "$@" </dev/null >"$TR_TMP/create.out" 2>&1 || fail "create $* failed: $(cat "$TR_TMP/create.out")"
}

# Container ids are unique to the case (see t_lifecycle.sh).
setup() {
	P=tinyrun-${TR_CASE_ID%-*}-h-
}

teardown() {
	for _id in $(tr list -q 2>/dev/null); do tr delete --force "$_id" >/dev/null 2>&1; done
	return 0
}

test_all_hooks_order_stdin_args_env() {
	require_cmd jq
	make_bundle "$TR_TMP/b" sh -c 'echo user >>/logdir/order; exec sleep 1000'
	# the runtime's hooks use a script outside the rootfs; startContainer's path is inside the
	# container (/hook.sh), its log directory is bind-mounted there at /logdir
	mkdir "$TR_TMP/log"
	hk_script "$TR_TMP/hook.sh"
	hk_script "$TR_BUNDLE/rootfs/hook.sh"
	_L=$TR_TMP/log
	_h=$TR_TMP/hook.sh
	spec_set '.mounts += [{"destination": "/logdir", "type": "bind", "source": $l, "options": ["rbind", "rw"]}]' \
		--arg l "$_L"
	spec_set ".hooks = {
		\"prestart\": [$(hk_entry prestart "$_h" "$_L")],
		\"createRuntime\": [$(hk_entry createRuntime "$_h" "$_L")],
		\"createContainer\": [$(hk_entry createContainer "$_h" "$_L")],
		\"startContainer\": [$(hk_entry startContainer /hook.sh /logdir)],
		\"poststart\": [$(hk_entry poststart "$_h" "$_L")],
		\"poststop\": [$(hk_entry poststop "$_h" "$_L")]
	}"
	assert_no_file "$TR_BUNDLE/rootfs$_h"
	hk_create --bundle "$TR_TMP/b" ${P}hk
	assert_eq "$(command tr '\n' ' ' <"$_L/order")" "prestart createRuntime createContainer " \
		"hooks run at create, in order"
	_pid=$(tr state ${P}hk | jq -r .pid)
	assert_ok tr start ${P}hk
	hk_wait grep -qx user "$_L/order"
	hk_wait grep -qx poststart "$_L/order"
	assert_eq "$(command tr '\n' ' ' <"$_L/order")" \
		"prestart createRuntime createContainer startContainer user poststart " \
		"startContainer before the user process, poststart after start"
	assert_ok tr kill ${P}hk KILL
	hk_wait hk_status_is ${P}hk stopped
	assert_no_file "$_L/poststop.json"
	assert_ok tr delete ${P}hk
	assert_eq "$(command tr '\n' ' ' <"$_L/order")" \
		"prestart createRuntime createContainer startContainer user poststart poststop " \
		"poststop runs at delete"
	assert_no_file "$TR_ROOT/${P}hk"

	for _k in prestart:creating createRuntime:creating createContainer:creating \
		startContainer:created poststart:running poststop:stopped; do
		_kind=${_k%%:*}
		_f=$_L/$_kind.json
		jq -e . "$_f" >/dev/null || fail "$_kind: stdin is not JSON: $(cat "$_f")"
		assert_eq "$(jq -r .id "$_f")" ${P}hk "$_kind: id"
		assert_eq "$(jq -r .status "$_f")" "${_k#*:}" "$_kind: status"
		assert_eq "$(jq -r .bundle "$_f")" "$TR_BUNDLE" "$_kind: bundle"
		assert_match "$(jq -r .ociVersion "$_f")" '^1\.' "$_kind: ociVersion"
		if [ "$_kind" != poststop ]; then
			assert_eq "$(jq -r .pid "$_f")" "$_pid" "$_kind: pid (as the host sees it)"
		fi
		assert_eq "$(cat "$_L/$_kind.env")" "$_kind-var" "$_kind: env from the spec"
	done
}

test_hook_argv0_and_env_replace() {
	require_cmd jq
	make_bundle "$TR_TMP/b" true
	# busybox picks its applet from argv[0]: with anything but args[0] as argv0 the hook fails
	spec_set '.hooks.createRuntime = [{"path": $bb, "args": ["sh", "-c",
		"printf \"%s|%s|%s|%s\\n\" \"$0\" \"$1\" \"${HOOKVAR-}\" \"${TR_CASE_ID-none}\" >\"$2\"",
		"my-argv0", "first arg", $out], "env": ["HOOKVAR=v1"]}]' \
		--arg bb "$(busybox_path)" --arg out "$TR_TMP/argv"
	hk_create --bundle "$TR_TMP/b" ${P}hk
	assert_eq "$(cat "$TR_TMP/argv")" "my-argv0|first arg|v1|none" \
		"args[0] is argv0, args follow, env is the hook's only environment"
	tr delete ${P}hk
}

test_failing_create_runtime_hook() {
	require_cmd jq
	make_bundle "$TR_TMP/b" sleep 1000
	cat >"$TR_TMP/fail.sh" <<'EOF'
#!/bin/sh
cat >"$1/stdin.json"
exit 3
EOF
	chmod 755 "$TR_TMP/fail.sh"
	spec_set '.hooks.createRuntime = [{"path": $p, "args": ["fail.sh", $d]}]' \
		--arg p "$TR_TMP/fail.sh" --arg d "$TR_TMP"
	assert_fail tr create --bundle "$TR_TMP/b" ${P}hk
	assert_contains "$output" "hooks.createRuntime[0]" "the error names the hook"
	assert_contains "$output" "3" "the error gives the exit status"
	_pid=$(jq -r .pid "$TR_TMP/stdin.json")
	assert_match "$_pid" '^[1-9][0-9]*$' "createRuntime's state has the init's pid"
	hk_wait hk_pid_gone "$_pid"
	assert_eq "$(ls -A "$TR_ROOT")" "" "no state left"
	assert_fail tr state ${P}hk
	assert_contains "$output" "does not exist"
	# a missing hook binary fails the same way
	spec_set '.hooks.createRuntime = [{"path": "/nonexistent/hook"}]'
	assert_fail tr create --bundle "$TR_TMP/b" ${P}hk
	assert_contains "$output" "hooks.createRuntime[0]"
	assert_contains "$output" "/nonexistent/hook"
	assert_eq "$(ls -A "$TR_ROOT")" "" "no state left"
}

test_failing_create_container_hook() {
	make_bundle "$TR_TMP/b" sleep 1000
	spec_set '.hooks.createContainer = [{"path": "/bin/false"}]'
	assert_fail tr create --bundle "$TR_TMP/b" ${P}hk
	assert_contains "$output" "hooks.createContainer[0]"
	assert_eq "$(ls -A "$TR_ROOT")" "" "no state left"
}

test_hook_timeout() {
	require_cmd jq
	make_bundle "$TR_TMP/b" sleep 1000
	cat >"$TR_TMP/slow.sh" <<'EOF'
#!/bin/sh
echo $$ >"$1/slow.pid"
exec sleep 60
EOF
	chmod 755 "$TR_TMP/slow.sh"
	spec_set '.hooks.createRuntime = [{"path": $p, "args": ["slow.sh", $d], "timeout": 1}]' \
		--arg p "$TR_TMP/slow.sh" --arg d "$TR_TMP"
	_t0=$(date +%s)
	assert_fail tr create --bundle "$TR_TMP/b" ${P}hk
	_t1=$(date +%s)
	assert_contains "$output" "hooks.createRuntime[0]"
	assert_contains "$output" "timed out" "the error names the timeout"
	[ $((_t1 - _t0)) -lt 15 ] || fail "create took $((_t1 - _t0)) s with a 1 s hook timeout"
	hk_wait hk_pid_gone "$(cat "$TR_TMP/slow.pid")"
	assert_eq "$(ls -A "$TR_ROOT")" "" "no state left"
}

test_failing_poststart_and_poststop_only_warn() {
	require_cmd jq
	make_bundle "$TR_TMP/b" sleep 1000
	spec_set '.hooks.poststart = [{"path": "/bin/false"}] | .hooks.poststop = [{"path": "/bin/false"}]'
	tr create --bundle "$TR_TMP/b" ${P}hk
	tr start ${P}hk 2>"$TR_TMP/start.err" || fail "start failed because of a poststart hook: $(cat "$TR_TMP/start.err")"
	assert_contains "$(cat "$TR_TMP/start.err")" "warning" "poststart failure warns"
	assert_contains "$(cat "$TR_TMP/start.err")" "hooks.poststart[0]"
	assert_eq "$(tr state ${P}hk | jq -r .status)" running "container keeps running"
	tr delete --force ${P}hk 2>"$TR_TMP/delete.err" || fail "delete failed because of a poststop hook: $(cat "$TR_TMP/delete.err")"
	assert_contains "$(cat "$TR_TMP/delete.err")" "warning" "poststop failure warns"
	assert_contains "$(cat "$TR_TMP/delete.err")" "hooks.poststop[0]"
	assert_eq "$(ls -A "$TR_ROOT")" "" "the container is gone anyway"
}

test_start_container_hook_failure_fails_start() {
	require_cmd jq
	make_bundle "$TR_TMP/b" sh -c 'echo ran >/tmp/ran'
	spec_set '.root.readonly = false | .hooks.startContainer = [{"path": "/bin/false"}]'
	tr create --bundle "$TR_TMP/b" ${P}hk
	assert_fail tr start ${P}hk
	assert_contains "$output" "hooks.startContainer[0]"
	assert_no_file "$TR_BUNDLE/rootfs/tmp/ran"
	hk_wait hk_status_is ${P}hk stopped
	tr delete ${P}hk
}
