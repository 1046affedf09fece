/* SPDX-License-Identifier: MIT */
/*
 * The cgroup v2 device filter. Pure tests run the generated program in a
 * small interpreter of exactly the eBPF subset bpf_devices.c emits (u32 loads
 * from the context, 32-bit mov/rsh/and, 64-bit mov, ja/jeq/jne/jset with an
 * immediate, exit), which also checks what the kernel's verifier would:
 * every instruction reachable, jumps forward and in range, no read of an
 * unset register, r0 set at exit. So the semantics are tested on every
 * architecture, under qemu-user too. A root test attaches a real program to a
 * child cgroup where a writable cgroup2 mount and bpf() exist, else skips
 * saying why. The module is built with CONFIG_CGROUP_V2; without it the
 * suite only says so.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "autoconf.h"
#include "unit.h"

#if CFG_CGROUP_V2
#include "bpf_devices.h"

/* ---- the interpreter ---- */

enum { ALLOW = 1, DENY = 0, BAD = -1 };
static char bad_why[160];

static int bad(const char *why, size_t pc)
{
	snprintf(bad_why, sizeof(bad_why), "insn %zu: %s", pc, why);
	return BAD;
}

/* Static checks first, as the verifier's CFG pass does. */
static int check_prog(const struct bpf_insn *p, size_t n)
{
	char *reach = calloc(n + 1, 1);
	size_t pc;
	int ret = 0;

	if (!n || n > BPF_DEVICES_MAX_INSNS)
		return free(reach), bad("empty or too long", 0);
	reach[0] = 1;
	for (pc = 0; pc < n && ret == 0; pc++) {
		uint8_t cls = BPF_CLASS(p[pc].code), op = BPF_OP(p[pc].code);

		if (!reach[pc]) {
			ret = bad("unreachable", pc);
			break;
		}
		if (cls == BPF_JMP && op == BPF_EXIT)
			continue;
		if (cls == BPF_JMP) {
			long t = (long)pc + 1 + p[pc].off;

			if (p[pc].off < 0 || t >= (long)n)
				ret = bad("jump backwards or out of range", pc);
			else
				reach[t] = 1;
			if (op == BPF_JA)
				continue;
		}
		if (pc + 1 >= n)
			ret = bad("falls off the end", pc);
		reach[pc + 1] = 1;
	}
	free(reach);
	return ret;
}

/* Run p for one request; ALLOW, DENY or BAD (bad_why says why). */
static int run_prog(const struct bpf_insn *p, size_t n, int type, uint32_t major,
		uint32_t minor, int acc)
{
	uint32_t ctx[3] = { ((uint32_t)acc << 16) | (uint32_t)type, major, minor };
	uint64_t r[11] = { 0 };
	bool set[11] = { false };
	size_t pc = 0, steps;

	if (check_prog(p, n) == BAD)
		return BAD;
	set[1] = true;
	for (steps = 0; steps < n && pc < n; steps++, pc++) {
		const struct bpf_insn *i = &p[pc];
		uint8_t d = i->dst_reg, s = i->src_reg;
		uint32_t k = (uint32_t)i->imm;

		if (d > 10 || s > 10)
			return bad("bad register", pc);
		switch (i->code) {
		case BPF_LDX | BPF_W | BPF_MEM:
			if (s != 1 || i->off < 0 || i->off > 8 || i->off % 4)
				return bad("load not from the context", pc);
			r[d] = ctx[i->off / 4], set[d] = true;
			continue;
		case BPF_ALU | BPF_MOV | BPF_X:
			if (!set[s])
				return bad("read of unset register", pc);
			r[d] = (uint32_t)r[s], set[d] = true;
			continue;
		case BPF_ALU64 | BPF_MOV | BPF_K:
			r[d] = (uint64_t)(int64_t)i->imm, set[d] = true;
			continue;
		case BPF_ALU | BPF_RSH | BPF_K:
		case BPF_ALU | BPF_AND | BPF_K:
			if (!set[d])
				return bad("read of unset register", pc);
			r[d] = BPF_OP(i->code) == BPF_RSH ? (uint32_t)r[d] >> k : (uint32_t)r[d] & k;
			continue;
		case BPF_JMP | BPF_JA:
			pc += i->off;
			continue;
		case BPF_JMP | BPF_JEQ | BPF_K:
		case BPF_JMP | BPF_JNE | BPF_K:
		case BPF_JMP | BPF_JSET | BPF_K: {
			uint64_t imm = (uint64_t)(int64_t)i->imm;	/* sign-extended, as the kernel */
			bool t;

			if (!set[d])
				return bad("read of unset register", pc);
			t = BPF_OP(i->code) == BPF_JEQ ? r[d] == imm :
				BPF_OP(i->code) == BPF_JNE ? r[d] != imm : (r[d] & imm) != 0;
			if (t)
				pc += i->off;
			continue;
		}
		case BPF_JMP | BPF_EXIT:
			if (!set[0])
				return bad("exit with r0 unset", pc);
			return r[0] ? ALLOW : DENY;
		default:
			return bad("instruction outside the emitted subset", pc);
		}
	}
	return bad("no exit", pc);
}

