/* SPDX-License-Identifier: MIT */
/*
 * The cgroup v2 device filter: linux.resources.devices compiled into a
 * BPF_PROG_TYPE_CGROUP_DEVICE program by hand (see bpf_devices.h for the
 * semantics). Only raw bpf(2) and a few eBPF instructions: no libbpf, which
 * would cost more than the rest of tinyrun on a small board.
 *
 * Compilation, in three steps:
 *   1. normalise each rule (type to the kernel's BPF_DEVCG_DEV_* bit or 0 for
 *      any, access to BPF_DEVCG_ACC_* bits), drop rules that match nothing,
 *      and merge a rule into a later one of the same verdict and device when
 *      no rule of the other verdict in between touches that device;
 *   2. drop dead rules: a rule is dead when a later rule matches at least
 *      every request it matches (last match wins), or when another rule of
 *      the same run (consecutive rules with one verdict, whose order does not
 *      matter) does. The lowest rule left, if it is a catch-all, becomes the
 *      program's default verdict; the lowest run is dropped when its verdict
 *      is the default (deny when there is no catch-all);
 *   3. emit the runs from the last to the first. Inside a run the rules are
 *      sorted by type and major so that one test of the type or the major
 *      serves a whole group; each rule's last test jumps straight to the
 *      shared "return verdict" tail, the others skip to the next rule.
 *
 * Registers: r1 ctx (struct bpf_cgroup_dev_ctx), r2 device type, r3 access,
 * r4 major, r5 minor; only what the rules test is loaded. All jumps go
 * forward, so the verifier walks each path once.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bpf_devices.h"

#define ACC_ALL (BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE)
#define MAJOR_MAX 0xfffLL	/* the kernel's dev_t is 12 bits of major ... */
#define MINOR_MAX 0xfffffLL	/* ... and 20 bits of minor */

/* ---- the default allow-list ---- */

#define DEF(t, ma, mi, acc) { .allow = true, .type = t, .major = ma, .minor = mi, .access = acc }
static const struct spec_dev_rule default_rules[] = {
	/* mknod of any node: creating one gives no access to the device, and
	 * images that mknod at start-up keep working (runc allows the same) */
	DEF('c', -1, -1, "m"),
	DEF('b', -1, -1, "m"),
	DEF('c', 1, 3, "rwm"),		/* null */
	DEF('c', 1, 5, "rwm"),		/* zero */
	DEF('c', 1, 7, "rwm"),		/* full */
	DEF('c', 1, 8, "rwm"),		/* random */
	DEF('c', 1, 9, "rwm"),		/* urandom */
	DEF('c', 5, 0, "rwm"),		/* tty */
	DEF('c', 5, 1, "rwm"),		/* console */
	DEF('c', 5, 2, "rwm"),		/* ptmx */
	DEF('c', 136, -1, "rwm"),	/* /dev/pts/N */
};
#undef DEF

const struct spec_dev_rule *bpf_devices_default_rules(size_t *n)
{
	*n = sizeof(default_rules) / sizeof(default_rules[0]);
	return default_rules;
}

static bool is_catch_all(const struct spec_dev_rule *r)
{
	return r->type == 'a' && r->major < 0 && r->minor < 0 &&
		strchr(r->access, 'r') && strchr(r->access, 'w') && strchr(r->access, 'm');
}

int bpf_devices_with_defaults(const struct spec_dev_rule *rules, size_t n,
		struct spec_dev_rule **out, size_t *out_n, struct tr_err *err)
{
	size_t nd, at = 0, i;
	const struct spec_dev_rule *d = bpf_devices_default_rules(&nd);
	struct spec_dev_rule *v = malloc((n + nd) * sizeof(*v));

	if (!v)
		return tr_fail(err, ENOMEM, "linux.resources.devices");
	for (i = 0; i < n; i++)
		if (is_catch_all(&rules[i]))
			at = i + 1;
	memcpy(v, rules, at * sizeof(*v));
	memcpy(v + at, d, nd * sizeof(*v));
	memcpy(v + at + nd, rules + at, (n - at) * sizeof(*v));
	*out = v;
	*out_n = n + nd;
	return 0;
}

