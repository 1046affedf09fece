/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct cli_opt *find_opt(const struct cli_opt *opts, const char *name,
				      size_t len, char shortname)
{
	for (; opts->name; opts++) {
		if (shortname ? opts->shortname == shortname :
		    strlen(opts->name) == len && !memcmp(opts->name, name, len))
			return opts;
	}
	return NULL;
}

static int store(const struct cli_opt *o, const char *val, struct tr_err *err)
{
	char *end;
	unsigned long long v;

	switch (o->type) {
	case CLI_FLAG:
		/* urfave/cli accepts --flag=true/false for booleans */
		if (!val || !strcmp(val, "true"))
			*(int *)o->out = 1;
		else if (!strcmp(val, "false"))
			*(int *)o->out = 0;
		else
			return tr_failx(err, "--%s: expected true or false, got \"%s\"", o->name, val);
		return 0;
	case CLI_STRING:
		*(const char **)o->out = val;
		return 0;
	case CLI_LIST: {
		struct cli_list *l = o->out;

		if (l->n >= l->max)
			return tr_failx(err, "--%s: given too many times", o->name);
		l->v[l->n++] = val;
		return 0;
	}
	case CLI_UINT:
		errno = 0;
		if (*val < '0' || *val > '9')
			return tr_failx(err, "--%s: expected a number, got \"%s\"", o->name, val);
		v = strtoull(val, &end, 10);
		if (errno || *end)
			return tr_failx(err, "--%s: expected a number, got \"%s\"", o->name, val);
		*(unsigned long long *)o->out = v;
		return 0;
	}
	return -1;
}

int cli_parse(int argc, char **argv, const struct cli_opt *opts, int *help,
	      struct tr_err *err)
{
	int i;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i], *name, *val = NULL, *eq;
		const struct cli_opt *o;
		size_t len;

		if (!strcmp(a, "--"))
			return i + 1;
		if (a[0] != '-' || !a[1])
			return i;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			*help = 1;
			continue;
		}
		if (a[1] == '-') {
			/* both --name and -name are long options to urfave/cli */
			name = a + 2;
		} else if (!a[2]) {
			name = NULL;
		} else {
			name = a + 1;
		}
		if (name) {
			eq = strchr(name, '=');
			len = eq ? (size_t)(eq - name) : strlen(name);
			if (eq)
				val = eq + 1;
			o = find_opt(opts, name, len, 0);
		} else {
			o = find_opt(opts, NULL, 0, a[1]);
		}
		if (!o)
			return tr_failx(err, "unknown option %s", a);
		if (o->type != CLI_FLAG && !val) {
			if (i + 1 >= argc)
				return tr_failx(err, "option %s needs a value", a);
			val = argv[++i];
		}
		if (store(o, val, err) < 0)
			return -1;
	}
	return argc;
}

int cli_positional(int argc, char **argv, int first, int want, const char *cmd,
		   const char *what, struct tr_err *err)
{
	int have = argc - first;

	if (have < want)
		return tr_failx(err, "%s: missing %s (see 'tinyrun %s --help')", cmd, what, cmd);
	if (have > want)
		return tr_failx(err, "%s: unexpected argument \"%s\"", cmd, argv[first + want]);
	return 0;
}

int cli_usage(const struct tr_ctx *ctx)
{
	fputs(ctx->cmd->usage, stdout);
	return 0;
}
