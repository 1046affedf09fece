#!/bin/sh
# tests/bench/run.sh: tinyrun against crun and runc, side by side (root). A benchmark, not a test:
# it prints tables and exits 0, or non-zero with the error when something failed to run.
#
# Environment:
#   BENCH_RUNS      runs per runtime and measurement (default 30)
#   BENCH_PAUSE_MS  pause before each "cold" run (default 100)
#   BENCH_STATE     tmpfs (default: the state roots on a tmpfs private to the benchmark, as /run
#                   usually is) or disk (in the temporary directory, under TMPDIR)
#   TINYRUN         binary under test (default build/<arch>/boards/full/tinyrun, built if missing)
#   CRUN, RUNC      the peers (default: crun and runc from PATH)
#   BUSYBOX         static busybox for the bundle (default /bin/busybox, Debian's busybox-static)
#
# How it measures (see README.md): every measurement is one run of benchtime (benchtime.c, built
# here with the host cc), which forks/execs the runtime and reports wall time, user+sys CPU time of
# everything it reaped (RUSAGE_CHILDREN) and ru_maxrss of the children. The three runtimes take
# turns run by run (the order rotates every round), all inside one private mount namespace where a
# cgroup2 mount at /sys/fs/cgroup/unified is unmounted (crun refuses the hybrid layout;
# docs: /work/shared/design/performance.md). Ratios are medians of per-round ratios.
# On cgroup v1 (and hybrid) that namespace is also a cgroup namespace rooted at cgroups of the
# benchmark's own ("trbench<pid>-root", below its own cgroup in every v1 hierarchy), with every v1
# hierarchy remounted from there: whatever cgroups the three runtimes make land below them, and the
# cgroupsPath "/<id>" of the measurements with limits means the same to all three.
set -eu

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../oci-spec.sh
. "$BENCH_DIR/../oci-spec.sh"
REPO=$(cd "$BENCH_DIR/../.." && pwd)

die() {
	printf 'bench: error: %s\n' "$*" >&2
	exit 1
}

# ================================================================ inner part (private mount namespace)
# Runs the measurements; everything it needs is in the environment set by the outer part.
inner() {
	# crun 1.8.1 refuses the hybrid layout: hide the cgroup2 mount (only in this namespace)
	if [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ] &&
		[ "$(stat -f -c %T /sys/fs/cgroup)" = tmpfs ]; then
		umount /sys/fs/cgroup/unified || die "cannot unmount /sys/fs/cgroup/unified in the private namespace"
		echo "(private mount namespace: /sys/fs/cgroup/unified unmounted for all three runtimes)"
	fi
	[ -z "$CG_DIRS" ] || remount_cgroups
	# state roots: a tmpfs private to this namespace (as /run is on most systems), unless BENCH_STATE=disk
	if [ "$STATE_FS" = tmpfs ]; then
		mount -t tmpfs -o mode=0700,size=16m bench-state "$W/state" || die "cannot mount a tmpfs on $W/state"
	fi
	mkdir -p "$W/state/tinyrun" "$W/state/crun" "$W/state/runc"
	echo "(state roots on $(stat -f -c %T "$W/state"))"
	trap inner_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 141' PIPE

	# one untimed run each: checks that they work, warms the page cache
	for rt in $RUNTIMES; do
		"$BT" -l "$W/log.$rt" "$(rt_bin "$rt")" --root "$W/state/$rt" run --bundle "$W/bundle" "${PREFIX}warm-$rt" >/dev/null ||
			fail_log "$rt" "run of the warm-up container failed"
	done

	# where each runtime puts a container, and with which limits (printed, and checked for the limits)
	[ "$CG_LIMITS" = 0 ] || cg_check

	measure run-cold "$RUNS" "$PAUSE_MS" run bundle
	measure run-b2b "$RUNS" 0 run bundle
	# the same with linux.resources (memory and pids limits) and cgroupsPath "/<id>"
	if [ "$CG_LIMITS" = 1 ]; then
		measure run-cg-cold "$RUNS" "$PAUSE_MS" run bundle-cg
		measure run-cg-b2b "$RUNS" 0 run bundle-cg
	fi
	measure cycle-cold "$RUNS" "$PAUSE_MS" cycle bundle
	measure cycle-b2b "$RUNS" 0 cycle bundle
	# the same with a payload of a few KiB: its peak RSS is the runtime's own
	measure run-min "$RUNS" 0 run bundle-min
	for rt in $RUNTIMES; do
		[ -z "$(ls -A "$W/state/$rt")" ] || die "$rt left state behind: $(ls -A "$W/state/$rt")"
	done
	remove_crun_unified
	_left=$(find /sys/fs/cgroup -type d -name "$PREFIX*" 2>/dev/null | head -n 5)
	[ -z "$_left" ] || die "cgroups left behind after delete: $_left"

	# reference: the container's payload alone (busybox true, no runtime), back to back
	_r=1
	while [ "$_r" -le "$RUNS" ]; do
		_out=$("$BT" -l "$W/log.payload" "$W/bundle/rootfs/bin/true") || die "busybox true failed"
		echo "payload busybox $_r $_out" >>"$W/results"
		_r=$((_r + 1))
	done
}

