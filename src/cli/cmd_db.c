/* cmd_db.c - `customs db import|update|status|show|affected`: build,
 * refresh and describe the local vulnerability database
 * (include/customs/vuln.h); what status, show and affected print comes
 * from the output stage (include/customs/report.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


#include "customs/errors.h"
#include "customs/vuln.h"
#include "cli.h"
#include "common.h"

const char cmd_db_usage[] =
	"usage: customs db import [--db PATH] [--name NAME] [--drop NAME]... [--release NS]\n"
	"                         [--verbose|--quiet] FILE|DIR...\n"
	"       customs db update [--db PATH] [--config FILE] [--list] [--ca-file FILE] [--verbose|--quiet]\n"
	"       customs db status [--db PATH] [-o table|json] [--max-age DAYS]\n"
	"       customs db show [--db PATH] [-o table|json] ID\n"
	"       customs db affected [--db PATH] [-o table|json] NAMESPACE PACKAGE\n"
	"\n"
	"The vulnerability database is one SQLite file, built offline from feeds;\n"
	"scanning with it needs no network, and an air-gapped site copies the file\n"
	"(`customs scan` fetches the feeds into a missing one, unless --offline).\n"
	"\n"
	"import   read feeds from files and directories: OSV JSON records, directories\n"
	"         and zips of them (osv.dev's per-ecosystem all.zip), Alpine secdb JSON,\n"
	"         the Debian security tracker JSON, NVD CVE API 2.0 JSON, EPSS CSV and\n"
	"         CISA KEV JSON, each also gzip-compressed; and Debian or Ubuntu Packages\n"
	"         indexes (`apt-cache dumpavail` output, the *_Packages files of\n"
	"         /var/lib/apt/lists, dists/SUITE/.../Packages; plain, gzip, xz, bzip2,\n"
	"         lz4 or zstd): which source package built each binary package of that\n"
	"         release, for SBOMs whose debs do not say.  The format is recognised\n"
	"         from the content.  Each input is a feed, named after its file or\n"
	"         directory (loose OSV files after their directory): importing a feed\n"
	"         again replaces its records, other feeds stay.  Bad records are\n"
	"         warnings naming the file and record; the import goes on.  The\n"
	"         summary counts them per feed and kind; every one is in PATH.import.log\n"
	"         (replaced by each import), and --verbose prints them as well.\n"
	"update   download the configured feeds (conditional requests: ETag and\n"
	"         Last-Modified of the last download), then import what changed.\n"
	"         The feeds are --config FILE, else $CUSTOMS_FEEDS (a file in the\n"
	"         same format), else the built-in list (`db update --list`).\n"
	"status   feeds with their record counts, newest record and age; the\n"
	"         binary-to-source maps of the Packages indexes, by release.\n"
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
	"  --release NS       import: the release of the Packages indexes given (debian:12,\n"
	"                     ubuntu:22.04); by default told by apt's file names\n"
	"                     (..._dists_bookworm_...) or the versions (+deb12u1, ~22.04)\n"
	"  --config FILE      update: feeds to fetch, one \"NAME URL [KIND]\" per line ('#'\n"
	"                     comments), replacing the built-in list (default: $CUSTOMS_FEEDS)\n"
	"  --list             update: print the feeds that would be fetched and exit\n"
	"  --ca-file FILE     update: PEM certificates to verify the feed servers with\n"
	"  -o, --output FMT   status: table (default) or json\n"
	"  --max-age DAYS     status: exit 1 with a warning when a feed's data is older\n"
	"  -v, --verbose      print the import's warnings on stderr too (the first 10\n"
	"                     of each kind per feed)\n"
	"  --quiet            no warnings or progress on stderr\n"
	"\n"
	"Exit codes: 0 done, 1 (status --max-age) data too old, 2 usage error,\n"
	"3 the database or an input could not be read or written.\n";

enum {
	OPT_DB = OPT_IMAGE_LAST,
	OPT_NAME,
	OPT_RELEASE,
	OPT_DROP,
	OPT_CONFIG,
	OPT_LIST,
	OPT_CA,
	OPT_MAX_AGE,
	OPT_Q,
	OPT_VERBOSE,
};

struct warn_state {
	int quiet, verbose;
	long shown;
};

/* Warnings are many (a bad version per record): the summary says how many
 * and where they are, --verbose prints them too. */
