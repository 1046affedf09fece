/* SPDX-License-Identifier: MIT */
/*
 * The runtime side of the lifecycle. create parses and checks the whole
 * spec, makes the state directory (the lock against a second create of the
 * same id), starts the init in its namespaces and walks it through setup
 * over a socket pair, running the runtime-namespace hooks at the points
 * runtime.md gives. Any failure unwinds everything through one path: the
 * init is killed and reaped, the state directory removed.
 *
 * The init listens on a unix socket in the state directory; start connects,
 * says "go", and reads until EOF (the socket is close-on-exec, so EOF means
 * the user process was executed) or an error record (exec failed).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "autoconf.h"
#include "cgroup.h"
#include "container.h"
#include "hooks.h"
#include "log.h"
#include "ns.h"
#include "state.h"
#include "sync.h"
#include "terminal.h"
#include "util.h"

#define INIT_SOCKET "init.sock"
#define CGROUPS_BUILT (CFG_CGROUP_V1 || CFG_CGROUP_V2)
#define SAVED_CONFIG "config.json"

/* Fields the spec allows whose modules this build does not have (yet). */
static int check_supported(const struct spec *s, const struct create_opts *o,
			   struct tr_err *err)
{
	const struct spec_linux *l = &s->linux_cfg;

	if (!s->has_process)
		return tr_failx(err, "process: required to create a container");
	if (ns_check_config(s, err) < 0 || hooks_check_config(s, err) < 0)
		return -1;
	if (s->process.terminal && !CFG_TERMINAL)
		return tr_failx(err, "process.terminal: tinyrun was built without CONFIG_TERMINAL");
	if (s->process.terminal && !o->console_socket && !o->foreground)
		return tr_failx(err, "process.terminal: needs --console-socket, or run in the foreground");
	if (!s->process.terminal && o->console_socket)
		return tr_failx(err, "--console-socket: process.terminal is false");
	if (l->has_seccomp)
		return tr_failx(err, "linux.seccomp: not supported by this build (no seccomp module)");
	if (s->process.apparmor_profile)
		return tr_failx(err, "process.apparmorProfile: AppArmor is not supported");
	if (s->process.selinux_label || l->mount_label)
		return tr_failx(err, "%s: SELinux is not supported",
				s->process.selinux_label ? "process.selinuxLabel" : "linux.mountLabel");
	if (!CGROUPS_BUILT && (l->has_resources || l->cgroups_path))
		return tr_failx(err, "%s: tinyrun was built without cgroups (CONFIG_CGROUP_V1, "
				"CONFIG_CGROUP_V2)",
				l->has_resources ? "linux.resources" : "linux.cgroupsPath");
	if (l->has_net_devices)
		return tr_failx(err, "linux.netDevices: not supported");
	return 0;
}

/* clone() as fork(): the child continues here on a copy of our stack. */
static pid_t clone_child(unsigned long flags)
{
	return (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
}

/* "/proc/self/fd/N/init.sock": short whatever the length of --root and id. */
static void init_socket_addr(int dirfd, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	snprintf(sa->sun_path, sizeof(sa->sun_path), "/proc/self/fd/%d/" INIT_SOCKET, dirfd);
}

static int make_listen_socket(int dirfd, struct tr_err *err)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return tr_fail(err, errno, "init socket");
	init_socket_addr(dirfd, &sa);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 1) < 0) {
		tr_fail(err, errno, "init socket: bind");
		close(fd);
		return -1;
	}
	return fd;
}

static int state_json_of(const struct container_state *st, char **json, struct tr_err *err)
{
	return state_to_json(st, state_status(st), json, err);
}

static int run_hooks(const spec_hook_list *l, const char *kind,
		     const struct container_state *st, struct tr_err *err)
{
	char *json = NULL;
	int rc;

	if (!l->n)
		return 0;
	if (state_json_of(st, &json, err) < 0)
		return -1;
	rc = hooks_run(l, kind, json, err);
	free(json);
	return rc;
}