/* ---- step 1 and 2: the rule list, simplified ---- */

struct rule {
	bool allow, dead;
	uint8_t type;		/* BPF_DEVCG_DEV_CHAR, _BLOCK, or 0 for any */
	uint8_t acc;		/* BPF_DEVCG_ACC_* bits, never 0 */
	int32_t major, minor;	/* -1: any */
};

static bool same_dev(const struct rule *a, const struct rule *b)
{
	return a->type == b->type && a->major == b->major && a->minor == b->minor;
}

/* Can one request match both a and b? */
static bool overlap(const struct rule *a, const struct rule *b)
{
	return (!a->type || !b->type || a->type == b->type) &&
		(a->major < 0 || b->major < 0 || a->major == b->major) &&
		(a->minor < 0 || b->minor < 0 || a->minor == b->minor);
}

/* Does j match every request that i matches? With all access the access
 * test is left out, so any verdict covers; otherwise only the same verdict
 * with at least i's access (subset test for allow, any-bit test for deny). */
static bool covers(const struct rule *j, const struct rule *i)
{
	if ((j->type && j->type != i->type) || (j->major >= 0 && j->major != i->major) ||
	    (j->minor >= 0 && j->minor != i->minor))
		return false;
	return j->acc == ACC_ALL || (j->allow == i->allow && (i->acc & ~j->acc) == 0);
}

static size_t normalise(const struct spec_dev_rule *rules, size_t n, struct rule *w)
{
	size_t i, m = 0, j;

	for (i = 0; i < n; i++) {
		const struct spec_dev_rule *s = &rules[i];
		struct rule r = { .allow = s->allow };

		for (j = 0; j < sizeof(s->access) && s->access[j]; j++)
			r.acc |= s->access[j] == 'r' ? BPF_DEVCG_ACC_READ :
				s->access[j] == 'w' ? BPF_DEVCG_ACC_WRITE :
				s->access[j] == 'm' ? BPF_DEVCG_ACC_MKNOD : 0;
		r.type = s->type == 'c' ? BPF_DEVCG_DEV_CHAR : s->type == 'b' ? BPF_DEVCG_DEV_BLOCK : 0;
		if (!r.acc || s->major > MAJOR_MAX || s->minor > MINOR_MAX)
			continue;	/* matches no request the kernel can make */
		r.major = s->major < 0 ? -1 : (int32_t)s->major;
		r.minor = s->minor < 0 ? -1 : (int32_t)s->minor;
		w[m++] = r;
	}
	/* Merge i into the nearest later rule of the same verdict and device,
	 * unless a rule of the other verdict in between overlaps the device.
	 * From the end, so chains collect into their last rule. */
	for (i = m; i-- > 0;) {
		for (j = i + 1; j < m; j++) {
			if (w[j].allow != w[i].allow && overlap(&w[j], &w[i]))
				break;
			if (!w[j].dead && w[j].allow == w[i].allow && same_dev(&w[j], &w[i])) {
				w[j].acc |= w[i].acc;
				w[i].dead = true;
				break;
			}
		}
	}
	return m;
}

/* One pass of dead-rule removal; returns whether anything changed. */
static bool drop_dead(struct rule *w, size_t m)
{
	bool changed = false;
	size_t i, j, run;

	for (i = 0; i < m; i++) {
		if (w[i].dead)
			continue;
		/* j scans the later rules; while they keep i's verdict they are
		 * in i's run. The earlier rules of the run are checked below. */
		for (j = i + 1; j < m && !w[i].dead; j++)
			if (!w[j].dead && covers(&w[j], &w[i]))
				w[i].dead = changed = true;
		for (run = i; run-- > 0 && !w[i].dead;) {
			if (w[run].dead)
				continue;
			if (w[run].allow != w[i].allow)
				break;
			if (covers(&w[run], &w[i]))
				w[i].dead = changed = true;
		}
	}
	return changed;
}

/* ---- step 3: emission ---- */

