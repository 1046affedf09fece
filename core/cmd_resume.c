/* SPDX-License-Identifier: MIT */
/* tinyrun resume: thaw a paused container. */
#include "commands.h"
#include "container_cg.h"

static int resume_run(struct tr_ctx *ctx, int argc, char **argv, struct tr_err *err)
{
	const struct cli_opt opts[] = { { 0 } };
	int help = 0, first;

	first = cli_parse(argc, argv, opts, &help, err);
	if (first < 0)
		return -1;
	if (help)
		return cli_usage(ctx);
	if (cli_positional(argc, argv, first, 1, "resume", "container ID", err) < 0)
		return -1;
	return container_pause(ctx->root, argv[first], 0, err) < 0 ? -1 : 0;
}

const struct cmd cmd_resume = {
	.name = "resume",
	.summary = "resume every process of a paused container",
	.usage =
	"usage: tinyrun resume ID\n"
	"\n"
	"Thaw container ID, which must be paused: its processes run again.\n",
	.run = resume_run,
};
