/* SPDX-License-Identifier: MIT */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE		/* flock, fdopendir, getpwuid_r */
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "error.h"
#include "state.h"
#include "util.h"

/* state.json is ours and small; the cap only guards against a corrupt file. */
#define STATE_FILE_MAX (1u << 20)

/*
 * A lock waiter whose directory was deleted and re-created under it
 * retries; each retry means another process completed a delete and a
 * create, so a handful of rounds is already pathological.
 */
#define STATE_LOCK_RETRIES 16

static const char *const status_names[] = {
	[CONTAINER_CREATING] = "creating",
	[CONTAINER_CREATED] = "created",
	[CONTAINER_RUNNING] = "running",
	[CONTAINER_PAUSED] = "paused",
	[CONTAINER_STOPPED] = "stopped",
};

const char *state_status_name(enum container_status status)
{
	if ((unsigned)status >= sizeof(status_names) / sizeof(status_names[0]))
		return "unknown";
	return status_names[status];
}

static int status_from_name(const char *name, enum container_status *out)
{
	unsigned i;

	for (i = 0; i < sizeof(status_names) / sizeof(status_names[0]); i++) {
		if (!strcmp(name, status_names[i])) {
			*out = (enum container_status)i;
			return 0;
		}
	}
	return -1;
}

/* The characters runc accepts in an id: they are safe in paths and cgroup names. */
static int id_char_ok(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '+' || c == '-' ||
	       c == '.';
}

int state_id_valid(const char *id, struct tr_err *err)
{
	size_t i, len;

	if (!id || !*id)
		return tr_fail(err, EINVAL, "invalid container id: empty");
	len = strlen(id);
	if (len > STATE_ID_MAX)
		return tr_fail(err, EINVAL,
			       "invalid container id: %zu bytes long, at most %d allowed",
			       len, STATE_ID_MAX);
	if (!strcmp(id, ".") || !strcmp(id, ".."))
		return tr_fail(err, EINVAL, "invalid container id \"%s\"", id);
	for (i = 0; i < len; i++) {
		/* Report the byte, not the id: it may hold terminal escapes. */
		if (!id_char_ok((unsigned char)id[i]))
			return tr_fail(err, EINVAL,
				       "invalid container id: byte 0x%02x at offset %zu is not one of A-Z a-z 0-9 _ + - .",
				       (unsigned char)id[i], i);
	}
	return 0;
}

int state_add_annotation(struct container_state *st, const char *key,
			 const char *value, struct tr_err *err)
{
	struct state_annotation *arr;
	char *k, *v;
	size_t i;

	v = strdup(value);
	if (!v)
		return tr_fail(err, ENOMEM, "annotation %s", key);
	for (i = 0; i < st->n_annotations; i++) {
		if (!strcmp(st->annotations[i].key, key)) {
			free(st->annotations[i].value);
			st->annotations[i].value = v;
			return 0;
		}
	}
	k = strdup(key);
	arr = realloc(st->annotations, (st->n_annotations + 1) * sizeof(*arr));
	if (!k || !arr) {
		free(k);
		free(v);
		if (arr)
			st->annotations = arr;
		return tr_fail(err, ENOMEM, "annotation %s", key);
	}
	arr[st->n_annotations].key = k;
	arr[st->n_annotations].value = v;
	st->annotations = arr;
	st->n_annotations++;
	return 0;
}

void state_free(struct container_state *st)
{
	size_t i;

	if (!st)
		return;
	for (i = 0; i < st->n_annotations; i++) {
		free(st->annotations[i].key);
		free(st->annotations[i].value);
	}
	free(st->annotations);
	free(st->id);
	free(st->bundle);
	free(st->rootfs);
	free(st->cgroup_path);
	free(st->cgroup_dirs);
	free(st->console_socket);
	memset(st, 0, sizeof(*st));
}

static int not_exist(struct tr_err *err, const char *id)
{
	return tr_fail(err, ENOENT, "container %s does not exist", id);
}

/* The state root; a missing root means no container exists yet. */
static int open_root(const char *root, const char *id, struct tr_err *err)
{
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0)
		return fd;
	if (errno == ENOENT && id)
		return not_exist(err, id);
	return tr_fail(err, errno, "open state root %s", root);
}

/*
 * After flock() returns, is fd still the directory named id in rootfd?
 * 1 yes, 0 it was replaced by a new one, -1 with err: it is gone.
 */
