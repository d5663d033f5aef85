/* test_dpkg.c - the dpkg status parser on stanzas copied from the
 * debian-rich fixture's var/lib/dpkg/status, on every Status state, on
 * distroless status.d stanzas and on malformed input (warnings with line
 * numbers); DEP-5 copyright licenses and their SPDX names; the feed
 * namespace of a distro; the analyzer's warnings naming path and layer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/analyzers.h"
#include "core/distro.h"
#include "helpers.h"
#include "util/util.h"

/* Verbatim from the fixture (debian 12, 2025 point release). */
static const char real_status[] =
	"Package: bash\n"
	"Essential: yes\n"
	"Status: install ok installed\n"
	"Priority: required\n"
	"Section: shells\n"
	"Installed-Size: 7164\n"
	"Maintainer: Matthias Klose <doko@debian.org>\n"
	"Architecture: amd64\n"
	"Multi-Arch: foreign\n"
	"Source: bash (5.2.15-2)\n"
	"Version: 5.2.15-2+b13\n"
	"Replaces: bash-completion (<< 20060301-0), bash-doc (<= 2.05-1)\n"
	"Depends: base-files (>= 2.1.12), debianutils (>= 5.6-0.1)\n"
	"Pre-Depends: libc6 (>= 2.36), libtinfo6 (>= 6)\n"
	"Recommends: bash-completion (>= 20060301-0)\n"
	"Suggests: bash-doc\n"
	"Conflicts: bash-completion (<< 20060301-0)\n"
	"Conffiles:\n"
	" /etc/bash.bashrc 89269e1298235f1b12b4c16e4065ad0d\n"
	" /etc/skel/.bash_logout 22bfb8c1dd94b5f3813a2b25da67463f\n"
	" /etc/skel/.bashrc ee35a240758f374832e809ae0ea4883a\n"
	" /etc/skel/.profile f4e81ade7d6f9fb342541152d08e7a97\n"
	"Description: GNU Bourne Again SHell\n"
	" Bash is an sh-compatible command language interpreter that executes\n"
	" commands read from the standard input or from a file.  Bash also\n"
	" incorporates useful features from the Korn and C shells (ksh and csh).\n"
	" .\n"
	" Bash is ultimately intended to be a conformant implementation of the\n"
	" IEEE POSIX Shell and Tools specification (IEEE Working Group 1003.2).\n"
	" .\n"
	" The Programmable Completion Code, by Ian Macdonald, is now found in\n"
	" the bash-completion package.\n"
	"Homepage: http://tiswww.case.edu/php/chet/bash/bashtop.html\n"
	"\n"
	"Package: bsdutils\n"
	"Essential: yes\n"
	"Status: install ok installed\n"
	"Priority: required\n"
	"Section: utils\n"
	"Installed-Size: 355\n"
	"Maintainer: util-linux packagers <util-linux@packages.debian.org>\n"
	"Architecture: amd64\n"
	"Multi-Arch: foreign\n"
	"Source: util-linux (2.38.1-5+deb12u3)\n"
	"Version: 1:2.38.1-5+deb12u3\n"
	"Pre-Depends: libc6 (>= 2.34), libsystemd0\n"
	"Recommends: bsdextrautils\n"
	"Description: basic utilities from 4.4BSD-Lite\n"
	" This package contains the bare minimum of BSD utilities needed for a Debian\n"
	" system: logger, renice, script, scriptlive, scriptreplay and wall. The\n"
	" remaining standard BSD utilities are provided by bsdextrautils.\n"
	"Homepage: https://www.kernel.org/pub/linux/utils/util-linux/\n"
	"\n"
	"Package: libc6\n"
	"Status: install ok installed\n"
	"Priority: optional\n"
	"Section: libs\n"
	"Installed-Size: 13001\n"
	"Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>\n"
	"Architecture: amd64\n"
	"Multi-Arch: same\n"
	"Source: glibc\n"
	"Version: 2.36-9+deb12u14\n"
	"Replaces: libc6-amd64\n"
	"Depends: libgcc-s1\n"
	"Recommends: libidn2-0 (>= 2.0.5~)\n"
	"Conffiles:\n"
	" /etc/ld.so.conf.d/x86_64-linux-gnu.conf d4e7a7b88a71b5ffd9e2644e71a0cfab\n"
	"Description: GNU C Library: Shared libraries\n"
	" Contains the standard libraries that are used by nearly all programs on\n"
	" the system. This package includes shared versions of the standard C library\n"
	" and the standard math library, as well as many others.\n"
	"Homepage: https://www.gnu.org/software/libc/libc.html\n";

