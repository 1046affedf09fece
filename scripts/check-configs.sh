#!/bin/sh
# Every configuration CI must keep compiling: each board at its architecture,
# tiny and full for every architecture, allnoconfig, allyesconfig and a few
# randconfig seeds; plus the kernel-style config round trips `yes '' | make
# oldconfig` and `make savedefconfig`. Ends with "configs: N passed, N failed".
set -u
cd "$(dirname "$0")/.." || exit 1
pass=0 fail=0
out=build/check/configs
rm -rf "$out"; mkdir -p "$out"

ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; sed 's/^/    /' "$out/last.log" | tail -n 30; fail=$((fail + 1)); }

# try NAME CMD...: one check, its output kept in last.log
try() {
	name=$1; shift
	if "$@" >"$out/last.log" 2>&1; then ok "$name"; else bad "$name"; fi
}

# build_cfg NAME ARCH GOAL [VAR=VALUE...]: configure with GOAL, then build
build_cfg() {
	name=$1 arch=$2 goal=$3; shift 3
	dir=$out/$name-$arch
	try "$name ($arch)" sh -c "make --no-print-directory ARCH=$arch O=$dir KCONFIG_CONFIG=$dir/.config $* $goal &&
		make --no-print-directory ARCH=$arch O=$dir KCONFIG_CONFIG=$dir/.config &&
		file -L $dir/tinyrun | grep -q 'statically linked'"
}

for b in qemu_x86_64 qemu_aarch64 qemu_armv7; do
	build_cfg "$b" "${b#qemu_}" "${b}_defconfig"
done
for a in x86_64 aarch64 armv7; do
	build_cfg tiny "$a" tiny_defconfig
	build_cfg full "$a" full_defconfig
done
build_cfg allnoconfig x86_64 allnoconfig
build_cfg allyesconfig x86_64 allyesconfig
for seed in 1 2 3 4 5; do
	build_cfg "randconfig-seed$seed" x86_64 randconfig KCONFIG_SEED=$seed
done
build_cfg randconfig-seed6 aarch64 randconfig KCONFIG_SEED=6
build_cfg randconfig-seed7 armv7 randconfig KCONFIG_SEED=7

# each cgroup module alone (allno and allyes cover neither and both)
for sym in CGROUP_V1 CGROUP_V2; do
	dir=$out/no-$sym
	mkdir -p "$dir"
	printf '# CONFIG_%s is not set\n' "$sym" >"$dir/defconfig"
	try "full without CONFIG_$sym (x86_64)" sh -c "make --no-print-directory -s build/host/kconfig/conf &&
		KCONFIG_CONFIG=$dir/.config build/host/kconfig/conf --defconfig $dir/defconfig Kconfig &&
		grep -qx '# CONFIG_$sym is not set' $dir/.config &&
		make --no-print-directory ARCH=x86_64 O=$dir KCONFIG_CONFIG=$dir/.config &&
		$dir/tinyrun features | grep -Eq '\"$( [ $sym = CGROUP_V1 ] && echo v1 || echo v2 )\":[[:space:]]*false'"
done

# yes '' | make oldconfig on a config with a missing symbol takes the default
dir=$out/oldconfig
mkdir -p "$dir"
grep -v CONFIG_CMD_SPEC board-configs/qemu_x86_64_defconfig > "$dir/.config" || true
try "yes '' | make oldconfig" sh -c "yes '' | make --no-print-directory KCONFIG_CONFIG=$dir/.config oldconfig &&
	grep -qx 'CONFIG_CMD_SPEC=y' $dir/.config"

# savedefconfig of a board's .config gives back the board's defconfig
dir=$out/savedefconfig
mkdir -p "$dir"
try "make savedefconfig round trip (tiny)" sh -c "make --no-print-directory KCONFIG_CONFIG=$dir/.config tiny_defconfig &&
	make --no-print-directory KCONFIG_CONFIG=$dir/.config DEFCONFIG_OUT=$dir/defconfig savedefconfig &&
	cmp $dir/defconfig board-configs/tiny_defconfig"

# an external toolchain (as Buildroot and Yocto pass one): no deps.sh, any
# ARCH name, and `make install` into a DESTDIR
dir=$out/external
sys=$PWD/build/x86_64/sysroot
try "external toolchain (CC=musl-gcc) and make install" sh -c "
	make --no-print-directory ARCH=ext-test O=$dir KCONFIG_CONFIG=$dir/.config CC=musl-gcc \
	  CFLAGS='-isystem $sys/include' LDFLAGS='-L$sys/lib' DESTDIR=$dir/dest install &&
	file -L $dir/dest/usr/bin/tinyrun | grep -q 'statically linked' &&
	test -f $dir/dest/usr/share/man/man8/tinyrun.8 && ! test -e build/ext-test/toolchain.mk"

echo "configs: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