static int still_linked(int rootfd, const char *id, int fd, struct tr_err *err)
{
	struct stat named, held;

	if (fstat(fd, &held) < 0)
		return tr_fail(err, errno, "stat state of container %s", id);
	if (fstatat(rootfd, id, &named, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return not_exist(err, id);
		return tr_fail(err, errno, "stat state of container %s", id);
	}
	return named.st_dev == held.st_dev && named.st_ino == held.st_ino;
}

static int flock_retry(int fd, int op)
{
	int ret;

	do
		ret = flock(fd, op);
	while (ret < 0 && errno == EINTR);
	return ret;
}

int state_create(const char *root, const char *id, struct tr_err *err)
{
	int rootfd, fd, linked;

	if (state_id_valid(id, err) < 0)
		return -1;
	if (util_mkdir_p(root, 0700, err) < 0) {
		tr_err_prefix(err, "create state root");
		return -1;
	}
	rootfd = open_root(root, NULL, err);
	if (rootfd < 0)
		return -1;
	/* mkdir is the atomic "does it exist?" test: no check-then-create race. */
	if (mkdirat(rootfd, id, 0700) < 0) {
		if (errno == EEXIST)
			tr_fail(err, EEXIST, "%s: container ID already exists", id);
		else
			tr_fail(err, errno, "create state directory %s/%s", root, id);
		close(rootfd);
		return -1;
	}
	fd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		tr_fail(err, errno, "open state directory %s/%s", root, id);
		unlinkat(rootfd, id, AT_REMOVEDIR);
		close(rootfd);
		return -1;
	}
	/*
	 * Someone may lock the new directory between mkdir and here (they
	 * find no state.json and report "does not exist"), or even delete it
	 * with --force; so wait for the lock and make sure ours survived.
	 */
	if (flock_retry(fd, LOCK_EX) < 0) {
		tr_fail(err, errno, "lock state of container %s", id);
		goto fail;
	}
	linked = still_linked(rootfd, id, fd, err);
	if (linked <= 0) {
		if (linked == 0)
			tr_fail(err, EEXIST, "%s: container ID already exists", id);
		else
			tr_err_prefix(err, "removed while being created");
		close(fd);
		close(rootfd);
		return -1;
	}
	close(rootfd);
	return fd;
fail:
	close(fd);
	unlinkat(rootfd, id, AT_REMOVEDIR);
	close(rootfd);
	return -1;
}

int state_lock(const char *root, const char *id, int flags, struct tr_err *err)
{
	int op = (flags & STATE_LOCK_SHARED) ? LOCK_SH : LOCK_EX;
	int rootfd, fd, tries, linked;

	if (flags & STATE_LOCK_NB)
		op |= LOCK_NB;
	if (state_id_valid(id, err) < 0)
		return -1;
	rootfd = open_root(root, id, err);
	if (rootfd < 0)
		return -1;
	for (tries = 0; tries < STATE_LOCK_RETRIES; tries++) {
		fd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			    O_CLOEXEC);
		if (fd < 0) {
			if (errno == ENOENT)
				not_exist(err, id);
			else
				tr_fail(err, errno, "open state of container %s", id);
			break;
		}
		if (flock_retry(fd, op) < 0) {
			if (errno == EWOULDBLOCK)
				tr_fail(err, EWOULDBLOCK,
					"container %s is locked by another process", id);
			else
				tr_fail(err, errno, "lock state of container %s", id);
			close(fd);
			break;
		}
		/* Deleted (and maybe re-created) while we waited? */
		linked = still_linked(rootfd, id, fd, err);
		if (linked > 0) {
			close(rootfd);
			return fd;
		}
		close(fd);
		if (linked < 0)
			break;
	}
	if (tries == STATE_LOCK_RETRIES)
		tr_fail(err, EAGAIN, "container %s keeps being re-created", id);
	close(rootfd);
	return -1;
}

static int add_str(cJSON *obj, const char *key, const char *val)
{
	return cJSON_AddStringToObject(obj, key, val ? val : "") ? 0 : -1;
}

static int add_annotations(cJSON *obj, const struct container_state *st)
{
	cJSON *ann = cJSON_AddObjectToObject(obj, "annotations");
	size_t i;

	if (!ann)
		return -1;
	for (i = 0; i < st->n_annotations; i++)
		if (add_str(ann, st->annotations[i].key, st->annotations[i].value))
			return -1;
	return 0;
}

