/* json.c - the analysis as customs' own JSON document (docs/json.md,
 * customs-analysis), and the JSON dump every writer of the stage uses.
 * Field names are stable: add, never rename. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "customs/customs.h"
#include "report/report.h"
#include "util/jsonw.h"
#include "util/util.h"

#define CUSTOMS_JSON_SCHEMA_VERSION "1.0"

static json_t *jstr_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *jlist(const customs_strlist *l)
{
	json_t *a = json_array();
	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(a, json_string(l->v[i]));
	return a;
}

static json_t *config_json(const customs_config *c)
{
	json_t *o = json_object();
	json_object_set_new(o, "user", jstr_or_null(c->user));
	json_object_set_new(o, "env", jlist(&c->env));
	json_object_set_new(o, "entrypoint", jlist(&c->entrypoint));
	json_object_set_new(o, "cmd", jlist(&c->cmd));
	json_object_set_new(o, "working_dir", jstr_or_null(c->workdir));
	json_object_set_new(o, "exposed_ports", jlist(&c->exposed_ports));
	json_object_set_new(o, "volumes", jlist(&c->volumes));
	json_object_set_new(o, "labels", c->labels ? json_deep_copy(c->labels) : json_object());
	json_object_set_new(o, "healthcheck", c->healthcheck ? json_deep_copy(c->healthcheck) : json_null());
	json_object_set_new(o, "stop_signal", jstr_or_null(c->stop_signal));
	json_object_set_new(o, "shell", jlist(&c->shell));
	return o;
}

json_t *customs__package_json(const customs_package *p, int with_files)
{
	json_t *o = json_object();
	json_object_set_new(o, "name", jstr_or_null(p->name));
	json_object_set_new(o, "version", jstr_or_null(p->version));
	json_object_set_new(o, "type", jstr_or_null(p->type));
	json_object_set_new(o, "arch", jstr_or_null(p->arch));
	json_object_set_new(o, "purl", jstr_or_null(p->purl));
	json_object_set_new(o, "source_name", jstr_or_null(p->source_name));
	json_object_set_new(o, "source_version", jstr_or_null(p->source_version));
	json_object_set_new(o, "licenses", jlist(&p->licenses));
	json_object_set_new(o, "cpes", jlist(&p->cpes));
	json_object_set_new(o, "found_by", jstr_or_null(p->found_by));
	json_object_set_new(o, "db_path", jstr_or_null(p->db_path));
	json_object_set_new(o, "layer", p->layer >= 0 ? json_integer(p->layer) : json_null());
	json_object_set_new(o, "visible", json_boolean(p->visible));
	json_object_set_new(o, "removed_in_layer", p->removed_in_layer >= 0 ? json_integer(p->removed_in_layer) : json_null());
	if (with_files)
		json_object_set_new(o, "files", jlist(&p->files));
	/* shared, not copied: the tree is read and dropped (md5sums lists are big) */
	json_object_set(o, "metadata", p->metadata ? p->metadata : json_null());
	return o;
}

static json_t *file_json(const customs_file *f)
{
	char mode[16], hex[65];
	json_t *o = json_object();
	snprintf(mode, sizeof(mode), "%04o", f->mode);
	json_object_set_new(o, "path", json_string(f->path));
	json_object_set_new(o, "type", json_string(customs_file_type_name(f->type)));
	json_object_set_new(o, "mode", json_string(mode));
	json_object_set_new(o, "uid", json_integer(f->uid));
	json_object_set_new(o, "gid", json_integer(f->gid));
	json_object_set_new(o, "size", json_integer((json_int_t)f->size));
	json_object_set_new(o, "link", jstr_or_null(f->link));
	json_object_set_new(o, "layer", json_integer(f->layer));
	json_object_set_new(o, "visible", json_boolean(f->visible));
	if (f->has_digest) {
		customs_hex(hex, f->sha256, 32);
		json_object_set_new(o, "sha256", json_string(hex));
	}
	return o;
}

static json_t *layer_or_null(int layer)
{
	return layer >= 0 ? json_integer(layer) : json_null();
}

/* What the opt-in analyzers found, when they ran.  Configuration files
 * are listed, never their content: it may hold credentials. */
