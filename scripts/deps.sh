#!/bin/sh
# scripts/deps.sh ARCH - build tinyrun's dependencies for ARCH on a Debian 12 host.
#
#   ARCH: x86_64 | aarch64 | armv7
#
# Produces (all under <top>/build/):
#   toolchains/<arch>/bin/musl-gcc   cross musl compiler wrapper (aarch64, armv7)
#   <arch>/sysroot/include/          kernel UAPI headers (linux, asm, asm-generic),
#                                    cjson/cJSON.h, cap-ng.h
#   <arch>/sysroot/lib/              libcjson.a, libcap-ng.a (static, musl)
#   <arch>/toolchain.mk              TC_CC TC_STRIP TC_SYSROOT TC_CFLAGS TC_LDFLAGS
#                                    TC_LIBS TC_QEMU TC_DEB_ARCH for the Makefile
#   src/                             Debian source packages of cjson and libcap-ng
#
# Every step is cached; a second run only compares a stamp.  Options:
#   --refresh    look for newer Debian source packages (security updates) and
#                rebuild when there are any (also: TINYRUN_DEPS_REFRESH=1)
#   --force      rebuild everything for ARCH (keeps downloads)
#
# Debian packages used: see docs/building.md.
set -eu

usage() {
	echo "usage: $0 [--refresh] [--force] x86_64|aarch64|armv7" >&2
	exit 2
}

REFRESH=${TINYRUN_DEPS_REFRESH:-}
FORCE=
ARCH=
for a in "$@"; do
	case $a in
	--refresh) REFRESH=1 ;;
	--force) FORCE=1 ;;
	-h | --help) usage ;;
	-*) echo "deps: unknown option $a" >&2; usage ;;
	*) [ -z "$ARCH" ] || usage; ARCH=$a ;;
	esac
done
[ -n "$ARCH" ] || usage

SCRIPTS=$(cd "$(dirname "$0")" && pwd -P)
TOP=$(cd "$SCRIPTS/.." && pwd -P)
BUILD=$TOP/build
export TINYRUN_TOP="$TOP"

case $ARCH in
x86_64)
	DEB_ARCH=amd64 GNU=x86_64-linux-gnu MUSL=x86_64-linux-musl
	CMAKE_PROC=x86_64 QEMU='' QEMU_PKG=''
	CROSS_PKG='' KHDR_PKG=linux-libc-dev
	;;
aarch64)
	DEB_ARCH=arm64 GNU=aarch64-linux-gnu MUSL=aarch64-linux-musl
	CMAKE_PROC=aarch64 QEMU=qemu-aarch64-static QEMU_PKG=qemu-user-static
	CROSS_PKG=gcc-aarch64-linux-gnu KHDR_PKG=linux-libc-dev-arm64-cross
	;;
armv7)
	DEB_ARCH=armhf GNU=arm-linux-gnueabihf MUSL=arm-linux-musleabihf
	CMAKE_PROC=arm QEMU=qemu-arm-static QEMU_PKG=qemu-user-static
	CROSS_PKG=gcc-arm-linux-gnueabihf KHDR_PKG=linux-libc-dev-armhf-cross
	;;
*)
	echo "deps: unknown architecture '$ARCH' (expected x86_64, aarch64 or armv7)" >&2
	exit 2
	;;
esac

SYSROOT=$BUILD/$ARCH/sysroot
TCDIR=$BUILD/toolchains/$ARCH
DEPSBUILD=$BUILD/$ARCH/deps-build
SRCDIR=$BUILD/src
STAMP=$BUILD/$ARCH/deps.stamp
MK=$BUILD/$ARCH/toolchain.mk
OPT_CFLAGS="-Os -ffunction-sections -fdata-sections"

say() { echo "deps[$ARCH]: $*" >&2; }
die() {
	echo "deps[$ARCH]: error: $*" >&2
	exit 1
}

