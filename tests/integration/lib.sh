# tests/integration/lib.sh: helpers for the integration tests (sourced, never run).
#
# POSIX sh; runs under bash, dash and busybox sh (the qemu VMs have only busybox).
# The runner (run.sh) sources this file, then one t_*.sh file, then calls one test_* function
# with `set -eu`: any command that fails and is not checked fails the case.
#
# Environment given to every case by run.sh:
#   TINYRUN           absolute path of the binary under test
#   TR_ROOT           fresh, empty state root under /run (`tr` passes it as --root); must be empty at the end
#   TR_TMP            fresh scratch directory (the case's cwd); removed after the case
#   TR_CGROUP_PARENT  cgroup name unique to the case (tinyrun-test-PID-N), relative to the runner's own
#                     cgroup; see cg_abs_path
#   TR_CASE_ID        marker; processes carrying TR_CASE_ID=<id> in their environment after the case leaked
#   TR_INTEG_DIR      the directory holding run.sh and lib.sh
#
# NOTE: `tr` below is the runtime helper and shadows tr(1) in tests; write `command tr` for tr(1).

# the default config.json shared with the VM tests and the benchmark
# shellcheck source=../oci-spec.sh
. "$(dirname "$TR_LIB")/../oci-spec.sh"

# ---------------------------------------------------------------- running the binary
# tr ARGS...: run the binary under test with the case's state root.
tr() {
	"$TINYRUN" --root "$TR_ROOT" "$@"
}

# run CMD...: run a command, never fail; sets $status and $output (stdout+stderr, trailing newlines cut).
run() {
	if output=$("$@" 2>&1); then status=0; else status=$?; fi
}

# ---------------------------------------------------------------- outcome
_tr_fail() {
	_tr_reported=1
	printf 'assertion failed: %s\n' "$1" >&2
	shift
	for _l in "$@"; do printf '  %s\n' "$_l" >&2; done
	exit 1
}

# fail MESSAGE: fail the case.
fail() {
	_tr_fail "$*"
}

# skip REASON: end the case as skipped (call it from the test function itself, not in $(...)).
skip() {
	if [ -n "${TR_SKIP_FILE:-}" ]; then printf '%s\n' "$*" >"$TR_SKIP_FILE"; fi
	exit 77
}

# ---------------------------------------------------------------- assertions
# assert_eq ACTUAL EXPECTED [WHAT]
assert_eq() {
	[ "$1" = "$2" ] && return 0
	_tr_fail "${3:-values differ}" "expected: '$2'" "actual:   '$1'"
}

# assert_ne ACTUAL UNEXPECTED [WHAT]
assert_ne() {
	[ "$1" != "$2" ] && return 0
	_tr_fail "${3:-values are equal}" "both are: '$1'"
}

# assert_contains HAYSTACK NEEDLE [WHAT]
assert_contains() {
	case "$1" in *"$2"*) return 0 ;; esac
	_tr_fail "${3:-text does not contain '$2'}" "looked for: '$2'" "in: '$1'"
}

# assert_not_contains HAYSTACK NEEDLE [WHAT]
assert_not_contains() {
	case "$1" in *"$2"*) _tr_fail "${3:-text contains '$2'}" "found: '$2'" "in: '$1'" ;; esac
	return 0
}

# assert_match TEXT EXTENDED_REGEX [WHAT]: some line of TEXT matches the regex.
assert_match() {
	printf '%s\n' "$1" | grep -Eq -- "$2" && return 0
	_tr_fail "${3:-no line matches /$2/}" "regex: $2" "text: '$1'"
}

# assert_ok CMD...: the command must succeed; sets $status and $output.
assert_ok() {
	run "$@"
	[ "$status" -eq 0 ] && return 0
	_tr_fail "command failed (exit $status): $*" "output: $output"
}

# assert_fail CMD...: the command must exit non-zero; sets $status and $output.
assert_fail() {
	run "$@"
	[ "$status" -ne 0 ] && return 0
	_tr_fail "command succeeded but should have failed: $*" "output: $output"
}

