/* test_version.c - the version schemes against the reference vectors in
 * $SHARED/vectors (dpkg, rpmvercmp, apk v2/v3, PEP 440, node-semver) and
 * hand-written cases from each ecosystem's documented ordering (Maven,
 * Go, RubyGems, cargo, Composer, NuGet).  Without $SHARED/vectors the
 * hand-written cases still run and the test then exits 77 (skipped). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <jansson.h>

#include "customs/errors.h"
#include "customs/version.h"
#include "vuln/version.h"

static char vectors[4096];

static const customs_version_scheme *S(const char *name)
{
	const customs_version_scheme *s = customs_version_scheme_find(name);
	if (!s)
		fail_msg("no scheme %s", name);
	return s;
}

static int cmp(const char *scheme, const char *a, const char *b)
{
	int out = 99, err = customs_version_compare(S(scheme), a, b, &out);
	if (err < 0)
		fail_msg("%s compare(\"%s\", \"%s\") failed: %s", scheme, a, b, customs_error_last());
	return out;
}

static int sat(const char *scheme, const char *v, const char *c)
{
	int out = 99, err = customs_version_satisfies(S(scheme), v, c, &out);
	if (err < 0)
		fail_msg("%s satisfies(\"%s\", \"%s\") failed: %s", scheme, v, c, customs_error_last());
	return out;
}

/* Each string sorts strictly after the one before, and every pair agrees. */
static void assert_sorted(const char *scheme, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			int want = i < j ? -1 : i > j ? 1 : 0, got = cmp(scheme, v[i], v[j]);
			if (got != want)
				fail_msg("%s: \"%s\" vs \"%s\": got %d, want %d", scheme, v[i], v[j], got, want);
		}
}

static void assert_equal_all(const char *scheme, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			if (cmp(scheme, v[i], v[j]) != 0)
				fail_msg("%s: \"%s\" should equal \"%s\"", scheme, v[i], v[j]);
}

static void assert_invalid(const char *scheme, const char *v)
{
	int err = customs_version_valid(S(scheme), v);
	if (err != CUSTOMS_EFORMAT && err != CUSTOMS_ELIMIT)
		fail_msg("%s: \"%s\" should be invalid (got %d)", scheme, v, err);
}

static void assert_valid(const char *scheme, const char *v)
{
	if (customs_version_valid(S(scheme), v) != 0)
		fail_msg("%s: \"%s\" should be valid: %s", scheme, v, customs_error_last());
}

static void assert_bad_constraint(const char *scheme, const char *v, const char *c)
{
	int out = 99, err = customs_version_satisfies(S(scheme), v, c, &out);
	if (err >= 0)
		fail_msg("%s: constraint \"%s\" should be rejected (got %d)", scheme, c, out);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---------------------------------------------------------------------- */
/* vectors                                                                */
/* ---------------------------------------------------------------------- */

static FILE *open_vector(const char *name)
{
	char path[4352];
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", vectors, name);
	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s", path);
	return f;
}

/* "A B -1|0|1" per line (dpkg, rpmvercmp). */
static void run_cmp_file(const char *scheme, const char *file)
{
	char line[1024], a[512], b[512];
	int want, n = 0, pass = 0;
	FILE *f = open_vector(file);

	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%511s %511s %d", a, b, &want) != 3)
			continue;
		n++;
		int got = cmp(scheme, a, b), back = cmp(scheme, b, a);
		if (got == want && back == -want)
			pass++;
		else
			print_error("%s: %s vs %s: got %d/%d, want %d\n", scheme, a, b, got, back, want);
	}
	fclose(f);
	printf("[vectors] %s: %d/%d pass\n", file, pass, n);
	assert_true(n > 0);
	assert_int_equal(pass, n);
}

static void t_dpkg_vectors(void **state)
{
	(void)state;
	run_cmp_file("dpkg", "dpkg-version-cmp.txt");
}

static void t_rpm_vectors(void **state)
{
	(void)state;
	run_cmp_file("rpm", "rpmvercmp.txt");
}

/* apk-tools' version.data: "v1 OP v2" holds, "v" is valid, "!v" is not. */
static void run_apk_file(const char *file)
{
	char line[1024];
	int n = 0, pass = 0;
	FILE *f = open_vector(file);

	while (fgets(line, sizeof(line), f)) {
		char *hash = strchr(line, '#'), a[512], op[16], b[512];
		int fields, ok = 0, out = -1, err;
		if (hash)
			*hash = '\0';
		fields = sscanf(line, "%511s %15s %511s", a, op, b);
		if (fields <= 0)
			continue;
		n++;
		if (fields == 3) {
			err = version__apk_match(a, op, b, &out);
			ok = err == 0 && out == 1;
		} else if (fields == 1) {
			if (a[0] == '!')
				ok = customs_version_valid(S("apk"), a + 1) == CUSTOMS_EFORMAT;
			else
				ok = customs_version_valid(S("apk"), a) == 0;
		} else if (fields == 2) {
			/* a lone "!" followed by nothing: the empty version */
			ok = 0;
		}
		if (!ok && fields == 1 && !strcmp(a, "!"))
			ok = customs_version_valid(S("apk"), "") == CUSTOMS_EFORMAT;
		if (ok)
			pass++;
		else
			print_error("apk %s: failed: %s", file, line);
	}
	fclose(f);
	printf("[vectors] %s: %d/%d pass\n", file, pass, n);
	assert_true(n > 0);
	assert_int_equal(pass, n);
}

static void t_apk_v2_vectors(void **state)
{
	(void)state;
	run_apk_file("apk-version-v2.data");
}

static void t_apk_v3_vectors(void **state)
{
	(void)state;
	run_apk_file("apk-version-v3.data");
}

static const char *sort_scheme;
static int qcmp(const void *a, const void *b)
{
	return cmp(sort_scheme, *(const char *const *)a, *(const char *const *)b);
}

