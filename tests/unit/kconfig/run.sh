#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Tests for the kconfig host tool (scripts/kconfig/conf).
#   sh tests/unit/kconfig/run.sh build/host/kconfig/conf
# Every test runs in its own temp directory holding a copy of a fixture
# tree from fixtures/. Prints "ok NAME" / "FAIL NAME" per test and ends
# with "N passed, N failed[, N skipped]"; exits 1 if anything failed.

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
	echo "usage: $0 path/to/conf" >&2
	exit 2
fi
CONF=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
FIX=$HERE/fixtures
TMP=$(mktemp -d "${TMPDIR:-/tmp}/kconfig-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
unset KCONFIG_CONFIG KCONFIG_AUTOHEADER KCONFIG_SEED CONFIG_

passed=0
failed=0
skipped=0
SKIP_RC=77

# ---- helpers: each prints why and returns 1 on failure ----

conf() { "$CONF" "$@"; }

# fixture NAME: copy fixtures/NAME into the current directory
fixture() { cp -R "$FIX/$1/." . ; }

# has_line FILE LINE: FILE contains exactly this line
has_line() {
	grep -qxF -- "$2" "$1" && return 0
	echo "  $1 lacks line: $2"; return 1
}

lacks_line() {
	grep -qxF -- "$2" "$1" || return 0
	echo "  $1 has unexpected line: $2"; return 1
}

# lacks_symbol FILE SYM: SYM not written at all (neither =... nor "is not set")
lacks_symbol() {
	grep -q "CONFIG_$2[= ]" "$1" || return 0
	echo "  $1 mentions CONFIG_$2"; return 1
}

same_file() {
	cmp -s "$1" "$2" && return 0
	echo "  $1 and $2 differ:"; diff "$1" "$2" | sed 's/^/    /'; return 1
}

# fails_with TEXT CMD...: CMD exits 1 and its stderr contains TEXT
fails_with() {
	_text=$1; shift
	"$@" >out.txt 2>err.txt
	_rc=$?
	if [ $_rc -ne 1 ]; then
		echo "  expected exit 1, got $_rc from: $*"; cat err.txt; return 1
	fi
	grep -qF -- "$_text" err.txt && return 0
	echo "  stderr lacks: $_text"; sed 's/^/    /' err.txt; return 1
}

# succeeds_warning TEXT CMD...: CMD exits 0 and its stderr contains TEXT
succeeds_warning() {
	_text=$1; shift
	"$@" >out.txt 2>err.txt || { echo "  failed: $*"; cat err.txt; return 1; }
	grep -qF -- "$_text" err.txt && return 0
	echo "  stderr lacks: $_text"; sed 's/^/    /' err.txt; return 1
}

config_lines() { grep '^CONFIG_\|^# CONFIG_' "$1" | sort; }

mtime() { stat -c %y "$1"; }

run_test() {
	name=$1
	dir=$TMP/$name
	mkdir -p "$dir"
	(cd "$dir" && "$name") >"$dir.log" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "ok $name"; passed=$((passed + 1))
	elif [ $rc -eq $SKIP_RC ]; then
		echo "skip $name: $(tail -n 1 "$dir.log")"; skipped=$((skipped + 1))
	else
		echo "FAIL $name"; sed 's/^/    /' "$dir.log"; failed=$((failed + 1))
	fi
}

# ---- modes ----

t_olddefconfig_defaults() {
	fixture basic
	conf --olddefconfig Kconfig || return 1
	has_line .config '# Fixture configuration' &&
	has_line .config 'CONFIG_BASE=y' &&
	has_line .config '# CONFIG_NETWORK is not set' &&
	has_line .config 'CONFIG_MAX_CONTAINERS=16' &&
	has_line .config 'CONFIG_LOAD_ADDR=0x1f' &&
	has_line .config 'CONFIG_NAME="tiny\"run"' &&
	has_line .config 'CONFIG_CGROUP_V2=y' &&
	has_line .config '# CONFIG_CGROUP_V1 is not set' &&
	has_line .config 'CONFIG_LOG_LEVEL=1' &&
	lacks_symbol .config BRIDGE && lacks_symbol .config VETH_COUNT &&
	lacks_symbol .config STRING_DEPENDENT && lacks_symbol .config HIDDEN_DEFAULT
}

t_olddefconfig_keeps_values() {
	fixture basic
	printf 'CONFIG_BASE=y\nCONFIG_NETWORK=y\nCONFIG_DEBUG=y\nCONFIG_MAX_CONTAINERS=32\nCONFIG_NAME="x\\\\y"\n' >.config
	conf --olddefconfig Kconfig || return 1
	has_line .config 'CONFIG_NETWORK=y' &&
	has_line .config 'CONFIG_MAX_CONTAINERS=32' &&
	has_line .config 'CONFIG_NAME="x\\y"' &&
	has_line .config 'CONFIG_VETH_COUNT=2' &&
	has_line .config '# CONFIG_BRIDGE is not set' &&
	has_line .config 'CONFIG_STRING_DEPENDENT="dbg"' &&
	has_line .config 'CONFIG_HIDDEN_DEFAULT=y' &&
	has_line .config 'CONFIG_LOG_LEVEL=3'
}

t_olddefconfig_missing_config() {
	fixture basic
	KCONFIG_CONFIG=sub/dir.config conf --olddefconfig Kconfig || return 1
	has_line sub/dir.config 'CONFIG_BASE=y' && [ ! -e .config ]
}

t_olddefconfig_drops_bad_values() {
	fixture basic
	printf 'CONFIG_MAX_CONTAINERS=999\nCONFIG_DEBUG=maybe\nCONFIG_GONE=y\n' >.config
	succeeds_warning '.config:1: warning: CONFIG_MAX_CONTAINERS=999 out of range 1..64' \
		conf --olddefconfig Kconfig || return 1
	grep -qF '.config:2: warning: CONFIG_DEBUG=maybe: invalid value for bool' err.txt &&
	grep -qF '.config:3: warning: unknown symbol CONFIG_GONE' err.txt &&
	has_line .config 'CONFIG_MAX_CONTAINERS=16' &&
	has_line .config '# CONFIG_DEBUG is not set' || { cat err.txt; return 1; }
}

t_hidden_symbol_takes_default() {
	fixture basic
	# no prompt: the .config value is ignored, the default follows NETWORK
	printf 'CONFIG_NETWORK=y\n# CONFIG_HIDDEN_DEFAULT is not set\nCONFIG_LOG_LEVEL=7\n' >.config
	conf --olddefconfig Kconfig || return 1
	has_line .config 'CONFIG_HIDDEN_DEFAULT=y' && has_line .config 'CONFIG_LOG_LEVEL=1'
}

t_prompt_condition() {
	fixture basic
	printf 'CONFIG_DEBUG=y\nCONFIG_LOG_LEVEL=7\n' >.config
	cp .config before
	conf --olddefconfig Kconfig || return 1
	has_line .config 'CONFIG_LOG_LEVEL=7' && has_line .config 'CONFIG_BASE=y' &&
	same_file .config.old before
}

t_select_forces_y() {
	fixture basic
	printf 'CONFIG_SECCOMP=y\n# CONFIG_LIBSECCOMP_HELPER is not set\n' >.config
	conf --olddefconfig Kconfig || return 1
	has_line .config 'CONFIG_LIBSECCOMP_HELPER=y' || return 1
	printf '# CONFIG_SECCOMP is not set\n' >.config
	conf --olddefconfig Kconfig || return 1
	lacks_symbol .config LIBSECCOMP_HELPER
}

t_select_unmet_warns() {
	fixture select_unmet
	succeeds_warning 'Kconfig:4: warning: ENABLER selects TARGET which has unmet direct dependencies (Kconfig:9)' \
		conf --olddefconfig Kconfig || return 1
	has_line .config 'CONFIG_TARGET=y'
}

t_choice() {
	fixture basic
	conf --olddefconfig Kconfig || return 1
	has_line .config 'CONFIG_CGROUP_V2=y' || return 1
	printf 'CONFIG_CGROUP_NONE=y\n' >.config
	conf --olddefconfig Kconfig || return 1
	has_line .config 'CONFIG_CGROUP_NONE=y' && has_line .config '# CONFIG_CGROUP_V2 is not set' &&
	[ "$(grep -c '^CONFIG_CGROUP_.*=y' .config)" = 1 ] || return 1
	# whole choice invisible (menu depends on BASE): nothing written
	printf '# CONFIG_BASE is not set\nCONFIG_CGROUP_V1=y\n' >.config
	conf --olddefconfig Kconfig || return 1
	lacks_symbol .config CGROUP_V1 && lacks_symbol .config CGROUP_V2
}

t_optional_choice() {
	fixture syntax
	conf --olddefconfig Kconfig || return 1
	lacks_symbol .config PICK_ONE && lacks_symbol .config PICK_TWO || return 1
	printf 'CONFIG_PICK_TWO=y\n' >.config
	conf --olddefconfig Kconfig || return 1
	has_line .config 'CONFIG_PICK_TWO=y' && has_line .config '# CONFIG_PICK_ONE is not set'
}

t_range_and_compare() {
	fixture syntax
	conf --olddefconfig Kconfig || return 1
	# default 5 is clamped into range 10..20; a range bound may be a symbol
	has_line .config 'CONFIG_CLAMPED=10' && has_line .config 'CONFIG_RANGE_BY_SYM=3' &&
	has_line .config 'CONFIG_EQ_TEST=y' || return 1
	printf 'CONFIG_RANGE_BY_SYM=10\nCONFIG_HEXR=0x21\n' >d
	conf --defconfig d Kconfig || return 1
	has_line .config 'CONFIG_RANGE_BY_SYM=10' && lacks_symbol .config EQ_TEST || return 1
	printf 'CONFIG_RANGE_BY_SYM=11\n' >d
	fails_with 'd:1: CONFIG_RANGE_BY_SYM=11 out of range 1..10' conf --defconfig d Kconfig &&
	printf 'CONFIG_HEXR=0x100\n' >d &&
	fails_with 'd:1: CONFIG_HEXR=0x100 out of range 0x10..0xff' conf --defconfig d Kconfig
}

t_syntax_features() {
	fixture syntax
	conf --olddefconfig Kconfig || return 1
	has_line .config 'CONFIG_FEATURE_A=y' && has_line .config '# CONFIG_LONG_EXPR is not set' &&
	has_line .config 'CONFIG_UNDER_VISIBLE_IF=y' || return 1
	printf 'CONFIG_FEATURE_B=y\n# CONFIG_UNDER_VISIBLE_IF is not set\n' >.config
	conf --olddefconfig Kconfig || return 1
	# visible if false: the prompt is hidden, the value is the default
	has_line .config 'CONFIG_LONG_EXPR=y' && has_line .config 'CONFIG_UNDER_VISIBLE_IF=y' || return 1
	printf 'CONFIG_FEATURE_C=y\nCONFIG_FEATURE_B=y\n# CONFIG_UNDER_VISIBLE_IF is not set\n' >.config
	conf --olddefconfig Kconfig || return 1
	lacks_symbol .config FEATURE_B && has_line .config '# CONFIG_UNDER_VISIBLE_IF is not set' &&
	lacks_symbol .config MC_CHILD && has_line .config '# CONFIG_LAST is not set' || return 1
	printf 'CONFIG_MC=y\nCONFIG_PICK_ONE=y\n' >.config
	conf --olddefconfig Kconfig || return 1
	has_line .config 'CONFIG_MC_CHILD="x # not a comment"' || return 1
	# LAST is the only new symbol; its help ends the file
	sed -i '/CONFIG_LAST/d' .config
	printf '?\n' | conf --oldconfig Kconfig >out.txt &&
	grep -qF 'Help at the very end of the file.' out.txt || { cat out.txt; return 1; }
}

t_defconfig() {
	fixture basic
	mkdir -p board-configs
	printf 'CONFIG_NETWORK=y\nCONFIG_CGROUP_V1=y\nCONFIG_VETH_COUNT=5\n' >board-configs/x_defconfig
	conf --defconfig board-configs/x_defconfig Kconfig || return 1
	has_line .config 'CONFIG_NETWORK=y' && has_line .config 'CONFIG_CGROUP_V1=y' &&
	has_line .config 'CONFIG_VETH_COUNT=5' && has_line .config 'CONFIG_BASE=y' || return 1
	rm .config
	conf --defconfig=board-configs/x_defconfig Kconfig && has_line .config 'CONFIG_VETH_COUNT=5'
}

t_defconfig_ignored_value_warns() {
	fixture basic
	printf 'CONFIG_BRIDGE=y\n# CONFIG_LIBSECCOMP_HELPER is not set\nCONFIG_DEBUG=y\n' >d
	succeeds_warning 'd:1: warning: CONFIG_BRIDGE=y is ignored: its dependencies are not met' \
		conf --defconfig d Kconfig || return 1
	grep -qF 'd:2: warning: CONFIG_LIBSECCOMP_HELPER=n is ignored: it is forced on by select' err.txt &&
	! grep -qF 'd:3:' err.txt || { cat err.txt; return 1; }
	lacks_symbol .config BRIDGE && has_line .config 'CONFIG_DEBUG=y'
}

t_defconfig_errors() {
	fixture basic
	mkdir -p board-configs
	printf 'CONFIG_NETWORK=y\n\nCONFIG_FOO=y\n' >board-configs/x_defconfig
	fails_with 'board-configs/x_defconfig:3: unknown symbol CONFIG_FOO' \
		conf --defconfig board-configs/x_defconfig Kconfig || return 1
	printf '# comment\nCONFIG_MAX_CONTAINERS=999\n' >d
	fails_with 'd:2: CONFIG_MAX_CONTAINERS=999 out of range 1..64' conf --defconfig d Kconfig || return 1
	printf 'CONFIG_MAX_CONTAINERS=12abc\n' >d
	fails_with 'd:1: CONFIG_MAX_CONTAINERS=12abc is not a valid int' conf --defconfig d Kconfig || return 1
	printf 'CONFIG_LOAD_ADDR=0xzz\n' >d
	fails_with 'd:1: CONFIG_LOAD_ADDR=0xzz is not a valid hex' conf --defconfig d Kconfig || return 1
	printf 'CONFIG_DEBUG=yes\n' >d
	fails_with 'd:1: CONFIG_DEBUG=yes: invalid value for bool' conf --defconfig d Kconfig || return 1
	printf 'CONFIG_DEBUG=m\n' >d
	fails_with 'd:1: CONFIG_DEBUG=m: tristate is not supported' conf --defconfig d Kconfig || return 1
	printf 'CONFIG_DEBUG=y\nDEBUG=y\n' >d
	fails_with 'd:2: malformed line: DEBUG=y' conf --defconfig d Kconfig || return 1
	printf 'CONFIG_NAME="unterminated\n' >d
	fails_with 'd:1: malformed value for CONFIG_NAME' conf --defconfig d Kconfig || return 1
	fails_with "can't open defconfig file nope" conf --defconfig nope Kconfig || return 1
	[ ! -e .config ] || { echo "  .config written despite errors"; return 1; }
}

t_savedefconfig_minimal() {
	fixture basic
	conf --olddefconfig Kconfig && conf --savedefconfig min Kconfig || return 1
	[ ! -s min ] || { echo "  defaults should give an empty defconfig:"; cat min; return 1; }
	printf 'CONFIG_DEBUG=y\nCONFIG_CGROUP_V1=y\nCONFIG_MAX_CONTAINERS=16\n# CONFIG_SECCOMP is not set\n' >.config
	conf --olddefconfig Kconfig && conf --savedefconfig min Kconfig || return 1
	printf 'CONFIG_DEBUG=y\n# CONFIG_SECCOMP is not set\nCONFIG_CGROUP_V1=y\n' >want
	same_file min want
}

t_savedefconfig_roundtrip() {
	fixture basic
	printf 'CONFIG_NETWORK=y\nCONFIG_DEBUG=y\nCONFIG_NAME="a \\"b\\" \\\\c"\n# CONFIG_SECCOMP is not set\nCONFIG_CGROUP_NONE=y\nCONFIG_BRIDGE=y\nCONFIG_VETH_COUNT=0\nCONFIG_LOG_LEVEL=5\n' >orig
	conf --defconfig orig Kconfig && cp .config full && conf --savedefconfig min Kconfig || return 1
	same_file min orig || return 1
	rm .config
	conf --defconfig min Kconfig && same_file .config full
}

t_allnoconfig() {
	fixture basic
	printf 'CONFIG_DEBUG=y\n' >.config
	conf --allnoconfig Kconfig || return 1
	has_line .config '# CONFIG_BASE is not set' && has_line .config '# CONFIG_DEBUG is not set' &&
	lacks_symbol .config SECCOMP && has_line .config 'CONFIG_MAX_CONTAINERS=16'
}

t_allyesconfig() {
	fixture basic
	conf --allyesconfig Kconfig || return 1
	has_line .config 'CONFIG_BASE=y' && has_line .config 'CONFIG_NETWORK=y' &&
	has_line .config 'CONFIG_BRIDGE=y' && has_line .config 'CONFIG_CGROUP_V2=y' &&
	lacks_symbol .config EXTRA_B &&
	[ "$(grep -c '^CONFIG_CGROUP_.*=y' .config)" = 1 ]
}

# Dependencies of fixtures/basic, checked on a generated .config.
check_basic_deps() {
	c=$1
	y() { grep -qx "CONFIG_$1=y" "$c"; }
	w() { grep -q "CONFIG_$1[= ]" "$c"; }
	if y NETWORK && ! y BASE; then echo "  NETWORK without BASE"; return 1; fi
	if w BRIDGE || w VETH_COUNT; then y NETWORK || { echo "  BRIDGE/VETH without NETWORK"; return 1; }; fi
	if y SECCOMP && ! y LIBSECCOMP_HELPER; then echo "  SECCOMP without its select"; return 1; fi
	if w SECCOMP && ! y BASE; then echo "  SECCOMP written without BASE"; return 1; fi
	n=$(grep -c '^CONFIG_CGROUP_.*=y' "$c")
	if y BASE; then [ "$n" = 1 ] || { echo "  $n cgroup choices"; return 1; }
	else [ "$n" = 0 ] || { echo "  choice set without BASE"; return 1; }; fi
	if y EXTRA_B && { ! y EXTRA_A || y DEBUG; }; then echo "  EXTRA_B deps"; return 1; fi
	if w STRING_DEPENDENT && ! y DEBUG; then echo "  STRING_DEPENDENT without DEBUG"; return 1; fi
	if y HIDDEN_DEFAULT && ! y NETWORK; then echo "  HIDDEN_DEFAULT default"; return 1; fi
	return 0
}

t_randconfig_seeds() {
	fixture basic
	seed=1
	seen=""
	while [ $seed -le 20 ]; do
		KCONFIG_SEED=$seed conf --randconfig Kconfig 2>err.txt || return 1
		[ ! -s err.txt ] || { echo "  seed $seed: stderr:"; cat err.txt; return 1; }
		check_basic_deps .config || { echo "  seed $seed"; cat .config; return 1; }
		seen="$seen
$(config_lines .config | tr '\n' ' ')"
		seed=$((seed + 1))
	done
	variants=$(printf '%s\n' "$seen" | sort -u | grep -c .)
	[ "$variants" -ge 5 ] || { echo "  only $variants different configs from 20 seeds"; return 1; }
}

t_randconfig_deterministic() {
	fixture basic
	KCONFIG_SEED=0x1234abcd conf --randconfig Kconfig && cp .config a &&
	KCONFIG_SEED=0x1234abcd conf --randconfig Kconfig && same_file .config a || return 1
	KCONFIG_SEED=305441741 conf --randconfig Kconfig && same_file .config a || return 1
	# no seed: one is chosen and printed, and replaying it gives the same file
	conf --randconfig Kconfig 2>err.txt || return 1
	seed=$(sed -n 's/^KCONFIG_SEED=\(0x[0-9A-Fa-f]*\)$/\1/p' err.txt)
	[ -n "$seed" ] || { echo "  no KCONFIG_SEED=0x... on stderr"; cat err.txt; return 1; }
	cp .config b
	KCONFIG_SEED=$seed conf --randconfig Kconfig && same_file .config b
}

t_listnewconfig() {
	fixture basic
	printf 'CONFIG_BASE=y\nCONFIG_NETWORK=y\nCONFIG_DEBUG=y\nCONFIG_MAX_CONTAINERS=3\nCONFIG_LOAD_ADDR=0x1f\nCONFIG_NAME="n"\nCONFIG_SECCOMP=y\nCONFIG_CGROUP_V2=y\nCONFIG_EXTRA_A=y\n' >.config
	cp .config before
	conf --listnewconfig Kconfig >list || return 1
	printf 'CONFIG_BRIDGE=n\nCONFIG_VETH_COUNT=2\nCONFIG_LOG_LEVEL=3\nCONFIG_STRING_DEPENDENT="dbg"\n' >want
	sort list >a; sort want >b
	same_file a b && same_file .config before
}

t_oldconfig_yes_empty() {
	fixture basic
	printf 'CONFIG_NETWORK=y\n' >.config
	cp .config start
	yes '' | conf --oldconfig Kconfig >out.txt || return 1
	cp .config asked
	cp start .config
	conf --olddefconfig Kconfig || return 1
	same_file asked .config || return 1
	grep -qF 'Debug output (DEBUG) [N/y/?] (NEW)' out.txt &&
	grep -qF 'veth pairs (VETH_COUNT) [2] (0-8) (NEW)' out.txt || { cat out.txt; return 1; }
	# NETWORK had a value: not asked again
	! grep -qF '(NETWORK)' out.txt || { echo "  asked an old symbol"; return 1; }
	# and EOF right away behaves the same
	cp start .config
	conf --oldconfig Kconfig </dev/null >out.txt && same_file asked .config
}

t_oldconfig_answers() {
	fixture basic
	printf 'CONFIG_BASE=y\nCONFIG_NETWORK=y\n' >.config
	# order: DEBUG, MAX_CONTAINERS, LOAD_ADDR, NAME, SECCOMP, choice, BRIDGE, VETH_COUNT, ...
	printf 'y\n99\n\n\n\nn\n3\nbogus\ny\n4\n' | conf --oldconfig Kconfig >out.txt || return 1
	has_line .config 'CONFIG_DEBUG=y' && has_line .config 'CONFIG_MAX_CONTAINERS=16' &&
	has_line .config '# CONFIG_SECCOMP is not set' && has_line .config 'CONFIG_CGROUP_NONE=y' &&
	has_line .config 'CONFIG_BRIDGE=y' && has_line .config 'CONFIG_VETH_COUNT=4' &&
	grep -qF "'99' is out of range" out.txt || { cat out.txt; return 1; }
}

t_oldconfig_help() {
	fixture basic
	# first new symbol is BASE, which has help
	printf '?\n' | conf --oldconfig Kconfig >out.txt || return 1
	grep -qF 'builds on it.' out.txt && grep -qF 'Second paragraph.' out.txt || { cat out.txt; return 1; }
	# with BASE answered, DEBUG comes first: no help text
	printf 'CONFIG_BASE=y\nCONFIG_NETWORK=y\n' >.config
	printf '?\nn\n' | conf --oldconfig Kconfig >out.txt || return 1
	grep -qF 'There is no help available' out.txt || { cat out.txt; return 1; }
}

t_oldaskconfig() {
	fixture basic
	printf 'CONFIG_DEBUG=y\n' >.config
	yes '' | conf --oldaskconfig Kconfig >out.txt || return 1
	grep -qF '* Core' out.txt && grep -qF 'Debug output (DEBUG) [Y/n/?]' out.txt &&
	grep -qF '> 2. cgroup v2 (CGROUP_V2)' out.txt || { cat out.txt; return 1; }
	has_line .config 'CONFIG_DEBUG=y'
}

t_syncconfig_header() {
	fixture basic
	printf 'CONFIG_DEBUG=y\nCONFIG_NAME="q\\"x"\n' >.config
	conf --syncconfig Kconfig || return 1
	h=include/generated/autoconf.h
	has_line $h '#define CFG_BASE 1' && has_line $h '#define CFG_NETWORK 0' &&
	has_line $h '#define CFG_BRIDGE 0' && has_line $h '#define CFG_DEBUG 1' &&
	has_line $h '#define CFG_LIBSECCOMP_HELPER 1' && has_line $h '#define CFG_CGROUP_V2 1' &&
	has_line $h '#define CFG_VETH_COUNT 2' && has_line $h '#define CFG_LOAD_ADDR 0x1f' &&
	has_line $h '#define CFG_NAME "q\"x"' && has_line $h '#define CFG_STRING_DEPENDENT "dbg"' &&
	grep -q 'DO NOT EDIT' $h && grep -q '^#ifndef' $h || return 1
	n=$(grep -c '^#define CFG_' $h)
	[ "$n" = 18 ] || { echo "  $n symbols defined, want 18"; return 1; }
	if command -v cc >/dev/null 2>&1; then
		printf '#include "%s"\nint main(void) { return CFG_BASE && CFG_VETH_COUNT == 2 ? 0 : 1; }\n' "$h" >t.c
		cc -Wall -Werror -o t t.c && ./t || { echo "  header does not compile/behave"; return 1; }
	fi
	KCONFIG_AUTOHEADER=out/deep/auto.h conf --syncconfig Kconfig && [ -f out/deep/auto.h ]
}

t_syncconfig_keeps_mtime() {
	fixture basic
	conf --syncconfig Kconfig || return 1
	h=include/generated/autoconf.h
	touch -d '2001-01-01 00:00:00' .config $h
	m1=$(mtime $h); c1=$(mtime .config)
	conf --syncconfig Kconfig || return 1
	[ "$(mtime $h)" = "$m1" ] && [ "$(mtime .config)" = "$c1" ] ||
		{ echo "  unchanged output was rewritten"; return 1; }
	sed -i 's/^# CONFIG_DEBUG is not set$/CONFIG_DEBUG=y/' .config
	conf --syncconfig Kconfig || return 1
	[ "$(mtime $h)" != "$m1" ] || { echo "  header not rewritten after a change"; return 1; }
	has_line $h '#define CFG_DEBUG 1'
}

t_config_env_prefix() {
	fixture basic
	KCONFIG_CONFIG=my.config conf --olddefconfig Kconfig && has_line my.config 'CONFIG_BASE=y' &&
	[ ! -e .config ]
}

t_usage_errors() {
	fixture basic
	fails_with 'usage' conf Kconfig &&
	fails_with 'usage' conf --bogusconfig Kconfig &&
	fails_with 'usage' conf --defconfig &&
	fails_with "can't open 'nope'" conf --olddefconfig nope &&
	printf 'config 123\n\tbool "x"\n' >K && fails_with "K:1: '123' cannot be a symbol name" conf --olddefconfig K
}

# ---- Kconfig errors: each names file:line ----

kerr() { # kerr FIXTURE_FILE TEXT
	cp "$FIX/errors/$1" . && fails_with "$2" conf --olddefconfig "$1"
}

t_error_unknown_keyword() { kerr unknown_keyword.Kconfig "unknown_keyword.Kconfig:4: syntax error: unexpected 'foo'"; }
t_error_unterminated_string() { kerr unterminated_string.Kconfig 'unterminated_string.Kconfig:2: syntax error: unterminated string'; }
t_error_unclosed_menu() { kerr unclosed_menu.Kconfig "unclosed_menu.Kconfig:1: syntax error: 'menu' is not closed"; }
t_error_stray_endif() { kerr stray_endif.Kconfig "stray_endif.Kconfig:4: syntax error: 'endif' without matching 'if'"; }
t_error_mismatched_end() { kerr mismatched_end.Kconfig "mismatched_end.Kconfig:3: syntax error: 'endif' closes 'menu' opened at mismatched_end.Kconfig:2"; }
t_error_missing_type() { kerr missing_type.Kconfig 'missing_type.Kconfig:4: config NOTYPE has no type'; }
t_error_tristate() { kerr tristate.Kconfig 'tristate.Kconfig:2: tristate is not supported'; }
t_error_missing_source() { kerr missing_source.Kconfig "missing_source.Kconfig:4: can't open sourced file 'does/not/exist'"; }
t_error_recursive() { kerr recursive.Kconfig 'error: recursive dependency: A (recursive.Kconfig:1) -> B (recursive.Kconfig:5) -> A'; }
t_error_recursive_select() { kerr recursive_select.Kconfig 'recursive dependency: A (recursive_select.Kconfig:1) -> X (recursive_select.Kconfig:6) -> B (recursive_select.Kconfig:10) -> A'; }
t_error_recursive_prompt_range() { kerr recursive_prompt_range.Kconfig 'recursive dependency: A (recursive_prompt_range.Kconfig:1) -> B (recursive_prompt_range.Kconfig:5) -> C (recursive_prompt_range.Kconfig:8) -> D (recursive_prompt_range.Kconfig:12) -> A'; }
t_error_unbalanced_source() {
	cp "$FIX/errors/source_unbalanced.Kconfig" "$FIX/errors/unclosed_if.inc" . &&
	fails_with "unclosed_if.inc:1: syntax error: 'if' is not closed in this file" \
		conf --olddefconfig source_unbalanced.Kconfig
}
t_warning_undefined_symbol() {
	cp "$FIX/errors/undefined.Kconfig" . &&
	succeeds_warning 'undefined.Kconfig:3: warning: symbol NEVER_DEFINED is referenced but never defined' \
		conf --olddefconfig undefined.Kconfig && lacks_symbol .config A
}

# ---- interchangeability with kconfig-frontends ----

need_kconfig_conf() {
	command -v kconfig-conf >/dev/null 2>&1 && return 0
	echo "kconfig-conf not installed"; exit $SKIP_RC
}

# ours writes, theirs reads: their olddefconfig must not change any CONFIG_ line
compat_ours_then_theirs() {
	config_lines .config >ours.lines
	kconfig-conf --olddefconfig Kconfig >/dev/null || return 1
	config_lines .config >theirs.lines
	same_file ours.lines theirs.lines
}

t_compat_ours_to_kconfig_conf() {
	need_kconfig_conf
	for tree in basic syntax; do
		rm -rf "$tree" && mkdir "$tree" && (cd "$tree" && fixture "$tree" &&
			conf --olddefconfig Kconfig && compat_ours_then_theirs &&
			conf --allyesconfig Kconfig && compat_ours_then_theirs &&
			printf 'CONFIG_PICK_ONE=y\nCONFIG_DEBUG=y\nCONFIG_NETWORK=y\n' >.config &&
			conf --olddefconfig Kconfig 2>/dev/null && compat_ours_then_theirs) || return 1
	done
	cd basic || return 1
	for seed in 1 2 3 4 5 6 7 8; do
		KCONFIG_SEED=$seed conf --randconfig Kconfig && compat_ours_then_theirs || return 1
	done
}

t_compat_kconfig_conf_to_ours() {
	need_kconfig_conf
	fixture basic
	for mode in --allyesconfig --allnoconfig --alldefconfig --randconfig --randconfig --randconfig; do
		kconfig-conf $mode Kconfig >/dev/null 2>&1 || return 1
		config_lines .config >theirs.lines
		conf --olddefconfig Kconfig || return 1
		config_lines .config >ours.lines
		same_file theirs.lines ours.lines || { echo "  after kconfig-conf $mode"; return 1; }
	done
	# and both minimise a config the same way (apart from out-of-range defaults)
	printf 'CONFIG_NETWORK=y\nCONFIG_CGROUP_V1=y\nCONFIG_NAME="x"\n' >d
	conf --defconfig d Kconfig && conf --savedefconfig ours Kconfig &&
	kconfig-conf --savedefconfig=theirs Kconfig >/dev/null && same_file ours theirs
}

tests=$(sed -n 's/^\(t_[a-z0-9_]*\)() {.*/\1/p' "$0")
for t in $tests; do
	run_test "$t"
done

if [ $skipped -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ $failed -eq 0 ]