# assert_exit N CMD...: the command must exit with status N; sets $status and $output.
assert_exit() {
	_want=$1
	shift
	run "$@"
	[ "$status" -eq "$_want" ] && return 0
	_tr_fail "exit status of: $*" "expected: $_want" "actual:   $status" "output: $output"
}

# assert_file_exists PATH / assert_no_file PATH
assert_file_exists() {
	[ -e "$1" ] || [ -L "$1" ] || _tr_fail "missing file: $1"
}
assert_no_file() {
	if [ -e "$1" ] || [ -L "$1" ]; then _tr_fail "file should not exist: $1"; fi
	return 0
}

# ---------------------------------------------------------------- requirements (skip when unmet)
require_cmd() {
	for _c in "$@"; do
		command -v "$_c" >/dev/null 2>&1 || skip "needs the command '$_c'"
	done
}

# require_cap CAP_NAME: skip unless the capability is in this machine's bounding set.
require_cap() {
	_bit=$(cap_number "$1") || fail "require_cap: unknown capability $1"
	_bnd=$(sed -n 's/^CapBnd:[[:space:]]*//p' /proc/self/status)
	# shell arithmetic is 64-bit in bash, dash and busybox sh; the mask has at most 41 bits today
	if [ $(((0x$_bnd >> _bit) & 1)) -ne 1 ]; then
		skip "needs $1, which this machine's capability bounding set lacks"
	fi
}

cap_number() {
	case "$1" in
	CAP_CHOWN) echo 0 ;; CAP_DAC_OVERRIDE) echo 1 ;; CAP_DAC_READ_SEARCH) echo 2 ;; CAP_FOWNER) echo 3 ;;
	CAP_FSETID) echo 4 ;; CAP_KILL) echo 5 ;; CAP_SETGID) echo 6 ;; CAP_SETUID) echo 7 ;;
	CAP_SETPCAP) echo 8 ;; CAP_LINUX_IMMUTABLE) echo 9 ;; CAP_NET_BIND_SERVICE) echo 10 ;;
	CAP_NET_BROADCAST) echo 11 ;; CAP_NET_ADMIN) echo 12 ;; CAP_NET_RAW) echo 13 ;; CAP_IPC_LOCK) echo 14 ;;
	CAP_IPC_OWNER) echo 15 ;; CAP_SYS_MODULE) echo 16 ;; CAP_SYS_RAWIO) echo 17 ;; CAP_SYS_CHROOT) echo 18 ;;
	CAP_SYS_PTRACE) echo 19 ;; CAP_SYS_PACCT) echo 20 ;; CAP_SYS_ADMIN) echo 21 ;; CAP_SYS_BOOT) echo 22 ;;
	CAP_SYS_NICE) echo 23 ;; CAP_SYS_RESOURCE) echo 24 ;; CAP_SYS_TIME) echo 25 ;;
	CAP_SYS_TTY_CONFIG) echo 26 ;; CAP_MKNOD) echo 27 ;; CAP_LEASE) echo 28 ;; CAP_AUDIT_WRITE) echo 29 ;;
	CAP_AUDIT_CONTROL) echo 30 ;; CAP_SETFCAP) echo 31 ;; CAP_MAC_OVERRIDE) echo 32 ;;
	CAP_MAC_ADMIN) echo 33 ;; CAP_SYSLOG) echo 34 ;; CAP_WAKE_ALARM) echo 35 ;;
	CAP_BLOCK_SUSPEND) echo 36 ;; CAP_AUDIT_READ) echo 37 ;; CAP_PERFMON) echo 38 ;; CAP_BPF) echo 39 ;;
	CAP_CHECKPOINT_RESTORE) echo 40 ;; *) return 1 ;;
	esac
}

