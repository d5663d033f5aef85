/* test_match.c - the matcher (include/customs/match.h): OSV range evaluation
 * edge cases (several introduced/fixed pairs, last_affected, limit, the
 * versions list, introduced "0", unsorted events, bad events), severity
 * buckets, and customs_match_analysis() on a hand-made analysis against a
 * database imported from synthetic OSV records: source-package lookups,
 * DSA folding, alias grouping, covered_by, not-affected markers, Go stdlib
 * versions, Maven names, ignore rules (JSON, YAML, expiry), OpenVEX. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "customs/errors.h"
#include "customs/match.h"
#include "customs/version.h"
#include "customs/vuln.h"
#include "helpers.h"

/* ---- range evaluation ---- */

#define EV(k, v) {CUSTOMS_EVENT_##k, v}

static int in_range(const char *scheme, const char *version, const customs_vuln_event *ev, size_t n)
{
	customs_vuln_range r = {"ECOSYSTEM", ev, n};
	int out = -1;
	int err = customs_match_range(&out, customs_version_scheme_find(scheme), version, &r, NULL);
	assert_int_equal(err, 0);
	return out;
}

static void test_two_intervals(void **state)
{
	(void)state;
	const customs_vuln_event ev[] = {EV(INTRODUCED, "1.0.0"), EV(FIXED, "1.5.0"), EV(INTRODUCED, "2.0.0"),
					 EV(FIXED, "2.5.0")};
	assert_int_equal(in_range("semver", "0.9.0", ev, 4), 0);
	assert_int_equal(in_range("semver", "1.0.0", ev, 4), 1);
	assert_int_equal(in_range("semver", "1.4.9", ev, 4), 1);
	assert_int_equal(in_range("semver", "1.5.0", ev, 4), 0);
	assert_int_equal(in_range("semver", "1.9.9", ev, 4), 0);
	assert_int_equal(in_range("semver", "2.0.0", ev, 4), 1);
	assert_int_equal(in_range("semver", "2.5.0", ev, 4), 0);
	assert_int_equal(in_range("semver", "3.0.0", ev, 4), 0);
	/* a pre-release of the fix is still affected */
	assert_int_equal(in_range("semver", "1.5.0-rc.1", ev, 4), 1);
}

static void test_unsorted_events(void **state)
{
	(void)state;
	/* the same intervals listed backwards and shuffled */
	const customs_vuln_event ev[] = {EV(FIXED, "2.5.0"), EV(INTRODUCED, "1.0.0"), EV(INTRODUCED, "2.0.0"),
					 EV(FIXED, "1.5.0")};
	assert_int_equal(in_range("semver", "1.2.0", ev, 4), 1);
	assert_int_equal(in_range("semver", "1.7.0", ev, 4), 0);
	assert_int_equal(in_range("semver", "2.1.0", ev, 4), 1);
	assert_int_equal(in_range("semver", "2.6.0", ev, 4), 0);
	/* dpkg: epochs sort after any plain version */
	const customs_vuln_event d[] = {EV(FIXED, "1:1.0-1"), EV(INTRODUCED, "0")};
	assert_int_equal(in_range("dpkg", "2.0-1", d, 2), 1);
	assert_int_equal(in_range("dpkg", "1:1.0-1", d, 2), 0);
	assert_int_equal(in_range("dpkg", "1:0.9-1", d, 2), 1);
}

static void test_last_affected(void **state)
{
	(void)state;
	const customs_vuln_event ev[] = {EV(INTRODUCED, "0"), EV(LAST_AFFECTED, "1.4")};
	assert_int_equal(in_range("pep440", "1.0", ev, 2), 1);
	assert_int_equal(in_range("pep440", "1.4", ev, 2), 1);
	assert_int_equal(in_range("pep440", "1.4.0", ev, 2), 1); /* = 1.4 under PEP 440 */
	assert_int_equal(in_range("pep440", "1.4.post1", ev, 2), 0);
	assert_int_equal(in_range("pep440", "1.5", ev, 2), 0);
	customs_match_eval e;
	customs_vuln_range r = {"ECOSYSTEM", ev, 2};
	int out;
	assert_int_equal(customs_match_range(&out, customs_version_scheme_find("pep440"), "1.2", &r, &e), 0);
	assert_int_equal(out, 1);
	assert_string_equal(e.bound, "1.4");
	assert_int_equal(e.bound_kind, CUSTOMS_EVENT_LAST_AFFECTED);
	assert_int_equal(e.cmp, -1);
}

static void test_limit(void **state)
{
	(void)state;
	const customs_vuln_event ev[] = {EV(INTRODUCED, "0"), EV(LIMIT, "2.0.0")};
	assert_int_equal(in_range("semver", "1.9.9", ev, 2), 1);
	assert_int_equal(in_range("semver", "2.0.0", ev, 2), 0);
	assert_int_equal(in_range("semver", "3.0.0", ev, 2), 0);
	const customs_vuln_event star[] = {EV(INTRODUCED, "1.0.0"), EV(LIMIT, "*")};
	assert_int_equal(in_range("semver", "99.0.0", star, 2), 1);
	assert_int_equal(in_range("semver", "0.1.0", star, 2), 0);
	/* limits with fixed intervals: the version must be below a limit too */
	const customs_vuln_event mix[] = {EV(INTRODUCED, "0"), EV(FIXED, "1.0.0"), EV(INTRODUCED, "2.0.0"),
					  EV(LIMIT, "3.0.0")};
	assert_int_equal(in_range("semver", "0.5.0", mix, 4), 1);
	assert_int_equal(in_range("semver", "1.5.0", mix, 4), 0);
	assert_int_equal(in_range("semver", "2.5.0", mix, 4), 1);
	assert_int_equal(in_range("semver", "3.5.0", mix, 4), 0);
}

static void test_introduced_zero(void **state)
{
	(void)state;
	const customs_vuln_event open[] = {EV(INTRODUCED, "0")};
	assert_int_equal(in_range("dpkg", "0", open, 1), 1);
	assert_int_equal(in_range("dpkg", "9:99.0-1", open, 1), 1);
	assert_int_equal(in_range("apk", "1.2.3-r0", open, 1), 1);
	const customs_vuln_event fx[] = {EV(INTRODUCED, "0"), EV(FIXED, "3.0.13-1~deb12u1")};
	assert_int_equal(in_range("dpkg", "3.0.11-1~deb12u2", fx, 2), 1);
	assert_int_equal(in_range("dpkg", "3.0.13-1~deb12u1", fx, 2), 0);
	assert_int_equal(in_range("dpkg", "3.0.13-1", fx, 2), 0);
	/* Go: pre-releases of the next minor line "1.21.0-0" as the introduced bound */
	const customs_vuln_event go[] = {EV(INTRODUCED, "0"), EV(FIXED, "1.20.8"), EV(INTRODUCED, "1.21.0-0"),
					 EV(FIXED, "1.21.1")};
	assert_int_equal(in_range("go", "1.20.7", go, 4), 1);
	assert_int_equal(in_range("go", "v1.20.8", go, 4), 0);
	assert_int_equal(in_range("go", "1.21.0-rc.2", go, 4), 1);
	assert_int_equal(in_range("go", "1.21.0", go, 4), 1);
	assert_int_equal(in_range("go", "1.21.1", go, 4), 0);
}

