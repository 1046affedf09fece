/* SPDX-License-Identifier: MIT */
/* tinyrun state: print a container's state as the runtime-spec defines it. */
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "state.h"

static int state_run(struct tr_ctx *ctx, int argc, char **argv, struct tr_err *err)
{
	const struct cli_opt opts[] = { { 0 } };
	struct container_state st = { 0 };
	int help = 0, first;
	char *json;

	first = cli_parse(argc, argv, opts, &help, err);
	if (first < 0)
		return -1;
	if (help)
		return cli_usage(ctx);
	if (cli_positional(argc, argv, first, 1, "state", "container ID", err) < 0 ||
	    state_id_valid(argv[first], err) < 0 ||
	    state_load(ctx->root, argv[first], &st, err) < 0)
		return -1;
	if (state_to_json(&st, state_status(&st), &json, err) < 0) {
		state_free(&st);
		return -1;
	}
	puts(json);
	free(json);
	state_free(&st);
	return 0;
}

const struct cmd cmd_state = {
	.name = "state",
	.summary = "print the state of a container",
	.usage =
	"usage: tinyrun state ID\n"
	"\n"
	"Print the state of container ID as JSON: ociVersion, id, status\n"
	"(creating, created, running, paused or stopped), pid (while the process\n"
	"exists), bundle, rootfs, created (RFC 3339), owner and annotations.\n",
	.run = state_run,
};