# ---------------------------------------------------------------- JSON and bundles
# json_str TEXT: TEXT as a JSON string literal (quotes included).
json_str() {
	printf '%s' "$1" | awk '
		BEGIN { ORS = ""; printf "\"" }
		{
			if (NR > 1) printf "\\n"
			s = $0; out = ""
			for (i = 1; i <= length(s); i++) {
				c = substr(s, i, 1)
				if (c == "\\") out = out "\\\\"
				else if (c == "\"") out = out "\\\""
				else if (c == "\t") out = out "\\t"
				else if (c == "\r") out = out "\\r"
				else out = out c
			}
			printf "%s", out
		}
		END { printf "\"" }'
}

# json_array ARGS...: the arguments as a JSON array of strings.
json_array() {
	_ja='['
	_sep=''
	for _a in "$@"; do
		_ja="$_ja$_sep$(json_str "$_a")"
		_sep=', '
	done
	printf '%s]' "$_ja"
}

# busybox_path: the static busybox put into bundles ($BUSYBOX, default /bin/busybox).
busybox_path() {
	_bb=${BUSYBOX:-/bin/busybox}
	[ -x "$_bb" ] || fail "no busybox at $_bb (install busybox-static or set BUSYBOX)"
	printf '%s\n' "$_bb"
}

# make_rootfs DIR: a busybox root file system in DIR (every applet linked in /bin, users, groups).
make_rootfs() {
	_rf=$1
	_bb=$(busybox_path)
	mkdir -p "$_rf"
	for _d in bin sbin etc dev proc sys tmp root run var home/test; do mkdir -p "$_rf/$_d"; done
	chmod 1777 "$_rf/tmp"
	chown 1000:1000 "$_rf/home/test"
	cp "$_bb" "$_rf/bin/busybox"
	for _ap in $("$_bb" --list); do
		[ "$_ap" = busybox ] || ln -sf busybox "$_rf/bin/$_ap"
	done
	cat >"$_rf/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
test:x:1000:1000:test user:/home/test:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
	cat >"$_rf/etc/group" <<'EOF'
root:x:0:
test:x:1000:
nogroup:x:65534:
EOF
	: >"$_rf/etc/hosts"
	: >"$_rf/etc/resolv.conf"
}

