# shellcheck shell=sh disable=SC2034
# VM facts for the qemu_armv7 board, sourced by tests/vm/run.sh.
# Debian's armmp kernel (zImage) on qemu's virt machine, which supplies the device tree.
# The armmp kernel has no time namespace.
ARCH=armv7
DEB_ARCH=armhf
KERNEL_META=linux-image-armmp
QEMU=qemu-system-arm
QEMU_MACHINE_ARGS="-M virt -cpu cortex-a15"
CONSOLE=ttyAMA0
MEM=512
VM_TIMEOUT_DEFAULT=240
VM_NAMESPACES="pid mnt uts ipc net user cgroup"
ELF_MACHINE=40            # e_machine of the board's binaries