static void t_pep440_vectors(void **state)
{
	char line[256], *v[256], *sorted[256];
	size_t n = 0, pairs = 0, pass = 0;
	FILE *f = open_vector("pep440-sorted-versions.txt");

	(void)state;
	while (n < N(v) && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0])
			v[n++] = strdup(line);
	}
	fclose(f);
	assert_true(n > 1);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			int want = i < j ? -1 : i > j ? 1 : 0;
			pairs++;
			if (cmp("pep440", v[i], v[j]) == want)
				pass++;
			else
				print_error("pep440: %s vs %s: want %d\n", v[i], v[j], want);
		}
	/* and a sort reproduces the file's order */
	memcpy(sorted, v, n * sizeof(*v));
	sort_scheme = "pep440";
	qsort(sorted, n, sizeof(*sorted), qcmp);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(sorted[i], v[i]);
	printf("[vectors] pep440-sorted-versions.txt: %zu versions, %zu/%zu ordered pairs pass\n", n, pass, pairs);
	assert_int_equal(pass, pairs);
	for (size_t i = 0; i < n; i++)
		free(v[i]);
}

/* node-semver fixtures: options are `true` (loose) or an object. */
static unsigned semver_opts(json_t *o)
{
	unsigned r = 0;
	json_t *x;
	if (!o)
		return 0;
	if (json_is_true(o))
		return VERSION__SEMVER_LOOSE;
	if (!json_is_object(o))
		return 0;
	if ((x = json_object_get(o, "loose")) &&
	    (json_is_true(x) || (json_is_number(x) && json_number_value(x) != 0) ||
	     (json_is_string(x) && json_string_length(x) > 0)))
		r |= VERSION__SEMVER_LOOSE;
	if ((x = json_object_get(o, "includePrerelease")) && (json_is_true(x) || (json_is_number(x) && json_number_value(x) != 0)))
		r |= VERSION__SEMVER_INCPRE;
	return r;
}

static json_t *load_semver(const char *name)
{
	char path[4352];
	json_error_t je;
	json_t *j;
	snprintf(path, sizeof(path), "%s/node-semver/%s", vectors, name);
	if (!(j = json_load_file(path, 0, &je)))
		fail_msg("%s: %s", path, je.text);
	assert_true(json_is_array(j));
	return j;
}

static void t_semver_comparisons(void **state)
{
	json_t *j = load_semver("comparisons.json"), *e;
	size_t i, pass = 0;

	(void)state;
	json_array_foreach(j, i, e) {
		const char *a = json_string_value(json_array_get(e, 0)), *b = json_string_value(json_array_get(e, 1));
		unsigned o = semver_opts(json_array_get(e, 2));
		int x = 9, y = 9, z = 9, w = 9;
		if (version__semver_compare_opts(a, b, o, &x) == 0 && version__semver_compare_opts(b, a, o, &y) == 0 &&
		    version__semver_compare_opts(a, a, o, &z) == 0 && version__semver_compare_opts(b, b, o, &w) == 0 &&
		    x == 1 && y == -1 && z == 0 && w == 0)
			pass++;
		else
			print_error("semver comparisons: %s > %s failed (%d %d %d %d) %s\n", a, b, x, y, z, w,
				    customs_error_last());
	}
	printf("[vectors] node-semver/comparisons.json: %zu/%zu pass\n", pass, json_array_size(j));
	assert_int_equal(pass, json_array_size(j));
	json_decref(j);
}

static void t_semver_equality(void **state)
{
	json_t *j = load_semver("equality.json"), *e;
	size_t i, pass = 0;

	(void)state;
	json_array_foreach(j, i, e) {
		const char *a = json_string_value(json_array_get(e, 0)), *b = json_string_value(json_array_get(e, 1));
		unsigned o = semver_opts(json_array_get(e, 2));
		int x = 9, y = 9;
		if (version__semver_compare_opts(a, b, o, &x) == 0 && version__semver_compare_opts(b, a, o, &y) == 0 &&
		    x == 0 && y == 0)
			pass++;
		else
			print_error("semver equality: %s == %s failed: %s\n", a, b, customs_error_last());
	}
	printf("[vectors] node-semver/equality.json: %zu/%zu pass\n", pass, json_array_size(j));
	assert_int_equal(pass, json_array_size(j));
	json_decref(j);
}

static void run_ranges(const char *file, int want)
{
	json_t *j = load_semver(file), *e;
	size_t i, pass = 0, skipped = 0;

	json_array_foreach(j, i, e) {
		const char *r = json_string_value(json_array_get(e, 0)), *v = json_string_value(json_array_get(e, 1));
		unsigned o = semver_opts(json_array_get(e, 2));
		int out = 9, err;
		if (!r || !v) {
			/* a non-string version (false): no C equivalent */
			skipped++;
			continue;
		}
		err = version__semver_satisfies_opts(v, r, o, &out);
		/* node-semver answers false for a version it cannot parse; we
		 * report the error, which the caller treats as "not satisfied" */
		if ((err == 0 && out == want) ||
		    (!want && err == CUSTOMS_EFORMAT && version__semver_valid_opts(v, o) != 0))
			pass++;
		else
			print_error("semver %s: \"%s\" vs \"%s\" (opts %u): got %d/%d, want %d (%s)\n", file, v, r, o, err,
				    out, want, customs_error_last());
	}
	printf("[vectors] node-semver/%s: %zu/%zu pass (%zu non-string skipped)\n", file, pass,
	       json_array_size(j) - skipped, skipped);
	assert_int_equal(pass, json_array_size(j) - skipped);
	json_decref(j);
}

static void t_semver_range_include(void **state)
{
	(void)state;
	run_ranges("range-include.json", 1);
}

static void t_semver_range_exclude(void **state)
{
	(void)state;
	run_ranges("range-exclude.json", 0);
}

static void t_semver_invalid(void **state)
{
	json_t *j = load_semver("invalid-versions.json"), *e;
	size_t i, pass = 0, skipped = 0;

	(void)state;
	json_array_foreach(j, i, e) {
		const char *v = json_string_value(json_array_get(e, 0));
		unsigned o = semver_opts(json_array_get(e, 2));
		int err, out;
		if (!v) {
			skipped++;
			continue;
		}
		err = version__semver_valid_opts(v, o);
		if (err == CUSTOMS_EFORMAT && version__semver_compare_opts(v, "1.0.0", o, &out) == CUSTOMS_EFORMAT)
			pass++;
		else
			print_error("semver invalid: \"%s\" accepted\n", v);
	}
	printf("[vectors] node-semver/invalid-versions.json: %zu/%zu pass (%zu non-string skipped)\n", pass,
	       json_array_size(j) - skipped, skipped);
	assert_int_equal(pass, json_array_size(j) - skipped);
	json_decref(j);
}