# rt_bin RUNTIME: the binary of a runtime (each is run with --root "$W/state/RUNTIME").
rt_bin() {
	case $1 in
	tinyrun) echo "$TINYRUN" ;;
	crun) echo "$CRUN" ;;
	runc) echo "$RUNC" ;;
	esac
}

# fail_log RUNTIME MESSAGE: print the end of the runtime's log and fail.
fail_log() {
	printf 'bench: %s: %s; its output (last lines):\n' "$1" "$2" >&2
	tail -n 20 "$W/log.$1" >&2 2>/dev/null || true
	exit 1
}

# remount_cgroups: in the cgroup namespace, mount every v1 hierarchy afresh at its mount point: the
# new mount shows the hierarchy from the namespace's root (the benchmark's "...-root" cgroups), so
# the runtimes see themselves in "/" and an absolute cgroupsPath lands below it.
remount_cgroups() {
	awk '{ for (i = 7; $i != "-"; i++); if ($(i + 1) == "cgroup") print $5, $(i + 3) }' \
		/proc/self/mountinfo >"$W/cgmounts"
	while read -r _mp _opts; do
		{ umount "$_mp" && mount -t cgroup -o "$_opts" cgroup "$_mp"; } ||
			die "cannot remount the cgroup hierarchy at $_mp in the cgroup namespace"
	done <"$W/cgmounts"
	echo "(cgroup namespace: the v1 hierarchies remounted from the benchmark's own cgroups"
	for _d in $CG_DIRS; do echo "   $_d"; done
	echo " where every container's cgroups are made; the paths below are relative to them)"
}

# cg_line RUNTIME BUNDLE ID: run a check bundle (its process prints its memory and pids cgroups
# and their limits, read through binds of the two hierarchies) and print its one line.
cg_line() {
	"$(rt_bin "$1")" --root "$W/state/$1" run --bundle "$W/$2" "$3" 2>"$W/log.$1" ||
		fail_log "$1" "run of the cgroup check container $3 failed"
}

# cg_check: where each runtime puts a container, without and with limits; the limits must be there.
cg_check() {
	echo "(cgroup check: the container's /proc/self/cgroup and the limits of those cgroups)"
	for rt in $RUNTIMES; do
		printf '  %-8s default bundle: %s\n' "$rt" "$(cg_line "$rt" bundle-check "${PREFIX}check-$rt")"
	done
	for rt in $RUNTIMES; do
		_id="${PREFIX}check-cg-$rt"
		sed "s|@CGPATH@|/$_id|" "$W/bundle-cg-check/config.tmpl" >"$W/bundle-cg-check/config.json"
		_out=$(cg_line "$rt" bundle-cg-check "$_id")
		printf '  %-8s with limits:    %s\n' "$rt" "$_out"
		case $_out in
		"memory:/$_id limit=$CG_MEM pids:/$_id max=$CG_PIDS "*) ;;
		*) die "$rt did not put the container into memory and pids cgroups /$_id with the limits" ;;
		esac
	done
}

# measure NAME RUNS PAUSE_MS run|cycle BUNDLE: RUNS rounds; in each, every runtime once, order rotated.
# A bundle with a config.tmpl gets a config.json with cgroupsPath "/<id>" before each run.
measure() {
	_name=$1 _n=$2 _pause=$3 _what=$4 _b=$W/$5
	printf '(measuring %s: %s rounds)\n' "$_name" "$_n"
	_r=1
	while [ "$_r" -le "$_n" ]; do
		case $((_r % 3)) in
		0) _order="tinyrun crun runc" ;;
		1) _order="crun runc tinyrun" ;;
		*) _order="runc tinyrun crun" ;;
		esac
		for rt in $_order; do
			_id="$PREFIX$_name-$rt-$_r"
			_c=$(rt_bin "$rt") _s=$W/state/$rt
			if [ -f "$_b/config.tmpl" ]; then
				sed "s|@CGPATH@|/$_id|" "$_b/config.tmpl" >"$_b/config.json"
			fi
			if [ "$_what" = run ]; then
				_out=$("$BT" -p "$_pause" -l "$W/log.$rt" "$_c" --root "$_s" run --bundle "$_b" "$_id") ||
					fail_log "$rt" "$_name round $_r: run failed"
			else
				_out=$("$BT" -p "$_pause" -l "$W/log.$rt" "$_c" --root "$_s" create --bundle "$_b" "$_id" \
					:: "$_c" --root "$_s" start "$_id" :: "$_c" --root "$_s" delete --force "$_id") ||
					fail_log "$rt" "$_name round $_r: create/start/delete failed"
			fi
			echo "$_name $rt $_r $_out" >>"$W/results"
		done
		_r=$((_r + 1))
	done
}

