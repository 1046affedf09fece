/* SPDX-License-Identifier: MIT */
/*
 * Parser: turns logical lines into the menu tree.
 *
 * Statements open an entry (config, menuconfig, choice, menu, comment);
 * attribute lines (type, prompt, default, depends on, select, range,
 * help, ...) apply to the most recent entry. Blocks (menu, choice, if)
 * live on a stack that must be balanced within each file, so an error
 * points at the file that opened the block.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kconfig.h"

struct menu root_menu = { .kind = M_ROOT };

#define MAX_DEPTH 64

static struct {
	struct menu *menu;
} block_stack[MAX_DEPTH];
static int block_depth;
static int file_floor;			/* blocks opened by enclosing files */

static struct menu *current;		/* entry taking attributes */
static struct source_file *src;		/* file being parsed */
static struct logical_line *ll;		/* line being parsed */

static __attribute__((noreturn)) void syntax_error_at(int pos)
{
	if (pos < ll->ntok)
		fatal_at(src->path, ll->line, "syntax error: unexpected '%s'",
			 token_text(&ll->tok[pos]));
	fatal_at(src->path, ll->line, "syntax error: unexpected end of line");
}

static struct menu *block_top(void)
{
	return block_depth ? block_stack[block_depth - 1].menu : &root_menu;
}

static struct menu *menu_add(enum menu_kind kind)
{
	struct menu *m = xcalloc(1, sizeof(*m)), *parent = block_top();

	m->kind = kind;
	m->parent = parent;
	m->file = src->path;
	m->line = ll->line;
	if (parent->last_child)
		parent->last_child->next = m;
	else
		parent->child = m;
	parent->last_child = m;
	return m;
}

static void block_push(struct menu *m)
{
	if (block_depth == MAX_DEPTH)
		fatal_at(src->path, ll->line, "blocks nested too deeply");
	block_stack[block_depth++].menu = m;
}

static const char *kind_keyword(enum menu_kind kind)
{
	switch (kind) {
	case M_MENU: return "menu";
	case M_CHOICE: return "choice";
	case M_IF: return "if";
	default: return "?";
	}
}

static void block_pop(enum menu_kind kind, const char *keyword, int floor)
{
	struct menu *top;

	if (block_depth <= floor)
		fatal_at(src->path, ll->line, "syntax error: '%s' without matching '%s'",
			 keyword, kind_keyword(kind));
	top = block_stack[block_depth - 1].menu;
	if (top->kind != kind)
		fatal_at(src->path, ll->line, "syntax error: '%s' closes '%s' opened at %s:%d",
			 keyword, kind_keyword(top->kind), top->file, top->line);
	block_depth--;
	current = NULL;
}

/* Expect exactly `n` tokens on the line. */
static void expect_ntok(int n)
{
	if (ll->ntok != n)
		syntax_error_at(ll->ntok > n ? n : ll->ntok);
}

static char *string_arg(int pos)
{
	if (pos >= ll->ntok || ll->tok[pos].kind != TK_STRING)
		syntax_error_at(pos);
	return ll->tok[pos].text;
}

/* Optional trailing `if expr`, which must end the line. */
static struct expr *parse_if_suffix(int pos)
{
	struct expr_parser p = { .ll = ll, .pos = pos, .file = src->path };
	struct expr *e;

	if (pos == ll->ntok)
		return NULL;
	if (ll->tok[pos].kind != TK_WORD || strcmp(ll->tok[pos].text, "if"))
		syntax_error_at(pos);
	p.pos++;
	e = expr_parse(&p);
	if (p.pos != ll->ntok)
		syntax_error_at(p.pos);
	return e;
}

/* A whole-line expression starting at pos. */
static struct expr *parse_expr_rest(int pos)
{
	struct expr_parser p = { .ll = ll, .pos = pos, .file = src->path };
	struct expr *e = expr_parse(&p);

	if (p.pos != ll->ntok)
		syntax_error_at(p.pos);
	return e;
}

static struct property *prop_add(struct symbol *sym, enum prop_kind kind)
{
	struct property *p = xcalloc(1, sizeof(*p));

	p->kind = kind;
	p->menu = current;
	p->file = src->path;
	p->line = ll->line;
	*sym->props_tail = p;
	sym->props_tail = &p->next;
	return p;
}

static void need_entry(const char *what, bool want_symbol)
{
	if (!current || (want_symbol && !current->sym))
		fatal_at(src->path, ll->line, "syntax error: '%s' outside of a %s", what,
			 want_symbol ? "config or choice entry" : "config, menu or comment entry");
}

static void set_type(enum sym_type type)
{
	struct symbol *sym = current->sym;

	if (sym->type != T_NONE && sym->type != type)
		fatal_at(src->path, ll->line, "type of %s redefined", sym_display_name(sym));
	sym->type = type;
}

static void add_prompt_from(int pos)
{
	struct property *p = prop_add(current->sym, P_PROMPT);

	p->text = string_arg(pos);
	p->cond = parse_if_suffix(pos + 1);
}

