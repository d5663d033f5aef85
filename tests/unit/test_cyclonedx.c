/* test_cyclonedx.c - the CycloneDX writer and reader: a hand-built analysis
 * written as 1.6 and 1.5 and read back (names, versions, purls, layers,
 * locations, installed_by, licenses survive), the licence and dependency
 * mapping, a scan's matches as vulnerabilities with their analysis, a
 * cyclonedx-npm style document, and malformed documents with their exact
 * messages. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "customs/errors.h"
#include "customs/match.h"
#include "customs/report.h"
#include "customs/sbom.h"
#include "helpers.h"
#include "sbom/sbom_int.h"

#define MANIFEST "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define LAYER0 "sha256:2222222222222222222222222222222222222222222222222222222222222222"
#define LAYER1 "sha256:3333333333333333333333333333333333333333333333333333333333333333"

/* ---- building an analysis ---- */

static char *dup(const char *s)
{
	return s ? strdup(s) : NULL;
}

static customs_package *add(customs_analysis *a, const char *type, const char *name, const char *version,
			    const char *purl, const char *db_path, int layer)
{
	customs_package *p = th_pkg_new(type, name, version, purl);
	p->db_path = dup(db_path);
	p->found_by = dup(type);
	p->layer = layer;
	p->metadata = json_object();
	assert_int_equal(customs_analysis_add_package(a, p), 0);
	return p;
}

static void meta(customs_package *p, const char *k, const char *v)
{
	json_object_set_new(p->metadata, k, json_string(v));
}

/* a file in the squashed view, so that lookups find it (paths are static) */
static customs_file files[] = {
	{.path = "app/app.jar", .size = 10, .visible = 1, .has_digest = 1, .sha256 = {0xab, 0xcd}},
	{.path = "usr/bin/tool", .size = 10, .visible = 1, .has_digest = 1, .sha256 = {0x01}},
	{.path = "usr/lib/libssl.so.3", .size = 10, .visible = 1},
	{.path = "usr/share", .type = CUSTOMS_FILE_DIR, .visible = 1},
};

static customs_analysis *sample(void)
{
	customs_analysis *a = th_image_analysis("oci:/tmp/images/sample:1.0", MANIFEST, "1.0",
						(const char *const[]){LAYER0, LAYER1, NULL});
	customs_package *p;
	a->files = malloc(sizeof(files));
	memcpy(a->files, files, sizeof(files));
	a->nfiles = sizeof(files) / sizeof(files[0]);

	p = add(a, "deb", "libssl3", "3.0.11-1~deb12u2",
		"pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12", "var/lib/dpkg/status", 0);
	p->arch = dup("amd64");
	p->source_name = dup("openssl");
	p->source_version = dup("3.0.11-1~deb12u2");
	customs_strlist_add(&p->licenses, "Apache-2.0");
	customs_strlist_add(&p->files, "/usr/lib/libssl.so.3");
	customs_strlist_add(&p->files, "/usr/share");
	meta(p, "depends", "libc6 (>= 2.34)");
	p = add(a, "deb", "libc6", "2.36-9+deb12u3",
		"pkg:deb/debian/libc6@2.36-9%2Bdeb12u3?arch=amd64&distro=debian-12", "var/lib/dpkg/status", 0);
	p->arch = dup("amd64");
	p->source_name = dup("glibc");
	p->source_version = dup("2.36-9+deb12u3");
	customs_strlist_add(&p->licenses, "GPL-2+");
	p = add(a, "deb", "tool", "1.0-1", "pkg:deb/debian/tool@1.0-1?arch=amd64&distro=debian-12",
		"var/lib/dpkg/status", 0);
	p->arch = dup("amd64");
	p->source_name = dup("tool"); /* dpkg: no Source field, the package is its own source */
	p->source_version = dup("1.0-1");
	customs_strlist_add(&p->licenses, "BSD");
	customs_strlist_add(&p->licenses, "MIT");
	customs_strlist_add(&p->files, "/usr/bin/tool");
	customs_strlist_add(&p->files, "/usr/lib/libssl.so.3");
	p = add(a, "python", "requests", "2.28.1", "pkg:pypi/requests@2.28.1",
		"usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO", 1);
	customs_strlist_add(&p->licenses, "Apache-2.0");
	meta(p, "installed_by", "python3-requests");
	p = add(a, "npm", "@scope/pkg", "1.0.0", "pkg:npm/%40scope/pkg@1.0.0",
		"app/node_modules/@scope/pkg/package.json", 1);
	customs_strlist_add(&p->licenses, "MIT OR Apache-2.0");
	meta(p, "location", "app/node_modules/@scope/pkg");
	p = add(a, "java-archive", "commons-lang3", "3.12.0", "pkg:maven/org.apache.commons/commons-lang3@3.12.0",
		"app/app.jar", 1);
	meta(p, "group_id", "org.apache.commons");
	meta(p, "artifact_id", "commons-lang3");
	meta(p, "location", "app/app.jar!/BOOT-INF/lib/commons-lang3-3.12.0.jar");
	p = add(a, "go-module", "example.com/tool", "v1.2.3", "pkg:golang/example.com/tool@v1.2.3", "usr/bin/tool", 1);
	json_object_set_new(p->metadata, "main_module", json_true());
	customs_analysis_select_packages(a, 1);
	return a;
}

