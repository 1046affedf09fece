/* SPDX-License-Identifier: MIT */
/*
 * Minimal unit-test harness: each test file defines TEST(name) functions and
 * lists them in the runner; CHECK* record failures without aborting so one run
 * reports every broken assertion. The runner ends with "N passed, N failed".
 */
#ifndef TINYRUN_UNIT_H
#define TINYRUN_UNIT_H

#include <stdio.h>
#include <string.h>

extern int unit_failed_checks;

#define CHECK(cond) do { if (!(cond)) { unit_failed_checks++; \
	fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); } } while (0)
#define CHECK_INT(a, b) do { long long _a = (long long)(a), _b = (long long)(b); if (_a != _b) { \
	unit_failed_checks++; fprintf(stderr, "  %s:%d: %s == %lld, expected %lld\n", \
	__FILE__, __LINE__, #a, _a, _b); } } while (0)
#define CHECK_STR(a, b) do { const char *_a = (a), *_b = (b); if (!_a || !_b || strcmp(_a, _b)) { \
	unit_failed_checks++; fprintf(stderr, "  %s:%d: %s == \"%s\", expected \"%s\"\n", \
	__FILE__, __LINE__, #a, _a ? _a : "(null)", _b ? _b : "(null)"); } } while (0)
#define CHECK_CONTAINS(hay, needle) do { const char *_h = (hay), *_n = (needle); \
	if (!_h || !strstr(_h, _n)) { unit_failed_checks++; fprintf(stderr, \
	"  %s:%d: \"%s\" does not contain \"%s\"\n", __FILE__, __LINE__, _h ? _h : "(null)", _n); } } while (0)

struct unit_test { const char *name; void (*fn)(void); };

/* Each test source ends with UNIT_SUITE(name, {"t1", t1}, ...); the runner links them all. */
#define UNIT_SUITE(suite, ...) \
	const struct unit_test unit_suite_##suite[] = { __VA_ARGS__, { 0, 0 } }

#endif
