/* SPDX-License-Identifier: MIT */
/*
 * tinyrun's own kconfig host tool: shared types.
 *
 * The tool is built with nothing but the host C compiler and libc, so that
 * Buildroot and Yocto can run `make olddefconfig` etc. without extra host
 * packages. It reads the subset of the Kconfig language tinyrun uses.
 *
 * Model: the parser builds a tree of `struct menu` nodes (menus, configs,
 * choices, comments, if-blocks) in file order; each config node points at
 * a `struct symbol`. A symbol's value is computed lazily from the user
 * value (read from .config or answered), its prompts, defaults, ranges and
 * reverse dependencies (select); computed values are cached per
 * "generation" and invalidated wholesale whenever any user value changes.
 */
#ifndef TINYRUN_KCONFIG_H
#define TINYRUN_KCONFIG_H

#include <stdbool.h>
#include <stddef.h>

/* ---- util.c ---- */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
__attribute__((noreturn, format(printf, 1, 2)))
void fatal(const char *fmt, ...);
__attribute__((noreturn, format(printf, 3, 4)))
void fatal_at(const char *file, int line, const char *fmt, ...);
__attribute__((format(printf, 3, 4)))
void warn_at(const char *file, int line, const char *fmt, ...);
extern bool kc_quiet_warnings;

struct strbuf {
	char *buf;
	size_t len, cap;
};
void sb_addc(struct strbuf *sb, char c);
void sb_adds(struct strbuf *sb, const char *s);
__attribute__((format(printf, 2, 3)))
void sb_addf(struct strbuf *sb, const char *fmt, ...);
void sb_free(struct strbuf *sb);

/* ---- types ---- */
enum sym_type { T_NONE, T_BOOL, T_INT, T_HEX, T_STRING };

enum expr_op { E_SYM, E_NOT, E_AND, E_OR, E_EQ, E_NE };

struct expr {
	enum expr_op op;
	struct expr *l, *r;	/* operands of NOT/AND/OR */
	struct symbol *sym;	/* E_SYM; E_EQ/E_NE use sym and rsym */
	struct symbol *rsym;
};

enum prop_kind { P_PROMPT, P_DEFAULT, P_RANGE };

struct property {
	enum prop_kind kind;
	struct property *next;
	struct menu *menu;	/* entry that declared it: its deps apply */
	char *text;		/* P_PROMPT */
	struct expr *value;	/* P_DEFAULT */
	struct symbol *min, *max; /* P_RANGE */
	struct expr *cond;	/* "if expr", or NULL */
	const char *file;
	int line;
};

/* One `select TARGET if COND` seen from the target's side. */
struct reverse_dep {
	struct reverse_dep *next;
	struct symbol *from;
	struct expr *cond;
	const char *file;
	int line;
};

#define SYM_CONST	0x01	/* y, n, "string", 123: a literal */
#define SYM_DEFINED	0x02	/* has a config/menuconfig entry */
#define SYM_CHOICE	0x04	/* the pseudo symbol of a choice block */
#define SYM_OPTIONAL	0x08	/* choice declared `optional` */
#define SYM_BOOLREF	0x10	/* referenced where a symbol (not a literal) is expected */

struct symbol {
	char *name;		/* NULL for an unnamed choice */
	enum sym_type type;
	unsigned flags;
	struct property *props, **props_tail;
	struct reverse_dep *selected_by;
	struct menu *entries;	/* first entry; others via menu->sym_next */
	struct symbol *choice;	/* choice block this symbol belongs to */
	struct symbol **members;	/* choice: its member symbols */
	int nmembers;

	/* user value from .config, a defconfig or an answer */
	bool has_user;
	char *user;
	const char *user_file;
	int user_line;
	bool user_choice_set;	/* choice: the user picked (maybe none) */
	struct symbol *user_choice;

	/* computed value, valid while gen == sym_generation */
	unsigned gen;
	bool calculating;
	const char *val;	/* interned */
	bool write;		/* goes into .config */

