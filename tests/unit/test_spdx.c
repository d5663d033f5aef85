/* test_spdx.c - the SPDX 2.3 writers and readers (src/lib/report/spdx.c,
 * spdx_read.c): a hand-made analysis written as JSON and tag-value is
 * byte-for-byte the same on every write and reads back into the packages
 * the matcher saw (type, version, purl, layer, source package,
 * installed_by, licenses incl. unknown ones, owned files); documents by
 * other tools (SPDX 2.2, relationships without customs annotations,
 * Trivy's OPERATING-SYSTEM) are understood; malformed documents give the
 * errors and warnings below, word for word.
 *
 * With SPDX_TEST_OUT=DIR the documents written are also saved there (for
 * a schema check by hand). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "customs/errors.h"
#include "customs/report.h"
#include "customs/sbom.h"
#include "helpers.h"
#include "sbom/sbom_int.h"

#define DIGEST "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define LAYER "sha256:2222222222222222222222222222222222222222222222222222222222222222"

static customs_package *pkg(customs_analysis *a, const char *type, const char *name, const char *version,
			    const char *purl)
{
	customs_package *p = th_pkg_new(type, name, version, purl);
	p->layer = 0;
	assert_int_equal(customs_analysis_add_package(a, p), 0);
	return p;
}

static void meta(customs_package *p, const char *k, json_t *v)
{
	if (!p->metadata)
		p->metadata = json_object();
	json_object_set_new(p->metadata, k, v);
}

static customs_file mkfile(const char *path, int digest)
{
	customs_file f;
	memset(&f, 0, sizeof(f));
	f.path = path;
	f.type = CUSTOMS_FILE_REG;
	f.visible = 1;
	f.mode = 0644;
	if (digest) {
		f.has_digest = 1;
		memset(f.sha256, 0xab, sizeof(f.sha256));
	}
	return f;
}

/* A Debian image: python3-requests (deb) installed requests (python);
 * base-files with a license no list knows; an npm package with a CPE. */
static customs_analysis *image(void)
{
	customs_analysis *a = th_image_analysis("oci:/fixtures/debian-rich:latest", DIGEST, "latest",
						(const char *const[]){LAYER, NULL});
	a->layers[0].complete = 1;

	customs_package *deb = pkg(a, "deb", "python3-requests", "2.28.1+dfsg-1",
				   "pkg:deb/debian/python3-requests@2.28.1%2Bdfsg-1?arch=all&distro=debian-12");
	deb->arch = strdup("all");
	deb->source_name = strdup("requests");
	deb->found_by = strdup("dpkg");
	deb->db_path = strdup("var/lib/dpkg/status");
	customs_strlist_add(&deb->licenses, "Apache-2.0");
	customs_strlist_add(&deb->files, "/usr/lib/python3/dist-packages/requests/api.py");
	customs_strlist_add(&deb->files, "/usr/lib/python3/dist-packages/requests/__init__.py");
	customs_strlist_add(&deb->files, "/usr/share/doc/python3-requests/copyright");
	meta(deb, "maintainer", json_string("Debian Python Team <team+python@tracker.debian.org>"));
	json_t *md5 = json_object();
	json_object_set_new(md5, "/usr/lib/python3/dist-packages/requests/__init__.py",
			    json_string("0123456789abcdef0123456789ABCDEF"));
	meta(deb, "md5sums", md5);

	customs_package *py = pkg(a, "python", "requests", "2.28.1", "pkg:pypi/requests@2.28.1");
	py->found_by = strdup("python");
	py->db_path = strdup("usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO");
	customs_strlist_add(&py->licenses, "Apache 2.0");
	customs_strlist_add(&py->files, "/usr/lib/python3/dist-packages/requests/api.py");
	meta(py, "installed_by", json_string("python3-requests"));

	customs_package *bf = pkg(a, "deb", "base-files", "12.4+deb12u5",
				  "pkg:deb/debian/base-files@12.4%2Bdeb12u5?arch=amd64&distro=debian-12");
	bf->found_by = strdup("dpkg");
	bf->db_path = strdup("var/lib/dpkg/status");
	customs_strlist_add(&bf->licenses, "GPL-2+");
	customs_strlist_add(&bf->licenses, "Debian custom\nsee </text> here");
	meta(bf, "maintainer", json_string("Santiago Vila <sanvila@debian.org>"));

	customs_package *npm = pkg(a, "npm", "@scope/pkg", "1.0.0", "pkg:npm/%40scope/pkg@1.0.0");
	npm->found_by = strdup("npm");
	npm->db_path = strdup("app/node_modules/@scope/pkg/package.json");
	customs_strlist_add(&npm->licenses, "BSD");
	customs_strlist_add(&npm->cpes, "cpe:2.3:a:scope:pkg:1.0.0:*:*:*:*:*:*:*");
	customs_strlist_add(&npm->cpes, "cpe:/a:scope:pkg:1.0.0");

	/* the file catalog, sorted by path: copyright has no checksum at all */
	static customs_file files[3];
	files[0] = mkfile("usr/lib/python3/dist-packages/requests/__init__.py", 0);
	files[1] = mkfile("usr/lib/python3/dist-packages/requests/api.py", 1);
	files[2] = mkfile("usr/share/doc/python3-requests/copyright", 0);
	a->files = calloc(3, sizeof(*a->files));
	memcpy(a->files, files, sizeof(files));
	a->nfiles = 3;
	customs_analysis_select_packages(a, 0);
	return a;
}

