/* SPDX-License-Identifier: MIT */
/* tinyrun delete: remove a stopped container. */
#include "commands.h"
#include "container.h"

static int delete_run(struct tr_ctx *ctx, int argc, char **argv, struct tr_err *err)
{
	int help = 0, force = 0, first;
	const struct cli_opt opts[] = {
		{ "force", 'f', CLI_FLAG, &force },
		{ 0 },
	};

	first = cli_parse(argc, argv, opts, &help, err);
	if (first < 0)
		return -1;
	if (help)
		return cli_usage(ctx);
	if (cli_positional(argc, argv, first, 1, "delete", "container ID", err) < 0)
		return -1;
	return container_delete(ctx->root, argv[first], force, err) < 0 ? -1 : 0;
}

const struct cmd cmd_delete = {
	.name = "delete",
	.summary = "remove a stopped container",
	.usage =
	"usage: tinyrun delete [--force] ID\n"
	"\n"
	"Remove container ID and run its poststop hooks. The container must be\n"
	"stopped; one that was created but never started is removed too (its\n"
	"process is killed), as runc and crun do for containerd.\n"
	"\n"
	"Options:\n"
	"  -f, --force   kill a running container first; an ID that does not\n"
	"                exist is not an error\n",
	.run = delete_run,
};