enum { R_TYPE = 2, R_ACC = 3, R_MAJOR = 4, R_MINOR = 5 };
enum { L_DENY, L_ALLOW, L_FIRST };	/* label ids; the others are allocated */

struct emit {
	struct bpf_insn *insn;
	int *target;		/* per instruction: label id of a jump, or -1 */
	size_t n, cap;
	int *label_at;		/* label id -> instruction index */
	int labels;
	bool used[2];		/* the verdict tails that some jump needs */
};

static void put(struct emit *e, uint8_t code, uint8_t dst, uint8_t src, int16_t off,
		int32_t imm, int label)
{
	if (e->n < e->cap) {
		e->insn[e->n] = (struct bpf_insn){ .code = code, .dst_reg = dst, .src_reg = src,
			.off = off, .imm = imm };
		e->target[e->n] = label;
		if (label == L_DENY || label == L_ALLOW)
			e->used[label] = true;
	}
	e->n++;		/* counted even past cap: the caller reports the size */
}

static int new_label(struct emit *e)
{
	e->label_at[e->labels] = -1;
	return e->labels++;
}

static void place(struct emit *e, int label)
{
	e->label_at[label] = (int)e->n;
}

static void jmp(struct emit *e, uint8_t op, uint8_t reg, int32_t imm, int label)
{
	put(e, BPF_JMP | op | BPF_K, reg, 0, 0, imm, label);
}

/* One rule, with the type and/or the major already tested by its group.
 * Equality tests skip to the next rule on mismatch, except the last one,
 * which jumps to the verdict on match; a deny rule's access test (any bit)
 * jumps to the verdict, an allow rule's (a bit outside the rule) skips. */
static void emit_rule(struct emit *e, const struct rule *r, bool type_known, bool major_known)
{
	struct { uint8_t reg; int32_t val; } eq[3];
	int n_eq = 0, next = new_label(e), verdict = r->allow ? L_ALLOW : L_DENY, i;
	bool acc = r->acc != ACC_ALL;

	if (r->type && !type_known)
		eq[n_eq].reg = R_TYPE, eq[n_eq++].val = r->type;
	if (r->major >= 0 && !major_known)
		eq[n_eq].reg = R_MAJOR, eq[n_eq++].val = r->major;
	if (r->minor >= 0)
		eq[n_eq].reg = R_MINOR, eq[n_eq++].val = r->minor;

	if (acc && r->allow)
		jmp(e, BPF_JSET, R_ACC, ~r->acc & ACC_ALL, next);
	for (i = 0; i < n_eq; i++) {
		bool last = i == n_eq - 1 && !(acc && !r->allow);

		jmp(e, last ? BPF_JEQ : BPF_JNE, eq[i].reg, eq[i].val, last ? verdict : next);
	}
	if (acc && !r->allow)
		jmp(e, BPF_JSET, R_ACC, r->acc, verdict);
	else if (!n_eq)
		put(e, BPF_JMP | BPF_JA, 0, 0, 0, 0, verdict);
	place(e, next);
}

static int cmp_rule(const void *pa, const void *pb)
{
	const struct rule *a = pa, *b = pb;

	if (a->type != b->type)
		return a->type - b->type;
	if (a->major != b->major)
		return a->major < b->major ? -1 : 1;
	return a->minor < b->minor ? -1 : a->minor > b->minor;
}

/* A run: rules of one verdict whose order does not matter (sorted here). */
static void emit_run(struct emit *e, struct rule *r, size_t n)
{
	size_t g, ge, s, se, i;

	qsort(r, n, sizeof(*r), cmp_rule);
	for (g = 0; g < n; g = ge) {
		int g_end = new_label(e);
		bool tk;

		for (ge = g + 1; ge < n && r[ge].type == r[g].type; ge++)
			;
		tk = r[g].type && ge - g > 1;
		if (tk)
			jmp(e, BPF_JNE, R_TYPE, r[g].type, g_end);
		for (s = g; s < ge; s = se) {
			int s_end = new_label(e);
			bool mk;

			for (se = s + 1; se < ge && r[se].major == r[s].major; se++)
				;
			mk = r[s].major >= 0 && se - s > 1;
			if (mk)
				jmp(e, BPF_JNE, R_MAJOR, r[s].major, s_end);
			for (i = s; i < se; i++)
				emit_rule(e, &r[i], tk, mk);
			place(e, s_end);
		}
		place(e, g_end);
	}
}

