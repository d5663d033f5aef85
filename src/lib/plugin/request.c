/* request.c - the request a plugin reads on stdin (docs/plugins.md
 * "Request"): the image's metadata, its distro, the packages and visible
 * files of the analysis so far, and the parameters. */
#include <stdio.h>
#include <string.h>

#include "plugin/plugin_int.h"

/* json_string, or null for NULL (never fails on a NULL string). */
static json_t *str_or_null(const char *s)
{
	json_t *j = s ? json_string(s) : NULL;
	return j ? j : json_null();
}

static json_t *strlist(const customs_strlist *l)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < l->n; i++)
		json_array_append_new(a, str_or_null(l->v[i]));
	return a;
}

static json_t *image_json(const customs_analysis *a)
{
	const customs_image *im = &a->image;
	json_t *labels = im->config.labels ? json_deep_copy(im->config.labels) : json_object();
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:I}",
			 "reference", str_or_null(im->reference), "source_kind", str_or_null(im->source_kind),
			 "manifest_digest", str_or_null(im->manifest_digest), "config_digest",
			 str_or_null(im->config_digest), "architecture", str_or_null(im->architecture), "os",
			 str_or_null(im->os), "created", str_or_null(im->created), "author", str_or_null(im->author),
			 "tags", strlist(&im->tags), "labels", labels ? labels : json_object(), "user",
			 str_or_null(im->config.user), "env", strlist(&im->config.env), "entrypoint",
			 strlist(&im->config.entrypoint), "cmd", strlist(&im->config.cmd), "layers",
			 (json_int_t)a->nlayers);
}

static json_t *distro_json(const customs_distro *d)
{
	if (!d->id)
		return json_null();
	return json_pack("{s:o, s:o, s:o, s:o}", "id", str_or_null(d->id), "version_id", str_or_null(d->version_id),
			 "version_codename", str_or_null(d->version_codename), "pretty_name",
			 str_or_null(d->pretty_name));
}

static json_t *packages_json(const customs_analysis *a)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < a->npackages; i++) {
		const customs_package *p = a->packages[i];
		if (!p->visible)
			continue;
		if (json_array_append_new(arr, json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:i}", "name",
							 str_or_null(p->name), "version", str_or_null(p->version),
							 "type", str_or_null(p->type), "purl", str_or_null(p->purl),
							 "found_by", str_or_null(p->found_by), "path",
							 str_or_null(p->db_path), "layer", p->layer)) < 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static json_t *files_json(const customs_analysis *a)
{
	json_t *arr = json_array();
	char path[4096], mode[16];
	for (size_t i = 0; arr && i < a->nfiles; i++) {
		const customs_file *f = &a->files[i];
		if (!f->visible)
			continue;
		snprintf(path, sizeof(path), "/%s", f->path);
		snprintf(mode, sizeof(mode), "%04o", (unsigned)f->mode & 07777);
		if (json_array_append_new(arr, json_pack("{s:s, s:s, s:I, s:s, s:o, s:i}", "path", path, "type",
							 customs_file_type_name((customs_file_type)f->type), "size",
							 (json_int_t)f->size, "mode", mode, "link",
							 str_or_null(f->link), "layer", (int)f->layer)) < 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

json_t *plugin__request(const plugin_entry *e, const customs_analysis *a, int files, json_t *params)
{
	json_t *r = json_pack("{s:i, s:s, s:s, s:o, s:o, s:o, s:o}", "protocol", CUSTOMS_PLUGIN_PROTOCOL, "kind",
			      customs_plugin_kind_name(e->pub.kind), "plugin", e->pub.name, "image", image_json(a),
			      "distro", distro_json(&a->distro), "packages", packages_json(a), "params",
			      params ? params : json_object());
	if (r && files && json_object_set_new(r, "files", files_json(a)) < 0) {
		json_decref(r);
		return NULL;
	}
	return r;
}
