/* diff.c - what changed between two analyses (include/customs/diff.h), as
 * a table (a summary, then each section; files past a few hundred only
 * counted) or as JSON with everything (docs/store.md). */
#include <stdlib.h>
#include <string.h>

#include "customs/diff.h"
#include "report/report.h"

#define TABLE_FILES 200

static const char *img_name(const customs_analysis *a)
{
	if (a->image.manifest_digest)
		return a->image.manifest_digest;
	return a->image.config_digest ? a->image.config_digest : a->image.reference ? a->image.reference : "-";
}

static const char *sign(customs_diff_change c)
{
	return c == CUSTOMS_DIFF_ADDED ? "+" : c == CUSTOMS_DIFF_REMOVED ? "-" : "~";
}

static void file_what(char *buf, size_t n, unsigned w)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {{CUSTOMS_DIFF_TYPE, "type"}, {CUSTOMS_DIFF_MODE, "mode"},   {CUSTOMS_DIFF_OWNER, "owner"},
		     {CUSTOMS_DIFF_SIZE, "size"}, {CUSTOMS_DIFF_LINK, "link"},   {CUSTOMS_DIFF_DIGEST, "digest"}};
	size_t len = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (w & names[i].bit) {
			int k = snprintf(buf + len, n - len, "%s%s", len ? "," : "", names[i].name);
			len += k > 0 && (size_t)k < n - len ? (size_t)k : 0;
		}
}

int report__diff_table(FILE *f, const customs_report *r, const sbom_doc *unused)
{
	const customs_diff *d = r->diff;
	fprintf(f, "A  %s  %s\nB  %s  %s\n\n", img_name(d->a), d->a->image.reference ? d->a->image.reference : "",
		img_name(d->b), d->b->image.reference ? d->b->image.reference : "");
	fprintf(f, "Packages         %zu added, %zu removed, %zu changed\n", d->packages_count[0], d->packages_count[1],
		d->packages_count[2]);
	fprintf(f, "Files            %zu added, %zu removed, %zu changed\n", d->files_count[0], d->files_count[1],
		d->files_count[2]);
	fprintf(f, "Layers           %zu shared, %zu only in A, %zu only in B\n", d->layers_shared,
		d->a->nlayers - d->layers_shared, d->b->nlayers - d->layers_shared);
	fprintf(f, "Config           %zu changed\n", d->nconfig);
	if (d->matched)
		fprintf(f, "Vulnerabilities  %zu introduced, %zu fixed\n", d->vulns_count[0], d->vulns_count[1]);
	else
		fprintf(f, "Vulnerabilities  not compared (no matches for one of them)\n");

	if (d->nlayers) {
		fprintf(f, "\nLAYERS\n%-4s %-4s %-19s %s\n", "A", "B", "DIFF_ID", "CREATED BY");
		for (size_t i = 0; i < d->nlayers; i++) {
			const customs_diff_layer *l = &d->layers[i];
			char a[16] = "-", b[16] = "-";
			if (l->a >= 0)
				snprintf(a, sizeof(a), "%d", l->a);
			if (l->b >= 0)
				snprintf(b, sizeof(b), "%d", l->b);
			fprintf(f, "%-4s %-4s %-19.19s %.70s\n", a, b, l->diff_id ? l->diff_id : "-",
				l->created_by ? l->created_by : "-");
		}
	}
	if (d->nconfig) {
		fprintf(f, "\nCONFIG\n");
		for (size_t i = 0; i < d->nconfig; i++) {
			const customs_diff_config *c = &d->config[i];
			fprintf(f, "%s %s%s%s: %s -> %s\n", sign(c->change), c->field, c->key ? " " : "", c->key ? c->key : "",
				c->from ? c->from : "(none)", c->to ? c->to : "(none)");
		}
	}
	if (d->npackages) {
		int w = 4;
		for (size_t i = 0; i < d->npackages; i++)
			w = customs_column_width(d->packages[i].name, w, 48);
		fprintf(f, "\nPACKAGES\n  %-*s %-12s %-24s %s\n", w, "NAME", "TYPE", "A", "B");
		for (size_t i = 0; i < d->npackages; i++) {
			const customs_diff_package *p = &d->packages[i];
			fprintf(f, "%s %-*s %-12s %-24s %s\n", sign(p->change), w, p->name ? p->name : "-", p->type ? p->type : "-",
				p->from ? p->from : "-", p->to ? p->to : "-");
		}
	}
	if (d->nfiles) {
		fprintf(f, "\nFILES\n");
		for (size_t i = 0; i < d->nfiles && i < TABLE_FILES; i++) {
			const customs_diff_file *x = &d->files[i];
			const customs_file *fl = x->b ? x->b : x->a;
			char what[64] = "";
			if (x->change == CUSTOMS_DIFF_CHANGED)
				file_what(what, sizeof(what), x->what);
			fprintf(f, "%s /%s%s%s%s\n", sign(x->change), fl->path, *what ? " (" : "", what, *what ? ")" : "");
		}
		if (d->nfiles > TABLE_FILES)
			fprintf(f, "... and %zu more files (-o json lists them all)\n", d->nfiles - TABLE_FILES);
	}
	if (d->matched && d->nvulns) {
		fprintf(f, "\nVULNERABILITIES\n");
		for (size_t i = 0; i < d->nvulns; i++) {
			const customs_match *m = d->vulns[i].m;
			fprintf(f, "%s %-20s %-10s %s %s\n", d->vulns[i].change == CUSTOMS_DIFF_ADDED ? "introduced" : "fixed     ",
				m->id, customs_severity_name(m->severity), m->name ? m->name : "-", m->version ? m->version : "-");
		}
	}
	return 0;
}

