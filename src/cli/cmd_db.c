/* cmd_db.c - `customs db import|update|status`: build, refresh and describe
 * the local vulnerability database (include/customs/vuln.h). */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "customs/errors.h"
#include "customs/vuln.h"
#include "cli.h"
#include "common.h"

const char cmd_db_usage[] =
	"usage: customs db import [--db PATH] [--name NAME] [--drop NAME]... [--quiet] FILE|DIR...\n"
	"       customs db update [--db PATH] [--config FILE] [--list] [--ca-file FILE] [--quiet]\n"
	"       customs db status [--db PATH] [-o table|json] [--max-age DAYS]\n"
	"       customs db show [--db PATH] [-o table|json] ID\n"
	"       customs db affected [--db PATH] [-o table|json] NAMESPACE PACKAGE\n"
	"\n"
	"The vulnerability database is one SQLite file, built offline from feeds;\n"
	"scanning never needs the network, and an air-gapped site copies the file.\n"
	"\n"
	"import   read feeds from files and directories: OSV JSON records, directories\n"
	"         and zips of them (osv.dev's per-ecosystem all.zip), Alpine secdb JSON,\n"
	"         the Debian security tracker JSON, NVD CVE API 2.0 JSON, EPSS CSV and\n"
	"         CISA KEV JSON, each also gzip-compressed; the format is recognised\n"
	"         from the content.  Each input is a feed, named after its file or\n"
	"         directory (loose OSV files after their directory): importing a feed\n"
	"         again replaces its records, other feeds stay.  Bad records are\n"
	"         warnings naming the file and record; the import goes on.\n"
	"update   download the configured feeds (conditional requests: ETag and\n"
	"         Last-Modified of the last download), then import what changed.\n"
	"status   feeds with their record counts, newest record and age.\n"
	"show     one vulnerability: text, scores, aliases and related ids, NVD/EPSS/KEV\n"
	"         data of its CVEs, affected packages.\n"
	"affected the entries for one package: NAMESPACE is debian:12, alpine:3.21,\n"
	"         ubuntu:22.04, almalinux:9, rhel:9, npm, pypi, maven, go, crates.io, ...;\n"
	"         PACKAGE the source package for distros.\n"
	"\n"
	"The database is built in a temporary file next to PATH and renamed over it\n"
	"when complete: an interrupted import leaves the old database in use.\n"
	"\n"
	"Options:\n"
	"  --db PATH          database file (default: $CUSTOMS_DB, else\n"
	"                     $XDG_DATA_HOME/customs/vulndb.sqlite, else\n"
	"                     ~/.local/share/customs/vulndb.sqlite)\n"
	"  --name NAME        import: the feed name of the (single) input\n"
	"  --drop NAME        import: also remove feed NAME from the database (repeatable)\n"
	"  --config FILE      update: feeds to fetch, one \"NAME URL\" per line ('#' comments),\n"
	"                     replacing the built-in list\n"
	"  --list             update: print the feeds that would be fetched and exit\n"
	"  --ca-file FILE     update: PEM certificates to verify the feed servers with\n"
	"  -o, --output FMT   status: table (default) or json\n"
	"  --max-age DAYS     status: exit 1 with a warning when a feed's data is older\n"
	"  --quiet            no warnings or progress on stderr\n"
	"\n"
	"Exit codes: 0 done, 1 (status --max-age) data too old, 2 usage error,\n"
	"3 the database or an input could not be read or written.\n";

enum {
	OPT_DB = 1000,
	OPT_NAME,
	OPT_DROP,
	OPT_CONFIG,
	OPT_LIST,
	OPT_CA,
	OPT_MAX_AGE,
	OPT_Q,
};

struct warn_state {
	int quiet;
	long shown;
};

static void on_warn(void *ud, const char *msg)
{
	struct warn_state *w = ud;
	if (w->quiet)
		return;
	fprintf(stderr, "customs db: warning: %s\n", msg);
	w->shown++;
}

static void on_progress(void *ud, const char *msg)
{
	struct warn_state *w = ud;
	if (!w->quiet)
		fprintf(stderr, "customs db update: %s\n", msg);
}

