/* test_sarif.c - the SARIF 2.1.0 writer (src/lib/report/sarif.c) on a
 * hand-made analysis and hand-made matches: one rule per id sorted by id,
 * one result per match with ruleIndex pointing at its rule, levels and
 * GitHub's security-severity from the severity, locations from the match's
 * path (the package's database when it has none), fingerprints that tell
 * packages in one file apart and stay the same across writes, suppressions
 * for suppressed and covered matches, text that is cut to GitHub's limits
 * and made valid UTF-8, Markdown that cannot be broken by a package name.
 * The schema itself is checked by tests/cli/scan_sarif.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "customs/errors.h"
#include "customs/match.h"
#include "customs/report.h"
#include "customs/sbom.h"
#include "helpers.h"

static customs_package *pkg(const char *type, const char *name, const char *version, const char *purl,
			    const char *db_path)
{
	customs_package *p = th_pkg_new(type, name, version, purl);
	p->db_path = db_path ? strdup(db_path) : NULL;
	p->visible = 1;
	p->layer = 0;
	p->removed_in_layer = -1;
	return p;
}

struct fixture {
	customs_analysis a;
	customs_layer layers[1];
	customs_package *p[8];
	customs_match m[8];
	customs_match_cover cover;
	customs_match_result r;
};

static const char *const ids_a[] = {"CVE-2024-0001", "DSA-5555-1"};
static const char *const ids_b[] = {"CVE-2023-9999"};
static const char *const ids_c[] = {"GHSA-aaaa-bbbb-cccc", "PYSEC-2024-1"};
static const char *const ids_d[] = {"DLA-1234-1", "ALSA-2024:0001"};
static const char *const fixed_a[] = {"2.36-9+deb12u7"};

static customs_match mk(const struct fixture *f, size_t pi, const char *id, const char *const *ids, size_t nids,
			customs_severity sev, double score)
{
	const customs_package *p = f->p[pi];
	customs_match m;
	memset(&m, 0, sizeof(m));
	m.id = id;
	m.ids = ids;
	m.nids = nids;
	m.package_index = pi;
	m.package = p;
	m.name = p->name;
	m.version = p->version;
	m.type = p->type;
	m.purl = p->purl;
	m.location = p->db_path;
	m.layer = 0;
	m.installed = p->version;
	m.fix_state = CUSTOMS_FIX_NOT_FIXED;
	m.severity = sev;
	m.cvss_score = score;
	m.epss = -1;
	m.epss_percentile = -1;
	m.severity_source = score >= 0 ? "cvss" : "none";
	return m;
}

/* Matches in the matcher's order: severity first, then id, then package. */
static void fixture_init(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	f->a.image.reference = "oci:/fixtures/demo:1.0";
	f->a.image.source_kind = "oci";
	f->a.image.manifest_digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	f->a.distro.id = "debian";
	f->a.distro.version_id = "12";
	f->layers[0].digest = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
	f->a.layers = f->layers;
	f->a.nlayers = 1;
	f->p[0] = pkg("deb", "libc6", "2.36-9+deb12u4", "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64",
		      "var/lib/dpkg/status");
	f->p[1] = pkg("deb", "libc-bin", "2.36-9+deb12u4", "pkg:deb/debian/libc-bin@2.36-9%2Bdeb12u4?arch=amd64",
		      "var/lib/dpkg/status");
	f->p[2] = pkg("python", "req|uests_*x*", "2.28.1", "pkg:pypi/requests@2.28.1",
		      "/usr/lib/python3/dist-packages/requests-2.28.1.dist-info/METADATA");
	f->p[3] = pkg("npm", "bad\xff\xfename", "1.0.0", NULL, "app/node modules/a:b/package.json");
	f->p[4] = pkg("go-module", "stdlib", "go1.21.0", "pkg:golang/stdlib@1.21.0", NULL);
	f->a.packages = f->p;
	f->a.npackages = 5;

	size_t n = 0;
	f->m[n] = mk(f, 0, "CVE-2024-0001", ids_a, 2, CUSTOMS_SEVERITY_CRITICAL, 9.8);
	f->m[n].fix_state = CUSTOMS_FIX_FIXED;
	f->m[n].fixed = fixed_a;
	f->m[n].nfixed = 1;
	f->m[n].summary = "glibc: buffer overflow in <something> | with a pipe";
	f->m[n].status = "no-dsa";
	n++;
	f->m[n] = mk(f, 1, "CVE-2024-0001", ids_a, 2, CUSTOMS_SEVERITY_HIGH, 7.5);
	n++;
	/* label says high, score says medium: GitHub must see high */
	f->m[n] = mk(f, 2, "GHSA-aaaa-bbbb-cccc", ids_c, 2, CUSTOMS_SEVERITY_HIGH, 5.0);
	f->cover.package = "python3-requests";
	f->cover.version = "2.28.1+dfsg-1";
	f->cover.state = "fixed";
	f->cover.vuln_id = "CVE-2023-32681";
	f->cover.fixed = "2.28.1+dfsg-1";
	f->m[n].covered_by = &f->cover;
	f->m[n].suppressed = CUSTOMS_SUPPRESS_COVERED;
	f->m[n].location = NULL; /* falls back to the package's database, without the leading "/" */
	n++;
	f->m[n] = mk(f, 3, "CVE-2023-9999", ids_b, 1, CUSTOMS_SEVERITY_MEDIUM, -1);
	f->m[n].summary = "x\xc3(\xff invalid";
	n++;
	f->m[n] = mk(f, 4, "DLA-1234-1", ids_d, 2, CUSTOMS_SEVERITY_LOW, 2.1);
	f->m[n].suppressed = CUSTOMS_SUPPRESS_VEX;
	f->m[n].suppressed_reason = "vex.json: not_affected";
	f->m[n].vex_status = "not_affected";
	f->m[n].vex_justification = "vulnerable_code_not_in_execute_path";
	n++;
	f->m[n] = mk(f, 0, "CVE-2023-9999", ids_b, 1, CUSTOMS_SEVERITY_UNKNOWN, -1);
	n++;
	f->m[n] = mk(f, 1, "DLA-1234-1", ids_d, 1, CUSTOMS_SEVERITY_NEGLIGIBLE, 0.0);
	n++;
	f->r.matches = f->m;
	f->r.n = n;
	f->r.distro_ns = "debian:12";
	f->r.packages = 5;
}

