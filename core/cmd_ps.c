/* SPDX-License-Identifier: MIT */
/*
 * tinyrun ps: the processes in a container's cgroups. The JSON form (an
 * array of host pids) is what containerd parses; the table is PID and
 * command line, read from /proc, since a board's ps(1) may be BusyBox's,
 * whose options differ from procps's.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "commands.h"
#include "container_cg.h"
#include "log.h"
#include "state.h"

/* The command line with spaces for NULs; [comm] for a kernel thread or a zombie. */
static void print_cmd(pid_t pid)
{
	char path[64], buf[4096];
	ssize_t n = -1;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	if (n > 0) {
		for (ssize_t i = 0; i < n; i++)
			if (!buf[i] || buf[i] == '\n')
				buf[i] = ' ';
		while (n > 0 && buf[n - 1] == ' ')
			n--;
		buf[n] = 0;
		puts(buf);
		return;
	}
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n > 0 ? n : 0] = 0;
	printf("[%s]\n", buf);
}

static int ps_run(struct tr_ctx *ctx, int argc, char **argv, struct tr_err *err)
{
	const char *format = "table";
	const struct cli_opt opts[] = {
		{ "format", 'f', CLI_STRING, &format },
		{ 0 },
	};
	struct container_state st = { 0 };
	struct cgroup *cg;
	pid_t *pids;
	size_t n;
	int help = 0, first, json, rc;

	first = cli_parse(argc, argv, opts, &help, err);
	if (first < 0)
		return -1;
	if (help)
		return cli_usage(ctx);
	if (strcmp(format, "table") && strcmp(format, "json"))
		return tr_failx(err, "ps: --format: expected table or json, got \"%s\"", format);
	json = !strcmp(format, "json");
	if (argc - first < 1)
		return cli_positional(argc, argv, first, 1, "ps", "container ID", err);
	if (argc - first > 1) {
		/* runc passes what follows the ID (after an optional --) to ps(1); ours is not ps(1) */
		int extra = argc - first - 1 - !strcmp(argv[first + 1], "--");

		if (json && extra)
			return tr_failx(err, "ps: ps arguments cannot be used with --format json");
		if (extra)
			log_msg(LOG_WARN, "ps: arguments for ps(1) ignored: tinyrun lists PID and CMD");
	}
	if (container_cgroups(ctx->root, argv[first], 0, &st, &cg, err) < 0)
		return -1;
	rc = cgroup_pids(cg, &pids, &n, err);
	cgroup_free(cg);
	state_free(&st);
	if (rc < 0)
		return -1;
	if (json) {
		putchar('[');
		for (size_t i = 0; i < n; i++)
			printf(i ? ",%d" : "%d", (int)pids[i]);
		puts("]");
	} else {
		printf("%-8s %s\n", "PID", "CMD");
		for (size_t i = 0; i < n; i++) {
			printf("%-8d ", (int)pids[i]);
			print_cmd(pids[i]);
		}
	}
	free(pids);
	return 0;
}

const struct cmd cmd_ps = {
	.name = "ps",
	.summary = "list the processes of a container",
	.usage =
	"usage: tinyrun ps [--format table|json] ID [-- PS-ARGS]\n"
	"\n"
	"List the processes in the cgroups of container ID (host pids). The table\n"
	"has PID and CMD columns, from /proc; PS-ARGS, which runc passes to ps(1),\n"
	"are accepted and ignored. json prints an array of pids, as containerd\n"
	"expects.\n"
	"\n"
	"Options:\n"
	"  -f, --format FORMAT   table (default) or json\n",
	.run = ps_run,
};
