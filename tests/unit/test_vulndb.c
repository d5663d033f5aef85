/* test_vulndb.c - the vulnerability database query API (include/customs/vuln.h)
 * over a database imported from the real-format samples in tests/data/feeds
 * (OSV records taken from the shared feeds, a Debian tracker export, NVD
 * API 2.0, EPSS, KEV, Alpine secdb) plus a few synthetic OSV records; and the
 * building blocks: ecosystems, names, CVSS v3 scores, the JSON reader. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "customs/errors.h"
#include "customs/vuln.h"
#include "helpers.h"
#include "vuln/vulndb.h"

static th_dir tmp;
static char dbpath[512];
static customs_vulndb *db;
static long nwarn;
static char lastwarn[1024];

static void on_warn(void *ud, const char *msg)
{
	(void)ud;
	nwarn++;
	snprintf(lastwarn, sizeof(lastwarn), "%s", msg);
}

static void write_file(const char *path, const char *text)
{
	th_write(path, text, strlen(text));
}

/* Synthetic records: names to normalise, a maven and a not-affected entry,
 * a last_affected range, an unknown ecosystem. */
static const char synthetic[] =
	"[{\"id\":\"TEST-0001\",\"modified\":\"2024-05-01T00:00:00Z\",\"aliases\":[\"CVE-2021-44228\"],"
	"\"summary\":\"Important: synthetic\",\"severity\":[{\"type\":\"CVSS_V3\",\"score\":\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\"}],"
	"\"affected\":["
	"{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"Zope.Interface\"},\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"last_affected\":\"5.0\"}]}]},"
	"{\"package\":{\"ecosystem\":\"npm\",\"name\":\"@Scope/Pkg\"},\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"1.0.0\"},{\"fixed\":\"1.2.3\"}]}],\"versions\":[\"1.0.0\",\"1.1.0\",\"not a version\"]},"
	"{\"package\":{\"ecosystem\":\"Maven\",\"name\":\"org.apache.logging.log4j:log4j-core\"},\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"2.0-beta9\"},{\"fixed\":\"2.15.0\"}]}]},"
	"{\"package\":{\"ecosystem\":\"Ubuntu:Pro:18.04:LTS\",\"name\":\"log4j\"},\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"}]}]},"
	"{\"package\":{\"ecosystem\":\"OSS-Fuzz\",\"name\":\"x\"},\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"}]}]},"
	"{\"package\":{\"ecosystem\":\"Alpine:v3.21\",\"name\":\"log4j\"},\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"0\"}]}]}"
	"]}]";

static int setup(void **state)
{
	char synth_dir[600], synth[700], *feeds = th_data_path("feeds");
	(void)state;

	th_dir_new(&tmp, "vulndb");
	snprintf(dbpath, sizeof(dbpath), "%s/sub/dir/v.sqlite", tmp.path);
	snprintf(synth_dir, sizeof(synth_dir), "%s/synthetic", tmp.path);
	assert_int_equal(mkdir(synth_dir, 0755), 0);
	snprintf(synth, sizeof(synth), "%s/records.json", synth_dir);
	write_file(synth, synthetic);

	char p[8][1200];
	snprintf(p[0], sizeof(p[0]), "%s/osv", feeds);
	snprintf(p[1], sizeof(p[1]), "%s/debian-tracker.json", feeds);
	snprintf(p[2], sizeof(p[2]), "%s/nvdcve-2.0-sample.json", feeds);
	snprintf(p[3], sizeof(p[3]), "%s/epss_scores-sample.csv", feeds);
	snprintf(p[4], sizeof(p[4]), "%s/known_exploited_vulnerabilities.json", feeds);
	snprintf(p[5], sizeof(p[5]), "%s/secdb/v3.21/main.json", feeds);
	snprintf(p[6], sizeof(p[6]), "%s", synth);
	free(feeds);
	customs_vulndb_input in[7];
	memset(in, 0, sizeof(in));
	for (int i = 0; i < 7; i++)
		in[i].path = p[i];
	customs_vulndb_import_summary *s = th_db_import(dbpath, in, 7, on_warn);
	assert_int_equal(s->nsources, 7);
	customs_vulndb_import_summary_free(s);
	db = th_db_open(dbpath);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return th_db_remove(db, &tmp);
}

/* ---- collecting affected entries ---- */

struct row {
	char vuln[64], source[64], scheme[16], status[32], urgency[32], ranges[512], fixed[128];
	customs_fix_state fix;
	size_t nranges, nversions, nevents0;
};

struct rows {
	struct row r[64];
	size_t n;
	int stop_after;
};

