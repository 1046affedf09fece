/* SPDX-License-Identifier: MIT */
/* tinyrun update: change the cgroup limits of a live container. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "container_cg.h"
#include "util.h"

#define RESOURCES_MAX (1u << 20)

/* All of fd (containerd passes a pipe: no size to trust). */
static int read_all(int fd, const char *name, char **buf, size_t *len, struct tr_err *err)
{
	size_t cap = 4096, used = 0;
	char *b = malloc(cap);

	if (!b)
		return tr_fail(err, ENOMEM, "%s", name);
	for (;;) {
		ssize_t n;

		if (used == cap) {
			char *nb = cap < RESOURCES_MAX ? realloc(b, cap * 2) : NULL;

			if (!nb) {
				free(b);
				return tr_failx(err, "%s: larger than %u bytes", name, RESOURCES_MAX);
			}
			b = nb;
			cap *= 2;
		}
		n = read(fd, b + used, cap - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(b);
			return tr_fail(err, errno, "read %s", name);
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	*buf = b;
	*len = used;
	return 0;
}

static int load_resources(const char *path, struct spec **out, struct tr_err *err)
{
	const char *name = strcmp(path, "-") ? path : "stdin";
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	char *buf = NULL;
	size_t len = 0;
	int rc;

	if (fd < 0)
		return tr_fail(err, errno, "--resources: %s", path);
	rc = read_all(fd, name, &buf, &len, err);
	if (fd > 0)
		close(fd);
	if (rc < 0)
		return -1;
	rc = spec_parse_resources(buf, len, out, err);
	free(buf);
	if (rc < 0)
		tr_err_prefix(err, "--resources %s", name);
	return rc;
}

static int size_opt(const char *name, const char *val, bool *has, int64_t *dst,
		    struct tr_err *err)
{
	if (!val)
		return 0;
	if (container_parse_size(val, dst) < 0)
		return tr_failx(err, "--%s: expected bytes with an optional k, m, g suffix, or -1, "
				"got \"%s\"", name, val);
	*has = true;
	return 0;
}

static int int_opt(const char *name, const char *val, long long lo, long long hi, bool *has,
		   long long *dst, struct tr_err *err)
{
	char *end;

	if (!val)
		return 0;
	errno = 0;
	*dst = strtoll(val, &end, 10);
	if (!*val || *end || errno || *dst < lo || *dst > hi)
		return tr_failx(err, "--%s: expected a number from %lld to %lld, got \"%s\"", name,
				lo, hi, val);
	*has = true;
	return 0;
}

static int cpuset_opt(const char *name, const char *val, char **dst, bool *has,
		      struct tr_err *err)
{
	if (!val)
		return 0;
	if (!spec_cpuset_valid(val))
		return tr_failx(err, "--%s: invalid list \"%s\" (expected e.g. \"0-3,5\")", name, val);
	*dst = (char *)val;
	*has = true;
	return 0;
}

struct update_args {
	const char *memory, *swap, *reservation, *shares, *share, *quota, *period;
	const char *cpus, *mems, *pids, *weight;
};

/* The flags, on top of what --resources gave (a flag wins). */
static int apply_flags(const struct update_args *a, struct spec_resources *r, struct tr_err *err)
{
	struct spec_memory *m = &r->memory;
	struct spec_cpu *c = &r->cpu;
	bool has_pids = false, has_cpus = false, has_mems = false, has_weight = false;
	long long v;

	if (size_opt("memory", a->memory, &m->has_limit, &m->limit, err) < 0 ||
	    size_opt("memory-swap", a->swap, &m->has_swap, &m->swap, err) < 0 ||
	    size_opt("memory-reservation", a->reservation, &m->has_reservation, &m->reservation,
		     err) < 0)
		return -1;
	r->has_memory |= m->has_limit || m->has_swap || m->has_reservation;
	if (int_opt(a->shares ? "cpu-shares" : "cpu-share", a->shares ? a->shares : a->share, 0,
		    INT64_MAX, &c->has_shares, &v, err) < 0)
		return -1;
	if (a->shares || a->share)
		c->shares = (uint64_t)v;
	if (int_opt("cpu-quota", a->quota, -1, INT64_MAX, &c->has_quota, &v, err) < 0)
		return -1;
	if (a->quota)
		c->quota = v;
	if (int_opt("cpu-period", a->period, 0, INT64_MAX, &c->has_period, &v, err) < 0)
		return -1;
	if (a->period)
		c->period = (uint64_t)v;
	if (cpuset_opt("cpuset-cpus", a->cpus, &c->cpus, &has_cpus, err) < 0 ||
	    cpuset_opt("cpuset-mems", a->mems, &c->mems, &has_mems, err) < 0)
		return -1;
	r->has_cpu |= c->has_shares || c->has_quota || c->has_period || has_cpus || has_mems;
	if (int_opt("pids-limit", a->pids, -1, INT64_MAX, &has_pids, &v, err) < 0)
		return -1;
	if (has_pids) {
		r->has_pids = true;
		r->pids.limit = v;
	}
	if (int_opt("blkio-weight", a->weight, 10, 1000, &has_weight, &v, err) < 0)
		return -1;
	if (has_weight) {
		r->has_blkio = r->blkio.has_weight = true;
		r->blkio.weight = (uint16_t)v;
	}
	return 0;
}

static int update_run(struct tr_ctx *ctx, int argc, char **argv, struct tr_err *err)
{
	struct update_args a = { 0 };
	const char *resources = NULL;
	struct spec_resources r = { 0 };
	struct spec *s = NULL;
	int help = 0, first, rc;
	const struct cli_opt opts[] = {
		{ "resources", 'r', CLI_STRING, &resources },
		{ "memory", 0, CLI_STRING, &a.memory },
		{ "memory-swap", 0, CLI_STRING, &a.swap },
		{ "memory-reservation", 0, CLI_STRING, &a.reservation },
		{ "cpu-shares", 0, CLI_STRING, &a.shares },
		{ "cpu-share", 0, CLI_STRING, &a.share },
		{ "cpu-quota", 0, CLI_STRING, &a.quota },
		{ "cpu-period", 0, CLI_STRING, &a.period },
		{ "cpuset-cpus", 0, CLI_STRING, &a.cpus },
		{ "cpuset-mems", 0, CLI_STRING, &a.mems },
		{ "pids-limit", 0, CLI_STRING, &a.pids },
		{ "blkio-weight", 0, CLI_STRING, &a.weight },
		{ 0 },
	};

	first = cli_parse(argc, argv, opts, &help, err);
	if (first < 0)
		return -1;
	if (help)
		return cli_usage(ctx);
	if (cli_positional(argc, argv, first, 1, "update", "container ID", err) < 0)
		return -1;
	if (resources) {
		if (load_resources(resources, &s, err) < 0)
			return -1;
		r = s->linux_cfg.resources;
	}
	rc = apply_flags(&a, &r, err);
	if (!rc && !resources && !r.has_memory && !r.has_cpu && !r.has_pids && !r.has_blkio)
		rc = tr_failx(err, "update: nothing to change (see 'tinyrun update --help')");
	if (!rc)
		rc = container_update(ctx->root, argv[first], &r, err);
	spec_free(s);
	return rc < 0 ? -1 : 0;
}

const struct cmd cmd_update = {
	.name = "update",
	.summary = "change the resource limits of a container",
	.usage =
	"usage: tinyrun update [options] ID\n"
	"\n"
	"Write new cgroup limits for container ID, which must be created, running or\n"
	"paused. --resources reads a linux.resources object (as in config.json) from\n"
	"FILE, or from standard input with \"-\"; the other options are applied on\n"
	"top of it. A value of 0 leaves a limit unchanged, as with runc; device rules\n"
	"cannot be changed. Sizes are bytes, with an optional k, m, g or t suffix\n"
	"(powers of 1024); -1 means no limit.\n"
	"\n"
	"Options:\n"
	"  -r, --resources FILE        linux.resources JSON from FILE, or - for stdin\n"
	"  --memory SIZE               memory limit\n"
	"  --memory-swap SIZE          limit of memory plus swap\n"
	"  --memory-reservation SIZE   soft memory limit\n"
	"  --cpu-shares N              CPU shares (relative weight; --cpu-share too)\n"
	"  --cpu-quota N               CPU time in microseconds per period, -1 none\n"
	"  --cpu-period N              CPU period in microseconds\n"
	"  --cpuset-cpus LIST          CPUs the container may use (0-3,5)\n"
	"  --cpuset-mems LIST          memory nodes the container may use\n"
	"  --pids-limit N              most tasks at once, -1 for no limit\n"
	"  --blkio-weight N            block IO weight, 10 to 1000\n",
	.run = update_run,
};