static void t_semver_valid(void **state)
{
	json_t *j = load_semver("valid-versions.json"), *e, *x;
	size_t i, pass = 0;

	(void)state;
	json_array_foreach(j, i, e) {
		const char *v = json_string_value(json_array_get(e, 0));
		char expect[512];
		size_t k, o;
		int out = 9;
		o = (size_t)snprintf(expect, sizeof(expect), "%lld.%lld.%lld", json_integer_value(json_array_get(e, 1)),
				     json_integer_value(json_array_get(e, 2)), json_integer_value(json_array_get(e, 3)));
		json_array_foreach(json_array_get(e, 4), k, x) {
			if (json_is_integer(x))
				o += (size_t)snprintf(expect + o, sizeof(expect) - o, "%s%lld", k ? "." : "-", json_integer_value(x));
			else
				o += (size_t)snprintf(expect + o, sizeof(expect) - o, "%s%s", k ? "." : "-", json_string_value(x));
		}
		if (customs_version_valid(S("semver"), v) == 0 && customs_version_compare(S("semver"), v, expect, &out) == 0 && out == 0)
			pass++;
		else
			print_error("semver valid: \"%s\" (as %s) failed: %s\n", v, expect, customs_error_last());
	}
	printf("[vectors] node-semver/valid-versions.json: %zu/%zu pass\n", pass, json_array_size(j));
	assert_int_equal(pass, json_array_size(j));
	json_decref(j);
}

/* ---------------------------------------------------------------------- */
/* hand-written cases                                                     */
/* ---------------------------------------------------------------------- */

static void t_lookup(void **state)
{
	const customs_version_scheme *const *l = customs_version_scheme_list();
	size_t n = 0;

	(void)state;
	for (; l[n]; n++) {
		assert_int_equal(l[n]->version, CUSTOMS_VERSION_SCHEME_VERSION);
		assert_ptr_equal(customs_version_scheme_find(l[n]->name), l[n]);
		assert_non_null(customs_version_scheme_aliases(l[n]->name));
	}
	assert_int_equal(n, 11);
	assert_string_equal(S("deb")->name, "dpkg");
	assert_string_equal(S("Debian:12")->name, "dpkg");
	assert_string_equal(S("ubuntu")->name, "dpkg");
	assert_string_equal(S("AlmaLinux:9")->name, "rpm");
	assert_string_equal(S("redhat")->name, "rpm");
	assert_string_equal(S("rocky")->name, "rpm");
	assert_string_equal(S("Alpine:v3.21")->name, "apk");
	assert_string_equal(S("npm")->name, "semver");
	assert_string_equal(S("PyPI")->name, "pep440");
	assert_string_equal(S("python")->name, "pep440");
	assert_string_equal(S("Maven")->name, "maven");
	assert_string_equal(S("golang")->name, "go");
	assert_string_equal(S("Go")->name, "go");
	assert_string_equal(S("RubyGems")->name, "gem");
	assert_string_equal(S("crates.io")->name, "cargo");
	assert_string_equal(S("Packagist")->name, "composer");
	assert_string_equal(S("NuGet")->name, "nuget");
	assert_null(customs_version_scheme_find("nosuch"));
	assert_null(customs_version_scheme_find(""));
	assert_null(customs_version_scheme_find(NULL));
	assert_null(customs_version_scheme_aliases("deb")); /* names, not aliases */
}

/* Every scheme: NULL, garbage and huge numbers are handled and named. */
static void t_hostile(void **state)
{
	const customs_version_scheme *const *l = customs_version_scheme_list();
	char huge[201], huger[202]; /* 200 and 201 digits: far past 64 bits, within Maven's 256 */

	(void)state;
	memset(huge, '9', sizeof(huge) - 1);
	huge[sizeof(huge) - 1] = '\0';
	memcpy(huger, "1", 1);
	memset(huger + 1, '0', sizeof(huger) - 2);
	huger[sizeof(huger) - 1] = '\0';
	for (size_t i = 0; l[i]; i++) {
		const customs_version_scheme *s = l[i];
		int out = 7;
		assert_int_equal(customs_version_compare(s, NULL, "1", &out), CUSTOMS_EINVAL);
		assert_int_equal(customs_version_compare(s, "1.0.0", "1.0.0", NULL), CUSTOMS_EINVAL);
		assert_int_equal(customs_version_satisfies(s, "1.0.0", NULL, &out), CUSTOMS_EINVAL);
		assert_int_equal(customs_version_valid(s, NULL), CUSTOMS_EINVAL);
		/* a control byte: rejected, and the message names the string */
		assert_int_equal(customs_version_compare(s, "1.0\001garbage", "1.0.0", &out), CUSTOMS_EFORMAT);
		if (!strstr(customs_error_last(), "garbage"))
			fail_msg("%s: message does not name the string: %s", s->name, customs_error_last());
		assert_int_equal(customs_version_valid(s, ""), CUSTOMS_EFORMAT);
		assert_int_not_equal(customs_version_valid(s, "\xff\xfe"), 0);
		/* too long */
		{
			static char big[5000];
			memset(big, '1', sizeof(big) - 1);
			assert_int_not_equal(customs_version_valid(s, big), 0);
			assert_int_not_equal(customs_version_compare(s, big, "1", &out), 0);
			assert_int_not_equal(customs_version_satisfies(s, "1.0.0", big, &out), 0);
		}
	}
	/* Numbers far beyond 64 bits compare exactly where the ecosystem allows them. */
	{
		static const char *const big_ok[] = {"dpkg", "rpm", "apk", "maven", "gem", "go", "composer"};
		for (size_t i = 0; i < N(big_ok); i++) {
			char a[1600], b[1600];
			const char *sep = !strcmp(big_ok[i], "go") ? "v" : "";
			const char *tail = !strcmp(big_ok[i], "go") ? ".0.0" : ".1";
			if (!strcmp(big_ok[i], "composer")) {
				/* Composer allows 5 digits in the major: the huge number goes second */
				snprintf(a, sizeof(a), "1.%s", huge);
				snprintf(b, sizeof(b), "1.%s", huger);
			} else {
				snprintf(a, sizeof(a), "%s%s%s", sep, huge, tail);
				snprintf(b, sizeof(b), "%s%s%s", sep, huger, tail);
			}
			if (cmp(big_ok[i], a, b) != -1 || cmp(big_ok[i], b, a) != 1 || cmp(big_ok[i], a, a) != 0)
				fail_msg("%s: huge numbers misordered", big_ok[i]);
		}
	}
	/* ...and are rejected where the ecosystem has a limit. */
	assert_invalid("semver", "9007199254740992.0.0");
	assert_valid("semver", "9007199254740991.0.0");
	assert_invalid("cargo", "18446744073709551616.0.0");
	assert_valid("cargo", "18446744073709551615.0.0");
	assert_invalid("dpkg", "2147483648:1.0");
	assert_valid("dpkg", "2147483647:1.0");
	assert_invalid("nuget", "2147483648.0");
}

