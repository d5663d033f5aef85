/* test_spdx_license.c - SPDX license ids (the generated list), the SPDX 2.3
 * license expression parser with hostile input, normalising the spellings
 * found in package metadata, and LicenseRef- names.  With $SHARED, also
 * checks that spdx_ids.c still holds exactly the ids of
 * $SHARED/schemas/spdx.schema.json (run scripts/gen-spdx-ids.py if not);
 * without it the program exits 77 (skipped), or fails under CI=true. */
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "helpers.h"
#include "license/license.h"

extern const char *const customs__spdx_licenses[];
extern const size_t customs__spdx_licenses_count;
extern const char *const customs__spdx_exceptions[];
extern const size_t customs__spdx_exceptions_count;

static void check_id(int (*fn)(const char *, const char **), const char *in, const char *want)
{
	const char *canon = "unset";

	if (fn(in, &canon) != (want != NULL))
		fail_msg("%s: expected %s", in ? in : "(null)", want ? want : "no match");
	if (want)
		assert_string_equal(canon, want);
	else
		assert_null(canon);
}

static void test_license_ids(void **state)
{
	(void)state;
	check_id(customs__spdx_license_id, "MIT", "MIT");
	check_id(customs__spdx_license_id, "mit", "MIT");
	check_id(customs__spdx_license_id, "apache-2.0", "Apache-2.0");
	check_id(customs__spdx_license_id, "GPL-2.0-OR-LATER", "GPL-2.0-or-later");
	check_id(customs__spdx_license_id, "gpl-2.0+", "GPL-2.0+");
	check_id(customs__spdx_license_id, "bsd-3-clause", "BSD-3-Clause");
	check_id(customs__spdx_license_id, "0bsd", "0BSD"); /* first */
	check_id(customs__spdx_license_id, "zpl-2.1", "ZPL-2.1"); /* last */
	check_id(customs__spdx_license_id, "GPL-2.0-with-GCC-exception", "GPL-2.0-with-GCC-exception");
	check_id(customs__spdx_license_id, "", NULL);
	check_id(customs__spdx_license_id, NULL, NULL);
	check_id(customs__spdx_license_id, "MI", NULL);
	check_id(customs__spdx_license_id, "MITX", NULL);
	check_id(customs__spdx_license_id, "MIT ", NULL);
	check_id(customs__spdx_license_id, "Classpath-exception-2.0", NULL);
	check_id(customs__spdx_license_id, "Linux-syscall-note", NULL);
	check_id(customs__spdx_license_id, "Expat", NULL);
	check_id(customs__spdx_license_id, "MIT\xc3\xa9", NULL);
	assert_int_equal(customs__spdx_license_id("MIT", NULL), 1);
}

static void test_exception_ids(void **state)
{
	(void)state;
	check_id(customs__spdx_exception_id, "classpath-exception-2.0", "Classpath-exception-2.0");
	check_id(customs__spdx_exception_id, "LLVM-EXCEPTION", "LLVM-exception");
	check_id(customs__spdx_exception_id, "linux-syscall-note", "Linux-syscall-note");
	check_id(customs__spdx_exception_id, "GPL-CC-1.0", "GPL-CC-1.0");
	check_id(customs__spdx_exception_id, "389-exception", "389-exception"); /* first */
	check_id(customs__spdx_exception_id, "X11VNC-openssl-exception", "x11vnc-openssl-exception"); /* last */
	check_id(customs__spdx_exception_id, "MIT", NULL);
	check_id(customs__spdx_exception_id, "GPL-2.0-with-classpath-exception", NULL); /* a license */
	check_id(customs__spdx_exception_id, "", NULL);
	check_id(customs__spdx_exception_id, NULL, NULL);
}

