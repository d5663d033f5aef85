/* cmd_scan.c - `customs scan IMAGE`: analyse an image, match its packages
 * against the vulnerability database (include/customs/match.h) and write
 * the matches through the output stage (customs/report.h): a table,
 * customs' JSON document (docs/json.md "customs-scan"), SARIF, CycloneDX,
 * or one vulnerability's explanation. */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "common.h"
#include "customs/match.h"
#include "customs/store.h"
#include "customs/vuln.h"

const char cmd_scan_usage[] =
	"usage: customs scan IMAGE|sbom:FILE [--db PATH] [--offline] [-o FORMAT[=FILE]]...\n"
	"                    [--fail-on SEVERITY] [--severity-source distro|cvss] [--only-fixed]\n"
	"                    [--ignore FILE]... [--vex FILE]... [--explain ID] [--show-suppressed]\n"
	"                    [--policy BUNDLE [--tag REGISTRY/REPO:TAG] ...] [--store URL]\n"
	"\n"
	"Find the known vulnerabilities of the packages in IMAGE: distro packages\n"
	"(deb, rpm, apk) through their distro's feed by source package, language\n"
	"packages (npm, PyPI, Go modules and stdlib, Maven, gems, crates, Composer,\n"
	"NuGet) through their ecosystem's advisories, one match per vulnerability\n"
	"per package with all its ids (the CVE first).  The table has one row per\n"
	"vulnerability and package (a package at two paths is one row); the JSON\n"
	"lists every path.\n"
	"\n"
	"A language package that a distro package installed is decided by the\n"
	"distro's records when they have one: covered (suppressed) when the distro\n"
	"fixed it at or below the installed version or marks it not affected, or\n"
	"when the distro package's own match counts it; with no distro record the\n"
	"upstream advisory counts and the NOTE column says so.  The Go stdlib of a\n"
	"Debian package's binary is decided by the records of the golang-X.Y\n"
	"package its Built-Using field names.\n"
	"\n"
	"Severity: for a match through a distro feed the distro's own rating decides\n"
	"the bucket (Debian urgency: unimportant = negligible, low, medium, high;\n"
	"Ubuntu priority; Red Hat / AlmaLinux Low, Moderate, Important, Critical);\n"
	"where it has none (\"not yet assigned\") and for language packages the CVSS\n"
	"score decides (the record's own v3, NVD's v3 of the CVE, the record's v4),\n"
	"then the feed's label.  The CVSS score and vector are shown either way\n"
	"(JSON, --explain).  --severity-source cvss puts the score first.\n"
	"\n"
	"sbom:FILE scans an SBOM instead (SPDX 2.3 JSON or tag-value, CycloneDX\n"
	"1.4-1.7 JSON, customs JSON): its packages are matched as if they had been\n"
	"found in the image; an SBOM customs wrote gives the image's own matches.\n"
	"Debs whose SBOM names no source package are looked up through the Debian\n"
	"or Ubuntu Packages indexes in the database (see `customs help db`).\n"
	"\n"
	"Options:\n"
	"  --db PATH              vulnerability database (default: $CUSTOMS_DB, else\n"
	"                         ~/.local/share/customs/vulndb.sqlite).  When there is\n"
	"                         none yet, the feeds are fetched into it first, as\n"
	"                         `customs db update` does ($CUSTOMS_FEEDS names a feeds\n"
	"                         file, else the built-in list), after the image is read\n"
	"  --offline              never touch the network: no feeds are fetched (a missing\n"
	"                         database is an error saying how to build one) and a\n"
	"                         registry image is refused\n"
	"  -o, --output FORMAT[=FILE]  repeatable, at most one on stdout: table (default),\n"
	"                         json (docs/json.md, customs-scan), sarif (SARIF 2.1.0 for\n"
	"                         GitHub code scanning: a rule per vulnerability, a result\n"
	"                         per affected package at its path), cyclonedx-json\n"
	"                         (CycloneDX 1.6 with vulnerabilities[]: ratings, affects,\n"
	"                         analysis of suppressed ones; cyclonedx-json@1.7, @1.5)\n"
	"  --fail-on SEVERITY     exit 1 when a match that counts (not suppressed, not\n"
	"                         covered) is at or above SEVERITY: negligible, low,\n"
	"                         medium, high, critical (or unknown: any match), in\n"
	"                         the bucket --severity-source decides\n"
	"  --severity-source S    distro (default): the distro's rating first, as above;\n"
	"                         cvss: the CVSS score first, then the label, then the\n"
	"                         distro's rating\n"
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
	"                         status, severity and why it is or is not suppressed\n"
	"  --show-suppressed      table: also list suppressed and covered matches\n"
	"  --max-db-age DAYS      warn when the database's newest data is older than\n"
	"                         DAYS (default 7; 0 disables)\n"
	"  --timings              print analysis and matching times on stderr (also\n"
	"                         with CUSTOMS_TIMINGS=1)\n"
	"\n"
	"With --policy, the bundle is evaluated too (as `customs evaluate` does): the\n"
	"table ends with the evaluation, the JSON holds it as \"policy\".\n"
	"\n"
	"With a store (--store, $CUSTOMS_STORE) an image the store holds is not read\n"
	"again (nor are its known layers), its matches against the same database are\n"
	"reused, and when a stored image is its base (its layers are the first ones of\n"
	"this image) the findings are split into those inherited from the base and\n"
	"those its own layers introduced (and --policy splits its findings there too\n"
	"unless --base-layers says otherwise).\n"
	"\n"
	"Exit codes: 0 done, 1 a match at or above --fail-on, or the policy's STOP,\n"
	"2 usage error, 3 the image, the database or the bundle could not be read (or\n"
	"the database fetched), 4 results written but part of the image could not be\n"
	"read.\n"
	"\n" CLI_POLICY_USAGE "\n" CLI_IMAGE_USAGE "\n" CLI_STORE_USAGE;

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
	OPT_SEVERITY_SOURCE,
	OPT_OFFLINE,
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
			"customs scan: warning: the vulnerability database's newest data is from %.10s (%.0f days old, "
			"over "
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

