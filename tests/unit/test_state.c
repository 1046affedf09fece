/* SPDX-License-Identifier: MIT */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE		/* mkdtemp */
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "error.h"
#include "state.h"
#include "unit.h"
#include "util.h"

static char root[160];	/* <tmpdir>/run/tinyrun: also tests that create makes it */
static char tmpdir[128];

static void make_root(void)
{
	const char *base = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/tinyrun-state-XXXXXX",
		 base && *base ? base : "/tmp");
	CHECK(mkdtemp(tmpdir) != NULL);
	snprintf(root, sizeof(root), "%s/run/tinyrun", tmpdir);
}

static void drop_root(void)
{
	struct tr_err err;

	CHECK_INT(util_remove_tree(AT_FDCWD, tmpdir, &err), 0);
}

static void check_id(const char *id, int ok, const char *why)
{
	struct tr_err err = { 0 };
	int ret = state_id_valid(id, &err);

	if (ret != (ok ? 0 : -1))
		fprintf(stderr, "  id \"%.40s\": got %d\n", id ? id : "(null)", ret);
	CHECK_INT(ret, ok ? 0 : -1);
	if (!ok)
		CHECK_CONTAINS(err.msg, why);
}

static void test_id_valid(void)
{
	char longid[STATE_ID_MAX + 2];

	check_id("abc", 1, NULL);
	check_id("a", 1, NULL);
	check_id("A-Z_a.z+0-9", 1, NULL);
	check_id("...", 1, NULL);
	check_id(".hidden", 1, NULL);
	check_id("", 0, "empty");
	check_id(NULL, 0, "empty");
	check_id(".", 0, "\".\"");
	check_id("..", 0, "\"..\"");
	check_id("a/b", 0, "byte 0x2f at offset 1");
	check_id("/abs", 0, "0x2f");
	check_id("ab c", 0, "byte 0x20 at offset 2");
	check_id("tab\t", 0, "0x09");
	check_id("new\nline", 0, "0x0a");
	check_id("caf\xc3\xa9", 0, "byte 0xc3 at offset 3");
	check_id("a:b", 0, "0x3a");
	check_id("a*", 0, "0x2a");
	memset(longid, 'x', sizeof(longid));
	longid[STATE_ID_MAX] = '\0';
	check_id(longid, 1, NULL);
	longid[STATE_ID_MAX] = 'x';
	longid[STATE_ID_MAX + 1] = '\0';
	check_id(longid, 0, "256 bytes long, at most 255");
	{
		char huge[1026];

		memset(huge, 'a', 1025);
		huge[1025] = '\0';
		check_id(huge, 0, "1025 bytes");
	}
}

static void fill_state(struct container_state *st, const char *id)
{
	struct tr_err err;

	memset(st, 0, sizeof(*st));
	st->id = strdup(id);
	st->bundle = strdup("/srv/bundles/b \"quoted\"");
	st->rootfs = strdup("/srv/bundles/b/rootfs");
	st->pid = 4242;
	st->pid_start_time = 123456789012ULL;
	st->created.tv_sec = 1795955751;
	st->created.tv_nsec = 123456789;
	st->status = CONTAINER_CREATED;
	st->started = true;
	st->owner = 1000;
	st->cgroup_path = strdup("/sys/fs/cgroup/tinyrun/x");
	st->console_socket = strdup("/run/console.sock");
	CHECK_INT(state_add_annotation(st, "org.quote", "say \"hi\"\\", &err), 0);
	CHECK_INT(state_add_annotation(st, "unicode.\xe2\x9c\x93", "gr\xc3\xbc\xc3\x9f \xf0\x9f\x90\xb3", &err), 0);
	CHECK_INT(state_add_annotation(st, "ctl", "a\tb\nc", &err), 0);
	CHECK_INT(state_add_annotation(st, "org.quote", "replaced \"q\"", &err), 0);
}

static void test_create_exists(void)
{
	struct tr_err err = { 0 };
	struct stat sb;
	int fd, fd2;

	make_root();
	fd = state_create(root, "c1", &err);
	CHECK(fd >= 0);
	CHECK_INT(stat(root, &sb), 0);
	CHECK_INT(sb.st_mode & 0777, 0700);
	fd2 = state_create(root, "c1", &err);
	CHECK_INT(fd2, -1);
	CHECK_INT(err.errnum, EEXIST);
	CHECK_CONTAINS(err.msg, "container ID already exists");
	CHECK_INT(state_create(root, "../c1", &err), -1);
	CHECK_CONTAINS(err.msg, "invalid container id");
	close(fd);
	drop_root();
}

