/* cmd_scan.c - `customs scan IMAGE`: analyse an image, match its packages
 * against the vulnerability database (include/customs/match.h) and write
 * the matches through the output stage (customs/report.h): a table,
 * customs' JSON document (docs/json.md "customs-scan"), SARIF, CycloneDX,
 * or one vulnerability's explanation. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "common.h"
#include "customs/match.h"
#include "customs/vuln.h"

const char cmd_scan_usage[] =
	"usage: customs scan IMAGE|sbom:FILE [--db PATH] [-o FORMAT[=FILE]]... [--fail-on SEVERITY]\n"
	"                    [--only-fixed] [--ignore FILE]... [--vex FILE]... [--explain ID]\n"
	"                    [--show-suppressed] [--policy BUNDLE [--tag REGISTRY/REPO:TAG] ...]\n"
	"\n"
	"Find the known vulnerabilities of the packages in IMAGE: distro packages\n"
	"(deb, rpm, apk) through their distro's feed by source package, language\n"
	"packages (npm, PyPI, Go modules and stdlib, Maven, gems, crates, Composer,\n"
	"NuGet) through their ecosystem's advisories, one match per vulnerability\n"
	"per package with all its ids (the CVE first).  A language package that a\n"
	"distro package installed is covered by it: its advisories are shown with\n"
	"what the distro feed says, and never count on their own.\n"
	"\n"
	"sbom:FILE scans an SBOM instead (SPDX 2.3 JSON or tag-value, CycloneDX\n"
	"1.4-1.6 JSON, customs JSON): its packages are matched as if they had been\n"
	"found in the image; an SBOM customs wrote gives the image's own matches.\n"
	"\n"
	"Options:\n"
	"  --db PATH              vulnerability database (default: $CUSTOMS_DB, else\n"
	"                         ~/.local/share/customs/vulndb.sqlite); build it with\n"
	"                         `customs db import` or `customs db update`\n"
	"  -o, --output FORMAT[=FILE]  repeatable, at most one on stdout: table (default),\n"
	"                         json (docs/json.md, customs-scan), sarif (SARIF 2.1.0 for\n"
	"                         GitHub code scanning: a rule per vulnerability, a result\n"
	"                         per affected package at its path), cyclonedx-json\n"
	"                         (CycloneDX 1.6 with vulnerabilities[]: ratings, affects,\n"
	"                         analysis of suppressed ones; cyclonedx-json@1.5)\n"
	"  --fail-on SEVERITY     exit 1 when a match that counts (not suppressed, not\n"
	"                         covered) is at or above SEVERITY: negligible, low,\n"
	"                         medium, high, critical (or unknown: any match)\n"
	"  --only-fixed           suppress matches without a fix (not-fixed, wont-fix)\n"
	"  --hide-status LIST     suppress matches whose distro status is in LIST\n"
	"                         (comma-separated: unimportant, no-dsa, postponed,\n"
	"                         ignored, end-of-life); by default they are shown\n"
	"  --ignore FILE          ignore rules, JSON or YAML (repeatable): a list of\n"
	"                         {id, package: {name, version, type, location},\n"
	"                         fix-state, expires: YYYY-MM-DD, reason}; expired\n"
	"                         rules stop applying and are reported on stderr\n"
	"  --vex FILE             OpenVEX JSON (repeatable): not_affected and fixed\n"
	"                         statements suppress (justification shown),\n"
	"                         affected and under_investigation keep\n"
	"  --explain ID           print, for each package matching ID (any of its ids),\n"
	"                         how it matched: package, path and layer, namespace and\n"
	"                         feed record, range, comparison, fix state, distro\n"
	"                         status and why it is or is not suppressed\n"
	"  --show-suppressed      table: also list suppressed and covered matches\n"
	"  --max-db-age DAYS      warn when the database's newest data is older than\n"
	"                         DAYS (default 7; 0 disables)\n"
	"  --cpe-fallback         match by CPE when nothing else does: NOT IMPLEMENTED\n"
	"                         (accepted; a warning says so)\n"
	"  --timings              print analysis and matching times on stderr (also\n"
	"                         with CUSTOMS_TIMINGS=1)\n"
	"\n"
	"With --policy, the bundle is evaluated too (as `customs evaluate` does): the\n"
	"table ends with the evaluation, the JSON holds it as \"policy\".\n"
	"\n"
	"Exit codes: 0 done, 1 a match at or above --fail-on, or the policy's STOP,\n"
	"2 usage error, 3 the image, the database or the bundle could not be read,\n"
	"4 results written but part of the image could not be read.\n"
	"\n" CLI_POLICY_USAGE "\n" CLI_IMAGE_USAGE;

enum {
	OPT_DB = OPT_IMAGE_LAST,
	OPT_FAIL_ON,
	OPT_ONLY_FIXED,
	OPT_HIDE_STATUS,
	OPT_IGNORE,
	OPT_VEX,
	OPT_EXPLAIN,
	OPT_SHOW_SUPPRESSED,
	OPT_MAX_DB_AGE,
	OPT_CPE_FALLBACK,
	OPT_TIMINGS,
};

static void check_db_age(const customs_vulndb_info *s, long max_days, int quiet)
{
	time_t newest = -1, now = time(NULL);
	const char *newest_s = NULL;
	if (max_days <= 0 || quiet)
		return;
	for (size_t i = 0; i < s->nsources; i++) {
		time_t t = cli_parse_time(s->sources[i].newest);
		if (t > newest)
			newest = t, newest_s = s->sources[i].newest;
	}
	if (newest < 0)
		newest = cli_parse_time(s->built_at), newest_s = s->built_at;
	if (newest < 0) {
		fprintf(stderr, "customs scan: warning: the vulnerability database %s holds no dated data\n", s->path);
		return;
	}
	double days = (double)(now - newest) / 86400.0;
	if (days > (double)max_days)
		fprintf(stderr,
			"customs scan: warning: the vulnerability database's newest data is from %.10s (%.0f days old, over "
			"--max-db-age %ld; built %s): run `customs db update`\n",
			newest_s, days, max_days, s->built_at ? s->built_at : "never");
}

/* customs_vulndb_status counts every table (tens of milliseconds on a full
 * database): it runs on its own thread while the image is analysed. */
