/* SPDX-License-Identifier: MIT */
/*
 * tinyrun spec: write a starter config.json, the same defaults runc's spec
 * command gives (busybox's "sh" in a read-only rootfs with the usual mounts,
 * masked and read-only /proc paths) with one deliberate difference: no
 * inheritable or ambient capabilities, which no default should grant.
 * --rootless writes one an unprivileged user can run: a user namespace
 * mapping root to the caller, no new network namespace, /sys bound from the
 * host (sysfs cannot be mounted without owning the network namespace), no
 * devpts gid. runc's default linux.resources (deny every device; the default
 * devices stay usable) when this build can filter devices, not --rootless.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "autoconf.h"
#include "cgroup.h"
#include "commands.h"

/* Filled with printf: the few places where --rootless differs. */
static const char spec_template[] =
"{\n"
"\t\"ociVersion\": \"1.0.2\",\n"
"\t\"process\": {\n"
"\t\t\"terminal\": true,\n"
"\t\t\"user\": { \"uid\": 0, \"gid\": 0 },\n"
"\t\t\"args\": [ \"sh\" ],\n"
"\t\t\"env\": [\n"
"\t\t\t\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\n"
"\t\t\t\"TERM=xterm\"\n"
"\t\t],\n"
"\t\t\"cwd\": \"/\",\n"
"\t\t\"capabilities\": {\n"
"\t\t\t\"bounding\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ],\n"
"\t\t\t\"effective\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ],\n"
"\t\t\t\"permitted\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ]\n"
"\t\t},\n"
"\t\t\"rlimits\": [ { \"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 1024 } ],\n"
"\t\t\"noNewPrivileges\": true\n"
"\t},\n"
"\t\"root\": { \"path\": \"rootfs\", \"readonly\": true },\n"
"\t\"hostname\": \"tinyrun\",\n"
"\t\"mounts\": [\n"
"\t\t{ \"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\" },\n"
"\t\t{ \"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\",\n"
"\t\t  \"options\": [ \"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\" ] },\n"
"\t\t{ \"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\",\n"
"\t\t  \"options\": [ \"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\", \"mode=0620\"%s ] },\n"
"\t\t{ \"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": \"shm\",\n"
"\t\t  \"options\": [ \"nosuid\", \"noexec\", \"nodev\", \"mode=1777\", \"size=65536k\" ] },\n"
"\t\t{ \"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": \"mqueue\",\n"
"\t\t  \"options\": [ \"nosuid\", \"noexec\", \"nodev\" ] },\n"
"\t\t{ \"destination\": \"/sys\", %s\n"
"\t\t  \"options\": [ %s\"nosuid\", \"noexec\", \"nodev\", \"ro\" ] },\n"
"\t\t{ \"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", \"source\": \"cgroup\",\n"
"\t\t  \"options\": [ \"nosuid\", \"noexec\", \"nodev\", \"relatime\", \"ro\" ] }\n"
"\t],\n"
"\t\"linux\": {\n"
"%s"
"\t\t\"namespaces\": [\n"
"\t\t\t{ \"type\": \"pid\" },\n"
"\t\t\t{ \"type\": \"%s\" },\n"
"\t\t\t{ \"type\": \"ipc\" },\n"
"\t\t\t{ \"type\": \"uts\" },\n"
"\t\t\t{ \"type\": \"mount\" }\n"
"\t\t],\n"
"\t\t\"maskedPaths\": [\n"
"\t\t\t\"/proc/acpi\", \"/proc/asound\", \"/proc/kcore\", \"/proc/keys\",\n"
"\t\t\t\"/proc/latency_stats\", \"/proc/timer_list\", \"/proc/timer_stats\",\n"
"\t\t\t\"/proc/sched_debug\", \"/sys/firmware\", \"/proc/scsi\"\n"
"\t\t],\n"
"\t\t\"readonlyPaths\": [\n"
"\t\t\t\"/proc/bus\", \"/proc/fs\", \"/proc/irq\", \"/proc/sys\", \"/proc/sysrq-trigger\"\n"
"\t\t]\n"
"\t}\n"
"}\n";

static int spec_run(struct tr_ctx *ctx, int argc, char **argv, struct tr_err *err)
{
	const char *bundle = ".";
	char path[PATH_MAX], idmaps[256];
	int rootless = 0, help = 0, first, fd, n;
	const struct cli_opt opts[] = {
		{ "bundle", 'b', CLI_STRING, &bundle },
		{ "rootless", 0, CLI_FLAG, &rootless },
		{ 0 },
	};

	first = cli_parse(argc, argv, opts, &help, err);
	if (first < 0)
		return -1;
	if (help)
		return cli_usage(ctx);
	if (cli_positional(argc, argv, first, 0, "spec", "", err) < 0)
		return -1;
	if ((size_t)snprintf(path, sizeof(path), "%s/config.json", bundle) >= sizeof(path))
		return tr_failx(err, "--bundle %s: path too long", bundle);
	snprintf(idmaps, sizeof(idmaps),
		 "\t\t\"uidMappings\": [ { \"containerID\": 0, \"hostID\": %u, \"size\": 1 } ],\n"
		 "\t\t\"gidMappings\": [ { \"containerID\": 0, \"hostID\": %u, \"size\": 1 } ],\n",
		 (unsigned)getuid(), (unsigned)getgid());

	static const char default_resources[] =
		"\t\t\"resources\": {\n"
		"\t\t\t\"devices\": [ { \"allow\": false, \"access\": \"rwm\" } ]\n"
		"\t\t},\n";

	/* O_EXCL: an existing spec is somebody's work; never overwrite it */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		if (errno == EEXIST)
			return tr_failx(err, "%s: already exists; remove it first", path);
		return tr_fail(err, errno, "%s", path);
	}
	n = dprintf(fd, spec_template,
		    rootless ? "" : ", \"gid=5\"",
		    rootless ? "\"type\": \"none\", \"source\": \"/sys\","
			     : "\"type\": \"sysfs\", \"source\": \"sysfs\",",
		    rootless ? "\"rbind\", " : "",
		    /* a spec must not ask for what this build cannot apply */
		    rootless ? idmaps : CGROUP_CAN_FILTER_DEVICES ? default_resources : "",
		    rootless ? "user" : "network");
	if (n < 0 || close(fd) < 0) {
		tr_fail(err, errno, "%s", path);
		unlink(path);
		return -1;
	}
	return 0;
}

const struct cmd cmd_spec = {
	.name = "spec",
	.summary = "write a default config.json into a bundle",
	.usage =
	"usage: tinyrun spec [--bundle DIR] [--rootless]\n"
	"\n"
	"Write a starter config.json into the bundle directory (default: the\n"
	"current directory). It runs \"sh\" from rootfs/ with a terminal, in new\n"
	"pid, network, ipc, uts and mount namespaces. An existing config.json is\n"
	"never overwritten.\n"
	"\n"
	"Options:\n"
	"  -b, --bundle DIR   bundle directory to write config.json into\n"
	"  --rootless         a spec for an unprivileged user: a user namespace\n"
	"                     mapping root to the caller, no network namespace\n",
	.run = spec_run,
};
