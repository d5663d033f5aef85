/* cmd_sbom.c - `customs sbom IMAGE`: the packages an image holds, as a
 * table or as customs' JSON document (docs/json.md "packages"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "common.h"

const char cmd_sbom_usage[] =
	"usage: customs sbom IMAGE [-o table|json] [--scope squashed|all-layers] [--no-files]\n"
	"\n"
	"List the packages in IMAGE: OS packages from the dpkg, apk and rpm\n"
	"databases (and whatever else the analyzers catalog), with version, type,\n"
	"architecture, source package and the layer that installed each one.\n"
	"\n"
	"Options:\n"
	"  -o, --output FORMAT       table (default) or json\n"
	"  --scope SCOPE             squashed (default): the packages a container has;\n"
	"                            all-layers: also those a later layer removed\n"
	"                            (listed with the layer that removed them)\n"
	"  --no-files                json: leave out each package's owned files\n"
	"\n" CLI_IMAGE_USAGE;

enum { OPT_SCOPE = OPT_IMAGE_LAST, OPT_NO_FILES };

static int strcmp0(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

/* type, name, version, then whatever tells two records apart, so the
 * order never depends on the order analyzers or layers finished in */
static int cmp_pkg(const void *x, const void *y)
{
	const customs_package *a = *(customs_package *const *)x, *b = *(customs_package *const *)y;
	int c;
	if ((c = strcmp0(a->type, b->type)) || (c = strcmp0(a->name, b->name)) || (c = strcmp0(a->version, b->version)) ||
	    (c = strcmp0(a->arch, b->arch)))
		return c;
	if (a->visible != b->visible)
		return b->visible - a->visible;
	if (a->layer != b->layer)
		return (a->layer > b->layer) - (a->layer < b->layer);
	if ((c = strcmp0(a->db_path, b->db_path)))
		return c;
	return strcmp0(a->found_by, b->found_by);
}

/* Keep what the scope asks for, in a deterministic order. */
static void select_packages(customs_analysis *a, int all_layers)
{
	size_t k = 0;
	for (size_t i = 0; i < a->npackages; i++) {
		if (!all_layers && !a->packages[i]->visible)
			customs_package_free(a->packages[i]);
		else
			a->packages[k++] = a->packages[i];
	}
	a->npackages = k;
	if (a->npackages)
		qsort(a->packages, a->npackages, sizeof(*a->packages), cmp_pkg);
}

static int width(const char *s, int cur, int max)
{
	int n = s ? (int)strlen(s) : 1;
	if (n > max)
		n = max;
	return n > cur ? n : cur;
}

static void print_table(const customs_analysis *a, int all_layers)
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
	printf("%-*s  %-*s  %-*s  %-*s  %-*s  %s%s\n", wn, "NAME", wv, "VERSION", wt, "TYPE", wa, "ARCH", ws, "SOURCE",
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
		printf("%-*s  %-*s  %-*s  %-*s  %-*s  %-*s%s%s\n", wn, p->name ? p->name : "-", wv,
		       p->version ? p->version : "-", wt, p->type ? p->type : "-", wa, p->arch ? p->arch : "-", ws,
		       p->source_name ? p->source_name : "-", all_layers ? 5 : 0, layer, all_layers ? "  " : "",
		       all_layers ? removed : "");
	}
	if (!a->npackages)
		fprintf(stderr, "customs sbom: no packages found\n");
}

int cmd_sbom(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"scope", required_argument, NULL, OPT_SCOPE},
		{"no-files", no_argument, NULL, OPT_NO_FILES},
		CLI_IMAGE_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	cli_image_opts io = {0};
	const char *output = "table";
	int all_layers = 0, no_files = 0, opt, rc;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		if ((rc = cli_image_opt(&io, "sbom", opt, optarg)) != 0) {
			if (rc < 0)
				return EXIT_USAGE;
			continue;
		}
		switch (opt) {
		case 'o':
			output = optarg;
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
		default:
			return cli_usage_error("sbom", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (strcmp(output, "table") && strcmp(output, "json"))
		return cli_usage_error("sbom", "unknown output format '%s'; use table or json", output);
	if (optind + 1 != argc)
		return cli_usage_error("sbom", optind >= argc ? "missing IMAGE" : "one IMAGE at a time");

	customs_analysis *a;
	if ((rc = cli_analyze(&a, "sbom", argv[optind], &io)) != 0)
		return rc;
	select_packages(a, all_layers);
	if (!strcmp(output, "json")) {
		json_t *j = customs_analysis_to_json(a, CUSTOMS_JSON_PACKAGES);
		json_t *pk = json_object_get(j, "packages"), *p;
		size_t i;
		if (no_files)
			json_array_foreach(pk, i, p) json_object_del(p, "files");
		rc = j ? cli_write_json(j, NULL) : cli_error(EXIT_FAILED, "sbom", "out of memory");
		json_decref(j);
	} else {
		print_table(a, all_layers);
		rc = 0;
	}
	if (!rc)
		rc = cli_analysis_exit(a);
	customs_analysis_free(a);
	return rc;
}
