/* cmd_plugin.c - `customs plugin list`: the external plugins found
 * (include/customs/plugin.h), working or broken, as rows of the output
 * stage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "common.h"

const char cmd_plugin_usage[] =
	"usage: customs plugin list [-o table|json]\n"
	"\n"
	"List the plugins: executables customs-analyzer-NAME, customs-query-NAME and\n"
	"customs-gate-NAME found in the directories of CUSTOMS_PLUGIN_PATH (':'-separated),\n"
	"then $XDG_DATA_HOME/customs/plugins (~/.local/share/customs/plugins), then the\n"
	"system plugin directory; the first of a kind and name wins.  Each is asked\n"
	"`describe`: its version, description and what it asks for are shown, or why it\n"
	"is broken.  Analyzer plugins run in every analysis as analyzer plugin:NAME,\n"
	"query plugins as `customs query IMAGE plugin:NAME`, gate plugins in policy\n"
	"bundles as `gate: plugin:NAME` (docs/plugins.md).\n"
	"\n"
	"Environment:\n"
	"  CUSTOMS_PLUGIN_PATH        more plugin directories, searched first\n"
	"  CUSTOMS_PLUGIN_TIMEOUT     seconds a plugin may run (default 30)\n"
	"  CUSTOMS_PLUGIN_MAX_OUTPUT  bytes a plugin may print (default 16777216)\n";

int cmd_plugin(int argc, char **argv)
{
	static const cli_opt opts[] = {
		{"output", 'o', required_argument, 'o'},
		{NULL, 0, 0, 0},
	};
	static const char *const cols[] = {"kind", "name", "version", "status", "description", "wants", "path"};
	static const char *const heads[] = {"KIND", "NAME", "VERSION", "STATUS", "DESCRIPTION", "WANTS", "PATH"};
	cli_parser p;
	const char *format = "table";
	int opt, rc;

	cli_parser_init(&p, "plugin", argc, argv, opts, 0, NULL);
	while ((opt = cli_next(&p)) > 0)
		format = optarg;
	if (opt < 0)
		return -opt;
	if ((rc = cli_format_check("plugin", format, CUSTOMS_REPORT_ROWS)) != 0)
		return rc;
	if (optind >= argc)
		return cli_usage_error("plugin", "missing the subcommand: customs plugin list");
	if (strcmp(argv[optind], "list") || optind + 1 < argc)
		return cli_usage_error("plugin", "unknown subcommand '%s'; the one there is: list", argv[optind]);
	if (customs_plugins_load() < 0)
		return cli_error(EXIT_FAILED, "plugin", "%s", customs_error_last());

	size_t n = customs_plugin_list(NULL, 0);
	if (!n) /* an empty table says nothing of where to put one */
		fprintf(stderr,
			"customs plugin: no plugins on CUSTOMS_PLUGIN_PATH, in $XDG_DATA_HOME/customs/plugins "
			"(~/.local/share/customs/plugins) or in %s (docs/plugins.md)\n",
			customs_plugin_system_dir());
	const customs_plugin **v = calloc(n + 1, sizeof(*v));
	const char **cells = calloc(n * 7 + 1, sizeof(*cells));
	if (!v || !cells) {
		free(v);
		free(cells);
		return cli_error(EXIT_FAILED, "plugin", "out of memory");
	}
	customs_plugin_list(v, n);
	for (size_t i = 0; i < n; i++) {
		const customs_plugin *pl = v[i];
		const char *row[] = {customs_plugin_kind_name(pl->kind), pl->name, pl->version ? pl->version : "",
				     pl->broken ? "broken" : "ok", pl->broken ? pl->broken : pl->description,
				     pl->wants ? pl->wants : "", pl->path};
		memcpy(cells + i * 7, row, sizeof(row));
	}
	customs_report r = {.version = CUSTOMS_REPORT_VERSION, .kind = CUSTOMS_REPORT_ROWS, .columns = cols,
			    .ncolumns = 7, .cells = cells, .nrows = n, .column_types = "sssssss",
			    .column_headings = heads};
	if (customs_report_write(stdout, &r, format) < 0)
		rc = cli_error(EXIT_FAILED, "plugin", "%s", customs_error_last());
	free(v);
	free(cells);
	return rc;
}
