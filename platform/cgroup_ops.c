/* SPDX-License-Identifier: MIT */
/*
 * What happens to a container's cgroups after create: the pids in them,
 * the freezer (pause, resume), killing what is left and removing the
 * directories (delete and create's failure path), the record in
 * state.json, and the statistics for events.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "autoconf.h"
#include "cgroup.h"
#include "state.h"
#include "util.h"

/* ---- pids, freezer, kill, destroy ---- */

static int read_pids(int fd, pid_t **pids, size_t *n)
{
	char *buf = NULL, *p;
	size_t len, cap = 0;
	pid_t *v = NULL;
	int rc;

	*pids = NULL;
	*n = 0;
	rc = util_read_file(fd, "cgroup.procs", &buf, &len, 16 << 20, NULL);
	if (rc < 0)
		return -1;
	for (p = buf; *p;) {
		long pid = strtol(p, &p, 10);

		if (pid > 0) {
			if (*n == cap) {
				pid_t *nv = realloc(v, (cap = cap ? cap * 2 : 16) * sizeof(*v));

				if (!nv) {
					free(v);
					free(buf);
					errno = ENOMEM;
					return -1;
				}
				v = nv;
			}
			v[(*n)++] = (pid_t)pid;
		}
		while (*p == '\n' || *p == ' ')
			p++;
		if (*p && (*p < '0' || *p > '9'))
			break;
	}
	free(buf);
	*pids = v;
	return 0;
}

int cgroup_pids(const struct cgroup *cg, pid_t **pids, size_t *n, struct tr_err *err)
{
	*pids = NULL;
	*n = 0;
	for (size_t i = 0; cg && i < cg->n; i++) {
		if (cg->d[i].fd < 0)
			continue;
		if (read_pids(cg->d[i].fd, pids, n) < 0)
			return tr_fail(err, errno, "%s/cgroup.procs", cg->d[i].dir);
		return 0;
	}
	return 0;
}

static const struct cgroup_dir *freezer_dir(const struct cgroup *cg)
{
	for (size_t i = 0; cg && i < cg->n; i++)
		if (cg->d[i].fd >= 0 && (cg->d[i].ctrls & CG_BIT(CG_FREEZER)))
			return &cg->d[i];
	return NULL;
}

static void nap(long ns)
{
	struct timespec ts = { 0, ns };

	nanosleep(&ts, NULL);
}

int cgroup_freeze(const struct cgroup *cg, int frozen, struct tr_err *err)
{
	const struct cgroup_dir *d = freezer_dir(cg);

	if (!d)
		return tr_failx(err, "no freezer: the freezer cgroup controller is not mounted "
				"(v1) or the kernel has no cgroup.freeze (v2)");
	for (int i = 0; i < 2000; i++) {
		int now;

		/* v1 may stay FREEZING while a task sleeps uninterruptibly: write again */
		if ((i % 50) == 0 &&
		    (d->v2 ? cg_write(d->fd, "cgroup.freeze", d->dir, frozen ? "1" : "0", err)
			   : cg_write(d->fd, "freezer.state", d->dir, frozen ? "FROZEN" : "THAWED",
				      err)) < 0)
			return -1;
		now = cgroup_is_frozen(cg);
		if (now == !!frozen)
			return 0;
		nap(1000000);
	}
	return tr_failx(err, "%s: the freezer did not %s within 2 s", d->dir,
			frozen ? "freeze" : "thaw");
}

static int frozen_at(int fd, bool v2)
{
	char buf[256];
	uint64_t v;

	if (v2)
		return cg_read_key(fd, "cgroup.events", "frozen", &v) < 0 ? -1 : v == 1;
	if (cg_read(fd, "freezer.state", buf, sizeof(buf)) < 0)
		return -1;
	return !strncmp(buf, "FROZEN", 6);
}

int cgroup_is_frozen(const struct cgroup *cg)
{
	const struct cgroup_dir *d = freezer_dir(cg);

	return d ? frozen_at(d->fd, d->v2) : -1;
}

static bool all_empty(const struct cgroup *cg)
{
	char buf[16];

	for (size_t i = 0; i < cg->n; i++)
		if (cg->d[i].fd >= 0 && cg_read(cg->d[i].fd, "cgroup.procs", buf, sizeof(buf)) > 0)
			return false;
	return true;
}

/* cgroup.kill where the kernel has it (5.14); else freeze, SIGKILL each, thaw. */
static void kill_all(const struct cgroup *cg)
{
	const struct cgroup_dir *v2 = cg_v2_dir(cg);
	struct tr_err ignored;
	bool frozen;

	if (v2 && cg_has_file(v2->fd, "cgroup.kill") &&
	    cg_write(v2->fd, "cgroup.kill", v2->dir, "1", &ignored) == 0 && !cg_has_v1(cg))
		return;
	/* frozen, nothing can fork between our reading the pids and killing them */
	frozen = cgroup_freeze(cg, 1, &ignored) == 0;
	for (size_t i = 0; i < cg->n; i++) {
		pid_t *pids;
		size_t n;

		if (cg->d[i].fd < 0 || read_pids(cg->d[i].fd, &pids, &n) < 0)
			continue;
		for (size_t k = 0; k < n; k++)
			kill(pids[k], SIGKILL);
		free(pids);
	}
	if (frozen)
		cgroup_freeze(cg, 0, &ignored);
}

