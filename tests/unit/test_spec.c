/* SPDX-License-Identifier: MIT */
/*
 * The spec parser against fixtures: runc's default config, a config using
 * every field, a standalone process file, and one bad config per rule with
 * the error text it must produce. Fixtures are found through $TR_FIXTURES
 * (set by the Makefile) or tests/unit/fixtures relative to the cwd, so the
 * same binary runs on the host and under qemu-user.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include "unit.h"
#include "spec.h"

static const char *fixtures(void)
{
	const char *d = getenv("TR_FIXTURES");

	return d && *d ? d : "tests/unit/fixtures";
}

static const char *fixture(const char *rel)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/spec/%s", fixtures(), rel);
	return path;
}

static struct spec *load_good(const char *name)
{
	struct tr_err err = { 0 };
	struct spec *s = NULL;
	char rel[256];

	snprintf(rel, sizeof(rel), "good/%s", name);
	if (spec_load(fixture(rel), &s, &err) < 0) {
		fprintf(stderr, "  %s: %s\n", rel, err.msg);
		CHECK(!"good fixture failed to parse");
		return NULL;
	}
	return s;
}

/* parse an in-memory document; returns the error message or NULL on success */
static const char *parse_str(const char *json, struct spec **out)
{
	static struct tr_err err;
	struct spec *s = NULL;

	memset(&err, 0, sizeof(err));
	if (spec_parse(json, strlen(json), &s, &err) < 0) {
		CHECK(s == NULL);
		return err.msg;
	}
	if (out)
		*out = s;
	else
		spec_free(s);
	return NULL;
}

#define BIT(n) (1ULL << (n))

static void test_runc_default(void)
{
	struct spec *s = load_good("runc-default.json");
	const struct spec_process *p;
	const struct spec_linux *l;

	if (!s)
		return;
	p = &s->process;
	l = &s->linux_cfg;
	CHECK_STR(s->oci_version, "1.0.2-dev");
	CHECK(s->has_root);
	CHECK_STR(s->root.path, "rootfs");
	CHECK(s->root.readonly);
	CHECK_STR(s->hostname, "runc");
	CHECK(s->domainname == NULL);
	CHECK(s->has_process);
	CHECK(p->terminal);
	CHECK(!p->has_console_size);
	CHECK_INT(p->user.uid, 0);
	CHECK(!p->user.has_umask);
	CHECK_INT(p->args.n, 1);
	CHECK_STR(p->args.v[0], "sh");
	CHECK(p->args.v[1] == NULL);
	CHECK_INT(p->env.n, 2);
	CHECK_STR(p->env.v[1], "TERM=xterm");
	CHECK(p->env.v[2] == NULL);
	CHECK_STR(p->cwd, "/");
	CHECK(p->has_capabilities);
	CHECK(p->caps.bounding == (BIT(29) | BIT(5) | BIT(10)));
	CHECK(p->caps.ambient == p->caps.bounding);
	CHECK(p->caps.has_permitted && p->caps.has_effective && p->caps.has_ambient);
	CHECK(!p->caps.has_inheritable);
	CHECK_INT(p->rlimits.n, 1);
	CHECK_INT(p->rlimits.v[0].type, RLIMIT_NOFILE);
	CHECK_INT(p->rlimits.v[0].hard, 1024);
	CHECK_INT(p->rlimits.v[0].soft, 1024);
	CHECK(p->no_new_privileges);
	CHECK(!p->has_oom_score_adj);

	CHECK_INT(s->mounts.n, 7);
	CHECK_STR(s->mounts.v[0].destination, "/proc");
	CHECK_STR(s->mounts.v[0].type, "proc");
	CHECK(s->mounts.v[0].data == NULL);
	CHECK_INT(s->mounts.v[0].flags, 0);
	CHECK_STR(s->mounts.v[1].destination, "/dev");
	CHECK_INT(s->mounts.v[1].flags, MS_NOSUID | MS_STRICTATIME);
	CHECK_STR(s->mounts.v[1].data, "mode=755,size=65536k");
	CHECK_INT(s->mounts.v[1].options.n, 4);
	CHECK_INT(s->mounts.v[2].flags, MS_NOSUID | MS_NOEXEC);
	CHECK_STR(s->mounts.v[2].data, "newinstance,ptmxmode=0666,mode=0620,gid=5");
	CHECK_INT(s->mounts.v[6].flags, MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RELATIME | MS_RDONLY);
	CHECK(s->mounts.v[6].data == NULL);
	CHECK_INT(s->mounts.v[6].propagation, 0);

	CHECK(s->has_linux);
	CHECK(l->has_resources);
	CHECK_INT(l->resources.devices.n, 1);
	if (l->resources.devices.n < 1) {
		spec_free(s);
		return;
	}
	CHECK(!l->resources.devices.v[0].allow);
	CHECK_INT(l->resources.devices.v[0].type, 'a');
	CHECK_INT(l->resources.devices.v[0].major, -1);
	CHECK_INT(l->resources.devices.v[0].minor, -1);
	CHECK_STR(l->resources.devices.v[0].access, "rwm");
	CHECK(!l->resources.has_memory && !l->resources.has_cpu && !l->resources.has_pids);
	CHECK_INT(l->namespaces.n, 5);
	CHECK_INT(l->namespaces.v[0].type, CLONE_NEWPID);
	CHECK(l->namespaces.v[0].path == NULL);
	CHECK_INT(l->ns_flags, CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNS);
	CHECK_INT(l->masked_paths.n, 10);
	CHECK_STR(l->masked_paths.v[9], "/proc/scsi");
	CHECK_INT(l->readonly_paths.n, 5);
	CHECK_INT(l->rootfs_propagation, 0);
	CHECK(!l->has_seccomp && !l->has_personality);
	CHECK(!s->has_hooks);
	CHECK_INT(s->annotations.n, 0);
	spec_free(s);
}