static void fixture_release(struct fixture *f)
{
	for (size_t i = 0; i < f->a.npackages; i++)
		customs_package_free(f->p[i]);
}

static char *write_sarif(const customs_analysis *a, const customs_match_result *r, int expect_err)
{
	customs_report o = {.version = CUSTOMS_REPORT_VERSION, .kind = CUSTOMS_REPORT_SCAN, .analysis = a, .matches = r,
			    .created = 1700000000};
	int err;
	char *buf = th_report_mem(&o, "sarif", NULL, &err);
	if (expect_err) {
		assert_true(err < 0);
		free(buf);
		return NULL;
	}
	if (err < 0)
		fail_msg("customs_report_write: %s", customs_error_last());
	return buf;
}

static json_t *result_of(json_t *run, const char *rule, const char *name_prefix)
{
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(run, "results"), i, r)
	{
		const char *n = th_jstr(r, "properties.packageName");
		if (!strcmp(th_jstr(r, "ruleId"), rule) && n && !strncmp(n, name_prefix, strlen(name_prefix)))
			return r;
	}
	fail_msg("no result for %s in %s", rule, name_prefix);
	return NULL;
}

/* The log written for an analysis and its matches, parsed: its first run
 * and that run's rules. */
struct written {
	char *text;
	json_t *log, *run, *rules;
};

static void written_open(struct written *wr, const customs_analysis *a, const customs_match_result *r)
{
	wr->text = write_sarif(a, r, 0);
	wr->log = th_json(wr->text, strlen(wr->text));
	wr->run = json_array_get(json_object_get(wr->log, "runs"), 0);
	wr->rules = json_object_get(json_object_get(json_object_get(wr->run, "tool"), "driver"), "rules");
}

static void written_close(struct written *wr)
{
	json_decref(wr->log);
	free(wr->text);
}