int state_save(int dirfd, const struct container_state *st, struct tr_err *err)
{
	char created[UTIL_RFC3339_LEN];
	cJSON *obj;
	char *text;
	int ret;

	if (util_rfc3339(created, sizeof(created), &st->created) < 0)
		return tr_failx(err, "save state of %s: creation time out of range",
				st->id);
	obj = cJSON_CreateObject();
	if (!obj ||
	    add_str(obj, "ociVersion", STATE_OCI_VERSION) ||
	    add_str(obj, "id", st->id) ||
	    add_str(obj, "status", state_status_name(st->status)) ||
	    !cJSON_AddNumberToObject(obj, "pid", st->pid) ||
	    add_str(obj, "bundle", st->bundle) ||
	    add_annotations(obj, st) ||
	    /* Our own fields, outside the runtime-spec. */
	    add_str(obj, "rootfs", st->rootfs) ||
	    add_str(obj, "created", created) ||
	    !cJSON_AddNumberToObject(obj, "pidStartTime", (double)st->pid_start_time) ||
	    !cJSON_AddBoolToObject(obj, "started", st->started) ||
	    !cJSON_AddNumberToObject(obj, "ownerUid", st->owner) ||
	    (st->cgroup_path && add_str(obj, "cgroupPath", st->cgroup_path)) ||
	    (st->cgroup_dirs && add_str(obj, "cgroupDirs", st->cgroup_dirs)) ||
	    (st->console_socket && add_str(obj, "consoleSocket", st->console_socket))) {
		cJSON_Delete(obj);
		return tr_fail(err, ENOMEM, "save state of %s", st->id);
	}
	text = cJSON_PrintUnformatted(obj);
	cJSON_Delete(obj);
	if (!text)
		return tr_fail(err, ENOMEM, "save state of %s", st->id);
	ret = util_write_file_atomic(dirfd, STATE_FILE, text, strlen(text), 0600, err);
	free(text);
	if (ret < 0)
		tr_err_prefix(err, "save state of %s", st->id);
	return ret;
}

/* Copy obj.key into *out; a missing optional key leaves *out NULL. */
static int get_str(const cJSON *obj, const char *key, bool required,
		   char **out, struct tr_err *err)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!item && !required)
		return 0;
	if (!cJSON_IsString(item))
		return tr_failx(err, STATE_FILE ": %s: expected string", key);
	*out = strdup(item->valuestring);
	if (!*out)
		return tr_fail(err, ENOMEM, STATE_FILE ": %s", key);
	return 0;
}

/*
 * cJSON keeps numbers as doubles, exact for integers below 2^53: far
 * above any pid, uid or start time in clock ticks we store.
 */
static int get_uint(const cJSON *obj, const char *key, bool required,
		    unsigned long long max, unsigned long long *out,
		    struct tr_err *err)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
	double v;

	if (!item && !required)
		return 0;
	if (!cJSON_IsNumber(item))
		return tr_failx(err, STATE_FILE ": %s: expected integer", key);
	v = item->valuedouble;
	if (!(v >= 0) || v > (double)max || v > 9007199254740992.0 ||
	    v != (double)(unsigned long long)v)
		return tr_failx(err, STATE_FILE ": %s: expected integer 0..%llu",
				key, max);
	*out = (unsigned long long)v;
	return 0;
}

static int parse_annotations(const cJSON *obj, struct container_state *st,
			     struct tr_err *err)
{
	const cJSON *ann = cJSON_GetObjectItemCaseSensitive(obj, "annotations");
	const cJSON *item;

	if (!ann)
		return 0;
	if (!cJSON_IsObject(ann))
		return tr_failx(err, STATE_FILE ": annotations: expected object");
	cJSON_ArrayForEach(item, ann) {
		if (!cJSON_IsString(item))
			return tr_failx(err, STATE_FILE ": annotations.%s: expected string",
					item->string);
		if (state_add_annotation(st, item->string, item->valuestring, err) < 0)
			return -1;
	}
	return 0;
}

static int parse_state(const cJSON *obj, const char *id,
		       struct container_state *st, struct tr_err *err)
{
	unsigned long long pid = 0, start = 0, owner = 0;
	const cJSON *item;
	char *status = NULL, *created = NULL;
	int ret = -1;