static int db_path(char **out, const char *opt)
{
	if (opt) {
		*out = strdup(opt);
		return *out ? 0 : cli_error(EXIT_FAILED, "db", "out of memory");
	}
	if (customs_vulndb_default_path(out) < 0)
		return cli_error(EXIT_FAILED, "db", "%s", customs_error_last());
	return 0;
}

static void print_summary(const customs_vulndb_import_summary *s, const char *path)
{
	printf("%-28s %-15s %9s %9s  %s\n", "FEED", "KIND", "RECORDS", "AFFECTED", "NOTES");
	for (size_t i = 0; i < s->nsources; i++) {
		const customs_vulndb_import_source *x = &s->sources[i];
		char skipped[256] = "";
		size_t o = 0;
#define SK(field, label)                                                                                      \
	if (x->field && o < sizeof(skipped))                                                                    \
		o += (size_t)snprintf(skipped + o, sizeof(skipped) - o, "%s%lld " label, o ? ", " : "", (long long)x->field);
		SK(withdrawn, "withdrawn");
		SK(empty_package, "without package");
		SK(git_ranges, "GIT ranges");
		SK(unknown_ecosystem, "other ecosystems");
		SK(malformed, "malformed");
		SK(bad_versions, "bad versions");
		SK(duplicates, "duplicates");
		SK(not_affected, "not-affected markers");
#undef SK
		printf("%-28s %-15s %9lld %9lld  %s\n", x->name, x->kind, (long long)x->records, (long long)x->affected,
		       o ? skipped : "-");
	}
	printf("%zu feed%s imported into %s in %.1f s, %lld warning%s\n", s->nsources, s->nsources == 1 ? "" : "s", path,
	       s->seconds, (long long)s->warnings, s->warnings == 1 ? "" : "s");
}

static int db_import(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, OPT_DB},     {"name", required_argument, NULL, OPT_NAME},
		{"drop", required_argument, NULL, OPT_DROP}, {"quiet", no_argument, NULL, OPT_Q},
		{NULL, 0, NULL, 0},
	};
	const char *dbopt = NULL, *name = NULL;
	const char **drop = calloc((size_t)argc + 1, sizeof(*drop));
	size_t ndrop = 0;
	struct warn_state ws = {0, 0};
	char *path = NULL;
	int opt, rc = EXIT_OK;

	if (!drop)
		return cli_error(EXIT_FAILED, "db import", "out of memory");
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "q", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_DB:
			dbopt = optarg;
			break;
		case OPT_NAME:
			name = optarg;
			break;
		case OPT_DROP:
			drop[ndrop++] = optarg;
			break;
		case 'q':
		case OPT_Q:
			ws.quiet = 1;
			break;
		default:
			free(drop);
			return cli_usage_error("db", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc && !ndrop) {
		free(drop);
		return cli_usage_error("db", "import needs FILE or DIR arguments");
	}
	if (name && argc - optind != 1) {
		free(drop);
		return cli_usage_error("db", "--name applies to exactly one input");
	}
	if ((rc = db_path(&path, dbopt)) != 0) {
		free(drop);
		return rc;
	}
	size_t n = (size_t)(argc - optind);
	customs_vulndb_input *in = calloc(n + 1, sizeof(*in));
	if (!in) {
		free(drop);
		free(path);
		return cli_error(EXIT_FAILED, "db import", "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		in[i].path = argv[optind + (int)i];
		in[i].name = name;
	}
	customs_vulndb_import_opts o = {CUSTOMS_VULNDB_IMPORT_OPTS_VERSION, on_warn, &ws, 0, 0, ndrop ? drop : NULL};
	customs_vulndb_import_summary *s = NULL;
	if (customs_vulndb_import(path, in, n, &o, &s) < 0) {
		rc = cli_error(EXIT_FAILED, "db import", "%s (the database is unchanged)", customs_error_last());
	} else {
		print_summary(s, path);
		customs_vulndb_import_summary_free(s);
	}
	free(in);
	free(drop);
	free(path);
	return rc;
}

