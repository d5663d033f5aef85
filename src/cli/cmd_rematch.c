/* cmd_rematch.c - `customs rematch`: match every stored analysis against
 * the vulnerability database again (after `customs db update` or
 * `import`), without reading any image, and show per image what changed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "common.h"
#include "customs/store.h"
#include "customs/vuln.h"

const char cmd_rematch_usage[] =
	"usage: customs rematch [--db PATH] [-o table|json] [--store URL]\n"
	"\n"
	"Match every image in the store against the vulnerability database, without\n"
	"reading the images: their stored packages are matched, each distinct set of\n"
	"packages once.  Per image, the matches that are new and the ones resolved\n"
	"since its last matches are recorded with the time (and shown); `customs\n"
	"images` then shows the new counts.\n"
	"\n"
	"Options:\n"
	"  --db PATH              vulnerability database (default: $CUSTOMS_DB, else\n"
	"                         ~/.local/share/customs/vulndb.sqlite)\n"
	"  -o, --output FORMAT    table (default) or json\n"
	"\n" CLI_STORE_USAGE;

enum { OPT_DB = OPT_IMAGE_LAST };

int cmd_rematch(int argc, char **argv)
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
	customs_store_rematch_summary *sum = NULL;
	int opt, rc;

	cli_parser_init(&p, "rematch", argc, argv, opts, CLI_OPTS_STORE, &io);
	while ((opt = cli_next(&p)) > 0) {
		if (opt == 'o')
			format = optarg;
		else
			dbopt = optarg;
	}
	if (opt < 0)
		return -opt;
	if ((rc = cli_format_check("rematch", format, CUSTOMS_REPORT_REMATCH)) != 0)
		return rc;
	if (optind < argc)
		return cli_usage_error("rematch", "unexpected argument '%s'", argv[optind]);
	if ((rc = cli_vulndb_open(&db, "rematch", dbopt, 1)) != 0)
		return rc;
	if ((rc = cli_store_open(&io.store, "rematch", io.store_url, 1)) != 0)
		goto done;
	if (customs_store_rematch(io.store, db, &sum) < 0) {
		rc = cli_error(EXIT_FAILED, "rematch", "%s", customs_error_last());
		goto done;
	}
	customs_report r = {.version = CUSTOMS_REPORT_VERSION, .kind = CUSTOMS_REPORT_REMATCH, .rematch = sum};
	if (customs_report_write(stdout, &r, format) < 0)
		rc = cli_error(EXIT_FAILED, "rematch", "%s", customs_error_last());
done:
	customs_store_rematch_summary_free(sum);
	customs_store_free(io.store);
	customs_vulndb_free(db);
	return rc;
}