	if (!cJSON_IsObject(obj))
		return tr_failx(err, STATE_FILE ": expected object");
	if (get_str(obj, "id", true, &st->id, err) ||
	    get_str(obj, "status", true, &status, err) ||
	    get_uint(obj, "pid", true, INT32_MAX, &pid, err) ||
	    get_str(obj, "bundle", true, &st->bundle, err) ||
	    parse_annotations(obj, st, err) ||
	    get_str(obj, "rootfs", false, &st->rootfs, err) ||
	    get_str(obj, "created", true, &created, err) ||
	    get_uint(obj, "pidStartTime", false, ~0ULL, &start, err) ||
	    get_uint(obj, "ownerUid", false, UINT32_MAX, &owner, err) ||
	    get_str(obj, "cgroupPath", false, &st->cgroup_path, err) ||
	    get_str(obj, "cgroupDirs", false, &st->cgroup_dirs, err) ||
	    get_str(obj, "consoleSocket", false, &st->console_socket, err))
		goto out;
	/* Guards against a state directory renamed by hand. */
	if (strcmp(st->id, id)) {
		tr_failx(err, STATE_FILE ": id \"%s\" does not match the directory",
			 st->id);
		goto out;
	}
	if (status_from_name(status, &st->status) < 0) {
		tr_failx(err, STATE_FILE ": status: unknown value \"%s\"", status);
		goto out;
	}
	if (util_parse_rfc3339(created, &st->created) < 0) {
		tr_failx(err, STATE_FILE ": created: not an RFC 3339 UTC time");
		goto out;
	}
	item = cJSON_GetObjectItemCaseSensitive(obj, "started");
	if (item && !cJSON_IsBool(item)) {
		tr_failx(err, STATE_FILE ": started: expected boolean");
		goto out;
	}
	st->started = cJSON_IsTrue(item);
	st->pid = (pid_t)pid;
	st->pid_start_time = start;
	st->owner = (uid_t)owner;
	ret = 0;
out:
	free(status);
	free(created);
	return ret;
}

int state_load_dir(int dirfd, const char *id, struct container_state *st,
		   struct tr_err *err)
{
	const char *end = NULL;
	cJSON *obj;
	char *text;
	int ret;

	memset(st, 0, sizeof(*st));
	if (util_read_file(dirfd, STATE_FILE, &text, NULL, STATE_FILE_MAX, err) < 0) {
		/* Mid-create or mid-delete: to callers it does not exist. */
		if (err && err->errnum == ENOENT)
			return not_exist(err, id);
		tr_err_prefix(err, "container %s", id);
		return -1;
	}
	obj = cJSON_ParseWithOpts(text, &end, 1);
	free(text);
	if (!obj)
		return tr_failx(err, "container %s: " STATE_FILE ": invalid JSON", id);
	ret = parse_state(obj, id, st, err);
	cJSON_Delete(obj);
	if (ret < 0) {
		state_free(st);
		tr_err_prefix(err, "container %s", id);
	}
	return ret;
}

static int load_at(int rootfd, const char *id, struct container_state *st,
		   struct tr_err *err)
{
	int fd, ret;

	memset(st, 0, sizeof(*st));
	fd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return not_exist(err, id);
		return tr_fail(err, errno, "open state of container %s", id);
	}
	ret = state_load_dir(fd, id, st, err);
	close(fd);
	return ret;
}

int state_load(const char *root, const char *id, struct container_state *st,
	       struct tr_err *err)
{
	int rootfd, ret;

	memset(st, 0, sizeof(*st));
	if (state_id_valid(id, err) < 0)
		return -1;
	rootfd = open_root(root, id, err);
	if (rootfd < 0)
		return -1;
	ret = load_at(rootfd, id, st, err);
	close(rootfd);
	return ret;
}

