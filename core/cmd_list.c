/* SPDX-License-Identifier: MIT */
/* tinyrun list: the containers under the state root. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "state.h"
#include "util.h"

struct list_ctx {
	int json, quiet, count;
};

static int list_one(const char *id, const struct container_state *st,
		    const struct tr_err *load_err, void *arg)
{
	struct list_ctx *l = arg;
	char created[UTIL_RFC3339_LEN + 1], *json;
	enum container_status status;
	struct tr_err err;

	/* a directory being created or removed right now has no state yet */
	if (load_err)
		return 0;
	status = state_status(st);
	if (l->quiet) {
		puts(id);
	} else if (l->json) {
		if (state_to_json(st, status, &json, &err) < 0)
			return 0;
		printf("%s%s", l->count ? ",\n" : "", json);
		free(json);
	} else {
		util_rfc3339(created, sizeof(created), &st->created);
		printf("%-12s %-8d %-10s %-40s %-31s %s\n", id,
		       status == CONTAINER_STOPPED ? 0 : (int)st->pid,
		       state_status_name(status), st->bundle, created,
		       st->owner == 0 ? "root" : "-");
	}
	l->count++;
	return 0;
}

static int list_run(struct tr_ctx *ctx, int argc, char **argv, struct tr_err *err)
{
	const char *format = "table";
	struct list_ctx l = { 0 };
	int help = 0, first, rc;
	const struct cli_opt opts[] = {
		{ "format", 'f', CLI_STRING, &format },
		{ "quiet", 'q', CLI_FLAG, &l.quiet },
		{ 0 },
	};

	first = cli_parse(argc, argv, opts, &help, err);
	if (first < 0)
		return -1;
	if (help)
		return cli_usage(ctx);
	if (cli_positional(argc, argv, first, 0, "list", "", err) < 0)
		return -1;
	if (strcmp(format, "table") && strcmp(format, "json"))
		return tr_failx(err, "--format: expected table or json, got \"%s\"", format);
	l.json = !strcmp(format, "json");
	if (l.json && !l.quiet)
		fputs("[", stdout);
	else if (!l.quiet)
		printf("%-12s %-8s %-10s %-40s %-31s %s\n", "ID", "PID", "STATUS", "BUNDLE",
		       "CREATED", "OWNER");
	rc = state_list(ctx->root, list_one, &l, err);
	if (l.json && !l.quiet)
		puts("]");
	return rc < 0 ? -1 : 0;
}

const struct cmd cmd_list = {
	.name = "list",
	.summary = "list the containers",
	.usage =
	"usage: tinyrun list [--format table|json] [--quiet]\n"
	"\n"
	"List the containers under the state root, sorted by ID.\n"
	"\n"
	"Options:\n"
	"  -f, --format FORMAT   table (default) or json (an array of states)\n"
	"  -q, --quiet           print only the IDs\n",
	.run = list_run,
};
