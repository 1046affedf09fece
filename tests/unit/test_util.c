/* SPDX-License-Identifier: MIT */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE		/* mkdtemp, symlink */
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "unit.h"
#include "util.h"

static char tmpdir[128];

static int make_tmpdir(void)
{
	const char *base = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/tinyrun-unit-XXXXXX",
		 base && *base ? base : "/tmp");
	return mkdtemp(tmpdir) ? open(tmpdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
}

static void drop_tmpdir(int fd)
{
	struct tr_err err;

	close(fd);
	CHECK_INT(util_remove_tree(AT_FDCWD, tmpdir, &err), 0);
}

/* Entries of dirfd other than "." and "..", names joined by ' ' into buf. */
static int list_dir(int dirfd, char *buf, size_t len)
{
	int fd = dup(dirfd), n = 0;
	struct dirent *de;
	DIR *dir;

	buf[0] = '\0';
	dir = fdopendir(fd);
	if (!dir)
		return -1;
	rewinddir(dir);
	while ((de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n++)
			strncat(buf, " ", len - strlen(buf) - 1);
		strncat(buf, de->d_name, len - strlen(buf) - 1);
	}
	closedir(dir);
	return n;
}

static void check_fmt(long long sec, long nsec, const char *want)
{
	struct timespec ts = { .tv_sec = (time_t)sec, .tv_nsec = nsec }, back;
	char buf[UTIL_RFC3339_LEN];

	CHECK_INT(util_rfc3339(buf, sizeof(buf), &ts), (long long)strlen(want));
	CHECK_STR(buf, want);
	CHECK_INT(util_parse_rfc3339(buf, &back), 0);
	CHECK_INT(back.tv_sec, sec);
	CHECK_INT(back.tv_nsec, nsec);
}

static void test_rfc3339_format(void)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = 0 };
	char small[UTIL_RFC3339_LEN - 1];

	check_fmt(0, 0, "1970-01-01T00:00:00.000000000Z");
	check_fmt(1795955751, 123456789, "2026-11-29T12:35:51.123456789Z");
	check_fmt(1795955751, 1, "2026-11-29T12:35:51.000000001Z");
	check_fmt(951868799, 999999999, "2000-02-29T23:59:59.999999999Z");
	check_fmt(1709251199, 500000000, "2024-02-29T23:59:59.500000000Z");
	check_fmt(-1, 0, "1969-12-31T23:59:59.000000000Z");
	if (sizeof(time_t) > 4) {
		check_fmt(4102444800LL, 0, "2100-01-01T00:00:00.000000000Z");
		check_fmt(253402300799LL, 0, "9999-12-31T23:59:59.000000000Z");
	}
	CHECK_INT(util_rfc3339(small, sizeof(small), &ts), -1);
	ts.tv_nsec = 1000000000L;
	CHECK_INT(util_rfc3339(small, sizeof(small), &ts), -1);
}

static void test_rfc3339_parse(void)
{
	static const char *const bad[] = {
		"", "2026-11-29", "2026-11-29T12:35:51", "2026-11-29T12:35:51+00:00",
		"2026-11-29t12:35:51Z", "2026-11-29 12:35:51Z", "2026-02-29T00:00:00Z",
		"2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z",
		"2026-11-29T24:00:00Z", "2026-11-29T12:60:00Z", "2026-11-29T12:35:60Z",
		"2026-11-29T12:35:51.Z", "2026-11-29T12:35:51.1234567891Z",
		"2026-11-29T12:35:51ZZ", "26-11-29T12:35:51Z", "+2026-11-29T12:35:51Z",
	};
	struct timespec ts;
	size_t i;

	CHECK_INT(util_parse_rfc3339("2026-11-29T12:35:51Z", &ts), 0);
	CHECK_INT(ts.tv_sec, 1795955751);
	CHECK_INT(ts.tv_nsec, 0);
	CHECK_INT(util_parse_rfc3339("2026-11-29T12:35:51.5Z", &ts), 0);
	CHECK_INT(ts.tv_nsec, 500000000);
	CHECK_INT(util_parse_rfc3339("2024-02-29T00:00:00.000001Z", &ts), 0);
	CHECK_INT(ts.tv_nsec, 1000);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int ret = util_parse_rfc3339(bad[i], &ts);

		if (ret != -1)
			fprintf(stderr, "  accepted \"%s\"\n", bad[i]);
		CHECK_INT(ret, -1);
	}
}

