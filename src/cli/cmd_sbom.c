/* cmd_sbom.c - `customs sbom IMAGE`: the packages an image holds, as a
 * table, customs JSON, SPDX, CycloneDX or purls; and `customs convert`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
	"  cyclonedx-json            CycloneDX 1.6 JSON (cyclonedx-json@1.5 for 1.5): the image as\n"  \
	"                            metadata.component, components with purl, cpe, licenses,\n"       \
	"                            hashes, layer and location properties, dependencies\n"            \
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
	"\n" SBOM_FORMATS_HELP "\n" CLI_IMAGE_USAGE;

const char cmd_convert_usage[] =
	"usage: customs convert FILE -o FORMAT[=FILE]... [--with-files]\n"
	"\n"
	"Read an SBOM (SPDX 2.2/2.3 JSON or tag-value, CycloneDX 1.4-1.6 JSON, or\n"
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

enum { OPT_SCOPE = OPT_IMAGE_LAST, OPT_NO_FILES, OPT_WITH_FILES, OPT_TIMINGS };

static const char *const sbom_formats[] = {"table", "json", "spdx-json", "spdx-tag-value", "cyclonedx-json",
					   "cyclonedx-json@1.6", "cyclonedx-json@1.5", "purls", NULL};

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int timings_env(void)
{
	const char *e = getenv("CUSTOMS_TIMINGS");
	return e && *e && strcmp(e, "0");
}

static int width(const char *s, int cur, int max)
{
	int n = s ? (int)strlen(s) : 1;
	if (n > max)
		n = max;
	return n > cur ? n : cur;
}

static void print_table(FILE *f, const customs_analysis *a, int all_layers)
{
	int wn = 4, wv = 7, wt = 4, wa = 4, ws = 6;
	for (size_t i = 0; i < a->npackages; i++) {
		const customs_package *p = a->packages[i];
		wn = width(p->name, wn, 40);
		wv = width(p->version, wv, 40);
		wt = width(p->type, wt, 12);
		wa = width(p->arch, wa, 10);
		ws = width(p->source_name, ws, 30);
	}
	fprintf(f, "%-*s  %-*s  %-*s  %-*s  %-*s  %s%s\n", wn, "NAME", wv, "VERSION", wt, "TYPE", wa, "ARCH", ws, "SOURCE",
	       "LAYER", all_layers ? "  REMOVED" : "");
	for (size_t i = 0; i < a->npackages; i++) {
		const customs_package *p = a->packages[i];
		char layer[16] = "-", removed[16] = "-";
		if (p->layer >= 0)
			snprintf(layer, sizeof(layer), "%d", p->layer);
		if (p->removed_in_layer >= 0)
			snprintf(removed, sizeof(removed), "%d", p->removed_in_layer);
		else if (!p->visible)
			snprintf(removed, sizeof(removed), "?");
		/* columns are as wide as their values up to a cap; longer values
		 * are printed whole, never cut */
		fprintf(f, "%-*s  %-*s  %-*s  %-*s  %-*s  %-*s%s%s\n", wn, p->name ? p->name : "-", wv,
		       p->version ? p->version : "-", wt, p->type ? p->type : "-", wa, p->arch ? p->arch : "-", ws,
		       p->source_name ? p->source_name : "-", all_layers ? 5 : 0, layer, all_layers ? "  " : "",
		       all_layers ? removed : "");
	}
}

/* Every output of one run; the first error stops. */
static int write_outputs(const char *cmd, customs_analysis *a, const cli_outputs *outs, int all_layers, int no_files,
			 int with_files, int timings)
{
	customs_sbom_writer *sw;
	int rc = 0;
	if (customs_sbom_writer_new(&sw, a, NULL) < 0)
		return cli_error(EXIT_FAILED, cmd, "%s", customs_error_last());
	for (size_t i = 0; i < outs->n && !rc; i++) {
		const cli_output *o = &outs->v[i];
		char *tmp;
		double t0 = now_ms();
		FILE *f = cli_output_open(o, cmd, &tmp);
		if (!f) {
			rc = EXIT_FAILED;
			break;
		}
		if (o->fmt == CUSTOMS_SBOM_UNKNOWN)
			print_table(f, a, all_layers);
		else if (customs_sbom_writer_write(sw, f, o->fmt, o->fmt == CUSTOMS_SBOM_CUSTOMS_JSON ? !no_files : with_files) < 0)
			rc = cli_error(EXIT_FAILED, cmd, "%s%s%s: %s", o->format, o->path ? " to " : "", o->path ? o->path : "",
				       customs_error_last());
		int crc = cli_output_close(f, o, cmd, tmp, rc == 0);
		if (timings)
			fprintf(stderr, "customs %s: timings: %s %.1f ms\n", cmd, o->format, now_ms() - t0);
		rc = rc ? rc : crc;
	}
	customs_sbom_writer_free(sw);
	return rc;
}

