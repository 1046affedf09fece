/* SPDX-License-Identifier: MIT */
/*
 * Apply the "process" object in the container's init, then exec it.
 *
 * The order in process_apply() is forced by privileges: everything that
 * needs a capability the container may not keep (CAP_SYS_RESOURCE for
 * rlimits and a lower oom_score_adj, CAP_SYS_NICE / CAP_SYS_ADMIN for real-
 * time scheduling and I/O classes, CAP_SETPCAP for the bounding set,
 * CAP_SETGID for setgroups) runs while we are still root with the
 * runtime's capabilities; the uid change and the final capability sets come
 * after; then the steps that restrict only ourselves (no_new_privs,
 * close-on-exec) come last, right before execve.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "caps.h"
#include "process.h"

/* musl has no wrappers for these, and older headers lack the numbers */
#ifndef SYS_ioprio_set
# if defined(__x86_64__)
#  define SYS_ioprio_set 251
# elif defined(__aarch64__)
#  define SYS_ioprio_set 30
# elif defined(__arm__)
#  define SYS_ioprio_set 314
# elif defined(__i386__)
#  define SYS_ioprio_set 289
# else
#  define SYS_ioprio_set -1	/* syscall() then fails with ENOSYS */
# endif
#endif
#ifndef SYS_sched_setattr
# if defined(__x86_64__)
#  define SYS_sched_setattr 314
# elif defined(__aarch64__)
#  define SYS_sched_setattr 274
# elif defined(__arm__)
#  define SYS_sched_setattr 380
# elif defined(__i386__)
#  define SYS_sched_setattr 351
# else
#  define SYS_sched_setattr -1
# endif
#endif
#ifndef SYS_close_range
# define SYS_close_range 436	/* the same number on every architecture */
#endif
#ifndef CLOSE_RANGE_CLOEXEC
# define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef PROC_SUPER_MAGIC
# define PROC_SUPER_MAGIC 0x9fa0
#endif
#ifndef PR_SET_NO_NEW_PRIVS
# define PR_SET_NO_NEW_PRIVS 38
#endif

#define IOPRIO_WHO_PROCESS	1
#define IOPRIO_CLASS_SHIFT	13

/* sched_setattr(2)'s struct, first version (48 bytes, Linux 3.14) */
struct sched_attr_v0 {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime;
	uint64_t sched_deadline;
	uint64_t sched_period;
};

int procfs_open(int dirfd, const char *path, int flags)
{
	struct statfs sfs;
	int fd, e;

	fd = openat(dirfd, path, flags | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstatfs(fd, &sfs) < 0)
		e = errno;
	else if (sfs.f_type != PROC_SUPER_MAGIC)
		e = ENODEV;
	else
		return fd;
	close(fd);
	errno = e;
	return -1;
}

/* Fail with "<what>: open|write <path>" and the errno, "not procfs" for ENODEV. */
static int proc_write(const char *path, const char *text, const char *what,
		      struct tr_err *err)
{
	size_t len = strlen(text);
	ssize_t n;
	int fd, e;

	fd = procfs_open(AT_FDCWD, path, O_WRONLY);
	if (fd < 0 && errno == ENODEV)
		return tr_failx(err, "%s: %s is not on procfs", what, path);
	if (fd < 0)
		return tr_fail(err, errno, "%s: open %s", what, path);
	n = write(fd, text, len);
	e = errno;
	close(fd);
	if (n < 0)
		return tr_fail(err, e, "%s: write %s", what, path);
	if ((size_t)n != len)
		return tr_failx(err, "%s: write %s: short write", what, path);
	return 0;
}

