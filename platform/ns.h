/* SPDX-License-Identifier: MIT */
/*
 * Namespaces: which ones a container gets, joining existing ones by path,
 * user-namespace id maps, the time namespace's offsets, and the loopback
 * interface of a new network namespace. pid, mount, uts and ipc namespaces
 * are always built in; user, network, cgroup and time each have a Kconfig
 * symbol, and a bundle that asks for one that is built out is refused.
 */
#ifndef TINYRUN_NS_H
#define TINYRUN_NS_H

#include <sys/types.h>

#include "error.h"
#include "spec.h"

/* Refuse namespace types this build leaves out; names the JSON path. */
int ns_check_config(const struct spec *s, struct tr_err *err);

/* CLONE_NEW* of the namespaces the container gets new (no path). */
unsigned long ns_new_flags(const struct spec *s);

/* Whether creating the init needs an intermediate process (joins by path, time ns). */
int ns_need_stage1(const struct spec *s);

/*
 * In the intermediate process: join every namespace given by path (the user
 * namespace first, so the others are joined with its privileges), then
 * unshare a new time namespace and write its offsets.
 */
int ns_join_and_prepare(const struct spec *s, struct tr_err *err);

/* From the runtime: write the init's uid_map and gid_map. */
int ns_write_id_maps(pid_t pid, const struct spec *s, struct tr_err *err);

/* In the init of a new network namespace: bring lo up. */
int ns_loopback_up(struct tr_err *err);

/* In the init: hostname and domainname (they need a new uts namespace). */
int ns_set_names(const struct spec *s, struct tr_err *err);

#endif