static void on_warn(void *ud, const char *msg)
{
	struct warn_state *w = ud;
	if (w->quiet || !w->verbose)
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

/* Write r to stdout; an exit code when that fails. */
static int write_report(const customs_report *r, const char *output, const char *cmd)
{
	if (customs_report_write(stdout, r, output) < 0)
		return cli_error(EXIT_FAILED, cmd, "%s", customs_error_last());
	return EXIT_OK;
}

static int db_import(int argc, char **argv)
{
	static const cli_opt opts[] = {
		{"db", 0, required_argument, OPT_DB},
		{"name", 0, required_argument, OPT_NAME},
		{"drop", 0, required_argument, OPT_DROP},
		{"release", 0, required_argument, OPT_RELEASE},
		{"quiet", 'q', no_argument, OPT_Q},
		{"verbose", 'v', no_argument, OPT_VERBOSE},
		{NULL, 0, 0, 0},
	};
	cli_parser p;
	const char *dbopt = NULL, *name = NULL, *release = NULL;
	const char **drop = calloc((size_t)argc + 1, sizeof(*drop));
	size_t ndrop = 0;
	struct warn_state ws = {0, 0, 0};
	char *path = NULL;
	int opt, rc = EXIT_OK;

	if (!drop)
		return cli_error(EXIT_FAILED, "db import", "out of memory");
	cli_parser_init(&p, "db", argc, argv, opts, 0, NULL);
	while ((opt = cli_next(&p)) > 0) {
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
		case OPT_RELEASE:
			release = optarg;
			break;
		case OPT_Q:
			ws.quiet = 1;
			break;
		case OPT_VERBOSE:
			ws.verbose = 1;
			break;
		}
	}
	if (opt < 0) {
		free(drop);
		return -opt;
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
		in[i].release = release;
	}
	customs_vulndb_import_opts o = {CUSTOMS_VULNDB_IMPORT_OPTS_VERSION, on_warn, &ws, 0, 0, ndrop ? drop : NULL};
	customs_vulndb_import_summary *s = NULL;
	if (customs_vulndb_import(path, in, n, &o, &s) < 0) {
		rc = cli_error(EXIT_FAILED, "db import", "%s (the database is unchanged)", customs_error_last());
	} else {
		customs_report r = {.version = CUSTOMS_REPORT_VERSION, .kind = CUSTOMS_REPORT_DB_IMPORT, .import = s,
				    .db_path = path};
		rc = write_report(&r, "table", "db import");
		customs_vulndb_import_summary_free(s);
	}
	free(in);
	free(drop);
	free(path);
	return rc;
}

static int db_update(int argc, char **argv)
{
	static const cli_opt opts[] = {
		{"db", 0, required_argument, OPT_DB},
		{"config", 0, required_argument, OPT_CONFIG},
		{"list", 0, no_argument, OPT_LIST},
		{"ca-file", 0, required_argument, OPT_CA},
		{"quiet", 'q', no_argument, OPT_Q},
		{"verbose", 'v', no_argument, OPT_VERBOSE},
		{NULL, 0, 0, 0},
	};
	cli_parser p;
	const char *dbopt = NULL, *config = NULL, *ca = NULL;
	struct warn_state ws = {0, 0, 0};
	customs_vulndb_feed *loaded = NULL;
	const customs_vulndb_feed *feeds;
	size_t nfeeds = 0;
	char *path = NULL;
	int opt, list = 0, rc = EXIT_OK;

	cli_parser_init(&p, "db", argc, argv, opts, 0, NULL);
	while ((opt = cli_next(&p)) > 0) {
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
		case OPT_Q:
			ws.quiet = 1;
			break;
		case OPT_VERBOSE:
			ws.verbose = 1;
			break;
		}
	}
	if (opt < 0)
		return -opt;
	if (optind < argc)
		return cli_usage_error("db", "update takes no arguments ('%s'); list feeds with --config", argv[optind]);
	if ((rc = cli_feeds(&feeds, &nfeeds, &loaded, config, "db update")) != 0)
		return rc;
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
		customs_report r = {.version = CUSTOMS_REPORT_VERSION, .kind = CUSTOMS_REPORT_DB_UPDATE, .update = s,
				    .db_path = path};
		rc = write_report(&r, "table", "db update");
		customs_vulndb_update_summary_free(s);
	}
	customs_vulndb_feeds_free(loaded, loaded ? nfeeds : 0);
	free(path);
	return rc;
}

/* --db and -o of status, show and affected, and with max_age status'
 * --max-age: 0 or an exit code */
