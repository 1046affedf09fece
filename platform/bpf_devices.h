/* SPDX-License-Identifier: MIT */
/*
 * linux.resources.devices on cgroup v2: cgroup v2 has no devices.allow file;
 * the kernel instead runs every BPF_PROG_TYPE_CGROUP_DEVICE program attached
 * to the cgroup (and its ancestors) on each mknod and open of a device node,
 * and refuses with EPERM when one returns 0. tinyrun generates that program
 * itself from the spec's rules (raw bpf(2), no libbpf).
 *
 * Semantics (the runtime-spec's allowlist, as runc applies it):
 *   - the rules are evaluated in order and the LAST rule that matches decides;
 *     a request no rule matches is denied;
 *   - type 'a' matches char and block devices, major/minor -1 match any;
 *   - an allow rule matches a request whose access (m, r, w; an open for
 *     reading and writing asks r and w at once) is a subset of the rule's
 *     access; a deny rule matches a request that asks for ANY of the rule's
 *     access. This is how the v1 devices controller reads allow and deny
 *     entries, and it makes "deny c 1:3 w" refuse an O_RDWR open, which a
 *     subset test would let through to an earlier allow;
 *   - adjacent rules with the same verdict and the same device merge their
 *     access (so "allow c 1:3 r" then "allow c 1:3 w" allows an O_RDWR open,
 *     as the v1 controller merges equal entries);
 *   - an empty access, a major above 4095 or a minor above 1048575 (the
 *     limits of the kernel's dev_t) matches nothing: such a rule is dropped.
 *
 * Defaults: bpf_devices_apply() adds the runtime's default allow-list (the
 * devices every container gets: null zero full random urandom tty console
 * ptmx, /dev/pts/N, and mknod of any node) itself, so no caller can forget
 * it. They are inserted right after the spec's LAST catch-all rule
 * ("a *:* rwm", allow or deny), or before the first rule when there is none:
 * they behave as part of the base policy, so `tinyrun spec`'s leading
 * deny-all still leaves them usable while a LATER rule of the spec can still
 * deny one of them (runc appends them after every rule, which makes them
 * impossible to deny; we prefer that an explicit deny works).
 * bpf_devices_build() is exact: it compiles the rules it is given, nothing
 * added, which is what the unit tests check.
 */
#ifndef TINYRUN_BPF_DEVICES_H
#define TINYRUN_BPF_DEVICES_H

#include <stddef.h>
#include <linux/bpf.h>

#include "error.h"
#include "spec.h"

/* The kernel's limit on a program before 5.2 and for unprivileged loads. */
#define BPF_DEVICES_MAX_INSNS 4096

/* The name the program is loaded under: how a later apply on the same
 * cgroup recognises the program it replaces (bpf_prog_info.name). */
#define BPF_DEVICES_PROG_NAME "tinyrun_dev"

/* The default allow-list (static storage, *n set to its length). */
const struct spec_dev_rule *bpf_devices_default_rules(size_t *n);

/* rules with the defaults inserted as described above: a malloc'd array the
 * caller frees (never NULL on success, even for n == 0). */
int bpf_devices_with_defaults(const struct spec_dev_rule *rules, size_t n,
		struct spec_dev_rule **out, size_t *out_n, struct tr_err *err);

/* Pure: compile rules into a CGROUP_DEVICE program. *prog is malloc'd
 * (free it), *len its count of instructions. Fails only on allocation or when
 * the program would exceed BPF_DEVICES_MAX_INSNS. */
int bpf_devices_build(const struct spec_dev_rule *rules, size_t n,
		struct bpf_insn **prog, size_t *len, struct tr_err *err);

/* Defaults + build + BPF_PROG_LOAD + BPF_PROG_ATTACH to the cgroup directory
 * open at cgroup_dirfd (attach type BPF_CGROUP_DEVICE, BPF_F_ALLOW_MULTI so
 * the programs of ancestors keep applying). A program named
 * BPF_DEVICES_PROG_NAME already attached to that same cgroup (an earlier
 * apply: `update`) is detached AFTER the new one is attached, so the cgroup
 * is never without a filter; in between both run and both must allow. Needs
 * CAP_SYS_ADMIN. The program fd is closed: the attachment keeps it alive.
 * When the old program cannot be detached the error says so and the new one
 * stays attached (both keep applying: stricter, never looser). */
int bpf_devices_apply(int cgroup_dirfd, const struct spec_dev_rule *rules, size_t n,
		struct tr_err *err);

#endif
