/* test_python.c - the Python metadata parsers on real files from the
 * debian-rich fixture (tests/data/lang/python): METADATA / PKG-INFO fields,
 * licenses (License-Expression, SPDX-like License, classifiers, never a
 * guess), PEP 503 names and purls, RECORD and requires.txt; malformed
 * metadata with its warning; and the analyzer on a directory image:
 * site-packages rule, owned files, the Debian owner link, and the warning
 * naming path and layer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/analyzers.h"
#include "helpers.h"
#include "util/util.h"

#define PY "lang/python/"

static customs_package *parse_ok(const char *text)
{
	customs_package *p = NULL;
	th_warns w = {0};
	int err = customs__python_parse_metadata(&p, text, strlen(text), th_warn, &w);
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
	customs_package *p = th_parse_one_file(customs__python_parse_metadata, PY "PyYAML-6.0.METADATA", NULL, NULL);
	assert_string_equal(p->name, "PyYAML");
	assert_string_equal(p->version, "6.0");
	assert_string_equal(p->type, "python");
	assert_string_equal(p->purl, "pkg:pypi/pyyaml@6.0");
	assert_int_equal(p->licenses.n, 1);
	assert_string_equal(p->licenses.v[0], "MIT");
	assert_string_equal(th_meta(p, "author"), "Kirill Simonov");
	assert_string_equal(th_meta(p, "home_page"), "https://pyyaml.org/");
	assert_string_equal(th_meta(p, "summary"), "YAML parser and emitter for Python");
	assert_int_equal(json_array_size(json_object_get(p->metadata, "requires_dist")), 0);
	customs_package_free(p);

	/* License: LGPL is no SPDX id: the LGPLv2+ classifier says which */
	p = th_parse_one_file(customs__python_parse_metadata, PY "chardet-5.1.0.METADATA", NULL, NULL);
	assert_string_equal(p->name, "chardet");
	assert_string_equal(p->version, "5.1.0");
	assert_int_equal(p->licenses.n, 1);
	assert_string_equal(p->licenses.v[0], "LGPL-2.0-or-later");
	customs_package_free(p);
}