/* ---- helpers ---- */

#define C BPF_DEVCG_DEV_CHAR
#define B BPF_DEVCG_DEV_BLOCK
#define M BPF_DEVCG_ACC_MKNOD
#define R BPF_DEVCG_ACC_READ
#define W BPF_DEVCG_ACC_WRITE

#define RULE(al, t, ma, mi, acc) { .allow = al, .type = t, .major = ma, .minor = mi, .access = acc }
#define DENY_ALL RULE(false, 'a', -1, -1, "rwm")
#define ALLOW_ALL RULE(true, 'a', -1, -1, "rwm")

struct req { int type; uint32_t major, minor; int acc; int want; };

static size_t last_len;

/* Build rules (with the defaults when defaults is set) and check each request. */
static void check_rules(const char *what, const struct spec_dev_rule *rules, size_t n,
		bool defaults, const struct req *q, size_t nq)
{
	struct spec_dev_rule *all = NULL;
	struct bpf_insn *p = NULL;
	struct tr_err err = { 0 };
	size_t len = 0, i;

	if (defaults) {
		CHECK_INT(bpf_devices_with_defaults(rules, n, &all, &n, &err), 0);
		rules = all;
	}
	CHECK_INT(bpf_devices_build(rules, n, &p, &len, &err), 0);
	last_len = len;
	for (i = 0; p && i < nq; i++) {
		int got = run_prog(p, len, q[i].type, q[i].major, q[i].minor, q[i].acc);

		if (got != q[i].want) {
			unit_failed_checks++;
			fprintf(stderr, "  %s: %c %u:%u acc %d: got %s, expected %s%s%s\n", what,
				q[i].type == C ? 'c' : 'b', q[i].major, q[i].minor, q[i].acc,
				got == BAD ? "BAD" : got ? "allow" : "deny", q[i].want ? "allow" : "deny",
				got == BAD ? ": " : "", got == BAD ? bad_why : "");
		}
	}
	free(p);
	free(all);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define CHECK_RULES(what, rules, defaults, ...) do { \
	static const struct req q_[] = { __VA_ARGS__ }; \
	check_rules(what, rules, N(rules), defaults, q_, N(q_)); } while (0)

/* ---- pure tests ---- */

static void t_deny_all(void)
{
	static const struct spec_dev_rule r[] = { DENY_ALL };
	struct bpf_insn *p;
	size_t len;
	struct tr_err err;

	CHECK_RULES("deny all", r, false, { C, 1, 3, R, DENY }, { B, 8, 0, R | W | M, DENY },
		{ C, 1, 3, M, DENY });
	CHECK_INT(last_len, 2);		/* mov r0, 0; exit */
	CHECK_INT(bpf_devices_build(NULL, 0, &p, &len, &err), 0);	/* empty: deny too */
	CHECK_INT(len, 2);
	CHECK_INT(run_prog(p, len, C, 1, 3, R), DENY);
	free(p);
}

static void t_allow_one(void)
{
	static const struct spec_dev_rule r[] = { DENY_ALL, RULE(true, 'c', 1, 3, "rwm") };

	CHECK_RULES("allow c 1:3", r, false, { C, 1, 3, R, ALLOW }, { C, 1, 3, R | W, ALLOW },
		{ C, 1, 3, M, ALLOW }, { C, 1, 5, R, DENY }, { B, 1, 3, R, DENY }, { C, 2, 3, R, DENY });
}

static void t_wildcards(void)
{
	static const struct spec_dev_rule r[] = { DENY_ALL, RULE(true, 'c', 1, -1, "rw"),
		RULE(true, 'c', -1, 5, "r") };

	CHECK_RULES("wildcards", r, false, { C, 1, 3, R, ALLOW }, { C, 1, 99, R | W, ALLOW },
		{ C, 1, 3, M, DENY }, { C, 2, 3, R, DENY }, { C, 7, 5, R, ALLOW },
		{ C, 7, 5, W, DENY }, { B, 1, 3, R, DENY }, { B, 7, 5, R, DENY }, { C, 1, 5, R | W, ALLOW });
}

static void t_access_subset(void)
{
	static const struct spec_dev_rule r[] = { DENY_ALL, RULE(true, 'c', 1, 3, "r") };

	CHECK_RULES("allow r", r, false, { C, 1, 3, R, ALLOW }, { C, 1, 3, R | W, DENY },
		{ C, 1, 3, W, DENY }, { C, 1, 3, M, DENY });
}

static void t_later_overrides(void)
{
	static const struct spec_dev_rule r1[] = { ALLOW_ALL, RULE(false, 'c', 1, 3, "rwm") };
	static const struct spec_dev_rule r2[] = { ALLOW_ALL, RULE(false, 'c', 1, 3, "rwm"),
		RULE(true, 'c', 1, 3, "r") };
	static const struct spec_dev_rule r3[] = { RULE(true, 'c', 1, 3, "rwm"), DENY_ALL };

	CHECK_RULES("deny after allow all", r1, false, { C, 1, 3, R, DENY }, { C, 1, 5, R | W, ALLOW },
		{ B, 8, 0, W, ALLOW });
	CHECK_RULES("allow after deny", r2, false, { C, 1, 3, R, ALLOW }, { C, 1, 3, W, DENY },
		{ C, 1, 3, R | W, DENY }, { C, 1, 4, R | W, ALLOW });
	CHECK_RULES("deny all last", r3, false, { C, 1, 3, R, DENY });
	CHECK_INT(last_len, 2);
}

/* A deny rule matches a request that asks for any of its access. */
static void t_deny_any_bit(void)
{
	static const struct spec_dev_rule r[] = { ALLOW_ALL, RULE(false, 'c', 1, 3, "w") };

	CHECK_RULES("deny w", r, false, { C, 1, 3, R | W, DENY }, { C, 1, 3, W, DENY },
		{ C, 1, 3, R, ALLOW }, { C, 1, 3, M, ALLOW }, { C, 1, 4, W, ALLOW });
}

static void t_type_a_and_block(void)
{
	static const struct spec_dev_rule r1[] = { DENY_ALL, RULE(true, 'a', 8, -1, "r") };
	static const struct spec_dev_rule r2[] = { DENY_ALL, RULE(true, 'b', 8, 0, "rw"),
		RULE(true, 'b', 8, 16, "rw"), RULE(true, 'b', 259, -1, "r") };

	CHECK_RULES("type a", r1, false, { B, 8, 0, R, ALLOW }, { C, 8, 1, R, ALLOW },
		{ C, 8, 1, W, DENY }, { C, 9, 1, R, DENY });
	CHECK_RULES("block", r2, false, { B, 8, 0, R | W, ALLOW }, { B, 8, 16, W, ALLOW },
		{ C, 8, 0, R, DENY }, { B, 8, 1, R, DENY }, { B, 8, 0, M, DENY }, { B, 259, 3, R, ALLOW },
		{ B, 259, 3, W, DENY });
}

static void t_defaults(void)
{
	static const struct spec_dev_rule deny_all[] = { DENY_ALL };
	static const struct spec_dev_rule deny_random[] = { DENY_ALL, RULE(false, 'c', 1, 8, "rwm") };
	static const struct spec_dev_rule allow_all[] = { ALLOW_ALL, RULE(false, 'b', 8, -1, "w") };
	struct spec_dev_rule *v;
	size_t n, nd;
	struct tr_err err;

#define DEFAULT_SET { C, 1, 3, R | W, ALLOW }, { C, 1, 5, R, ALLOW }, { C, 1, 7, W, ALLOW }, \
	{ C, 1, 9, R, ALLOW }, { C, 5, 0, R | W, ALLOW }, { C, 5, 1, R | W, ALLOW }, \
	{ C, 5, 2, R | W, ALLOW }, { C, 136, 0, R | W, ALLOW }, { C, 136, 7, R | W, ALLOW }, \
	{ C, 1, 1, M, ALLOW }, { B, 8, 0, M, ALLOW }, \
	{ C, 1, 1, R, DENY }, { C, 10, 200, R | W, DENY }, { B, 8, 0, R, DENY }, { C, 5, 3, R, DENY }
	CHECK_RULES("defaults", deny_all, true, DEFAULT_SET, { C, 1, 8, R | W, ALLOW });
	printf("  bpf_devices: deny-all + defaults: %zu instructions\n", last_len);
	CHECK(last_len <= 26);
	CHECK_RULES("defaults, deny random", deny_random, true, DEFAULT_SET, { C, 1, 8, R, DENY },
		{ C, 1, 8, M, DENY });
	/* no rule at all: deny all but the defaults, as runc */
	check_rules("defaults alone", NULL, 0, true, (const struct req[]){ { C, 1, 3, R, ALLOW },
		{ C, 1, 1, R, DENY } }, 2);
	CHECK_RULES("allow all", allow_all, true, { C, 1, 1, R | W, ALLOW }, { B, 8, 0, R, ALLOW },
		{ B, 8, 0, W, DENY }, { C, 8, 0, W, ALLOW });
	/* inserted after the LAST catch-all */
	CHECK_INT(bpf_devices_with_defaults(deny_random, 2, &v, &n, &err), 0);
	bpf_devices_default_rules(&nd);
	CHECK_INT(n, nd + 2);
	CHECK(!v[0].allow && v[1].allow && !v[n - 1].allow && v[n - 1].minor == 8);
	free(v);
	CHECK_INT(bpf_devices_with_defaults(NULL, 0, &v, &n, &err), 0);
	CHECK_INT(n, nd);
	free(v);
}

static void t_merge(void)
{
	static const struct spec_dev_rule r1[] = { DENY_ALL, RULE(true, 'c', 1, 3, "r"),
		RULE(true, 'c', 1, 5, "rwm"), RULE(true, 'c', 1, 3, "w") };
	static const struct spec_dev_rule r2[] = { DENY_ALL, RULE(true, 'c', 1, 3, "r"),
		RULE(false, 'c', 1, -1, "m"), RULE(true, 'c', 1, 3, "w") };
	static const struct spec_dev_rule r3[] = { ALLOW_ALL, RULE(false, 'c', 1, 3, "r"),
		RULE(false, 'c', 1, 3, "w") };

	CHECK_RULES("merged", r1, false, { C, 1, 3, R | W, ALLOW }, { C, 1, 3, M, DENY });
	/* a deny touching the device in between keeps them apart */
	CHECK_RULES("not merged", r2, false, { C, 1, 3, R | W, DENY }, { C, 1, 3, W, ALLOW },
		{ C, 1, 3, R, ALLOW }, { C, 1, 5, R, DENY });
	CHECK_RULES("deny merged", r3, false, { C, 1, 3, R, DENY }, { C, 1, 3, W, DENY },
		{ C, 1, 3, M, ALLOW });
}

static void t_matches_nothing(void)
{
	static const struct spec_dev_rule r[] = { ALLOW_ALL, RULE(false, 'c', 1, 3, ""),
		RULE(false, 'c', 5000, -1, "rwm"), RULE(false, 'c', -1, 0x100000, "rwm"),
		RULE(false, 'c', 0xffffffffLL, 3, "rwm") };

	CHECK_RULES("nothing", r, false, { C, 1, 3, R, ALLOW }, { C, 4095, 3, R, ALLOW });
	CHECK_INT(last_len, 2);
}

/* A spec's typical list stays small: grouping by type and major. */
static void t_size(void)
{
	static const struct spec_dev_rule r[] = { DENY_ALL, RULE(true, 'c', 10, 200, "rwm"),
		RULE(true, 'c', 10, 229, "rwm"), RULE(true, 'b', 8, -1, "r"), RULE(false, 'c', 5, 1, "w") };

	CHECK_RULES("typical", r, true, { C, 10, 200, R | W, ALLOW }, { C, 10, 229, R, ALLOW },
		{ C, 10, 201, R, DENY }, { B, 8, 1, R, ALLOW }, { B, 8, 1, W, DENY }, { C, 5, 1, R, ALLOW },
		{ C, 5, 1, R | W, DENY }, { C, 1, 3, R | W, ALLOW });
	printf("  bpf_devices: deny-all + defaults + 4 rules: %zu instructions\n", last_len);
	CHECK(last_len <= 40);
}

static void t_too_many(void)
{
	struct spec_dev_rule *r = calloc(3000, sizeof(*r));
	struct bpf_insn *p = (struct bpf_insn *)1;
	size_t len = 1, i;
	struct tr_err err = { 0 };

	for (i = 0; i < 3000; i++)
		r[i] = (struct spec_dev_rule)RULE(i & 1, i & 2 ? 'b' : 'c', (int64_t)(i % 4000),
			(int64_t)i, "r");
	CHECK_INT(bpf_devices_build(r, 3000, &p, &len, &err), -1);
	CHECK_CONTAINS(err.msg, "linux.resources.devices");
	CHECK_CONTAINS(err.msg, "4096");
	CHECK(p == NULL && len == 0);
	free(r);
}

/* Plain last-match semantics, for lists where no two rules of one verdict
 * share a device (so merging does not apply). */
static int model(const struct spec_dev_rule *r, size_t n, int type, uint32_t ma, uint32_t mi, int acc)
{
	size_t i = n;

	while (i-- > 0) {
		int ra = (strchr(r[i].access, 'r') ? R : 0) | (strchr(r[i].access, 'w') ? W : 0) |
			(strchr(r[i].access, 'm') ? M : 0);

		if (r[i].type != 'a' && (r[i].type == 'c' ? C : B) != type)
			continue;
		if ((r[i].major >= 0 && r[i].major != ma) || (r[i].minor >= 0 && r[i].minor != mi))
			continue;
		if (ra != 7 && (r[i].allow ? (acc & ~ra) != 0 : (acc & ra) == 0))
			continue;
		return r[i].allow;
	}
	return DENY;
}

static uint32_t seed;
#define RND(k) ((seed = seed * 1103515245u + 12345u) >> 16) % (k)

/* A random list of 1..11 rules over a small domain; with distinct set, no two
 * rules share verdict and device. */
static size_t random_rules(struct spec_dev_rule *r, bool distinct)
{
	static const char *accs[] = { "r", "w", "m", "rw", "rm", "wm", "rwm" };
	static const int64_t majors[] = { -1, 1, 5 }, minors[] = { -1, 3, 8 };
	size_t n = 1 + RND(11), i, j;

	for (i = 0; i < n; i++) {
		r[i].allow = RND(2);
		r[i].type = "acb"[RND(3)];
		r[i].major = majors[RND(3)];
		r[i].minor = minors[RND(3)];
		strcpy(r[i].access, accs[RND(7)]);
		for (j = 0; distinct && j < i; j++)
			if (r[j].allow == r[i].allow && r[j].type == r[i].type &&
			    r[j].major == r[i].major && r[j].minor == r[i].minor)
				break;
		if (distinct && j < i)
			i--;	/* same verdict and device: draw again */
	}
	return n;
}

/* Random lists against the model, every request of the domain. */
static void t_random(void)
{
	static const uint32_t qmaj[] = { 1, 5, 7 }, qmin[] = { 3, 8, 9 };
	unsigned lists = 0, bad_lists = 0, it;

	seed = 12345;
	for (it = 0; it < 3000; it++) {
		struct spec_dev_rule r[12];
		struct bpf_insn *p;
		size_t n = random_rules(r, true), len;
		struct tr_err err;
		bool ok = true;
		int t, a, b, acc;

		if (bpf_devices_build(r, n, &p, &len, &err) < 0) {
			CHECK(!"build failed");
			continue;
		}
		lists++;
		for (t = 0; t < 2; t++)
			for (a = 0; a < 3; a++)
				for (b = 0; b < 3; b++)
					for (acc = 1; acc < 8; acc++) {
						int type = t ? B : C;
						int got = run_prog(p, len, type, qmaj[a], qmin[b], acc);
						int want = model(r, n, type, qmaj[a], qmin[b], acc);

						if (got != want && ok) {
							ok = false;
							fprintf(stderr, "  random list %u (%zu rules): %c %u:%u "
								"acc %d: got %d, want %d %s\n", it, n, t ? 'b' : 'c',
								qmaj[a], qmin[b], acc, got, want, got == BAD ? bad_why : "");
						}
					}
		if (!ok)
			bad_lists++;
		free(p);
	}
	CHECK_INT(bad_lists, 0);
	CHECK_INT(lists, 3000);
}

/* ---- the kernel's verifier ---- */

static void skip(const char *test, const char *why)
{
	printf("  skip bpf_devices.%s: %s\n", test, why);
}

/* 0 when the kernel loads p, else errno; the log's last line in log. */
static int kernel_load(const struct bpf_insn *p, size_t len, char *log, size_t log_len)
{
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insns = (uintptr_t)p;
	a.insn_cnt = (uint32_t)len;
	a.license = (uintptr_t)"MIT";
	a.log_level = log_len ? 1 : 0;	/* a big program's log overflows (ENOSPC) */
	a.log_buf = log_len ? (uintptr_t)log : 0;
	a.log_size = (uint32_t)log_len;
	log[0] = 0;
	fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a));
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/* Every shape the compiler makes passes the real verifier: random lists with
 * repeats (merging), with the defaults, and one close to the size limit. */
