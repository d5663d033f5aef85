/* cmd_query.c - `customs query`: questions to the store about one image or
 * every image (include/customs/store.h customs_store_query), answered as
 * a table or JSON through the output stage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "common.h"
#include "customs/store.h"
#include "util/util.h"

const char cmd_query_usage[] =
	"usage: customs query IMAGE QUERY [ARG] [--type T] [--glob G] [-o table|json]\n"
	"       customs query --all QUERY ARG [--version CONSTRAINT] [--type T] [-o table|json]\n"
	"       customs query list [-o table|json]\n"
	"\n"
	"Ask the store.  IMAGE is a stored digest (or a unique prefix of one) or a tag.\n"
	"\n"
	"About one image:\n"
	"  packages [--type T]     the packages a container sees\n"
	"  files [--glob G]        the files a container sees; G is a glob over the\n"
	"                          absolute path ('/etc/*.conf'; * also matches /)\n"
	"  setuid                  setuid and setgid files\n"
	"  unowned-files           regular files no package owns\n"
	"  layers                  digest, size, command and packages added per layer\n"
	"  introduced-by PACKAGE   the layer (and its command) that brought PACKAGE\n"
	"  config                  user, env, entrypoint, cmd, ports, volumes, labels\n"
	"  vulns                   active vulnerabilities, inherited from the base image\n"
	"                          or introduced by the image's own layers\n"
	"  base                    the stored image whose layers are its first layers\n"
	"  history                 what rematches changed: matches new and resolved, when\n"
	"  evaluations             the policy evaluations kept of it, newest first\n"
	"  plugin-results          what analyzer plugins reported: facts and findings\n"
	"About every stored image (--all):\n"
	"  has-package NAME [--version CONSTRAINT] [--type T]\n"
	"                          images with the package; CONSTRAINT in the package's\n"
	"                          own version scheme ('<3.0.14', '>=1.2 <2', '^4.17')\n"
	"  has-vuln ID             images with an active match of ID (any of its aliases)\n"
	"  has-file PATH           images whose containers see PATH\n"
	"  tag-history [TAG]       every digest each tag named, and since when\n"
	"About one image, by a plugin (docs/plugins.md; customs plugin list):\n"
	"  plugin:NAME [ARGS]      the query plugin customs-query-NAME over the stored analysis\n"
	"\n"
	"`customs query list` describes every query and its columns (docs/store.md).\n"
	"\n" CLI_STORE_USAGE;

enum { OPT_ALL = OPT_IMAGE_LAST, OPT_TYPE, OPT_GLOB, OPT_VERSION };

static int write_rows(const char *const *cols, const char *const *heads, const char *types, size_t ncols,
		      const char *const *cells, size_t nrows, const char *format)
{
	customs_report r = {.version = CUSTOMS_REPORT_VERSION, .kind = CUSTOMS_REPORT_ROWS, .columns = cols,
			    .ncolumns = ncols, .cells = cells, .nrows = nrows, .column_types = types,
			    .column_headings = heads};
	if (customs_report_write(stdout, &r, format) < 0)
		return cli_error(EXIT_FAILED, "query", "%s", customs_error_last());
	return 0;
}

static int list_queries(const char *format)
{
	static const char *const cols[] = {"query", "scope", "arguments", "description", "columns"};
	static const char *const heads[] = {"QUERY", "SCOPE", "ARGUMENTS", "DESCRIPTION", "COLUMNS"};
	const customs_store_query_info *q = customs_store_query_list();
	size_t n = 0, np = customs_plugin_list(NULL, 0), k = 0;
	while (q[n].name)
		n++;
	const char **cells = calloc((n + np) * 5 + 1, sizeof(*cells));
	const customs_plugin **pl = calloc(np + 1, sizeof(*pl));
	char **names = calloc(np + 1, sizeof(*names));
	int rc = EXIT_OK;
	if (!cells || !pl || !names) {
		rc = cli_error(EXIT_FAILED, "query", "out of memory");
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		const char *row[] = {q[i].name, q[i].fleet ? "all" : "image", q[i].args, q[i].description, q[i].columns};
		memcpy(cells + k++ * 5, row, sizeof(row));
	}
	/* the working query plugins: what they answer is theirs to say */
	customs_plugin_list(pl, np);
	for (size_t i = 0; i < np; i++) {
		if (pl[i]->kind != CUSTOMS_PLUGIN_QUERY || pl[i]->broken)
			continue;
		if (!(names[i] = customs_asprintf("plugin:%s", pl[i]->name))) {
			rc = cli_error(EXIT_FAILED, "query", "out of memory");
			goto done;
		}
		const char *row[] = {names[i], "image", pl[i]->wants, pl[i]->description, ""};
		memcpy(cells + k++ * 5, row, sizeof(row));
	}
	rc = write_rows(cols, heads, "sssss", 5, cells, k, format);
