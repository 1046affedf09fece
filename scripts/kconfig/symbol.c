/* SPDX-License-Identifier: MIT */
/*
 * Symbols and their values.
 *
 * A value is computed on demand from the symbol's properties and cached
 * until the next sym_invalidate_all(). The rules follow the kernel's:
 *  - a bool with a visible prompt takes the user value if there is one;
 *  - otherwise the first default whose entry dependencies and `if` hold;
 *  - `select` forces y, even past the target's own dependencies;
 *  - int/hex values are clamped into an active `range`;
 *  - a choice member is y when its choice is visible and picks it.
 * check_kconfig() rejects dependency loops up front, so the recursion in
 * here always terminates.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kconfig.h"

#define HASH_SIZE 512

static struct symbol *hash_table[HASH_SIZE];
static struct symbol **all_tail = &all_symbols;
struct symbol *all_symbols;
unsigned sym_generation = 1;

static unsigned hash_name(const char *s)
{
	unsigned h = 5381;

	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h % HASH_SIZE;
}

/*
 * Computed values are interned and never freed: callers may hold a value
 * across a recalculation (compare the value with and without a user
 * setting, say) and the set of distinct values is small.
 */
struct interned {
	struct interned *next;
	char text[];
};

static const char *intern(const char *s)
{
	static struct interned *table[HASH_SIZE];
	unsigned h = hash_name(s);
	struct interned *i;
	size_t n = strlen(s);

	for (i = table[h]; i; i = i->next)
		if (!strcmp(i->text, s))
			return i->text;
	i = xmalloc(sizeof(*i) + n + 1);
	memcpy(i->text, s, n + 1);
	i->next = table[h];
	table[h] = i;
	return i->text;
}

static struct symbol *sym_alloc(const char *name)
{
	struct symbol *sym = xcalloc(1, sizeof(*sym));

	sym->name = name ? xstrdup(name) : NULL;
	sym->props_tail = &sym->props;
	return sym;
}

struct symbol *sym_lookup(const char *name, bool create)
{
	unsigned h = hash_name(name);
	struct symbol *sym;

	for (sym = hash_table[h]; sym; sym = sym->hash_next)
		if (!strcmp(sym->name, name))
			return sym;
	if (!create)
		return NULL;
	sym = sym_alloc(name);
	sym->hash_next = hash_table[h];
	hash_table[h] = sym;
	*all_tail = sym;
	all_tail = &sym->all_next;
	return sym;
}

/* Literals are not interned: they are never looked up by name. */
struct symbol *sym_const(const char *text)
{
	struct symbol *sym = sym_alloc(text);

	sym->flags = SYM_CONST;
	return sym;
}

struct symbol *sym_new_choice(void)
{
	struct symbol *sym = sym_alloc(NULL);

	sym->flags = SYM_CHOICE;
	sym->type = T_BOOL;
	*all_tail = sym;
	all_tail = &sym->all_next;
	return sym;
}

const char *sym_display_name(const struct symbol *sym)
{
	return sym->name ? sym->name : "<choice>";
}

void sym_invalidate_all(void)
{
	sym_generation++;
}

bool menu_deps_met(const struct menu *m)
{
	for (; m; m = m->parent)
		if (m->dep && !expr_eval(m->dep))
			return false;
	return true;
}

/* `visible if` of the enclosing menus hides prompts but keeps values. */
static bool menu_prompts_shown(const struct menu *m)
{
	for (; m; m = m->parent)
		if (m->visible_if && !expr_eval(m->visible_if))
			return false;
	return true;
}

bool menu_visible(const struct menu *m)
{
	return menu_deps_met(m) && menu_prompts_shown(m);
}

static bool prop_active(const struct property *p)
{
	if (!menu_deps_met(p->menu))
		return false;
	if (p->kind == P_PROMPT && !menu_prompts_shown(p->menu))
		return false;
	return expr_eval(p->cond);
}

bool sym_deps_met(struct symbol *sym)
{
	const struct menu *m;

	for (m = sym->entries; m; m = m->sym_next)
		if (menu_deps_met(m))
			return true;
	return false;
}

static bool has_prompt(const struct symbol *sym)
{
	const struct property *p;

	for (p = sym->props; p; p = p->next)
		if (p->kind == P_PROMPT)
			return true;
	return false;
}

bool sym_prompt_text(struct symbol *sym, const char **text)
{
	const struct property *p;

	for (p = sym->props; p; p = p->next) {
		if (p->kind == P_PROMPT && prop_active(p)) {
			*text = p->text;
			return true;
		}
	}
	return false;
}