	const char *ref_file;	/* first reference, for warnings */
	int ref_line;
	int dfs_state;		/* recursive dependency check */
	int out_mark;		/* writers: written already */
	struct symbol *hash_next;
	struct symbol *all_next;
};

enum menu_kind { M_ROOT, M_MENU, M_CONFIG, M_CHOICE, M_COMMENT, M_IF };

struct menu {
	enum menu_kind kind;
	struct menu *parent, *child, *last_child, *next;
	struct symbol *sym;	/* M_CONFIG, M_CHOICE */
	char *prompt;		/* M_ROOT (mainmenu), M_MENU, M_COMMENT */
	struct expr *dep;	/* own `depends on` / `if` condition */
	struct expr *visible_if;	/* M_MENU */
	char *help;
	const char *file;
	int line;
	struct menu *sym_next;	/* next entry defining the same symbol */
};

/* ---- lexer.c ---- */
enum tok_kind { TK_WORD, TK_STRING, TK_NOT, TK_AND, TK_OR, TK_EQ, TK_NE,
		TK_LPAREN, TK_RPAREN };

struct token {
	enum tok_kind kind;
	char *text;
};

struct source_file {
	char *path;
	char **lines;
	int nlines;
	int pos;		/* next physical line (0-based) */
};

struct logical_line {
	struct token *tok;
	int ntok;
	int line;		/* 1-based line where it starts */
};

struct source_file *source_open(const char *path);
bool source_next(struct source_file *src, struct logical_line *ll);
char *source_read_help(struct source_file *src);
const char *token_text(const struct token *t);

/* ---- expr.c ---- */
struct expr_parser {
	struct logical_line *ll;
	int pos;
	const char *file;
};
struct expr *expr_parse(struct expr_parser *p);
struct expr *expr_alloc_sym(struct symbol *sym);
struct expr *expr_and(struct expr *a, struct expr *b);
bool expr_eval(const struct expr *e);
typedef void (*expr_sym_fn)(struct symbol *sym, void *ctx);
void expr_for_each_sym(const struct expr *e, expr_sym_fn fn, void *ctx);
struct symbol *parse_symbol_token(struct expr_parser *p, bool literal_ok);

/* ---- parser.c ---- */
extern struct menu root_menu;
void parse_kconfig(const char *path);

/* ---- symbol.c ---- */
extern struct symbol *all_symbols;
extern unsigned sym_generation;
struct symbol *sym_lookup(const char *name, bool create);
struct symbol *sym_const(const char *text);
struct symbol *sym_new_choice(void);
const char *sym_display_name(const struct symbol *sym);
void sym_invalidate_all(void);
const char *sym_value(struct symbol *sym);
bool sym_is_y(struct symbol *sym);
bool sym_visible(struct symbol *sym);
bool sym_deps_met(struct symbol *sym);
bool sym_is_selected(struct symbol *sym);
bool sym_prompt_text(struct symbol *sym, const char **text);
bool sym_writes(struct symbol *sym);
struct symbol *choice_selection(struct symbol *choice);
struct symbol *choice_default(struct symbol *choice);
const char *sym_default_value(struct symbol *sym);
const char *sym_header_value(struct symbol *sym);
bool menu_deps_met(const struct menu *m);
bool menu_visible(const struct menu *m);
bool sym_value_valid(const struct symbol *sym, const char *val);
bool sym_active_range(struct symbol *sym, long long *min, long long *max);
bool sym_in_range(struct symbol *sym, const char *val);
long long sym_parse_number(const struct symbol *sym, const char *val);
void sym_set_user(struct symbol *sym, const char *val, const char *file, int line);
void check_kconfig(void);

/* ---- confio.c ---- */
enum read_mode { READ_LENIENT, READ_STRICT };
const char *config_prefix(void);
int config_read(const char *path, enum read_mode mode);
void config_check_user_values(enum read_mode mode);
char *config_render(void);
char *defconfig_render(void);
char *header_render(void);
char *symbol_config_line(struct symbol *sym);
int write_file(const char *path, const char *content, bool only_if_changed);

#endif
