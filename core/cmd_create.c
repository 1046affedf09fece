/* SPDX-License-Identifier: MIT */
/* tinyrun create: make a container from a bundle; its init waits for start. */
#include "commands.h"
#include "container.h"

/* The options create and run share; run adds its own. */
int create_opts_parse(const char *cmd, struct create_opts *o, const struct cli_opt *extra,
		      int argc, char **argv, int *help, struct tr_err *err)
{
	unsigned long long fds = 0;
	struct cli_opt opts[16] = {
		{ "bundle", 'b', CLI_STRING, &o->bundle },
		{ "pid-file", 0, CLI_STRING, &o->pid_file },
		{ "console-socket", 0, CLI_STRING, &o->console_socket },
		{ "no-pivot", 0, CLI_FLAG, &o->no_pivot },
		{ "no-new-keyring", 0, CLI_FLAG, &o->no_new_keyring },
		{ "preserve-fds", 0, CLI_UINT, &fds },
	};
	int n = 6, first;

	while (extra && extra->name && n < 15)
		opts[n++] = *extra++;
	o->bundle = ".";
	first = cli_parse(argc, argv, opts, help, err);
	if (first < 0)
		return -1;
	if (fds > 65536)
		return tr_failx(err, "--preserve-fds: %llu is too many", fds);
	o->preserve_fds = (unsigned)fds;
	if (*help)
		return first;
	if (cli_positional(argc, argv, first, 1, cmd, "container ID", err) < 0)
		return -1;
	o->id = argv[first];
	return first;
}

static int create_run(struct tr_ctx *ctx, int argc, char **argv, struct tr_err *err)
{
	struct create_opts o = { .root = ctx->root };
	int help = 0;
	pid_t pid;

	if (create_opts_parse("create", &o, NULL, argc, argv, &help, err) < 0)
		return -1;
	if (help)
		return cli_usage(ctx);
	return container_create(&o, &pid, err) < 0 ? -1 : 0;
}

const struct cmd cmd_create = {
	.name = "create",
	.summary = "create a container from a bundle",
	.usage =
	"usage: tinyrun create [options] ID\n"
	"\n"
	"Create container ID from the bundle: namespaces, mounts and process\n"
	"settings are applied and hooks up to createContainer run; the process\n"
	"waits until 'tinyrun start ID' runs it.\n"
	"\n"
	"Options:\n"
	"  -b, --bundle DIR        bundle directory (default: current directory)\n"
	"  --pid-file FILE         write the container's pid to FILE (no newline)\n"
	"  --console-socket PATH   unix socket that receives the terminal's master\n"
	"  --no-pivot              move the root with MS_MOVE and chroot instead of\n"
	"                          pivot_root (for roots on an initramfs)\n"
	"  --no-new-keyring        keep the caller's session keyring\n"
	"  --preserve-fds N        pass fds 3 to 3+N-1 to the container\n",
	.run = create_run,
};
