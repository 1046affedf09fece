#!/bin/sh
# tests/integration/run.sh: run the integration tests (root; real containers) with a leak check per case.
#
# usage: TINYRUN=/abs/path/to/tinyrun tests/integration/run.sh [FILTER]
#
#   FILTER       run only the cases whose name "t_file:test_name" contains FILTER (a shell pattern
#                may be used: 't_spec:*runc*')
# environment:
#   TINYRUN      absolute path of the binary under test (required)
#   TESTDIR      directory holding the t_*.sh files (default: this script's directory)
#   TR_SH        shell that runs the cases (default: the shell running this script; with busybox,
#                "busybox sh")
#   TR_TIMEOUT   seconds a case may take before it is killed (default 300)
#   TR_CGROUP_WATCH_ALL=1
#                watch every new cgroup in hierarchies where the runner sits at the root; by default,
#                when the runner has a non-root cgroup somewhere (a shared machine), only new cgroups
#                below those paths or with "tinyrun" in their path count in such hierarchies (the
#                machine's own cgroups, and their ancestors, are never touched)
#   TR_VERBOSE=1 print the output of every case, not only of failed ones
#   BUSYBOX      static busybox put into bundles (default /bin/busybox)
#
# Each t_*.sh file defines functions test_* (and optionally setup/teardown, run around each case).
# Every case runs in a fresh shell (`set -eu`, lib.sh sourced) with a fresh TR_ROOT, TR_TMP and
# TR_CGROUP_PARENT (see lib.sh). Before and after each case the runner takes a snapshot of mounts,
# cgroups, processes and the state root; anything the case left behind fails it and is cleaned up.
# Output: "ok NAME", "FAIL NAME" (followed by the case's output), "skip NAME (reason)", and as the last
# line "N passed, N failed, N skipped". Exit status 1 when a case failed.
#
# POSIX sh: runs with bash, dash and busybox sh.

set -u

die() {
	printf 'run.sh: %s\n' "$*" >&2
	exit 1
}

case "${1:-}" in
-h | --help)
	sed -n '2,/^$/s/^# \{0,1\}//p' "$0"
	exit 0
	;;
esac
FILTER=${1:-}

[ "$(id -u)" = 0 ] || die "must be run as root: the integration tests start real containers (e.g. sudo TINYRUN=... $0)"
[ -n "${TINYRUN:-}" ] || die "set TINYRUN to the absolute path of the tinyrun binary to test"
case "$TINYRUN" in /*) ;; *) die "TINYRUN must be an absolute path, got '$TINYRUN'" ;; esac
if [ ! -f "$TINYRUN" ] || [ ! -x "$TINYRUN" ]; then die "TINYRUN=$TINYRUN is not an executable file"; fi
TINYRUN_REAL=$(readlink -f "$TINYRUN")

HERE=$(cd "$(dirname "$0")" && pwd -P) || die "cannot find my own directory"
TR_LIB=$HERE/lib.sh
TESTDIR=${TESTDIR:-$HERE}
TESTDIR=$(cd "$TESTDIR" 2>/dev/null && pwd -P) || die "TESTDIR=${TESTDIR} is not a directory"
TR_TIMEOUT=${TR_TIMEOUT:-300}
# shellcheck source=lib.sh
. "$TR_LIB"
# lib.sh defines the helper `tr`: below, `command tr` is tr(1).

if [ -z "${TR_SH:-}" ]; then
	_exe=$(readlink "/proc/$$/exe" 2>/dev/null) || _exe=
	case "$_exe" in
	*/busybox) TR_SH="$_exe sh" ;;
	"") TR_SH=/bin/sh ;;
	*) TR_SH=$_exe ;;
	esac
fi

# Variables given to each case only: drop any inherited from the environment (e.g. when run.sh runs
# inside a case, as t_harness.sh does) so the runner's own helpers never carry a case's marker.
unset TR_ROOT TR_TMP TR_CGROUP_PARENT TR_CASE_ID TR_SKIP_FILE TR_BUNDLE TR_INTEG_DIR
cd / || die "cannot cd /"
WORK=$(mktemp -d /tmp/tinyrun-run.XXXXXX) || die "mktemp failed"
CASE_PID=
INTERRUPTED=0
trap 'INTERRUPTED=1' INT TERM
trap 'rm -rf "$WORK"' EXIT

# ---------------------------------------------------------------- snapshots
# The cgroup hierarchies and the runner's own cgroup in each; fixed for the whole run.
cg_hierarchies >"$WORK/hier"
SCOPES=$(awk '$2 != "/" { print $2 }' "$WORK/hier" | sort -u)
WATCH_ALL=${TR_CGROUP_WATCH_ALL:-0}
[ -n "$SCOPES" ] || WATCH_ALL=1

