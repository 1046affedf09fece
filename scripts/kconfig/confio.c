/* SPDX-License-Identifier: MIT */
/*
 * Reading .config / defconfig files and producing .config, minimal
 * defconfig and the C header.
 *
 * The .config format is the kernel's, so files stay interchangeable with
 * kconfig-frontends. Output is rendered into memory first: syncconfig runs
 * on every build and must leave files untouched (mtime and all) when
 * nothing changed, otherwise make would rebuild everything each time.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kconfig.h"

const char *config_prefix(void)
{
	const char *p = getenv("CONFIG_");

	return p ? p : "CONFIG_";
}

/* Value part after `=`: a quoted string with \" and \\ escapes, or a bare word. */
static bool parse_value(char *p, char **out)
{
	struct strbuf sb = { 0 };
	char *end;

	sb_adds(&sb, "");
	if (*p == '"') {
		for (p++; *p && *p != '"'; p++) {
			if (*p == '\\' && p[1])
				p++;
			sb_addc(&sb, *p);
		}
		if (*p != '"') {
			sb_free(&sb);
			return false;
		}
		for (p++; *p == ' ' || *p == '\t'; p++)
			;
		if (*p) {
			sb_free(&sb);
			return false;
		}
		*out = sb.buf;
		return true;
	}
	end = p + strlen(p);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	sb_free(&sb);
	*out = xstrndup(p, (size_t)(end - p));
	return true;
}

static __attribute__((format(printf, 4, 5)))
void report(enum read_mode mode, const char *file, int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (mode == READ_STRICT)
		fatal_at(file, line, "%s", msg);
	warn_at(file, line, "%s", msg);
}

static void apply(struct symbol *sym, const char *value, bool not_set,
		  enum read_mode mode, const char *file, int line)
{
	const char *prefix = config_prefix();

	if (sym->type == T_BOOL) {
		if (!strcmp(value, "m"))
			report(mode, file, line, "%s%s=m: tristate is not supported", prefix, sym->name);
		else if (!sym_value_valid(sym, value))
			report(mode, file, line, "%s%s=%s: invalid value for bool (use y or n)",
			       prefix, sym->name, value);
		else if (sym->choice && !strcmp(value, "y")) {
			sym->choice->user_choice = sym;
			sym->choice->user_choice_set = true;
		} else if (sym->choice && !sym->choice->user_choice_set) {
			/* only ever matters for an optional choice: "none of them" */
			sym->choice->user_choice_set = true;
		}
		if (!sym_value_valid(sym, value))
			return;
	} else if (not_set) {
		/* "# CONFIG_N is not set" for a non-bool: nothing to take */
		return;
	} else if (!sym_value_valid(sym, value)) {
		report(mode, file, line, "%s%s=%s is not a valid %s", prefix, sym->name, value,
		       sym->type == T_INT ? "int" : "hex");
		return;
	}
	sym_set_user(sym, value, file, line);
}

/*
 * Returns -1 (errno set) when the file cannot be opened, so callers can
 * decide whether a missing file is an error.
 */
int config_read(const char *path, enum read_mode mode)
{
	const char *prefix = config_prefix();
	size_t plen = strlen(prefix);
	char *line = NULL, *file;
	size_t cap = 0;
	ssize_t n;
	int lineno = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	file = xstrdup(path);
	while ((n = getline(&line, &cap, f)) >= 0) {
		char *name, *eq, *value, *p;
		bool not_set = false;
		struct symbol *sym;

		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		for (p = line; *p == ' ' || *p == '\t'; p++)
			;
		if (!*p)
			continue;
		if (*p == '#') {
			size_t len;

			if (strncmp(p, "# ", 2) || strncmp(p + 2, prefix, plen))
				continue;
			name = p + 2 + plen;
			len = strlen(name);
			if (len <= 11 || strcmp(name + len - 11, " is not set"))
				continue;
			name[len - 11] = '\0';
			value = xstrdup("n");
			not_set = true;
		} else {
			eq = strchr(p, '=');
			if (strncmp(p, prefix, plen) || !eq || eq == p + plen) {
				report(mode, file, lineno, "malformed line: %s", line);
				continue;
			}
			*eq = '\0';
			name = p + plen;
			if (!parse_value(eq + 1, &value)) {
				report(mode, file, lineno, "malformed value for %s%s", prefix, name);
				continue;
			}
		}
		sym = sym_lookup(name, false);
		if (!sym || !(sym->flags & SYM_DEFINED)) {
			report(mode, file, lineno, "unknown symbol %s%s", prefix, name);
			free(value);
			continue;
		}
		apply(sym, value, not_set, mode, file, lineno);
		free(value);
	}
	free(line);
	fclose(f);
	return 0;
}