static void t_verifier(void)
{
	static char log[256 * 1024];
	struct spec_dev_rule r[12], *all;
	struct bpf_insn *p;
	size_t n, len;
	struct tr_err err;
	unsigned it, refused = 0;
	int e;

	if (geteuid() != 0)
		return skip("verifier", "not root");
	CHECK_INT(bpf_devices_build(NULL, 0, &p, &len, &err), 0);
	e = kernel_load(p, len, log, sizeof(log));
	free(p);
	if (e == EPERM || e == ENOSYS || (e == EINVAL && !log[0]))
		return skip("verifier", e == EPERM ? "bpf(BPF_PROG_LOAD): EPERM" :
			"no bpf() or no BPF_PROG_TYPE_CGROUP_DEVICE in this kernel");
	CHECK_INT(e, 0);
	seed = 777;
	for (it = 0; it < 400; it++) {
		n = random_rules(r, false);
		if (it & 1) {
			CHECK_INT(bpf_devices_with_defaults(r, n, &all, &n, &err), 0);
			CHECK_INT(bpf_devices_build(all, n, &p, &len, &err), 0);
			free(all);
		} else {
			CHECK_INT(bpf_devices_build(r, n, &p, &len, &err), 0);
		}
		e = kernel_load(p, len, log, sizeof(log));
		if (e && !refused++) {
			char *last = strrchr(log, '\n');

			while (last && last > log && last[-1] != '\n' && last[-1] != 0)
				last--;
			fprintf(stderr, "  list %u (%zu insns) refused: %s: %.200s\n", it, len,
				strerror(e), last ? last : log);
		}
		free(p);
	}
	CHECK_INT(refused, 0);
	/* 800 rules of alternating verdict: nothing merges, about 3200 insns */
	all = calloc(800, sizeof(*all));
	for (it = 0; all && it < 800; it++)
		all[it] = (struct spec_dev_rule)RULE(it & 1, 'c', 1 + it % 3, it, "rw");
	CHECK_INT(bpf_devices_build(all, 800, &p, &len, &err), 0);
	CHECK(len > 3000 && len <= BPF_DEVICES_MAX_INSNS);
	e = kernel_load(p, len, log, 0);
	if (e)
		fprintf(stderr, "  big program (%zu insns) refused: %s\n", len, strerror(e));
	CHECK_INT(e, 0);
	free(p);
	free(all);
	printf("  bpf_devices.verifier: 401 programs loaded, the biggest %zu instructions\n", len);
}
#undef RND

