/* SPDX-License-Identifier: MIT */
/*
 * The linux object (config-linux.md) except resources: namespaces, id
 * mappings, time offsets, devices, propagation, masked/readonly paths,
 * sysctl, seccomp, personality, netDevices.
 */
#define SPEC_INTERNAL
#include <string.h>

#include "spec.h"

/* A string field that names something in a table; conv returns <0 if unknown. */
static int parse_name(struct spec_ctx *c, const cJSON *item, const char *what,
		      long long (*conv)(const char *), long long *out)
{
	char *name;

	if (spec_get_string(c, item, &name) < 0)
		return -1;
	*out = conv(name);
	if (*out < 0)
		return spec_err(c, "unknown %s \"%s\"", what, name);
	return 0;
}

/* ---- namespaces ---- */

static long long ns_conv(const char *name)
{
	unsigned long f = spec_ns_from_name(name);

	return f ? (long long)f : -1;
}

static int parse_ns_type(struct spec_ctx *c, const cJSON *item, void *dst)
{
	long long v;

	if (parse_name(c, item, "namespace type", ns_conv, &v) < 0)
		return -1;
	*(unsigned long *)dst = (unsigned long)v;
	return 0;
}

static const struct spec_field ns_table_fields[] = {
	F_FN(struct spec_namespace, "type", type, SF_REQ, SPEC_NO_HAS, parse_ns_type),
	F_STR(struct spec_namespace, "path", path, SF_ABS),
};
static SPEC_TABLE(ns_table, struct spec_namespace, NULL);

/* ---- id mappings ---- */

static int idmap_check(struct spec_ctx *c, void *obj)
{
	struct spec_id_map *m = obj;

	if (!m->size)
		return spec_err_at(c, "size", "must be greater than 0");
	if ((uint64_t)m->container_id + m->size > (uint64_t)UINT32_MAX + 1)
		return spec_err_at(c, "size", "containerID + size overflows 32 bits");
	if ((uint64_t)m->host_id + m->size > (uint64_t)UINT32_MAX + 1)
		return spec_err_at(c, "size", "hostID + size overflows 32 bits");
	return 0;
}

static const struct spec_field idmap_table_fields[] = {
	F_INTR(struct spec_id_map, "containerID", container_id, U32_RANGE),
	F_INTR(struct spec_id_map, "hostID", host_id, U32_RANGE),
	F_INTR(struct spec_id_map, "size", size, U32_RANGE),
};
static SPEC_TABLE(idmap_table, struct spec_id_map, idmap_check);

/* ---- time offsets ---- */

static const struct spec_field toff_table_fields[] = {
	F_INT(struct spec_time_offset, "secs", secs, I64_RANGE),
	F_INT(struct spec_time_offset, "nanosecs", nanosecs, 0, 999999999),
};
static SPEC_TABLE(toff_table, struct spec_time_offset, NULL);

struct time_offsets {
	struct spec_time_offset monotonic, boottime;
	bool has_monotonic, has_boottime;
};

static const struct spec_field toffs_table_fields[] = {
	F_OBJ(struct time_offsets, "monotonic", monotonic, SPEC_HAS(struct time_offsets, monotonic), toff_table),
	F_OBJ(struct time_offsets, "boottime", boottime, SPEC_HAS(struct time_offsets, boottime), toff_table),
};
static SPEC_TABLE(toffs_table, struct time_offsets, NULL);

static int parse_time_offsets(struct spec_ctx *c, const cJSON *item, void *dst)
{
	struct spec_linux *l = (struct spec_linux *)((char *)dst - offsetof(struct spec_linux, time_monotonic));
	struct time_offsets t = { 0 };

	if (spec_parse_object(c, item, &toffs_table, &t) < 0)
		return -1;
	l->time_monotonic = t.monotonic;
	l->time_monotonic.present = t.has_monotonic;
	l->time_boottime = t.boottime;
	l->time_boottime.present = t.has_boottime;
	return 0;
}

/* ---- devices ---- */

static int parse_dev_type(struct spec_ctx *c, const cJSON *item, void *dst)
{
	char *t;

	if (spec_get_string(c, item, &t) < 0)
		return -1;
	if (strlen(t) != 1 || !strchr("cbup", t[0]))
		return spec_err(c, "unknown device type \"%s\" (expected c, b, u or p)", t);
	*(char *)dst = t[0];
	return 0;
}

struct device_parse {
	struct spec_device d;
	bool has_major, has_minor;
};

