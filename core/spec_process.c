/* SPDX-License-Identifier: MIT */
/*
 * The process object: user, args, env, cwd, capabilities, rlimits, and the
 * scheduling knobs. The same table parses config.json's "process" and the
 * standalone file given to `tinyrun exec --process`.
 */
#define SPEC_INTERNAL
#include <limits.h>
#include <string.h>

#include "spec.h"

static const struct spec_field console_table_fields[] = {
	F_INTR(struct spec_console_size, "height", height, U32_RANGE),
	F_INTR(struct spec_console_size, "width", width, U32_RANGE),
};
static SPEC_TABLE(console_table, struct spec_console_size, NULL);

static int parse_gids(struct spec_ctx *c, const cJSON *item, void *dst)
{
	struct spec_user *u = (struct spec_user *)((char *)dst - offsetof(struct spec_user, additional_gids));
	const cJSON *e;
	size_t n = 0;

	if (spec_expect(c, item, cJSON_Array, "array of integers") < 0)
		return -1;
	cJSON_ArrayForEach(e, item)
		n++;
	u->additional_gids.v = spec_alloc(c, (n ? n : 1) * sizeof(uint32_t));
	if (!u->additional_gids.v)
		return -1;
	n = 0;
	cJSON_ArrayForEach(e, item) {
		size_t old = spec_path_push(c, "[%zu]", n);
		int64_t sv;
		uint64_t uv;
		int r = spec_get_int(c, e, U32_RANGE, &sv, &uv);

		spec_path_pop(c, old);
		if (r < 0)
			return -1;
		u->additional_gids.v[n++] = (uint32_t)uv;
	}
	u->additional_gids.n = n;
	return 0;
}

static const struct spec_field user_table_fields[] = {
	F_INTR(struct spec_user, "uid", uid, U32_RANGE),
	F_INTR(struct spec_user, "gid", gid, U32_RANGE),
	F_INTH(struct spec_user, "umask", umask, 0, 07777),
	F_FN(struct spec_user, "additionalGids", additional_gids, 0, SPEC_NO_HAS, parse_gids),
};
static SPEC_TABLE(user_table, struct spec_user, NULL);

/* One capability set: a list of names to a bitmask. */
static int parse_capset(struct spec_ctx *c, const cJSON *item, void *dst)
{
	struct spec_strv names;
	uint64_t mask = 0;
	size_t i;

	if (spec_get_strv(c, item, 0, &names) < 0)
		return -1;
	for (i = 0; i < names.n; i++) {
		int cap = spec_cap_from_name(names.v[i]);

		if (cap < 0) {
			size_t old = spec_path_push(c, "[%zu]", i);

			spec_err(c, "unknown capability \"%s\"", names.v[i]);
			spec_path_pop(c, old);
			return -1;
		}
		mask |= 1ULL << cap;
	}
	*(uint64_t *)dst = mask;
	return 0;
}

#define F_CAPS(k, m) F_FN(struct spec_caps, k, m, 0, SPEC_HAS(struct spec_caps, m), parse_capset)
static const struct spec_field caps_table_fields[] = {
	F_CAPS("bounding", bounding),
	F_CAPS("effective", effective),
	F_CAPS("inheritable", inheritable),
	F_CAPS("permitted", permitted),
	F_CAPS("ambient", ambient),
};
static SPEC_TABLE(caps_table, struct spec_caps, NULL);

static int parse_rlimit_type(struct spec_ctx *c, const cJSON *item, void *dst)
{
	char *name;
	int t;

	if (spec_get_string(c, item, &name) < 0)
		return -1;
	t = spec_rlimit_from_name(name);
	if (t < 0)
		return spec_err(c, "unknown rlimit \"%s\"", name);
	*(int *)dst = t;
	return 0;
}

static int rlimit_check(struct spec_ctx *c, void *obj)
{
	struct spec_rlimit *r = obj;

	if (r->soft > r->hard)
		return spec_err(c, "soft limit %llu is above hard limit %llu",
				(unsigned long long)r->soft, (unsigned long long)r->hard);
	return 0;
}

static const struct spec_field rlimit_table_fields[] = {
	F_FN(struct spec_rlimit, "type", type, SF_REQ, SPEC_NO_HAS, parse_rlimit_type),
	F_INTR(struct spec_rlimit, "hard", hard, U64_RANGE),
	F_INTR(struct spec_rlimit, "soft", soft, U64_RANGE),
};
static SPEC_TABLE(rlimit_table, struct spec_rlimit, rlimit_check);

static int parse_ioprio_class(struct spec_ctx *c, const cJSON *item, void *dst)
{
	char *name;
	int v;

	if (spec_get_string(c, item, &name) < 0)
		return -1;
	v = spec_ioprio_class_from_name(name);
	if (v < 0)
		return spec_err(c, "unknown I/O priority class \"%s\"", name);
	*(int *)dst = v;
	return 0;
}

static const struct spec_field ioprio_table_fields[] = {
	F_FN(struct spec_io_priority, "class", class, SF_REQ, SPEC_NO_HAS, parse_ioprio_class),
	F_INT(struct spec_io_priority, "priority", priority, 0, 7),
};
static SPEC_TABLE(ioprio_table, struct spec_io_priority, NULL);