static void collected_json(json_t *root, const customs_analysis *a)
{
	if (a->collected & CUSTOMS_COLLECTED_SECRETS) {
		json_t *v = json_array();
		for (size_t i = 0; i < a->nsecrets; i++) {
			const customs_secret *x = &a->secrets[i];
			json_t *o = json_object();
			json_object_set_new(o, "rule", json_string(x->rule));
			json_object_set_new(o, "kind", json_string(x->content ? "content" : "secret"));
			json_object_set_new(o, "path", jstr_or_null(x->path));
			json_object_set_new(o, "layer", layer_or_null(x->layer));
			json_object_set_new(o, "visible", json_boolean(x->visible));
			json_object_set_new(o, "line", json_integer((json_int_t)x->line));
			json_object_set_new(o, "match", jstr_or_null(x->match));
			json_array_append_new(v, o);
		}
		json_object_set_new(root, "secrets", v);
	}
	if (a->collected & CUSTOMS_COLLECTED_CONFIG) {
		json_t *v = json_array();
		for (size_t i = 0; i < a->nconfig_files; i++) {
			const customs_config_file *x = &a->config_files[i];
			json_t *o = json_object();
			json_object_set_new(o, "path", jstr_or_null(x->path));
			json_object_set_new(o, "layer", layer_or_null(x->layer));
			json_object_set_new(o, "visible", json_boolean(x->visible));
			json_object_set_new(o, "size", json_integer((json_int_t)x->len));
			json_object_set_new(o, "truncated", json_boolean(x->truncated));
			json_array_append_new(v, o);
		}
		json_object_set_new(root, "config_files", v);
	}
	if (a->collected & CUSTOMS_COLLECTED_VERIFY) {
		json_t *v = json_array();
		for (size_t i = 0; i < a->npackage_checks; i++) {
			const customs_package_check *x = &a->package_checks[i];
			json_t *o = json_object();
			json_object_set_new(o, "package", jstr_or_null(x->package));
			json_object_set_new(o, "type", jstr_or_null(x->type));
			json_object_set_new(o, "path", jstr_or_null(x->path));
			json_object_set_new(o, "state", jstr_or_null(x->state));
			json_object_set_new(o, "algorithm", jstr_or_null(x->algorithm));
			json_object_set_new(o, "expected", jstr_or_null(x->expected));
			json_object_set_new(o, "actual", jstr_or_null(x->actual));
			json_array_append_new(v, o);
		}
		json_object_set_new(root, "package_checks", v);
	}
}

/* What the secrets analyzer found in the config stays out of the JSON: an
 * Env entry keeps its name and the redacted match, a history entry says
 * that it held a secret. */
static void redact_config(json_t *root, const customs_analysis *a)
{
	json_t *env = json_object_get(json_object_get(json_object_get(root, "image"), "config"), "env");
	json_t *layers = json_object_get(root, "layers");
	for (size_t i = 0; i < a->nsecrets; i++) {
		const customs_secret *x = &a->secrets[i];
		size_t k = (size_t)x->line - 1;
		if (!strcmp(x->path, "config:Env") && k < a->image.config.env.n) {
			const char *e = a->image.config.env.v[k], *eq = strchr(e, '=');
			char *v = customs_asprintf("%.*s=%s", eq ? (int)(eq - e) : 0, e, x->match ? x->match : "********");
			json_array_set_new(env, k, v ? json_string(v) : json_null());
			free(v);
		} else if (!strcmp(x->path, "config:history") && k < a->nlayers) {
			char *v = customs_asprintf("[redacted by customs: it holds a secret (%s)]", x->rule);
			json_object_set_new(json_array_get(layers, k), "created_by", v ? json_string(v) : json_null());
			free(v);
		}
	}
}