static void test_bad_input(void **state)
{
	(void)state;
	const customs_vuln_event ev[] = {EV(INTRODUCED, "not a version"), EV(INTRODUCED, "1.0.0"), EV(FIXED, "2.0.0")};
	customs_vuln_range r = {"SEMVER", ev, 3};
	customs_match_eval e;
	int out = -1;
	/* a bad event is skipped and counted; the rest still decides */
	assert_int_equal(customs_match_range(&out, customs_version_scheme_find("semver"), "1.5.0", &r, &e), 0);
	assert_int_equal(out, 1);
	assert_int_equal(e.errors, 1);
	/* a version the scheme cannot read is an error, never "affected" */
	assert_int_equal(customs_match_range(&out, customs_version_scheme_find("semver"), "x.y", &r, &e), CUSTOMS_EFORMAT);
	assert_int_equal(out, 0);
	assert_int_equal(customs_match_range(&out, NULL, "1.0.0", &r, &e), CUSTOMS_EINVAL);
	/* no events: nothing is affected */
	customs_vuln_range empty = {"SEMVER", NULL, 0};
	assert_int_equal(customs_match_range(&out, customs_version_scheme_find("semver"), "1.0.0", &empty, NULL), 0);
	assert_int_equal(out, 0);
}

static void test_entry_versions_list(void **state)
{
	(void)state;
	const char *versions[] = {"1.0", "1.2", "2.0rc1"};
	customs_vuln_affected a;
	customs_match_eval e;
	memset(&a, 0, sizeof(a));
	a.vuln_id = "PYSEC-TEST";
	a.scheme = "pep440";
	a.versions = versions;
	a.nversions = 3;
	assert_int_equal(customs_match_entry(&e, &a, "1.2"), 0);
	assert_true(e.affected && e.by_versions);
	assert_int_equal(customs_match_entry(&e, &a, "1.2.0"), 0); /* the same version under PEP 440 */
	assert_true(e.affected);
	assert_int_equal(customs_match_entry(&e, &a, "1.1"), 0);
	assert_false(e.affected);
	assert_int_equal(customs_match_entry(&e, &a, "2.0"), 0);
	assert_false(e.affected);
	/* versions OR ranges */
	const customs_vuln_event ev[] = {EV(INTRODUCED, "3.0"), EV(FIXED, "3.2")};
	customs_vuln_range r = {"ECOSYSTEM", ev, 2};
	a.ranges = &r;
	a.nranges = 1;
	assert_int_equal(customs_match_entry(&e, &a, "3.1"), 0);
	assert_true(e.affected && !e.by_versions);
	assert_int_equal(e.range, 0);
	assert_string_equal(e.bound, "3.2");
	assert_int_equal(customs_match_entry(&e, &a, "1.0"), 0);
	assert_true(e.affected && e.by_versions);
	/* distro schemes list exact strings only */
	const char *dv[] = {"1.0-1"};
	customs_vuln_affected d;
	memset(&d, 0, sizeof(d));
	d.vuln_id = "DSA-TEST";
	d.scheme = "dpkg";
	d.versions = dv;
	d.nversions = 1;
	assert_int_equal(customs_match_entry(&e, &d, "1.0-1"), 0);
	assert_true(e.affected);
	assert_int_equal(customs_match_entry(&e, &d, "0:1.0-1"), 0);
	assert_false(e.affected);
	/* SEMVER ranges of a non-semver ecosystem are read as SemVer */
	const customs_vuln_event sv[] = {EV(INTRODUCED, "1.0.0-alpha"), EV(FIXED, "1.0.0")};
	customs_vuln_range srange = {"SEMVER", sv, 2};
	customs_vuln_affected s2;
	memset(&s2, 0, sizeof(s2));
	s2.vuln_id = "X";
	s2.scheme = "pep440";
	s2.ranges = &srange;
	s2.nranges = 1;
	assert_int_equal(customs_match_entry(&e, &s2, "1.0.0"), 0);
	assert_false(e.affected);
	assert_string_equal(e.scheme, "semver");
	/* an unknown scheme is an error */
	s2.scheme = "nope";
	assert_int_equal(customs_match_entry(&e, &s2, "1.0.0"), CUSTOMS_EUNSUPPORTED);
}

static void test_range_text(void **state)
{
	(void)state;
	const customs_vuln_event ev[] = {EV(FIXED, "2.5.0"), EV(INTRODUCED, "2.0.0"), EV(INTRODUCED, "0"),
					 EV(FIXED, "1.5.0")};
	const customs_vuln_event la[] = {EV(INTRODUCED, "1.0"), EV(LAST_AFFECTED, "1.4")};
	customs_vuln_range r[2] = {{"SEMVER", ev, 4}, {"ECOSYSTEM", la, 2}};
	const char *v[] = {"0.1.0"};
	customs_vuln_affected a;
	memset(&a, 0, sizeof(a));
	a.scheme = "semver";
	a.ranges = r;
	a.nranges = 2;
	a.versions = v;
	a.nversions = 1;
	char *t = customs_match_range_text(&a);
	assert_non_null(t);
	assert_string_equal(t, "SEMVER >=0 <1.5.0 || >=2.0.0 <2.5.0; ECOSYSTEM >=1.0 <=1.4; versions: 1 listed");
	free(t);
}

static void test_severity(void **state)
{
	(void)state;
	assert_int_equal(customs_severity_from_cvss(10.0), CUSTOMS_SEVERITY_CRITICAL);
	assert_int_equal(customs_severity_from_cvss(9.0), CUSTOMS_SEVERITY_CRITICAL);
	assert_int_equal(customs_severity_from_cvss(8.9), CUSTOMS_SEVERITY_HIGH);
	assert_int_equal(customs_severity_from_cvss(7.0), CUSTOMS_SEVERITY_HIGH);
	assert_int_equal(customs_severity_from_cvss(6.9), CUSTOMS_SEVERITY_MEDIUM);
	assert_int_equal(customs_severity_from_cvss(4.0), CUSTOMS_SEVERITY_MEDIUM);
	assert_int_equal(customs_severity_from_cvss(3.9), CUSTOMS_SEVERITY_LOW);
	assert_int_equal(customs_severity_from_cvss(0.1), CUSTOMS_SEVERITY_LOW);
	assert_int_equal(customs_severity_from_cvss(0.0), CUSTOMS_SEVERITY_NEGLIGIBLE);
	assert_int_equal(customs_severity_from_cvss(-1), CUSTOMS_SEVERITY_UNKNOWN);
	customs_severity s;
	assert_int_equal(customs_severity_parse(&s, "MODERATE"), 0);
	assert_int_equal(s, CUSTOMS_SEVERITY_MEDIUM);
	assert_int_equal(customs_severity_parse(&s, "Critical"), 0);
	assert_int_equal(s, CUSTOMS_SEVERITY_CRITICAL);
	assert_int_equal(customs_severity_parse(&s, "severe"), CUSTOMS_EINVAL);
	assert_string_equal(customs_severity_name(CUSTOMS_SEVERITY_NEGLIGIBLE), "negligible");
}