static int db_update(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, OPT_DB},   {"config", required_argument, NULL, OPT_CONFIG},
		{"list", no_argument, NULL, OPT_LIST},     {"ca-file", required_argument, NULL, OPT_CA},
		{"quiet", no_argument, NULL, OPT_Q},       {NULL, 0, NULL, 0},
	};
	const char *dbopt = NULL, *config = NULL, *ca = NULL;
	struct warn_state ws = {0, 0};
	customs_vulndb_feed *loaded = NULL;
	const customs_vulndb_feed *feeds;
	size_t nfeeds = 0;
	char *path = NULL;
	int opt, list = 0, rc = EXIT_OK;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "q", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_DB:
			dbopt = optarg;
			break;
		case OPT_CONFIG:
			config = optarg;
			break;
		case OPT_LIST:
			list = 1;
			break;
		case OPT_CA:
			ca = optarg;
			break;
		case 'q':
		case OPT_Q:
			ws.quiet = 1;
			break;
		default:
			return cli_usage_error("db", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("db", "update takes no arguments ('%s'); list feeds with --config", argv[optind]);
	if (config) {
		if (customs_vulndb_feeds_load(&loaded, &nfeeds, config) < 0)
			return cli_error(EXIT_USAGE, "db update", "%s", customs_error_last());
		feeds = loaded;
	} else {
		feeds = customs_vulndb_default_feeds();
		while (feeds[nfeeds].name)
			nfeeds++;
	}
	if (list) {
		for (size_t i = 0; i < nfeeds; i++)
			printf("%s %s\n", feeds[i].name, feeds[i].url);
		customs_vulndb_feeds_free(loaded, loaded ? nfeeds : 0);
		return EXIT_OK;
	}
	if ((rc = db_path(&path, dbopt)) != 0) {
		customs_vulndb_feeds_free(loaded, loaded ? nfeeds : 0);
		return rc;
	}
	customs_vulndb_update_opts o;
	memset(&o, 0, sizeof(o));
	o.version = CUSTOMS_VULNDB_IMPORT_OPTS_VERSION;
	o.import.version = CUSTOMS_VULNDB_IMPORT_OPTS_VERSION;
	o.import.warn = on_warn;
	o.import.ud = &ws;
	o.progress = on_progress;
	o.ud = &ws;
	o.ca_file = ca;
	customs_vulndb_update_summary *s = NULL;
	if (customs_vulndb_update(path, feeds, nfeeds, &o, &s) < 0) {
		rc = cli_error(EXIT_FAILED, "db update", "%s", customs_error_last());
	} else {
		if (s->import)
			print_summary(s->import, path);
		printf("%zu feed%s downloaded, %zu not modified, %zu failed\n", s->fetched, s->fetched == 1 ? "" : "s",
		       s->not_modified, s->failed);
		customs_vulndb_update_summary_free(s);
	}
	customs_vulndb_feeds_free(loaded, loaded ? nfeeds : 0);
	free(path);
	return rc;
}

/* Seconds since the epoch of "YYYY-MM-DD[THH:MM:SS...]" or an HTTP date; -1. */
static time_t parse_time(const char *s)
{
	struct tm tm;
	const char *e;

	if (!s)
		return -1;
	memset(&tm, 0, sizeof(tm));
	if ((e = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) || (e = strptime(s, "%Y-%m-%d", &tm)))
		return timegm(&tm);
	memset(&tm, 0, sizeof(tm));
	if (strptime(s, "%a, %d %b %Y %H:%M:%S", &tm))
		return timegm(&tm);
	return -1;
}

/* The date a source's data is as of: its newest record, else the server's
 * Last-Modified, else when it was imported. */
static time_t data_time(const customs_vulndb_source *x)
{
	time_t t = parse_time(x->newest);
	if (t < 0)
		t = parse_time(x->last_modified);
	if (t < 0)
		t = parse_time(x->imported_at);
	return t;
}