static void t_dpkg(void **state)
{
	static const char *const order[] = {"1.0~~",  "1.0~~a", "1.0~",      "1.0",   "1.0-1", "1.0-1+b1", "1.0a",
					    "1.0+b1", "1.0.1~rc1", "1.0.1", "1:0.1", "1:0.1-0.1", "2:0~1"};
	(void)state;
	assert_sorted("dpkg", order, N(order));
	assert_int_equal(cmp("dpkg", "1.0-0", "1.0"), 0);
	assert_int_equal(cmp("dpkg", "0:1.2", "1.2"), 0);
	assert_int_equal(cmp("dpkg", " 1.2 ", "1.2"), 0); /* dpkg trims blanks */
	assert_invalid("dpkg", "a1.0");
	assert_invalid("dpkg", "1.0-");
	assert_invalid("dpkg", "1:");
	assert_invalid("dpkg", "x:1.0");
	assert_invalid("dpkg", "1.0 2");
	assert_invalid("dpkg", "1.0_1");
	assert_valid("dpkg", "1:2.3.4-5+deb12u1~bpo11+1");
	/* constraints: comparators, commas or spaces, || */
	assert_true(sat("dpkg", "2.36.1-8+deb11u1", ">= 2.36.1-8, << 2.36.1-8+deb11u2"));
	assert_false(sat("dpkg", "2.36.1-8+deb11u2", ">= 2.36.1-8, << 2.36.1-8+deb11u2"));
	assert_true(sat("dpkg", "1.5", ">= 1.0 < 2.0"));
	assert_true(sat("dpkg", "3.1", "< 1.0 || >= 3.0"));
	assert_false(sat("dpkg", "2.0", "< 1.0 || >= 3.0"));
	assert_true(sat("dpkg", "1.0", "1.0"));
	assert_true(sat("dpkg", "1.0", "!= 1.1"));
	assert_true(sat("dpkg", "1:1.0", "> 9.9"));
	assert_bad_constraint("dpkg", "1.0", "");
	assert_bad_constraint("dpkg", "1.0", ">=");
	assert_bad_constraint("dpkg", "1.0", ">= 1.0 ||");
	assert_bad_constraint("dpkg", "1.0", "=> 1.0");
	assert_bad_constraint("dpkg", "1.0", ">= 1.0 | < 2");
	assert_bad_constraint("dpkg", "1.0", ">= x:1");
	/* the error names the constraint */
	{
		int out;
		assert_int_equal(customs_version_satisfies(S("dpkg"), "1.0", "=> 1.0", &out), CUSTOMS_EFORMAT);
		assert_non_null(strstr(customs_error_last(), "=> 1.0"));
	}
}

static void t_rpm(void **state)
{
	static const char *const order[] = {"1.0~rc1", "1.0", "1.0-1", "1.0-1.el8", "1.0-2",  "1.0^git1",
					    "1.0a",    "1.0.1", "2.0",  "0:3.0",     "1:1.0",  "1:1.0-1"};
	(void)state;
	assert_sorted("rpm", order, N(order));
	assert_int_equal(cmp("rpm", "0:1.0-1", "1.0-1"), 0);
	assert_int_equal(cmp("rpm", "1.0-1", "1.0-01"), 0);
	assert_int_equal(cmp("rpm", "6:5.4.0-12.el10_0", "5.4.0-12.el10_0"), 1);
	assert_invalid("rpm", "1.0 1");
	assert_invalid("rpm", "1.0-");
	assert_invalid("rpm", "1.0-1/2");
	assert_valid("rpm", "1:2.3.4-5.el9_2.1");
	assert_true(sat("rpm", "1:2.0-3.el9", ">= 1:2.0-1.el9, < 1:2.0-4.el9"));
	assert_false(sat("rpm", "2.0-3.el9", ">= 1:1.0"));
	assert_true(sat("rpm", "2.0-3.el9", "< 2.0-3.el9 || = 2.0-3.el9"));
}

static void t_apk(void **state)
{
	static const char *const order[] = {"1.0_alpha", "1.0_beta2", "1.0_rc1", "1.0", "1.0-r1", "1.0_p1",
					    "1.0a",      "1.0.1",     "1.01",    "1.1"};
	int out;
	(void)state;
	assert_sorted("apk", order, N(order));
	assert_true(sat("apk", "1.2.3-r4", ">=1.2.3-r1 <1.2.4"));
	assert_true(sat("apk", "3.6.9", "~3.6"));
	assert_false(sat("apk", "3.7.0", "~3.6"));
	assert_true(sat("apk", "3.7.0", "!~3.6"));
	assert_true(sat("apk", "1.0", "<1.1 || >2"));
	assert_int_equal(version__apk_match("1.0", "?", "1.0", &out), CUSTOMS_EFORMAT);
	assert_bad_constraint("apk", "1.0", ">! 1.0");
	/* compare() orders what apk orders, valid() is the grammar */
	assert_int_equal(cmp("apk", "1.0", "1.0bc"), -1);
	assert_invalid("apk", "1.0bc");
	assert_invalid("apk", "a1.0");
}

