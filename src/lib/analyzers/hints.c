/* hints.c - the image's own list of what the catalogers cannot see: a
 * hints file at the image root, /customs-hints.json or Anchore Engine's
 * /anchore_hints.json, in Anchore's format (analyzers/hints.py of
 * anchore-engine): {"packages": [{"name", "version", "type", ...}]}, each
 * record with at least a name, a version and a type (rpm, dpkg, apkg,
 * python, npm, gem, java, go, binary); license (or licenses), origin,
 * location, arch, release, source, files and metadata are optional. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyzers/analyzers.h"
#include "core/distro.h"
#include "customs/purl.h"
#include "util/util.h"

#define MAX_HINTS_FILE (16u << 20)
#define MAX_WARNINGS 20

static const char *const wanted[] = {"customs-hints.json", "anchore_hints.json", NULL};

/* Anchore's hint types as customs' package types. */
static const struct {
	const char *hint, *type, *purl_type;
} types[] = {
	{"dpkg", "deb", "deb"},     {"deb", "deb", "deb"},         {"rpm", "rpm", "rpm"},
	{"apkg", "apk", "apk"},     {"apk", "apk", "apk"},         {"python", "python", "pypi"},
	{"npm", "npm", "npm"},      {"gem", "gem", "gem"},         {"java", "java-archive", "maven"},
	{"go", "go-module", "golang"}, {"binary", "binary", "generic"},
};

static int os_type(const char *t)
{
	return !strcmp(t, "deb") || !strcmp(t, "rpm") || !strcmp(t, "apk");
}

/* A string field, or the first of its plural list (gem and npm hints
 * write "versions", "licenses", "origins"). */
static const char *one(const json_t *o, const char *key, const char *plural)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : json_string_value(json_array_get(json_object_get(o, plural), 0));
}

static int add_list(customs_strlist *l, const json_t *o, const char *key, const char *plural)
{
	const json_t *arr = json_object_get(o, plural), *v;
	size_t i;
	const char *s = json_string_value(json_object_get(o, key));
	if (s && *s && customs_strlist_add(l, s) < 0)
		return CUSTOMS_ENOMEM;
	json_array_foreach (arr, i, v)
		if (json_is_string(v) && customs_strlist_add(l, json_string_value(v)) < 0)
			return CUSTOMS_ENOMEM;
	return 0;
}

/* The purl of a hinted language or binary package (OS ones get theirs at
 * the merge, with the distro): "group:artifact" for java, the module path
 * for go, "@scope/name" for npm. */
static char *lang_purl(const char *purl_type, const char *name, const char *version)
{
	const char *slash = strrchr(name, '/'), *colon = strchr(name, ':');
	char *ns = NULL, *pep = NULL, *purl;
	if (!strcmp(purl_type, "maven") && colon)
		ns = customs_strndup(name, (size_t)(colon - name)), name = colon + 1;
	else if ((!strcmp(purl_type, "golang") || (!strcmp(purl_type, "npm") && name[0] == '@')) && slash)
		ns = customs_strndup(name, (size_t)(slash - name)), name = slash + 1;
	else if (!strcmp(purl_type, "pypi") && (pep = customs__pep503_normalize(name)))
		name = pep;
	purl = customs_purl_make(purl_type, ns, name, version, NULL, NULL);
	free(ns);
	free(pep);
	return purl;
}

