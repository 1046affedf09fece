/* SPDX-License-Identifier: MIT */
/*
 * tinyrun exec: see exec.h for who waits for whom. Everything that can be
 * checked is checked here in the caller before anything is forked: the
 * container's state, the process object, and every namespace of its init
 * (opened through one /proc/PID directory fd that is verified to be the
 * recorded init, so a reused pid cannot send us into someone else's
 * namespaces).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "autoconf.h"
#include "cgroup.h"
#include "exec.h"
#include "process.h"
#include "spec.h"
#include "state.h"
#include "sync.h"
#include "terminal.h"
#include "util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#define SAVED_CONFIG "config.json"	/* container.c saves it at create */
#define CGROUPS_BUILT (CFG_CGROUP_V1 || CFG_CGROUP_V2)

/* Join order: the user namespace first, so the others are joined with the
 * privileges it gives; the mount namespace last, as it changes what /proc
 * and every path mean. pid and time take effect for children only. */
static const struct {
	const char *name;
	int type;
} ns_order[] = {
	{ "user", CLONE_NEWUSER }, { "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS },
	{ "net", CLONE_NEWNET }, { "pid", CLONE_NEWPID }, { "cgroup", CLONE_NEWCGROUP },
	{ "time", CLONE_NEWTIME }, { "mnt", CLONE_NEWNS },
};
#define N_NS (sizeof(ns_order) / sizeof(ns_order[0]))

struct exec_ctx {
	const struct exec_opts *o;
	struct spec *spec;		/* the process to run (and linux.personality) */
	int ns_fd[N_NS];		/* -1: the same as ours, nothing to join */
	int root_fd;			/* the init's root directory */
	int sync_fd;			/* the children's end */
	struct cgroup *cg;		/* the container's cgroups, or NULL */
	/* what the overrides allocated; the spec's arena owns the rest */
	char **args, **env;
	uint32_t *gids;
};

/* ---- building the process ---- */

static int parse_id(const char *s, const char *flag, uint32_t *out, struct tr_err *err)
{
	unsigned long long v;

	if (util_parse_uint(s, UINT32_MAX, &v) < 0)
		return tr_failx(err, "%s: expected a number, got \"%s\"", flag, s);
	*out = (uint32_t)v;
	return 0;
}

/* --env K=V replaces K's entry in place or is appended, as runc does. */
static int apply_env(struct exec_ctx *x, struct tr_err *err)
{
	const struct exec_opts *o = x->o;
	struct spec_strv *env = &x->spec->process.env;
	size_t n = env->n, i, klen;
	unsigned j;

	if (!o->nenv)
		return 0;
	x->env = calloc(env->n + o->nenv + 1, sizeof(char *));
	if (!x->env)
		return tr_fail(err, ENOMEM, "--env");
	if (env->n)
		memcpy(x->env, env->v, env->n * sizeof(char *));
	for (j = 0; j < o->nenv; j++) {
		const char *eq = strchr(o->env[j], '=');

		if (!eq || eq == o->env[j])
			return tr_failx(err, "--env: expected KEY=VALUE, got \"%s\"", o->env[j]);
		klen = (size_t)(eq - o->env[j]) + 1;
		for (i = 0; i < n && strncmp(x->env[i], o->env[j], klen); i++)
			;
		x->env[i] = (char *)o->env[j];
		if (i == n)
			n++;
	}
	env->v = x->env;
	env->n = n;
	return 0;
}

static int apply_user(struct exec_ctx *x, struct tr_err *err)
{
	const struct exec_opts *o = x->o;
	struct spec_user *u = &x->spec->process.user;
	char uid[16];
	const char *colon;
	unsigned j;

	if (o->user) {
		colon = strchr(o->user, ':');
		if ((colon ? (size_t)(colon - o->user) : strlen(o->user)) >= sizeof(uid))
			return tr_failx(err, "--user: expected UID[:GID], got \"%s\"", o->user);
		snprintf(uid, sizeof(uid), "%.*s", colon ? (int)(colon - o->user) : 15, o->user);
		if (parse_id(uid, "--user", &u->uid, err) < 0 ||
		    (colon && parse_id(colon + 1, "--user", &u->gid, err) < 0))
			return -1;
	}
	if (!o->ngids)
		return 0;
	x->gids = calloc(u->additional_gids.n + o->ngids, sizeof(uint32_t));
	if (!x->gids)
		return tr_fail(err, ENOMEM, "--additional-gids");
	if (u->additional_gids.n)
		memcpy(x->gids, u->additional_gids.v, u->additional_gids.n * sizeof(uint32_t));
	for (j = 0; j < o->ngids; j++) {
		if (parse_id(o->gids[j], "--additional-gids", &x->gids[u->additional_gids.n + j],
			     err) < 0)
			return -1;
	}
	u->additional_gids.v = x->gids;
	u->additional_gids.n += o->ngids;
	return 0;
}

static int apply_overrides(struct exec_ctx *x, struct tr_err *err)
{
	const struct exec_opts *o = x->o;
	struct spec_process *p = &x->spec->process;
	unsigned j;

	if (o->nargs) {
		x->args = calloc(o->nargs + 1, sizeof(char *));
		if (!x->args)
			return tr_fail(err, ENOMEM, "exec");
		memcpy(x->args, o->args, o->nargs * sizeof(char *));
		p->args.v = x->args;
		p->args.n = o->nargs;
	}
	if (o->process_file)
		p->terminal = p->terminal || o->tty;
	else
		p->terminal = o->tty;	/* runc: the container's own terminal is not reused */
	if (o->cwd) {
		if (o->cwd[0] != '/')
			return tr_failx(err, "--cwd: \"%s\" is not an absolute path", o->cwd);
		p->cwd = (char *)o->cwd;
	}
	if (o->no_new_privs)
		p->no_new_privileges = true;
	for (j = 0; j < o->ncaps; j++) {
		int cap = spec_cap_from_name(o->caps[j]);
		uint64_t bit;

		if (cap < 0)
			return tr_failx(err, "--cap: unknown capability \"%s\"", o->caps[j]);
		bit = 1ULL << cap;
		p->has_capabilities = true;
		p->caps.bounding |= bit;
		p->caps.effective |= bit;
		p->caps.permitted |= bit;
		p->caps.has_bounding = p->caps.has_effective = p->caps.has_permitted = true;
	}
	if (apply_env(x, err) < 0 || apply_user(x, err) < 0)
		return -1;
	/* what create refuses for the same reasons */
	if (p->terminal && !CFG_TERMINAL)
		return tr_failx(err, "%s: tinyrun was built without CONFIG_TERMINAL",
				o->tty ? "--tty" : "process.terminal");
	if (p->terminal && !o->console_socket && !o->foreground)
		return tr_failx(err, "%s: needs --console-socket, or exec in the foreground",
				o->tty ? "--tty" : "process.terminal");
	if (!p->terminal && o->console_socket)
		return tr_failx(err, "--console-socket: the process has no terminal (--tty)");
	if (p->has_capabilities && !CFG_CAPS)
		return tr_failx(err, "%s: tinyrun was built without CONFIG_CAPS",
				o->ncaps ? "--cap" : "process.capabilities");
	if (p->apparmor_profile)
		return tr_failx(err, "process.apparmorProfile: AppArmor is not supported");
	if (p->selinux_label)
		return tr_failx(err, "process.selinuxLabel: SELinux is not supported");
	return 0;
}

/* The process object: from --process, or the container's own. */
static int load_process(struct exec_ctx *x, int dirfd, struct tr_err *err)
{
	char *data;
	size_t len;
	int rc;

	if (x->o->process_file) {
		if (spec_load_process(x->o->process_file, &x->spec, err) < 0) {
			tr_err_prefix(err, "--process");
			return -1;
		}
	} else {
		if (util_read_file(dirfd, SAVED_CONFIG, &data, &len, 16 << 20, err) < 0)
			return -1;
		rc = spec_parse(data, len, &x->spec, err);
		free(data);
		if (rc < 0) {
			tr_err_prefix(err, "container %s: saved config.json", x->o->id);
			return -1;
		}
		if (!x->o->nargs)
			return tr_failx(err, "exec: missing the command to run (ARGS or --process)");
	}
	return apply_overrides(x, err);
}

/* ---- the container's namespaces ---- */

static int same_file(int fd, const char *path)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat(path, &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Open the init's namespaces and root through /proc/PID, checked to be it. */
static int open_init(struct exec_ctx *x, const struct container_state *st,
		     struct tr_err *err)
{
	char path[64];
	unsigned long long start;
	unsigned i;
	int procfd, rc = -1;

	snprintf(path, sizeof(path), "/proc/%d", (int)st->pid);
	procfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	/* opened first, checked after: a pid reused in between fails the check */
	if (procfd < 0 || util_proc_start_time(st->pid, &start) < 0 ||
	    start != st->pid_start_time) {
		tr_failx(err, "cannot exec in container %s: container not running", st->id);
		goto out;
	}
	for (i = 0; i < N_NS; i++) {
		snprintf(path, sizeof(path), "ns/%s", ns_order[i].name);
		x->ns_fd[i] = openat(procfd, path, O_RDONLY | O_CLOEXEC);
		if (x->ns_fd[i] < 0) {
			/* kernels without time (5.6) or cgroup (4.6) namespaces */
			if (errno == ENOENT && (ns_order[i].type == CLONE_NEWTIME ||
						ns_order[i].type == CLONE_NEWCGROUP))
				continue;
			tr_fail(err, errno, "container %s: /proc/%d/ns/%s", st->id,
				(int)st->pid, ns_order[i].name);
			goto out;
		}
		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns_order[i].name);
		if (same_file(x->ns_fd[i], path)) {
			close(x->ns_fd[i]);
			x->ns_fd[i] = -1;
		}
	}
	x->root_fd = openat(procfd, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (x->root_fd < 0) {
		tr_fail(err, errno, "container %s: /proc/%d/root", st->id, (int)st->pid);
		goto out;
	}
	rc = 0;
out:
	if (procfd >= 0)
		close(procfd);
	return rc;
}

/* Lock, check the status, build the process, open the namespaces; unlock. */
static int prepare(struct exec_ctx *x, struct tr_err *err)
{
	struct container_state st = { 0 };
	enum container_status status;
	int dirfd, rc = -1;

	if (state_id_valid(x->o->id, err) < 0)
		return -1;
	dirfd = state_lock(x->o->root, x->o->id, 0, err);
	if (dirfd < 0)
		return -1;
	if (state_load_dir(dirfd, x->o->id, &st, err) < 0)
		goto out;
	status = state_status(&st);
	if (status == CONTAINER_PAUSED) {
		tr_failx(err, "cannot exec in container %s: it is paused", x->o->id);
		goto out;
	}
	if (status != CONTAINER_CREATED && status != CONTAINER_RUNNING) {
		tr_failx(err, "cannot exec in container %s: container not running (it is %s)",
			 x->o->id, state_status_name(status));
		goto out;
	}
	if ((CGROUPS_BUILT && cgroup_load(&st, &x->cg, err) < 0) ||
	    load_process(x, dirfd, err) < 0 || open_init(x, &st, err) < 0)
		goto out;
	rc = 0;
out:
	close(dirfd);
	state_free(&st);
	return rc;
}

/* ---- the children ---- */

/* The final process, in every namespace of the container: never returns.
 * gate reads EOF once stage 1 has reported our pid and exited. */
__attribute__((noreturn)) static void exec_final(struct exec_ctx *x, int gate)
{
	struct tr_err e = { 0 };
	sigset_t none;
	char c;
	int fd;

	/* the caller must know our pid before our first message */
	while (read(gate, &c, 1) < 0 && errno == EINTR)
		;
	close(gate);
	/* above the preserved fds, so that it stays close-on-exec: its EOF
	 * is how the caller learns that the exec happened */
	fd = fcntl(x->sync_fd, F_DUPFD_CLOEXEC, 3 + (int)x->o->preserve_fds);
	if (fd < 0)
		_exit(126);
	close(x->sync_fd);
	x->sync_fd = fd;
	if (CFG_TERMINAL && x->spec->process.terminal) {
		char name[32];
		unsigned n = 0;
		int master = terminal_setup(x->spec, NULL, &e);

		if (master < 0)
			goto fail;
		ioctl(master, TIOCGPTN, &n);
		snprintf(name, sizeof(name), "/dev/pts/%u", n);
		if (sync_send(fd, SYNC_PTY, 0, NULL, &e) < 0 ||
		    terminal_send_fd(fd, master, name, &e) < 0)
			goto fail;
		close(master);
	}
	if (process_apply(x->spec, (int)x->o->preserve_fds, &e) < 0)
		goto fail;
	/* the caller may have blocked every signal to forward them */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	process_exec(&x->spec->process, &e);
fail:
	sync_send(fd, SYNC_ERROR, 0, &e, NULL);
	_exit(127);
}

static int join(struct exec_ctx *x, struct tr_err *err)
{
	unsigned i;

	for (i = 0; i < N_NS; i++) {
		if (x->ns_fd[i] >= 0 && setns(x->ns_fd[i], ns_order[i].type) < 0)
			return tr_fail(err, errno, "exec: join the container's %s namespace",
				       ns_order[i].name);
	}
	/* setns(mnt) puts us on the topmost mount of the namespace's root,
	 * which is the container's after pivot_root or MS_MOVE; but what the
	 * init really has as its root (a chroot) is what counts: take that */
	if (fchdir(x->root_fd) < 0 || chroot(".") < 0 || chdir("/") < 0)
		return tr_fail(err, errno, "exec: enter the container's root directory");
	return 0;
}

/* Stage 1: joins, then clones the final process as the caller's child. */
__attribute__((noreturn)) static void exec_stage1(struct exec_ctx *x)
{
	struct tr_err e = { 0 };
	int gate[2];
	pid_t pid;

	/* into the container's cgroups first, as the host's root: the final
	 * process inherits them, and the cgroup namespace then sees it inside */
	if (CGROUPS_BUILT && x->cg && cgroup_attach_self(x->cg, false, &e) < 0) {
		tr_err_prefix(&e, "exec: join the container's cgroup");
		sync_send(x->sync_fd, SYNC_ERROR, 0, &e, NULL);
		_exit(1);
	}
	if (join(x, &e) < 0) {
		sync_send(x->sync_fd, SYNC_ERROR, 0, &e, NULL);
		_exit(1);
	}
	if (pipe2(gate, O_CLOEXEC) < 0) {
		tr_fail(&e, errno, "exec: pipe");
		sync_send(x->sync_fd, SYNC_ERROR, 0, &e, NULL);
		_exit(1);
	}
	pid = (pid_t)syscall(SYS_clone, CLONE_PARENT | SIGCHLD, NULL, NULL, NULL, NULL);
	if (pid == 0) {
		close(gate[1]);
		exec_final(x, gate[0]);
	}
	if (pid < 0) {
		/* ENOMEM: the container's pid namespace has no init any more */
		tr_fail(&e, errno, "exec: fork into the container%s",
			errno == ENOMEM ? " (its init has exited)" : "");
		sync_send(x->sync_fd, SYNC_ERROR, 0, &e, NULL);
		_exit(1);
	}
	sync_send(x->sync_fd, SYNC_PID, pid, NULL, NULL);
	_exit(0);	/* closes gate[1]: the final process goes on */
}

static void reap(pid_t pid, int kill_it)
{
	if (kill_it)
		kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* The pty master: on to the console socket, or kept for the caller. */
static int take_terminal(struct exec_ctx *x, int fd, int *master, struct tr_err *err)
{
	char name[64];
	int m = terminal_recv_fd(fd, name, sizeof(name), err);

	if (m < 0)
		return -1;
	if (x->o->console_socket) {
		int rc = terminal_to_console_socket(x->o->console_socket, m, name, err);

		close(m);
		return rc;
	}
	if (*master >= 0)
		close(*master);
	*master = m;
	return 0;
}

/* Follow the children until the exec happened (EOF) or failed. */
static int follow(struct exec_ctx *x, int fd, pid_t stage1, pid_t *pid, int *master,
		  struct tr_err *err)
{
	struct sync_msg m;
	ssize_t n;

	*pid = -1;
	for (;;) {
		do
			n = recv(fd, &m, sizeof(m), 0);
		while (n < 0 && errno == EINTR);
		if (n == 0 && *pid > 0)
			return 0;	/* close-on-exec: executed */
		if (n != (ssize_t)sizeof(m)) {
			tr_fail(err, n < 0 ? errno : EPROTO, "exec: %s exited early",
				*pid > 0 ? "the process" : "stage 1");
			break;
		}
		if (m.type == SYNC_PID) {
			*pid = m.pid;
			reap(stage1, 0);
			stage1 = -1;
		} else if (CFG_TERMINAL && m.type == SYNC_PTY) {
			if (take_terminal(x, fd, master, err) < 0)
				break;
		} else if (m.type == SYNC_ERROR) {
			m.err.msg[sizeof(m.err.msg) - 1] = 0;
			*err = m.err;
			break;
		} else {
			tr_failx(err, "sync: unexpected message %d during exec", m.type);
			break;
		}
	}
	if (stage1 > 0)
		reap(stage1, 1);
	if (*pid > 0)
		reap(*pid, 1);
	*pid = -1;
	return -1;
}

int container_exec(const struct exec_opts *o, pid_t *pid, int *master, struct tr_err *err)
{
	struct exec_ctx x = { .o = o, .root_fd = -1, .sync_fd = -1 };
	int sv[2] = { -1, -1 }, rc = -1;
	pid_t stage1;
	unsigned i;

	*pid = -1;
	*master = -1;
	for (i = 0; i < N_NS; i++)
		x.ns_fd[i] = -1;
	if (prepare(&x, err) < 0)
		goto out;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		tr_fail(err, errno, "socketpair");
		goto out;
	}
	x.sync_fd = sv[1];
	stage1 = fork();
	if (stage1 < 0) {
		tr_fail(err, errno, "fork");
		goto out;
	}
	if (stage1 == 0) {
		close(sv[0]);
		exec_stage1(&x);
	}
	close(sv[1]);
	sv[1] = -1;
	if (follow(&x, sv[0], stage1, pid, master, err) < 0) {
		if (*master >= 0)
			close(*master);
		*master = -1;
		goto out;
	}
	if (o->pid_file && state_write_pidfile(o->pid_file, *pid, err) < 0) {
		/* containerd could not find it: do not leave it running */
		reap(*pid, 1);
		*pid = -1;
		if (*master >= 0)
			close(*master);
		*master = -1;
		goto out;
	}
	rc = 0;
out:
	for (i = 0; i < N_NS; i++) {
		if (x.ns_fd[i] >= 0)
			close(x.ns_fd[i]);
	}
	if (x.root_fd >= 0)
		close(x.root_fd);
	if (sv[0] >= 0)
		close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	free(x.args);
	free(x.env);
	free(x.gids);
	if (CGROUPS_BUILT)
		cgroup_free(x.cg);
	spec_free(x.spec);
	return rc;
}
