/* tests/bench/benchtime.c: time one command, or a sequence of commands, for tests/bench/run.sh.
 *
 * usage: benchtime [-p PAUSE_MS] [-l LOG] CMD [ARG...] [:: CMD [ARG...]]...
 *
 * Sleeps PAUSE_MS first (outside the measurement), then runs the commands one after another, each
 * with stdin from /dev/null and stdout and stderr appended to LOG (default /dev/null), and prints
 *
 *     wall_us cpu_us user_us sys_us maxrss_kib
 *
 * wall_us: CLOCK_MONOTONIC from the first fork to the exit of the last command.
 * cpu_us:  user + system time of every descendant reaped (getrusage RUSAGE_CHILDREN, before/after).
 * maxrss_kib: ru_maxrss of the children, i.e. the largest resident set of any single reaped
 *          descendant (a process's high-water mark survives its execs).
 *
 * benchtime is a child subreaper: processes that a runtime leaves behind (a container started by
 * `start`, a double-forked helper) are reparented to it and reaped before the rusage is read, so
 * their CPU time counts too; wall time stops at the last command's exit all the same. Any command
 * that fails, or a descendant still running 10 s after the last command, is an error: message on
 * stderr, exit status 1. The program is intentionally tiny so that its own cost stays out of the
 * figures: it does its work before the first fork and after the last wait.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t timed_out;

static void on_alarm(int sig)
{
	(void)sig;
	timed_out = 1;
}

static long long tv_us(struct timeval tv)
{
	return (long long)tv.tv_sec * 1000000 + tv.tv_usec;
}

static long long now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void usage(void)
{
	fprintf(stderr, "usage: benchtime [-p PAUSE_MS] [-l LOG] CMD [ARG...] [:: CMD [ARG...]]...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *log = "/dev/null";
	long pause_ms = 0;
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-p") == 0 && i + 1 < argc)
			pause_ms = strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "-l") == 0 && i + 1 < argc)
			log = argv[++i];
		else if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else
			usage();
	}
	if (i >= argc)
		usage();

	int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int out = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (in < 0 || out < 0) {
		fprintf(stderr, "benchtime: open %s: %s\n", in < 0 ? "/dev/null" : log, strerror(errno));
		return 1;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
		fprintf(stderr, "benchtime: PR_SET_CHILD_SUBREAPER: %s\n", strerror(errno));
		return 1;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm; /* no SA_RESTART: waitpid returns EINTR */
	sigaction(SIGALRM, &sa, NULL);

	if (pause_ms > 0) {
		struct timespec ts = { pause_ms / 1000, (pause_ms % 1000) * 1000000L };
		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
	}

	struct rusage r0, r1;
	getrusage(RUSAGE_CHILDREN, &r0);
	long long t0 = now_us();
	int failed = 0;

	while (i < argc && !failed) {
		int end = i;
		while (end < argc && strcmp(argv[end], "::") != 0)
			end++;
		argv[end < argc ? end : argc] = NULL; /* argv[argc] is NULL already */
		pid_t pid = fork();
		if (pid < 0) {
			fprintf(stderr, "benchtime: fork: %s\n", strerror(errno));
			return 1;
		}
		if (pid == 0) {
			dup2(in, 0);
			dup2(out, 1);
			dup2(out, 2);
			execvp(argv[i], argv + i);
			dprintf(out, "benchtime: exec %s: %s\n", argv[i], strerror(errno));
			_exit(127);
		}
		int st;
		while (waitpid(pid, &st, 0) < 0) {
			if (errno != EINTR) {
				fprintf(stderr, "benchtime: waitpid: %s\n", strerror(errno));
				return 1;
			}
		}
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			if (WIFEXITED(st))
				fprintf(stderr, "benchtime: '%s' exited with status %d\n", argv[i], WEXITSTATUS(st));
			else
				fprintf(stderr, "benchtime: '%s' killed by signal %d\n", argv[i], WTERMSIG(st));
			failed = 1;
		}
		i = end + 1;
	}
	long long t1 = now_us();

	/* reap what was left to us (orphaned container processes, helpers) */
	alarm(10);
	for (;;) {
		int st;
		if (waitpid(-1, &st, 0) >= 0)
			continue;
		if (errno == ECHILD)
			break;
		if (errno == EINTR && timed_out) {
			fprintf(stderr, "benchtime: a descendant is still running 10 s after the last command\n");
			return 1;
		}
	}
	alarm(0);
	if (failed)
		return 1;

	getrusage(RUSAGE_CHILDREN, &r1);
	long long user = tv_us(r1.ru_utime) - tv_us(r0.ru_utime);
	long long sys = tv_us(r1.ru_stime) - tv_us(r0.ru_stime);
	printf("%lld %lld %lld %lld %ld\n", t1 - t0, user + sys, user, sys, r1.ru_maxrss);
	return 0;
}
