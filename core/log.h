/* SPDX-License-Identifier: MIT */
/*
 * Log lines for the caller of the runtime. Errors and warnings always go to
 * stderr as text; with --log they also go to that file, one line each, as
 * text (`time="..." level=error msg="..."`) or, with --log-format json, as
 * {"level":"error","msg":"...","time":"<RFC 3339>"}: containerd's shim
 * shows the msg of the last error line of that file.
 */
#ifndef TINYRUN_LOG_H
#define TINYRUN_LOG_H

#include "error.h"

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Open the log file (append, created 0644) and set the format. */
int log_setup(const char *path, int json, int debug, struct tr_err *err);

void log_msg(enum log_level level, const char *fmt, ...) TR_PRINTF(2, 3);

/* Format one log line (without newline) into buf; exposed for unit tests. */
int log_format_line(char *buf, unsigned long len, int json, enum log_level level,
		    const char *time, const char *msg);

#endif