static void test_missing(void)
{
	struct tr_err err = { 0 };
	struct container_state st;
	int fd;

	make_root();
	/* Root does not exist yet. */
	CHECK_INT(state_load(root, "nope", &st, &err), -1);
	CHECK_CONTAINS(err.msg, "does not exist");
	CHECK_INT(err.errnum, ENOENT);
	CHECK_INT(state_lock(root, "nope", 0, &err), -1);
	CHECK_CONTAINS(err.msg, "does not exist");
	fd = state_create(root, "other", &err);
	CHECK(fd >= 0);
	CHECK_INT(state_load(root, "nope", &st, &err), -1);
	CHECK_CONTAINS(err.msg, "container nope does not exist");
	CHECK_INT(state_remove(root, "nope", &err), -1);
	CHECK_CONTAINS(err.msg, "does not exist");
	CHECK_INT(state_lock(root, "nope", 0, &err), -1);
	CHECK_CONTAINS(err.msg, "does not exist");
	/* Created but not yet saved: nothing to show. */
	CHECK_INT(state_load(root, "other", &st, &err), -1);
	CHECK_CONTAINS(err.msg, "does not exist");
	close(fd);
	drop_root();
}

static void test_round_trip(void)
{
	struct container_state in, out;
	struct tr_err err = { 0 };
	size_t i;
	int fd;

	make_root();
	fill_state(&in, "rt");
	fd = state_create(root, "rt", &err);
	CHECK(fd >= 0);
	CHECK_INT(state_save(fd, &in, &err), 0);
	CHECK_INT(state_load(root, "rt", &out, &err), 0);
	CHECK_STR(out.id, "rt");
	CHECK_STR(out.bundle, in.bundle);
	CHECK_STR(out.rootfs, in.rootfs);
	CHECK_INT(out.pid, 4242);
	CHECK(out.pid_start_time == 123456789012ULL);
	CHECK_INT(out.created.tv_sec, 1795955751);
	CHECK_INT(out.created.tv_nsec, 123456789);
	CHECK_INT(out.status, CONTAINER_CREATED);
	CHECK(out.started);
	CHECK_INT(out.owner, 1000);
	CHECK_STR(out.cgroup_path, in.cgroup_path);
	CHECK_STR(out.console_socket, in.console_socket);
	CHECK_INT(out.n_annotations, 3);
	for (i = 0; i < 3 && i < out.n_annotations; i++) {
		CHECK_STR(out.annotations[i].key, in.annotations[i].key);
		CHECK_STR(out.annotations[i].value, in.annotations[i].value);
	}
	if (out.n_annotations)
		CHECK_STR(out.annotations[0].value, "replaced \"q\"");
	state_free(&out);
	CHECK(out.id == NULL && out.n_annotations == 0);

	/* Optional fields absent; a second save replaces the first. */
	free(in.cgroup_path);
	free(in.console_socket);
	in.cgroup_path = in.console_socket = NULL;
	in.status = CONTAINER_STOPPED;
	CHECK_INT(state_save(fd, &in, &err), 0);
	CHECK_INT(state_load_dir(fd, "rt", &out, &err), 0);
	CHECK(out.cgroup_path == NULL && out.console_socket == NULL);
	CHECK_INT(out.status, CONTAINER_STOPPED);
	state_free(&out);
	/* The directory name is the id: a mismatching state.json is refused. */
	CHECK_INT(state_load_dir(fd, "else", &out, &err), -1);
	CHECK_CONTAINS(err.msg, "does not match");
	CHECK_INT(util_write_file_atomic(fd, STATE_FILE, "{\"id\":", 6, 0600, &err), 0);
	CHECK_INT(state_load(root, "rt", &out, &err), -1);
	CHECK_CONTAINS(err.msg, "invalid JSON");
	CHECK_INT(util_write_file_atomic(fd, STATE_FILE,
		  "{\"id\":\"rt\",\"status\":\"created\",\"pid\":-1}", 41, 0600, &err), 0);
	CHECK_INT(state_load(root, "rt", &out, &err), -1);
	CHECK_CONTAINS(err.msg, "pid: expected integer");
	close(fd);
	state_free(&in);
	drop_root();
}