# --- fast path ----------------------------------------------------------------
# The key covers the scripts that define the build; the stamp also records the
# source versions used.  Nothing else is consulted, so a second run is cheap.
key() {
	cat "$SCRIPTS/deps.sh" "$SCRIPTS/apt-private.sh" | cksum | cut -d' ' -f1
}
KEY="$ARCH $(key)"
if [ -z "$FORCE$REFRESH" ] && [ -f "$STAMP" ] && [ "$(sed -n 1p "$STAMP")" = "$KEY" ] &&
	[ "$(sed -n '2,$p' "$STAMP")" = "$(awk '{ print $1, $2 }' "$SRCDIR/versions" 2>/dev/null)" ] &&
	[ -f "$MK" ] && [ -f "$SYSROOT/lib/libcjson.a" ] && [ -f "$SYSROOT/lib/libcap-ng.a" ]; then
	# keep make's view (toolchain.mk depends on deps.sh) consistent
	[ -n "$(find "$MK" -newer "$SCRIPTS/deps.sh")" ] || touch "$MK"
	say "up to date ($(sed -n '2,$p' "$STAMP" | tr '\n' ' ' | sed 's/ $//'))"
	exit 0
fi

# --- host tools -----------------------------------------------------------------
need() { # TOOL PACKAGE
	command -v "$1" >/dev/null 2>&1 || die "'$1' not found: install $2 (apt-get install $2)"
}
need make make
need cmake cmake
need dpkg-source dpkg-dev
need dpkg-deb dpkg
need xz xz-utils
need patch patch
need file file
need flock util-linux
if [ "$ARCH" = x86_64 ]; then
	need musl-gcc musl-tools
	need strip binutils
	need ar binutils
	[ -f /usr/lib/$MUSL/libc.a ] || die "musl's libc.a not found: install musl-dev (apt-get install musl-tools musl-dev)"
else
	need "$GNU-gcc" "$CROSS_PKG"
	need "$GNU-strip" "binutils-$GNU"
	need "$GNU-ar" "binutils-$GNU"
	need "$QEMU" "$QEMU_PKG"
fi

# --- kernel UAPI header location ----------------------------------------------
if [ "$ARCH" = x86_64 ]; then
	KINC=/usr/include KASM=/usr/include/$GNU/asm
else
	KINC=/usr/$GNU/include KASM=/usr/$GNU/include/asm
fi
[ -f "$KINC/linux/capability.h" ] && [ -d "$KINC/asm-generic" ] && [ -f "$KASM/unistd.h" ] ||
	die "kernel headers not found in $KINC: install $KHDR_PKG (apt-get install $KHDR_PKG)"

mkdir -p "$BUILD/$ARCH" "$SRCDIR"
# One build per architecture at a time; the shared parts (apt, sources) take
# a second lock.
exec 8>"$BUILD/$ARCH/.deps.lock"
flock 8
rm -f "$STAMP"

lock_shared() { exec 9>"$BUILD/.deps-shared.lock" && flock 9; }
unlock_shared() { exec 9>&-; }

apt_init() {
	# shellcheck source=scripts/apt-private.sh
	[ -n "${APT_PRIVATE_DIR:-}" ] || . "$SCRIPTS/apt-private.sh"
}