/* ---- matching an analysis against a synthetic database ---- */

static th_dir tmp;
static char dbpath[512];
static customs_vulndb *db;

static void write_file(const char *path, const char *text)
{
	th_write(path, text, strlen(text));
}

#define CVSS_HIGH "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"
#define CVSS_CRIT "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"

/* feed "deb": Debian's view; feed "adv": upstream advisories; feed "mark": a
 * second distro feed with a not-affected marker */
static const char deb_records[] =
	"[{\"id\":\"CVE-2099-0001\",\"modified\":\"2024-01-01T00:00:00Z\",\"details\":\"foo overflow\\nmore\","
	"\"severity\":[{\"type\":\"CVSS_V3\",\"score\":\"" CVSS_HIGH "\"}],"
	"\"affected\":[{\"package\":{\"ecosystem\":\"Debian:12\",\"name\":\"foo\"},\"ranges\":[{\"type\":\"ECOSYSTEM\","
	"\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1.2-1\"}]}]}]},"
	"{\"id\":\"DSA-9999-1\",\"modified\":\"2024-01-01T00:00:00Z\",\"related\":[\"CVE-2099-0001\"],\"summary\":\"foo security update\","
	"\"affected\":[{\"package\":{\"ecosystem\":\"Debian:12\",\"name\":\"foo\"},\"ranges\":[{\"type\":\"ECOSYSTEM\","
	"\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1.2-1\"}]}]}]},"
	"{\"id\":\"CVE-2099-0002\",\"modified\":\"2024-01-01T00:00:00Z\",\"details\":\"unfixed\","
	"\"affected\":[{\"package\":{\"ecosystem\":\"Debian:12\",\"name\":\"foo\"},\"ranges\":[{\"type\":\"ECOSYSTEM\","
	"\"events\":[{\"introduced\":\"0\"}]}],\"ecosystem_specific\":{\"urgency\":\"unimportant\"}}]},"
	"{\"id\":\"CVE-2099-0003\",\"modified\":\"2024-01-01T00:00:00Z\",\"details\":\"requests leak\","
	"\"affected\":[{\"package\":{\"ecosystem\":\"Debian:12\",\"name\":\"requests\"},\"ranges\":[{\"type\":\"ECOSYSTEM\","
	"\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"2.28.1+dfsg-1+deb12u1\"}]}]}]},"
	"{\"id\":\"CVE-2099-0004\",\"modified\":\"2024-01-01T00:00:00Z\",\"details\":\"fixed long ago\","
	"\"affected\":[{\"package\":{\"ecosystem\":\"Debian:12\",\"name\":\"foo\"},\"ranges\":[{\"type\":\"ECOSYSTEM\","
	"\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1.0-1\"}]}]}]},"
	"{\"id\":\"CVE-2099-0010\",\"modified\":\"2024-01-01T00:00:00Z\",\"details\":\"apk thing\","
	"\"affected\":[{\"package\":{\"ecosystem\":\"Alpine:v3.21\",\"name\":\"busybox\"},\"ranges\":[{\"type\":\"ECOSYSTEM\","
	"\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1.37.0-r9\"}]}]}]},"
	/* Debian rates it unimportant, CVSS says critical */
	"{\"id\":\"CVE-2099-0005\",\"modified\":\"2024-01-01T00:00:00Z\",\"details\":\"mitigation bypass\","
	"\"severity\":[{\"type\":\"CVSS_V3\",\"score\":\"" CVSS_CRIT "\"}],"
	"\"affected\":[{\"package\":{\"ecosystem\":\"Debian:12\",\"name\":\"foo\"},\"ranges\":[{\"type\":\"ECOSYSTEM\","
	"\"events\":[{\"introduced\":\"0\"}]}],\"ecosystem_specific\":{\"urgency\":\"unimportant\"}}]},"
	/* no rating yet: CVSS decides */
	"{\"id\":\"CVE-2099-0006\",\"modified\":\"2024-01-01T00:00:00Z\",\"details\":\"not rated\","
	"\"severity\":[{\"type\":\"CVSS_V3\",\"score\":\"" CVSS_HIGH "\"}],"
	"\"affected\":[{\"package\":{\"ecosystem\":\"Debian:12\",\"name\":\"foo\"},\"ranges\":[{\"type\":\"ECOSYSTEM\","
	"\"events\":[{\"introduced\":\"0\"}]}],\"ecosystem_specific\":{\"urgency\":\"not yet assigned\"}}]},"
	/* the Go toolchain: fixed in the Built-Using version, open, rated */
	"{\"id\":\"CVE-2099-0041\",\"modified\":\"2024-01-01T00:00:00Z\",\"details\":\"net/http\","
	"\"affected\":[{\"package\":{\"ecosystem\":\"Debian:12\",\"name\":\"golang-1.19\"},\"ranges\":[{\"type\":\"ECOSYSTEM\","
	"\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1.19.8-2\"}]}]}]},"
	"{\"id\":\"CVE-2099-0042\",\"modified\":\"2024-01-01T00:00:00Z\",\"details\":\"html/template\","
	"\"affected\":[{\"package\":{\"ecosystem\":\"Debian:12\",\"name\":\"golang-1.19\"},\"ranges\":[{\"type\":\"ECOSYSTEM\","
	"\"events\":[{\"introduced\":\"0\"}]}],\"ecosystem_specific\":{\"urgency\":\"low\"}}]},"
	/* the owner's source fixed it at its version: covered */
	"{\"id\":\"CVE-2099-0051\",\"modified\":\"2024-01-01T00:00:00Z\",\"details\":\"urllib3\","
	"\"affected\":[{\"package\":{\"ecosystem\":\"Debian:12\",\"name\":\"urllib3\"},\"ranges\":[{\"type\":\"ECOSYSTEM\","
	"\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1.26.12-1+deb12u1\"}]}]}]},"
	/* AlmaLinux: the severity is the summary's word */
	"{\"id\":\"ALSA-2099:0001\",\"modified\":\"2024-01-01T00:00:00Z\",\"summary\":\"Moderate: util-linux security update\","
	"\"related\":[\"CVE-2099-0060\"],"
	"\"affected\":[{\"package\":{\"ecosystem\":\"AlmaLinux:8\",\"name\":\"libuuid\"},\"ranges\":[{\"type\":\"ECOSYSTEM\","
	"\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"2.32.1-48.el8_10\"}]}]}]},"
	/* Ubuntu: the per-release priority, CVSS aside */
	"{\"id\":\"UBUNTU-CVE-2099-0070\",\"modified\":\"2024-01-01T00:00:00Z\",\"details\":\"openssl\","
	"\"severity\":[{\"type\":\"CVSS_V3\",\"score\":\"" CVSS_CRIT "\"}],"
	"\"affected\":[{\"package\":{\"ecosystem\":\"Ubuntu:20.04:LTS\",\"name\":\"openssl\"},\"ranges\":[{\"type\":\"ECOSYSTEM\","
	"\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"3.0.2-0ubuntu1.8\"}]}],"
	"\"ecosystem_specific\":{\"binaries\":[{\"openssl\":\"3.0.2-0ubuntu1.8\"}],\"ubuntu_priority\":\"low\"}}]}]";