static char *write_doc(const customs_analysis *a, const char *fmt, const customs_match_result *r, int with_files,
		       size_t *len)
{
	customs_report o = {.version = CUSTOMS_REPORT_VERSION,
			    .kind = CUSTOMS_REPORT_SBOM,
			    .analysis = a,
			    .created = 1704067200,
			    .matches = r,
			    .with_files = with_files};
	int err;
	char *buf = th_report_mem(&o, fmt, len, &err);
	if (err < 0)
		fail_msg("write: %s", customs_error_last());
	return buf;
}

/* the component with this name */
static json_t *component(json_t *doc, const char *name)
{
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(doc, "components"), i, c)
		if (th_jstr(c, "name") && !strcmp(th_jstr(c, "name"), name))
			return c;
	fail_msg("no component %s", name);
	return NULL;
}

static const char *prop(json_t *c, const char *name)
{
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(c, "properties"), i, p)
		if (!strcmp(th_jstr(p, "name"), name))
			return th_jstr(p, "value");
	return NULL;
}

/* string or NULL equality, failing at the caller's line */
#define str_eq(got, want) str_eq_at((got), (want), __LINE__)
static void str_eq_at(const char *got, const char *want, int line)
{
	if (got && want ? strcmp(got, want) : got != want)
		fail_msg("line %d: got \"%s\", want \"%s\"", line, got ? got : "(null)", want ? want : "(null)");
}

/* ---- the document ---- */

