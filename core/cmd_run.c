/* SPDX-License-Identifier: MIT */
/*
 * tinyrun run: create and start in one, then (unless --detach) stay in the
 * foreground as the container's parent: forward every signal to it, exit
 * with its status (128+N when killed by signal N), and delete it unless
 * --keep. This is what an inittab "respawn" line runs.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "autoconf.h"

#include "commands.h"
#include "container.h"
#include "terminal.h"

int create_opts_parse(const char *cmd, struct create_opts *o, const struct cli_opt *extra,
		      int argc, char **argv, int *help, struct tr_err *err);

struct relay {
	int sigfd;		/* signalfd of every signal */
	int master;		/* pty master, or -1 without a terminal */
	pid_t pid;
	int status;		/* the init's wait status, once it exited */
	int exited;
	int stdin_open;
};

/* One signal: SIGCHLD may be the init's exit, SIGWINCH resizes, the rest
 * are the container's. */
static void relay_signal(struct relay *r)
{
	struct signalfd_siginfo si;

	if (read(r->sigfd, &si, sizeof(si)) != (ssize_t)sizeof(si))
		return;
	if (si.ssi_signo == SIGCHLD) {
		/* hooks we ran were reaped where they ran: only the init here */
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
 * Forward signals (and relay the terminal) until the init exits and, with a
 * terminal, until its output is drained: the master reads EIO once no slave
 * is left; a short wait bounds that for a container whose stray processes
 * keep one open.
 */
static int relay_until_exit(struct relay *r)
{
	struct pollfd p[3];
	int n, master_open = r->master >= 0;

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
	}
	return r->status;
}

static int run_run(struct tr_ctx *ctx, int argc, char **argv, struct tr_err *err)
{
	struct create_opts o = { .root = ctx->root, .terminal_master = -1 };
	struct relay r = { .master = -1, .stdin_open = 1 };
	int help = 0, detach = 0, keep = 0, raw = 0, rc;
	const struct cli_opt extra[] = {
		{ "detach", 'd', CLI_FLAG, &detach },
		{ "keep", 0, CLI_FLAG, &keep },
		{ 0 },
	};
	struct termios saved;
	sigset_t all, old;

	if (create_opts_parse("run", &o, extra, argc, argv, &help, err) < 0)
		return -1;
	if (help)
		return cli_usage(ctx);
	o.foreground = !detach;
	if (container_create(&o, &r.pid, err) < 0)
		return -1;
	/* from here every signal is the container's; the init was cloned
	 * before, so it does not inherit the blocked mask */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	r.sigfd = signalfd(-1, &all, SFD_CLOEXEC);
	r.master = o.terminal_master;
	if (r.sigfd < 0) {
		tr_fail(err, errno, "signalfd");
		goto fail;
	}
	if (container_start(o.root, o.id, err) < 0)
		goto fail;
	if (detach) {
		rc = 0;
		goto out;
	}
	if (CFG_TERMINAL && r.master >= 0) {
		raw = terminal_raw_start(&saved);
		terminal_resize(r.master);
	}
	relay_until_exit(&r);
	if (raw)
		terminal_raw_end(&saved);
	rc = WIFSIGNALED(r.status) ? 128 + WTERMSIG(r.status) : WEXITSTATUS(r.status);
	if (!keep && container_delete(o.root, o.id, 0, err) < 0)
		rc = -1;
out:
	if (r.master >= 0)
		close(r.master);
	if (r.sigfd >= 0)
		close(r.sigfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
fail:
	{
		struct tr_err ignored;

		container_delete(o.root, o.id, 1, &ignored);
	}
	rc = -1;
	goto out;
}

const struct cmd cmd_run = {
	.name = "run",
	.summary = "create and start a container, and wait for it",
	.usage =
	"usage: tinyrun run [options] ID\n"
	"\n"
	"Create and start container ID. In the foreground, forward signals to it,\n"
	"exit with its exit status (128+N when signal N killed it) and delete it.\n"
	"\n"
	"Options:\n"
	"  -b, --bundle DIR        bundle directory (default: current directory)\n"
	"  -d, --detach            return once the container runs\n"
	"  --keep                  do not delete the container when it exits\n"
	"  --pid-file FILE         write the container's pid to FILE (no newline)\n"
	"  --console-socket PATH   unix socket that receives the terminal's master\n"
	"  --no-pivot              MS_MOVE and chroot instead of pivot_root\n"
	"  --no-new-keyring        keep the caller's session keyring\n"
	"  --preserve-fds N        pass fds 3 to 3+N-1 to the container\n",
	.run = run_run,
};
