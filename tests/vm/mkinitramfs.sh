#!/bin/bash
# tests/vm/mkinitramfs.sh BOARD OUTPUT - build the BusyBox initramfs (uncompressed newc cpio) of a VM board.
#
# Needs tests/vm/fetch.sh BOARD to have run. Environment:
#   TINYRUN     tinyrun binary for the board's architecture (required) -> /usr/bin/tinyrun
#   UNIT        unit-test runner for that architecture (optional)      -> /tests/unit-runner
#   VM_MODULES  extra kernel module names (space separated), added to those listed in
#               tests/vm/modules.list; copied with their dependencies to /lib/modules/RELEASE/
#   VM_INTEGRATION  1 (every case) or a tests/integration/run.sh FILTER: tests/integration ->
#               /tests/integration and optional/90-integration.sh -> /tests/tests/
# Contents: /bin/busybox (applet links made at boot by /init), /init (installs the links, then
# execs BusyBox init), /etc/inittab + /etc/init.d/rcS (tests/vm/rootfs), /dev/console,
# /tests/{boot.sh,run-all.sh,lib.sh,vm.env,tests/*.sh}, /repo/tests/unit/fixtures (when present;
# the unit runner runs in /repo, as it does from the source tree's top).
# Must run as root (mknod of /dev/console).
set -eu

die() { echo "vm-initramfs: error: $*" >&2; exit 1; }

[ $# -eq 2 ] || die "usage: $0 BOARD OUTPUT"
BOARD=$1
OUTPUT=$2
TOP=$(cd "$(dirname "$0")/../.." && pwd -P)
VM=$TOP/tests/vm
VMSH=$TOP/board-configs/$BOARD/vm.sh
[ -f "$VMSH" ] || die "unknown board '$BOARD': no $VMSH"
# shellcheck source=/dev/null
. "$VMSH"
CACHED=$TOP/build/cache/vm/$BOARD
[ -f "$CACHED/packages" ] || die "$CACHED is not populated: run tests/vm/fetch.sh $BOARD"
[ "$(id -u)" = 0 ] || die "must run as root (creates the /dev/console device node)"
command -v cpio >/dev/null 2>&1 || die "cpio not found (apt-get install cpio)"

[ -n "${TINYRUN:-}" ] || die "TINYRUN is not set (path of the tinyrun binary for $ARCH)"
[ -f "$TINYRUN" ] || die "TINYRUN=$TINYRUN: no such file"
[ -z "${UNIT:-}" ] || [ -f "$UNIT" ] || die "UNIT=$UNIT: no such file"
release=$(cat "$CACHED/release")

stage=$(mktemp -d "$TOP/build/cache/vm/.$BOARD.stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
cd "$stage"
mkdir -p bin sbin usr/bin usr/sbin etc dev proc sys run tmp root tests/tests "lib/modules/$release" repo
chmod 1777 tmp
mknod -m 600 dev/console c 5 1
mknod -m 666 dev/null c 1 3

install -m 755 "$CACHED/busybox" bin/busybox
cat >init <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s
exec /bin/busybox init
EOF
chmod 755 init
cp -R "$VM/rootfs/." .
install -m 755 "$TINYRUN" usr/bin/tinyrun
unit=
if [ -n "${UNIT:-}" ]; then
	install -m 755 "$UNIT" tests/unit-runner
	unit=/tests/unit-runner
fi
if [ -d "$TOP/tests/unit/fixtures" ]; then
	mkdir -p repo/tests/unit
	cp -R "$TOP/tests/unit/fixtures" repo/tests/unit/
fi
install -m 755 "$VM/boot.sh" "$VM/run-all.sh" tests/
install -m 644 "$VM/lib.sh" "$TOP/tests/oci-spec.sh" tests/
for t in "$VM"/tests/*.sh; do
	[ -e "$t" ] || continue
	install -m 755 "$t" tests/tests/
done
# Opt-in: the integration runner and its cases, run by optional/90-integration.sh.
if [ -n "${VM_INTEGRATION:-}" ]; then
	cp -R "$TOP/tests/integration" tests/integration
	install -m 755 "$VM/optional/90-integration.sh" tests/tests/
fi

# Kernel modules: NAME.ko from the cached tree, with the dependencies named in its modinfo.
mods=
[ ! -f "$VM/modules.list" ] || mods=$(sed 's/#.*//' "$VM/modules.list")
mods="$mods ${VM_MODULES:-}"
: >"lib/modules/$release/deps"
copied=" "
add_module() {
	local m=$1 f deps d
	case $copied in *" $m "*) return 0 ;; esac
	f=$(find "$CACHED/modules" -name "$m.ko" -o -name "$m.ko.xz" -o -name "$m.ko.zst" | head -n 1)
	if [ -z "$f" ]; then
		m=$(printf '%s' "$m" | tr _ -)
		f=$(find "$CACHED/modules" -name "$m.ko" -o -name "$m.ko.xz" -o -name "$m.ko.zst" | head -n 1)
	fi
	[ -n "$f" ] || die "kernel module $1 not found in $CACHED/modules (built in, or misspelt?)"
	case $f in
	*.xz) xz -dc "$f" >"lib/modules/$release/$m.ko" ;;
	*.zst) zstd -qdc "$f" >"lib/modules/$release/$m.ko" ;;
	*) cp "$f" "lib/modules/$release/$m.ko" ;;
	esac
	copied="$copied$m "
	deps=$(tr '\0' '\n' <"lib/modules/$release/$m.ko" | sed -n 's/^depends=//p' | head -n 1 | tr , ' ')
	echo "$m: $deps" >>"lib/modules/$release/deps"
	for d in $deps; do add_module "$d"; done
}
for m in $mods; do add_module "$m"; done

{
	echo "BOARD='$BOARD'"
	echo "ARCH='$ARCH'"
	echo "KERNEL_RELEASE='$release'"
	echo "VM_NAMESPACES='$VM_NAMESPACES'"
	echo "TINYRUN=/usr/bin/tinyrun"
	echo "UNIT='$unit'"
	echo "MODULES='${copied# }'"
	echo "VM_INTEGRATION='${VM_INTEGRATION:-}'"
} >tests/vm.env

mkdir -p "$(dirname "$OUTPUT")"
find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet >"$OUTPUT.tmp" ||
	die "cpio failed"
mv "$OUTPUT.tmp" "$OUTPUT"
