/* SPDX-License-Identifier: MIT */
/*
 * The container's root filesystem: see rootfs.h.
 *
 * Every path of the container is resolved with pathres (never following a
 * symlink out of the rootfs) and every mount names its target as
 * /proc/self/fd/N of the resolved fd, so a symlink swapped in between the
 * resolution and the mount cannot send the mount to the host.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define ROOTFS_INTERNAL
#include "error.h"
#include "pathres.h"
#include "rootfs.h"
#include "util.h"
#include "spec.h"

#define PROC_SUPER_MAGIC	0x9fa0		/* linux/magic.h */
#define CGROUP2_SUPER_MAGIC	0x63677270
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP		0x02000000
#endif
#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW		256
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr	442	/* same number on every architecture */
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE		0x8000
#endif
#define ATTR_RDONLY		0x1ULL	/* MOUNT_ATTR_*: linux/mount.h, which musl lacks */
#define ATTR_NOSUID		0x2ULL
#define ATTR_NODEV		0x4ULL
#define ATTR_NOEXEC		0x8ULL

/* Same layout as the kernel's struct mount_attr (version 0). */
struct rootfs_mount_attr {
	uint64_t attr_set;
	uint64_t attr_clr;
	uint64_t propagation;
	uint64_t userns_fd;
};

/* Flags that a bind mount only takes from a second, remounting mount(2). */
#define BIND_REMOUNT_FLAGS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | \
	MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME | MS_SYNCHRONOUS | MS_DIRSYNC | \
	MS_MANDLOCK | MS_NOSYMFOLLOW)
#define ATIME_FLAGS (MS_NOATIME | MS_RELATIME | MS_STRICTATIME)
#define LOCKABLE_FLAGS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | ATIME_FLAGS | MS_NODIRATIME)
#define READONLY_PATH_FLAGS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)

#define COPYUP_MAX_DEPTH 64
#define DIR_READ (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

static const char *fd_path(char *buf, size_t len, int fd)
{
	snprintf(buf, len, "/proc/self/fd/%d", fd);
	return buf;
}

/*
 * /proc/self/fd/N only means "the file of fd N" on procfs: a tmpfs or a
 * directory of symlinks at /proc (after the pivot it is the container's)
 * would redirect every mount made through it.
 */
static int check_proc(struct rootfs_ctx *c)
{
	struct statfs sf;

	if (c->proc_checked)
		return 0;
	if (statfs("/proc/self/fd", &sf) < 0)
		return tr_fail(c->err, errno, "/proc/self/fd: procfs is needed to mount safely");
	if (sf.f_type != PROC_SUPER_MAGIC)
		return tr_failx(c->err, "/proc is not procfs: refusing to mount through it");
	c->proc_checked = 1;
	return 0;
}

int rootfs_mount_fd(struct rootfs_ctx *c, const char *src, int srcfd, int dstfd,
		    const char *type, unsigned long flags, const char *data)
{
	char sbuf[32], dbuf[32];

	if (check_proc(c) < 0)
		return -1;
	if (srcfd >= 0)
		src = fd_path(sbuf, sizeof(sbuf), srcfd);
	if (mount(src, fd_path(dbuf, sizeof(dbuf), dstfd), type, flags, data) < 0)
		return tr_fail(c->err, errno, "mount (type %s, flags 0x%lx%s%s)",
			       type ? type : "bind", flags, data ? ", " : "", data ? data : "");
	return 0;
}

/* The MS_* flags a mount has now: what a user namespace may not drop. */
static unsigned long current_flags(int fd)
{
	static const struct { unsigned long st, ms; } map[] = {
		{ ST_RDONLY, MS_RDONLY }, { ST_NOSUID, MS_NOSUID }, { ST_NODEV, MS_NODEV },
		{ ST_NOEXEC, MS_NOEXEC }, { ST_NOATIME, MS_NOATIME }, { ST_NODIRATIME, MS_NODIRATIME },
		{ ST_RELATIME, MS_RELATIME } };
	struct statvfs sv;
	unsigned long f = 0;
	size_t i;

	if (fstatvfs(fd, &sv) < 0)
		return 0;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (sv.f_flag & map[i].st)
			f |= map[i].ms;
	return f;
}

