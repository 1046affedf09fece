/* SPDX-License-Identifier: MIT */
/*
 * The container's root filesystem: mounts[], devices, pivot_root, masked
 * and read-only paths. Runs in the container's init process, which is
 * already in its new mount namespace (and user namespace when asked).
 *
 * The caller runs, in this order:
 *   rootfs_mount_all()   everything that is set up from outside the new root
 *   (createContainer hooks)
 *   rootfs_pivot()       enter the new root
 *   rootfs_finish()      what needs the container's own view (/dev/null, /proc)
 *
 * What the caller must provide:
 *  - the init's current directory is the bundle: relative bind sources of
 *    mounts[] are taken from it, as runc takes them from the bundle;
 *  - the init is already in its cgroups when a mount of type "cgroup" is in
 *    the spec without a cgroup namespace: the host's hierarchies are bound
 *    from the init's own cgroup, as /proc/self/cgroup shows it then;
 *  - the host's /proc is procfs (mount targets are named /proc/self/fd/N).
 * Nothing is undone on failure: the mount namespace dies with the init.
 */
#ifndef TINYRUN_ROOTFS_H
#define TINYRUN_ROOTFS_H

#include <stdbool.h>

struct spec;
struct tr_err;

/*
 * Make "/" rslave (or linux.rootfsPropagation), bind rootfs (absolute host
 * path: bundle + root.path) onto itself, mount every mounts[] entry inside
 * it in order, then create /dev's devices and links unless /dev is a bind
 * from the host, and bind console (host path of the pty slave, NULL when
 * process.terminal is false) onto /dev/console.
 */
int rootfs_mount_all(const struct spec *s, const char *rootfs, const char *console,
		     struct tr_err *err);

/*
 * Enter rootfs: pivot_root(".", ".") and detach the old root; with no_pivot
 * (--no-pivot, for an initramfs "/" that pivot_root refuses) move rootfs
 * onto "/" and chroot. Ends with the cwd at the new "/".
 */
int rootfs_pivot(const struct spec *s, const char *rootfs, int no_pivot, struct tr_err *err);

/*
 * After the pivot: linux.maskedPaths, linux.readonlyPaths, root.readonly,
 * and linux.rootfsPropagation on "/" again.
 */
int rootfs_finish(const struct spec *s, struct tr_err *err);

#ifdef ROOTFS_INTERNAL
/* Shared by rootfs.c and devices.c only. */
struct rootfs_ctx {
	const struct spec *s;
	int rootfd;		/* O_PATH on the root being set up */
	bool userns;		/* mknod is refused: bind devices from the host */
	int proc_checked;	/* /proc/self/fd verified to be procfs */
	struct tr_err *err;
};

/*
 * mount(2) with the target (and the source, when srcfd >= 0) named as
 * /proc/self/fd/N, so that what was resolved is what gets mounted on.
 */
int rootfs_mount_fd(struct rootfs_ctx *c, const char *src, int srcfd, int dstfd,
		    const char *type, unsigned long flags, const char *data);

/* Bind srcfd onto dstfd and, when flags ask for more than MS_BIND|MS_REC, remount. */
int rootfs_bind_fd(struct rootfs_ctx *c, int srcfd, int dstfd, unsigned long flags,
		   const char *path);

/* Default devices, linux.devices, /dev links (devices.c). */
int rootfs_create_devices(struct rootfs_ctx *c);

/* Bind the pty slave console onto /dev/console (devices.c). */
int rootfs_bind_console(struct rootfs_ctx *c, const char *console);
#endif

#endif
