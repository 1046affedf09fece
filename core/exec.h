/* SPDX-License-Identifier: MIT */
/*
 * tinyrun exec, the library side: run one more process in a created or
 * running container. The process is the one from --process FILE.json, or
 * the container's own (from the config.json saved at create) with its args
 * replaced and the command-line overrides applied, as runc does.
 *
 * Who waits for whom: the caller forks stage 1, which joins the init's
 * namespaces (user first, mount last, then its root) and clones the final
 * process with CLONE_PARENT, so that the final process is the caller's own
 * child (it can wait for it and get its exit status) and, having been
 * forked after setns(pid), is inside the container's pid namespace. Stage 1
 * reports the pid and exits; the final process applies the process object
 * like start does and executes it. Its close-on-exec socket to the caller
 * reads EOF once the exec happened, or carries the error.
 */
#ifndef TINYRUN_EXEC_H
#define TINYRUN_EXEC_H

#include <sys/types.h>

#include "error.h"

struct exec_opts {
	const char *root;		/* state root (--root) */
	const char *id;
	const char *process_file;	/* --process, or NULL: ARGS and the container's process */
	char **args;			/* ARGS (without --process) */
	unsigned nargs;
	int tty;			/* --tty */
	const char **env;		/* --env K=V, in order; a later one wins */
	unsigned nenv;
	const char *cwd;		/* --cwd or NULL */
	const char *user;		/* --user UID[:GID] or NULL */
	const char **gids;		/* --additional-gids, appended */
	unsigned ngids;
	const char **caps;		/* --cap NAME: added to bounding, effective, permitted */
	unsigned ncaps;
	int no_new_privs;		/* --no-new-privs */
	const char *pid_file;		/* --pid-file or NULL */
	const char *console_socket;	/* --console-socket or NULL */
	unsigned preserve_fds;		/* --preserve-fds */
	int foreground;			/* the caller relays a terminal itself */
};

/*
 * Start the process. On success it has been executed: *pid is its pid (our
 * child; in the foreground the caller waits for it), *master its pty master
 * when it has a terminal and no console socket (for the caller to relay),
 * else -1. An exec failure (args[0] not found) is returned as an error.
 * The caller blocks signals first when it forwards them: the process
 * starts with an empty signal mask whatever the caller's.
 */
int container_exec(const struct exec_opts *o, pid_t *pid, int *master, struct tr_err *err);

#endif
