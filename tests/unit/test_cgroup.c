/* SPDX-License-Identifier: MIT */
/* The cgroup module's pure logic: layouts from mountinfo and /proc/self/cgroup
 * text, the cgroupsPath rules, the v1 -> v2 conversions, the device rules and
 * the state record. Nothing here touches a real cgroup. */
#include <stdlib.h>

#include "cgroup.h"
#include "state.h"
#include "unit.h"

/* The development machines: v1 controllers plus a cgroup2 mount holding the rest. */
static const char hybrid_mi[] =
	"31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
	"32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
	"33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
	"35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
	"40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd\n"
	"41 31 0:38 / /sys/fs/cgroup/unified rw,relatime shared:5 - cgroup2 cgroup2 rw\n"
	"50 41 0:38 / /mnt/again rw,relatime - cgroup2 cgroup2 rw\n";
static const char hybrid_self[] =
	"9:name=systemd:/user.slice\n"
	"4:memory:/process_api/abc\n"
	"2:cpuacct:/\n"
	"1:cpu:/\n"
	"0::/user.slice/session-1.scope\n";

static void layout_hybrid(void)
{
	struct cgroup_layout l;
	struct tr_err err = { 0 };

	CHECK_INT(cgroup_parse_layout(hybrid_mi, hybrid_self, &l, &err), 0);
	CHECK_INT(l.n, 5);
	CHECK_INT(l.n_v1, 4);
	CHECK_INT(l.v2, 4);
	CHECK_STR(l.m[0].mount, "/sys/fs/cgroup/cpu");
	CHECK_INT(l.m[0].ctrls, CG_BIT(CG_CPU));
	CHECK_STR(l.m[2].own, "/process_api/abc");
	CHECK_INT(l.m[2].ctrls, CG_BIT(CG_MEMORY));
	CHECK_STR(l.m[3].name, "systemd");
	CHECK_INT(l.m[3].ctrls, 0);
	CHECK_STR(l.m[3].own, "/user.slice");
	CHECK(l.m[4].v2);
	CHECK_STR(l.m[4].mount, "/sys/fs/cgroup/unified");	/* the first cgroup2 mount */
	CHECK_STR(l.m[4].own, "/user.slice/session-1.scope");
}

static void layout_v1_comounted_and_subtree(void)
{
	static const char mi[] =
		"32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
		"33 31 0:30 /lxc/c1 /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n"
		"34 31 0:31 /other /sys/fs/cgroup/blkio rw - cgroup cgroup rw,blkio\n";
	static const char self[] = "3:blkio:/lxc/c1\n2:pids:/lxc/c1/sub\n1:cpu,cpuacct:/a\n";
	struct cgroup_layout l;
	struct tr_err err = { 0 };

	CHECK_INT(cgroup_parse_layout(mi, self, &l, &err), 0);
	/* blkio's mount shows a subtree we are not in: unusable */
	CHECK_INT(l.n, 2);
	CHECK_INT(l.v2, -1);
	CHECK_INT(l.m[0].ctrls, CG_BIT(CG_CPU) | CG_BIT(CG_CPUACCT));
	CHECK_STR(l.m[0].own, "/a");
	CHECK_STR(l.m[1].own, "/sub");	/* relative to the mount's root /lxc/c1 */
}

static void layout_v2_and_none(void)
{
	static const char mi[] = "30 1 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n";
	struct cgroup_layout l;
	struct tr_err err = { 0 };

	CHECK_INT(cgroup_parse_layout(mi, "0::/\n", &l, &err), 0);
	CHECK_INT(l.n, 1);
	CHECK_INT(l.n_v1, 0);
	CHECK_STR(l.m[0].own, "/");
	CHECK_INT(cgroup_parse_layout("1 0 0:1 / / rw - ext4 /dev/vda rw\n", "0::/\n", &l, &err), -1);
	CHECK_CONTAINS(err.msg, "no cgroup hierarchy");
}

static void resolve_paths(void)
{
	struct cgroup_mount m = { .mount = "/sys/fs/cgroup/memory", .own = "/process_api/abc" };
	struct cgroup_mount v2 = { .mount = "/sys/fs/cgroup", .own = "/system.slice/ssh.service",
				   .v2 = true };
	struct cgroup_mount root = { .mount = "/sys/fs/cgroup", .own = "/", .v2 = true };
	struct tr_err err = { 0 };
	char buf[256];

	/* absolute: from the mount point, whatever our own cgroup */
	CHECK_INT(cgroup_resolve_dir(&m, false, "/a//b/./c/", "id", buf, sizeof(buf), &err), 0);
	CHECK_STR(buf, "/a/b/c");
	/* relative and absent on v1: below our own cgroup */
	CHECK_INT(cgroup_resolve_dir(&m, false, "x/y", "id", buf, sizeof(buf), &err), 0);
	CHECK_STR(buf, "/process_api/abc/x/y");
	CHECK_INT(cgroup_resolve_dir(&m, false, NULL, "ctr1", buf, sizeof(buf), &err), 0);
	CHECK_STR(buf, "/process_api/abc/ctr1");
	/* pure v2: beside our own leaf, as runc does */
	CHECK_INT(cgroup_resolve_dir(&v2, true, NULL, "ctr1", buf, sizeof(buf), &err), 0);
	CHECK_STR(buf, "/system.slice/ctr1");
	CHECK_INT(cgroup_resolve_dir(&root, true, "pod/c", "id", buf, sizeof(buf), &err), 0);
	CHECK_STR(buf, "/pod/c");
	/* hybrid's cgroup2 mount follows the v1 rule */
	CHECK_INT(cgroup_resolve_dir(&v2, false, NULL, "ctr1", buf, sizeof(buf), &err), 0);
	CHECK_STR(buf, "/system.slice/ssh.service/ctr1");
	CHECK_INT(cgroup_resolve_dir(&m, false, "a/../../b", "id", buf, sizeof(buf), &err), -1);
	CHECK_CONTAINS(err.msg, "linux.cgroupsPath: \"..\"");
	CHECK_INT(cgroup_resolve_dir(&m, false, "/", "id", buf, sizeof(buf), &err), -1);
	CHECK_CONTAINS(err.msg, "root cgroup");
}