/* The database a scan reads: one handle per core (the matcher spreads its
 * lookups over them), its status read on a thread while the image is
 * analysed. */
struct scan_db {
	customs_vulndb *db, *more[3];
	size_t nmore;
	struct status_job job;
	pthread_t th;
	int started;
};

static int scan_db_open(struct scan_db *sd, const char *path)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	if (customs_vulndb_open(&sd->db, path, 1) < 0)
		return cli_error(EXIT_FAILED, "scan", "%s", customs_error_last());
	while (sd->nmore < (size_t)(ncpu > 4   ? 4
				    : ncpu > 1 ? ncpu
					       : 1) -
				   1 &&
	       customs_vulndb_open(&sd->more[sd->nmore], path, 1) == 0)
		sd->nmore++;
	sd->job.db = sd->db;
	return 0;
}

static void scan_db_status_start(struct scan_db *sd)
{
	sd->started = pthread_create(&sd->th, NULL, status_run, &sd->job) == 0;
}

static void scan_db_status_join(struct scan_db *sd)
{
	if (sd->started)
		pthread_join(sd->th, NULL);
	else
		status_run(&sd->job);
}

static void scan_db_close(struct scan_db *sd)
{
	customs_vulndb_info_free(sd->job.info);
	for (size_t i = 0; i < sd->nmore; i++)
		customs_vulndb_free(sd->more[i]);
	customs_vulndb_free(sd->db);
}

/* No database there yet (an empty file is none either). */
static int no_database(const char *path)
{
	struct stat st;
	return stat(path, &st) != 0 ? errno == ENOENT : st.st_size == 0;
}

/* An image reference that is pulled from a registry: a registry scheme, or
 * no scheme and nothing at that path (the source table's own rule). */
