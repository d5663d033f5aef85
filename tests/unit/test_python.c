/* test_python.c - the Python metadata parsers on real files from the
 * debian-rich fixture (tests/data/lang/python): METADATA / PKG-INFO fields,
 * licenses (License-Expression, SPDX-like License, classifiers, never a
 * guess), PEP 503 names and purls, RECORD and requires.txt; malformed
 * metadata with its warning; and the analyzer on a directory image:
 * site-packages rule, owned files, the Debian owner link, and the warning
 * naming path and layer. */
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

static const char *dirname_of(const char *file)
{
	static char dir[4096];
	const char *slash = strrchr(file, '/');
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - file) : 1, slash ? file : ".");
	return dir;
}

static char *data_file(const char *name, size_t *len)
{
	/* ctest sets SRCDIR; run by hand, the data sits next to this file */
	const char *src = getenv("SRCDIR");
	char *path = src ? customs_asprintf("%s/tests/data/lang/python/%s", src, name)
			 : customs_asprintf("%s/../data/lang/python/%s", dirname_of(__FILE__), name);
	char *buf = NULL;
	if (customs_read_file(&buf, len, path, 1 << 20) < 0)
		fail_msg("cannot read %s: %s", path, customs_error_last());
	free(path);
	return buf;
}

typedef struct warns {
	char msg[8][256];
	size_t line[8];
	int n;
} warns;

static void collect(void *ud, size_t line, const char *msg)
{
	warns *w = ud;
	if (w->n < 8) {
		snprintf(w->msg[w->n], sizeof(w->msg[0]), "%s", msg);
		w->line[w->n++] = line;
	}
}

static const char *meta(const customs_package *p, const char *key)
{
	return json_string_value(json_object_get(p->metadata, key));
}

static customs_package *parse_ok(const char *text)
{
	customs_package *p = NULL;
	warns w = {.n = 0};
	int err = customs__python_parse_metadata(&p, text, strlen(text), collect, &w);
	if (err)
		fail_msg("parse failed (%d): %s", err, w.n ? w.msg[0] : "no warning");
	assert_int_equal(w.n, 0);
	return p;
}