static char *write_doc(const customs_analysis *a, const char *fmt, int with_files, size_t *len)
{
	customs_report o = {.version = CUSTOMS_REPORT_VERSION, .kind = CUSTOMS_REPORT_SBOM, .analysis = a,
			    .with_files = with_files, .created = 1700000000};
	size_t n;
	int rc;
	char *buf = th_report_mem(&o, fmt, &n, &rc);
	if (rc < 0)
		fail_msg("write: %s", customs_error_last());
	const char *dir = getenv("SPDX_TEST_OUT");
	if (dir) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/test-%s%s.%s", dir, fmt,
			 with_files ? "-files" : "", !strcmp(fmt, "spdx-json") ? "json" : "spdx");
		FILE *o2 = fopen(path, "w");
		if (o2) {
			fwrite(buf, 1, n, o2);
			fclose(o2);
		}
	}
	if (len)
		*len = n;
	return buf;
}

static const customs_package *find(const customs_analysis *a, const char *name)
{
	return th_pkg_need(a->packages, a->npackages, NULL, name);
}

/* What every write of image() must read back as, in either form. */
static void check_roundtrip(const customs_analysis *b)
{
	assert_int_equal(b->npackages, 4);
	assert_string_equal(b->image.name, "debian-rich:latest");
	assert_string_equal(b->image.manifest_digest, DIGEST);
	assert_string_equal(b->distro.id, "debian");
	assert_string_equal(b->distro.version_id, "12");
	assert_int_equal(b->nlayers, 1);
	assert_string_equal(b->layers[0].digest, LAYER);

	const customs_package *deb = find(b, "python3-requests");
	assert_string_equal(deb->type, "deb");
	assert_string_equal(deb->version, "2.28.1+dfsg-1");
	assert_string_equal(deb->purl, "pkg:deb/debian/python3-requests@2.28.1%2Bdfsg-1?arch=all&distro=debian-12");
	assert_string_equal(deb->arch, "all");
	assert_string_equal(deb->source_name, "requests");
	assert_string_equal(deb->found_by, "dpkg");
	assert_string_equal(deb->db_path, "var/lib/dpkg/status");
	assert_int_equal(deb->layer, 0);
	assert_int_equal(deb->licenses.n, 1);
	assert_string_equal(deb->licenses.v[0], "Apache-2.0");
	assert_string_equal(th_meta(deb, "maintainer"), "Debian Python Team <team+python@tracker.debian.org>");

	const customs_package *py = find(b, "requests");
	assert_string_equal(py->type, "python");
	assert_string_equal(py->version, "2.28.1");
	assert_string_equal(py->purl, "pkg:pypi/requests@2.28.1");
	assert_string_equal(py->db_path, "usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO");
	assert_string_equal(th_meta(py, "installed_by"), "python3-requests");
	assert_int_equal(py->licenses.n, 1);
	assert_string_equal(py->licenses.v[0], "Apache-2.0");

	/* an expression of several licenses is one string; unknown ones are
	 * LicenseRefs with their text in the document */
	const customs_package *bf = find(b, "base-files");
	assert_int_equal(bf->licenses.n, 1);
	assert_non_null(strstr(bf->licenses.v[0], "GPL-2.0-or-later AND LicenseRef-"));
	const customs_package *npm = find(b, "@scope/pkg");
	assert_string_equal(npm->type, "npm");
	assert_string_equal(npm->purl, "pkg:npm/%40scope/pkg@1.0.0");
	assert_int_equal(npm->licenses.n, 1);
	assert_string_equal(npm->licenses.v[0], "BSD"); /* LicenseRef-BSD's text */
	assert_int_equal(npm->cpes.n, 2);
	assert_string_equal(npm->cpes.v[0], "cpe:2.3:a:scope:pkg:1.0.0:*:*:*:*:*:*:*");
	assert_string_equal(npm->cpes.v[1], "cpe:/a:scope:pkg:1.0.0");
}