static int device_check(struct spec_ctx *c, void *obj)
{
	struct device_parse *p = obj;

	if (p->d.type != 'p' && !p->has_major)
		return spec_err_at(c, "major", "required for device type '%c'", p->d.type);
	if (p->d.type != 'p' && !p->has_minor)
		return spec_err_at(c, "minor", "required for device type '%c'", p->d.type);
	return 0;
}

#define DEV(m) d.m
static const struct spec_field device_table_fields[] = {
	F_FN(struct device_parse, "type", DEV(type), SF_REQ, SPEC_NO_HAS, parse_dev_type),
	F_STR(struct device_parse, "path", DEV(path), SF_REQ | SF_ABS),
	F_INTX(struct device_parse, "major", DEV(major), 0, offsetof(struct device_parse, has_major),
	       0, UINT32_MAX),
	F_INTX(struct device_parse, "minor", DEV(minor), 0, offsetof(struct device_parse, has_minor),
	       0, UINT32_MAX),
	F_INTX(struct device_parse, "fileMode", DEV(file_mode), 0,
	       offsetof(struct device_parse, d.has_file_mode), 0, 07777),
	F_INTX(struct device_parse, "uid", DEV(uid), 0, offsetof(struct device_parse, d.has_uid), U32_RANGE),
	F_INTX(struct device_parse, "gid", DEV(gid), 0, offsetof(struct device_parse, d.has_gid), U32_RANGE),
};
static SPEC_TABLE(device_table, struct device_parse, device_check);

static int parse_devices(struct spec_ctx *c, const cJSON *item, void *dst)
{
	struct spec_linux *l = (struct spec_linux *)((char *)dst - offsetof(struct spec_linux, devices));
	const cJSON *e;
	size_t n = 0;

	if (spec_expect(c, item, cJSON_Array, "array") < 0)
		return -1;
	cJSON_ArrayForEach(e, item)
		n++;
	l->devices.v = spec_alloc(c, (n ? n : 1) * sizeof(*l->devices.v));
	if (!l->devices.v)
		return -1;
	n = 0;
	cJSON_ArrayForEach(e, item) {
		struct device_parse p = { 0 };
		size_t old = spec_path_push(c, "[%zu]", n);
		int r = spec_parse_object(c, e, &device_table, &p);

		spec_path_pop(c, old);
		if (r < 0)
			return -1;
		l->devices.v[n++] = p.d;
	}
	l->devices.n = n;
	return 0;
}

/* ---- small ones ---- */

static int parse_rootfs_propagation(struct spec_ctx *c, const cJSON *item, void *dst)
{
	char *name;

	if (spec_get_string(c, item, &name) < 0)
		return -1;
	*(unsigned long *)dst = spec_propagation_from_name(name);
	if (!*(unsigned long *)dst)
		return spec_err(c, "unknown propagation \"%s\" (expected private, rprivate, slave, "
				"rslave, shared, rshared, unbindable or runbindable)", name);
	return 0;
}

static int parse_intel_rdt(struct spec_ctx *c, const cJSON *item, void *dst)
{
	(void)item;
	(void)dst;
	return spec_err(c, "Intel RDT is not supported");
}

static int sysctl_key(struct spec_ctx *c, const char *key)
{
	if (!*key || strstr(key, ".."))
		return spec_err(c, "invalid sysctl name");
	return 0;
}

static int parse_sysctl(struct spec_ctx *c, const cJSON *item, void *dst)
{
	return spec_get_map(c, item, dst, sysctl_key);
}

/* netDevices: host interface name -> { "name": name in the container } */
static int parse_net_devices(struct spec_ctx *c, const cJSON *item, void *dst)
{
	struct spec_map *m = dst;
	const cJSON *e, *name;
	size_t n = 0;

	if (spec_expect(c, item, cJSON_Object, "object") < 0)
		return -1;
	cJSON_ArrayForEach(e, item)
		n++;
	m->v = spec_alloc(c, (n ? n : 1) * sizeof(*m->v));
	if (!m->v)
		return -1;
	n = 0;
	cJSON_ArrayForEach(e, item) {
		size_t old = spec_path_push(c, ".%s", e->string);
		int r = spec_expect(c, e, cJSON_Object, "object");

		if (!r && !(m->v[n].key = spec_strdup(c, e->string)))
			r = -1;
		name = r ? NULL : cJSON_GetObjectItemCaseSensitive(e, "name");
		if (name) {
			size_t o2 = spec_path_push(c, ".name");

			r = spec_get_string(c, name, &m->v[n].value);
			spec_path_pop(c, o2);
		}
		spec_path_pop(c, old);
		if (r < 0)
			return -1;
		n++;
	}
	m->n = n;
	return 0;
}

/* ---- seccomp ---- */