static int db_status(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, OPT_DB},
		{"output", required_argument, NULL, 'o'},
		{"max-age", required_argument, NULL, OPT_MAX_AGE},
		{NULL, 0, NULL, 0},
	};
	const char *dbopt = NULL, *output = "table";
	long max_age = -1;
	char *path = NULL, *end;
	int opt, rc = EXIT_OK;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_DB:
			dbopt = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case OPT_MAX_AGE:
			errno = 0;
			max_age = strtol(optarg, &end, 10);
			if (errno || *end || max_age < 0)
				return cli_usage_error("db", "--max-age wants a number of days, not '%s'", optarg);
			break;
		default:
			return cli_usage_error("db", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (strcmp(output, "table") && strcmp(output, "json"))
		return cli_usage_error("db", "unknown output format '%s'; use table or json", output);
	if (optind < argc)
		return cli_usage_error("db", "status takes no arguments ('%s')", argv[optind]);
	if ((rc = db_path(&path, dbopt)) != 0)
		return rc;

	customs_vulndb *db = NULL;
	customs_vulndb_info *s = NULL;
	if (customs_vulndb_open(&db, path, 1) < 0 || customs_vulndb_status(db, &s) < 0) {
		rc = cli_error(EXIT_FAILED, "db status", "%s", customs_error_last());
		customs_vulndb_free(db);
		free(path);
		return rc;
	}
	time_t now = time(NULL);
	int too_old = 0;

	if (!strcmp(output, "json")) {
		json_t *j = json_object(), *srcs = json_array(), *nss = json_array();
		json_object_set_new(j, "path", json_string(s->path));
		json_object_set_new(j, "schema_version", json_integer(s->schema_version));
		json_object_set_new(j, "built_at", s->built_at ? json_string(s->built_at) : json_null());
		json_object_set_new(j, "vulnerabilities", json_integer(s->vulns));
		json_object_set_new(j, "affected", json_integer(s->affected));
		json_object_set_new(j, "alias_links", json_integer(s->aliases));
		json_object_set_new(j, "nvd", json_integer(s->nvd));
		json_object_set_new(j, "epss", json_integer(s->epss));
		json_object_set_new(j, "kev", json_integer(s->kev));
		for (size_t i = 0; i < s->nsources; i++) {
			const customs_vulndb_source *x = &s->sources[i];
			time_t t = data_time(x);
			json_t *o = json_object();
#define JS(k, v) json_object_set_new(o, k, (v) ? json_string(v) : json_null())
			JS("name", x->name);
			JS("kind", x->kind);
			JS("url", x->url);
			JS("etag", x->etag);
			JS("last_modified", x->last_modified);
			JS("imported_at", x->imported_at);
#undef JS
			json_object_set_new(o, "records", json_integer(x->records));
			json_object_set_new(o, "affected", json_integer(x->affected));
			json_object_set_new(o, "newest", x->newest ? json_string(x->newest) : json_null());
			json_object_set_new(o, "age_days", t >= 0 ? json_real((double)(now - t) / 86400.0) : json_null());
			json_array_append_new(srcs, o);
		}
		for (size_t i = 0; i < s->nnamespaces; i++) {
			json_t *o = json_object();
			json_object_set_new(o, "namespace", json_string(s->namespaces[i].ns));
			json_object_set_new(o, "affected", json_integer(s->namespaces[i].affected));
			json_object_set_new(o, "packages", json_integer(s->namespaces[i].packages));
			json_object_set_new(o, "vulnerabilities", json_integer(s->namespaces[i].vulns));
			json_array_append_new(nss, o);
		}
		json_object_set_new(j, "sources", srcs);
		json_object_set_new(j, "namespaces", nss);
		rc = cli_write_json(j, NULL);
		json_decref(j);
	} else {
		printf("Database    %s (schema %d)\n", s->path, s->schema_version);
		printf("Built       %s\n", s->built_at ? s->built_at : "never (empty)");
		printf("Contents    %lld vulnerabilities, %lld affected entries, %lld alias links\n", (long long)s->vulns,
		       (long long)s->affected, (long long)s->aliases);
		printf("Enrichment  NVD %lld, EPSS %lld, KEV %lld CVEs\n\n", (long long)s->nvd, (long long)s->epss,
		       (long long)s->kev);
		printf("%-28s %-15s %9s %9s  %-20s %8s  %s\n", "FEED", "KIND", "RECORDS", "AFFECTED", "NEWEST", "AGE", "IMPORTED");
		for (size_t i = 0; i < s->nsources; i++) {
			const customs_vulndb_source *x = &s->sources[i];
			time_t t = data_time(x);
			char age[32] = "?";
			if (t >= 0)
				snprintf(age, sizeof(age), "%.0fd", (double)(now - t) / 86400.0);
			printf("%-28s %-15s %9lld %9lld  %-20.20s %8s  %s\n", x->name, x->kind, (long long)x->records,
			       (long long)x->affected, x->newest ? x->newest : "-", age, x->imported_at ? x->imported_at : "-");
		}
		if (s->nnamespaces) {
			printf("\n%-20s %9s %9s %9s\n", "NAMESPACE", "AFFECTED", "PACKAGES", "VULNS");
			for (size_t i = 0; i < s->nnamespaces; i++)
				printf("%-20s %9lld %9lld %9lld\n", s->namespaces[i].ns, (long long)s->namespaces[i].affected,
				       (long long)s->namespaces[i].packages, (long long)s->namespaces[i].vulns);
		}
	}
	if (max_age >= 0) {
		for (size_t i = 0; i < s->nsources; i++) {
			time_t t = data_time(&s->sources[i]);
			double days = t >= 0 ? (double)(now - t) / 86400.0 : 1e9;
			if (days > (double)max_age) {
				fprintf(stderr, "customs db status: warning: feed %s is %.0f days old (newest data %s), over --max-age %ld\n",
					s->sources[i].name, days,
					s->sources[i].newest ? s->sources[i].newest : "unknown", max_age);
				too_old = 1;
			}
		}
		if (!s->nsources) {
			fprintf(stderr, "customs db status: warning: the database has no feeds\n");
			too_old = 1;
		}
	}
	customs_vulndb_info_free(s);
	customs_vulndb_free(db);
	free(path);
	if (rc == EXIT_OK && too_old)
		rc = EXIT_FINDINGS;
	return rc;
}

