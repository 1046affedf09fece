/* SPDX-License-Identifier: MIT */
/*
 * conf: command line front end. Mode names match the kernel's conf so
 * Buildroot, Yocto and people's muscle memory work unchanged:
 *
 *   conf --olddefconfig Kconfig     conf --defconfig FILE Kconfig
 *   conf --oldconfig Kconfig        conf --savedefconfig FILE Kconfig
 *   conf --oldaskconfig Kconfig     conf --syncconfig Kconfig
 *   conf --allnoconfig|--allyesconfig|--alldefconfig|--randconfig Kconfig
 *   conf --listnewconfig Kconfig
 *
 * Environment: KCONFIG_CONFIG (default .config), KCONFIG_AUTOHEADER
 * (default include/generated/autoconf.h), KCONFIG_SEED (randconfig).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kconfig.h"
#include "ask.h"

enum mode {
	MODE_NONE, MODE_OLDDEFCONFIG, MODE_OLDCONFIG, MODE_OLDASKCONFIG, MODE_DEFCONFIG,
	MODE_SAVEDEFCONFIG, MODE_ALLNO, MODE_ALLYES, MODE_ALLDEF, MODE_RAND,
	MODE_LISTNEW, MODE_SYNC,
};

static const struct {
	const char *opt;
	enum mode mode;
	bool takes_file;
} modes[] = {
	{ "olddefconfig", MODE_OLDDEFCONFIG, false },
	{ "oldnoconfig", MODE_OLDDEFCONFIG, false },
	{ "oldconfig", MODE_OLDCONFIG, false },
	{ "oldaskconfig", MODE_OLDASKCONFIG, false },
	{ "defconfig", MODE_DEFCONFIG, true },
	{ "savedefconfig", MODE_SAVEDEFCONFIG, true },
	{ "allnoconfig", MODE_ALLNO, false },
	{ "allyesconfig", MODE_ALLYES, false },
	{ "alldefconfig", MODE_ALLDEF, false },
	{ "randconfig", MODE_RAND, false },
	{ "listnewconfig", MODE_LISTNEW, false },
	{ "syncconfig", MODE_SYNC, false },
	{ "silentoldconfig", MODE_SYNC, false },
};

static __attribute__((noreturn)) void usage(void)
{
	size_t i;

	fprintf(stderr, "usage: conf MODE [FILE] Kconfig\nmodes:");
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		fprintf(stderr, " --%s%s", modes[i].opt, modes[i].takes_file ? " FILE" : "");
	fputc('\n', stderr);
	exit(1);
}

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

/* Small self-contained PRNG: the same seed gives the same config on any libc. */
static uint32_t rng_state;

static uint32_t rng_next(void)
{
	uint32_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	rng_state = x;
	return x;
}

static void seed_random(void)
{
	const char *s = getenv("KCONFIG_SEED");
	uint32_t seed;

	if (s && *s) {
		char *end;
		unsigned long v;

		errno = 0;
		v = strtoul(s, &end, 0);
		if (errno || *end)
			fatal("KCONFIG_SEED=%s is not a number", s);
		seed = (uint32_t)v;
	} else {
		seed = (uint32_t)time(NULL) ^ ((uint32_t)getpid() << 16) ^ (uint32_t)clock();
		fprintf(stderr, "KCONFIG_SEED=0x%X\n", seed);
	}
	/* mix so that nearby seeds diverge; xorshift must not start at 0 */
	rng_state = seed * 2654435761u ^ 0x9e3779b9u;
	if (!rng_state)
		rng_state = 1;
	rng_next();
	rng_next();
}

/*
 * all*config and randconfig give every bool a user value; visibility rules
 * then drop the ones whose dependencies end up false, so the result always
 * satisfies the dependencies.
 */
static void set_all(enum mode mode)
{
	struct symbol *sym;

	if (mode == MODE_RAND)
		seed_random();
	for (sym = all_symbols; sym; sym = sym->all_next) {
		if ((sym->flags & SYM_CHOICE) && mode == MODE_RAND && sym->nmembers) {
			int extra = sym->flags & SYM_OPTIONAL ? 1 : 0;
			uint32_t r = rng_next() % (uint32_t)(sym->nmembers + extra);

			sym->user_choice = (int)r < sym->nmembers ? sym->members[r] : NULL;
			sym->user_choice_set = true;
			continue;
		}
		if (!(sym->flags & SYM_DEFINED) || sym->type != T_BOOL || sym->choice)
			continue;
		if (mode == MODE_ALLNO)
			sym_set_user(sym, "n", NULL, 0);
		else if (mode == MODE_ALLYES)
			sym_set_user(sym, "y", NULL, 0);
		else if (mode == MODE_RAND)
			sym_set_user(sym, rng_next() & 0x100 ? "y" : "n", NULL, 0);
	}
	sym_invalidate_all();
}

