/* SPDX-License-Identifier: MIT */
/* tinyrun pause and resume: freeze and thaw every process of a container (cgroup freezer). */
#include "commands.h"
#include "container_cg.h"

/* Both commands: which one is running says whether to freeze. */
static int pause_run(struct tr_ctx *ctx, int argc, char **argv, struct tr_err *err)
{
	const struct cli_opt opts[] = { { 0 } };
	int help = 0, first;

	first = cli_parse(argc, argv, opts, &help, err);
	if (first < 0)
		return -1;
	if (help)
		return cli_usage(ctx);
	if (cli_positional(argc, argv, first, 1, ctx->cmd->name, "container ID", err) < 0)
		return -1;
	return container_pause(ctx->root, argv[first], ctx->cmd == &cmd_pause, err) < 0 ? -1 : 0;
}

const struct cmd cmd_pause = {
	.name = "pause",
	.summary = "suspend every process of a container",
	.usage =
	"usage: tinyrun pause ID\n"
	"\n"
	"Freeze every process of container ID, which must be created or running,\n"
	"with the cgroup freezer (v1 freezer.state, v2 cgroup.freeze). It returns\n"
	"once the freeze is complete; state then reports paused. See resume.\n",
	.run = pause_run,
};

const struct cmd cmd_resume = {
	.name = "resume",
	.summary = "resume every process of a paused container",
	.usage =
	"usage: tinyrun resume ID\n"
	"\n"
	"Thaw container ID, which must be paused: its processes run again.\n",
	.run = pause_run,
};
