/* analyzer.c - an analyzer plugin as a registered analyzer
 * (sys/analyzer.h): every layer's copy of the files its globs want is kept
 * in the layer pass; at finish the visible copies are written into a
 * private directory, the plugin runs once over it, and what it answers
 * (docs/plugins.md "Analyzer response") joins the analysis with found_by
 * "plugin:NAME".  A plugin that fails is warned about as an error (the
 * analysis is incomplete) and the analysis goes on without it. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/analyzers.h"
#include "core/copies.h"
#include "plugin/plugin_int.h"

/* The copies sets first, as customs__copies_create makes them, so that the
 * store's layer cache keeps and feeds a layer's copies of the wanted files
 * (customs__analyzer_keeps_copies); the plugin's files are the first. */
typedef struct bridge {
	copies c[CUSTOMS_COPIES_KINDS];
	const plugin_entry *e;
} bridge;

static int b_create(void **out, const customs_analyzer_type *type)
{
	bridge *b = calloc(1, sizeof(*b));
	if (!b)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	for (int i = 0; i < CUSTOMS_COPIES_KINDS; i++)
		copies__init(&b->c[i]);
	b->e = (const plugin_entry *)((const char *)type - offsetof(plugin_entry, type));
	*out = b;
	return 0;
}

static void b_destroy(void *state)
{
	bridge *b = state;
	if (!b)
		return;
	for (int i = 0; i < CUSTOMS_COPIES_KINDS; i++)
		copies__release(&b->c[i]);
	free(b);
}

static int b_want(void *state, const char *path, uint32_t mode, uint64_t size)
{
	bridge *b = state;
	return plugin__glob_match(&b->e->globs, path);
}

static int b_file(void *state, const customs_afile *f, const unsigned char *data, size_t len)
{
	bridge *b = state;
	return copies__add_data(&b->c[0], f->path, f->layer, data ? data : (const unsigned char *)"", len);
}

/* The visible copy of every wanted path into root, up to max_count. */
static int write_files(bridge *b, customs_analysis *a, const char *root, json_t *written)
{
	const plugin_entry *e = b->e;
	size_t count = 0;
	copies *c = &b->c[0];
	copies__sort(c);
	for (size_t i = 0; i < c->n; i++) {
		const char *path = c->c[i].path;
		if (i + 1 < c->n && !strcmp(c->c[i + 1].path, path))
			continue; /* the last copy of each path: then ask for the visible one */
		const copies_copy *v = copies__visible(c, a, path, 0);
		if (!v || !v->data)
			continue;
		if (count == e->max_count) {
			customs_analysis_warn(a, CUSTOMS_WARN, -1, NULL,
					      "plugin %s: more than %zu wanted files (its max_count); the rest are "
					      "not given to it",
					      e->pub.name, e->max_count);
			break;
		}
		if (plugin__root_write(root, path, v->data, v->len) < 0) {
			customs_analysis_warn(a, CUSTOMS_WARN, v->layer, path, "not given to plugin %s: %s",
					      e->pub.name, customs_error_last());
			continue;
		}
		count++;
		/* unchecked: a name that is not UTF-8 is made valid when written */
		char *abs = customs_asprintf("/%s", path);
		if (!abs || json_array_append_new(written, json_string_nocheck(abs)) < 0) {
			free(abs);
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		}
		free(abs);
	}
	return 0;
}

/* A string field of a response item, or NULL; *bad when present and not a string. */
static const char *opt_str(const json_t *o, const char *key, int *bad)
{
	const json_t *v = json_object_get(o, key);
	if (v && !json_is_string(v) && !json_is_null(v))
		*bad = 1;
	return json_string_value(v);
}

static int add_strs(customs_strlist *l, const json_t *arr, int *bad)
{
	const json_t *v;
	size_t i;
	if (arr && !json_is_array(arr))
		*bad = 1;
	json_array_foreach (arr, i, v) {
		if (!json_is_string(v))
			*bad = 1;
		else if (customs_strlist_add(l, json_string_value(v)) < 0)
			return CUSTOMS_ENOMEM;
	}
	return 0;
}

