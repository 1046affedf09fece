/* SPDX-License-Identifier: MIT */
/*
 * Layout detection, cgroupsPath rules, creation, attach and removal of the
 * container's cgroups; the per-version resource writers are in cgroup_v1.c
 * and cgroup_v2.c. See cgroup.h for the life cycle and docs/tinyrun.8
 * (CGROUPS) for the rules as users see them.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "autoconf.h"
#include "cgroup.h"
#include "state.h"
#include "util.h"

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif

static const char *const v1_names[CG_NCTRL] = {
	"cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "net_cls",
	"net_prio", "blkio", "pids", "hugetlb", "rdma", "misc", "perf_event",
};

const char *cgroup_ctrl_name(enum cgroup_ctrl c, bool v2)
{
	if ((unsigned)c >= CG_NCTRL)
		return "?";
	return v2 && c == CG_BLKIO ? "io" : v1_names[c];
}

static int ctrl_by_name(const char *s, size_t len)
{
	for (int i = 0; i < CG_NCTRL; i++)
		if (strlen(v1_names[i]) == len && !memcmp(v1_names[i], s, len))
			return i;
	if (len == 2 && !memcmp(s, "io", 2))
		return CG_BLKIO;
	return -1;
}

/* ---- small file helpers (shared with cgroup_v1.c and cgroup_v2.c) ---- */

int cg_write(int dirfd, const char *file, const char *field, const char *value,
	     struct tr_err *err)
{
	size_t len = strlen(value);
	int fd = openat(dirfd, file, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return tr_fail(err, errno, "%s: open %s", field, file);
	n = write(fd, value, len);
	if (n < 0 || (size_t)n != len) {
		int e = n < 0 ? errno : EIO;

		close(fd);
		return tr_fail(err, e, "%s: write %s \"%s\"", field, file, value);
	}
	close(fd);
	return 0;
}

int cg_writef(int dirfd, const char *file, const char *field, struct tr_err *err,
	      const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return cg_write(dirfd, file, field, buf, err);
}

ssize_t cg_read(int dirfd, const char *file, char *buf, size_t len)
{
	int fd = openat(dirfd, file, O_RDONLY | O_CLOEXEC);
	ssize_t n = 0, r;

	if (fd < 0)
		return -1;
	while ((size_t)n < len - 1 && (r = read(fd, buf + n, len - 1 - (size_t)n)) > 0)
		n += r;
	close(fd);
	buf[n] = 0;
	return n;
}

bool cg_has_file(int dirfd, const char *file)
{
	return faccessat(dirfd, file, F_OK, 0) == 0;
}

int cg_read_key(int dirfd, const char *file, const char *key, uint64_t *out)
{
	char buf[4096], *p = buf;
	size_t klen = strlen(key);

	if (cg_read(dirfd, file, buf, sizeof(buf)) < 0)
		return -1;
	while (*p) {
		if (!strncmp(p, key, klen) && p[klen] == ' ') {
			*out = strtoull(p + klen + 1, NULL, 10);
			return 0;
		}
		p = strchrnul(p, '\n');
		if (*p)
			p++;
	}
	errno = ENOENT;
	return -1;
}

uint64_t cg_read_u64(int dirfd, const char *file)
{
	char buf[64];

	if (cg_read(dirfd, file, buf, sizeof(buf)) <= 0 || !strncmp(buf, "max", 3))
		return 0;
	return strtoull(buf, NULL, 10);
}

int cgroup_cpuset_write(int fd, const struct spec_cpu *c, struct tr_err *err)
{
	if (c->cpus && cg_write(fd, "cpuset.cpus", "linux.resources.cpu.cpus", c->cpus, err) < 0)
		return -1;
	if (c->mems && cg_write(fd, "cpuset.mems", "linux.resources.cpu.mems", c->mems, err) < 0)
		return -1;
	return 0;
}

/* ---- layout ---- */

/* The /proc/self/cgroup line of a hierarchy: v2 is "0::", v1 lists the controllers. */
static bool self_line_matches(const char *ctrls, size_t clen, bool v2, const char *superopts)
{
	return v2 ? clen == 0 : util_list_subset(ctrls, clen, superopts);
}

static void parse_superopts(const char *opts, struct cgroup_mount *m)
{
	const char *o = opts;

	while (*o) {
		size_t len = strcspn(o, ",");
		int c = ctrl_by_name(o, len);

		if (c >= 0)
			m->ctrls |= CG_BIT(c);
		else if (len > 5 && !strncmp(o, "name=", 5))
			snprintf(m->name, sizeof(m->name), "%.*s", (int)(len - 5), o + 5);
		o += len + (o[len] == ',');
	}
}

/* Our path in the hierarchy, from the matching /proc/self/cgroup line; NULL if none. */
static const char *own_path(const char *self, bool v2, const char *superopts, size_t *plen,
			    unsigned *used_lines, unsigned *line_no)
{
	unsigned i = 0;

	while (*self) {
		const char *nl = strchrnul(self, '\n');
		const char *c1 = memchr(self, ':', (size_t)(nl - self));
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(nl - c1 - 1)) : NULL;

		if (c2 && i < 32 && !(*used_lines & (1u << i)) &&
		    self_line_matches(c1 + 1, (size_t)(c2 - c1 - 1), v2, superopts)) {
			*plen = (size_t)(nl - c2 - 1);
			*line_no = i;
			return c2 + 1;
		}
		self = *nl ? nl + 1 : nl;
		i++;
	}
	return NULL;
}