static void test_structure(void **state)
{
	(void)state;
	struct fixture f;
	fixture_init(&f);
	struct written wr;
	written_open(&wr, &f.a, &f.r);
	json_t *log = wr.log, *run, *rules, *results, *x;
	size_t i;

	assert_string_equal(th_jstr(log, "version"), "2.1.0");
	assert_string_equal(th_jstr(log, "$schema"), "https://json.schemastore.org/sarif-2.1.0.json");
	assert_int_equal(json_array_size(json_object_get(log, "runs")), 1);
	run = json_array_get(json_object_get(log, "runs"), 0);
	assert_string_equal(th_jstr(run, "tool.driver.name"), "customs");
	assert_non_null(th_jstr(run, "tool.driver.version"));
	assert_null(json_object_get(json_object_get(json_object_get(run, "tool"), "driver"), "informationUri"));
	rules = json_object_get(json_object_get(json_object_get(run, "tool"), "driver"), "rules");
	results = json_object_get(run, "results");

	/* one rule per distinct primary id, sorted */
	const char *want[] = {"CVE-2023-9999", "CVE-2024-0001", "DLA-1234-1", "GHSA-aaaa-bbbb-cccc"};
	assert_int_equal(json_array_size(rules), 4);
	json_array_foreach(rules, i, x)
	{
		assert_string_equal(th_jstr(x, "id"), want[i]);
		assert_string_equal(th_jstr(x, "name"), want[i]);
		assert_non_null(th_jstr(x, "shortDescription.text"));
		assert_non_null(th_jstr(x, "fullDescription.text"));
		assert_non_null(th_jstr(x, "help.text"));
		assert_non_null(th_jstr(x, "help.markdown"));
		assert_non_null(th_jstr(x, "properties.security-severity"));
	}
	/* one result per match, in the matcher's order, pointing at its rule */
	assert_int_equal(json_array_size(results), f.r.n);
	json_array_foreach(results, i, x)
	{
		json_int_t ri = json_integer_value(json_object_get(x, "ruleIndex"));
		assert_true(ri >= 0 && (size_t)ri < json_array_size(rules));
		assert_string_equal(th_jstr(json_array_get(rules, (size_t)ri), "id"), th_jstr(x, "ruleId"));
		assert_string_equal(th_jstr(x, "ruleId"), f.m[i].id);
		assert_non_null(th_jstr(x, "message.text"));
		assert_int_equal(json_array_size(json_object_get(x, "locations")), 1);
		assert_int_equal(strlen(th_jstr(x, "partialFingerprints.customs/v1")), 64);
		assert_int_equal(json_integer_value(json_object_get(
					 json_object_get(json_object_get(json_array_get(json_object_get(x, "locations"), 0),
									 "physicalLocation"),
							 "region"),
					 "startLine")),
				 1);
	}
	/* the image is named */
	assert_string_equal(th_jstr(run, "properties.imageDigest"), f.a.image.manifest_digest);
	assert_string_equal(th_jstr(run, "properties.namespace"), "debian:12");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(run, "properties"), "matches")), 5);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(run, "properties"), "suppressed")), 2);

	written_close(&wr);
	fixture_release(&f);
}

static void test_levels_and_scores(void **state)
{
	(void)state;
	struct fixture f;
	fixture_init(&f);
	struct written wr;
	written_open(&wr, &f.a, &f.r);
	json_t *run = wr.run, *rules = wr.rules;
	struct {
		const char *rule, *pkg, *level, *score;
	} want[] = {
		{"CVE-2024-0001", "libc6", "error", "9.8"},        /* critical, its own score */
		{"CVE-2024-0001", "libc-bin", "error", "7.5"},     /* high */
		{"GHSA-aaaa-bbbb-cccc", "req", "error", "8.0"},    /* high by label: the bucket, not the 5.0 */
		{"CVE-2023-9999", "bad", "warning", "5.5"},        /* medium without a score */
		{"DLA-1234-1", "stdlib", "note", "2.1"},           /* low */
		{"CVE-2023-9999", "libc6", "note", "0.0"},         /* unknown: no security severity */
		{"DLA-1234-1", "libc-bin", "note", "0.0"},         /* negligible */
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		json_t *r = result_of(run, want[i].rule, want[i].pkg);
		assert_string_equal(th_jstr(r, "level"), want[i].level);
		assert_string_equal(th_jstr(r, "properties.security-severity"), want[i].score);
	}
	/* a rule takes its most severe match */
	struct {
		const char *level, *score, *tag;
	} rw[] = {
		{"warning", "5.5", "medium"}, /* CVE-2023-9999 */
		{"error", "9.8", "critical"}, /* CVE-2024-0001 */
		{"note", "2.1", "low"},       /* DLA-1234-1 */
		{"error", "8.0", "high"},     /* GHSA-aaaa-bbbb-cccc */
	};
	for (size_t i = 0; i < 4; i++) {
		json_t *ru = json_array_get(rules, i);
		json_t *tags = json_object_get(json_object_get(ru, "properties"), "tags");
		assert_string_equal(th_jstr(ru, "defaultConfiguration.level"), rw[i].level);
		assert_string_equal(th_jstr(ru, "properties.security-severity"), rw[i].score);
		assert_string_equal(json_string_value(json_array_get(tags, 0)), "security");
		assert_string_equal(json_string_value(json_array_get(tags, 1)), "vulnerability");
		assert_string_equal(json_string_value(json_array_get(tags, 2)), rw[i].tag);
	}
	written_close(&wr);
	fixture_release(&f);
}

