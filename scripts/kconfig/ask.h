/* SPDX-License-Identifier: MIT */
/* Interactive line-oriented questions (ask.c). */
#ifndef TINYRUN_KCONFIG_ASK_H
#define TINYRUN_KCONFIG_ASK_H

#include <stdbool.h>

/* all: every visible symbol (oldaskconfig); else only new ones (oldconfig) */
void ask_config(bool all);

#endif
