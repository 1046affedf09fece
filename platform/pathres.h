/* SPDX-License-Identifier: MIT */
/*
 * Safe path resolution inside a container's root filesystem.
 *
 * A config.json names mount destinations, devices and masked paths as
 * absolute paths of the container. Resolving them against the host's view
 * of the rootfs with a plain open() would follow a symlink such as
 * rootfs/etc -> /../../etc out of the rootfs and onto the host. The
 * functions here treat a directory fd as "/": absolute symlink targets
 * restart at it and ".." never climbs above it.
 *
 * Two implementations with one behaviour:
 *  - openat2(RESOLVE_IN_ROOT) where the kernel has it (5.6+): the kernel
 *    does the confinement, and it also refuses magic links (/proc/.../fd/N);
 *  - a component-by-component walk for older kernels (boards run 4.x): each
 *    step is openat(O_PATH|O_NOFOLLOW), symlinks are read and expanded by
 *    us, ".." pops a component of the already resolved path, which is then
 *    opened again from the root, so no step ever leaves the root.
 * Creating missing components always uses the walk (it is safe on its own).
 *
 * Results are O_PATH|O_CLOEXEC fds: use them with *at() calls, fstat, or as
 * /proc/self/fd/N for mount(2), so that a symlink swapped in after the
 * resolution cannot redirect the operation.
 */
#ifndef TINYRUN_PATHRES_H
#define TINYRUN_PATHRES_H

#include <sys/types.h>

struct tr_err;

#define PATHRES_MKDIR		0x1	/* create missing directories, the last one too */
#define PATHRES_MKFILE		0x2	/* create missing parents, the last as an empty file */
#define PATHRES_NOFOLLOW	0x4	/* a symlink as last component is returned, not followed */
#define PATHRES_WALK		0x8	/* do not use openat2 (tests; set by pathres_force_walk) */

/* Longest symlink chain followed in one resolution, as the kernel's. */
#define PATHRES_MAX_LINKS	40

/*
 * Resolve path (absolute or not: both are taken from rootfd) inside the
 * directory rootfd. mode is the mode of a created last component (subject
 * to umask); created parents get 0755. Returns an O_PATH|O_CLOEXEC fd, or
 * -1 with err filled; err->errnum is ENOENT when something is missing and
 * nothing was to be created, so callers can skip optional paths.
 */
int pathres_open(int rootfd, const char *path, unsigned opts, mode_t mode,
		 struct tr_err *err);

/*
 * Resolve the parent directory of path inside rootfd (creating it with
 * PATHRES_MKDIR) and return an O_PATH fd on it; *name points into path at
 * the last component (for mknodat, symlinkat, unlinkat). A path whose last
 * component is empty, "." or ".." is EINVAL: it names no entry.
 */
int pathres_open_parent(int rootfd, const char *path, unsigned opts,
			const char **name, struct tr_err *err);

/*
 * Use the walk even where openat2 works, for every later call (tests of the
 * fallback on new kernels). The environment variable TINYRUN_PATHRES_WALK=1
 * does the same for a whole run: pathres reads it once, on first use.
 */
void pathres_force_walk(int on);

#endif
