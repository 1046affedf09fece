# t_exec.sh: tinyrun exec: a process joins a running container's namespaces, root and settings.

# make_ctr_bundle [ARGS]: the bundle $TR_TMP/b running ARGS (default: sleep 1000), with a file that
# exists only in its rootfs; sets ID. start_ctr: run it detached (spec_set may edit it in between),
# sets INIT to its init's pid.
make_ctr_bundle() {
	ID=tinyrun-exec-$$
	if [ $# -gt 0 ]; then make_bundle "$TR_TMP/b" "$@"; else make_bundle "$TR_TMP/b" sleep 1000; fi
	echo "only in the rootfs" >"$TR_TMP/b/rootfs/only-here"
}
start_ctr() {
	tr run -d --bundle "$TR_TMP/b" "$ID" </dev/null >/dev/null 2>&1 || fail "tinyrun run -d failed"
	INIT=$(tr state "$ID" | sed -n 's/^ *"pid": *\([0-9]*\).*/\1/p')
	[ -n "$INIT" ] || fail "no pid in the state of $ID"
}

teardown() {
	for _d in "$TR_ROOT"/*; do
		[ -d "$_d" ] && tr delete --force "${_d##*/}" >/dev/null 2>&1
	done
	cg_rmdir_new
	return 0
}

# cap_bit HEXMASK N: 1 if bit N of the mask is set
cap_bit() {
	echo $(((0x$1 >> $2) & 1))
}

test_exec_sees_hostname_rootfs_and_pid_namespace() {
	make_ctr_bundle
	start_ctr
	assert_ok tr exec "$ID" hostname
	assert_eq "$output" tinyrun "hostname of the container's uts namespace"
	assert_ok tr exec "$ID" cat /only-here
	assert_eq "$output" "only in the rootfs" "the container's root, not the host's"
	assert_ok tr exec "$ID" ps -o pid,args
	assert_match "$output" '^ *1 +sleep 1000$' "pid 1 in the container's pid namespace is its init"
	assert_ok tr exec "$ID" readlink /proc/self/ns/pid
	assert_eq "$output" "$(readlink "/proc/$INIT/ns/pid")" "same pid namespace as the init"
	assert_ok tr exec "$ID" readlink /proc/self/ns/mnt
	assert_eq "$output" "$(readlink "/proc/$INIT/ns/mnt")" "same mount namespace as the init"
	assert_ok tr exec "$ID" readlink /proc/self/ns/net
	assert_eq "$output" "$(readlink "/proc/$INIT/ns/net")" "same network namespace as the init"
}

test_exec_no_pivot_root() {
	# with --no-pivot the init's root is a chroot that setns(mnt) alone does not enter
	make_ctr_bundle
	tr run -d --no-pivot --bundle "$TR_TMP/b" "$ID" </dev/null >/dev/null 2>&1 || fail "run --no-pivot failed"
	assert_ok tr exec "$ID" cat /only-here
	assert_eq "$output" "only in the rootfs" "exec enters the init's root"
}

test_exec_joins_cgroup() {
	make_ctr_bundle
	_cg=$(cg_abs_path ctr)
	cg_note_path "$_cg"
	spec_set '.linux.cgroupsPath=$p' --arg p "$_cg"
	if ! tr run -d --bundle "$TR_TMP/b" "$ID" </dev/null >"$TR_TMP/run.out" 2>&1; then
		grep -q "built without cgroups" "$TR_TMP/run.out" && skip "no cgroup support in this build"
		fail "run with a cgroupsPath failed: $(cat "$TR_TMP/run.out")"
	fi
	INIT=$(tr state "$ID" | sed -n 's/^ *"pid": *\([0-9]*\).*/\1/p')
	assert_ok tr exec "$ID" cat /proc/self/cgroup
	assert_eq "$output" "$(cat "/proc/$INIT/cgroup")" "the exec'd process is in the init's cgroups"
	assert_contains "$output" "$_cg"
}