static void conversions(void)
{
	struct tr_err err = { 0 };
	int64_t out = 0;

	CHECK_INT(cgroup_shares_to_weight(0), 0);
	CHECK_INT(cgroup_shares_to_weight(2), 1);
	CHECK_INT(cgroup_shares_to_weight(1024), 39);
	CHECK_INT(cgroup_shares_to_weight(262144), 10000);
	CHECK_INT(cgroup_shares_to_weight(1000000), 10000);
	CHECK_INT(cgroup_blkio_to_io_weight(10), 1);
	CHECK_INT(cgroup_blkio_to_io_weight(500), 4950);
	CHECK_INT(cgroup_blkio_to_io_weight(1000), 10000);
	CHECK_INT(cgroup_swap_to_v2(67108864, 33554432, &out, &err), 0);
	CHECK_INT(out, 33554432);
	CHECK_INT(cgroup_swap_to_v2(-1, 33554432, &out, &err), 0);
	CHECK_INT(out, -1);
	CHECK_INT(cgroup_swap_to_v2(1000, 2000, &out, &err), -1);
	CHECK_CONTAINS(err.msg, "linux.resources.memory.swap");
	CHECK_INT(cgroup_swap_to_v2(1000, 0, &out, &err), -1);
}

static void device_rules_order(void)
{
	struct spec_dev_rule in[3] = {
		{ false, 'a', -1, -1, "rwm" },
		{ true, 'c', 10, 200, "rw" },
		{ false, 'c', 1, 3, "w" },
	};
	struct spec_device dev = { .type = 'c', .path = "/dev/fuse", .major = 10, .minor = 229 };
	struct spec s = { 0 };
	struct spec_dev_rule *out;
	struct tr_err err = { 0 };
	size_t n;

	CHECK_INT(cgroup_device_rules(&s, &out, &n, &err), 0);
	CHECK_INT(n, 0);	/* no rules: no filter */
	s.linux_cfg.resources.devices.v = in;
	s.linux_cfg.resources.devices.n = 3;
	s.linux_cfg.devices.v = &dev;
	s.linux_cfg.devices.n = 1;
	CHECK_INT(cgroup_device_rules(&s, &out, &n, &err), 0);
	CHECK(n > 5);
	/* deny-all, then the defaults and linux.devices, then the spec's later rules */
	CHECK(!out[0].allow && out[0].type == 'a');
	CHECK(out[1].allow && out[1].access[0] == 'm');
	CHECK_INT(out[n - 3].major, 10);
	CHECK_INT(out[n - 3].minor, 229);
	CHECK_INT(out[n - 2].minor, 200);
	CHECK(!out[n - 1].allow && out[n - 1].minor == 3);
	free(out);
}

static void state_round_trip(void)
{
	struct cgroup cg = { 0 }, *back = NULL;
	struct container_state st = { 0 };
	struct tr_err err = { 0 };

	cg.n = 2;
	cg.path = "/a/ctr";
	cg.d[0] = (struct cgroup_dir){ .dir = "/nonexistent/cgroup/memory/a/ctr", .created = 2,
				       .ctrls = CG_BIT(CG_MEMORY), .fd = -1 };
	cg.d[1] = (struct cgroup_dir){ .dir = "/nonexistent/cgroup/unified/a b/ctr", .v2 = true,
				       .created = 1, .ctrls = CG_BIT(CG_HUGETLB), .fd = -1 };
	CHECK_INT(cgroup_to_state(&cg, &st, &err), 0);
	CHECK_STR(st.cgroup_path, "/a/ctr");
	CHECK_INT(cgroup_load(&st, &back, &err), 0);
	CHECK(back != NULL);
	if (back) {
		CHECK_INT(back->n, 2);
		CHECK_STR(back->d[0].dir, cg.d[0].dir);
		CHECK_INT(back->d[0].created, 2);
		CHECK_INT(back->d[0].ctrls, CG_BIT(CG_MEMORY));
		CHECK_STR(back->d[1].dir, cg.d[1].dir);	/* spaces survive */
		CHECK(back->d[1].v2);
		CHECK_INT(back->d[1].fd, -1);		/* gone: nothing to do there */
		cgroup_free(back);
	}
	state_free(&st);
	CHECK_INT(cgroup_load(&st, &back, &err), 0);
	CHECK(back == NULL);
}

UNIT_SUITE(cgroup,
	{ "layout_hybrid", layout_hybrid },
	{ "layout_v1_comounted_and_subtree", layout_v1_comounted_and_subtree },
	{ "layout_v2_and_none", layout_v2_and_none },
	{ "resolve_paths", resolve_paths },
	{ "conversions", conversions },
	{ "device_rules_order", device_rules_order },
	{ "state_round_trip", state_round_trip });