int cgroup_destroy(struct cgroup *cg, struct tr_err *err)
{
	int i, rc = 0;

	if (!cg)
		return 0;
	/* about 5 s for the processes to die */
	for (i = 0; i < 500 && !all_empty(cg); i++) {
		if (i % 50 == 0)
			kill_all(cg);
		nap(i < 20 ? 200000 : 10000000);
	}
	for (size_t k = 0; k < cg->n; k++) {
		struct cgroup_dir *d = &cg->d[k];
		char path[PATH_MAX];

		if (d->fd >= 0)
			close(d->fd);
		d->fd = -1;
		snprintf(path, sizeof(path), "%s", d->dir);
		for (int c = 0; c < d->created; c++) {
			char *slash;
			int tries = 0;

			/* the leaf may stay busy for a moment after its last task died */
			while (rmdir(path) < 0 && errno == EBUSY && c == 0 && ++tries < 100)
				nap(10000000);
			if (c == 0 && access(path, F_OK) == 0 && !rc)
				rc = tr_fail(err, errno, "rmdir %s", path);
			/* parents we made go too, unless someone else uses them now */
			slash = strrchr(path, '/');
			if (!slash)
				break;
			*slash = 0;
		}
		d->created = 0;
	}
	return rc;
}

void cgroup_free(struct cgroup *cg)
{
	if (!cg)
		return;
	for (size_t i = 0; i < cg->n; i++) {
		if (cg->d[i].fd >= 0)
			close(cg->d[i].fd);
		free(cg->d[i].dir);
	}
	free(cg->path);
	free(cg);
}

/* ---- state ---- */

/*
 * state.json's "cgroupDirs": one line per hierarchy,
 * "CREATED V2 CTRLS DIR": components we made, 1 for cgroup2, the controller
 * mask in hex, the absolute directory. Absolute, so that delete works
 * whatever cgroup the deleting process sits in.
 */
int cgroup_to_state(const struct cgroup *cg, struct container_state *st, struct tr_err *err)
{
	size_t len = 1;
	char *s, *p;

	for (size_t i = 0; i < cg->n; i++)
		len += strlen(cg->d[i].dir) + 32;
	s = malloc(len);
	if (!s)
		return tr_fail(err, ENOMEM, "cgroup state");
	p = s;
	*p = 0;
	for (size_t i = 0; i < cg->n; i++)
		p += sprintf(p, "%d %d %x %s\n", cg->d[i].created, cg->d[i].v2, cg->d[i].ctrls,
			     cg->d[i].dir);
	free(st->cgroup_dirs);
	free(st->cgroup_path);
	st->cgroup_dirs = s;
	st->cgroup_path = strdup(cg->path);
	if (!st->cgroup_path)
		return tr_fail(err, ENOMEM, "cgroup state");
	return 0;
}

int cgroup_load(const struct container_state *st, struct cgroup **out, struct tr_err *err)
{
	const char *p = st->cgroup_dirs;
	struct cgroup *cg;

	*out = NULL;
	if (!p || !*p)
		return 0;
	cg = calloc(1, sizeof(*cg));
	if (!cg)
		return tr_fail(err, ENOMEM, "cgroup");
	cg->path = strdup(st->cgroup_path ? st->cgroup_path : "");
	while (*p && cg->n < CG_MAX_HIER) {
		const char *nl = strchrnul(p, '\n');
		struct cgroup_dir *d = &cg->d[cg->n];
		int created, v2, off = 0;
		unsigned ctrls;

		if (sscanf(p, "%d %d %x %n", &created, &v2, &ctrls, &off) == 3 && off &&
		    p + off < nl && p[off] == '/') {
			d->dir = strndup(p + off, (size_t)(nl - p - off));
			if (!d->dir) {
				cgroup_free(cg);
				return tr_fail(err, ENOMEM, "cgroup");
			}
			d->created = created;
			d->v2 = v2;
			d->ctrls = ctrls;
			/* gone already (a second delete): nothing to do there */
			d->fd = open(d->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			cg->n++;
		}
		p = *nl ? nl + 1 : nl;
	}
	*out = cg;
	return 0;
}

/* For state_status(): the freezer says whether the container is paused. */
static int state_frozen(const struct container_state *st)
{
	struct cgroup *cg;
	struct tr_err ignored;
	int rc;

	if (cgroup_load(st, &cg, &ignored) < 0 || !cg)
		return -1;
	rc = cgroup_is_frozen(cg);
	cgroup_free(cg);
	return rc;
}

__attribute__((constructor)) static void register_freezer_probe(void)
{
	state_freezer_probe = state_frozen;
}

/* ---- stats ---- */

int cgroup_stats(const struct cgroup *cg, struct cgroup_stats *st, struct tr_err *err)
{
	memset(st, 0, sizeof(*st));
	for (size_t i = 0; cg && i < cg->n; i++) {
		const struct cgroup_dir *d = &cg->d[i];

		if (d->fd < 0)
			continue;
		if (CFG_CGROUP_V1 && !d->v2)
			cgroup_v1_stats(d->fd, d->ctrls, st);
		else if (CFG_CGROUP_V2 && d->v2)
			cgroup_v2_stats(d->fd, d->ctrls, st);
	}
	return 0;
}

int64_t cgroup_oom_kills(const struct cgroup *cg)
{
	for (size_t i = 0; cg && i < cg->n; i++) {
		const struct cgroup_dir *d = &cg->d[i];
		uint64_t v;

		if (d->fd < 0 || !(d->ctrls & CG_BIT(CG_MEMORY)))
			continue;
		if (cg_read_key(d->fd, d->v2 ? "memory.events" : "memory.oom_control", "oom_kill",
				&v) == 0)
			return (int64_t)v;
	}
	return -1;
}