static int collect(void *ud, const customs_vuln_affected *a)
{
	struct rows *rs = ud;
	if (rs->n < 64) {
		struct row *r = &rs->r[rs->n];
		memset(r, 0, sizeof(*r));
		snprintf(r->vuln, sizeof(r->vuln), "%s", a->vuln_id);
		snprintf(r->source, sizeof(r->source), "%s", a->source);
		snprintf(r->scheme, sizeof(r->scheme), "%s", a->scheme);
		snprintf(r->status, sizeof(r->status), "%s", a->status ? a->status : "");
		snprintf(r->urgency, sizeof(r->urgency), "%s", a->urgency ? a->urgency : "");
		snprintf(r->ranges, sizeof(r->ranges), "%s", a->ranges_json ? a->ranges_json : "");
		for (size_t i = 0; i < a->nfixed; i++)
			snprintf(r->fixed + strlen(r->fixed), sizeof(r->fixed) - strlen(r->fixed), "%s%s", i ? "," : "", a->fixed[i]);
		r->fix = a->fix_state;
		r->nranges = a->nranges;
		r->nversions = a->nversions;
		r->nevents0 = a->nranges ? a->ranges[0].nevents : 0;
	}
	rs->n++;
	return rs->stop_after && rs->n >= (size_t)rs->stop_after ? 7 : 0;
}

static const struct row *find(const struct rows *rs, const char *vuln, const char *source)
{
	for (size_t i = 0; i < rs->n && i < 64; i++)
		if (!strcmp(rs->r[i].vuln, vuln) && (!source || !strcmp(rs->r[i].source, source)))
			return &rs->r[i];
	fail_msg("no affected entry %s from %s", vuln, source ? source : "any feed");
	return NULL;
}

static void query(struct rows *rs, const char *ns, const char *pkg)
{
	memset(rs, 0, sizeof(*rs));
	if (customs_vulndb_affected(db, ns, pkg, collect, rs) < 0)
		fail_msg("affected(%s, %s): %s", ns, pkg, customs_error_last());
}

/* ---- tests ---- */

static void test_debian_osv(void **state)
{
	struct rows rs;
	(void)state;
	query(&rs, "debian:12", "openssl");
	const struct row *r = find(&rs, "CVE-2008-0166", "osv");
	assert_string_equal(r->scheme, "dpkg");
	assert_string_equal(r->fixed, "0.9.8g-9");
	assert_string_equal(r->urgency, "high");
	assert_int_equal(r->fix, CUSTOMS_FIX_FIXED);
	assert_int_equal(r->nranges, 1);
	assert_int_equal(r->nevents0, 2);
	assert_string_equal(r->ranges, "[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"0.9.8g-9\"}]}]");
	/* the same record's openssh entry is a different package */
	query(&rs, "debian:12", "openssh");
	assert_string_equal(find(&rs, "CVE-2008-0166", NULL)->fixed, "4.7p1-9");
	/* ordering: by id */
	query(&rs, "debian:12", "openssl");
	for (size_t i = 1; i < rs.n; i++)
		assert_true(strcmp(rs.r[i - 1].vuln, rs.r[i].vuln) <= 0);
}

static void test_tracker(void **state)
{
	struct rows rs;
	(void)state;
	query(&rs, "debian:12", "openssl");
	const struct row *r = find(&rs, "CVE-2023-0464", "debian-tracker");
	assert_int_equal(r->fix, CUSTOMS_FIX_FIXED);
	assert_string_equal(r->fixed, "3.0.9-1");
	assert_string_equal(r->urgency, "not yet assigned");
	assert_string_equal(r->status, "");
	r = find(&rs, "CVE-2024-2511", "debian-tracker");
	assert_string_equal(r->status, "no-dsa");
	assert_int_equal(r->fix, CUSTOMS_FIX_FIXED);
	r = find(&rs, "CVE-2007-5536", "debian-tracker");
	assert_int_equal(r->fix, CUSTOMS_FIX_NOT_AFFECTED);
	assert_string_equal(r->status, "unimportant");
	assert_int_equal(r->nranges, 0);

	query(&rs, "debian:11", "openssl");
	r = find(&rs, "CVE-2024-2511", "debian-tracker");
	assert_string_equal(r->status, "postponed");
	assert_int_equal(r->fix, CUSTOMS_FIX_NOT_FIXED);
	assert_string_equal(r->ranges, "[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"}]}]");
	query(&rs, "debian:10", "openssl");
	r = find(&rs, "CVE-2024-2511", "debian-tracker");
	assert_string_equal(r->status, "end-of-life");
	assert_int_equal(r->fix, CUSTOMS_FIX_WONT_FIX);

	query(&rs, "debian:12", "tiff");
	r = find(&rs, "CVE-2023-6277", "debian-tracker");
	assert_int_equal(r->fix, CUSTOMS_FIX_WONT_FIX);
	assert_string_equal(r->status, "ignored");
	assert_string_equal(r->urgency, "low");
	r = find(&rs, "TEMP-0000000-1A2B3C", "debian-tracker");
	assert_int_equal(r->fix, CUSTOMS_FIX_NOT_FIXED);
	assert_string_equal(r->status, "unimportant");
	query(&rs, "debian:11", "tiff");
	assert_int_equal(find(&rs, "CVE-2023-6277", NULL)->fix, CUSTOMS_FIX_UNKNOWN);
	query(&rs, "debian:11", "curl");
	assert_int_equal(find(&rs, "CVE-2023-38545", NULL)->fix, CUSTOMS_FIX_NOT_AFFECTED);
	query(&rs, "debian:sid", "openssl");
	assert_string_equal(find(&rs, "CVE-2023-0464", NULL)->fixed, "3.0.9-1");

	customs_vuln_record *v;
	assert_int_equal(customs_vulndb_vuln_from(db, "CVE-2023-0464", "debian-tracker", &v), 0);
	assert_string_equal(v->source, "debian-tracker");
	assert_non_null(strstr(v->summary, "X.509 certificate chains"));
	customs_vuln_record_free(v);
}

