/* SPDX-License-Identifier: MIT */
/*
 * The library side of the commands that act on a live container's cgroups:
 * update, pause, resume, ps and events. Built only with a cgroup module
 * (CONFIG_CGROUP_V1 or CONFIG_CGROUP_V2); nothing here prints.
 */
#ifndef TINYRUN_CONTAINER_CG_H
#define TINYRUN_CONTAINER_CG_H

#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "spec.h"

struct container_state;
struct cgroup;

/*
 * Write r to the cgroups of a created, running or paused container (under
 * its lock). Zero values are taken as "unchanged", as runc update does.
 */
int container_update(const char *root, const char *id, const struct spec_resources *r,
		     struct tr_err *err);

/* pause (frozen 1) a created or running container; resume (0) a paused one. */
int container_pause(const char *root, const char *id, int frozen, struct tr_err *err);

/*
 * The state and cgroups of a container that exists and has cgroups (ps,
 * events). A stopped container is an error unless allow_stopped. Free with
 * state_free() and cgroup_free().
 */
int container_cgroups(const char *root, const char *id, int allow_stopped,
		      struct container_state *st, struct cgroup **cg, struct tr_err *err);

/* "512", "64k", "16M", "1g", "2GiB", "-1" (runc's sizes, powers of 1024). */
int container_parse_size(const char *s, int64_t *out);

/* A Go duration ("5s", "500ms", "1m30s"; a bare number is seconds) in ns. */
int container_parse_duration(const char *s, uint64_t *ns);

#endif
