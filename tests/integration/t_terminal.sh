# t_terminal.sh: process.terminal: the pty master sent to --console-socket, the foreground relay of
# `run`, and a terminal without a way to hand it over.

# The commands typed into the container's shell; the lines they print are looked for exactly, so the
# echo of the typed line itself never matches.
TERM_INPUT='echo hi; tty; test -c /dev/console && echo console-ok; [ "$(stat -L -c %d /proc/self/fd/0)" = "$(stat -c %d /dev/pts)" ] && echo own-devpts; exit 3'

# write_pty_helper: $TR_TMP/tr_pty_helper.py, a python3 helper.
#   tr_pty_helper.py recv SOCKET OUT: accept one connection on the unix socket SOCKET, take the fds and the
#     payload of one message (OUT.meta gets "NFDS PAYLOAD"), type $TERM_INPUT into the master once
#     the shell's prompt shows, and copy what the master gives until the far side closes to OUT.
#   tr_pty_helper.py run OUT CMD...: run CMD on a new pty, type $TERM_INPUT at the prompt, copy the output to
#     OUT, and write CMD's exit status to OUT.status.
write_pty_helper() {
	require_cmd python3
	python3 -c 'import socket; socket.recv_fds' 2>/dev/null || skip "python3 lacks socket.recv_fds (3.9+)"
	cat >"$TR_TMP/tr_pty_helper.py" <<'EOF'
import os, pty, select, socket, sys, time

def converse(fd, text, out):
    data, sent, deadline = b"", False, time.time() + 20
    while time.time() < deadline:
        if not sent and b"# " in data:
            os.write(fd, text.encode() + b"\n")
            sent = True
        r, _, _ = select.select([fd], [], [], 0.5)
        if not r:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the slave side is closed
            break
        if not chunk:
            break
        data += chunk
    with open(out, "wb") as f:
        f.write(data)

text = os.environ["TERM_INPUT"]
if sys.argv[1] == "recv":
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(sys.argv[2])
    srv.listen(1)
    srv.settimeout(30)
    conn, _ = srv.accept()
    msg, fds, _, _ = socket.recv_fds(conn, 4096, 16)
    with open(sys.argv[3] + ".meta", "w") as f:
        f.write("%d %s\n" % (len(fds), msg.decode(errors="replace")))
    conn.close()
    if fds:
        converse(fds[0], text, sys.argv[3])
else:
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(sys.argv[3], sys.argv[3:])
    converse(fd, text, sys.argv[2])
    _, st = os.waitpid(pid, 0)
    with open(sys.argv[2] + ".status", "w") as f:
        f.write("%d\n" % os.waitstatus_to_exitcode(st))
EOF
	export TERM_INPUT
}

# out_lines FILE: FILE without carriage returns.
out_lines() {
	command tr -d '\r' <"$1"
}

test_console_socket_gets_pty_master() {
	write_pty_helper
	make_bundle "$TR_TMP/b" sh
	spec_set '.process.terminal = true'
	python3 "$TR_TMP/tr_pty_helper.py" recv "$TR_TMP/console.sock" "$TR_TMP/out" &
	echo $! >"$TR_TMP/helper.pid"
	_i=0
	while [ ! -S "$TR_TMP/console.sock" ]; do
		_i=$((_i + 1))
		[ $_i -lt 100 ] || fail "the receiver did not listen"
		sleep 0.05
	done
	assert_ok tr create --console-socket "$TR_TMP/console.sock" --bundle "$TR_BUNDLE" term-sock
	assert_ok tr start term-sock
	wait "$(cat "$TR_TMP/helper.pid")" || fail "the receiver failed"
	rm "$TR_TMP/helper.pid"
	tr delete --force term-sock
	read -r _nfds _name <"$TR_TMP/out.meta"
	assert_eq "$_nfds" 1 "number of fds passed"
	assert_match "$_name" '^/dev/pts/[0-9]+$' "payload is the pty's name"
	_out=$(out_lines "$TR_TMP/out")
	assert_match "$_out" '^hi$' "the typed command ran"
	assert_match "$_out" "^$_name\$" "tty prints the name that was sent"
	assert_match "$_out" '^console-ok$' "/dev/console exists"
	assert_match "$_out" '^own-devpts$' "the pty is on the container's devpts"
}

test_run_foreground_relays_terminal() {
	write_pty_helper
	make_bundle "$TR_TMP/b" sh
	spec_set '.process.terminal = true'
	python3 "$TR_TMP/tr_pty_helper.py" run "$TR_TMP/out" "$TINYRUN" --root "$TR_ROOT" run --bundle "$TR_BUNDLE" term-run
	_out=$(out_lines "$TR_TMP/out")
	assert_match "$_out" '^hi$' "the typed command ran: $_out"
	assert_match "$_out" '^/dev/pts/[0-9]+$' "tty names a pty"
	assert_match "$_out" '^console-ok$' "/dev/console exists"
	assert_match "$_out" '^own-devpts$' "the pty is on the container's devpts"
	assert_eq "$(cat "$TR_TMP/out.status")" 3 "run exits with the container's status"
	assert_eq "$(ls -A "$TR_ROOT")" "" "run removed the container"
}

test_terminal_without_console_socket_refused() {
	make_bundle "$TR_TMP/b" sh
	spec_set '.process.terminal = true'
	assert_fail tr create --bundle "$TR_BUNDLE" term-nosock
	assert_contains "$output" "process.terminal" "the error names process.terminal"
	assert_contains "$output" "--console-socket" "the error names --console-socket"
	assert_fail tr state term-nosock
}

test_console_socket_without_terminal_refused() {
	make_bundle "$TR_TMP/b" sh
	assert_fail tr create --console-socket "$TR_TMP/none.sock" --bundle "$TR_BUNDLE" term-noterm
	assert_contains "$output" "--console-socket" "the error names --console-socket"
	assert_fail tr state term-noterm
}

teardown() {
	if [ -f "$TR_TMP/helper.pid" ]; then kill "$(cat "$TR_TMP/helper.pid")" 2>/dev/null; fi
	for _id in $(ls "$TR_ROOT" 2>/dev/null); do tr delete --force "$_id" >/dev/null 2>&1; done
	return 0
}