snap_cgroups() {
	while read -r _mnt _own; do
		if [ "$_own" != / ]; then
			find "$_mnt$_own" -mindepth 1 -type d 2>/dev/null
		elif [ "$WATCH_ALL" = 1 ]; then
			find "$_mnt" -mindepth 1 -type d 2>/dev/null
		else
			find "$_mnt" -mindepth 1 -type d 2>/dev/null | awk -v mnt="$_mnt" -v scopes="$SCOPES" '
				BEGIN { n = split(scopes, s, "\n") }
				{
					rel = substr($0, length(mnt) + 1)
					# ours: below our own path in another hierarchy, or named
					# tinyrun -- but never in a sibling of our path (the
					# branches of other sessions sharing this machine)
					for (i = 1; i <= n; i++) {
						if (index(rel, s[i] "/") == 1) { print; next }
						p = s[i]; sub("/[^/]*$", "", p)
						if (p != "" && index(rel, p "/") == 1) next
					}
					if (index(rel, "tinyrun")) print
				}'
		fi
	done <"$WORK/hier" | sort
}

# mounts: "ID TARGET" for targets under TR_TMP or TR_ROOT or containing "tinyrun", in mountinfo order
snap_mounts() {
	awk -v a="$TR_TMP" -v b="$TR_ROOT" '{
		t = $5
		if (t == a || index(t, a "/") == 1 || t == b || index(t, b "/") == 1 || index(t, "tinyrun")) print $1, t
	}' /proc/self/mountinfo
}

snap_pids() {
	ls /proc 2>/dev/null | grep -E '^[0-9]+$' | sort
}

# new_lines OLD NEW: lines of file NEW not in file OLD (order of NEW kept)
new_lines() {
	if [ -s "$1" ]; then grep -vxF -f "$1" "$2"; else cat "$2"; fi
}