/* ---- show and affected: the query API from the command line ---- */

static json_t *jstr_or_null(const char *s) { return s ? json_string(s) : json_null(); }
static json_t *jscore(double d) { return d >= 0 ? json_real(d) : json_null(); }

static const char *relation_name(customs_vuln_relation r)
{
	return r == CUSTOMS_VULN_SELF ? "self" : r == CUSTOMS_VULN_ALIAS ? "alias" : r == CUSTOMS_VULN_RELATED ? "related" : "upstream";
}

static json_t *affected_json(const customs_vuln_affected *a)
{
	json_t *o = json_object(), *fixed = json_array();
	json_error_t je;
	json_object_set_new(o, "id", json_string(a->vuln_id));
	json_object_set_new(o, "feed", json_string(a->source));
	json_object_set_new(o, "namespace", json_string(a->ns));
	json_object_set_new(o, "package", json_string(a->package));
	json_object_set_new(o, "ecosystem", json_string(a->ecosystem));
	json_object_set_new(o, "scheme", json_string(a->scheme));
	json_object_set_new(o, "fix_state", json_string(customs_fix_state_name(a->fix_state)));
	for (size_t i = 0; i < a->nfixed; i++)
		json_array_append_new(fixed, json_string(a->fixed[i]));
	json_object_set_new(o, "fixed", fixed);
	json_object_set_new(o, "status", jstr_or_null(a->status));
	json_object_set_new(o, "urgency", jstr_or_null(a->urgency));
	json_object_set_new(o, "severity", jstr_or_null(a->severity));
	json_t *r = a->ranges_json ? json_loads(a->ranges_json, 0, &je) : NULL;
	json_object_set_new(o, "ranges", r ? r : json_array());
	json_object_set_new(o, "versions", json_integer((json_int_t)a->nversions));
	return o;
}

static int add_affected(void *ud, const customs_vuln_affected *a)
{
	return json_array_append_new(ud, affected_json(a)) < 0 ? -1 : 0;
}

static int print_affected(void *ud, const customs_vuln_affected *a)
{
	(void)ud;
	printf("%s\t%s\t%s\t%s\t", a->vuln_id, a->source, a->ns, customs_fix_state_name(a->fix_state));
	for (size_t i = 0; i < a->nfixed; i++)
		printf("%s%s", i ? "," : "", a->fixed[i]);
	printf("%s\t%s\t%s\t%s\n", a->nfixed ? "" : "-", a->status ? a->status : "-", a->urgency ? a->urgency : "-",
	       a->ranges_json ? a->ranges_json : "-");
	return 0;
}

/* Open the database of --db for reading; an exit code on failure. */
static int open_ro(customs_vulndb **db, const char *dbopt, const char *cmd)
{
	char *path = NULL;
	int rc = db_path(&path, dbopt);
	if (rc)
		return rc;
	if (customs_vulndb_open(db, path, 1) < 0)
		rc = cli_error(EXIT_FAILED, cmd, "%s", customs_error_last());
	free(path);
	return rc;
}

