/* SPDX-License-Identifier: MIT */
/*
 * Line-oriented questions for --oldconfig (new symbols only) and
 * --oldaskconfig (everything: `make config`).
 *
 * Input may be a pipe: `yes '' | conf --oldconfig` (Yocto does this) must
 * take every default, and EOF must do the same rather than loop. When
 * stdin is not a terminal the answer is echoed so the transcript reads
 * like a session.
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "kconfig.h"
#include "ask.h"

static bool input_eof;

/* One answer line without its newline, or NULL at end of input. */
static char *read_answer(void)
{
	static char *line;
	static size_t cap;
	ssize_t n;
	char *p;

	fflush(stdout);
	if (input_eof || (n = getline(&line, &cap, stdin)) < 0) {
		input_eof = true;
		putchar('\n');
		return NULL;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	if (!isatty(STDIN_FILENO))
		printf("%s\n", line);
	for (p = line; isspace((unsigned char)*p); p++)
		;
	return p;
}

static const char *entry_help(const struct symbol *sym)
{
	const struct menu *m;

	for (m = sym->entries; m; m = m->sym_next)
		if (m->help)
			return m->help;
	return NULL;
}

static void print_help(const struct symbol *sym)
{
	const char *help = entry_help(sym);

	if (sym->name && !(sym->flags & SYM_CHOICE))
		printf("\n%s%s:\n", config_prefix(), sym->name);
	printf("\n%s\n", help && *help ? help : "There is no help available for this option.\n");
}

static void ask_bool(struct symbol *sym, const char *prompt, bool is_new)
{
	for (;;) {
		bool cur = sym_is_y(sym);
		char *a;

		printf("%s (%s) [%s/?] %s", prompt, sym->name, cur ? "Y/n" : "N/y",
		       is_new ? "(NEW) " : "");
		a = read_answer();
		if (!a || !*a) {
			sym_set_user(sym, cur ? "y" : "n", "<answer>", 0);
			return;
		}
		if (!strcasecmp(a, "y") || !strcasecmp(a, "yes")) {
			sym_set_user(sym, "y", "<answer>", 0);
			return;
		}
		if (!strcasecmp(a, "n") || !strcasecmp(a, "no")) {
			sym_set_user(sym, "n", "<answer>", 0);
			return;
		}
		if (*a == '?')
			print_help(sym);
	}
}

static void ask_value(struct symbol *sym, const char *prompt, bool is_new)
{
	long long lo, hi;

	for (;;) {
		char *cur = xstrdup(sym_value(sym)), *a;

		printf("%s (%s) [%s] ", prompt, sym->name, cur);
		if (sym_active_range(sym, &lo, &hi))
			printf(sym->type == T_HEX ? "(0x%llx-0x%llx) " : "(%lld-%lld) ", lo, hi);
		printf("%s", is_new ? "(NEW) " : "");
		a = read_answer();
		if (!a || !*a) {
			sym_set_user(sym, cur, "<answer>", 0);
			free(cur);
			return;
		}
		free(cur);
		if (*a == '?' && sym->type != T_STRING) {
			print_help(sym);
			continue;
		}
		if (!sym_value_valid(sym, a)) {
			printf("'%s' is not a valid %s\n", a, sym->type == T_INT ? "int" : "hex");
			continue;
		}
		if (!sym_in_range(sym, a)) {
			printf("'%s' is out of range\n", a);
			continue;
		}
		sym_set_user(sym, a, "<answer>", 0);
		return;
	}
}

static void ask_choice(struct symbol *ch, bool is_new)
{
	const char *title = "Choice";

	sym_prompt_text(ch, &title);
	for (;;) {
		struct symbol *sel = choice_selection(ch), *visible[256];
		int n = 0, i, pick = 0;
		char *a, *end;
		long num;

		printf("%s\n", title);
		for (i = 0; i < ch->nmembers && n < 256; i++) {
			struct symbol *m = ch->members[i];
			const char *text = m->name;

			if (!sym_visible(m))
				continue;
			sym_prompt_text(m, &text);
			visible[n++] = m;
			if (m == sel)
				pick = n;
			printf("%c %d. %s (%s)%s\n", m == sel ? '>' : ' ', n, text, m->name,
			       is_new ? " (NEW)" : "");
		}
		if (!n)
			return;
		printf("choice[1-%d%s?]: ", n, ch->flags & SYM_OPTIONAL ? ",0" : "");
		a = read_answer();
		if (a && *a == '?') {
			if (entry_help(ch))
				print_help(ch);
			for (i = 0; i < n; i++)
				print_help(visible[i]);
			continue;
		}
		if (a && *a) {
			num = strtol(a, &end, 10);
			if (*end || num < 0 || num > n || (num == 0 && !(ch->flags & SYM_OPTIONAL)))
				continue;
			pick = (int)num;
		}
		ch->user_choice = pick ? visible[pick - 1] : NULL;
		ch->user_choice_set = true;
		sym_invalidate_all();
		return;
	}
}

static void print_header(const char *text)
{
	printf("*\n* %s\n*\n", text);
}

static void ask_walk(const struct menu *parent, bool all)
{
	const struct menu *m;

	for (m = parent->child; m; m = m->next) {
		struct symbol *sym = m->sym;
		const char *prompt;

		switch (m->kind) {
		case M_MENU:
			if (!menu_visible(m))
				continue;
			if (all)
				print_header(m->prompt);
			ask_walk(m, all);
			break;
		case M_COMMENT:
			if (all && menu_visible(m))
				print_header(m->prompt);
			break;
		case M_IF:
			ask_walk(m, all);
			break;
		case M_CHOICE:
			if (sym->out_mark || !sym_visible(sym))
				continue;
			sym->out_mark = 1;
			if (all || !sym->user_choice_set)
				ask_choice(sym, !sym->user_choice_set);
			break;
		case M_CONFIG:
			if (sym->choice || sym->out_mark || !sym_visible(sym))
				continue;
			if (!all && sym->has_user)
				continue;
			/* forced on by select: nothing to choose */
			if (sym->type == T_BOOL && sym_is_selected(sym))
				continue;
			sym->out_mark = 1;
			if (!sym_prompt_text(sym, &prompt))
				continue;
			if (sym->type == T_BOOL)
				ask_bool(sym, prompt, !sym->has_user);
			else
				ask_value(sym, prompt, !sym->has_user);
			ask_walk(m, all);
			break;
		default:
			break;
		}
	}
}

void ask_config(bool all)
{
	struct symbol *sym;

	for (sym = all_symbols; sym; sym = sym->all_next)
		sym->out_mark = 0;
	if (all && root_menu.prompt)
		print_header(root_menu.prompt);
	ask_walk(&root_menu, all);
}
