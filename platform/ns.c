/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "autoconf.h"
#include "ns.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif

static const struct {
	unsigned long flag;
	int built;
	const char *symbol;
} optional_ns[] = {
	{ CLONE_NEWUSER, CFG_NS_USER, "NS_USER" },
	{ CLONE_NEWNET, CFG_NS_NET, "NS_NET" },
	{ CLONE_NEWCGROUP, CFG_NS_CGROUP, "NS_CGROUP" },
	{ CLONE_NEWTIME, CFG_NS_TIME, "NS_TIME" },
};

int ns_check_config(const struct spec *s, struct tr_err *err)
{
	const struct spec_linux *l = &s->linux_cfg;
	size_t i, j;

	for (i = 0; i < l->namespaces.n; i++) {
		for (j = 0; j < sizeof(optional_ns) / sizeof(optional_ns[0]); j++) {
			if (l->namespaces.v[i].type == optional_ns[j].flag && !optional_ns[j].built)
				return tr_failx(err, "linux.namespaces[%zu]: \"%s\" namespaces: "
						"tinyrun was built without CONFIG_%s", i,
						spec_ns_name(optional_ns[j].flag), optional_ns[j].symbol);
		}
	}
	/* without its own uts namespace the container would rename the host */
	if ((s->hostname || s->domainname) && !(l->ns_flags & CLONE_NEWUTS))
		return tr_failx(err, "%s: needs a uts namespace in linux.namespaces",
				s->hostname ? "hostname" : "domainname");
	return 0;
}

unsigned long ns_new_flags(const struct spec *s)
{
	const struct spec_linux *l = &s->linux_cfg;
	unsigned long flags = 0;
	size_t i;

	for (i = 0; i < l->namespaces.n; i++) {
		if (!l->namespaces.v[i].path)
			flags |= l->namespaces.v[i].type;
	}
	/* clone() cannot take CLONE_NEWTIME (it overlaps CSIGNAL): see stage 1 */
	return flags & ~(unsigned long)CLONE_NEWTIME;
}

int ns_need_stage1(const struct spec *s)
{
	const struct spec_linux *l = &s->linux_cfg;
	size_t i;

	for (i = 0; i < l->namespaces.n; i++) {
		if (l->namespaces.v[i].path || l->namespaces.v[i].type == CLONE_NEWTIME)
			return 1;
	}
	return 0;
}