static void test_real_stanzas(void **state)
{
	(void)state;
	customs_package **v;
	size_t n;
	th_warns w = {0};
	assert_int_equal(customs__dpkg_parse_status(&v, &n, real_status, sizeof(real_status) - 1, 0, th_warn, &w), 0);
	assert_int_equal(w.n, 0);
	assert_int_equal(n, 3);

	assert_string_equal(v[0]->name, "bash");
	assert_string_equal(v[0]->version, "5.2.15-2+b13");
	assert_string_equal(v[0]->arch, "amd64");
	assert_string_equal(v[0]->type, "deb");
	/* a binNMU: the source version is the one in parentheses */
	assert_string_equal(v[0]->source_name, "bash");
	assert_string_equal(v[0]->source_version, "5.2.15-2");
	assert_int_equal(json_integer_value(json_object_get(v[0]->metadata, "installed_size")), 7164);
	assert_string_equal(th_meta(v[0], "maintainer"), "Matthias Klose <doko@debian.org>");
	assert_string_equal(th_meta(v[0], "depends"), "base-files (>= 2.1.12), debianutils (>= 5.6-0.1)");
	assert_string_equal(th_meta(v[0], "pre_depends"), "libc6 (>= 2.36), libtinfo6 (>= 6)");
	assert_null(th_meta(v[0], "status")); /* only when not "install ok installed" */

	/* the binary's epoch is not part of the source version */
	assert_string_equal(v[1]->name, "bsdutils");
	assert_string_equal(v[1]->version, "1:2.38.1-5+deb12u3");
	assert_string_equal(v[1]->source_name, "util-linux");
	assert_string_equal(v[1]->source_version, "2.38.1-5+deb12u3");

	/* Source without a version: the binary's */
	assert_string_equal(v[2]->name, "libc6");
	assert_string_equal(v[2]->source_name, "glibc");
	assert_string_equal(v[2]->source_version, "2.36-9+deb12u14");
	th_pkgs_free(v, n);
}

static void test_status_states(void **state)
{
	(void)state;
	static const char st[] = "Package: a\nStatus: install ok installed\nVersion: 1\n\n"
				 "Package: b\nStatus: deinstall ok config-files\nVersion: 1\n\n"
				 "Package: c\nStatus: install reinstreq half-installed\nVersion: 1\n\n"
				 "Package: d\nStatus: purge ok not-installed\nVersion: 1\n\n"
				 "Package: e\nStatus: hold ok installed\nVersion: 1\n\n"
				 "Package: f\nStatus: install ok unpacked\nVersion: 1\n\n"
				 "Package: g\nStatus: install ok triggers-pending\nVersion: 1\n\n"
				 "Package: h\nStatus: install ok\nVersion: 1\n\n" /* line 29 */
				 "Package: i\nVersion: 1\n";                       /* line 33: no Status */
	customs_package **v;
	size_t n;
	th_warns w = {0};
	assert_int_equal(customs__dpkg_parse_status(&v, &n, st, sizeof(st) - 1, 0, th_warn, &w), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[0]->name, "a");
	assert_string_equal(v[1]->name, "e");
	assert_string_equal(th_meta(v[1], "status"), "hold ok installed");
	assert_string_equal(v[2]->name, "g");
	assert_int_equal(w.n, 2);
	th_warning_is(&w, 0, 30, "package \"h\": malformed Status \"install ok\": skipped");
	th_warning_is(&w, 1, 33, "package \"i\" has no Status field: skipped");
	th_pkgs_free(v, n);
}

