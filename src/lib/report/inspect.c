/* inspect.c - the inspect table: an image's metadata and config, its
 * layers, and with all_layers the file catalog of every layer. */
#include <stdlib.h>

#include "report/report.h"

int report__inspect_table(FILE *out, const customs_report *r, const sbom_doc *d)
{
	const customs_analysis *a = r->analysis;
	const customs_image *im = &a->image;
	int all_layers = r->all_layers;
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
	fprintf(out, "Image       %s (%s)\n", im->reference, im->source_kind ? im->source_kind : "?");
	if (im->tags.n)
		fprintf(out, "Tags        %s%s\n", im->tags.v[0], im->tags.n > 1 ? " ..." : "");
	if (im->manifest_digest)
		fprintf(out, "Manifest    %s\n", im->manifest_digest);
	if (im->config_digest)
		fprintf(out, "Config      %s\n", im->config_digest);
	if (im->created)
		fprintf(out, "Created     %s\n", im->created);
	if (im->os || im->architecture)
		fprintf(out, "Platform    %s/%s%s%s\n", im->os ? im->os : "?", im->architecture ? im->architecture : "?",
		       im->variant ? "/" : "", im->variant ? im->variant : "");
	if (a->distro.id)
		fprintf(out, "Distro      %s (%s %s)\n", a->distro.pretty_name ? a->distro.pretty_name : a->distro.id, a->distro.id,
		       a->distro.version_id ? a->distro.version_id : "");
	else
		fprintf(out, "Distro      unknown\n");
	fprintf(out, "Layers      %zu, %s compressed, %s uncompressed\n", a->nlayers, customs_human_bytes(b1, sizeof(b1), (double)blob),
	       customs_human_bytes(b2, sizeof(b2), (double)tar));
	fprintf(out, "Files       %zu visible (%zu files, %zu directories, %zu symlinks), %zu in all layers\n", vis, reg, dirs,
	       links, a->nfiles);
	const customs_config *c = &im->config;
	if (c->user && *c->user)
		fprintf(out, "User        %s\n", c->user);
	if (c->workdir && *c->workdir)
		fprintf(out, "WorkDir     %s\n", c->workdir);
	if (c->entrypoint.n || c->cmd.n) {
		fprintf(out, "Command    ");
		for (size_t i = 0; i < c->entrypoint.n; i++)
			fprintf(out, " %s", c->entrypoint.v[i]);
		for (size_t i = 0; i < c->cmd.n; i++)
			fprintf(out, " %s", c->cmd.v[i]);
		fprintf(out, "\n");
	}
	if (c->exposed_ports.n) {
		fprintf(out, "Ports      ");
		for (size_t i = 0; i < c->exposed_ports.n; i++)
			fprintf(out, " %s", c->exposed_ports.v[i]);
		fprintf(out, "\n");
	}
	fprintf(out, "Complete    %s\n\n", a->complete ? "yes" : "NO (see the errors above)");

	fprintf(out, "%-3s %-19s %10s %10s %8s %8s  %s\n", "#", "DIGEST", "SIZE", "TAR", "FILES", "VISIBLE", "CREATED BY");
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
		fprintf(out, "%-3zu %-19s %10s %10s %8zu %8zu  %s%s\n", i, dg,
		       l->size >= 0 ? customs_human_bytes(b1, sizeof(b1), (double)l->size) : "-",
		       customs_human_bytes(b2, sizeof(b2), (double)l->tar_size), nf ? nf[i] : 0, nv ? nv[i] : 0, cb,
		       l->complete ? "" : "  [INCOMPLETE]");
	}
	free(nf);
	free(nv);
	if (all_layers) {
		fprintf(out, "\n%-6s %-5s %6s %12s  %s\n", "LAYER", "SEEN", "MODE", "SIZE", "PATH");
		for (size_t i = 0; i < a->nfiles; i++) {
			const customs_file *f = &a->files[i];
			fprintf(out, "%-6u %-5s %6o %12llu  %s%s%s\n", f->layer, f->visible ? "yes" : "no", f->mode,
			       (unsigned long long)f->size, f->path, f->link ? " -> " : "", f->link ? f->link : "");
		}
	}
	return 0;
}