/* image() written twice as fmt, the same bytes both times: the first. */
static char *write_twice(const customs_analysis *a, const char *fmt, size_t *len)
{
	size_t n2;
	char *d1 = write_doc(a, fmt, 0, len), *d2 = write_doc(a, fmt, 0, &n2);
	assert_int_equal(*len, n2);
	assert_memory_equal(d1, d2, *len);
	free(d2);
	return d1;
}

/* The document reads back, as fmt and without a warning, into image(). */
static void read_back(const char *name, const char *doc, size_t len, const char *want_fmt)
{
	const char *fmt;
	customs_analysis *b = th_sbom_read(name, doc, len, &fmt);
	assert_string_equal(fmt, want_fmt);
	check_roundtrip(b);
	if (b->nwarnings)
		fail_msg("unexpected warning: %s", b->warnings[0].message);
	customs_analysis_free(b);
}

static void test_json_roundtrip(void **state)
{
	(void)state;
	customs_analysis *a = image();
	size_t n1;
	char *d1 = write_twice(a, "spdx-json", &n1);

	json_error_t je;
	json_t *doc = json_loadb(d1, n1, 0, &je);
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(doc, "spdxVersion")), "SPDX-2.3");
	assert_string_equal(json_string_value(json_object_get(doc, "name")), "debian-rich:latest");
	assert_true(strncmp(json_string_value(json_object_get(doc, "documentNamespace")),
			    "https://spdx.org/spdxdocs/customs/debian-rich-latest-", 53) == 0);
	json_t *pkgs = json_object_get(doc, "packages");
	assert_int_equal(json_array_size(pkgs), 6); /* image, OS, 4 packages */
	json_t *img = json_array_get(pkgs, 0), *os = json_array_get(pkgs, 1);
	assert_string_equal(json_string_value(json_object_get(img, "primaryPackagePurpose")), "CONTAINER");
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(img, "checksums"), 0),
							      "checksumValue")),
			    &DIGEST[7]);
	assert_string_equal(json_string_value(json_object_get(os, "primaryPackagePurpose")), "OPERATING_SYSTEM");
	assert_string_equal(json_string_value(json_object_get(os, "description")), "Debian GNU/Linux 12 (bookworm)");
	int supplier = 0;
	for (size_t i = 2; i < json_array_size(pkgs); i++) {
		json_t *p = json_array_get(pkgs, i);
		const char *s = json_string_value(json_object_get(p, "supplier"));
		if (s && !strcmp(s, "Person: Santiago Vila (sanvila@debian.org)"))
			supplier = 1;
	}
	assert_true(supplier);
	assert_null(json_object_get(doc, "files")); /* only with_files */
	/* the first relationship says what the document describes */
	json_t *r0 = json_array_get(json_object_get(doc, "relationships"), 0);
	assert_string_equal(json_string_value(json_object_get(r0, "spdxElementId")), "SPDXRef-DOCUMENT");
	assert_string_equal(json_string_value(json_object_get(r0, "relationshipType")), "DESCRIBES");
	assert_string_equal(json_string_value(json_object_get(r0, "relatedSpdxElement")),
			    json_string_value(json_object_get(img, "SPDXID")));
	json_decref(doc);

	read_back("x.json", d1, n1, "spdx-json");
	free(d1);
	customs_analysis_free(a);
}