static void kill_and_reap(pid_t pid)
{
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/*
 * Start the init, directly or, when namespaces must be joined by path or a
 * time namespace made, through a short-lived stage-1 process that does that
 * first and clones the init with CLONE_PARENT, so that the init is our child
 * either way (run waits for it).
 */
static pid_t spawn_init(struct init_args *a, int peer_fd, struct tr_err *err)
{
	const struct spec *s = a->spec;
	unsigned long flags = ns_new_flags(s);
	struct sync_msg m;
	pid_t stage1, pid;
	int status;

	if (!ns_need_stage1(s)) {
		/* the init moves itself into its cgroups (fast on v1, see
		 * cgroup.h), unless it cannot: in a new user namespace it is
		 * nobody until we write its maps, so we move it then */
		a->cg_self_attach = a->cg && !(flags & CLONE_NEWUSER);
		a->cg_parent_attach = a->cg && (flags & CLONE_NEWUSER);
		if (CGROUPS_BUILT)
			pid = cgroup_clone(a->cg, flags, &a->cg_into_v2, &a->cg_unshare_ns);
		else
			pid = clone_child(flags);
		if (pid < 0)
			return tr_fail(err, errno, "clone (linux.namespaces)");
		if (pid == 0) {
			close(peer_fd);
			container_init(a);
		}
		return pid;
	}
	/* the init must not talk before we know its pid: stage 1's SYNC_PID
	 * and the init's first message would race on the shared socket */
	a->wait_go = 1;
	stage1 = fork();
	if (stage1 < 0)
		return tr_fail(err, errno, "fork");
	if (stage1 == 0) {
		struct tr_err e = { 0 };

		close(peer_fd);
		/* into the cgroups before joining anything: the init inherits
		 * them, and a cgroup namespace it makes is rooted there */
		if (CGROUPS_BUILT && a->cg && cgroup_attach_self(a->cg, false, &e) < 0) {
			sync_send(a->sync_fd, SYNC_ERROR, 0, &e, NULL);
			_exit(1);
		}
		if (ns_join_and_prepare(s, &e) < 0) {
			sync_send(a->sync_fd, SYNC_ERROR, 0, &e, NULL);
			_exit(1);
		}
		pid = clone_child(flags | CLONE_PARENT);
		if (pid < 0) {
			tr_fail(&e, errno, "clone (linux.namespaces)");
			sync_send(a->sync_fd, SYNC_ERROR, 0, &e, NULL);
			_exit(1);
		}
		if (pid == 0)
			container_init(a);
		sync_send(a->sync_fd, SYNC_PID, pid, NULL, NULL);
		_exit(0);
	}
	while (waitpid(stage1, &status, 0) < 0 && errno == EINTR)
		;
	if (sync_expect(peer_fd, SYNC_PID, "container setup", &m, err) < 0)
		return -1;
	if (sync_send(peer_fd, SYNC_GO, 0, NULL, err) < 0) {
		kill_and_reap(m.pid);
		return -1;
	}
	return m.pid;
}

/* The init's pty master: on to the console socket, or kept for run. */
static int take_terminal(const struct create_opts *o, int fd, struct tr_err *err)
{
	char name[64];
	int master, rc = 0;

	master = terminal_recv_fd(fd, name, sizeof(name), err);
	if (master < 0)
		return -1;
	if (o->console_socket) {
		rc = terminal_to_console_socket(o->console_socket, master, name, err);
		close(master);
		return rc;
	}
	if (o->terminal_master >= 0)
		close(o->terminal_master);
	((struct create_opts *)o)->terminal_master = master;
	return 0;
}

/* Walk the init through setup; returns once it reports SYNC_READY. */
static int drive_setup(const struct create_opts *o, const struct init_args *a,
		       struct container_state *st, int dirfd, int fd, struct tr_err *err)
{
	const struct spec *s = a->spec;
	struct sync_msg m;

	for (;;) {
		if (sync_recv(fd, &m, "container init", err) < 0)
			return -1;
		if (m.type == SYNC_MOUNTED)
			break;
		if (m.type == SYNC_USERNS) {
			struct tr_err e = { 0 };

			if (CGROUPS_BUILT && a->cg_parent_attach &&
			    cgroup_attach_pid(a->cg, st->pid, a->cg_into_v2, err) < 0)
				return -1;
			if (ns_write_id_maps(st->pid, s, &e) < 0) {
				*err = e;
				return -1;
			}
			if (sync_send(fd, SYNC_USERNS_DONE, 0, NULL, err) < 0)
				return -1;
		} else if (CFG_TERMINAL && m.type == SYNC_PTY) {
			if (take_terminal(o, fd, err) < 0)
				return -1;
		} else if (m.type == SYNC_ERROR) {
			*err = m.err;
			return -1;
		} else {
			return tr_failx(err, "sync: unexpected message %d from container init",
					m.type);
		}
	}
	/* prestart (deprecated) and createRuntime run in the runtime's namespaces
	 * once the container's environment exists, before pivot_root */
	if (state_save(dirfd, st, err) < 0 ||
	    run_hooks(&s->hooks.prestart, "prestart", st, err) < 0 ||
	    run_hooks(&s->hooks.create_runtime, "createRuntime", st, err) < 0)
		return -1;
	if (sync_send(fd, SYNC_HOOKS_DONE, st->pid, NULL, err) < 0)
		return -1;
	return sync_expect(fd, SYNC_READY, "container init", &m, err);
}

static int resolve_paths(const struct create_opts *o, const struct spec *s, char *bundle,
			 char *rootfs, struct tr_err *err)
{
	char buf[PATH_MAX];
	struct stat sb;

	if (!realpath(o->bundle, bundle))
		return tr_fail(err, errno, "bundle %s", o->bundle);
	if (s->root.path[0] == '/')
		snprintf(buf, sizeof(buf), "%s", s->root.path);
	else if ((size_t)snprintf(buf, sizeof(buf), "%s/%s", bundle, s->root.path) >= sizeof(buf))
		return tr_failx(err, "root.path: path too long");
	if (!realpath(buf, rootfs))
		return tr_fail(err, errno, "root.path: %s", buf);
	if (stat(rootfs, &sb) < 0 || !S_ISDIR(sb.st_mode))
		return tr_failx(err, "root.path: %s: not a directory", rootfs);
	return 0;
}

static int save_config_copy(int dirfd, const char *bundle, struct tr_err *err)
{
	char path[PATH_MAX], *data;
	size_t len;
	int rc;

	if ((size_t)snprintf(path, sizeof(path), "%s/config.json", bundle) >= sizeof(path))
		return tr_failx(err, "bundle %s: path too long", bundle);
	if (util_read_file(AT_FDCWD, path, &data, &len, 16 << 20, err) < 0)
		return -1;
	rc = util_write_file_atomic(dirfd, SAVED_CONFIG, data, len, 0600, err);
	free(data);
	return rc;
}

/*
 * Socket activation, as runc does it: fds 3..3+LISTEN_FDS-1 of the runtime
 * go to the container too (before the --preserve-fds ones), whose process
 * gets LISTEN_FDS=N and LISTEN_PID=1 (it is pid 1 of its namespace).
 */
static int add_listen_fds(struct spec *s, unsigned *preserve, char ***env_out,
			  char *buf, size_t len, struct tr_err *err)
{
	const char *v = getenv("LISTEN_FDS");
	unsigned long long n;
	char **env;

	*env_out = NULL;
	if (!v || !*v)
		return 0;
	if (util_parse_uint(v, 1024, &n) < 0)
		return tr_failx(err, "LISTEN_FDS=\"%s\": expected a number of fds", v);
	if (!n)
		return 0;
	env = calloc(s->process.env.n + 3, sizeof(*env));
	if (!env)
		return tr_fail(err, ENOMEM, "LISTEN_FDS");
	if (s->process.env.n)
		memcpy(env, s->process.env.v, s->process.env.n * sizeof(*env));
	snprintf(buf, len, "LISTEN_FDS=%llu", n);
	env[s->process.env.n] = buf;
	env[s->process.env.n + 1] = "LISTEN_PID=1";
	s->process.env.v = env;
	s->process.env.n += 2;
	*preserve += (unsigned)n;
	*env_out = env;
	return 0;
}

int container_create(const struct create_opts *o, pid_t *init_pid, struct tr_err *err)
{
	char listen_env[32], **env_alloc = NULL;
	unsigned preserve = o->preserve_fds;
	char bundle[PATH_MAX], rootfs[PATH_MAX], path[PATH_MAX];
	struct container_state st = { 0 };
	struct spec *s = NULL;
	struct init_args a = { 0 };
	struct cgroup *cg = NULL;
	int dirfd = -1, sv[2] = { -1, -1 }, listen_fd = -1, rc = -1;

	if (state_id_valid(o->id, err) < 0)
		return -1;
	if (!realpath(o->bundle, bundle))
		return tr_fail(err, errno, "bundle %s", o->bundle);
	if ((size_t)snprintf(path, sizeof(path), "%s/config.json", bundle) >= sizeof(path))
		return tr_failx(err, "bundle %s: path too long", bundle);
	if (spec_load(path, &s, err) < 0)
		return -1;
	if (check_supported(s, o, err) < 0 || resolve_paths(o, s, bundle, rootfs, err) < 0 ||
	    add_listen_fds(s, &preserve, &env_alloc, listen_env, sizeof(listen_env), err) < 0)
		goto out;

	dirfd = state_create(o->root, o->id, err);
	if (dirfd < 0)
		goto out;
	st.id = (char *)o->id;
	st.bundle = bundle;
	st.rootfs = rootfs;
	st.status = CONTAINER_CREATING;
	st.owner = getuid();
	clock_gettime(CLOCK_REALTIME, &st.created);
	for (size_t i = 0; i < s->annotations.n; i++) {
		if (state_add_annotation(&st, s->annotations.v[i].key,
					 s->annotations.v[i].value, err) < 0)
			goto fail;
	}
	if (save_config_copy(dirfd, bundle, err) < 0)
		goto fail;
	/* made and written before the init exists: it only has to join */
	if (CGROUPS_BUILT && (cgroup_create(s, o->id, &cg, err) < 0 ||
			      (cg && cgroup_to_state(cg, &st, err) < 0)))
		goto fail;
	listen_fd = make_listen_socket(dirfd, err);
	if (listen_fd < 0)
		goto fail;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		tr_fail(err, errno, "socketpair");
		goto fail;
	}

	a.spec = s;
	a.bundle = bundle;
	a.rootfs = rootfs;
	a.sync_fd = sv[1];
	a.lock_fd = dirfd;
	a.listen_fd = listen_fd;
	a.no_pivot = o->no_pivot;
	a.no_new_keyring = o->no_new_keyring;
	a.preserve_fds = preserve;
	a.new_ns = ns_new_flags(s);
	a.state = &st;
	a.cg = cg;
	st.pid = spawn_init(&a, sv[0], err);
	close(sv[1]);
	sv[1] = -1;
	if (st.pid < 0) {
		st.pid = 0;
		goto fail;
	}
	if (drive_setup(o, &a, &st, dirfd, sv[0], err) < 0)
		goto fail;

	st.status = CONTAINER_CREATED;
	if (util_proc_start_time(st.pid, &st.pid_start_time) < 0) {
		tr_fail(err, errno, "container init %d vanished", (int)st.pid);
		goto fail;
	}
	if (state_save(dirfd, &st, err) < 0)
		goto fail;
	if (o->pid_file && state_write_pidfile(o->pid_file, st.pid, err) < 0)
		goto fail;
	*init_pid = st.pid;
	rc = 0;
	goto out;

fail:
	if (st.pid > 0)
		kill_and_reap(st.pid);
	if (CGROUPS_BUILT && cg) {
		struct tr_err ignored;

		cgroup_destroy(cg, &ignored);
	}
	if (o->terminal_master >= 0) {
		close(o->terminal_master);
		((struct create_opts *)o)->terminal_master = -1;
	}
	if (dirfd >= 0) {
		struct tr_err ignored;

		state_remove(o->root, o->id, &ignored);
	}
out:
	if (sv[0] >= 0)
		close(sv[0]);
	if (listen_fd >= 0)
		close(listen_fd);
	if (dirfd >= 0)
		close(dirfd);
	st.id = st.bundle = st.rootfs = NULL;
	state_free(&st);
	spec_free(s);
	free(env_alloc);
	if (CGROUPS_BUILT)
		cgroup_free(cg);
	return rc;
}

