/* SPDX-License-Identifier: MIT */
/*
 * The engine under the spec parser: the arena, JSON paths for error messages,
 * a strict pass over the raw text (UTF-8, NUL, number syntax), exact integer
 * conversion, and the walker that applies a key table to a JSON object.
 *
 * Numbers: cJSON keeps numbers only as doubles, which cannot hold every
 * uint64 (an rlimit of 18446744073709551615 is common) and which turn 1.5 or
 * 1e30 into something that looks like an integer after a cast. So the text
 * scan records where each number token starts; after parsing, the cJSON tree
 * is walked in document order (which is the order of the tokens) and each
 * number item's valueint is overwritten with its token index. Integer fields
 * are then converted from the token text itself: exact over the full int64
 * and uint64 ranges, and anything with a fraction or exponent is rejected.
 */
#define SPEC_INTERNAL
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec.h"

#define ARENA_CHUNK 4096

struct spec_arena {
	struct spec_arena *next;
	size_t used, cap;
	max_align_t data[];
};

void *spec_alloc(struct spec_ctx *c, size_t size)
{
	struct spec_arena *a = c->arena;
	size_t align = sizeof(max_align_t);
	void *p;

#ifdef SPEC_ARENA_DEBUG
	/* one exact chunk per allocation, so ASan/valgrind see every overrun */
	a = NULL;
	align = 1;
#endif
	size = (size + align - 1) / align * align;
	if (!a || a->cap - a->used < size) {
		size_t cap = size > ARENA_CHUNK ? size : ARENA_CHUNK;

#ifdef SPEC_ARENA_DEBUG
		cap = size;
#endif

		a = calloc(1, sizeof(*a) + cap);
		if (!a) {
			tr_fail(c->err, ENOMEM, "out of memory parsing the spec");
			return NULL;
		}
		a->cap = cap;
		a->next = c->arena;
		c->arena = a;
	}
	p = (char *)a->data + a->used;
	a->used += size;
	return p;
}

static void arena_free(struct spec_arena *a)
{
	while (a) {
		struct spec_arena *next = a->next;

		free(a);
		a = next;
	}
}

void spec_free(struct spec *s)
{
	/* s itself lives in one of the chunks: take the list head first */
	if (s)
		arena_free(s->arena);
}

char *spec_strdup(struct spec_ctx *c, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = spec_alloc(c, n);

	if (p)
		memcpy(p, s, n);
	return p;
}

/* ---- JSON paths and errors ---- */

size_t spec_path_push(struct spec_ctx *c, const char *fmt, ...)
{
	size_t old = c->plen;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(c->path + c->plen, sizeof(c->path) - c->plen, fmt, ap);
	va_end(ap);
	if (n > 0)
		c->plen += (size_t)n < sizeof(c->path) - c->plen ? (size_t)n : sizeof(c->path) - c->plen - 1;
	return old;
}

void spec_path_pop(struct spec_ctx *c, size_t old)
{
	c->plen = old;
	c->path[old] = '\0';
}

static size_t push_key(struct spec_ctx *c, const char *key)
{
	return spec_path_push(c, c->plen ? ".%s" : "%s", key);
}

static int verr(struct spec_ctx *c, const char *fmt, va_list ap)
{
	char msg[TR_ERR_MSG_MAX];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	return tr_failx(c->err, "%s: %s", c->plen ? c->path : "(top level)", msg);
}

int spec_err(struct spec_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(c, fmt, ap);
	va_end(ap);
	return -1;
}

int spec_err_at(struct spec_ctx *c, const char *key, const char *fmt, ...)
{
	size_t old = push_key(c, key);
	va_list ap;

	va_start(ap, fmt);
	verr(c, fmt, ap);
	va_end(ap);
	spec_path_pop(c, old);
	return -1;
}

static const char *type_name(const cJSON *item)
{
	switch (item->type & 0xff) {
	case cJSON_False:
	case cJSON_True:	return "boolean";
	case cJSON_NULL:	return "null";
	case cJSON_Number:	return "number";
	case cJSON_String:	return "string";
	case cJSON_Array:	return "array";
	case cJSON_Object:	return "object";
	}
	return "invalid value";
}

