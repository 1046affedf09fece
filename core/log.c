/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "autoconf.h"
#include "log.h"
#include "util.h"

static int log_fd = -1;
static int log_json;
static int log_debug;

static const char *const level_names[] = { "error", "warning", "info", "debug" };

int log_setup(const char *path, int json, int debug, struct tr_err *err)
{
	if (json && !CFG_LOG_JSON)
		return tr_failx(err, "--log-format json: tinyrun was built without CONFIG_LOG_JSON");
	log_json = json;
	log_debug = debug;
	if (!path)
		return 0;
	log_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
	if (log_fd < 0)
		return tr_fail(err, errno, "--log %s", path);
	return 0;
}

/* JSON string escaping per RFC 8259; control bytes become \u00XX. */
static size_t json_escape(char *out, size_t len, const char *s)
{
	size_t n = 0;

	for (; *s && n + 7 < len; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			out[n++] = '\\';
			out[n++] = (char)c;
		} else if (c == '\n') {
			out[n++] = '\\';
			out[n++] = 'n';
		} else if (c < 0x20) {
			n += (size_t)snprintf(out + n, len - n, "\\u%04x", c);
		} else {
			out[n++] = (char)c;
		}
	}
	out[n] = 0;
	return n;
}

int log_format_line(char *buf, unsigned long len, int json, enum log_level level,
		    const char *time, const char *msg)
{
	char esc[2 * TR_ERR_MSG_MAX + 64];

	json_escape(esc, sizeof(esc), msg);
	if (CFG_LOG_JSON && json)
		return snprintf(buf, len, "{\"level\":\"%s\",\"msg\":\"%s\",\"time\":\"%s\"}",
				level_names[level], esc, time);
	return snprintf(buf, len, "time=\"%s\" level=%s msg=\"%s\"", time, level_names[level], esc);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char msg[2 * TR_ERR_MSG_MAX], line[4 * TR_ERR_MSG_MAX + 128], now[48];
	struct timespec ts;
	va_list ap;
	int n;

	if (level == LOG_DEBUG && !log_debug)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (level <= LOG_WARN || (log_fd < 0 && log_debug))
		dprintf(STDERR_FILENO, "tinyrun: %s%s\n", level == LOG_WARN ? "warning: " : "", msg);
	if (log_fd < 0)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	util_rfc3339(now, sizeof(now), &ts);
	n = log_format_line(line, sizeof(line) - 1, log_json, level, now, msg);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	/* one write per line so concurrent writers with O_APPEND never interleave */
	if (write(log_fd, line, (size_t)n) < 0)
		return;
}