/* Parse the copy of config.json saved at create (for hooks after create). */
static int load_saved_spec(int dirfd, struct spec **s, struct tr_err *err)
{
	char *data;
	size_t len;
	int rc;

	if (util_read_file(dirfd, SAVED_CONFIG, &data, &len, 16 << 20, err) < 0)
		return -1;
	rc = spec_parse(data, len, s, err);
	free(data);
	return rc;
}

/* Lock and load; the caller closes *dirfd and frees st. */
static int open_container(const char *root, const char *id, int *dirfd,
			  struct container_state *st, struct tr_err *err)
{
	if (state_id_valid(id, err) < 0)
		return -1;
	*dirfd = state_lock(root, id, 0, err);
	if (*dirfd < 0)
		return -1;
	if (state_load_dir(*dirfd, id, st, err) < 0) {
		close(*dirfd);
		return -1;
	}
	return 0;
}

int container_start(const char *root, const char *id, struct tr_err *err)
{
	struct container_state st = { 0 };
	enum container_status status;
	struct sockaddr_un sa;
	struct sync_msg m;
	struct spec *s = NULL;
	int dirfd, fd = -1, rc = -1;
	ssize_t n;

	if (open_container(root, id, &dirfd, &st, err) < 0)
		return -1;
	status = state_status(&st);
	if (status != CONTAINER_CREATED) {
		tr_failx(err, "cannot start container %s: it is %s, not created", id,
			 state_status_name(status));
		goto out;
	}
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		tr_fail(err, errno, "socket");
		goto out;
	}
	init_socket_addr(dirfd, &sa);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		tr_fail(err, errno, "container %s: connect to its init", id);
		goto out;
	}
	if (sync_send(fd, SYNC_START, 0, NULL, err) < 0)
		goto out;
	/* EOF: the close-on-exec socket closed, the process was executed */
	do
		n = recv(fd, &m, sizeof(m), 0);
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof(m) && m.type == SYNC_ERROR) {
		m.err.msg[sizeof(m.err.msg) - 1] = 0;
		*err = m.err;
		goto out;
	}
	if (n != 0) {
		tr_fail(err, n < 0 ? errno : EPROTO, "container %s: start", id);
		goto out;
	}
	unlinkat(dirfd, INIT_SOCKET, 0);
	st.started = true;
	st.status = CONTAINER_RUNNING;
	if (state_save(dirfd, &st, err) < 0)
		goto out;
	rc = 0;
	/* poststart: a failure is a warning, the container keeps running */
	if (load_saved_spec(dirfd, &s, err) == 0 && s->has_hooks &&
	    run_hooks(&s->hooks.poststart, "poststart", &st, err) < 0) {
		char buf[TR_ERR_MSG_MAX + 64];

		log_msg(LOG_WARN, "%s", tr_err_str(err, buf, sizeof(buf)));
	}
