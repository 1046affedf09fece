/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

static void fill(struct tr_err *err, int errnum, const char *fmt, va_list ap)
{
	err->errnum = errnum;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

int tr_fail(struct tr_err *err, int errnum, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	fill(err, errnum, fmt, ap);
	va_end(ap);
	return -1;
}

int tr_failx(struct tr_err *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	fill(err, 0, fmt, ap);
	va_end(ap);
	return -1;
}

void tr_err_prefix(struct tr_err *err, const char *fmt, ...)
{
	char ctx[TR_ERR_MSG_MAX];
	size_t clen, keep;
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(ctx, sizeof(ctx) - 2, fmt, ap);
	va_end(ap);
	strcat(ctx, ": ");
	clen = strlen(ctx);
	/* the tail of the old message is what gets cut when it no longer fits */
	keep = strnlen(err->msg, sizeof(err->msg) - 1);
	if (clen + keep > sizeof(err->msg) - 1)
		keep = sizeof(err->msg) - 1 - clen;
	memmove(err->msg + clen, err->msg, keep);
	memcpy(err->msg, ctx, clen);
	err->msg[clen + keep] = 0;
}

const char *tr_err_str(const struct tr_err *err, char *buf, unsigned long len)
{
	if (err->errnum)
		snprintf(buf, len, "%s: %s", err->msg, strerror(err->errnum));
	else
		snprintf(buf, len, "%s", err->msg);
	return buf;
}
