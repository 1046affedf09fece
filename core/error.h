/* SPDX-License-Identifier: MIT */
/*
 * One error convention for all of tinyrun (see ../shared/design/architecture.md):
 * a function that can fail returns <0 and fills a struct tr_err with the errno
 * (0 when the failure is not a system error) and a message that names what was
 * wrong: the JSON path, the file, the argument. Callers may prefix context.
 * Only main() and the container child's exit path ever print an error.
 */
#ifndef TINYRUN_ERROR_H
#define TINYRUN_ERROR_H

#include <stdarg.h>

#define TR_ERR_MSG_MAX 512

struct tr_err {
	int errnum;                 /* errno of the failing call, 0 if none */
	char msg[TR_ERR_MSG_MAX];   /* "process.args: expected array of strings" */
};

#if defined(__GNUC__)
#define TR_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define TR_PRINTF(a, b)
#endif

/* Fill err with errnum and a formatted message; always returns -1.
 * err may be NULL (the message is then dropped, the return value kept). */
int tr_fail(struct tr_err *err, int errnum, const char *fmt, ...) TR_PRINTF(3, 4);

/* Same as tr_fail with errnum 0: a failure that no system call reported. */
int tr_failx(struct tr_err *err, const char *fmt, ...) TR_PRINTF(2, 3);

/* Prepend "context: " to the message already in err (keeps errnum). */
void tr_err_prefix(struct tr_err *err, const char *fmt, ...) TR_PRINTF(2, 3);

/* Render "msg: strerror(errnum)" (or just msg) into buf; returns buf. */
const char *tr_err_str(const struct tr_err *err, char *buf, unsigned long len);

#endif