/* distroless: status.d/<pkg> holds control stanzas without Status */
static void test_status_d(void **state)
{
	(void)state;
	static const char st[] = "Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\n"
				 "Source: base-files\n\n"
				 "Package: netbase\nVersion: 6.4\nArchitecture: all\n";
	customs_package **v;
	size_t n;
	th_warns w = {0};
	assert_int_equal(customs__dpkg_parse_status(&v, &n, st, sizeof(st) - 1, CUSTOMS_DPKG_STATUS_D, th_warn, &w), 0);
	assert_int_equal(w.n, 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0]->name, "base-files");
	assert_string_equal(v[1]->name, "netbase");
	assert_string_equal(v[1]->arch, "all");
	assert_string_equal(v[1]->source_name, "netbase");
	assert_string_equal(v[1]->source_version, "6.4");
	th_pkgs_free(v, n);
}

/* Built-Using (Debian Policy 7.8): the source packages built into a binary,
 * kept as one line (umoci's, from debian-rich, folded as dpkg may write it) */
static void test_built_using(void **state)
{
	(void)state;
	static const char st[] = "Package: umoci\nStatus: install ok installed\nArchitecture: amd64\n"
				 "Source: umoci (0.4.7+ds-3)\nVersion: 0.4.7+ds-3+b7\n"
				 "Built-Using: go-md2man-v2 (= 2.0.2+ds1-1), golang-1.19 (= 1.19.8-2),\n"
				 " golang-go.crypto (= 1:0.4.0-1), runc (= 1.1.5+ds1-1+deb12u1)\n"
				 "Homepage: https://umo.ci\n\n"
				 "Package: bash\nStatus: install ok installed\nVersion: 5.2.15-2+b2\n";
	customs_package **v;
	size_t n;
	th_warns w = {0};
	assert_int_equal(customs__dpkg_parse_status(&v, &n, st, sizeof(st) - 1, 0, th_warn, &w), 0);
	assert_int_equal(w.n, 0);
	assert_int_equal(n, 2);
	assert_string_equal(th_meta(v[0], "built_using"), "go-md2man-v2 (= 2.0.2+ds1-1), golang-1.19 (= 1.19.8-2), "
							  "golang-go.crypto (= 1:0.4.0-1), runc (= 1.1.5+ds1-1+deb12u1)");
	assert_null(th_meta(v[1], "built_using"));
	th_pkgs_free(v, n);
}