static void test_write_atomic(void)
{
	struct tr_err err = { 0 };
	char names[256], *data;
	struct stat st;
	size_t len;
	int dfd = make_tmpdir();

	CHECK(dfd >= 0);
	CHECK_INT(util_write_file_atomic(dfd, "f", "hello", 5, 0600, &err), 0);
	CHECK_INT(util_read_file(dfd, "f", &data, &len, 100, &err), 0);
	CHECK_INT(len, 5);
	CHECK_STR(data, "hello");
	free(data);
	CHECK_INT(fstatat(dfd, "f", &st, 0), 0);
	CHECK_INT(st.st_mode & 07777, 0600);
	/* Replacing keeps one file and no temporaries. */
	CHECK_INT(util_write_file_atomic(dfd, "f", "bye", 3, 0600, &err), 0);
	CHECK_INT(util_read_file(dfd, "f", &data, &len, 100, &err), 0);
	CHECK_STR(data, "bye");
	free(data);
	CHECK_INT(list_dir(dfd, names, sizeof(names)), 1);
	CHECK_STR(names, "f");
	/* rename() over a directory fails after the temporary was written. */
	CHECK_INT(mkdirat(dfd, "d", 0700), 0);
	CHECK_INT(util_write_file_atomic(dfd, "d", "x", 1, 0600, &err), -1);
	CHECK_CONTAINS(err.msg, "rename");
	CHECK_INT(list_dir(dfd, names, sizeof(names)), 2);
	CHECK(!strcmp(names, "f d") || !strcmp(names, "d f"));
	/* Failure before anything was created. */
	CHECK_INT(util_write_file_atomic(dfd, "a/b", "x", 1, 0600, &err), -1);
	CHECK_INT(err.errnum, EINVAL);
	CHECK_INT(util_write_file_atomic(-1, "g", "x", 1, 0600, &err), -1);
	CHECK_INT(err.errnum, EBADF);
	CHECK_INT(list_dir(dfd, names, sizeof(names)), 2);
	drop_tmpdir(dfd);
}

static void test_read_file(void)
{
	struct tr_err err = { 0 };
	char big[3000], *data = NULL;
	size_t len = 0;
	int dfd = make_tmpdir();

	memset(big, 'x', sizeof(big));
	CHECK_INT(util_write_file_atomic(dfd, "big", big, sizeof(big), 0600, &err), 0);
	CHECK_INT(util_read_file(dfd, "big", &data, &len, sizeof(big), &err), 0);
	CHECK_INT(len, sizeof(big));
	CHECK(data && data[len] == '\0');
	free(data);
	CHECK_INT(util_read_file(dfd, "big", &data, &len, sizeof(big) - 1, &err), -1);
	CHECK_INT(err.errnum, EFBIG);
	CHECK_INT(util_read_file(dfd, "none", &data, &len, 10, &err), -1);
	CHECK_INT(err.errnum, ENOENT);
	CHECK_CONTAINS(err.msg, "none");
	/* st_size of /proc files is 0: must still read the content. */
	CHECK_INT(util_read_file(AT_FDCWD, "/proc/self/stat", &data, NULL, 4096, &err), 0);
	CHECK(data && strchr(data, ')'));
	free(data);
	drop_tmpdir(dfd);
}