static void test_rich(void)
{
	struct spec *s = load_good("rich.json");
	const struct spec_process *p;
	const struct spec_linux *l;
	const struct spec_resources *r;
	const struct spec_seccomp *sc;

	if (!s)
		return;
	p = &s->process;
	l = &s->linux_cfg;
	r = &l->resources;
	sc = &l->seccomp;
	CHECK_STR(s->oci_version, "1.2.0");
	CHECK(!s->root.readonly);
	CHECK_STR(s->domainname, "example.org");

	/* mounts: flags, explicit clears, propagation, recursive attrs, data */
	CHECK_INT(s->mounts.n, 3);
	CHECK_INT(s->mounts.v[1].flags, MS_BIND | MS_REC | MS_NOSUID | MS_NOSYMFOLLOW);
	CHECK_INT(s->mounts.v[1].clear_flags, MS_RDONLY);
	CHECK_INT(s->mounts.v[1].propagation, MS_PRIVATE | MS_REC);
	CHECK_INT(s->mounts.v[1].attr_set, 1);	/* MOUNT_ATTR_RDONLY */
	CHECK(s->mounts.v[1].data == NULL);
	CHECK(!s->mounts.v[1].tmpcopyup);
	CHECK_STR(s->mounts.v[2].data, "mode=1777,size=64k");
	CHECK(s->mounts.v[2].tmpcopyup);
	CHECK_INT(s->mounts.v[2].propagation, MS_SHARED);	/* the last one wins */

	/* process */
	CHECK(p->has_console_size);
	CHECK_INT(p->console_size.height, 25);
	CHECK_INT(p->console_size.width, 80);
	CHECK_INT(p->user.uid, 1000);
	CHECK(p->user.gid == 4294967295u);
	CHECK(p->user.has_umask);
	CHECK_INT(p->user.umask, 022);
	CHECK_INT(p->user.additional_gids.n, 2);
	CHECK(p->user.additional_gids.v[1] == 4294967294u);
	CHECK_STR(p->args.v[2], "echo \xc3\xa9t\xc3\xa9 \xf0\x9f\x98\x80");
	CHECK_STR(p->env.v[1], "EMPTY=");
	CHECK_STR(p->cwd, "/home");
	CHECK(p->caps.bounding == (BIT(21) | BIT(40) | BIT(0)));
	CHECK(p->caps.has_effective && p->caps.effective == 0);
	CHECK(p->caps.inheritable == BIT(5));
	CHECK(p->caps.permitted == BIT(13));
	CHECK(p->caps.ambient == BIT(39));
	CHECK_INT(p->rlimits.n, 2);
	CHECK_INT(p->rlimits.v[0].hard, 1048576);
	CHECK_INT(p->rlimits.v[1].type, RLIMIT_CORE);
	CHECK(p->rlimits.v[1].hard == UINT64_MAX);
	CHECK(p->rlimits.v[1].soft == UINT64_MAX);
	CHECK_STR(p->apparmor_profile, "tiny-default");
	CHECK_STR(p->selinux_label, "system_u:system_r:container_t:s0");
	CHECK(p->has_oom_score_adj);
	CHECK_INT(p->oom_score_adj, -1000);
	CHECK(p->has_io_priority);
	CHECK_INT(p->io_priority.class, SPEC_IOPRIO_CLASS_IDLE);
	CHECK_INT(p->io_priority.priority, 7);
	CHECK(p->has_scheduler);
	CHECK_INT(p->scheduler.policy, 6);
	CHECK_INT(p->scheduler.nice, -5);
	CHECK_INT(p->scheduler.flags, 0x3);
	CHECK_INT(p->scheduler.runtime, 10000000);
	CHECK_INT(p->scheduler.period, 30000000);
	CHECK(p->has_exec_cpu_affinity);
	CHECK_STR(p->exec_cpu_affinity_initial, "0");
	CHECK_STR(p->exec_cpu_affinity_final, "0-3,7");

	/* hooks */
	CHECK(s->has_hooks);
	CHECK_INT(s->hooks.prestart.n, 1);
	CHECK_INT(s->hooks.create_runtime.n, 1);
	CHECK_STR(s->hooks.create_runtime.v[0].args.v[1], "up");
	CHECK_STR(s->hooks.create_runtime.v[0].env.v[0], "A=1");
	CHECK(s->hooks.create_runtime.v[0].has_timeout);
	CHECK_INT(s->hooks.create_runtime.v[0].timeout, 5);
	CHECK_INT(s->hooks.create_container.n, 0);
	CHECK_INT(s->hooks.start_container.n, 1);
	CHECK(!s->hooks.start_container.v[0].has_timeout);
	CHECK_INT(s->hooks.poststart.n, 1);
	CHECK_INT(s->hooks.poststop.v[0].timeout, 2147483647);
	CHECK_INT(s->annotations.n, 2);
	CHECK_STR(s->annotations.v[0].key, "org.example.key");
	CHECK_STR(s->annotations.v[0].value, "value");
	CHECK_STR(s->annotations.v[1].value, "");

	/* linux */
	CHECK_INT(l->namespaces.n, 8);
	CHECK_STR(l->namespaces.v[1].path, "/var/run/netns/x");
	CHECK(l->ns_flags & CLONE_NEWUSER);
	CHECK(l->ns_flags & CLONE_NEWCGROUP);
	CHECK(l->ns_flags & 0x80);	/* CLONE_NEWTIME */
	CHECK_INT(l->uid_mappings.n, 1);
	CHECK_INT(l->uid_mappings.v[0].host_id, 100000);
	CHECK_INT(l->uid_mappings.v[0].size, 65536);
	CHECK(l->gid_mappings.v[0].host_id == 4294901760u);
	CHECK(l->time_monotonic.present);
	CHECK_INT(l->time_monotonic.secs, -86400);
	CHECK_INT(l->time_monotonic.nanosecs, 500);
	CHECK(l->time_boottime.present);
	CHECK(l->time_boottime.secs == INT64_MAX);
	CHECK_INT(l->devices.n, 2);
	CHECK_INT(l->devices.v[0].type, 'c');
	CHECK_INT(l->devices.v[0].major, 10);
	CHECK_INT(l->devices.v[0].minor, 229);
	CHECK(l->devices.v[0].has_file_mode);
	CHECK_INT(l->devices.v[0].file_mode, 0666);
	CHECK(l->devices.v[0].has_uid && l->devices.v[0].has_gid);
	CHECK_INT(l->devices.v[1].type, 'p');
	CHECK(!l->devices.v[1].has_file_mode);
	CHECK_STR(l->cgroups_path, "/tiny/c1");
	CHECK_INT(l->rootfs_propagation, MS_SLAVE | MS_REC);
	CHECK_INT(l->masked_paths.n, 2);
	CHECK_STR(l->readonly_paths.v[0], "/proc/sys");
	CHECK_STR(l->mount_label, "system_u:object_r:container_file_t:s0");
	CHECK_INT(l->sysctl.n, 2);
	CHECK_STR(l->sysctl.v[0].key, "net.ipv4.ip_forward");
	CHECK_STR(l->sysctl.v[0].value, "1");
	CHECK(l->has_personality);
	CHECK_INT(l->personality.domain, 8);
	CHECK(l->has_net_devices);
	CHECK_INT(l->net_devices.n, 2);
	CHECK_STR(l->net_devices.v[0].key, "eth1");
	CHECK_STR(l->net_devices.v[0].value, "net0");
	CHECK(l->net_devices.v[1].value == NULL);

	/* resources */
	CHECK(l->has_resources);
	CHECK_INT(r->devices.n, 3);
	CHECK(r->devices.v[1].allow);
	CHECK_INT(r->devices.v[1].type, 'c');
	CHECK_INT(r->devices.v[1].major, 1);
	CHECK_INT(r->devices.v[1].minor, 3);
	CHECK_STR(r->devices.v[1].access, "rw");
	CHECK_INT(r->devices.v[2].major, -1);
	CHECK_INT(r->devices.v[2].minor, -1);
	CHECK(r->has_memory);
	CHECK(r->memory.has_limit);
	CHECK_INT(r->memory.limit, 536870912);
	CHECK_INT(r->memory.swap, -1);
	CHECK(r->memory.has_kernel);
	CHECK_INT(r->memory.kernel, 0);
	CHECK_INT(r->memory.swappiness, 100);
	CHECK(r->memory.disable_oom_killer && r->memory.has_disable_oom_killer);
	CHECK(!r->memory.use_hierarchy && r->memory.has_use_hierarchy);
	CHECK(r->memory.check_before_update);
	CHECK(r->has_cpu);
	CHECK_INT(r->cpu.shares, 1024);
	CHECK_INT(r->cpu.quota, -1);
	CHECK_INT(r->cpu.burst, 1000);
	CHECK_INT(r->cpu.realtime_runtime, 950000);
	CHECK_STR(r->cpu.cpus, "0-3,5");
	CHECK_STR(r->cpu.mems, "0");
	CHECK(r->cpu.has_idle);
	CHECK_INT(r->cpu.idle, 1);
	CHECK(r->has_pids);
	CHECK_INT(r->pids.limit, 32768);
	CHECK(r->has_blkio);
	CHECK_INT(r->blkio.weight, 10);
	CHECK_INT(r->blkio.leaf_weight, 1000);
	CHECK_INT(r->blkio.weight_device.n, 1);
	CHECK_INT(r->blkio.weight_device.v[0].weight, 500);
	CHECK(!r->blkio.weight_device.v[0].has_leaf_weight);
	CHECK_INT(r->blkio.throttle_write_bps.v[0].rate, 2097152);
	CHECK_INT(r->blkio.throttle_read_iops.v[0].minor, 16);
	CHECK_INT(r->blkio.throttle_write_iops.v[0].rate, 200);
	CHECK_INT(r->hugepage_limits.n, 2);
	CHECK_STR(r->hugepage_limits.v[1].page_size, "1GB");
	CHECK(r->has_network && r->network.has_class_id);
	CHECK_INT(r->network.class_id, 1048577);
	CHECK_STR(r->network.priorities.v[0].name, "eth0");
	CHECK_INT(r->network.priorities.v[0].priority, 500);
	CHECK_INT(r->rdma.n, 2);
	CHECK_STR(r->rdma.v[0].device, "mlx5_1");
	CHECK_INT(r->rdma.v[0].hca_objects, 10000);
	CHECK(!r->rdma.v[1].has_hca_handles && r->rdma.v[1].has_hca_objects);
	CHECK_INT(r->unified.n, 2);
	CHECK_STR(r->unified.v[1].key, "io.max");
	CHECK_STR(r->unified.v[1].value, "8:0 rbps=1048576");

	/* seccomp */
	CHECK(l->has_seccomp);
	CHECK_INT(sc->default_action, SPEC_SCMP_ACT_ERRNO);
	CHECK(sc->has_default_errno_ret);
	CHECK_INT(sc->default_errno_ret, 1);
	CHECK_INT(sc->architectures.n, 3);
	CHECK_STR(sc->architectures.v[1], "SCMP_ARCH_AARCH64");
	CHECK_INT(sc->flags, 2 | 4);
	CHECK_STR(sc->listener_path, "/run/seccomp.sock");
	CHECK_STR(sc->listener_metadata, "meta");
	CHECK_INT(sc->syscalls.n, 4);
	CHECK_INT(sc->syscalls.v[0].names.n, 2);
	CHECK_STR(sc->syscalls.v[0].names.v[1], "write");
	CHECK_INT(sc->syscalls.v[0].action, SPEC_SCMP_ACT_ALLOW);
	CHECK_INT(sc->syscalls.v[1].action, SPEC_SCMP_ACT_NOTIFY);
	CHECK_INT(sc->syscalls.v[2].args.n, 2);
	CHECK_INT(sc->syscalls.v[2].args.v[0].value, 4294967295u);
	CHECK_INT(sc->syscalls.v[2].args.v[0].op, SPEC_SCMP_CMP_EQ);
	CHECK_INT(sc->syscalls.v[2].args.v[1].index, 5);
	CHECK(sc->syscalls.v[2].args.v[1].value == UINT64_MAX);
	CHECK_INT(sc->syscalls.v[2].args.v[1].value_two, 8);
	CHECK_INT(sc->syscalls.v[2].args.v[1].op, SPEC_SCMP_CMP_MASKED_EQ);
	CHECK(!sc->syscalls.v[0].has_errno_ret);
	CHECK(sc->syscalls.v[3].has_errno_ret);
	CHECK_INT(sc->syscalls.v[3].errno_ret, 38);
	spec_free(s);
}