static void test_pep503(void **state)
{
	(void)state;
	static const char *cases[][2] = {
		{"Friendly_Bard", "friendly-bard"}, {"PyYAML", "pyyaml"}, {"charset_normalizer", "charset-normalizer"},
		{"zope.interface", "zope-interface"}, {"a-_.-b", "a-b"}, {"Django", "django"}, {"x", "x"}, {"", ""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *n = customs__pep503_normalize(cases[i][0]);
		assert_string_equal(n, cases[i][1]);
		free(n);
	}
}

static void test_real_dist_info(void **state)
{
	(void)state;
	size_t len;
	char *buf = data_file("PyYAML-6.0.METADATA", &len);
	customs_package *p = NULL;
	assert_int_equal(customs__python_parse_metadata(&p, buf, len, NULL, NULL), 0);
	assert_string_equal(p->name, "PyYAML");
	assert_string_equal(p->version, "6.0");
	assert_string_equal(p->type, "python");
	assert_string_equal(p->purl, "pkg:pypi/pyyaml@6.0");
	assert_int_equal(p->licenses.n, 1);
	assert_string_equal(p->licenses.v[0], "MIT");
	assert_string_equal(meta(p, "author"), "Kirill Simonov");
	assert_string_equal(meta(p, "home_page"), "https://pyyaml.org/");
	assert_string_equal(meta(p, "summary"), "YAML parser and emitter for Python");
	assert_int_equal(json_array_size(json_object_get(p->metadata, "requires_dist")), 0);
	customs_package_free(p);
	free(buf);

	/* License: LGPL is no SPDX id: the LGPLv2+ classifier says which */
	buf = data_file("chardet-5.1.0.METADATA", &len);
	assert_int_equal(customs__python_parse_metadata(&p, buf, len, NULL, NULL), 0);
	assert_string_equal(p->name, "chardet");
	assert_string_equal(p->version, "5.1.0");
	assert_int_equal(p->licenses.n, 1);
	assert_string_equal(p->licenses.v[0], "LGPL-2.0-or-later");
	customs_package_free(p);
	free(buf);
}

static void test_real_egg_info(void **state)
{
	(void)state;
	size_t len;
	char *buf = data_file("requests-2.28.1.PKG-INFO", &len);
	customs_package *p = NULL;
	assert_int_equal(customs__python_parse_metadata(&p, buf, len, NULL, NULL), 0);
	assert_string_equal(p->name, "requests");
	assert_string_equal(p->version, "2.28.1");
	assert_string_equal(p->purl, "pkg:pypi/requests@2.28.1");
	/* "Apache 2.0" is not SPDX and "Apache Software License" has no version */
	assert_int_equal(p->licenses.n, 0);
	assert_string_equal(meta(p, "author"), "Kenneth Reitz");
	assert_string_equal(meta(p, "home_page"), "https://requests.readthedocs.io");
	customs_package_free(p);
	free(buf);

	buf = data_file("gyp-0.1.PKG-INFO", &len);
	assert_int_equal(customs__python_parse_metadata(&p, buf, len, NULL, NULL), 0);
	assert_string_equal(p->name, "gyp");
	assert_int_equal(p->licenses.n, 0); /* License: UNKNOWN */
	customs_package_free(p);
	free(buf);
}

static void test_licenses(void **state)
{
	(void)state;
	/* License-Expression wins over License */
	customs_package *p = parse_ok("Metadata-Version: 2.4\nName: a\nVersion: 1\nLicense: GPL\n"
				      "License-Expression: MIT AND (Apache-2.0 OR BSD-2-Clause)\n\nbody\n");
	assert_int_equal(p->licenses.n, 1);
	assert_string_equal(p->licenses.v[0], "MIT AND (Apache-2.0 OR BSD-2-Clause)");
	customs_package_free(p);
	/* an SPDX-like License in any case becomes canonical */
	p = parse_ok("Name: a\nVersion: 1\nLicense: apache-2.0 with llvm-exception or mit\n");
	assert_string_equal(p->licenses.v[0], "Apache-2.0 WITH LLVM-exception OR MIT");
	customs_package_free(p);
	p = parse_ok("Name: a\nVersion: 1\nLicense: GPL-2.0+\n");
	assert_string_equal(p->licenses.v[0], "GPL-2.0+");
	customs_package_free(p);
	/* free text, unknown names and license text are not guessed at */
	const char *nope[] = {"Apache 2.0", "BSD", "UNKNOWN", "LGPL", "MIT License", "MIT AND", "(MIT", "MIT)",
			      "MIT WITH Foo-exception"};
	for (size_t i = 0; i < sizeof(nope) / sizeof(nope[0]); i++) {
		char *t = customs_asprintf("Name: a\nVersion: 1\nLicense: %s\n", nope[i]);
		p = parse_ok(t);
		if (p->licenses.n)
			fail_msg("License: %s gave %s", nope[i], p->licenses.v[0]);
		customs_package_free(p);
		free(t);
	}
	p = parse_ok("Name: a\nVersion: 1\nLicense: MIT\n  Permission is hereby granted\n");
	assert_int_equal(p->licenses.n, 0);
	customs_package_free(p);
	/* classifiers: only those with one meaning, each once */
	p = parse_ok("Name: a\nVersion: 1\nLicense: Dual\n"
		     "Classifier: License :: OSI Approved :: BSD License\n"
		     "Classifier: License :: OSI Approved :: GNU General Public License v3 or later (GPLv3+)\n"
		     "Classifier: License :: OSI Approved :: Apache Software License\n"
		     "Classifier: License :: OSI Approved :: MIT License\n"
		     "Classifier: License :: OSI Approved :: MIT License\n");
	assert_int_equal(p->licenses.n, 2);
	assert_string_equal(p->licenses.v[0], "GPL-3.0-or-later");
	assert_string_equal(p->licenses.v[1], "MIT");
	customs_package_free(p);
}

static void test_fields(void **state)
{
	(void)state;
	/* CRLF, case-insensitive names, folded values, Project-URL homepage,
	 * Author-email when there is no Author, body after the blank line */
	customs_package *p = parse_ok("metadata-version: 2.1\r\nNAME: Foo_Bar.baz\r\nversion: 1.0.post1 \r\n"
				      "Author-email: Jane <jane@example.org>\r\n"
				      "Project-URL: Source, https://example.org/src\r\n"
				      "Project-URL: Homepage, https://example.org\r\n"
				      "Requires-Dist: idna (>=2.5)\r\nRequires-Dist: pysocks; extra == \"socks\"\r\n"
				      "Summary: one\r\n  two\r\n\r\nName: not-a-header\r\n");
	assert_string_equal(p->name, "Foo_Bar.baz");
	assert_string_equal(p->version, "1.0.post1");
	assert_string_equal(p->purl, "pkg:pypi/foo-bar-baz@1.0.post1");
	assert_string_equal(meta(p, "author"), "Jane <jane@example.org>");
	assert_string_equal(meta(p, "home_page"), "https://example.org");
	assert_string_equal(meta(p, "summary"), "one\n  two");
	json_t *req = json_object_get(p->metadata, "requires_dist");
	assert_int_equal(json_array_size(req), 2);
	assert_string_equal(json_string_value(json_array_get(req, 0)), "idna (>=2.5)");
	assert_string_equal(json_string_value(json_array_get(req, 1)), "pysocks; extra == \"socks\"");
	customs_package_free(p);
	/* a byte order mark and bytes that are not UTF-8 */
	p = parse_ok("\xEF\xBB\xBFName: caf\xE9\nVersion: 1\n");
	assert_string_equal(p->name, "caf\xEF\xBF\xBD");
	customs_package_free(p);
}

static void test_malformed(void **state)
{
	(void)state;
	static const struct {
		const char *text, *warning;
		size_t line;
	} cases[] = {
		{"Metadata-Version: 2.1\nName: foo\nSummary: no version\n", "no Version field: skipped", 1},
		{"Metadata-Version: 2.1\nName: foo\nVersion:   \n", "no Version field: skipped", 3},
		{"Metadata-Version: 2.1\nVersion: 1.0\n", "no Name field: skipped", 1},
		{"Metadata-Version: 3.0\nName: foo\nVersion: 1\n", "Metadata-Version 3.0 is newer than 2.x: skipped", 1},
		{"", "no Name field: skipped", 1},
		{"\n\nName: foo\nVersion: 1\n", "no Name field: skipped", 1},
		{"<html>\nName: foo\n", "no Name field: skipped", 1},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		customs_package *p = (customs_package *)1;
		warns w = {.n = 0};
		assert_int_equal(customs__python_parse_metadata(&p, cases[i].text, strlen(cases[i].text), collect, &w),
				 CUSTOMS_EFORMAT);
		assert_null(p);
		assert_int_equal(w.n, 1);
		assert_string_equal(w.msg[0], cases[i].warning);
		assert_int_equal(w.line[0], cases[i].line);
	}
}

static void test_record(void **state)
{
	(void)state;
	size_t len;
	char *buf = data_file("PyYAML-6.0.RECORD", &len);
	customs_strlist l = {0};
	assert_int_equal(customs__python_parse_record(&l, "usr/lib/python3/dist-packages", buf, len), 0);
	assert_int_equal(l.n, 23);
	assert_string_equal(l.v[0], "/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA");
	assert_true(customs_strlist_contains(&l, "/usr/lib/python3/dist-packages/yaml/__init__.py"));
	customs_strlist_release(&l);
	free(buf);

	/* hex digests where base64 belongs (charset-normalizer) */
	buf = data_file("charset_normalizer-3.0.1.RECORD", &len);
	assert_int_equal(customs__python_parse_record(&l, "usr/lib/python3/dist-packages", buf, len), 0);
	assert_int_equal(l.n, 20);
	assert_true(customs_strlist_contains(&l, "/usr/lib/python3/dist-packages/charset_normalizer/api.py"));
	customs_strlist_release(&l);
	free(buf);

	const char *rec = "\"odd,name.py\",sha256=x,1\n\"q\"\"uote.py\",,\n../../bin/tool,,\n/etc/abs.conf,,\n"
			  "../../../../../../x,,\n,,\n\n./a/./b/../c.py,,\r\n";
	assert_int_equal(customs__python_parse_record(&l, "usr/lib/python3/site-packages", rec, strlen(rec)), 0);
	assert_int_equal(l.n, 5);
	assert_string_equal(l.v[0], "/usr/lib/python3/site-packages/odd,name.py");
	assert_string_equal(l.v[1], "/usr/lib/python3/site-packages/q\"uote.py");
	assert_string_equal(l.v[2], "/usr/lib/bin/tool");
	assert_string_equal(l.v[3], "/etc/abs.conf");
	assert_string_equal(l.v[4], "/usr/lib/python3/site-packages/a/c.py");
	customs_strlist_release(&l);
}

static void test_requires(void **state)
{
	(void)state;
	size_t len;
	char *buf = data_file("requests-2.28.1.requires.txt", &len);
	json_t *a = json_array();
	assert_int_equal(customs__python_parse_requires(a, buf, len), 0);
	/* what importlib.metadata's Distribution.requires gives for it */
	char *got = json_dumps(a, JSON_COMPACT);
	assert_string_equal(got, "[\"PySocks!=1.5.7,>=1.5.6; extra == \\\"socks\\\"\","
				 "\"chardet<6,>=3.0.2; extra == \\\"use_chardet_on_py3\\\"\"]");
	free(got);
	json_decref(a);
	free(buf);

	buf = data_file("urllib3-1.26.12.requires.txt", &len);
	a = json_array();
	assert_int_equal(customs__python_parse_requires(a, buf, len), 0);
	assert_int_equal(json_array_size(a), 10);
	assert_string_equal(json_string_value(json_array_get(a, 0)),
			    "brotlicffi>=0.8.0; ((os_name != \"nt\" or python_version >= \"3\") and "
			    "platform_python_implementation != \"CPython\") and extra == \"brotli\"");
	assert_string_equal(json_string_value(json_array_get(a, 8)), "ipaddress; (python_version == \"2.7\") and extra == \"secure\"");
	free(buf);
	json_decref(a);

	a = json_array();
	const char *t = "base>=1\n[:sys_platform == \"win32\"]\nwin\n[]\nplain\n";
	assert_int_equal(customs__python_parse_requires(a, t, strlen(t)), 0);
	got = json_dumps(a, JSON_COMPACT);
	assert_string_equal(got, "[\"base>=1\",\"win; sys_platform == \\\"win32\\\"\",\"plain\"]");
	free(got);
	json_decref(a);
}

static void write_file(const char *root, const char *rel, const char *text)
{
	char *path = customs_asprintf("%s/%s", root, rel);
	char *cmd = customs_asprintf("mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(cmd);
	free(path);
}

static const customs_package *find_pkg(const customs_analysis *a, const char *type, const char *name)
{
	for (size_t i = 0; i < a->npackages; i++)
		if (!strcmp(a->packages[i]->type, type) && !strcmp(a->packages[i]->name, name))
			return a->packages[i];
	return NULL;
}

static void test_analyzer(void **state)
{
	(void)state;
	char root[] = "/tmp/customs-python-XXXXXX";
	assert_non_null(mkdtemp(root));
	const char *site = "usr/lib/python3.11/site-packages";
	const char *dist = "usr/lib/python3/dist-packages";
	char *p;
	/* pip-installed wheel with its RECORD */
	write_file(root, p = customs_asprintf("%s/Foo_Bar-1.2.dist-info/METADATA", site),
		   "Metadata-Version: 2.1\nName: Foo_Bar\nVersion: 1.2\nLicense-Expression: MIT\n");
	free(p);
	write_file(root, p = customs_asprintf("%s/Foo_Bar-1.2.dist-info/RECORD", site),
		   "foo_bar/__init__.py,sha256=abc,10\nFoo_Bar-1.2.dist-info/METADATA,,\n../../../bin/foo,,\n");
	free(p);
	/* a Debian-owned egg-info directory, an egg-info file, a broken one */
	write_file(root, p = customs_asprintf("%s/requests-2.28.1.egg-info/PKG-INFO", dist),
		   "Metadata-Version: 2.1\nName: requests\nVersion: 2.28.1\n");
	free(p);
	write_file(root, p = customs_asprintf("%s/requests-2.28.1.egg-info/requires.txt", dist),
		   "[socks]\nPySocks!=1.5.7,>=1.5.6\n");
	free(p);
	write_file(root, p = customs_asprintf("%s/cnf-1.0.egg-info", dist), "Name: cnf\nVersion: 1.0\n");
	free(p);
	write_file(root, p = customs_asprintf("%s/broken-1.dist-info/METADATA", dist), "Name: broken\n");
	free(p);
	/* not in a site directory, or vendored inside a package: not distributions */
	write_file(root, "opt/src/foo.egg-info/PKG-INFO", "Name: src\nVersion: 1\n");
	write_file(root, p = customs_asprintf("%s/setuptools/_vendor/six-1.0.dist-info/METADATA", site),
		   "Name: six\nVersion: 1.0\n");
	free(p);
	write_file(root, "var/lib/dpkg/status",
		   "Package: python3-requests\nStatus: install ok installed\nVersion: 2.28.1+dfsg-1\n"
		   "Architecture: all\n\n");
	write_file(root, "var/lib/dpkg/info/python3-requests.list",
		   "/.\n/usr/lib/python3/dist-packages/requests-2.28.1.egg-info\n"
		   "/usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO\n");

	char *ref = customs_asprintf("dir:%s", root);
	customs_analysis *a;
	customs_options o = {.version = CUSTOMS_OPTIONS_VERSION, .analyzers = "dpkg,python"};
	assert_int_equal(customs_analyze(&a, ref, &o), 0);
	size_t npy = 0;
	for (size_t i = 0; i < a->npackages; i++)
		npy += !strcmp(a->packages[i]->type, "python");
	assert_int_equal(npy, 3);

	const customs_package *x = find_pkg(a, "python", "Foo_Bar");
	assert_non_null(x);
	assert_string_equal(x->purl, "pkg:pypi/foo-bar@1.2");
	assert_string_equal(x->found_by, "python");
	assert_string_equal(x->db_path, "usr/lib/python3.11/site-packages/Foo_Bar-1.2.dist-info/METADATA");
	assert_int_equal(x->layer, 0);
	assert_int_equal(x->visible, 1);
	assert_string_equal(x->licenses.v[0], "MIT");
	assert_string_equal(meta(x, "site_packages"), site);
	assert_null(json_object_get(x->metadata, "installed_by"));
	assert_int_equal(x->files.n, 3);
	assert_string_equal(x->files.v[0], "/usr/lib/python3.11/site-packages/foo_bar/__init__.py");
	assert_string_equal(x->files.v[2], "/usr/bin/foo");

	x = find_pkg(a, "python", "requests");
	assert_non_null(x);
	assert_string_equal(meta(x, "installed_by"), "python3-requests");
	assert_string_equal(meta(x, "site_packages"), dist);
	json_t *req = json_object_get(x->metadata, "requires_dist");
	assert_string_equal(json_string_value(json_array_get(req, 0)), "PySocks!=1.5.7,>=1.5.6; extra == \"socks\"");

	x = find_pkg(a, "python", "cnf");
	assert_non_null(x);
	assert_string_equal(x->db_path, "usr/lib/python3/dist-packages/cnf-1.0.egg-info");

	assert_int_equal(a->nwarnings, 1);
	char *want = customs_asprintf("%s: layer 0: usr/lib/python3/dist-packages/broken-1.dist-info/METADATA: "
				      "line 1: no Version field: skipped",
				      ref);
	assert_string_equal(a->warnings[0].message, want);
	assert_string_equal(a->warnings[0].path, "usr/lib/python3/dist-packages/broken-1.dist-info/METADATA");
	assert_int_equal(a->warnings[0].layer, 0);
	free(want);
	customs_analysis_free(a);
	char *cmd = customs_asprintf("rm -rf %s", root);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(ref);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pep503),    cmocka_unit_test(test_real_dist_info), cmocka_unit_test(test_real_egg_info),
		cmocka_unit_test(test_licenses),  cmocka_unit_test(test_fields),         cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_record),    cmocka_unit_test(test_requires),       cmocka_unit_test(test_analyzer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