static int parse_query_opts(int argc, char **argv, const char *cmd, const char **dbopt, const char **output)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, OPT_DB},
		{"output", required_argument, NULL, 'o'},
		{NULL, 0, NULL, 0},
	};
	int opt;
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		if (opt == OPT_DB)
			*dbopt = optarg;
		else if (opt == 'o')
			*output = optarg;
		else
			return cli_usage_error("db", "unknown option '%s'", argv[optind - 1]);
	}
	if (strcmp(*output, "table") && strcmp(*output, "json"))
		return cli_usage_error("db", "unknown output format '%s'; use table or json", *output);
	(void)cmd;
	return 0;
}

static int db_affected(int argc, char **argv)
{
	const char *dbopt = NULL, *output = "table";
	customs_vulndb *db = NULL;
	int rc;

	if ((rc = parse_query_opts(argc, argv, "db affected", &dbopt, &output)) != 0)
		return rc;
	if (argc - optind != 2)
		return cli_usage_error("db", "affected needs NAMESPACE and PACKAGE (debian:12 openssl)");
	if ((rc = open_ro(&db, dbopt, "db affected")) != 0)
		return rc;
	const char *ns = argv[optind], *pkg = argv[optind + 1];
	if (!strcmp(output, "json")) {
		json_t *arr = json_array();
		if (customs_vulndb_affected(db, ns, pkg, add_affected, arr) < 0)
			rc = cli_error(EXIT_FAILED, "db affected", "%s", customs_error_last());
		else
			rc = cli_write_json(arr, NULL);
		json_decref(arr);
	} else if (customs_vulndb_affected(db, ns, pkg, print_affected, NULL) < 0) {
		rc = cli_error(EXIT_FAILED, "db affected", "%s", customs_error_last());
	}
	customs_vulndb_free(db);
	return rc;
}

static json_t *enrichment_json(const customs_vuln_enrichment *e)
{
	json_t *o = json_object(), *cwes = json_array();
	json_object_set_new(o, "cve", json_string(e->cve));
	if (e->has_nvd) {
		json_object_set_new(o, "nvd_cvss3_score", jscore(e->nvd_cvss3_score));
		json_object_set_new(o, "nvd_cvss3_vector", jstr_or_null(e->nvd_cvss3_vector));
		json_object_set_new(o, "nvd_cvss4_score", jscore(e->nvd_cvss4_score));
		json_object_set_new(o, "nvd_cvss4_vector", jstr_or_null(e->nvd_cvss4_vector));
		for (size_t i = 0; i < e->nnvd_cwes; i++)
			json_array_append_new(cwes, json_string(e->nvd_cwes[i]));
		json_object_set_new(o, "nvd_published", jstr_or_null(e->nvd_published));
	}
	json_object_set_new(o, "nvd_cwes", cwes);
	if (e->has_epss) {
		json_object_set_new(o, "epss", jscore(e->epss_score));
		json_object_set_new(o, "epss_percentile", jscore(e->epss_percentile));
		json_object_set_new(o, "epss_date", jstr_or_null(e->epss_date));
	}
	json_object_set_new(o, "kev", json_boolean(e->kev));
	if (e->kev) {
		json_object_set_new(o, "kev_date_added", jstr_or_null(e->kev_date_added));
		json_object_set_new(o, "kev_due_date", jstr_or_null(e->kev_due_date));
		json_object_set_new(o, "kev_ransomware", jstr_or_null(e->kev_ransomware));
	}
	return o;
}

