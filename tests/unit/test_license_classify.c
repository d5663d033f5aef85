/* test_license_classify.c - the license text classifier on the texts Debian
 * ships in /usr/share/common-licenses (each file must give the license its
 * name says), GNU notices (or-later only where granted, the "How to Apply"
 * template and the texts' own mentions not counted), permissive texts, and
 * what must give nothing; license URLs; the pom.xml scanner and the
 * manifest's license headers, malformed input with its messages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/analyzers.h"
#include "helpers.h"
#include "license/license.h"
#include "util/util.h"

/* l's strings joined by sep (l is released; the result freed by the caller). */
static char *joined(customs_strlist *l, const char *sep)
{
	customs_buf b = CUSTOMS_BUF_INIT(0);
	customs_buf_puts(&b, "");
	for (size_t i = 0; i < l->n; i++)
		customs_buf_printf(&b, "%s%s", i ? sep : "", l->v[i]);
	customs_strlist_release(l);
	return customs_buf_detach(&b);
}

/* The licenses of text, space-joined (freed by the caller). */
static char *classify(const char *text, size_t len)
{
	customs_strlist l = {0};
	assert_int_equal(customs__license_classify(&l, text, len), 0);
	return joined(&l, " ");
}

static void is(const char *text, const char *want)
{
	char *got = classify(text, strlen(text));
	if (strcmp(got, want))
		fail_msg("%.60s...: got '%s', want '%s'", text, got, want);
	free(got);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	customs_buf b = CUSTOMS_BUF_INIT(0);
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		customs_buf_put(&b, chunk, n);
	fclose(f);
	*len = b.len;
	return customs_buf_detach(&b);
}

static void test_common_licenses(void **state)
{
	(void)state;
	/* each full text names its license and version; with no notice
	 * granting "or later" that version only, as SPDX reads it */
	static const struct {
		const char *file, *want;
	} texts[] = {
		{"Apache-2.0", "Apache-2.0"}, {"Artistic", "Artistic-1.0"},  {"BSD", "BSD-3-Clause"},
		{"CC0-1.0", "CC0-1.0"},       {"GFDL-1.2", "GFDL-1.2-only"}, {"GFDL-1.3", "GFDL-1.3-only"},
		{"GPL-1", "GPL-1.0-only"},    {"GPL-2", "GPL-2.0-only"},     {"GPL-3", "GPL-3.0-only"},
		{"LGPL-2", "LGPL-2.0-only"},  {"LGPL-2.1", "LGPL-2.1-only"}, {"LGPL-3", "LGPL-3.0-only"},
		{"MPL-1.1", "MPL-1.1"},       {"MPL-2.0", "MPL-2.0"},
	};
	size_t seen = 0;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		char path[128];
		size_t len;
		snprintf(path, sizeof(path), "/usr/share/common-licenses/%s", texts[i].file);
		char *t = slurp(path, &len);
		if (!t)
			continue;
		seen++;
		char *got = classify(t, len);
		if (strcmp(got, texts[i].want))
			fail_msg("%s: got '%s', want '%s'", path, got, texts[i].want);
		free(got);
		free(t);
	}
	if (!seen)
		fail_msg("/usr/share/common-licenses is absent (base-files installs it)");
}

