/* SPDX-License-Identifier: MIT */
/*
 * linux.resources on cgroup v1: the files of each controller, written in
 * the directory of the hierarchy that has it (ctrls says which controllers
 * this directory is responsible for). Field names in errors are the spec's,
 * so "linux.resources.memory.limit: write memory.limit_in_bytes ...".
 * Kernel reference: Documentation/admin-guide/cgroup-v1/.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"

#define F(x) "linux.resources." x

static int write_i64(int fd, const char *file, const char *field, int64_t v, struct tr_err *err)
{
	return cg_writef(fd, file, field, err, "%" PRId64, v);
}

static int need_file(int fd, const char *file, const char *field, struct tr_err *err)
{
	if (cg_has_file(fd, file))
		return 0;
	return tr_fail(err, ENOENT, "%s: this kernel has no %s", field, file);
}

static int memory(int fd, const struct spec_memory *m, struct tr_err *err)
{
	if (m->has_limit || m->has_swap) {
		/* memsw must stay >= limit at every moment: raising both means
		 * memsw first, lowering both means limit first */
		bool swap_first = false;

		if (m->has_swap && need_file(fd, "memory.memsw.limit_in_bytes", F("memory.swap"),
					     err) < 0)
			return -1;
		if (m->has_limit && m->has_swap) {
			uint64_t cur = cg_read_u64(fd, "memory.memsw.limit_in_bytes");

			swap_first = m->swap == -1 || (cur && (uint64_t)m->swap > cur);
		}
		if (swap_first &&
		    write_i64(fd, "memory.memsw.limit_in_bytes", F("memory.swap"), m->swap, err) < 0)
			return -1;
		if (m->has_limit &&
		    write_i64(fd, "memory.limit_in_bytes", F("memory.limit"), m->limit, err) < 0)
			return -1;
		if (m->has_swap && !swap_first &&
		    write_i64(fd, "memory.memsw.limit_in_bytes", F("memory.swap"), m->swap, err) < 0)
			return -1;
	}
	if (m->has_reservation &&
	    write_i64(fd, "memory.soft_limit_in_bytes", F("memory.reservation"), m->reservation,
		      err) < 0)
		return -1;
	if (m->has_kernel &&
	    (need_file(fd, "memory.kmem.limit_in_bytes", F("memory.kernel"), err) < 0 ||
	     write_i64(fd, "memory.kmem.limit_in_bytes", F("memory.kernel"), m->kernel, err) < 0))
		return -1;
	if (m->has_kernel_tcp &&
	    (need_file(fd, "memory.kmem.tcp.limit_in_bytes", F("memory.kernelTCP"), err) < 0 ||
	     write_i64(fd, "memory.kmem.tcp.limit_in_bytes", F("memory.kernelTCP"), m->kernel_tcp,
		       err) < 0))
		return -1;
	if (m->has_swappiness &&
	    cg_writef(fd, "memory.swappiness", F("memory.swappiness"), err, "%" PRIu64,
		      m->swappiness) < 0)
		return -1;
	if (m->has_disable_oom_killer && m->disable_oom_killer &&
	    cg_write(fd, "memory.oom_control", F("memory.disableOOMKiller"), "1", err) < 0)
		return -1;
	/* always 1 on kernels since 5.x, where writing 0 fails: say so */
	if (m->has_use_hierarchy &&
	    cg_write(fd, "memory.use_hierarchy", F("memory.useHierarchy"),
		     m->use_hierarchy ? "1" : "0", err) < 0)
		return -1;
	return 0;
}