done:
	for (size_t i = 0; names && i < np; i++)
		free(names[i]);
	free(names);
	free(pl);
	free(cells);
	return rc;
}

int cmd_query(int argc, char **argv)
{
	static const cli_opt opts[] = {
		{"output", 'o', required_argument, 'o'},
		{"all", 0, no_argument, OPT_ALL},
		{"type", 0, required_argument, OPT_TYPE},
		{"glob", 0, required_argument, OPT_GLOB},
		{"version", 0, required_argument, OPT_VERSION},
		{NULL, 0, 0, 0},
	};
	cli_image_opts io = {0};
	cli_parser p;
	customs_store_query_args args = {0};
	customs_store_table *t = NULL;
	const char *format = "table", *image = NULL, *query;
	int all = 0, opt, rc, n;

	cli_parser_init(&p, "query", argc, argv, opts, CLI_OPTS_STORE, &io);
	while ((opt = cli_next(&p)) > 0) {
		switch (opt) {
		case 'o': format = optarg; break;
		case OPT_ALL: all = 1; break;
		case OPT_TYPE: args.type = optarg; break;
		case OPT_GLOB: args.glob = optarg; break;
		case OPT_VERSION: args.version = optarg; break;
		}
	}
	if (opt < 0)
		return -opt;
	if ((rc = cli_format_check("query", format, CUSTOMS_REPORT_ROWS)) != 0)
		return rc;
	n = argc - optind;
	if (n == 1 && !all && !strcmp(argv[optind], "list"))
		return list_queries(format);
	if (n < (all ? 1 : 2))
		return cli_usage_error("query", all ? "missing QUERY: customs query --all QUERY ARG"
						    : "missing %s: customs query IMAGE QUERY [ARG] (customs query list shows them)",
				       n ? "QUERY" : "IMAGE and QUERY");
	if (!all)
		image = argv[optind++];
	query = argv[optind++];
	if (!strncmp(query, "plugin:", 7)) {
		/* a query plugin takes any number of arguments */
		args.argv = (const char *const *)argv + optind;
		args.argc = (size_t)(argc - optind);
		optind = argc;
	}
	if (optind < argc)
		args.operand = argv[optind++];
	if (optind < argc)
		return cli_usage_error("query", "unexpected argument '%s'", argv[optind]);
	if (args.version && strcmp(query, "has-package"))
		return cli_usage_error("query", "--version goes with has-package");
	if ((rc = cli_store_open(&io.store, "query", io.store_url, 1)) != 0)
		return rc;
	int err = customs_store_query(io.store, &t, image, query, &args);
	if (err < 0)
		rc = cli_error(err == CUSTOMS_EUSAGE ? EXIT_USAGE : EXIT_FAILED, "query", "%s", customs_error_last());
	else
		rc = write_rows(t->columns, t->headings, t->types, t->ncolumns, t->cells, t->nrows, format);
	customs_store_table_free(t);
	customs_store_free(io.store);
	return rc;
}