static const char *uri_of(json_t *r)
{
	json_t *loc = json_array_get(json_object_get(r, "locations"), 0);
	return th_jstr(loc, "physicalLocation.artifactLocation.uri");
}

static void test_locations_and_fingerprints(void **state)
{
	(void)state;
	struct fixture f;
	fixture_init(&f);
	struct written wr;
	written_open(&wr, &f.a, &f.r);
	json_t *run = wr.run;
	json_t *a = result_of(run, "CVE-2024-0001", "libc6"), *b = result_of(run, "CVE-2024-0001", "libc-bin");
	json_t *c = result_of(run, "GHSA-aaaa-bbbb-cccc", "req"), *d = result_of(run, "CVE-2023-9999", "bad");
	json_t *e = result_of(run, "DLA-1234-1", "stdlib");

	assert_string_equal(uri_of(a), "var/lib/dpkg/status");
	assert_string_equal(uri_of(c), "usr/lib/python3/dist-packages/requests-2.28.1.dist-info/METADATA");
	assert_string_equal(uri_of(d), "app/node%20modules/a%3Ab/package.json");
	/* no path at all: the image stands in */
	assert_non_null(strstr(uri_of(e), "demo"));
	/* the package is the logical location */
	json_t *ll = json_array_get(
		json_object_get(json_array_get(json_object_get(a, "locations"), 0), "logicalLocations"), 0);
	assert_string_equal(th_jstr(ll, "name"), f.p[0]->purl);
	assert_string_equal(th_jstr(ll, "kind"), "package");
	/* two packages in one file, one id: two fingerprints */
	assert_string_not_equal(th_jstr(a, "partialFingerprints.customs/v1"),
				th_jstr(b, "partialFingerprints.customs/v1"));
	assert_string_not_equal(th_jstr(a, "partialFingerprints.primaryLocationLineHash"),
				th_jstr(b, "partialFingerprints.primaryLocationLineHash"));
	/* layer and digest travel as properties */
	assert_string_equal(th_jstr(a, "properties.layerDigest"), f.layers[0].digest);
	assert_string_equal(th_jstr(a, "properties.purl"), f.p[0]->purl);
	assert_string_equal(th_jstr(a, "properties.fixState"), "fixed");
	assert_string_equal(json_string_value(json_array_get(
				    json_object_get(json_object_get(a, "properties"), "fixedVersions"), 0)),
			    "2.36-9+deb12u7");
	/* the same input writes the same bytes */
	char *again = write_sarif(&f.a, &f.r, 0);
	assert_string_equal(wr.text, again);
	free(again);
	written_close(&wr);
	fixture_release(&f);
}

static void test_messages_and_suppressions(void **state)
{
	(void)state;
	struct fixture f;
	fixture_init(&f);
	struct written wr;
	written_open(&wr, &f.a, &f.r);
	json_t *run = wr.run;
	json_t *a = result_of(run, "CVE-2024-0001", "libc6"), *b = result_of(run, "CVE-2024-0001", "libc-bin");
	json_t *c = result_of(run, "GHSA-aaaa-bbbb-cccc", "req"), *e = result_of(run, "DLA-1234-1", "stdlib");

	assert_string_equal(
		th_jstr(a, "message.text"),
		"libc6 2.36-9+deb12u4 (deb) is affected by CVE-2024-0001 (critical); fixed in 2.36-9+deb12u7");
	assert_string_equal(th_jstr(b, "message.text"),
			    "libc-bin 2.36-9+deb12u4 (deb) is affected by CVE-2024-0001 (high); no fix available");
	assert_null(json_object_get(a, "suppressions"));
	/* covered: dismissed, saying by whom and what its feed says */
	json_t *s = json_array_get(json_object_get(c, "suppressions"), 0);
	assert_string_equal(th_jstr(s, "kind"), "external");
	assert_string_equal(th_jstr(s, "status"), "accepted");
	assert_non_null(strstr(th_jstr(s, "justification"), "python3-requests"));
	assert_non_null(strstr(th_jstr(s, "justification"), "fixed"));
	/* suppressed by VEX: the reason and the statement */
	s = json_array_get(json_object_get(e, "suppressions"), 0);
	assert_string_equal(th_jstr(s, "kind"), "external");
	assert_non_null(strstr(th_jstr(s, "justification"), "vex.json: not_affected"));
	assert_non_null(strstr(th_jstr(s, "justification"), "vulnerable_code_not_in_execute_path"));
	assert_non_null(strstr(th_jstr(e, "message.text"), "suppressed (vex)"));
	written_close(&wr);
	fixture_release(&f);
}

