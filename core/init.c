/* SPDX-License-Identifier: MIT */
/*
 * The container's init: the child the runtime cloned into the new
 * namespaces. It applies the spec in the order runtime-spec gives, reports
 * each step over the sync socket, then waits for `start` on its listening
 * socket and executes the user process in its own place. Any failure is
 * sent to whoever is waiting (create, or start) and the init exits; create
 * then unwinds everything it made.
 */
#include <errno.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <stdlib.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "autoconf.h"
#include "cgroup.h"
#include "container.h"
#include "hooks.h"
#include "ns.h"
#include "process.h"
#include "rootfs.h"
#include "state.h"
#include "sync.h"
#include "terminal.h"

/* Hooks run by the init get the same state JSON as the runtime's hooks. */
static int container_hooks(const spec_hook_list *l, const char *kind, const struct init_args *a,
			   enum container_status status, struct tr_err *err)
{
	char *json = NULL;
	int rc;

	if (!l->n)
		return 0;
	if (state_to_json(a->state, status, &json, err) < 0)
		return -1;
	rc = hooks_run(l, kind, json, err);
	free(json);
	return rc;
}

/* A pty in the container's devpts; its master goes to the runtime. */
static int send_terminal(const struct init_args *a, struct tr_err *err)
{
	char name[32];
	unsigned n = 0;
	int master, rc;

	master = terminal_setup(a->spec, a->rootfs, err);
	if (master < 0)
		return -1;
	ioctl(master, TIOCGPTN, &n);
	snprintf(name, sizeof(name), "/dev/pts/%u", n);
	rc = sync_send(a->sync_fd, SYNC_PTY, 0, NULL, err);
	if (!rc)
		rc = terminal_send_fd(a->sync_fd, master, name, err);
	close(master);
	return rc;
}

static int setup(const struct init_args *a, struct tr_err *err)
{
	const struct spec *s = a->spec;
	struct sync_msg m;

	/* first of all: the rootfs's cgroup mount shows the cgroups we are in */
	if ((CFG_CGROUP_V1 || CFG_CGROUP_V2) && a->cg_self_attach &&
	    cgroup_attach_self(a->cg, a->cg_into_v2, err) < 0)
		return -1;
	if (a->wait_go && sync_expect(a->sync_fd, SYNC_GO, "runtime", &m, err) < 0)
		return -1;
	if (a->new_ns & CLONE_NEWUSER) {
		/* until the runtime writes our maps we are nobody in here */
		if (sync_send(a->sync_fd, SYNC_USERNS, 0, NULL, err) < 0 ||
		    sync_expect(a->sync_fd, SYNC_USERNS_DONE, "runtime", &m, err) < 0)
			return -1;
		if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
			return tr_fail(err, errno, "user namespace: become root (is uid 0 mapped?)");
	}
	/* in our cgroups now (we moved, or the runtime moved us): the
	 * namespace's root is the container's cgroup, not the runtime's */
	if (a->cg_unshare_ns && unshare(CLONE_NEWCGROUP) < 0)
		return tr_fail(err, errno, "linux.namespaces: cgroup namespace: unshare");
	if ((CFG_CGROUP_V1 || CFG_CGROUP_V2) && a->cg)
		cgroup_close_fds(a->cg);
	if ((a->new_ns & CLONE_NEWNET) && ns_loopback_up(err) < 0)
		return -1;
	/* a session keyring of its own, so the container cannot read the
	 * caller's keys; kernels without keyrings have nothing to hide */
	if (!a->no_new_keyring && syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 &&
	    errno != ENOSYS)
		return tr_fail(err, errno, "join a new session keyring (--no-new-keyring avoids it)");
	/* relative bind-mount sources are relative to the bundle */
	if (chdir(a->bundle) < 0)
		return tr_fail(err, errno, "bundle %s", a->bundle);
	if (rootfs_mount_all(s, a->rootfs, NULL, err) < 0)
		return -1;
	if (CFG_TERMINAL && s->process.terminal && send_terminal(a, err) < 0)
		return -1;
	if (sync_send(a->sync_fd, SYNC_MOUNTED, 0, NULL, err) < 0 ||
	    sync_expect(a->sync_fd, SYNC_HOOKS_DONE, "runtime", &m, err) < 0)
		return -1;
	/* our pid as the host sees it, for the state the hooks get */
	a->state->pid = m.pid;
	if (container_hooks(&s->hooks.create_container, "createContainer", a,
			    CONTAINER_CREATING, err) < 0 ||
	    rootfs_pivot(s, a->rootfs, a->no_pivot, err) < 0 ||
	    /* before linux.readonlyPaths (/proc/sys) is made read-only */
	    sysctl_apply(s, err) < 0 ||
	    rootfs_finish(s, err) < 0 ||
	    ns_set_names(s, err) < 0 ||
	    process_apply(s, a->preserve_fds, err) < 0)
		return -1;
	return 0;
}

/* Wait for start; returns the connection to report an exec failure on. */
static int wait_for_start(const struct init_args *a, struct tr_err *err)
{
	struct sync_msg m;
	int fd;

	for (;;) {
		fd = accept4(a->listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd >= 0)
			break;
		if (errno != EINTR)
			return tr_fail(err, errno, "init: accept");
	}
	if (sync_expect(fd, SYNC_START, "start", &m, err) < 0) {
		close(fd);
		return -1;
	}
	close(a->listen_fd);
	return fd;
}

void container_init(const struct init_args *a)
{
	struct tr_err err = { 0 };
	int conn;

	/* a flock belongs to the open file, which clone shared with us: keep
	 * it and `start` would wait on its own container's lock forever */
	close(a->lock_fd);
	if (setup(a, &err) < 0) {
		sync_send(a->sync_fd, SYNC_ERROR, 0, &err, NULL);
		_exit(1);
	}
	if (sync_send(a->sync_fd, SYNC_READY, 0, NULL, &err) < 0)
		_exit(1);
	close(a->sync_fd);
	conn = wait_for_start(a, &err);
	if (conn < 0)
		_exit(1);
	if (container_hooks(&a->spec->hooks.start_container, "startContainer", a,
			    CONTAINER_CREATED, &err) == 0)
		process_exec(&a->spec->process, &err);
	sync_send(conn, SYNC_ERROR, 0, &err, NULL);
	_exit(127);
}
