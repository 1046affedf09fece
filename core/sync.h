/* SPDX-License-Identifier: MIT */
/*
 * Messages between the runtime and the container's init, over a
 * SOCK_SEQPACKET socket pair during create and over the init's listening
 * socket during start. A message is one fixed-size record, so a read is
 * always whole; an error message carries the init's struct tr_err so the
 * caller prints what failed inside the container, with its errno text.
 */
#ifndef TINYRUN_SYNC_H
#define TINYRUN_SYNC_H

#include <sys/types.h>

#include "error.h"

enum sync_type {
	SYNC_ERROR = 1,		/* init -> runtime: setup failed, err follows */
	SYNC_USERNS,		/* init -> runtime: write my uid/gid maps */
	SYNC_USERNS_DONE,	/* runtime -> init: maps written */
	SYNC_MOUNTED,		/* init -> runtime: mounts done, run createRuntime hooks */
	SYNC_HOOKS_DONE,	/* runtime -> init: go on (createContainer, pivot, ...) */
	SYNC_READY,		/* init -> runtime: created, waiting for start */
	SYNC_START,		/* start -> init: exec the process */
	SYNC_PID,		/* stage-1 -> runtime: the init's pid */
	SYNC_GO,		/* runtime -> init made by stage 1: its pid is known */
	SYNC_PTY,		/* init -> runtime: the pty master follows (SCM_RIGHTS) */
};

struct sync_msg {
	int type;
	int pid;
	struct tr_err err;
};

int sync_send(int fd, int type, int pid, const struct tr_err *e, struct tr_err *err);
/* Receive one message; a closed peer is an error naming `peer`. */
int sync_recv(int fd, struct sync_msg *m, const char *peer, struct tr_err *err);
/* Receive and require type `want`; a SYNC_ERROR is copied into err. */
int sync_expect(int fd, int want, const char *peer, struct sync_msg *m, struct tr_err *err);

#endif
