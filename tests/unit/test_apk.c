/* test_apk.c - the lib/apk/db/installed parser on a real Alpine 3.21 database
 * ($SHARED/fixtures/apk/alpine-3.21.installed) and on malformed input,
 * whose warnings must name the line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/analyzers.h"
#include "helpers.h"
#include "util/util.h"

static void test_real_database(void **state)
{
	(void)state;
	size_t len;
	char *buf = th_shared_read("fixtures/apk/alpine-3.21.installed", &len, 64u << 20);
	if (!buf)
		skip();
	customs_package **v;
	size_t n;
	th_warns w = {0};
	assert_int_equal(customs__apk_parse_installed(&v, &n, buf, len, th_warn, &w), 0);
	assert_int_equal(w.n, 0);
	/* FORMATS-packages.md §6: 39 packages, 3,536 files */
	assert_int_equal(n, 39);
	size_t files = 0, origin_differs = 0;
	for (size_t i = 0; i < n; i++) {
		files += v[i]->files.n;
		origin_differs += strcmp(v[i]->name, v[i]->source_name) != 0;
		assert_string_equal(v[i]->type, "apk");
		assert_non_null(v[i]->version);
		assert_non_null(json_object_get(v[i]->metadata, "checksum"));
	}
	assert_int_equal(files, 3536);
	assert_int_equal(origin_differs, 23);

	const customs_package *p = th_pkg_find(v, n, NULL, "busybox-binsh");
	assert_non_null(p);
	assert_string_equal(p->version, "1.37.0-r12");
	assert_string_equal(p->arch, "x86_64");
	assert_string_equal(p->source_name, "busybox");
	assert_string_equal(p->source_version, "1.37.0-r12");
	assert_int_equal(p->licenses.n, 1);
	assert_string_equal(p->licenses.v[0], "GPL-2.0-only");
	assert_int_equal(p->files.n, 1);
	assert_string_equal(p->files.v[0], "/bin/sh");
	assert_string_equal(json_string_value(json_object_get(json_object_get(p->metadata, "digests"), "/bin/sh")),
			    "Q1pcfTfDNEbNKQc2s1tia7da05M8Q=");
	assert_string_equal(json_string_value(json_object_get(json_object_get(p->metadata, "acls"), "/bin/sh")),
			    "0:0:777");
	assert_string_equal(json_string_value(json_object_get(p->metadata, "maintainer")),
			    "S\xc3\xb6ren Tempel <soeren+alpine@soeren-tempel.net>");
	assert_int_equal(json_integer_value(json_object_get(p->metadata, "build_time")), 1737137521);
	json_t *prov = json_object_get(p->metadata, "provides");
	assert_int_equal(json_array_size(prov), 2);
	assert_string_equal(json_string_value(json_array_get(prov, 1)), "cmd:sh=1.37.0-r12");

	/* an SPDX expression becomes its license names */
	int found = 0;
	for (size_t i = 0; i < n; i++) {
		const char *l = json_string_value(json_object_get(v[i]->metadata, "license"));
		if (l && !strcmp(l, "MIT AND BSD-2-Clause AND GPL-2.0-or-later")) {
			assert_int_equal(v[i]->licenses.n, 3);
			assert_string_equal(v[i]->licenses.v[0], "MIT");
			assert_string_equal(v[i]->licenses.v[1], "BSD-2-Clause");
			assert_string_equal(v[i]->licenses.v[2], "GPL-2.0-or-later");
			found++;
		}
	}
	assert_int_equal(found, 1);
	th_pkgs_free(v, n);
	free(buf);
}

static void test_malformed(void **state)
{
	(void)state;
	static const char db[] = "C:Q1Uq7pr0TahCvC7PPZn3GJKgdsMUY=\n" /* 1 */
				 "P:alpine-base\n"                    /* 2 */
				 "A:x86_64\n"                         /* 3: no V: */
				 "\n"                                 /* 4 */
				 "P:zlib\n"                           /* 5 */
				 "V:1.3.1-r2\n"                       /* 6 */
				 "this is not a field\n"              /* 7 */
				 "Z:Q1pcfTfDNEbNKQc2s1tia7da05M8Q=\n" /* 8: no R: before */
				 "R:orphan\n"                         /* 9: no F: before */
				 "F:lib\n"                            /* 10 */
				 "R:libz.so.1\n"                      /* 11 */
				 "L:Zlib\n"                           /* 12 */
				 "\n"                                 /* 13 */
				 "V:1.0-r0\n"                         /* 14: no P: */
				 "T:bad \xff\xfe bytes\n"             /* 15 */
				 "\n"
				 "P:musl\n"
				 "V:1.2.5-r9\n"
				 "T:the C library \xc3\n"; /* cut UTF-8, no final blank line */
	customs_package **v;
	size_t n;
	th_warns w = {0};
	assert_int_equal(customs__apk_parse_installed(&v, &n, db, sizeof(db) - 1, th_warn, &w), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0]->name, "zlib");
	assert_int_equal(v[0]->files.n, 2);
	assert_string_equal(v[0]->files.v[0], "/orphan");
	assert_string_equal(v[0]->files.v[1], "/lib/libz.so.1");
	assert_string_equal(v[1]->name, "musl");
	/* invalid UTF-8 is replaced, never passed on to JSON */
	assert_string_equal(json_string_value(json_object_get(v[1]->metadata, "description")),
			    "the C library \xef\xbf\xbd");

	assert_int_equal(w.n, 5);
	th_warning_is(&w, 0, 1, "package entry without V: (version): skipped");
	th_warning_is(&w, 1, 7, "not an \"X:value\" line: skipped");
	th_warning_is(&w, 2, 8, "Z: line without an R: file before it: skipped");
	th_warning_is(&w, 3, 9, "R: line before any F: line: read as a file in /");
	th_warning_is(&w, 4, 14, "package entry without P: (name): skipped");
	th_pkgs_free(v, n);

	/* nothing at all, and a lone newline */
	assert_int_equal(customs__apk_parse_installed(&v, &n, "", 0, th_warn, &w), 0);
	assert_int_equal(n, 0);
	th_pkgs_free(v, n);
	assert_int_equal(customs__apk_parse_installed(&v, &n, "\n\n", 2, NULL, NULL), 0);
	assert_int_equal(n, 0);
	th_pkgs_free(v, n);
}

/* The analyzer's warnings name the image, the layer, the path and the line. */
static void test_warning_names_path_and_line(void **state)
{
	(void)state;
	th_dir d;
	th_dir_new(&d, "apk");
	th_dir_text(&d, "lib/apk/db/installed", "P:musl\nV:1.2.5-r9\nA:x86_64\n\nP:broken\nA:x86_64\n\n");
	customs_analysis *a = th_dir_analyze(&d, "apk");
	assert_int_equal(a->npackages, 1);
	assert_string_equal(a->packages[0]->name, "musl");
	assert_string_equal(a->packages[0]->db_path, "lib/apk/db/installed");
	assert_int_equal(a->packages[0]->layer, 0);
	assert_int_equal(a->packages[0]->visible, 1);
	assert_string_equal(a->packages[0]->purl, "pkg:apk/alpine/musl@1.2.5-r9?arch=x86_64");
	assert_int_equal(a->nwarnings, 1);
	th_dir_warning_is(&d, a->warnings[0].message,
			  "layer 0: lib/apk/db/installed: line 5: package entry without V: (version): skipped");
	customs_analysis_free(a);
	assert_int_equal(th_dir_remove(&d), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_database),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_warning_names_path_and_line),
	};
	return th_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