/* Read a small procfs file into buf (NUL-terminated); -1 with errno. */
static int proc_read(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd, e;

	fd = procfs_open(AT_FDCWD, path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	e = errno;
	close(fd);
	if (n < 0) {
		errno = e;
		return -1;
	}
	buf[n] = 0;
	return 0;
}

/* ---- oomScoreAdj ---- */

static int apply_oom_score_adj(const struct spec_process *p, struct tr_err *err)
{
	char text[16];

	if (!p->has_oom_score_adj)
		return 0;
	snprintf(text, sizeof(text), "%d", p->oom_score_adj);
	if (proc_write("/proc/self/oom_score_adj", text, "process.oomScoreAdj", err) < 0) {
		/* the kernel's only reason for EACCES here */
		if (err && err->errnum == EACCES)
			tr_fail(err, EACCES, "process.oomScoreAdj: lowering it to %d needs "
				"CAP_SYS_RESOURCE", p->oom_score_adj);
		return -1;
	}
	return 0;
}

/* ---- rlimits ---- */

static void rlim_text(uint64_t v, char *buf, size_t len)
{
	if (v == UINT64_MAX || v == (uint64_t)RLIM_INFINITY)
		snprintf(buf, len, "unlimited");
	else
		snprintf(buf, len, "%llu", (unsigned long long)v);
}

/* The spec's 64-bit value as this libc's rlim_t (32 bits on old glibc ABIs). */
static int to_rlim(uint64_t v, rlim_t *out)
{
	if (v == UINT64_MAX) {
		*out = RLIM_INFINITY;
		return 0;
	}
	*out = (rlim_t)v;
	return (uint64_t)*out == v && *out != RLIM_INFINITY ? 0 : -1;
}

/* Why the kernel said EPERM, for the message: podman asks for nofile=1048576. */
static void rlimit_eperm_reason(const struct spec_rlimit *rl, char *why, size_t len)
{
	char cur_text[24], buf[32];
	unsigned long long nr_open;
	struct rlimit cur;

	why[0] = 0;
	if (rl->type == RLIMIT_NOFILE && proc_read("/proc/sys/fs/nr_open", buf, sizeof(buf)) == 0) {
		nr_open = strtoull(buf, NULL, 10);
		if (nr_open && rl->hard > nr_open) {
			snprintf(why, len, " (the hard limit is above fs.nr_open, %llu)", nr_open);
			return;
		}
	}
	if (getrlimit(rl->type, &cur) == 0 && rl->hard > (uint64_t)cur.rlim_max &&
	    cur.rlim_max != RLIM_INFINITY) {
		rlim_text(cur.rlim_max, cur_text, sizeof(cur_text));
		snprintf(why, len, " (raising the hard limit above the current %s needs "
			 "CAP_SYS_RESOURCE)", cur_text);
	}
}

static int apply_rlimits(const struct spec_process *p, struct tr_err *err)
{
	char soft[24], hard[24], why[128];
	const struct spec_rlimit *rl;
	const char *name;
	struct rlimit want;
	size_t i;
	int e;

	for (i = 0; i < p->rlimits.n; i++) {
		rl = &p->rlimits.v[i];
		name = spec_rlimit_name(rl->type);
		rlim_text(rl->soft, soft, sizeof(soft));
		rlim_text(rl->hard, hard, sizeof(hard));
		if (to_rlim(rl->soft, &want.rlim_cur) < 0 || to_rlim(rl->hard, &want.rlim_max) < 0)
			return tr_failx(err, "process.rlimits[%zu]: %s soft %s hard %s: too large "
					"for this system", i, name ? name : "?", soft, hard);
		if (setrlimit(rl->type, &want) == 0)
			continue;
		e = errno;
		why[0] = 0;
		if (e == EPERM)
			rlimit_eperm_reason(rl, why, sizeof(why));
		return tr_fail(err, e, "process.rlimits[%zu]: cannot set %s to soft %s, hard %s%s",
			       i, name ? name : "?", soft, hard, why);
	}
	return 0;
}

/* ---- ioPriority, scheduler, personality ---- */

static int apply_io_priority(const struct spec_process *p, struct tr_err *err)
{
	static const char *const class_names[] = { "NONE", "IOPRIO_CLASS_RT",
		"IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE" };
	const struct spec_io_priority *io = &p->io_priority;
	int value;

	if (!p->has_io_priority)
		return 0;
	value = io->class << IOPRIO_CLASS_SHIFT | io->priority;
	/* who 0: the calling process, which execve keeps */
	if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, value) < 0)
		return tr_fail(err, errno, "process.ioPriority: ioprio_set %s priority %d",
			       io->class >= 0 && io->class <= 3 ? class_names[io->class] : "?",
			       io->priority);
	return 0;
}

static int apply_scheduler(const struct spec_process *p, struct tr_err *err)
{
	static const char *const policy_names[] = { "SCHED_OTHER", "SCHED_FIFO",
		"SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE" };
	const struct spec_scheduler *sc = &p->scheduler;
	struct sched_attr_v0 attr;

	if (!p->has_scheduler)
		return 0;
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.sched_policy = (uint32_t)sc->policy;
	attr.sched_flags = sc->flags;
	attr.sched_nice = sc->nice;
	attr.sched_priority = (uint32_t)sc->priority;
	attr.sched_runtime = sc->runtime;
	attr.sched_deadline = sc->deadline;
	attr.sched_period = sc->period;
	if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
		return tr_fail(err, errno, "process.scheduler: sched_setattr %s nice %d priority %d",
			       sc->policy >= 0 && sc->policy <= 6 ? policy_names[sc->policy] : "?",
			       (int)sc->nice, (int)sc->priority);
	return 0;
}

static int apply_personality(const struct spec *s, struct tr_err *err)
{
	unsigned long domain;

	if (!s->has_linux || !s->linux_cfg.has_personality)
		return 0;
	domain = s->linux_cfg.personality.domain;
	if (personality(domain) < 0)
		return tr_fail(err, errno, "linux.personality: %s",
			       domain == PER_LINUX32 ? "LINUX32" : "LINUX");
	return 0;
}