json_t *customs_analysis_to_json(const customs_analysis *a, int flags)
{
	json_t *root = json_object(), *src = json_object(), *img = json_object(), *layers = json_array();
	const customs_image *im = &a->image;

	json_object_set_new(root, "schema", json_string("customs-analysis"));
	json_object_set_new(root, "schema_version", json_string(CUSTOMS_JSON_SCHEMA_VERSION));
	json_object_set_new(root, "complete", json_boolean(a->complete));

	json_object_set_new(src, "reference", jstr_or_null(im->reference));
	json_object_set_new(src, "kind", jstr_or_null(im->source_kind));
	json_object_set_new(src, "path", jstr_or_null(im->source_path));
	json_object_set_new(root, "source", src);

	json_object_set_new(img, "manifest_digest", jstr_or_null(im->manifest_digest));
	json_object_set_new(img, "manifest_media_type", jstr_or_null(im->manifest_media_type));
	json_object_set_new(img, "config_digest", jstr_or_null(im->config_digest));
	json_object_set_new(img, "tags", jlist(&im->tags));
	json_object_set_new(img, "created", jstr_or_null(im->created));
	json_object_set_new(img, "author", jstr_or_null(im->author));
	json_object_set_new(img, "os", jstr_or_null(im->os));
	json_object_set_new(img, "architecture", jstr_or_null(im->architecture));
	json_object_set_new(img, "variant", jstr_or_null(im->variant));
	json_object_set_new(img, "config", config_json(&im->config));
	json_object_set_new(root, "image", img);

	/* per-layer counts of the files each layer wrote, and of those still visible */
	size_t *nfiles = calloc(a->nlayers ? a->nlayers : 1, sizeof(size_t));
	size_t *nvis = calloc(a->nlayers ? a->nlayers : 1, sizeof(size_t));
	for (size_t i = 0; nfiles && nvis && i < a->nfiles; i++) {
		if (a->files[i].layer < a->nlayers) {
			nfiles[a->files[i].layer]++;
			nvis[a->files[i].layer] += a->files[i].visible;
		}
	}
	for (size_t i = 0; i < a->nlayers; i++) {
		const customs_layer *l = &a->layers[i];
		json_t *o = json_object();
		json_object_set_new(o, "index", json_integer((json_int_t)i));
		json_object_set_new(o, "digest", jstr_or_null(l->digest));
		json_object_set_new(o, "diff_id", jstr_or_null(l->diff_id));
		json_object_set_new(o, "media_type", jstr_or_null(l->media_type));
		json_object_set_new(o, "size", l->size >= 0 ? json_integer(l->size) : json_null());
		json_object_set_new(o, "tar_size", json_integer((json_int_t)l->tar_size));
		json_object_set_new(o, "created_by", jstr_or_null(l->created_by));
		json_object_set_new(o, "created", jstr_or_null(l->created));
		json_object_set_new(o, "comment", jstr_or_null(l->comment));
		json_object_set_new(o, "entries", json_integer((json_int_t)l->entries));
		json_object_set_new(o, "files", json_integer(nfiles ? (json_int_t)nfiles[i] : 0));
		json_object_set_new(o, "visible_files", json_integer(nvis ? (json_int_t)nvis[i] : 0));
		json_object_set_new(o, "skipped", json_integer((json_int_t)l->skipped));
		json_object_set_new(o, "complete", json_boolean(l->complete));
		json_object_set_new(o, "diff_id_verified", json_boolean(l->diff_id_verified));
		json_array_append_new(layers, o);
	}
	free(nfiles);
	free(nvis);
	json_object_set_new(root, "layers", layers);

	const customs_distro *d = &a->distro;
	if (d->id) {
		json_t *o = json_object();
		json_object_set_new(o, "id", jstr_or_null(d->id));
		json_object_set_new(o, "version_id", jstr_or_null(d->version_id));
		json_object_set_new(o, "version_codename", jstr_or_null(d->version_codename));
		json_object_set_new(o, "pretty_name", jstr_or_null(d->pretty_name));
		json_object_set_new(o, "id_like", jstr_or_null(d->id_like));
		json_object_set_new(o, "path", jstr_or_null(d->source_path));
		json_object_set_new(root, "distro", o);
	} else {
		json_object_set_new(root, "distro", json_null());
	}

	size_t vis = 0, by_type[8] = {0};
	uint64_t bytes = 0;
	for (size_t i = 0; i < a->nfiles; i++) {
		const customs_file *f = &a->files[i];
		if (!f->visible)
			continue;
		vis++;
		if (f->type < 8)
			by_type[f->type]++;
		if (f->type == CUSTOMS_FILE_REG)
			bytes += f->size;
	}
	json_t *sum = json_object();
	json_object_set_new(sum, "files_all_layers", json_integer((json_int_t)a->nfiles));
	json_object_set_new(sum, "files", json_integer((json_int_t)vis));
	json_object_set_new(sum, "regular", json_integer((json_int_t)by_type[CUSTOMS_FILE_REG]));
	json_object_set_new(sum, "directories", json_integer((json_int_t)by_type[CUSTOMS_FILE_DIR]));
	json_object_set_new(sum, "symlinks", json_integer((json_int_t)by_type[CUSTOMS_FILE_SYMLINK]));
	json_object_set_new(sum, "hardlinks", json_integer((json_int_t)by_type[CUSTOMS_FILE_HARDLINK]));
	json_object_set_new(sum, "other", json_integer((json_int_t)(by_type[CUSTOMS_FILE_CHAR] + by_type[CUSTOMS_FILE_BLOCK] +
								   by_type[CUSTOMS_FILE_FIFO] + by_type[CUSTOMS_FILE_SOCKET])));
	json_object_set_new(sum, "regular_bytes", json_integer((json_int_t)bytes));
	json_object_set_new(sum, "packages", json_integer((json_int_t)a->npackages));
	json_object_set_new(root, "summary", sum);
	collected_json(root, a);
	if (a->plugin_results)
		json_object_set_new(root, "plugins", json_deep_copy(a->plugin_results));
	redact_config(root, a);

	if (flags & CUSTOMS_JSON_FILES) {
		json_t *files = json_array();
		for (size_t i = 0; i < a->nfiles; i++)
			if (a->files[i].visible || (flags & CUSTOMS_JSON_ALL_LAYERS))
				json_array_append_new(files, file_json(&a->files[i]));
		json_object_set_new(root, "files", files);
	}
	if (flags & CUSTOMS_JSON_PACKAGES) {
		json_t *pk = json_array();
		for (size_t i = 0; i < a->npackages; i++)
			json_array_append_new(pk, customs__package_json(a->packages[i], !(flags & CUSTOMS_JSON_NO_PACKAGE_FILES)));
		json_object_set_new(root, "packages", pk);
	}
	json_t *w = json_array();
	for (size_t i = 0; i < a->nwarnings; i++) {
		const customs_warning *x = &a->warnings[i];
		json_t *o = json_object();
		json_object_set_new(o, "level", json_string(x->level == CUSTOMS_ERROR ? "error" : "warning"));
		json_object_set_new(o, "layer", x->layer >= 0 ? json_integer(x->layer) : json_null());
		json_object_set_new(o, "path", jstr_or_null(x->path));
		json_object_set_new(o, "message", json_string(x->message));
		json_array_append_new(w, o);
	}
	json_object_set_new(root, "warnings", w);
	return root;
}

