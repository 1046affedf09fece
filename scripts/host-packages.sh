#!/bin/sh
# Install, from Debian, what building and testing tinyrun needs on a Debian 12
# host. Idempotent: only missing packages are installed, and apt's lists are
# refreshed only when an install needs them. The system's apt sources and dpkg
# architectures are not changed (cross libraries come through a private apt
# configuration, see scripts/apt-private.sh).
set -eu

PACKAGES="
gcc make binutils libc6-dev linux-libc-dev git ca-certificates file xz-utils patch
util-linux debian-archive-keyring
musl-tools
gcc-aarch64-linux-gnu libc6-dev-arm64-cross linux-libc-dev-arm64-cross
gcc-arm-linux-gnueabihf libc6-dev-armhf-cross linux-libc-dev-armhf-cross
cmake dpkg-dev
qemu-user-static qemu-system-x86 qemu-system-arm
busybox-static cpio
jq iproute2 procps psmisc
runc crun
kconfig-frontends-nox
"

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && { echo "host packages: all present"; exit 0; }

if [ "$(id -u)" != 0 ]; then
	echo "host packages missing:$missing" >&2
	echo "run as root: sh scripts/host-packages.sh (or apt-get install$missing)" >&2
	exit 1
fi
echo "host packages: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# A fresh machine may have no package lists yet; refresh them when apt cannot
# find a candidate.
if ! apt-get install -y --no-install-recommends $missing; then
	apt-get update
	apt-get install -y --no-install-recommends $missing
fi