int state_remove(const char *root, const char *id, struct tr_err *err)
{
	struct stat sb;
	int rootfd, ret;

	if (state_id_valid(id, err) < 0)
		return -1;
	rootfd = open_root(root, id, err);
	if (rootfd < 0)
		return -1;
	if (fstatat(rootfd, id, &sb, AT_SYMLINK_NOFOLLOW) < 0) {
		ret = errno == ENOENT ? not_exist(err, id) :
			tr_fail(err, errno, "stat state of container %s", id);
	} else {
		ret = util_remove_tree(rootfd, id, err);
		if (ret < 0)
			tr_err_prefix(err, "remove state of container %s", id);
	}
	close(rootfd);
	return ret;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names of the container directories in rootfd, sorted. */
static int list_ids(int rootfd, char ***out, size_t *count, struct tr_err *err)
{
	char **ids = NULL, **nids;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *dir;
	int fd;

	fd = dup(rootfd);
	if (fd < 0)
		return tr_fail(err, errno, "list containers");
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return tr_fail(err, errno, "list containers");
	}
	while ((errno = 0, de = readdir(dir))) {
		struct stat sb;

		/* Skips ".", "..", temporary files and anything not ours. */
		if (state_id_valid(de->d_name, NULL) < 0 || de->d_name[0] == '.')
			continue;
		if (de->d_type != DT_DIR &&
		    (de->d_type != DT_UNKNOWN ||
		     fstatat(rootfd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0 ||
		     !S_ISDIR(sb.st_mode)))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			nids = realloc(ids, cap * sizeof(*ids));
			if (!nids)
				goto nomem;
			ids = nids;
		}
		ids[n] = strdup(de->d_name);
		if (!ids[n])
			goto nomem;
		n++;
	}
	if (errno) {
		tr_fail(err, errno, "list containers");
		goto fail;
	}
	closedir(dir);
	if (n)
		qsort(ids, n, sizeof(*ids), cmp_str);
	*out = ids;
	*count = n;
	return 0;
nomem:
	tr_fail(err, ENOMEM, "list containers");
fail:
	closedir(dir);
	while (n)
		free(ids[--n]);
	free(ids);
	return -1;
}

int state_list(const char *root, state_list_fn fn, void *ctx,
	       struct tr_err *err)
{
	struct container_state st;
	struct tr_err lerr;
	char **ids = NULL;
	size_t n = 0, i;
	int rootfd, ret = 0;

	rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0) {
		if (errno == ENOENT)
			return 0;
		return tr_fail(err, errno, "open state root %s", root);
	}
	if (list_ids(rootfd, &ids, &n, err) < 0) {
		close(rootfd);
		return -1;
	}
	for (i = 0; i < n && !ret; i++) {
		memset(&lerr, 0, sizeof(lerr));
		if (load_at(rootfd, ids[i], &st, &lerr) < 0) {
			/* Deleted, or not yet saved by create, during the walk. */
			if (lerr.errnum == ENOENT)
				continue;
			ret = fn(ids[i], NULL, &lerr, ctx);
			continue;
		}
		ret = fn(ids[i], &st, NULL, ctx);
		state_free(&st);
	}
	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	close(rootfd);
	return ret;
}

int (*state_freezer_probe)(const struct container_state *st);

enum container_status state_status(const struct container_state *st)
{
	unsigned long long start;
	char pstate;

	if (st->status == CONTAINER_STOPPED || st->pid <= 0)
		return CONTAINER_STOPPED;
	/* EPERM means it exists but belongs to someone else: keep looking. */
	if (kill(st->pid, 0) < 0 && errno == ESRCH)
		return CONTAINER_STOPPED;
	if (util_proc_stat(st->pid, &pstate, &start) < 0) {
		if (errno == ENOENT || errno == ESRCH)
			return CONTAINER_STOPPED;
		/* No usable /proc: trust kill() and the recorded state. */
	} else {
		/* A zombie has exited; only its exit status is left. */
		if (pstate == 'Z' || pstate == 'X')
			return CONTAINER_STOPPED;
		/* Same pid, different start time: our init died, pid reused. */
		if (st->pid_start_time && start != st->pid_start_time)
			return CONTAINER_STOPPED;
	}
	if (st->status == CONTAINER_CREATING)
		return st->status;
	/* the freezer is the authority on paused; as recorded without one */
	if (state_freezer_probe && st->cgroup_dirs) {
		int frozen = state_freezer_probe(st);

		if (frozen > 0)
			return CONTAINER_PAUSED;
		if (frozen == 0)
			return st->started ? CONTAINER_RUNNING : CONTAINER_CREATED;
	}
	if (st->status == CONTAINER_PAUSED)
		return st->status;
	return st->started ? CONTAINER_RUNNING : CONTAINER_CREATED;
}