static void test_rule_texts(void **state)
{
	(void)state;
	struct fixture f;
	fixture_init(&f);
	struct written wr;
	written_open(&wr, &f.a, &f.r);
	json_t *rules = wr.rules;
	json_t *cve23 = json_array_get(rules, 0), *cve24 = json_array_get(rules, 1), *dla = json_array_get(rules, 2),
	       *ghsa = json_array_get(rules, 3);

	assert_string_equal(th_jstr(cve24, "shortDescription.text"), "CVE-2024-0001 in libc-bin, libc6");
	assert_string_equal(th_jstr(cve24, "fullDescription.text"),
			    "glibc: buffer overflow in <something> | with a pipe");
	assert_string_equal(th_jstr(dla, "fullDescription.text"), "DLA-1234-1");
	/* invalid UTF-8 is replaced, not dropped */
	assert_string_equal(th_jstr(cve23, "fullDescription.text"), "x\xef\xbf\xbd(\xef\xbf\xbd invalid");
	assert_non_null(strstr(th_jstr(cve23, "shortDescription.text"), "bad\xef\xbf\xbd\xef\xbf\xbdname"));
	/* where to read more */
	assert_string_equal(th_jstr(cve24, "helpUri"), "https://nvd.nist.gov/vuln/detail/CVE-2024-0001");
	assert_string_equal(th_jstr(ghsa, "helpUri"), "https://github.com/advisories/GHSA-aaaa-bbbb-cccc");
	assert_string_equal(th_jstr(dla, "helpUri"), "https://osv.dev/vulnerability/DLA-1234-1");
	/* the table: a row per package, every advisory id linked */
	const char *md = th_jstr(cve24, "help.markdown");
	assert_non_null(strstr(md, "| Package | Version | Type | Fixed in | Severity | State | Location |"));
	assert_non_null(strstr(md, "| libc6 | 2.36-9+deb12u4 | deb | 2.36-9+deb12u7 | critical | fixed (no-dsa) |"));
	assert_non_null(strstr(md, "[DSA-5555-1](https://osv.dev/vulnerability/DSA-5555-1)"));
	assert_non_null(strstr(md, "\\<something\\> \\| with a pipe"));
	/* a name with "|" and "_" cannot break the table */
	md = th_jstr(ghsa, "help.markdown");
	assert_non_null(strstr(md, "| req\\|uests\\_\\*x\\* |"));
	assert_non_null(strstr(md, "[PYSEC-2024-1](https://osv.dev/vulnerability/PYSEC-2024-1)"));
	assert_non_null(strstr(th_jstr(dla, "help.markdown"),
			       "[ALSA-2024:0001](https://osv.dev/vulnerability/ALSA-2024:0001)"));
	const char *ht = th_jstr(cve24, "help.text");
	assert_non_null(strstr(ht, "Advisories: CVE-2024-0001, DSA-5555-1"));
	assert_non_null(strstr(ht, "- libc6 2.36-9+deb12u4 (deb) at var/lib/dpkg/status: critical, fixed in 2.36-9+deb12u7, "
				   "state fixed (no-dsa)\n"));
	/* paths without their leading "/" here too */
	ht = th_jstr(ghsa, "help.text");
	assert_non_null(strstr(ht, " at usr/lib/python3/dist-packages/requests-2.28.1.dist-info/METADATA: high"));
	written_close(&wr);
	fixture_release(&f);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && !memcmp(s + n - k, suffix, k);
}