int cgroup_parse_layout(const char *mountinfo, const char *self_cgroup,
			struct cgroup_layout *out, struct tr_err *err)
{
	const char *line = mountinfo;
	unsigned used = 0;

	memset(out, 0, sizeof(*out));
	out->v2 = -1;
	while (*line && out->n < CG_MAX_HIER) {
		const char *nl = strchrnul(line, '\n');
		char buf[2048], *f[6], *p = buf, *dash, *fstype, *superopts;
		struct cgroup_mount *m = &out->m[out->n];
		const char *own;
		size_t plen, rlen;
		unsigned ln;
		int i;

		snprintf(buf, sizeof(buf), "%.*s", (int)(nl - line), line);
		line = *nl ? nl + 1 : nl;
		/* id parent maj:min root mountpoint opts [optional...] - fstype source superopts */
		dash = strstr(buf, " - ");
		if (!dash)
			continue;
		*dash = 0;
		for (i = 0; i < 5 && (f[i] = strsep(&p, " ")); i++)
			;
		p = dash + 3;
		fstype = strsep(&p, " ");
		strsep(&p, " ");
		superopts = p;
		if (i < 5 || !fstype || !superopts)
			continue;
		if (strcmp(fstype, "cgroup") && strcmp(fstype, "cgroup2"))
			continue;
		memset(m, 0, sizeof(*m));
		m->v2 = !strcmp(fstype, "cgroup2");
		if (m->v2 && out->v2 >= 0)
			continue;	/* the first cgroup2 mount only */
		own = own_path(self_cgroup, m->v2, superopts, &plen, &used, &ln);
		if (!own)
			continue;	/* another mount of a hierarchy we have, or not ours */
		if (!m->v2)
			parse_superopts(superopts, m);
		snprintf(m->mount, sizeof(m->mount), "%s", f[4]);
		snprintf(m->root, sizeof(m->root), "%s", f[3]);
		rlen = strlen(m->root);
		/* the mount shows a subtree: our path must lie in it */
		if (!strcmp(m->root, "/")) {
			snprintf(m->own, sizeof(m->own), "%.*s", (int)plen, own);
		} else if (plen >= rlen && !strncmp(own, m->root, rlen) &&
			   (plen == rlen || own[rlen] == '/')) {
			snprintf(m->own, sizeof(m->own), "%.*s", (int)(plen - rlen), own + rlen);
			if (!m->own[0])
				strcpy(m->own, "/");
		} else {
			continue;
		}
		used |= 1u << ln;
		if (m->v2)
			out->v2 = (int)out->n;
		else
			out->n_v1++;
		out->n++;
	}
	if (!out->n)
		return tr_failx(err, "no cgroup hierarchy is mounted (see /proc/self/mountinfo)");
	return 0;
}

