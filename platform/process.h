/* SPDX-License-Identifier: MIT */
/*
 * The last steps of the container's init, after namespaces, mounts and
 * pivot_root, while it is still root in the container:
 *
 *	sysctl_apply(s, &err)			linux.sysctl
 *	process_apply(s, preserve_fds, &err)	everything in "process" but args
 *	process_exec(&s->process, &err)		execve; returns only on failure
 *
 * Each returns <0 with err naming the JSON path ("process.rlimits[0]: ...").
 * Nothing here prints or exits.
 */
#ifndef TINYRUN_PROCESS_H
#define TINYRUN_PROCESS_H

#include "error.h"
#include "spec.h"

/*
 * Check that every linux.sysctl key is namespaced and that its namespace is
 * one the container has in linux.namespaces (ipc: kernel.msg*, kernel.sem*,
 * kernel.shm*, fs.mqueue.*; net: net.*; uts: kernel.hostname,
 * kernel.domainname). Pure: touches nothing, so the parent can call it
 * before creating anything. sysctl_apply() calls it too.
 */
int sysctl_validate(const struct spec *s, struct tr_err *err);

/*
 * Write each linux.sysctl value to /proc/sys/<key with '.' as '/'>, in file
 * order. A key that already contains '/' is taken as that path (sysctl(8)'s
 * form for names with dots, e.g. "net/ipv4/conf/eth0.100/forwarding").
 * Every file is opened below a /proc/sys verified to be procfs, with
 * O_NOFOLLOW, and checked to be on procfs itself. Call it before /proc/sys
 * is made read-only (linux.readonlyPaths) and before process_apply().
 */
int sysctl_apply(const struct spec *s, struct tr_err *err);

/*
 * Apply s->process to the calling process, in this order (process.c says
 * why each step sits where it does):
 *   oomScoreAdj, rlimits, ioPriority, scheduler, linux.personality, umask,
 *   capabilities.bounding, cwd (first try, as root), user (setgroups,
 *   setresgid, setresuid with PR_SET_KEEPCAPS), the other capability sets,
 *   cwd (second try, as the user, only if root was refused),
 *   noNewPrivileges, close-on-exec on every fd >= 3 + preserve_fds.
 * fds 0-2 are left alone; fds 3 .. 2 + preserve_fds lose FD_CLOEXEC so they
 * reach the container; every other fd (such as the sync pipe to the parent)
 * stays open until execve closes it.
 *
 * Seccomp is not here: with noNewPrivileges the caller loads the filter
 * after this returns; without it, loading needs CAP_SYS_ADMIN, so the
 * filter must be loaded before this call and must then allow the calls made
 * here (setgroups, setresuid, capset, prctl, close_range, ...).
 */
int process_apply(const struct spec *s, int preserve_fds, struct tr_err *err);

/*
 * execve(args[0], args, env). An args[0] without '/' is looked up in the
 * PATH of process.env, not in the runtime's own environment; no PATH there
 * means not found. Returns only on failure (always -1).
 */
int process_exec(const struct spec_process *p, struct tr_err *err);

/*
 * Open dirfd/path (dirfd may be AT_FDCWD) with O_CLOEXEC added and check
 * with fstatfs() that the opened file is on procfs, so a container that
 * mounted something else over /proc (or over one file in it) cannot make us
 * write to the wrong place. Returns the fd, or -1 with errno set (ENODEV
 * when it is not procfs). Shared by process.c and sysctl.c.
 */
int procfs_open(int dirfd, const char *path, int flags);

#endif