static void test_document(void **state)
{
	(void)state;
	customs_analysis *a = sample();
	size_t len;
	char *buf = write_doc(a, "cyclonedx-json", NULL, 0, &len);
	json_t *doc = th_json(buf, len), *c, *x;

	str_eq(th_jstr(doc, "bomFormat"), "CycloneDX");
	str_eq(th_jstr(doc, "specVersion"), "1.6");
	assert_true(!strncmp(th_jstr(doc, "serialNumber"), "urn:uuid:", 9));
	assert_int_equal(json_integer_value(json_object_get(doc, "version")), 1);
	x = json_object_get(doc, "metadata");
	str_eq(th_jstr(x, "timestamp"), "2024-01-01T00:00:00Z");
	str_eq(th_jstr(json_array_get(json_object_get(json_object_get(x, "tools"), "components"), 0), "name"),
	       "customs");
	c = json_object_get(x, "component");
	str_eq(th_jstr(c, "type"), "container");
	str_eq(th_jstr(json_array_get(json_object_get(c, "hashes"), 0), "content"), &MANIFEST[7]);
	str_eq(prop(c, "customs:layer:1:digest"), LAYER1);
	assert_null(json_object_get(doc, "vulnerabilities"));

	/* the OS first */
	c = json_array_get(json_object_get(doc, "components"), 0);
	str_eq(th_jstr(c, "type"), "operating-system");
	str_eq(th_jstr(c, "name"), "debian");
	str_eq(th_jstr(c, "version"), "12");
	str_eq(th_jstr(c, "description"), "Debian GNU/Linux 12 (bookworm)");

	/* licences: one id, an expression, entries when a LicenseRef is needed */
	c = component(doc, "libssl3");
	str_eq(th_jstr(c, "type"), "library");
	str_eq(th_jstr(json_object_get(json_array_get(json_object_get(c, "licenses"), 0), "license"), "id"),
	       "Apache-2.0");
	str_eq(th_jstr(json_array_get(json_object_get(json_object_get(c, "evidence"), "occurrences"), 0), "location"),
	       "/var/lib/dpkg/status");
	str_eq(prop(c, "customs:source-name"), "openssl");
	c = component(doc, "libc6");
	str_eq(th_jstr(json_object_get(json_array_get(json_object_get(c, "licenses"), 0), "license"), "id"),
	       "GPL-2.0-or-later");
	c = component(doc, "@scope/pkg");
	x = json_object_get(c, "licenses");
	assert_int_equal(json_array_size(x), 1);
	str_eq(th_jstr(json_array_get(x, 0), "expression"), "MIT OR Apache-2.0");
	c = component(doc, "tool");
	x = json_object_get(c, "licenses");
	assert_int_equal(json_array_size(x), 2);
	str_eq(th_jstr(json_object_get(json_array_get(x, 0), "license"), "name"), "BSD");
	str_eq(th_jstr(json_object_get(json_array_get(x, 1), "license"), "id"), "MIT");

	/* Java: group and artifact, the archive's digest; Go main module: an application */
	c = component(doc, "commons-lang3");
	str_eq(th_jstr(c, "group"), "org.apache.commons");
	str_eq(th_jstr(json_array_get(json_object_get(c, "hashes"), 0), "content"),
	       "abcd000000000000000000000000000000000000000000000000000000000000");
	c = component(doc, "example.com/tool");
	str_eq(th_jstr(c, "type"), "application");
	str_eq(th_jstr(json_array_get(json_object_get(c, "hashes"), 0), "alg"), "SHA-256");
	assert_null(json_object_get(component(doc, "requests"), "hashes"));

	/* dependencies: libssl3 -> libc6; the image depends on the roots only */
	const char *ssl = th_jstr(component(doc, "libssl3"), "bom-ref"),
		   *libc = th_jstr(component(doc, "libc6"), "bom-ref");
	size_t i, nroots = 0, npk = 0;
	json_array_foreach(json_object_get(doc, "dependencies"), i, x) {
		json_t *on = json_object_get(x, "dependsOn");
		assert_true(json_is_array(on));
		if (i == 0) {
			str_eq(th_jstr(x, "ref"),
			       th_jstr(json_object_get(json_object_get(doc, "metadata"), "component"), "bom-ref"));
			nroots = json_array_size(on);
			for (size_t k = 0; k < nroots; k++)
				assert_string_not_equal(json_string_value(json_array_get(on, k)), libc);
		} else {
			npk++;
			if (!strcmp(th_jstr(x, "ref"), ssl)) {
				assert_int_equal(json_array_size(on), 1);
				str_eq(json_string_value(json_array_get(on, 0)), libc);
			}
		}
	}
	assert_int_equal(npk, a->npackages);
	assert_int_equal(nroots, a->npackages - 1);

	/* the same analysis gives the same bytes */
	size_t len2;
	char *again = write_doc(a, "cyclonedx-json", NULL, 0, &len2);
	assert_int_equal(len, len2);
	assert_memory_equal(buf, again, len);
	free(again);
	json_decref(doc);
	free(buf);
	customs_analysis_free(a);
}

static void test_files(void **state)
{
	(void)state;
	customs_analysis *a = sample();
	size_t len, i, n = 0;
	char *buf = write_doc(a, "cyclonedx-json@1.5", NULL, 1, &len);
	json_t *doc = th_json(buf, len), *c;
	const char *want[] = {"/usr/bin/tool", "/usr/lib/libssl.so.3"};

	str_eq(th_jstr(doc, "specVersion"), "1.5");
	json_array_foreach(json_object_get(doc, "components"), i, c) {
		if (strcmp(th_jstr(c, "type"), "file"))
			continue;
		assert_true(n < 2);
		str_eq(th_jstr(c, "name"), want[n]);
		assert_true(!strncmp(th_jstr(c, "bom-ref"), "file-", 5) && strlen(th_jstr(c, "bom-ref")) == 21);
		assert_true((json_object_get(c, "hashes") != NULL) == (n == 0)); /* only the first has a digest */
		n++;
	}
	assert_int_equal(n, 2); /* owned twice, listed once; the directory is not a file */
	json_decref(doc);
	free(buf);
	customs_analysis_free(a);
}

/* ---- round trip ---- */