/* every id finds itself, in any case; the arrays are in binary search order */
static void check_table(const char *const *ids, size_t n, int (*fn)(const char *, const char **))
{
	char buf[256];

	assert_true(n > 50);
	for (size_t i = 0; i < n; i++) {
		const char *canon;
		size_t len = strlen(ids[i]);
		assert_true(len < sizeof(buf));
		if (i > 0 && strcasecmp(ids[i - 1], ids[i]) >= 0)
			fail_msg("not sorted: %s, %s", ids[i - 1], ids[i]);
		for (size_t j = 0; j <= len; j++)
			buf[j] = (char)(j % 2 ? toupper((unsigned char)ids[i][j]) : tolower((unsigned char)ids[i][j]));
		if (!fn(buf, &canon) || canon != ids[i])
			fail_msg("%s not found as %s", ids[i], buf);
	}
}

static void test_tables(void **state)
{
	(void)state;
	check_table(customs__spdx_licenses, customs__spdx_licenses_count, customs__spdx_license_id);
	check_table(customs__spdx_exceptions, customs__spdx_exceptions_count, customs__spdx_exception_id);
	/* no id is both */
	for (size_t i = 0; i < customs__spdx_licenses_count; i++)
		assert_false(customs__spdx_exception_id(customs__spdx_licenses[i], NULL));
}

static void valid(const char *s)
{
	if (!customs__spdx_expression_valid(s))
		fail_msg("should be valid: \"%s\"", s ? s : "(null)");
}

static void invalid(const char *s)
{
	if (customs__spdx_expression_valid(s))
		fail_msg("should be invalid: \"%s\"", s ? s : "(null)");
}

static void test_expressions(void **state)
{
	(void)state;
	valid("MIT");
	valid("mit");
	valid(" MIT ");
	valid("MIT+");
	valid("GPL-2.0+");
	valid("GPL-2.0-only+");
	valid("Apache-2.0 OR MIT");
	valid("MIT\tOR\nApache-2.0\r\n");
	valid("GPL-2.0-or-later WITH Classpath-exception-2.0");
	valid("GPL-2.0+ WITH classpath-exception-2.0");
	valid("(MIT OR Apache-2.0) AND BSD-3-Clause");
	valid("MIT AND(Apache-2.0)");
	valid("(MIT)AND(ISC)");
	valid("((MIT))");
	valid("MIT OR ISC AND GPL-2.0-only WITH Linux-syscall-note OR (Zlib)");
	valid("LicenseRef-foo");
	valid("LicenseRef-MIT-Style.2");
	valid("licenseref-foo");
	valid("DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2");
	valid("LicenseRef-a WITH LLVM-exception");
	valid("GPL-2.0-with-GCC-exception");

	invalid(NULL);
	invalid("");
	invalid("   ");
	invalid("MIT AND");
	invalid("AND MIT");
	invalid("MIT OR OR ISC");
	invalid("(MIT");
	invalid("MIT)");
	invalid("((MIT)");
	invalid("()");
	invalid("MIT WITH");
	invalid("MIT WITH MIT");
	invalid("WITH Classpath-exception-2.0");
	invalid("MIT WITH Classpath-exception-2.0 WITH LLVM-exception");
	invalid("(MIT OR GPL-2.0) WITH Classpath-exception-2.0");
	invalid("MIT WITH (Classpath-exception-2.0)");
	invalid("MIT WITH Classpath-exception-2.0+");
	invalid("Classpath-exception-2.0");
	invalid("MIT and Apache-2.0"); /* operators are case-sensitive */
	invalid("MIT Or Apache-2.0");
	invalid("MIT Apache-2.0");
	invalid("MIT++");
	invalid("+");
	invalid("MIT +");
	invalid("+MIT");
	invalid("Expat");
	invalid("Apache 2.0");
	invalid("GPL-2+");
	invalid("LicenseRef-");
	invalid("LicenseRef-a_b");
	invalid("LicenseRef-x+");
	invalid("LicenseRefx");
	invalid("DocumentRef-x:");
	invalid("DocumentRef-x:LicenseRef-");
	invalid("DocumentRef-:LicenseRef-a");
	invalid("DocumentRef-x:MIT");
	invalid("DocumentRef-x");
	invalid("MIT\xc3\xa9");
	invalid("MIT,ISC");
}