under_tmp() {
	case "$1" in "$TR_TMP" | "$TR_TMP"/*) return 0 ;; esac
	return 1
}

# leaked_procs BEFORE: "PID<TAB>why<TAB>cmdline" for new processes belonging to the case
leaked_procs() {
	snap_pids >"$WORK/pids.after"
	for _p in $(new_lines "$1" "$WORK/pids.after"); do
		[ -d "/proc/$_p" ] || continue
		_why=
		_exe=$(readlink "/proc/$_p/exe" 2>/dev/null) || _exe=
		_cwd=$(readlink "/proc/$_p/cwd" 2>/dev/null) || _cwd=
		_root=$(readlink "/proc/$_p/root" 2>/dev/null) || _root=
		_argv0=$(command tr '\0' '\n' 2>/dev/null <"/proc/$_p/cmdline" | head -n 1) 2>/dev/null || _argv0=
		case "$_exe" in "$TINYRUN_REAL" | "$TINYRUN_REAL (deleted)") _why="$_why exe=$_exe" ;; esac
		case "$_argv0" in "$TINYRUN" | "$TINYRUN_REAL") _why="$_why argv0=$_argv0" ;; esac
		under_tmp "$_cwd" && _why="$_why cwd=$_cwd"
		under_tmp "$_root" && _why="$_why root=$_root"
		if { command tr '\0' '\n' <"/proc/$_p/environ" | grep -qxF "TR_CASE_ID=$TR_CASE_ID"; } 2>/dev/null; then
			_why="$_why env:TR_CASE_ID"
		fi
		[ -n "$_why" ] || continue
		_cmd=$(command tr '\0' ' ' 2>/dev/null <"/proc/$_p/cmdline") 2>/dev/null || _cmd=
		printf '%s\t%s\t%s\n' "$_p" "${_why# }" "${_cmd% }"
	done
}

unescape_mountinfo() {
	# mountinfo writes space, tab, newline and backslash as \ooo
	printf '%b' "$(printf '%s' "$1" | sed 's/\\\([0-7][0-7][0-7]\)/\\0\1/g')"
}

proc_gone() {
	[ -d "/proc/$1" ] || return 0
	_st=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null) || return 0
	[ -z "$_st" ] || [ "$_st" = Z ] || [ "$_st" = X ]
}

kill_wait() {
	for _p in "$@"; do kill -9 "$_p" 2>/dev/null; done
	_i=0
	while [ $_i -lt 50 ]; do
		_alive=0
		for _p in "$@"; do proc_gone "$_p" || _alive=1; done
		[ $_alive = 0 ] && return 0
		sleep 0.1 2>/dev/null || sleep 1
		_i=$((_i + 1))
	done
	return 1
}

cg_clean_dir() {
	_d=$1
	if [ -f "$_d/freezer.state" ]; then echo THAWED >"$_d/freezer.state" 2>/dev/null; fi
	if [ -f "$_d/cgroup.freeze" ]; then echo 0 >"$_d/cgroup.freeze" 2>/dev/null; fi
	if [ -f "$_d/cgroup.kill" ]; then echo 1 >"$_d/cgroup.kill" 2>/dev/null; fi
	_ps=$(cat "$_d/cgroup.procs" 2>/dev/null)
	if [ -n "$_ps" ]; then
		# shellcheck disable=SC2086
		kill_wait $_ps
	fi
	_i=0
	while ! rmdir "$_d" 2>/dev/null; do
		[ -d "$_d" ] || return 0
		_i=$((_i + 1))
		[ $_i -ge 30 ] && return 1
		sleep 0.1 2>/dev/null || sleep 1
	done
	return 0
}

# leak_check: compare with the snapshots taken before the case; report (to stdout) and clean up.
# Returns 1 if anything leaked.
leak_check() {
	_leaked=0

	# processes first: they hold mounts and cgroups
	leaked_procs "$WORK/pids.before" >"$WORK/procs.leak"
	if [ -s "$WORK/procs.leak" ]; then
		_leaked=1
		while IFS="$(printf '\t')" read -r _p _why _cmd; do
			echo "LEAK process: pid $_p ($_cmd) [$_why]"
		done <"$WORK/procs.leak"
		# shellcheck disable=SC2046
		kill_wait $(cut -f1 "$WORK/procs.leak") || echo "CLEANUP: some leaked processes did not die"
	fi

	snap_mounts >"$WORK/mounts.after"
	new_lines "$WORK/mounts.before" "$WORK/mounts.after" >"$WORK/mounts.leak"
	if [ -s "$WORK/mounts.leak" ]; then
		_leaked=1
		while read -r _id _t; do echo "LEAK mount: $(unescape_mountinfo "$_t") (mount id $_id)"; done <"$WORK/mounts.leak"
		_pass=0
		while [ -s "$WORK/mounts.leak" ] && [ $_pass -lt 5 ]; do
			# newest first
			awk '{ l[NR] = $2 } END { for (i = NR; i >= 1; i--) print l[i] }' "$WORK/mounts.leak" |
				while read -r _t; do umount -l "$(unescape_mountinfo "$_t")" 2>/dev/null; done
			snap_mounts >"$WORK/mounts.after"
			new_lines "$WORK/mounts.before" "$WORK/mounts.after" >"$WORK/mounts.leak"
			_pass=$((_pass + 1))
		done
		if [ -s "$WORK/mounts.leak" ]; then
			echo "CLEANUP: could not unmount:"
			cat "$WORK/mounts.leak"
		fi
	fi

	snap_cgroups >"$WORK/cg.after"
	new_lines "$WORK/cg.before" "$WORK/cg.after" >"$WORK/cg.leak"
	if [ -s "$WORK/cg.leak" ]; then
		_leaked=1
		# deepest first
		awk '{ print length($0), $0 }' "$WORK/cg.leak" | sort -rn | cut -d' ' -f2- |
			while read -r _d; do
				_procs=$(command tr '\n' ' ' <"$_d/cgroup.procs" 2>/dev/null) || _procs=
				echo "LEAK cgroup: $_d${_procs:+ (processes: $_procs)}"
				cg_clean_dir "$_d" || echo "CLEANUP: could not remove cgroup $_d"
			done
	fi

	if [ -d "$TR_ROOT" ]; then
		_ents=$(ls -A "$TR_ROOT")
		if [ -n "$_ents" ]; then
			_leaked=1
			for _e in $_ents; do echo "LEAK state: $TR_ROOT/$_e"; done
		fi
	fi

	# Remove the case's directories, never through a mount that is still there.
	if awk -v a="$TR_TMP" -v b="$TR_ROOT" '{ t = $5 } t == a || index(t, a "/") == 1 || t == b || index(t, b "/") == 1 { f = 1 } END { exit !f }' /proc/self/mountinfo; then
		echo "CLEANUP: mounts remain below $TR_TMP or $TR_ROOT; leaving them in place"
		_leaked=1
	else
		rm -rf "$TR_TMP" "$TR_ROOT"
	fi
	return $_leaked
}

# ---------------------------------------------------------------- running cases
list_tests() {
	sed -n 's/^[[:space:]]*\(test_[A-Za-z0-9_]*\)[[:space:]]*()[[:space:]]*.*$/\1/p' "$1"
}

PASSED=0
FAILED=0
SKIPPED=0
NCASE=0

print_output() {
	sed 's/^/    /' "$1"
}

run_case() {
	_file=$1
	_test=$2
	_name=$3
	NCASE=$((NCASE + 1))
	TR_ROOT=$(mktemp -d /run/tinyrun-test.XXXXXX) || die "mktemp under /run failed"
	TR_TMP=$(mktemp -d /tmp/tinyrun-tmp.XXXXXX) || die "mktemp under /tmp failed"
	TR_ROOT=$(cd "$TR_ROOT" && pwd -P)
	TR_TMP=$(cd "$TR_TMP" && pwd -P)
	TR_CGROUP_PARENT=tinyrun-test-$$-$NCASE
	TR_CASE_ID=$$-$NCASE-$(date +%s)
	TR_SKIP_FILE=$WORK/skip
	rm -f "$TR_SKIP_FILE"
	_out=$WORK/out
	snap_mounts >"$WORK/mounts.before"
	snap_cgroups >"$WORK/cg.before"
	snap_pids >"$WORK/pids.before"
	rm -f "$WORK/timedout"
	(
		cd "$TR_TMP" || exit 1
		export TINYRUN TR_ROOT TR_TMP TR_CGROUP_PARENT TR_CASE_ID TR_SKIP_FILE TR_LIB TR_INTEG_DIR="$HERE"
		# shellcheck disable=SC2086
		exec $TR_SH -c 'set -eu; . "$TR_LIB"; tr_case_main "$1" "$2"' tr-case "$_file" "$_test"
	) </dev/null >"$_out" 2>&1 &
	CASE_PID=$!
	# watchdog (timeout(1) differs between coreutils and busybox, and busybox's lingers): TERM, then KILL
	(
		_i=0
		while [ $_i -lt "$TR_TIMEOUT" ]; do
			sleep 1
			kill -0 "$CASE_PID" 2>/dev/null || exit 0
			_i=$((_i + 1))
		done
		: >"$WORK/timedout"
		kill -TERM "$CASE_PID" 2>/dev/null
		_i=0
		while [ $_i -lt 5 ] && kill -0 "$CASE_PID" 2>/dev/null; do
			sleep 1
			_i=$((_i + 1))
		done
		kill -KILL "$CASE_PID" 2>/dev/null
	) </dev/null >/dev/null 2>&1 &
	_wd=$!
	wait "$CASE_PID" 2>/dev/null
	_rc=$?
	if [ "$INTERRUPTED" = 1 ]; then
		kill -TERM "$CASE_PID" 2>/dev/null
		sleep 1
		kill -KILL "$CASE_PID" 2>/dev/null
		wait "$CASE_PID" 2>/dev/null
		_rc=130
		echo "interrupted" >>"$_out"
	fi
	kill "$_wd" 2>/dev/null
	wait "$_wd" 2>/dev/null
	CASE_PID=
	if [ -f "$WORK/timedout" ]; then
		echo "TIMEOUT: killed after ${TR_TIMEOUT}s (TR_TIMEOUT)" >>"$_out"
		_rc=124
	fi
	leak_check >"$WORK/leak" 2>&1
	_lrc=$?
	cat "$WORK/leak" >>"$_out"
	if [ $_lrc -ne 0 ]; then
		_rc=1
		[ -f "$TR_SKIP_FILE" ] && echo "(the case skipped, but left things behind)" >>"$_out"
	fi
	if [ "$_rc" -eq 0 ]; then
		PASSED=$((PASSED + 1))
		echo "ok $_name"
		[ "${TR_VERBOSE:-0}" = 1 ] && print_output "$_out"
	elif [ "$_rc" -eq 77 ] && [ -f "$TR_SKIP_FILE" ]; then
		SKIPPED=$((SKIPPED + 1))
		echo "skip $_name ($(head -n 1 "$TR_SKIP_FILE"))"
		[ "${TR_VERBOSE:-0}" = 1 ] && print_output "$_out"
	else
		FAILED=$((FAILED + 1))
		echo "FAIL $_name (exit $_rc)"
		print_output "$_out"
	fi
}

echo "# tinyrun integration tests: TINYRUN=$TINYRUN, cases in $TESTDIR, shell $TR_SH"
_found=0
for _f in "$TESTDIR"/t_*.sh; do
	[ -f "$_f" ] || continue
	_base=$(basename "$_f" .sh)
	_tests=$(list_tests "$_f")
	if [ -z "$_tests" ]; then
		case "$_base" in *$FILTER*) echo "# $_base: no test_* functions" ;; esac
		continue
	fi
	for _t in $_tests; do
		_name="$_base:$_t"
		case "$_name" in *$FILTER*) ;; *) continue ;; esac
		_found=$((_found + 1))
		run_case "$_f" "$_t" "$_name"
		if [ "$INTERRUPTED" = 1 ]; then
			echo "# interrupted"
			echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
			exit 130
		fi
	done
done
[ $_found -gt 0 ] || echo "# no test case matches '${FILTER}' in $TESTDIR"
echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
[ $FAILED -eq 0 ] && [ $_found -gt 0 ]
