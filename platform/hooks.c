/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hooks.h"

/* The state goes through a memfd rather than a pipe: a hook that never
 * reads its stdin cannot block the runtime, and a large state needs no
 * writer loop. */
static int state_memfd(const char *json, struct tr_err *err)
{
	size_t len = strlen(json), off = 0;
	int fd = memfd_create("tinyrun-state", MFD_CLOEXEC);

	if (fd < 0)
		return tr_fail(err, errno, "hooks: memfd_create");
	while (off < len) {
		ssize_t n = write(fd, json + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			return tr_fail(err, errno, "hooks: write state");
		}
		off += (size_t)n;
	}
	return fd;
}

/* Wait for pid, at most timeout seconds (0: no limit); kill it at the limit. */
static int wait_hook(pid_t pid, int timeout, int *status)
{
	struct timespec nap = { 0, 100000 }, start, now;
	pid_t r;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		r = waitpid(pid, status, timeout ? WNOHANG : 0);
		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
		if (!timeout || r < 0)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec >= timeout) {
			/* the hook's own children too: a shell script's sleep
			 * would outlive it, and the failed create */
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, status, 0);
			errno = ETIMEDOUT;
			return -1;
		}
		nanosleep(&nap, NULL);
		if (nap.tv_nsec < 10000000)
			nap.tv_nsec *= 2;
	}
}

static int run_one(const struct spec_hook *h, const char *kind, size_t idx, int statefd,
		   struct tr_err *err)
{
	char *fallback_argv[] = { h->path, NULL };
	char *empty_env[] = { NULL };
	int status;
	pid_t pid;

	if (lseek(statefd, 0, SEEK_SET) < 0)
		return tr_fail(err, errno, "hooks.%s[%zu]: rewind state", kind, idx);
	pid = fork();
	if (pid < 0)
		return tr_fail(err, errno, "hooks.%s[%zu]: fork", kind, idx);
	if (pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		setpgid(0, 0);
		if (dup2(statefd, STDIN_FILENO) < 0)
			_exit(127);
		execve(h->path, h->args.n ? h->args.v : fallback_argv,
		       h->env.n ? h->env.v : empty_env);
		_exit(127);
	}
	setpgid(pid, pid);	/* as the child does: no race with a timeout */
	if (wait_hook(pid, h->has_timeout ? h->timeout : 0, &status) < 0) {
		if (errno == ETIMEDOUT)
			return tr_failx(err, "hooks.%s[%zu] (%s): timed out after %d s", kind,
					idx, h->path, h->timeout);
		return tr_fail(err, errno, "hooks.%s[%zu] (%s): wait", kind, idx, h->path);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && access(h->path, X_OK) < 0)
		return tr_fail(err, errno, "hooks.%s[%zu]: %s", kind, idx, h->path);
	if (WIFSIGNALED(status))
		return tr_failx(err, "hooks.%s[%zu] (%s): killed by signal %d", kind, idx,
				h->path, WTERMSIG(status));
	return tr_failx(err, "hooks.%s[%zu] (%s): exited with status %d", kind, idx, h->path,
			WEXITSTATUS(status));
}

int hooks_run(const spec_hook_list *list, const char *kind, const char *state_json,
	      struct tr_err *err)
{
	size_t i;
	int fd, rc = 0;

	if (!list->n)
		return 0;
	fd = state_memfd(state_json, err);
	if (fd < 0)
		return -1;
	for (i = 0; i < list->n && !rc; i++)
		rc = run_one(&list->v[i], kind, i, fd, err);
	close(fd);
	return rc;
}