out:
	if (fd >= 0)
		close(fd);
	close(dirfd);
	spec_free(s);
	state_free(&st);
	return rc;
}

/* Every process whose pid namespace is the init's (when it has its own). */
static int kill_all_in_pidns(pid_t init, int sig, struct tr_err *err)
{
	char path[64], ns[64], other[64];
	struct dirent *de;
	ssize_t n;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)init);
	n = readlink(path, ns, sizeof(ns) - 1);
	if (n < 0)
		return tr_fail(err, errno, "%s", path);
	ns[n] = 0;
	snprintf(path, sizeof(path), "/proc/self/ns/pid");
	n = readlink(path, other, sizeof(other) - 1);
	if (n >= 0 && (other[n] = 0, !strcmp(ns, other)))
		return tr_failx(err, "kill --all: the container shares the host's pid namespace");
	d = opendir("/proc");
	if (!d)
		return tr_fail(err, errno, "/proc");
	while ((de = readdir(d))) {
		int pid = atoi(de->d_name);

		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/pid", pid);
		n = readlink(path, other, sizeof(other) - 1);
		if (n < 0)
			continue;
		other[n] = 0;
		if (!strcmp(ns, other))
			kill(pid, sig);
	}
	closedir(d);
	return 0;
}

/*
 * kill --all: every process in the container's cgroups, frozen meanwhile so
 * that none can fork behind our back; without cgroups (or a freezer), the
 * container's pid namespace. A SIGKILLed container does not stay paused: a
 * frozen v1 task only dies once thawed.
 */