static const char adv_records[] =
	"[{\"id\":\"GHSA-aaaa-bbbb-cccc\",\"modified\":\"2024-01-01T00:00:00Z\",\"aliases\":[\"CVE-2099-0020\"],"
	"\"summary\":\"left-pad\",\"database_specific\":{\"severity\":\"MODERATE\"},"
	"\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"left-pad\"},\"ranges\":[{\"type\":\"ECOSYSTEM\","
	"\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1.3.0\"}]}]}]},"
	"{\"id\":\"OSV-2099-1\",\"modified\":\"2024-01-01T00:00:00Z\",\"aliases\":[\"CVE-2099-0020\"],"
	"\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"left-pad\"},\"ranges\":[{\"type\":\"SEMVER\","
	"\"events\":[{\"introduced\":\"1.0.0\"},{\"fixed\":\"1.3.0\"}]}]}]},"
	"{\"id\":\"PYSEC-2099-1\",\"modified\":\"2024-01-01T00:00:00Z\",\"aliases\":[\"CVE-2099-0003\"],"
	"\"affected\":[{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"requests\"},\"ranges\":[{\"type\":\"ECOSYSTEM\","
	"\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"2.31.0\"}]}]}]},"
	"{\"id\":\"GO-2099-0001\",\"modified\":\"2024-01-01T00:00:00Z\","
	"\"affected\":[{\"package\":{\"ecosystem\":\"Go\",\"name\":\"stdlib\"},\"ranges\":[{\"type\":\"SEMVER\","
	"\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1.20.8\"},{\"introduced\":\"1.21.0-0\"},{\"fixed\":\"1.21.1\"}]}]},"
	"{\"package\":{\"ecosystem\":\"Go\",\"name\":\"golang.org/x/net\"},\"ranges\":[{\"type\":\"SEMVER\","
	"\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"0.17.0\"}]}]}]},"
	"{\"id\":\"GO-2099-0002\",\"modified\":\"2024-01-01T00:00:00Z\",\"aliases\":[\"CVE-2099-0041\"],"
	"\"affected\":[{\"package\":{\"ecosystem\":\"Go\",\"name\":\"stdlib\"},\"ranges\":[{\"type\":\"SEMVER\","
	"\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1.19.9\"}]}]}]},"
	"{\"id\":\"GO-2099-0003\",\"modified\":\"2024-01-01T00:00:00Z\",\"aliases\":[\"CVE-2099-0042\"],"
	"\"affected\":[{\"package\":{\"ecosystem\":\"Go\",\"name\":\"stdlib\"},\"ranges\":[{\"type\":\"SEMVER\","
	"\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1.19.10\"}]}]}]},"
	"{\"id\":\"GO-2099-0004\",\"modified\":\"2024-01-01T00:00:00Z\",\"aliases\":[\"CVE-2099-0043\"],"
	"\"affected\":[{\"package\":{\"ecosystem\":\"Go\",\"name\":\"stdlib\"},\"ranges\":[{\"type\":\"SEMVER\","
	"\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1.19.11\"}]}]}]},"
	"{\"id\":\"PYSEC-2099-2\",\"modified\":\"2024-01-01T00:00:00Z\",\"aliases\":[\"CVE-2099-0051\"],"
	"\"affected\":[{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"urllib3\"},\"ranges\":[{\"type\":\"ECOSYSTEM\","
	"\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1.26.17\"}]}]}]},"
	"{\"id\":\"PYSEC-2099-3\",\"modified\":\"2024-01-01T00:00:00Z\",\"aliases\":[\"CVE-2099-0052\"],"
	"\"severity\":[{\"type\":\"CVSS_V3\",\"score\":\"" CVSS_CRIT "\"}],"
	"\"affected\":[{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"urllib3\"},\"ranges\":[{\"type\":\"ECOSYSTEM\","
	"\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1.26.18\"}]}]}]},"
	"{\"id\":\"GHSA-mmmm-mmmm-mmmm\",\"modified\":\"2024-01-01T00:00:00Z\",\"aliases\":[\"CVE-2099-0030\"],"
	"\"affected\":[{\"package\":{\"ecosystem\":\"Maven\",\"name\":\"org.example:lib-core\"},\"ranges\":[{\"type\":\"ECOSYSTEM\","
	"\"events\":[{\"introduced\":\"2.0\"},{\"fixed\":\"2.5.1\"}]}]}]},"
	"{\"id\":\"CVE-2099-0010\",\"modified\":\"2024-01-01T00:00:00Z\",\"details\":\"apk thing, other feed\","
	"\"affected\":[{\"package\":{\"ecosystem\":\"Alpine:v3.21\",\"name\":\"busybox\"},\"ranges\":[{\"type\":\"ECOSYSTEM\","
	"\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"0\"}]}]}]}]";

/* the Debian security tracker's export: its urgency "low**" (the tracker
 * marks urgencies it took from elsewhere) rates the match */
static const char tracker_records[] =
	"{\"bar\": {\"CVE-2099-0080\": {\"description\": \"bar overflow\", \"releases\": {\"bookworm\": "
	"{\"status\": \"open\", \"repositories\": {\"bookworm\": \"1.0-1\"}, \"urgency\": \"low**\"}}}}}";

static int setup(void **state)
{
	char dir[300], file[3][400];
	const char *names[3] = {"deb", "adv", "tracker"}, *texts[3] = {deb_records, adv_records, tracker_records};
	(void)state;
	th_dir_new(&tmp, "match");
	snprintf(dbpath, sizeof(dbpath), "%s/v.sqlite", tmp.path);
	customs_vulndb_input in[3];
	memset(in, 0, sizeof(in));
	for (int i = 0; i < 3; i++) {
		snprintf(dir, sizeof(dir), "%s/%s", tmp.path, names[i]);
		assert_int_equal(mkdir(dir, 0755), 0);
		snprintf(file[i], sizeof(file[i]), "%s/records.json", dir);
		write_file(file[i], texts[i]);
		in[i].path = file[i];
	}
	customs_vulndb_import_summary_free(th_db_import(dbpath, in, 3, NULL));
	db = th_db_open(dbpath);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return th_db_remove(db, &tmp);
}

static customs_package *pkg(const char *type, const char *name, const char *version, const char *src,
			    const char *srcver, const char *purl, const char *meta_json)
{
	customs_package *p = th_pkg_new(type, name, version, purl);
	p->source_name = src ? strdup(src) : NULL;
	p->source_version = srcver ? strdup(srcver) : NULL;
	p->db_path = strdup(!strcmp(type, "deb") ? "var/lib/dpkg/status" : "some/where");
	p->visible = 1;
	p->layer = 0;
	p->removed_in_layer = -1;
	if (meta_json)
		p->metadata = json_loads(meta_json, 0, NULL);
	return p;
}

struct img {
	customs_analysis a;
	customs_package *p[16];
};

