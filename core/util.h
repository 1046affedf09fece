/* SPDX-License-Identifier: MIT */
/*
 * Small, generic helpers the runtime needs in several places: time stamps
 * in the format containerd parses, atomic file replacement, bounded file
 * reads, strict number parsing, mkdir -p and /proc/PID/stat parsing.
 * Nothing here prints or exits; failures return <0.
 */
#ifndef TINYRUN_UTIL_H
#define TINYRUN_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

struct tr_err;

/* "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ" plus NUL. */
#define UTIL_RFC3339_LEN 31

/*
 * Format ts as RFC 3339 in UTC with exactly nine fraction digits, e.g.
 * 2026-11-29T12:35:51.123456789Z. Returns the length written, or -1 when
 * buf is too small or ts is out of range (years 0..9999, tv_nsec 0..999999999).
 */
int util_rfc3339(char *buf, size_t len, const struct timespec *ts);

/*
 * Parse what util_rfc3339 writes, and the same with 0..9 fraction digits
 * (Go's RFC3339Nano drops trailing zeros). Only "Z" is accepted as zone:
 * we never write offsets. Returns 0, or -1 on any deviation.
 */
int util_parse_rfc3339(const char *s, struct timespec *out);

/*
 * Replace dirfd/name with data so that readers see either the old or the
 * new content, never a partial file: write a temporary file in the same
 * directory, then rename() it over name. On failure the temporary file is
 * removed and name is left as it was.
 */
int util_write_file_atomic(int dirfd, const char *name, const void *data,
			   size_t len, mode_t mode, struct tr_err *err);

/*
 * Read all of dirfd/name (dirfd may be AT_FDCWD) into a malloc'd buffer,
 * NUL-terminated (the NUL is not counted in *len; len may be NULL).
 * Files larger than max bytes fail with EFBIG, so a corrupt or hostile
 * file cannot make us allocate without bound.
 */
int util_read_file(int dirfd, const char *name, char **out, size_t *len,
		   size_t max, struct tr_err *err);

/*
 * Strict unsigned decimal: one or more ASCII digits and nothing else (no
 * sign, no spaces, no trailing newline), value <= max. Returns 0, or -1
 * with errno EINVAL (syntax) or ERANGE (too large).
 */
int util_parse_uint(const char *s, unsigned long long max,
		    unsigned long long *out);

/*
 * mkdir -p: create path and missing parents with mode (subject to umask).
 * Existing directories are fine; an existing non-directory is ENOTDIR.
 */
int util_mkdir_p(const char *path, mode_t mode, struct tr_err *err);

/*
 * Remove dirfd/name and, if it is a directory, everything below it.
 * Symlinks are removed, never followed. A missing name is an error with
 * errnum ENOENT so callers can decide whether that matters.
 */
int util_remove_tree(int dirfd, const char *name, struct tr_err *err);

/*
 * Parse the text of a /proc/PID/stat file: the one-letter process state
 * (field 3) and the start time in clock ticks since boot (field 22).
 * The comm field (2) may hold spaces and ')', so fields are counted from
 * the LAST ')'. Either output may be NULL. Exposed for unit tests.
 */
int util_proc_stat_parse(const char *buf, char *state,
			 unsigned long long *start_time);

/*
 * State letter and start time of a live process from /proc/PID/stat.
 * Returns -1 with errno ENOENT/ESRCH when the process does not exist.
 */
int util_proc_stat(pid_t pid, char *state, unsigned long long *start_time);

/* Field 22 of /proc/PID/stat: identifies pid across reuse. */
int util_proc_start_time(pid_t pid, unsigned long long *out);

/*
 * Whether every item of the comma list list[0..len) appears in the comma list
 * set ("cpu,cpuacct" in the super options "rw,cpu,cpuacct"): how a cgroup v1
 * line of /proc/self/cgroup is matched to its mount. An empty list is false.
 */
bool util_list_subset(const char *list, size_t len, const char *set);

#endif
