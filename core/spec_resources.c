/* SPDX-License-Identifier: MIT */
/*
 * linux.resources, parsed whole; the cgroup modules apply it. Ranges checked
 * here are the ones the spec or the kernel interface fixes (swappiness 0..100,
 * blkio weights 10..1000); limits that depend on the machine are left to the
 * kernel to refuse.
 */
#define SPEC_INTERNAL
#include <string.h>

#include "spec.h"

/* ---- devices (the allow/deny list) ---- */

static int parse_rule_type(struct spec_ctx *c, const cJSON *item, void *dst)
{
	char *t;

	if (spec_get_string(c, item, &t) < 0)
		return -1;
	if (strlen(t) != 1 || !strchr("acb", t[0]))
		return spec_err(c, "unknown device type \"%s\" (expected a, c or b)", t);
	*(char *)dst = t[0];
	return 0;
}

static int parse_access(struct spec_ctx *c, const cJSON *item, void *dst)
{
	char *a, *out = dst;
	size_t i;

	if (spec_get_string(c, item, &a) < 0)
		return -1;
	for (i = 0; a[i]; i++)
		if (!strchr("rwm", a[i]) || strchr(a + i + 1, a[i]))
			return spec_err(c, "invalid access \"%s\" (expected a subset of \"rwm\")", a);
	strcpy(out, a);		/* at most 3 distinct letters */
	return 0;
}

struct rule_parse {
	struct spec_dev_rule r;
	bool has_type, has_major, has_minor, has_access;
};

static int rule_check(struct spec_ctx *c, void *obj)
{
	struct rule_parse *p = obj;

	(void)c;
	if (!p->has_type)
		p->r.type = 'a';
	if (!p->has_major)
		p->r.major = -1;
	if (!p->has_minor)
		p->r.minor = -1;
	if (!p->has_access)
		strcpy(p->r.access, "rwm");
	return 0;
}

#define R(m) r.m
#define RHAS(m) offsetof(struct rule_parse, has_##m)
static const struct spec_field rule_table_fields[] = {
	{ .key = "allow", .type = SF_BOOL, .flags = SF_REQ, .off = offsetof(struct rule_parse, r.allow),
	  .has_off = SPEC_NO_HAS },
	F_FN(struct rule_parse, "type", R(type), 0, RHAS(type), parse_rule_type),
	F_INTX(struct rule_parse, "major", R(major), 0, RHAS(major), -1, UINT32_MAX),
	F_INTX(struct rule_parse, "minor", R(minor), 0, RHAS(minor), -1, UINT32_MAX),
	F_FN(struct rule_parse, "access", R(access), 0, RHAS(access), parse_access),
};
static SPEC_TABLE(rule_table, struct rule_parse, rule_check);

static int parse_rules(struct spec_ctx *c, const cJSON *item, void *dst)
{
	struct spec_resources *res = (struct spec_resources *)((char *)dst -
			offsetof(struct spec_resources, devices));
	const cJSON *e;
	size_t n = 0;

	if (spec_expect(c, item, cJSON_Array, "array") < 0)
		return -1;
	cJSON_ArrayForEach(e, item)
		n++;
	res->devices.v = spec_alloc(c, (n ? n : 1) * sizeof(*res->devices.v));
	if (!res->devices.v)
		return -1;
	n = 0;
	cJSON_ArrayForEach(e, item) {
		struct rule_parse p = { 0 };
		size_t old = spec_path_push(c, "[%zu]", n);
		int r = spec_parse_object(c, e, &rule_table, &p);

		spec_path_pop(c, old);
		if (r < 0)
			return -1;
		res->devices.v[n++] = p.r;
	}
	res->devices.n = n;
	return 0;
}

/* ---- memory, cpu, pids ---- */

static const struct spec_field memory_table_fields[] = {
	F_INTH(struct spec_memory, "limit", limit, I64_RANGE),
	F_INTH(struct spec_memory, "reservation", reservation, I64_RANGE),
	F_INTH(struct spec_memory, "swap", swap, I64_RANGE),
	F_INTH(struct spec_memory, "kernel", kernel, I64_RANGE),
	F_INTH(struct spec_memory, "kernelTCP", kernel_tcp, I64_RANGE),
	F_INTH(struct spec_memory, "swappiness", swappiness, 0, 100),
	F_BOOLH(struct spec_memory, "disableOOMKiller", disable_oom_killer),
	F_BOOLH(struct spec_memory, "useHierarchy", use_hierarchy),
	F_BOOL(struct spec_memory, "checkBeforeUpdate", check_before_update),
};
static SPEC_TABLE(memory_table, struct spec_memory, NULL);

