/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "autoconf.h"
#include "relay.h"
#include "terminal.h"

/* One signal: SIGCHLD may be the process's exit, SIGWINCH resizes, the rest
 * are the container's. */
static void relay_signal(struct relay *r)
{
	struct signalfd_siginfo si;

	if (read(r->sigfd, &si, sizeof(si)) != (ssize_t)sizeof(si))
		return;
	if (si.ssi_signo == SIGCHLD) {
		/* hooks we ran were reaped where they ran: only our process here */
		if (!r->exited && waitpid(r->pid, &r->status, WNOHANG) == r->pid)
			r->exited = 1;
		return;
	}
	if (CFG_TERMINAL && si.ssi_signo == SIGWINCH && r->master >= 0) {
		terminal_resize(r->master);
		return;
	}
	kill(r->pid, (int)si.ssi_signo);
}

/*
 * Forward signals (and relay the terminal) until the process exits and, with
 * a terminal, until its output is drained: the master reads EIO once no
 * slave is left; a short wait bounds that for a container whose stray
 * processes keep one open.
 */
int relay_until_exit(struct relay *r)
{
	struct pollfd p[3];
	int n, master_open = r->master >= 0;

	/* it may have exited before the caller blocked signals' delivery here */
	if (!r->exited && waitpid(r->pid, &r->status, WNOHANG) == r->pid)
		r->exited = 1;
	while (!r->exited || master_open) {
		n = 0;
		p[n++] = (struct pollfd){ .fd = r->sigfd, .events = POLLIN };
		if (master_open)
			p[n++] = (struct pollfd){ .fd = r->master, .events = POLLIN };
		if (master_open && r->stdin_open)
			p[n++] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
		if (poll(p, (nfds_t)n, r->exited ? 200 : -1) == 0)
			break;
		if (p[0].revents)
			relay_signal(r);
		if (!CFG_TERMINAL || !master_open)
			continue;
		if (p[1].revents && terminal_copy(r->master, STDOUT_FILENO) <= 0)
			master_open = 0;
		if (n > 2 && p[2].revents && terminal_copy(STDIN_FILENO, r->master) <= 0)
			r->stdin_open = 0;
	}
	while (!r->exited) {
		if (waitpid(r->pid, &r->status, 0) == r->pid)
			r->exited = 1;
		else if (errno != EINTR)
			break;
	}
	return r->status;
}

int relay_exit_code(int status)
{
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

int relay_foreground(struct relay *r)
{
	struct termios saved;
	int raw = 0;

	if (CFG_TERMINAL && r->master >= 0) {
		raw = terminal_raw_start(&saved);
		terminal_resize(r->master);
	}
	relay_until_exit(r);
	if (raw)
		terminal_raw_end(&saved);
	return relay_exit_code(r->status);
}