static void test_malformed(void **state)
{
	(void)state;
	static const char st[] = "Package: a\n"                       /* 1 */
				 "Status: install ok installed\n"     /* 2 */
				 "Version: 1\n"                       /* 3 */
				 "Depends: x,\n"                      /* 4 */
				 "  y\r\n"                            /* 5 */
				 "\n"                                 /* 6 */
				 " orphan continuation\n"             /* 7 */
				 "Status: install ok installed\n"     /* 8 */
				 "Version: 2\n"                       /* 9 */
				 " \t \n"                             /* 10: blank */
				 "Package: b\n"                       /* 11 */
				 "Status: install ok installed\n"     /* 12 */
				 "garbage line\n"                     /* 13 */
				 " continuation of the garbage\n"     /* 14 */
				 "Version: 3\n"                       /* 15 */
				 "Maintainer: J\xf6rg <j@example.org>\n" /* 16: Latin-1 */
				 "\n"                                 /* 17 */
				 "Package: c\n"                       /* 18 */
				 "Status: install ok installed\n"     /* 19 */
				 "\n"                                 /* 20 */
				 "Package: d\n"                       /* 21 */
				 "Status: install ok installed\n"     /* 22 */
				 "Version: 4\n"                       /* 23 */
				 "Source: dsrc (4-1\n";               /* 24 */
	customs_package **v;
	size_t n;
	th_warns w = {0};
	assert_int_equal(customs__dpkg_parse_status(&v, &n, st, sizeof(st) - 1, 0, th_warn, &w), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[0]->name, "a");
	assert_string_equal(th_meta(v[0], "depends"), "x, y");
	assert_string_equal(v[1]->name, "b");
	assert_string_equal(v[1]->version, "3");
	assert_string_equal(th_meta(v[1], "maintainer"), "J\xef\xbf\xbdrg <j@example.org>");
	assert_string_equal(v[2]->name, "d");
	assert_string_equal(v[2]->source_name, "dsrc");
	assert_string_equal(v[2]->source_version, "4-1");

	assert_int_equal(w.n, 6);
	th_warning_is(&w, 0, 7, "continuation line without a field before it: skipped");
	th_warning_is(&w, 1, 8, "stanza without a Package field: skipped");
	th_warning_is(&w, 2, 13, "not a \"Field: value\" line: skipped");
	th_warning_is(&w, 3, 16, "not valid UTF-8 (stanza at line 11): invalid bytes replaced by U+FFFD");
	th_warning_is(&w, 4, 18, "package \"c\" has no Version field: skipped");
	th_warning_is(&w, 5, 24, "package \"d\": Source field without ')'");
	w.n = 0;
	th_pkgs_free(v, n);

	/* empty input, only blank lines, a NUL in the middle of a name */
	assert_int_equal(customs__dpkg_parse_status(&v, &n, "", 0, 0, th_warn, &w), 0);
	assert_int_equal(n, 0);
	th_pkgs_free(v, n);
	assert_int_equal(customs__dpkg_parse_status(&v, &n, "\n\n \n", 4, 0, th_warn, &w), 0);
	assert_int_equal(n, 0);
	th_pkgs_free(v, n);
	static const char nul[] = "Package: x\0y\nStatus: install ok installed\nVersion: 1\n";
	assert_int_equal(customs__dpkg_parse_status(&v, &n, nul, sizeof(nul) - 1, 0, th_warn, &w), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0]->name, "x\xef\xbf\xbdy");
	assert_int_equal(w.n, 1);
	assert_int_equal(w.line[0], 1);
	th_pkgs_free(v, n);
}

static void test_copyright(void **state)
{
	(void)state;
	static const char dep5[] =
		"Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
		"Upstream-Name: example\n"
		"\n"
		"Files: *\n"
		"Copyright: 2020 Someone\n"
		"License: GPL-2+\n"
		" This program is free software ...\n"
		"\n"
		"Files: lib/*\n"
		"Copyright: 2021 Else\n"
		"License: BSD-3-clause or Expat, and LGPL-2.1\n"
		"\n"
		"Files: ssl/*\n"
		"Copyright: 2021 Else\n"
		"License: GPL-2+ with OpenSSL exception\n"
		"\n"
		"Files: doc/*\n"
		"Copyright: 2021 Else\n"
		"License: MIT/X11\n"
		"\n"
		"License: Apache-2.0\n"
		" A stand-alone paragraph: the text of a name, not a license of a file.\n";
	customs_strlist l = {0};
	assert_int_equal(customs__dpkg_parse_copyright(&l, dep5, sizeof(dep5) - 1), 1);
	assert_int_equal(l.n, 5);
	assert_string_equal(l.v[0], "GPL-2.0-or-later");
	assert_string_equal(l.v[1], "BSD-3-Clause");
	assert_string_equal(l.v[2], "MIT");
	assert_string_equal(l.v[3], "LGPL-2.1-only");
	assert_string_equal(l.v[4], "MIT/X11"); /* no SPDX id: the DEP-5 name as written */
	customs_strlist_release(&l);

	/* free-form text: what its notices say, nothing more */
	static const char free_form[] = "This is the Debian GNU/Linux prepackaged version of the GNU compiler\n"
					"collection ... GPL version 3 ...\n";
	assert_int_equal(customs__dpkg_parse_copyright(&l, free_form, sizeof(free_form) - 1), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0], "GPL-3.0-only");
	customs_strlist_release(&l);
	static const char nothing[] = "Copyright 2020 Someone.  All rights reserved.\nLicense:\n  Ask them.\n";
	assert_int_equal(customs__dpkg_parse_copyright(&l, nothing, sizeof(nothing) - 1), 0);
	assert_int_equal(l.n, 0);
	/* a Format: that is not copyright-format 1.0: free-form, its License:
	 * short names count; a License: line that is a sentence does not */
	static const char other[] = "Format: http://example.org/my-format\n\nFiles: *\nLicense: MIT\n"
				    "License: Redistribution and use in source and binary forms\n"
				    "License: LGPLv2.1+ or permissive-1\n";
	assert_int_equal(customs__dpkg_parse_copyright(&l, other, sizeof(other) - 1), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0], "MIT");
	assert_string_equal(l.v[1], "LGPL-2.1-or-later");
	assert_string_equal(l.v[2], "permissive-1");
	customs_strlist_release(&l);
}

