/* SPDX-License-Identifier: MIT */
/*
 * Name tables for the spec: capabilities, rlimits, signals, namespaces, mount
 * options, seccomp and scheduler names. Numbers come from the libc headers of
 * the target where they differ between architectures (signals, rlimits), and
 * are spelt out here where the kernel ABI fixes them and old headers may lack
 * them (CLONE_NEWTIME, MS_NOSYMFOLLOW, MOUNT_ATTR_*).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include "spec.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif
/* linux/mount.h values; not every libc's sys/mount.h has them */
#define ATTR_RDONLY		0x00000001ULL
#define ATTR_NOSUID		0x00000002ULL
#define ATTR_NODEV		0x00000004ULL
#define ATTR_NOEXEC		0x00000008ULL
#define ATTR_RELATIME		0x00000000ULL
#define ATTR_NOATIME		0x00000010ULL
#define ATTR_STRICTATIME	0x00000020ULL
#define ATTR_ATIME_MASK		0x00000070ULL
#define ATTR_NODIRATIME		0x00000080ULL
#define ATTR_NOSYMFOLLOW	0x00200000ULL

static const char *const cap_names[SPEC_CAP_LAST + 1] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
	"CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
	"CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
	"CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
	"CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
	"CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
	"CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
};

int spec_cap_from_name(const char *name)
{
	int i;

	/* case-insensitive like runc; the "CAP_" prefix is required */
	for (i = 0; i <= SPEC_CAP_LAST; i++)
		if (!strcasecmp(name, cap_names[i]))
			return i;
	return -1;
}

const char *spec_cap_name(int cap)
{
	return cap >= 0 && cap <= SPEC_CAP_LAST ? cap_names[cap] : NULL;
}

struct name_val {
	const char *name;
	long long val;
};

static long long lookup(const struct name_val *t, size_t n, const char *name, long long dflt)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(t[i].name, name))
			return t[i].val;
	return dflt;
}

static const char *rlookup(const struct name_val *t, size_t n, long long val)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].val == val)
			return t[i].name;
	return NULL;
}