static int db_show(int argc, char **argv)
{
	const char *dbopt = NULL, *output = "table";
	customs_vulndb *db = NULL;
	customs_vuln_record *r = NULL;
	int rc;

	if ((rc = parse_query_opts(argc, argv, "db show", &dbopt, &output)) != 0)
		return rc;
	if (argc - optind != 1)
		return cli_usage_error("db", "show needs one vulnerability ID");
	if ((rc = open_ro(&db, dbopt, "db show")) != 0)
		return rc;
	if (customs_vulndb_vuln(db, argv[optind], &r) < 0) {
		rc = cli_error(EXIT_FAILED, "db show", "%s", customs_error_last());
		customs_vulndb_free(db);
		return rc;
	}
	json_t *o = json_object(), *group = json_array(), *enr = json_array(), *aff = json_array(), *cwes = json_array();
	json_object_set_new(o, "id", json_string(r->id));
	json_object_set_new(o, "feed", jstr_or_null(r->source));
	json_object_set_new(o, "summary", jstr_or_null(r->summary));
	json_object_set_new(o, "details", jstr_or_null(r->details));
	json_object_set_new(o, "published", jstr_or_null(r->published));
	json_object_set_new(o, "modified", jstr_or_null(r->modified));
	json_object_set_new(o, "severity", jstr_or_null(r->severity));
	json_object_set_new(o, "cvss3_score", jscore(r->cvss3_score));
	json_object_set_new(o, "cvss3_vector", jstr_or_null(r->cvss3_vector));
	json_object_set_new(o, "cvss4_score", jscore(r->cvss4_score));
	json_object_set_new(o, "cvss4_vector", jstr_or_null(r->cvss4_vector));
	for (size_t i = 0; i < r->ncwes; i++)
		json_array_append_new(cwes, json_string(r->cwes[i]));
	json_object_set_new(o, "cwes", cwes);
	json_object_set_new(o, "references", json_integer(r->nreferences));
	for (size_t i = 0; i < r->ngroup; i++) {
		json_t *g = json_object();
		json_object_set_new(g, "id", json_string(r->group[i].id));
		json_object_set_new(g, "relation", json_string(relation_name(r->group[i].relation)));
		json_array_append_new(group, g);
	}
	json_object_set_new(o, "group", group);
	for (size_t i = 0; i < r->nenrichment; i++)
		json_array_append_new(enr, enrichment_json(&r->enrichment[i]));
	json_object_set_new(o, "enrichment", enr);
	if (customs_vulndb_affected_by_id(db, r->id, add_affected, aff) < 0)
		rc = cli_error(EXIT_FAILED, "db show", "%s", customs_error_last());
	json_object_set_new(o, "affected", aff);
	if (rc == EXIT_OK && !strcmp(output, "json")) {
		rc = cli_write_json(o, NULL);
	} else if (rc == EXIT_OK) {
		printf("%s  (%s)\n", r->id, r->source ? r->source : "no feed text; enrichment only");
		if (r->summary)
			printf("Summary     %s\n", r->summary);
		if (r->published)
			printf("Published   %s\n", r->published);
		if (r->modified)
			printf("Modified    %s\n", r->modified);
		if (r->severity)
			printf("Severity    %s\n", r->severity);
		if (r->cvss3_vector)
			printf("CVSS v3     %.1f %s\n", r->cvss3_score, r->cvss3_vector);
		if (r->cvss4_vector)
			printf("CVSS v4     %s\n", r->cvss4_vector);
		for (size_t i = 1; i < r->ngroup; i++)
			printf("%-11s %s\n", relation_name(r->group[i].relation), r->group[i].id);
		for (size_t i = 0; i < r->nenrichment; i++) {
			const customs_vuln_enrichment *e = &r->enrichment[i];
			printf("%-11s", e->cve);
			if (e->has_nvd && e->nvd_cvss3_score >= 0)
				printf(" NVD %.1f", e->nvd_cvss3_score);
			if (e->has_epss)
				printf(" EPSS %.5f (%.0f%%)", e->epss_score, e->epss_percentile * 100);
			if (e->kev)
				printf(" KEV since %s", e->kev_date_added ? e->kev_date_added : "?");
			printf("\n");
		}
		customs_vulndb_affected_by_id(db, r->id, print_affected, NULL);
	}
	json_decref(o);
	customs_vuln_record_free(r);
	customs_vulndb_free(db);
	return rc;
}

int cmd_db(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error("db", "missing subcommand: import, update, status, show or affected");
	if (!strcmp(argv[1], "import"))
		return db_import(argc - 1, argv + 1);
	if (!strcmp(argv[1], "update"))
		return db_update(argc - 1, argv + 1);
	if (!strcmp(argv[1], "status"))
		return db_status(argc - 1, argv + 1);
	if (!strcmp(argv[1], "show"))
		return db_show(argc - 1, argv + 1);
	if (!strcmp(argv[1], "affected"))
		return db_affected(argc - 1, argv + 1);
	return cli_usage_error("db", "unknown subcommand '%s': import, update, status, show or affected", argv[1]);
}