static int remote_image(const char *ref)
{
	static const char *const local[] = {"oci:", "oci-dir:", "dir:", "oci-archive:", "docker-archive:", "sbom:"};
	struct stat st;
	if (!strncmp(ref, "registry:", 9) || !strncmp(ref, "docker://", 9))
		return 1;
	for (size_t i = 0; i < sizeof(local) / sizeof(local[0]); i++)
		if (!strncmp(ref, local[i], strlen(local[i])))
			return 0;
	return stat(ref, &st) != 0;
}

/* The feeds' progress: on a terminal one line rewritten per feed, else
 * nothing but the line before; a feed that failed is a warning. */
struct fetch_ui {
	int tty, quiet;
	size_t done, n;
};

static void fetch_progress(void *ud, const char *msg)
{
	struct fetch_ui *u = ud;
	u->done++;
	if (u->quiet)
		return;
	if (strstr(msg, ": failed: "))
		fprintf(stderr, "%scustoms scan: warning: %s\n", u->tty ? "\r\033[K" : "", msg);
	if (u->tty)
		fprintf(stderr, "\r\033[Kcustoms scan: fetching the vulnerability feeds: %zu/%zu %.60s", u->done, u->n,
			msg);
}

/* No database yet: fetch the feeds into it first, as `db update` does
 * (--offline never comes here).  0 or an exit code. */
static int fetch_feeds(const char *dbpath, int quiet)
{
	const customs_vulndb_feed *feeds;
	customs_vulndb_feed *loaded = NULL;
	customs_vulndb_update_summary *s = NULL;
	customs_vulndb_update_opts o;
	struct fetch_ui ui = {!quiet && isatty(2), quiet, 0, 0};
	int rc;

	if ((rc = cli_feeds(&feeds, &ui.n, &loaded, NULL, "scan")) != 0)
		return rc;
	if (!quiet && !ui.tty)
		fprintf(stderr,
			"customs scan: no vulnerability database at %s: fetching its %zu feeds first, as `customs db "
			"update` does (--offline never does)\n",
			dbpath, ui.n);
	memset(&o, 0, sizeof(o));
	o.version = CUSTOMS_VULNDB_IMPORT_OPTS_VERSION;
	o.import.version = CUSTOMS_VULNDB_IMPORT_OPTS_VERSION;
	o.progress = fetch_progress;
	o.ud = &ui;
	if (customs_vulndb_update(dbpath, feeds, ui.n, &o, &s) < 0)
		rc = cli_error(
			EXIT_FAILED, "scan",
			"%sno vulnerability database at %s, and fetching the feeds failed: %s; build it offline with "
			"`customs db import FEED...`",
			ui.tty ? "\r\033[K" : "", dbpath, customs_error_last());
	else if (ui.tty)
		fprintf(stderr, "\r\033[Kcustoms scan: fetched %zu of %zu feeds into %s%s%s\n", s->fetched, ui.n,
			dbpath, s->import && s->import->log_path ? "; import warnings in " : "",
			s->import && s->import->log_path ? s->import->log_path : "");
	customs_vulndb_update_summary_free(s);
	customs_vulndb_feeds_free(loaded, loaded ? ui.n : 0);
	return rc;
}

/* --ignore and --vex files into one rule set: 0 or an exit code */
static int load_rules(customs_match_rules **out, const char *const *ignores, size_t nignores, const char *const *vexes,
		      size_t nvexes)
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

/* The matches, through the store when there is one (its matches of this
 * build reused, or kept) with the image's base there: 0 or an exit code. */
static int match(customs_match_result **res, customs_store_base **base, customs_store *store, customs_vulndb *db,
		 const customs_vulndb_info *info, const customs_analysis *a, const customs_match_opts *mo)
{
	if (store ? customs_store_match(store, res, a, db, info, mo, NULL) < 0
		  : customs_match_analysis(res, db, a, mo) < 0)
		return cli_error(EXIT_FAILED, "scan", "matching: %s", customs_error_last());
	int err = store ? customs_store_base_of(store, base, a) : 0;
	if (err < 0 && err != CUSTOMS_ENOTFOUND)
		return cli_error(EXIT_FAILED, "scan", "%s", customs_error_last());
	return 0;
}