static int parse_cpuset(struct spec_ctx *c, const cJSON *item, void *dst)
{
	if (spec_get_string(c, item, (char **)dst) < 0)
		return -1;
	if (!spec_cpuset_valid(*(char **)dst))
		return spec_err(c, "invalid list \"%s\" (expected e.g. \"0-3,5\")", *(char **)dst);
	return 0;
}

static const struct spec_field cpu_table_fields[] = {
	F_INTH(struct spec_cpu, "shares", shares, U64_RANGE),
	F_INTH(struct spec_cpu, "quota", quota, I64_RANGE),
	F_INTH(struct spec_cpu, "burst", burst, U64_RANGE),
	F_INTH(struct spec_cpu, "period", period, U64_RANGE),
	F_INTH(struct spec_cpu, "realtimeRuntime", realtime_runtime, I64_RANGE),
	F_INTH(struct spec_cpu, "realtimePeriod", realtime_period, U64_RANGE),
	F_FN(struct spec_cpu, "cpus", cpus, 0, SPEC_NO_HAS, parse_cpuset),
	F_FN(struct spec_cpu, "mems", mems, 0, SPEC_NO_HAS, parse_cpuset),
	F_INTH(struct spec_cpu, "idle", idle, I64_RANGE),
};
static SPEC_TABLE(cpu_table, struct spec_cpu, NULL);

static const struct spec_field pids_table_fields[] = {
	F_INTR(struct spec_pids, "limit", limit, I64_RANGE),
};
static SPEC_TABLE(pids_table, struct spec_pids, NULL);

/* ---- blockIO ---- */

static const struct spec_field wdev_table_fields[] = {
	F_INTR(struct spec_weight_device, "major", major, 0, UINT32_MAX),
	F_INTR(struct spec_weight_device, "minor", minor, 0, UINT32_MAX),
	F_INTH(struct spec_weight_device, "weight", weight, 10, 1000),
	F_INTH(struct spec_weight_device, "leafWeight", leaf_weight, 10, 1000),
};
static SPEC_TABLE(wdev_table, struct spec_weight_device, NULL);

static const struct spec_field tdev_table_fields[] = {
	F_INTR(struct spec_throttle_device, "major", major, 0, UINT32_MAX),
	F_INTR(struct spec_throttle_device, "minor", minor, 0, UINT32_MAX),
	F_INTR(struct spec_throttle_device, "rate", rate, U64_RANGE),
};
static SPEC_TABLE(tdev_table, struct spec_throttle_device, NULL);

static const struct spec_field blkio_table_fields[] = {
	F_INTH(struct spec_blkio, "weight", weight, 10, 1000),
	F_INTH(struct spec_blkio, "leafWeight", leaf_weight, 10, 1000),
	F_LIST(struct spec_blkio, "weightDevice", weight_device, 0, wdev_table),
	F_LIST(struct spec_blkio, "throttleReadBpsDevice", throttle_read_bps, 0, tdev_table),
	F_LIST(struct spec_blkio, "throttleWriteBpsDevice", throttle_write_bps, 0, tdev_table),
	F_LIST(struct spec_blkio, "throttleReadIOPSDevice", throttle_read_iops, 0, tdev_table),
	F_LIST(struct spec_blkio, "throttleWriteIOPSDevice", throttle_write_iops, 0, tdev_table),
};
static SPEC_TABLE(blkio_table, struct spec_blkio, NULL);

/* ---- hugepages, network ---- */

static int hugepage_check(struct spec_ctx *c, void *obj)
{
	struct spec_hugepage_limit *h = obj;
	const char *p = h->page_size;

	/* the cgroup file name part: digits then KB, MB or GB ("2MB", "1GB") */
	while (*p >= '0' && *p <= '9')
		p++;
	if (p == h->page_size || *h->page_size == '0' ||
	    (strcmp(p, "KB") && strcmp(p, "MB") && strcmp(p, "GB")))
		return spec_err_at(c, "pageSize", "invalid page size \"%s\" (expected e.g. \"2MB\")",
				   h->page_size);
	return 0;
}