static void check_uint(const char *s, unsigned long long max, int ret,
		       int eno, unsigned long long want)
{
	unsigned long long v = 12345;

	errno = 0;
	CHECK_INT(util_parse_uint(s, max, &v), ret);
	if (ret) {
		CHECK_INT(errno, eno);
		CHECK_INT(v, 12345);
	} else {
		CHECK(v == want);
	}
}

static void test_parse_uint(void)
{
	check_uint("0", 10, 0, 0, 0);
	check_uint("007", 10, 0, 0, 7);
	check_uint("4294967295", 0xffffffffULL, 0, 0, 4294967295ULL);
	check_uint("4294967296", 0xffffffffULL, -1, ERANGE, 0);
	check_uint("18446744073709551615", ULLONG_MAX, 0, 0, ULLONG_MAX);
	check_uint("18446744073709551616", ULLONG_MAX, -1, ERANGE, 0);
	check_uint("99999999999999999999999", ULLONG_MAX, -1, ERANGE, 0);
	check_uint("255", 255, 0, 0, 255);
	check_uint("256", 255, -1, ERANGE, 0);
	check_uint("7", 5, -1, ERANGE, 0);
	check_uint("0", 0, 0, 0, 0);
	check_uint("1", 0, -1, ERANGE, 0);
	check_uint("99x", 5, -1, EINVAL, 0);
	check_uint(NULL, 10, -1, EINVAL, 0);
	check_uint("", 10, -1, EINVAL, 0);
	check_uint("+1", 10, -1, EINVAL, 0);
	check_uint("-1", 10, -1, EINVAL, 0);
	check_uint(" 1", 10, -1, EINVAL, 0);
	check_uint("1 ", 10, -1, EINVAL, 0);
	check_uint("1\n", 10, -1, EINVAL, 0);
	check_uint("0x1", 10, -1, EINVAL, 0);
	check_uint("1e3", 10000, -1, EINVAL, 0);
	check_uint("\xd9\xa1", 10, -1, EINVAL, 0);	/* Arabic-Indic one */
}

