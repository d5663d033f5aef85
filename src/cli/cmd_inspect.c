/* cmd_inspect.c - `customs inspect IMAGE`: metadata, layers, file catalog. */
#include "cli.h"
#include "common.h"

const char cmd_inspect_usage[] =
	"usage: customs inspect IMAGE [-o table|json] [--scope squashed|all-layers] [--file-digests]\n"
	"\n"
	"Read every layer of IMAGE once and report the image metadata and config,\n"
	"each layer (digest, diff_id, size, the command that made it), the distro,\n"
	"and the file catalog: path, type, mode, owner, size, link target, the layer\n"
	"that last wrote it, and whether a container sees it.\n"
	"\n"
	"Options:\n"
	"  -o, --output FORMAT       table (default) or json; json includes the file catalog\n"
	"  --scope SCOPE             squashed (default): what a container sees;\n"
	"                            all-layers: also files hidden by later layers\n"
	"\n" CLI_IMAGE_USAGE "\n" CLI_STORE_USAGE;

int cmd_inspect(int argc, char **argv)
{
	static const cli_opt opts[] = {
		{"output", 'o', required_argument, 'o'},
		{NULL, 0, 0, 0},
	};
	cli_image_opts io = {0};
	cli_parser p;
	const char *output = "table";
	int opt, rc;

	cli_parser_init(&p, "inspect", argc, argv, opts, CLI_IMAGE_GROUPS | CLI_OPTS_SCOPE | CLI_OPTS_STORE, &io);
	while ((opt = cli_next(&p)) > 0)
		output = optarg; /* -o: the last one counts */
	if (opt < 0)
		return -opt;
	if ((rc = cli_format_check("inspect", output, CUSTOMS_REPORT_INSPECT)) != 0)
		return rc;
	if ((rc = cli_one_operand("inspect", argc, "IMAGE", "IMAGE")) != 0)
		return rc;

	customs_analysis *a;
	rc = cli_analyze(&a, "inspect", argv[optind], &io);
	customs_store_free(io.store); /* the analysis is all it was for */
	if (rc != 0)
		return rc;
	customs_report r = {.version = CUSTOMS_REPORT_VERSION, .kind = CUSTOMS_REPORT_INSPECT, .analysis = a,
			    .all_layers = io.all_layers};
	if (customs_report_write(stdout, &r, output) < 0)
		rc = cli_error(EXIT_FAILED, "inspect", "cannot write the output: %s", customs_error_last());
	if (!rc)
		rc = cli_analysis_exit(a);
	customs_analysis_free(a);
	return rc;
}