int spec_expect(struct spec_ctx *c, const cJSON *item, int type, const char *what)
{
	int t = item->type & 0xff;

	if (t == type || (type == cJSON_True && t == cJSON_False))
		return 0;
	return spec_err(c, "expected %s, got %s", what, type_name(item));
}

/* ---- strict scan of the raw text ---- */

/* Length of the UTF-8 sequence at p (RFC 3629: no overlongs, no surrogates,
 * nothing above U+10FFFF), or 0 if it is invalid. */
static size_t utf8_len(const unsigned char *p, size_t avail)
{
	unsigned char b = p[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (b >= 0xc2 && b <= 0xdf)
		n = 2;
	else if (b >= 0xe0 && b <= 0xef) {
		n = 3;
		if (b == 0xe0)
			lo = 0xa0;	/* overlong */
		if (b == 0xed)
			hi = 0x9f;	/* UTF-16 surrogates */
	} else if (b >= 0xf0 && b <= 0xf4) {
		n = 4;
		if (b == 0xf0)
			lo = 0x90;
		if (b == 0xf4)
			hi = 0x8f;	/* above U+10FFFF */
	} else
		return 0;
	if (avail < n || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

static bool is_num_char(unsigned char ch)
{
	return (ch >= '0' && ch <= '9') || ch == '-' || ch == '+' || ch == '.' || ch == 'e' || ch == 'E';
}

/* JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool number_valid(const char *s, size_t n)
{
	size_t i = 0, d;

	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else if (i < n && s[i] >= '1' && s[i] <= '9')
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	else
		return false;
	if (i < n && s[i] == '.') {
		for (d = ++i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return false;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		for (d = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return false;
	}
	return i == n;
}

static int syntax_err(struct spec_ctx *c, size_t off, const char *why)
{
	size_t line = 1, col = 1, i;

	for (i = 0; i < off && i < c->len; i++) {
		if (c->text[i] == '\n') {
			line++;
			col = 1;
		} else
			col++;
	}
	return tr_failx(c->err, "invalid JSON near line %zu col %zu (byte %zu): %s", line, col, off, why);
}

/* How many arrays and objects are open at byte off (strings skipped). */
static size_t nesting_at(const char *t, size_t off)
{
	size_t i, depth = 0;

	for (i = 0; i < off; i++) {
		if (t[i] == '"') {
			for (i++; i < off && t[i] != '"'; i++)
				if (t[i] == '\\')
					i++;
		} else if (t[i] == '[' || t[i] == '{') {
			depth++;
		} else if ((t[i] == ']' || t[i] == '}') && depth) {
			depth--;
		}
	}
	return depth;
}

static int add_number(struct spec_ctx *c, size_t off, size_t *cap)
{
	if (c->nnum == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		size_t *p = realloc(c->num_off, ncap * sizeof(*p));

		if (!p)
			return tr_fail(c->err, ENOMEM, "out of memory parsing the spec");
		c->num_off = p;
		*cap = ncap;
	}
	c->num_off[c->nnum++] = off;
	return 0;
}

/* Runs after cJSON accepted the text, so strings and numbers are where the
 * grammar says; this adds what cJSON does not check. */
static int scan_text(struct spec_ctx *c)
{
	const unsigned char *t = (const unsigned char *)c->text;
	size_t i = 0, cap = 0, n;

	while (i < c->len) {
		if (t[i] == '"') {
			for (i++; i < c->len && t[i] != '"'; ) {
				if (t[i] < 0x20)
					return syntax_err(c, i, "control character in string");
				if (t[i] == '\\') {
					if (i + 5 < c->len && t[i + 1] == 'u' && !memcmp(t + i + 2, "0000", 4))
						return syntax_err(c, i, "string contains NUL (\\u0000)");
					i += 2;
				} else if (t[i] >= 0x80) {
					n = utf8_len(t + i, c->len - i);
					if (!n)
						return syntax_err(c, i, "invalid UTF-8 in string");
					i += n;
				} else
					i++;
			}
			i++;
		} else if (t[i] == '-' || (t[i] >= '0' && t[i] <= '9')) {
			size_t start = i;

			while (i < c->len && is_num_char(t[i]))
				i++;
			if (!number_valid(c->text + start, i - start))
				return syntax_err(c, start, "malformed number");
			if (add_number(c, start, &cap) < 0)
				return -1;
		} else if (t[i] == '\0') {
			return syntax_err(c, i, "NUL byte");
		} else
			i++;
	}
	return 0;
}

/* Give each number item the index of its token (see the comment at the top). */
static void index_numbers(cJSON *item, size_t *next)
{
	for (; item; item = item->next) {
		if (cJSON_IsNumber(item))
			item->valueint = (int)(*next)++;
		if (item->child)
			index_numbers(item->child, next);
	}
}

/* ---- values ---- */

int spec_get_string(struct spec_ctx *c, const cJSON *item, char **out)
{
	if (spec_expect(c, item, cJSON_String, "string") < 0)
		return -1;
	*out = spec_strdup(c, item->valuestring);
	return *out ? 0 : -1;
}

/*
 * Convert an integer token exactly. lo/hi is the allowed range; the value is
 * returned in *sv (signed view) and *uv (unsigned view), both exact whenever
 * the value is in range for the respective type.
 */
int spec_get_int(struct spec_ctx *c, const cJSON *item, int64_t lo, uint64_t hi, int64_t *sv, uint64_t *uv)
{
	const char *s, *p;
	uint64_t mag = 0;
	bool neg, overflow = false;
	size_t tok;

	if (spec_expect(c, item, cJSON_Number, "integer") < 0)
		return -1;
	if (item->valueint < 0 || (size_t)item->valueint >= c->nnum)
		return spec_err(c, "internal error: number not indexed");
	s = p = c->text + c->num_off[item->valueint];
	for (tok = 0; s + tok < c->text + c->len && is_num_char((unsigned char)s[tok]); tok++)
		;
	neg = *p == '-';
	if (neg)
		p++;
	for (; p < s + tok && *p >= '0' && *p <= '9'; p++) {
		if (mag > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			overflow = true;
		else
			mag = mag * 10 + (uint64_t)(*p - '0');
	}
	if (p != s + tok)
		return spec_err(c, "expected integer, got %.*s", (int)(tok > 40 ? 40 : tok), s);
	if (neg && mag == 0)
		neg = false;	/* -0 */
	if (overflow || (neg && (lo >= 0 || mag - 1 > (uint64_t)(-(lo + 1)))) ||
	    (!neg && (mag > hi || (lo > 0 && mag < (uint64_t)lo)))) {
		return spec_err(c, "%.*s out of range %lld..%llu", (int)(tok > 40 ? 40 : tok), s,
				(long long)lo, (unsigned long long)hi);
	}
	*uv = neg ? 0 - mag : mag;
	*sv = (int64_t)*uv;	/* two's complement: exact for every in-range value */
	return 0;
}

static bool is_abs(const char *s)
{
	return s[0] == '/';
}

static int check_string(struct spec_ctx *c, const char *s, unsigned flags)
{
	if ((flags & SF_NONEMPTY) && !*s)
		return spec_err(c, "must not be empty");
	if ((flags & SF_ABS) && !is_abs(s))
		return spec_err(c, "must be an absolute path, got \"%s\"", s);
	if ((flags & SF_ENV) && (!strchr(s, '=') || s[0] == '='))
		return spec_err(c, "expected \"KEY=VALUE\", got \"%s\"", s);
	return 0;
}

int spec_get_flag_names(struct spec_ctx *c, const cJSON *item, long long (*lookup)(const char *),
			const char *what, uint64_t *mask)
{
	struct spec_strv names;
	size_t i;

	if (spec_get_strv(c, item, 0, &names) < 0)
		return -1;
	*mask = 0;
	for (i = 0; i < names.n; i++) {
		long long f = lookup(names.v[i]);

		if (f < 0) {
			size_t old = spec_path_push(c, "[%zu]", i);

			spec_err(c, "unknown %s \"%s\"", what, names.v[i]);
			spec_path_pop(c, old);
			return -1;
		}
		*mask |= (uint64_t)f;
	}
	return 0;
}

int spec_get_strv(struct spec_ctx *c, const cJSON *item, unsigned flags, struct spec_strv *out)
{
	const cJSON *e;
	size_t n = 0, i = 0;

	if (spec_expect(c, item, cJSON_Array, "array of strings") < 0)
		return -1;
	cJSON_ArrayForEach(e, item)
		n++;
	if ((flags & SF_NONEMPTY) && !n)
		return spec_err(c, "must not be empty");
	out->v = spec_alloc(c, (n + 1) * sizeof(char *));
	if (!out->v)
		return -1;
	cJSON_ArrayForEach(e, item) {
		size_t old = spec_path_push(c, "[%zu]", i);
		int r = spec_get_string(c, e, &out->v[i]);

		if (!r)
			r = check_string(c, out->v[i], flags & ~SF_NONEMPTY);
		spec_path_pop(c, old);
		if (r < 0)
			return -1;
		i++;
	}
	out->n = n;
	return 0;
}

int spec_get_map(struct spec_ctx *c, const cJSON *item, struct spec_map *out,
		 int (*check_key)(struct spec_ctx *c, const char *key))
{
	const cJSON *e;
	size_t n = 0, i = 0;

	if (spec_expect(c, item, cJSON_Object, "object") < 0)
		return -1;
	cJSON_ArrayForEach(e, item)
		n++;
	out->v = spec_alloc(c, (n ? n : 1) * sizeof(*out->v));
	if (!out->v)
		return -1;
	cJSON_ArrayForEach(e, item) {
		size_t old = push_key(c, e->string);
		int r = check_key ? check_key(c, e->string) : 0;

		if (!r)
			r = spec_get_string(c, e, &out->v[i].value);
		if (!r && !(out->v[i].key = spec_strdup(c, e->string)))
			r = -1;
		spec_path_pop(c, old);
		if (r < 0)
			return -1;
		i++;
	}
	out->n = n;
	return 0;
}

/* ---- the key-table walker ---- */

/* The last item with this exact key: duplicate keys are resolved the way Go's
 * encoding/json (and so runc) resolves them. Keys match case-sensitively. */
static const cJSON *find_key(const cJSON *obj, const char *key)
{
	const cJSON *e, *found = NULL;

	cJSON_ArrayForEach(e, obj)
		if (e->string && !strcmp(e->string, key))
			found = e;
	return found;
}

static void store_uint(void *dst, unsigned size, uint64_t v)
{
	/* The range check already made v fit; a same-width unsigned store has
	 * the same bytes as the signed one for every in-range value. */
	switch (size) {
	case 1: { uint8_t x = (uint8_t)v; memcpy(dst, &x, 1); break; }
	case 2: { uint16_t x = (uint16_t)v; memcpy(dst, &x, 2); break; }
	case 4: { uint32_t x = (uint32_t)v; memcpy(dst, &x, 4); break; }
	default: memcpy(dst, &v, 8); break;
	}
}

static int parse_list(struct spec_ctx *c, const cJSON *item, const struct spec_field *f, void *dst)
{
	const struct spec_table *t = f->sub;
	const cJSON *e;
	size_t n = 0, i = 0;
	char *v;

	if (spec_expect(c, item, cJSON_Array, "array") < 0)
		return -1;
	cJSON_ArrayForEach(e, item)
		n++;
	if ((f->flags & SF_NONEMPTY) && !n)
		return spec_err(c, "must not be empty");
	v = spec_alloc(c, (n ? n : 1) * t->size);
	if (!v)
		return -1;
	cJSON_ArrayForEach(e, item) {
		size_t old = spec_path_push(c, "[%zu]", i);
		int r = spec_parse_object(c, e, t, v + i * t->size);

		spec_path_pop(c, old);
		if (r < 0)
			return -1;
		i++;
	}
	/* every list is laid out as SPEC_LIST(T): { T *v; size_t n; } */
	memcpy(dst, &v, sizeof(v));
	memcpy((char *)dst + offsetof(struct spec_strv, n), &n, sizeof(n));
	return 0;
}

static int parse_field(struct spec_ctx *c, const cJSON *item, const struct spec_field *f, void *dst)
{
	int64_t sv;
	uint64_t uv;

	switch (f->type) {
	case SF_STR:
		if (spec_get_string(c, item, (char **)dst) < 0)
			return -1;
		return check_string(c, *(char **)dst, f->flags);
	case SF_BOOL:
		if (spec_expect(c, item, cJSON_True, "boolean") < 0)
			return -1;
		*(bool *)dst = cJSON_IsTrue(item);
		return 0;
	case SF_INT:
		if (spec_get_int(c, item, f->min, f->max, &sv, &uv) < 0)
			return -1;
		store_uint(dst, f->isize, uv);
		return 0;
	case SF_STRV:
		return spec_get_strv(c, item, f->flags, dst);
	case SF_OBJ:
		return spec_parse_object(c, item, f->sub, dst);
	case SF_LIST:
		return parse_list(c, item, f, dst);
	case SF_FN:
		return f->fn(c, item, dst);
	}
	return spec_err(c, "internal error: bad field type");
}

int spec_parse_object(struct spec_ctx *c, const cJSON *obj, const struct spec_table *t, void *base)
{
	size_t i;

	if (spec_expect(c, obj, cJSON_Object, "object") < 0)
		return -1;
	for (i = 0; i < t->nfields; i++) {
		const struct spec_field *f = &t->fields[i];
		const cJSON *item = find_key(obj, f->key);
		size_t old;
		int r;

		if (!item) {
			if (f->flags & SF_REQ)
				return spec_err_at(c, f->key, "required");
			continue;
		}
		old = push_key(c, f->key);
		r = parse_field(c, item, f, (char *)base + f->off);
		spec_path_pop(c, old);
		if (r < 0)
			return -1;
		if (f->has_off != SPEC_NO_HAS)
			*(bool *)((char *)base + f->has_off) = true;
	}
	return t->check ? t->check(c, base) : 0;
}

/* ---- a whole document ---- */

int spec_document(const char *json, size_t len, struct spec **out, struct tr_err *err,
		  const struct spec_table *t, bool top_is_process)
{
	struct spec_ctx c = { .err = err, .text = json, .len = len };
	const char *end = NULL;
	struct spec *s;
	cJSON *root;
	size_t k;
	int r = -1;

	*out = NULL;
	if (!len)
		return tr_failx(err, "invalid JSON: empty document");
	root = cJSON_ParseWithLengthOpts(json, len, &end, 0);
	if (!root) {
		k = end && end >= json ? (size_t)(end - json) : 0;
		/* cJSON gives up at its nesting limit without saying so */
		if (k < len && nesting_at(json, k) >= CJSON_NESTING_LIMIT) {
			char why[64];

			snprintf(why, sizeof(why), "arrays and objects nested deeper than %d levels",
				 (int)CJSON_NESTING_LIMIT);
			return syntax_err(&c, k, why);
		}
		return syntax_err(&c, k, k >= len - 1 ? "unexpected end of input" : "syntax error");
	}
	for (k = (size_t)(end - json); k < len; k++)
		if (!strchr(" \t\r\n", json[k])) {
			syntax_err(&c, k, "trailing data after the JSON value");
			goto out;
		}
	if (scan_text(&c) < 0)
		goto out;
	k = 0;
	index_numbers(root, &k);
	if (k != c.nnum) {
		tr_failx(err, "internal error: %zu numbers parsed, %zu scanned", k, c.nnum);
		goto out;
	}
	if (!cJSON_IsObject(root)) {
		tr_failx(err, "expected a JSON object at the top level, got %s", type_name(root));
		goto out;
	}
	s = spec_alloc(&c, sizeof(*s));
	if (!s)
		goto out;
	c.spec = s;
	if (t == &spec_resources_table) {
		/* a standalone linux.resources object (update --resources) */
		r = spec_parse_object(&c, root, t, &s->linux_cfg.resources);
		s->has_linux = s->linux_cfg.has_resources = true;
	} else if (top_is_process) {
		r = spec_parse_object(&c, root, t, &s->process);
		s->has_process = true;
	} else
		r = spec_parse_object(&c, root, t, s);
	if (r == 0) {
		s->arena = c.arena;
		*out = s;
		c.arena = NULL;
	}
out:
	arena_free(c.arena);
	free(c.num_off);
	cJSON_Delete(root);
	return r;
}