# write_default_spec FILE ARGS...: a runc-style default config.json running ARGS (default: sh).
# Unlike runc's it has no linux.resources (so it runs on builds without cgroup support) and no ambient
# capabilities.
# If TR_CASE_ID is set, the process environment carries TR_CASE_ID=<id> so that container processes
# left after the case are found by the runner's leak check.
write_default_spec() {
	_file=$1
	shift
	[ $# -gt 0 ] || set -- sh
	_args=$(json_array "$@")
	_env='"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"'
	if [ -n "${TR_CASE_ID:-}" ]; then _env="$_env, $(json_str "TR_CASE_ID=$TR_CASE_ID")"; fi
	oci_spec_default "$_args" "[ $_env ]" rootfs tinyrun >"$_file"
}

# make_bundle DIR [ARGS...]: an OCI bundle in DIR (DIR/rootfs + DIR/config.json running ARGS, default sh).
# Sets TR_BUNDLE=DIR (the bundle spec_set edits).
make_bundle() {
	[ $# -ge 1 ] || fail "make_bundle: usage: make_bundle DIR [ARGS...]"
	_bd=$1
	shift
	mkdir -p "$_bd"
	make_rootfs "$_bd/rootfs"
	write_default_spec "$_bd/config.json" "$@"
	TR_BUNDLE=$(cd "$_bd" && pwd -P)
}

# spec_set JQ_FILTER [JQ_ARGS...]: edit $TR_BUNDLE/config.json with jq, e.g.
#   spec_set '.process.args=["hostname"]'
#   spec_set '.linux.cgroupsPath=$p' --arg p "$(cg_abs_path ctr)"
spec_set() {
	[ -n "${TR_BUNDLE:-}" ] || fail "spec_set: no bundle (call make_bundle or set TR_BUNDLE)"
	require_cmd jq
	_sf=$1
	shift
	jq "$@" "$_sf" "$TR_BUNDLE/config.json" >"$TR_BUNDLE/config.json.new" ||
		{ rm -f "$TR_BUNDLE/config.json.new"; fail "spec_set: jq failed on filter: $_sf"; }
	mv "$TR_BUNDLE/config.json.new" "$TR_BUNDLE/config.json"
}

# spec_get JQ_FILTER: print a value of $TR_BUNDLE/config.json (jq -r).
spec_get() {
	require_cmd jq
	jq -r "$1" "$TR_BUNDLE/config.json"
}

# ---------------------------------------------------------------- cgroups
# cg_hierarchies: one line "MOUNTPOINT OWN_PATH" per mounted cgroup hierarchy this process is in
# (v1 hierarchies and the cgroup2 one), OWN_PATH being the process's cgroup relative to MOUNTPOINT.
# Paths with white space are not supported.
cg_hierarchies() {
	awk '
		FNR == NR {
			# /proc/self/cgroup: ID:CONTROLLERS:PATH (PATH may contain ":")
			id = $0; sub(/:.*/, "", id)
			rest = substr($0, length(id) + 2)
			ctl = rest; sub(/:.*/, "", ctl)
			path = substr(rest, length(ctl) + 2)
			n++; cid[n] = id; cctl[n] = ctl; cpath[n] = path
			next
		}
		{
			for (i = 7; i <= NF && $i != "-"; i++) ;
			if (i > NF) next
			fstype = $(i + 1); sopts = "," $(i + 3) ","
			mroot = $4; mnt = $5
			for (k = 1; k <= n; k++) {
				if (done[k]) continue
				if (fstype == "cgroup2" && cctl[k] == "" && cid[k] == "0") ok = 1
				else if (fstype == "cgroup" && cctl[k] != "") {
					ok = 1; m = split(cctl[k], cs, ",")
					for (j = 1; j <= m; j++) if (index(sopts, "," cs[j] ",") == 0) ok = 0
				} else ok = 0
				if (!ok) continue
				p = cpath[k]
				if (mroot != "/" && index(p, mroot) == 1) { p = substr(p, length(mroot) + 1); if (p == "") p = "/" }
				done[k] = 1
				print mnt, p
			}
		}' /proc/self/cgroup /proc/self/mountinfo
}

# cg_mount CONTROLLER: mount point of the v1 hierarchy holding CONTROLLER ("unified" or "v2": cgroup2).
cg_mount() {
	awk -v want="$1" '
		{
			for (i = 7; i <= NF && $i != "-"; i++) ;
			if (i > NF) next
			if ((want == "v2" || want == "unified") && $(i + 1) == "cgroup2") { print $5; exit }
			if ($(i + 1) == "cgroup" && index("," $(i + 3) ",", "," want ",")) { print $5; exit }
		}' /proc/self/mountinfo
}

# cg_own MOUNTPOINT: this process's cgroup path in the hierarchy mounted at MOUNTPOINT.
cg_own() {
	cg_hierarchies | awk -v m="$1" '$1 == m { print $2; exit }'
}

# cg_abs_path [SUB]: an absolute cgroupsPath ("/<own>/$TR_CGROUP_PARENT[/SUB]") that lies below this
# process's own cgroup in every hierarchy: <own> is the deepest own path (runc and the runtime-spec take
# an absolute cgroupsPath relative to each hierarchy's mount point). Fails if the own paths do not nest.
cg_abs_path() {
	_deep=$(cg_hierarchies | awk '{ print length($2), $2 }' | sort -n | tail -n 1 | cut -d' ' -f2)
	[ -n "$_deep" ] || fail "cg_abs_path: no cgroup hierarchy mounted"
	for _own in $(cg_hierarchies | cut -d' ' -f2); do
		[ "$_own" = / ] && continue
		case "$_deep/" in "$_own/"*) ;; *) fail "cg_abs_path: own cgroups do not nest ($_own, $_deep)" ;; esac
	done
	[ "$_deep" = / ] && _deep=
	printf '%s/%s%s\n' "$_deep" "${TR_CGROUP_PARENT:?not set}" "${1:+/$1}"
}