static void add_default_from(int pos)
{
	struct expr_parser p = { .ll = ll, .pos = pos, .file = src->path };
	struct property *prop = prop_add(current->sym, P_DEFAULT);
	const struct token *t = pos < ll->ntok ? &ll->tok[pos] : NULL;

	/* A lone word or string is a value (may be a literal); else a bool expression. */
	if (t && (t->kind == TK_WORD || t->kind == TK_STRING) &&
	    (pos + 1 == ll->ntok || (ll->tok[pos + 1].kind == TK_WORD &&
				     !strcmp(ll->tok[pos + 1].text, "if")))) {
		prop->value = expr_alloc_sym(parse_symbol_token(&p, true));
		/* for a bool, `default FOO` must name a real symbol */
		if (current->sym->type == T_BOOL && !(prop->value->sym->flags & SYM_CONST))
			prop->value->sym->flags |= SYM_BOOLREF;
	} else {
		prop->value = expr_parse(&p);
	}
	prop->cond = parse_if_suffix(p.pos);
}

static const struct {
	const char *word;
	enum sym_type type;
	bool is_def;
} type_words[] = {
	{ "bool", T_BOOL, false }, { "boolean", T_BOOL, false },
	{ "int", T_INT, false }, { "hex", T_HEX, false },
	{ "string", T_STRING, false },
	{ "def_bool", T_BOOL, true }, { "def_int", T_INT, true },
	{ "def_hex", T_HEX, true }, { "def_string", T_STRING, true },
};

static bool parse_type_line(const char *kw)
{
	size_t i;

	for (i = 0; i < sizeof(type_words) / sizeof(type_words[0]); i++) {
		if (strcmp(kw, type_words[i].word))
			continue;
		need_entry(kw, true);
		set_type(type_words[i].type);
		if (type_words[i].is_def)
			add_default_from(1);
		else if (ll->ntok > 1)
			add_prompt_from(1);
		return true;
	}
	return false;
}

/* Letters, digits and '_', and not a literal (y, n, m or a number). */
static bool valid_symbol_name(const char *name)
{
	const char *p;
	bool has_alpha = false;

	for (p = name; *p; p++) {
		if (!isalnum((unsigned char)*p) && *p != '_')
			return false;
		if (!isdigit((unsigned char)*p))
			has_alpha = true;
	}
	return has_alpha && strcmp(name, "y") && strcmp(name, "n") && strcmp(name, "m");
}

static void parse_config(bool is_menuconfig)
{
	struct symbol *sym;
	struct menu *parent = block_top();

	expect_ntok(2);
	if (ll->tok[1].kind != TK_WORD)
		syntax_error_at(1);
	if (!valid_symbol_name(ll->tok[1].text))
		fatal_at(src->path, ll->line, "'%s' cannot be a symbol name", ll->tok[1].text);
	sym = sym_lookup(ll->tok[1].text, true);
	current = menu_add(M_CONFIG);
	current->sym = sym;
	(void)is_menuconfig;	/* only changes how menuconfig shows it */
	if (!(sym->flags & SYM_DEFINED)) {
		sym->entries = current;
	} else {
		struct menu *m = sym->entries;

		while (m->sym_next)
			m = m->sym_next;
		m->sym_next = current;
	}
	sym->flags |= SYM_DEFINED;
	if (parent->kind == M_CHOICE && !sym->choice) {
		struct symbol *ch = parent->sym;

		sym->choice = ch;
		ch->members = xrealloc(ch->members, (size_t)(ch->nmembers + 1) * sizeof(*ch->members));
		ch->members[ch->nmembers++] = sym;
	}
}

static void parse_file(const char *path, const char *from_file, int from_line);