struct status_job {
	customs_vulndb *db;
	customs_vulndb_info *info;
	int err;
	char msg[1024];
};

static void *status_run(void *arg)
{
	struct status_job *j = arg;
	if ((j->err = customs_vulndb_status(j->db, &j->info)) < 0)
		snprintf(j->msg, sizeof(j->msg), "%s", customs_error_last());
	return NULL;
}

/* --ignore and --vex files into one rule set: 0 or an exit code */
static int load_rules(customs_match_rules **out, const char *const *ignores, size_t nignores,
		      const char *const *vexes, size_t nvexes)
{
	int rc = 0;
	if (customs_match_rules_new(out) < 0)
		return cli_error(EXIT_FAILED, "scan", "%s", customs_error_last());
	for (size_t i = 0; i < nignores && !rc; i++)
		if (customs_match_rules_add_ignore(*out, ignores[i]) < 0)
			rc = cli_error(EXIT_FAILED, "scan", "--ignore %s", customs_error_last());
	for (size_t i = 0; i < nvexes && !rc; i++)
		if (customs_match_rules_add_vex(*out, vexes[i]) < 0)
			rc = cli_error(EXIT_FAILED, "scan", "--vex %s", customs_error_last());
	return rc;
}

/* The -o outputs, or with --explain the explanation alone on stdout:
 * 0 or an exit code. */
static int write_results(customs_report *r, const cli_outputs *outs)
{
	customs_report_writer *w;
	int rc;
	if (r->explain_id) {
		r->kind = CUSTOMS_REPORT_EXPLAIN;
		if (customs_report_write(stdout, r, "table") < 0)
			return cli_error(EXIT_FAILED, "scan", "--explain: %s", customs_error_last());
		return 0;
	}
	if (customs_report_writer_new(&w, r) < 0)
		return cli_error(EXIT_FAILED, "scan", "%s", customs_error_last());
	rc = cli_write_outputs("scan", w, outs, 0);
	customs_report_writer_free(w);
	return rc;
}