# --- sources (shared by all architectures) -----------------------------------
# build/src/versions lines: "PACKAGE VERSION DIRECTORY"
fetch_sources() {
	lock_shared
	if [ -n "$REFRESH" ] || [ ! -s "$SRCDIR/versions" ]; then
		apt_init
		[ -z "$REFRESH" ] || rm -f "$APT_PRIVATE_DIR/update.stamp"
		dscs=$(apt_private_source cjson libcap-ng "$SRCDIR") ||
			die "could not download the source packages cjson and libcap-ng.
  They come from Debian's deb-src archive through build/apt (see messages above);
  the host needs network access to the Debian mirror."
		: >"$SRCDIR/versions.new"
		for dsc in $dscs; do
			pkg=$(sed -n 's/^Source: //p' "$dsc")
			ver=$(sed -n 's/^Version: //p' "$dsc")
			dir=$SRCDIR/${pkg}_$ver
			if [ ! -f "$dir/.extracted" ]; then
				rm -rf "$dir"
				say "extracting $pkg $ver (dpkg-source checks the .dsc checksums and applies Debian's patches)"
				(cd "$SRCDIR" && dpkg-source -x "$dsc" "$dir" >"$dir.log" 2>&1) || {
					cat "$dir.log" >&2
					die "dpkg-source -x $dsc failed"
				}
				touch "$dir/.extracted"
			fi
			echo "$pkg $ver $dir" >>"$SRCDIR/versions.new"
		done
		mv "$SRCDIR/versions.new" "$SRCDIR/versions"
	fi
	unlock_shared
	CJSON_VER=$(awk '$1 == "cjson" { print $2 }' "$SRCDIR/versions")
	CJSON_DIR=$(awk '$1 == "cjson" { print $3 }' "$SRCDIR/versions")
	CAPNG_VER=$(awk '$1 == "libcap-ng" { print $2 }' "$SRCDIR/versions")
	CAPNG_DIR=$(awk '$1 == "libcap-ng" { print $3 }' "$SRCDIR/versions")
	[ -n "$CJSON_VER" ] && [ -f "$CJSON_DIR/.extracted" ] && [ -n "$CAPNG_VER" ] && [ -f "$CAPNG_DIR/.extracted" ] || {
		rm -f "$SRCDIR/versions"
		die "build/src/versions is incomplete; run again with --refresh"
	}
}

# --- musl toolchain -------------------------------------------------------------
setup_toolchain() {
	if [ "$ARCH" = x86_64 ]; then
		TC_CC=$(command -v musl-gcc)
		TC_STRIP=$(command -v strip)
		TC_AR=$(command -v ar)
		TC_RANLIB=$(command -v ranlib)
		MUSL_VER=$(dpkg-query -W -f '${Version}' musl-dev 2>/dev/null || echo unknown)
		return
	fi
	TC_CC=$TCDIR/bin/musl-gcc
	TC_STRIP=$(command -v "$GNU-strip")
	TC_AR=$(command -v "$GNU-ar")
	TC_RANLIB=$(command -v "$GNU-ranlib")
	tckey="$KEY $(command -v "$GNU-gcc")"
	if [ -z "$REFRESH" ] && [ -f "$TCDIR/.stamp" ] && [ "$(cat "$TCDIR/.stamp")" = "$tckey" ] && [ -x "$TC_CC" ]; then
		MUSL_VER=$(awk '$1 == "musl-dev" { print $2 }' "$TCDIR/packages")
		return
	fi
	lock_shared
	apt_init
	debs=$(apt_private_download "musl-dev:$DEB_ARCH" "$BUILD/cache/debs") ||
		die "could not download musl-dev:$DEB_ARCH from the Debian archive (see messages above)"
	unlock_shared
	rm -rf "$TCDIR"
	mkdir -p "$TCDIR/bin"
	for deb in $debs; do
		dpkg-deb -x "$deb" "$TCDIR" || die "dpkg-deb -x $deb failed"
		# shellcheck disable=SC2016
		dpkg-deb -W --showformat='${Package} ${Version} ${Architecture}\n' "$deb" >>"$TCDIR/packages"
	done
	debspecs=$TCDIR/usr/lib/$MUSL/musl-gcc.specs
	[ -f "$debspecs" ] && [ -f "$TCDIR/usr/lib/$MUSL/libc.a" ] ||
		die "musl-dev:$DEB_ARCH has no $MUSL/musl-gcc.specs or libc.a; the package layout changed"
	# Debian's specs name /usr/include/<triplet> and /usr/lib/<triplet>:
	# point them at the unpacked tree.  Dynamic linking is not supported
	# (tinyrun is static), the -dynamic-linker path stays as it is.
	sed -e "s,/usr/include/$MUSL,$TCDIR/usr/include/$MUSL,g" \
		-e "s,/usr/lib/$MUSL,$TCDIR/usr/lib/$MUSL,g" \
		"$debspecs" >"$TCDIR/musl-gcc.specs"
	if grep -q " /usr/\(include\|lib\)/$MUSL" "$TCDIR/musl-gcc.specs"; then
		die "could not rewrite the paths of $debspecs"
	fi
	cat >"$TC_CC" <<EOF
#!/bin/sh
# generated by scripts/deps.sh: $GNU-gcc with Debian's musl-dev:$DEB_ARCH
# unpacked in $TCDIR.  Static linking only.
exec "\${REALGCC:-$(command -v "$GNU-gcc")}" "\$@" -specs "$TCDIR/musl-gcc.specs"
EOF
	chmod +x "$TC_CC"
	ln -sf musl-gcc "$TCDIR/bin/$MUSL-gcc"
	MUSL_VER=$(awk '$1 == "musl-dev" { print $2 }' "$TCDIR/packages")
	echo "$tckey" >"$TCDIR/.stamp"
}