static void round_trip(const char *fmt)
{
	customs_analysis *a = sample();
	const char *got;
	size_t len;
	char *buf = write_doc(a, fmt, NULL, 0, &len);
	customs_analysis *b = th_sbom_read("rt.cdx.json", buf, len, &got);

	str_eq(got, "cyclonedx-json");
	for (size_t i = 0; i < b->nwarnings; i++)
		fail_msg("warning: %s", b->warnings[i].message);
	str_eq(b->image.reference, "sbom:rt.cdx.json");
	str_eq(b->distro.id, "debian");
	str_eq(b->distro.version_id, "12");
	str_eq(b->image.manifest_digest, MANIFEST);
	assert_int_equal(b->nlayers, 2);
	str_eq(b->layers[1].digest, LAYER1);
	assert_int_equal(b->npackages, a->npackages);
	for (size_t i = 0; i < a->npackages; i++) {
		const customs_package *p = a->packages[i], *q = b->packages[i];
		str_eq(q->name, p->name);
		str_eq(q->version, p->version);
		str_eq(q->type, p->type);
		str_eq(q->purl, p->purl);
		str_eq(q->arch, p->arch);
		str_eq(q->source_name, p->source_name);
		str_eq(q->source_version, p->source_version);
		str_eq(q->db_path, p->db_path);
		str_eq(q->found_by, p->found_by);
		assert_int_equal(q->layer, p->layer);
		assert_int_equal(q->visible, p->visible);
		/* the deb whose file list holds the Go binary installed it */
		str_eq(th_meta(q, "installed_by"),
		       !strcmp(p->name, "example.com/tool") ? "tool" : th_meta(p, "installed_by"));
		str_eq(th_meta(q, "location"), th_meta(p, "location"));
	}
	/* licences as the document says them */
	for (size_t i = 0; i < b->npackages; i++) {
		const customs_package *q = b->packages[i];
		if (!strcmp(q->name, "tool") && !strcmp(q->type, "deb")) {
			assert_int_equal(q->licenses.n, 2);
			str_eq(q->licenses.v[0], "BSD");
			str_eq(q->licenses.v[1], "MIT");
		} else if (!strcmp(q->name, "libc6")) {
			assert_int_equal(q->licenses.n, 1);
			str_eq(q->licenses.v[0], "GPL-2.0-or-later");
		} else if (!strcmp(q->name, "@scope/pkg")) {
			assert_int_equal(q->licenses.n, 1);
			str_eq(q->licenses.v[0], "MIT OR Apache-2.0");
		} else if (!strcmp(q->name, "requests")) {
			assert_int_equal(q->licenses.n, 1);
			str_eq(q->licenses.v[0], "Apache-2.0");
		} else if (!strcmp(q->name, "commons-lang3")) {
			str_eq(th_meta(q, "group_id"), "org.apache.commons");
		} else if (!strcmp(q->name, "example.com/tool")) {
			assert_true(json_is_true(json_object_get(q->metadata, "main_module")));
		}
	}
	customs_analysis_free(b);
	free(buf);
	customs_analysis_free(a);
}

static void test_round_trip_16(void **state)
{
	(void)state;
	round_trip("cyclonedx-json");
}

static void test_round_trip_15(void **state)
{
	(void)state;
	round_trip("cyclonedx-json@1.5");
}

/* ---- vulnerabilities ---- */

