/* SPDX-License-Identifier: MIT */
/*
 * linux.resources on cgroup v2 (Documentation/admin-guide/cgroup-v2.rst).
 * The spec's values are v1-style; they are converted the way runc and crun
 * convert them, so that a bundle means the same on either version:
 *   cpu.shares 2..262144        -> cpu.weight 1 + ((shares - 2) * 9999) / 262142
 *   blockIO.weight 10..1000     -> io.weight 1 + ((weight - 10) * 9999) / 990
 *   memory.swap (memory + swap) -> memory.swap.max = swap - limit
 *   cpu.quota, cpu.period       -> cpu.max "QUOTA PERIOD" ("max" for no quota)
 * The conversions are documented in docs/tinyrun.8 (CGROUPS).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#if CGROUP_HAVE_BPF_DEVICES
#include "bpf_devices.h"
#endif

#define F(x) "linux.resources." x

uint64_t cgroup_shares_to_weight(uint64_t shares)
{
	if (shares == 0)
		return 0;	/* unset */
	if (shares < 2)
		shares = 2;
	if (shares > 262144)
		shares = 262144;
	return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t cgroup_blkio_to_io_weight(uint64_t weight)
{
	if (weight == 0)
		return 0;	/* unset */
	if (weight < 10)
		weight = 10;
	if (weight > 1000)
		weight = 1000;
	return 1 + ((weight - 10) * 9999) / 990;
}

int cgroup_swap_to_v2(int64_t swap, int64_t limit, int64_t *out, struct tr_err *err)
{
	/* v1's memsw is memory + swap; v2 limits swap alone */
	if (swap == -1 || swap == 0) {
		*out = swap;	/* -1 unlimited, 0 none */
		return 0;
	}
	if (limit <= 0)
		return tr_failx(err, F("memory.swap") ": a swap limit needs memory.limit too "
				"(on cgroup v2 swap = memory.swap - memory.limit)");
	if (swap < limit)
		return tr_failx(err, F("memory.swap") ": %" PRId64 " is below memory.limit %"
				PRId64 " (it counts memory + swap)", swap, limit);
	*out = swap - limit;
	return 0;
}

static int write_max(int fd, const char *file, const char *field, int64_t v, struct tr_err *err)
{
	if (v < 0)
		return cg_write(fd, file, field, "max", err);
	return cg_writef(fd, file, field, err, "%" PRId64, v);
}

static int refuse(const char *field, const char *why, struct tr_err *err)
{
	return tr_failx(err, "%s: not supported on cgroup v2 (%s)", field, why);
}

static int memory(int fd, const struct spec_memory *m, struct tr_err *err)
{
	if (m->has_swap) {
		int64_t swap = 0;

		if (cgroup_swap_to_v2(m->swap, m->has_limit ? m->limit : 0, &swap, err) < 0)
			return -1;
		if (!cg_has_file(fd, "memory.swap.max"))
			return tr_failx(err, F("memory.swap") ": no memory.swap.max (kernel built "
					"without swap accounting)");
		if (write_max(fd, "memory.swap.max", F("memory.swap"), swap, err) < 0)
			return -1;
	}
	if (m->has_limit && write_max(fd, "memory.max", F("memory.limit"), m->limit, err) < 0)
		return -1;
	if (m->has_reservation &&
	    write_max(fd, "memory.low", F("memory.reservation"), m->reservation, err) < 0)
		return -1;
	if (m->has_kernel)
		return refuse(F("memory.kernel"), "kernel memory is part of memory.max", err);
	if (m->has_kernel_tcp)
		return refuse(F("memory.kernelTCP"), "kernel memory is part of memory.max", err);
	if (m->has_swappiness)
		return refuse(F("memory.swappiness"), "there is no per-cgroup swappiness", err);
	if (m->has_disable_oom_killer && m->disable_oom_killer)
		return refuse(F("memory.disableOOMKiller"), "the OOM killer cannot be disabled",
			      err);
	if (m->has_use_hierarchy && !m->use_hierarchy)
		return refuse(F("memory.useHierarchy"), "v2 is always hierarchical", err);
	return 0;
}

static int cpu(int fd, const struct spec_cpu *c, struct tr_err *err)
{
	if (c->has_shares && c->shares &&
	    cg_writef(fd, "cpu.weight", F("cpu.shares"), err, "%" PRIu64,
		      cgroup_shares_to_weight(c->shares)) < 0)
		return -1;
	if (c->has_quota || c->has_period) {
		char cur[64] = "max 100000", quota[32];
		uint64_t period = 100000;

		/* keep what is not given (update may change one of the two) */
		if (cg_read(fd, "cpu.max", cur, sizeof(cur)) > 0)
			sscanf(cur, "%*s %" SCNu64, &period);
		sscanf(cur, "%31s", quota);
		if (c->has_period)
			period = c->period;
		if (c->has_quota) {
			if (c->quota > 0)
				snprintf(quota, sizeof(quota), "%" PRId64, c->quota);
			else
				strcpy(quota, "max");
		}
		if (cg_writef(fd, "cpu.max", c->has_quota ? F("cpu.quota") : F("cpu.period"), err,
			      "%s %" PRIu64, quota, period) < 0)
			return -1;
	}
	if (c->has_burst &&
	    cg_writef(fd, "cpu.max.burst", F("cpu.burst"), err, "%" PRIu64, c->burst) < 0)
		return -1;
	if (c->has_realtime_runtime || c->has_realtime_period)
		return refuse(c->has_realtime_runtime ? F("cpu.realtimeRuntime")
						       : F("cpu.realtimePeriod"),
			      "no real-time group scheduling", err);
	if (c->has_idle &&
	    cg_writef(fd, "cpu.idle", F("cpu.idle"), err, "%" PRId64, c->idle) < 0)
		return -1;
	return 0;
}

