/* SPDX-License-Identifier: MIT */
/*
 * process.capabilities, compiled only with CONFIG_CAPS (see caps.h for the
 * two-step order and why).
 *
 * libcap-ng sets effective, permitted and inheritable (one capset(2)). The
 * bounding and ambient sets are changed here with prctl(2) directly, one
 * capability at a time: libcap-ng 0.8.3's capng_apply() reports success
 * when a bounding-set drop fails (it only writes a syslog line), which
 * would let a container keep a capability it was meant to lose, and a
 * per-capability call lets the error name the capability.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cap-ng.h>
#include <linux/capability.h>

#include "caps.h"

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT			47
#define PR_CAP_AMBIENT_IS_SET		1
#define PR_CAP_AMBIENT_RAISE		2
#define PR_CAP_AMBIENT_LOWER		3
#define PR_CAP_AMBIENT_CLEAR_ALL	4
#endif

#define CAP_BIT(n) (UINT64_C(1) << (n))

/*
 * The highest capability number the running kernel knows: the same value
 * as /proc/sys/kernel/cap_last_cap, found by asking the kernel directly
 * (PR_CAPBSET_READ fails with EINVAL for an unknown number) so that it
 * works whether or not the container has a /proc.
 */
static int kernel_last_cap(void)
{
	static int last = -1;
	int cap;

	if (last >= 0)
		return last;
	for (cap = 0; cap < 64; cap++)
		if (prctl(PR_CAPBSET_READ, (unsigned long)cap, 0, 0, 0) < 0)
			break;
	last = cap - 1;
	return last;
}

/* Bits for every capability the kernel knows; the others are skipped. */
static uint64_t known_mask(void)
{
	int last = kernel_last_cap();

	if (last < 0)
		return 0;
	return last >= 63 ? ~UINT64_C(0) : CAP_BIT(last + 1) - 1;
}

static const char *cap_label(int cap, char *buf, size_t len)
{
	const char *name = spec_cap_name(cap);

	if (name)
		return name;
	snprintf(buf, len, "capability %d", cap);
	return buf;
}

/* Lowest capability in mask, as a name for an error message. */
static const char *first_cap(uint64_t mask, char *buf, size_t len)
{
	int cap = 0;

	while (cap < 63 && !(mask & CAP_BIT(cap)))
		cap++;
	return cap_label(cap, buf, len);
}

int caps_apply_bounding(const struct spec_caps *c, struct tr_err *err)
{
	int last = kernel_last_cap();
	char buf[32];
	int cap, have;

	for (cap = 0; cap <= last; cap++) {
		if (c->bounding & CAP_BIT(cap))
			continue;
		/* a spec may list a capability the runtime itself lacks (this
		 * machine's bounding set has no CAP_SYS_RESOURCE): it cannot be
		 * added, and dropping what is already gone is not needed */
		have = prctl(PR_CAPBSET_READ, (unsigned long)cap, 0, 0, 0);
		if (have == 0)
			continue;
		if (have < 0 || prctl(PR_CAPBSET_DROP, (unsigned long)cap, 0, 0, 0) < 0)
			return tr_fail(err, errno, "process.capabilities.bounding: dropping %s",
				       cap_label(cap, buf, sizeof(buf)));
	}
	return 0;
}

/* The calling thread's capability sets, straight from capget(2). */
static int current_caps(uint64_t *permitted, uint64_t *inheritable)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2] = { { 0, 0, 0 }, { 0, 0, 0 } };

	if (syscall(SYS_capget, &hdr, data) < 0)
		return -1;
	*permitted = data[0].permitted | (uint64_t)data[1].permitted << 32;
	*inheritable = data[0].inheritable | (uint64_t)data[1].inheritable << 32;
	return 0;
}

/*
 * capset(2) failed with want_* asked: say which capability could not be
 * had. The kernel only lets a thread keep or lower its permitted set, and
 * only add an inheritable capability that is in its bounding set.
 */
static int explain_capset_failure(int errnum, uint64_t want_p, uint64_t want_i,
				  struct tr_err *err)
{
	uint64_t have_p, have_i, bset = 0, missing;
	char buf[32];
	int cap;