/* `runc spec --rootless`: user namespace with mappings, /sys bind-mounted */
static void test_runc_rootless(void)
{
	struct spec *s = load_good("runc-rootless.json");
	const struct spec_linux *l;

	if (!s)
		return;
	l = &s->linux_cfg;
	CHECK(l->ns_flags & CLONE_NEWUSER);
	CHECK(!(l->ns_flags & CLONE_NEWNET));
	CHECK_INT(l->uid_mappings.n, 1);
	CHECK_INT(l->uid_mappings.v[0].size, 1);
	CHECK_INT(l->gid_mappings.n, 1);
	CHECK(!l->has_resources);
	CHECK_STR(s->mounts.v[5].destination, "/sys");
	CHECK_INT(s->mounts.v[5].flags, MS_BIND | MS_REC | MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY);
	spec_free(s);
}

static void test_minimal(void)
{
	struct spec *s = load_good("minimal.json");

	if (!s)
		return;
	CHECK(s->has_root);
	CHECK(!s->has_process && !s->has_linux && !s->has_hooks);
	CHECK_INT(s->mounts.n, 0);
	CHECK(s->mounts.v == NULL);
	CHECK(s->hostname == NULL);
	spec_free(s);
}

static void test_process_file(void)
{
	struct tr_err err = { 0 };
	struct spec *s = NULL;
	const char *bad;

	CHECK_INT(spec_load_process(fixture("good/process.json"), &s, &err), 0);
	if (s) {
		CHECK(s->has_process);
		CHECK(!s->has_root && !s->has_linux);
		CHECK_INT(s->process.user.uid, 33);
		CHECK_INT(s->process.user.additional_gids.v[0], 4);
		CHECK_STR(s->process.args.v[0], "/usr/bin/top");
		CHECK_STR(s->process.cwd, "/var/www");
		CHECK(s->process.caps.bounding == BIT(5));
		CHECK(!s->process.caps.has_permitted);
		CHECK_INT(s->process.rlimits.v[0].soft, 1024);
		spec_free(s);
	}
	/* error paths start at the object's own keys */
	bad = "{ \"args\": [\"sh\"], \"cwd\": \"tmp\" }";
	CHECK_INT(spec_parse_process(bad, strlen(bad), &s, &err), -1);
	CHECK(s == NULL);
	CHECK_STR(err.msg, "cwd: must be an absolute path, got \"tmp\"");
	bad = "{ \"args\": [\"sh\"], \"cwd\": \"/\", \"rlimits\": [ {\"type\": \"RLIMIT_AS\", \"hard\": 1, "
	      "\"soft\": 1}, {\"type\": \"RLIMIT_AS\", \"hard\": 1, \"soft\": 1} ] }";
	CHECK_INT(spec_parse_process(bad, strlen(bad), &s, &err), -1);
	CHECK_STR(err.msg, "rlimits[1].type: duplicate rlimit \"RLIMIT_AS\"");
	/* a whole config.json is not a process object */
	CHECK_INT(spec_load_process(fixture("good/runc-default.json"), &s, &err), -1);
	CHECK_CONTAINS(err.msg, "runc-default.json: args: required");
}

