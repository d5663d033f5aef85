/* request.c - the request a plugin reads on stdin (docs/plugins.md
 * "Request"): the image's metadata, its distro, the packages and visible
 * files of the analysis so far, and the parameters.  Written with the
 * streaming JSON writer: tens of thousands of files cost no tree, and
 * names that are not UTF-8 (image content) come out as valid JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin/plugin_int.h"
#include "util/jsonw.h"

static void image_w(customs_jsonw *w, const customs_analysis *a)
{
	const customs_image *im = &a->image;
	customs_jsonw_key(w, "image");
	customs_jsonw_begin_object(w);
	customs_jsonw_kv_string(w, "reference", im->reference);
	customs_jsonw_kv_string(w, "source_kind", im->source_kind);
	customs_jsonw_kv_string(w, "manifest_digest", im->manifest_digest);
	customs_jsonw_kv_string(w, "config_digest", im->config_digest);
	customs_jsonw_kv_string(w, "architecture", im->architecture);
	customs_jsonw_kv_string(w, "os", im->os);
	customs_jsonw_kv_string(w, "created", im->created);
	customs_jsonw_kv_string(w, "author", im->author);
	customs_jsonw_kv_strings(w, "tags", im->tags.v, im->tags.n);
	customs_jsonw_key(w, "labels");
	if (im->config.labels)
		customs_jsonw_value(w, im->config.labels);
	else {
		customs_jsonw_begin_object(w);
		customs_jsonw_end_object(w);
	}
	customs_jsonw_kv_string(w, "user", im->config.user);
	customs_jsonw_kv_strings(w, "env", im->config.env.v, im->config.env.n);
	customs_jsonw_kv_strings(w, "entrypoint", im->config.entrypoint.v, im->config.entrypoint.n);
	customs_jsonw_kv_strings(w, "cmd", im->config.cmd.v, im->config.cmd.n);
	customs_jsonw_kv_int(w, "layers", (long long)a->nlayers);
	customs_jsonw_end_object(w);
}

static void distro_w(customs_jsonw *w, const customs_distro *d)
{
	customs_jsonw_key(w, "distro");
	if (!d->id) {
		customs_jsonw_null(w);
		return;
	}
	customs_jsonw_begin_object(w);
	customs_jsonw_kv_string(w, "id", d->id);
	customs_jsonw_kv_string(w, "version_id", d->version_id);
	customs_jsonw_kv_string(w, "version_codename", d->version_codename);
	customs_jsonw_kv_string(w, "pretty_name", d->pretty_name);
	customs_jsonw_end_object(w);
}

static void packages_w(customs_jsonw *w, const customs_analysis *a)
{
	customs_jsonw_key(w, "packages");
	customs_jsonw_begin_array(w);
	for (size_t i = 0; i < a->npackages; i++) {
		const customs_package *p = a->packages[i];
		if (!p->visible)
			continue;
		customs_jsonw_begin_object(w);
		customs_jsonw_kv_string(w, "name", p->name);
		customs_jsonw_kv_string(w, "version", p->version);
		customs_jsonw_kv_string(w, "type", p->type);
		customs_jsonw_kv_string(w, "purl", p->purl);
		customs_jsonw_kv_string(w, "found_by", p->found_by);
		customs_jsonw_kv_string(w, "path", p->db_path);
		customs_jsonw_kv_int(w, "layer", p->layer);
		customs_jsonw_end_object(w);
	}
	customs_jsonw_end_array(w);
}

static void files_w(customs_jsonw *w, const customs_analysis *a)
{
	char path[4096], mode[16];
	customs_jsonw_key(w, "files");
	customs_jsonw_begin_array(w);
	for (size_t i = 0; i < a->nfiles; i++) {
		const customs_file *f = &a->files[i];
		if (!f->visible)
			continue;
		snprintf(path, sizeof(path), "/%s", f->path);
		snprintf(mode, sizeof(mode), "%04o", (unsigned)f->mode & 07777);
		customs_jsonw_begin_object(w);
		customs_jsonw_kv_string(w, "path", path);
		customs_jsonw_kv_string(w, "type", customs_file_type_name((customs_file_type)f->type));
		customs_jsonw_kv_int(w, "size", (long long)f->size);
		customs_jsonw_kv_string(w, "mode", mode);
		customs_jsonw_kv_string(w, "link", f->link);
		customs_jsonw_kv_int(w, "layer", f->layer);
		customs_jsonw_end_object(w);
	}
	customs_jsonw_end_array(w);
}

char *plugin__request(const plugin_entry *e, const customs_analysis *a, int files, const json_t *params,
		      const json_t *wanted)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	customs_jsonw *w = malloc(sizeof(*w));
	int err = !f || !w;
	if (!err) {
		customs_jsonw_init(w, f, 0);
		customs_jsonw_begin_object(w);
		customs_jsonw_kv_int(w, "protocol", CUSTOMS_PLUGIN_PROTOCOL);
		customs_jsonw_kv_string(w, "kind", customs_plugin_kind_name(e->pub.kind));
		customs_jsonw_kv_string(w, "plugin", e->pub.name);
		image_w(w, a);
		distro_w(w, &a->distro);
		packages_w(w, a);
		if (files)
			files_w(w, a);
		customs_jsonw_key(w, "params");
		if (params)
			customs_jsonw_value(w, params);
		else {
			customs_jsonw_begin_object(w);
			customs_jsonw_end_object(w);
		}
		if (wanted) {
			customs_jsonw_key(w, "wanted_files");
			customs_jsonw_value(w, wanted);
		}
		customs_jsonw_end_object(w);
		err = customs_jsonw_finish(w) < 0;
	}
	free(w);
	if (f && fclose(f))
		err = 1;
	if (err) {
		free(text);
		customs__error(CUSTOMS_ENOMEM, "out of memory writing a plugin's request");
		return NULL;
	}
	return text;
}
