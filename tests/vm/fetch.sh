#!/bin/bash
# tests/vm/fetch.sh BOARD - fetch and unpack the Debian kernel and busybox-static for a VM board.
#
# Result, under build/cache/vm/BOARD/ (nothing is fetched again while it is there; VM_REFRESH=1
# re-resolves the kernel ABI and the busybox version through apt):
#   kernel     what qemu -kernel loads (bzImage, uncompressed arm64 Image, or zImage)
#   release    the kernel release (uname -r)
#   modules/   the kernel's lib/modules/RELEASE tree (.ko files; no modules.dep)
#   busybox    static busybox of the board's architecture
#   packages   the Debian packages these came from
# Downloads go through scripts/apt-private.sh (private apt configuration; the system's apt
# sources and dpkg architectures stay untouched).
set -eu

die() { echo "vm-fetch: error: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: $0 BOARD (qemu_x86_64 | qemu_aarch64 | qemu_armv7)"
BOARD=$1
TOP=$(cd "$(dirname "$0")/../.." && pwd -P)
VMSH=$TOP/board-configs/$BOARD/vm.sh
[ -f "$VMSH" ] || die "unknown board '$BOARD': no $VMSH"
# shellcheck source=/dev/null
. "$VMSH"

CACHE=$TOP/build/cache/vm
OUT=$CACHE/$BOARD
if [ -f "$OUT/packages" ] && [ -z "${VM_REFRESH:-}" ]; then
	exit 0
fi

for t in apt-get apt-cache dpkg-deb; do
	command -v "$t" >/dev/null 2>&1 || die "$t not found (Debian host tools needed)"
done
[ -f "$TOP/scripts/apt-private.sh" ] || die "scripts/apt-private.sh is missing"
export TINYRUN_TOP=$TOP
# shellcheck source=/dev/null
. "$TOP/scripts/apt-private.sh" || die "cannot set up the private apt configuration"
apt_private_update || die "apt-get update of the private apt configuration failed"

# The metapackage depends on the current ABI package: linux-image-cloud-amd64 -> linux-image-6.1.0-NN-cloud-amd64.
kpkg=$(apt-cache depends "$KERNEL_META:$DEB_ARCH" 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-image-[0-9][^: ]*\).*/\1/p' | head -n 1)
[ -n "$kpkg" ] || die "cannot resolve the kernel package from $KERNEL_META:$DEB_ARCH (apt-cache depends printed no linux-image-N dependency)"
release=${kpkg#linux-image-}
echo "vm-fetch: $BOARD: $kpkg:$DEB_ARCH and busybox-static:$DEB_ARCH" >&2

debs=$CACHE/debs
mkdir -p "$debs"
list=$(apt_private_download "$kpkg:$DEB_ARCH" "busybox-static:$DEB_ARCH" "$debs") ||
	die "download of $kpkg:$DEB_ARCH busybox-static:$DEB_ARCH failed"
kdeb=$(printf '%s\n' "$list" | grep "/${kpkg}_[^/]*_$DEB_ARCH\.deb\$" | head -n 1)
bdeb=$(printf '%s\n' "$list" | grep "/busybox-static_[^/]*_$DEB_ARCH\.deb\$" | head -n 1)
[ -f "$kdeb" ] || die "no kernel .deb among: $list"
[ -f "$bdeb" ] || die "no busybox-static .deb among: $list"

new=$CACHE/.$BOARD.new
rm -rf "$new"
mkdir -p "$new/x"
trap 'rm -rf "$new"' EXIT

dpkg-deb -x "$kdeb" "$new/x"
vmlinuz=$new/x/boot/vmlinuz-$release
[ -f "$vmlinuz" ] || die "$kdeb has no boot/vmlinuz-$release"
[ -d "$new/x/lib/modules/$release" ] || die "$kdeb has no lib/modules/$release"

# arm64's vmlinuz is a gzip-compressed Image: give qemu the plain Image (no decompression at
# every boot). An EFI zboot image ("MZ", "zimg" at offset 4) carries its payload at the offset
# and size stored at bytes 8 and 12, compressed as named at byte 24.
magic=$(od -An -tx1 -N4 "$vmlinuz" | tr -d ' \n')
zimg=$(dd if="$vmlinuz" bs=1 skip=4 count=4 2>/dev/null | tr -d "\0")
if [ "${magic#1f8b}" != "$magic" ]; then
	gzip -dc "$vmlinuz" >"$new/kernel" || die "cannot gunzip $vmlinuz"
elif [ "${magic#4d5a}" != "$magic" ] && [ "$zimg" = zimg ]; then
	off=$(od -An -tu4 -j8 -N4 "$vmlinuz" | tr -d ' ')
	len=$(od -An -tu4 -j12 -N4 "$vmlinuz" | tr -d ' ')
	comp=$(dd if="$vmlinuz" bs=1 skip=24 count=8 2>/dev/null | tr -d '\0')
	case $comp in
	gzip) dec="gzip -dc" ;;
	xz) dec="xz -dc" ;;
	zstd | zstd22) dec="zstd -dc" ;;
	lzma) dec="xz --format=lzma -dc" ;;
	*) die "$vmlinuz: EFI zboot image compressed with '$comp', which this script cannot unpack" ;;
	esac
	tail -c +"$((off + 1))" "$vmlinuz" | head -c "$len" | $dec >"$new/kernel" ||
		die "cannot unpack the EFI zboot payload of $vmlinuz"
else
	cp "$vmlinuz" "$new/kernel"
fi
echo "$release" >"$new/release"
mv "$new/x/lib/modules/$release" "$new/modules"

rm -rf "$new/x"
mkdir -p "$new/x"
dpkg-deb -x "$bdeb" "$new/x"
[ -f "$new/x/bin/busybox" ] || die "$bdeb has no bin/busybox"
mv "$new/x/bin/busybox" "$new/busybox"
rm -rf "$new/x"
printf '%s\n' "$(basename "$kdeb")" "$(basename "$bdeb")" >"$new/packages"

rm -rf "$OUT"
mv "$new" "$OUT"
trap - EXIT
echo "vm-fetch: $BOARD: kernel $release cached in $OUT" >&2