int bpf_devices_build(const struct spec_dev_rule *rules, size_t n,
		struct bpf_insn **prog, size_t *len, struct tr_err *err)
{
	struct rule *w = malloc((n ? n : 1) * sizeof(*w)), *live;
	struct emit e = { 0 };
	size_t m, k = 0, i, start, end, pos;
	bool def_allow = false, use_type = false, use_acc = false, use_maj = false, use_min = false;
	int ret = -1;

	*prog = NULL;
	*len = 0;
	e.cap = BPF_DEVICES_MAX_INSNS;
	e.insn = malloc(e.cap * sizeof(*e.insn));
	e.target = malloc(e.cap * sizeof(*e.target));
	e.label_at = malloc((3 * n + 2) * sizeof(*e.label_at));
	if (!w || !e.insn || !e.target || !e.label_at) {
		tr_fail(err, ENOMEM, "linux.resources.devices");
		goto out;
	}
	m = normalise(rules, n, w);
	while (drop_dead(w, m))
		;
	live = w;	/* compact in place */
	for (i = 0; i < m; i++)
		if (!w[i].dead)
			live[k++] = w[i];
	start = 0;
	if (k && live[0].type == 0 && live[0].major < 0 && live[0].minor < 0 && live[0].acc == ACC_ALL) {
		def_allow = live[0].allow;
		start = 1;
	}
	while (start < k && live[start].allow == def_allow)
		start++;	/* falling through to the default gives the same */
	for (i = start; i < k; i++) {
		use_type |= live[i].type != 0;
		use_acc |= live[i].acc != ACC_ALL;
		use_maj |= live[i].major >= 0;
		use_min |= live[i].minor >= 0;
	}

	e.label_at[L_DENY] = e.label_at[L_ALLOW] = -1;
	e.labels = L_FIRST;
	if (use_type || use_acc)
		put(&e, BPF_LDX | BPF_W | BPF_MEM, R_TYPE, BPF_REG_1, 0, 0, -1);
	if (use_acc) {
		put(&e, BPF_ALU | BPF_MOV | BPF_X, R_ACC, R_TYPE, 0, 0, -1);
		put(&e, BPF_ALU | BPF_RSH | BPF_K, R_ACC, 0, 0, 16, -1);
	}
	if (use_type)
		put(&e, BPF_ALU | BPF_AND | BPF_K, R_TYPE, 0, 0, 0xffff, -1);
	if (use_maj)
		put(&e, BPF_LDX | BPF_W | BPF_MEM, R_MAJOR, BPF_REG_1, 4, 0, -1);
	if (use_min)
		put(&e, BPF_LDX | BPF_W | BPF_MEM, R_MINOR, BPF_REG_1, 8, 0, -1);
	for (end = k; end > start; end = pos) {
		for (pos = end - 1; pos > start && live[pos - 1].allow == live[end - 1].allow; pos--)
			;
		emit_run(&e, live + pos, end - pos);
	}
	/* The default verdict is reached by falling through; the other tail
	 * only when some rule jumps there (the verifier refuses dead code). */
	place(&e, def_allow ? L_ALLOW : L_DENY);
	put(&e, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, def_allow, -1);
	put(&e, BPF_JMP | BPF_EXIT, 0, 0, 0, 0, -1);
	if (e.used[!def_allow]) {
		place(&e, def_allow ? L_DENY : L_ALLOW);
		put(&e, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, !def_allow, -1);
		put(&e, BPF_JMP | BPF_EXIT, 0, 0, 0, 0, -1);
	}
	if (e.n > e.cap) {
		tr_failx(err, "linux.resources.devices: %zu rules need a device program of %zu "
			"instructions, more than the kernel's limit of %d", n, e.n, BPF_DEVICES_MAX_INSNS);
		goto out;
	}
	for (i = 0; i < e.n; i++)
		if (e.target[i] >= 0)
			e.insn[i].off = (int16_t)(e.label_at[e.target[i]] - (int)i - 1);
	*prog = e.insn;
	*len = e.n;
	e.insn = NULL;
	ret = 0;
out:
	free(w);
	free(e.insn);
	free(e.target);
	free(e.label_at);
	return ret;
}