static void test_tv_roundtrip(void **state)
{
	(void)state;
	customs_analysis *a = image();
	size_t n1;
	char *d1 = write_twice(a, "spdx-tag-value", &n1);
	assert_true(strncmp(d1, "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\n", 67) == 0);
	assert_non_null(strstr(d1, "\nPackageName: python3-requests\n"));
	assert_non_null(strstr(d1, "\nExternalRef: PACKAGE-MANAGER purl pkg:pypi/requests@2.28.1\n"));
	assert_non_null(strstr(d1, "\nExternalRef: SECURITY cpe23Type cpe:2.3:a:scope:pkg:1.0.0:*:*:*:*:*:*:*\n"));
	assert_non_null(strstr(d1, "\nAnnotationComment: <text>customs:installed-by=python3-requests</text>\n"));
	assert_non_null(strstr(d1, "\nPackageSupplier: Person: Santiago Vila (sanvila@debian.org)\n"));
	assert_non_null(strstr(d1, "\nRelationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-image-"));
	/* "</text>" cannot appear inside <text>: written as "&lt;/text&gt;" */
	assert_non_null(strstr(d1, "ExtractedText: <text>Debian custom\nsee &lt;/text&gt; here</text>\n"));

	read_back("x.spdx", d1, n1, "spdx-tag-value");

	/* the JSON and the tag-value form say the same */
	size_t nj;
	char *dj = write_doc(a, "spdx-json", 1, &nj);
	free(d1);
	d1 = write_doc(a, "spdx-tag-value", 1, &n1);
	customs_analysis *x = th_sbom_read("x.json", dj, nj, NULL), *y = th_sbom_read("x.spdx", d1, n1, NULL);
	assert_int_equal(x->npackages, y->npackages);
	json_t *jx = customs_analysis_to_json(x, CUSTOMS_JSON_PACKAGES);
	json_t *jy = customs_analysis_to_json(y, CUSTOMS_JSON_PACKAGES);
	assert_true(json_equal(json_object_get(jx, "packages"), json_object_get(jy, "packages")));
	json_decref(jx);
	json_decref(jy);
	customs_analysis_free(x);
	customs_analysis_free(y);
	free(dj);
	free(d1);
	customs_analysis_free(a);
}

static void test_files(void **state)
{
	(void)state;
	customs_analysis *a = image();
	size_t n;
	char *d = write_doc(a, "spdx-json", 1, &n);
	json_t *doc = json_loadb(d, n, 0, NULL);
	assert_non_null(doc);
	json_t *files = json_object_get(doc, "files");
	/* copyright has no checksum; api.py, owned twice, is one File */
	assert_int_equal(json_array_size(files), 2);
	json_t *init = json_array_get(files, 0), *api = json_array_get(files, 1);
	assert_string_equal(json_string_value(json_object_get(init, "fileName")),
			    "./usr/lib/python3/dist-packages/requests/__init__.py");
	json_t *c = json_array_get(json_object_get(init, "checksums"), 0);
	assert_string_equal(json_string_value(json_object_get(c, "algorithm")), "MD5");
	assert_string_equal(json_string_value(json_object_get(c, "checksumValue")), "0123456789abcdef0123456789abcdef");
	c = json_array_get(json_object_get(api, "checksums"), 0);
	assert_string_equal(json_string_value(json_object_get(c, "algorithm")), "SHA256");
	const char *api_id = json_string_value(json_object_get(api, "SPDXID"));
	assert_int_equal(strlen(api_id), strlen("SPDXRef-File-") + 16);
	size_t k, contains = 0;
	json_t *r;
	json_array_foreach(json_object_get(doc, "relationships"), k, r)
		contains += !strcmp(json_string_value(json_object_get(r, "relatedSpdxElement")), api_id) &&
			    !strcmp(json_string_value(json_object_get(r, "relationshipType")), "CONTAINS");
	assert_int_equal(contains, 2);
	json_decref(doc);

	/* read back: the files are the packages' again */
	customs_analysis *b = th_sbom_read("x.json", d, n, NULL);
	const customs_package *deb = find(b, "python3-requests"), *py = find(b, "requests");
	assert_int_equal(deb->files.n, 2);
	assert_true(customs_strlist_contains(&deb->files, "/usr/lib/python3/dist-packages/requests/api.py"));
	assert_true(customs_strlist_contains(&deb->files, "/usr/lib/python3/dist-packages/requests/__init__.py"));
	assert_int_equal(py->files.n, 1);
	customs_analysis_free(b);
	free(d);

	/* tag-value: a file follows the first package that owns it */
	d = write_doc(a, "spdx-tag-value", 1, &n);
	assert_non_null(strstr(d, "FileName: ./usr/lib/python3/dist-packages/requests/api.py\nSPDXID: SPDXRef-File-"));
	b = th_sbom_read("x.spdx", d, n, NULL);
	assert_int_equal(find(b, "python3-requests")->files.n, 2);
	assert_int_equal(find(b, "requests")->files.n, 1);
	customs_analysis_free(b);
	free(d);
	customs_analysis_free(a);
}

