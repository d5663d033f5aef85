/* cmd_analyze.c - `customs analyze IMAGE`: analyse an image into the store
 * (include/customs/store.h), keyed by its digest, with the tag recorded,
 * and match it against the vulnerability database when there is one; one
 * row about what was done, written through the output stage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "common.h"
#include "customs/match.h"
#include "customs/store.h"
#include "customs/vuln.h"

const char cmd_analyze_usage[] =
	"usage: customs analyze IMAGE [--tag NAME] [--force] [--db PATH] [--no-match] [-o table|json]\n"
	"\n"
	"Analyse IMAGE and keep the analysis in the store, keyed by its manifest digest\n"
	"(docker-archive images: their config digest), with when, by which customs, from\n"
	"which reference, and the vulnerability database it was matched against.  A digest\n"
	"the store holds is not analysed again (unless --force); layers the store knows\n"
	"(same diff_id, same analyzers) are not read again.  The tag's history is kept: a\n"
	"tag that moves to another digest is a new entry, never an overwrite.\n"
	"\n"
	"Options:\n"
	"  --tag NAME             record that NAME names the image now (default: the\n"
	"                         registry reference, or the image's RepoTags)\n"
	"  --force                analyse and store again a digest the store holds\n"
	"  --db PATH              match against this vulnerability database (default:\n"
	"                         $CUSTOMS_DB, else ~/.local/share/customs/vulndb.sqlite,\n"
	"                         when it exists)\n"
	"  --no-match             store the analysis without matching it\n"
	"  -o, --output FORMAT    table (default) or json\n"
	"\n"
	"Exit codes: 0 stored (or known), 2 usage error, 3 the image or the store could\n"
	"not be read, 4 stored, but part of the image could not be read.\n"
	"\n" CLI_STORE_USAGE "\n" CLI_IMAGE_USAGE;

enum { OPT_TAG = OPT_IMAGE_LAST, OPT_FORCE, OPT_DB, OPT_NO_MATCH };

int cmd_analyze(int argc, char **argv)
{
	static const cli_opt opts[] = {
		{"output", 'o', required_argument, 'o'},
		{"tag", 0, required_argument, OPT_TAG},
		{"force", 0, no_argument, OPT_FORCE},
		{"db", 0, required_argument, OPT_DB},
		{"no-match", 0, no_argument, OPT_NO_MATCH},
		{NULL, 0, 0, 0},
	};
	cli_image_opts io = {0};
	cli_parser p;
	const char *format = "table", *dbopt = NULL;
	int no_match = 0, opt, rc;

	cli_parser_init(&p, "analyze", argc, argv, opts, CLI_IMAGE_GROUPS | CLI_OPTS_STORE, &io);
	while ((opt = cli_next(&p)) > 0) {
		switch (opt) {
		case 'o':
			format = optarg;
			break;
		case OPT_TAG:
			if (!*optarg)
				return cli_usage_error("analyze", "--tag wants a name");
			io.tag = optarg;
			break;
		case OPT_FORCE:
			io.force = 1;
			break;
		case OPT_DB:
			dbopt = optarg;
			break;
		case OPT_NO_MATCH:
			no_match = 1;
			break;
		}
	}
	if (opt < 0)
		return -opt;
	if ((rc = cli_format_check("analyze", format, CUSTOMS_REPORT_ROWS)) != 0)
		return rc;
	if ((rc = cli_one_operand("analyze", argc, "IMAGE", "IMAGE")) != 0)
		return rc;

	customs_vulndb *db = NULL;
	customs_analysis *a = NULL;
	customs_match_result *res = NULL;
	customs_store_stats st;
	int reused = 0;
	if ((rc = cli_store_open(&io.store, "analyze", io.store_url, 1)) != 0)
		return rc;
	if (!no_match && (rc = cli_vulndb_open(&db, "analyze", dbopt, 0)) != 0)
		goto done;
	if ((rc = cli_analyze_stored(&a, "analyze", argv[optind], &io, &st)) != 0)
		goto done;
	if (!st.digest[0]) {
		rc = cli_error(EXIT_FAILED, "analyze",
			       "%s has neither a manifest nor a config digest: only images can be stored (a dir: source "
			       "can be inspected, sbom'd and scanned)",
			       argv[optind]);
		goto done;
	}
	if (db) {
		customs_analysis_select_packages(a, 0);
		if (customs_store_match(io.store, &res, a, db, NULL, NULL, &reused) < 0) {
			rc = cli_error(EXIT_FAILED, "analyze", "matching: %s", customs_error_last());
			goto done;
		}
	} else if (!no_match && !io.quiet) {
		fprintf(stderr, "customs analyze: no vulnerability database: stored without matches (`customs db "
				"update`, then `customs rematch`)\n");
	}

	char layers_read[24], layers_cached[24], packages[24], active[24];
	/* as `customs images` and scan's summary count: the packages a
	 * container sees, one finding per vulnerability and package */
	long long nactive = 0;
	size_t nvisible = 0;
	for (size_t i = 0; res && i < res->n; i++)
		nactive += customs_match_active(&res->matches[i]) && !customs_match_repeated(res, i);
	for (size_t i = 0; i < a->npackages; i++)
		nvisible += a->packages[i]->visible != 0;
	snprintf(layers_read, sizeof(layers_read), "%zu", st.layers_read);
	snprintf(layers_cached, sizeof(layers_cached), "%zu", st.layers_cached);
	snprintf(packages, sizeof(packages), "%zu", nvisible);
	snprintf(active, sizeof(active), "%lld", nactive);
	static const char *const columns[] = {"digest", "status", "layers_read", "layers_from_store", "packages",
					      "vulnerabilities"};
	static const char *const headings[] = {"DIGEST", "STATUS", "LAYERS READ", "FROM STORE", "PACKAGES",
					       "VULNERABILITIES"};
	const char *cells[] = {st.digest, st.known ? "known" : "stored", layers_read, layers_cached, packages,
			       res ? active : NULL};
	customs_report r = {.version = CUSTOMS_REPORT_VERSION, .kind = CUSTOMS_REPORT_ROWS, .columns = columns,
			    .ncolumns = 6, .cells = cells, .nrows = 1, .column_types = "ssiiii",
			    .column_headings = headings};
	if (customs_report_write(stdout, &r, format) < 0) {
		rc = cli_error(EXIT_FAILED, "analyze", "%s", customs_error_last());
		goto done;
	}
	rc = cli_analysis_exit(a);
done:
	customs_store_matches_free(res);
	customs_analysis_free(a);
	customs_vulndb_free(db);
	customs_store_free(io.store);
	return rc;
}
