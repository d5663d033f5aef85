/* test_apk.c - the lib/apk/db/installed parser on a real Alpine 3.21 database
 * ($SHARED/fixtures/apk/alpine-3.21.installed) and on malformed input,
 * whose warnings must name the line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/analyzers.h"
#include "util/util.h"

typedef struct warns {
	char *msg[32];
	size_t line[32];
	size_t n;
} warns;

static void on_warn(void *ud, size_t line, const char *msg)
{
	warns *w = ud;
	if (w->n < 32) {
		w->line[w->n] = line;
		w->msg[w->n++] = strdup(msg);
	}
}

static void warns_release(warns *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->msg[i]);
	w->n = 0;
}

static void free_pkgs(customs_package **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		customs_package_free(v[i]);
	free(v);
}

static const customs_package *find(customs_package **v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i]->name, name))
			return v[i];
	return NULL;
}

static const char *missing_data; /* set when $SHARED's file is absent */

static void test_real_database(void **state)
{
	(void)state;
	const char *shared = getenv("SHARED");
	char path[4096];
	char *buf;
	size_t len;
	snprintf(path, sizeof(path), "%s/fixtures/apk/alpine-3.21.installed", shared ? shared : "../shared");
	if (customs_read_file(&buf, &len, path, 64u << 20) < 0) {
		missing_data = "fixtures/apk/alpine-3.21.installed";
		skip();
	}
	customs_package **v;
	size_t n;
	warns w = {0};
	assert_int_equal(customs__apk_parse_installed(&v, &n, buf, len, on_warn, &w), 0);
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

	const customs_package *p = find(v, n, "busybox-binsh");
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
	free_pkgs(v, n);
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
	warns w = {0};
	assert_int_equal(customs__apk_parse_installed(&v, &n, db, sizeof(db) - 1, on_warn, &w), 0);
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
	assert_int_equal(w.line[0], 1);
	assert_string_equal(w.msg[0], "package entry without V: (version): skipped");
	assert_int_equal(w.line[1], 7);
	assert_string_equal(w.msg[1], "not an \"X:value\" line: skipped");
	assert_int_equal(w.line[2], 8);
	assert_string_equal(w.msg[2], "Z: line without an R: file before it: skipped");
	assert_int_equal(w.line[3], 9);
	assert_string_equal(w.msg[3], "R: line before any F: line: read as a file in /");
	assert_int_equal(w.line[4], 14);
	assert_string_equal(w.msg[4], "package entry without P: (name): skipped");
	warns_release(&w);
	free_pkgs(v, n);

	/* nothing at all, and a lone newline */
	assert_int_equal(customs__apk_parse_installed(&v, &n, "", 0, on_warn, &w), 0);
	assert_int_equal(n, 0);
	free_pkgs(v, n);
	assert_int_equal(customs__apk_parse_installed(&v, &n, "\n\n", 2, NULL, NULL), 0);
	assert_int_equal(n, 0);
	free_pkgs(v, n);
}

/* The analyzer's warnings name the image, the layer, the path and the line. */
static void test_warning_names_path_and_line(void **state)
{
	(void)state;
	char root[] = "/tmp/customs-apk-XXXXXX";
	assert_non_null(mkdtemp(root));
	char *dir = customs_asprintf("%s/lib/apk/db", root), *cmd = customs_asprintf("mkdir -p %s", dir);
	assert_int_equal(system(cmd), 0);
	char *path = customs_asprintf("%s/installed", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("P:musl\nV:1.2.5-r9\nA:x86_64\n\nP:broken\nA:x86_64\n\n", f);
	fclose(f);
	char *ref = customs_asprintf("dir:%s", root);
	customs_analysis *a;
	customs_options o = {.version = CUSTOMS_OPTIONS_VERSION, .analyzers = "apk"};
	assert_int_equal(customs_analyze(&a, ref, &o), 0);
	assert_int_equal(a->npackages, 1);
	assert_string_equal(a->packages[0]->name, "musl");
	assert_string_equal(a->packages[0]->db_path, "lib/apk/db/installed");
	assert_int_equal(a->packages[0]->layer, 0);
	assert_int_equal(a->packages[0]->visible, 1);
	assert_string_equal(a->packages[0]->purl, "pkg:apk/alpine/musl@1.2.5-r9?arch=x86_64");
	assert_int_equal(a->nwarnings, 1);
	char *want = customs_asprintf("%s: layer 0: lib/apk/db/installed: line 5: package entry without V: (version): skipped", ref);
	assert_string_equal(a->warnings[0].message, want);
	customs_analysis_free(a);
	free(want);
	free(cmd);
	cmd = customs_asprintf("rm -rf %s", root);
	assert_int_equal(system(cmd), 0);
	free(cmd), free(ref), free(path), free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_database),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_warning_names_path_and_line),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	if (!failed && missing_data) {
		printf("SKIP: $SHARED/%s is absent (the shared data set is present in CI)\n", missing_data);
		return 77;
	}
	return failed;
}