static int read_proc(const char *path, char **out, struct tr_err *err)
{
	return util_read_file(AT_FDCWD, path, out, NULL, 1 << 20, err);
}

int cgroup_detect_layout(struct cgroup_layout *out, struct tr_err *err)
{
	char *mi = NULL, *self = NULL;
	int rc = -1;

	if (read_proc("/proc/self/mountinfo", &mi, err) == 0 &&
	    read_proc("/proc/self/cgroup", &self, err) == 0)
		rc = cgroup_parse_layout(mi, self, out, err);
	free(mi);
	free(self);
	return rc;
}

/* ---- cgroupsPath ---- */

/* Append the components of src to buf ("//" and "." dropped, ".." refused). */
static int path_join(char *buf, size_t len, const char *src, struct tr_err *err)
{
	size_t n = strlen(buf);

	while (*src) {
		size_t l = strcspn(src, "/");

		if (l == 0 || (l == 1 && *src == '.')) {
			src += l ? l : 1;
			continue;
		}
		if (l == 2 && !strncmp(src, "..", 2))
			return tr_failx(err, "linux.cgroupsPath: \"..\" is not allowed");
		if (n + 1 + l >= len)
			return tr_failx(err, "linux.cgroupsPath: path too long");
		buf[n++] = '/';
		memcpy(buf + n, src, l);
		n += l;
		buf[n] = 0;
		src += l;
	}
	return 0;
}

int cgroup_resolve_dir(const struct cgroup_mount *m, bool pure_v2, const char *cgroups_path,
		       const char *id, char *buf, size_t len, struct tr_err *err)
{
	buf[0] = 0;
	if (cgroups_path && cgroups_path[0] == '/') {
		if (path_join(buf, len, cgroups_path, err) < 0)
			return -1;
	} else {
		char parent[sizeof(m->own)];

		snprintf(parent, sizeof(parent), "%s", m->own);
		/* v2's "no internal processes" rule: our own leaf holds processes
		 * (us), so it cannot have controllers enabled for children; its
		 * parent can. runc does the same. */
		if (pure_v2) {
			char *slash = strrchr(parent, '/');

			if (slash)
				*slash = 0;
		}
		if (path_join(buf, len, parent, err) < 0 ||
		    path_join(buf, len, cgroups_path && *cgroups_path ? cgroups_path : id, err) < 0)
			return -1;
	}
	if (!buf[0])
		return tr_failx(err, "linux.cgroupsPath: the root cgroup cannot be a container's");
	return 0;
}

/* ---- device rules ---- */

/* What every container may use unless a rule after the spec's last catch-all denies it. */
static const struct spec_dev_rule default_rules[] = {
	{ true, 'c', -1, -1, "m" }, { true, 'b', -1, -1, "m" },
	{ true, 'c', 1, 3, "rwm" }, { true, 'c', 1, 5, "rwm" }, { true, 'c', 1, 7, "rwm" },
	{ true, 'c', 1, 8, "rwm" }, { true, 'c', 1, 9, "rwm" }, { true, 'c', 5, 0, "rwm" },
	{ true, 'c', 5, 1, "rwm" }, { true, 'c', 5, 2, "rwm" }, { true, 'c', 136, -1, "rwm" },
};
#define N_DEFAULT_RULES (sizeof(default_rules) / sizeof(default_rules[0]))

/* "a *:* ...": a rule about every device, allow or deny. */
static bool catch_all(const struct spec_dev_rule *r)
{
	return (r->type == 'a' || !r->type) && r->major < 0 && r->minor < 0;
}