static void t_pep440(void **state)
{
	static const char *const eq[] = {"1.0", "1.0.0", "v1.0", "1.0.0.0", " 1.0 ", "0!1.0"};
	static const char *const eq_pre[] = {"1.0a1", "1.0-alpha1", "1.0.alpha.1", "1.0ALPHA1", "1.0_a_1", "1.0a01"};
	static const char *const eq_rc[] = {"1.0rc1", "1.0c1", "1.0pre1", "1.0preview1", "1.0-rc-1"};
	static const char *const eq_post[] = {"1.0.post1", "1.0-1", "1.0post1", "1.0-r1", "1.0.rev1", "1.0_post_1"};
	static const char *const eq_local[] = {"1.0+ubuntu.1", "1.0+ubuntu-1", "1.0+Ubuntu_1"};
	(void)state;
	assert_equal_all("pep440", eq, N(eq));
	assert_equal_all("pep440", eq_pre, N(eq_pre));
	assert_equal_all("pep440", eq_rc, N(eq_rc));
	assert_equal_all("pep440", eq_post, N(eq_post));
	assert_equal_all("pep440", eq_local, N(eq_local));
	assert_int_equal(cmp("pep440", "1.0.dev0", "1.0a0"), -1);
	assert_int_equal(cmp("pep440", "1.0a", "1.0a0"), 0);
	assert_int_equal(cmp("pep440", "1.0.post", "1.0.post0"), 0);
	assert_invalid("pep440", "1.0.0-foo");
	assert_invalid("pep440", "one");
	assert_invalid("pep440", "1.0+");
	assert_invalid("pep440", "1.0+a..b");
	assert_invalid("pep440", "1!");

	assert_true(sat("pep440", "2.3.1", ">=2.0,<3"));
	assert_false(sat("pep440", "3.0", ">=2.0,<3"));
	assert_true(sat("pep440", "1.4.5", "~=1.4.2"));
	assert_false(sat("pep440", "1.5.0", "~=1.4.2"));
	assert_true(sat("pep440", "1.9", "~=1.4"));
	assert_false(sat("pep440", "2.0", "~=1.4"));
	assert_true(sat("pep440", "1.1.post1", "== 1.1.*"));
	assert_true(sat("pep440", "1.1a1", "==1.1.*"));
	assert_false(sat("pep440", "1.10", "==1.1.*"));
	assert_true(sat("pep440", "1.1", "==1.1.0.*"));
	assert_false(sat("pep440", "1.1.post1", "==1.1"));
	assert_true(sat("pep440", "1.1+local", "==1.1"));
	assert_false(sat("pep440", "1.1+local", "==1.1+other"));
	assert_true(sat("pep440", "1.2", "!=1.1.*"));
	assert_false(sat("pep440", "3.1a1", "<3.1"));   /* <V excludes pre-releases of V */
	assert_true(sat("pep440", "3.0.9a1", "<3.1"));
	assert_false(sat("pep440", "3.1.post1", ">3.1")); /* >V excludes post-releases of V */
	assert_true(sat("pep440", "3.1.post1", ">3.1.post0"));
	assert_false(sat("pep440", "3.1+local", ">3.1"));
	assert_true(sat("pep440", "3.1+local", "<=3.1"));
	assert_true(sat("pep440", "1.0", "===1.0"));
	assert_false(sat("pep440", "1.0.0", "===1.0"));
	assert_true(sat("pep440", "1.0", ""));
	assert_true(sat("pep440", "1!2.0", ">1.0"));
	assert_bad_constraint("pep440", "1.0", "~=1");
	assert_bad_constraint("pep440", "1.0", ">=1.0.*");
	assert_bad_constraint("pep440", "1.0", "<=1.0+local");
	assert_bad_constraint("pep440", "1.0", "=>1.0");
	assert_bad_constraint("pep440", "1.0", "==1.0a1.*");
}

static void t_semver_hand(void **state)
{
	static const char *const order[] = {"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
					    "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1",    "1.0.0",
					    "2.0.0",        "2.1.0",         "2.1.1",         "10.0.0"};
	(void)state;
	assert_sorted("semver", order, N(order));
	assert_int_equal(cmp("semver", "1.0.0+a", "1.0.0+b"), 0);
	assert_invalid("semver", "1.0");
	assert_invalid("semver", "01.0.0");
	assert_invalid("semver", "1.0.0-01");
	assert_invalid("semver", "=1.0.0"); /* loose only */
	assert_true(sat("semver", "1.2.3", "^1.0.0"));
	assert_false(sat("semver", "1.3.0-beta", "^1.2.0"));
	assert_true(sat("semver", "1.2.4-beta.2", ">=1.2.4-beta.1 <1.3.0"));
	assert_bad_constraint("semver", "1.0.0", ">=1.0.0 <<2");
	assert_bad_constraint("semver", "1.0.0", "~");
}

