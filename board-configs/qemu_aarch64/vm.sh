# shellcheck shell=sh disable=SC2034
# VM facts for the qemu_aarch64 board, sourced by tests/vm/run.sh.
# qemu's virt machine generates the device tree itself; Debian's arm64 kernel has the PL011 driver built in.
ARCH=aarch64
DEB_ARCH=arm64
KERNEL_META=linux-image-arm64
QEMU=qemu-system-aarch64
QEMU_MACHINE_ARGS="-M virt -cpu cortex-a57"
CONSOLE=ttyAMA0
MEM=512
VM_TIMEOUT_DEFAULT=180
VM_NAMESPACES="pid mnt uts ipc net user cgroup time"
ELF_MACHINE=183            # e_machine of the board's binaries