struct listed {
	char ids[256];
	int unreadable;
};

static int collect(const char *id, const struct container_state *st,
		   const struct tr_err *load_err, void *ctx)
{
	struct listed *l = ctx;

	if (!st) {
		l->unreadable++;
		CHECK_CONTAINS(load_err->msg, "bad");
	} else {
		CHECK_STR(st->id, id);
	}
	strncat(l->ids, id, sizeof(l->ids) - strlen(l->ids) - 1);
	strncat(l->ids, " ", sizeof(l->ids) - strlen(l->ids) - 1);
	return 0;
}

static int stop_early(const char *id, const struct container_state *st,
		      const struct tr_err *load_err, void *ctx)
{
	(void)id; (void)st; (void)load_err;
	return ++*(int *)ctx == 2 ? 7 : 0;
}

static void test_list_remove(void)
{
	static const char *const ids[] = { "zeta", "alpha", "Mid", "b.2", "b-1" };
	struct listed l = { "", 0 };
	struct tr_err err = { 0 };
	struct container_state st;
	char path[256];
	size_t i;
	int fd, calls = 0, pending;

	make_root();
	CHECK_INT(state_list(root, collect, &l, &err), 0);	/* no root yet */
	CHECK_STR(l.ids, "");
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		fill_state(&st, ids[i]);
		fd = state_create(root, ids[i], &err);
		CHECK_INT(state_save(fd, &st, &err), 0);
		close(fd);
		state_free(&st);
	}
	pending = state_create(root, "creating", &err);	/* no state.json yet */
	fd = state_create(root, "bad", &err);
	CHECK_INT(util_write_file_atomic(fd, STATE_FILE, "[]", 2, 0600, &err), 0);
	close(fd);
	snprintf(path, sizeof(path), "%s/notadir", root);
	close(open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
	CHECK_INT(state_list(root, collect, &l, &err), 0);
	CHECK_STR(l.ids, "Mid alpha b-1 b.2 bad zeta ");
	CHECK_INT(l.unreadable, 1);
	CHECK_INT(state_list(root, stop_early, &calls, &err), 7);
	CHECK_INT(calls, 2);

	CHECK_INT(state_remove(root, "alpha", &err), 0);
	CHECK_INT(state_remove(root, "creating", &err), 0);
	close(pending);
	snprintf(path, sizeof(path), "%s/alpha", root);
	CHECK_INT(access(path, F_OK), -1);
	CHECK_INT(state_load(root, "alpha", &st, &err), -1);
	CHECK_CONTAINS(err.msg, "does not exist");
	l.ids[0] = '\0';
	l.unreadable = 0;
	CHECK_INT(state_list(root, collect, &l, &err), 0);
	CHECK_STR(l.ids, "Mid b-1 b.2 bad zeta ");
	/* The id is free again. */
	fd = state_create(root, "alpha", &err);
	CHECK(fd >= 0);
	close(fd);
	drop_root();
}

/* Child: take the lock, tell the parent, hold it until the parent says so. */
static void test_lock_serialises(void)
{
	struct tr_err err = { 0 };
	int to_parent[2], to_child[2], fd, status;
	pid_t child;
	char c;

	make_root();
	fd = state_create(root, "locked", &err);
	close(fd);
	CHECK_INT(pipe(to_parent), 0);
	CHECK_INT(pipe(to_child), 0);
	child = fork();
	if (child == 0) {
		int lfd = state_lock(root, "locked", 0, &err);

		if (write(to_parent[1], "L", 1) != 1 || read(to_child[0], &c, 1) != 1)
			_exit(2);
		_exit(lfd >= 0 ? 0 : 1);
	}
	CHECK_INT(read(to_parent[0], &c, 1), 1);
	CHECK_INT(state_lock(root, "locked", STATE_LOCK_NB, &err), -1);
	CHECK_INT(err.errnum, EWOULDBLOCK);
	CHECK_CONTAINS(err.msg, "locked by another process");
	CHECK_INT(state_lock(root, "locked", STATE_LOCK_NB | STATE_LOCK_SHARED, &err), -1);
	/* A different id is not blocked. */
	fd = state_create(root, "free", &err);
	CHECK(fd >= 0);
	close(fd);
	fd = state_lock(root, "free", STATE_LOCK_NB, &err);
	CHECK(fd >= 0);
	close(fd);
	CHECK_INT(write(to_child[1], "U", 1), 1);
	CHECK_INT(waitpid(child, &status, 0), child);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	fd = state_lock(root, "locked", STATE_LOCK_NB, &err);
	CHECK(fd >= 0);
	close(fd);
	close(to_parent[0]); close(to_parent[1]);
	close(to_child[0]); close(to_child[1]);
	drop_root();
}

