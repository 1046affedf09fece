/* SPDX-License-Identifier: MIT */
/*
 * /dev inside the container: the default devices every container gets, the
 * spec's linux.devices, the standard links and the console. Called by
 * rootfs_mount_all() before the pivot, with the host's /dev still at /dev.
 *
 * mknod is refused in a user namespace; there the devices are bind mounts of
 * the host's nodes onto empty files, as runc does.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define ROOTFS_INTERNAL
#include "error.h"
#include "pathres.h"
#include "rootfs.h"
#include "spec.h"

struct dev_node {
	const char *path;
	char type;		/* 'c', 'u', 'b' or 'p' as in the spec */
	unsigned major, minor;
	mode_t mode;		/* permission bits */
	uid_t uid;
	gid_t gid;
};

/* What the runtime-spec promises every Linux container (config-linux.md). */
static const struct dev_node default_devices[] = {
	{ "/dev/null", 'c', 1, 3, 0666, 0, 0 },
	{ "/dev/zero", 'c', 1, 5, 0666, 0, 0 },
	{ "/dev/full", 'c', 1, 7, 0666, 0, 0 },
	{ "/dev/random", 'c', 1, 8, 0666, 0, 0 },
	{ "/dev/urandom", 'c', 1, 9, 0666, 0, 0 },
	{ "/dev/tty", 'c', 5, 0, 0666, 0, 0 },
};

static const struct { const char *name, *target; } dev_links[] = {
	{ "fd", "/proc/self/fd" },
	{ "stdin", "/proc/self/fd/0" },
	{ "stdout", "/proc/self/fd/1" },
	{ "stderr", "/proc/self/fd/2" },
};

static mode_t type_bits(char type)
{
	switch (type) {
	case 'b':
		return S_IFBLK;
	case 'p':
		return S_IFIFO;
	default:
		return S_IFCHR;	/* 'c' and 'u' (unbuffered) are the same node */
	}
}

