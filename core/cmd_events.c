/* SPDX-License-Identifier: MIT */
/*
 * tinyrun events: a container's resource statistics and OOM kills, one JSON
 * object a line, with runc's field names ({"type":"stats","id":..,"data":
 * {"cpu":..,"memory":..,"pids":..,"blkio":..,"hugetlb":..}} and
 * {"type":"oom","id":..}), so that tools written for runc read them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "cgroup.h"
#include "commands.h"
#include "container_cg.h"
#include "state.h"

/* OOM kills and the end of the container are noticed this often (ns). */
#define POLL_NS 200000000ull

static void print_stats(const char *id, const struct cgroup_stats *s)
{
	printf("{\"type\":\"stats\",\"id\":\"%s\",\"data\":{", id);
	printf("\"cpu\":{\"usage\":{\"total\":%" PRIu64 ",\"kernel\":%" PRIu64 ",\"user\":%" PRIu64
	       "},\"throttling\":{\"periods\":%" PRIu64 ",\"throttledPeriods\":%" PRIu64
	       ",\"throttledTime\":%" PRIu64 "}},",
	       s->cpu.usage_total, s->cpu.usage_kernel, s->cpu.usage_user, s->cpu.periods,
	       s->cpu.throttled_periods, s->cpu.throttled_time);
	printf("\"memory\":{\"cache\":%" PRIu64 ",\"usage\":{\"limit\":%" PRIu64 ",\"usage\":%" PRIu64
	       ",\"max\":%" PRIu64 ",\"failcnt\":%" PRIu64 "},\"swap\":{\"limit\":%" PRIu64
	       ",\"usage\":%" PRIu64 ",\"failcnt\":0}},",
	       s->memory.cache, s->memory.limit, s->memory.usage, s->memory.max_usage,
	       s->memory.failcnt, s->memory.swap_limit, s->memory.swap_usage);
	printf("\"pids\":{\"current\":%" PRIu64 ",\"limit\":%" PRIu64 "},", s->pids.current,
	       s->pids.limit);
	printf("\"blkio\":{\"ioServiceBytesRecursive\":[{\"op\":\"Read\",\"value\":%" PRIu64
	       "},{\"op\":\"Write\",\"value\":%" PRIu64 "}],\"ioServicedRecursive\":[{\"op\":"
	       "\"Read\",\"value\":%" PRIu64 "},{\"op\":\"Write\",\"value\":%" PRIu64 "}]},",
	       s->blkio.read_bytes, s->blkio.write_bytes, s->blkio.read_ios, s->blkio.write_ios);
	printf("\"hugetlb\":{");
	for (size_t i = 0; i < s->n_hugetlb; i++)
		printf("%s\"%s\":{\"usage\":%" PRIu64 ",\"max\":%" PRIu64 ",\"failcnt\":%" PRIu64 "}",
		       i ? "," : "", s->hugetlb[i].size, s->hugetlb[i].usage,
		       s->hugetlb[i].max_usage, s->hugetlb[i].failcnt);
	printf("}}}\n");
	fflush(stdout);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* One oom event per kill since the last look (the count may jump). */
static void report_ooms(const char *id, const struct cgroup *cg, int64_t *seen)
{
	int64_t now = cgroup_oom_kills(cg);

	if (now < 0)
		return;
	for (; *seen >= 0 && *seen < now; (*seen)++)
		printf("{\"type\":\"oom\",\"id\":\"%s\"}\n", id);
	*seen = now;
	fflush(stdout);
}

static int events_run(struct tr_ctx *ctx, int argc, char **argv, struct tr_err *err)
{
	const char *interval = "5s";
	int help = 0, stats = 0, first, rc = 0;
	const struct cli_opt opts[] = {
		{ "stats", 0, CLI_FLAG, &stats },
		{ "interval", 0, CLI_STRING, &interval },
		{ 0 },
	};
	struct container_state st = { 0 };
	struct cgroup_stats s;
	struct cgroup *cg;
	uint64_t every, next;
	int64_t seen;

	first = cli_parse(argc, argv, opts, &help, err);
	if (first < 0)
		return -1;
	if (help)
		return cli_usage(ctx);
	if (container_parse_duration(interval, &every) < 0 || every == 0)
		return tr_failx(err, "events: --interval: expected a duration such as 5s or 500ms, "
				"got \"%s\"", interval);
	if (cli_positional(argc, argv, first, 1, "events", "container ID", err) < 0 ||
	    container_cgroups(ctx->root, argv[first], 0, &st, &cg, err) < 0)
		return -1;
	if (stats) {
		rc = cgroup_stats(cg, &s, err);
		if (!rc)
			print_stats(argv[first], &s);
		goto out;
	}
	seen = cgroup_oom_kills(cg);
	for (next = now_ns();;) {
		uint64_t t = now_ns(), wait;
		struct timespec ts;

		report_ooms(argv[first], cg, &seen);
		if (state_status(&st) == CONTAINER_STOPPED) {
			/* the kill that ended it may have been counted meanwhile */
			report_ooms(argv[first], cg, &seen);
			break;
		}
		if (t >= next) {
			if (cgroup_stats(cg, &s, err) == 0)
				print_stats(argv[first], &s);
			next = t + every;
		}
		t = now_ns();
		wait = next > t ? next - t : 0;
		if (wait > POLL_NS)
			wait = POLL_NS;
		ts.tv_sec = (time_t)(wait / 1000000000ull);
		ts.tv_nsec = (long)(wait % 1000000000ull);
		nanosleep(&ts, NULL);
	}
out:
	cgroup_free(cg);
	state_free(&st);
	return rc < 0 ? -1 : 0;
}

const struct cmd cmd_events = {
	.name = "events",
	.summary = "print resource statistics and OOM events of a container",
	.usage =
	"usage: tinyrun events [--stats] [--interval DURATION] ID\n"
	"\n"
	"Print the statistics of container ID's cgroups every DURATION as JSON\n"
	"lines {\"type\":\"stats\",\"id\":ID,\"data\":{cpu, memory, pids, blkio,\n"
	"hugetlb}} with runc's field names, and {\"type\":\"oom\",\"id\":ID} for each\n"
	"process the OOM killer kills. Ends when the container stops.\n"
	"\n"
	"Options:\n"
	"  --stats                print the statistics once and exit\n"
	"  --interval DURATION    time between statistics (default 5s; 500ms, 1m)\n",
	.run = events_run,
};
