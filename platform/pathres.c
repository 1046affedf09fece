/* SPDX-License-Identifier: MIT */
/*
 * Resolution of container paths inside the rootfs: see pathres.h.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "error.h"
#include "pathres.h"

/* The syscall number is the same on every architecture (unified table). */
#ifndef SYS_openat2
#define SYS_openat2 437
#endif
/* linux/openat2.h, spelt out: musl and old kernel headers lack it */
#ifndef RESOLVE_NO_MAGICLINKS
#define RESOLVE_NO_MAGICLINKS	0x02
#endif
#ifndef RESOLVE_IN_ROOT
#define RESOLVE_IN_ROOT		0x10
#endif

/* Same layout as the kernel's struct open_how (three u64, version 0). */
struct pathres_how {
	uint64_t flags;
	uint64_t mode;
	uint64_t resolve;
};

/* How many times openat2 is retried when a rename races with "..". */
#define OPENAT2_RETRIES 16

enum { OPENAT2_UNKNOWN, OPENAT2_YES, OPENAT2_NO };
static int have_openat2 = OPENAT2_UNKNOWN;
static int force_walk = -1;	/* -1: not decided yet (environment) */

void pathres_force_walk(int on)
{
	force_walk = !!on;
}

static int use_walk(unsigned opts)
{
	if (force_walk < 0) {
		const char *e = getenv("TINYRUN_PATHRES_WALK");

		force_walk = e && *e == '1';
	}
	return force_walk || (opts & PATHRES_WALK) || have_openat2 == OPENAT2_NO;
}

/*
 * Open the directory reached by following the already resolved path done
 * ("/a/b", or "" for the root) from rootfd again. done holds only real
 * directories (symlinks were expanded while it was built), so every step
 * refuses symlinks: if one was swapped in meanwhile, this fails instead of
 * following it.
 */