static void t_maven(void **state)
{
	/* Maven's ComparableVersionTest lists */
	static const char *const qualifier[] = {
		"1-alpha2snapshot", "1-alpha2", "1-alpha-123", "1-beta-2", "1-beta123", "1-m2",   "1-m11",   "1-rc",
		"1-cr2",            "1-rc123",  "1-SNAPSHOT",  "1",        "1-sp",      "1-sp2",  "1-sp123", "1-abc",
		"1-def",            "1-pom-1",  "1-1-snapshot", "1-1",     "1-2",       "1-123"};
	static const char *const number[] = {"2.0",   "2.0.a",  "2-1",   "2.0.2",  "2.0.123", "2.1.0", "2.1-a", "2.1b",
					     "2.1-c", "2.1-1",  "2.1.0.1", "2.2",  "2.123",   "11.a2", "11.a11", "11.b2",
					     "11.b11", "11.m2", "11.m11", "11",    "11.a",    "11b",   "11c",   "11m"};
	/* a sorted list from "Maven versions explained" (octopus.com) */
	static const char *const mixed[] = {"NotAVersionSting",
					    "1.0a1-SNAPSHOT",
					    "1.0-alpha1",
					    "1.0beta1-SNAPSHOT",
					    "1.0-b2",
					    "1.0-beta3.SNAPSHOT",
					    "1.0-beta3",
					    "1.0-milestone1-SNAPSHOT",
					    "1.0-m2",
					    "1.0-rc1-SNAPSHOT",
					    "1.0-cr1",
					    "1.0-SNAPSHOT",
					    "1.0",
					    "1.0-sp",
					    "1.0-a",
					    "1.0-whatever",
					    "1.0.z",
					    "1.0.1",
					    "1.0.1.0.0.0.0.0.0.0.0.0.0.0.1"};
	static const char *const eq1[] = {"1", "1.0", "1.0.0", "1-0", "1.0-0", "1-ga", "1.ga", "1-final", "1-release", "1.0.0-GA"};
	static const char *const eq2[] = {"1.0-alpha1", "1.0-a1", "1.0ALPHA1", "1.0Alpha1", "1.0-alpha-1", "1.0a1"};
	static const char *const eq3[] = {"1.0-rc1", "1.0-cr1", "1.0RC1", "1.0-RC-1"};
	static const char *const eq4[] = {"1.foo", "1-foo", "1foo", "1.0.foo"};
	static const char *const spec[] = {"1-foo2", "1-foo10"};
	static const char *const spec2[] = {"1-foo", "1-1", "1.1"};
	static const char *const spec3[] = {"1.0.RC2", "1.0-RC3", "1.0.1"};
	static const char *const spec4[] = {"1-ga", "1-sp"};
	static const char *const spec5[] = {"1-ga.1", "1-sp.1"};
	static const char *const spec6[] = {"1-sp-1", "1-ga-1"};
	(void)state;
	assert_sorted("maven", qualifier, N(qualifier));
	assert_sorted("maven", number, N(number));
	assert_sorted("maven", mixed, N(mixed));
	assert_equal_all("maven", eq1, N(eq1));
	assert_equal_all("maven", eq2, N(eq2));
	assert_equal_all("maven", eq3, N(eq3));
	assert_equal_all("maven", eq4, N(eq4));
	assert_sorted("maven", spec, N(spec));
	assert_sorted("maven", spec2, N(spec2));
	assert_sorted("maven", spec3, N(spec3));
	assert_sorted("maven", spec4, N(spec4));
	assert_sorted("maven", spec5, N(spec5));
	assert_sorted("maven", spec6, N(spec6));

	assert_true(sat("maven", "1.0", "[1.0,2.0)"));
	assert_true(sat("maven", "1.5", "[1.0,2.0)"));
	assert_false(sat("maven", "2.0", "[1.0,2.0)"));
	assert_true(sat("maven", "2.0-SNAPSHOT", "[1.0,2.0)"));
	assert_true(sat("maven", "1.0", "(,1.0]"));
	assert_false(sat("maven", "1.0.1", "(,1.0]"));
	assert_false(sat("maven", "1.0", "(,1.0)"));
	assert_true(sat("maven", "1.2", "[1.2]"));
	assert_true(sat("maven", "1.2.0", "[1.2]"));
	assert_false(sat("maven", "1.2.1", "[1.2]"));
	assert_true(sat("maven", "3.5", "[1,2),[3,4)"));
	assert_false(sat("maven", "2.5", "[1,2),[3,4)"));
	assert_false(sat("maven", "1.1", "(,1.0],[1.2,)"));
	assert_true(sat("maven", "1.2", "(,1.0],[1.2,)"));
	assert_true(sat("maven", "5", "[1.0,)"));
	assert_true(sat("maven", "1.2.3", "1.2.3"));
	assert_true(sat("maven", "2.17.1", ">= 2.0, < 2.17.2"));
	assert_bad_constraint("maven", "1.0", "[1.0");
	assert_bad_constraint("maven", "1.0", "(1.0)");
	assert_bad_constraint("maven", "1.0", "[2.0,1.0]");
	assert_bad_constraint("maven", "1.0", "[1,2,3]");
	assert_bad_constraint("maven", "1.0", "[1,2) x");
}

static void t_go(void **state)
{
	static const char *const order[] = {"v0.0.0-20170915032832-14c0d48ead0c",
					    "v0.0.0-20191109021931-daa7c04131f5",
					    "v0.0.0",
					    "v0.1.0",
					    "v1.0.0-alpha",
					    "v1.0.0-alpha.1",
					    "v1.0.0-beta.2",
					    "v1.0.0-beta.11",
					    "v1.0.0-rc.1",
					    "v1.0.0",
					    "v1.2.2",
					    "v1.2.3-0.20210101000000-abcdefabcdef",
					    "v1.2.3-pre",
					    "v1.2.3",
					    "v2.0.0+incompatible",
					    "v2.1.0",
					    "v10.0.0"};
	static const char *const eq1[] = {"v1", "v1.0", "v1.0.0", "1.0.0", "v1.0.0+build", "1"};
	static const char *const eq2[] = {"v2.0.0+incompatible", "v2.0.0", "2.0.0"};
	(void)state;
	assert_sorted("go", order, N(order));
	assert_equal_all("go", eq1, N(eq1));
	assert_equal_all("go", eq2, N(eq2));
	assert_invalid("go", "v01.0.0");
	assert_invalid("go", "v1.0.0-01");
	assert_invalid("go", "v1.2-pre");
	assert_invalid("go", "v1.0.0-");
	assert_invalid("go", "v1.0.0+");
	assert_invalid("go", "v1..0");
	assert_invalid("go", "vx");
	assert_invalid("go", "v1.0.0 ");
	assert_valid("go", "0");
	assert_true(sat("go", "v1.2.5", ">= 1.2.0, < 1.3.0"));
	assert_true(sat("go", "v0.0.0-20191109021931-daa7c04131f5", "< 0.0.0-20200101000000-000000000000"));
	assert_true(sat("go", "v1.3.0-rc.1", ">=0 <1.3.0"));
	assert_false(sat("go", "v1.3.0", ">=0 <1.3.0"));
}

static void t_gem(void **state)
{
	static const char *const order[] = {"0.9",   "1.0.a",    "1.0.b1",   "1.0.b2", "1.0.b10", "1.0-beta",
					    "1.0",   "1.0.0.1",  "1.1.a",    "1.1",    "1.2.b1",  "1.2",
					    "1.10",  "2.9.b",    "2.9",      "2.10"};
	static const char *const eq1[] = {"1", "1.0", "1.0.0", " 1.0 "};
	static const char *const eq2[] = {"0.beta.1", "0.0.beta.1"};
	static const char *const eq3[] = {"1.2.b1", "1.2.b.1"};
	(void)state;
	assert_sorted("gem", order, N(order));
	assert_equal_all("gem", eq1, N(eq1));
	assert_equal_all("gem", eq2, N(eq2));
	assert_equal_all("gem", eq3, N(eq3));
	assert_int_equal(cmp("gem", "5.a", "5.0.0.rc2"), -1);
	assert_int_equal(cmp("gem", "1.8.2.a10", "1.8.2.a9"), 1);
	assert_invalid("gem", "junk");
	assert_invalid("gem", "1.0..1");
	assert_invalid("gem", "1.0-");
	assert_invalid("gem", "1.0 1");
	assert_true(sat("gem", "2.2", "~> 2.2"));
	assert_true(sat("gem", "2.9.9", "~> 2.2"));
	assert_true(sat("gem", "2.9.a", "~> 2.2"));
	assert_false(sat("gem", "3.0", "~> 2.2"));
	assert_false(sat("gem", "3.0.a", "~> 2.2"));
	assert_false(sat("gem", "2.1", "~> 2.2"));
	assert_true(sat("gem", "2.2.9", "~> 2.2.0"));
	assert_false(sat("gem", "2.3.0", "~> 2.2.0"));
	assert_true(sat("gem", "1.5.2", ">= 1.0, < 2.0"));
	assert_false(sat("gem", "1.5", ">= 1.0, != 1.5"));
	assert_true(sat("gem", "1.0.0", "= 1.0"));
	assert_true(sat("gem", "1.0.0", "1.0"));
	assert_true(sat("gem", "6.0.3.1", "> 6.0.3, < 6.0.4"));
	assert_bad_constraint("gem", "1.0", "=> 1.0");
	assert_bad_constraint("gem", "1.0", ">= 1.0,");
}

