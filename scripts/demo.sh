#!/bin/sh
# `make demo`: build tinyrun for every architecture as a static binary, make a
# bundle from Debian's busybox-static with `tinyrun spec`, and run it: the
# container prints from inside. Run as root, after scripts/host-packages.sh.
set -eu
cd "$(dirname "$0")/.."
for a in x86_64 aarch64 armv7; do
	make --no-print-directory -s ARCH=$a BOARD=qemu_$a
	file -L build/$a/boards/qemu_$a/tinyrun | sed 's/, BuildID.*//'
done
tr=$PWD/build/x86_64/boards/qemu_x86_64/tinyrun
bundle=$PWD/build/demo/bundle
rm -rf build/demo
mkdir -p "$bundle/rootfs/bin"
cp /bin/busybox "$bundle/rootfs/bin/busybox"
for app in sh echo cat hostname id uname; do ln -s busybox "$bundle/rootfs/bin/$app"; done
"$tr" spec --bundle "$bundle"
# no terminal: the demo may run without one (CI, a pipe)
jq '.process.terminal = false |
    .process.args = ["sh", "-c", "echo \"hello from inside $(hostname): $(uname -sr), uid $(id -u)\"; cat /proc/self/status | grep -E \"^(CapEff|NoNewPrivs)\""]' \
	"$bundle/config.json" > "$bundle/config.json.new"
mv "$bundle/config.json.new" "$bundle/config.json"
echo "== tinyrun run (bundle $bundle)"
"$tr" --root "$PWD/build/demo/state" run --bundle "$bundle" tinyrun-demo