static void test_real_egg_info(void **state)
{
	(void)state;
	customs_package *p =
		th_parse_one_file(customs__python_parse_metadata, PY "requests-2.28.1.PKG-INFO", NULL, NULL);
	assert_string_equal(p->name, "requests");
	assert_string_equal(p->version, "2.28.1");
	assert_string_equal(p->purl, "pkg:pypi/requests@2.28.1");
	/* License: "Apache 2.0" is a spelling of Apache-2.0 ("Apache Software
	 * License", the classifier, has no version) */
	assert_int_equal(p->licenses.n, 1);
	assert_string_equal(p->licenses.v[0], "Apache-2.0");
	assert_string_equal(th_meta(p, "author"), "Kenneth Reitz");
	assert_string_equal(th_meta(p, "home_page"), "https://requests.readthedocs.io");
	customs_package_free(p);

	p = th_parse_one_file(customs__python_parse_metadata, PY "gyp-0.1.PKG-INFO", NULL, NULL);
	assert_string_equal(p->name, "gyp");
	assert_int_equal(p->licenses.n, 0); /* License: UNKNOWN */
	customs_package_free(p);
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
	assert_string_equal(p->licenses.v[0], "GPL-2.0-or-later");
	customs_package_free(p);
	/* spellings of one license map to it; the rest is kept as it is, never
	 * guessed at; "UNKNOWN" and the like say nothing */
	static const struct {
		const char *license, *want;
	} cases[] = {
		{"Apache 2.0", "Apache-2.0"}, {"MIT License", "MIT"}, {"BSD", "BSD"}, {"LGPL", "LGPL"},
		{"MIT AND", "MIT AND"},       {"(MIT", "(MIT"},        {"MIT)", "MIT)"},
		{"MIT WITH Foo-exception", "MIT WITH Foo-exception"},  {"UNKNOWN", NULL}, {"None", NULL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *t = customs_asprintf("Name: a\nVersion: 1\nLicense: %s\n", cases[i].license);
		p = parse_ok(t);
		if (cases[i].want ? p->licenses.n != 1 || strcmp(p->licenses.v[0], cases[i].want) : p->licenses.n != 0)
			fail_msg("License: %s gave %zu licenses (%s), want %s", cases[i].license, p->licenses.n,
				 p->licenses.n ? p->licenses.v[0] : "-", cases[i].want ? cases[i].want : "none");
		customs_package_free(p);
		free(t);
	}
	/* a license's text in License is classified */
	p = parse_ok("Name: a\nVersion: 1\nLicense: Copyright (c) 2020 A\n"
		     "        Permission is hereby granted, free of charge, to any person obtaining a copy\n"
		     "        of this software and associated documentation files (the \"Software\"), to deal\n");
	assert_int_equal(p->licenses.n, 1);
	assert_string_equal(p->licenses.v[0], "MIT");
	customs_package_free(p);
	/* a vague License is said exactly by a classifier */
	p = parse_ok("Name: a\nVersion: 1\nLicense: LGPL\n"
		     "Classifier: License :: OSI Approved :: GNU Lesser General Public License v2 or later (LGPLv2+)\n");
	assert_int_equal(p->licenses.n, 1);
	assert_string_equal(p->licenses.v[0], "LGPL-2.0-or-later");
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
	assert_string_equal(th_meta(p, "author"), "Jane <jane@example.org>");
	assert_string_equal(th_meta(p, "home_page"), "https://example.org");
	assert_string_equal(th_meta(p, "summary"), "one\n  two");
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
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		th_parse_one_rejects(customs__python_parse_metadata, cases[i].text, cases[i].warning, cases[i].line);
}

static void test_record(void **state)
{
	(void)state;
	size_t len;
	char *buf = th_data(PY "PyYAML-6.0.RECORD", &len);
	customs_strlist l = {0};
	assert_int_equal(customs__python_parse_record(&l, "usr/lib/python3/dist-packages", buf, len), 0);
	assert_int_equal(l.n, 23);
	assert_string_equal(l.v[0], "/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA");
	assert_true(customs_strlist_contains(&l, "/usr/lib/python3/dist-packages/yaml/__init__.py"));
	customs_strlist_release(&l);
	free(buf);

	/* hex digests where base64 belongs (charset-normalizer) */
	buf = th_data(PY "charset_normalizer-3.0.1.RECORD", &len);
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
	char *buf = th_data(PY "requests-2.28.1.requires.txt", &len);
	json_t *a = json_array();
	assert_int_equal(customs__python_parse_requires(a, buf, len), 0);
	/* what importlib.metadata's Distribution.requires gives for it */
	char *got = json_dumps(a, JSON_COMPACT);
	assert_string_equal(got, "[\"PySocks!=1.5.7,>=1.5.6; extra == \\\"socks\\\"\","
				 "\"chardet<6,>=3.0.2; extra == \\\"use_chardet_on_py3\\\"\"]");
	free(got);
	json_decref(a);
	free(buf);

	buf = th_data(PY "urllib3-1.26.12.requires.txt", &len);
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

#define SITE "usr/lib/python3.11/site-packages"
#define DIST "usr/lib/python3/dist-packages"

static void test_analyzer(void **state)
{
	(void)state;
	th_dir d;
	th_dir_new(&d, "python");
	/* pip-installed wheel with its RECORD */
	th_dir_text(&d, SITE "/Foo_Bar-1.2.dist-info/METADATA",
		    "Metadata-Version: 2.1\nName: Foo_Bar\nVersion: 1.2\nLicense-Expression: MIT\n");
	th_dir_text(&d, SITE "/Foo_Bar-1.2.dist-info/RECORD",
		    "foo_bar/__init__.py,sha256=abc,10\nFoo_Bar-1.2.dist-info/METADATA,,\n../../../bin/foo,,\n");
	/* a Debian-owned egg-info directory, an egg-info file, a broken one */
	th_dir_text(&d, DIST "/requests-2.28.1.egg-info/PKG-INFO",
		    "Metadata-Version: 2.1\nName: requests\nVersion: 2.28.1\n");
	th_dir_text(&d, DIST "/requests-2.28.1.egg-info/requires.txt", "[socks]\nPySocks!=1.5.7,>=1.5.6\n");
	th_dir_text(&d, DIST "/cnf-1.0.egg-info", "Name: cnf\nVersion: 1.0\n");
	th_dir_text(&d, DIST "/broken-1.dist-info/METADATA", "Name: broken\n");
	/* not in a site directory, or vendored inside a package: not distributions */
	th_dir_text(&d, "opt/src/foo.egg-info/PKG-INFO", "Name: src\nVersion: 1\n");
	th_dir_text(&d, SITE "/setuptools/_vendor/six-1.0.dist-info/METADATA", "Name: six\nVersion: 1.0\n");
	th_dir_text(&d, "var/lib/dpkg/status",
		    "Package: python3-requests\nStatus: install ok installed\nVersion: 2.28.1+dfsg-1\n"
		    "Architecture: all\n\n");
	th_dir_text(&d, "var/lib/dpkg/info/python3-requests.list",
		    "/.\n/usr/lib/python3/dist-packages/requests-2.28.1.egg-info\n"
		    "/usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO\n");

	customs_analysis *a = th_dir_analyze(&d, "dpkg,python");
	size_t npy = 0;
	for (size_t i = 0; i < a->npackages; i++)
		npy += !strcmp(a->packages[i]->type, "python");
	assert_int_equal(npy, 3);

	const customs_package *x = th_pkg_find(a->packages, a->npackages, "python", "Foo_Bar");
	assert_non_null(x);
	assert_string_equal(x->purl, "pkg:pypi/foo-bar@1.2");
	assert_string_equal(x->found_by, "python");
	assert_string_equal(x->db_path, "usr/lib/python3.11/site-packages/Foo_Bar-1.2.dist-info/METADATA");
	assert_int_equal(x->layer, 0);
	assert_int_equal(x->visible, 1);
	assert_string_equal(x->licenses.v[0], "MIT");
	assert_string_equal(th_meta(x, "site_packages"), SITE);
	assert_null(json_object_get(x->metadata, "installed_by"));
	assert_int_equal(x->files.n, 3);
	assert_string_equal(x->files.v[0], "/usr/lib/python3.11/site-packages/foo_bar/__init__.py");
	assert_string_equal(x->files.v[2], "/usr/bin/foo");

	x = th_pkg_find(a->packages, a->npackages, "python", "requests");
	assert_non_null(x);
	assert_string_equal(th_meta(x, "installed_by"), "python3-requests");
	assert_string_equal(th_meta(x, "site_packages"), DIST);
	json_t *req = json_object_get(x->metadata, "requires_dist");
	assert_string_equal(json_string_value(json_array_get(req, 0)), "PySocks!=1.5.7,>=1.5.6; extra == \"socks\"");

	x = th_pkg_find(a->packages, a->npackages, "python", "cnf");
	assert_non_null(x);
	assert_string_equal(x->db_path, "usr/lib/python3/dist-packages/cnf-1.0.egg-info");

	assert_int_equal(a->nwarnings, 1);
	th_dir_warning_is(&d, a->warnings[0].message,
			  "layer 0: usr/lib/python3/dist-packages/broken-1.dist-info/METADATA: line 1: no Version "
			  "field: skipped");
	assert_string_equal(a->warnings[0].path, "usr/lib/python3/dist-packages/broken-1.dist-info/METADATA");
	assert_int_equal(a->warnings[0].layer, 0);
	customs_analysis_free(a);
	assert_int_equal(th_dir_remove(&d), 0);
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
