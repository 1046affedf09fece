/* SPDX-License-Identifier: MIT */
/*
 * tinyrun features: the runtime-spec features document (features.md). It is
 * decided at build time: each list holds what the configured modules
 * implement, so a caller such as containerd never assumes a feature this
 * build left out.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "autoconf.h"
#include "commands.h"
#include "spec.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const char *const hook_kinds[] = {
	"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
};

static cJSON *features_linux(void)
{
	static const struct { unsigned long flag; int built; } ns[] = {
		{ CLONE_NEWNS, 1 }, { CLONE_NEWPID, 1 }, { CLONE_NEWUTS, 1 }, { CLONE_NEWIPC, 1 },
		{ CLONE_NEWUSER, CFG_NS_USER }, { CLONE_NEWNET, CFG_NS_NET },
		{ CLONE_NEWCGROUP, CFG_NS_CGROUP }, { CLONE_NEWTIME, CFG_NS_TIME },
	};
	cJSON *l = cJSON_CreateObject(), *a, *o;
	unsigned i;

	a = cJSON_AddArrayToObject(l, "namespaces");
	for (i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		if (ns[i].built)
			cJSON_AddItemToArray(a, cJSON_CreateString(spec_ns_name(ns[i].flag)));
	}
	a = cJSON_AddArrayToObject(l, "capabilities");
	for (i = 0; CFG_CAPS && i <= SPEC_CAP_LAST; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(spec_cap_name((int)i)));
	o = cJSON_AddObjectToObject(l, "cgroup");
	cJSON_AddBoolToObject(o, "v1", CFG_CGROUP_V1);
	cJSON_AddBoolToObject(o, "v2", CFG_CGROUP_V2);
	cJSON_AddBoolToObject(o, "systemd", 0);
	cJSON_AddBoolToObject(o, "systemdUser", 0);
	cJSON_AddBoolToObject(cJSON_AddObjectToObject(l, "seccomp"), "enabled", 0);
	cJSON_AddBoolToObject(cJSON_AddObjectToObject(l, "apparmor"), "enabled", 0);
	cJSON_AddBoolToObject(cJSON_AddObjectToObject(l, "selinux"), "enabled", 0);
	cJSON_AddBoolToObject(cJSON_AddObjectToObject(l, "intelRdt"), "enabled", 0);
	o = cJSON_AddObjectToObject(cJSON_AddObjectToObject(l, "mountExtensions"), "idmap");
	cJSON_AddBoolToObject(o, "enabled", 0);
	return l;
}

static int features_run(struct tr_ctx *ctx, int argc, char **argv, struct tr_err *err)
{
	const struct spec_mount_opt *m;
	int help = 0, first, rc;
	const struct cli_opt opts[] = { { 0 } };
	cJSON *doc, *a, *o;
	char *text;
	size_t i;

	first = cli_parse(argc, argv, opts, &help, err);
	if (first < 0)
		return -1;
	if (help)
		return cli_usage(ctx);
	if (cli_positional(argc, argv, first, 0, "features", "", err) < 0)
		return -1;
	doc = cJSON_CreateObject();
	cJSON_AddStringToObject(doc, "ociVersionMin", "1.0.0");
	cJSON_AddStringToObject(doc, "ociVersionMax", "1.2.0");
	a = cJSON_AddArrayToObject(doc, "hooks");
	for (i = 0; CFG_HOOKS && i < sizeof(hook_kinds) / sizeof(hook_kinds[0]); i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(hook_kinds[i]));
	a = cJSON_AddArrayToObject(doc, "mountOptions");
	for (i = 0; (m = spec_mount_option_at(i)); i++) {
		if (!(m->extra & SPEC_MOUNT_IDMAP))
			cJSON_AddItemToArray(a, cJSON_CreateString(m->name));
	}
	cJSON_AddItemToObject(doc, "linux", features_linux());
	o = cJSON_AddObjectToObject(doc, "annotations");
	cJSON_AddStringToObject(o, "org.tinyrun.version", TINYRUN_VERSION);
	cJSON_AddStringToObject(o, "org.tinyrun.commit", TINYRUN_COMMIT);
	text = cJSON_Print(doc);
	cJSON_Delete(doc);
	if (!text)
		return tr_fail(err, ENOMEM, "features");
	rc = puts(text) < 0 || fflush(stdout) ? tr_fail(err, errno, "features: stdout") : 0;
	free(text);
	return rc;
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