static int cpu(int fd, const struct spec_cpu *c, struct tr_err *err)
{
	if (c->has_shares &&
	    cg_writef(fd, "cpu.shares", F("cpu.shares"), err, "%" PRIu64, c->shares) < 0)
		return -1;
	/* the period first: a quota is checked against the current period */
	if (c->has_period &&
	    cg_writef(fd, "cpu.cfs_period_us", F("cpu.period"), err, "%" PRIu64, c->period) < 0)
		return -1;
	if (c->has_quota &&
	    write_i64(fd, "cpu.cfs_quota_us", F("cpu.quota"), c->quota ? c->quota : -1, err) < 0)
		return -1;
	if (c->has_burst &&
	    (need_file(fd, "cpu.cfs_burst_us", F("cpu.burst"), err) < 0 ||
	     cg_writef(fd, "cpu.cfs_burst_us", F("cpu.burst"), err, "%" PRIu64, c->burst) < 0))
		return -1;
	if (c->has_realtime_period &&
	    (need_file(fd, "cpu.rt_period_us", F("cpu.realtimePeriod"), err) < 0 ||
	     cg_writef(fd, "cpu.rt_period_us", F("cpu.realtimePeriod"), err, "%" PRIu64,
		       c->realtime_period) < 0))
		return -1;
	if (c->has_realtime_runtime &&
	    (need_file(fd, "cpu.rt_runtime_us", F("cpu.realtimeRuntime"), err) < 0 ||
	     write_i64(fd, "cpu.rt_runtime_us", F("cpu.realtimeRuntime"), c->realtime_runtime,
		       err) < 0))
		return -1;
	if (c->has_idle &&
	    (need_file(fd, "cpu.idle", F("cpu.idle"), err) < 0 ||
	     write_i64(fd, "cpu.idle", F("cpu.idle"), c->idle, err) < 0))
		return -1;
	return 0;
}

static int throttle(int fd, const spec_throttle_list *l, const char *file, const char *field,
		    struct tr_err *err)
{
	for (size_t i = 0; i < l->n; i++)
		if (cg_writef(fd, file, field, err, "%" PRId64 ":%" PRId64 " %" PRIu64,
			      l->v[i].major, l->v[i].minor, l->v[i].rate) < 0)
			return -1;
	return 0;
}

static int blkio(int fd, const struct spec_blkio *b, struct tr_err *err)
{
	/* CFQ had blkio.weight; with BFQ it is blkio.bfq.weight (same range) */
	const char *wfile = cg_has_file(fd, "blkio.weight") ? "blkio.weight" : "blkio.bfq.weight";
	const char *wdfile = cg_has_file(fd, "blkio.weight_device") ? "blkio.weight_device"
								     : "blkio.bfq.weight_device";

	if (b->has_weight &&
	    (need_file(fd, wfile, F("blockIO.weight"), err) < 0 ||
	     cg_writef(fd, wfile, F("blockIO.weight"), err, "%u", b->weight) < 0))
		return -1;
	if (b->has_leaf_weight &&
	    (need_file(fd, "blkio.leaf_weight", F("blockIO.leafWeight"), err) < 0 ||
	     cg_writef(fd, "blkio.leaf_weight", F("blockIO.leafWeight"), err, "%u",
		       b->leaf_weight) < 0))
		return -1;
	for (size_t i = 0; i < b->weight_device.n; i++) {
		const struct spec_weight_device *w = &b->weight_device.v[i];

		if (w->has_weight &&
		    (need_file(fd, wdfile, F("blockIO.weightDevice"), err) < 0 ||
		     cg_writef(fd, wdfile, F("blockIO.weightDevice"), err,
			       "%" PRId64 ":%" PRId64 " %u", w->major, w->minor, w->weight) < 0))
			return -1;
		if (w->has_leaf_weight &&
		    (need_file(fd, "blkio.leaf_weight_device", F("blockIO.weightDevice"), err) < 0 ||
		     cg_writef(fd, "blkio.leaf_weight_device", F("blockIO.weightDevice"), err,
			       "%" PRId64 ":%" PRId64 " %u", w->major, w->minor, w->leaf_weight) < 0))
			return -1;
	}
	return throttle(fd, &b->throttle_read_bps, "blkio.throttle.read_bps_device",
			F("blockIO.throttleReadBpsDevice"), err) < 0 ||
	       throttle(fd, &b->throttle_write_bps, "blkio.throttle.write_bps_device",
			F("blockIO.throttleWriteBpsDevice"), err) < 0 ||
	       throttle(fd, &b->throttle_read_iops, "blkio.throttle.read_iops_device",
			F("blockIO.throttleReadIOPSDevice"), err) < 0 ||
	       throttle(fd, &b->throttle_write_iops, "blkio.throttle.write_iops_device",
			F("blockIO.throttleWriteIOPSDevice"), err) < 0 ? -1 : 0;
}