static void test_mkdir_p(void)
{
	struct tr_err err = { 0 };
	char path[256];
	struct stat st;
	int dfd = make_tmpdir(), fd;

	snprintf(path, sizeof(path), "%s/a/b//c/", tmpdir);
	CHECK_INT(util_mkdir_p(path, 0700, &err), 0);
	CHECK_INT(stat(path, &st), 0);
	CHECK(S_ISDIR(st.st_mode));
	CHECK_INT(st.st_mode & 0777, 0700);
	CHECK_INT(util_mkdir_p(path, 0700, &err), 0);
	fd = openat(dfd, "file", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	close(fd);
	snprintf(path, sizeof(path), "%s/file/x", tmpdir);
	CHECK_INT(util_mkdir_p(path, 0700, &err), -1);
	CHECK_INT(err.errnum, ENOTDIR);
	snprintf(path, sizeof(path), "%s/file", tmpdir);
	CHECK_INT(util_mkdir_p(path, 0700, &err), -1);
	CHECK_INT(err.errnum, ENOTDIR);
	CHECK_INT(util_mkdir_p("", 0700, &err), -1);
	drop_tmpdir(dfd);
}

static void test_remove_tree(void)
{
	struct tr_err err = { 0 };
	char target[256], names[256];
	struct stat st;
	int dfd = make_tmpdir();

	CHECK_INT(mkdirat(dfd, "keep", 0700), 0);
	CHECK_INT(util_write_file_atomic(dfd, "keep/precious", "1", 1, 0600, &err), -1);
	{
		int kfd = openat(dfd, "keep", O_RDONLY | O_DIRECTORY);

		CHECK_INT(util_write_file_atomic(kfd, "precious", "1", 1, 0600, &err), 0);
		close(kfd);
	}
	CHECK_INT(mkdirat(dfd, "t", 0700), 0);
	CHECK_INT(mkdirat(dfd, "t/sub", 0700), 0);
	CHECK_INT(mkdirat(dfd, "t/sub/deeper", 0700), 0);
	close(openat(dfd, "t/sub/file", O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
	snprintf(target, sizeof(target), "%s/keep", tmpdir);
	CHECK_INT(symlinkat(target, dfd, "t/link"), 0);
	CHECK_INT(util_remove_tree(dfd, "t", &err), 0);
	/* The symlink went, what it pointed to stayed. */
	CHECK_INT(fstatat(dfd, "keep/precious", &st, 0), 0);
	CHECK_INT(list_dir(dfd, names, sizeof(names)), 1);
	CHECK_STR(names, "keep");
	CHECK_INT(util_remove_tree(dfd, "t", &err), -1);
	CHECK_INT(err.errnum, ENOENT);
	drop_tmpdir(dfd);
}

static void test_proc_stat_parse(void)
{
	/* comm "a) b (c" with spaces and ')' as a hostile process may name itself. */
	static const char line[] =
		"4242 (a) b (c) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 "
		"98765 20 21 22\n";
	unsigned long long start = 0;
	char state = 0;

	CHECK_INT(util_proc_stat_parse(line, &state, &start), 0);
	CHECK_INT(state, 'S');
	CHECK(start == 98765);
	CHECK_INT(util_proc_stat_parse("1 (x) Z 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 7",
				       &state, &start), 0);
	CHECK_INT(state, 'Z');
	CHECK(start == 7);
	CHECK_INT(util_proc_stat_parse("1 (x) R 1 2 3", &state, &start), -1);
	CHECK_INT(util_proc_stat_parse("1 x R 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 9",
				       &state, &start), -1);
	CHECK_INT(util_proc_stat_parse("1 (x) R 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 -9",
				       &state, &start), -1);
	CHECK_INT(util_proc_stat_parse("1 (x) R 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 9x",
				       &state, &start), -1);
	CHECK_INT(util_proc_stat_parse("1 (x) R 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 "
				       "99999999999999999999999", &state, &start), -1);
	CHECK_INT(util_proc_stat_parse("1 (x)", NULL, NULL), -1);
}

static void test_proc_start_time(void)
{
	unsigned long long a = 0, b = 0;
	char state = 0;

	CHECK_INT(util_proc_start_time(getpid(), &a), 0);
	CHECK_INT(util_proc_stat(getpid(), &state, &b), 0);
	CHECK(a == b);
	/* qemu-user emulates /proc/self/stat and fills the state with '0'. */
	CHECK(state == 'R' || state == '0');
	CHECK_INT(util_proc_start_time(0, &a), -1);
	CHECK_INT(errno, ESRCH);
}

static void list_subset(void)
{
	const char *opts = "rw,nosuid,cpu,cpuacct";

	CHECK(util_list_subset("cpu,cpuacct", 11, opts));
	CHECK(util_list_subset("cpuacct", 7, opts));
	/* the length bounds the list: "cpu" of "cpu,memory" */
	CHECK(util_list_subset("cpu,memory", 3, opts));
	CHECK(!util_list_subset("cpu,memory", 10, opts));
	/* whole items only: "cpuac" is not "cpuacct" */
	CHECK(!util_list_subset("cpuac", 5, opts));
	CHECK(!util_list_subset("", 0, opts));
	CHECK(!util_list_subset("memory", 6, ""));
}

UNIT_SUITE(util,
	{ "list_subset", list_subset },
	{ "rfc3339_format", test_rfc3339_format },
	{ "rfc3339_parse", test_rfc3339_parse },
	{ "write_atomic", test_write_atomic },
	{ "read_file", test_read_file },
	{ "parse_uint", test_parse_uint },
	{ "mkdir_p", test_mkdir_p },
	{ "remove_tree", test_remove_tree },
	{ "proc_stat_parse", test_proc_stat_parse },
	{ "proc_start_time", test_proc_start_time });