static void img_debian(struct img *m)
{
	memset(m, 0, sizeof(*m));
	m->a.distro.id = "debian";
	m->a.distro.version_id = "12";
	size_t n = 0;
	m->p[n++] = pkg("deb", "libfoo1", "1.1-1+b1", "foo", "1.1-1", "pkg:deb/debian/libfoo1@1.1-1%2Bb1?arch=amd64", NULL);
	m->p[n++] = pkg("deb", "python3-requests", "2.28.1+dfsg-1", "requests", "2.28.1+dfsg-1",
			"pkg:deb/debian/python3-requests@2.28.1%2Bdfsg-1?arch=all", NULL);
	m->p[n++] = pkg("python", "Requests", "2.28.1", NULL, NULL, "pkg:pypi/requests@2.28.1",
			"{\"installed_by\": \"python3-requests\"}");
	m->p[n++] = pkg("npm", "left-pad", "1.1.0", NULL, NULL, "pkg:npm/left-pad@1.1.0", NULL);
	m->p[n++] = pkg("go-module", "stdlib", "go1.21rc2", NULL, NULL, "pkg:golang/stdlib@1.21rc2", NULL);
	m->p[n++] = pkg("go-module", "golang.org/x/net", "v0.10.0", NULL, NULL, "pkg:golang/golang.org/x/net@v0.10.0", NULL);
	m->p[n++] = pkg("go-module", "example.com/main", "(devel)", NULL, NULL, NULL, NULL);
	m->p[n++] = pkg("java-archive", "lib-core", "2.4", NULL, NULL, "pkg:maven/org.example/lib-core@2.4", NULL);
	m->p[n] = pkg("npm", "left-pad", "1.0.0", NULL, NULL, "pkg:npm/left-pad@1.0.0", NULL);
	m->p[n++]->visible = 0; /* removed by a later layer: not in the container */
	m->a.packages = m->p;
	m->a.npackages = n;
}

static void img_free(struct img *m)
{
	for (size_t i = 0; i < m->a.npackages; i++)
		customs_package_free(m->p[i]);
}

static const customs_match *find(const customs_match_result *r, const char *id, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->matches[i].id, id) && !strcmp(r->matches[i].name, name))
			return &r->matches[i];
	return NULL;
}

static size_t count_name(const customs_match_result *r, const char *name)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n; i++)
		n += !strcmp(r->matches[i].name, name);
	return n;
}

static int has(const customs_match *m, const char *id)
{
	for (size_t i = 0; i < m->nids; i++)
		if (!strcmp(m->ids[i], id))
			return 1;
	return 0;
}

static void test_analysis(void **state)
{
	struct img m;
	customs_match_result *r = NULL;
	const customs_match *x;
	(void)state;
	img_debian(&m);
	assert_int_equal(customs_match_analysis(&r, db, &m.a, NULL), 0);
	assert_string_equal(r->distro_ns, "debian:12");

	/* libfoo1 by its source "foo" at the source version 1.1-1; the DSA folds
	 * into the CVE it relates to: one match listing both */
	x = find(r, "CVE-2099-0001", "libfoo1");
	assert_non_null(x);
	assert_int_equal(x->kind, CUSTOMS_MATCH_SOURCE);
	assert_string_equal(x->lookup_name, "foo");
	assert_string_equal(x->installed, "1.1-1");
	assert_string_equal(x->version, "1.1-1+b1");
	assert_int_equal(x->nids, 2);
	assert_string_equal(x->ids[1], "DSA-9999-1");
	assert_int_equal(x->nrecords, 2);
	assert_string_equal(x->records[0].id, "CVE-2099-0001");
	assert_int_equal(x->fix_state, CUSTOMS_FIX_FIXED);
	assert_int_equal(x->nfixed, 1);
	assert_string_equal(x->fixed[0], "1.2-1");
	assert_string_equal(x->comparison, "dpkg: 1.1-1 < 1.2-1 (fixed)");
	assert_string_equal(x->range, "ECOSYSTEM >=0 <1.2-1");
	assert_int_equal(x->severity, CUSTOMS_SEVERITY_HIGH);
	assert_string_equal(x->severity_source, "cvss");
	assert_string_equal(x->summary, "foo overflow");
	assert_null(find(r, "DSA-9999-1", "libfoo1"));
	/* unfixed, unimportant: shown with its status, rated by Debian */
	x = find(r, "CVE-2099-0002", "libfoo1");
	assert_non_null(x);
	assert_int_equal(x->fix_state, CUSTOMS_FIX_NOT_FIXED);
	assert_string_equal(x->status, "unimportant");
	assert_int_equal(x->severity, CUSTOMS_SEVERITY_NEGLIGIBLE);
	assert_string_equal(x->severity_source, "distro");
	assert_string_equal(x->distro_severity, "unimportant");
	assert_true(customs_match_active(x));
	/* fixed before the installed version: no match */
	assert_null(find(r, "CVE-2099-0004", "libfoo1"));
	assert_int_equal(count_name(r, "libfoo1"), 4);

	/* requests: the deb is affected per Debian; the PyPI package it
	 * installed is covered by it and does not count */
	x = find(r, "CVE-2099-0003", "python3-requests");
	assert_non_null(x);
	assert_true(customs_match_active(x));
	x = find(r, "CVE-2099-0003", "Requests");
	assert_non_null(x);
	assert_false(customs_match_active(x));
	assert_int_equal(x->kind, CUSTOMS_MATCH_OWNER);
	assert_int_equal(x->suppressed, CUSTOMS_SUPPRESS_COVERED);
	assert_non_null(x->covered_by);
	assert_string_equal(x->covered_by->package, "python3-requests");
	assert_string_equal(x->covered_by->source, "requests");
	assert_string_equal(x->covered_by->state, "affected");
	assert_string_equal(x->covered_by->via, "source-package");
	assert_string_equal(x->covered_by->source_version, "2.28.1+dfsg-1");
	assert_string_equal(x->covered_by->vuln_id, "CVE-2099-0003");
	assert_non_null(strstr(x->suppressed_reason, "says affected (CVE-2099-0003): counted on python3-requests"));
	assert_true(has(x, "PYSEC-2099-1"));
	assert_string_equal(x->lookup_name, "Requests");

	/* aliases across feeds: one match, the CVE first, both records */
	x = find(r, "CVE-2099-0020", "left-pad");
	assert_non_null(x);
	assert_int_equal(x->nids, 3);
	assert_true(has(x, "GHSA-aaaa-bbbb-cccc") && has(x, "OSV-2099-1"));
	assert_int_equal(x->nrecords, 2);
	assert_int_equal(count_name(r, "left-pad"), 1); /* the invisible 1.0.0 is not matched */
	assert_int_equal(x->severity, CUSTOMS_SEVERITY_MEDIUM);
	assert_string_equal(x->severity_source, "label");

	/* Go: "go1.21rc2" is the vulndb's 1.21.0-rc.2; "(devel)" is skipped */
	x = find(r, "GO-2099-0001", "stdlib");
	assert_non_null(x);
	assert_string_equal(x->installed, "1.21.0-rc.2");
	assert_non_null(find(r, "GO-2099-0001", "golang.org/x/net"));
	assert_int_equal(count_name(r, "example.com/main"), 0);
	/* Maven by group:artifact from the purl */
	x = find(r, "CVE-2099-0030", "lib-core");
	assert_non_null(x);
	assert_string_equal(x->lookup_name, "org.example:lib-core");

	/* sorted: severity first */
	for (size_t i = 1; i < r->n; i++)
		assert_true(r->matches[i - 1].severity >= r->matches[i].severity);
	json_t *j = customs_match_to_json(find(r, "CVE-2099-0001", "libfoo1"), NULL);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "fix"), "state")), "fixed");
	assert_string_equal(json_string_value(json_object_get(j, "match_type")), "source-package");
	json_decref(j);
	customs_match_result_free(r);
	img_free(&m);
}