/* json_dumpf writes token by token through stdio; this batches them */
struct dumpbuf {
	FILE *f;
	size_t len;
	int err;
	char buf[1 << 16];
};

static int dump_cb(const char *s, size_t n, void *ud)
{
	struct dumpbuf *d = ud;
	if (d->len + n > sizeof(d->buf)) {
		if (d->len && fwrite(d->buf, 1, d->len, d->f) != d->len)
			d->err = 1;
		d->len = 0;
		if (n > sizeof(d->buf)) {
			if (fwrite(s, 1, n, d->f) != n)
				d->err = 1;
			return d->err ? -1 : 0;
		}
	}
	memcpy(d->buf + d->len, s, n);
	d->len += n;
	return 0;
}

int customs__json_dump(FILE *f, const json_t *j, size_t flags)
{
	struct dumpbuf *d = malloc(sizeof(*d));
	int rc;
	if (!d)
		return customs__error(CUSTOMS_ENOMEM, "out of memory writing JSON");
	d->f = f;
	d->len = 0;
	d->err = 0;
	rc = json_dump_callback(j, dump_cb, d, flags);
	if (d->len && fwrite(d->buf, 1, d->len, f) != d->len)
		d->err = 1;
	rc = rc < 0 || d->err || ferror(f) ? customs__error(CUSTOMS_EIO, "write error: %s", strerror(errno ? errno : EIO)) : 0;
	free(d);
	return rc;
}