static void t_cargo(void **state)
{
	static const char *const order[] = {"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
					    "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1",    "1.0.0",
					    "1.0.1",        "1.10.0",        "2.0.0"};
	(void)state;
	assert_sorted("cargo", order, N(order));
	assert_int_equal(cmp("cargo", "1.0.0+build.1", "1.0.0"), 0);
	assert_invalid("cargo", "v1.2.3");
	assert_invalid("cargo", "1.2");
	assert_invalid("cargo", "01.2.3");
	assert_invalid("cargo", "1.2.3-01");
	assert_invalid("cargo", "1.2.3-");
	assert_invalid("cargo", " 1.2.3");

	/* the semver crate's requirement semantics */
	assert_true(sat("cargo", "1.2.3", "1.2.3"));
	assert_true(sat("cargo", "1.9.9", "1.2.3")); /* bare = caret */
	assert_false(sat("cargo", "2.0.0", "^1.2.3"));
	assert_false(sat("cargo", "1.2.2", "^1.2.3"));
	assert_false(sat("cargo", "1.3.0-alpha", "^1.2.3"));
	assert_true(sat("cargo", "0.2.5", "^0.2.3"));
	assert_false(sat("cargo", "0.3.0", "^0.2.3"));
	assert_true(sat("cargo", "0.0.3", "^0.0.3"));
	assert_false(sat("cargo", "0.0.4", "^0.0.3"));
	assert_true(sat("cargo", "0.9.0", "^0"));
	assert_false(sat("cargo", "0.1.0", "^0.0"));
	assert_true(sat("cargo", "1.2.9", "~1.2.3"));
	assert_false(sat("cargo", "1.3.0", "~1.2.3"));
	assert_true(sat("cargo", "1.2.0", "~1.2"));
	assert_true(sat("cargo", "1.9.0", "~1"));
	assert_true(sat("cargo", "3.4.5", "*"));
	assert_false(sat("cargo", "1.0.0-alpha", "*"));
	assert_true(sat("cargo", "1.7.0", "1.*"));
	assert_false(sat("cargo", "2.0.0", "1.*"));
	assert_true(sat("cargo", "1.2.7", "1.2.*"));
	assert_true(sat("cargo", "1.4.9", ">=1.2.0, <1.5.0"));
	assert_false(sat("cargo", "1.5.0", ">= 1.2.0, < 1.5.0"));
	assert_true(sat("cargo", "1.2.3-alpha.2", ">=1.2.3-alpha.1"));
	assert_true(sat("cargo", "1.2.3-beta", "^1.2.3-alpha.1"));
	assert_false(sat("cargo", "1.2.4-alpha", "^1.2.3-alpha.1"));
	assert_true(sat("cargo", "1.2.3", "=1.2.3"));
	assert_false(sat("cargo", "1.2.4", "=1.2.3"));
	assert_true(sat("cargo", "1.2.9", "=1.2"));
	assert_false(sat("cargo", "1.2.9", ">1.2"));
	assert_true(sat("cargo", "1.3.0", ">1.2"));
	assert_true(sat("cargo", "1.2.9", "<=1.2"));
	assert_false(sat("cargo", "1.2.0", "<1.2"));
	assert_true(sat("cargo", "0.0.0", ">=0.0.0-0")); /* RustSec's "introduced: 0.0.0-0" */
	assert_bad_constraint("cargo", "1.0.0", "");
	assert_bad_constraint("cargo", "1.0.0", ">=1.0.0,");
	assert_bad_constraint("cargo", "1.0.0", ">=1.0.0 || <0.5");
	assert_bad_constraint("cargo", "1.0.0", "1.*.3");
	assert_bad_constraint("cargo", "1.0.0", "~>1.0");
}

static void t_composer(void **state)
{
	static const char *const order[] = {"1.0.0-dev",   "1.0.0-alpha1", "1.0.0-alpha2", "1.0.0-beta1", "1.0.0-b2",
					    "1.0.0-RC1",   "1.0.0-rc2",    "1.0.0",        "1.0.0-patch1", "1.0.0-pl2",
					    "1.0.1",       "1.1",          "1.10",         "2.0.x-dev",    "2.1"};
	static const char *const eq1[] = {"1.0.0", "1.0", "1", "v1.0.0", "1.0.0.0", "1.0.0+build", "1.0.0-stable"};
	static const char *const eq2[] = {"1.0.0-beta1", "1.0.0beta1", "1.0.0-b1", "1.0.0.beta.1", "1.0.0-BETA1"};
	(void)state;
	assert_sorted("composer", order, N(order));
	assert_equal_all("composer", eq1, N(eq1));
	assert_equal_all("composer", eq2, N(eq2));
	assert_valid("composer", "dev-main");
	assert_valid("composer", "2.x-dev");
	assert_valid("composer", "20100102");
	assert_invalid("composer", "foo");
	assert_invalid("composer", "1.0.0.0.0");
	assert_invalid("composer", "1.0-beta1-foo");

	assert_true(sat("composer", "1.9.0", "^1.2.3"));
	assert_false(sat("composer", "2.0.0", "^1.2.3"));
	assert_false(sat("composer", "1.2.2", "^1.2.3"));
	assert_true(sat("composer", "0.3.9", "^0.3"));
	assert_false(sat("composer", "0.4.0", "^0.3"));
	assert_true(sat("composer", "0.0.3", "^0.0.3"));
	assert_false(sat("composer", "0.0.4", "^0.0.3"));
	assert_true(sat("composer", "1.9", "~1.2"));
	assert_false(sat("composer", "2.0", "~1.2"));
	assert_true(sat("composer", "1.2.9", "~1.2.3"));
	assert_false(sat("composer", "1.3.0", "~1.2.3"));
	assert_true(sat("composer", "1.2.9", "1.2.*"));
	assert_false(sat("composer", "1.3.0", "1.2.*"));
	assert_true(sat("composer", "7.7", "*"));
	assert_true(sat("composer", "2.0.5", "1.0 - 2.0"));
	assert_false(sat("composer", "2.1.0", "1.0 - 2.0"));
	assert_true(sat("composer", "2.1.0", "1.0.0 - 2.1.0"));
	assert_false(sat("composer", "2.1.1", "1.0.0 - 2.1.0"));
	assert_true(sat("composer", "1.0.5", ">=1.0 <1.1 || >=1.2"));
	assert_false(sat("composer", "1.1.5", ">=1.0 <1.1 || >=1.2"));
	assert_true(sat("composer", "1.3", ">=1.0,<1.1|>=1.2"));
	assert_false(sat("composer", "1.0.0-beta", "<1.0"));   /* <1.0 is below 1.0's dev builds */
	assert_true(sat("composer", "1.0.0-beta", ">=1.0@dev"));
	assert_true(sat("composer", "1.1", "!=1.0"));
	assert_true(sat("composer", "1.1", "<>1.0"));
	assert_true(sat("composer", "dev-main", "dev-main"));
	assert_false(sat("composer", "dev-main", ">=1.0"));
	assert_bad_constraint("composer", "1.0", "~>1.0");
	assert_bad_constraint("composer", "1.0", ">=foo");
	assert_bad_constraint("composer", "1.0", "||");
}