/* runc's owner column: the user name, "#uid" when there is none. */
static void owner_name(uid_t uid, char *buf, size_t len)
{
	struct passwd pw, *res = NULL;
	char pwbuf[1024];

	if (uid == 0) {
		snprintf(buf, len, "root");
		return;
	}
	if (getpwuid_r(uid, &pw, pwbuf, sizeof(pwbuf), &res) == 0 && res)
		snprintf(buf, len, "%s", res->pw_name);
	else
		snprintf(buf, len, "#%lu", (unsigned long)uid);
}

/*
 * cJSON indents with tabs and puts a tab after each colon; runc prints
 * two spaces per level and ": ". String contents never hold a raw tab
 * (cJSON escapes it), so every raw tab is layout and can be rewritten.
 */
static char *reindent(const char *in)
{
	size_t tabs = 0, i, o = 0;
	bool line_start = true;
	char *out;

	for (i = 0; in[i]; i++)
		tabs += in[i] == '\t';
	out = malloc(i + tabs + 1);
	if (!out)
		return NULL;
	for (i = 0; in[i]; i++) {
		if (in[i] != '\t') {
			line_start = in[i] == '\n';
			out[o++] = in[i];
		} else if (line_start) {
			out[o++] = ' ';
			out[o++] = ' ';
		} else {
			out[o++] = ' ';
		}
	}
	out[o] = '\0';
	return out;
}

int state_to_json(const struct container_state *st,
		  enum container_status status, char **out, struct tr_err *err)
{
	char created[UTIL_RFC3339_LEN], owner[64];
	/* creating: the prestart/createRuntime/createContainer hooks need the
	 * init's pid (e.g. /proc/PID/ns/net for network setup), as runc gives */
	bool has_pid = status == CONTAINER_CREATED || status == CONTAINER_RUNNING ||
		       status == CONTAINER_PAUSED || (status == CONTAINER_CREATING && st->pid > 0);
	cJSON *obj;
	char *text;

	if (util_rfc3339(created, sizeof(created), &st->created) < 0)
		return tr_failx(err, "state of %s: creation time out of range", st->id);
	owner_name(st->owner, owner, sizeof(owner));
	/* Key order as runc prints it, so diffs against runc stay readable. */
	obj = cJSON_CreateObject();
	if (!obj ||
	    add_str(obj, "ociVersion", STATE_OCI_VERSION) ||
	    add_str(obj, "id", st->id) ||
	    (has_pid && !cJSON_AddNumberToObject(obj, "pid", st->pid)) ||
	    add_str(obj, "status", state_status_name(status)) ||
	    add_str(obj, "bundle", st->bundle) ||
	    add_str(obj, "rootfs", st->rootfs) ||
	    add_str(obj, "created", created) ||
	    (st->n_annotations && add_annotations(obj, st)) ||
	    add_str(obj, "owner", owner)) {
		cJSON_Delete(obj);
		return tr_fail(err, ENOMEM, "state of %s", st->id);
	}
	text = cJSON_Print(obj);
	cJSON_Delete(obj);
	if (!text)
		return tr_fail(err, ENOMEM, "state of %s", st->id);
	*out = reindent(text);
	free(text);
	if (!*out)
		return tr_fail(err, ENOMEM, "state of %s", st->id);
	return 0;
}

int state_write_pidfile(const char *path, pid_t pid, struct tr_err *err)
{
	const char *slash, *name;
	char digits[24], *dir = NULL;
	int dirfd = AT_FDCWD, n, ret;

	if (!path || !*path)
		return tr_fail(err, EINVAL, "pid file: empty path");
	slash = strrchr(path, '/');
	name = slash ? slash + 1 : path;
	if (!*name || !strcmp(name, ".") || !strcmp(name, ".."))
		return tr_fail(err, EINVAL, "pid file %s: not a file name", path);
	if (slash) {
		/* "/x.pid" lives in "/", "a/x.pid" in "a" (relative to cwd). */
		dir = strndup(path, slash == path ? 1 : (size_t)(slash - path));
		if (!dir)
			return tr_fail(err, ENOMEM, "pid file %s", path);
		dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dirfd < 0) {
			ret = tr_fail(err, errno, "pid file %s: open %s", path, dir);
			free(dir);
			return ret;
		}
		free(dir);
	}
	n = snprintf(digits, sizeof(digits), "%ld", (long)pid);
	ret = util_write_file_atomic(dirfd, name, digits, (size_t)n, 0644, err);
	if (ret < 0)
		tr_err_prefix(err, "pid file %s", path);
	if (dirfd != AT_FDCWD)
		close(dirfd);
	return ret;
}
