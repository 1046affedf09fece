/* SPDX-License-Identifier: MIT */
/*
 * process.capabilities: the five capability sets of the container process.
 *
 * Applying them takes two steps because of how the kernel ties capabilities
 * to user ids (capabilities(7)):
 *   1. caps_apply_bounding() drops from the bounding set every capability the
 *      spec does not list. Dropping needs CAP_SETPCAP in the effective set,
 *      and a change from uid 0 to another uid clears the effective set, so
 *      this runs BEFORE the uid change.
 *   2. caps_apply() sets effective, permitted and inheritable exactly as
 *      listed, then raises the ambient set. It runs AFTER the uid change,
 *      which the caller makes with PR_SET_KEEPCAPS on so that the permitted
 *      set survives it; ambient is set last because the uid change clears it
 *      and because the kernel only raises an ambient capability that is
 *      already permitted and inheritable.
 *
 * A set that is absent is empty; a capabilities object that is absent means
 * every set is empty (the process keeps no capability). Capabilities newer
 * than the running kernel (above /proc/sys/kernel/cap_last_cap) are skipped
 * without error, so one bundle works on old and new kernels.
 *
 * Built without CONFIG_CAPS, a spec that lists any capability fails with a
 * clear error instead of running with capabilities it did not ask for.
 */
#ifndef TINYRUN_CAPS_H
#define TINYRUN_CAPS_H

#include "autoconf.h"
#include "error.h"
#include "spec.h"

#if CFG_CAPS

int caps_apply_bounding(const struct spec_caps *c, struct tr_err *err);
int caps_apply(const struct spec_caps *c, struct tr_err *err);

#else

static inline int caps_refuse(const struct spec_caps *c, struct tr_err *err)
{
	if (c->bounding | c->effective | c->inheritable | c->permitted | c->ambient)
		return tr_failx(err, "process.capabilities: tinyrun was built without CONFIG_CAPS");
	return 0;
}

static inline int caps_apply_bounding(const struct spec_caps *c, struct tr_err *err)
{
	return caps_refuse(c, err);
}

static inline int caps_apply(const struct spec_caps *c, struct tr_err *err)
{
	return caps_refuse(c, err);
}

#endif

#endif
