/* SPDX-License-Identifier: MIT */
/*
 * Expressions: `depends on`, `if`, `visible if`, default values.
 *
 *   expr    := and ( '||' and )*
 *   and     := unary ( '&&' unary )*
 *   unary   := '!' unary | primary
 *   primary := '(' expr ')' | symbol [ ('=' | '!=') symbol ]
 *
 * Comparisons bind tighter than `!`, as in the kernel: `!A = B` means
 * `!(A = B)`. Everything evaluates to true/false: we have no tristate.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "kconfig.h"

static struct expr *expr_new(enum expr_op op)
{
	struct expr *e = xcalloc(1, sizeof(*e));

	e->op = op;
	return e;
}

struct expr *expr_alloc_sym(struct symbol *sym)
{
	struct expr *e = expr_new(E_SYM);

	e->sym = sym;
	return e;
}

struct expr *expr_and(struct expr *a, struct expr *b)
{
	struct expr *e;

	if (!a)
		return b;
	if (!b)
		return a;
	e = expr_new(E_AND);
	e->l = a;
	e->r = b;
	return e;
}

static const struct token *peek(struct expr_parser *p)
{
	return p->pos < p->ll->ntok ? &p->ll->tok[p->pos] : NULL;
}

static __attribute__((noreturn)) void unexpected(struct expr_parser *p)
{
	const struct token *t = peek(p);

	if (t)
		fatal_at(p->file, p->ll->line, "syntax error: unexpected '%s'", token_text(t));
	fatal_at(p->file, p->ll->line, "syntax error: unexpected end of line");
}

static bool looks_numeric(const char *s)
{
	const char *p = s;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && p[2]) {
		for (p += 2; *p; p++)
			if (!isxdigit((unsigned char)*p))
				return false;
		return true;
	}
	if (*p == '-')
		p++;
	if (!*p)
		return false;
	for (; *p; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	return true;
}

/*
 * One operand. Quoted strings, y, n and numbers are literals; any other
 * word names a symbol (created on first use so forward references work).
 * `literal_ok` is false where only a real symbol makes sense, e.g. at the
 * left of a comparison or as a plain condition; those references are the
 * ones checked for "never defined" later.
 */
struct symbol *parse_symbol_token(struct expr_parser *p, bool literal_ok)
{
	const struct token *t = peek(p);
	struct symbol *sym;

	if (!t || (t->kind != TK_WORD && t->kind != TK_STRING))
		unexpected(p);
	p->pos++;
	if (t->kind == TK_STRING)
		return sym_const(t->text);
	if (!strcmp(t->text, "y") || !strcmp(t->text, "n") || looks_numeric(t->text))
		return sym_const(t->text);
	if (!strcmp(t->text, "m"))
		fatal_at(p->file, p->ll->line, "tristate is not supported (value 'm')");
	sym = sym_lookup(t->text, true);
	if (!sym->ref_file) {
		sym->ref_file = p->file;
		sym->ref_line = p->ll->line;
	}
	if (!literal_ok)
		sym->flags |= SYM_BOOLREF;
	return sym;
}

static struct expr *parse_or(struct expr_parser *p);

static struct expr *parse_primary(struct expr_parser *p)
{
	const struct token *t = peek(p);
	struct expr *e;

	if (t && t->kind == TK_LPAREN) {
		p->pos++;
		e = parse_or(p);
		t = peek(p);
		if (!t || t->kind != TK_RPAREN)
			unexpected(p);
		p->pos++;
		return e;
	}
	e = expr_alloc_sym(parse_symbol_token(p, false));
	t = peek(p);
	if (t && (t->kind == TK_EQ || t->kind == TK_NE)) {
		p->pos++;
		e->op = t->kind == TK_EQ ? E_EQ : E_NE;
		e->rsym = parse_symbol_token(p, true);
	}
	return e;
}

static struct expr *parse_unary(struct expr_parser *p)
{
	const struct token *t = peek(p);
	struct expr *e;

	if (t && t->kind == TK_NOT) {
		p->pos++;
		e = expr_new(E_NOT);
		e->l = parse_unary(p);
		return e;
	}
	return parse_primary(p);
}

static struct expr *parse_and(struct expr_parser *p)
{
	struct expr *e = parse_unary(p), *n;
	const struct token *t;

	while ((t = peek(p)) && t->kind == TK_AND) {
		p->pos++;
		n = expr_new(E_AND);
		n->l = e;
		n->r = parse_unary(p);
		e = n;
	}
	return e;
}

static struct expr *parse_or(struct expr_parser *p)
{
	struct expr *e = parse_and(p), *n;
	const struct token *t;

	while ((t = peek(p)) && t->kind == TK_OR) {
		p->pos++;
		n = expr_new(E_OR);
		n->l = e;
		n->r = parse_and(p);
		e = n;
	}
	return e;
}

struct expr *expr_parse(struct expr_parser *p)
{
	return parse_or(p);
}

/* String seen by a comparison: an undefined word compares as itself. */
static const char *cmp_value(struct symbol *sym)
{
	if (sym->flags & SYM_CONST)
		return sym->name;
	if (!(sym->flags & SYM_DEFINED))
		return sym->name;
	return sym_value(sym);
}

static bool compare_equal(struct symbol *a, struct symbol *b)
{
	const char *va = cmp_value(a), *vb = cmp_value(b);
	const struct symbol *typed = a->type == T_INT || a->type == T_HEX ? a :
				     b->type == T_INT || b->type == T_HEX ? b : NULL;

	/* int/hex compare as numbers so that 0x10 = 16 and 010 = 10 */
	if (typed && sym_value_valid(typed, va) && sym_value_valid(typed, vb))
		return sym_parse_number(typed, va) == sym_parse_number(typed, vb);
	return !strcmp(va, vb);
}

bool expr_eval(const struct expr *e)
{
	if (!e)
		return true;
	switch (e->op) {
	case E_SYM:
		return sym_is_y(e->sym);
	case E_NOT:
		return !expr_eval(e->l);
	case E_AND:
		return expr_eval(e->l) && expr_eval(e->r);
	case E_OR:
		return expr_eval(e->l) || expr_eval(e->r);
	case E_EQ:
		return compare_equal(e->sym, e->rsym);
	case E_NE:
		return !compare_equal(e->sym, e->rsym);
	}
	return false;
}

void expr_for_each_sym(const struct expr *e, expr_sym_fn fn, void *ctx)
{
	if (!e)
		return;
	switch (e->op) {
	case E_SYM:
		fn(e->sym, ctx);
		break;
	case E_EQ:
	case E_NE:
		fn(e->sym, ctx);
		fn(e->rsym, ctx);
		break;
	case E_NOT:
		expr_for_each_sym(e->l, fn, ctx);
		break;
	case E_AND:
	case E_OR:
		expr_for_each_sym(e->l, fn, ctx);
		expr_for_each_sym(e->r, fn, ctx);
		break;
	}
}
