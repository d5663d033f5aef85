/* cmd_sbom.c - `customs sbom IMAGE`: the packages an image holds, as a
 * table, customs JSON, SPDX, CycloneDX or purls; and `customs convert`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "common.h"

#define SBOM_FORMATS_HELP                                                                               \
	"Formats (-o FORMAT[=FILE], repeatable: one analysis, several documents;\n"                    \
	"at most one without =FILE goes to stdout):\n"                                                  \
	"  table                     name, version, type, arch, source package, layer (default)\n"     \
	"  json                      customs' own document (docs/json.md, customs-analysis 1.x)\n"     \
	"  spdx-json                 SPDX 2.3 JSON: the image as the root package, packages with\n"    \
	"                            purl and CPE references, licenses as SPDX expressions,\n"         \
	"                            DESCRIBES/CONTAINS/DEPENDS_ON relationships\n"                    \
	"  spdx-tag-value            the same as SPDX 2.3 tag-value\n"                                 \
	"  cyclonedx-json            CycloneDX 1.6 JSON (cyclonedx-json@1.7 or @1.5 for those\n"      \
	"                            versions): the image as metadata.component, components\n"      \
	"                            with purl, cpe, licenses, hashes, layer and location\n"         \
	"                            properties, dependencies\n"                                      \
	"  purls                     one package URL per line, sorted, unique\n"                       \
	"Timestamps come from SOURCE_DATE_EPOCH when it is set; ids are derived from\n"               \
	"the content, so the same image gives the same document.\n"

const char cmd_sbom_usage[] =
	"usage: customs sbom IMAGE [-o FORMAT[=FILE]]... [--scope squashed|all-layers]\n"
	"                    [--no-files] [--with-files]\n"
	"\n"
	"List the packages in IMAGE: OS packages from the dpkg, apk and rpm\n"
	"databases and language packages (Python, npm, Java, Go, Rust, Ruby, PHP,\n"
	".NET), with version, type, architecture, source package and the layer\n"
	"that installed each one.  IMAGE may also be sbom:FILE (an SPDX, CycloneDX\n"
	"or customs JSON document), which converts it.\n"
	"\n"
	"Options:\n"
	"  -o, --output FORMAT[=FILE]  see Formats (default: table on stdout)\n"
	"  --scope SCOPE             squashed (default): the packages a container has;\n"
	"                            all-layers: also those a later layer removed\n"
	"                            (listed with the layer that removed them)\n"
	"  --no-files                json: leave out each package's owned files\n"
	"  --with-files              spdx-json, spdx-tag-value, cyclonedx-json: also list\n"
	"                            each package's owned regular files with their\n"
	"                            checksums (implies --file-digests)\n"
	"  --timings                 print analysis and per-format writing times on\n"
	"                            stderr (also with CUSTOMS_TIMINGS=1)\n"
	"\n" SBOM_FORMATS_HELP "\n" CLI_IMAGE_USAGE "\n" CLI_STORE_USAGE;

const char cmd_convert_usage[] =
	"usage: customs convert FILE -o FORMAT[=FILE]... [--with-files]\n"
	"\n"
	"Read an SBOM (SPDX 2.2/2.3 JSON or tag-value, CycloneDX 1.4-1.7 JSON, or\n"
	"customs JSON; detected from the content) and write it in other formats.\n"
	"What the document says is kept: names, versions, purls, CPEs, licenses,\n"
	"and the layer, location and source package of each package when the\n"
	"document carries them (customs' own documents always do).\n"
	"\n"
	"Options:\n"
	"  -o, --output FORMAT[=FILE]  see Formats (at least one)\n"
	"  --with-files              list owned files where the input has them\n"
	"  --quiet                   no warnings on stderr\n"
	"\n" SBOM_FORMATS_HELP
	"\n"
	"Bad input: a document that is not JSON or tag-value, an unknown spec\n"
	"version or one over CUSTOMS_SBOM_MAX_BYTES (default 512 MiB) is an error;\n"
	"an element that cannot be read (a broken purl, no name) is a warning\n"
	"naming it, and the rest is converted.\n";

enum { OPT_NO_FILES = OPT_IMAGE_LAST, OPT_WITH_FILES, OPT_TIMINGS };

/* Every output of one run, from one writer; the first error stops. */
static int write_outputs(const char *cmd, const customs_report *r, const cli_outputs *outs, int timings)
{
	customs_report_writer *w;
	int rc;
	if (customs_report_writer_new(&w, r) < 0)
		return cli_error(EXIT_FAILED, cmd, "%s", customs_error_last());
	rc = cli_write_outputs(cmd, w, outs, timings);
	customs_report_writer_free(w);
	return rc;
}

