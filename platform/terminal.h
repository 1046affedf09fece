/* SPDX-License-Identifier: MIT */
/*
 * process.terminal: the init opens a pty in the container's own devpts
 * (so ttyname() and /dev/pts inside agree), binds its slave on /dev/console,
 * makes it the controlling terminal and stdio, and hands the master to the
 * runtime over the sync socket. The runtime sends it on to --console-socket
 * (one fd by SCM_RIGHTS, the pty's name as payload, as containerd and conmon
 * expect) or, for `run` in the foreground, relays it to its own stdio.
 */
#ifndef TINYRUN_TERMINAL_H
#define TINYRUN_TERMINAL_H

#include <signal.h>
#include <sys/types.h>

#include "autoconf.h"
#include "error.h"
#include "spec.h"

/* In the init, after the mounts: returns the master fd (close-on-exec).
 * exec passes rootfs NULL once it is in the container's root: its pty is
 * not bound on /dev/console. */
int terminal_setup(const struct spec *s, const char *rootfs, struct tr_err *err);

/* Send / receive one fd with a short text payload over a unix socket. */
int terminal_send_fd(int sock, int fd, const char *payload, struct tr_err *err);
int terminal_recv_fd(int sock, char *payload, size_t len, struct tr_err *err);

/* Connect to a console socket and send it the master, named by its pty path. */
int terminal_to_console_socket(const char *path, int master, const char *name,
			       struct tr_err *err);

/* run in the foreground relays the master to its own stdio with these. */
struct termios;
int terminal_raw_start(struct termios *saved);	/* 1 if stdin was made raw */
void terminal_raw_end(const struct termios *saved);
void terminal_resize(int master);		/* stdin's window size to master */
int terminal_copy(int from, int to);		/* one chunk; <= 0 at EOF or error */

#endif
