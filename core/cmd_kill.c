/* SPDX-License-Identifier: MIT */
/* tinyrun kill: send a signal to a container's process. */
#include <signal.h>

#include "commands.h"
#include "container.h"

static int kill_run(struct tr_ctx *ctx, int argc, char **argv, struct tr_err *err)
{
	int help = 0, all = 0, first, sig = SIGTERM;
	const struct cli_opt opts[] = {
		{ "all", 'a', CLI_FLAG, &all },
		{ 0 },
	};

	first = cli_parse(argc, argv, opts, &help, err);
	if (first < 0)
		return -1;
	if (help)
		return cli_usage(ctx);
	if (argc - first == 2) {
		sig = spec_signal_from_name(argv[first + 1]);
		if (sig <= 0)
			return tr_failx(err, "kill: unknown signal \"%s\"", argv[first + 1]);
	} else if (cli_positional(argc, argv, first, 1, "kill", "container ID", err) < 0) {
		return -1;
	}
	return container_kill(ctx->root, argv[first], sig, all, err) < 0 ? -1 : 0;
}

const struct cmd cmd_kill = {
	.name = "kill",
	.summary = "send a signal to a container",
	.usage =
	"usage: tinyrun kill [--all] ID [SIGNAL]\n"
	"\n"
	"Send SIGNAL (default TERM) to the process of container ID, which must be\n"
	"created or running. SIGNAL is a name with or without SIG (KILL, SIGKILL,\n"
	"RTMIN+1) or a number.\n"
	"\n"
	"Options:\n"
	"  -a, --all   signal every process of the container (its pid namespace)\n",
	.run = kill_run,
};