int cmd_sbom(int argc, char **argv)
{
	static const cli_opt opts[] = {
		{"output", 'o', required_argument, 'o'},
		{"no-files", 0, no_argument, OPT_NO_FILES},
		{"with-files", 0, no_argument, OPT_WITH_FILES},
		{"timings", 0, no_argument, OPT_TIMINGS},
		{NULL, 0, 0, 0},
	};
	cli_image_opts io = {0};
	cli_outputs outs = {0};
	cli_parser p;
	int no_files = 0, with_files = 0, timings = cli_timings_env(), opt, rc;

	cli_parser_init(&p, "sbom", argc, argv, opts, CLI_IMAGE_GROUPS | CLI_OPTS_SCOPE | CLI_OPTS_STORE, &io);
	while ((opt = cli_next(&p)) > 0) {
		switch (opt) {
		case 'o':
			if ((rc = cli_output_add(&outs, "sbom", optarg, CUSTOMS_REPORT_SBOM)) != 0)
				return rc;
			break;
		case OPT_NO_FILES:
			no_files = 1;
			break;
		case OPT_WITH_FILES:
			with_files = 1;
			io.o.file_digests = 1;
			break;
		case OPT_TIMINGS:
			timings = 1;
			break;
		}
	}
	if (opt < 0)
		return -opt;
	if ((rc = cli_outputs_finish(&outs, "sbom", "table")) != 0)
		return rc;
	if ((rc = cli_one_operand("sbom", argc, "IMAGE", "IMAGE")) != 0)
		return rc;

	customs_analysis *a;
	double t0 = cli_now_ms();
	rc = cli_analyze(&a, "sbom", argv[optind], &io);
	customs_store_free(io.store); /* the analysis is all it was for */
	if (rc != 0)
		return rc;
	if (timings)
		fprintf(stderr, "customs sbom: timings: analysis %.1f ms\n", cli_now_ms() - t0);
	customs_analysis_select_packages(a, io.all_layers);
	if (!a->npackages)
		fprintf(stderr, "customs sbom: no packages found\n");
	customs_report r = {.version = CUSTOMS_REPORT_VERSION, .kind = CUSTOMS_REPORT_SBOM, .analysis = a,
			    .all_layers = io.all_layers, .with_files = with_files, .no_files = no_files};
	rc = write_outputs("sbom", &r, &outs, timings);
	if (!rc)
		rc = cli_analysis_exit(a);
	customs_analysis_free(a);
	return rc;
}

int cmd_convert(int argc, char **argv)
{
	static const cli_opt opts[] = {
		{"output", 'o', required_argument, 'o'},
		{"with-files", 0, no_argument, OPT_WITH_FILES},
		{NULL, 0, 0, 0},
	};
	cli_image_opts io = {0};
	cli_outputs outs = {0};
	cli_parser p;
	int with_files = 0, opt, rc;
	char *ref;

	cli_parser_init(&p, "convert", argc, argv, opts, CLI_OPTS_QUIET, &io);
	while ((opt = cli_next(&p)) > 0) {
		if (opt == OPT_WITH_FILES)
			with_files = 1;
		else if ((rc = cli_output_add(&outs, "convert", optarg, CUSTOMS_REPORT_SBOM)) != 0)
			return rc;
	}
	if (opt < 0)
		return -opt;
	/* the formats worth converting to, the usual ones first */
	if (!outs.n)
		return cli_usage_error("convert", "say what to write: -o FORMAT[=FILE] (%s)",
				       "json, spdx-json, spdx-tag-value, cyclonedx-json, cyclonedx-json@1.7, cyclonedx-json@1.5, "
				       "purls, table");
	if ((rc = cli_outputs_finish(&outs, "convert", NULL)) != 0)
		return rc;
	if ((rc = cli_one_operand("convert", argc, "FILE (an SBOM)", "FILE")) != 0)
		return rc;
	if (!(ref = malloc(strlen(argv[optind]) + 6)))
		return cli_error(EXIT_FAILED, "convert", "out of memory");
	sprintf(ref, "sbom:%s", strncmp(argv[optind], "sbom:", 5) ? argv[optind] : argv[optind] + 5);
	customs_analysis *a;
	rc = cli_analyze(&a, "convert", ref, &io);
	free(ref);
	if (rc)
		return rc;
	customs_analysis_select_packages(a, 1);
	customs_report r = {.version = CUSTOMS_REPORT_VERSION, .kind = CUSTOMS_REPORT_SBOM, .analysis = a,
			    .all_layers = 1, .with_files = with_files, .no_files = !with_files};
	rc = write_outputs("convert", &r, &outs, cli_timings_env());
	if (!rc)
		rc = cli_analysis_exit(a);
	customs_analysis_free(a);
	return rc;
}