/* nests: "(((...MIT...)))" n deep */
static char *nest(size_t n)
{
	char *s = malloc(2 * n + 4);
	assert_non_null(s);
	memset(s, '(', n);
	memcpy(s + n, "MIT", 3);
	memset(s + n + 3, ')', n);
	s[2 * n + 3] = '\0';
	return s;
}

static void test_hostile(void **state)
{
	(void)state;
	char *s;
	clock_t t0 = clock();

	/* depth: 64 is fine, 65 is not, 2000 (inside the length limit) and 10,000 fail fast */
	s = nest(64);
	valid(s);
	free(s);
	s = nest(65);
	invalid(s);
	assert_null(customs__spdx_normalize(s));
	free(s);
	s = nest(2000);
	invalid(s);
	assert_null(customs__spdx_normalize(s));
	free(s);
	s = nest(10000);
	invalid(s);
	assert_null(customs__spdx_normalize(s));
	free(s);
	/* unbalanced: many opens only, many closes only */
	s = malloc(10001);
	memset(s, '(', 10000);
	s[10000] = '\0';
	invalid(s);
	memset(s, ')', 10000);
	invalid(s);
	free(s);

	/* length: 4096 bytes is the limit */
	s = malloc(1 << 20);
	assert_non_null(s);
	memcpy(s, "LicenseRef-", 11);
	memset(s + 11, 'a', 4096 - 11);
	s[4096] = '\0';
	valid(s);
	s[4096] = 'a';
	s[4097] = '\0';
	invalid(s);
	/* 1 MB of "MIT AND MIT AND ..." and of one word */
	for (size_t i = 0; i + 8 < (1 << 20); i += 8)
		memcpy(s + i, "MIT AND ", 8);
	memcpy(s + (1 << 20) - 8, "MIT    ", 8);
	invalid(s);
	assert_null(customs__spdx_normalize(s));
	memset(s, 'M', (1 << 20) - 1);
	invalid(s);
	free(s);

	/* output longer than the limit is refused, so it stays valid */
	s = malloc(4097);
	for (size_t i = 0; i + 8 <= 4090; i += 8)
		memcpy(s + i, "GPL-2 OR", 8);
	strcpy(s + 4088, " GPL-2");
	assert_true(strlen(s) <= 4096);
	assert_null(customs__spdx_normalize(s));
	free(s);

	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
}

static void norm(const char *in, const char *want)
{
	char *got = customs__spdx_normalize(in);
	const char *shown = in ? in : "(null)";

	if (!want) {
		if (got)
			fail_msg("\"%s\": expected NULL, got \"%s\"", shown, got);
		return;
	}
	if (!got)
		fail_msg("\"%s\": expected \"%s\", got NULL", shown, want);
	if (strcmp(got, want) != 0)
		fail_msg("\"%s\": expected \"%s\", got \"%s\"", shown, want, got);
	/* the result is a valid expression and a fixed point */
	valid(got);
	char *again = customs__spdx_normalize(got);
	assert_non_null(again);
	assert_string_equal(again, got);
	free(again);
	free(got);
}