/* an image of one package p under DISTRO RELEASE */
static void img_one(struct img *m, const char *distro, const char *release, customs_package *p)
{
	memset(m, 0, sizeof(*m));
	m->a.distro.id = (char *)distro;
	m->a.distro.version_id = (char *)release;
	m->p[0] = p;
	m->a.packages = m->p;
	m->a.npackages = 1;
}

/* m matched against the test database with o */
static customs_match_result *matched(const struct img *m, const customs_match_opts *o)
{
	customs_match_result *r = NULL;
	assert_int_equal(customs_match_analysis(&r, db, &m->a, o), 0);
	return r;
}

/* language packages distro packages installed: covered only on the
 * distro's word; a Go stdlib by its deb's Built-Using toolchain */
static void img_owned(struct img *m, const char *release, const char *built_using)
{
	char bu[512];
	memset(m, 0, sizeof(*m));
	m->a.distro.id = "debian";
	m->a.distro.version_id = (char *)release;
	size_t n = 0;
	snprintf(bu, sizeof(bu), "{\"built_using\": \"%s\"}", built_using);
	m->p[n++] = pkg("deb", "python3-urllib3", "1.26.12-1+deb12u1", "urllib3", "1.26.12-1+deb12u1", NULL, NULL);
	m->p[n++] = pkg("python", "urllib3", "1.26.12", NULL, NULL, "pkg:pypi/urllib3@1.26.12",
			"{\"installed_by\": \"python3-urllib3\"}");
	m->p[n++] = pkg("deb", "umoci", "0.4.7+ds-3+b7", "umoci", "0.4.7+ds-3", NULL, bu);
	m->p[n++] = pkg("go-module", "stdlib", "go1.19.8", NULL, NULL, "pkg:golang/stdlib@1.19.8",
			"{\"installed_by\": \"umoci\"}");
	m->a.packages = m->p;
	m->a.npackages = n;
}

static void test_owners_fail_closed(void **state)
{
	struct img m;
	customs_match_result *r;
	const customs_match *x;
	(void)state;
	img_owned(&m, "12", "go-md2man-v2 (= 2.0.2+ds1-1), golang-1.19 (= 1.19.8-2), runc (= 1.1.5+ds1-1)");
	r = matched(&m, NULL);
	/* Debian fixed CVE-2099-0051 at the owner's version: covered */
	x = find(r, "CVE-2099-0051", "urllib3");
	assert_non_null(x);
	assert_int_equal(x->suppressed, CUSTOMS_SUPPRESS_COVERED);
	assert_string_equal(x->covered_by->state, "fixed");
	assert_int_equal(x->kind, CUSTOMS_MATCH_OWNER);
	/* no Debian record of CVE-2099-0052: the upstream advisory counts */
	x = find(r, "CVE-2099-0052", "urllib3");
	assert_non_null(x);
	assert_true(customs_match_active(x));
	assert_int_equal(x->kind, CUSTOMS_MATCH_DIRECT);
	assert_string_equal(x->covered_by->state, "no-record");
	assert_string_equal(x->covered_by->package, "python3-urllib3");
	assert_int_equal(x->severity, CUSTOMS_SEVERITY_CRITICAL);
	assert_string_equal(x->severity_source, "cvss");

	/* the stdlib of umoci's binary: the records of golang-1.19 at 1.19.8-2 */
	x = find(r, "CVE-2099-0041", "stdlib");
	assert_non_null(x);
	assert_int_equal(x->suppressed, CUSTOMS_SUPPRESS_COVERED);
	assert_string_equal(x->covered_by->via, "built-using");
	assert_string_equal(x->covered_by->source, "golang-1.19");
	assert_string_equal(x->covered_by->source_version, "1.19.8-2");
	assert_string_equal(x->covered_by->state, "fixed");
	assert_non_null(strstr(x->suppressed_reason, "built with golang-1.19 1.19.8-2: debian:12 golang-1.19 says fixed"));
	/* affected there: counts, with Debian's fix state and rating */
	x = find(r, "CVE-2099-0042", "stdlib");
	assert_non_null(x);
	assert_true(customs_match_active(x));
	assert_string_equal(x->covered_by->state, "affected");
	assert_int_equal(x->fix_state, CUSTOMS_FIX_NOT_FIXED);
	assert_int_equal(x->nfixed, 0);
	assert_int_equal(x->severity, CUSTOMS_SEVERITY_LOW);
	assert_string_equal(x->severity_source, "distro");
	assert_string_equal(x->distro_severity, "low");
	/* no record there: counts */
	x = find(r, "CVE-2099-0043", "stdlib");
	assert_non_null(x);
	assert_true(customs_match_active(x));
	assert_string_equal(x->covered_by->state, "no-record");
	assert_string_equal(x->covered_by->source, "golang-1.19");
	assert_int_equal(r->nwarnings, 0);
	customs_match_result_free(r);
	img_free(&m);

	/* no data for the distro at all: nothing is covered, everything counts */
	img_owned(&m, "11", "golang-1.19 (= 1.19.8-2)");
	r = matched(&m, NULL);
	assert_int_equal(r->n, 6);
	for (size_t i = 0; i < r->n; i++) {
		assert_true(customs_match_active(&r->matches[i]));
		assert_string_equal(r->matches[i].covered_by->state, "no-data");
	}
	customs_match_result_free(r);
	img_free(&m);

	/* no golang-X.Y in Built-Using: the owner's own source decides; a
	 * malformed entry is said once */
	img_owned(&m, "12", "golang-1.19 1.19.8-2, runc (= 1.1.5");
	r = matched(&m, NULL);
	x = find(r, "CVE-2099-0041", "stdlib");
	assert_true(customs_match_active(x));
	assert_string_equal(x->covered_by->via, "source-package");
	assert_string_equal(x->covered_by->source, "umoci");
	assert_string_equal(x->covered_by->state, "no-record");
	assert_int_equal(r->nwarnings, 1);
	assert_string_equal(r->warnings[0], "umoci 0.4.7+ds-3+b7: 2 Built-Using entries are not \"NAME (= VERSION)\" "
					    "(Debian Policy 7.8); ignored");
	customs_match_result_free(r);
	img_free(&m);
}

