/* SPDX-License-Identifier: MIT */
/*
 * Runs every suite listed in the generated suites.h (one UNIT_SUITE per
 * tests/unit/test_*.c) and prints "N passed, N failed". An optional argument
 * runs only the suites whose name contains it. Exit status 1 on any failure.
 */
#include <stdio.h>
#include <string.h>

#include "unit.h"

int unit_failed_checks;

#define SUITE(name) extern const struct unit_test unit_suite_##name[];
#include "suites.h"
#undef SUITE

static const struct { const char *name; const struct unit_test *tests; } suites[] = {
#define SUITE(name) { #name, unit_suite_##name },
#include "suites.h"
#undef SUITE
};

int main(int argc, char **argv)
{
	unsigned passed = 0, failed = 0, i;
	const struct unit_test *t;

	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		if (argc > 1 && !strstr(suites[i].name, argv[1]))
			continue;
		for (t = suites[i].tests; t->name; t++) {
			int before = unit_failed_checks;

			t->fn();
			if (unit_failed_checks != before) {
				failed++;
				printf("FAIL %s.%s\n", suites[i].name, t->name);
			} else {
				passed++;
				printf("ok   %s.%s\n", suites[i].name, t->name);
			}
			fflush(stdout);
		}
	}
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