/* Bind the host's node at the same path onto an empty file (user namespace). */
static int bind_from_host(struct rootfs_ctx *c, const struct dev_node *d, int dirfd,
			  const char *name)
{
	struct stat st;
	int src, dst, ret;

	src = open(d->path, O_PATH | O_CLOEXEC);
	if (src < 0)
		return tr_fail(c->err, errno, "host's %s", d->path);
	if (fstat(src, &st) < 0 || (st.st_mode & S_IFMT) != type_bits(d->type) ||
	    (d->type != 'p' && st.st_rdev != makedev(d->major, d->minor))) {
		close(src);
		return tr_failx(c->err, "host's %s is not device %c %u:%u", d->path, d->type,
				d->major, d->minor);
	}
	dst = openat(dirfd, name, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (dst >= 0) {
		close(dst);
		dst = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	}
	if (dst < 0) {
		close(src);
		return tr_fail(c->err, errno, "creating the mount point");
	}
	ret = rootfs_mount_fd(c, NULL, src, dst, NULL, MS_BIND, NULL);
	close(dst);
	close(src);
	return ret;
}

static int make_node(struct rootfs_ctx *c, const struct dev_node *d, int dirfd, const char *name)
{
	mode_t mode = type_bits(d->type) | (d->mode & 07777), old_umask;
	dev_t rdev = d->type == 'p' ? 0 : makedev(d->major, d->minor);
	struct stat st;
	int r, tries;

	for (tries = 0; tries < 2; tries++) {
		/* umask would cut the spec's fileMode; the init is single-threaded */
		old_umask = umask(0);
		r = mknodat(dirfd, name, mode, rdev);
		umask(old_umask);
		if (r == 0 || errno != EEXIST)
			break;
		/* the image has something there: keep it if it is this very node */
		if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    (st.st_mode & S_IFMT) == (mode & S_IFMT) && st.st_rdev == rdev) {
			if (fchmodat(dirfd, name, mode & 07777, 0) < 0)
				return tr_fail(c->err, errno, "chmod");
			r = 0;
			break;
		}
		if (unlinkat(dirfd, name, 0) < 0)
			return tr_fail(c->err, errno, "replacing what the image has there");
	}
	if (r < 0)
		return tr_fail(c->err, errno, "mknod %c %u:%u", d->type, d->major, d->minor);
	if (fchownat(dirfd, name, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
		return tr_fail(c->err, errno, "chown %u:%u", (unsigned)d->uid, (unsigned)d->gid);
	return 0;
}

static int create_device(struct rootfs_ctx *c, const struct dev_node *d)
{
	const char *name;
	int dirfd, ret;

	dirfd = pathres_open_parent(c->rootfd, d->path, PATHRES_MKDIR, &name, c->err);
	if (dirfd < 0)
		goto fail;
	/* a FIFO needs no privilege: mknod works in a user namespace too */
	if (c->userns && d->type != 'p')
		ret = bind_from_host(c, d, dirfd, name);
	else
		ret = make_node(c, d, dirfd, name);
	close(dirfd);
	if (!ret)
		return 0;
fail:
	tr_err_prefix(c->err, "%s", d->path);
	return -1;
}

static bool in_spec_devices(const struct spec_linux *l, const char *path)
{
	size_t i;

	for (i = 0; i < l->devices.n; i++)
		if (!strcmp(l->devices.v[i].path, path))
			return true;
	return false;
}

static int create_links(struct rootfs_ctx *c)
{
	int devfd, ret = 0;
	size_t i;

	devfd = pathres_open(c->rootfd, "/dev", PATHRES_MKDIR, 0755, c->err);
	if (devfd < 0)
		return -1;
	/* the devpts instance's ptmx (newinstance), not the image's or the host's */
	if (unlinkat(devfd, "ptmx", 0) < 0 && errno != ENOENT)
		ret = tr_fail(c->err, errno, "/dev/ptmx: remove");
	else if (symlinkat("pts/ptmx", devfd, "ptmx") < 0)
		ret = tr_fail(c->err, errno, "/dev/ptmx: symlink");
	for (i = 0; !ret && i < sizeof(dev_links) / sizeof(dev_links[0]); i++)
		/* the image may bring its own: keep it */
		if (symlinkat(dev_links[i].target, devfd, dev_links[i].name) < 0 && errno != EEXIST)
			ret = tr_fail(c->err, errno, "/dev/%s: symlink", dev_links[i].name);
	/* /dev/core only where the kernel has /proc/kcore, as runc does */
	if (!ret && access("/proc/kcore", F_OK) == 0 &&
	    symlinkat("/proc/kcore", devfd, "core") < 0 && errno != EEXIST)
		ret = tr_fail(c->err, errno, "/dev/core: symlink");
	close(devfd);
	return ret;
}

int rootfs_create_devices(struct rootfs_ctx *c)
{
	const struct spec_linux *l = &c->s->linux_cfg;
	size_t i;

	for (i = 0; i < sizeof(default_devices) / sizeof(default_devices[0]); i++)
		if (!in_spec_devices(l, default_devices[i].path) &&
		    create_device(c, &default_devices[i]) < 0)
			return -1;
	for (i = 0; i < l->devices.n; i++) {
		const struct spec_device *sd = &l->devices.v[i];
		struct dev_node d = {
			.path = sd->path, .type = sd->type,
			.major = (unsigned)sd->major, .minor = (unsigned)sd->minor,
			.mode = sd->has_file_mode ? (mode_t)sd->file_mode : 0666,
			.uid = sd->has_uid ? sd->uid : 0, .gid = sd->has_gid ? sd->gid : 0,
		};

		if (create_device(c, &d) < 0) {
			tr_err_prefix(c->err, "linux.devices[%zu]", i);
			return -1;
		}
	}
	return create_links(c);
}

int rootfs_bind_console(struct rootfs_ctx *c, const char *console)
{
	struct stat st;
	int src, dst, ret;

	src = open(console, O_PATH | O_CLOEXEC);
	if (src < 0 || fstat(src, &st) < 0 || !S_ISCHR(st.st_mode)) {
		ret = src < 0 ? tr_fail(c->err, errno, "console %s", console) :
			tr_failx(c->err, "console %s is not a terminal device", console);
		if (src >= 0)
			close(src);
		return ret;
	}
	dst = pathres_open(c->rootfd, "/dev/console", PATHRES_MKFILE, 0666, c->err);
	if (dst < 0) {
		close(src);
		return -1;
	}
	ret = rootfs_mount_fd(c, NULL, src, dst, NULL, MS_BIND, NULL);
	if (ret)
		tr_err_prefix(c->err, "/dev/console");
	close(dst);
	close(src);
	return ret;
}