bool sym_visible(struct symbol *sym)
{
	const char *text;

	if (sym->choice && !sym_visible(sym->choice))
		return false;
	/* a choice without a prompt still works; it just cannot be asked */
	if ((sym->flags & SYM_CHOICE) && !has_prompt(sym))
		return sym_deps_met(sym);
	return sym_prompt_text(sym, &text);
}

bool sym_is_selected(struct symbol *sym)
{
	const struct reverse_dep *rd;

	for (rd = sym->selected_by; rd; rd = rd->next)
		if (sym_is_y(rd->from) && expr_eval(rd->cond))
			return true;
	return false;
}

static const struct property *first_active(struct symbol *sym, enum prop_kind kind)
{
	const struct property *p;

	for (p = sym->props; p; p = p->next)
		if (p->kind == kind && prop_active(p))
			return p;
	return NULL;
}

/* The string a symbol stands for when used as a value (default, range). */
static const char *operand_value(struct symbol *sym)
{
	if (sym->flags & SYM_CONST)
		return sym->name;
	if (!(sym->flags & SYM_DEFINED))
		return "";
	return sym_value(sym);
}

static const char *default_prop_value(struct symbol *sym, const struct property *p)
{
	const struct expr *v = p->value;

	if (sym->type == T_BOOL)
		return expr_eval(v) ? "y" : "n";
	if (v->op == E_SYM)
		return operand_value(v->sym);
	return expr_eval(v) ? "y" : "n";
}

long long sym_parse_number(const struct symbol *sym, const char *val)
{
	return strtoll(val, NULL, sym->type == T_HEX ? 16 : 10);
}

bool sym_value_valid(const struct symbol *sym, const char *val)
{
	const char *p = val;

	switch (sym->type) {
	case T_BOOL:
		return !strcmp(val, "y") || !strcmp(val, "n");
	case T_INT:
		if (*p == '-')
			p++;
		if (!*p)
			return false;
		for (; *p; p++)
			if (!isdigit((unsigned char)*p))
				return false;
		errno = 0;
		strtoll(val, NULL, 10);
		return errno == 0;
	case T_HEX:
		if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
			p += 2;
		if (!*p)
			return false;
		for (; *p; p++)
			if (!isxdigit((unsigned char)*p))
				return false;
		errno = 0;
		strtoll(val, NULL, 16);
		return errno == 0;
	default:
		return true;
	}
}

bool sym_active_range(struct symbol *sym, long long *min, long long *max)
{
	const struct property *p;
	const char *lo, *hi;

	if (sym->type != T_INT && sym->type != T_HEX)
		return false;
	p = first_active(sym, P_RANGE);
	if (!p)
		return false;
	lo = operand_value(p->min);
	hi = operand_value(p->max);
	if (!sym_value_valid(sym, lo) || !sym_value_valid(sym, hi))
		return false;
	*min = sym_parse_number(sym, lo);
	*max = sym_parse_number(sym, hi);
	return true;
}

bool sym_in_range(struct symbol *sym, const char *val)
{
	long long lo, hi, v;

	if (!sym_active_range(sym, &lo, &hi))
		return true;
	v = sym_parse_number(sym, val);
	return v >= lo && v <= hi;
}

static const char *format_number(const struct symbol *sym, long long v)
{
	char buf[32];

	if (sym->type == T_HEX)
		snprintf(buf, sizeof(buf), "0x%llx", v);
	else
		snprintf(buf, sizeof(buf), "%lld", v);
	return intern(buf);
}

struct symbol *choice_default(struct symbol *ch)
{
	const struct property *p;
	int i;

	if (ch->flags & SYM_OPTIONAL)
		return NULL;
	for (p = ch->props; p; p = p->next) {
		struct symbol *m;

		if (p->kind != P_DEFAULT || !prop_active(p) || p->value->op != E_SYM)
			continue;
		m = p->value->sym;
		if (m->choice == ch && sym_visible(m))
			return m;
	}
	for (i = 0; i < ch->nmembers; i++)
		if (sym_visible(ch->members[i]))
			return ch->members[i];
	return NULL;
}

struct symbol *choice_selection(struct symbol *ch)
{
	if (!sym_visible(ch))
		return NULL;
	if (ch->user_choice_set) {
		if (ch->user_choice && sym_visible(ch->user_choice))
			return ch->user_choice;
		if (!ch->user_choice && (ch->flags & SYM_OPTIONAL))
			return NULL;
	}
	return choice_default(ch);
}

