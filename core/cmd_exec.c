/* SPDX-License-Identifier: MIT */
/*
 * tinyrun exec: run a process in a created or running container. In the
 * foreground, stay as its parent: forward every signal to it, relay its
 * terminal, exit with its status (128+N when killed by signal N). With
 * --detach, return once it was executed (containerd and conmon).
 */
#include <errno.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

#include "autoconf.h"

#include "commands.h"
#include "exec.h"
#include "relay.h"
#include "terminal.h"

static int exec_run(struct tr_ctx *ctx, int argc, char **argv, struct tr_err *err)
{
	struct exec_opts o = { .root = ctx->root };
	struct relay r = { .sigfd = -1, .master = -1, .stdin_open = 1 };
	const char *label = NULL, *apparmor = NULL, *cgroup = NULL;
	const char *lists[4 * (argc + 1)];
	struct cli_list env = { lists, 0, (unsigned)argc + 1 };
	struct cli_list gids = { lists + argc + 1, 0, (unsigned)argc + 1 };
	struct cli_list caps = { lists + 2 * (argc + 1), 0, (unsigned)argc + 1 };
	unsigned long long fds = 0;
	int help = 0, detach = 0, first, rc;
	const struct cli_opt opts[] = {
		{ "process", 'p', CLI_STRING, &o.process_file },
		{ "detach", 'd', CLI_FLAG, &detach },
		{ "pid-file", 0, CLI_STRING, &o.pid_file },
		{ "console-socket", 0, CLI_STRING, &o.console_socket },
		{ "tty", 't', CLI_FLAG, &o.tty },
		{ "env", 'e', CLI_LIST, &env },
		{ "cwd", 0, CLI_STRING, &o.cwd },
		{ "user", 'u', CLI_STRING, &o.user },
		{ "additional-gids", 'g', CLI_LIST, &gids },
		{ "cap", 'c', CLI_LIST, &caps },
		{ "no-new-privs", 0, CLI_FLAG, &o.no_new_privs },
		{ "preserve-fds", 0, CLI_UINT, &fds },
		{ "process-label", 0, CLI_STRING, &label },
		{ "apparmor", 0, CLI_STRING, &apparmor },
		{ "cgroup", 0, CLI_STRING, &cgroup },
		{ 0 },
	};
	sigset_t all, old;

	first = cli_parse(argc, argv, opts, &help, err);
	if (first < 0)
		return -1;
	if (help)
		return cli_usage(ctx);
	if (label)
		return tr_failx(err, "--process-label: SELinux is not supported");
	if (apparmor)
		return tr_failx(err, "--apparmor: AppArmor is not supported");
	if (cgroup)
		return tr_failx(err, "--cgroup: not supported by this build (no cgroup module)");
	if (fds > 65536)
		return tr_failx(err, "--preserve-fds: %llu is too many", fds);
	o.preserve_fds = (unsigned)fds;
	if (first >= argc)
		return tr_failx(err, "exec: missing container ID (see 'tinyrun exec --help')");
	o.id = argv[first];
	o.args = argv + first + 1;
	o.nargs = (unsigned)(argc - first - 1);
	if (o.process_file && o.nargs)
		return tr_failx(err, "exec: unexpected argument \"%s\" with --process", o.args[0]);
	o.env = env.v;
	o.nenv = env.n;
	o.gids = gids.v;
	o.ngids = gids.n;
	o.caps = caps.v;
	o.ncaps = caps.n;
	o.foreground = !detach;

	/* blocked before the fork, so that no signal meant for the process is
	 * lost before it exists; it starts with an empty mask */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	if (!detach) {
		r.sigfd = signalfd(-1, &all, SFD_CLOEXEC);
		if (r.sigfd < 0) {
			rc = tr_fail(err, errno, "signalfd");
			goto out;
		}
	}
	if (container_exec(&o, &r.pid, &r.master, err) < 0) {
		rc = -1;
		goto out;
	}
	if (detach) {
		rc = 0;
		goto out;
	}
	rc = relay_foreground(&r);
out:
	if (r.master >= 0)
		close(r.master);
	if (r.sigfd >= 0)
		close(r.sigfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}

const struct cmd cmd_exec = {
	.name = "exec",
	.summary = "run a process in a running container",
	.usage =
	"usage: tinyrun exec [options] ID [--] [ARGS...]\n"
	"       tinyrun exec [options] --process FILE.json ID\n"
	"\n"
	"Run ARGS in container ID (created or running), in all its namespaces and\n"
	"its root, with the container's process settings (user, env, cwd,\n"
	"capabilities, rlimits, noNewPrivileges) changed by the options below; or\n"
	"run the process object in FILE.json. In the foreground, forward signals to\n"
	"it and exit with its exit status (128+N when signal N killed it).\n"
	"\n"
	"Options:\n"
	"  -p, --process FILE      the process object to run (runtime-spec JSON)\n"
	"  -d, --detach            return once the process was executed\n"
	"  --pid-file FILE         write the process's pid to FILE (no newline)\n"
	"  --console-socket PATH   unix socket that receives the terminal's master\n"
	"  -t, --tty               give the process a terminal\n"
	"  -e, --env KEY=VALUE     set an environment variable (repeatable)\n"
	"  --cwd DIR               working directory in the container\n"
	"  -u, --user UID[:GID]    user (and group) to run as\n"
	"  -g, --additional-gids GID  add a supplementary group (repeatable)\n"
	"  -c, --cap CAP           add a capability to the bounding, effective and\n"
	"                          permitted sets (repeatable)\n"
	"  --no-new-privs          set no_new_privs for the process\n"
	"  --preserve-fds N        pass fds 3 to 3+N-1 to the process\n"
	"  --process-label, --apparmor, --cgroup  refused: not supported\n",
	.run = exec_run,
};