test_exec_env_and_cwd() {
	make_ctr_bundle
	start_ctr
	assert_ok tr exec --env FOO=bar -e PATH=/bin:/sbin --cwd /tmp "$ID" sh -c 'echo "$FOO|$PATH|$TERM"; pwd'
	assert_eq "$output" "bar|/bin:/sbin|xterm
/tmp" "--env adds and overrides, the container's env stays, --cwd"
	# without --cwd: the container's process.cwd
	assert_ok tr exec "$ID" pwd
	assert_eq "$output" "/"
	assert_fail tr exec --env NOEQUALS "$ID" true
	assert_contains "$output" "--env"
}

test_exec_user_and_groups() {
	make_ctr_bundle
	start_ctr
	assert_ok tr exec --user 1000:1000 "$ID" id
	assert_match "$output" '^uid=1000\(test\) gid=1000\(test\)' "--user 1000:1000"
	assert_ok tr exec -u 1000 -g 5 -g 7 "$ID" id -G
	assert_eq "$output" "0 5 7" "--user UID keeps the container's gid 0; -g adds groups"
	assert_ok tr exec "$ID" id -u
	assert_eq "$output" 0 "without --user: the container's user"
}

test_exec_cap_adds_capability() {
	make_ctr_bundle
	start_ctr
	assert_ok tr exec "$ID" sed -n 's/^CapEff:[[:space:]]*//p' /proc/self/status
	assert_eq "$(cap_bit "$output" 21)" 0 "CAP_SYS_ADMIN is not in the container's set"
	assert_eq "$(cap_bit "$output" 5)" 1 "CAP_KILL is in the container's set"
	assert_ok tr exec --cap CAP_SYS_ADMIN "$ID" sh -c 'grep -E "^Cap(Eff|Prm|Bnd)" /proc/self/status'
	for _set in Eff Prm Bnd; do
		_mask=$(printf '%s\n' "$output" | sed -n "s/^Cap$_set:[[:space:]]*//p")
		assert_eq "$(cap_bit "$_mask" 21)" 1 "--cap CAP_SYS_ADMIN is in Cap$_set ($_mask)"
		assert_eq "$(cap_bit "$_mask" 5)" 1 "CAP_KILL stays in Cap$_set ($_mask)"
	done
	assert_fail tr exec --cap CAP_NO_SUCH "$ID" true
	assert_contains "$output" "CAP_NO_SUCH"
}

test_exec_no_new_privs() {
	make_ctr_bundle
	spec_set '.process.noNewPrivileges=false'
	start_ctr
	assert_ok tr exec "$ID" sed -n 's/^NoNewPrivs:[[:space:]]*//p' /proc/self/status
	assert_eq "$output" 0 "the container's process.noNewPrivileges (false)"
	assert_ok tr exec --no-new-privs "$ID" sed -n 's/^NoNewPrivs:[[:space:]]*//p' /proc/self/status
	assert_eq "$output" 1 "--no-new-privs"
}

test_exec_exit_status_and_signals() {
	make_ctr_bundle
	start_ctr
	assert_exit 7 tr exec "$ID" sh -c 'exit 7'
	assert_exit 0 tr exec "$ID" true
	# killed by SIGTERM: 128+15
	assert_exit 143 tr exec "$ID" sh -c 'kill -TERM $$'
	# a signal sent to exec in the foreground is forwarded to the process
	"$TINYRUN" --root "$TR_ROOT" exec "$ID" sleep 567 </dev/null >/dev/null 2>&1 &
	_pid=$!
	_i=0
	until tr exec "$ID" ps -o args | grep -q '^sleep 567$'; do
		_i=$((_i + 1))
		[ $_i -lt 50 ] || { kill -9 $_pid; fail "the exec'd sleep did not start"; }
		sleep 0.1
	done
	kill -USR1 $_pid
	_st=0
	wait $_pid || _st=$?
	assert_eq "$_st" 138 "SIGUSR1 forwarded: the process died of it, exec exits 128+10"
	run tr exec "$ID" ps -o args
	assert_not_contains "$output" "sleep 567" "the process is gone"
}