/*
 * After values are resolved: a user value that the tool had to drop is a
 * mistake in a defconfig (error) and worth a note in a .config (warning).
 */
void config_check_user_values(enum read_mode mode)
{
	const char *prefix = config_prefix();
	struct symbol *sym;
	long long lo, hi;

	for (sym = all_symbols; sym; sym = sym->all_next) {
		if (!sym->has_user || !(sym->flags & SYM_DEFINED) || !sym->user_file)
			continue;
		/*
		 * A board defconfig that sets a symbol which cannot take the
		 * value is almost always a mistake: say why it was dropped.
		 */
		if (mode == READ_STRICT && !sym->choice && strcmp(sym->user, sym_value(sym)) &&
		    (!sym_visible(sym) || sym_is_selected(sym))) {
			warn_at(sym->user_file, sym->user_line, "%s%s=%s is ignored: %s", prefix,
				sym->name, sym->user,
				!sym_deps_met(sym) ? "its dependencies are not met" :
				sym_is_selected(sym) ? "it is forced on by select" :
				"it has no prompt here, so it takes its default");
			continue;
		}
		if (!sym_visible(sym))
			continue;
		if ((sym->type == T_INT || sym->type == T_HEX) &&
		    sym_active_range(sym, &lo, &hi) && !sym_in_range(sym, sym->user)) {
			if (sym->type == T_HEX)
				report(mode, sym->user_file, sym->user_line,
				       "%s%s=%s out of range 0x%llx..0x%llx", prefix, sym->name,
				       sym->user, lo, hi);
			else
				report(mode, sym->user_file, sym->user_line,
				       "%s%s=%s out of range %lld..%lld", prefix, sym->name,
				       sym->user, lo, hi);
		}
	}
}

static void add_escaped(struct strbuf *sb, const char *s)
{
	sb_addc(sb, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			sb_addc(sb, '\\');
		sb_addc(sb, *s);
	}
	sb_addc(sb, '"');
}

static void add_config_line(struct strbuf *sb, struct symbol *sym)
{
	const char *prefix = config_prefix(), *val = sym_value(sym);

	if (sym->type == T_BOOL && strcmp(val, "y")) {
		sb_addf(sb, "# %s%s is not set\n", prefix, sym->name);
		return;
	}
	sb_addf(sb, "%s%s=", prefix, sym->name);
	if (sym->type == T_STRING)
		add_escaped(sb, val);
	else
		sb_adds(sb, val);
	sb_addc(sb, '\n');
}

char *symbol_config_line(struct symbol *sym)
{
	struct strbuf sb = { 0 };

	add_config_line(&sb, sym);
	return sb.buf;
}

static void clear_marks(void)
{
	struct symbol *sym;

	for (sym = all_symbols; sym; sym = sym->all_next)
		sym->out_mark = 0;
}

/* Pre-order walk of the tree: the order of every output file. */
static const struct menu *menu_walk_next(const struct menu *m)
{
	if (m->child)
		return m->child;
	while (m) {
		if (m->next)
			return m->next;
		m = m->parent;
	}
	return NULL;
}

char *config_render(void)
{
	struct strbuf sb = { 0 };
	const struct menu *m;
	bool need_blank = false;

	clear_marks();
	sb_addf(&sb, "#\n# Automatically generated file; DO NOT EDIT.\n# %s\n#\n",
		root_menu.prompt ? root_menu.prompt : "Configuration");
	for (m = root_menu.child; m; m = menu_walk_next(m)) {
		struct symbol *sym = m->sym;

		if (m->kind == M_MENU || m->kind == M_COMMENT) {
			if (menu_visible(m)) {
				sb_addf(&sb, "\n#\n# %s\n#\n", m->prompt);
				need_blank = false;
			}
			continue;
		}
		if (m->kind != M_CONFIG || sym->out_mark || !sym_writes(sym))
			continue;
		sym->out_mark = 1;
		if (need_blank)
			sb_addc(&sb, '\n');
		need_blank = false;
		add_config_line(&sb, sym);
	}
	return sb.buf;
}

/*
 * Minimal defconfig: a symbol is listed only if the user could change it
 * and its value differs from what it would be without a user value. A
 * choice is listed as its picked member, unless that is the default.
 */
