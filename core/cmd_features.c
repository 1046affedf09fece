/* SPDX-License-Identifier: MIT */
/*
 * tinyrun features: the runtime-spec features document (features.md). It is
 * decided at build time: each list holds what the configured modules
 * implement, so a caller such as containerd never assumes a feature this
 * build left out. Modules add their entries here as they land.
 */
#include <errno.h>
#include <stdio.h>

#include "autoconf.h"
#include "commands.h"

static int features_run(struct tr_ctx *ctx, int argc, char **argv, struct tr_err *err)
{
	int help = 0, first;
	const struct cli_opt opts[] = { { 0 } };

	first = cli_parse(argc, argv, opts, &help, err);
	if (first < 0)
		return -1;
	if (help)
		return cli_usage(ctx);
	if (cli_positional(argc, argv, first, 0, "features", "", err) < 0)
		return -1;
	printf("{\n"
	       "  \"ociVersionMin\": \"1.0.0\",\n"
	       "  \"ociVersionMax\": \"1.2.0\",\n"
	       "  \"hooks\": [],\n"
	       "  \"mountOptions\": [],\n"
	       "  \"linux\": {\n"
	       "    \"namespaces\": [],\n"
	       "    \"capabilities\": [],\n"
	       "    \"cgroup\": { \"v1\": false, \"v2\": false, \"systemd\": false, \"systemdUser\": false },\n"
	       "    \"seccomp\": { \"enabled\": false },\n"
	       "    \"apparmor\": { \"enabled\": false },\n"
	       "    \"selinux\": { \"enabled\": false }\n"
	       "  },\n"
	       "  \"annotations\": {\n"
	       "    \"org.tinyrun.version\": \"%s\",\n"
	       "    \"org.tinyrun.commit\": \"%s\"\n"
	       "  }\n"
	       "}\n", TINYRUN_VERSION, TINYRUN_COMMIT);
	return fflush(stdout) ? tr_fail(err, errno, "features: stdout") : 0;
}

const struct cmd cmd_features = {
	.name = "features",
	.summary = "print what this build supports (runtime-spec features.md)",
	.usage =
	"usage: tinyrun features\n"
	"\n"
	"Print the OCI runtime-spec features document: the spec versions, hooks,\n"
	"mount options, namespaces, capabilities and cgroup layouts this build of\n"
	"tinyrun supports. It depends only on how tinyrun was configured.\n",
	.run = features_run,
};