/* ---- loading and attaching ---- */

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

/* Lines of a verifier log that trace its walk rather than say what is
 * wrong: "12: (b7) r0 = 0", "from 3 to 5: ...", register states "R1=ctx()",
 * "func#0 @0", the closing statistics. */
static bool log_trace_line(const char *l)
{
	static const char *const prefix[] = { "from ", "func#", "; ", "processed ",
		"verification time", "stack depth" };
	size_t i;

	if (l[0] >= '0' && l[0] <= '9')
		return true;
	for (i = 0; i < sizeof(prefix) / sizeof(prefix[0]); i++)
		if (!strncmp(l, prefix[i], strlen(prefix[i])))
			return true;
	if (l[0] == 'R' && l[1] >= '0' && l[1] <= '9') {
		for (l++; *l >= '0' && *l <= '9'; l++)
			;
		return *l == '=' || !strncmp(l, "_w=", 3);
	}
	return false;
}

/* The line that says why (the first one not part of the trace), else the
 * first line, into out. */
static void log_reason(char *log, char *out, size_t len)
{
	char *line, *nl, *pick = NULL;

	for (line = log; *line; line = nl + 1) {
		nl = strchrnul(line, '\n');
		if (line != nl && !pick)
			pick = line;
		if (line != nl && !log_trace_line(line)) {
			pick = line;
			break;
		}
		if (!*nl)
			break;
	}
	if (!pick) {
		snprintf(out, len, "(empty verifier log)");
		return;
	}
	nl = strchrnul(pick, '\n');
	snprintf(out, len, "%.*s", (int)(nl - pick), pick);
}

static int prog_load(const struct bpf_insn *insn, size_t n, struct tr_err *err)
{
	union bpf_attr a;
	char *log, reason[200];
	int fd, errnum;
	const size_t log_size = 64 * 1024;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insns = (uintptr_t)insn;
	a.insn_cnt = (uint32_t)n;
	a.license = (uintptr_t)"MIT";	/* no GPL-only helper is called */
	memcpy(a.prog_name, BPF_DEVICES_PROG_NAME, sizeof(BPF_DEVICES_PROG_NAME));
	/* First without a log: a verbose log of a big program can overflow
	 * the buffer, which fails the load (ENOSPC) on older kernels. */
	fd = (int)sys_bpf(BPF_PROG_LOAD, &a);
	if (fd >= 0)
		return fd;
	errnum = errno;
	if (errnum == ENOSYS)
		return tr_fail(err, errnum, "linux.resources.devices: bpf(BPF_PROG_LOAD): the kernel "
			"has no bpf() (CONFIG_BPF_SYSCALL), so no device filter on cgroup v2");
	if (errnum != EINVAL && errnum != EACCES)
		return tr_fail(err, errnum, "linux.resources.devices: bpf(BPF_PROG_LOAD)");
	/* Again with a log, to say why. */
	log = calloc(1, log_size);
	if (!log)
		return tr_fail(err, errnum, "linux.resources.devices: bpf(BPF_PROG_LOAD)");
	a.log_level = 1;
	a.log_buf = (uintptr_t)log;
	a.log_size = (uint32_t)log_size;
	fd = (int)sys_bpf(BPF_PROG_LOAD, &a);
	if (fd >= 0) {	/* passed this time: take it */
		free(log);
		return fd;
	}
	if (log[0]) {
		log_reason(log, reason, sizeof(reason));
		tr_fail(err, errnum, "linux.resources.devices: the kernel refused the device program "
			"(%zu instructions): %s", n, reason);
	} else {
		tr_fail(err, errnum, "linux.resources.devices: bpf(BPF_PROG_LOAD) of a "
			"BPF_PROG_TYPE_CGROUP_DEVICE program (kernel without CONFIG_CGROUP_BPF?)");
	}
	free(log);
	return -1;
}