static void test_normalize(void **state)
{
	(void)state;
	/* list ids and operators */
	norm("mit", "MIT");
	norm("  MIT  ", "MIT");
	norm("MIT OR apache-2.0", "MIT OR Apache-2.0");
	norm("mit or apache-2.0", "MIT OR Apache-2.0");
	norm("(mit and isc) Or bsd-2-clause with llvm-exception", "(MIT AND ISC) OR BSD-2-Clause WITH LLVM-exception");
	norm("MIT AND(Apache-2.0)", "MIT AND (Apache-2.0)");
	norm("((MIT))", "((MIT))");
	norm("MIT\n\tAND  ISC", "MIT AND ISC");
	norm("BSD-3-clause", "BSD-3-Clause");
	norm("bsd-2-clause", "BSD-2-Clause");
	norm("Apache-2.0+", "Apache-2.0+");
	norm("GPL-2.0-with-classpath-exception", "GPL-2.0-with-classpath-exception");
	norm("licenseref-foo", "LicenseRef-foo");
	norm("documentref-a:licenseref-b.1", "DocumentRef-a:LicenseRef-b.1");
	/* deprecated GNU ids */
	norm("GPL-2.0", "GPL-2.0-only");
	norm("GPL-2.0+", "GPL-2.0-or-later");
	norm("gpl-3.0+", "GPL-3.0-or-later");
	norm("GPL-2.0-only+", "GPL-2.0-or-later");
	norm("GPL-2.0-or-later+", "GPL-2.0-or-later");
	norm("LGPL-2.1", "LGPL-2.1-only");
	norm("LGPL-2.1+", "LGPL-2.1-or-later");
	norm("AGPL-3.0", "AGPL-3.0-only");
	norm("GFDL-1.3", "GFDL-1.3-only");
	norm("GFDL-1.3+", "GFDL-1.3-or-later");
	/* Debian, Fedora and free-text GNU spellings */
	norm("GPL-2+", "GPL-2.0-or-later");
	norm("GPL-2", "GPL-2.0-only");
	norm("GPLv2+", "GPL-2.0-or-later");
	norm("GPLv2", "GPL-2.0-only");
	norm("gplv3+", "GPL-3.0-or-later");
	norm("GPL-3", "GPL-3.0-only");
	norm("GPL-1+", "GPL-1.0-or-later");
	norm("GPL 3", "GPL-3.0-only");
	norm("LGPL-2", "LGPL-2.0-only");
	norm("LGPL-2+", "LGPL-2.0-or-later");
	norm("LGPLv2+", "LGPL-2.0-or-later");
	norm("LGPL-2.1", "LGPL-2.1-only");
	norm("LGPLv2.1+", "LGPL-2.1-or-later");
	norm("LGPL-3+", "LGPL-3.0-or-later");
	norm("LGPLv3", "LGPL-3.0-only");
	norm("AGPL-3", "AGPL-3.0-only");
	norm("AGPL-3+", "AGPL-3.0-or-later");
	norm("AGPLv3", "AGPL-3.0-only");
	norm("GPL-2-or-later", "GPL-2.0-or-later");
	norm("GPLv2+ and LGPLv2+", "GPL-2.0-or-later AND LGPL-2.0-or-later");
	norm("GPL-2+ with Classpath-exception-2.0", "GPL-2.0-or-later WITH Classpath-exception-2.0");
	/* other common spellings */
	norm("Apache 2.0", "Apache-2.0");
	norm("Apache-2", "Apache-2.0");
	norm("Apache License 2.0", "Apache-2.0");
	norm("Apache License, Version 2.0", "Apache-2.0");
	norm("apache license,  version\t2.0", "Apache-2.0");
	norm("ASL 2.0", "Apache-2.0");
	norm("Expat", "MIT");
	norm("MIT License", "MIT");
	norm("the mit license", "MIT");
	norm("PSF", "PSF-2.0");
	norm("PSF-2", "PSF-2.0");
	norm("MPL 2.0", "MPL-2.0");
	norm("ISC License", "ISC");
	norm("Apache License 2.0 OR MIT License", "Apache-2.0 OR MIT");
	norm("(Expat or GPL-2+) and ASL 2.0", "(MIT OR GPL-2.0-or-later) AND Apache-2.0");

	/* not SPDX, or not certain enough */
	norm(NULL, NULL);
	norm("", NULL);
	norm("public-domain", NULL);
	norm("Public Domain", NULL);
	norm("Artistic", NULL);
	norm("Perl", NULL);
	norm("same as Perl", NULL);
	norm("GPL", NULL);
	norm("BSD", NULL);
	norm("Apache", NULL);
	norm("LGPLv2", NULL); /* Fedora: 2.0 or 2.1 */
	norm("LGPL2", NULL);
	norm("GPL-2.1", NULL);
	norm("GPL-4+", NULL);
	norm("GPL-2++", NULL);
	norm("GPL-2+ or Artistic", NULL);
	norm("GPL-2+ with OpenSSL exception", NULL);
	norm("MIT WITH MIT", NULL);
	norm("MIT AND", NULL);
	norm("(MIT", NULL);
	norm("MIT, ISC", NULL);
	norm("The MIT License (MIT)", NULL);
	norm("MIT/X11", NULL);
	norm("LicenseRef-a_b", NULL);
	norm("Apache 2.0+", NULL);
}