/* the distro's rating first; --severity-source cvss: the score first */
static void test_severity_sources(void **state)
{
	struct img m;
	customs_match_result *r;
	const customs_match *x;
	(void)state;
	img_debian(&m);
	r = matched(&m, NULL);
	x = find(r, "CVE-2099-0005", "libfoo1");
	assert_int_equal(x->severity, CUSTOMS_SEVERITY_NEGLIGIBLE);
	assert_string_equal(x->severity_source, "distro");
	assert_true(x->cvss_score > 9.0); /* still shown */
	assert_non_null(x->cvss_vector);
	x = find(r, "CVE-2099-0006", "libfoo1"); /* "not yet assigned": CVSS */
	assert_int_equal(x->severity, CUSTOMS_SEVERITY_HIGH);
	assert_string_equal(x->severity_source, "cvss");
	assert_null(x->distro_severity);
	json_t *j = customs_match_to_json(find(r, "CVE-2099-0005", "libfoo1"), NULL);
	json_t *sev = json_object_get(j, "severity");
	assert_string_equal(json_string_value(json_object_get(sev, "bucket")), "negligible");
	assert_string_equal(json_string_value(json_object_get(sev, "source")), "distro");
	assert_string_equal(json_string_value(json_object_get(sev, "distro_severity")), "unimportant");
	assert_non_null(json_string_value(json_object_get(sev, "cvss_vector")));
	json_decref(j);
	customs_match_result_free(r);

	customs_match_opts o = {.version = CUSTOMS_MATCH_OPTS_VERSION, .severity_source = CUSTOMS_SEVERITY_SOURCE_CVSS};
	r = matched(&m, &o);
	x = find(r, "CVE-2099-0005", "libfoo1");
	assert_int_equal(x->severity, CUSTOMS_SEVERITY_CRITICAL);
	assert_string_equal(x->severity_source, "cvss");
	assert_string_equal(x->distro_severity, "unimportant");
	x = find(r, "CVE-2099-0002", "libfoo1"); /* no score: the distro's rating still */
	assert_int_equal(x->severity, CUSTOMS_SEVERITY_NEGLIGIBLE);
	assert_string_equal(x->severity_source, "distro");
	customs_match_result_free(r);
	img_free(&m);

	customs_severity_source ss;
	assert_int_equal(customs_severity_source_parse(&ss, "cvss"), 0);
	assert_int_equal(ss, CUSTOMS_SEVERITY_SOURCE_CVSS);
	assert_int_equal(customs_severity_source_parse(&ss, "nvd"), CUSTOMS_EINVAL);

	/* AlmaLinux: the advisory's "Moderate" */
	img_one(&m, "almalinux", "8.8", pkg("rpm", "libuuid", "2.32.1-42.el8_8", "util-linux", NULL, NULL, NULL));
	r = matched(&m, NULL);
	assert_int_equal(r->n, 1);
	assert_string_equal(r->matches[0].id, "ALSA-2099:0001");
	assert_int_equal(r->matches[0].severity, CUSTOMS_SEVERITY_MEDIUM);
	assert_string_equal(r->matches[0].severity_source, "distro");
	assert_string_equal(r->matches[0].distro_severity, "Moderate");
	customs_match_result_free(r);
	img_free(&m);

	/* the tracker's urgency, its marks aside */
	img_one(&m, "debian", "12", pkg("deb", "libbar1", "1.0-1", "bar", "1.0-1", NULL, NULL));
	r = matched(&m, NULL);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->matches[0].severity, CUSTOMS_SEVERITY_LOW);
	assert_string_equal(r->matches[0].severity_source, "distro");
	assert_string_equal(r->matches[0].distro_severity, "low**");
	customs_match_result_free(r);
	img_free(&m);

	/* Ubuntu: the release's priority over a critical CVSS score */
	img_one(&m, "ubuntu", "20.04", pkg("deb", "libssl1.1", "3.0.2-0ubuntu1.7", "openssl", "3.0.2-0ubuntu1.7", NULL, NULL));
	r = matched(&m, NULL);
	assert_int_equal(r->n, 1);
	x = &r->matches[0];
	assert_int_equal(x->severity, CUSTOMS_SEVERITY_LOW);
	assert_string_equal(x->distro_severity, "low");
	assert_true(x->cvss_score >= 9.0);
	customs_match_result_free(r);
	img_free(&m);
}

static void test_not_affected_marker(void **state)
{
	struct img m;
	customs_match_result *r = NULL;
	(void)state;
	img_one(&m, "alpine", "3.21.2", pkg("apk", "busybox-binsh", "1.37.0-r8", "busybox", NULL, NULL, NULL));
	assert_int_equal(customs_match_analysis(&r, db, &m.a, NULL), 0);
	assert_string_equal(r->distro_ns, "alpine:3.21");
	assert_int_equal(r->n, 1);
	/* feed "deb" says affected, feed "adv" says never affected: suppressed, shown */
	assert_string_equal(r->matches[0].id, "CVE-2099-0010");
	assert_int_equal(r->matches[0].suppressed, CUSTOMS_SUPPRESS_NOT_AFFECTED);
	assert_non_null(strstr(r->matches[0].suppressed_reason, "adv marks alpine:3.21 busybox not affected"));
	customs_match_result_free(r);
	img_free(&m);

	/* a distro the database knows nothing of: a warning, no silence */
	img_one(&m, "ubuntu", "22.04", pkg("deb", "libc6", "2.35-0ubuntu3", "glibc", NULL, NULL, NULL));
	assert_int_equal(customs_match_analysis(&r, db, &m.a, NULL), 0);
	assert_int_equal(r->n, 0);
	assert_int_equal(r->nwarnings, 1);
	assert_non_null(strstr(r->warnings[0], "no data for ubuntu:22.04"));
	customs_match_result_free(r);
	img_free(&m);
}

