/* store.c - the store's documents (include/customs/store.h): the list of
 * stored images with their tags and vulnerability counts, and what a
 * rematch changed per image; as a table or JSON (docs/store.md). */
#include <stdlib.h>
#include <string.h>

#include "customs/store.h"
#include "report/report.h"

/* "sha256:5c4bac3bc12b..." as its first 12 hex digits, as docker does */
static const char *short_digest(const char *d)
{
	static _Thread_local char buf[16];
	const char *h = d && !strncmp(d, "sha256:", 7) ? d + 7 : d ? d : "-";
	snprintf(buf, sizeof(buf), "%.12s", h);
	return buf;
}

static char *join_tags(const char *const *tags, size_t n)
{
	customs_buf b = CUSTOMS_BUF_INIT(0);
	for (size_t i = 0; i < n; i++)
		customs_buf_printf(&b, "%s%s", i ? "," : "", tags[i]);
	return b.len ? customs_buf_detach(&b) : customs_strdup("-");
}

static json_t *jtags(const char *const *tags, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(tags[i]));
	return a;
}

static json_t *js(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* ---- images ---- */

int report__images_table(FILE *f, const customs_report *r, const sbom_doc *d)
{
	const customs_store_image_list *l = r->images;
	int wt = 4, wd = 6;
	char **tags = calloc(l->n + 1, sizeof(*tags));
	if (!tags)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	for (size_t i = 0; i < l->n; i++) {
		if (!(tags[i] = join_tags(l->images[i].tags, l->images[i].ntags))) {
			for (size_t k = 0; k < i; k++)
				free(tags[k]);
			free(tags);
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		}
		wt = customs_column_width(tags[i], wt, 60);
		wd = customs_column_width(l->images[i].distro, wd, 24);
	}
	fprintf(f, "%-12s  %-*s  %-*s  %8s  %4s  %4s  %4s  %4s  %5s  %s\n", "DIGEST", wt, "TAGS", wd, "DISTRO", "PACKAGES",
		"CRIT", "HIGH", "MED", "LOW", "OTHER", "ANALYSED");
	for (size_t i = 0; i < l->n; i++) {
		const customs_store_image *im = &l->images[i];
		char v[5][24];
		if (im->matched) {
			const int64_t *c = im->vulns;
			snprintf(v[0], sizeof(v[0]), "%lld", (long long)c[CUSTOMS_SEVERITY_CRITICAL]);
			snprintf(v[1], sizeof(v[1]), "%lld", (long long)c[CUSTOMS_SEVERITY_HIGH]);
			snprintf(v[2], sizeof(v[2]), "%lld", (long long)c[CUSTOMS_SEVERITY_MEDIUM]);
			snprintf(v[3], sizeof(v[3]), "%lld", (long long)c[CUSTOMS_SEVERITY_LOW]);
			snprintf(v[4], sizeof(v[4]), "%lld",
				 (long long)(c[CUSTOMS_SEVERITY_NEGLIGIBLE] + c[CUSTOMS_SEVERITY_UNKNOWN]));
		} else {
			for (int k = 0; k < 5; k++)
				snprintf(v[k], sizeof(v[k]), "-");
		}
		fprintf(f, "%-12s  %-*s  %-*s  %8lld  %4s  %4s  %4s  %4s  %5s  %.19s%s\n", short_digest(im->digest), wt,
			tags[i], wd, im->distro ? im->distro : "-", (long long)im->packages, v[0], v[1], v[2], v[3], v[4],
			im->analysed_at ? im->analysed_at : "-", im->complete ? "" : " (incomplete)");
	}
	for (size_t i = 0; i < l->n; i++)
		free(tags[i]);
	free(tags);
	return 0;
}

int report__images_json(FILE *f, const customs_report *r, const sbom_doc *d)
{
	const customs_store_image_list *l = r->images;
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < l->n; i++) {
		const customs_store_image *im = &l->images[i];
		json_t *o = json_object(), *v = json_null();
		if (im->matched) {
			v = json_object();
			for (int k = CUSTOMS_SEVERITY_CRITICAL; k >= CUSTOMS_SEVERITY_UNKNOWN; k--)
				json_object_set_new(v, customs_severity_name((customs_severity)k), json_integer(im->vulns[k]));
			json_object_set_new(v, "suppressed", json_integer(im->suppressed));
		}
		json_object_set_new(o, "digest", js(im->digest));
		json_object_set_new(o, "tags", jtags(im->tags, im->ntags));
		json_object_set_new(o, "reference", js(im->reference));
		json_object_set_new(o, "distro", js(im->distro));
		json_object_set_new(o, "layers", json_integer(im->layers));
		json_object_set_new(o, "packages", json_integer(im->packages));
		json_object_set_new(o, "files", json_integer(im->files));
		json_object_set_new(o, "complete", json_boolean(im->complete));
		json_object_set_new(o, "analysed_at", js(im->analysed_at));
		json_object_set_new(o, "customs_version", js(im->customs_version));
		json_object_set_new(o, "vulndb_built_at", js(im->vulndb_built_at));
		json_object_set_new(o, "vulnerabilities", v);
		json_array_append_new(arr, o);
	}
	int err = report__dump(f, arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(arr);
	return err;
}

/* ---- rematch ---- */

int report__rematch_table(FILE *f, const customs_report *r, const sbom_doc *d)
{
	const customs_store_rematch_summary *m = r->rematch;
	int wt = 4;
	size_t changed = 0;
	for (size_t i = 0; i < m->n; i++) {
		char *t = join_tags(m->images[i].tags, m->images[i].ntags);
		wt = customs_column_width(t, wt, 60);
		free(t);
	}
	fprintf(f, "%-12s  %-*s  %5s  %8s  %6s\n", "DIGEST", wt, "TAGS", "NEW", "RESOLVED", "ACTIVE");
	for (size_t i = 0; i < m->n; i++) {
		const customs_store_rematch_image *im = &m->images[i];
		char *t = join_tags(im->tags, im->ntags);
		changed += im->added || im->resolved;
		fprintf(f, "%-12s  %-*s  %5lld  %8lld  %6lld%s\n", short_digest(im->digest), wt, t ? t : "-",
			(long long)im->added, (long long)im->resolved, (long long)im->active, im->first ? "  (first match)" : "");
		free(t);
	}
	fprintf(f, "%zu images rematched against the database built %s in %.1f s: %zu package sets, %zu matched now, %zu "
		   "images changed\n",
		m->n, m->built_at ? m->built_at : "(unknown)", m->seconds, m->package_sets, m->matched, changed);
	return 0;
}

int report__rematch_json(FILE *f, const customs_report *r, const sbom_doc *d)
{
	const customs_store_rematch_summary *m = r->rematch;
	json_t *o = json_object(), *arr = json_array();
	for (size_t i = 0; i < m->n; i++) {
		const customs_store_rematch_image *im = &m->images[i];
		json_t *x = json_object();
		json_object_set_new(x, "digest", js(im->digest));
		json_object_set_new(x, "tags", jtags(im->tags, im->ntags));
		json_object_set_new(x, "new", json_integer(im->added));
		json_object_set_new(x, "resolved", json_integer(im->resolved));
		json_object_set_new(x, "active", json_integer(im->active));
		json_object_set_new(x, "first", json_boolean(im->first));
		json_array_append_new(arr, x);
	}
	json_object_set_new(o, "vulndb_built_at", js(m->built_at));
	json_object_set_new(o, "package_sets", json_integer((json_int_t)m->package_sets));
	json_object_set_new(o, "matched", json_integer((json_int_t)m->matched));
	json_object_set_new(o, "seconds", json_real(m->seconds));
	json_object_set_new(o, "images", arr);
	int err = report__dump(f, o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(o);
	return err;
}