/*
 * The defaults and linux.devices go right after the spec's last catch-all
 * rule (before the first rule when there is none): they are part of the
 * base policy, so a leading deny-all leaves them usable while a later rule
 * of the spec can still deny one. The same policy as bpf_devices.h, so v1
 * and v2 agree.
 */
int cgroup_device_rules(const struct spec *s, struct spec_dev_rule **rules, size_t *n,
			struct tr_err *err)
{
	const struct spec_linux *l = &s->linux_cfg;
	const struct spec_dev_rule *in = l->resources.devices.v;
	size_t i, k = 0, at = 0, n_in = l->resources.devices.n;
	struct spec_dev_rule *v;

	*rules = NULL;
	*n = 0;
	if (!n_in)
		return 0;	/* no rules: no device filter at all */
	v = calloc(n_in + N_DEFAULT_RULES + l->devices.n, sizeof(*v));
	if (!v)
		return tr_fail(err, ENOMEM, "linux.resources.devices");
	for (i = 0; i < n_in; i++)
		if (catch_all(&in[i]))
			at = i + 1;
	for (i = 0; i < at; i++)
		v[k++] = in[i];
	for (i = 0; i < N_DEFAULT_RULES; i++)
		v[k++] = default_rules[i];
	/* the devices the spec asks us to create are usable too */
	for (i = 0; i < l->devices.n; i++) {
		const struct spec_device *d = &l->devices.v[i];

		if (d->type == 'p')
			continue;
		v[k].allow = true;
		v[k].type = d->type == 'b' ? 'b' : 'c';
		v[k].major = d->major;
		v[k].minor = d->minor;
		strcpy(v[k].access, "rwm");
		k++;
	}
	for (i = at; i < n_in; i++)
		v[k++] = in[i];
	*rules = v;
	*n = k;
	return 0;
}

/* "mlx4_0 hca_handle=2 hca_object=2000": the same line on v1 and v2. */
int cgroup_rdma_write(int fd, const struct spec_resources *r, struct tr_err *err)
{
	for (size_t i = 0; i < r->rdma.n; i++) {
		const struct spec_rdma_limit *l = &r->rdma.v[i];
		char line[256], field[64];
		int n = snprintf(line, sizeof(line), "%s", l->device);

		if (l->has_hca_handles)
			n += snprintf(line + n, sizeof(line) - (size_t)n, " hca_handle=%u",
				      l->hca_handles);
		if (l->has_hca_objects)
			snprintf(line + n, sizeof(line) - (size_t)n, " hca_object=%u", l->hca_objects);
		snprintf(field, sizeof(field), "linux.resources.rdma.%s", l->device);
		if (cg_write(fd, "rdma.max", field, line, err) < 0)
			return -1;
	}
	return 0;
}

/* ---- which controllers the spec needs ---- */

struct need {
	bool set;
	enum cgroup_ctrl ctrl;
	const char *field;
};