/* Expected error text for each file in fixtures/spec/bad/. */
static const struct { const char *name, *expect; } bad_cases[] = {
	{ "empty", "empty document" },
	{ "truncated", "invalid JSON near line" },
	{ "trailing-garbage", "trailing data" },
	{ "top-array", "expected a JSON object at the top level, got array" },
	{ "top-string", "expected a JSON object at the top level, got string" },
	{ "invalid-utf8", "invalid UTF-8" },
	{ "overlong-utf8", "invalid UTF-8" },
	{ "surrogate-utf8", "invalid UTF-8" },
	{ "truncated-utf8", "invalid UTF-8" },
	{ "above-10ffff-utf8", "invalid UTF-8" },
	{ "nul-escape", "NUL" },
	{ "control-char", "control character in string" },
	{ "number-leading-zero", "malformed number" },
	{ "oci-version-2", "ociVersion: unsupported version \"2.0.0\"" },
	{ "oci-version-missing", "ociVersion: required" },
	{ "oci-version-number", "ociVersion: expected string, got number" },
	{ "root-missing", "root: required" },
	{ "root-null", "root: expected object, got null" },
	{ "root-path-missing", "root.path: required" },
	{ "process-null", "process: expected object, got null" },
	{ "mounts-object", "mounts: expected array, got object" },
	{ "mount-relative-dest", "mounts[1].destination: must be an absolute path" },
	{ "mount-options-string", "mounts[0].options: expected array of strings" },
	{ "mount-idmap", "mounts[0].uidMappings: idmapped mounts are not supported" },
	{ "process-args-empty", "process.args: must not be empty" },
	{ "process-args-missing", "process.args: required" },
	{ "process-args-number", "process.args[1]: expected string, got number" },
	{ "process-cwd-relative", "process.cwd: must be an absolute path" },
	{ "process-cwd-missing", "process.cwd: required" },
	{ "env-no-equals", "process.env[1]: expected \"KEY=VALUE\", got \"HOME\"" },
	{ "env-huge-index", "process.env[1199]: expected \"KEY=VALUE\"" },
	{ "uid-negative", "process.user.uid: -1 out of range 0..4294967295" },
	{ "uid-2pow32", "process.user.uid: 4294967296 out of range 0..4294967295" },
	{ "uid-float", "process.user.uid: expected integer, got 1.5" },
	{ "uid-1e30", "process.user.uid: expected integer, got 1e30" },
	{ "uid-1.0", "process.user.uid: expected integer, got 1.0" },
	{ "uid-string", "process.user.uid: expected integer, got string" },
	{ "uid-missing", "process.user.uid: required" },
	{ "gid-2pow64", "process.user.gid: 18446744073709551616 out of range" },
	{ "gid-huge-digits", "out of range" },
	{ "additional-gid-negative", "process.user.additionalGids[1]: -5 out of range" },
	{ "umask-too-big", "process.user.umask: 4096 out of range 0..4095" },
	{ "terminal-string", "process.terminal: expected boolean, got string" },
	{ "bad-capability", "process.capabilities.bounding[1]: unknown capability \"CAP_FLY\"" },
	{ "capability-not-string", "process.capabilities.effective[0]: expected string, got number" },
	{ "rlimit-unknown", "process.rlimits[2].type: unknown rlimit \"RLIMIT_FOO\"" },
	{ "rlimit-soft-above-hard", "process.rlimits[0]: soft limit 2048 is above hard limit 1024" },
	{ "rlimit-duplicate", "process.rlimits[1].type: duplicate rlimit \"RLIMIT_NOFILE\"" },
	{ "rlimit-hard-missing", "process.rlimits[0].hard: required" },
	{ "oom-score-adj-range", "process.oomScoreAdj: 1001 out of range -1000..1000" },
	{ "ioprio-class", "process.ioPriority.class: unknown I/O priority class \"IOPRIO_CLASS_FAST\"" },
	{ "ioprio-priority", "process.ioPriority.priority: 8 out of range 0..7" },
	{ "sched-policy", "process.scheduler.policy: unknown scheduler policy \"SCHED_FAST\"" },
	{ "sched-nice", "process.scheduler.nice: -21 out of range -20..19" },
	{ "sched-flag", "process.scheduler.flags[1]: unknown scheduler flag \"SCHED_FLAG_BOGUS\"" },
	{ "ns-unknown", "linux.namespaces[2].type: unknown namespace type \"foo\"" },
	{ "ns-duplicate", "linux.namespaces[2].type: duplicate namespace \"pid\"" },
	{ "ns-relative-path", "linux.namespaces[0].path: must be an absolute path" },
	{ "mapping-without-userns", "linux.uidMappings: id mappings need a user namespace" },
	{ "mapping-size-0", "linux.uidMappings[0].size: must be greater than 0" },
	{ "mapping-overflow", "linux.gidMappings[0].size: containerID + size overflows 32 bits" },
	{ "hook-relative", "hooks.poststart[0].path: must be an absolute path" },
	{ "hook-timeout-0", "hooks.createRuntime[0].timeout: 0 out of range 1.." },
	{ "hooks-array", "hooks: expected object, got array" },
	{ "annotation-number", "annotations.foo: expected string, got number" },
	{ "rootfs-propagation", "linux.rootfsPropagation: unknown propagation \"sideways\"" },
	{ "cpus-trailing-dash", "linux.resources.cpu.cpus: invalid list \"0-\"" },
	{ "cpus-reversed", "linux.resources.cpu.cpus: invalid list \"3-1\"" },
	{ "mems-garbage", "linux.resources.cpu.mems: invalid list \"0,,1\"" },
	{ "swappiness-101", "linux.resources.memory.swappiness: 101 out of range 0..100" },
	{ "memory-limit-string", "linux.resources.memory.limit: expected integer, got string" },
	{ "blkio-weight-5", "linux.resources.blockIO.weight: 5 out of range 10..1000" },
	{ "blkio-throttle-rate-missing", "linux.resources.blockIO.throttleReadBpsDevice[0].rate: required" },
	{ "unified-slash", "linux.resources.unified.../memory.max: invalid cgroup file name" },
	{ "unified-no-dot", "linux.resources.unified.memoryhigh: invalid cgroup file name" },
	{ "device-rule-access", "linux.resources.devices[1].access: invalid access \"rwx\"" },
	{ "device-rule-no-allow", "linux.resources.devices[0].allow: required" },
	{ "pids-limit-missing", "linux.resources.pids.limit: required" },
	{ "hugepage-size", "linux.resources.hugepageLimits[0].pageSize: invalid page size \"2M\"" },
	{ "device-relative-path", "linux.devices[0].path: must be an absolute path" },
	{ "device-type", "linux.devices[0].type: unknown device type \"x\"" },
	{ "device-missing-major", "linux.devices[0].major: required for device type 'c'" },
	{ "masked-relative", "linux.maskedPaths[1]: must be an absolute path" },
	{ "intel-rdt", "linux.intelRdt: Intel RDT is not supported" },
	{ "sysctl-number", "linux.sysctl.net.ipv4.ip_forward: expected string, got number" },
	{ "seccomp-action", "linux.seccomp.syscalls[0].action: unknown seccomp action \"SCMP_ACT_MAYBE\"" },
	{ "seccomp-default-missing", "linux.seccomp.defaultAction: required" },
	{ "seccomp-arch", "linux.seccomp.architectures[0]: unknown seccomp architecture \"SCMP_ARCH_Z80\"" },
	{ "seccomp-flag", "linux.seccomp.flags[1]: unknown seccomp flag \"SECCOMP_FILTER_FLAG_NOPE\"" },
	{ "seccomp-arg-index", "linux.seccomp.syscalls[0].args[0].index: 6 out of range 0..5" },
	{ "seccomp-op", "linux.seccomp.syscalls[0].args[0].op: unknown seccomp operator \"SCMP_CMP_LIKE\"" },
	{ "seccomp-notify-no-listener", "linux.seccomp.listenerPath: required when an action is SCMP_ACT_NOTIFY" },
	{ "seccomp-names-empty", "linux.seccomp.syscalls[0].names: must not be empty" },
	{ "personality-domain", "linux.personality.domain: unknown personality domain \"LINUX64\"" },
	{ "hostname-no-uts", "hostname: needs a uts namespace" },
	{ "time-offsets-no-timens", "linux.timeOffsets: time offsets need a time namespace" },
	{ "linux-string", "linux: expected object, got string" },
};