static void parse_statement(void)
{
	const char *kw;

	if (ll->tok[0].kind != TK_WORD)
		syntax_error_at(0);
	kw = ll->tok[0].text;

	if (!strcmp(kw, "config") || !strcmp(kw, "menuconfig")) {
		parse_config(kw[0] == 'm');
	} else if (!strcmp(kw, "choice")) {
		struct symbol *ch = sym_new_choice();

		if (ll->ntok == 2 && ll->tok[1].kind == TK_WORD)
			ch->name = xstrdup(ll->tok[1].text);
		else
			expect_ntok(1);
		current = menu_add(M_CHOICE);
		current->sym = ch;
		ch->entries = current;
		block_push(current);
	} else if (!strcmp(kw, "endchoice")) {
		expect_ntok(1);
		block_pop(M_CHOICE, kw, file_floor);
	} else if (!strcmp(kw, "menu")) {
		expect_ntok(2);
		current = menu_add(M_MENU);
		current->prompt = string_arg(1);
		block_push(current);
	} else if (!strcmp(kw, "endmenu")) {
		expect_ntok(1);
		block_pop(M_MENU, kw, file_floor);
	} else if (!strcmp(kw, "if")) {
		struct menu *m = menu_add(M_IF);

		m->dep = parse_expr_rest(1);
		block_push(m);
		current = NULL;
	} else if (!strcmp(kw, "endif")) {
		expect_ntok(1);
		block_pop(M_IF, kw, file_floor);
	} else if (!strcmp(kw, "comment")) {
		expect_ntok(2);
		current = menu_add(M_COMMENT);
		current->prompt = string_arg(1);
	} else if (!strcmp(kw, "mainmenu")) {
		expect_ntok(2);
		root_menu.prompt = string_arg(1);
		current = NULL;
	} else if (!strcmp(kw, "source")) {
		struct logical_line *saved_ll = ll;
		struct source_file *saved_src = src;

		expect_ntok(2);
		current = NULL;
		parse_file(string_arg(1), src->path, ll->line);
		ll = saved_ll;
		src = saved_src;
	} else if (parse_type_line(kw)) {
		/* handled */
	} else if (!strcmp(kw, "tristate") || !strcmp(kw, "def_tristate") ||
		   !strcmp(kw, "modules")) {
		fatal_at(src->path, ll->line, "tristate is not supported (tinyrun has no modules)");
	} else if (!strcmp(kw, "prompt")) {
		need_entry(kw, true);
		add_prompt_from(1);
	} else if (!strcmp(kw, "default")) {
		need_entry(kw, true);
		add_default_from(1);
	} else if (!strcmp(kw, "depends")) {
		if (ll->ntok < 2 || ll->tok[1].kind != TK_WORD || strcmp(ll->tok[1].text, "on"))
			syntax_error_at(1);
		need_entry("depends on", false);
		current->dep = expr_and(current->dep, parse_expr_rest(2));
	} else if (!strcmp(kw, "visible")) {
		if (ll->ntok < 2 || ll->tok[1].kind != TK_WORD || strcmp(ll->tok[1].text, "if"))
			syntax_error_at(1);
		if (!current || current->kind != M_MENU)
			fatal_at(src->path, ll->line, "syntax error: 'visible if' outside of a menu");
		current->visible_if = expr_and(current->visible_if, parse_expr_rest(2));
	} else if (!strcmp(kw, "select")) {
		struct expr_parser p = { .ll = ll, .pos = 1, .file = src->path };
		struct reverse_dep *rd = xcalloc(1, sizeof(*rd));
		struct symbol *target;

		need_entry(kw, true);
		if (current->kind != M_CONFIG)
			fatal_at(src->path, ll->line, "syntax error: 'select' in a choice");
		target = parse_symbol_token(&p, false);
		if (target->flags & SYM_CONST)
			syntax_error_at(1);
		rd->from = current->sym;
		rd->cond = parse_if_suffix(p.pos);
		rd->file = src->path;
		rd->line = ll->line;
		rd->next = target->selected_by;
		target->selected_by = rd;
	} else if (!strcmp(kw, "range")) {
		struct expr_parser p = { .ll = ll, .pos = 1, .file = src->path };
		struct property *prop;

		need_entry(kw, true);
		prop = prop_add(current->sym, P_RANGE);
		prop->min = parse_symbol_token(&p, true);
		prop->max = parse_symbol_token(&p, true);
		prop->cond = parse_if_suffix(p.pos);
	} else if (!strcmp(kw, "help") || !strcmp(kw, "---help---")) {
		expect_ntok(1);
		need_entry(kw, false);
		current->help = source_read_help(src);
	} else if (!strcmp(kw, "optional")) {
		expect_ntok(1);
		if (!current || current->kind != M_CHOICE)
			fatal_at(src->path, ll->line, "syntax error: 'optional' outside of a choice");
		current->sym->flags |= SYM_OPTIONAL;
	} else if (!strcmp(kw, "option")) {
		warn_at(src->path, ll->line, "'option' is not supported, line ignored");
	} else if (!strcmp(kw, "imply")) {
		fatal_at(src->path, ll->line, "'imply' is not supported");
	} else {
		syntax_error_at(0);
	}
}

static void parse_file(const char *path, const char *from_file, int from_line)
{
	struct source_file *f = source_open(path);
	struct logical_line line;
	int floor = block_depth, saved_floor = file_floor;

	if (!f) {
		if (from_file)
			fatal_at(from_file, from_line, "can't open sourced file '%s'", path);
		fatal("can't open '%s'", path);
	}
	src = f;
	file_floor = floor;
	current = NULL;
	while (source_next(f, &line)) {
		ll = &line;
		src = f;
		parse_statement();
	}
	if (block_depth > floor) {
		struct menu *open = block_stack[block_depth - 1].menu;

		fatal_at(open->file, open->line, "syntax error: '%s' is not closed in this file",
			 kind_keyword(open->kind));
	}
	file_floor = saved_floor;
	current = NULL;
}

void parse_kconfig(const char *path)
{
	parse_file(path, NULL, 0);
	check_kconfig();
}