/* ---- documents by other tools ---- */

static const char foreign[] =
	"{\"spdxVersion\": \"SPDX-2.2\", \"SPDXID\": \"SPDXRef-DOCUMENT\", \"name\": \"alpine:3.19\","
	" \"documentDescribes\": [\"SPDXRef-root\"],"
	" \"packages\": ["
	"  {\"SPDXID\": \"SPDXRef-root\", \"name\": \"alpine:3.19\"},"
	"  {\"SPDXID\": \"SPDXRef-os\", \"name\": \"Alpine\", \"versionInfo\": \"3.19.1\","
	"   \"primaryPackagePurpose\": \"OPERATING-SYSTEM\"},"
	"  {\"SPDXID\": \"SPDXRef-py3\", \"name\": \"py3-setuptools\", \"versionInfo\": \"68.2.2-r0\","
	"   \"licenseConcluded\": \"MIT\", \"supplier\": \"Person: Natanael Copa (ncopa@alpinelinux.org)\","
	"   \"sourceInfo\": \"acquired package info from APK DB: /lib/apk/db/installed\","
	"   \"externalRefs\": [{\"referenceCategory\": \"PACKAGE_MANAGER\", \"referenceType\": \"purl\","
	"     \"referenceLocator\": \"pkg:apk/alpine/py3-setuptools@68.2.2-r0?arch=x86_64&distro=alpine-3.19.1\"}]},"
	"  {\"SPDXID\": \"SPDXRef-st\", \"name\": \"setuptools\", \"versionInfo\": \"68.2.2\","
	"   \"licenseDeclared\": \"NOASSERTION\","
	"   \"externalRefs\": [{\"referenceCategory\": \"PACKAGE-MANAGER\", \"referenceType\": \"purl\","
	"     \"referenceLocator\": \"pkg:pypi/setuptools@68.2.2\"}]}"
	" ],"
	" \"relationships\": ["
	"  {\"spdxElementId\": \"SPDXRef-root\", \"relationshipType\": \"CONTAINS\","
	"   \"relatedSpdxElement\": \"SPDXRef-py3\"},"
	"  {\"spdxElementId\": \"SPDXRef-py3\", \"relationshipType\": \"CONTAINS\","
	"   \"relatedSpdxElement\": \"SPDXRef-st\"}"
	" ]}";

static void test_foreign(void **state)
{
	(void)state;
	customs_analysis *a = th_sbom_read("alpine.json", foreign, sizeof(foreign) - 1, NULL);
	assert_int_equal(a->npackages, 2); /* the root and the OS are not packages */
	assert_string_equal(a->image.name, "alpine:3.19");
	assert_string_equal(a->distro.id, "alpine");
	assert_string_equal(a->distro.version_id, "3.19.1");
	const customs_package *apk = find(a, "py3-setuptools"), *st = find(a, "setuptools");
	assert_string_equal(apk->type, "apk");
	assert_string_equal(apk->arch, "x86_64");
	assert_string_equal(apk->db_path, "lib/apk/db/installed");
	assert_string_equal(apk->licenses.v[0], "MIT");
	assert_string_equal(th_meta(apk, "maintainer"), "Natanael Copa <ncopa@alpinelinux.org>");
	assert_string_equal(st->type, "python");
	assert_int_equal(st->licenses.n, 0);
	assert_string_equal(th_meta(st, "installed_by"), "py3-setuptools");
	customs_analysis_free(a);
}