/* got (freed here) is want; NULL when want is */
static void got_is(char *got, const char *want)
{
	if (want) {
		assert_non_null(got);
		assert_string_equal(got, want);
	} else {
		assert_null(got);
	}
	free(got);
}

static void check_spdx(const char *dep5, const char *want)
{
	got_is(customs__dpkg_license_spdx(dep5, strlen(dep5)), want);
}

static void test_license_names(void **state)
{
	(void)state;
	check_spdx("GPL-2+", "GPL-2.0-or-later");
	check_spdx("GPL-2", "GPL-2.0-only");
	check_spdx("gpl-3+", "GPL-3.0-or-later");
	check_spdx("LGPL-2.1+", "LGPL-2.1-or-later");
	check_spdx("LGPL-2", "LGPL-2.0-only");
	check_spdx("AGPL-3", "AGPL-3.0-only");
	check_spdx("GFDL-1.3+", "GFDL-1.3-or-later");
	check_spdx("Expat", "MIT");
	check_spdx("BSD-3-clause", "BSD-3-Clause");
	check_spdx("bsd-2-clause", "BSD-2-Clause");
	check_spdx("Apache-2.0", "Apache-2.0");
	check_spdx("Artistic", "Artistic-1.0");
	check_spdx("Zlib", "Zlib");
	check_spdx("public-domain", NULL);
	check_spdx("GPL", NULL);
	check_spdx("GPL-", NULL);
	check_spdx("GPL-2.x", NULL);
	check_spdx("GFDL-NIV-1.3", NULL);
	check_spdx("BSD-3-clause~Google", NULL);
}

static void check_ns(const char *id, const char *version_id, const char *codename, const char *want)
{
	customs_distro d = {.id = (char *)id, .version_id = (char *)version_id, .version_codename = (char *)codename};
	got_is(customs__distro_namespace(&d), want);
}

static void test_distro_namespace(void **state)
{
	(void)state;
	check_ns("debian", "12", "bookworm", "debian:12");
	check_ns("debian", NULL, "trixie", "debian:13");
	check_ns("debian", NULL, "sid", "debian:unstable");
	check_ns("alpine", "3.21.3", NULL, "alpine:3.21");
	check_ns("ubuntu", "22.04", "jammy", "ubuntu:22.04");
	check_ns("rhel", "9.4", NULL, "rhel:9");
	check_ns("rocky", "9.3", NULL, "rocky:9");
	check_ns("almalinux", "9.5", NULL, "almalinux:9");
	check_ns("centos", "7", NULL, "centos:7");
	check_ns("fedora", "39", NULL, "fedora:39");
	check_ns("amzn", "2023", NULL, "amzn:2023");
	check_ns("amzn", "2", NULL, "amzn:2");
	check_ns("sles", "15.5", NULL, "sles:15.5");
	check_ns("opensuse-leap", "15.5", NULL, "opensuse-leap:15.5");
	check_ns("mariner", "2.0", NULL, "mariner:2.0");
	check_ns("azurelinux", "3.0", NULL, "azurelinux:3.0");
	check_ns("wolfi", "20230201", NULL, "wolfi:rolling");
	check_ns("chainguard", NULL, NULL, "chainguard:rolling");
	check_ns("someos", "1.2", NULL, "someos:1.2");
	check_ns(NULL, "1", NULL, NULL);
	assert_null(customs__distro_namespace(NULL));
}