static const char *calc_bool(struct symbol *sym)
{
	bool selected = sym_is_selected(sym);
	const struct property *dp;
	const char *val = "n";

	if (sym->choice && sym_visible(sym->choice)) {
		struct symbol *sel = choice_selection(sym->choice);

		/* an optional choice left empty writes none of its members */
		sym->write = sel && sym_deps_met(sym);
		return sel == sym ? "y" : "n";
	}
	sym->write = false;
	if (sym_visible(sym)) {
		sym->write = true;
		if (sym->has_user && sym_value_valid(sym, sym->user)) {
			val = sym->user;
			goto out;
		}
	}
	if (selected)
		sym->write = true;
	dp = first_active(sym, P_DEFAULT);
	if (dp) {
		sym->write = true;
		val = default_prop_value(sym, dp);
	}
out:
	if (selected)
		val = "y";
	return intern(val);
}

static const char *calc_other(struct symbol *sym)
{
	const struct property *dp;
	const char *val = "";
	long long lo, hi, v;

	sym->write = sym_visible(sym);
	if (sym->write && sym->has_user && sym_value_valid(sym, sym->user) &&
	    sym_in_range(sym, sym->user))
		return intern(sym->user);
	dp = first_active(sym, P_DEFAULT);
	if (dp) {
		sym->write = true;
		val = default_prop_value(sym, dp);
	}
	/* a default outside the range is pulled to the nearest bound */
	if (sym_active_range(sym, &lo, &hi)) {
		v = sym_value_valid(sym, val) ? sym_parse_number(sym, val) : 0;
		if (v < lo)
			return format_number(sym, lo);
		if (v > hi)
			return format_number(sym, hi);
	}
	return intern(val);
}

const char *sym_value(struct symbol *sym)
{
	const char *val;

	if (sym->flags & SYM_CONST)
		return sym->name;
	if (sym->flags & SYM_CHOICE) {
		struct symbol *sel = choice_selection(sym);

		return sel ? sel->name : "";
	}
	if (!(sym->flags & SYM_DEFINED))
		return "n";
	if (sym->gen == sym_generation || sym->calculating)
		return sym->val ? sym->val : "";
	sym->calculating = true;
	val = sym->type == T_BOOL ? calc_bool(sym) : calc_other(sym);
	sym->calculating = false;
	sym->val = val;
	sym->gen = sym_generation;
	return val;
}

bool sym_is_y(struct symbol *sym)
{
	if (sym->flags & SYM_CONST)
		return !strcmp(sym->name, "y");
	if (!(sym->flags & SYM_DEFINED) || sym->type != T_BOOL)
		return false;
	return !strcmp(sym_value(sym), "y");
}

bool sym_writes(struct symbol *sym)
{
	sym_value(sym);
	return sym->write;
}

void sym_set_user(struct symbol *sym, const char *val, const char *file, int line)
{
	free(sym->user);
	sym->user = xstrdup(val);
	sym->has_user = true;
	sym->user_file = file;
	sym->user_line = line;
	sym_invalidate_all();
}

/*
 * What the symbol would be without its own user value (others keep
 * theirs): savedefconfig writes only symbols that differ from this.
 */
const char *sym_default_value(struct symbol *sym)
{
	const char *saved;
	bool had = sym->has_user;

	sym->has_user = false;
	sym_invalidate_all();
	saved = sym_value(sym);
	sym->has_user = had;
	sym_invalidate_all();
	return saved;
}

/* Header value of an int/hex/string: its value, else its plain default. */
const char *sym_header_value(struct symbol *sym)
{
	const struct property *p;

	if (sym_writes(sym) && *sym_value(sym))
		return sym_value(sym);
	for (p = sym->props; p; p = p->next)
		if (p->kind == P_DEFAULT && expr_eval(p->cond) && p->value->op == E_SYM &&
		    *operand_value(p->value->sym))
			return operand_value(p->value->sym);
	return sym->type == T_STRING ? "" : sym->type == T_HEX ? "0x0" : "0";
}

/* ---- checks run once after parsing ---- */

typedef void (*dep_fn)(struct symbol *dep, void *ctx);

struct dep_visit {
	dep_fn fn;
	void *ctx;
};

static void visit_expr_sym(struct symbol *sym, void *ctx)
{
	struct dep_visit *v = ctx;

	v->fn(sym, v->ctx);
}