/* The database's path (--db, else the default) into *dbpath, and whether
 * there is none yet (scan fetches the feeds then, unless offline): 0 or an
 * exit code with the error printed. */
static int scan_db_path(char **dbpath, int *missing, const char *dbopt, int offline)
{
	*dbpath = NULL;
	if (dbopt)
		*dbpath = strdup(dbopt);
	else if (customs_vulndb_default_path(dbpath) < 0)
		return cli_error(EXIT_FAILED, "scan", "%s", customs_error_last());
	if (!*dbpath)
		return cli_error(EXIT_FAILED, "scan", "out of memory");
	if ((*missing = no_database(*dbpath)) && offline)
		return cli_error(EXIT_FAILED, "scan",
				 "no vulnerability database at %s, and --offline does not fetch one: build it with "
				 "`customs db import FEED...` (files) or `customs db update`",
				 *dbpath);
	return 0;
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
		{"severity-source", 0, required_argument, OPT_SEVERITY_SOURCE},
		{"offline", 0, no_argument, OPT_OFFLINE},
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
	int show_suppressed = 0, offline = 0, timings = cli_timings_env();
	long max_db_age = 7;
	int opt, rc;

	cli_parser_init(&p, "scan", argc, argv, opts, CLI_IMAGE_GROUPS | CLI_OPTS_STORE | CLI_OPTS_POLICY, &io);
	while ((opt = cli_next(&p)) > 0) {
		switch (opt) {
		case 'o':
			if ((rc = cli_output_add(&outs, "scan", optarg, CUSTOMS_REPORT_SCAN)) != 0)
				return rc;
			break;
		case OPT_DB: dbopt = optarg; break;
		case OPT_FAIL_ON:
			if (customs_severity_parse(&threshold, optarg) < 0)
				return cli_usage_error(
					"scan",
					"--fail-on wants negligible, low, medium, high, critical or unknown, not '%s'",
					optarg);
			fail_on = optarg;
			break;
		case OPT_ONLY_FIXED: mo.only_fixed = 1; break;
		case OPT_HIDE_STATUS: mo.hide_status = optarg; break;
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
		case OPT_EXPLAIN: mo.explain_id = optarg; break;
		case OPT_SHOW_SUPPRESSED: show_suppressed = 1; break;
		case OPT_MAX_DB_AGE: {
			char *end;
			errno = 0;
			max_db_age = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || max_db_age < 0)
				return cli_usage_error("scan", "--max-db-age wants a number of days, not '%s'", optarg);
			break;
		}
		case OPT_SEVERITY_SOURCE:
			if (customs_severity_source_parse(&mo.severity_source, optarg) < 0)
				return cli_usage_error("scan", "--severity-source wants distro or cvss, not '%s'",
						       optarg);
			break;
		case OPT_TIMINGS: timings = 1; break;
		case OPT_OFFLINE: offline = 1; break;
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
	struct scan_db sd;
	customs_match_rules *rules = NULL;
	customs_analysis *a = NULL;
	customs_match_result *res = NULL;
	customs_store_base *base = NULL;
	customs_policy_result *pr = NULL;
	double t0 = cli_now_ms(), t_db, t_an, t_match, t_out;
	int missing = 0;

	memset(&sd, 0, sizeof(sd));
	if (offline && remote_image(image))
		return cli_usage_error("scan",
				       "--offline: %s would be pulled from a registry; give a local image "
				       "(oci:DIR, docker-archive:FILE, oci-archive:FILE, dir:DIR, sbom:FILE)",
				       image);
	if ((rc = scan_db_path(&dbpath, &missing, dbopt, offline)) != 0)
		goto done;
	if (!missing && (rc = scan_db_open(&sd, dbpath)) != 0)
		goto done;
	if ((rc = cli_policy_prepare(&io, "scan")) != 0)
		goto done;
	if ((nignores || nvexes) && (rc = load_rules(&rules, ignores, nignores, vexes, nvexes)) != 0)
		goto done;
	mo.rules = rules;
	t_db = cli_now_ms();

	/* a scan writes no file catalog: a stored image is loaded without it */
	io.load_flags = CUSTOMS_STORE_LOAD_NO_FILES;
	/* the image next (with the database status alongside): a mistake in
	 * its name is said before any download */
	if (!missing)
		scan_db_status_start(&sd);
	rc = cli_analyze(&a, "scan", image, &io);
	if (!missing)
		scan_db_status_join(&sd);
	if (rc != 0)
		goto done;
	if (missing && ((rc = fetch_feeds(dbpath, io.quiet)) != 0 || (rc = scan_db_open(&sd, dbpath)) != 0))
		goto done;
	if (missing)
		status_run(&sd.job);
	if (sd.job.err < 0) {
		rc = cli_error(EXIT_FAILED, "scan", "%s", sd.job.msg);
		goto done;
	}
	check_db_age(sd.job.info, max_db_age, io.quiet);
	mo.more_dbs = sd.more;
	mo.nmore_dbs = sd.nmore;
	/* the packages a container has, in a stable order: matches and every
	 * report index them */
	customs_analysis_select_packages(a, 0);
	t_an = cli_now_ms();
	if ((rc = match(&res, &base, io.store, sd.db, sd.job.info, a, &mo)) != 0)
		goto done;
	t_match = cli_now_ms();
	if (!io.quiet)
		for (size_t i = 0; i < res->nwarnings; i++)
			fprintf(stderr, "customs scan: warning: %s\n", res->warnings[i]);

	/* the store's base splits the evaluation as it splits the matches */
	if (base && !io.policy.base_layers && base->layers <= (size_t)INT_MAX)
		io.policy.base_layers = (int)base->layers;
	if (io.policy.bundle && ((rc = cli_policy_run(&io, "scan", a, res, sd.db, sd.job.info, &pr)) != 0 ||
				 (rc = cli_policy_keep(&io, "scan", a, pr)) != 0))
		goto done;

	int failed = 0;
	for (size_t i = 0; fail_on && i < res->n; i++)
		if (customs_match_active(&res->matches[i]) && res->matches[i].severity >= threshold)
			failed = 1;

	customs_report r = {.version = CUSTOMS_REPORT_VERSION,
			    .kind = CUSTOMS_REPORT_SCAN,
			    .analysis = a,
			    .matches = res,
			    .vulndb = sd.job.info,
			    .db = sd.db,
			    .show_suppressed = show_suppressed,
			    .fail_on = fail_on,
			    .failed = failed,
			    .explain_id = mo.explain_id,
			    .explain_rules = nignores + nvexes,
			    .base = base,
			    .policy = pr};
	rc = write_results(&r, &outs);
	t_out = cli_now_ms();
	if (timings)
		fprintf(stderr,
			"customs scan: timings: database open %.1f ms, analysis %.1f ms (database status alongside), "
			"match %.1f ms (%zu packages, %zu matches, %zu threads), output %.1f ms, total %.1f ms\n",
			t_db - t0, t_an - t_db, t_match - t_an, res->packages, res->n, sd.nmore + 1, t_out - t_match,
			t_out - t0);
	if (!rc && failed)
		rc = EXIT_FINDINGS;
	if (!rc && pr)
		rc = cli_policy_exit(pr, &io.policy);
	if (!rc)
		rc = cli_analysis_exit(a);
done:
	customs_policy_result_free(pr);
	cli_policy_release(&io);
	if (io.store)
		customs_store_matches_free(res);
	else
		customs_match_result_free(res);
	customs_store_base_free(base);
	customs_store_free(io.store);
	customs_analysis_free(a);
	customs_match_rules_free(rules);
	scan_db_close(&sd);
	free(dbpath);
	return rc;
}