static void test_vulnerabilities(void **state)
{
	(void)state;
	customs_analysis *a = sample();
	size_t ssl = 0, req = 0, npm = 0;
	for (size_t i = 0; i < a->npackages; i++) {
		if (!strcmp(a->packages[i]->name, "libssl3"))
			ssl = i;
		if (!strcmp(a->packages[i]->name, "requests"))
			req = i;
		if (!strcmp(a->packages[i]->name, "@scope/pkg"))
			npm = i;
	}
	static const char *const ids0[] = {"CVE-2023-5678", "DSA-5585-1"};
	static const char *const fixed0[] = {"3.0.13-1~deb12u1"};
	static const customs_match_record rec0[] = {{.id = "CVE-2023-5678", .source = "debian-tracker"},
						    {.id = "DSA-5585-1", .source = "debian-dsa"}};
	static const char *const ids1[] = {"CVE-2023-32681", "GHSA-j8r2-6x86-q33q"};
	static const customs_match_record rec1[] = {{.id = "GHSA-j8r2-6x86-q33q", .source = "github-osv"}};
	static const customs_match_cover cover = {.package = "python3-requests",
						  .version = "2.28.1+dfsg-1",
						  .source = "requests",
						  .ns = "debian:12",
						  .state = "fixed",
						  .vuln_id = "CVE-2023-32681"};
	static const char *const ids2[] = {"GHSA-xxxx-yyyy-zzzz"};
	customs_match m[4] = {
		{.id = "CVE-2023-5678",
		 .ids = ids0,
		 .nids = 2,
		 .records = rec0,
		 .nrecords = 2,
		 .package_index = ssl,
		 .name = "libssl3",
		 .version = "3.0.11-1~deb12u2",
		 .fix_state = CUSTOMS_FIX_FIXED,
		 .fixed = fixed0,
		 .nfixed = 1,
		 .kind = CUSTOMS_MATCH_SOURCE,
		 .source = "debian-tracker",
		 .severity = CUSTOMS_SEVERITY_LOW,
		 .severity_source = "distro",
		 .distro_severity = "low",
		 .cvss_score = 5.3,
		 .cvss_vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L",
		 .cvss_from = "nvd",
		 .epss = 0.00043,
		 .epss_percentile = 0.1,
		 .summary = "DoS in DH checks",
		 .kev = 1},
		{.id = "CVE-2023-32681",
		 .ids = ids1,
		 .nids = 2,
		 .records = rec1,
		 .nrecords = 1,
		 .package_index = req,
		 .name = "requests",
		 .version = "2.28.1",
		 .kind = CUSTOMS_MATCH_OWNER,
		 .source = "github-osv",
		 .severity = CUSTOMS_SEVERITY_MEDIUM,
		 .severity_source = "label",
		 .cvss_score = -1,
		 .epss = -1,
		 .covered_by = &cover,
		 .suppressed = CUSTOMS_SUPPRESS_COVERED,
		 .suppressed_reason =
			 "installed by deb python3-requests: debian:12 requests says fixed (CVE-2023-32681)"},
		{.id = "GHSA-xxxx-yyyy-zzzz",
		 .ids = ids2,
		 .nids = 1,
		 .package_index = npm,
		 .name = "@scope/pkg",
		 .version = "1.0.0",
		 .source = "github-osv",
		 .severity = CUSTOMS_SEVERITY_UNKNOWN,
		 .severity_source = "none",
		 .cvss_score = -1,
		 .epss = -1,
		 .suppressed = CUSTOMS_SUPPRESS_VEX,
		 .suppressed_reason = "VEX vex.json statement 1: not_affected (vulnerable_code_not_in_execute_path)",
		 .vex_status = "not_affected",
		 .vex_justification = "vulnerable_code_not_in_execute_path"},
		{.id = "CVE-2020-0001",
		 .ids = (const char *const[]){"CVE-2020-0001"},
		 .nids = 1,
		 .package_index = ssl,
		 .name = "libssl3",
		 .version = "3.0.11-1~deb12u2",
		 .source = "debian-tracker",
		 .severity = CUSTOMS_SEVERITY_NEGLIGIBLE,
		 .severity_source = "urgency",
		 .cvss_score = -1,
		 .epss = -1,
		 .suppressed = CUSTOMS_SUPPRESS_IGNORE,
		 .suppressed_reason = "ignore rules.yaml rule 1: accepted"},
	};
	customs_match_result r = {.matches = m, .n = 4};
	size_t len;
	char *buf = write_doc(a, "cyclonedx-json", &r, 0, &len);
	json_t *doc = th_json(buf, len), *vs = json_object_get(doc, "vulnerabilities"), *v, *x;
	const char *sslref = th_jstr(component(doc, "libssl3"), "bom-ref");

	assert_int_equal(json_array_size(vs), 4);
	/* a plain match */
	v = json_array_get(vs, 0);
	str_eq(th_jstr(v, "id"), "CVE-2023-5678");
	assert_true(!strncmp(th_jstr(v, "bom-ref"), "vuln-CVE-2023-5678-", 19));
	str_eq(th_jstr(json_object_get(v, "source"), "name"), "debian-tracker");
	str_eq(th_jstr(json_object_get(v, "source"), "url"), "https://nvd.nist.gov/vuln/detail/CVE-2023-5678");
	x = json_array_get(json_object_get(v, "references"), 0);
	str_eq(th_jstr(x, "id"), "DSA-5585-1");
	str_eq(th_jstr(json_object_get(x, "source"), "name"), "debian-dsa");
	/* the distro's rating decided: first, then the CVSS score with its own bucket */
	assert_int_equal(json_array_size(json_object_get(v, "ratings")), 2);
	x = json_array_get(json_object_get(v, "ratings"), 0);
	str_eq(th_jstr(x, "severity"), "low");
	str_eq(th_jstr(x, "method"), "other");
	str_eq(th_jstr(x, "justification"), "the distro rates it low");
	str_eq(th_jstr(json_object_get(x, "source"), "name"), "debian-tracker");
	x = json_array_get(json_object_get(v, "ratings"), 1);
	assert_true(json_real_value(json_object_get(x, "score")) == 5.3);
	str_eq(th_jstr(x, "severity"), "medium");
	str_eq(th_jstr(x, "method"), "CVSSv31");
	str_eq(th_jstr(json_object_get(x, "source"), "name"), "nvd");
	str_eq(th_jstr(v, "description"), "DoS in DH checks");
	str_eq(th_jstr(v, "recommendation"), "Upgrade libssl3 to 3.0.13-1~deb12u1");
	assert_null(json_object_get(v, "analysis"));
	x = json_array_get(json_object_get(v, "affects"), 0);
	str_eq(th_jstr(x, "ref"), sslref);
	str_eq(th_jstr(json_array_get(json_object_get(x, "versions"), 0), "version"), "3.0.11-1~deb12u2");
	str_eq(th_jstr(json_array_get(json_object_get(x, "versions"), 0), "status"), "affected");
	str_eq(prop(v, "customs:fix-state"), "fixed");
	str_eq(prop(v, "customs:fixed-version"), "3.0.13-1~deb12u1");
	str_eq(prop(v, "customs:epss"), "0.00043");
	str_eq(prop(v, "customs:kev"), "true");
	str_eq(prop(v, "customs:match-type"), "source-package");
	assert_null(prop(v, "customs:suppressed-by"));

	/* covered by the distro package: its feed says fixed */
	v = json_array_get(vs, 1);
	str_eq(th_jstr(json_object_get(v, "source"), "name"), "github-osv");
	str_eq(th_jstr(json_object_get(json_array_get(json_object_get(v, "references"), 0), "source"), "url"),
	       "https://github.com/advisories/GHSA-j8r2-6x86-q33q");
	x = json_object_get(v, "analysis");
	str_eq(th_jstr(x, "state"), "resolved");
	str_eq(th_jstr(x, "detail"),
	       "installed by deb python3-requests: debian:12 requests says fixed (CVE-2023-32681)");
	str_eq(th_jstr(json_array_get(json_object_get(json_array_get(json_object_get(v, "affects"), 0), "versions"), 0),
		       "status"),
	       "unaffected");
	str_eq(th_jstr(json_array_get(json_object_get(v, "ratings"), 0), "severity"), "medium");
	assert_null(json_object_get(json_array_get(json_object_get(v, "ratings"), 0), "score"));
	str_eq(prop(v, "customs:suppressed-by"), "covered");

	/* VEX not_affected with an OpenVEX justification */
	v = json_array_get(vs, 2);
	x = json_object_get(v, "analysis");
	str_eq(th_jstr(x, "state"), "not_affected");
	str_eq(th_jstr(x, "justification"), "code_not_reachable");
	str_eq(th_jstr(x, "detail"), "VEX vex.json statement 1: not_affected (vulnerable_code_not_in_execute_path)");
	str_eq(th_jstr(json_array_get(json_object_get(v, "ratings"), 0), "severity"), "unknown");
	assert_null(json_object_get(v, "references"));
	str_eq(th_jstr(json_object_get(v, "source"), "url"), "https://github.com/advisories/GHSA-xxxx-yyyy-zzzz");

	/* an ignore rule: its reason, no state */
	v = json_array_get(vs, 3);
	x = json_object_get(v, "analysis");
	assert_null(json_object_get(x, "state"));
	str_eq(th_jstr(x, "detail"), "ignore rules.yaml rule 1: accepted");
	str_eq(th_jstr(json_array_get(json_object_get(v, "ratings"), 0), "severity"), "info");
	str_eq(prop(v, "customs:suppressed-by"), "ignore");

	json_decref(doc);
	free(buf);
	customs_analysis_free(a);
}