static const struct spec_field hugepage_table_fields[] = {
	F_STR(struct spec_hugepage_limit, "pageSize", page_size, SF_REQ),
	F_INTR(struct spec_hugepage_limit, "limit", limit, U64_RANGE),
};
static SPEC_TABLE(hugepage_table, struct spec_hugepage_limit, hugepage_check);

static const struct spec_field netprio_table_fields[] = {
	F_STR(struct spec_net_priority, "name", name, SF_REQ | SF_NONEMPTY),
	F_INTR(struct spec_net_priority, "priority", priority, U32_RANGE),
};
static SPEC_TABLE(netprio_table, struct spec_net_priority, NULL);

static const struct spec_field network_table_fields[] = {
	F_INTH(struct spec_network, "classID", class_id, U32_RANGE),
	F_LIST(struct spec_network, "priorities", priorities, 0, netprio_table),
};
static SPEC_TABLE(network_table, struct spec_network, NULL);

/* ---- rdma: device name -> limits ---- */

static const struct spec_field rdma_table_fields[] = {
	F_INTH(struct spec_rdma_limit, "hcaHandles", hca_handles, U32_RANGE),
	F_INTH(struct spec_rdma_limit, "hcaObjects", hca_objects, U32_RANGE),
};
static SPEC_TABLE(rdma_table, struct spec_rdma_limit, NULL);

static int parse_rdma(struct spec_ctx *c, const cJSON *item, void *dst)
{
	struct spec_resources *res = (struct spec_resources *)((char *)dst -
			offsetof(struct spec_resources, rdma));
	const cJSON *e;
	size_t n = 0;

	if (spec_expect(c, item, cJSON_Object, "object") < 0)
		return -1;
	cJSON_ArrayForEach(e, item)
		n++;
	res->rdma.v = spec_alloc(c, (n ? n : 1) * sizeof(*res->rdma.v));
	if (!res->rdma.v)
		return -1;
	n = 0;
	cJSON_ArrayForEach(e, item) {
		struct spec_rdma_limit *l = &res->rdma.v[n];
		size_t old = spec_path_push(c, ".%s", e->string);
		int r = spec_parse_object(c, e, &rdma_table, l);

		if (!r && !(l->device = spec_strdup(c, e->string)))
			r = -1;
		spec_path_pop(c, old);
		if (r < 0)
			return -1;
		n++;
	}
	res->rdma.n = n;
	return 0;
}

/* ---- unified: cgroup v2 file name -> value ---- */

static int unified_key(struct spec_ctx *c, const char *key)
{
	/* a file in the container's own cgroup directory: "memory.high", never a path */
	if (strchr(key, '/') || !strcmp(key, "..") || !strchr(key, '.') || key[0] == '.')
		return spec_err(c, "invalid cgroup file name (expected e.g. \"memory.high\")");
	return 0;
}

static int parse_unified(struct spec_ctx *c, const cJSON *item, void *dst)
{
	return spec_get_map(c, item, dst, unified_key);
}

static const struct spec_field spec_resources_table_fields[] = {
	F_FN(struct spec_resources, "devices", devices, 0, SPEC_NO_HAS, parse_rules),
	F_OBJ(struct spec_resources, "memory", memory, SPEC_HAS(struct spec_resources, memory), memory_table),
	F_OBJ(struct spec_resources, "cpu", cpu, SPEC_HAS(struct spec_resources, cpu), cpu_table),
	F_OBJ(struct spec_resources, "pids", pids, SPEC_HAS(struct spec_resources, pids), pids_table),
	F_OBJ(struct spec_resources, "blockIO", blkio, SPEC_HAS(struct spec_resources, blkio), blkio_table),
	F_LIST(struct spec_resources, "hugepageLimits", hugepage_limits, 0, hugepage_table),
	F_OBJ(struct spec_resources, "network", network, SPEC_HAS(struct spec_resources, network),
	      network_table),
	F_FN(struct spec_resources, "rdma", rdma, 0, SPEC_NO_HAS, parse_rdma),
	F_FN(struct spec_resources, "unified", unified, 0, SPEC_NO_HAS, parse_unified),
};
SPEC_TABLE(spec_resources_table, struct spec_resources, NULL);
