/* SPDX-License-Identifier: MIT */
/*
 * Lexer: Kconfig is line oriented, so a file is read whole, split into
 * physical lines, and handed to the parser one logical line (continuations
 * joined, `#` comments dropped) at a time as a small token array. Help
 * text is not tokenised: it ends by indentation, so the parser asks for it
 * as raw lines right after it sees `help`.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kconfig.h"

struct source_file *source_open(const char *path)
{
	struct source_file *src;
	struct strbuf all = { 0 };
	char chunk[4096];
	size_t n, cap = 0;
	char *p, *nl;
	FILE *f = fopen(path, "r");

	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk) - 1, f)) > 0) {
		chunk[n] = '\0';
		if (memchr(chunk, '\0', n))
			fatal("%s: binary file", path);
		sb_adds(&all, chunk);
	}
	fclose(f);
	if (!all.buf)
		sb_adds(&all, "");

	src = xcalloc(1, sizeof(*src));
	src->path = xstrdup(path);
	for (p = all.buf; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p) - 1;
		if ((size_t)src->nlines == cap) {
			cap = cap ? cap * 2 : 64;
			src->lines = xrealloc(src->lines, cap * sizeof(char *));
		}
		src->lines[src->nlines] = xstrndup(p, (size_t)(nl - p) + (*nl != '\n'));
		/* tolerate CRLF files */
		{
			char *l = src->lines[src->nlines];
			size_t len = strlen(l);

			if (len && l[len - 1] == '\r')
				l[len - 1] = '\0';
		}
		src->nlines++;
	}
	sb_free(&all);
	return src;
}

const char *token_text(const struct token *t)
{
	switch (t->kind) {
	case TK_NOT: return "!";
	case TK_AND: return "&&";
	case TK_OR: return "||";
	case TK_EQ: return "=";
	case TK_NE: return "!=";
	case TK_LPAREN: return "(";
	case TK_RPAREN: return ")";
	default: return t->text;
	}
}

static void add_token(struct logical_line *ll, int *cap, enum tok_kind kind, char *text)
{
	if (ll->ntok == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		ll->tok = xrealloc(ll->tok, (size_t)*cap * sizeof(struct token));
	}
	ll->tok[ll->ntok].kind = kind;
	ll->tok[ll->ntok].text = text;
	ll->ntok++;
}

/* A quoted string; `\x` escapes x. Returns the char after the closing quote. */
static const char *lex_string(const char *p, char **out, const char *file, int line)
{
	struct strbuf sb = { 0 };
	char quote = *p++;

	sb_adds(&sb, "");
	for (; *p && *p != quote; p++) {
		if (*p == '\\' && p[1])
			p++;
		sb_addc(&sb, *p);
	}
	if (*p != quote)
		fatal_at(file, line, "syntax error: unterminated string");
	*out = sb.buf;
	return p + 1;
}

static bool is_word_char(char c)
{
	return c && !isspace((unsigned char)c) && !strchr("\"'!=&|()#", c);
}

static void tokenize(const char *text, struct logical_line *ll, const char *file)
{
	const char *p = text, *start;
	int cap = 0;
	char *s;

	ll->tok = NULL;
	ll->ntok = 0;
	while (*p) {
		if (isspace((unsigned char)*p)) {
			p++;
		} else if (*p == '#') {
			break;
		} else if (*p == '"' || *p == '\'') {
			p = lex_string(p, &s, file, ll->line);
			add_token(ll, &cap, TK_STRING, s);
		} else if (p[0] == '&' && p[1] == '&') {
			add_token(ll, &cap, TK_AND, NULL);
			p += 2;
		} else if (p[0] == '|' && p[1] == '|') {
			add_token(ll, &cap, TK_OR, NULL);
			p += 2;
		} else if (p[0] == '!' && p[1] == '=') {
			add_token(ll, &cap, TK_NE, NULL);
			p += 2;
		} else if (*p == '!') {
			add_token(ll, &cap, TK_NOT, NULL);
			p++;
		} else if (*p == '=') {
			add_token(ll, &cap, TK_EQ, NULL);
			p++;
		} else if (*p == '(') {
			add_token(ll, &cap, TK_LPAREN, NULL);
			p++;
		} else if (*p == ')') {
			add_token(ll, &cap, TK_RPAREN, NULL);
			p++;
		} else if (is_word_char(*p)) {
			for (start = p; is_word_char(*p); p++)
				;
			add_token(ll, &cap, TK_WORD, xstrndup(start, (size_t)(p - start)));
		} else {
			fatal_at(file, ll->line, "syntax error: unexpected '%c'", *p);
		}
	}
}

static bool ends_with_backslash(const char *s)
{
	size_t n = strlen(s);

	return n && s[n - 1] == '\\';
}

/*
 * Next logical line with at least one token. Blank lines and comment-only
 * lines are skipped here so the parser only ever sees statements.
 */
bool source_next(struct source_file *src, struct logical_line *ll)
{
	while (src->pos < src->nlines) {
		struct strbuf joined = { 0 };

		ll->line = src->pos + 1;
		sb_adds(&joined, "");
		for (;;) {
			const char *l = src->lines[src->pos++];

			sb_adds(&joined, l);
			if (!ends_with_backslash(l) || src->pos >= src->nlines)
				break;
			joined.buf[--joined.len] = ' ';
		}
		tokenize(joined.buf, ll, src->path);
		sb_free(&joined);
		if (ll->ntok)
			return true;
		free(ll->tok);
	}
	return false;
}

static int indent_of(const char *s, bool *blank)
{
	int col = 0;

	for (; *s == ' ' || *s == '\t'; s++)
		col = *s == '\t' ? (col / 8 + 1) * 8 : col + 1;
	*blank = *s == '\0';
	return col;
}

/*
 * Help text: every following line indented at least as far as its first
 * non-blank line. The first line less indented (or any unindented line)
 * ends it and is left for the parser. Common indentation is stripped.
 */
char *source_read_help(struct source_file *src)
{
	struct strbuf sb = { 0 };
	int first = -1, blanks = 0;

	sb_adds(&sb, "");
	while (src->pos < src->nlines) {
		const char *l = src->lines[src->pos];
		bool blank;
		int ind = indent_of(l, &blank), col;

		if (blank) {
			if (first >= 0)
				blanks++;
			src->pos++;
			continue;
		}
		if (first < 0) {
			if (ind == 0)
				break;
			first = ind;
		}
		if (ind < first)
			break;
		for (; blanks; blanks--)
			sb_addc(&sb, '\n');
		/* strip `first` columns of indentation, expanding tabs */
		for (col = 0; col < first && (*l == ' ' || *l == '\t'); l++)
			col = *l == '\t' ? (col / 8 + 1) * 8 : col + 1;
		for (; col > first; col--)
			sb_addc(&sb, ' ');
		sb_adds(&sb, l);
		sb_addc(&sb, '\n');
		src->pos++;
	}
	return sb.buf;
}