/* ---- other tools' documents ---- */

static customs_analysis *read_ok(const char *doc)
{
	return th_sbom_read("x.json", doc, strlen(doc), NULL);
}

static void test_cyclonedx_npm(void **state)
{
	(void)state;
	const char *doc =
		"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"metadata\":{\"component\":{\"type\":"
		"\"application\","
		"\"name\":\"fixture-app\",\"version\":\"1.0.0\",\"purl\":\"pkg:npm/fixture-app@1.0.0\",\"properties\":["
		"{\"name\":\"cdx:npm:package:path\",\"value\":\"\"}]}},\"components\":["
		"{\"type\":\"library\",\"name\":\"linux-x64\",\"group\":\"@esbuild\",\"version\":\"0.18.20\",\"purl\":"
		"\"pkg:npm/%40esbuild/"
		"linux-x64@0.18.20\",\"licenses\":[{\"license\":{\"id\":\"MIT\",\"acknowledgement\":"
		"\"declared\"}}],\"properties\":[{\"name\":\"cdx:npm:package:path\",\"value\":\"node_modules/@esbuild/"
		"linux-x64\"}]},"
		"{\"type\":\"library\",\"name\":\"send\",\"version\":\"0.17.1\",\"purl\":\"pkg:npm/"
		"send@0.17.1\",\"components\":"
		"[{\"type\":\"library\",\"name\":\"ms\",\"version\":\"2.1.1\",\"purl\":\"pkg:npm/"
		"ms@2.1.1\",\"properties\":[{"
		"\"name\":\"cdx:npm:package:path\",\"value\":\"node_modules/send/node_modules/ms\"}]}]},"
		"{\"type\":\"file\",\"name\":\"README\"},"
		"{\"type\":\"library\",\"name\":\"commons-io\",\"group\":\"commons-io\",\"version\":\"2.11.0\","
		"\"purl\":"
		"\"pkg:maven/commons-io/commons-io@2.11.0\",\"licenses\":[{\"expression\":\"Apache-2.0\"}],\"cpe\":"
		"\"cpe:2.3:a:apache:commons_io:2.11.0:*:*:*:*:*:*:*\",\"evidence\":{\"occurrences\":[{\"location\":"
		"\"/opt/app/lib/commons-io-2.11.0.jar\"}]}},"
		"{\"type\":\"operating-system\",\"name\":\"Alpine\",\"version\":\"3.19.1\",\"description\":\"Alpine "
		"Linux "
		"v3.19\"}]}";
	customs_analysis *a = read_ok(doc);
	const customs_package *p;

	assert_int_equal(a->nwarnings, 0);
	assert_int_equal(a->npackages, 4); /* not the project, not the file */
	p = a->packages[0];
	str_eq(p->name, "@esbuild/linux-x64");
	str_eq(p->type, "npm");
	str_eq(p->version, "0.18.20");
	str_eq(p->purl, "pkg:npm/%40esbuild/linux-x64@0.18.20");
	str_eq(th_meta(p, "location"), "node_modules/@esbuild/linux-x64");
	assert_int_equal(p->licenses.n, 1);
	str_eq(p->licenses.v[0], "MIT");
	str_eq(a->packages[1]->name, "send");
	p = a->packages[2];
	str_eq(p->name, "ms");
	str_eq(th_meta(p, "location"), "node_modules/send/node_modules/ms");
	p = a->packages[3];
	str_eq(p->name, "commons-io");
	str_eq(p->type, "java-archive");
	str_eq(th_meta(p, "group_id"), "commons-io");
	str_eq(p->db_path, "opt/app/lib/commons-io-2.11.0.jar");
	str_eq(p->licenses.v[0], "Apache-2.0");
	str_eq(p->cpes.v[0], "cpe:2.3:a:apache:commons_io:2.11.0:*:*:*:*:*:*:*");
	str_eq(a->distro.id, "alpine");
	str_eq(a->distro.version_id, "3.19.1");
	str_eq(a->distro.pretty_name, "Alpine Linux v3.19");
	customs_analysis_free(a);
}