/* ---- user ---- */

/* In a user namespace whose /proc/self/setgroups says "deny", setgroups(2)
 * always fails; a missing file is a kernel before 3.19, which allows it. */
static bool setgroups_denied(void)
{
	char buf[16];

	if (proc_read("/proc/self/setgroups", buf, sizeof(buf)) < 0)
		return false;
	return strncmp(buf, "deny", 4) == 0;
}

static int apply_groups(const struct spec_user *u, struct tr_err *err)
{
	_Static_assert(sizeof(gid_t) == sizeof(uint32_t), "gid_t is 32 bits on Linux");

	if (setgroups_denied()) {
		if (u->additional_gids.n)
			return tr_failx(err, "process.user.additionalGids: setgroups is denied in "
					"this user namespace (/proc/self/setgroups is \"deny\")");
		return 0;	/* nothing to drop: the namespace never had groups */
	}
	/* with no additionalGids, setgroups(0) drops the runtime's own groups */
	if (setgroups(u->additional_gids.n, (const gid_t *)u->additional_gids.v) < 0)
		return tr_fail(err, errno, "process.user.additionalGids: setgroups");
	return 0;
}

static int apply_ids(const struct spec_user *u, struct tr_err *err)
{
	/* Leaving uid 0 empties the permitted set unless keep-caps is on; the
	 * final sets are applied after this by caps_apply(). Without
	 * CONFIG_CAPS there is nothing to keep. */
	if (CFG_CAPS && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return tr_fail(err, errno, "process.user: prctl(PR_SET_KEEPCAPS)");
	/* gid first: after the uid change we may no longer have CAP_SETGID */
	if (setresgid(u->gid, u->gid, u->gid) < 0)
		return tr_fail(err, errno, "process.user.gid: setresgid %u", (unsigned)u->gid);
	if (setresuid(u->uid, u->uid, u->uid) < 0)
		return tr_fail(err, errno, "process.user.uid: setresuid %u", (unsigned)u->uid);
	return 0;
}

/* ---- file descriptors ---- */

/* fds 3 .. 2 + n are passed on purpose (--preserve-fds): they must survive execve. */
static void keep_preserved_fds(int n)
{
	int fd, flags;

	for (fd = 3; fd < 3 + n; fd++) {
		flags = fcntl(fd, F_GETFD);
		if (flags >= 0 && (flags & FD_CLOEXEC))
			fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC);
	}
}

/*
 * Mark every fd >= first close-on-exec rather than closing it: the sync
 * pipe to the parent must stay open until execve, whose closing it is the
 * parent's signal that exec happened.
 */