static const struct name_val rlimits[] = {
	{ "RLIMIT_CPU", RLIMIT_CPU }, { "RLIMIT_FSIZE", RLIMIT_FSIZE },
	{ "RLIMIT_DATA", RLIMIT_DATA }, { "RLIMIT_STACK", RLIMIT_STACK },
	{ "RLIMIT_CORE", RLIMIT_CORE }, { "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_NPROC", RLIMIT_NPROC }, { "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_AS", RLIMIT_AS },
	{ "RLIMIT_LOCKS", RLIMIT_LOCKS }, { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
	{ "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE }, { "RLIMIT_NICE", RLIMIT_NICE },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO }, { "RLIMIT_RTTIME", RLIMIT_RTTIME },
};

int spec_rlimit_from_name(const char *name)
{
	return (int)lookup(rlimits, ARRAY_SIZE(rlimits), name, -1);
}

const char *spec_rlimit_name(int type)
{
	return rlookup(rlimits, ARRAY_SIZE(rlimits), type);
}

static const struct name_val signals[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "ILL", SIGILL },
	{ "TRAP", SIGTRAP }, { "ABRT", SIGABRT }, { "IOT", SIGIOT }, { "BUS", SIGBUS },
	{ "FPE", SIGFPE }, { "KILL", SIGKILL }, { "USR1", SIGUSR1 }, { "SEGV", SIGSEGV },
	{ "USR2", SIGUSR2 }, { "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM },
#ifdef SIGSTKFLT
	{ "STKFLT", SIGSTKFLT },
#endif
	{ "CHLD", SIGCHLD }, { "CLD", SIGCHLD }, { "CONT", SIGCONT }, { "STOP", SIGSTOP },
	{ "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU }, { "URG", SIGURG },
	{ "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ }, { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },
	{ "WINCH", SIGWINCH }, { "IO", SIGIO }, { "POLL", SIGIO },
#ifdef SIGPWR
	{ "PWR", SIGPWR },
#endif
	{ "SYS", SIGSYS },
};

/* "123" -> 123; -1 unless the whole string is a small decimal number */
static int small_number(const char *s)
{
	long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 1000)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return (int)v;
}

int spec_signal_from_name(const char *name)
{
	int n, base;

	n = small_number(name);
	if (n >= 0)
		return n >= 1 && n <= SIGRTMAX ? n : -1;
	if (!strncasecmp(name, "SIG", 3))
		name += 3;
	/* SIGRTMIN is a libc call: libc keeps the first few RT signals */
	if (!strncasecmp(name, "RTMIN", 5) || !strncasecmp(name, "RTMAX", 5)) {
		bool min = !strncasecmp(name, "RTMIN", 5);

		base = min ? SIGRTMIN : SIGRTMAX;
		name += 5;
		if (!*name)
			return base;
		if (*name != (min ? '+' : '-') || (n = small_number(name + 1)) < 0)
			return -1;
		n = min ? base + n : base - n;
		return n >= SIGRTMIN && n <= SIGRTMAX ? n : -1;
	}
	for (n = 0; n < (int)ARRAY_SIZE(signals); n++)
		if (!strcasecmp(name, signals[n].name))
			return (int)signals[n].val;
	return -1;
}

static const struct name_val namespaces[] = {
	{ "pid", CLONE_NEWPID }, { "network", CLONE_NEWNET }, { "mount", CLONE_NEWNS },
	{ "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS }, { "user", CLONE_NEWUSER },
	{ "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME },
};

unsigned long spec_ns_from_name(const char *name)
{
	return (unsigned long)lookup(namespaces, ARRAY_SIZE(namespaces), name, 0);
}

const char *spec_ns_name(unsigned long flag)
{
	return rlookup(namespaces, ARRAY_SIZE(namespaces), (long long)flag);
}

static const struct spec_mount_opt mount_opts[] = {
	/* name, set, clear, propagation, attr_set, attr_clr, extra */
	{ "defaults", 0, 0, 0, 0, 0, 0 },
	{ "ro", MS_RDONLY, 0, 0, 0, 0, 0 },
	{ "rw", 0, MS_RDONLY, 0, 0, 0, 0 },
	{ "nosuid", MS_NOSUID, 0, 0, 0, 0, 0 },
	{ "suid", 0, MS_NOSUID, 0, 0, 0, 0 },
	{ "nodev", MS_NODEV, 0, 0, 0, 0, 0 },
	{ "dev", 0, MS_NODEV, 0, 0, 0, 0 },
	{ "noexec", MS_NOEXEC, 0, 0, 0, 0, 0 },
	{ "exec", 0, MS_NOEXEC, 0, 0, 0, 0 },
	{ "sync", MS_SYNCHRONOUS, 0, 0, 0, 0, 0 },
	{ "async", 0, MS_SYNCHRONOUS, 0, 0, 0, 0 },
	{ "dirsync", MS_DIRSYNC, 0, 0, 0, 0, 0 },
	{ "remount", MS_REMOUNT, 0, 0, 0, 0, 0 },
	{ "mand", MS_MANDLOCK, 0, 0, 0, 0, 0 },
	{ "nomand", 0, MS_MANDLOCK, 0, 0, 0, 0 },
	{ "atime", 0, MS_NOATIME, 0, 0, 0, 0 },
	{ "noatime", MS_NOATIME, 0, 0, 0, 0, 0 },
	{ "diratime", 0, MS_NODIRATIME, 0, 0, 0, 0 },
	{ "nodiratime", MS_NODIRATIME, 0, 0, 0, 0, 0 },
	{ "relatime", MS_RELATIME, 0, 0, 0, 0, 0 },
	{ "norelatime", 0, MS_RELATIME, 0, 0, 0, 0 },
	{ "strictatime", MS_STRICTATIME, 0, 0, 0, 0, 0 },
	{ "nostrictatime", 0, MS_STRICTATIME, 0, 0, 0, 0 },
	{ "silent", MS_SILENT, 0, 0, 0, 0, 0 },
	{ "loud", 0, MS_SILENT, 0, 0, 0, 0 },
	{ "nosymfollow", MS_NOSYMFOLLOW, 0, 0, 0, 0, 0 },
	{ "symfollow", 0, MS_NOSYMFOLLOW, 0, 0, 0, 0 },
	{ "bind", MS_BIND, 0, 0, 0, 0, 0 },
	{ "rbind", MS_BIND | MS_REC, 0, 0, 0, 0, 0 },
	{ "private", 0, 0, MS_PRIVATE, 0, 0, 0 },
	{ "rprivate", 0, 0, MS_PRIVATE | MS_REC, 0, 0, 0 },
	{ "shared", 0, 0, MS_SHARED, 0, 0, 0 },
	{ "rshared", 0, 0, MS_SHARED | MS_REC, 0, 0, 0 },
	{ "slave", 0, 0, MS_SLAVE, 0, 0, 0 },
	{ "rslave", 0, 0, MS_SLAVE | MS_REC, 0, 0, 0 },
	{ "unbindable", 0, 0, MS_UNBINDABLE, 0, 0, 0 },
	{ "runbindable", 0, 0, MS_UNBINDABLE | MS_REC, 0, 0, 0 },
	/* recursive variants (runtime-spec 1.1), applied with mount_setattr */
	{ "rro", 0, 0, 0, ATTR_RDONLY, 0, 0 },
	{ "rrw", 0, 0, 0, 0, ATTR_RDONLY, 0 },
	{ "rnosuid", 0, 0, 0, ATTR_NOSUID, 0, 0 },
	{ "rsuid", 0, 0, 0, 0, ATTR_NOSUID, 0 },
	{ "rnodev", 0, 0, 0, ATTR_NODEV, 0, 0 },
	{ "rdev", 0, 0, 0, 0, ATTR_NODEV, 0 },
	{ "rnoexec", 0, 0, 0, ATTR_NOEXEC, 0, 0 },
	{ "rexec", 0, 0, 0, 0, ATTR_NOEXEC, 0 },
	{ "rnodiratime", 0, 0, 0, ATTR_NODIRATIME, 0, 0 },
	{ "rdiratime", 0, 0, 0, 0, ATTR_NODIRATIME, 0 },
	{ "rrelatime", 0, 0, 0, ATTR_RELATIME, ATTR_ATIME_MASK, 0 },
	{ "rnorelatime", 0, 0, 0, 0, ATTR_ATIME_MASK, 0 },
	{ "rnoatime", 0, 0, 0, ATTR_NOATIME, ATTR_ATIME_MASK, 0 },
	{ "ratime", 0, 0, 0, 0, ATTR_NOATIME, 0 },
	{ "rstrictatime", 0, 0, 0, ATTR_STRICTATIME, ATTR_ATIME_MASK, 0 },
	{ "rnostrictatime", 0, 0, 0, 0, ATTR_STRICTATIME, 0 },
	{ "rnosymfollow", 0, 0, 0, ATTR_NOSYMFOLLOW, 0, 0 },
	{ "rsymfollow", 0, 0, 0, 0, ATTR_NOSYMFOLLOW, 0 },
	{ "tmpcopyup", 0, 0, 0, 0, 0, SPEC_MOUNT_TMPCOPYUP },
	{ "idmap", 0, 0, 0, 0, 0, SPEC_MOUNT_IDMAP },
	{ "ridmap", 0, 0, 0, 0, 0, SPEC_MOUNT_IDMAP },
};

const struct spec_mount_opt *spec_mount_option_at(size_t i)
{
	return i < ARRAY_SIZE(mount_opts) ? &mount_opts[i] : NULL;
}

const struct spec_mount_opt *spec_mount_option(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(mount_opts); i++)
		if (!strcmp(mount_opts[i].name, name))
			return &mount_opts[i];
	return NULL;
}

unsigned long spec_propagation_from_name(const char *name)
{
	const struct spec_mount_opt *o = spec_mount_option(name);

	return o ? o->propagation : 0;
}

static const struct name_val scmp_actions[] = {
	{ "SCMP_ACT_KILL", SPEC_SCMP_ACT_KILL },
	{ "SCMP_ACT_KILL_PROCESS", SPEC_SCMP_ACT_KILL_PROCESS },
	{ "SCMP_ACT_KILL_THREAD", SPEC_SCMP_ACT_KILL_THREAD },
	{ "SCMP_ACT_TRAP", SPEC_SCMP_ACT_TRAP },
	{ "SCMP_ACT_ERRNO", SPEC_SCMP_ACT_ERRNO },
	{ "SCMP_ACT_TRACE", SPEC_SCMP_ACT_TRACE },
	{ "SCMP_ACT_ALLOW", SPEC_SCMP_ACT_ALLOW },
	{ "SCMP_ACT_LOG", SPEC_SCMP_ACT_LOG },
	{ "SCMP_ACT_NOTIFY", SPEC_SCMP_ACT_NOTIFY },
};

int spec_scmp_action_from_name(const char *name)
{
	return (int)lookup(scmp_actions, ARRAY_SIZE(scmp_actions), name, -1);
}

static const struct name_val scmp_ops[] = {
	{ "SCMP_CMP_NE", SPEC_SCMP_CMP_NE }, { "SCMP_CMP_LT", SPEC_SCMP_CMP_LT },
	{ "SCMP_CMP_LE", SPEC_SCMP_CMP_LE }, { "SCMP_CMP_EQ", SPEC_SCMP_CMP_EQ },
	{ "SCMP_CMP_GE", SPEC_SCMP_CMP_GE }, { "SCMP_CMP_GT", SPEC_SCMP_CMP_GT },
	{ "SCMP_CMP_MASKED_EQ", SPEC_SCMP_CMP_MASKED_EQ },
};

int spec_scmp_op_from_name(const char *name)
{
	return (int)lookup(scmp_ops, ARRAY_SIZE(scmp_ops), name, -1);
}

static const char *const scmp_arches[] = {
	"SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM",
	"SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32",
	"SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
	"SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X",
	"SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64", "SCMP_ARCH_LOONGARCH64",
	"SCMP_ARCH_M68K", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB",
};

bool spec_scmp_arch_known(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(scmp_arches); i++)
		if (!strcmp(scmp_arches[i], name))
			return true;
	return false;
}

static const struct name_val scmp_flags[] = {
	{ "SECCOMP_FILTER_FLAG_TSYNC", 1 },
	{ "SECCOMP_FILTER_FLAG_LOG", 2 },
	{ "SECCOMP_FILTER_FLAG_SPEC_ALLOW", 4 },
	{ "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 32 },
};

long long spec_scmp_flag_from_name(const char *name)
{
	return lookup(scmp_flags, ARRAY_SIZE(scmp_flags), name, -1);
}

/* kernel values (uapi/linux/sched.h); SCHED_ISO is reserved but accepted */
static const struct name_val sched_policies[] = {
	{ "SCHED_OTHER", 0 }, { "SCHED_FIFO", 1 }, { "SCHED_RR", 2 }, { "SCHED_BATCH", 3 },
	{ "SCHED_ISO", 4 }, { "SCHED_IDLE", 5 }, { "SCHED_DEADLINE", 6 },
};

int spec_sched_policy_from_name(const char *name)
{
	return (int)lookup(sched_policies, ARRAY_SIZE(sched_policies), name, -1);
}

static const struct name_val sched_flags[] = {
	{ "SCHED_FLAG_RESET_ON_FORK", 0x01 }, { "SCHED_FLAG_RECLAIM", 0x02 },
	{ "SCHED_FLAG_DL_OVERRUN", 0x04 }, { "SCHED_FLAG_KEEP_POLICY", 0x08 },
	{ "SCHED_FLAG_KEEP_PARAMS", 0x10 }, { "SCHED_FLAG_UTIL_CLAMP_MIN", 0x20 },
	{ "SCHED_FLAG_UTIL_CLAMP_MAX", 0x40 },
};

long long spec_sched_flag_from_name(const char *name)
{
	return lookup(sched_flags, ARRAY_SIZE(sched_flags), name, -1);
}

static const struct name_val ioprio_classes[] = {
	{ "IOPRIO_CLASS_RT", SPEC_IOPRIO_CLASS_RT },
	{ "IOPRIO_CLASS_BE", SPEC_IOPRIO_CLASS_BE },
	{ "IOPRIO_CLASS_IDLE", SPEC_IOPRIO_CLASS_IDLE },
};

int spec_ioprio_class_from_name(const char *name)
{
	return (int)lookup(ioprio_classes, ARRAY_SIZE(ioprio_classes), name, -1);
}

/* cpuset list: "N" or "N-M" (N <= M) separated by ','; CPU numbers < 65536 */
static const char *cpu_number(const char *s, long *v)
{
	if (*s < '0' || *s > '9')
		return NULL;
	for (*v = 0; *s >= '0' && *s <= '9'; s++) {
		*v = *v * 10 + (*s - '0');
		if (*v > 65535)
			return NULL;
	}
	return s;
}

bool spec_cpuset_valid(const char *s)
{
	long a, b;

	if (!*s)
		return true;
	for (;;) {
		s = cpu_number(s, &a);
		if (!s)
			return false;
		if (*s == '-') {
			s = cpu_number(s + 1, &b);
			if (!s || b < a)
				return false;
		}
		if (!*s)
			return true;
		if (*s++ != ',')
			return false;
	}
}