/* ---- malformed documents ---- */

static customs_analysis *expect_warning(const char *name, const char *doc, const char *msg)
{
	customs_analysis *a = th_sbom_read(name, doc, strlen(doc), NULL);
	if (!th_has_warning(a, msg))
		fail_msg("no warning \"%s\"", msg);
	return a;
}

static void test_json_errors(void **state)
{
	(void)state;
	customs_analysis *a = customs__sbom_analysis_new("x.json");
	json_t *arr = json_array();
	assert_int_equal(customs__read_spdx_json(a, arr), CUSTOMS_EFORMAT);
	assert_string_equal(customs_error_last(), "not an SPDX document: not a JSON object");
	json_decref(arr);
	customs_analysis_free(a);

	th_sbom_read_fails("x.json", "{\"spdxVersion\": \"SPDX-3.0\"}",
			   "sbom:x.json: unknown spdxVersion \"SPDX-3.0\" (customs reads SPDX 2.2 and 2.3)");
	th_sbom_read_fails("x.json", "{\"spdxVersion\": 2.3}", "sbom:x.json: not an SPDX document: no spdxVersion");
	th_sbom_read_fails("x.json", "{\"spdxVersion\": \"SPDX-2.3\", \"packages\": {}}",
			   "sbom:x.json: \"packages\" is not an array");
	th_sbom_read_fails("x.json", "{\"spdxVersion\": \"SPDX-2.3\", \"relationships\": \"no\"}",
			   "sbom:x.json: \"relationships\" is not an array");
}

static void test_json_warnings(void **state)
{
	(void)state;
	customs_analysis *a = expect_warning(
		"x.json",
		"{\"spdxVersion\": \"SPDX-2.3\", \"packages\": ["
		" {\"SPDXID\": \"SPDXRef-a\", \"name\": \"lodash\", \"versionInfo\": \"4.17.21\","
		"  \"externalRefs\": [{\"referenceCategory\": \"PACKAGE-MANAGER\", \"referenceType\": \"purl\","
		"   \"referenceLocator\": \"pkg:npm/%zz\"}],"
		"  \"annotations\": [{\"annotationType\": \"OTHER\", \"comment\": \"customs:bogus=1\"},"
		"                    {\"annotationType\": \"OTHER\", \"comment\": \"customs:type=npm\"},"
		"                    {\"annotationType\": \"OTHER\", \"comment\": \"not ours\"}]},"
		" {\"SPDXID\": \"SPDXRef-p1\", \"versionInfo\": \"1\"},"
		" 42],"
		" \"relationships\": [{\"spdxElementId\": \"SPDXRef-a\"}]}",
		"sbom:x.json: packages[0] (\"lodash\"): purl \"pkg:npm/%zz\": invalid percent-escape \"%zz\" in name");
	assert_true(th_has_warning(
		a, "sbom:x.json: packages[0] (\"lodash\"): annotation \"customs:bogus=1\" not understood; "
		   "ignored"));
	assert_true(th_has_warning(a, "sbom:x.json: packages[1] (\"SPDXRef-p1\"): a package without a name; skipped"));
	assert_true(th_has_warning(a, "sbom:x.json: packages[2] (\"\"): not an object; skipped"));
	assert_true(
		th_has_warning(a, "sbom:x.json: relationships[0]: not a relationship (spdxElementId, relationshipType, "
				  "relatedSpdxElement); skipped"));
	/* the package with the broken purl is kept, without one */
	assert_int_equal(a->npackages, 1);
	assert_string_equal(a->packages[0]->name, "lodash");
	assert_string_equal(a->packages[0]->type, "npm");
	assert_null(a->packages[0]->purl);
	customs_analysis_free(a);
}

