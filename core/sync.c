/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sync.h"

int sync_send(int fd, int type, int pid, const struct tr_err *e, struct tr_err *err)
{
	struct sync_msg m;

	memset(&m, 0, sizeof(m));
	m.type = type;
	m.pid = pid;
	if (e)
		m.err = *e;
	for (;;) {
		if (send(fd, &m, sizeof(m), MSG_NOSIGNAL) == (ssize_t)sizeof(m))
			return 0;
		if (errno != EINTR)
			return tr_fail(err, errno, "sync: send");
	}
}

int sync_recv(int fd, struct sync_msg *m, const char *peer, struct tr_err *err)
{
	ssize_t n;

	do
		n = recv(fd, m, sizeof(*m), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return tr_fail(err, errno, "sync: receive from %s", peer);
	if (n == 0)
		return tr_failx(err, "%s exited during setup", peer);
	if (n != (ssize_t)sizeof(*m))
		return tr_failx(err, "sync: short message from %s", peer);
	m->err.msg[sizeof(m->err.msg) - 1] = 0;
	return 0;
}

int sync_expect(int fd, int want, const char *peer, struct sync_msg *m, struct tr_err *err)
{
	if (sync_recv(fd, m, peer, err) < 0)
		return -1;
	if (m->type == SYNC_ERROR) {
		if (err)
			*err = m->err;
		return -1;
	}
	if (m->type != want)
		return tr_failx(err, "sync: unexpected message %d from %s (wanted %d)",
				m->type, peer, want);
	return 0;
}