static int reopen_resolved(int rootfd, const char *done)
{
	char name[NAME_MAX + 1];
	int fd, nfd;

	fd = openat(rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	while (fd >= 0 && *done == '/') {
		const char *end = strchrnul(++done, '/');
		size_t len = (size_t)(end - done);

		memcpy(name, done, len);	/* components were checked <= NAME_MAX */
		name[len] = 0;
		nfd = openat(fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		fd = nfd;
		done = end;
	}
	return fd;
}

/* Make the missing entry name in dirfd: a directory, or the empty file. */
static int create_missing(int dirfd, const char *name, int as_file, mode_t mode)
{
	int fd;

	if (as_file) {
		fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
		if (fd >= 0)
			close(fd);
	} else {
		fd = mkdirat(dirfd, name, mode);
	}
	/* EEXIST: someone else created it meanwhile; the next lookup decides */
	return fd < 0 && errno != EEXIST ? -1 : 0;
}

static int walk_fail(struct tr_err *err, int errnum, const char *path, const char *done,
		     const char *what, const char *name)
{
	return tr_fail(err, errnum, "%s: %s \"%s\" in \"%s\"", path, what, name,
		       *done ? done : "/");
}

/*
 * The component walk. rest holds what is still to resolve; a symlink's
 * target is spliced in front of the remaining components, restarting at
 * the root when it is absolute.
 */
static int walk(int rootfd, const char *path, unsigned opts, mode_t mode, struct tr_err *err)
{
	char rest[PATH_MAX], next[PATH_MAX], link[PATH_MAX], done[PATH_MAX];
	char name[NAME_MAX + 1];
	size_t dlen = 0;
	int links = 0, fd, nfd;
	const char *p;

	if (strlen(path) >= sizeof(rest))
		return tr_fail(err, ENAMETOOLONG, "%s: path too long", path);
	strcpy(rest, path);
	done[0] = 0;
	fd = openat(rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return tr_fail(err, errno, "%s: cannot open the root", path);

	p = rest;
	for (;;) {
		const char *end, *after;
		struct stat st;
		size_t len;
		int last;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		end = strchrnul(p, '/');
		len = (size_t)(end - p);
		for (after = end; *after == '/'; after++)
			;
		last = !*after;
		if (len > NAME_MAX) {
			close(fd);
			return walk_fail(err, ENAMETOOLONG, path, done, "component too long", "");
		}
		memcpy(name, p, len);
		name[len] = 0;
		p = end;

		if (!strcmp(name, "."))
			continue;
		if (!strcmp(name, "..")) {
			/* never above the root: ".." of "/" is "/" */
			while (dlen && done[--dlen] != '/')
				;
			done[dlen] = 0;
			close(fd);
			fd = reopen_resolved(rootfd, done);
			if (fd < 0)
				return walk_fail(err, errno, path, done, "cannot reopen", "..");
			continue;
		}

		nfd = openat(fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0 && errno == ENOENT && (opts & (PATHRES_MKDIR | PATHRES_MKFILE))) {
			int as_file = last && (opts & PATHRES_MKFILE);

			if (create_missing(fd, name, as_file, last ? mode : 0755) < 0) {
				walk_fail(err, errno, path, done, "cannot create", name);
				close(fd);
				return -1;
			}
			nfd = openat(fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		}
		if (nfd < 0 || fstat(nfd, &st) < 0) {
			int e = errno;

			if (nfd >= 0)
				close(nfd);
			close(fd);
			walk_fail(err, e, path, done, "cannot resolve", name);
			return -1;
		}

		if (S_ISLNK(st.st_mode) && !(last && (opts & PATHRES_NOFOLLOW))) {
			ssize_t n;
			int e;

			/* an O_PATH fd of the link itself: "" reads that link */
			n = readlinkat(nfd, "", link, sizeof(link));
			e = n < 0 ? errno : n == 0 ? ENOENT : /* as the kernel */
			    (size_t)n >= sizeof(link) ? ENAMETOOLONG :
			    ++links > PATHRES_MAX_LINKS ? ELOOP : 0;
			close(nfd);
			if (e) {
				close(fd);
				return walk_fail(err, e, path, done, "cannot follow symlink", name);
			}
			link[n] = 0;
			if ((size_t)n + 1 + strlen(p) >= sizeof(next)) {
				close(fd);
				return walk_fail(err, ENAMETOOLONG, path, done, "target too long", name);
			}
			/* target first, then what was left after the link */
			memcpy(next, link, (size_t)n);
			next[n] = '/';
			strcpy(next + n + 1, p);
			strcpy(rest, next);
			p = rest;
			if (link[0] == '/') {
				close(fd);
				dlen = 0;
				done[0] = 0;
				fd = openat(rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
				if (fd < 0)
					return walk_fail(err, errno, path, done, "cannot reopen", "..");
			}
			continue;
		}
		if (!last && !S_ISDIR(st.st_mode)) {
			close(nfd);
			close(fd);
			walk_fail(err, ENOTDIR, path, done, "not a directory", name);
			return -1;
		}
		if (dlen + 1 + len >= sizeof(done)) {
			close(nfd);
			close(fd);
			return walk_fail(err, ENAMETOOLONG, path, done, "path too long", name);
		}
		done[dlen++] = '/';
		memcpy(done + dlen, name, len + 1);
		dlen += len;
		close(fd);
		fd = nfd;
	}
	return fd;
}

int pathres_open(int rootfd, const char *path, unsigned opts, mode_t mode,
		 struct tr_err *err)
{
	struct pathres_how how = { 0 };
	int fd = -1, i;

	if (use_walk(opts))
		return walk(rootfd, path, opts, mode, err);

	how.flags = O_PATH | O_CLOEXEC | ((opts & PATHRES_NOFOLLOW) ? O_NOFOLLOW : 0);
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	for (i = 0; i < OPENAT2_RETRIES; i++) {
		fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
		if (fd >= 0 || errno != EAGAIN)
			break;
	}
	if (fd >= 0) {
		have_openat2 = OPENAT2_YES;
		return fd;
	}
	if (errno == ENOSYS && have_openat2 == OPENAT2_UNKNOWN) {
		have_openat2 = OPENAT2_NO;
		return walk(rootfd, path, opts, mode, err);
	}
	/* seccomp profiles of some hosts answer unknown syscalls with EPERM */
	if (errno == EPERM && have_openat2 != OPENAT2_YES)
		return walk(rootfd, path, opts, mode, err);
	if (errno == ENOENT && (opts & (PATHRES_MKDIR | PATHRES_MKFILE)))
		return walk(rootfd, path, opts, mode, err);
	return tr_fail(err, errno, "%s: cannot resolve inside the root", path);
}

int pathres_open_parent(int rootfd, const char *path, unsigned opts,
			const char **name, struct tr_err *err)
{
	char parent[PATH_MAX];
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	size_t plen = slash ? (size_t)(slash - path) : 0;

	if (!*base || !strcmp(base, ".") || !strcmp(base, ".."))
		return tr_fail(err, EINVAL, "%s: does not name an entry", path);
	if (plen >= sizeof(parent))
		return tr_fail(err, ENAMETOOLONG, "%s: path too long", path);
	memcpy(parent, path, plen);
	parent[plen] = 0;
	*name = base;
	return pathres_open(rootfd, plen ? parent : "/",
			    opts & (PATHRES_MKDIR | PATHRES_WALK), 0755, err);
}