static void t_nuget(void **state)
{
	static const char *const order[] = {"0.9",           "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-beta",
					    "1.0.0-beta.2",  "1.0.0-beta.10", "1.0.0-beta2", "1.0.0-rc.1",
					    "1.0.0",         "1.0.0.1",     "1.0.1",         "1.10"};
	static const char *const eq1[] = {"1", "1.0", "1.0.0", "1.0.0.0", "01.0", "1.0.0+meta", " 1.0.0 "};
	static const char *const eq2[] = {"1.0.0-beta", "1.0.0-BETA", "1.0.0-Beta+x"};
	(void)state;
	assert_sorted("nuget", order, N(order));
	assert_equal_all("nuget", eq1, N(eq1));
	assert_equal_all("nuget", eq2, N(eq2));
	assert_invalid("nuget", "1.0.0.0.0");
	assert_invalid("nuget", "v1.0");
	assert_invalid("nuget", "1.0-");
	assert_invalid("nuget", "1.0+");
	assert_invalid("nuget", "1.0-be_ta");

	assert_false(sat("nuget", "0.9", "1.0")); /* bare = minimum, inclusive */
	assert_true(sat("nuget", "1.0", "1.0"));
	assert_true(sat("nuget", "2.0", "1.0"));
	assert_false(sat("nuget", "1.0", "(1.0,)"));
	assert_true(sat("nuget", "1.0.1", "(1.0,)"));
	assert_true(sat("nuget", "1.0", "[1.0]"));
	assert_false(sat("nuget", "1.0.1", "[1.0]"));
	assert_true(sat("nuget", "1.0", "(,1.0]"));
	assert_false(sat("nuget", "1.0", "(,1.0)"));
	assert_true(sat("nuget", "2.0", "[1.0,2.0]"));
	assert_false(sat("nuget", "2.0", "[1.0,2.0)"));
	assert_true(sat("nuget", "1.5", "(1.0,2.0)"));
	assert_true(sat("nuget", "1.5", ">= 1.0, < 2.0"));
	assert_bad_constraint("nuget", "1.0", "(1.0)");
	assert_bad_constraint("nuget", "1.0", "[1.0,2.0),[3.0,4.0)");
	assert_bad_constraint("nuget", "1.0", "[2.0,1.0]");
	assert_bad_constraint("nuget", "1.0", "[1.0,2.0");
}

int main(void)
{
	const struct CMUnitTest hand[] = {
		cmocka_unit_test(t_lookup), cmocka_unit_test(t_hostile),  cmocka_unit_test(t_dpkg),
		cmocka_unit_test(t_rpm),    cmocka_unit_test(t_apk),      cmocka_unit_test(t_pep440),
		cmocka_unit_test(t_semver_hand), cmocka_unit_test(t_maven), cmocka_unit_test(t_go),
		cmocka_unit_test(t_gem),    cmocka_unit_test(t_cargo),    cmocka_unit_test(t_composer),
		cmocka_unit_test(t_nuget),
	};
	const struct CMUnitTest vec[] = {
		cmocka_unit_test(t_dpkg_vectors),        cmocka_unit_test(t_rpm_vectors),
		cmocka_unit_test(t_apk_v2_vectors),      cmocka_unit_test(t_apk_v3_vectors),
		cmocka_unit_test(t_pep440_vectors),      cmocka_unit_test(t_semver_comparisons),
		cmocka_unit_test(t_semver_equality),     cmocka_unit_test(t_semver_range_include),
		cmocka_unit_test(t_semver_range_exclude), cmocka_unit_test(t_semver_invalid),
		cmocka_unit_test(t_semver_valid),
	};
	static const char *const files[] = {"dpkg-version-cmp.txt", "rpmvercmp.txt", "apk-version-v2.data",
					    "apk-version-v3.data", "pep440-sorted-versions.txt",
					    "node-semver/comparisons.json", "node-semver/equality.json",
					    "node-semver/range-include.json", "node-semver/range-exclude.json",
					    "node-semver/invalid-versions.json", "node-semver/valid-versions.json"};
	const char *shared = getenv("SHARED");
	int failed = cmocka_run_group_tests_name("version schemes (hand-written)", hand, NULL, NULL);
	struct stat st;

	if (failed)
		return failed;
	if (!shared || !*shared) {
		printf("SHARED is not set: the reference vectors are not available; skipping them\n");
		return 77;
	}
	snprintf(vectors, sizeof(vectors), "%s/vectors", shared);
	for (size_t i = 0; i < N(files); i++) {
		char path[4352];
		snprintf(path, sizeof(path), "%s/%s", vectors, files[i]);
		if (stat(path, &st) != 0) {
			printf("%s is missing: the reference vectors are not available; skipping them\n", path);
			return 77;
		}
	}
	return cmocka_run_group_tests_name("version schemes (reference vectors)", vec, NULL, NULL);
}
