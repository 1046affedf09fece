/* SPDX-License-Identifier: MIT */
/*
 * The container's cgroups, on every layout a board may have: pure cgroup v2,
 * pure v1, and hybrid (v1 controllers plus a cgroup2 mount holding the rest).
 * Each controller is used where it is mounted: a v1 hierarchy first, else the
 * cgroup2 mount if the controller is enabled there.
 *
 * Life of a container's cgroups:
 *   cgroup_create()      in the runtime, before the init exists: resolve
 *                        cgroupsPath per hierarchy, mkdir, write every
 *                        linux.resources value (errors name the JSON field)
 *   cgroup_clone()       clone the init, into its v2 cgroup when clone3 can
 *   cgroup_attach_self() in the init (or stage 1), first thing: move itself
 *                        ("0" to each v1 `tasks`, v2 `cgroup.procs`)
 *   cgroup_to_state()    what delete needs, for state.json
 *   cgroup_load()        back from the state (delete, pause, update, ...)
 *   cgroup_destroy()     kill what is left, wait until empty, rmdir
 *
 * Library code: nothing here prints or exits.
 */
#ifndef TINYRUN_CGROUP_H
#define TINYRUN_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "autoconf.h"
#include "error.h"
#include "spec.h"

struct container_state;

/* The v2 device filter (platform/bpf_devices.c) is built with CONFIG_CGROUP_V2
 * unless it gets a symbol of its own. */
#if defined(CFG_BPF_DEVICES)
#define CGROUP_HAVE_BPF_DEVICES (CFG_CGROUP_V2 && CFG_BPF_DEVICES)
#elif defined(CFG_CGROUP_BPF_DEVICES)
#define CGROUP_HAVE_BPF_DEVICES (CFG_CGROUP_V2 && CFG_CGROUP_BPF_DEVICES)
#else
#define CGROUP_HAVE_BPF_DEVICES CFG_CGROUP_V2
#endif
/* Can this build apply linux.resources.devices (v1 devices or the v2 filter)? */
#define CGROUP_CAN_FILTER_DEVICES (CFG_CGROUP_V1 || CGROUP_HAVE_BPF_DEVICES)

/* Controllers, as bits. v2's io is CG_BLKIO; on v2 freezer and devices are core features. */
enum cgroup_ctrl {
	CG_CPU, CG_CPUACCT, CG_CPUSET, CG_MEMORY, CG_DEVICES, CG_FREEZER, CG_NET_CLS,
	CG_NET_PRIO, CG_BLKIO, CG_PIDS, CG_HUGETLB, CG_RDMA, CG_MISC, CG_PERF_EVENT,
	CG_NCTRL
};
#define CG_BIT(c) (1u << (c))

/* The v1 name of a controller ("blkio"), or the v2 one with v2 set ("io"). */
const char *cgroup_ctrl_name(enum cgroup_ctrl c, bool v2);

/* ---- pure parsing (unit-tested on strings) ---- */

#define CG_MAX_HIER 16

/* One mounted hierarchy and the runtime's own cgroup in it. */
struct cgroup_mount {
	char mount[256];	/* mount point: /sys/fs/cgroup/memory */
	char root[256];		/* the mount's root in the hierarchy ("/" usually) */
	char own[1024];		/* our cgroup, relative to the mount point ("/" at its root) */
	bool v2;
	unsigned ctrls;		/* v1: the controllers in its super options */
	char name[64];		/* v1 named hierarchy ("systemd" for name=systemd), or "" */
};

struct cgroup_layout {
	struct cgroup_mount m[CG_MAX_HIER];
	size_t n;
	int v2;			/* index of the cgroup2 mount, -1 if none */
	int n_v1;		/* v1 hierarchies */
};

/*
 * From the text of /proc/self/mountinfo and /proc/self/cgroup: every
 * hierarchy we are in (first mount of each). No hierarchy is an error.
 */
int cgroup_parse_layout(const char *mountinfo, const char *self_cgroup,
			struct cgroup_layout *out, struct tr_err *err);

/* The same, from this process's /proc files. */
int cgroup_detect_layout(struct cgroup_layout *out, struct tr_err *err);

/*
 * The container's cgroup in the hierarchy mounted as m: an absolute
 * cgroupsPath from the mount point; a relative one (or the id when
 * cgroupsPath is absent) below our own cgroup on v1 and hybrid, beside our
 * own leaf on pure v2. Writes the path relative to the mount point into buf.
 */
int cgroup_resolve_dir(const struct cgroup_mount *m, bool pure_v2, const char *cgroups_path,
		       const char *id, char *buf, size_t len, struct tr_err *err);

/* ---- conversions of v1-style values for v2 (documented in tinyrun.8) ---- */

uint64_t cgroup_shares_to_weight(uint64_t shares);	/* 2..262144 -> 1..10000 */
uint64_t cgroup_blkio_to_io_weight(uint64_t weight);	/* 10..1000 -> 1..10000 */
/* memory.swap.max from the spec's memory+swap; -1 is "max". */
int cgroup_swap_to_v2(int64_t swap, int64_t limit, int64_t *out, struct tr_err *err);

/* ---- the container's cgroups ---- */

struct cgroup_dir {
	char *dir;		/* absolute: /sys/fs/cgroup/memory/a/b/id */
	bool v2;
	unsigned ctrls;		/* controllers this directory gives us */
	int created;		/* trailing path components we made (rmdir'd by destroy) */
	int fd;			/* the directory, close-on-exec */
};

struct cgroup {
	struct cgroup_dir d[CG_MAX_HIER];
	size_t n;
	char *path;		/* cgroupsPath as resolved (for the state's cgroupPath) */
};