/* GitHub cuts nothing: it refuses descriptions over 1024 characters */
static void test_limits(void **state)
{
	(void)state;
	struct fixture f;
	char *summary = malloc(5000), *id = malloc(400);
	static char names[200][32];
	customs_match many[200];

	fixture_init(&f);
	/* a summary of 2-byte characters, longer than the limit */
	for (size_t i = 0; i < 2000; i++)
		memcpy(summary + 2 * i, "\xc3\xa9", 2);
	summary[4000] = '\0';
	f.m[0].summary = summary;
	/* 200 packages with one id */
	for (size_t i = 0; i < 200; i++) {
		snprintf(names[i], sizeof(names[i]), "package-number-%03zu", i);
		many[i] = f.m[1];
		many[i].name = names[i];
	}
	memset(id, 'A', 399);
	id[399] = '\0';
	many[199].id = id;
	customs_match_result r = f.r;
	r.matches = many;
	r.n = 200;
	struct written wr;
	written_open(&wr, &f.a, &f.r);
	json_t *cve24 = json_array_get(wr.rules, 1);
	const char *fd = th_jstr(cve24, "fullDescription.text");
	assert_true(strlen(fd) <= 1024 * 3);
	/* characters, not bytes: count code points */
	size_t cps = 0;
	for (const unsigned char *p = (const unsigned char *)fd; *p; p++)
		cps += (*p & 0xc0) != 0x80;
	assert_true(cps <= 1024);
	assert_true(ends_with(fd, "\xe2\x80\xa6"));
	written_close(&wr);

	written_open(&wr, &f.a, &r);
	assert_int_equal(json_array_size(wr.rules), 2);
	assert_int_equal(json_array_size(json_object_get(wr.run, "results")), 200);
	json_t *big = json_array_get(wr.rules, 1), *longid = json_array_get(wr.rules, 0);
	const char *sd = th_jstr(big, "shortDescription.text");
	assert_true(strlen(sd) <= 1024);
	assert_non_null(strstr(sd, " more"));
	assert_non_null(strstr(th_jstr(big, "help.markdown"), "more affected packages are listed in the results"));
	/* the rule id is never cut (results name it), its display name is */
	assert_string_equal(th_jstr(longid, "id"), id);
	assert_true(strlen(th_jstr(longid, "name")) <= 255);
	written_close(&wr);
	free(summary);
	free(id);
	fixture_release(&f);
}

static void test_empty_and_missing(void **state)
{
	(void)state;
	struct fixture f;
	fixture_init(&f);
	customs_match_result none = {0};
	struct written wr;
	written_open(&wr, &f.a, &none);
	assert_int_equal(json_array_size(json_object_get(wr.run, "results")), 0);
	assert_int_equal(json_array_size(wr.rules), 0);
	written_close(&wr);
	/* SARIF without scan results is a usage error, not an empty log */
	write_sarif(&f.a, NULL, 1);
	fixture_release(&f);
}

/* ids that differ only in bytes that are not UTF-8 read the same in the
 * log: one rule, or code scanning would see two rules with one id */
static void test_invalid_ids(void **state)
{
	(void)state;
	struct fixture f;
	fixture_init(&f);
	f.m[0].id = "CVE-2024-\xff";
	f.m[1].id = "CVE-2024-\xfe";
	f.r.n = 2;
	struct written wr;
	written_open(&wr, &f.a, &f.r);
	json_t *run = wr.run, *rules = wr.rules, *x;
	size_t i;
	assert_int_equal(json_array_size(rules), 1);
	assert_string_equal(th_jstr(json_array_get(rules, 0), "id"), "CVE-2024-\xef\xbf\xbd");
	json_array_foreach(json_object_get(run, "results"), i, x)
	{
		assert_string_equal(th_jstr(x, "ruleId"), "CVE-2024-\xef\xbf\xbd");
		assert_int_equal(json_integer_value(json_object_get(x, "ruleIndex")), 0);
	}
	written_close(&wr);
	fixture_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_structure),
		cmocka_unit_test(test_levels_and_scores),
		cmocka_unit_test(test_locations_and_fingerprints),
		cmocka_unit_test(test_messages_and_suppressions),
		cmocka_unit_test(test_rule_texts),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_empty_and_missing),
		cmocka_unit_test(test_invalid_ids),
	};
	return cmocka_run_group_tests_name("sarif", tests, NULL, NULL);
}
