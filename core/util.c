/* SPDX-License-Identifier: MIT */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE		/* fdopendir, openat family: POSIX.1-2008 */
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "util.h"

/*
 * Calendar arithmetic on the proleptic Gregorian calendar, counting days
 * from 1970-01-01. Done here rather than with gmtime_r/timegm so the
 * result does not depend on the libc's time zone handling or on a 32-bit
 * time_t, and so formatting and parsing are exact inverses.
 * The constants: 719468 days from 0000-03-01 to 1970-01-01; 146097 days
 * per 400-year era; years start in March so the leap day comes last.
 */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
	long long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(long long z, long long *y, unsigned *m, unsigned *d)
{
	long long era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (long long)yoe + era * 400 + (*m <= 2);
}

int util_rfc3339(char *buf, size_t len, const struct timespec *ts)
{
	long long secs = (long long)ts->tv_sec, days, y;
	long long sod;
	unsigned m, d;
	int n;

	if (ts->tv_nsec < 0 || ts->tv_nsec > 999999999L)
		return -1;
	/* Floor division so times before 1970 land on the right day. */
	days = secs / 86400;
	sod = secs % 86400;
	if (sod < 0) {
		sod += 86400;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999)
		return -1;
	n = snprintf(buf, len, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%09ldZ",
		     y, m, d, sod / 3600, sod / 60 % 60, sod % 60,
		     (long)ts->tv_nsec);
	if (n < 0 || (size_t)n >= len)
		return -1;
	return n;
}

/* Exactly n ASCII digits at *p, advancing p. */
static int take_digits(const char **p, int n, unsigned *out)
{
	unsigned v = 0;

	while (n--) {
		if (**p < '0' || **p > '9')
			return -1;
		v = v * 10 + (unsigned)(*(*p)++ - '0');
	}
	*out = v;
	return 0;
}

int util_parse_rfc3339(const char *s, struct timespec *out)
{
	unsigned y, mo, d, h, mi, sec, mo2, d2, digits = 0;
	long long days, y2;
	long nsec = 0;

	if (take_digits(&s, 4, &y) || *s++ != '-' ||
	    take_digits(&s, 2, &mo) || *s++ != '-' ||
	    take_digits(&s, 2, &d) || *s++ != 'T' ||
	    take_digits(&s, 2, &h) || *s++ != ':' ||
	    take_digits(&s, 2, &mi) || *s++ != ':' ||
	    take_digits(&s, 2, &sec))
		return -1;
	if (*s == '.') {
		s++;
		while (*s >= '0' && *s <= '9' && digits < 9) {
			nsec = nsec * 10 + (*s++ - '0');
			digits++;
		}
		if (!digits)
			return -1;
		for (; digits < 9; digits++)
			nsec *= 10;
	}
	if (s[0] != 'Z' || s[1])
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59)
		return -1;
	days = days_from_civil(y, mo, d);
	/* Round trip rejects days the month does not have (Feb 30). */
	civil_from_days(days, &y2, &mo2, &d2);
	if (mo2 != mo || d2 != d)
		return -1;
	out->tv_sec = (time_t)(days * 86400 + h * 3600 + mi * 60 + sec);
	out->tv_nsec = nsec;
	return 0;
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * No fsync: what we write atomically is runtime state (state.json, pid
 * files) that lives in /run, a tmpfs where fsync buys nothing, and that
 * means nothing after a power loss anyway because every container is gone
 * then. Atomicity against concurrent readers (containerd reading the pid
 * file, `tinyrun list` reading state) comes from rename() alone. Syncing
 * on the slow flash of small boards would add tens of milliseconds per
 * container operation for no benefit.
 */