/* Every symbol whose value the value of `sym` can depend on. */
static void for_each_dependency(struct symbol *sym, dep_fn fn, void *ctx)
{
	struct dep_visit v = { fn, ctx };
	const struct property *p;
	const struct reverse_dep *rd;
	const struct menu *m, *a;
	int i;

	for (m = sym->entries; m; m = m->sym_next) {
		for (a = m; a; a = a->parent) {
			expr_for_each_sym(a->dep, visit_expr_sym, &v);
			expr_for_each_sym(a->visible_if, visit_expr_sym, &v);
		}
	}
	if (sym->choice)
		fn(sym->choice, ctx);
	for (p = sym->props; p; p = p->next) {
		expr_for_each_sym(p->cond, visit_expr_sym, &v);
		/* a choice's `default MEMBER` names a member, not an input */
		if (p->kind == P_DEFAULT && !(sym->flags & SYM_CHOICE))
			expr_for_each_sym(p->value, visit_expr_sym, &v);
		if (p->kind == P_RANGE) {
			fn(p->min, ctx);
			fn(p->max, ctx);
		}
	}
	for (rd = sym->selected_by; rd; rd = rd->next) {
		fn(rd->from, ctx);
		expr_for_each_sym(rd->cond, visit_expr_sym, &v);
	}
	/* a choice picks among visible members: their prompts and deps count */
	for (i = 0; i < sym->nmembers; i++) {
		struct symbol *mem = sym->members[i];

		for (m = mem->entries; m; m = m->sym_next)
			expr_for_each_sym(m->dep, visit_expr_sym, &v);
		for (p = mem->props; p; p = p->next)
			if (p->kind == P_PROMPT)
				expr_for_each_sym(p->cond, visit_expr_sym, &v);
	}
}

static struct symbol **dfs_path;
static int dfs_len, dfs_cap;

static void dfs_visit(struct symbol *sym);

static void report_cycle(struct symbol *back)
{
	struct strbuf sb = { 0 };
	int i = dfs_len - 1;

	while (i > 0 && dfs_path[i] != back)
		i--;
	sb_adds(&sb, "recursive dependency: ");
	for (; i < dfs_len; i++) {
		const struct menu *m = dfs_path[i]->entries;

		sb_addf(&sb, "%s (%s:%d) -> ", sym_display_name(dfs_path[i]),
			m ? m->file : "?", m ? m->line : 0);
	}
	sb_adds(&sb, sym_display_name(back));
	fatal("%s", sb.buf);
}

static void dfs_edge(struct symbol *dep, void *ctx)
{
	(void)ctx;
	if (!(dep->flags & (SYM_DEFINED | SYM_CHOICE)))
		return;
	if (dep->dfs_state == 1)
		report_cycle(dep);
	if (dep->dfs_state == 0)
		dfs_visit(dep);
}

static void dfs_visit(struct symbol *sym)
{
	if (dfs_len == dfs_cap) {
		dfs_cap = dfs_cap ? dfs_cap * 2 : 64;
		dfs_path = xrealloc(dfs_path, (size_t)dfs_cap * sizeof(*dfs_path));
	}
	dfs_path[dfs_len++] = sym;
	sym->dfs_state = 1;
	for_each_dependency(sym, dfs_edge, NULL);
	sym->dfs_state = 2;
	dfs_len--;
}

void check_kconfig(void)
{
	struct symbol *sym;
	const struct reverse_dep *rd;
	int i;

	for (sym = all_symbols; sym; sym = sym->all_next) {
		if ((sym->flags & SYM_DEFINED) && sym->type == T_NONE)
			fatal_at(sym->entries->file, sym->entries->line,
				 "config %s has no type (bool, int, hex or string)", sym->name);
		for (i = 0; i < sym->nmembers; i++)
			if (sym->members[i]->type != T_BOOL)
				fatal_at(sym->members[i]->entries->file, sym->members[i]->entries->line,
					 "choice member %s must be bool", sym->members[i]->name);
		if ((sym->flags & SYM_CHOICE) && !sym->nmembers)
			warn_at(sym->entries->file, sym->entries->line, "choice has no members");
		for (rd = sym->selected_by; rd; rd = rd->next) {
			if (!(sym->flags & SYM_DEFINED))
				warn_at(rd->file, rd->line, "select of undefined symbol %s", sym->name);
			else if (sym->type != T_BOOL)
				fatal_at(rd->file, rd->line, "select of %s, which is not bool", sym->name);
			else if (sym->choice)
				fatal_at(rd->file, rd->line, "select of choice member %s", sym->name);
		}
		if (!(sym->flags & (SYM_DEFINED | SYM_CHOICE)) && (sym->flags & SYM_BOOLREF) &&
		    !sym->selected_by)
			warn_at(sym->ref_file, sym->ref_line,
				"symbol %s is referenced but never defined", sym->name);
	}
	for (sym = all_symbols; sym; sym = sym->all_next)
		if ((sym->flags & (SYM_DEFINED | SYM_CHOICE)) && sym->dfs_state == 0)
			dfs_visit(sym);
}