/* One record as a package: 0 (*out set), 1 skipped (warned), CUSTOMS_ENOMEM. */
static int record(customs_package **out, const json_t *o, size_t idx, customs_parse_warn_fn warn, void *ud)
{
	const char *name = json_string_value(json_object_get(o, "name")), *hint = json_string_value(json_object_get(o, "type"));
	const char *version = one(o, "version", "versions"), *release = json_string_value(json_object_get(o, "release"));
	const json_t *meta = json_object_get(o, "metadata"), *files = json_object_get(o, "files"), *f;
	size_t k = 0, i;
	*out = NULL;
	if (!json_is_object(o) || !name || !*name || !version || !*version || !hint || !*hint) {
		customs__parse_warnf(warn, ud, 0, "packages[%zu]: a hint needs at least a name, a version and a type",
				     idx);
		return 1;
	}
	while (k < sizeof(types) / sizeof(types[0]) && strcasecmp(types[k].hint, hint))
		k++;
	const char *type = k < sizeof(types) / sizeof(types[0]) ? types[k].type : "binary";
	customs_package *p = customs_package_new();
	if (!p)
		return CUSTOMS_ENOMEM;
	p->name = customs_strdup(name);
	/* rpm and apk hints may give the release apart: "1.2" + "r0" */
	p->version = release && *release && (!strcmp(type, "rpm") || !strcmp(type, "apk"))
			     ? customs_asprintf("%s-%s", version, release)
			     : customs_strdup(version);
	p->type = customs_strdup(type);
	p->arch = customs_strdup(json_string_value(json_object_get(o, "arch")));
	p->source_name = customs_strdup(json_string_value(json_object_get(o, "source")));
	p->metadata = json_is_object(meta) ? json_deep_copy(meta) : json_object();
	const char *origin = one(o, "origin", "origins"), *location = json_string_value(json_object_get(o, "location"));
	int err = !p->name || !p->version || !p->type || !p->metadata;
	if (!err && origin && *origin)
		err = json_object_set_new(p->metadata, "origin", json_string(origin)) < 0;
	if (!err && location && *location)
		err = json_object_set_new(p->metadata, "location", json_string(location)) < 0;
	if (!err && hint && strcasecmp(hint, type))
		err = json_object_set_new(p->metadata, "hint_type", json_string(hint)) < 0;
	if (!err)
		err = add_list(&p->licenses, o, "license", "licenses") < 0;
	json_array_foreach (files, i, f)
		if (!err && json_is_string(f))
			err = customs_strlist_add(&p->files, json_string_value(f)) < 0;
	if (!err && !os_type(type) && k < sizeof(types) / sizeof(types[0]))
		p->purl = lang_purl(types[k].purl_type, p->name, p->version); /* NULL: no purl, not fatal */
	else if (!err && !os_type(type))
		p->purl = customs_purl_make("generic", NULL, p->name, p->version, NULL, NULL);
	if (err) {
		customs_package_free(p);
		return CUSTOMS_ENOMEM;
	}
	*out = p;
	return 0;
}

int customs__hints_parse(customs_package ***out, size_t *n, const char *buf, size_t len, customs_parse_warn_fn warn,
			 void *ud)
{
	customs_pkgvec v = {0};
	json_error_t je;
	json_t *doc = json_loadb(buf, len, 0, &je);
	const json_t *pkgs = json_object_get(doc, "packages"), *o;
	size_t i;
	int err = 0;

	*out = NULL;
	*n = 0;
	if (!doc || !json_is_array(pkgs)) {
		if (doc)
			customs__parse_warnf(warn, ud, 0, "not a hints file: no \"packages\" array");
		else
			customs__parse_warnf(warn, ud, (size_t)je.line, "not JSON: %s", je.text);
		json_decref(doc);
		return CUSTOMS_EFORMAT;
	}
	json_array_foreach (pkgs, i, o) {
		customs_package *p;
		int rc = record(&p, o, i, warn, ud);
		if (rc < 0 || (rc == 0 && (rc = customs__pkgvec_push(&v, p)) < 0)) {
			err = customs__error(CUSTOMS_ENOMEM, "out of memory");
			break;
		}
	}
	json_decref(doc);
	return customs__pkgvec_result(out, n, &v, err);
}

static int on_file(void *self, const customs_afile *f, const unsigned char *data, size_t len)
{
	customs_package **v;
	size_t n;
	customs_file_warn w = customs__file_warn_for(f, "hints file", MAX_WARNINGS);
	int err = customs__hints_parse(&v, &n, (const char *)data, len, customs__file_warn, &w);
	return customs__copies_take(self, f->path, f->layer, err, v, n);
}

/* OS packages get their distro's identifiers and namespace, as the
 * package managers' analyzers give theirs. */
static int fill(void *ud, customs_analysis *a, customs_package *p, const copies_copy *listed)
{
	static const struct {
		const char *type, *ns;
	} os[] = {{"deb", "debian"}, {"rpm", "redhat"}, {"apk", "alpine"}};
	for (size_t i = 0; i < sizeof(os) / sizeof(os[0]); i++) {
		if (strcmp(p->type, os[i].type))
			continue;
		int err = customs__os_package_ids(p, &a->distro, os[i].type, os[i].ns);
		char *ns = err ? NULL : customs__distro_namespace(&a->distro);
		if (ns && json_object_set_new(p->metadata, "distro_namespace", json_string(ns)) < 0)
			err = customs__error(CUSTOMS_ENOMEM, "out of memory");
		free(ns);
		return err;
	}
	return 0;
}

static int finish(void *self, customs_analysis *a)
{
	return copies__merge(self, a, &(copies_merge){.found_by = "hints", .fill = fill});
}

const customs_analyzer_type customs__hints_analyzer = {
	.version = CUSTOMS_ANALYZER_VERSION,
	.name = "hints",
	.description = "packages the image lists itself in /customs-hints.json or /anchore_hints.json",
	.analyzer_version = "1",
	.paths = wanted,
	.create = customs__copies_create,
	.destroy = customs__copies_destroy,
	.max_size = MAX_HINTS_FILE,
	.file = on_file,
	.finish = finish,
};
