/* SPDX-License-Identifier: MIT */
/*
 * OCI hooks: each runs with the container's state JSON on stdin, its own
 * args (args[0] as given, or the path) and env (empty when absent), and is
 * killed when its timeout passes. The caller decides what a failure means:
 * fatal for prestart, createRuntime, createContainer and startContainer; a
 * warning for poststart and poststop.
 */
#ifndef TINYRUN_HOOKS_H
#define TINYRUN_HOOKS_H

#include "autoconf.h"
#include "error.h"
#include "spec.h"

#if CFG_HOOKS
/* Run every hook of list in order; stops at the first that fails. */
int hooks_run(const spec_hook_list *list, const char *kind, const char *state_json,
	      struct tr_err *err);
#else
static inline int hooks_run(const spec_hook_list *list, const char *kind,
			    const char *state_json, struct tr_err *err)
{
	(void)state_json;
	if (list->n)
		return tr_failx(err, "hooks.%s: tinyrun was built without CONFIG_HOOKS", kind);
	return 0;
}
#endif

/* Refuse a bundle with hooks when they are built out. */
static inline int hooks_check_config(const struct spec *s, struct tr_err *err)
{
	const struct spec_hooks *h = &s->hooks;

	if (CFG_HOOKS || !s->has_hooks)
		return 0;
	if (h->prestart.n || h->create_runtime.n || h->create_container.n ||
	    h->start_container.n || h->poststart.n || h->poststop.n)
		return tr_failx(err, "hooks: tinyrun was built without CONFIG_HOOKS");
	return 0;
}

#endif