test_exec_fds() {
	make_ctr_bundle
	start_ctr
	echo "from fd 3" >"$TR_TMP/fd3"
	# only 0-2 reach the process (ls's own directory fd is the 3 it lists)...
	assert_ok tr exec "$ID" ls /proc/self/fd 3<"$TR_TMP/fd3"
	assert_eq "$(printf '%s\n' "$output" | command tr '\n' ' ')" "0 1 2 3 " "no fd of exec leaks in"
	# ...and --preserve-fds N passes 3..3+N-1
	assert_ok tr exec --preserve-fds 1 "$ID" sh -c 'cat <&3' 3<"$TR_TMP/fd3"
	assert_eq "$output" "from fd 3" "--preserve-fds 1 passes fd 3"
}

test_exec_missing_binary_fails() {
	make_ctr_bundle
	start_ctr
	assert_fail tr exec "$ID" no-such-binary-xyz
	assert_contains "$output" 'process.args[0]'
	assert_contains "$output" "no-such-binary-xyz"
	assert_fail tr exec "$ID" /no/such/file
	assert_contains "$output" "/no/such/file"
	assert_fail tr exec "$ID"
	assert_contains "$output" "missing"
}

test_exec_process_file() {
	require_cmd jq
	make_ctr_bundle
	start_ctr
	jq -n --arg case "TR_CASE_ID=${TR_CASE_ID:-}" '{
		args: ["sh", "-c", "echo $X; id -u; id -g; pwd"],
		env: ["X=from the file", "PATH=/bin", $case],
		cwd: "/tmp", user: { uid: 1000, gid: 1000 }, terminal: false }' >"$TR_TMP/proc.json"
	assert_ok tr exec --process "$TR_TMP/proc.json" "$ID"
	assert_eq "$output" "from the file
1000
1000
/tmp" "the process object from --process, not the container's"
	# validated fully: the error names the JSON path and the file
	jq '.rlimits = [{ type: "RLIMIT_BOGUS", hard: 1, soft: 1 }]' "$TR_TMP/proc.json" >"$TR_TMP/bad.json"
	assert_fail tr exec -p "$TR_TMP/bad.json" "$ID"
	assert_contains "$output" "rlimits[0].type"
	assert_contains "$output" "bad.json"
	jq '.cwd = "relative"' "$TR_TMP/proc.json" >"$TR_TMP/bad2.json"
	assert_fail tr exec -p "$TR_TMP/bad2.json" "$ID"
	assert_contains "$output" "cwd"
	assert_fail tr exec -p "$TR_TMP/no-such.json" "$ID"
	assert_contains "$output" "no-such.json"
}

test_exec_detach_pid_file() {
	make_ctr_bundle
	start_ctr
	tr exec --detach --pid-file "$TR_TMP/exec.pid" "$ID" sleep 789 </dev/null >/dev/null 2>&1 ||
		fail "exec --detach failed"
	_pid=$(cat "$TR_TMP/exec.pid")
	assert_match "$_pid" '^[0-9]+$' "the pid file holds a pid"
	assert_eq "$(wc -c <"$TR_TMP/exec.pid" | command tr -d ' ')" "${#_pid}" "no trailing newline"
	kill -0 "$_pid" || fail "pid $_pid from the pid file is not alive"
	assert_eq "$(cat "/proc/$_pid/cmdline" | command tr '\0' ' ')" "sleep 789 " "it is the exec'd process"
	assert_eq "$(readlink "/proc/$_pid/ns/pid")" "$(readlink "/proc/$INIT/ns/pid")" \
		"in the container's pid namespace"
	# delete --force takes the exec'd process with the container
	tr delete --force "$ID"
	_i=0
	while kill -0 "$_pid" 2>/dev/null && [ "$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$_pid/status" 2>/dev/null)" != Z ]; do
		_i=$((_i + 1))
		[ $_i -lt 50 ] || fail "the exec'd process survived delete --force"
		sleep 0.1
	done
}