static void test_bad_fixtures(void)
{
	size_t i, n = sizeof(bad_cases) / sizeof(bad_cases[0]);
	struct dirent *de;
	DIR *dir;

	CHECK(n >= 45);
	for (i = 0; i < n; i++) {
		struct tr_err err = { 0 };
		struct spec *s = NULL;
		char rel[256];

		snprintf(rel, sizeof(rel), "bad/%s.json", bad_cases[i].name);
		if (spec_load(fixture(rel), &s, &err) == 0) {
			fprintf(stderr, "  %s: parsed, expected \"%s\"\n", rel, bad_cases[i].expect);
			CHECK(!"bad fixture accepted");
			spec_free(s);
			continue;
		}
		CHECK(s == NULL);
		CHECK_CONTAINS(err.msg, bad_cases[i].expect);
		CHECK_CONTAINS(err.msg, rel);	/* spec_load names the file */
	}
	/* every fixture on disk has an expectation, so none is silently skipped */
	dir = opendir(fixture("bad"));
	CHECK(dir != NULL);
	while (dir && (de = readdir(dir))) {
		size_t len = strlen(de->d_name);
		bool found = false;

		if (len < 6 || strcmp(de->d_name + len - 5, ".json"))
			continue;
		for (i = 0; i < n && !found; i++)
			found = strlen(bad_cases[i].name) == len - 5 &&
				!strncmp(bad_cases[i].name, de->d_name, len - 5);
		if (!found)
			fprintf(stderr, "  bad/%s has no entry in bad_cases\n", de->d_name);
		CHECK(found);
	}
	if (dir)
		closedir(dir);
}