static void test_gnu_notices(void **state)
{
	(void)state;
	is("under the terms of the GNU General Public License as published by\n"
	   " * the Free Software Foundation; either version 2 of the License, or\n"
	   " * (at your option) any later version.",
	   "GPL-2.0-or-later");
	is("# the GNU Lesser General Public License as published by the Free Software\n"
	   "# Foundation; either version 2.1 of the License, or (at your option) any later version.",
	   "LGPL-2.1-or-later");
	is("licensed under the GNU Library General Public License, version 2.", "LGPL-2.0-only");
	is("distributed under the terms of the GNU General Public License,\nversion 2.", "GPL-2.0-only");
	is("The main library is licensed under GNU Lesser General Public License (LGPL) version 2.1+",
	   "LGPL-2.1-or-later");
	is("GNU Affero General Public License version 3", "AGPL-3.0-only");
	is("This program is GPLv3+; docs under the GNU Free Documentation License, Version 1.3 or any later "
	   "version published by the Free Software Foundation",
	   "GPL-3.0-or-later GFDL-1.3-or-later");
	/* the same version granted "or later" elsewhere: the mention is not another license */
	is("GPL-3+ ... Under Section 7 of GPL version 3, you are granted additional permissions", "GPL-3.0-or-later");
	/* a reference names the version; a notice decides "or later" */
	is("See /usr/share/common-licenses/GPL-2 for the GNU General Public License, version 2 or later",
	   "GPL-2.0-or-later");
	is("see `/usr/share/common-licenses/LGPL-2.1'.", "LGPL-2.1-only");
	/* an unversioned reference stays a name; with a versioned notice it is that */
	is("licensed under the GPL, see /usr/share/common-licenses/GPL.", "GPL");
	is("GPL version 3 or later, text in /usr/share/common-licenses/GPL.", "GPL-3.0-or-later");
	/* the template a GNU text tells its users to copy is not the package's */
	is("<one line to give the program's name and a brief idea of what it does.>\n"
	   "Copyright (C) <year>  <name of author>\n"
	   "This program is free software; you can redistribute it and/or modify it under the terms of the GNU "
	   "General Public License as published by the Free Software Foundation; either version 2 of the License, "
	   "or (at your option) any later version.",
	   "");
	/* no version anywhere: nothing */
	is("See the GNU General Public License for more details.", "");
	is("GPL-compatible? (1)  0.9.0 thru 1.2", "");
}

static void test_permissive(void **state)
{
	(void)state;
	is("Permission is hereby granted, free of charge, to any person obtaining a copy\n"
	   "of this software and associated documentation files (the \"Software\"), to deal",
	   "MIT");
	is("Permission to use, copy, modify, and/or distribute this software for any\n"
	   "purpose with or without fee is hereby granted, provided that the above\n"
	   "copyright notice and this permission notice appear in all copies.",
	   "ISC");
	is("This software is provided 'as-is', without any express or implied warranty. ... Permission is granted "
	   "to anyone to use this software for any purpose, including commercial applications, and to alter it and "
	   "redistribute it freely, subject to the following restrictions:",
	   "Zlib");
	static const char bsd2[] =
		"Redistribution and use in source and binary forms, with or without modification, are permitted "
		"provided that the following conditions are met:\n 1. Redistributions of source code must retain the "
		"above copyright notice.\n 2. Redistributions in binary form must reproduce the above copyright "
		"notice.\nTHIS SOFTWARE IS PROVIDED BY THE AUTHOR ``AS IS''.\n";
	static const char bsd3_clause[] = " 3. Neither the name of the author nor the names of its contributors may "
					  "be used to endorse or promote products derived from this software.\n";
	static const char bsd4_clause[] = " 3. All advertising materials mentioning features or use of this "
					  "software must display the following acknowledgement.\n";
	is(bsd2, "BSD-2-Clause");
	char *t = customs_asprintf("%.*s%s%s%s", (int)(strstr(bsd2, "THIS") - bsd2), bsd2, bsd4_clause, bsd3_clause,
				   strstr(bsd2, "THIS"));
	is(t, "BSD-4-Clause");
	free(t);
	t = customs_asprintf("%.*s%s%s", (int)(strstr(bsd2, "THIS") - bsd2), bsd2, bsd3_clause, strstr(bsd2, "THIS"));
	is(t, "BSD-3-Clause");
	/* two texts, two licenses, in the order the file has them */
	char *two = customs_asprintf("%s\n%s", t, bsd2);
	is(two, "BSD-3-Clause BSD-2-Clause");
	free(two);
	/* clause 3 after the disclaimer belongs to no text */
	char *late = customs_asprintf("%s%s", bsd2, bsd3_clause);
	is(late, "BSD-2-Clause");
	free(late);
	free(t);
	is("Licensed under the Apache License, Version 2.0 (the \"License\");", "Apache-2.0");
	is("This Source Code Form is subject to the terms of the Mozilla Public\n License, v. 2.0.", "MPL-2.0");
	is("Copyright 2020 Someone. All rights reserved.", "");
	is("", "");
}