static int cloexec_from(unsigned int first, struct tr_err *err)
{
	struct dirent *de;
	unsigned long fd;
	int dfd, flags;
	char *end;
	DIR *dir;

	if (syscall(SYS_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return 0;
	/* ENOSYS before Linux 5.9, EINVAL (the flag) before 5.11, or a seccomp
	 * profile that does not know the call: walk /proc/self/fd instead */
	dfd = procfs_open(AT_FDCWD, "/proc/self/fd", O_RDONLY | O_DIRECTORY);
	if (dfd < 0)
		return tr_fail(err, errno == ENODEV ? 0 : errno,
			       "process: marking fds close-on-exec: /proc/self/fd%s",
			       errno == ENODEV ? " is not on procfs" : "");
	dir = fdopendir(dfd);
	if (!dir) {
		close(dfd);
		return tr_fail(err, errno, "process: marking fds close-on-exec: /proc/self/fd");
	}
	while ((de = readdir(dir)) != NULL) {
		fd = strtoul(de->d_name, &end, 10);
		if (*end || end == de->d_name || fd < first || fd > INT_MAX || (int)fd == dfd)
			continue;
		flags = fcntl((int)fd, F_GETFD);
		if (flags >= 0 && !(flags & FD_CLOEXEC) &&
		    fcntl((int)fd, F_SETFD, flags | FD_CLOEXEC) < 0) {
			closedir(dir);
			return tr_fail(err, errno, "process: marking fd %lu close-on-exec", fd);
		}
	}
	closedir(dir);
	return 0;
}

/* ---- the whole object ---- */

int process_apply(const struct spec *s, int preserve_fds, struct tr_err *err)
{
	const struct spec_process *p = &s->process;
	const struct spec_caps *caps = &p->caps;	/* all zero when absent: drop all */
	int cwd_errno = 0;

	if (!s->has_process)
		return tr_failx(err, "process: missing");
	if (preserve_fds < 0)
		preserve_fds = 0;

	/* 1. Privileged settings of the process itself, while we hold every
	 * capability: a lower oom_score_adj and a raised hard rlimit need
	 * CAP_SYS_RESOURCE, an RT I/O class or policy and a negative nice need
	 * CAP_SYS_NICE (or CAP_SYS_ADMIN). All of them survive execve. */
	if (apply_oom_score_adj(p, err) < 0 || apply_rlimits(p, err) < 0 ||
	    apply_io_priority(p, err) < 0 || apply_scheduler(p, err) < 0)
		return -1;
	/* 2. Unprivileged and kept across execve; done here so nothing later
	 * depends on them (umask only affects files we create, and we make none). */
	if (apply_personality(s, err) < 0)
		return -1;
	umask(p->user.has_umask ? (mode_t)p->user.umask : 022);

	/* 3. Bounding set: dropping needs CAP_SETPCAP in the effective set,
	 * which the uid change below clears. */
	if (caps_apply_bounding(caps, err) < 0)
		return -1;

	/* 4. cwd, first try, as root: a directory only root may enter (NFS
	 * with root squash is the opposite case, retried after the uid change). */
	if (p->cwd && chdir(p->cwd) < 0) {
		cwd_errno = errno;
		if (cwd_errno != EACCES && cwd_errno != EPERM)
			return tr_fail(err, cwd_errno, "process.cwd: \"%s\"", p->cwd);
	}

	/* 5. Groups, then gid, then uid: each needs the privileges the next
	 * one takes away. */
	if (apply_groups(&p->user, err) < 0 || apply_ids(&p->user, err) < 0)
		return -1;

	/* 6. Effective, permitted, inheritable, then ambient, now that the uid
	 * is final (leaving uid 0 clears the ambient set). */
	if (caps_apply(caps, err) < 0)
		return -1;
	if (CFG_CAPS && prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return tr_fail(err, errno, "process.user: prctl(PR_SET_KEEPCAPS)");

	/* 7. cwd, second try, as the container user with its capabilities. */
	if (cwd_errno && chdir(p->cwd) < 0)
		return tr_fail(err, errno, "process.cwd: \"%s\"", p->cwd);

	/* 8. no_new_privs last among the credential steps: it only limits what
	 * execve may grant, and nothing above needs it. */
	if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return tr_fail(err, errno, "process.noNewPrivileges: prctl(PR_SET_NO_NEW_PRIVS)");

	/* 9. Only 0-2 and the preserved fds reach the container. Last, so that
	 * nothing opened above can slip through (we open only O_CLOEXEC fds). */
	keep_preserved_fds(preserve_fds);
	return cloexec_from(3U + (unsigned)preserve_fds, err);
}

/* ---- exec ---- */

/* Value of name in env; the last one wins, as when each entry is setenv'd in order. */
static const char *env_value(const struct spec_strv *env, const char *name)
{
	size_t len = strlen(name), i;
	const char *val = NULL;

	for (i = 0; i < env->n; i++)
		if (strncmp(env->v[i], name, len) == 0 && env->v[i][len] == '=')
			val = env->v[i] + len + 1;
	return val;
}

int process_exec(const struct spec_process *p, struct tr_err *err)
{
	static char *const no_env[] = { NULL };
	char *const *envp = p->env.n ? p->env.v : no_env;
	const char *file, *path, *dir, *end;
	char cand[PATH_MAX];
	bool denied = false;
	struct stat st;
	size_t dlen;

	if (p->args.n == 0 || !p->args.v[0][0])
		return tr_failx(err, "process.args: empty");
	file = p->args.v[0];
	if (strchr(file, '/')) {
		execve(file, p->args.v, envp);
		return tr_fail(err, errno, "process.args[0]: \"%s\": exec", file);
	}

	/* the container's PATH, not ours: our environment is the host's */
	path = env_value(&p->env, "PATH");
	for (dir = path; dir; dir = *end ? end + 1 : NULL) {
		end = strchrnul(dir, ':');
		dlen = (size_t)(end - dir);
		/* an empty entry means the current directory */
		if (snprintf(cand, sizeof(cand), "%.*s/%s", (int)(dlen ? dlen : 1),
			     dlen ? dir : ".", file) >= (int)sizeof(cand))
			continue;
		if (stat(cand, &st) < 0 || S_ISDIR(st.st_mode))
			continue;
		if (!(st.st_mode & 0111) || access(cand, X_OK) < 0) {
			denied = true;
			continue;
		}
		execve(cand, p->args.v, envp);
		return tr_fail(err, errno, "process.args[0]: \"%s\": exec %s", file, cand);
	}
	if (denied)
		return tr_fail(err, EACCES, "process.args[0]: \"%s\": found in $PATH but not "
			       "executable", file);
	return tr_failx(err, "process.args[0]: \"%s\": executable file not found in $PATH", file);
}