static int query_opts(int argc, char **argv, customs_report_kind kind, const char **dbopt, const char **output,
		      long *max_age)
{
	static const cli_opt status_opts[] = {
		{"db", 0, required_argument, OPT_DB},
		{"output", 'o', required_argument, 'o'},
		{"max-age", 0, required_argument, OPT_MAX_AGE},
		{NULL, 0, 0, 0},
	};
	static const cli_opt opts[] = {
		{"db", 0, required_argument, OPT_DB},
		{"output", 'o', required_argument, 'o'},
		{NULL, 0, 0, 0},
	};
	cli_parser p;
	char *end;
	int opt;

	cli_parser_init(&p, "db", argc, argv, max_age ? status_opts : opts, 0, NULL);
	while ((opt = cli_next(&p)) > 0) {
		if (opt == OPT_DB) {
			*dbopt = optarg;
		} else if (opt == 'o') {
			*output = optarg;
		} else {
			errno = 0;
			*max_age = strtol(optarg, &end, 10);
			if (errno || *end || *max_age < 0)
				return cli_usage_error("db", "--max-age wants a number of days, not '%s'", optarg);
		}
	}
	if (opt < 0)
		return -opt;
	return cli_format_check("db", *output, kind);
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

static int db_status(int argc, char **argv)
{
	const char *dbopt = NULL, *output = "table";
	long max_age = -1;
	customs_vulndb *db = NULL;
	customs_vulndb_info *s = NULL;
	int rc;

	if ((rc = query_opts(argc, argv, CUSTOMS_REPORT_DB_STATUS, &dbopt, &output, &max_age)) != 0)
		return rc;
	if (optind < argc)
		return cli_usage_error("db", "status takes no arguments ('%s')", argv[optind]);
	if ((rc = open_ro(&db, dbopt, "db status")) != 0)
		return rc;
	if (customs_vulndb_status(db, &s) < 0) {
		rc = cli_error(EXIT_FAILED, "db status", "%s", customs_error_last());
		customs_vulndb_free(db);
		return rc;
	}
	long long now = (long long)time(NULL);
	int too_old = 0;
	customs_report r = {.version = CUSTOMS_REPORT_VERSION, .kind = CUSTOMS_REPORT_DB_STATUS, .vulndb = s, .created = now};
	rc = write_report(&r, output, "db status");
	if (max_age >= 0) {
		for (size_t i = 0; i < s->nsources; i++) {
			long long t = customs_report_feed_time(&s->sources[i]);
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
	if (rc == EXIT_OK && too_old)
		rc = EXIT_FINDINGS;
	return rc;
}

/* show and affected: their options, nargs operands (else usage says
 * what they need), the database open for reading.  0 or an exit code. */
static int query_open(customs_vulndb **db, const char **output, int argc, char **argv, customs_report_kind kind,
		      int nargs, const char *needs, const char *cmd)
{
	const char *dbopt = NULL;
	int rc;
	if ((rc = query_opts(argc, argv, kind, &dbopt, output, NULL)) != 0)
		return rc;
	if (argc - optind != nargs)
		return cli_usage_error("db", "%s", needs);
	return open_ro(db, dbopt, cmd);
}

static int db_affected(int argc, char **argv)
{
	const char *output = "table";
	customs_vulndb *db = NULL;
	int rc;

	if ((rc = query_open(&db, &output, argc, argv, CUSTOMS_REPORT_DB_AFFECTED, 2,
			     "affected needs NAMESPACE and PACKAGE (debian:12 openssl)", "db affected")) != 0)
		return rc;
	customs_report r = {.version = CUSTOMS_REPORT_VERSION, .kind = CUSTOMS_REPORT_DB_AFFECTED, .db = db,
			    .ns = argv[optind], .package = argv[optind + 1]};
	rc = write_report(&r, output, "db affected");
	customs_vulndb_free(db);
	return rc;
}

static int db_show(int argc, char **argv)
{
	const char *output = "table";
	customs_vulndb *db = NULL;
	customs_vuln_record *v = NULL;
	int rc;

	if ((rc = query_open(&db, &output, argc, argv, CUSTOMS_REPORT_DB_VULN, 1, "show needs one vulnerability ID",
			     "db show")) != 0)
		return rc;
	if (customs_vulndb_vuln(db, argv[optind], &v) < 0) {
		rc = cli_error(EXIT_FAILED, "db show", "%s", customs_error_last());
	} else {
		customs_report r = {.version = CUSTOMS_REPORT_VERSION, .kind = CUSTOMS_REPORT_DB_VULN, .db = db, .vuln = v};
		rc = write_report(&r, output, "db show");
	}
	customs_vuln_record_free(v);
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