static void test_alpine_not_affected(void **state)
{
	struct rows rs;
	(void)state;
	query(&rs, "alpine:3.21", "postgresql-common");
	assert_int_equal(rs.n, 2); /* OSV's {0,0} and secdb's "0" */
	assert_int_equal(rs.r[0].fix, CUSTOMS_FIX_NOT_AFFECTED);
	assert_int_equal(rs.r[1].fix, CUSTOMS_FIX_NOT_AFFECTED);
	assert_string_equal(rs.r[0].vuln, "CVE-2019-3466");
	assert_string_equal(rs.r[0].scheme, "apk");
	query(&rs, "alpine:3.15", "postgresql-common");
	assert_int_equal(find(&rs, "CVE-2019-3466", NULL)->fix, CUSTOMS_FIX_NOT_AFFECTED);
	query(&rs, "debian:12", "postgresql-common");
	assert_string_equal(find(&rs, "CVE-2019-3466", NULL)->fixed, "210");
	/* secdb: two ids in one string; apk-tools 2's 1.9.5p2-r0 is a version, a
	 * fixed version no apk-tools reads ("10.0.11-0") is skipped */
	query(&rs, "alpine:3.21", "gnutls");
	assert_string_equal(find(&rs, "CVE-2020-13777", NULL)->fixed, "3.6.14-r0");
	assert_string_equal(find(&rs, "GNUTLS-SA-2020-06-03", NULL)->fixed, "3.6.14-r0");
	assert_int_equal(rs.n, 3);
	query(&rs, "alpine:3.21", "sudo");
	assert_int_equal(rs.n, 1);
	assert_string_equal(find(&rs, "CVE-2021-3156", NULL)->fixed, "1.9.5p2-r0");
	query(&rs, "alpine:3.21", "croc");
	assert_int_equal(rs.n, 0);
	query(&rs, "alpine:3.21", "log4j");
	assert_int_equal(find(&rs, "TEST-0001", NULL)->fix, CUSTOMS_FIX_NOT_AFFECTED);
}

static void test_ecosystems(void **state)
{
	struct rows rs;
	(void)state;
	query(&rs, "pypi", "PyYAML");
	assert_string_equal(rs.r[0].vuln, "PYSEC-2020-176");
	assert_string_equal(rs.r[0].scheme, "pep440");
	query(&rs, "pypi", "zope_interface");
	assert_int_equal(rs.n, 1);
	assert_int_equal(rs.r[0].fix, CUSTOMS_FIX_UNKNOWN); /* last_affected only */
	query(&rs, "npm", "@scope/pkg");
	assert_int_equal(rs.n, 1);
	assert_int_equal(rs.r[0].nversions, 2); /* "not a version" dropped */
	assert_string_equal(rs.r[0].scheme, "semver");
	assert_string_equal(rs.r[0].fixed, "1.2.3");
	query(&rs, "npm", "lodash");
	assert_string_equal(find(&rs, "GHSA-29mw-wpgm-hmr9", "osv")->fixed, "4.17.21");
	query(&rs, "maven", "org.apache.logging.log4j:log4j-core");
	assert_int_equal(rs.n, 1);
	query(&rs, "ubuntu-pro:18.04", "log4j");
	assert_int_equal(rs.n, 1);
	assert_int_equal(rs.r[0].fix, CUSTOMS_FIX_NOT_FIXED);
	query(&rs, "go", "stdlib");
	const struct row *r = find(&rs, "GO-2021-0067", NULL);
	assert_string_equal(r->scheme, "go");
	assert_string_equal(r->ranges, "[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"1.16.0-0\"},{\"fixed\":\"1.16.1\"}]}]");
	/* withdrawn */
	customs_vuln_record *v;
	assert_int_equal(customs_vulndb_vuln(db, "RUSTSEC-2019-0031", &v), CUSTOMS_ENOTFOUND);
	assert_non_null(strstr(customs_error_last(), "RUSTSEC-2019-0031"));
	int has = -1;
	assert_int_equal(customs_vulndb_has_namespace(db, "debian:12", &has), 0);
	assert_int_equal(has, 1);
	assert_int_equal(customs_vulndb_has_namespace(db, "fedora:40", &has), 0);
	assert_int_equal(has, 0);
	/* a callback that stops */
	memset(&rs, 0, sizeof(rs));
	rs.stop_after = 2;
	assert_int_equal(customs_vulndb_affected(db, "debian:12", "openssl", collect, &rs), 7);
	assert_int_equal(rs.n, 2);
	/* by id */
	memset(&rs, 0, sizeof(rs));
	assert_int_equal(customs_vulndb_affected_by_id(db, "CVE-2008-0166", collect, &rs), 0);
	assert_int_equal(rs.n, 6);
}