static int check_needs(const struct spec_resources *r, unsigned have, bool any_v2,
		       struct tr_err *err)
{
	const struct spec_memory *m = &r->memory;
	const struct spec_cpu *c = &r->cpu;
	const struct spec_blkio *b = &r->blkio;
	const struct need needs[] = {
		{ r->has_memory && m->has_limit, CG_MEMORY, "memory.limit" },
		{ r->has_memory && m->has_reservation, CG_MEMORY, "memory.reservation" },
		{ r->has_memory && m->has_swap, CG_MEMORY, "memory.swap" },
		{ r->has_memory && m->has_kernel, CG_MEMORY, "memory.kernel" },
		{ r->has_memory && m->has_kernel_tcp, CG_MEMORY, "memory.kernelTCP" },
		{ r->has_memory && m->has_swappiness, CG_MEMORY, "memory.swappiness" },
		{ r->has_memory && m->has_disable_oom_killer, CG_MEMORY, "memory.disableOOMKiller" },
		{ r->has_memory && m->has_use_hierarchy, CG_MEMORY, "memory.useHierarchy" },
		{ r->has_cpu && c->has_shares, CG_CPU, "cpu.shares" },
		{ r->has_cpu && c->has_quota, CG_CPU, "cpu.quota" },
		{ r->has_cpu && c->has_period, CG_CPU, "cpu.period" },
		{ r->has_cpu && c->has_burst, CG_CPU, "cpu.burst" },
		{ r->has_cpu && c->has_realtime_runtime, CG_CPU, "cpu.realtimeRuntime" },
		{ r->has_cpu && c->has_realtime_period, CG_CPU, "cpu.realtimePeriod" },
		{ r->has_cpu && c->has_idle, CG_CPU, "cpu.idle" },
		{ r->has_cpu && c->cpus, CG_CPUSET, "cpu.cpus" },
		{ r->has_cpu && c->mems, CG_CPUSET, "cpu.mems" },
		{ r->has_pids, CG_PIDS, "pids.limit" },
		{ r->has_blkio && (b->has_weight || b->has_leaf_weight), CG_BLKIO, "blockIO.weight" },
		{ r->has_blkio && b->weight_device.n, CG_BLKIO, "blockIO.weightDevice" },
		{ r->has_blkio && b->throttle_read_bps.n, CG_BLKIO, "blockIO.throttleReadBpsDevice" },
		{ r->has_blkio && b->throttle_write_bps.n, CG_BLKIO, "blockIO.throttleWriteBpsDevice" },
		{ r->has_blkio && b->throttle_read_iops.n, CG_BLKIO, "blockIO.throttleReadIOPSDevice" },
		{ r->has_blkio && b->throttle_write_iops.n, CG_BLKIO, "blockIO.throttleWriteIOPSDevice" },
		{ r->hugepage_limits.n, CG_HUGETLB, "hugepageLimits" },
		{ r->has_network && r->network.has_class_id, CG_NET_CLS, "network.classID" },
		{ r->has_network && r->network.priorities.n, CG_NET_PRIO, "network.priorities" },
		{ r->rdma.n, CG_RDMA, "rdma" },
		{ r->devices.n, CG_DEVICES, "devices" },
	};

	for (size_t i = 0; i < sizeof(needs) / sizeof(needs[0]); i++) {
		if (needs[i].set && !(have & CG_BIT(needs[i].ctrl)))
			return tr_failx(err, "linux.resources.%s: no %s cgroup controller here (not "
					"mounted, not enabled for the container's parent cgroup, "
					"or built out of tinyrun: CONFIG_CGROUP_V1/V2)",
					needs[i].field, cgroup_ctrl_name(needs[i].ctrl, false));
	}
	if (r->unified.n && !any_v2)
		return tr_failx(err, "linux.resources.unified: needs cgroup v2 (no usable cgroup2 "
				"mount here%s)", CFG_CGROUP_V2 ? "" : ", or CONFIG_CGROUP_V2 built out");
	return 0;
}

/* ---- create ---- */

/* A new v1 cpuset is empty, and nothing can join it until it has cpus and mems. */
static int cpuset_inherit(const char *dir, struct tr_err *err)
{
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
	char parent[PATH_MAX + 4], buf[1024];
	int fd, pfd, rc = 0;

	snprintf(parent, sizeof(parent), "%s/..", dir);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	pfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (int i = 0; i < 2 && fd >= 0 && pfd >= 0 && !rc; i++) {
		if (cg_read(fd, files[i], buf, sizeof(buf)) > 0 && buf[0] != '\n')
			continue;
		if (cg_read(pfd, files[i], buf, sizeof(buf)) < 0)
			rc = tr_fail(err, errno, "%s/%s", parent, files[i]);
		else
			rc = cg_write(fd, files[i], dir, buf, err);
	}
	if (fd < 0 || pfd < 0)
		rc = tr_fail(err, errno, "%s", dir);
	if (fd >= 0)
		close(fd);
	if (pfd >= 0)
		close(pfd);
	return rc;
}

static unsigned parse_ctrl_list(const char *s)
{
	unsigned mask = 0;

	while (*s) {
		size_t len = strcspn(s, " \n");
		int c = ctrl_by_name(s, len);

		if (c >= 0)
			mask |= CG_BIT(c);
		s += len;
		s += strspn(s, " \n");
	}
	return mask;
}

