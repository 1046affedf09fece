/* SPDX-License-Identifier: MIT */
/*
 * tinyrun: the command-line front end. It parses the global flags (runc's
 * names), picks the command and prints the one error a failed command
 * returns. Everything else lives in the library, which never prints.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "autoconf.h"
#include "commands.h"
#include "log.h"

#define SPEC_VERSION "1.2.0"

/*
 * Every command runc has that tinyrun may offer: when one is configured out,
 * its name stays known so the error can say which symbol would bring it back.
 */
#define CG_CMDS (CFG_CGROUP_V1 || CFG_CGROUP_V2)
/* the cgroup commands need either module: the error names both */
#define CG_SYMBOL "CGROUP_V1 or CONFIG_CGROUP_V2"

static const struct {
	const char *name;
	const struct cmd *cmd;
	const char *symbol;
} commands[] = {
	{ "create", &cmd_create, NULL },
	{ "delete", &cmd_delete, NULL },
	{ "events", CG_CMDS ? &cmd_events : NULL, CG_SYMBOL },
	{ "exec", CFG_EXEC ? &cmd_exec : NULL, "EXEC" },
	{ "features", CFG_CMD_FEATURES ? &cmd_features : NULL, "CMD_FEATURES" },
	{ "kill", &cmd_kill, NULL },
	{ "list", &cmd_list, NULL },
	{ "pause", CG_CMDS ? &cmd_pause : NULL, CG_SYMBOL },
	{ "ps", CG_CMDS ? &cmd_ps : NULL, CG_SYMBOL },
	{ "resume", CG_CMDS ? &cmd_resume : NULL, CG_SYMBOL },
	{ "run", &cmd_run, NULL },
	{ "spec", CFG_CMD_SPEC ? &cmd_spec : NULL, "CMD_SPEC" },
	{ "start", &cmd_start, NULL },
	{ "state", &cmd_state, NULL },
	{ "update", CG_CMDS ? &cmd_update : NULL, CG_SYMBOL },
};

static const char global_help[] =
	"usage: tinyrun [global options] COMMAND [options] [arguments]\n"
	"\n"
	"tinyrun runs OCI bundles (config.json plus a root filesystem), with the\n"
	"command line of runc.\n"
	"\n"
	"Global options:\n"
	"  --root DIR            state directory (default " CFG_DEFAULT_ROOT ")\n"
	"  --log FILE            also write log lines to FILE\n"
	"  --log-format FORMAT   text (default) or json\n"
	"  --debug               log debug messages\n"
	"  --systemd-cgroup      refused: tinyrun does not use systemd\n"
	"  --rootless VALUE      accepted for compatibility (auto, true, false)\n"
	"  -v, --version         print the version\n"
	"  -h, --help            print this help, or a command's with COMMAND --help\n"
	"\n"
	"Commands:\n";

static void print_help(void)
{
	unsigned i;

	fputs(global_help, stdout);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (commands[i].cmd)
			printf("  %-12s %s\n", commands[i].name, commands[i].cmd->summary);
	}
	puts("\nSee tinyrun(8) for exit codes and details.");
}

static void print_version(void)
{
	printf("tinyrun version %s\ncommit: %s\nspec: %s\n", TINYRUN_VERSION,
	       TINYRUN_COMMIT, SPEC_VERSION);
}

static int report(const struct tr_err *err)
{
	char buf[TR_ERR_MSG_MAX + 128];

	log_msg(LOG_ERROR, "%s", tr_err_str(err, buf, sizeof(buf)));
	return 1;
}

int main(int argc, char **argv)
{
	struct tr_ctx ctx = { .root = CFG_DEFAULT_ROOT };
	struct tr_err err = { 0 };
	const char *log_format = "text", *rootless = NULL;
	int help = 0, version = 0, systemd = 0, first, rc;
	const struct cli_opt opts[] = {
		{ "root", 0, CLI_STRING, &ctx.root },
		{ "log", 0, CLI_STRING, &ctx.log_path },
		{ "log-format", 0, CLI_STRING, &log_format },
		{ "debug", 0, CLI_FLAG, &ctx.debug },
		{ "systemd-cgroup", 0, CLI_FLAG, &systemd },
		{ "rootless", 0, CLI_STRING, &rootless },
		{ "version", 'v', CLI_FLAG, &version },
		{ 0 },
	};
	unsigned i;

	first = cli_parse(argc - 1, argv + 1, opts, &help, &err);
	if (first < 0)
		return report(&err);
	first++;
	if (strcmp(log_format, "text") && strcmp(log_format, "json")) {
		tr_failx(&err, "--log-format: expected text or json, got \"%s\"", log_format);
		return report(&err);
	}
	ctx.log_json = !strcmp(log_format, "json");
	if (log_setup(ctx.log_path, ctx.log_json, ctx.debug, &err) < 0)
		return report(&err);
	if (version) {
		print_version();
		return 0;
	}
	if (first >= argc) {
		print_help();
		return help ? 0 : 1;
	}
	if (systemd) {
		tr_failx(&err, "--systemd-cgroup: not supported: tinyrun manages cgroups itself");
		return report(&err);
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(commands[i].name, argv[first]))
			continue;
		if (!commands[i].cmd) {
			tr_failx(&err, "%s: not available: tinyrun was built without CONFIG_%s",
				 argv[first], commands[i].symbol);
			return report(&err);
		}
		ctx.cmd = commands[i].cmd;
		if (help)
			return cli_usage(&ctx);
		rc = commands[i].cmd->run(&ctx, argc - first - 1, argv + first + 1, &err);
		return rc < 0 ? report(&err) : rc;
	}
	tr_failx(&err, "unknown command \"%s\" (see 'tinyrun --help')", argv[first]);
	return report(&err);
}