static void test_tv_errors(void **state)
{
	(void)state;
	customs_analysis *a = expect_warning("x.spdx",
					     "SPDXVersion: SPDX-2.3\n"
					     "DataLicense: CC0-1.0\n"
					     "# a comment: with a colon\n"
					     "\n"
					     "PackageName: foo\n"
					     "this is garbage\n"
					     "SPDXID: SPDXRef-foo\n"
					     "PackageVersion: 1.0\n"
					     "ExternalRef: PACKAGE-MANAGER purl\n"
					     "PackageChecksum: nonsense\n"
					     "Relationship: SPDXRef-foo CONTAINS\n"
					     "Annotator: Tool: x\n"
					     "SPDXREF: SPDXRef-nowhere\n"
					     "AnnotationComment: <text>customs:type=npm\n"
					     "spanning</text>\n"
					     "PackageName: bar\n"
					     "Unknown: tag\n"
					     "PackageDescription: <text>\n"
					     "# not a comment inside text\n"
					     "</text> trailing\n",
					     "sbom:x.spdx: line 6 (after \"foo\"): not a \"Tag: value\" line: \"this is garbage\"; "
					     "ignored");
	assert_true(th_has_warning(
		a, "sbom:x.spdx: line 9 (after \"SPDXRef-foo\"): ExternalRef \"PACKAGE-MANAGER purl\" is "
		   "not \"CATEGORY TYPE LOCATOR\"; skipped"));
	assert_true(th_has_warning(a,
				   "sbom:x.spdx: line 10 (after \"SPDXRef-foo\"): PackageChecksum \"nonsense\" is not "
				   "\"ALGORITHM: VALUE\"; skipped"));
	assert_true(
		th_has_warning(a, "sbom:x.spdx: line 11 (after \"SPDXRef-foo\"): Relationship \"SPDXRef-foo CONTAINS\" "
				  "is not \"ELEMENT TYPE ELEMENT\"; skipped"));
	assert_true(
		th_has_warning(a, "sbom:x.spdx: line 12: an annotation of \"SPDXRef-nowhere\", which the document does "
				  "not define; ignored"));
	assert_int_equal(a->npackages, 2);
	assert_string_equal(find(a, "foo")->version, "1.0");
	assert_null(find(a, "foo")->type);
	customs_analysis_free(a);

	/* a package without a name, named by its line */
	a = expect_warning("x.spdx", "SPDXVersion: SPDX-2.3\nPackageName:\nSPDXID: SPDXRef-x\n",
			   "sbom:x.spdx: line 2 (package \"\"): a package without a name; skipped");
	customs_analysis_free(a);

	th_sbom_read_fails("x.spdx",
			   "SPDXVersion: SPDX-2.3\n\nPackageName: foo\nSPDXID: SPDXRef-foo\nPackageVersion: 1\n"
			   "PackageCopyrightText: NOASSERTION\nPackageDescription: <text>never\nclosed\n",
			   "sbom:x.spdx: line 7: PackageDescription: <text> is never closed by </text>");
	th_sbom_read_fails("x.spdx", "SPDXVersion: SPDX-3.0\n",
			   "sbom:x.spdx: unknown spdxVersion \"SPDX-3.0\" (customs reads SPDX 2.2 and 2.3)");
	a = customs__sbom_analysis_new("x.spdx");
	int names_sources = 1;
	assert_int_equal(customs__read_spdx_tv(a, "garbage\n", 8, &names_sources), CUSTOMS_EFORMAT);
	assert_int_equal(names_sources, 0);
	assert_string_equal(customs_error_last(), "not an SPDX tag-value document: no SPDXVersion line");
	assert_true(th_has_warning(a, "sbom:x.spdx: line 1: not a \"Tag: value\" line: \"garbage\"; ignored"));
	customs_analysis_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_roundtrip), cmocka_unit_test(test_tv_roundtrip),
		cmocka_unit_test(test_files),          cmocka_unit_test(test_foreign),
		cmocka_unit_test(test_json_errors),    cmocka_unit_test(test_json_warnings),
		cmocka_unit_test(test_tv_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