/* Build the device rules for the cgroup: the spec's, then the default devices and linux.devices. */
int cgroup_device_rules(const struct spec *s, struct spec_dev_rule **rules, size_t *n,
			struct tr_err *err);

/* Make the container's cgroups and write its resources. On failure nothing is left. */
int cgroup_create(const struct spec *s, const char *id, struct cgroup **out, struct tr_err *err);

/*
 * Clone the init (flags as for clone(2), without the exit signal), straight
 * into the v2 cgroup with clone3(CLONE_INTO_CGROUP) when there is one and
 * the kernel can; cg may be NULL. The child reads *into_v2 (it started in
 * its v2 cgroup) and *unshare_ns (CLONE_NEWCGROUP was held back: unshare
 * it once attached, or the namespace's root would be the runtime's cgroup).
 * Returns 0 in the child, as fork does.
 */
pid_t cgroup_clone(const struct cgroup *cg, unsigned long flags, int *into_v2, int *unshare_ns);

/* In the process to move: "0" to each v1 tasks file and (unless skip_v2) v2 cgroup.procs. */
int cgroup_attach_self(const struct cgroup *cg, bool skip_v2, struct tr_err *err);

/* From outside: move pid into every hierarchy (slower on v1: see performance.md). */
int cgroup_attach_pid(const struct cgroup *cg, pid_t pid, bool skip_v2, struct tr_err *err);

/* Close the directory fds (in the init, before it execs or once attached). */
void cgroup_close_fds(const struct cgroup *cg);

/* For state.json: cgroup_path (display) and cgroup_dirs (what load needs). */
int cgroup_to_state(const struct cgroup *cg, struct container_state *st, struct tr_err *err);

/* The container's cgroups as saved in its state; *out NULL (and 0) when it has none. */
int cgroup_load(const struct container_state *st, struct cgroup **out, struct tr_err *err);

/* Kill every process left, wait until empty, remove the directories we made. */
int cgroup_destroy(struct cgroup *cg, struct tr_err *err);

void cgroup_free(struct cgroup *cg);

/* ---- for update, pause, resume, ps, events ---- */

/* Every pid in the container's cgroups (first hierarchy that has any); *pids malloc'd. */
int cgroup_pids(const struct cgroup *cg, pid_t **pids, size_t *n, struct tr_err *err);

/* v1 freezer / v2 cgroup.freeze; waits until the freeze is complete. */
int cgroup_freeze(const struct cgroup *cg, int frozen, struct tr_err *err);

/* 1 frozen, 0 not, -1 no freezer. */
int cgroup_is_frozen(const struct cgroup *cg);

/* Write resources to a live container (same writers and errors as create). */
int cgroup_update(const struct cgroup *cg, const struct spec_resources *r, struct tr_err *err);

struct cgroup_hugetlb_stat {
	char size[16];		/* "2MB" */
	uint64_t usage, max_usage, failcnt;
};

/* What runc's events --stats reports; fields a layout lacks stay 0. */
struct cgroup_stats {
	struct {
		uint64_t usage_total, usage_user, usage_kernel;	/* ns */
		uint64_t periods, throttled_periods, throttled_time;	/* throttled_time ns */
	} cpu;
	struct {
		uint64_t usage, max_usage, limit, cache, swap_usage, swap_limit;
		uint64_t failcnt, oom_events, oom_kill;
	} memory;
	struct {
		uint64_t current, limit;	/* limit 0: none */
	} pids;
	struct {
		uint64_t read_bytes, write_bytes, read_ios, write_ios;
	} blkio;
	struct cgroup_hugetlb_stat hugetlb[8];
	size_t n_hugetlb;
};

int cgroup_stats(const struct cgroup *cg, struct cgroup_stats *st, struct tr_err *err);

/* OOM kills so far (memory.events oom_kill on v2, memory.oom_control on v1); -1 unknown. */
int64_t cgroup_oom_kills(const struct cgroup *cg);

/* ---- internals shared by cgroup.c, cgroup_v1.c, cgroup_v2.c ---- */

int cg_write(int dirfd, const char *file, const char *field, const char *value,
	     struct tr_err *err);
int cg_writef(int dirfd, const char *file, const char *field, struct tr_err *err,
	      const char *fmt, ...) TR_PRINTF(5, 6);
/* Read a small file into buf (NUL-terminated); -1 with errno on failure. */
ssize_t cg_read(int dirfd, const char *file, char *buf, size_t len);
bool cg_has_file(int dirfd, const char *file);
/* "key value" lines: the value of key, or -1 with errno ENOENT. */
int cg_read_key(int dirfd, const char *file, const char *key, uint64_t *out);
uint64_t cg_read_u64(int dirfd, const char *file);
/* cpuset.cpus and cpuset.mems: the same files on v1 and v2 */
int cgroup_cpuset_write(int fd, const struct spec_cpu *c, struct tr_err *err);

const struct cgroup_dir *cg_v2_dir(const struct cgroup *cg);	/* NULL: none */
bool cg_has_v1(const struct cgroup *cg);

/* rdma.max lines, the same on v1 and v2 */
int cgroup_rdma_write(int fd, const struct spec_resources *r, struct tr_err *err);
int cgroup_v1_apply(int dirfd, unsigned ctrls, const struct spec_resources *r,
		    const struct spec_dev_rule *rules, size_t n_rules, bool created,
		    struct tr_err *err);
int cgroup_v2_apply(int dirfd, unsigned ctrls, const struct spec_resources *r,
		    const struct spec_dev_rule *rules, size_t n_rules, struct tr_err *err);
void cgroup_v1_stats(int dirfd, unsigned ctrls, struct cgroup_stats *st);
void cgroup_v2_stats(int dirfd, unsigned ctrls, struct cgroup_stats *st);

#endif