# --- kernel headers -------------------------------------------------------------
install_headers() {
	inc=$SYSROOT/include
	hkey="$KEY $(stat -c %Y "$KINC/linux/version.h")"
	if [ -f "$inc/.kernel-headers" ] && [ "$(cat "$inc/.kernel-headers")" = "$hkey" ]; then
		return
	fi
	rm -rf "$inc/linux" "$inc/asm" "$inc/asm-generic"
	mkdir -p "$inc"
	cp -R "$KINC/linux" "$KINC/asm-generic" "$inc/"
	cp -R "$KASM" "$inc/asm"
	echo "$hkey" >"$inc/.kernel-headers"
}

# --- cJSON ------------------------------------------------------------------------
build_cjson() {
	bdir=$DEPSBUILD/cjson
	rm -rf "$bdir"
	mkdir -p "$bdir"
	if [ "$ARCH" = x86_64 ]; then
		cross=
	else
		cross="-DCMAKE_SYSTEM_NAME=Linux -DCMAKE_SYSTEM_PROCESSOR=$CMAKE_PROC"
	fi
	say "building cJSON $CJSON_VER"
	# shellcheck disable=SC2086
	(
		cd "$bdir"
		cmake -S "$CJSON_DIR" -B . -G "Unix Makefiles" $cross \
			-DCMAKE_C_COMPILER="$TC_CC" -DCMAKE_AR="$TC_AR" -DCMAKE_RANLIB="$TC_RANLIB" \
			-DCMAKE_BUILD_TYPE=None -DCMAKE_C_FLAGS="$OPT_CFLAGS -isystem $SYSROOT/include" \
			-DCMAKE_INSTALL_PREFIX="$SYSROOT" -DCMAKE_INSTALL_LIBDIR=lib -DCMAKE_INSTALL_INCLUDEDIR=include \
			-DBUILD_SHARED_LIBS=OFF -DENABLE_CJSON_TEST=OFF -DENABLE_CJSON_UTILS=OFF \
			-DENABLE_TARGET_EXPORT=OFF
		make -j"$(nproc)"
		make install
	) >"$bdir.log" 2>&1 || {
		tail -n 30 "$bdir.log" >&2
		die "building cJSON failed (full log: $bdir.log)"
	}
}

# --- libcap-ng --------------------------------------------------------------------
build_capng() {
	bdir=$DEPSBUILD/libcap-ng
	rm -rf "$bdir"
	mkdir -p "$bdir"
	if [ "$ARCH" = x86_64 ]; then
		host=
	else
		host="--host=$GNU"
	fi
	say "building libcap-ng $CAPNG_VER"
	# shellcheck disable=SC2086
	(
		cd "$bdir"
		"$CAPNG_DIR/configure" $host --disable-shared --enable-static \
			--without-python --without-python3 --prefix="$SYSROOT" \
			CC="$TC_CC" AR="$TC_AR" RANLIB="$TC_RANLIB" STRIP="$TC_STRIP" \
			CFLAGS="$OPT_CFLAGS" CPPFLAGS="-isystem $SYSROOT/include"
		make -j"$(nproc)" -C src
		make -C src install-includeHEADERS install-pkgconfigDATA
		mkdir -p "$SYSROOT/lib"
		cp src/.libs/libcap-ng.a "$SYSROOT/lib/libcap-ng.a"
	) >"$bdir.log" 2>&1 || {
		tail -n 30 "$bdir.log" >&2
		die "building libcap-ng failed (full log: $bdir.log)"
	}
}

