/* SPDX-License-Identifier: MIT */
/*
 * The foreground relay shared by `run` and `exec`: while the container's
 * process (our child) runs, forward every signal we get to it, copy its
 * pty master to our stdio and back, and return its wait status once it
 * exited. The caller blocks all signals and makes the signalfd before the
 * child can exit, so that no SIGCHLD or forwarded signal is lost.
 */
#ifndef TINYRUN_RELAY_H
#define TINYRUN_RELAY_H

#include <sys/types.h>

struct relay {
	int sigfd;		/* signalfd of every signal */
	int master;		/* pty master, or -1 without a terminal */
	pid_t pid;		/* the process signals go to; our child */
	int status;		/* its wait status, once it exited */
	int exited;
	int stdin_open;
};

/* Relay until r->pid exited (and the terminal drained); returns its wait status. */
int relay_until_exit(struct relay *r);

/* The shell's convention for a wait status: the exit code, or 128+N for signal N. */
int relay_exit_code(int status);

/*
 * The foreground of run and exec: with a terminal, our stdin in raw mode
 * and the pty sized like it for the time of the relay; returns the exit code
 * (relay_exit_code) of r->pid.
 */
int relay_foreground(struct relay *r);

#endif