static void test_record_group_enrichment(void **state)
{
	customs_vuln_record *v;
	(void)state;
	assert_int_equal(customs_vulndb_vuln(db, "GHSA-29mw-wpgm-hmr9", &v), 0);
	assert_string_equal(v->source, "osv");
	assert_string_equal(v->severity, "MODERATE");
	assert_true(v->cvss3_score > 5.29 && v->cvss3_score < 5.31);
	assert_string_equal(v->cvss3_vector, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L");
	assert_int_equal(v->ncwes, 2);
	assert_string_equal(v->cwes[0], "CWE-1333");
	assert_true(v->nreferences > 3);
	assert_true(v->ngroup >= 2);
	assert_string_equal(v->group[0].id, "GHSA-29mw-wpgm-hmr9");
	assert_int_equal(v->group[0].relation, CUSTOMS_VULN_SELF);
	assert_string_equal(v->group[1].id, "CVE-2020-28500");
	assert_int_equal(v->group[1].relation, CUSTOMS_VULN_ALIAS);
	customs_vuln_record_free(v);

	/* Debian: DSAs are related, not aliases */
	customs_vuln_group *g;
	assert_int_equal(customs_vulndb_group(db, "CVE-2008-0166", &g), 0);
	assert_int_equal(g->n, 3);
	assert_string_equal(g->refs[1].id, "DSA-1571-1");
	assert_int_equal(g->refs[1].relation, CUSTOMS_VULN_RELATED);
	customs_vuln_group_free(g);
	/* and the way back */
	assert_int_equal(customs_vulndb_group(db, "DSA-1576-1", &g), 0);
	assert_int_equal(g->n, 2);
	assert_string_equal(g->refs[1].id, "CVE-2008-0166");
	customs_vuln_group_free(g);

	/* enrichment through the alias: TEST-0001 aliases CVE-2021-44228 */
	assert_int_equal(customs_vulndb_vuln(db, "TEST-0001", &v), 0);
	assert_string_equal(v->severity, "Important");
	assert_true(v->cvss3_score > 9.79 && v->cvss3_score < 9.81);
	assert_int_equal(v->nenrichment, 1);
	const customs_vuln_enrichment *e = &v->enrichment[0];
	assert_string_equal(e->cve, "CVE-2021-44228");
	assert_true(e->has_nvd);
	assert_true(e->nvd_cvss3_score > 9.99);
	assert_string_equal(e->nvd_cvss3_vector, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H");
	assert_int_equal(e->nnvd_cwes, 4);
	assert_string_equal(e->nvd_cwes[3], "CWE-917");
	assert_string_equal(e->nvd_published, "2021-12-10T10:15:09.143");
	assert_true(e->has_epss);
	assert_true(e->epss_score > 0.9435 && e->epss_score < 0.9436);
	assert_true(e->epss_percentile > 0.9996);
	assert_string_equal(e->epss_date, "2025-06-01T12:55:00Z");
	assert_true(e->kev);
	assert_string_equal(e->kev_date_added, "2021-12-10");
	assert_string_equal(e->kev_due_date, "2021-12-24");
	assert_string_equal(e->kev_ransomware, "Known");
	customs_vuln_record_free(v);

	/* a CVE known only from enrichment */
	assert_int_equal(customs_vulndb_vuln(db, "CVE-2024-3094", &v), 0);
	assert_null(v->source);
	assert_int_equal(v->nenrichment, 1);
	assert_true(v->enrichment[0].nvd_cvss4_score > 9.29);
	assert_string_equal(v->enrichment[0].nvd_cvss4_vector, "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N");
	customs_vuln_record_free(v);

	customs_vuln_enrichment *x;
	assert_int_equal(customs_vulndb_enrichment(db, "CVE-2023-38545", &x), 0);
	assert_false(x->has_nvd);
	assert_false(x->kev);
	assert_true(x->epss_score > 0.2378 && x->epss_score < 0.2379);
	customs_vuln_enrichment_free(x);
	assert_int_equal(customs_vulndb_enrichment(db, "CVE-2023-99999", &x), CUSTOMS_ENOTFOUND); /* NVD: Rejected */
}

static void test_status(void **state)
{
	customs_vulndb_info *s;
	(void)state;
	assert_int_equal(customs_vulndb_status(db, &s), 0);
	assert_int_equal(s->schema_version, CUSTOMS_VULNDB_SCHEMA_VERSION);
	assert_non_null(s->built_at);
	assert_int_equal(s->nsources, 7);
	int seen = 0;
	for (size_t i = 0; i < s->nsources; i++) {
		const customs_vulndb_source *x = &s->sources[i];
		if (!strcmp(x->name, "known_exploited_vulnerabilities")) {
			assert_string_equal(x->kind, "kev");
			assert_int_equal(x->records, 2);
			assert_string_equal(x->newest, "2025-06-02T17:59:27.9217Z");
			seen++;
		} else if (!strcmp(x->name, "epss_scores-sample")) {
			assert_string_equal(x->kind, "epss");
			assert_int_equal(x->records, 5);
			seen++;
		} else if (!strcmp(x->name, "nvdcve-2.0-sample")) {
			assert_int_equal(x->records, 2);
			seen++;
		} else if (!strcmp(x->name, "alpine-secdb-v3.21-main")) {
			assert_string_equal(x->kind, "alpine-secdb");
			assert_int_equal(x->records, 5);
			seen++;
		} else if (!strcmp(x->name, "debian-tracker")) {
			assert_int_equal(x->records, 6);
			seen++;
		} else if (!strcmp(x->name, "osv")) {
			assert_int_equal(x->records, 5); /* 6 files, one withdrawn */
			assert_string_equal(x->kind, "osv");
			seen++;
		} else if (!strcmp(x->name, "synthetic")) {
			seen++;
		}
	}
	assert_int_equal(seen, 7);
	assert_int_equal(s->kev, 2);
	assert_int_equal(s->epss, 5);
	int debian12 = 0;
	for (size_t i = 0; i < s->nnamespaces; i++)
		debian12 |= !strcmp(s->namespaces[i].ns, "debian:12");
	assert_true(debian12);
	customs_vulndb_info_free(s);
}

static void test_reimport_replaces_one_feed(void **state)
{
	char path[1200];
	customs_vulndb_info *s;
	(void)state;
	/* the tracker again, under its name, with fewer records: only it changes */
	snprintf(path, sizeof(path), "%s/tracker-small.json", tmp.path);
	write_file(path, "{\"zlib\": {\"CVE-2022-37434\": {\"description\": \"zlib inflate overflow\", \"releases\": {\"bookworm\": "
			 "{\"status\": \"resolved\", \"repositories\": {}, \"fixed_version\": \"1:1.2.13.dfsg-1\", \"urgency\": \"high\"}}}}}");
	customs_vulndb_input in = {.path = path, .name = "debian-tracker"};
	customs_vulndb_import_summary *sum = th_db_import(dbpath, &in, 1, on_warn);
	assert_int_equal(sum->nsources, 1);
	assert_int_equal(sum->sources[0].records, 1);
	customs_vulndb_import_summary_free(sum);

	/* the open handle still reads the old file */
	struct rows rs;
	query(&rs, "debian:12", "tiff");
	assert_true(rs.n >= 2);

	customs_vulndb_free(db);
	assert_int_equal(customs_vulndb_open(&db, dbpath, 1), 0);
	query(&rs, "debian:12", "tiff");
	assert_int_equal(rs.n, 0);
	query(&rs, "debian:12", "zlib");
	assert_string_equal(find(&rs, "CVE-2022-37434", "debian-tracker")->fixed, "1:1.2.13.dfsg-1");
	query(&rs, "debian:12", "openssl");
	find(&rs, "CVE-2008-0166", "osv"); /* other feeds stay */
	assert_int_equal(customs_vulndb_status(db, &s), 0);
	assert_int_equal(s->nsources, 7);
	assert_int_equal(s->kev, 2);
	customs_vulndb_info_free(s);
	customs_vuln_record *v;
	assert_int_equal(customs_vulndb_vuln(db, "GHSA-29mw-wpgm-hmr9", &v), 0); /* aliases kept too */
	assert_true(v->ngroup >= 2);
	customs_vuln_record_free(v);

	/* --drop */
	const char *drop[] = {"epss_scores-sample", NULL};
	customs_vulndb_import_opts od = {CUSTOMS_VULNDB_IMPORT_OPTS_VERSION, on_warn, NULL, 0, 0, drop};
	assert_int_equal(customs_vulndb_import(dbpath, NULL, 0, &od, NULL), 0);
	customs_vulndb_free(db);
	assert_int_equal(customs_vulndb_open(&db, dbpath, 1), 0);
	assert_int_equal(customs_vulndb_status(db, &s), 0);
	assert_int_equal(s->nsources, 6);
	assert_int_equal(s->epss, 0);
	customs_vulndb_info_free(s);
}

/* binary -> source from a Packages index: the exact version, else derived
 * from how the listed version relates to its source's */
static void test_binary_sources(void **state)
{
	char path[1200], dbp[1200];
	customs_vulndb *x = NULL;
	customs_vulndb_source_pkg *r = NULL;
	int64_t n = -1;
	(void)state;
	snprintf(path, sizeof(path), "%s/deb.debian.org_debian_dists_bookworm-updates_main_binary-amd64_Packages", tmp.path);
	write_file(path, "Package: libc6\nSource: glibc\nVersion: 2.36-9+deb12u7\n\n"
			 "Package: libc6\nSource: glibc\nVersion: 2.36-9+deb12u9\n\n"
			 "Package: bash\nSource: bash (5.2.15-2)\nVersion: 5.2.15-2+b7\n\n"
			 "Package: bsdutils\nSource: util-linux (2.38.1-5+deb12u1)\nVersion: 1:2.38.1-5+deb12u1\n\n"
			 "Package: node-write\nSource: node-file-entry-cache (6.0.0-5)\nVersion: 2.0.0~6.0.0-5\n");
	snprintf(dbp, sizeof(dbp), "%s/binaries.sqlite", tmp.path);
	customs_vulndb_input in = {.path = path};
	customs_vulndb_import_summary *sum = th_db_import(dbp, &in, 1, on_warn);
	assert_string_equal(sum->sources[0].kind, "packages-index");
	assert_int_equal(sum->sources[0].records, 5);
	customs_vulndb_import_summary_free(sum);
	x = th_db_open(dbp);
	assert_int_equal(customs_vulndb_binary_count(x, "debian:12", &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(customs_vulndb_binary_count(x, "debian:11", &n), 0);
	assert_int_equal(n, 0);
	static const struct {
		const char *binary, *version, *name, *src_version;
		int exact;
	} cases[] = {
		{"libc6", "2.36-9+deb12u7", "glibc", "2.36-9+deb12u7", 1},
		{"libc6", "2.36-9+deb12u14", "glibc", "2.36-9+deb12u14", 0},  /* the binary is its source's version */
		{"bash", "5.2.15-2+b13", "bash", "5.2.15-2", 0},              /* another binNMU of the same source */
		{"bsdutils", "1:2.38.1-5+deb12u3", "util-linux", "2.38.1-5+deb12u3", 0}, /* an epoch of its own */
		{"node-write", "2.0.0~6.0.0-6", "node-file-entry-cache", "2.0.0~6.0.0-6", 0}, /* no rule: as it is */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(customs_vulndb_binary_source(x, "debian:12", cases[i].binary, cases[i].version, &r), 0);
		assert_string_equal(r->name, cases[i].name);
		assert_string_equal(r->version, cases[i].src_version);
		assert_int_equal(r->exact, cases[i].exact);
		free(r);
	}
	assert_int_equal(customs_vulndb_binary_source(x, "debian:12", "zlib1g", "1:1.2.13", &r), CUSTOMS_ENOTFOUND);
	assert_string_equal(customs_error_last(), "no Packages index of debian:12 lists zlib1g");
	assert_int_equal(customs_vulndb_binary_source(x, "ubuntu:22.04", "libc6", "2.35", &r), CUSTOMS_ENOTFOUND);
	customs_vulndb_info *s = NULL;
	assert_int_equal(customs_vulndb_status(x, &s), 0);
	assert_int_equal(s->schema_version, CUSTOMS_VULNDB_SCHEMA_VERSION);
	assert_int_equal(s->nbinary_maps, 1);
	assert_string_equal(s->binary_maps[0].ns, "debian:12");
	assert_int_equal(s->binary_maps[0].packages, 4);
	assert_int_equal(s->binary_maps[0].versions, 5);
	assert_int_equal(s->binary_maps[0].sources, 4);
	assert_string_equal(s->binary_maps[0].feeds, "deb.debian.org_debian_dists_bookworm-updates_main_binary-amd64_Packages");
	customs_vulndb_info_free(s);
	customs_vulndb_free(x);
}

static void test_open_errors(void **state)
{
	customs_vulndb *x = NULL;
	char path[600];
	(void)state;
	snprintf(path, sizeof(path), "%s/absent.sqlite", tmp.path);
	assert_int_equal(customs_vulndb_open(&x, path, 1), CUSTOMS_ENOTFOUND);
	assert_non_null(strstr(customs_error_last(), "customs db import"));
	snprintf(path, sizeof(path), "%s/not-a-db", tmp.path);
	write_file(path, "this is not sqlite, just text that is long enough to be read as a header by sqlite.....");
	assert_true(customs_vulndb_open(&x, path, 1) < 0);
	assert_null(x);
	assert_int_equal(customs_vulndb_open(&x, NULL, 1), CUSTOMS_EINVAL);
	/* an input that is not a feed fails the import and leaves nothing */
	customs_vulndb_input in = {.path = path};
	char dbp[700];
	snprintf(dbp, sizeof(dbp), "%s/never.sqlite", tmp.path);
	assert_int_equal(customs_vulndb_import(dbp, &in, 1, NULL, NULL), CUSTOMS_EFORMAT);
	assert_non_null(strstr(customs_error_last(), "not a feed"));
	struct stat sb;
	assert_int_not_equal(stat(dbp, &sb), 0);
	customs_vulndb_input missing = {.path = "/nonexistent/feed.json"};
	assert_int_equal(customs_vulndb_import(dbp, &missing, 1, NULL, NULL), CUSTOMS_ENOTFOUND);
}

static void test_namespaces_names(void **state)
{
	char ns[64], name[600];
	const char *scheme;
	(void)state;
	static const struct {
		const char *eco, *ns, *scheme;
	} cases[] = {
		{"Debian:12", "debian:12", "dpkg"},
		{"Debian:3.0", "debian:3.0", "dpkg"},
		{"Debian", "debian", "dpkg"},
		{"Alpine:v3.21", "alpine:3.21", "apk"},
		{"Ubuntu:22.04:LTS", "ubuntu:22.04", "dpkg"},
		{"Ubuntu:24.10", "ubuntu:24.10", "dpkg"},
		{"Ubuntu:Pro:18.04:LTS", "ubuntu-pro:18.04", "dpkg"},
		{"AlmaLinux:9", "almalinux:9", "rpm"},
		{"Rocky Linux:9", "rocky:9", "rpm"},
		{"Red Hat:enterprise_linux:9::appstream", "rhel:9", "rpm"},
		{"Red Hat:rhel_eus:8.6::baseos", "rhel:8", "rpm"},
		{"npm", "npm", "semver"},
		{"PyPI", "pypi", "pep440"},
		{"Maven", "maven", "maven"},
		{"Go", "go", "go"},
		{"crates.io", "crates.io", "cargo"},
		{"RubyGems", "rubygems", "gem"},
		{"Packagist", "packagist", "composer"},
		{"NuGet", "nuget", "nuget"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (vulndb__namespace(ns, sizeof(ns), &scheme, cases[i].eco) < 0)
			fail_msg("%s: %s", cases[i].eco, customs_error_last());
		assert_string_equal(ns, cases[i].ns);
		assert_string_equal(scheme, cases[i].scheme);
		assert_non_null(customs_version_scheme_find(scheme));
	}
	assert_int_equal(vulndb__namespace(ns, sizeof(ns), &scheme, "OSS-Fuzz"), CUSTOMS_EUNSUPPORTED);
	assert_int_equal(vulndb__namespace(ns, sizeof(ns), &scheme, "Debian:12 ; drop"), CUSTOMS_EUNSUPPORTED);
	assert_int_equal(vulndb__namespace(ns, sizeof(ns), &scheme, ""), CUSTOMS_EFORMAT);

	assert_int_equal(vulndb__normalize(name, sizeof(name), "pypi", "Zope.__Interface--X"), 0);
	assert_string_equal(name, "zope-interface-x");
	assert_int_equal(vulndb__normalize(name, sizeof(name), "npm", "@Babel/Core"), 0);
	assert_string_equal(name, "@babel/core");
	assert_int_equal(vulndb__normalize(name, sizeof(name), "debian:12", "LibFoo"), 0);
	assert_string_equal(name, "LibFoo");
	assert_int_equal(vulndb__normalize(name, sizeof(name), "go", "github.com/Sirupsen/logrus"), 0);
	assert_string_equal(name, "github.com/Sirupsen/logrus");
	assert_int_equal(vulndb__normalize(name, sizeof(name), "npm", ""), CUSTOMS_EFORMAT);
	assert_int_equal(vulndb__normalize(name, sizeof(name), "npm", "a\nb"), CUSTOMS_EFORMAT);
	char *n;
	assert_int_equal(customs_vulndb_normalize_name(&n, "pypi", "PyYAML"), 0);
	assert_string_equal(n, "pyyaml");
	free(n);
	assert_string_equal(customs_fix_state_name(CUSTOMS_FIX_WONT_FIX), "wont-fix");
	assert_int_equal(customs_fix_state_parse("not-affected"), CUSTOMS_FIX_NOT_AFFECTED);
	assert_int_equal(customs_fix_state_parse("bogus"), CUSTOMS_FIX_UNKNOWN);
	assert_true(vulndb__is_cve("CVE-2021-44228"));
	assert_true(vulndb__is_cve("CVE-2021-1234567"));
	assert_false(vulndb__is_cve("CVE-21-44228"));
	assert_false(vulndb__is_cve("GHSA-29mw-wpgm-hmr9"));
}

static void test_cvss3(void **state)
{
	(void)state;
	/* scores as NVD publishes them for these vectors */
	assert_true(vulndb__cvss3_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H") == 9.8);
	assert_true(vulndb__cvss3_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H") == 10.0);
	assert_true(vulndb__cvss3_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L") == 5.3);
	assert_true(vulndb__cvss3_score("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H") == 7.8);
	assert_true(vulndb__cvss3_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N") == 6.1);
	assert_true(vulndb__cvss3_score("CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N") == 5.9);
	assert_true(vulndb__cvss3_score("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N") == 0.0);
	assert_true(vulndb__cvss3_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O") == 9.8);
	assert_true(vulndb__cvss3_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H") < 0);
	assert_true(vulndb__cvss3_score("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H") < 0);
	assert_true(vulndb__cvss3_score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N") < 0);
	assert_true(vulndb__cvss3_score("AV:N/AC:M/Au:N/C:C/I:C/A:C") < 0);
	assert_true(vulndb__cvss3_score(NULL) < 0);
}

static void json_bad(vj_doc *d, const char *text, size_t len, const char *want)
{
	const vj_value *v;
	assert_int_equal(vj_parse(d, text, len, &v), CUSTOMS_EFORMAT);
	if (!strstr(customs_error_last(), want))
		fail_msg("JSON %.40s: got \"%s\", want \"%s\"", text, customs_error_last(), want);
}

static void test_json_reader(void **state)
{
	vj_doc d;
	const vj_value *v;
	(void)state;
	memset(&d, 0, sizeof(d));
	const char *ok = "{\"a\":[1,-2.5e3,true,false,null],\"s\":\"x\\u00e9\\ud83d\\ude00\\n\\\"\",\"o\":{}}";
	assert_int_equal(vj_parse(&d, ok, strlen(ok), &v), 0);
	assert_int_equal(vj_len(vj_get(v, "a")), 5);
	assert_true(vj_at(vj_get(v, "a"), 1)->u.num == -2500.0);
	assert_string_equal(vj_getstr(v, "s"), "x\xc3\xa9\xf0\x9f\x98\x80\n\"");
	assert_int_equal(vj_nmembers(vj_get(v, "o")), 0);
	assert_null(vj_get(v, "missing"));
	assert_null(vj_getstr(v, "a"));

	json_bad(&d, "{\"a\":\"\xff\"}", 8, "invalid UTF-8");
	json_bad(&d, "{\"a\":\"\xc0\xaf\"}", 9, "invalid UTF-8");            /* overlong */
	json_bad(&d, "{\"a\":\"\xed\xa0\x80\"}", 10, "invalid UTF-8");       /* encoded surrogate */
	json_bad(&d, "{\"a\":\"\\ud800\"}", 14, "unpaired surrogate");
	json_bad(&d, "{\"a\":\"\\u0000\"}", 14, "\\u0000");
	json_bad(&d, "{\"a\":[1,2", 9, "truncated");
	json_bad(&d, "{\"a\":1} x", 9, "data after");
	json_bad(&d, "{\"a\":01}", 8, "expected");
	json_bad(&d, "[\"a\tb\"]", 7, "control character");
	char deep[1000];
	memset(deep, '[', sizeof(deep));
	json_bad(&d, deep, sizeof(deep), "nested too deeply");
	vj_release(&d);

	customs_buf b = CUSTOMS_BUF_INIT(0);
	assert_int_equal(vj_put_string(&b, "a\"b\\c\n\x01"), 0);
	assert_int_equal(customs_buf_put(&b, "", 1), 0);
	assert_string_equal(b.ptr, "\"a\\\"b\\\\c\\u000a\\u0001\"");
	customs_buf_release(&b);
}

static void test_warnings_name_file_and_record(void **state)
{
	char dir[600], path[700], dbp[700];
	(void)state;
	snprintf(dir, sizeof(dir), "%s/bad", tmp.path);
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(path, sizeof(path), "%s/bad.json", dir);
	write_file(path, "{\"id\":\"BAD-1\",\"affected\":[{\"package\":{\"ecosystem\":\"Debian:12\",\"name\":\"foo\"},"
			 "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1:\"}]}]}]}");
	snprintf(dbp, sizeof(dbp), "%s/bad.sqlite", tmp.path);
	customs_vulndb_input in = {.path = dir};
	customs_vulndb_import_opts o = {CUSTOMS_VULNDB_IMPORT_OPTS_VERSION, on_warn, NULL, 0, 0, NULL};
	customs_vulndb_import_summary *s = NULL;
	nwarn = 0;
	assert_int_equal(customs_vulndb_import(dbp, &in, 1, &o, &s), 0);
	assert_int_equal(nwarn, 2); /* the bad version, then the entry left without ranges */
	assert_non_null(strstr(lastwarn, "bad.json: BAD-1: affected[0] foo (Debian:12): no usable ranges"));
	assert_int_equal(s->sources[0].bad_versions, 1);
	assert_int_equal(s->sources[0].malformed, 1);
	customs_vulndb_import_summary_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_namespaces_names),
		cmocka_unit_test(test_cvss3),
		cmocka_unit_test(test_json_reader),
		cmocka_unit_test(test_debian_osv),
		cmocka_unit_test(test_tracker),
		cmocka_unit_test(test_alpine_not_affected),
		cmocka_unit_test(test_ecosystems),
		cmocka_unit_test(test_record_group_enrichment),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_binary_sources),
		cmocka_unit_test(test_warnings_name_file_and_record),
		cmocka_unit_test(test_reimport_replaces_one_feed),
	};
	return cmocka_run_group_tests_name("vulndb", tests, setup, teardown);
}