/* ---- root test: a real program on a real cgroup ---- */

/* Mount point of the cgroup2 hierarchy and our cgroup in it. */
static bool find_cgroup2(char *dir, size_t len)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	char line[1024], mnt[256] = "", own[256] = "";
	bool found = false;

	while (f && fgets(line, sizeof(line), f)) {
		char *sep = strstr(line, " - cgroup2 ");

		if (sep && sscanf(line, "%*s %*s %*s %*s %255s", mnt) == 1) {
			found = true;
			break;
		}
	}
	if (f)
		fclose(f);
	f = fopen("/proc/self/cgroup", "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "0::", 3) && sscanf(line + 3, "%255s", own) == 1)
			break;
	if (f)
		fclose(f);
	if (!found)
		return false;
	snprintf(dir, len, "%s%s", mnt, strcmp(own, "/") ? own : "");
	return true;
}

static uint32_t attached_count(int cgfd)
{
	union bpf_attr a;
	uint32_t ids[64];

	memset(&a, 0, sizeof(a));
	a.query.target_fd = (uint32_t)cgfd;
	a.query.attach_type = BPF_CGROUP_DEVICE;
	a.query.prog_ids = (uintptr_t)ids;
	a.query.prog_cnt = 64;
	if (syscall(SYS_bpf, BPF_PROG_QUERY, &a, sizeof(a)) < 0)
		return 999;
	return a.query.prog_cnt;
}