test_exec_into_stopped_or_missing_container_fails() {
	assert_fail tr exec tinyrun-no-such-ctr true
	assert_contains "$output" "does not exist"
	make_ctr_bundle true
	ID=tinyrun-exec-stopped
	tr create --bundle "$TR_TMP/b" "$ID" </dev/null >/dev/null 2>&1
	tr start "$ID"
	_i=0
	until tr state "$ID" | grep -q '"status": "stopped"'; do
		_i=$((_i + 1))
		[ $_i -lt 50 ] || fail "the container did not stop"
		sleep 0.1
	done
	assert_fail tr exec "$ID" true
	assert_contains "$output" "container not running"
	tr delete "$ID"
}

test_exec_refuses_labels() {
	make_ctr_bundle
	start_ctr
	assert_fail tr exec --process-label system_u:system_r:container_t:s0 "$ID" true
	assert_contains "$output" "--process-label"
	assert_fail tr exec --apparmor unconfined "$ID" true
	assert_contains "$output" "--apparmor"
	# a terminal needs somewhere to go when detached
	assert_fail tr exec -d -t "$ID" true
	assert_contains "$output" "--console-socket"
	assert_fail tr exec --console-socket "$TR_TMP/x.sock" "$ID" true
	assert_contains "$output" "--console-socket"
}

test_exec_tty_console_socket() {
	require_cmd python3
	python3 -c 'import socket; socket.recv_fds' 2>/dev/null || skip "python3 without socket.recv_fds"
	make_ctr_bundle
	start_ctr
	# accepts one connection, takes the fd, prints the payload, whether the fd is a pty master
	# (a tty), and everything the process writes to it until its slave closes
	cat >"$TR_TMP/recv.py" <<'EOF'
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(1); s.settimeout(20)
c, _ = s.accept()
msg, fds, _, _ = socket.recv_fds(c, 1024, 4)
print("payload=" + msg.rstrip(b"\0").decode())
print("fds=%d tty=%s" % (len(fds), os.isatty(fds[0])))
out = b""
while True:
    try:
        b = os.read(fds[0], 4096)
    except OSError:
        break
    if not b:
        break
    out += b
print("output=" + out.decode().replace("\r", "").replace("\n", "|"))
EOF
	python3 "$TR_TMP/recv.py" "$TR_TMP/console.sock" >"$TR_TMP/recv.out" 2>&1 &
	_py=$!
	_i=0
	while [ ! -S "$TR_TMP/console.sock" ]; do
		_i=$((_i + 1))
		[ $_i -lt 100 ] || { kill $_py; fail "the socket receiver did not start"; }
		sleep 0.1
	done
	tr exec -d -t --console-socket "$TR_TMP/console.sock" "$ID" sh -c 'tty; echo hello' \
		</dev/null >/dev/null 2>&1 || { kill $_py; fail "exec --tty --console-socket failed"; }
	_st=0
	wait $_py || _st=$?
	_out=$(cat "$TR_TMP/recv.out")
	assert_eq "$_st" 0 "the receiver: $_out"
	assert_match "$_out" '^payload=/dev/pts/[0-9]+$' "the payload is the pty's name"
	assert_match "$_out" '^fds=1 tty=True$' "exactly one fd, a terminal"
	_name=$(printf '%s\n' "$_out" | sed -n 's/^payload=//p')
	assert_eq "$(printf '%s\n' "$_out" | sed -n 's/^output=//p')" "$_name|hello|" \
		"the process's tty is that pty, in the container's devpts"
}

test_exec_tty_foreground_relay() {
	make_ctr_bundle
	start_ctr
	assert_ok tr exec -t "$ID" sh -c 'tty; echo relayed' </dev/null
	assert_match "$output" '^/dev/pts/[0-9]+' "a pty of the container's devpts"
	assert_contains "$output" "relayed"
}

test_exec_help() {
	assert_ok tr exec --help
	assert_contains "$output" "--process"
	assert_contains "$output" "--console-socket"
}