/* Open /proc and make sure it is procfs before anything is written there. */
static int open_procfs(struct tr_err *err)
{
	struct statfs sfs;
	int fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return tr_fail(err, errno, "/proc");
	if (fstatfs(fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC) {
		close(fd);
		return tr_failx(err, "/proc: not a procfs mount");
	}
	return fd;
}

static int write_at(int dirfd, const char *name, const char *buf, size_t len,
		    struct tr_err *err)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n;

	if (fd < 0)
		return tr_fail(err, errno, "/proc/%s", name);
	n = write(fd, buf, len);
	if (n != (ssize_t)len) {
		tr_fail(err, n < 0 ? errno : EIO, "/proc/%s: write", name);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int write_time_offsets(const struct spec *s, struct tr_err *err)
{
	const struct spec_linux *l = &s->linux_cfg;
	char buf[128];
	int procfd, n = 0, rc = 0;

	if (l->time_monotonic.present)
		n += snprintf(buf + n, sizeof(buf) - n, "monotonic %lld %u\n",
			      (long long)l->time_monotonic.secs, l->time_monotonic.nanosecs);
	if (l->time_boottime.present)
		n += snprintf(buf + n, sizeof(buf) - n, "boottime %lld %u\n",
			      (long long)l->time_boottime.secs, l->time_boottime.nanosecs);
	if (!n)
		return 0;
	procfd = open_procfs(err);
	if (procfd < 0)
		return -1;
	if (write_at(procfd, "self/timens_offsets", buf, (size_t)n, err) < 0) {
		tr_err_prefix(err, "linux.timeOffsets");
		rc = -1;
	}
	close(procfd);
	return rc;
}

int ns_join_and_prepare(const struct spec *s, struct tr_err *err)
{
	const struct spec_linux *l = &s->linux_cfg;
	int fds[16], pass, rc = -1;
	size_t i, n = l->namespaces.n < 16 ? l->namespaces.n : 16;

	/* open every path before joining any: joining a mount namespace
	 * changes what the remaining paths would resolve to */
	for (i = 0; i < n; i++) {
		fds[i] = -1;
		if (!l->namespaces.v[i].path)
			continue;
		fds[i] = open(l->namespaces.v[i].path, O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0) {
			tr_fail(err, errno, "linux.namespaces[%zu].path: %s", i,
				l->namespaces.v[i].path);
			goto out;
		}
	}
	/* the user namespace first: the others are then joined with the
	 * privileges it gives; the mount namespace last */
	for (pass = 0; pass < 3; pass++) {
		for (i = 0; i < n; i++) {
			unsigned long t = l->namespaces.v[i].type;
			int want = pass == 0 ? t == CLONE_NEWUSER :
				   pass == 2 ? t == CLONE_NEWNS :
				   t != CLONE_NEWUSER && t != CLONE_NEWNS;

			if (fds[i] < 0 || !want)
				continue;
			if (setns(fds[i], (int)t) < 0) {
				tr_fail(err, errno, "linux.namespaces[%zu]: join %s", i,
					l->namespaces.v[i].path);
				goto out;
			}
		}
	}
	if (CFG_NS_TIME && (l->ns_flags & CLONE_NEWTIME)) {
		for (i = 0; i < n; i++) {
			if (l->namespaces.v[i].type == CLONE_NEWTIME && !l->namespaces.v[i].path)
				break;
		}
		if (i < n) {
			if (unshare(CLONE_NEWTIME) < 0) {
				tr_fail(err, errno, "linux.namespaces[%zu]: new time namespace", i);
				goto out;
			}
			if (write_time_offsets(s, err) < 0)
				goto out;
		}
	}
	rc = 0;
out:
	for (i = 0; i < n; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
	}
	return rc;
}

static int write_map(int procfd, pid_t pid, const char *file, const struct spec_id_map *m,
		     size_t n, struct tr_err *err)
{
	char buf[1024], name[64];
	size_t i, len = 0;

	if (!n)
		return 0;
	for (i = 0; i < n; i++) {
		int k = snprintf(buf + len, sizeof(buf) - len, "%u %u %u\n",
				 m[i].container_id, m[i].host_id, m[i].size);

		if (k < 0 || (size_t)k >= sizeof(buf) - len)
			return tr_failx(err, "linux.%s: too many mappings", file);
		len += (size_t)k;
	}
	snprintf(name, sizeof(name), "%d/%s", (int)pid, file);
	if (write_at(procfd, name, buf, len, err) < 0) {
		tr_err_prefix(err, "linux.%s", !strcmp(file, "uid_map") ? "uidMappings" : "gidMappings");
		return -1;
	}
	return 0;
}

int ns_write_id_maps(pid_t pid, const struct spec *s, struct tr_err *err)
{
	const struct spec_linux *l = &s->linux_cfg;
	int procfd, rc;

	procfd = open_procfs(err);
	if (procfd < 0)
		return -1;
	rc = write_map(procfd, pid, "uid_map", l->uid_mappings.v, l->uid_mappings.n, err);
	if (!rc)
		rc = write_map(procfd, pid, "gid_map", l->gid_mappings.v, l->gid_mappings.n, err);
	close(procfd);
	return rc;
}

int ns_loopback_up(struct tr_err *err)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int rc = 0;

	if (fd < 0)
		return tr_fail(err, errno, "network namespace: socket");
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
		rc = tr_fail(err, errno, "network namespace: lo");
	} else {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
			rc = tr_fail(err, errno, "network namespace: bring lo up");
	}
	close(fd);
	return rc;
}

int ns_set_names(const struct spec *s, struct tr_err *err)
{
	if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
		return tr_fail(err, errno, "hostname \"%s\"", s->hostname);
	if (s->domainname && setdomainname(s->domainname, strlen(s->domainname)) < 0)
		return tr_fail(err, errno, "domainname \"%s\"", s->domainname);
	return 0;
}
