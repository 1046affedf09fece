/* SPDX-License-Identifier: MIT */
/* The runc-style option parser and the error convention it reports through. */
#include "cli.h"
#include "unit.h"

struct parsed {
	const char *bundle;
	int detach;
	unsigned long long fds;
	int help;
};

static int parse(struct parsed *p, int argc, char **argv, struct tr_err *err)
{
	const struct cli_opt opts[] = {
		{ "bundle", 'b', CLI_STRING, &p->bundle },
		{ "detach", 'd', CLI_FLAG, &p->detach },
		{ "preserve-fds", 0, CLI_UINT, &p->fds },
		{ 0 },
	};

	memset(p, 0, sizeof(*p));
	return cli_parse(argc, argv, opts, &p->help, err);
}

static void forms_of_values(void)
{
	char *a1[] = { "--bundle", "/b", "id" };
	char *a2[] = { "--bundle=/c", "-d", "id" };
	char *a3[] = { "-b", "/d", "-bundle", "/e", "--preserve-fds", "3", "x", "--detach" };
	struct tr_err err = { 0 };
	struct parsed p;

	CHECK_INT(parse(&p, 3, a1, &err), 2);
	CHECK_STR(p.bundle, "/b");
	CHECK_INT(parse(&p, 3, a2, &err), 2);
	CHECK_STR(p.bundle, "/c");
	CHECK_INT(p.detach, 1);
	/* the first positional ends the options, as urfave/cli does */
	CHECK_INT(parse(&p, 8, a3, &err), 6);
	CHECK_STR(p.bundle, "/e");
	CHECK_INT(p.fds, 3);
	CHECK_INT(p.detach, 0);
}

static void flags_and_help(void)
{
	char *a1[] = { "--detach=false", "--help", "--", "-d" };
	char *a2[] = { "--detach=maybe" };
	struct tr_err err = { 0 };
	struct parsed p;

	CHECK_INT(parse(&p, 4, a1, &err), 3);
	CHECK_INT(p.detach, 0);
	CHECK_INT(p.help, 1);
	CHECK_INT(parse(&p, 1, a2, &err), -1);
	CHECK_CONTAINS(err.msg, "--detach: expected true or false");
}

static void bad_options(void)
{
	char *a1[] = { "--nope", "x" };
	char *a2[] = { "--bundle" };
	char *a3[] = { "--preserve-fds", "-1" };
	char *a4[] = { "--preserve-fds=3x" };
	char *a5[] = { "--preserve-fds", "99999999999999999999999" };
	struct tr_err err = { 0 };
	struct parsed p;

	CHECK_INT(parse(&p, 2, a1, &err), -1);
	CHECK_STR(err.msg, "unknown option --nope");
	CHECK_INT(parse(&p, 1, a2, &err), -1);
	CHECK_STR(err.msg, "option --bundle needs a value");
	CHECK_INT(parse(&p, 2, a3, &err), -1);
	CHECK_CONTAINS(err.msg, "--preserve-fds: expected a number");
	CHECK_INT(parse(&p, 1, a4, &err), -1);
	CHECK_INT(parse(&p, 2, a5, &err), -1);
}

static void positional_count(void)
{
	char *argv[] = { "a", "b" };
	struct tr_err err = { 0 };

	CHECK_INT(cli_positional(2, argv, 1, 1, "start", "container ID", &err), 0);
	CHECK_INT(cli_positional(1, argv, 1, 1, "start", "container ID", &err), -1);
	CHECK_CONTAINS(err.msg, "start: missing container ID");
	CHECK_INT(cli_positional(2, argv, 0, 1, "start", "container ID", &err), -1);
	CHECK_STR(err.msg, "start: unexpected argument \"b\"");
}

static void error_prefix_and_str(void)
{
	struct tr_err err = { 0 };
	char buf[TR_ERR_MSG_MAX + 64];
	char longctx[TR_ERR_MSG_MAX * 2];

	CHECK_INT(tr_fail(&err, 2, "open %s", "config.json"), -1);
	tr_err_prefix(&err, "bundle %s", "/b");
	CHECK_STR(err.msg, "bundle /b: open config.json");
	CHECK_STR(tr_err_str(&err, buf, sizeof(buf)), "bundle /b: open config.json: No such file or directory");
	CHECK_INT(tr_failx(&err, "plain"), -1);
	CHECK_INT(err.errnum, 0);
	CHECK_STR(tr_err_str(&err, buf, sizeof(buf)), "plain");
	/* an over-long prefix is cut, never overflows, and stays terminated */
	memset(longctx, 'x', sizeof(longctx) - 1);
	longctx[sizeof(longctx) - 1] = 0;
	tr_err_prefix(&err, "%s", longctx);
	CHECK_INT(strlen(err.msg), TR_ERR_MSG_MAX - 1);
	CHECK_INT(tr_failx(NULL, "no err"), -1);
}

/* CLI_LIST: exec's repeatable --env, in order, bounded by the caller's array */
static void repeated_option(void)
{
	char *a1[] = { "-e", "A=1", "--env=B=2", "--env", "A=3", "id", "-e" };
	char *a2[] = { "-e", "A", "-e", "B", "-e", "C" };
	const char *v[2], *w[8];
	struct cli_list env = { v, 0, 2 }, env2 = { w, 0, 8 };
	const struct cli_opt opts[] = { { "env", 'e', CLI_LIST, &env }, { 0 } };
	const struct cli_opt opts2[] = { { "env", 'e', CLI_LIST, &env2 }, { 0 } };
	struct tr_err err = { 0 };
	int help = 0;

	CHECK_INT(cli_parse(1, a1, opts, &help, &err), -1);	/* -e needs a value */
	env.n = 0;
	CHECK_INT(cli_parse(5, a1, opts, &help, &err), -1);	/* three into two */
	CHECK(strstr(err.msg, "--env") != NULL);
	env.n = 0;
	CHECK_INT(cli_parse(4, a2, opts, &help, &err), 4);
	CHECK_INT(env.n, 2);
	CHECK_STR(v[0], "A");
	CHECK_STR(v[1], "B");
	CHECK_INT(cli_parse(7, a1, opts2, &help, &err), 5);
	CHECK_INT(env2.n, 3);
	CHECK_STR(w[0], "A=1");
	CHECK_STR(w[1], "B=2");
	CHECK_STR(w[2], "A=3");
}

UNIT_SUITE(cli,
	{ "forms_of_values", forms_of_values },
	{ "flags_and_help", flags_and_help },
	{ "bad_options", bad_options },
	{ "positional_count", positional_count },
	{ "error_prefix_and_str", error_prefix_and_str },
	{ "repeated_option", repeated_option });