/* customs__package_json, streamed */
static void package_w(customs_jsonw *w, const customs_package *p, int with_files)
{
	customs_jsonw_begin_object(w);
	customs_jsonw_kv_string(w, "name", p->name);
	customs_jsonw_kv_string(w, "version", p->version);
	customs_jsonw_kv_string(w, "type", p->type);
	customs_jsonw_kv_string(w, "arch", p->arch);
	customs_jsonw_kv_string(w, "purl", p->purl);
	customs_jsonw_kv_string(w, "source_name", p->source_name);
	customs_jsonw_kv_string(w, "source_version", p->source_version);
	customs_jsonw_kv_strings(w, "licenses", p->licenses.v, p->licenses.n);
	customs_jsonw_kv_strings(w, "cpes", p->cpes.v, p->cpes.n);
	customs_jsonw_kv_string(w, "found_by", p->found_by);
	customs_jsonw_kv_string(w, "db_path", p->db_path);
	customs_jsonw_key(w, "layer");
	if (p->layer >= 0)
		customs_jsonw_int(w, p->layer);
	else
		customs_jsonw_null(w);
	customs_jsonw_kv_bool(w, "visible", p->visible);
	customs_jsonw_key(w, "removed_in_layer");
	if (p->removed_in_layer >= 0)
		customs_jsonw_int(w, p->removed_in_layer);
	else
		customs_jsonw_null(w);
	if (with_files)
		customs_jsonw_kv_strings(w, "files", p->files.v, p->files.n);
	customs_jsonw_key(w, "metadata");
	if (p->metadata)
		customs_jsonw_value(w, p->metadata);
	else
		customs_jsonw_null(w);
	customs_jsonw_end_object(w);
}

int customs_analysis_write_json(FILE *out, const customs_analysis *a, int flags)
{
	/* the file catalog is streamed, one object per line: building it as one
	 * tree would cost more memory than the whole analysis */
	json_t *root = customs_analysis_to_json(a, flags & ~(CUSTOMS_JSON_FILES | CUSTOMS_JSON_ALL_LAYERS | CUSTOMS_JSON_PACKAGES));
	char *head = root ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(root);
	if (!head)
		return customs__error(CUSTOMS_ENOMEM, "out of memory writing JSON");
	size_t hl = strlen(head);
	while (hl && head[hl - 1] != '}')
		hl--;
	if (hl)
		hl--; /* drop the closing brace */
	while (hl && (head[hl - 1] == '\n' || head[hl - 1] == ' '))
		hl--;
	fwrite(head, 1, hl, out);
	free(head);
	if (flags & CUSTOMS_JSON_PACKAGES) {
		/* streamed: thousands of packages with their files and metadata */
		customs_jsonw *w = malloc(sizeof(*w));
		if (!w)
			return customs__error(CUSTOMS_ENOMEM, "out of memory writing JSON");
		customs_jsonw_init(w, out, 2);
		w->depth = 1;
		w->first = 0;
		customs_jsonw_key(w, "packages");
		customs_jsonw_begin_array(w);
		for (size_t i = 0; i < a->npackages; i++)
			package_w(w, a->packages[i], !(flags & CUSTOMS_JSON_NO_PACKAGE_FILES));
		customs_jsonw_end_array(w);
		w->indent = 0; /* no trailing newline: the closing brace follows */
		int rc = customs_jsonw_finish(w);
		free(w);
		if (rc < 0)
			return rc;
	}
	if (flags & CUSTOMS_JSON_FILES) {
		int first = 1;
		fputs(",\n  \"files\": [", out);
		for (size_t i = 0; i < a->nfiles; i++) {
			if (!a->files[i].visible && !(flags & CUSTOMS_JSON_ALL_LAYERS))
				continue;
			json_t *o = file_json(&a->files[i]);
			char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
			json_decref(o);
			if (!s)
				return customs__error(CUSTOMS_ENOMEM, "out of memory writing JSON");
			fprintf(out, "%s\n    %s", first ? "" : ",", s);
			free(s);
			first = 0;
		}
		fputs(first ? "]" : "\n  ]", out);
	}
	fputs("\n}\n", out);
	return ferror(out) ? customs__error(CUSTOMS_EIO, "write error") : 0;
}

int report__dump(FILE *f, json_t *j, size_t flags)
{
	int err;
	if (!j)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	if ((err = customs__json_dump(f, j, flags)) < 0)
		return err;
	if (fputc('\n', f) == EOF || fflush(f) == EOF || ferror(f))
		return customs__error(CUSTOMS_EIO, "write error: %s", strerror(errno ? errno : EIO));
	return 0;
}

/* inspect: the file catalog; sbom: the packages, with their files unless
 * no_files */
int report__analysis_json(FILE *f, const customs_report *r, const sbom_doc *d)
{
	int flags;
	if (r->kind == CUSTOMS_REPORT_INSPECT)
		flags = CUSTOMS_JSON_FILES | (r->all_layers ? CUSTOMS_JSON_ALL_LAYERS : 0);
	else
		flags = CUSTOMS_JSON_PACKAGES | (r->no_files ? CUSTOMS_JSON_NO_PACKAGE_FILES : 0);
	return customs_analysis_write_json(f, r->analysis, flags);
}
