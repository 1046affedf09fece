/* SPDX-License-Identifier: MIT */
/* Log lines as containerd's shim and conmon parse them. */
#include "autoconf.h"
#include "log.h"
#include "unit.h"

static void json_line(void)
{
	char buf[512];

	if (!CFG_LOG_JSON)
		return;
	log_format_line(buf, sizeof(buf), 1, LOG_ERROR, "2026-11-29T12:00:00.5Z",
			"container \"x\" does not exist\n\ttab\x01");
	CHECK_STR(buf, "{\"level\":\"error\",\"msg\":\"container \\\"x\\\" does not exist\\n"
		  "\\u0009tab\\u0001\",\"time\":\"2026-11-29T12:00:00.5Z\"}");
	log_format_line(buf, sizeof(buf), 1, LOG_WARN, "t", "back\\slash");
	CHECK_STR(buf, "{\"level\":\"warning\",\"msg\":\"back\\\\slash\",\"time\":\"t\"}");
}

static void text_line(void)
{
	char buf[256];

	log_format_line(buf, sizeof(buf), 0, LOG_INFO, "t", "say \"hi\"");
	CHECK_STR(buf, "time=\"t\" level=info msg=\"say \\\"hi\\\"\"");
}

static void json_refused_when_built_out(void)
{
	struct tr_err err = { 0 };

	if (CFG_LOG_JSON)
		return;
	CHECK_INT(log_setup(NULL, 1, 0, &err), -1);
	CHECK_CONTAINS(err.msg, "CONFIG_LOG_JSON");
}

UNIT_SUITE(log,
	{ "json_line", json_line },
	{ "text_line", text_line },
	{ "json_refused_when_built_out", json_refused_when_built_out });