static int parse_sched_policy(struct spec_ctx *c, const cJSON *item, void *dst)
{
	char *name;
	int v;

	if (spec_get_string(c, item, &name) < 0)
		return -1;
	v = spec_sched_policy_from_name(name);
	if (v < 0)
		return spec_err(c, "unknown scheduler policy \"%s\"", name);
	*(int *)dst = v;
	return 0;
}

static int parse_sched_flags(struct spec_ctx *c, const cJSON *item, void *dst)
{
	return spec_get_flag_names(c, item, spec_sched_flag_from_name, "scheduler flag",
				   (uint64_t *)dst);
}

static const struct spec_field sched_table_fields[] = {
	F_FN(struct spec_scheduler, "policy", policy, SF_REQ, SPEC_NO_HAS, parse_sched_policy),
	F_INT(struct spec_scheduler, "nice", nice, -20, 19),
	F_INT(struct spec_scheduler, "priority", priority, I32_RANGE),
	F_FN(struct spec_scheduler, "flags", flags, 0, SPEC_NO_HAS, parse_sched_flags),
	F_INT(struct spec_scheduler, "runtime", runtime, U64_RANGE),
	F_INT(struct spec_scheduler, "deadline", deadline, U64_RANGE),
	F_INT(struct spec_scheduler, "period", period, U64_RANGE),
};
static SPEC_TABLE(sched_table, struct spec_scheduler, NULL);

static int parse_cpuset(struct spec_ctx *c, const cJSON *item, void *dst)
{
	if (spec_get_string(c, item, (char **)dst) < 0)
		return -1;
	if (!spec_cpuset_valid(*(char **)dst))
		return spec_err(c, "invalid CPU list \"%s\" (expected e.g. \"0-3,5\")", *(char **)dst);
	return 0;
}

struct cpu_affinity {
	char *initial, *final;
};

static const struct spec_field affinity_table_fields[] = {
	F_FN(struct cpu_affinity, "initial", initial, 0, SPEC_NO_HAS, parse_cpuset),
	F_FN(struct cpu_affinity, "final", final, 0, SPEC_NO_HAS, parse_cpuset),
};
static SPEC_TABLE(affinity_table, struct cpu_affinity, NULL);

static int parse_affinity(struct spec_ctx *c, const cJSON *item, void *dst)
{
	struct spec_process *p = (struct spec_process *)((char *)dst -
			offsetof(struct spec_process, exec_cpu_affinity_initial));
	struct cpu_affinity a = { 0 };

	if (spec_parse_object(c, item, &affinity_table, &a) < 0)
		return -1;
	p->exec_cpu_affinity_initial = a.initial;
	p->exec_cpu_affinity_final = a.final;
	return 0;
}

static int process_check(struct spec_ctx *c, void *obj)
{
	struct spec_process *p = obj;
	size_t i, j;

	for (i = 0; i < p->rlimits.n; i++)
		for (j = 0; j < i; j++)
			if (p->rlimits.v[i].type == p->rlimits.v[j].type) {
				size_t old = spec_path_push(c, "%srlimits[%zu]", c->plen ? "." : "", i);

				spec_err_at(c, "type", "duplicate rlimit \"%s\"",
					    spec_rlimit_name(p->rlimits.v[i].type));
				spec_path_pop(c, old);
				return -1;
			}
	return 0;
}

static const struct spec_field spec_process_table_fields[] = {
	F_BOOL(struct spec_process, "terminal", terminal),
	F_OBJ(struct spec_process, "consoleSize", console_size,
	      SPEC_HAS(struct spec_process, console_size), console_table),
	F_OBJ(struct spec_process, "user", user, SPEC_NO_HAS, user_table),
	F_STRV(struct spec_process, "args", args, SF_REQ | SF_NONEMPTY),
	F_STRV(struct spec_process, "env", env, SF_ENV),
	F_STR(struct spec_process, "cwd", cwd, SF_REQ | SF_ABS),
	F_OBJ(struct spec_process, "capabilities", caps,
	      offsetof(struct spec_process, has_capabilities), caps_table),
	F_LIST(struct spec_process, "rlimits", rlimits, 0, rlimit_table),
	F_BOOL(struct spec_process, "noNewPrivileges", no_new_privileges),
	F_STR(struct spec_process, "apparmorProfile", apparmor_profile, 0),
	F_STR(struct spec_process, "selinuxLabel", selinux_label, 0),
	F_INTH(struct spec_process, "oomScoreAdj", oom_score_adj, -1000, 1000),
	F_OBJ(struct spec_process, "ioPriority", io_priority,
	      SPEC_HAS(struct spec_process, io_priority), ioprio_table),
	F_OBJ(struct spec_process, "scheduler", scheduler,
	      SPEC_HAS(struct spec_process, scheduler), sched_table),
	F_FN(struct spec_process, "execCPUAffinity", exec_cpu_affinity_initial, 0,
	     SPEC_HAS(struct spec_process, exec_cpu_affinity), parse_affinity),
};
SPEC_TABLE(spec_process_table, struct spec_process, process_check);