# With the cgroup2 mount hidden, crun 1.8.1 still makes /sys/fs/cgroup/unified/<id> (a directory
# with a cgroup.procs file) in the tmpfs underneath, and `delete` leaves it there: remove ours.
remove_crun_unified() {
	if [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = tmpfs ]; then
		for _d in /sys/fs/cgroup/unified/"$PREFIX"*; do
			if [ -d "$_d" ]; then rm -rf "$_d"; fi
		done
	fi
}

# After a failure or an interruption: remove any container left, and the empty cgroups of a
# runtime killed half-way.
inner_cleanup() {
	_rc=$?
	for rt in $RUNTIMES; do
		for _d in "$W/state/$rt"/*; do
			[ -e "$_d" ] || continue
			"$(rt_bin "$rt")" --root "$W/state/$rt" delete --force "$(basename "$_d")" >/dev/null 2>&1 || true
		done
	done
	remove_crun_unified
	find /sys/fs/cgroup -depth -type d -name "$PREFIX*" -exec rmdir {} \; 2>/dev/null || true
	exit "$_rc"
}

if [ "${1:-}" = --inner ]; then
	inner
	exit 0
fi

# ================================================================ outer part
[ "$(id -u)" = 0 ] || die "run as root"
RUNS=${BENCH_RUNS:-30}
PAUSE_MS=${BENCH_PAUSE_MS:-100}
STATE_FS=${BENCH_STATE:-tmpfs}
case $STATE_FS in tmpfs | disk) ;; *) die "BENCH_STATE must be tmpfs or disk" ;; esac
case $RUNS in '' | *[!0-9]* | 0) die "BENCH_RUNS must be a positive integer (got '$RUNS')" ;; esac
case $PAUSE_MS in '' | *[!0-9]*) die "BENCH_PAUSE_MS must be a number of milliseconds" ;; esac
CRUN=$(command -v "${CRUN:-crun}") || die "crun not found (Debian: apt-get install crun)"
RUNC=$(command -v "${RUNC:-runc}") || die "runc not found (Debian: apt-get install runc)"
BUSYBOX=${BUSYBOX:-/bin/busybox}
[ -x "$BUSYBOX" ] || die "no busybox at $BUSYBOX (Debian: apt-get install busybox-static)"
for c in cc unshare awk ldd; do command -v "$c" >/dev/null 2>&1 || die "needs $c"; done
if [ -z "${TINYRUN:-}" ]; then
	arch=$(uname -m | sed -e 's/^arm.*/armv7/' -e 's/^arm64$/aarch64/')
	TINYRUN=$REPO/build/$arch/boards/full/tinyrun
	if [ ! -x "$TINYRUN" ]; then
		echo "(building $TINYRUN)"
		make -C "$REPO" --no-print-directory BOARD=full >/dev/null || die "make BOARD=full failed"
	fi
fi
[ -x "$TINYRUN" ] || die "no tinyrun binary at $TINYRUN"
TINYRUN=$(cd "$(dirname "$TINYRUN")" && pwd)/$(basename "$TINYRUN")

W=$(mktemp -d "${TMPDIR:-/tmp}/tinyrun-bench.XXXXXX")
PREFIX="trbench$$-"
RUNTIMES="tinyrun crun runc"
CG_MEM=67108864 CG_PIDS=64
CG_DIRS="" CG_LIMITS=0 CG_MEM_MP="" CG_PIDS_MP=""
export STATE_FS RUNS PAUSE_MS CRUN RUNC TINYRUN W PREFIX RUNTIMES CG_MEM CG_PIDS
BT=$W/benchtime
export BT

# cg_remove: remove the benchmark's own cgroups and whatever (empty) cgroups remain below them
cg_remove() {
	for _d in $CG_DIRS; do
		_try=0
		while [ -d "$_d" ] && [ "$_try" -lt 10 ]; do
			find "$_d" -depth -type d -exec rmdir {} \; 2>/dev/null || sleep 0.1
			_try=$((_try + 1))
		done
		[ ! -d "$_d" ] || echo "bench: warning: cannot remove the cgroup $_d" >&2
	done
}

outer_cleanup() {
	cg_remove
	rm -rf "$W"
}
trap outer_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 141' PIPE

cc -O2 -o "$BT" "$BENCH_DIR/benchtime.c" || die "cannot build benchtime.c"
# the minimal payload: a static program that only exits (musl when available: a few KiB)
mcc=cc
command -v musl-gcc >/dev/null 2>&1 && mcc=musl-gcc
mkdir -p "$W/bundle-min/rootfs/bin" "$W/bundle-min/rootfs/proc" "$W/bundle-min/rootfs/dev" "$W/bundle-min/rootfs/sys"
printf 'int main(void) { return 0; }\n' >"$W/true.c"
$mcc -static -Os -s -o "$W/bundle-min/rootfs/bin/true" "$W/true.c" || die "cannot build the minimal payload with $mcc -static"

# ---------------------------------------------------------------- the bundle
# runc spec's defaults (as `tinyrun spec` writes them: no ambient capabilities), with terminal false,
# process /bin/true, and no linux.resources or cgroupsPath (tinyrun has no cgroup support yet).
rf=$W/bundle/rootfs
mkdir -p "$rf/bin" "$rf/proc" "$rf/dev" "$rf/sys" "$rf/tmp" "$rf/etc" "$W/state"
cp "$BUSYBOX" "$rf/bin/busybox"
ln -s busybox "$rf/bin/true"
ln -s busybox "$rf/bin/sh"
oci_spec_default '[ "/bin/true" ]' \
	'[ "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm" ]' \
	rootfs bench ',
		{ "destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
		  "options": [ "nosuid", "noexec", "nodev", "relatime", "ro" ] }' >"$W/bundle/config.json"

cp "$W/bundle/config.json" "$W/bundle-min/config.json"

# ---------------------------------------------------------------- cgroups (v1 and hybrid)
# The benchmark's own cgroup in each v1 hierarchy (from /proc/self/cgroup, and the mount whose super
# options list its controllers): a cgroup "${PREFIX}root" is made below it; the measurements run in a
# cgroup namespace rooted there (see remount_cgroups). Without v1 hierarchies (pure v2): no cgroup
# namespace and no measurement with limits.
while IFS=: read -r _n _ctl _path; do
	[ -n "$_ctl" ] || continue
	_mp=$(awk -v c="$_ctl" '{
		for (i = 7; $i != "-"; i++);
		if ($(i + 1) != "cgroup" || $4 != "/") next
		split("", have); n = split($(i + 3), o, ","); for (k = 1; k <= n; k++) have[o[k]] = 1
		m = split(c, w, ","); ok = 1; for (j = 1; j <= m; j++) if (!(w[j] in have)) ok = 0
		if (ok) { print $5; exit }
	}' /proc/self/mountinfo)
	[ -n "$_mp" ] || continue
	_d=$_mp${_path%/}/${PREFIX}root
	mkdir "$_d" || die "cannot make the cgroup $_d"
	CG_DIRS="$CG_DIRS $_d"
	# a new cpuset starts empty (unless cgroup.clone_children): take its parent's cpus and mems
	for _f in cpuset.cpus cpuset.mems; do
		if [ -f "$_d/$_f" ] && [ -z "$(cat "$_d/$_f")" ]; then
			cat "${_d%/*}/$_f" >"$_d/$_f" || die "cannot set $_d/$_f"
		fi
	done
	case ,$_ctl, in *,memory,*) CG_MEM_MP=$_mp ;; esac
	case ,$_ctl, in *,pids,*) CG_PIDS_MP=$_mp ;; esac