/* ---- malformed documents ---- */

static void test_errors(void **state)
{
	(void)state;
	customs_analysis *a = customs__sbom_analysis_new("direct.json");
	json_t *arr = json_array();
	assert_int_equal(customs__read_cyclonedx(a, arr), CUSTOMS_EFORMAT);
	str_eq(customs_error_last(), "not a CycloneDX document: the top level is not a JSON object");
	json_decref(arr);
	customs_analysis_free(a);

	th_sbom_read_fails("bad.json", "{\"specVersion\":\"1.6\"}",
			   "sbom:bad.json: no \"bomFormat\": a CycloneDX document says \"CycloneDX\"");
	th_sbom_read_fails("bad.json", "{\"bomFormat\":\"CycloneDx\",\"specVersion\":\"1.6\"}",
			   "sbom:bad.json: \"bomFormat\" is \"CycloneDx\", not \"CycloneDX\"");
	th_sbom_read_fails("bad.json", "{\"bomFormat\":7,\"specVersion\":\"1.6\"}",
			   "sbom:bad.json: \"bomFormat\" is \"(not a string)\", not \"CycloneDX\"");
	th_sbom_read_fails("bad.json", "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"2.0\"}",
			   "sbom:bad.json: unknown specVersion \"2.0\" (customs reads CycloneDX 1.2-1.7)");
	th_sbom_read_fails("bad.json", "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.60\"}",
			   "sbom:bad.json: unknown specVersion \"1.60\" (customs reads CycloneDX 1.2-1.7)");
	th_sbom_read_fails("bad.json", "{\"bomFormat\":\"CycloneDX\"}",
			   "sbom:bad.json: no \"specVersion\" (customs reads CycloneDX 1.2-1.7)");
	th_sbom_read_fails("bad.json", "{\"bomFormat\":\"CycloneDX\",\"specVersion\":1.5}",
			   "sbom:bad.json: \"specVersion\" is not a string (customs reads CycloneDX 1.2-1.7)");
	th_sbom_read_fails("bad.json", "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":{}}",
			   "sbom:bad.json: \"components\" is not an array");
}