/* In a v2 directory we made (not the leaf): its children may use what it has. */
static void v2_enable_for_children(const char *dir)
{
	char buf[512], tok[64], *p = buf;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (cg_read(fd, "cgroup.controllers", buf, sizeof(buf)) > 0) {
		while (*p) {
			size_t len = strcspn(p, " \n");

			if (len && len < sizeof(tok) - 1) {
				struct tr_err ignored;

				/* one at a time: one the kernel refuses must not block the rest */
				snprintf(tok, sizeof(tok), "+%.*s", (int)len, p);
				cg_write(fd, "cgroup.subtree_control", dir, tok, &ignored);
			}
			p += len;
			p += strspn(p, " \n");
		}
	}
	close(fd);
}

/* Whether dir exists and holds a process (its cgroup.procs is not empty). */
static bool cg_dir_populated(const char *dir)
{
	char path[PATH_MAX], c;
	ssize_t n;
	int fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/cgroup.procs", dir) >= sizeof(path))
		return false;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, &c, 1);
	close(fd);
	return n == 1;
}

static int add_dir(struct cgroup *cg, const struct cgroup_mount *m, bool pure_v2,
		   const char *cgroups_path, const char *id, char *rel, size_t rlen,
		   struct tr_err *err)
{
	struct cgroup_dir *d = &cg->d[cg->n];
	char dir[PATH_MAX], *p;
	size_t base;

	if (cgroup_resolve_dir(m, pure_v2, cgroups_path, id, rel, rlen, err) < 0)
		return -1;
	if ((size_t)snprintf(dir, sizeof(dir), "%s%s", m->mount, rel) >= sizeof(dir))
		return tr_failx(err, "linux.cgroupsPath: path too long");
	/* Never share a cgroup with processes we did not put there (the same
	 * id under another --root, a cgroupsPath in use): delete kills every
	 * process of the container's cgroups. Checked before the directory is
	 * ours, so this failure's unwind cannot touch them. */
	if (cg_dir_populated(dir))
		return tr_failx(err, "linux.cgroupsPath: cgroup %s already has processes "
				"(another container with the same cgroup?)", dir);
	d->fd = -1;
	d->v2 = m->v2;
	d->dir = strdup(dir);
	if (!d->dir)
		return tr_fail(err, ENOMEM, "cgroup");
	cg->n++;
	/* mkdir -p, counting what we made: destroy removes exactly that */
	base = strlen(m->mount);
	for (p = dir + base + 1;; p++) {
		bool last = !*p;

		if (*p != '/' && !last)
			continue;
		*p = 0;
		if (mkdir(dir, 0755) == 0) {
			d->created++;
			if (m->v2 && !last)
				v2_enable_for_children(dir);
			if (!m->v2 && (m->ctrls & CG_BIT(CG_CPUSET)) && cpuset_inherit(dir, err) < 0)
				return -1;
		} else if (errno != EEXIST) {
			return tr_fail(err, errno, "linux.cgroupsPath: mkdir %s", dir);
		}
		if (last)
			break;
		*p = '/';
	}
	d->fd = open(d->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->fd < 0)
		return tr_fail(err, errno, "linux.cgroupsPath: open %s", d->dir);
	if (m->v2) {
		char buf[512];

		if (cg_read(d->fd, "cgroup.controllers", buf, sizeof(buf)) >= 0)
			d->ctrls = parse_ctrl_list(buf);
		/* core features of v2, not controllers */
		d->ctrls |= CG_BIT(CG_DEVICES);
		if (cg_has_file(d->fd, "cgroup.freeze"))
			d->ctrls |= CG_BIT(CG_FREEZER);
	} else {
		d->ctrls = m->ctrls;
	}
	return 0;
}