static long long action_conv(const char *s) { return spec_scmp_action_from_name(s); }
static long long op_conv(const char *s) { return spec_scmp_op_from_name(s); }

static int parse_action(struct spec_ctx *c, const cJSON *item, void *dst)
{
	long long v;

	if (parse_name(c, item, "seccomp action", action_conv, &v) < 0)
		return -1;
	*(int *)dst = (int)v;
	return 0;
}

static int parse_op(struct spec_ctx *c, const cJSON *item, void *dst)
{
	long long v;

	if (parse_name(c, item, "seccomp operator", op_conv, &v) < 0)
		return -1;
	*(int *)dst = (int)v;
	return 0;
}

static int parse_arches(struct spec_ctx *c, const cJSON *item, void *dst)
{
	struct spec_strv *v = dst;
	size_t i;

	if (spec_get_strv(c, item, 0, v) < 0)
		return -1;
	for (i = 0; i < v->n; i++)
		if (!spec_scmp_arch_known(v->v[i])) {
			size_t old = spec_path_push(c, "[%zu]", i);

			spec_err(c, "unknown seccomp architecture \"%s\"", v->v[i]);
			spec_path_pop(c, old);
			return -1;
		}
	return 0;
}

static int parse_scmp_flags(struct spec_ctx *c, const cJSON *item, void *dst)
{
	uint64_t mask;

	if (spec_get_flag_names(c, item, spec_scmp_flag_from_name, "seccomp flag", &mask) < 0)
		return -1;
	*(uint32_t *)dst = (uint32_t)mask;
	return 0;
}

static const struct spec_field scmp_arg_table_fields[] = {
	F_INTR(struct spec_seccomp_arg, "index", index, 0, 5),
	F_INTR(struct spec_seccomp_arg, "value", value, U64_RANGE),
	F_INT(struct spec_seccomp_arg, "valueTwo", value_two, U64_RANGE),
	F_FN(struct spec_seccomp_arg, "op", op, SF_REQ, SPEC_NO_HAS, parse_op),
};
static SPEC_TABLE(scmp_arg_table, struct spec_seccomp_arg, NULL);

static const struct spec_field scmp_sys_table_fields[] = {
	F_STRV(struct spec_seccomp_syscall, "names", names, SF_REQ | SF_NONEMPTY),
	F_FN(struct spec_seccomp_syscall, "action", action, SF_REQ, SPEC_NO_HAS, parse_action),
	F_INTH(struct spec_seccomp_syscall, "errnoRet", errno_ret, U32_RANGE),
	F_LIST(struct spec_seccomp_syscall, "args", args, 0, scmp_arg_table),
};
static SPEC_TABLE(scmp_sys_table, struct spec_seccomp_syscall, NULL);

static int seccomp_check(struct spec_ctx *c, void *obj)
{
	struct spec_seccomp *s = obj;
	bool notify = s->default_action == SPEC_SCMP_ACT_NOTIFY;
	size_t i;

	for (i = 0; i < s->syscalls.n; i++)
		notify |= s->syscalls.v[i].action == SPEC_SCMP_ACT_NOTIFY;
	if (notify && !s->listener_path)
		return spec_err_at(c, "listenerPath", "required when an action is SCMP_ACT_NOTIFY");
	if (s->default_action == SPEC_SCMP_ACT_NOTIFY)
		return spec_err_at(c, "defaultAction", "SCMP_ACT_NOTIFY cannot be the default action");
	return 0;
}

static const struct spec_field seccomp_table_fields[] = {
	F_FN(struct spec_seccomp, "defaultAction", default_action, SF_REQ, SPEC_NO_HAS, parse_action),
	F_INTH(struct spec_seccomp, "defaultErrnoRet", default_errno_ret, U32_RANGE),
	F_FN(struct spec_seccomp, "architectures", architectures, 0, SPEC_NO_HAS, parse_arches),
	F_FN(struct spec_seccomp, "flags", flags, 0, SPEC_NO_HAS, parse_scmp_flags),
	F_STR(struct spec_seccomp, "listenerPath", listener_path, SF_ABS),
	F_STR(struct spec_seccomp, "listenerMetadata", listener_metadata, 0),
	F_LIST(struct spec_seccomp, "syscalls", syscalls, 0, scmp_sys_table),
};
static SPEC_TABLE(seccomp_table, struct spec_seccomp, seccomp_check);

/* ---- personality ---- */

