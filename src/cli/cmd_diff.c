/* cmd_diff.c - `customs diff A B`: what changed between two images, each a
 * stored digest or tag, or an image to analyse (into the store):
 * packages, files, layers, config and, when both are matched against the
 * database, vulnerabilities fixed and introduced (include/customs/diff.h),
 * written through the output stage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "common.h"
#include "customs/diff.h"
#include "customs/store.h"
#include "customs/vuln.h"

const char cmd_diff_usage[] =
	"usage: customs diff A B [-o table|json] [--db PATH] [--store URL] [image options]\n"
	"\n"
	"What changed from image A to image B.  Each is a digest or tag in the store\n"
	"(a unique digest prefix will do), or an image to analyse (it is stored).\n"
	"Packages added, removed and changed in version; files added, removed and\n"
	"changed (type, mode, owner, size, link target, digest when both have one);\n"
	"layers shared and new; config (user, env, ports, entrypoint, cmd, labels,\n"
	"volumes, healthcheck); and, against the vulnerability database, the\n"
	"vulnerabilities B fixes and introduces.  The table lists the first 200\n"
	"files; -o json lists everything.\n"
	"\n"
	"Options:\n"
	"  --db PATH              vulnerability database (default: $CUSTOMS_DB, else\n"
	"                         ~/.local/share/customs/vulndb.sqlite, when it exists;\n"
	"                         without one, the images' stored matches are compared)\n"
	"  -o, --output FORMAT    table (default) or json\n"
	"\n" CLI_STORE_USAGE "\n" CLI_IMAGE_USAGE;

enum { OPT_DB = OPT_IMAGE_LAST };

/* ref from the store, else analysed into it: 0 or an exit code. */
static int get_side(customs_analysis **out, const char *ref, cli_image_opts *io)
{
	char *digest = NULL;
	int err = customs_store_resolve(io->store, ref, &digest);
	if (err == 0) {
		err = customs_store_load(io->store, out, digest, 0);
		free(digest);
		return err < 0 ? cli_error(EXIT_FAILED, "diff", "%s", customs_error_last()) : 0;
	}
	if (err != CUSTOMS_ENOTFOUND)
		return cli_error(err == CUSTOMS_EUSAGE ? EXIT_USAGE : EXIT_FAILED, "diff", "%s", customs_error_last());
	return cli_analyze(out, "diff", ref, io);
}

/* Its matches against db, else its stored ones; NULL when neither. */
static customs_match_result *matches_of(customs_store *s, customs_analysis *a, customs_vulndb *db)
{
	customs_match_result *r = NULL;
	customs_analysis_select_packages(a, 0);
	if (db ? customs_store_match(s, &r, a, db, NULL, NULL, NULL) : customs_store_matches(s, &r, a))
		return NULL;
	return r;
}

int cmd_diff(int argc, char **argv)
{
	static const cli_opt opts[] = {
		{"output", 'o', required_argument, 'o'},
		{"db", 0, required_argument, OPT_DB},
		{NULL, 0, 0, 0},
	};
	cli_image_opts io = {0};
	cli_parser p;
	const char *format = "table", *dbopt = NULL;
	customs_vulndb *db = NULL;
	customs_analysis *a = NULL, *b = NULL;
	customs_match_result *ma = NULL, *mb = NULL;
	customs_diff *d = NULL;
	int opt, rc;

	cli_parser_init(&p, "diff", argc, argv, opts, CLI_IMAGE_GROUPS | CLI_OPTS_STORE, &io);
	while ((opt = cli_next(&p)) > 0) {
		if (opt == 'o')
			format = optarg;
		else
			dbopt = optarg;
	}
	if (opt < 0)
		return -opt;
	if ((rc = cli_format_check("diff", format, CUSTOMS_REPORT_DIFF)) != 0)
		return rc;
	if (argc - optind != 2)
		return cli_usage_error("diff", "give two images: customs diff A B");
	if ((rc = cli_store_open(&io.store, "diff", io.store_url, 1)) != 0)
		return rc;
	if ((rc = cli_vulndb_open(&db, "diff", dbopt, 0)) != 0)
		goto done;
	if ((rc = get_side(&a, argv[optind], &io)) != 0 || (rc = get_side(&b, argv[optind + 1], &io)) != 0)
		goto done;
	ma = matches_of(io.store, a, db);
	mb = matches_of(io.store, b, db);
	if (customs_diff_new(&d, a, ma, b, mb) < 0) {
		rc = cli_error(EXIT_FAILED, "diff", "%s", customs_error_last());
		goto done;
	}
	customs_report r = {.version = CUSTOMS_REPORT_VERSION, .kind = CUSTOMS_REPORT_DIFF, .diff = d};
	if (customs_report_write(stdout, &r, format) < 0)
		rc = cli_error(EXIT_FAILED, "diff", "%s", customs_error_last());
done:
	customs_diff_free(d);
	customs_store_matches_free(ma);
	customs_store_matches_free(mb);
	customs_analysis_free(a);
	customs_analysis_free(b);
	customs_vulndb_free(db);
	customs_store_free(io.store);
	return rc;
}
