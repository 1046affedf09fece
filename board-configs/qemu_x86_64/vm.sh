# shellcheck shell=sh disable=SC2034
# VM facts for the qemu_x86_64 board, sourced by tests/vm/run.sh.
# Debian's cloud kernel: no XZ decompression and few drivers, so it boots in ~5 s under TCG.
ARCH=x86_64
DEB_ARCH=amd64
KERNEL_META=linux-image-cloud-amd64          # metapackage; its Depends names the ABI package
QEMU=qemu-system-x86_64
QEMU_MACHINE_ARGS="-M pc -cpu max"
CONSOLE=ttyS0
MEM=512
VM_TIMEOUT_DEFAULT=180
VM_NAMESPACES="pid mnt uts ipc net user cgroup time"
ELF_MACHINE=62            # e_machine of the board's binaries