static int apply(const struct cgroup *cg, const struct spec_resources *r,
		 const struct spec_dev_rule *rules, size_t n_rules, bool creating,
		 struct tr_err *err)
{
	for (size_t i = 0; i < cg->n; i++) {
		const struct cgroup_dir *d = &cg->d[i];
		int rc = 0;

		if (d->fd < 0)
			continue;
		if (CFG_CGROUP_V1 && !d->v2)
			rc = cgroup_v1_apply(d->fd, d->ctrls, r, rules, n_rules, creating, err);
		else if (CFG_CGROUP_V2 && d->v2)
			rc = cgroup_v2_apply(d->fd, d->ctrls, r, rules, n_rules, err);
		if (rc < 0) {
			/* "linux.resources.memory.limit: write memory.max ...: in /sys/fs/cgroup/x" */
			size_t l = strlen(err->msg);

			snprintf(err->msg + l, sizeof(err->msg) - l, " (in %s)", d->dir);
			return -1;
		}
	}
	return 0;
}

int cgroup_create(const struct spec *s, const char *id, struct cgroup **out, struct tr_err *err)
{
	const struct spec_linux *l = &s->linux_cfg;
	struct spec_resources none = { 0 };
	const struct spec_resources *r = l->has_resources ? &l->resources : &none;
	bool wants = l->has_resources || l->cgroups_path;
	struct spec_dev_rule *rules = NULL;
	struct cgroup_layout lay;
	char rel[PATH_MAX], best[PATH_MAX] = "";
	unsigned v1_have = 0, have = 0;
	bool any_v2 = false;
	struct cgroup *cg;
	size_t n_rules = 0;
	struct tr_err ignored;

	*out = NULL;
	if (cgroup_detect_layout(&lay, err) < 0) {
		if (!wants)
			return 0;	/* a board without cgroups runs containers without limits */
		tr_err_prefix(err, "%s", l->has_resources ? "linux.resources" : "linux.cgroupsPath");
		return -1;
	}
	cg = calloc(1, sizeof(*cg));
	if (!cg)
		return tr_fail(err, ENOMEM, "cgroup");
	for (size_t i = 0; i < lay.n; i++) {
		const struct cgroup_mount *m = &lay.m[i];

		if (m->v2 ? !CFG_CGROUP_V2 : !CFG_CGROUP_V1)
			continue;
		if (add_dir(cg, m, lay.n_v1 == 0, l->cgroups_path, id, rel, sizeof(rel), err) < 0)
			goto fail;
		if (strlen(rel) > strlen(best))
			snprintf(best, sizeof(best), "%s", rel);
	}
	if (!cg->n) {
		free(cg);
		if (!wants)
			return 0;
		return tr_failx(err, "%s: this host has only cgroup %s, which tinyrun was built "
				"without (CONFIG_CGROUP_%s)",
				l->has_resources ? "linux.resources" : "linux.cgroupsPath",
				lay.n_v1 ? "v1" : "v2", lay.n_v1 ? "V1" : "V2");
	}
	cg->path = strdup(best);
	/* each controller where it is mounted: v1 first, the cgroup2 mount for the rest */
	for (size_t i = 0; i < cg->n; i++)
		if (!cg->d[i].v2)
			v1_have |= cg->d[i].ctrls;
	for (size_t i = 0; i < cg->n; i++) {
		if (cg->d[i].v2) {
			cg->d[i].ctrls &= ~v1_have;
			any_v2 = true;
		}
		have |= cg->d[i].ctrls;
	}
	if (!cg->path || check_needs(r, have, any_v2, err) < 0 ||
	    cgroup_device_rules(s, &rules, &n_rules, err) < 0 ||
	    apply(cg, r, rules, n_rules, true, err) < 0)
		goto fail;
	free(rules);
	*out = cg;
	return 0;
fail:
	free(rules);
	cgroup_destroy(cg, &ignored);
	cgroup_free(cg);
	return -1;
}