static void test_element_warnings(void **state)
{
	(void)state;
	customs_analysis *a = read_ok(
		"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.3\",\"components\":["
		"{\"type\":\"library\",\"name\":\"lodash\",\"version\":\"4.17.15\",\"purl\":\"pkg:npm/%zz@4.17.15\"},"
		"{\"type\":\"library\",\"version\":\"1.0\"},"
		"7,"
		"{\"type\":\"library\",\"name\":\"a\\u0001b\",\"purl\":\"pkg:npm/x@1\",\"components\":\"no\"},"
		"{\"type\":\"operating-system\",\"name\":\"debian\",\"version\":\"12\"},"
		"{\"type\":\"operating-system\",\"name\":\"alpine\",\"version\":\"3.19\"}]}");

	assert_true(th_has_warning(
		a, "sbom:x.json: CycloneDX 1.3 is older than 1.4: read as 1.4, fields it lacks are left empty"));
	assert_true(th_has_warning(
		a, "sbom:x.json: components[0] (\"lodash\"): invalid purl \"pkg:npm/%zz@4.17.15\": invalid "
		   "percent-escape \"%zz\" in name"));
	assert_true(th_has_warning(a, "sbom:x.json: components[1]: no \"name\" and no \"purl\": skipped"));
	assert_true(th_has_warning(a, "sbom:x.json: components[2]: not an object: skipped"));
	assert_true(
		th_has_warning(a, "sbom:x.json: components[3] (\"a\\x01b\"): \"components\" is not an array: skipped"));
	assert_true(th_has_warning(
		a, "sbom:x.json: components[5] (\"alpine\"): a second operating-system: only the first one is the "
		   "image's distro"));
	assert_int_equal(a->nwarnings, 6);
	/* the package with the broken purl is kept, without it */
	assert_int_equal(a->npackages, 2);
	str_eq(a->packages[0]->name, "lodash");
	str_eq(a->packages[0]->version, "4.17.15");
	assert_null(a->packages[0]->purl);
	str_eq(a->packages[1]->purl, "pkg:npm/x@1");
	str_eq(a->distro.id, "debian");
	customs_analysis_free(a);

	/* no components at all */
	a = read_ok("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\"}");
	assert_true(th_has_warning(a, "sbom:x.json: the document lists no packages"));
	customs_analysis_free(a);
}

static void test_deep_nesting(void **state)
{
	(void)state;
	customs_buf b = CUSTOMS_BUF_INIT(0);
	customs_analysis *a;
	const int depth = 100;

	customs_buf_puts(&b, "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":");
	for (int i = 0; i < depth; i++)
		customs_buf_printf(&b, "[{\"type\":\"library\",\"name\":\"p%d\",\"version\":\"1\",\"components\":", i);
	customs_buf_puts(&b, "[]");
	for (int i = 0; i < depth; i++)
		customs_buf_puts(&b, "}]");
	customs_buf_puts(&b, "}");
	a = read_ok(b.ptr);
	/* 32 levels are read, then one warning */
	assert_int_equal(a->npackages, 32);
	str_eq(a->packages[31]->name, "p31");
	assert_int_equal(a->nwarnings, 1);
	assert_non_null(strstr(a->warnings[0].message, ".components[0] (\"p31\"): components nested deeper than 32 "
						       "levels are not read"));
	assert_true(!strncmp(a->warnings[0].message, "sbom:x.json: components[0].components[0].", 41));
	customs_analysis_free(a);
	customs_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_document),        cmocka_unit_test(test_files),
		cmocka_unit_test(test_round_trip_16),   cmocka_unit_test(test_round_trip_15),
		cmocka_unit_test(test_vulnerabilities), cmocka_unit_test(test_cyclonedx_npm),
		cmocka_unit_test(test_errors),          cmocka_unit_test(test_element_warnings),
		cmocka_unit_test(test_deep_nesting),
	};
	return cmocka_run_group_tests_name("cyclonedx", tests, NULL, NULL);
}