/* One package of the response; 0 added, 1 skipped (warned), < 0 error. */
static int take_package(const plugin_entry *e, customs_analysis *a, const json_t *o, size_t idx)
{
	int bad = !json_is_object(o), err = 0;
	const char *name = opt_str(o, "name", &bad), *version = opt_str(o, "version", &bad);
	const char *type = opt_str(o, "type", &bad), *purl = opt_str(o, "purl", &bad);
	const char *path = opt_str(o, "path", &bad), *arch = opt_str(o, "arch", &bad);
	const json_t *meta = json_object_get(o, "metadata");
	if (bad || !name || !*name || !version || !*version || (meta && !json_is_object(meta))) {
		customs_analysis_warn(a, CUSTOMS_WARN, -1, NULL,
				      "plugin %s: package %zu of its response is left out: it needs a name and a "
				      "version (strings), and its other fields must be strings, string arrays "
				      "(licenses, cpes) or an object (metadata)",
				      e->pub.name, idx);
		return 1;
	}
	customs_package *p = customs_package_new();
	if (!p)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	while (path && *path == '/')
		path++;
	p->name = customs_strdup(name);
	p->version = customs_strdup(version);
	p->type = customs_strdup(type && *type ? type : "binary");
	p->arch = customs_strdup(arch);
	p->purl = customs_strdup(purl);
	p->found_by = customs_strdup(e->analyzer_name);
	p->db_path = path && *path ? customs_strdup(path) : NULL;
	p->layer = p->db_path ? copies__visible_layer(a, p->db_path) : -1;
	p->visible = 1;
	p->removed_in_layer = -1;
	p->metadata = meta ? json_deep_copy(meta) : NULL;
	if (!p->name || !p->version || !p->type || !p->found_by || (arch && !p->arch) || (purl && !p->purl) ||
	    (meta && !p->metadata))
		err = CUSTOMS_ENOMEM;
	if (!err)
		err = add_strs(&p->licenses, json_object_get(o, "licenses"), &bad);
	if (!err)
		err = add_strs(&p->cpes, json_object_get(o, "cpes"), &bad);
	if (!err)
		err = customs_analysis_add_package(a, p);
	if (err < 0) {
		customs_package_free(p);
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	return 0;
}

static const char *const severities[] = {"info", "low", "medium", "high", "critical", NULL};

/* One finding of the response, checked, as the analysis keeps it; NULL
 * (warned) when it is not one, *oom when out of memory. */
static json_t *finding(const plugin_entry *e, customs_analysis *a, const json_t *o, size_t idx, int *oom)
{
	int bad = !json_is_object(o);
	const char *id = opt_str(o, "id", &bad), *sev = opt_str(o, "severity", &bad);
	const char *msg = opt_str(o, "message", &bad), *path = opt_str(o, "path", &bad);
	size_t k = 0;
	while (sev && severities[k] && strcmp(severities[k], sev))
		k++;
	if (bad || !msg || (sev && !severities[k])) {
		customs_analysis_warn(a, CUSTOMS_WARN, -1, NULL,
				      "plugin %s: finding %zu of its response is left out: it needs a \"message\", and "
				      "\"severity\" is one of info, low, medium, high, critical",
				      e->pub.name, idx);
		return NULL;
	}
	while (path && *path == '/')
		path++;
	json_t *f = json_pack("{s:s?, s:s, s:s, s:s?}", "id", id, "severity", sev ? sev : "info", "message", msg,
			      "path", path && *path ? path : NULL);
	*oom = !f;
	return f;
}

/* facts (an object of strings) and findings into a->plugin_results */
static int take_results(const plugin_entry *e, customs_analysis *a, const json_t *resp)
{
	const json_t *facts = json_object_get(resp, "facts"), *fs = json_object_get(resp, "findings"), *v;
	json_t *kept_facts = json_object(), *kept = json_array(), *mine = NULL;
	const char *k;
	size_t i;
	int oom = !kept_facts || !kept, bad_facts = facts && !json_is_object(facts);
	json_object_foreach ((json_t *)facts, k, v) {
		if (!json_is_string(v))
			bad_facts = 1;
		else if (json_object_set(kept_facts, k, (json_t *)v) < 0)
			oom = 1;
	}
	if (bad_facts)
		customs_analysis_warn(a, CUSTOMS_WARN, -1, NULL,
				      "plugin %s: \"facts\" of its response is an object of strings: what is not a "
				      "string is left out",
				      e->pub.name);
	if (fs && !json_is_array(fs))
		customs_analysis_warn(a, CUSTOMS_WARN, -1, NULL,
				      "plugin %s: \"findings\" of its response is not an array: left out", e->pub.name);
	json_array_foreach (fs, i, v) {
		json_t *f = finding(e, a, v, i, &oom);
		if (f && json_array_append_new(kept, f) < 0)
			oom = 1;
	}
	if (!oom && (json_object_size(kept_facts) || json_array_size(kept))) {
		if ((!a->plugin_results && !(a->plugin_results = json_object())) ||
		    !(mine = json_pack("{s:O, s:O}", "facts", kept_facts, "findings", kept)) ||
		    json_object_set_new(a->plugin_results, e->pub.name, mine) < 0)
			oom = 1;
	}
	json_decref(kept_facts);
	json_decref(kept);
	return oom ? customs__error(CUSTOMS_ENOMEM, "out of memory") : 0;
}

int plugin__take_response(const plugin_entry *e, customs_analysis *a, const json_t *resp)
{
	const json_t *pkgs = json_object_get(resp, "packages"), *v;
	size_t i;
	int err = 0;
	if (pkgs && !json_is_array(pkgs)) {
		customs_analysis_warn(a, CUSTOMS_ERROR, -1, NULL,
				      "plugin %s: \"packages\" in its response is not an array; its results are left "
				      "out",
				      e->pub.name);
		return 0;
	}
	json_array_foreach (pkgs, i, v)
		if ((err = take_package(e, a, v, i)) < 0)
			return err;
	return take_results(e, a, resp);
}

static int b_finish(void *state, customs_analysis *a)
{
	bridge *b = state;
	const plugin_entry *e = b->e;
	json_t *written = json_array(), *resp = NULL;
	char *root = NULL, *req = NULL;
	int err;

	if (!written)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	if ((err = plugin__root_make(&root)) < 0) {
		/* no room in $TMPDIR is this plugin's failure, not the analysis' */
		if (err != CUSTOMS_ENOMEM) {
			customs_analysis_warn(a, CUSTOMS_ERROR, -1, NULL, "plugin %s: %s; the analysis goes on without it",
					      e->pub.name, customs_error_last());
			err = 0;
		}
		goto done;
	}
	if ((err = write_files(b, a, root, written)) < 0)
		goto done;
	if (!(req = plugin__request(e, a, e->wants_file_list, NULL, written))) {
		err = CUSTOMS_ENOMEM;
		goto done;
	}
	if ((err = plugin__call(&resp, e, req, root)) < 0) {
		if (err == CUSTOMS_ENOMEM)
			goto done;
		customs_analysis_warn(a, CUSTOMS_ERROR, -1, NULL, "%s; the analysis goes on without it",
				      customs_error_last());
		err = 0;
		goto done;
	}
	err = plugin__take_response(e, a, resp);
done:
	if (root)
		plugin__root_remove(root);
	free(root);
	json_decref(written);
	free(req);
	json_decref(resp);
	return err;
}

/* A broken analyzer plugin still runs, to say in every analysis that it
 * could not: what it would have found is missing. */
static int broken_finish(void *state, customs_analysis *a)
{
	const plugin_entry *e = ((bridge *)state)->e;
	customs_analysis_warn(a, CUSTOMS_ERROR, -1, NULL, "plugin %s (%s) is broken: %s; the analysis goes on without it",
			      e->pub.name, e->pub.path, e->pub.broken);
	return 0;
}

void plugin__analyzer_init(plugin_entry *e)
{
	if (e->pub.broken) {
		e->analyzer_name = customs_asprintf("plugin:%s", e->pub.name);
		e->type = (customs_analyzer_type){
			.version = CUSTOMS_ANALYZER_VERSION,
			.name = e->analyzer_name,
			.description = e->pub.broken,
			.analyzer_version = "broken",
			.create = b_create,
			.destroy = b_destroy,
			.finish = broken_finish,
		};
		return;
	}
	e->analyzer_name = customs_asprintf("plugin:%s", e->pub.name);
	e->type = (customs_analyzer_type){
		.version = CUSTOMS_ANALYZER_VERSION,
		.name = e->analyzer_name,
		.description = e->pub.description,
		.analyzer_version = e->pub.version,
		.want = e->globs.n ? b_want : NULL,
		.create = b_create,
		.destroy = b_destroy,
		.max_size = (size_t)e->max_size,
		.file = b_file,
		.finish = b_finish,
	};
}