static void test_rules(void **state)
{
	struct img m;
	customs_match_result *r = NULL;
	customs_match_rules *rules = NULL;
	char yaml[600], json[600], vex[600], bad[600];
	(void)state;
	snprintf(yaml, sizeof(yaml), "%s/ignore.yaml", tmp.path);
	snprintf(json, sizeof(json), "%s/ignore.json", tmp.path);
	snprintf(vex, sizeof(vex), "%s/vex.json", tmp.path);
	snprintf(bad, sizeof(bad), "%s/bad.yaml", tmp.path);
	write_file(yaml, "ignore:\n"
			 "  - id: CVE-2099-0002\n"
			 "    reason: not shipped\n"
			 "  - package: {name: 'golang.org/*', type: go-module}\n"
			 "    expires: 2020-01-01\n"
			 "  - fix-state: not-fixed\n"
			 "    package: {name: nothing-matches}\n");
	write_file(json, "[{\"vulnerability\": \"GO-2099-0001\", \"package\": \"stdlib\", \"expires\": \"2999-01-01\"}]");
	write_file(vex, "{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": ["
			"{\"vulnerability\": {\"name\": \"GHSA-aaaa-bbbb-cccc\"}, \"products\": [{\"@id\": \"pkg:npm/left-pad\"}],"
			" \"status\": \"not_affected\", \"justification\": \"inline_mitigations_already_exist\"},"
			"{\"vulnerability\": {\"name\": \"CVE-2099-0001\"}, \"products\": [{\"@id\": \"pkg:oci/img\","
			" \"subcomponents\": [{\"@id\": \"pkg:deb/debian/libfoo1@1.1-1%2Bb1\"}]}], \"status\": \"fixed\"}]}");
	write_file(bad, "ignore:\n  - fix-state: sometimes\n");

	assert_int_equal(customs_match_rules_new(&rules), 0);
	assert_int_equal(customs_match_rules_add_ignore(rules, yaml), 0);
	assert_int_equal(customs_match_rules_add_ignore(rules, json), 0);
	assert_int_equal(customs_match_rules_add_vex(rules, vex), 0);
	assert_int_equal(customs_match_rules_add_ignore(rules, bad), CUSTOMS_EFORMAT);
	assert_non_null(strstr(customs_error_last(), "bad.yaml: rule 1: fix-state \"sometimes\""));

	img_debian(&m);
	customs_match_opts o = {.version = CUSTOMS_MATCH_OPTS_VERSION, .only_fixed = 1, .rules = rules, .today = "2024-06-01"};
	assert_int_equal(customs_match_analysis(&r, db, &m.a, &o), 0);
	const customs_match *x = find(r, "CVE-2099-0002", "libfoo1");
	assert_int_equal(x->suppressed, CUSTOMS_SUPPRESS_IGNORE);
	assert_non_null(strstr(x->suppressed_reason, "ignore.yaml rule 1: not shipped"));
	/* the expired rule does not apply, and says so */
	x = find(r, "GO-2099-0001", "golang.org/x/net");
	assert_true(customs_match_active(x));
	int expired = 0;
	for (size_t i = 0; i < r->nwarnings; i++)
		expired += strstr(r->warnings[i], "ignore.yaml rule 2 expired on 2020-01-01") != NULL;
	assert_int_equal(expired, 1);
	/* the JSON rule by id and package name */
	assert_int_equal(find(r, "GO-2099-0001", "stdlib")->suppressed, CUSTOMS_SUPPRESS_IGNORE);
	/* VEX: by an alias and a version-less purl; an image statement by subcomponent */
	x = find(r, "CVE-2099-0020", "left-pad");
	assert_int_equal(x->suppressed, CUSTOMS_SUPPRESS_VEX);
	assert_string_equal(x->vex_justification, "inline_mitigations_already_exist");
	assert_int_equal(find(r, "CVE-2099-0001", "libfoo1")->suppressed, CUSTOMS_SUPPRESS_VEX);
	/* covered stays covered; nothing active is not-fixed (only_fixed) */
	assert_int_equal(find(r, "CVE-2099-0003", "Requests")->suppressed, CUSTOMS_SUPPRESS_COVERED);
	for (size_t i = 0; i < r->n; i++)
		if (customs_match_active(&r->matches[i]))
			assert_true(r->matches[i].fix_state != CUSTOMS_FIX_NOT_FIXED);
	customs_match_result_free(r);

	/* the same rules on a later day: the JSON rule still holds until 2999 */
	o.today = "2030-01-01";
	o.only_fixed = 0;
	o.hide_status = "end-of-life, unimportant";
	assert_int_equal(customs_match_analysis(&r, db, &m.a, &o), 0);
	assert_int_equal(find(r, "GO-2099-0001", "stdlib")->suppressed, CUSTOMS_SUPPRESS_IGNORE);
	customs_match_result_free(r);
	customs_match_rules_free(rules);

	/* --hide-status alone */
	customs_match_opts h = {.version = CUSTOMS_MATCH_OPTS_VERSION, .hide_status = "unimportant", .explain_id = "CVE-2099-0004"};
	assert_int_equal(customs_match_analysis(&r, db, &m.a, &h), 0);
	assert_int_equal(find(r, "CVE-2099-0002", "libfoo1")->suppressed, CUSTOMS_SUPPRESS_STATUS);
	/* explain_id: the entry that did not match is noted with its comparison */
	assert_true(r->nnotes >= 1);
	assert_non_null(strstr(r->notes[0], "dpkg: 1.1-1 > 1.0-1 (fixed): not affected"));
	customs_match_result_free(r);
	img_free(&m);
}

/* lookups spread over several handles give the same result as one */
static void test_parallel_lookups(void **state)
{
	customs_analysis a;
	customs_package *p[200];
	customs_vulndb *more[3];
	customs_match_result *r1 = NULL, *r2 = NULL;
	size_t n = 0;
	(void)state;
	memset(&a, 0, sizeof(a));
	a.distro.id = "debian";
	a.distro.version_id = "12";
	for (int i = 0; i < 150; i++) {
		char name[32];
		snprintf(name, sizeof(name), "pad-%d", i);
		p[n++] = pkg("npm", i % 10 ? name : "left-pad", i % 3 ? "1.1.0" : "1.2.0", NULL, NULL, NULL, NULL);
	}
	p[n++] = pkg("deb", "libfoo1", "1.1-1+b1", "foo", "1.1-1", NULL, NULL);
	p[n++] = pkg("go-module", "stdlib", "go1.20.7", NULL, NULL, NULL, NULL);
	a.packages = p;
	a.npackages = n;
	for (int i = 0; i < 3; i++)
		assert_int_equal(customs_vulndb_open(&more[i], dbpath, 1), 0);
	customs_match_opts o = {.version = CUSTOMS_MATCH_OPTS_VERSION, .more_dbs = more, .nmore_dbs = 3,
				.explain_id = "CVE-2099-0004"};
	assert_int_equal(customs_match_analysis(&r1, db, &a, NULL), 0);
	assert_int_equal(customs_match_analysis(&r2, db, &a, &o), 0);
	assert_int_equal(r1->n, 15 + 4 + 1); /* 15 left-pads, libfoo1's four, stdlib */
	assert_int_equal(r1->n, r2->n);
	for (size_t i = 0; i < r1->n; i++) {
		json_t *x = customs_match_to_json(&r1->matches[i], NULL), *y = customs_match_to_json(&r2->matches[i], NULL);
		assert_true(json_equal(x, y));
		json_decref(x);
		json_decref(y);
	}
	assert_int_equal(r2->nnotes, 1);
	customs_match_result_free(r1);
	customs_match_result_free(r2);
	for (int i = 0; i < 3; i++)
		customs_vulndb_free(more[i]);
	for (size_t i = 0; i < n; i++)
		customs_package_free(p[i]);
}

int main(void)
{
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_two_intervals),   cmocka_unit_test(test_unsorted_events),
		cmocka_unit_test(test_last_affected),   cmocka_unit_test(test_limit),
		cmocka_unit_test(test_introduced_zero), cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_entry_versions_list), cmocka_unit_test(test_range_text),
		cmocka_unit_test(test_severity),
	};
	const struct CMUnitTest withdb[] = {
		cmocka_unit_test(test_analysis),
		cmocka_unit_test(test_owners_fail_closed),
		cmocka_unit_test(test_severity_sources),
		cmocka_unit_test(test_not_affected_marker),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_parallel_lookups),
	};
	int rc = cmocka_run_group_tests_name("match: OSV evaluation", pure, NULL, NULL);
	return rc | cmocka_run_group_tests_name("match: analysis", withdb, setup, teardown);
}