/*
 * Parent holds the lock and deletes the container while a child waits for
 * it: the child must wake to "does not exist", not to a dangling directory.
 */
static void test_lock_waiter_sees_delete(void)
{
	struct tr_err err = { 0 };
	int fd, status, i;
	pid_t child;

	make_root();
	fd = state_create(root, "gone", &err);
	CHECK(fd >= 0);
	child = fork();
	if (child == 0) {
		int lfd;

		/* flock belongs to the open file: drop the inherited copy. */
		close(fd);
		lfd = state_lock(root, "gone", 0, &err);

		_exit(lfd < 0 && err.errnum == ENOENT &&
		      strstr(err.msg, "does not exist") ? 0 : 1);
	}
	/* Give the child time to block in flock (it cannot get past it). */
	for (i = 0; i < 20; i++)
		usleep(5000);
	CHECK_INT(state_remove(root, "gone", &err), 0);
	close(fd);
	CHECK_INT(waitpid(child, &status, 0), child);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	drop_root();
}

static void test_status(void)
{
	struct container_state st = { 0 };
	unsigned long long start;
	int sync[2], status;
	pid_t child;
	char c;

	CHECK_INT(util_proc_start_time(getpid(), &start), 0);
	st.pid = getpid();
	st.pid_start_time = start;
	st.status = CONTAINER_CREATED;
	CHECK_INT(state_status(&st), CONTAINER_CREATED);
	st.started = true;
	st.status = CONTAINER_RUNNING;
	CHECK_INT(state_status(&st), CONTAINER_RUNNING);
	st.status = CONTAINER_PAUSED;
	CHECK_INT(state_status(&st), CONTAINER_PAUSED);
	st.status = CONTAINER_CREATING;
	st.started = false;
	CHECK_INT(state_status(&st), CONTAINER_CREATING);
	st.status = CONTAINER_CREATED;
	/* Pid reused: same number, another process. */
	st.pid_start_time = start + 1;
	CHECK_INT(state_status(&st), CONTAINER_STOPPED);
	st.pid_start_time = start;
	st.status = CONTAINER_STOPPED;
	CHECK_INT(state_status(&st), CONTAINER_STOPPED);
	st.status = CONTAINER_CREATED;
	st.pid = 0;
	CHECK_INT(state_status(&st), CONTAINER_STOPPED);

	/* A child that exits: zombie first, then reaped. */
	CHECK_INT(pipe(sync), 0);
	child = fork();
	if (child == 0) {
		close(sync[1]);
		if (read(sync[0], &c, 1) < 0)
			_exit(2);
		_exit(0);
	}
	close(sync[0]);
	st.pid = child;
	CHECK_INT(util_proc_start_time(child, &st.pid_start_time), 0);
	CHECK_INT(state_status(&st), CONTAINER_CREATED);
	close(sync[1]);		/* child sees EOF and exits */
	for (int i = 0; i < 500; i++) {
		char pstate = 0;

		if (util_proc_stat(child, &pstate, NULL) == 0 && pstate == 'Z')
			break;
		usleep(2000);
	}
	CHECK_INT(state_status(&st), CONTAINER_STOPPED);	/* zombie */
	CHECK_INT(waitpid(child, &status, 0), child);
	CHECK_INT(state_status(&st), CONTAINER_STOPPED);	/* gone */
}

