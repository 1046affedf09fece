/* SPDX-License-Identifier: MIT */
/*
 * update, pause, resume, ps and events on a live container: find the
 * container, check its status, and hand its cgroups to the cgroup module.
 * update, pause and resume hold the container's lock, so they serialise
 * with delete; ps and events only read.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "container_cg.h"
#include "state.h"

static int locked_cgroups(const char *root, const char *id, int *dirfd,
			  struct container_state *st, struct cgroup **cg, struct tr_err *err)
{
	*cg = NULL;
	if (state_id_valid(id, err) < 0)
		return -1;
	*dirfd = state_lock(root, id, 0, err);
	if (*dirfd < 0)
		return -1;
	if (state_load_dir(*dirfd, id, st, err) < 0)
		goto fail;
	if (cgroup_load(st, cg, err) < 0)
		goto fail;
	if (!*cg) {
		tr_failx(err, "container %s has no cgroups", id);
		goto fail;
	}
	return 0;
fail:
	close(*dirfd);
	state_free(st);
	return -1;
}

/*
 * runc update takes 0 as "not given" (containerd sends whole objects with
 * zeros in them): a zero must not become "limit 0" or "quota 0".
 */
static void drop_zeros(struct spec_resources *r)
{
	struct spec_memory *m = &r->memory;
	struct spec_cpu *c = &r->cpu;

	m->has_limit &= m->limit != 0;
	m->has_reservation &= m->reservation != 0;
	m->has_swap &= m->swap != 0;
	m->has_kernel &= m->kernel != 0;
	m->has_kernel_tcp &= m->kernel_tcp != 0;
	c->has_shares &= c->shares != 0;
	c->has_quota &= c->quota != 0;
	c->has_period &= c->period != 0;
	c->has_realtime_runtime &= c->realtime_runtime != 0;
	c->has_realtime_period &= c->realtime_period != 0;
	if (c->cpus && !*c->cpus)
		c->cpus = NULL;
	if (c->mems && !*c->mems)
		c->mems = NULL;
	r->has_pids &= r->pids.limit != 0;
}

int container_update(const char *root, const char *id, const struct spec_resources *r,
		     struct tr_err *err)
{
	struct container_state st = { 0 };
	struct spec_resources copy = *r;
	enum container_status status;
	struct cgroup *cg;
	int dirfd, rc = -1;

	if (locked_cgroups(root, id, &dirfd, &st, &cg, err) < 0)
		return -1;
	status = state_status(&st);
	if (status != CONTAINER_CREATED && status != CONTAINER_RUNNING &&
	    status != CONTAINER_PAUSED) {
		tr_failx(err, "cannot update container %s: container not running (%s)", id,
			 state_status_name(status));
		goto out;
	}
	drop_zeros(&copy);
	rc = cgroup_update(cg, &copy, err);
	if (rc < 0)
		tr_err_prefix(err, "update %s", id);
out:
	cgroup_free(cg);
	close(dirfd);
	state_free(&st);
	return rc;
}

int container_pause(const char *root, const char *id, int frozen, struct tr_err *err)
{
	struct container_state st = { 0 };
	enum container_status status;
	struct cgroup *cg;
	int dirfd, rc = -1;

	if (locked_cgroups(root, id, &dirfd, &st, &cg, err) < 0)
		return -1;
	status = state_status(&st);
	if (frozen && status != CONTAINER_CREATED && status != CONTAINER_RUNNING) {
		tr_failx(err, "cannot pause container %s: it is %s, not running", id,
			 state_status_name(status));
		goto out;
	}
	if (!frozen && status != CONTAINER_PAUSED) {
		tr_failx(err, "cannot resume container %s: it is %s, not paused", id,
			 state_status_name(status));
		goto out;
	}
	rc = cgroup_freeze(cg, frozen, err);
	if (rc < 0) {
		tr_err_prefix(err, "%s %s", frozen ? "pause" : "resume", id);
		/* a freeze that did not complete must not leave it half frozen */
		if (frozen) {
			struct tr_err ignored;

			cgroup_freeze(cg, 0, &ignored);
		}
	}
out:
	cgroup_free(cg);
	close(dirfd);
	state_free(&st);
	return rc;
}

int container_cgroups(const char *root, const char *id, int allow_stopped,
		      struct container_state *st, struct cgroup **cg, struct tr_err *err)
{
	*cg = NULL;
	if (state_id_valid(id, err) < 0 || state_load(root, id, st, err) < 0)
		return -1;
	if (!allow_stopped && state_status(st) == CONTAINER_STOPPED) {
		tr_failx(err, "container %s: container not running (stopped)", id);
		goto fail;
	}
	if (cgroup_load(st, cg, err) < 0)
		goto fail;
	if (!*cg) {
		tr_failx(err, "container %s has no cgroups", id);
		goto fail;
	}
	return 0;
fail:
	state_free(st);
	return -1;
}

/* ---- argument syntax ---- */

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

int container_parse_size(const char *s, int64_t *out)
{
	static const char units[] = "kmgtp";
	unsigned long long v = 0;
	const char *p = s, *u;
	int shift = 0;

	if (!strcmp(s, "-1")) {
		*out = -1;
		return 0;
	}
	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (ULLONG_MAX - 9) / 10)
			return -1;
		v = v * 10 + (unsigned)(*p - '0');
	}
	/* k, kb, kib, K, KB, KiB ...: all powers of 1024, as runc's units.RAMInBytes */
	if (*p && (u = strchr(units, lower(*p)))) {
		shift = 10 * (int)(u - units + 1);
		p++;
		if (lower(*p) == 'i' && lower(p[1]) == 'b')
			p += 2;
		else if (lower(*p) == 'b')
			p++;
	} else if (lower(*p) == 'b') {
		p++;
	}
	if (*p || (shift && v > ((unsigned long long)INT64_MAX >> shift)) || v > INT64_MAX)
		return -1;
	*out = (int64_t)(v << shift);
	return 0;
}

int container_parse_duration(const char *s, uint64_t *ns)
{
	static const struct {
		const char *name;
		uint64_t ns;
	} units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000ull },
		{ "m", 60000000000ull }, { "h", 3600000000000ull },
	};
	uint64_t total = 0;
	const char *p = s;

	if (!*p)
		return -1;
	while (*p) {
		char *end;
		double v;
		size_t i, best = 0, blen = 0;

		if ((*p < '0' || *p > '9') && *p != '.')
			return -1;
		errno = 0;
		v = strtod(p, &end);
		if (end == p || errno)
			return -1;
		p = end;
		if (!*p && p != s && total == 0 && end == s + strlen(s)) {
			/* a bare number: seconds */
			total = (uint64_t)(v * 1e9);
			break;
		}
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			size_t l = strlen(units[i].name);

			if (!strncmp(p, units[i].name, l) && l > blen) {
				best = i;
				blen = l;
			}
		}
		if (!blen)
			return -1;
		if (v * (double)units[best].ns > 1e18)
			return -1;
		total += (uint64_t)(v * (double)units[best].ns);
		p += blen;
	}
	*ns = total;
	return 0;
}