#define DOC(linux_extra, process_extra) \
	"{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"," \
	process_extra "\"user\":{\"uid\":0,\"gid\":0}},\"linux\":{" linux_extra "\"namespaces\":[]}}"

static void test_numbers(void)
{
	struct spec *s = NULL;
	const char *msg;

	msg = parse_str(DOC("\"resources\":{\"memory\":{\"limit\":-9223372036854775808,"
			    "\"swap\":9223372036854775807}},", ""), &s);
	CHECK(msg == NULL);
	if (s) {
		CHECK(s->linux_cfg.resources.memory.limit == INT64_MIN);
		CHECK(s->linux_cfg.resources.memory.swap == INT64_MAX);
		spec_free(s);
	}
	CHECK_CONTAINS(parse_str(DOC("\"resources\":{\"memory\":{\"limit\":9223372036854775808}},", ""), NULL),
		       "linux.resources.memory.limit: 9223372036854775808 out of range");
	CHECK_CONTAINS(parse_str(DOC("\"resources\":{\"memory\":{\"limit\":-9223372036854775809}},", ""), NULL),
		       "out of range");
	/* -0 is zero; 2^53+1 survives exactly (a double would round it) */
	s = NULL;
	CHECK(parse_str(DOC("", "\"rlimits\":[{\"type\":\"RLIMIT_CPU\",\"hard\":9007199254740993,"
			    "\"soft\":-0}],"), &s) == NULL);
	if (s) {
		CHECK(s->process.rlimits.v[0].hard == 9007199254740993ULL);
		CHECK_INT(s->process.rlimits.v[0].soft, 0);
		spec_free(s);
	}
	CHECK_CONTAINS(parse_str(DOC("", "\"oomScoreAdj\":-1E2,"), NULL), "process.oomScoreAdj: expected integer, got -1E2");
	CHECK_CONTAINS(parse_str(DOC("", "\"oomScoreAdj\":true,"), NULL), "expected integer, got boolean");
	CHECK_CONTAINS(parse_str(DOC("", "\"oomScoreAdj\":null,"), NULL), "expected integer, got null");
}

