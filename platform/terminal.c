/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "pathres.h"
#include "terminal.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

/* Open the slave of master: by fd where the kernel can (4.13+), else by
 * its number under the container's devpts, resolved inside the rootfs. */
static int open_slave(int rootfd, int master, struct tr_err *err)
{
	char path[64];
	unsigned n;
	int fd, slave;

	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave >= 0)
		return slave;
	if (ioctl(master, TIOCGPTN, &n) < 0)
		return tr_fail(err, errno, "process.terminal: TIOCGPTN");
	snprintf(path, sizeof(path), "/dev/pts/%u", n);
	fd = pathres_open(rootfd, path, 0, 0, err);
	if (fd < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	slave = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	close(fd);
	if (slave < 0)
		return tr_fail(err, errno, "process.terminal: open /dev/pts/%u", n);
	return slave;
}

static int bind_console(int rootfd, int slave, struct tr_err *err)
{
	char src[32], dst[32];
	int fd = pathres_open(rootfd, "/dev/console", PATHRES_MKFILE, 0666, err);
	int rc = 0;

	if (fd < 0)
		return -1;
	snprintf(src, sizeof(src), "/proc/self/fd/%d", slave);
	snprintf(dst, sizeof(dst), "/proc/self/fd/%d", fd);
	if (mount(src, dst, NULL, MS_BIND, NULL) < 0)
		rc = tr_fail(err, errno, "process.terminal: bind /dev/console");
	close(fd);
	return rc;
}

int terminal_setup(const struct spec *s, const char *rootfs, struct tr_err *err)
{
	int rootfd, ptmx = -1, master = -1, slave = -1, unlock = 0;
	char path[32];

	/* NULL: exec, already chrooted into the container's root */
	rootfd = open(rootfs ? rootfs : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return tr_fail(err, errno, "root.path %s", rootfs ? rootfs : "/");
	/* the container's devpts (newinstance), never the host's */
	ptmx = pathres_open(rootfd, "/dev/pts/ptmx", 0, 0, err);
	if (ptmx < 0) {
		tr_err_prefix(err, "process.terminal: needs a devpts mount on /dev/pts");
		goto fail;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", ptmx);
	master = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0) {
		tr_fail(err, errno, "process.terminal: open /dev/pts/ptmx");
		goto fail;
	}
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0) {
		tr_fail(err, errno, "process.terminal: unlock pty");
		goto fail;
	}
	slave = open_slave(rootfd, master, err);
	if (slave < 0)
		goto fail;
	if (s->process.has_console_size) {
		struct winsize ws = { .ws_row = (unsigned short)s->process.console_size.height,
				      .ws_col = (unsigned short)s->process.console_size.width };

		ioctl(slave, TIOCSWINSZ, &ws);
	}
	/* only the init's terminal is the container's console */
	if (rootfs && bind_console(rootfd, slave, err) < 0)
		goto fail;
	/* a session of its own with the pty as controlling terminal: job
	 * control and ^C reach the container's process group */
	if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0) {
		tr_fail(err, errno, "process.terminal: make it the controlling terminal");
		goto fail;
	}
	if (dup2(slave, 0) < 0 || dup2(slave, 1) < 0 || dup2(slave, 2) < 0) {
		tr_fail(err, errno, "process.terminal: dup2");
		goto fail;
	}
	close(slave);
	close(ptmx);
	close(rootfd);
	return master;
fail:
	if (slave >= 0)
		close(slave);
	if (master >= 0)
		close(master);
	if (ptmx >= 0)
		close(ptmx);
	close(rootfd);
	return -1;
}

int terminal_send_fd(int sock, int fd, const char *payload, struct tr_err *err)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = (void *)payload, .iov_len = strlen(payload) + 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c;

	memset(&u, 0, sizeof(u));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	while (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0) {
		if (errno != EINTR)
			return tr_fail(err, errno, "send terminal");
	}
	return 0;
}

int terminal_recv_fd(int sock, char *payload, size_t len, struct tr_err *err)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = payload, .iov_len = len - 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c;
	ssize_t n;
	int fd;

	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return tr_fail(err, errno, "receive terminal");
	payload[n > 0 ? (size_t)n < len ? (size_t)n : len - 1 : 0] = 0;
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int)))
		return tr_failx(err, "receive terminal: no fd in the message");
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

int terminal_to_console_socket(const char *path, int master, const char *name,
			       struct tr_err *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, rc;

	if (strlen(path) >= sizeof(sa.sun_path))
		return tr_failx(err, "--console-socket %s: path too long", path);
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return tr_fail(err, errno, "--console-socket: socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		rc = tr_fail(err, errno, "--console-socket %s", path);
	} else {
		rc = terminal_send_fd(fd, master, name, err);
		if (rc < 0)
			tr_err_prefix(err, "--console-socket %s", path);
	}
	close(fd);
	return rc;
}

int terminal_raw_start(struct termios *saved)
{
	struct termios raw;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, saved) < 0)
		return 0;
	raw = *saved;
	cfmakeraw(&raw);
	return tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
}

void terminal_raw_end(const struct termios *saved)
{
	tcsetattr(STDIN_FILENO, TCSANOW, saved);
}

void terminal_resize(int master)
{
	struct winsize ws;

	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		ioctl(master, TIOCSWINSZ, &ws);
}

int terminal_copy(int from, int to)
{
	char buf[4096];
	ssize_t n, off = 0;

	do
		n = read(from, buf, sizeof(buf));
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return (int)n;
	while (off < n) {
		ssize_t w = write(to, buf + off, (size_t)(n - off));

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		off += w;
	}
	return (int)n;
}