static int hugetlb(int fd, const struct spec_resources *r, struct tr_err *err)
{
	for (size_t i = 0; i < r->hugepage_limits.n; i++) {
		const struct spec_hugepage_limit *h = &r->hugepage_limits.v[i];
		char file[64], field[64];

		snprintf(file, sizeof(file), "hugetlb.%s.limit_in_bytes", h->page_size);
		snprintf(field, sizeof(field), F("hugepageLimits[%zu]"), i);
		if (need_file(fd, file, field, err) < 0 ||
		    cg_writef(fd, file, field, err, "%" PRIu64, h->limit) < 0)
			return -1;
	}
	return 0;
}

/* "c 1:3 rwm", "a *:* rwm": the syntax of devices.allow and devices.deny. */
static void dev_rule_line(const struct spec_dev_rule *d, char *buf, size_t len)
{
	char maj[24] = "*", min[24] = "*";

	if (d->major >= 0)
		snprintf(maj, sizeof(maj), "%" PRId64, d->major);
	if (d->minor >= 0)
		snprintf(min, sizeof(min), "%" PRId64, d->minor);
	snprintf(buf, len, "%c %s:%s %s", d->type ? d->type : 'a', maj, min,
		 d->access[0] ? d->access : "rwm");
}

/* Deny everything, then each rule in order: a later rule wins, as in the spec. */
static int devices(int fd, const struct spec_dev_rule *rules, size_t n, struct tr_err *err)
{
	char line[64], field[64];

	if (!n)
		return 0;
	if (cg_write(fd, "devices.deny", F("devices"), "a", err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		dev_rule_line(&rules[i], line, sizeof(line));
		snprintf(field, sizeof(field), F("devices[%zu]"), i);
		if (cg_write(fd, rules[i].allow ? "devices.allow" : "devices.deny", field, line,
			     err) < 0)
			return -1;
	}
	return 0;
}

static int network(int fd, unsigned ctrls, const struct spec_network *n, struct tr_err *err)
{
	if ((ctrls & CG_BIT(CG_NET_CLS)) && n->has_class_id &&
	    cg_writef(fd, "net_cls.classid", F("network.classID"), err, "%u", n->class_id) < 0)
		return -1;
	if (ctrls & CG_BIT(CG_NET_PRIO)) {
		for (size_t i = 0; i < n->priorities.n; i++)
			if (cg_writef(fd, "net_prio.ifpriomap", F("network.priorities"), err, "%s %u",
				      n->priorities.v[i].name, n->priorities.v[i].priority) < 0)
				return -1;
	}
	return 0;
}

int cgroup_v1_apply(int fd, unsigned ctrls, const struct spec_resources *r,
		    const struct spec_dev_rule *rules, size_t n_rules, bool created,
		    struct tr_err *err)
{
#define HAS(c) (ctrls & CG_BIT(c))
	if (HAS(CG_MEMORY) && r->has_memory && memory(fd, &r->memory, err) < 0)
		return -1;
	if (HAS(CG_CPU) && r->has_cpu && cpu(fd, &r->cpu, err) < 0)
		return -1;
	if (HAS(CG_CPUSET) && r->has_cpu && cgroup_cpuset_write(fd, &r->cpu, err) < 0)
		return -1;
	if (HAS(CG_PIDS) && r->has_pids &&
	    (r->pids.limit > 0 ? write_i64(fd, "pids.max", F("pids.limit"), r->pids.limit, err)
			       : cg_write(fd, "pids.max", F("pids.limit"), "max", err)) < 0)
		return -1;
	if (HAS(CG_BLKIO) && r->has_blkio && blkio(fd, &r->blkio, err) < 0)
		return -1;
	if (HAS(CG_HUGETLB) && hugetlb(fd, r, err) < 0)
		return -1;
	if (HAS(CG_RDMA) && cgroup_rdma_write(fd, r, err) < 0)
		return -1;
	if ((HAS(CG_NET_CLS) || HAS(CG_NET_PRIO)) && r->has_network &&
	    network(fd, ctrls, &r->network, err) < 0)
		return -1;
	if (HAS(CG_DEVICES) && devices(fd, rules, n_rules, err) < 0)
		return -1;
#undef HAS
	(void)created;
	return 0;
}

/* ---- stats ---- */

void cgroup_v1_stats(int fd, unsigned ctrls, struct cgroup_stats *st)
{
	if (ctrls & CG_BIT(CG_CPUACCT)) {
		uint64_t user = 0, sys = 0;

		st->cpu.usage_total = cg_read_u64(fd, "cpuacct.usage");
		/* cpuacct.stat is in USER_HZ ticks (100 a second on Linux) */
		if (cg_read_key(fd, "cpuacct.stat", "user", &user) == 0)
			st->cpu.usage_user = user * 10000000ULL;
		if (cg_read_key(fd, "cpuacct.stat", "system", &sys) == 0)
			st->cpu.usage_kernel = sys * 10000000ULL;
	}
	if (ctrls & CG_BIT(CG_CPU)) {
		cg_read_key(fd, "cpu.stat", "nr_periods", &st->cpu.periods);
		cg_read_key(fd, "cpu.stat", "nr_throttled", &st->cpu.throttled_periods);
		cg_read_key(fd, "cpu.stat", "throttled_time", &st->cpu.throttled_time);
	}
	if (ctrls & CG_BIT(CG_MEMORY)) {
		uint64_t memsw;

		st->memory.usage = cg_read_u64(fd, "memory.usage_in_bytes");
		st->memory.max_usage = cg_read_u64(fd, "memory.max_usage_in_bytes");
		st->memory.limit = cg_read_u64(fd, "memory.limit_in_bytes");
		st->memory.failcnt = cg_read_u64(fd, "memory.failcnt");
		cg_read_key(fd, "memory.stat", "cache", &st->memory.cache);
		memsw = cg_read_u64(fd, "memory.memsw.usage_in_bytes");
		st->memory.swap_usage = memsw > st->memory.usage ? memsw - st->memory.usage : 0;
		st->memory.swap_limit = cg_read_u64(fd, "memory.memsw.limit_in_bytes");
		cg_read_key(fd, "memory.oom_control", "oom_kill", &st->memory.oom_kill);
		st->memory.oom_events = st->memory.oom_kill;
	}
	if (ctrls & CG_BIT(CG_PIDS)) {
		st->pids.current = cg_read_u64(fd, "pids.current");
		st->pids.limit = cg_read_u64(fd, "pids.max");
	}
	if (ctrls & CG_BIT(CG_BLKIO)) {
		char buf[4096], *p = buf;

		/* "8:0 Read 4096" lines, summed over devices */
		if (cg_read(fd, "blkio.throttle.io_service_bytes_recursive", buf, sizeof(buf)) > 0) {
			while (*p) {
				char op[16];
				unsigned long long v;

				if (sscanf(p, "%*s %15s %llu", op, &v) == 2) {
					if (!strcmp(op, "Read"))
						st->blkio.read_bytes += v;
					else if (!strcmp(op, "Write"))
						st->blkio.write_bytes += v;
				}
				p = strchrnul(p, '\n');
				if (*p)
					p++;
			}
		}
	}
}