/*
 * Change the per-mount flags of the mount whose root is target (statfd is
 * an fd on it). In a user namespace, flags set by a more privileged one are
 * locked and a remount that drops them fails with EPERM: retry keeping them.
 */
static int remount_bind(struct rootfs_ctx *c, const char *target, int statfd,
			unsigned long flags, const char *path)
{
	unsigned long want = MS_BIND | MS_REMOUNT | (flags & BIND_REMOUNT_FLAGS);
	unsigned long have;

	if (mount(NULL, target, NULL, want, NULL) == 0)
		return 0;
	if (errno == EPERM) {
		have = current_flags(statfd);
		if (have & ATIME_FLAGS)
			want &= ~ATIME_FLAGS;
		want |= have & LOCKABLE_FLAGS;
		if (mount(NULL, target, NULL, want, NULL) == 0)
			return 0;
	}
	return tr_fail(c->err, errno, "%s: remount with flags 0x%lx", path, want);
}

/* Resolve path again: after a mount, the old fd is under the new mount. */
static int reopen(struct rootfs_ctx *c, const char *path)
{
	int fd = pathres_open(c->rootfd, path, 0, 0, c->err);

	if (fd < 0)
		tr_err_prefix(c->err, "after mounting");
	return fd;
}

static int remount_path(struct rootfs_ctx *c, const char *path, unsigned long flags)
{
	char buf[32];
	int fd = reopen(c, path), ret;

	if (fd < 0)
		return -1;
	ret = remount_bind(c, fd_path(buf, sizeof(buf), fd), fd, flags, path);
	close(fd);
	return ret;
}

int rootfs_bind_fd(struct rootfs_ctx *c, int srcfd, int dstfd, unsigned long flags,
		   const char *path)
{
	if (rootfs_mount_fd(c, NULL, srcfd, dstfd, NULL, MS_BIND | (flags & MS_REC), NULL) < 0)
		return -1;
	if (!(flags & BIND_REMOUNT_FLAGS))
		return 0;
	return remount_path(c, path, flags);
}

