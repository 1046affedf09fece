/* SPDX-License-Identifier: MIT */
/*
 * The container lifecycle (runtime-spec runtime.md), the library side of
 * create, start, kill, delete and run. The cmd_*.c files only parse argv and
 * call these; nothing here prints.
 */
#ifndef TINYRUN_CONTAINER_H
#define TINYRUN_CONTAINER_H

#include <sys/types.h>

#include "error.h"
#include "spec.h"

struct container_state;
struct cgroup;

struct create_opts {
	const char *root;		/* state root (--root) */
	const char *id;
	const char *bundle;		/* --bundle, default "." */
	const char *pid_file;		/* --pid-file or NULL */
	const char *console_socket;	/* --console-socket or NULL */
	int no_pivot;			/* --no-pivot: MS_MOVE + chroot */
	int no_new_keyring;		/* --no-new-keyring */
	unsigned preserve_fds;		/* --preserve-fds: fds 3..3+N-1 stay open */
	int foreground;			/* run: the caller relays the terminal itself */
	int terminal_master;		/* out: the pty master kept for run, or -1 */
};

/* Create the container; on success it is `created` and its init waits for start. */
int container_create(const struct create_opts *o, pid_t *init_pid, struct tr_err *err);

/* Let the init exec the user process; poststart hooks run after. */
int container_start(const char *root, const char *id, struct tr_err *err);

/* Send sig to the init, or with all to every process of the container. */
int container_kill(const char *root, const char *id, int sig, int all, struct tr_err *err);

/*
 * Remove a stopped container (or a created one that never started, as runc
 * and crun do for containerd). force kills a running one first, and makes a
 * missing id a success.
 */
int container_delete(const char *root, const char *id, int force, struct tr_err *err);

/* The container's init, in the child: sets up and waits for start; never returns. */
struct init_args {
	const struct spec *spec;
	const char *bundle;		/* absolute */
	const char *rootfs;		/* absolute */
	int sync_fd;			/* to the runtime during create */
	int lock_fd;			/* the state directory's flock: not the init's */
	int listen_fd;			/* start connects here */
	int no_pivot;
	int no_new_keyring;
	unsigned preserve_fds;
	unsigned long new_ns;		/* namespaces this init was created in */
	int wait_go;			/* made by stage 1: wait for SYNC_GO first */
	struct container_state *state;	/* the init's own copy, for its hooks */
	const struct cgroup *cg;	/* the container's cgroups, NULL without */
	int cg_self_attach;		/* the init moves itself into cg, first thing */
	int cg_into_v2;			/* clone3 started it in its v2 cgroup already */
	int cg_unshare_ns;		/* CLONE_NEWCGROUP held back: unshare once in cg */
	int cg_parent_attach;		/* new user namespace: the runtime moves it */
};
__attribute__((noreturn)) void container_init(const struct init_args *a);

#endif