int cgroup_update(const struct cgroup *cg, const struct spec_resources *r, struct tr_err *err)
{
	unsigned have = 0;
	bool any_v2 = false;
	struct spec_resources copy = *r;

	/* device rules are the container's for life, as with runc update */
	copy.devices.n = 0;
	for (size_t i = 0; i < cg->n; i++) {
		have |= cg->d[i].ctrls;
		any_v2 |= cg->d[i].v2;
	}
	if (check_needs(&copy, have, any_v2, err) < 0)
		return -1;
	return apply(cg, &copy, NULL, 0, false, err);
}

/* ---- clone and attach ---- */

struct clone3_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
	uint64_t set_tid, set_tid_size, cgroup;
};

const struct cgroup_dir *cg_v2_dir(const struct cgroup *cg)
{
	for (size_t i = 0; cg && i < cg->n; i++)
		if (cg->d[i].v2 && cg->d[i].fd >= 0)
			return &cg->d[i];
	return NULL;
}

bool cg_has_v1(const struct cgroup *cg)
{
	for (size_t i = 0; cg && i < cg->n; i++)
		if (!cg->d[i].v2)
			return true;
	return false;
}

pid_t cgroup_clone(const struct cgroup *cg, unsigned long flags, int *into_v2, int *unshare_ns)
{
	static bool no_clone3;
	const struct cgroup_dir *d = cg_v2_dir(cg);
	pid_t pid;

	*into_v2 = 0;
	*unshare_ns = 0;
	/* Only into a cgroup we made: Linux 6.18 (at least) SIGKILLs a child
	 * cloned into a cgroup that once had "1" written to cgroup.kill (its
	 * kill sequence differs from the parent's); an existing leaf may have. */
	if (d && d->created > 0 && !no_clone3) {
		struct clone3_args ca = { 0 };

		/* v1 hierarchies are joined by the child: the namespace must come after */
		if ((flags & CLONE_NEWCGROUP) && cg_has_v1(cg)) {
			flags &= ~(unsigned long)CLONE_NEWCGROUP;
			*unshare_ns = 1;
		}
		ca.flags = (uint64_t)flags | CLONE_INTO_CGROUP;
		ca.exit_signal = SIGCHLD;
		ca.cgroup = (uint64_t)d->fd;
		*into_v2 = 1;	/* what the child sees if this call made it */
		pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
		if (pid >= 0)
			return pid;
		/* ENOSYS, E2BIG (before 5.7), EINVAL: no CLONE_INTO_CGROUP here */
		no_clone3 = true;
		*into_v2 = 0;
	}
	if (cg && (flags & CLONE_NEWCGROUP)) {
		/* the namespace's root would be our cgroup, not the container's */
		flags &= ~(unsigned long)CLONE_NEWCGROUP;
		*unshare_ns = 1;
	}
	return (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
}

int cgroup_attach_self(const struct cgroup *cg, bool skip_v2, struct tr_err *err)
{
	for (size_t i = 0; cg && i < cg->n; i++) {
		const struct cgroup_dir *d = &cg->d[i];

		if (d->fd < 0 || (d->v2 && skip_v2))
			continue;
		/* v1 "tasks" with 0 moves this thread alone: no threadgroup lock,
		 * so no RCU grace period (see shared/design/performance.md) */
		if (cg_write(d->fd, d->v2 ? "cgroup.procs" : "tasks", d->dir, "0", err) < 0)
			return -1;
	}
	return 0;
}

int cgroup_attach_pid(const struct cgroup *cg, pid_t pid, bool skip_v2, struct tr_err *err)
{
	for (size_t i = 0; cg && i < cg->n; i++) {
		const struct cgroup_dir *d = &cg->d[i];

		if (d->fd < 0 || (d->v2 && skip_v2))
			continue;
		if (cg_writef(d->fd, "cgroup.procs", d->dir, err, "%d", (int)pid) < 0)
			return -1;
	}
	return 0;
}

void cgroup_close_fds(const struct cgroup *cg)
{
	for (size_t i = 0; cg && i < cg->n; i++)
		if (cg->d[i].fd >= 0)
			close(cg->d[i].fd);
}
