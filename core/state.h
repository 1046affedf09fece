/* SPDX-License-Identifier: MIT */
/*
 * The container state store: one directory per container under the state
 * root (--root, default /run/tinyrun), holding state.json.
 *
 * Locking: the container's directory fd is the lock. state_create() and
 * state_lock() return that fd with flock(LOCK_EX) held, so create, start,
 * kill and delete of one id serialise while other ids never block. Delete
 * removes the directory while holding the lock; a waiter that then gets the
 * lock notices its directory is no longer the one at root/id and retries or
 * reports "does not exist". Reads (state, list) need no lock: state.json is
 * only ever replaced by rename().
 */
#ifndef TINYRUN_STATE_H
#define TINYRUN_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

struct tr_err;

#define STATE_DEFAULT_ROOT "/run/tinyrun"
#define STATE_FILE "state.json"

#ifndef STATE_OCI_VERSION
#define STATE_OCI_VERSION "1.2.0"	/* runtime-spec version we implement */
#endif

/*
 * Longest id: NAME_MAX, because the id is the name of the state directory
 * (and of the cgroup directory); a longer one could never be created, so it
 * is refused up front with a clear message instead of ENAMETOOLONG later.
 */
#define STATE_ID_MAX 255

enum container_status {
	CONTAINER_CREATING,
	CONTAINER_CREATED,
	CONTAINER_RUNNING,
	CONTAINER_PAUSED,	/* recorded by pause; derived from cgroups later */
	CONTAINER_STOPPED,
};

struct state_annotation {
	char *key;
	char *value;
};

/*
 * Everything we remember about a container. All strings are malloc'd and
 * owned by the struct (state_free releases them); NULL means "not set".
 * To add a field: add it here, free it in state_free, write it in
 * state_save and read it in state_load (unknown keys in old or newer
 * state.json files are ignored, missing optional keys stay NULL/0).
 */
struct container_state {
	char *id;
	char *bundle;			/* absolute */
	char *rootfs;			/* absolute */
	pid_t pid;			/* container init, 0 before it exists */
	unsigned long long pid_start_time; /* /proc/PID/stat field 22 */
	struct timespec created;
	enum container_status status;	/* as recorded, see state_status() */
	bool started;			/* `start` has run */
	uid_t owner;			/* uid that created the container */
	struct state_annotation *annotations;
	size_t n_annotations;

	/* Filled in by later features; saved only when set. */
	char *cgroup_path;
	char *cgroup_dirs;		/* the cgroup module's: what delete removes */
	char *console_socket;
};

/*
 * Set by the cgroup module when it is built in: 1 when the container's
 * freezer is frozen, 0 when not, <0 when there is none. state_status()
 * reports paused from it, so state.c needs no cgroup code.
 */
extern int (*state_freezer_probe)(const struct container_state *st);

/* Non-empty, <= STATE_ID_MAX bytes, [A-Za-z0-9_+.-] only, not "." or "..". */
int state_id_valid(const char *id, struct tr_err *err);

const char *state_status_name(enum container_status status);

/* Append a copy of key/value (replacing the value of an existing key). */
int state_add_annotation(struct container_state *st, const char *key,
			 const char *value, struct tr_err *err);

/* Release everything st owns and zero it; st itself is the caller's. */
void state_free(struct container_state *st);

/*
 * Make root (0700, with parents) if missing, then root/id exclusively:
 * an existing id fails with "container ID already exists" (errnum EEXIST)
 * without touching it. Returns the locked directory fd (see state_lock).
 */
int state_create(const char *root, const char *id, struct tr_err *err);

#define STATE_LOCK_NB		0x1	/* fail with EWOULDBLOCK instead of waiting */
#define STATE_LOCK_SHARED	0x2	/* LOCK_SH: readers that want a stable view */

/*
 * Lock root/id and return its directory fd (close it to unlock). A missing
 * container fails with "container ID does not exist" (errnum ENOENT).
 */
int state_lock(const char *root, const char *id, int flags, struct tr_err *err);

/* Atomically write dirfd/state.json from st. */
int state_save(int dirfd, const struct container_state *st, struct tr_err *err);

/*
 * Read root/id/state.json into st (which is overwritten, not freed first).
 * A missing container fails with "... does not exist" (errnum ENOENT).
 */
int state_load(const char *root, const char *id, struct container_state *st,
	       struct tr_err *err);

/* Same, from a directory fd from state_create/state_lock. */
int state_load_dir(int dirfd, const char *id, struct container_state *st,
		   struct tr_err *err);

/*
 * Remove root/id and everything in it. Call with the lock held. A missing
 * container fails with "does not exist" (errnum ENOENT): delete --force
 * callers treat that as success.
 */
int state_remove(const char *root, const char *id, struct tr_err *err);

/*
 * Called once per container in id order. st is NULL when its state could
 * not be read (load_err says why; the caller may warn); containers deleted
 * or still being created during the walk are skipped. A non-zero return
 * stops the walk and is returned by state_list.
 */
typedef int (*state_list_fn)(const char *id, const struct container_state *st,
			     const struct tr_err *load_err, void *ctx);

/* Walk root in id order; a missing root is an empty list. */
int state_list(const char *root, state_list_fn fn, void *ctx,
	       struct tr_err *err);

/*
 * The status now: stopped if the init pid is gone, a zombie, or a different
 * process (start time differs: pid reused); else the recorded creating or
 * paused; else running once started, created before.
 */
enum container_status state_status(const struct container_state *st);

/*
 * The `state` command's JSON (also what hooks get on stdin): the
 * runtime-spec fields ociVersion, id, status, pid, bundle, annotations,
 * plus rootfs, created (RFC 3339) and owner, 2-space indented like runc.
 * pid is written only while the process exists (created, running,
 * paused), as the spec requires it for created/running; a stopped
 * container has no pid to report. *out is malloc'd.
 */
int state_to_json(const struct container_state *st,
		  enum container_status status, char **out, struct tr_err *err);

/*
 * Write pid to path (relative to the caller's cwd) atomically, as bare
 * decimal digits without a newline: containerd parses it strictly.
 */
int state_write_pidfile(const char *path, pid_t pid, struct tr_err *err);

#endif