done </proc/self/cgroup
[ -z "$CG_MEM_MP" ] || [ -z "$CG_PIDS_MP" ] || CG_LIMITS=1
export CG_DIRS CG_LIMITS

# bundle-cg: the bundle with linux.resources (memory and pids limits) and cgroupsPath "/<id>"
# (@CGPATH@ in config.tmpl, set before each run); bundle-check and bundle-cg-check: the same
# without and with limits, whose process prints its memory and pids cgroups and their limits, read
# through binds of the two hierarchies (as the benchmark's namespace shows them) at /cg/memory and
# /cg/pids.
if [ "$CG_LIMITS" = 1 ]; then
	cg_res='
		"cgroupsPath": "@CGPATH@",
		"resources": { "memory": { "limit": '$CG_MEM' }, "pids": { "limit": '$CG_PIDS' } },'
	cg_mounts=',
		{ "destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
		  "options": [ "nosuid", "noexec", "nodev", "relatime", "ro" ] }'
	cg_binds="$cg_mounts"',
		{ "destination": "/cg/memory", "type": "bind", "source": "'$CG_MEM_MP'", "options": [ "bind", "ro" ] },
		{ "destination": "/cg/pids", "type": "bind", "source": "'$CG_PIDS_MP'", "options": [ "bind", "ro" ] }'
	env='[ "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm" ]'
	mkdir -p "$W/bundle-cg" "$W/bundle-check" "$W/bundle-cg-check" "$rf/cg/memory" "$rf/cg/pids"
	cat >"$rf/cgcheck" <<'CGCHECK'