static void test_raw_input(void)
{
	struct tr_err err = { 0 };
	struct spec *s = NULL;
	char buf[256];
	const char *doc = "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"}}";
	size_t n = strlen(doc);

	/* the buffer need not be NUL-terminated: bytes past len are not read */
	memcpy(buf, doc, n);
	memcpy(buf + n, "garbage", 8);
	CHECK_INT(spec_parse(buf, n, &s, &err), 0);
	spec_free(s);
	/* exactly len bytes on the heap: nothing may read past them */
	{
		char *exact = malloc(n);

		if (exact) {
			memcpy(exact, doc, n);
			CHECK_INT(spec_parse(exact, n, &s, &err), 0);
			spec_free(s);
			CHECK_INT(spec_parse(exact, n - 1, &s, &err), -1);
			CHECK_CONTAINS(err.msg, "invalid JSON");
			free(exact);
		}
	}
	/* an embedded NUL byte is not the end of the document */
	memcpy(buf, doc, n);
	buf[n] = '\0';
	buf[n + 1] = ' ';
	CHECK_INT(spec_parse(buf, n + 2, &s, &err), -1);
	CHECK_CONTAINS(err.msg, "invalid JSON");
	CHECK_INT(spec_parse(doc, 0, &s, &err), -1);
	CHECK_CONTAINS(err.msg, "empty document");
	CHECK_INT(spec_parse("   \n ", 5, &s, &err), -1);
	CHECK_CONTAINS(err.msg, "invalid JSON");
	CHECK_INT(spec_parse("{", 1, &s, &err), -1);
	CHECK_CONTAINS(err.msg, "line 1 col");
	/* a syntax error reports the line and column */
	CHECK_INT(spec_parse("{\n  \"a\": 1,\n  \"b\" 2\n}", 21, &s, &err), -1);
	CHECK_CONTAINS(err.msg, "invalid JSON near line 3 col");
	/* duplicate keys: the last one wins, as with Go's encoding/json */
	CHECK(parse_str("{\"ociVersion\":\"2.0\",\"ociVersion\":\"1.1.0\",\"root\":{\"path\":\"r\"}}", &s) == NULL);
	if (s) {
		CHECK_STR(s->oci_version, "1.1.0");
		spec_free(s);
	}
	/* unknown fields are ignored whatever their type */
	CHECK(parse_str("{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\",\"x\":[1.5]},\"y\":null}", NULL) == NULL);
	/* keys are case-sensitive */
	CHECK_CONTAINS(parse_str("{\"OCIVERSION\":\"1.0.0\",\"root\":{\"path\":\"r\"}}", NULL), "ociVersion: required");
	CHECK_CONTAINS(parse_str("{\"ociVersion\":\"1\",\"root\":{\"path\":\"r\"}}", NULL), "unsupported version");
}

static void test_load_errors(void)
{
	struct tr_err err = { 0 };
	struct spec *s = (struct spec *)&err;

	CHECK_INT(spec_load(fixture("does-not-exist.json"), &s, &err), -1);
	CHECK(s == NULL);
	CHECK_INT(err.errnum, ENOENT);
	CHECK_CONTAINS(err.msg, "does-not-exist.json");
	CHECK_INT(spec_load(fixture("good"), &s, &err), -1);
	CHECK_CONTAINS(err.msg, "not a regular file");
	spec_free(NULL);
}