/* Fork a child that moves into cg and opens path: 0 opened, else errno. */
static int open_in(const char *cg, const char *path)
{
	char procs[800];
	pid_t pid;
	int st;

	snprintf(procs, sizeof(procs), "%s/cgroup.procs", cg);
	pid = fork();
	if (pid == 0) {
		int fd = open(procs, O_WRONLY);

		if (fd < 0 || write(fd, "0", 1) != 1)
			_exit(200);
		close(fd);
		fd = open(path, O_RDWR);
		_exit(fd >= 0 ? 0 : errno);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static void t_attach(void)
{
	static const struct spec_dev_rule deny_random[] = { DENY_ALL, RULE(false, 'c', 1, 8, "rwm") };
	static const struct spec_dev_rule deny_null[] = { DENY_ALL, RULE(false, 'c', 1, 3, "w") };
	char base[600], cg[700], why[800];
	struct tr_err err = { 0 };
	int cgfd, r, i;

	if (geteuid() != 0)
		return skip("attach", "not root");
	if (!find_cgroup2(base, sizeof(base)))
		return skip("attach", "no cgroup2 mount");
	snprintf(cg, sizeof(cg), "%s/tinyrun-bpfdev-%d", base, (int)getpid());
	if (mkdir(cg, 0755) < 0) {
		snprintf(why, sizeof(why), "mkdir %s: %s", cg, strerror(errno));
		return skip("attach", why);
	}
	cgfd = open(cg, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK(cgfd >= 0);
	r = bpf_devices_apply(cgfd, deny_random, N(deny_random), &err);
	if (r < 0 && (err.errnum == EPERM || err.errnum == ENOSYS || err.errnum == EINVAL) &&
	    !strstr(err.msg, "refused")) {
		snprintf(why, sizeof(why), "%s: %s", err.msg, strerror(err.errnum));
		skip("attach", why);
		goto out;
	}
	if (r < 0)
		fprintf(stderr, "  apply: %s: %s\n", err.msg, strerror(err.errnum));
	CHECK_INT(r, 0);
	CHECK_INT(attached_count(cgfd), 1);
	CHECK_INT(open_in(cg, "/dev/random"), EPERM);
	CHECK_INT(open_in(cg, "/dev/null"), 0);
	CHECK_INT(open_in(cg, "/dev/urandom"), 0);
	/* update: the new program replaces ours, it is not added to it */
	CHECK_INT(bpf_devices_apply(cgfd, deny_null, N(deny_null), &err), 0);
	CHECK_INT(attached_count(cgfd), 1);
	CHECK_INT(open_in(cg, "/dev/random"), 0);
	CHECK_INT(open_in(cg, "/dev/null"), EPERM);	/* O_RDWR asks w */
	printf("  bpf_devices.attach: ran on %s\n", cg);
out:
	/* detach whatever is left (rmdir would too, once the cgroup is freed) */
	for (i = 0; i < 4 && attached_count(cgfd) > 0 && attached_count(cgfd) != 999; i++) {
		union bpf_attr a;
		uint32_t id;
		int fd;

		memset(&a, 0, sizeof(a));
		a.query.target_fd = (uint32_t)cgfd;
		a.query.attach_type = BPF_CGROUP_DEVICE;
		a.query.prog_ids = (uintptr_t)&id;
		a.query.prog_cnt = 1;
		syscall(SYS_bpf, BPF_PROG_QUERY, &a, sizeof(a));
		memset(&a, 0, sizeof(a));
		a.prog_id = id;
		fd = (int)syscall(SYS_bpf, BPF_PROG_GET_FD_BY_ID, &a, sizeof(a));
		memset(&a, 0, sizeof(a));
		a.target_fd = (uint32_t)cgfd;
		a.attach_bpf_fd = (uint32_t)fd;
		a.attach_type = BPF_CGROUP_DEVICE;
		CHECK(syscall(SYS_bpf, BPF_PROG_DETACH, &a, sizeof(a)) == 0);
		close(fd);
	}
	close(cgfd);
	for (i = 0; i < 50 && rmdir(cg) < 0 && errno == EBUSY; i++)
		usleep(10000);
	CHECK(access(cg, F_OK) < 0);
}

UNIT_SUITE(bpf_devices,
	{ "deny_all", t_deny_all },
	{ "allow_one", t_allow_one },
	{ "wildcards", t_wildcards },
	{ "access_subset", t_access_subset },
	{ "later_overrides", t_later_overrides },
	{ "deny_any_bit", t_deny_any_bit },
	{ "type_a_and_block", t_type_a_and_block },
	{ "defaults", t_defaults },
	{ "merge", t_merge },
	{ "matches_nothing", t_matches_nothing },
	{ "size", t_size },
	{ "too_many", t_too_many },
	{ "random", t_random },
	{ "verifier", t_verifier },
	{ "attach", t_attach });

#else

static void t_built_out(void)
{
	printf("  skip bpf_devices: built without CONFIG_CGROUP_V2\n");
}

UNIT_SUITE(bpf_devices, { "built_out", t_built_out });

#endif