static void test_to_json(void)
{
	struct container_state st;
	struct tr_err err = { 0 };
	cJSON *obj, *ann;
	char *text = NULL;

	fill_state(&st, "js");
	CHECK_INT(state_to_json(&st, CONTAINER_RUNNING, &text, &err), 0);
	CHECK_CONTAINS(text, "{\n  \"ociVersion\": \"" STATE_OCI_VERSION "\",\n  \"id\": \"js\",\n"
		       "  \"pid\": 4242,\n  \"status\": \"running\",\n");
	CHECK_CONTAINS(text, "\"created\": \"2026-11-29T12:35:51.123456789Z\"");
	CHECK_CONTAINS(text, "\"rootfs\": \"/srv/bundles/b/rootfs\"");
	CHECK_CONTAINS(text, "\"annotations\": {\n    \"org.quote\": ");
	CHECK_CONTAINS(text, "\"owner\": \"");
	CHECK(text && !strchr(text, '\t'));
	obj = cJSON_Parse(text);
	CHECK(obj != NULL);
	ann = cJSON_GetObjectItemCaseSensitive(obj, "annotations");
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ann, "ctl")), "a\tb\nc");
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ann, "unicode.\xe2\x9c\x93")),
		  "gr\xc3\xbc\xc3\x9f \xf0\x9f\x90\xb3");
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "bundle")),
		  "/srv/bundles/b \"quoted\"");
	cJSON_Delete(obj);
	free(text);

	CHECK_INT(state_to_json(&st, CONTAINER_STOPPED, &text, &err), 0);
	CHECK(text && !strstr(text, "\"pid\""));
	CHECK_CONTAINS(text, "\"status\": \"stopped\"");
	free(text);
	state_free(&st);

	memset(&st, 0, sizeof(st));
	st.id = strdup("root-owned");
	CHECK_INT(state_to_json(&st, CONTAINER_CREATED, &text, &err), 0);
	CHECK_CONTAINS(text, "\"pid\": 0");
	CHECK_CONTAINS(text, "\"owner\": \"root\"");
	CHECK(text && !strstr(text, "annotations"));
	free(text);
	state_free(&st);
}

static void test_pidfile(void)
{
	struct tr_err err = { 0 };
	char path[256], *data = NULL;
	size_t len = 0;
	int cwd, dfd;

	make_root();
	snprintf(path, sizeof(path), "%s/init.pid", tmpdir);
	CHECK_INT(state_write_pidfile(path, 12345, &err), 0);
	CHECK_INT(util_read_file(AT_FDCWD, path, &data, &len, 64, &err), 0);
	CHECK_INT(len, 5);
	CHECK_STR(data, "12345");
	free(data);
	CHECK_INT(state_write_pidfile(path, 7, &err), 0);
	CHECK_INT(util_read_file(AT_FDCWD, path, &data, &len, 64, &err), 0);
	CHECK_STR(data, "7");
	free(data);

	/* Relative paths are the caller's cwd's. */
	cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK_INT(chdir(tmpdir), 0);
	CHECK_INT(mkdir("sub", 0700), 0);
	CHECK_INT(state_write_pidfile("sub/exec.pid", 99, &err), 0);
	CHECK_INT(state_write_pidfile("plain.pid", 98, &err), 0);
	CHECK_INT(fchdir(cwd), 0);
	close(cwd);
	dfd = open(tmpdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK_INT(util_read_file(dfd, "sub/exec.pid", &data, &len, 64, &err), 0);
	CHECK_STR(data, "99");
	free(data);
	CHECK_INT(util_read_file(dfd, "plain.pid", &data, &len, 64, &err), 0);
	CHECK_STR(data, "98");
	free(data);
	close(dfd);

	snprintf(path, sizeof(path), "%s/missing/x.pid", tmpdir);
	CHECK_INT(state_write_pidfile(path, 1, &err), -1);
	CHECK_CONTAINS(err.msg, "missing");
	CHECK_INT(state_write_pidfile("dir/", 1, &err), -1);
	CHECK_INT(state_write_pidfile("", 1, &err), -1);
	drop_root();
}

UNIT_SUITE(state,
	{ "id_valid", test_id_valid },
	{ "create_exists", test_create_exists },
	{ "missing", test_missing },
	{ "round_trip", test_round_trip },
	{ "list_remove", test_list_remove },
	{ "lock_serialises", test_lock_serialises },
	{ "lock_waiter_sees_delete", test_lock_waiter_sees_delete },
	{ "status", test_status },
	{ "to_json", test_to_json },
	{ "pidfile", test_pidfile });