/* ids of the device programs attached directly to the cgroup (not those
 * inherited from its ancestors); 0 on a kernel that cannot say. */
static uint32_t query_attached(int cgfd, uint32_t *ids, uint32_t cap)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.query.target_fd = (uint32_t)cgfd;
	a.query.attach_type = BPF_CGROUP_DEVICE;
	a.query.prog_ids = (uintptr_t)ids;
	a.query.prog_cnt = cap;
	if (sys_bpf(BPF_PROG_QUERY, &a) < 0)
		return 0;
	return a.query.prog_cnt < cap ? a.query.prog_cnt : cap;
}

/* An fd of program id when it is one of ours, else -1. */
static int our_prog(uint32_t id)
{
	union bpf_attr a;
	struct bpf_prog_info info;
	int fd;

	memset(&a, 0, sizeof(a));
	a.prog_id = id;
	fd = (int)sys_bpf(BPF_PROG_GET_FD_BY_ID, &a);
	if (fd < 0)
		return -1;
	memset(&info, 0, sizeof(info));
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = (uint32_t)fd;
	a.info.info_len = sizeof(info);
	a.info.info = (uintptr_t)&info;
	if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a) == 0 && info.type == BPF_PROG_TYPE_CGROUP_DEVICE &&
	    !strncmp(info.name, BPF_DEVICES_PROG_NAME, sizeof(info.name)))
		return fd;
	close(fd);
	return -1;
}

/* The cgroup can hold at most 64 programs per attach type (BPF_CGROUP_MAX_PROGS). */
#define MAX_ATTACHED 64

int bpf_devices_apply(int cgroup_dirfd, const struct spec_dev_rule *rules, size_t n,
		struct tr_err *err)
{
	struct spec_dev_rule *all;
	struct bpf_insn *insn;
	size_t n_all, len;
	uint32_t ids[MAX_ATTACHED], n_old, i;
	union bpf_attr a;
	int fd, r;

	if (bpf_devices_with_defaults(rules, n, &all, &n_all, err) < 0)
		return -1;
	r = bpf_devices_build(all, n_all, &insn, &len, err);
	free(all);
	if (r < 0)
		return -1;
	fd = prog_load(insn, len, err);
	free(insn);
	if (fd < 0)
		return -1;

	/* Replacing: attach the new program first, then detach the old one,
	 * so that at no moment the cgroup has no filter (for a moment both run,
	 * and both must allow: stricter, never looser). BPF_F_REPLACE would
	 * swap atomically but only from Linux 5.6; this works from 4.15, the
	 * first kernel with device programs. */
	n_old = query_attached(cgroup_dirfd, ids, MAX_ATTACHED);
	memset(&a, 0, sizeof(a));
	a.target_fd = (uint32_t)cgroup_dirfd;
	a.attach_bpf_fd = (uint32_t)fd;
	a.attach_type = BPF_CGROUP_DEVICE;
	a.attach_flags = BPF_F_ALLOW_MULTI;
	if (sys_bpf(BPF_PROG_ATTACH, &a) < 0) {
		r = tr_fail(err, errno, "linux.resources.devices: bpf(BPF_PROG_ATTACH) of the device "
			"program to the container's cgroup");
		close(fd);
		return r;
	}
	close(fd);
	r = 0;
	for (i = 0; i < n_old; i++) {
		int old = our_prog(ids[i]);

		if (old < 0)
			continue;
		memset(&a, 0, sizeof(a));
		a.target_fd = (uint32_t)cgroup_dirfd;
		a.attach_bpf_fd = (uint32_t)old;
		a.attach_type = BPF_CGROUP_DEVICE;
		if (sys_bpf(BPF_PROG_DETACH, &a) < 0 && errno != ENOENT && r == 0)
			r = tr_fail(err, errno, "linux.resources.devices: bpf(BPF_PROG_DETACH) of the "
				"previous device program (id %u)", ids[i]);
		close(old);
	}
	return r;
}
