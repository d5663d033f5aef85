/* cmd_inspect.c - `customs inspect IMAGE`: metadata, layers, file catalog. */
#include <stdlib.h>
#include <string.h>

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
	"\n" CLI_IMAGE_USAGE;

enum { OPT_SCOPE = OPT_IMAGE_LAST };

static void print_table(const customs_analysis *a, int all_layers)
{
	const customs_image *im = &a->image;
	char b1[32], b2[32];
	uint64_t blob = 0, tar = 0;
	size_t vis = 0, reg = 0, dirs = 0, links = 0;

	for (size_t i = 0; i < a->nlayers; i++) {
		blob += a->layers[i].size > 0 ? (uint64_t)a->layers[i].size : 0;
		tar += a->layers[i].tar_size;
	}
	for (size_t i = 0; i < a->nfiles; i++) {
		const customs_file *f = &a->files[i];
		if (!f->visible)
			continue;
		vis++;
		reg += f->type == CUSTOMS_FILE_REG || f->type == CUSTOMS_FILE_HARDLINK;
		dirs += f->type == CUSTOMS_FILE_DIR;
		links += f->type == CUSTOMS_FILE_SYMLINK;
	}
	printf("Image       %s (%s)\n", im->reference, im->source_kind ? im->source_kind : "?");
	if (im->tags.n)
		printf("Tags        %s%s\n", im->tags.v[0], im->tags.n > 1 ? " ..." : "");
	if (im->manifest_digest)
		printf("Manifest    %s\n", im->manifest_digest);
	if (im->config_digest)
		printf("Config      %s\n", im->config_digest);
	if (im->created)
		printf("Created     %s\n", im->created);
	if (im->os || im->architecture)
		printf("Platform    %s/%s%s%s\n", im->os ? im->os : "?", im->architecture ? im->architecture : "?",
		       im->variant ? "/" : "", im->variant ? im->variant : "");
	if (a->distro.id)
		printf("Distro      %s (%s %s)\n", a->distro.pretty_name ? a->distro.pretty_name : a->distro.id, a->distro.id,
		       a->distro.version_id ? a->distro.version_id : "");
	else
		printf("Distro      unknown\n");
	printf("Layers      %zu, %s compressed, %s uncompressed\n", a->nlayers, cli_human_bytes(b1, sizeof(b1), (double)blob),
	       cli_human_bytes(b2, sizeof(b2), (double)tar));
	printf("Files       %zu visible (%zu files, %zu directories, %zu symlinks), %zu in all layers\n", vis, reg, dirs,
	       links, a->nfiles);
	const customs_config *c = &im->config;
	if (c->user && *c->user)
		printf("User        %s\n", c->user);
	if (c->workdir && *c->workdir)
		printf("WorkDir     %s\n", c->workdir);
	if (c->entrypoint.n || c->cmd.n) {
		printf("Command    ");
		for (size_t i = 0; i < c->entrypoint.n; i++)
			printf(" %s", c->entrypoint.v[i]);
		for (size_t i = 0; i < c->cmd.n; i++)
			printf(" %s", c->cmd.v[i]);
		printf("\n");
	}
	if (c->exposed_ports.n) {
		printf("Ports      ");
		for (size_t i = 0; i < c->exposed_ports.n; i++)
			printf(" %s", c->exposed_ports.v[i]);
		printf("\n");
	}
	printf("Complete    %s\n\n", a->complete ? "yes" : "NO (see the errors above)");

	printf("%-3s %-19s %10s %10s %8s %8s  %s\n", "#", "DIGEST", "SIZE", "TAR", "FILES", "VISIBLE", "CREATED BY");
	size_t *nf = calloc(a->nlayers ? a->nlayers : 1, sizeof(size_t));
	size_t *nv = calloc(a->nlayers ? a->nlayers : 1, sizeof(size_t));
	for (size_t i = 0; nf && nv && i < a->nfiles; i++) {
		nf[a->files[i].layer]++;
		nv[a->files[i].layer] += a->files[i].visible;
	}
	for (size_t i = 0; i < a->nlayers; i++) {
		const customs_layer *l = &a->layers[i];
		char dg[20];
		snprintf(dg, sizeof(dg), "%.19s", l->digest ? l->digest : "-");
		char cb[61];
		snprintf(cb, sizeof(cb), "%.60s", l->created_by ? l->created_by : "");
		for (char *p = cb; *p; p++)
			if (*p == '\n' || *p == '\t')
				*p = ' ';
		printf("%-3zu %-19s %10s %10s %8zu %8zu  %s%s\n", i, dg,
		       l->size >= 0 ? cli_human_bytes(b1, sizeof(b1), (double)l->size) : "-",
		       cli_human_bytes(b2, sizeof(b2), (double)l->tar_size), nf ? nf[i] : 0, nv ? nv[i] : 0, cb,
		       l->complete ? "" : "  [INCOMPLETE]");
	}
	free(nf);
	free(nv);
	if (all_layers) {
		printf("\n%-6s %-5s %6s %12s  %s\n", "LAYER", "SEEN", "MODE", "SIZE", "PATH");
		for (size_t i = 0; i < a->nfiles; i++) {
			const customs_file *f = &a->files[i];
			printf("%-6u %-5s %6o %12llu  %s%s%s\n", f->layer, f->visible ? "yes" : "no", f->mode,
			       (unsigned long long)f->size, f->path, f->link ? " -> " : "", f->link ? f->link : "");
		}
	}
}

int cmd_inspect(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"scope", required_argument, NULL, OPT_SCOPE},
		CLI_IMAGE_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	cli_image_opts io = {0};
	const char *output = "table";
	int all_layers = 0, opt, rc;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		if ((rc = cli_image_opt(&io, "inspect", opt, optarg)) != 0) {
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
				return cli_usage_error("inspect", "--scope is squashed or all-layers, not '%s'", optarg);
			break;
		default:
			return cli_usage_error("inspect", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (strcmp(output, "table") && strcmp(output, "json"))
		return cli_usage_error("inspect", "unknown output format '%s'; use table or json", output);
	if (optind + 1 != argc)
		return cli_usage_error("inspect", optind >= argc ? "missing IMAGE" : "one IMAGE at a time");

	customs_analysis *a;
	if ((rc = cli_analyze(&a, "inspect", argv[optind], &io)) != 0)
		return rc;
	if (!strcmp(output, "json")) {
		if (customs_analysis_write_json(stdout, a, CUSTOMS_JSON_FILES | (all_layers ? CUSTOMS_JSON_ALL_LAYERS : 0)) < 0 ||
		    fflush(stdout) != 0)
			rc = cli_error(EXIT_FAILED, "inspect", "cannot write the output: %s", customs_error_last());
	} else {
		print_table(a, all_layers);
		rc = 0;
	}
	if (!rc)
		rc = cli_analysis_exit(a);
	customs_analysis_free(a);
	return rc;
}