int util_write_file_atomic(int dirfd, const char *name, const void *data,
			   size_t len, mode_t mode, struct tr_err *err)
{
	static unsigned counter;
	char tmp[256];
	int fd = -1, tries, n;

	if (!*name || strchr(name, '/'))
		return tr_fail(err, EINVAL, "%s: not a plain file name", name);
	/*
	 * The temporary name starts with '.' so directory walkers that skip
	 * hidden entries ignore it; pid and counter keep concurrent writers
	 * (which should hold the container lock anyway) apart. A leftover
	 * from a crashed writer with our pid is simply skipped.
	 */
	for (tries = 0; tries < 64; tries++) {
		n = snprintf(tmp, sizeof(tmp), ".%s.tmp-%ld-%u", name,
			     (long)getpid(), counter++);
		if (n < 0 || (size_t)n >= sizeof(tmp))
			return tr_fail(err, ENAMETOOLONG, "%s", name);
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL |
			    O_CLOEXEC | O_NOFOLLOW, mode);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0)
		return tr_fail(err, errno, "create temporary file for %s", name);
	if (write_all(fd, data, len) < 0) {
		tr_fail(err, errno, "write %s", tmp);
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		tr_fail(err, errno, "close %s", tmp);
		goto fail;
	}
	fd = -1;
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		tr_fail(err, errno, "rename %s to %s", tmp, name);
		goto fail;
	}
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlinkat(dirfd, tmp, 0);
	return -1;
}

int util_read_file(int dirfd, const char *name, char **out, size_t *len,
		   size_t max, struct tr_err *err)
{
	size_t cap = 512, used = 0;
	char *buf, *nbuf;
	int fd;

	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return tr_fail(err, errno, "open %s", name);
	buf = malloc(cap);
	if (!buf) {
		close(fd);
		return tr_fail(err, ENOMEM, "read %s", name);
	}
	/* Read to EOF rather than trusting st_size: /proc files report 0. */
	for (;;) {
		ssize_t n;

		if (used + 1 >= cap) {
			if (cap - 1 > max) {
				tr_fail(err, EFBIG, "%s: larger than %zu bytes",
					name, max);
				goto fail;
			}
			cap *= 2;
			nbuf = realloc(buf, cap);
			if (!nbuf) {
				tr_fail(err, ENOMEM, "read %s", name);
				goto fail;
			}
			buf = nbuf;
		}
		n = read(fd, buf + used, cap - used - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			tr_fail(err, errno, "read %s", name);
			goto fail;
		}
		if (n == 0)
			break;
		used += (size_t)n;
		if (used > max) {
			tr_fail(err, EFBIG, "%s: larger than %zu bytes", name, max);
			goto fail;
		}
	}
	close(fd);
	buf[used] = '\0';
	*out = buf;
	if (len)
		*len = used;
	return 0;
fail:
	close(fd);
	free(buf);
	return -1;
}