static void test_urls(void **state)
{
	(void)state;
	static const struct {
		const char *url, *want;
	} cases[] = {
		{"https://www.apache.org/licenses/LICENSE-2.0.txt", "Apache-2.0"},
		{"http://www.apache.org/licenses/LICENSE-2.0", "Apache-2.0"},
		{"https://opensource.org/licenses/MIT", "MIT"},
		{"http://www.opensource.org/licenses/mit-license.php", "MIT"},
		{"https://opensource.org/licenses/BSD-3-Clause", "BSD-3-Clause"},
		{"https://spdx.org/licenses/EPL-2.0.html", "EPL-2.0"},
		{"http://www.eclipse.org/legal/epl-v10.html", "EPL-1.0"},
		{"https://www.gnu.org/licenses/old-licenses/lgpl-2.1.html", "LGPL-2.1-only"},
		{"https://www.mozilla.org/MPL/2.0/", "MPL-2.0"},
		{"https://example.org/license", NULL},
		{"https://opensource.org/licenses/NotALicense", NULL},
		{"", NULL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = customs__license_url_id(cases[i].url);
		if (cases[i].want ? !got || strcmp(got, cases[i].want) : got != NULL)
			fail_msg("%s: got %s, want %s", cases[i].url, got ? got : "NULL",
				 cases[i].want ? cases[i].want : "NULL");
	}
}

static char *pom(const char *xml, int want_rc, th_warns *w)
{
	customs_strlist l = {0};
	assert_int_equal(customs__java_parse_pom_licenses(&l, xml, strlen(xml), th_warn, w), want_rc);
	return joined(&l, "|");
}

/* head, then piece n times: refused with msg on line 1 */
static void over_bound(const char *head, const char *piece, int n, const char *msg)
{
	customs_buf b = CUSTOMS_BUF_INIT(0);
	customs_buf_puts(&b, head);
	for (int i = 0; i < n; i++)
		customs_buf_puts(&b, piece);
	th_warns w = {0};
	free(pom(b.ptr, CUSTOMS_EFORMAT, &w));
	th_warning_is(&w, 0, 1, msg);
	customs_buf_release(&b);
}

static void test_pom(void **state)
{
	(void)state;
	th_warns w = {0};
	char *got =
		pom("<?xml version=\"1.0\"?>\n<!DOCTYPE project [<!ENTITY x \"MIT\">]>\n"
		    "<p:project xmlns:p=\"http://maven.apache.org/POM/4.0.0\" a='x > y'>\n"
		    "<!-- <licenses><license><name>no</name></license></licenses> -->\n"
		    "<p:licenses><p:license><p:name> Eclipse &amp; Public &#76;icense </p:name>"
		    "<p:url>https://www.eclipse.org/legal/epl-2.0/</p:url></p:license>\n"
		    "<license><url>https://opensource.org/licenses/MIT</url></license>\n"
		    "<license><name>MPL 2.0</name></license><license><name>&x;</name></license></p:licenses>\n"
		    "<build><licenses><license><name>nested: not the project's</name></license></licenses></build>\n"
		    "</p:project>\n",
		    0, &w);
	/* a name that is no SPDX expression: its URL's license; none: the URL's;
	 * an entity never declared by us is left as written */
	assert_string_equal(got, "EPL-2.0|MIT|MPL-2.0|&x;");
	assert_int_equal(w.n, 0);
	free(got);
	got = pom("<project><licenses><license><name>Custom</name><url>https://example.org/l</url></license>"
		  "<license><name>The Apache Software License, Version 2.0</name></license>"
		  "<license><name>Eclipse Public License - v 1.0</name></license></licenses></project>",
		  0, &w);
	/* Maven's usual spellings are SPDX ids without their URLs */
	assert_string_equal(got, "Custom|Apache-2.0|EPL-1.0");
	free(got);
	/* malformed: a warning naming the line, what came before kept */
	static const struct {
		const char *xml, *msg;
		size_t line;
		const char *kept;
	} bad[] = {
		{"<project>\n<licenses><license><name>MIT</name></license>\n<license><name>x</names>",
		 "pom.xml is not read further: not well-formed: </names> closes <name>", 3, "MIT"},
		{"<project>\n<!-- open", "pom.xml is not read further: a comment is not closed at the end of the file",
		 2, ""},
		{"<project><licenses>", "pom.xml is not read further: <licenses> is not closed at the end of the file",
		 1, ""},
		{"<project a=\"x>", "pom.xml is not read further: an attribute value is not closed", 1, ""},
		{"<project><![CDATA[",
		 "pom.xml is not read further: a CDATA section is not closed at the end of the file", 1, ""},
		{"</project>", "pom.xml is not read further: not well-formed: </project> closes <nothing>", 1, ""},
		{"<>", "pom.xml is not read further: a tag without a name: not XML", 1, ""},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		th_warns bw = {0};
		got = pom(bad[i].xml, CUSTOMS_EFORMAT, &bw);
		assert_string_equal(got, bad[i].kept);
		assert_int_equal(bw.n, 1);
		th_warning_is(&bw, 0, bad[i].line, bad[i].msg);
		free(got);
	}
	/* bounds: nesting and field length */
	over_bound("", "<a>", 70, "pom.xml is not read further: elements nested deeper than 64 levels");
	over_bound("<project><licenses><license><name>", "x", 5000,
		   "pom.xml is not read further: a <license> field over 4096 bytes");
}

static void test_manifest_licenses(void **state)
{
	(void)state;
	static const struct {
		const char *mf, *want;
	} cases[] = {
		{"Bundle-License: Apache-2.0;link=\"https://www.apache.org/licenses/LICENSE-2.0.txt\", EPL-2.0\n",
		 "Apache-2.0|EPL-2.0"},
		{"Bundle-License: https://www.apache.org/licenses/LICENSE-2.0.txt\n", "Apache-2.0"},
		{"Bundle-License: Apache License, Version 2.0\n", "Apache-2.0"},
		{"Bundle-License: \"My, License\";link=\"https://opensource.org/licenses/MIT\"\n", "MIT"},
		{"Bundle-License: Corporate License;description=\"a, b\"\n", "Corporate License"},
		{"Bundle-License: <<EXTERNAL>>\n", ""},
		{"Bundle-License: \"unterminated\n", "unterminated"},
		{"Bundle-License: ;;,,\n", ""},
		{"License: GPL-2.0 WITH Classpath-exception-2.0\n", "GPL-2.0-only WITH Classpath-exception-2.0"},
		{"License: See the file LICENSE\n", "See the file LICENSE"},
		{"Implementation-Title: x\n", ""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *mf;
		customs_strlist l = {0};
		assert_int_equal(customs__java_parse_manifest(&mf, cases[i].mf, strlen(cases[i].mf)), 0);
		assert_int_equal(customs__java_manifest_licenses(&l, mf), 0);
		char *got = joined(&l, "|");
		if (strcmp(got, cases[i].want))
			fail_msg("%s: got '%s', want '%s'", cases[i].mf, got, cases[i].want);
		free(got);
		json_decref(mf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_common_licenses),
		cmocka_unit_test(test_gnu_notices),
		cmocka_unit_test(test_permissive),
		cmocka_unit_test(test_urls),
		cmocka_unit_test(test_pom),
		cmocka_unit_test(test_manifest_licenses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