static void test_cpe(void **state)
{
	(void)state;
	char *c = customs_cpe23("libssl3", "libssl3", "3.0.15-1~deb12u1");
	assert_string_equal(c, "cpe:2.3:a:libssl3:libssl3:3.0.15-1\\~deb12u1:*:*:*:*:*:*:*");
	free(c);
	c = customs_cpe23("bsdutils", "bsdutils", "1:2.38.1-5+deb12u3");
	assert_string_equal(c, "cpe:2.3:a:bsdutils:bsdutils:1\\:2.38.1-5\\+deb12u3:*:*:*:*:*:*:*");
	free(c);
	c = customs_cpe23("x", "x", NULL);
	assert_string_equal(c, "cpe:2.3:a:x:x:*:*:*:*:*:*:*:*");
	free(c);
}

/* Through the engine: warnings name the image, layer 0, the path and line,
 * and the rest of the database is still cataloged. */
static void test_analyzer_warnings(void **state)
{
	(void)state;
	th_dir d;
	th_dir_new(&d, "dpkg");
	th_dir_text(&d, "var/lib/dpkg/status",
		    "Package: good\nStatus: install ok installed\nVersion: 1.0-1+b1\nArchitecture: amd64\n"
		    "Source: goodsrc (1.0-1)\n\nStatus: install ok installed\nVersion: 2\n");
	th_dir_text(&d, "var/lib/dpkg/info/good:amd64.list", "/.\n/usr\n/usr/bin\n/usr/bin/good\n");
	th_dir_text(&d, "etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n");

	customs_analysis *a = th_dir_analyze(&d, "os-release,dpkg");
	assert_int_equal(a->npackages, 1);
	const customs_package *p = a->packages[0];
	assert_string_equal(p->name, "good");
	assert_string_equal(p->purl, "pkg:deb/debian/good@1.0-1%2Bb1?arch=amd64&distro=debian-12&upstream=goodsrc");
	assert_string_equal(p->found_by, "dpkg");
	assert_string_equal(p->db_path, "var/lib/dpkg/status");
	assert_int_equal(p->layer, 0);
	assert_int_equal(p->visible, 1);
	assert_int_equal(p->removed_in_layer, -1);
	assert_int_equal(p->files.n, 4);
	assert_string_equal(p->files.v[3], "/usr/bin/good");
	assert_string_equal(th_meta(p, "distro_namespace"), "debian:12");
	assert_int_equal(a->nwarnings, 1);
	th_dir_warning_is(&d, a->warnings[0].message,
			  "layer 0: var/lib/dpkg/status: line 7: stanza without a Package field: skipped");
	assert_int_equal(a->warnings[0].layer, 0);
	assert_string_equal(a->warnings[0].path, "var/lib/dpkg/status");
	customs_analysis_free(a);
	assert_int_equal(th_dir_remove(&d), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_stanzas),    cmocka_unit_test(test_status_states),
		cmocka_unit_test(test_status_d),        cmocka_unit_test(test_built_using),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_copyright),       cmocka_unit_test(test_license_names),
		cmocka_unit_test(test_distro_namespace), cmocka_unit_test(test_cpe),
		cmocka_unit_test(test_analyzer_warnings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