/* Propagation options ("rslave", ...) and recursive ones ("rro", ...), after the mount. */
static int apply_after(struct rootfs_ctx *c, const struct spec_mount *m)
{
	struct rootfs_mount_attr attr = { m->attr_set, m->attr_clr, 0, 0 };
	char buf[32];
	int fd = reopen(c, m->destination), ret = 0;

	if (fd < 0)
		return -1;
	if (m->propagation && mount(NULL, fd_path(buf, sizeof(buf), fd), NULL, m->propagation, NULL) < 0)
		ret = tr_fail(c->err, errno, "setting propagation 0x%lx", m->propagation);
	if (!ret && (m->attr_set || m->attr_clr) &&
	    syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
		ret = tr_fail(c->err, errno, errno == ENOSYS ?
			      "recursive mount options (rro, rnosuid, ...) need Linux 5.12" :
			      "mount_setattr");
	close(fd);
	return ret;
}

/* ---- tmpcopyup: the tmpfs starts with a copy of what it covers ---- */

static int copy_file(int sdir, int ddir, const char *name, const struct stat *st)
{
	char buf[16384];
	int in, out, ret = -1;
	ssize_t n;

	in = openat(sdir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0)
		return -1;
	out = openat(ddir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		     st->st_mode & 07777);
	if (out >= 0) {
		while ((n = read(in, buf, sizeof(buf))) > 0)
			if (write(out, buf, (size_t)n) != n)
				break;
		ret = n == 0 ? 0 : -1;
		close(out);
	}
	close(in);
	return ret;
}

static void close_keep_errno(int fd)
{
	int e = errno;

	if (fd >= 0)
		close(fd);
	errno = e;
}

static int copy_tree(struct rootfs_ctx *c, int sdir, int ddir, int depth)
{
	struct dirent *de;
	DIR *d;
	int fd = dup(sdir), ret = 0;

	if (depth > COPYUP_MAX_DEPTH)
		return tr_fail(c->err, ELOOP, "tmpcopyup: tree deeper than %d", COPYUP_MAX_DEPTH);
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return tr_fail(c->err, errno, "tmpcopyup: reading directory");
	}
	rewinddir(d);	/* the dup shares its offset with sdir */
	while (!ret && (errno = 0, de = readdir(d))) {
		const char *name = de->d_name;
		char link[PATH_MAX];
		struct stat st;
		ssize_t n;
		int r = 0;

		if (!strcmp(name, ".") || !strcmp(name, ".."))
			continue;
		if (fstatat(sdir, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			r = -1;
		} else if (S_ISDIR(st.st_mode)) {
			int s2 = -1, d2 = -1;

			r = mkdirat(ddir, name, 0700);	/* the real mode once filled */
			if (!r && (s2 = openat(sdir, name, DIR_READ)) >= 0 &&
			    (d2 = openat(ddir, name, DIR_READ)) >= 0)
				ret = copy_tree(c, s2, d2, depth + 1);
			r = r || s2 < 0 || d2 < 0 ? -1 : 0;
			close_keep_errno(s2);
			close_keep_errno(d2);
		} else if (S_ISREG(st.st_mode)) {
			r = copy_file(sdir, ddir, name, &st);
		} else if (S_ISLNK(st.st_mode)) {
			n = readlinkat(sdir, name, link, sizeof(link) - 1);
			if (n >= 0) {
				link[n] = 0;
				r = symlinkat(link, ddir, name);
			} else {
				r = -1;
			}
		} else {
			r = mknodat(ddir, name, st.st_mode, st.st_rdev);
		}
		if (!r && !ret) {
			/* owner and exact mode (umask applied at creation) */
			r = fchownat(ddir, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW);
			if (!r && !S_ISLNK(st.st_mode))
				r = fchmodat(ddir, name, st.st_mode & 07777, 0);
		}
		if (r && !ret)
			ret = tr_fail(c->err, errno, "tmpcopyup: copying %s", name);
	}
	if (!ret && errno)
		ret = tr_fail(c->err, errno, "tmpcopyup: reading directory");
	closedir(d);
	return ret;
}

static int copy_up(struct rootfs_ctx *c, int olddir, const char *path)
{
	int fd = reopen(c, path), dir, ret;

	if (fd < 0)
		return -1;
	dir = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	close(fd);
	if (dir < 0)
		return tr_fail(c->err, errno, "tmpcopyup: opening the new tmpfs");
	ret = copy_tree(c, olddir, dir, 0);
	close(dir);
	return ret;
}

/* ---- type "cgroup" ---- */

/*
 * Find the init's cgroup in the hierarchy of a mount ("cgroup2", or the
 * "cgroup" whose super options list the controllers) in /proc/self/cgroup:
 * "ID:controllers:path" lines, controllers empty for cgroup2.
 */
static bool own_cgroup(const char *self, const char *fstype, const char *superopts,
		       char *ctrls, size_t clen_max, char *path, size_t plen_max)
{
	bool v2 = !strcmp(fstype, "cgroup2");

	while (*self) {
		const char *nl = strchrnul(self, '\n');
		const char *c1 = memchr(self, ':', (size_t)(nl - self));
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(nl - c1 - 1)) : NULL;

		if (c2) {
			size_t clen = (size_t)(c2 - c1 - 1), plen = (size_t)(nl - c2 - 1);

			if ((v2 ? clen == 0 : util_list_subset(c1 + 1, clen, superopts)) &&
			    clen < clen_max && plen < plen_max) {
				memcpy(ctrls, c1 + 1, clen);
				ctrls[clen] = 0;
				memcpy(path, c2 + 1, plen);
				path[plen] = 0;
				return true;
			}
		}
		self = *nl ? nl + 1 : nl;
	}
	return false;
}