char *defconfig_render(void)
{
	struct strbuf sb = { 0 };
	const struct menu *m;

	clear_marks();
	sb_adds(&sb, "");
	for (m = root_menu.child; m; m = menu_walk_next(m)) {
		struct symbol *sym = m->sym;

		if (m->kind == M_CHOICE && !sym->out_mark) {
			struct symbol *sel, *def;
			bool had = sym->user_choice_set;

			sym->out_mark = 1;
			if (!sym_visible(sym))
				continue;
			sel = choice_selection(sym);
			sym->user_choice_set = false;
			sym_invalidate_all();
			def = choice_selection(sym);
			sym->user_choice_set = had;
			sym_invalidate_all();
			if (sel && sel != def)
				add_config_line(&sb, sel);
			else if (!sel && def)
				sb_addf(&sb, "# %s%s is not set\n", config_prefix(), def->name);
			continue;
		}
		if (m->kind != M_CONFIG || sym->out_mark || sym->choice)
			continue;
		sym->out_mark = 1;
		if (!sym_writes(sym) || !sym_visible(sym))
			continue;
		if (sym->type == T_BOOL && sym_is_selected(sym))
			continue;
		if (!strcmp(sym_value(sym), sym_default_value(sym)))
			continue;
		add_config_line(&sb, sym);
	}
	return sb.buf;
}

static void add_header_string(struct strbuf *sb, const char *s)
{
	sb_addc(sb, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			sb_addf(sb, "\\%c", *s);
		else if ((unsigned char)*s < 0x20 || *s == 0x7f)
			sb_addf(sb, "\\%03o", (unsigned char)*s);
		else
			sb_addc(sb, *s);
	}
	sb_addc(sb, '"');
}

/*
 * Every bool is defined as 0 or 1, never left undefined, so C code can
 * write `if (CFG_X)` and a misspelt name fails to compile.
 */
char *header_render(void)
{
	struct strbuf sb = { 0 };
	const struct menu *m;

	clear_marks();
	sb_addf(&sb, "/*\n * Automatically generated by scripts/kconfig/conf from %s; DO NOT EDIT.\n"
		" * %s\n */\n#ifndef TINYRUN_GENERATED_AUTOCONF_H\n"
		"#define TINYRUN_GENERATED_AUTOCONF_H\n\n",
		"Kconfig and .config", root_menu.prompt ? root_menu.prompt : "Configuration");
	for (m = root_menu.child; m; m = menu_walk_next(m)) {
		struct symbol *sym = m->sym;

		if (m->kind != M_CONFIG || sym->out_mark)
			continue;
		sym->out_mark = 1;
		sb_addf(&sb, "#define CFG_%s ", sym->name);
		switch (sym->type) {
		case T_BOOL:
			sb_adds(&sb, sym_is_y(sym) ? "1" : "0");
			break;
		case T_INT:
		case T_HEX:
			sb_adds(&sb, sym_header_value(sym));
			break;
		default:
			add_header_string(&sb, sym_header_value(sym));
			break;
		}
		sb_addc(&sb, '\n');
	}
	sb_adds(&sb, "\n#endif /* TINYRUN_GENERATED_AUTOCONF_H */\n");
	return sb.buf;
}

static int mkdir_parents(const char *path)
{
	char *dir = xstrdup(path), *p;

	for (p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
			free(dir);
			return -1;
		}
		*p = '/';
	}
	free(dir);
	return 0;
}

static bool same_content(const char *path, const char *content)
{
	size_t len = strlen(content), n;
	char *buf;
	bool same = false;
	FILE *f = fopen(path, "r");

	if (!f)
		return false;
	buf = xmalloc(len + 2);
	n = fread(buf, 1, len + 1, f);
	if (n == len && !memcmp(buf, content, len))
		same = true;
	free(buf);
	fclose(f);
	return same;
}

/* Write through a temp file and rename, so a reader never sees half a file. */
int write_file(const char *path, const char *content, bool only_if_changed)
{
	struct strbuf tmp = { 0 };
	FILE *f;
	int ret = 0;

	if (only_if_changed && same_content(path, content))
		return 0;
	if (mkdir_parents(path) < 0)
		fatal("can't create directories for %s: %s", path, strerror(errno));
	sb_addf(&tmp, "%s.tmp%ld", path, (long)getpid());
	f = fopen(tmp.buf, "w");
	if (!f)
		fatal("can't write %s: %s", tmp.buf, strerror(errno));
	if (fputs(content, f) == EOF)
		ret = -1;
	if (fclose(f) == EOF)
		ret = -1;
	if (ret == 0 && rename(tmp.buf, path) < 0)
		ret = -1;
	if (ret < 0) {
		unlink(tmp.buf);
		fatal("can't write %s: %s", path, strerror(errno));
	}
	sb_free(&tmp);
	return 0;
}