static int parse_domain(struct spec_ctx *c, const cJSON *item, void *dst)
{
	char *name;

	if (spec_get_string(c, item, &name) < 0)
		return -1;
	if (!strcmp(name, "LINUX"))
		*(unsigned long *)dst = 0;		/* PER_LINUX */
	else if (!strcmp(name, "LINUX32"))
		*(unsigned long *)dst = 0x0008;		/* PER_LINUX32 */
	else
		return spec_err(c, "unknown personality domain \"%s\" (expected LINUX or LINUX32)", name);
	return 0;
}

static int parse_personality_flags(struct spec_ctx *c, const cJSON *item, void *dst)
{
	struct spec_strv v;

	(void)dst;
	if (spec_get_strv(c, item, 0, &v) < 0)
		return -1;
	/* the runtime-spec defines no flag values yet */
	if (v.n)
		return spec_err(c, "unknown personality flag \"%s\"", v.v[0]);
	return 0;
}

static const struct spec_field personality_table_fields[] = {
	F_FN(struct spec_personality, "domain", domain, SF_REQ, SPEC_NO_HAS, parse_domain),
	/* validated only (must be empty): domain is a placeholder offset */
	F_FN(struct spec_personality, "flags", domain, 0, SPEC_NO_HAS, parse_personality_flags),
};
static SPEC_TABLE(personality_table, struct spec_personality, NULL);

/* ---- linux ---- */

static int linux_check(struct spec_ctx *c, void *obj)
{
	struct spec_linux *l = obj;
	size_t i, j;

	for (i = 0; i < l->namespaces.n; i++) {
		for (j = 0; j < i; j++)
			if (l->namespaces.v[i].type == l->namespaces.v[j].type) {
				size_t old = spec_path_push(c, ".namespaces[%zu]", i);

				spec_err_at(c, "type", "duplicate namespace \"%s\"",
					    spec_ns_name(l->namespaces.v[i].type));
				spec_path_pop(c, old);
				return -1;
			}
		l->ns_flags |= l->namespaces.v[i].type;
	}
	if ((l->uid_mappings.n || l->gid_mappings.n) && !(l->ns_flags & spec_ns_from_name("user")))
		return spec_err_at(c, l->uid_mappings.n ? "uidMappings" : "gidMappings",
				   "id mappings need a user namespace (linux.namespaces)");
	if ((l->time_monotonic.present || l->time_boottime.present) &&
	    !(l->ns_flags & spec_ns_from_name("time")))
		return spec_err_at(c, "timeOffsets", "time offsets need a time namespace (linux.namespaces)");
	return 0;
}

static int parse_resources(struct spec_ctx *c, const cJSON *item, void *dst)
{
	return spec_parse_object(c, item, &spec_resources_table, dst);
}

static const struct spec_field spec_linux_table_fields[] = {
	F_LIST(struct spec_linux, "namespaces", namespaces, 0, ns_table),
	F_LIST(struct spec_linux, "uidMappings", uid_mappings, 0, idmap_table),
	F_LIST(struct spec_linux, "gidMappings", gid_mappings, 0, idmap_table),
	F_FN(struct spec_linux, "timeOffsets", time_monotonic, 0, SPEC_NO_HAS, parse_time_offsets),
	F_FN(struct spec_linux, "devices", devices, 0, SPEC_NO_HAS, parse_devices),
	F_STR(struct spec_linux, "cgroupsPath", cgroups_path, 0),
	F_FN(struct spec_linux, "resources", resources, 0, SPEC_HAS(struct spec_linux, resources),
	     parse_resources),
	/* rejected, never stored: mount_label is only a placeholder offset */
	F_FN(struct spec_linux, "intelRdt", mount_label, 0, SPEC_NO_HAS, parse_intel_rdt),
	F_FN(struct spec_linux, "rootfsPropagation", rootfs_propagation, 0, SPEC_NO_HAS,
	     parse_rootfs_propagation),
	F_STRV(struct spec_linux, "maskedPaths", masked_paths, SF_ABS),
	F_STRV(struct spec_linux, "readonlyPaths", readonly_paths, SF_ABS),
	F_STR(struct spec_linux, "mountLabel", mount_label, 0),
	F_FN(struct spec_linux, "sysctl", sysctl, 0, SPEC_NO_HAS, parse_sysctl),
	F_OBJ(struct spec_linux, "seccomp", seccomp, SPEC_HAS(struct spec_linux, seccomp), seccomp_table),
	F_OBJ(struct spec_linux, "personality", personality, SPEC_HAS(struct spec_linux, personality),
	      personality_table),
	F_FN(struct spec_linux, "netDevices", net_devices, 0, SPEC_HAS(struct spec_linux, net_devices),
	     parse_net_devices),
};
SPEC_TABLE(spec_linux_table, struct spec_linux, linux_check);