static int io_max(int fd, const spec_throttle_list *l, const char *key, const char *field,
		  struct tr_err *err)
{
	for (size_t i = 0; i < l->n; i++)
		if (cg_writef(fd, "io.max", field, err, "%" PRId64 ":%" PRId64 " %s=%" PRIu64,
			      l->v[i].major, l->v[i].minor, key, l->v[i].rate) < 0)
			return -1;
	return 0;
}

static int io(int fd, const struct spec_blkio *b, struct tr_err *err)
{
	/* io.weight (1..10000) converted; BFQ's io.bfq.weight takes v1's range as is */
	bool bfq = !cg_has_file(fd, "io.weight") && cg_has_file(fd, "io.bfq.weight");
	const char *wfile = bfq ? "io.bfq.weight" : "io.weight";

	if (b->has_weight && b->weight &&
	    cg_writef(fd, wfile, F("blockIO.weight"), err, "%s%" PRIu64, bfq ? "" : "default ",
		      bfq ? b->weight : cgroup_blkio_to_io_weight(b->weight)) < 0)
		return -1;
	if (b->has_leaf_weight)
		return refuse(F("blockIO.leafWeight"), "no leaf weights", err);
	for (size_t i = 0; i < b->weight_device.n; i++) {
		const struct spec_weight_device *w = &b->weight_device.v[i];

		if (w->has_leaf_weight)
			return refuse(F("blockIO.weightDevice"), "no leaf weights", err);
		if (w->has_weight &&
		    cg_writef(fd, wfile, F("blockIO.weightDevice"), err,
			      "%" PRId64 ":%" PRId64 " %" PRIu64, w->major, w->minor,
			      bfq ? w->weight : cgroup_blkio_to_io_weight(w->weight)) < 0)
			return -1;
	}
	return io_max(fd, &b->throttle_read_bps, "rbps", F("blockIO.throttleReadBpsDevice"),
		      err) < 0 ||
	       io_max(fd, &b->throttle_write_bps, "wbps", F("blockIO.throttleWriteBpsDevice"),
		      err) < 0 ||
	       io_max(fd, &b->throttle_read_iops, "riops", F("blockIO.throttleReadIOPSDevice"),
		      err) < 0 ||
	       io_max(fd, &b->throttle_write_iops, "wiops", F("blockIO.throttleWriteIOPSDevice"),
		      err) < 0 ? -1 : 0;
}

static int hugetlb(int fd, const struct spec_resources *r, struct tr_err *err)
{
	for (size_t i = 0; i < r->hugepage_limits.n; i++) {
		const struct spec_hugepage_limit *h = &r->hugepage_limits.v[i];
		char file[64], field[64];

		snprintf(file, sizeof(file), "hugetlb.%s.max", h->page_size);
		snprintf(field, sizeof(field), F("hugepageLimits[%zu]"), i);
		if (!cg_has_file(fd, file))
			return tr_failx(err, "%s: no %s (page size not supported here)", field,
					file);
		if (cg_writef(fd, file, field, err, "%" PRIu64, h->limit) < 0)
			return -1;
	}
	return 0;
}

/* The unified map: v2 files by name, each of which must exist in the container's cgroup. */
static int unified(int fd, const struct spec_map *u, struct tr_err *err)
{
	for (size_t i = 0; i < u->n; i++) {
		char field[128];

		snprintf(field, sizeof(field), F("unified.%s"), u->v[i].key);
		if (!cg_has_file(fd, u->v[i].key))
			return tr_failx(err, "%s: no such file in the container's cgroup (is its "
					"controller enabled?)", field);
		if (cg_write(fd, u->v[i].key, field, u->v[i].value, err) < 0)
			return -1;
	}
	return 0;
}

static int devices(int fd, const struct spec_dev_rule *rules, size_t n, struct tr_err *err)
{
	if (!n)
		return 0;
#if CGROUP_HAVE_BPF_DEVICES
	if (bpf_devices_apply(fd, rules, n, err) < 0) {
		tr_err_prefix(err, F("devices"));
		return -1;
	}
	return 0;
#else
	/* fail closed: without the filter the container would reach every device */
	return tr_failx(err, F("devices") ": cgroup v2 device rules need the BPF device filter, "
			"which this build of tinyrun does not have");
#endif
}

