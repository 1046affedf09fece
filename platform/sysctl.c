/* SPDX-License-Identifier: MIT */
/*
 * linux.sysctl: kernel parameters the container sets for itself.
 *
 * Only parameters that belong to a namespace the container owns may be
 * written: anything else would change the host for every process on it.
 * The rule table follows which /proc/sys files the kernel keeps per
 * namespace (ipc/ipc_sysctl.c and ipc/mq_sysctl.c, net/, kernel/utsname_sysctl.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "process.h"

struct sysctl_rule {
	const char *name;
	bool prefix;		/* name is a prefix of the key, else the whole key */
	unsigned long ns;	/* CLONE_NEW* the container must have */
	const char *ns_name;
};

static const struct sysctl_rule sysctl_rules[] = {
	{ "kernel.msg", true, CLONE_NEWIPC, "ipc" },	/* msgmax, msgmnb, msgmni, msg_next_id */
	{ "kernel.sem", true, CLONE_NEWIPC, "ipc" },	/* sem, sem_next_id */
	{ "kernel.shm", true, CLONE_NEWIPC, "ipc" },	/* shmall, shmmax, shmmni, shm_rmid_forced */
	{ "fs.mqueue.", true, CLONE_NEWIPC, "ipc" },
	{ "net.", true, CLONE_NEWNET, "network" },
	{ "kernel.hostname", false, CLONE_NEWUTS, "uts" },
	{ "kernel.domainname", false, CLONE_NEWUTS, "uts" },
};

#define SYSCTL_NAME_MAX 256

/*
 * The file below /proc/sys for key, and the dotted name the rules match.
 * "net.ipv4.ip_forward" -> "net/ipv4/ip_forward"; a key with '/' is already
 * a path and its dotted name swaps the other way. Empty, "." and ".."
 * components are refused so the path cannot leave /proc/sys.
 */
static int sysctl_path(const char *key, char *path, char *dotted)
{
	bool is_path = strchr(key, '/') != NULL;
	size_t len = strlen(key), i, start = 0;

	if (len == 0 || len >= SYSCTL_NAME_MAX)
		return -1;
	for (i = 0; i <= len; i++) {
		char ch = key[i];
		bool sep = ch == 0 || ch == '/' || (!is_path && ch == '.');

		path[i] = sep && ch ? '/' : ch;
		dotted[i] = sep && ch ? '.' : ch;
		if (!sep)
			continue;
		if (i == start || (i - start == 1 && key[start] == '.') ||
		    (i - start == 2 && key[start] == '.' && key[start + 1] == '.'))
			return -1;
		start = i + 1;
	}
	return 0;
}

static const struct sysctl_rule *sysctl_rule_for(const char *dotted)
{
	size_t i, n;

	for (i = 0; i < sizeof(sysctl_rules) / sizeof(sysctl_rules[0]); i++) {
		n = strlen(sysctl_rules[i].name);
		if (sysctl_rules[i].prefix ? strncmp(dotted, sysctl_rules[i].name, n) == 0
					   : strcmp(dotted, sysctl_rules[i].name) == 0)
			return &sysctl_rules[i];
	}
	return NULL;
}

int sysctl_validate(const struct spec *s, struct tr_err *err)
{
	char path[SYSCTL_NAME_MAX], dotted[SYSCTL_NAME_MAX];
	const struct sysctl_rule *rule;
	const char *key;
	size_t i;

	if (!s->has_linux)
		return 0;
	for (i = 0; i < s->linux_cfg.sysctl.n; i++) {
		key = s->linux_cfg.sysctl.v[i].key;
		if (sysctl_path(key, path, dotted) < 0)
			return tr_failx(err, "linux.sysctl[\"%s\"]: not a valid sysctl name", key);
		rule = sysctl_rule_for(dotted);
		if (!rule)
			return tr_failx(err, "linux.sysctl[\"%s\"]: not a namespaced sysctl: setting "
					"it would change the host (allowed: kernel.msg*, kernel.sem*, "
					"kernel.shm*, fs.mqueue.*, net.*, kernel.hostname, "
					"kernel.domainname)", key);
		if (!(s->linux_cfg.ns_flags & rule->ns))
			return tr_failx(err, "linux.sysctl[\"%s\"]: needs the %s namespace in "
					"linux.namespaces, else it would change the host",
					key, rule->ns_name);
	}
	return 0;
}

static int sysctl_write(int sysfd, const struct spec_kv *kv, struct tr_err *err)
{
	char path[SYSCTL_NAME_MAX], dotted[SYSCTL_NAME_MAX];
	size_t len = strlen(kv->value);
	ssize_t n;
	int fd, e;

	if (sysctl_path(kv->key, path, dotted) < 0)
		return tr_failx(err, "linux.sysctl[\"%s\"]: not a valid sysctl name", kv->key);
	/* O_NOFOLLOW: /proc/sys holds no symlinks, so one here is an attack */
	fd = procfs_open(sysfd, path, O_WRONLY | O_NOFOLLOW);
	if (fd < 0 && errno == ENODEV)
		return tr_failx(err, "linux.sysctl[\"%s\"]: /proc/sys/%s is not on procfs",
				kv->key, path);
	if (fd < 0)
		return tr_fail(err, errno, "linux.sysctl[\"%s\"]: open /proc/sys/%s",
			       kv->key, path);
	/* one write: the kernel parses a sysctl value from a single write */
	n = write(fd, kv->value, len);
	e = errno;
	close(fd);
	if (n < 0)
		return tr_fail(err, e, "linux.sysctl[\"%s\"]: write", kv->key);
	if ((size_t)n != len)
		return tr_failx(err, "linux.sysctl[\"%s\"]: write: short write (%zd of %zu bytes)",
				kv->key, n, len);
	return 0;
}

int sysctl_apply(const struct spec *s, struct tr_err *err)
{
	int sysfd, rc = 0;
	size_t i;

	if (!s->has_linux || s->linux_cfg.sysctl.n == 0)
		return 0;
	if (sysctl_validate(s, err) < 0)
		return -1;
	sysfd = procfs_open(AT_FDCWD, "/proc/sys", O_RDONLY | O_DIRECTORY);
	if (sysfd < 0 && errno == ENODEV)
		return tr_failx(err, "linux.sysctl: /proc/sys is not procfs");
	if (sysfd < 0)
		return tr_fail(err, errno, "linux.sysctl: open /proc/sys");
	for (i = 0; i < s->linux_cfg.sysctl.n && rc == 0; i++)
		rc = sysctl_write(sysfd, &s->linux_cfg.sysctl.v[i], err);
	close(sysfd);
	return rc;
}