static json_t *js(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *file_json(const customs_file *f)
{
	json_t *o;
	char hex[65];
	if (!f)
		return json_null();
	o = json_object();
	json_object_set_new(o, "type", json_string(customs_file_type_name((customs_file_type)f->type)));
	json_object_set_new(o, "mode", json_integer(f->mode));
	json_object_set_new(o, "uid", json_integer(f->uid));
	json_object_set_new(o, "gid", json_integer(f->gid));
	json_object_set_new(o, "size", json_integer((json_int_t)f->size));
	json_object_set_new(o, "layer", json_integer(f->layer));
	if (f->link)
		json_object_set_new(o, "link", js(f->link));
	if (f->has_digest) {
		customs_hex(hex, f->sha256, 32);
		json_object_set_new(o, "sha256", json_string(hex));
	}
	return o;
}

static json_t *image_json(const customs_analysis *a)
{
	json_t *o = json_object();
	json_object_set_new(o, "reference", js(a->image.reference));
	json_object_set_new(o, "manifest_digest", js(a->image.manifest_digest));
	json_object_set_new(o, "config_digest", js(a->image.config_digest));
	return o;
}

int report__diff_json(FILE *f, const customs_report *r, const sbom_doc *unused)
{
	const customs_diff *d = r->diff;
	json_t *o = json_object(), *sum = json_object(), *arr;
	char what[64];

	json_object_set_new(o, "a", image_json(d->a));
	json_object_set_new(o, "b", image_json(d->b));
	json_object_set_new(sum, "packages_added", json_integer((json_int_t)d->packages_count[0]));
	json_object_set_new(sum, "packages_removed", json_integer((json_int_t)d->packages_count[1]));
	json_object_set_new(sum, "packages_changed", json_integer((json_int_t)d->packages_count[2]));
	json_object_set_new(sum, "files_added", json_integer((json_int_t)d->files_count[0]));
	json_object_set_new(sum, "files_removed", json_integer((json_int_t)d->files_count[1]));
	json_object_set_new(sum, "files_changed", json_integer((json_int_t)d->files_count[2]));
	json_object_set_new(sum, "layers_shared", json_integer((json_int_t)d->layers_shared));
	json_object_set_new(sum, "config_changed", json_integer((json_int_t)d->nconfig));
	json_object_set_new(sum, "vulnerabilities_introduced", d->matched ? json_integer((json_int_t)d->vulns_count[0]) : json_null());
	json_object_set_new(sum, "vulnerabilities_fixed", d->matched ? json_integer((json_int_t)d->vulns_count[1]) : json_null());
	json_object_set_new(o, "summary", sum);

	arr = json_array();
	for (size_t i = 0; i < d->npackages; i++) {
		const customs_diff_package *p = &d->packages[i];
		json_t *x = json_object();
		json_object_set_new(x, "change", json_string(customs_diff_change_name(p->change)));
		json_object_set_new(x, "name", js(p->name));
		json_object_set_new(x, "type", js(p->type));
		json_object_set_new(x, "arch", js(p->arch));
		json_object_set_new(x, "location", js(p->location));
		json_object_set_new(x, "from", js(p->from));
		json_object_set_new(x, "to", js(p->to));
		json_object_set_new(x, "layer", p->layer >= 0 ? json_integer(p->layer) : json_null());
		json_array_append_new(arr, x);
	}
	json_object_set_new(o, "packages", arr);

	arr = json_array();
	for (size_t i = 0; i < d->nfiles; i++) {
		const customs_diff_file *x = &d->files[i];
		json_t *e = json_object();
		json_object_set_new(e, "change", json_string(customs_diff_change_name(x->change)));
		json_object_set_new(e, "path", js((x->b ? x->b : x->a)->path));
		if (x->change == CUSTOMS_DIFF_CHANGED) {
			file_what(what, sizeof(what), x->what);
			json_object_set_new(e, "what", json_string(what));
		}
		json_object_set_new(e, "a", file_json(x->a));
		json_object_set_new(e, "b", file_json(x->b));
		json_array_append_new(arr, e);
	}
	json_object_set_new(o, "files", arr);

	arr = json_array();
	for (size_t i = 0; i < d->nlayers; i++) {
		const customs_diff_layer *l = &d->layers[i];
		json_t *x = json_object();
		json_object_set_new(x, "diff_id", js(l->diff_id));
		json_object_set_new(x, "created_by", js(l->created_by));
		json_object_set_new(x, "a", l->a >= 0 ? json_integer(l->a) : json_null());
		json_object_set_new(x, "b", l->b >= 0 ? json_integer(l->b) : json_null());
		json_array_append_new(arr, x);
	}
	json_object_set_new(o, "layers", arr);

	arr = json_array();
	for (size_t i = 0; i < d->nconfig; i++) {
		const customs_diff_config *c = &d->config[i];
		json_t *x = json_object();
		json_object_set_new(x, "change", json_string(customs_diff_change_name(c->change)));
		json_object_set_new(x, "field", js(c->field));
		if (c->key)
			json_object_set_new(x, "key", js(c->key));
		json_object_set_new(x, "from", js(c->from));
		json_object_set_new(x, "to", js(c->to));
		json_array_append_new(arr, x);
	}
	json_object_set_new(o, "config", arr);

	arr = d->matched ? json_array() : json_null();
	for (size_t i = 0; d->matched && i < d->nvulns; i++) {
		const customs_match *m = d->vulns[i].m;
		json_t *x = json_object();
		json_object_set_new(x, "change", json_string(d->vulns[i].change == CUSTOMS_DIFF_ADDED ? "introduced" : "fixed"));
		json_object_set_new(x, "id", js(m->id));
		json_object_set_new(x, "severity", json_string(customs_severity_name(m->severity)));
		json_object_set_new(x, "package", js(m->name));
		json_object_set_new(x, "version", js(m->version));
		json_object_set_new(x, "type", js(m->type));
		json_array_append_new(arr, x);
	}
	json_object_set_new(o, "vulnerabilities", arr);
	int err = report__dump(f, o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(o);
	return err;
}