int util_parse_uint(const char *s, unsigned long long max,
		    unsigned long long *out)
{
	unsigned long long v = 0;

	if (!s || !*s) {
		errno = EINVAL;
		return -1;
	}
	for (; *s; s++) {
		unsigned d;

		if (*s < '0' || *s > '9') {
			errno = EINVAL;
			return -1;
		}
		d = (unsigned)(*s - '0');
		if (d > max || v > (max - d) / 10) {
			/* Keep scanning so "99x" is a syntax error, not a range one. */
			while (*++s)
				if (*s < '0' || *s > '9') {
					errno = EINVAL;
					return -1;
				}
			errno = ERANGE;
			return -1;
		}
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

static int mkdir_one(const char *path, mode_t mode, struct tr_err *err)
{
	struct stat st;

	if (mkdir(path, mode) == 0)
		return 0;
	if (errno != EEXIST)
		return tr_fail(err, errno, "mkdir %s", path);
	/* stat follows symlinks: a symlink to a directory is acceptable. */
	if (stat(path, &st) < 0)
		return tr_fail(err, errno, "stat %s", path);
	if (!S_ISDIR(st.st_mode))
		return tr_fail(err, ENOTDIR, "mkdir %s", path);
	return 0;
}

int util_mkdir_p(const char *path, mode_t mode, struct tr_err *err)
{
	char *copy, *p;
	int ret = 0;

	if (!path || !*path)
		return tr_fail(err, EINVAL, "mkdir: empty path");
	copy = strdup(path);
	if (!copy)
		return tr_fail(err, ENOMEM, "mkdir %s", path);
	for (p = copy + 1; *p && !ret; p++) {
		if (*p != '/' || p[-1] == '/')
			continue;
		*p = '\0';
		ret = mkdir_one(copy, mode, err);
		*p = '/';
	}
	if (!ret)
		ret = mkdir_one(copy, mode, err);
	free(copy);
	return ret;
}

/*
 * Depth bound: the trees we remove are our own state directories, a level
 * or two deep; the bound only stops a runaway on something unexpected.
 */
#define REMOVE_TREE_MAX_DEPTH 16

static int remove_tree_at(int dirfd, const char *name, int depth,
			  struct tr_err *err)
{
	struct dirent *de;
	DIR *dir;
	int fd, ret = 0;

	if (unlinkat(dirfd, name, 0) == 0)
		return 0;
	/* Linux says EISDIR for a directory; POSIX allows EPERM. */
	if (errno != EISDIR && errno != EPERM)
		return tr_fail(err, errno, "remove %s", name);
	if (depth >= REMOVE_TREE_MAX_DEPTH)
		return tr_fail(err, ELOOP, "remove %s: too deep", name);
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return tr_fail(err, errno, "open %s", name);
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return tr_fail(err, errno, "open %s", name);
	}
	while (!ret && (errno = 0, de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		ret = remove_tree_at(fd, de->d_name, depth + 1, err);
		if (ret)
			tr_err_prefix(err, "%s", name);
	}
	if (!ret && errno)
		ret = tr_fail(err, errno, "read directory %s", name);
	closedir(dir);
	if (ret)
		return ret;
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0)
		return tr_fail(err, errno, "remove %s", name);
	return 0;
}

int util_remove_tree(int dirfd, const char *name, struct tr_err *err)
{
	return remove_tree_at(dirfd, name, 0, err);
}

int util_proc_stat_parse(const char *buf, char *state,
			 unsigned long long *start_time)
{
	const char *p = strrchr(buf, ')');
	unsigned long long v = 0;
	int field;

	/* After the comm: " S ppid pgrp ..." with state as field 3. */
	if (!p || p[1] != ' ' || !p[2] || p[2] == ' ' || p[3] != ' ')
		return -1;
	if (state)
		*state = p[2];
	p += 3;
	for (field = 4; field <= 22; field++) {
		if (*p++ != ' ' || !*p || *p == ' ')
			return -1;
		if (field < 22) {
			p += strcspn(p, " \n");
			continue;
		}
		if (*p < '0' || *p > '9')
			return -1;
		for (; *p >= '0' && *p <= '9'; p++) {
			if (v > (~0ULL - 9) / 10)
				return -1;
			v = v * 10 + (unsigned)(*p - '0');
		}
		if (*p && *p != ' ' && *p != '\n')
			return -1;
	}
	if (start_time)
		*start_time = v;
	return 0;
}

int util_proc_stat(pid_t pid, char *state, unsigned long long *start_time)
{
	char path[32], buf[1024];
	ssize_t n;
	int fd;

	if (pid <= 0) {
		errno = ESRCH;
		return -1;
	}
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	/* One read: the kernel produces the whole line at once (< 1 KiB). */
	do
		n = read(fd, buf, sizeof(buf) - 1);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	if (util_proc_stat_parse(buf, state, start_time) < 0) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int util_proc_start_time(pid_t pid, unsigned long long *out)
{
	return util_proc_stat(pid, NULL, out);
}

bool util_list_subset(const char *list, size_t len, const char *set)
{
	const char *p = list, *end = list + len;

	if (!len)
		return false;
	while (p < end) {
		const char *q = memchr(p, ',', (size_t)(end - p));
		size_t n = (size_t)((q ? q : end) - p);
		const char *o = set;
		bool found = false;

		while (*o && !found) {
			size_t olen = strcspn(o, ",");

			found = olen == n && !memcmp(o, p, n);
			o += olen + (o[olen] == ',');
		}
		if (!found)
			return false;
		p += n + 1;
	}
	return true;
}
