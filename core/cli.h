/* SPDX-License-Identifier: MIT */
/*
 * Command-line model: the global context every command gets, the command
 * table entry each cmd_*.c defines, and a small runc-style option parser
 * ("--name value", "--name=value", "-n value", boolean flags, "--" ends
 * options, the first non-option ends options as urfave/cli does).
 */
#ifndef TINYRUN_CLI_H
#define TINYRUN_CLI_H

#include "error.h"

struct tr_ctx {
	const char *root;       /* --root: state directory */
	const char *log_path;   /* --log: file that receives log lines, or NULL */
	int log_json;           /* --log-format json */
	int debug;              /* --debug */
	const struct cmd *cmd;  /* the command being run */
};

enum cli_type { CLI_FLAG, CLI_STRING, CLI_UINT, CLI_LIST };

/* CLI_LIST: a repeatable option (exec --env); each value is appended to v,
 * which the caller sizes (argc entries always suffice). */
struct cli_list {
	const char **v;
	unsigned n, max;
};

struct cli_opt {
	const char *name;       /* long name, without "--" */
	char shortname;         /* 0 when there is none */
	enum cli_type type;
	void *out;              /* int *, const char **, unsigned long long *,
	                           struct cli_list * */
};

struct cmd {
	const char *name;
	const char *summary;    /* one line for `tinyrun --help` */
	const char *usage;      /* full text for `tinyrun NAME --help` */
	/* Returns the exit status (>=0), or <0 with err filled. */
	int (*run)(struct tr_ctx *ctx, int argc, char **argv, struct tr_err *err);
};

/*
 * Parse options from argv[0..argc). Returns the index of the first positional
 * argument (argc if none), or -1 with err naming the bad option. "-h" and
 * "--help" set *help and are otherwise ignored.
 */
int cli_parse(int argc, char **argv, const struct cli_opt *opts, int *help,
	      struct tr_err *err);

/* Print the running command's usage text; returns exit status 0. */
int cli_usage(const struct tr_ctx *ctx);

/* Expect exactly `want` positional arguments, named in `what` for the error. */
int cli_positional(int argc, char **argv, int first, int want, const char *cmd,
		   const char *what, struct tr_err *err);

#endif