int cmd_scan(int argc, char **argv)
{
	static const cli_opt opts[] = {
		{"output", 'o', required_argument, 'o'},
		{"db", 0, required_argument, OPT_DB},
		{"fail-on", 0, required_argument, OPT_FAIL_ON},
		{"only-fixed", 0, no_argument, OPT_ONLY_FIXED},
		{"hide-status", 0, required_argument, OPT_HIDE_STATUS},
		{"ignore", 0, required_argument, OPT_IGNORE},
		{"vex", 0, required_argument, OPT_VEX},
		{"explain", 0, required_argument, OPT_EXPLAIN},
		{"show-suppressed", 0, no_argument, OPT_SHOW_SUPPRESSED},
		{"max-db-age", 0, required_argument, OPT_MAX_DB_AGE},
		{"cpe-fallback", 0, no_argument, OPT_CPE_FALLBACK},
		{"timings", 0, no_argument, OPT_TIMINGS},
		{NULL, 0, 0, 0},
	};
	cli_image_opts io = {0};
	cli_outputs outs = {0};
	cli_parser p;
	const char *dbopt = NULL, *fail_on = NULL, *image = NULL;
	const char *ignores[64], *vexes[64];
	size_t nignores = 0, nvexes = 0;
	customs_match_opts mo = {.version = CUSTOMS_MATCH_OPTS_VERSION};
	customs_severity threshold = CUSTOMS_SEVERITY_UNKNOWN;
	int show_suppressed = 0, timings = cli_timings_env();
	long max_db_age = 7;
	int opt, rc;

	cli_parser_init(&p, "scan", argc, argv, opts, CLI_IMAGE_GROUPS | CLI_OPTS_POLICY, &io);
	while ((opt = cli_next(&p)) > 0) {
		switch (opt) {
		case 'o':
			if ((rc = cli_output_add(&outs, "scan", optarg, CUSTOMS_REPORT_SCAN)) != 0)
				return rc;
			break;
		case OPT_DB:
			dbopt = optarg;
			break;
		case OPT_FAIL_ON:
			if (customs_severity_parse(&threshold, optarg) < 0)
				return cli_usage_error("scan", "--fail-on wants negligible, low, medium, high, critical or unknown, not '%s'",
						       optarg);
			fail_on = optarg;
			break;
		case OPT_ONLY_FIXED:
			mo.only_fixed = 1;
			break;
		case OPT_HIDE_STATUS:
			mo.hide_status = optarg;
			break;
		case OPT_IGNORE:
			if (nignores == sizeof(ignores) / sizeof(ignores[0]))
				return cli_usage_error("scan", "too many --ignore files");
			ignores[nignores++] = optarg;
			break;
		case OPT_VEX:
			if (nvexes == sizeof(vexes) / sizeof(vexes[0]))
				return cli_usage_error("scan", "too many --vex files");
			vexes[nvexes++] = optarg;
			break;
		case OPT_EXPLAIN:
			mo.explain_id = optarg;
			break;
		case OPT_SHOW_SUPPRESSED:
			show_suppressed = 1;
			break;
		case OPT_MAX_DB_AGE: {
			char *end;
			errno = 0;
			max_db_age = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || max_db_age < 0)
				return cli_usage_error("scan", "--max-db-age wants a number of days, not '%s'", optarg);
			break;
		}
		case OPT_CPE_FALLBACK:
			mo.cpe_fallback = 1;
			break;
		case OPT_TIMINGS:
			timings = 1;
			break;
		}
	}
	if (opt < 0)
		return -opt;
	if ((rc = cli_outputs_finish(&outs, "scan", "table")) != 0)
		return rc;
	if ((rc = cli_one_operand("scan", argc, "IMAGE", "IMAGE")) != 0)
		return rc;
	image = argv[optind];

	/* the database and the rules first: fail before reading the image */
	char *dbpath = NULL;
	customs_vulndb *db = NULL;
	customs_vulndb_info *info = NULL;
	customs_match_rules *rules = NULL;
	customs_analysis *a = NULL;
	customs_match_result *res = NULL;
	customs_policy_result *pr = NULL;
	customs_vulndb *more[3];
	size_t nmore = 0;
	struct status_job job;
	pthread_t status_th;
	int status_started = 0;
	double t0 = cli_now_ms(), t_db, t_an, t_match, t_out;

	memset(&job, 0, sizeof(job));

	if (dbopt)
		dbpath = strdup(dbopt);
	else if (customs_vulndb_default_path(&dbpath) < 0)
		return cli_error(EXIT_FAILED, "scan", "%s", customs_error_last());
	if (!dbpath)
		return cli_error(EXIT_FAILED, "scan", "out of memory");
	if (customs_vulndb_open(&db, dbpath, 1) < 0) {
		rc = cli_error(EXIT_FAILED, "scan", "%s", customs_error_last());
		goto done;
	}
	if ((rc = cli_policy_prepare(&io, "scan")) != 0)
		goto done;
	/* one more handle per extra core: the matcher spreads its lookups */
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	while (nmore < (size_t)(ncpu > 4 ? 4 : ncpu > 1 ? ncpu : 1) - 1 && customs_vulndb_open(&more[nmore], dbpath, 1) == 0)
		nmore++;
	mo.more_dbs = more;
	mo.nmore_dbs = nmore;
	if ((nignores || nvexes) && (rc = load_rules(&rules, ignores, nignores, vexes, nvexes)) != 0)
		goto done;
	mo.rules = rules;
	t_db = cli_now_ms();

	job.db = db;
	status_started = pthread_create(&status_th, NULL, status_run, &job) == 0;
	rc = cli_analyze(&a, "scan", image, &io);
	if (status_started)
		pthread_join(status_th, NULL);
	else
		status_run(&job);
	info = job.info;
	if (rc != 0)
		goto done;
	if (job.err < 0) {
		rc = cli_error(EXIT_FAILED, "scan", "%s", job.msg);
		goto done;
	}
	check_db_age(info, max_db_age, io.quiet);
	/* the packages a container has, in a stable order: matches and every
	 * report index them */
	customs_analysis_select_packages(a, 0);
	t_an = cli_now_ms();
	if (customs_match_analysis(&res, db, a, &mo) < 0) {
		rc = cli_error(EXIT_FAILED, "scan", "matching: %s", customs_error_last());
		goto done;
	}
	t_match = cli_now_ms();
	if (!io.quiet)
		for (size_t i = 0; i < res->nwarnings; i++)
			fprintf(stderr, "customs scan: warning: %s\n", res->warnings[i]);

	if (io.policy.bundle && (rc = cli_policy_run(&io, "scan", a, res, db, info, &pr)) != 0)
		goto done;

	int failed = 0;
	for (size_t i = 0; fail_on && i < res->n; i++)
		if (customs_match_active(&res->matches[i]) && res->matches[i].severity >= threshold)
			failed = 1;

	customs_report r = {.version = CUSTOMS_REPORT_VERSION, .kind = CUSTOMS_REPORT_SCAN, .analysis = a,
			    .matches = res, .vulndb = info, .db = db, .show_suppressed = show_suppressed, .fail_on = fail_on,
			    .failed = failed, .explain_id = mo.explain_id, .explain_rules = nignores + nvexes, .policy = pr};
	rc = write_results(&r, &outs);
	t_out = cli_now_ms();
	if (timings)
		fprintf(stderr,
			"customs scan: timings: database open %.1f ms, analysis %.1f ms (database status alongside), match "
			"%.1f ms (%zu packages, %zu matches, %zu threads), output %.1f ms, total %.1f ms\n",
			t_db - t0, t_an - t_db, t_match - t_an, res->packages, res->n, nmore + 1, t_out - t_match, t_out - t0);
	if (!rc && failed)
		rc = EXIT_FINDINGS;
	if (!rc && pr)
		rc = cli_policy_exit(pr, &io.policy);
	if (!rc)
		rc = cli_analysis_exit(a);
done:
	customs_policy_result_free(pr);
	cli_policy_release(&io);
	customs_match_result_free(res);
	customs_analysis_free(a);
	customs_match_rules_free(rules);
	customs_vulndb_info_free(info);
	for (size_t i = 0; i < nmore; i++)
		customs_vulndb_free(more[i]);
	customs_vulndb_free(db);
	free(dbpath);
	return rc;
}
