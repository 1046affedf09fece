/* SPDX-License-Identifier: MIT */
/* The commands, one cmd_*.c each; a command that is configured out is absent. */
#ifndef TINYRUN_COMMANDS_H
#define TINYRUN_COMMANDS_H

#include "cli.h"

extern const struct cmd cmd_create;
extern const struct cmd cmd_delete;
extern const struct cmd cmd_events;
extern const struct cmd cmd_exec;
extern const struct cmd cmd_features;
extern const struct cmd cmd_kill;
extern const struct cmd cmd_list;
extern const struct cmd cmd_pause;
extern const struct cmd cmd_ps;
extern const struct cmd cmd_resume;
extern const struct cmd cmd_run;
extern const struct cmd cmd_spec;
extern const struct cmd cmd_start;
extern const struct cmd cmd_state;
extern const struct cmd cmd_update;

#endif