int cmd_sbom(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"scope", required_argument, NULL, OPT_SCOPE},
		{"no-files", no_argument, NULL, OPT_NO_FILES},
		{"with-files", no_argument, NULL, OPT_WITH_FILES},
		{"timings", no_argument, NULL, OPT_TIMINGS},
		CLI_IMAGE_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	cli_image_opts io = {0};
	cli_outputs outs = {0};
	int all_layers = 0, no_files = 0, with_files = 0, timings = timings_env(), opt, rc;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		if ((rc = cli_image_opt(&io, "sbom", opt, optarg)) != 0) {
			if (rc < 0)
				return EXIT_USAGE;
			continue;
		}
		switch (opt) {
		case 'o':
			if ((rc = cli_output_add(&outs, "sbom", optarg, sbom_formats)) != 0)
				return rc;
			break;
		case OPT_SCOPE:
			if (!strcmp(optarg, "squashed"))
				all_layers = 0;
			else if (!strcmp(optarg, "all-layers"))
				all_layers = 1;
			else
				return cli_usage_error("sbom", "--scope is squashed or all-layers, not '%s'", optarg);
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
		default:
			return cli_usage_error("sbom", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if ((rc = cli_outputs_finish(&outs, "sbom", "table")) != 0)
		return rc;
	if (optind + 1 != argc)
		return cli_usage_error("sbom", optind >= argc ? "missing IMAGE" : "one IMAGE at a time");

	customs_analysis *a;
	double t0 = now_ms();
	if ((rc = cli_analyze(&a, "sbom", argv[optind], &io)) != 0)
		return rc;
	if (timings)
		fprintf(stderr, "customs sbom: timings: analysis %.1f ms\n", now_ms() - t0);
	customs_analysis_select_packages(a, all_layers);
	if (!a->npackages)
		fprintf(stderr, "customs sbom: no packages found\n");
	rc = write_outputs("sbom", a, &outs, all_layers, no_files, with_files, timings);
	if (!rc)
		rc = cli_analysis_exit(a);
	customs_analysis_free(a);
	return rc;
}

int cmd_convert(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"with-files", no_argument, NULL, OPT_WITH_FILES},
		{"quiet", no_argument, NULL, OPT_QUIET},
		{NULL, 0, NULL, 0},
	};
	cli_image_opts io = {0};
	cli_outputs outs = {0};
	int with_files = 0, opt, rc;
	char *ref;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			if ((rc = cli_output_add(&outs, "convert", optarg, sbom_formats)) != 0)
				return rc;
			break;
		case OPT_WITH_FILES:
			with_files = 1;
			break;
		case OPT_QUIET:
			io.quiet = 1;
			break;
		default:
			return cli_usage_error("convert", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (!outs.n)
		return cli_usage_error("convert", "say what to write: -o FORMAT[=FILE] (%s)",
				       "json, spdx-json, spdx-tag-value, cyclonedx-json, cyclonedx-json@1.5, purls, table");
	if ((rc = cli_outputs_finish(&outs, "convert", NULL)) != 0)
		return rc;
	if (optind + 1 != argc)
		return cli_usage_error("convert", optind >= argc ? "missing FILE (an SBOM)" : "one FILE at a time");
	if (!(ref = malloc(strlen(argv[optind]) + 6)))
		return cli_error(EXIT_FAILED, "convert", "out of memory");
	sprintf(ref, "sbom:%s", strncmp(argv[optind], "sbom:", 5) ? argv[optind] : argv[optind] + 5);
	customs_analysis *a;
	rc = cli_analyze(&a, "convert", ref, &io);
	free(ref);
	if (rc)
		return rc;
	customs_analysis_select_packages(a, 1);
	rc = write_outputs("convert", a, &outs, 1, !with_files, with_files, timings_env());
	if (!rc)
		rc = cli_analysis_exit(a);
	customs_analysis_free(a);
	return rc;
}
