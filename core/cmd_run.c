/* SPDX-License-Identifier: MIT */
/*
 * tinyrun run: create and start in one, then (unless --detach) stay in the
 * foreground as the container's parent: forward every signal to it, exit
 * with its status (128+N when killed by signal N), and delete it unless
 * --keep. This is what an inittab "respawn" line runs.
 */
#include <errno.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "autoconf.h"

#include "commands.h"
#include "container.h"
#include "relay.h"
#include "terminal.h"

int create_opts_parse(const char *cmd, struct create_opts *o, const struct cli_opt *extra,
		      int argc, char **argv, int *help, struct tr_err *err);

static int run_run(struct tr_ctx *ctx, int argc, char **argv, struct tr_err *err)
{
	struct create_opts o = { .root = ctx->root, .terminal_master = -1 };
	struct relay r = { .master = -1, .stdin_open = 1 };
	int help = 0, detach = 0, keep = 0, rc;
	const struct cli_opt extra[] = {
		{ "detach", 'd', CLI_FLAG, &detach },
		{ "keep", 0, CLI_FLAG, &keep },
		{ 0 },
	};
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
	rc = relay_foreground(&r);
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