/* canonical: the case of ids and operators, nothing else */
static void canon(const char *in, const char *want)
{
	char *got = customs__spdx_canonical(in);
	if (!want) {
		if (got)
			fail_msg("\"%s\": expected NULL, got \"%s\"", in, got);
		return;
	}
	if (!got)
		fail_msg("\"%s\": expected \"%s\", got NULL", in, want);
	assert_string_equal(got, want);
	valid(got);
	free(got);
}

static void test_canonical(void **state)
{
	(void)state;
	canon("apache-2.0 with llvm-exception or mit", "Apache-2.0 WITH LLVM-exception OR MIT");
	canon("(mit and isc) Or bsd-2-clause", "(MIT AND ISC) OR BSD-2-Clause");
	canon("MIT\n\tAND  ISC", "MIT AND ISC");
	canon("licenseref-foo", "LicenseRef-foo");
	/* deprecated ids stay as written: no guess at what "GPL-2.0" meant */
	canon("GPL-2.0+", "GPL-2.0+");
	canon("gpl-2.0", "GPL-2.0");
	/* aliases and free text are normalize()'s */
	canon("Apache 2.0", NULL);
	canon("GPL-2+", NULL);
	canon("Expat", NULL);
	canon("MIT License", NULL);
	canon("MIT AND", NULL);
	canon("MIT WITH Foo-exception", NULL);
	canon("", NULL);
}

static void ref(const char *in, const char *want)
{
	char *got = customs__spdx_license_ref(in);
	assert_non_null(got);
	assert_string_equal(got, want);
	valid(got);
	free(got);
}

static void test_license_ref(void **state)
{
	(void)state;
	ref("GPL-2+", "LicenseRef-GPL-2-");
	ref("same as Perl", "LicenseRef-same-as-Perl");
	ref("public-domain", "LicenseRef-public-domain");
	ref("Foo_1.0/bar", "LicenseRef-Foo-1.0-bar");
	ref("\xc3\xa9t\xc3\xa9", "LicenseRef---t--");
	ref("", "LicenseRef-unknown");
	ref(NULL, "LicenseRef-unknown");
}

/* spdx_ids.c holds exactly the schema's ids (so the generator was run). */
static void test_schema_sync(void **state)
{
	const char *path = *state;
	json_error_t err;
	json_t *schema = json_load_file(path, 0, &err), *ids, *v;
	size_t i;

	if (!schema)
		fail_msg("%s: %s", path, err.text);
	ids = json_object_get(schema, "enum");
	assert_true(json_is_array(ids));
	assert_int_equal(json_array_size(ids), customs__spdx_licenses_count + customs__spdx_exceptions_count);
	json_array_foreach(ids, i, v) {
		const char *id = json_string_value(v), *c1 = NULL, *c2 = NULL;
		assert_non_null(id);
		int l = customs__spdx_license_id(id, &c1), e = customs__spdx_exception_id(id, &c2);
		if (l + e != 1 || strcmp(l ? c1 : c2, id) != 0)
			fail_msg("%s: not in spdx_ids.c as spelt in %s; run scripts/gen-spdx-ids.py", id, path);
	}
	json_decref(schema);
}

int main(void)
{
	const struct CMUnitTest unit[] = {
		cmocka_unit_test(test_license_ids),
		cmocka_unit_test(test_exception_ids),
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_expressions),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_canonical),
		cmocka_unit_test(test_license_ref),
	};
	static char path[4096];
	const struct CMUnitTest sync[] = {
		cmocka_unit_test_prestate(test_schema_sync, path),
	};
	int rc = cmocka_run_group_tests_name("spdx-license", unit, NULL, NULL);
	char *schema = th_shared_path("schemas/spdx.schema.json");

	if (!schema)
		return th_exit(rc);
	snprintf(path, sizeof(path), "%s", schema);
	free(schema);
	return rc | cmocka_run_group_tests_name("spdx-schema", sync, NULL, NULL);
}