/* One host hierarchy onto tmpfs/name: mounted itself in a cgroup namespace, else bound. */
static int cgroup_hierarchy(struct rootfs_ctx *c, const struct spec_mount *m, int tfd,
			    const char *name, const char *fstype, const char *ctrls,
			    const char *host)
{
	char path[PATH_MAX], dbuf[32];
	int dfd, sfd, ret;

	snprintf(path, sizeof(path), "%s/%s", m->destination, name);
	if (mkdirat(tfd, name, 0755) < 0 && errno != EEXIST)
		return tr_fail(c->err, errno, "%s: mkdir", path);
	dfd = openat(tfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return tr_fail(c->err, errno, "%s: open", path);
	if ((c->s->linux_cfg.ns_flags & CLONE_NEWCGROUP) &&
	    mount(fstype, fd_path(dbuf, sizeof(dbuf), dfd), fstype, m->flags & ~MS_BIND,
		  strcmp(fstype, "cgroup2") ? ctrls : NULL) == 0) {
		close(dfd);
		return 0;
	}
	sfd = open(host, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (sfd < 0)
		ret = tr_fail(c->err, errno, "%s: cannot open the host's hierarchy", host);
	else
		ret = rootfs_bind_fd(c, sfd, dfd, m->flags & ~MS_REC, path);
	if (sfd >= 0)
		close(sfd);
	close(dfd);
	/* co-mounted controllers ("cpu,cpuacct") are also reachable by each name */
	if (!ret && strchr(name, ',')) {
		char copy[NAME_MAX + 1], *tok, *save;

		snprintf(copy, sizeof(copy), "%s", name);
		for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
			if (symlinkat(name, tfd, tok) < 0 && errno != EEXIST)
				return tr_fail(c->err, errno, "%s/%s: symlink", m->destination, tok);
	}
	return ret;
}

/* The cgroup v1 (and hybrid) layout: a tmpfs with one directory per hierarchy. */
static int cgroup_v1_tree(struct rootfs_ctx *c, const struct spec_mount *m, int tfd)
{
	char self[8192], ctrls[256], cgpath[PATH_MAX], host[PATH_MAX];
	ssize_t n = 0, r;
	char *line = NULL;
	size_t cap = 0;
	int fd, ret = 0;
	FILE *f;

	fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
	while (fd >= 0 && (r = read(fd, self + n, sizeof(self) - 1 - (size_t)n)) > 0)
		n += r;
	if (fd >= 0)
		close(fd);
	self[n] = 0;
	f = fopen("/proc/self/mountinfo", "re");
	if (fd < 0 || !f) {
		if (f)
			fclose(f);
		return tr_fail(c->err, errno, "reading /proc/self/cgroup and mountinfo");
	}
	while (!ret && getline(&line, &cap, f) > 0) {
		char *field[10], *dash, *p = line, *mp;
		size_t rlen;
		int i;

		/* id parent maj:min root mountpoint opts [optional...] - fstype source superopts */
		dash = strstr(line, " - ");
		if (!dash)
			continue;
		*dash = 0;
		for (i = 0; i < 5 && (field[i] = strsep(&p, " ")); i++)
			;
		if (i < 5)
			continue;
		p = dash + 3;
		for (i = 5; i < 8 && (field[i] = strsep(&p, " \n")); i++)
			;
		if (i < 8 || (strcmp(field[5], "cgroup") && strcmp(field[5], "cgroup2")))
			continue;
		mp = field[4];
		if (strncmp(mp, "/sys/fs/cgroup/", 15) || !mp[15] || strchr(mp + 15, '/') ||
		    strlen(mp + 15) > NAME_MAX)
			continue;
		if (!own_cgroup(self, field[5], field[7], ctrls, sizeof(ctrls), cgpath, sizeof(cgpath)))
			continue;
		/* the hierarchy's mount may show a subtree (root field): bind our path below it */
		rlen = strlen(field[3]);
		if (!strcmp(field[3], "/"))
			snprintf(host, sizeof(host), "%s%s", mp, cgpath);
		else if (!strncmp(cgpath, field[3], rlen) && (!cgpath[rlen] || cgpath[rlen] == '/'))
			snprintf(host, sizeof(host), "%s%s", mp, cgpath + rlen);
		else
			snprintf(host, sizeof(host), "%s", mp);
		ret = cgroup_hierarchy(c, m, tfd, mp + 15, field[5], ctrls, host);
	}
	free(line);
	fclose(f);
	return ret;
}

static int mount_cgroup(struct rootfs_ctx *c, const struct spec_mount *m, int dstfd)
{
	unsigned long flags = m->flags & ~(MS_BIND | MS_REC);
	struct statfs sf;
	int hostfd, tfd, ret;

	if (statfs("/sys/fs/cgroup", &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC) {
		/* cgroup v2 host: the filesystem itself (a cgroup namespace shows its own root) */
		if (rootfs_mount_fd(c, "cgroup2", -1, dstfd, "cgroup2", flags, m->data) == 0)
			return 0;
		if (c->err->errnum != EPERM && c->err->errnum != EBUSY)
			return -1;
		/* not allowed (user namespace without cgroup namespace): the host's, bound */
		hostfd = open("/sys/fs/cgroup", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (hostfd < 0)
			return tr_fail(c->err, errno, "/sys/fs/cgroup: open");
		ret = rootfs_bind_fd(c, hostfd, dstfd, flags | MS_REC, m->destination);
		close(hostfd);
		return ret;
	}
	/* the tmpfs is made read-only only after the hierarchies are mounted in it */
	if (rootfs_mount_fd(c, "tmpfs", -1, dstfd, "tmpfs", flags & ~MS_RDONLY, "mode=755") < 0)
		return -1;
	tfd = reopen(c, m->destination);
	if (tfd < 0)
		return -1;
	ret = cgroup_v1_tree(c, m, tfd);
	if (!ret && (flags & BIND_REMOUNT_FLAGS))
		ret = remount_path(c, m->destination, flags);
	close(tfd);
	return ret;
}

/* ---- mounts[] ---- */

static int mount_entry(struct rootfs_ctx *c, const struct spec_mount *m)
{
	const char *type = m->type;
	bool bind = (m->flags & MS_BIND) || (type && !strcmp(type, "bind"));
	unsigned opts = PATHRES_MKDIR;
	int srcfd = -1, dstfd = -1, olddir = -1, ret = -1;
	mode_t mode = 0755;
	struct stat st;

	if (bind) {
		/* a host path; relative ones are relative to the bundle, the cwd */
		if (!m->source)
			return tr_failx(c->err, "bind mount without a source");
		srcfd = open(m->source, O_PATH | O_CLOEXEC);
		if (srcfd < 0 || fstat(srcfd, &st) < 0) {
			tr_fail(c->err, errno, "source %s", m->source);
			goto out;
		}
		if (!S_ISDIR(st.st_mode)) {
			opts = PATHRES_MKFILE;
			mode = 0644;
		}
	} else if (!type) {
		return tr_failx(c->err, "no type and not a bind mount");
	}
	dstfd = pathres_open(c->rootfd, m->destination, opts, mode, c->err);
	if (dstfd < 0)
		goto out;

	if (bind) {
		ret = rootfs_bind_fd(c, srcfd, dstfd, m->flags, m->destination);
	} else if (!strcmp(type, "cgroup")) {
		ret = mount_cgroup(c, m, dstfd);
	} else {
		if (m->tmpcopyup) {
			/* opened before the mount, this fd keeps seeing what the tmpfs covers */
			olddir = openat(dstfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (olddir < 0) {
				tr_fail(c->err, errno, "tmpcopyup: opening the directory");
				goto out;
			}
		}
		ret = rootfs_mount_fd(c, m->source ? m->source : type, -1, dstfd, type,
				      m->flags, m->data);
		if (ret < 0 && c->userns && c->err->errnum == EPERM && !strcmp(type, "sysfs")) {
			/* sysfs needs a network namespace of our own: bind the host's, as asked */
			int sys = open("/sys", O_PATH | O_DIRECTORY | O_CLOEXEC);

			ret = sys < 0 ? tr_fail(c->err, errno, "/sys") :
				rootfs_bind_fd(c, sys, dstfd, m->flags | MS_REC, m->destination);
			if (sys >= 0)
				close(sys);
		}
		if (!ret && olddir >= 0)
			ret = copy_up(c, olddir, m->destination);
	}
	if (!ret && (m->propagation || m->attr_set || m->attr_clr))
		ret = apply_after(c, m);
out:
	if (olddir >= 0)
		close(olddir);
	if (dstfd >= 0)
		close(dstfd);
	if (srcfd >= 0)
		close(srcfd);
	return ret;
}

/*
 * pivot_root refuses a new root whose parent mount is shared. Only a shared
 * rootfsPropagation makes it so: make the mount holding rootfs private
 * (rootfs itself when it is a mount point, else the nearest ancestor).
 */
static int parent_mount_private(const char *rootfs, struct tr_err *err)
{
	char dir[PATH_MAX];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", rootfs);
	for (;;) {
		if (mount(NULL, dir, NULL, MS_PRIVATE, NULL) == 0)
			return 0;
		if (errno != EINVAL || !strcmp(dir, "/"))
			return tr_fail(err, errno, "%s: making the parent mount private", dir);
		slash = strrchr(dir, '/');
		if (slash == dir)
			slash[1] = 0;
		else if (slash)
			*slash = 0;
		else
			return tr_failx(err, "%s: not an absolute path", rootfs);
	}
}

int rootfs_mount_all(const struct spec *s, const char *rootfs, const char *console,
		     struct tr_err *err)
{
	struct rootfs_ctx c = { .s = s, .rootfd = -1, .err = err };
	unsigned long prop = s->linux_cfg.rootfs_propagation;
	bool dev_from_host = false;
	int ret = -1;
	size_t i;

	c.userns = (s->linux_cfg.ns_flags & CLONE_NEWUSER) != 0;
	/* our mounts must never reach the host: rslave unless the spec says otherwise */
	if (!prop)
		prop = MS_SLAVE | MS_REC;
	if (mount(NULL, "/", NULL, prop, NULL) < 0)
		return tr_fail(err, errno, "setting the propagation of / (0x%lx)", prop);
	if ((prop & MS_SHARED) && parent_mount_private(rootfs, err) < 0)
		return -1;
	/* a mount point of its own, which pivot_root needs */
	if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		return tr_fail(err, errno, "%s: binding the rootfs onto itself", rootfs);
	c.rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (c.rootfd < 0)
		return tr_fail(err, errno, "%s: open", rootfs);

	for (i = 0; i < s->mounts.n; i++) {
		const struct spec_mount *m = &s->mounts.v[i];

		if (mount_entry(&c, m) < 0) {
			tr_err_prefix(err, "mounts[%zu] %s", i, m->destination);
			goto out;
		}
		if (!strcmp(m->destination, "/dev") || !strcmp(m->destination, "/dev/"))
			dev_from_host = (m->flags & MS_BIND) || (m->type && !strcmp(m->type, "bind"));
	}
	if (!dev_from_host && rootfs_create_devices(&c) < 0)
		goto out;
	if (console && rootfs_bind_console(&c, console) < 0)
		goto out;
	ret = 0;
out:
	close(c.rootfd);
	return ret;
}

int rootfs_pivot(const struct spec *s, const char *rootfs, int no_pivot, struct tr_err *err)
{
	const char *what = "open";
	int newroot, oldroot = -1, e = 0;

	(void)s;
	newroot = open(rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (newroot < 0 || fchdir(newroot) < 0)
		goto fail;
	if (no_pivot) {
		/* as switch_root does: the rootfs mount replaces "/", then chroot into it */
		what = "moving onto / and chroot";
		if (mount(".", "/", NULL, MS_MOVE, NULL) < 0 || chroot(".") < 0)
			goto fail;
	} else {
		what = "pivot_root";
		oldroot = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		/* put_old == new_root: the old root ends up stacked on "." */
		if (oldroot < 0 || syscall(SYS_pivot_root, ".", ".") < 0)
			goto fail;
		/*
		 * Where the cwd is after pivot_root is not promised: go to the old
		 * root explicitly. Make it rslave first, so that detaching it is
		 * not propagated to the host's mounts.
		 */
		what = "detaching the old root";
		if (fchdir(oldroot) < 0 || mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0 ||
		    umount2(".", MNT_DETACH) < 0)
			goto fail;
	}
	what = "chdir /";
	if (chdir("/") < 0)
		goto fail;
	goto out;
fail:
	e = errno;
	tr_fail(err, e, "%s: %s%s", rootfs, what, e == EINVAL && !strcmp(what, "pivot_root") ?
		" (an initramfs root needs --no-pivot)" : "");
out:
	if (oldroot >= 0)
		close(oldroot);
	if (newroot >= 0)
		close(newroot);
	return e ? -1 : 0;
}

/* ---- after the pivot ---- */

static int mask_path(struct rootfs_ctx *c, const char *path, int *nullfd)
{
	struct stat st;
	int fd, ret;

	fd = pathres_open(c->rootfd, path, 0, 0, c->err);
	if (fd < 0)
		return c->err->errnum == ENOENT ? 0 : -1;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return tr_fail(c->err, errno, "fstat");
	}
	if (S_ISDIR(st.st_mode)) {
		ret = rootfs_mount_fd(c, "tmpfs", -1, fd, "tmpfs",
				      MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
		close(fd);
		return ret;
	}
	if (*nullfd < 0) {
		struct stat nst;

		/* the image's own /dev/null could be anything: it must be the 1:3 char device */
		*nullfd = pathres_open(c->rootfd, "/dev/null", 0, 0, c->err);
		if (*nullfd < 0 || fstat(*nullfd, &nst) < 0 || !S_ISCHR(nst.st_mode) ||
		    nst.st_rdev != makedev(1, 3)) {
			close(fd);
			if (*nullfd < 0)
				return -1;
			return tr_failx(c->err, "/dev/null is not the null device (1:3)");
		}
	}
	ret = rootfs_mount_fd(c, NULL, *nullfd, fd, NULL, MS_BIND, NULL);
	close(fd);
	return ret;
}

static int readonly_path(struct rootfs_ctx *c, const char *path)
{
	struct rootfs_mount_attr attr = {
		ATTR_RDONLY | ATTR_NOSUID | ATTR_NODEV | ATTR_NOEXEC, 0, 0, 0
	};
	int fd, ret;

	fd = pathres_open(c->rootfd, path, 0, 0, c->err);
	if (fd < 0)
		return c->err->errnum == ENOENT ? 0 : -1;
	ret = rootfs_bind_fd(c, fd, fd, MS_REC | READONLY_PATH_FLAGS, path);
	close(fd);
	if (ret)
		return ret;
	/* the remount covers only the top mount; mount_setattr (5.12+) reaches those below */
	fd = reopen(c, path);
	if (fd < 0)
		return -1;
	if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0 &&
	    errno != ENOSYS)
		ret = tr_fail(c->err, errno, "mount_setattr");
	close(fd);
	return ret;
}

int rootfs_finish(const struct spec *s, struct tr_err *err)
{
	const struct spec_linux *l = &s->linux_cfg;
	struct rootfs_ctx c = { .s = s, .rootfd = -1, .err = err };
	int nullfd = -1, ret = -1;
	size_t i;

	c.userns = (l->ns_flags & CLONE_NEWUSER) != 0;
	c.rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (c.rootfd < 0)
		return tr_fail(err, errno, "/: open");
	for (i = 0; i < l->readonly_paths.n; i++)
		if (readonly_path(&c, l->readonly_paths.v[i]) < 0) {
			tr_err_prefix(err, "linux.readonlyPaths[%zu] %s", i, l->readonly_paths.v[i]);
			goto out;
		}
	for (i = 0; i < l->masked_paths.n; i++)
		if (mask_path(&c, l->masked_paths.v[i], &nullfd) < 0) {
			tr_err_prefix(err, "linux.maskedPaths[%zu] %s", i, l->masked_paths.v[i]);
			goto out;
		}
	/* "/" is the process root here: no symlink can stand in for it */
	if (s->root.readonly && remount_bind(&c, "/", c.rootfd, MS_RDONLY, "/") < 0) {
		tr_err_prefix(err, "root.readonly");
		goto out;
	}
	if (l->rootfs_propagation && mount(NULL, "/", NULL, l->rootfs_propagation, NULL) < 0) {
		tr_fail(err, errno, "linux.rootfsPropagation: setting 0x%lx on /",
			l->rootfs_propagation);
		goto out;
	}
	ret = 0;
out:
	if (nullfd >= 0)
		close(nullfd);
	close(c.rootfd);
	return ret;
}