# cg_rmdir_new ABS_PATH: after a test, remove in every hierarchy the directories along ABS_PATH (an
# absolute cgroupsPath) that are named in $TR_TMP/.cg_existing as not existing before (see cg_note_path).
# cg_note_path ABS_PATH: record which directories along ABS_PATH do not exist yet, in every hierarchy.
cg_note_path() {
	for _m in $(cg_hierarchies | cut -d' ' -f1); do
		_p=$1
		while [ -n "$_p" ] && [ "$_p" != / ]; do
			[ -d "$_m$_p" ] || printf '%s\n' "$_m$_p" >>"$TR_TMP/.cg_new"
			_p=${_p%/*}
		done
	done
	return 0
}
cg_rmdir_new() {
	[ -f "$TR_TMP/.cg_new" ] || return 0
	# deepest first
	for _d in $(awk '{ print length($0), $0 }' "$TR_TMP/.cg_new" | sort -rn | cut -d' ' -f2); do
		[ -d "$_d" ] && rmdir "$_d" 2>/dev/null
	done
	rm -f "$TR_TMP/.cg_new"
	return 0
}

# ---------------------------------------------------------------- runc as a reference peer
# runc_ ARGS...: runc with a state root inside the case's TR_ROOT ($TR_ROOT/runc).
runc_() {
	runc --root "$TR_ROOT/runc" "$@"
}

# runc_cleanup: force-delete every runc container of the case, remove runc's (empty) state root and the
# cgroup parents noted with cg_note_path. For teardown; never fails.
runc_cleanup() {
	if [ -d "$TR_ROOT/runc" ]; then
		for _id in "$TR_ROOT"/runc/*; do
			[ -e "$_id" ] && runc_ delete --force "${_id##*/}" >/dev/null 2>&1
		done
		rmdir "$TR_ROOT/runc" 2>/dev/null
	fi
	cg_rmdir_new
	return 0
}

# runc_run_check BUNDLE ID: run a container with runc in the foreground, its cgroup below
# $TR_CGROUP_PARENT; stdout goes to $TR_TMP/ID.out (and $output), the test fails if runc fails.
# Afterwards checks that runc left no state and removed the container's cgroup, and removes the parent
# cgroups runc created (runc keeps them).
runc_run_check() {
	require_cmd runc jq
	_rb=$1
	_rid=$2
	_rcg=$(cg_abs_path "$_rid")
	cg_note_path "$_rcg"
	TR_BUNDLE=$_rb spec_set '.linux.cgroupsPath = $cg' --arg cg "$_rcg"
	runc_ run --bundle "$_rb" "$_rid" </dev/null >"$TR_TMP/$_rid.out" 2>"$TR_TMP/$_rid.err" ||
		fail "runc run failed (exit $?): $(cat "$TR_TMP/$_rid.err")"
	output=$(cat "$TR_TMP/$_rid.out")
	assert_eq "$(ls -A "$TR_ROOT/runc")" "" "runc left state behind"
	rmdir "$TR_ROOT/runc"
	for _m in $(cg_hierarchies | cut -d' ' -f1); do
		assert_no_file "$_m$_rcg"
	done
	cg_rmdir_new
}

# ---------------------------------------------------------------- case driver (used by run.sh)
_tr_case_exit() {
	_rc=$1
	set +e
	trap - EXIT
	if [ "$_rc" -ne 0 ] && [ "$_rc" -ne 77 ] && [ -z "${_tr_reported:-}" ]; then
		echo "the test exited with status $_rc: a command failed (the case runs with set -e)" >&2
	fi
	if [ "$(command -v teardown 2>/dev/null)" = teardown ]; then teardown; fi
	exit "$_rc"
}

# tr_case_main FILE TEST: run one test case of FILE (called by run.sh in a fresh shell).
tr_case_main() {
	. "$1"
	trap '_tr_case_exit $?' EXIT
	set -eu
	if [ "$(command -v setup 2>/dev/null)" = setup ]; then setup; fi
	"$2"
	exit 0
}
