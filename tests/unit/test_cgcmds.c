/* SPDX-License-Identifier: MIT */
/* The cgroup commands' argument syntax (runc's sizes, Go durations) and the
 * standalone linux.resources parser that `update --resources` uses. */
#include <stdint.h>
#include <stdlib.h>

#include "container_cg.h"
#include "spec.h"
#include "unit.h"

static int64_t size_of(const char *s)
{
	int64_t v = -2;

	return container_parse_size(s, &v) < 0 ? -99 : v;
}

static void sizes(void)
{
	CHECK_INT(size_of("0"), 0);
	CHECK_INT(size_of("512"), 512);
	CHECK_INT(size_of("-1"), -1);
	CHECK_INT(size_of("64k"), 65536);
	CHECK_INT(size_of("64K"), 65536);
	CHECK_INT(size_of("16m"), 16 << 20);
	CHECK_INT(size_of("16MB"), 16 << 20);
	CHECK_INT(size_of("16MiB"), 16 << 20);
	CHECK_INT(size_of("2g"), 2LL << 30);
	CHECK_INT(size_of("1t"), 1LL << 40);
	CHECK_INT(size_of("100b"), 100);
	CHECK_INT(size_of(""), -99);
	CHECK_INT(size_of("m"), -99);
	CHECK_INT(size_of("-2"), -99);
	CHECK_INT(size_of("16x"), -99);
	CHECK_INT(size_of("16mm"), -99);
	CHECK_INT(size_of("1.5g"), -99);
	CHECK_INT(size_of("99999999999999999999"), -99);
	CHECK_INT(size_of("9999999999p"), -99);
}

static long long dur(const char *s)
{
	uint64_t v = 0;

	return container_parse_duration(s, &v) < 0 ? -1 : (long long)v;
}

static void durations(void)
{
	CHECK_INT(dur("5s"), 5000000000LL);
	CHECK_INT(dur("500ms"), 500000000LL);
	CHECK_INT(dur("1m30s"), 90000000000LL);
	CHECK_INT(dur("1.5s"), 1500000000LL);
	CHECK_INT(dur("2h"), 7200000000000LL);
	CHECK_INT(dur("10us"), 10000LL);
	CHECK_INT(dur("3"), 3000000000LL);
	CHECK_INT(dur(""), -1);
	CHECK_INT(dur("s"), -1);
	CHECK_INT(dur("5x"), -1);
	CHECK_INT(dur("-5s"), -1);
	CHECK_INT(dur("1m5"), -1);
}

static void resources_object(void)
{
	static const char json[] =
		"{\"memory\": {\"limit\": 33554432, \"swap\": -1}, \"cpu\": {\"shares\": 512,"
		" \"quota\": 20000, \"period\": 100000, \"cpus\": \"0\"}, \"pids\": {\"limit\": 7},"
		" \"blockIO\": {\"weight\": 300}}";
	struct tr_err err = { 0 };
	struct spec *s = NULL;
	const struct spec_resources *r;

	CHECK_INT(spec_parse_resources(json, sizeof(json) - 1, &s, &err), 0);
	if (!s)
		return;
	CHECK(s->has_linux && s->linux_cfg.has_resources);
	r = &s->linux_cfg.resources;
	CHECK(r->has_memory && r->memory.has_limit && r->memory.has_swap);
	CHECK_INT(r->memory.limit, 33554432);
	CHECK_INT(r->memory.swap, -1);
	CHECK(!r->memory.has_reservation);
	CHECK_INT(r->cpu.shares, 512);
	CHECK_INT(r->cpu.quota, 20000);
	CHECK_STR(r->cpu.cpus, "0");
	CHECK_INT(r->pids.limit, 7);
	CHECK_INT(r->blkio.weight, 300);
	spec_free(s);
}

static int parse(const char *json, struct spec **s, struct tr_err *err)
{
	return spec_parse_resources(json, strlen(json), s, err);
}

static void resources_errors_name_the_path(void)
{
	struct tr_err err = { 0 };
	struct spec *s = NULL;

	CHECK_INT(parse("{\"memory\": {\"limit\": \"x\"}}", &s, &err), -1);
	CHECK(!s);
	CHECK_CONTAINS(err.msg, "memory.limit");
	CHECK_INT(parse("{\"blockIO\": {\"weight\": 5}}", &s, &err), -1);
	CHECK_CONTAINS(err.msg, "blockIO.weight");
	CHECK_INT(parse("{\"cpu\": {\"cpus\": \"a-\"}}", &s, &err), -1);
	CHECK_CONTAINS(err.msg, "cpu.cpus");
	CHECK_INT(parse("[1]", &s, &err), -1);
	CHECK_CONTAINS(err.msg, "object");
	CHECK_INT(parse("{\"memory\": {", &s, &err), -1);
	CHECK_CONTAINS(err.msg, "invalid JSON");
	CHECK_INT(spec_parse_resources("", 0, &s, &err), -1);
}

UNIT_SUITE(cgcmds,
	{ "sizes", sizes },
	{ "durations", durations },
	{ "resources_object", resources_object },
	{ "resources_errors_name_the_path", resources_errors_name_the_path });