int cgroup_v2_apply(int fd, unsigned ctrls, const struct spec_resources *r,
		    const struct spec_dev_rule *rules, size_t n_rules, struct tr_err *err)
{
#define HAS(c) (ctrls & CG_BIT(c))
	if (HAS(CG_MEMORY) && r->has_memory && memory(fd, &r->memory, err) < 0)
		return -1;
	if (HAS(CG_CPU) && r->has_cpu && cpu(fd, &r->cpu, err) < 0)
		return -1;
	if (HAS(CG_CPUSET) && r->has_cpu && cgroup_cpuset_write(fd, &r->cpu, err) < 0)
		return -1;
	if (HAS(CG_PIDS) && r->has_pids &&
	    write_max(fd, "pids.max", F("pids.limit"), r->pids.limit > 0 ? r->pids.limit : -1,
		      err) < 0)
		return -1;
	if (HAS(CG_BLKIO) && r->has_blkio && io(fd, &r->blkio, err) < 0)
		return -1;
	if (HAS(CG_HUGETLB) && hugetlb(fd, r, err) < 0)
		return -1;
	if (HAS(CG_RDMA) && cgroup_rdma_write(fd, r, err) < 0)
		return -1;
	if (HAS(CG_DEVICES) && devices(fd, rules, n_rules, err) < 0)
		return -1;
#undef HAS
	return unified(fd, &r->unified, err);
}

/* ---- stats ---- */

static void key_us(int fd, const char *file, const char *key, uint64_t *out)
{
	if (cg_read_key(fd, file, key, out) == 0)
		*out *= 1000;	/* microseconds to runc's nanoseconds */
}

void cgroup_v2_stats(int fd, unsigned ctrls, struct cgroup_stats *st)
{
	static const char *const sizes[] = { "64KB", "2MB", "32MB", "512MB", "1GB", "16GB" };

	/* cpu.stat's usage is there without the cpu controller */
	key_us(fd, "cpu.stat", "usage_usec", &st->cpu.usage_total);
	key_us(fd, "cpu.stat", "user_usec", &st->cpu.usage_user);
	key_us(fd, "cpu.stat", "system_usec", &st->cpu.usage_kernel);
	cg_read_key(fd, "cpu.stat", "nr_periods", &st->cpu.periods);
	cg_read_key(fd, "cpu.stat", "nr_throttled", &st->cpu.throttled_periods);
	key_us(fd, "cpu.stat", "throttled_usec", &st->cpu.throttled_time);
	if (ctrls & CG_BIT(CG_MEMORY)) {
		st->memory.usage = cg_read_u64(fd, "memory.current");
		st->memory.max_usage = cg_read_u64(fd, "memory.peak");
		st->memory.limit = cg_read_u64(fd, "memory.max");
		cg_read_key(fd, "memory.stat", "file", &st->memory.cache);
		st->memory.swap_usage = cg_read_u64(fd, "memory.swap.current");
		st->memory.swap_limit = cg_read_u64(fd, "memory.swap.max");
		cg_read_key(fd, "memory.events", "max", &st->memory.failcnt);
		cg_read_key(fd, "memory.events", "oom", &st->memory.oom_events);
		cg_read_key(fd, "memory.events", "oom_kill", &st->memory.oom_kill);
	}
	if (ctrls & CG_BIT(CG_PIDS)) {
		st->pids.current = cg_read_u64(fd, "pids.current");
		st->pids.limit = cg_read_u64(fd, "pids.max");
	}
	if (ctrls & CG_BIT(CG_BLKIO)) {
		char buf[4096], *p = buf;

		/* "8:0 rbytes=N wbytes=N rios=N wios=N dbytes=N dios=N" per device */
		if (cg_read(fd, "io.stat", buf, sizeof(buf)) > 0) {
			while (*p) {
				unsigned long long rb, wb, ri, wi;

				if (sscanf(p, "%*s rbytes=%llu wbytes=%llu rios=%llu wios=%llu", &rb,
					   &wb, &ri, &wi) == 4) {
					st->blkio.read_bytes += rb;
					st->blkio.write_bytes += wb;
					st->blkio.read_ios += ri;
					st->blkio.write_ios += wi;
				}
				p = strchrnul(p, '\n');
				if (*p)
					p++;
			}
		}
	}
	if (ctrls & CG_BIT(CG_HUGETLB)) {
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			struct cgroup_hugetlb_stat *h = &st->hugetlb[st->n_hugetlb];
			char file[64];

			snprintf(file, sizeof(file), "hugetlb.%s.current", sizes[i]);
			if (!cg_has_file(fd, file) || st->n_hugetlb >= 8)
				continue;
			snprintf(h->size, sizeof(h->size), "%s", sizes[i]);
			h->usage = cg_read_u64(fd, file);
			snprintf(file, sizeof(file), "hugetlb.%s.events", sizes[i]);
			cg_read_key(fd, file, "max", &h->failcnt);
			st->n_hugetlb++;
		}
	}
}