static void list_new(void)
{
	struct symbol *sym;

	for (sym = all_symbols; sym; sym = sym->all_next) {
		bool is_new;
		const char *val;

		if (!(sym->flags & SYM_DEFINED) || !sym_visible(sym))
			continue;
		is_new = sym->choice ? !sym->choice->user_choice_set && !sym->has_user : !sym->has_user;
		if (!is_new)
			continue;
		val = sym_value(sym);
		if (sym->type == T_STRING) {
			char *line = symbol_config_line(sym);

			fputs(line, stdout);
			free(line);
		} else {
			printf("%s%s=%s\n", config_prefix(), sym->name, val);
		}
	}
}

/* select forces y past the target's dependencies; say so, as the kernel does */
static void warn_unmet_selects(void)
{
	struct symbol *sym;
	const struct reverse_dep *rd;

	for (sym = all_symbols; sym; sym = sym->all_next) {
		if (!(sym->flags & SYM_DEFINED) || sym->type != T_BOOL || sym_deps_met(sym))
			continue;
		for (rd = sym->selected_by; rd; rd = rd->next) {
			if (sym_is_y(rd->from) && expr_eval(rd->cond)) {
				warn_at(rd->file, rd->line,
					"%s selects %s which has unmet direct dependencies (%s:%d)",
					rd->from->name, sym->name, sym->entries->file,
					sym->entries->line);
				break;
			}
		}
	}
}

int main(int argc, char **argv)
{
	enum mode mode = MODE_NONE;
	const char *file = NULL, *kconfig = NULL, *config;
	bool silent = false;
	int i;
	size_t k;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-s")) {
			silent = true;
			continue;
		}
		if (!strncmp(a, "--", 2) && mode == MODE_NONE) {
			const char *eq = strchr(a, '=');
			size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);

			for (k = 0; k < sizeof(modes) / sizeof(modes[0]); k++)
				if (strlen(modes[k].opt) == len && !strncmp(a + 2, modes[k].opt, len))
					break;
			if (k == sizeof(modes) / sizeof(modes[0]))
				usage();
			mode = modes[k].mode;
			if (modes[k].takes_file) {
				if (eq)
					file = eq + 1;
				else if (i + 1 < argc)
					file = argv[++i];
				else
					usage();
			} else if (eq) {
				usage();
			}
			continue;
		}
		if (kconfig || *a == '-')
			usage();
		kconfig = a;
	}
	if (mode == MODE_NONE || !kconfig)
		usage();
	if (file && !*file)
		usage();
	if (mode == MODE_SYNC)
		silent = true;

	parse_kconfig(kconfig);
	config = env_or("KCONFIG_CONFIG", ".config");

	switch (mode) {
	case MODE_DEFCONFIG:
		if (config_read(file, READ_STRICT) < 0)
			fatal("can't open defconfig file %s: %s", file, strerror(errno));
		break;
	case MODE_ALLNO:
	case MODE_ALLYES:
	case MODE_ALLDEF:
	case MODE_RAND:
		set_all(mode);
		break;
	default:
		/* a missing .config is an empty one, as with the kernel */
		if (config_read(config, READ_LENIENT) < 0 && errno != ENOENT)
			fatal("can't read %s: %s", config, strerror(errno));
		break;
	}
	sym_invalidate_all();

	switch (mode) {
	case MODE_LISTNEW:
		list_new();
		return 0;
	case MODE_SAVEDEFCONFIG: {
		char *text = defconfig_render();

		write_file(file, text, false);
		free(text);
		return 0;
	}
	case MODE_OLDCONFIG:
		ask_config(false);
		break;
	case MODE_OLDASKCONFIG:
		ask_config(true);
		break;
	default:
		break;
	}

	config_check_user_values(mode == MODE_DEFCONFIG ? READ_STRICT : READ_LENIENT);
	warn_unmet_selects();
	{
		char *text = config_render();

		/* keep the previous configuration, as the kernel's tools do */
		if (mode != MODE_SYNC) {
			struct strbuf old = { 0 };

			sb_addf(&old, "%s.old", config);
			if (rename(config, old.buf) < 0 && errno != ENOENT)
				warn_at(NULL, 0, "can't rename %s to %s: %s", config, old.buf,
					strerror(errno));
			sb_free(&old);
		}
		write_file(config, text, mode == MODE_SYNC);
		free(text);
	}
	if (mode == MODE_SYNC) {
		char *text = header_render();

		write_file(env_or("KCONFIG_AUTOHEADER", "include/generated/autoconf.h"), text, true);
		free(text);
	}
	if (!silent && (mode == MODE_OLDCONFIG || mode == MODE_OLDASKCONFIG))
		printf("#\n# configuration written to %s\n#\n", config);
	return 0;
}