	if (current_caps(&have_p, &have_i) == 0) {
		missing = want_p & ~have_p;
		if (missing)
			return tr_fail(err, errnum, "process.capabilities.permitted: %s is not "
				       "in the runtime's own permitted set and cannot be granted",
				       first_cap(missing, buf, sizeof(buf)));
		for (cap = 0; cap <= kernel_last_cap(); cap++)
			if (prctl(PR_CAPBSET_READ, (unsigned long)cap, 0, 0, 0) > 0)
				bset |= CAP_BIT(cap);
		missing = want_i & ~(have_i | (have_p & bset));
		if (missing)
			return tr_fail(err, errnum, "process.capabilities.inheritable: %s is not "
				       "in the bounding set", first_cap(missing, buf, sizeof(buf)));
	}
	return tr_fail(err, errnum, "process.capabilities: capset");
}

/* Fill libcap-ng's pending state with every capability in mask. */
static int capng_add_set(capng_type_t type, uint64_t mask, const char *set,
			 struct tr_err *err)
{
	char buf[32];
	int cap;

	for (cap = 0; cap < 64; cap++)
		if ((mask & CAP_BIT(cap)) && capng_update(CAPNG_ADD, type, (unsigned)cap) < 0)
			return tr_fail(err, errno ? errno : EINVAL,
				       "process.capabilities.%s: %s", set,
				       cap_label(cap, buf, sizeof(buf)));
	return 0;
}

static int set_ambient(uint64_t ambient, struct tr_err *err)
{
	char buf[32];
	int cap;

	/* the uid change already emptied it when leaving uid 0; when staying
	 * root, nothing the runtime had must leak into the container */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0) {
		if (errno == EINVAL && !ambient)
			return 0;	/* kernel before 4.3: no ambient set at all */
		return tr_fail(err, errno, "process.capabilities.ambient: %s",
			       errno == EINVAL ? "the kernel has no ambient capabilities (Linux < 4.3)"
					       : "clearing");
	}
	for (cap = 0; cap < 64; cap++) {
		if (!(ambient & CAP_BIT(cap)))
			continue;
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, (unsigned long)cap, 0, 0) < 0)
			return tr_fail(err, errno, "process.capabilities.ambient: raising %s",
				       cap_label(cap, buf, sizeof(buf)));
	}
	return 0;
}

int caps_apply(const struct spec_caps *c, struct tr_err *err)
{
	uint64_t known = known_mask();
	uint64_t eff = c->effective & known, perm = c->permitted & known;
	uint64_t inh = c->inheritable & known, amb = c->ambient & known;
	char buf[32];

	/* The kernel refuses these with a bare EPERM; name the culprit instead. */
	if (eff & ~perm)
		return tr_failx(err, "process.capabilities.effective: %s is not in the permitted set",
				first_cap(eff & ~perm, buf, sizeof(buf)));
	if (amb & ~(perm & inh))
		return tr_failx(err, "process.capabilities.ambient: %s must also be in the "
				"permitted and inheritable sets",
				first_cap(amb & ~(perm & inh), buf, sizeof(buf)));

	/* capng_clear() starts from empty sets, so inheritable holds exactly
	 * what the spec lists and never what the runtime happened to have */
	capng_clear(CAPNG_SELECT_CAPS);
	/* libcap-ng remembers the thread id of its first use for capset(2);
	 * when this process was made with clone(2) rather than fork(3) its
	 * fork handler did not run and that id is the parent's */
	capng_setpid((int)syscall(SYS_gettid));
	if (capng_add_set(CAPNG_EFFECTIVE, eff, "effective", err) < 0 ||
	    capng_add_set(CAPNG_PERMITTED, perm, "permitted", err) < 0 ||
	    capng_add_set(CAPNG_INHERITABLE, inh, "inheritable", err) < 0)
		return -1;
	errno = 0;
	if (capng_apply(CAPNG_SELECT_CAPS) < 0)
		return explain_capset_failure(errno ? errno : EPERM, perm, inh, err);
	return set_ambient(amb, err);
}