static void test_names(void)
{
	const struct spec_mount_opt *o;

	CHECK_INT(spec_cap_from_name("CAP_SYS_ADMIN"), 21);
	CHECK_INT(spec_cap_from_name("CAP_CHOWN"), 0);
	CHECK_INT(spec_cap_from_name("CAP_CHECKPOINT_RESTORE"), 40);
	CHECK_INT(spec_cap_from_name("SYS_ADMIN"), -1);
	CHECK_INT(spec_cap_from_name("CAP_FOO"), -1);
	CHECK_STR(spec_cap_name(21), "CAP_SYS_ADMIN");
	CHECK(spec_cap_name(41) == NULL && spec_cap_name(-1) == NULL);
	CHECK_INT(spec_rlimit_from_name("RLIMIT_NOFILE"), RLIMIT_NOFILE);
	CHECK_INT(spec_rlimit_from_name("RLIMIT_RTTIME"), RLIMIT_RTTIME);
	CHECK_INT(spec_rlimit_from_name("NOFILE"), -1);
	CHECK_STR(spec_rlimit_name(RLIMIT_STACK), "RLIMIT_STACK");
	CHECK_INT(spec_signal_from_name("KILL"), SIGKILL);
	CHECK_INT(spec_signal_from_name("SIGKILL"), SIGKILL);
	CHECK_INT(spec_signal_from_name("9"), 9);
	CHECK_INT(spec_signal_from_name("sigterm"), SIGTERM);
	CHECK_INT(spec_signal_from_name("SIGWINCH"), SIGWINCH);
	CHECK_INT(spec_signal_from_name("RTMIN+3"), SIGRTMIN + 3);
	CHECK_INT(spec_signal_from_name("SIGRTMIN"), SIGRTMIN);
	CHECK_INT(spec_signal_from_name("SIGRTMAX-1"), SIGRTMAX - 1);
	CHECK_INT(spec_signal_from_name("RTMIN+1000"), -1);
	CHECK_INT(spec_signal_from_name("RTMIN-1"), -1);
	CHECK_INT(spec_signal_from_name("0"), -1);
	CHECK_INT(spec_signal_from_name("99999"), -1);
	CHECK_INT(spec_signal_from_name(""), -1);
	CHECK_INT(spec_signal_from_name("SIGFOO"), -1);
	CHECK_INT(spec_ns_from_name("pid"), CLONE_NEWPID);
	CHECK_INT(spec_ns_from_name("network"), CLONE_NEWNET);
	CHECK_INT(spec_ns_from_name("time"), 0x80);
	CHECK_INT(spec_ns_from_name("net"), 0);
	CHECK_STR(spec_ns_name(CLONE_NEWUSER), "user");
	o = spec_mount_option("ro");
	CHECK(o && o->set == MS_RDONLY && !o->clear);
	o = spec_mount_option("rw");
	CHECK(o && !o->set && o->clear == MS_RDONLY);
	o = spec_mount_option("rbind");
	CHECK(o && o->set == (MS_BIND | MS_REC));
	o = spec_mount_option("rslave");
	CHECK(o && o->propagation == (MS_SLAVE | MS_REC) && !o->set);
	CHECK(spec_mount_option("mode=755") == NULL);
	CHECK(spec_mount_option("RO") == NULL);
	o = spec_mount_option("tmpcopyup");
	CHECK(o && (o->extra & SPEC_MOUNT_TMPCOPYUP));
	CHECK_INT(spec_propagation_from_name("runbindable"), MS_UNBINDABLE | MS_REC);
	CHECK_INT(spec_propagation_from_name("bind"), 0);
	CHECK_INT(spec_scmp_action_from_name("SCMP_ACT_KILL_PROCESS"), SPEC_SCMP_ACT_KILL_PROCESS);
	CHECK_INT(spec_scmp_op_from_name("SCMP_CMP_GE"), SPEC_SCMP_CMP_GE);
	CHECK(spec_scmp_arch_known("SCMP_ARCH_RISCV64"));
	CHECK(!spec_scmp_arch_known("x86_64"));
	CHECK(spec_cpuset_valid("0-3,5"));
	CHECK(spec_cpuset_valid("7"));
	CHECK(spec_cpuset_valid(""));
	CHECK(spec_cpuset_valid("0,1,2-2"));
	CHECK(!spec_cpuset_valid("0-"));
	CHECK(!spec_cpuset_valid("-1"));
	CHECK(!spec_cpuset_valid("1,"));
	CHECK(!spec_cpuset_valid("a"));
	CHECK(!spec_cpuset_valid("0 1"));
	CHECK(!spec_cpuset_valid("99999999999999999999"));
}

UNIT_SUITE(spec,
	{ "runc_default", test_runc_default },
	{ "runc_rootless", test_runc_rootless },
	{ "rich", test_rich },
	{ "minimal", test_minimal },
	{ "process_file", test_process_file },
	{ "bad_fixtures", test_bad_fixtures },
	{ "numbers", test_numbers },
	{ "raw_input", test_raw_input },
	{ "load_errors", test_load_errors },
	{ "names", test_names });