# the cgroup check's process (busybox sh, builtins only)
others="" same=0
while IFS=: read -r n c p; do
	case $c in
	memory) m=$p ;;
	pids) q=$p ;;
	?*) others="$others $c:$p" ;;
	esac
done </proc/self/cgroup
for o in $others; do
	if [ "${o#*:}" = "$m" ]; then same=$((same + 1)); else diff="$diff $o"; fi
done
read -r l <"/cg/memory$m/memory.limit_in_bytes"
read -r x <"/cg/pids$q/pids.max"
echo "memory:$m limit=$l pids:$q max=$x (the same path in $same other v1 hierarchies${diff:+; elsewhere:$diff})"
CGCHECK
	oci_spec_default '[ "/bin/true" ]' "$env" "$rf" bench "$cg_mounts" '' "$cg_res" >"$W/bundle-cg/config.tmpl"
	oci_spec_default '[ "/bin/sh", "/cgcheck" ]' "$env" "$rf" bench "$cg_binds" >"$W/bundle-check/config.json"
	oci_spec_default '[ "/bin/sh", "/cgcheck" ]' "$env" "$rf" bench "$cg_binds" '' "$cg_res" \
		>"$W/bundle-cg-check/config.tmpl"
else
	echo "(no cgroup v1 memory and pids hierarchies: no measurement with limits)"
fi

# ---------------------------------------------------------------- versions and sizes (no namespace needed)
echo "tinyrun bench: $RUNS runs per runtime and measurement, cold = ${PAUSE_MS} ms pause before each run"
printf '  tinyrun  %s (%s)\n' "$("$TINYRUN" --version | head -n 1)" "$TINYRUN"
printf '  crun     %s (%s)\n' "$("$CRUN" --version | head -n 1)" "$CRUN"
printf '  runc     %s (%s)\n' "$("$RUNC" --version | head -n 1)" "$RUNC"
echo "  machine  $(uname -r), $(getconf _NPROCESSORS_ONLN) CPUs"

# size_line RUNTIME BINARY: "size RUNTIME bin_bytes total_bytes nlibs" (total = binary + ldd's libraries)
size_line() {
	_bin=$(readlink -f "$2")
	_b=$(stat -L -c %s "$_bin")
	_t=$_b _n=0
	for _l in $(ldd "$_bin" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3; next } $1 ~ /^\// { print $1 }'); do
		_t=$((_t + $(stat -L -c %s "$_l"))) _n=$((_n + 1))
	done
	echo "size $1 $_b $_t $_n" >>"$W/results"
}
: >"$W/results"
size_line tinyrun "$TINYRUN"
size_line crun "$CRUN"
size_line runc "$RUNC"

# ---------------------------------------------------------------- measurements
irc=0
if [ -n "$CG_DIRS" ]; then
	# move into the benchmark's own cgroups, then into a mount and cgroup namespace rooted there
	# shellcheck disable=SC2086 # CG_DIRS: paths without blanks
	sh -c 'for d in "$@"; do echo 0 >"$d/tasks" || exit 1; done
		exec unshare -m --propagation private -C sh "$0" --inner' "$BENCH_DIR/run.sh" $CG_DIRS || irc=$?
else
	unshare -m --propagation private sh "$BENCH_DIR/run.sh" --inner || irc=$?
fi
[ "$irc" -eq 0 ] || die "the measurements failed (status $irc)"
cg_remove

# ---------------------------------------------------------------- leak check
# nothing may remain (the state roots were checked inside): cgroups named after our containers,
# seen from the host's namespace (cgroup2 included)
left=$(find /sys/fs/cgroup -type d -name "$PREFIX*" 2>/dev/null | head -n 5)
[ -z "$left" ] || die "cgroups left behind: $left"
[ -z "$CG_DIRS" ] || echo "(no cgroup left in any hierarchy)"

# ---------------------------------------------------------------- tables
echo
awk -v runs="$RUNS" -f "$BENCH_DIR/report.awk" "$W/results"