# --- toolchain.mk -----------------------------------------------------------------
write_mk() {
	cat >"$MK.new" <<EOF
# generated by scripts/deps.sh $ARCH; do not edit
# musl $MUSL_VER, cjson $CJSON_VER, libcap-ng $CAPNG_VER (Debian source packages)
TC_CC := $TC_CC
TC_STRIP := $TC_STRIP
TC_SYSROOT := $SYSROOT
TC_CFLAGS := -isystem \$(TC_SYSROOT)/include
TC_LDFLAGS := -static -L\$(TC_SYSROOT)/lib
TC_LIBS := -lcjson -lcap-ng
TC_QEMU := $QEMU
TC_DEB_ARCH := $DEB_ARCH
EOF
	# no trailing blanks: make keeps them in the value (TC_QEMU is empty on x86_64)
	sed -i 's/[[:blank:]]*$//' "$MK.new"
	mv "$MK.new" "$MK"
}

# --- check: a static program using both libraries runs ------------------------
verify() {
	t=$BUILD/$ARCH/deps-check
	rm -rf "$t"
	mkdir -p "$t"
	cat >"$t/check.c" <<'EOF'
#include <stdio.h>
#include <linux/capability.h>
#include <cjson/cJSON.h>
#include <cap-ng.h>

int main(void)
{
	cJSON *j = cJSON_Parse("{\"ociVersion\":\"1.0.2\",\"n\":[1,2]}");
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, "ociVersion");
	if (!cJSON_IsString(v) || cJSON_GetArraySize(cJSON_GetObjectItem(j, "n")) != 2)
		return 1;
	if (capng_get_caps_process() != 0)
		return 2;
	int have = capng_have_capability(CAPNG_EFFECTIVE, CAP_CHOWN);
	printf("deps-check ok %s have_chown=%d\n", v->valuestring, have);
	cJSON_Delete(j);
	return 0;
}
EOF
	# shellcheck disable=SC2086
	"$TC_CC" $OPT_CFLAGS -isystem "$SYSROOT/include" -o "$t/check" "$t/check.c" \
		-static -L"$SYSROOT/lib" -Wl,--gc-sections -lcjson -lcap-ng >"$t/log" 2>&1 || {
		cat "$t/log" >&2
		die "the toolchain cannot link a static program against libcjson and libcap-ng"
	}
	"$TC_STRIP" "$t/check"
	desc=$(file -b "$t/check")
	case $desc in
	*"statically linked"*) ;;
	*) die "the check program is not statically linked: $desc" ;;
	esac
	# shellcheck disable=SC2086
	out=$($QEMU "$t/check") || die "the check program failed to run${QEMU:+ under $QEMU}: $out"
	case $out in
	"deps-check ok 1.0.2 "*) ;;
	*) die "the check program printed: $out" ;;
	esac
	say "check ok: $(wc -c <"$t/check" | tr -d ' ') bytes, ${desc%%,*}; $out"
	rm -rf "$t"
}

# --- main ---------------------------------------------------------------------------
fetch_sources
setup_toolchain
install_headers
lkey="$KEY $TC_CC musl $MUSL_VER cjson $CJSON_VER libcap-ng $CAPNG_VER"
if [ -n "$FORCE" ] || [ ! -f "$SYSROOT/.libs" ] || [ "$(cat "$SYSROOT/.libs")" != "$lkey" ] ||
	[ ! -f "$SYSROOT/lib/libcjson.a" ] || [ ! -f "$SYSROOT/lib/libcap-ng.a" ]; then
	rm -f "$SYSROOT/.libs"
	build_cjson
	build_capng
	echo "$lkey" >"$SYSROOT/.libs"
fi
write_mk
verify
{
	echo "$KEY"
	awk '{ print $1, $2 }' "$SRCDIR/versions"
} >"$STAMP"
say "done: musl $MUSL_VER, cjson $CJSON_VER, libcap-ng $CAPNG_VER; $MK"