static int kill_all(const struct container_state *st, int sig, struct tr_err *err)
{
	struct cgroup *cg = NULL;
	struct tr_err ignored;
	pid_t *pids = NULL;
	size_t n = 0;
	int was, rc;

	if (!CGROUPS_BUILT || cgroup_load(st, &cg, &ignored) < 0 || !cg)
		return kill_all_in_pidns(st->pid, sig, err);
	was = cgroup_is_frozen(cg);
	if (was == 0 && cgroup_freeze(cg, 1, &ignored) < 0)
		was = -1;
	rc = cgroup_pids(cg, &pids, &n, err);
	for (size_t i = 0; i < n; i++)
		kill(pids[i], sig);
	if (was == 0 || (was == 1 && sig == SIGKILL))
		cgroup_freeze(cg, 0, &ignored);
	free(pids);
	cgroup_free(cg);
	return rc;
}

int container_kill(const char *root, const char *id, int sig, int all, struct tr_err *err)
{
	struct container_state st = { 0 };
	enum container_status status;
	int dirfd, rc = -1;

	if (open_container(root, id, &dirfd, &st, err) < 0)
		return -1;
	status = state_status(&st);
	if (status != CONTAINER_CREATED && status != CONTAINER_RUNNING &&
	    status != CONTAINER_PAUSED) {
		tr_failx(err, "container %s: container not running", id);
		goto out;
	}
	if (all)
		rc = kill_all(&st, sig, err);
	else if (kill(st.pid, sig) < 0)
		rc = tr_fail(err, errno, "container %s: kill %d", id, (int)st.pid);
	else
		rc = 0;
out:
	close(dirfd);
	state_free(&st);
	return rc;
}

