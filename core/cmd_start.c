/* SPDX-License-Identifier: MIT */
/* tinyrun start: run the user process of a created container. */
#include "commands.h"
#include "container.h"

static int start_run(struct tr_ctx *ctx, int argc, char **argv, struct tr_err *err)
{
	const struct cli_opt opts[] = { { 0 } };
	int help = 0, first;

	first = cli_parse(argc, argv, opts, &help, err);
	if (first < 0)
		return -1;
	if (help)
		return cli_usage(ctx);
	if (cli_positional(argc, argv, first, 1, "start", "container ID", err) < 0)
		return -1;
	return container_start(ctx->root, argv[first], err) < 0 ? -1 : 0;
}

const struct cmd cmd_start = {
	.name = "start",
	.summary = "run the process of a created container",
	.usage =
	"usage: tinyrun start ID\n"
	"\n"
	"Run the user process of container ID, which must be created and not yet\n"
	"started; then run the poststart hooks.\n",
	.run = start_run,
};