/* Wait until a process that is not our child is gone (at most ~10 s). */
static int wait_gone(const struct container_state *st)
{
	struct timespec nap = { 0, 50000 };
	int i;

	for (i = 0; i < 2000; i++) {
		if (state_status(st) == CONTAINER_STOPPED)
			return 0;
		/* our own child (run, or a failed create) must be reaped */
		waitpid(st->pid, NULL, WNOHANG);
		nanosleep(&nap, NULL);
		if (nap.tv_nsec < 5000000)
			nap.tv_nsec *= 2;
	}
	return -1;
}

int container_delete(const char *root, const char *id, int force, struct tr_err *err)
{
	struct container_state st = { 0 };
	enum container_status status;
	struct spec *s = NULL;
	int dirfd, rc = -1;

	if (open_container(root, id, &dirfd, &st, err) < 0) {
		/* a second delete --force (containerd's shim does that) succeeds */
		if (force && err->errnum == ENOENT)
			return 0;
		return -1;
	}
	status = state_status(&st);
	if (status == CONTAINER_RUNNING || status == CONTAINER_PAUSED) {
		if (!force) {
			tr_failx(err, "cannot delete container %s that is not stopped: %s", id,
				 state_status_name(status));
			goto out;
		}
		{
			/* the rest of the container's processes; none when the
			 * container shares our pid namespace (nothing to find) */
			struct tr_err ignored;

			kill_all(&st, SIGKILL, &ignored);
		}
	}
	/* created and never started: removed too, as runc and crun do */
	if (status != CONTAINER_STOPPED) {
		kill(st.pid, SIGKILL);
		if (wait_gone(&st) < 0) {
			tr_failx(err, "container %s: init %d did not die", id, (int)st.pid);
			goto out;
		}
	}
	if (CGROUPS_BUILT) {
		/* whatever is left in the container's cgroups goes, then the cgroups */
		struct cgroup *cg = NULL;

		rc = cgroup_load(&st, &cg, err);
		if (!rc)
			rc = cgroup_destroy(cg, err);
		cgroup_free(cg);
		if (rc < 0) {
			tr_err_prefix(err, "container %s", id);
			goto out;
		}
		rc = -1;
	}
	load_saved_spec(dirfd, &s, err);
	if (state_remove(root, id, err) < 0)
		goto out;
	rc = 0;
	/* poststop: after the container is gone; a failure is only a warning */
	if (s && s->has_hooks &&
	    run_hooks(&s->hooks.poststop, "poststop", &st, err) < 0) {
		char buf[TR_ERR_MSG_MAX + 64];

		log_msg(LOG_WARN, "%s", tr_err_str(err, buf, sizeof(buf)));
	}
out:
	close(dirfd);
	spec_free(s);
	state_free(&st);
	return rc;
}
