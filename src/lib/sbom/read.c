/* read.c - SBOM in: detect the format (SPDX JSON or tag-value, CycloneDX,
 * customs JSON), hand the document to its reader, finish the analysis;
 * and the reader of customs' own JSON (docs/json.md). */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "customs/purl.h"
#include "sbom/sbom_int.h"
#include "sbom/vocab.h"

#define DEFAULT_MAX_BYTES ((size_t)512 << 20)

/* ---- customs JSON ---- */

static const char *js(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int jdup(char **dst, json_t *o, const char *k)
{
	const char *v = js(o, k);
	if (!v)
		return 0;
	free(*dst);
	return (*dst = customs_strdup(v)) ? 0 : customs__error(CUSTOMS_ENOMEM, "out of memory");
}

static int jlist(customs_strlist *l, json_t *arr)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) if (json_is_string(v) && customs_strlist_add(l, json_string_value(v)) < 0) return
		customs__error(CUSTOMS_ENOMEM, "out of memory");
	return 0;
}

static int jint(json_t *o, const char *k, int dflt)
{
	json_t *v = json_object_get(o, k);
	if (!json_is_integer(v) || json_integer_value(v) < -1 || json_integer_value(v) > INT_MAX)
		return dflt;
	return (int)json_integer_value(v);
}

int customs__read_customs_json(customs_analysis *a, json_t *doc)
{
	const char *schema = js(doc, "schema");
	json_t *im = json_object_get(doc, "image"), *x;
	size_t i;
	int err = 0;

	if (schema && !strcmp(schema, "customs-scan"))
		return customs__error(CUSTOMS_EFORMAT,
				      "a customs-scan document holds matches, not packages: give the customs-analysis JSON "
				      "(`customs sbom IMAGE -o json`)");
	const char *ver = js(doc, "schema_version");
	if (!ver || strncmp(ver, "1.", 2))
		return customs__error(CUSTOMS_EFORMAT, "unknown customs-analysis schema_version \"%.20s\" (customs reads 1.x)",
				      ver ? ver : "(none)");
	json_t *pk = json_object_get(doc, "packages");
	if (pk && !json_is_array(pk))
		return customs__error(CUSTOMS_EFORMAT, "\"packages\" is not an array");
	if (json_is_false(json_object_get(doc, "complete"))) {
		a->complete = 0;
		customs_analysis_warn(a, CUSTOMS_ERROR, -1, NULL,
				      "the document says the image it describes could not be read completely");
	}
	/* the image's name: from the reference it was made from */
	json_t *src = json_object_get(doc, "source");
	if (json_is_object(im)) {
		static const struct {
			const char *k;
			size_t off;
		} f[] = {
			{"manifest_digest", offsetof(customs_image, manifest_digest)},
			{"manifest_media_type", offsetof(customs_image, manifest_media_type)},
			{"config_digest", offsetof(customs_image, config_digest)},
			{"created", offsetof(customs_image, created)},
			{"author", offsetof(customs_image, author)},
			{"os", offsetof(customs_image, os)},
			{"architecture", offsetof(customs_image, architecture)},
			{"variant", offsetof(customs_image, variant)},
		};
		for (size_t k = 0; k < sizeof(f) / sizeof(f[0]) && !err; k++)
			err = jdup((char **)((char *)&a->image + f[k].off), im, f[k].k);
		if (!err)
			err = jlist(&a->image.tags, json_object_get(im, "tags"));
	}
	if (!err && json_is_object(src) && js(src, "reference")) {
		/* name it as the writers would have named the original */
		customs_analysis tmp;
		memset(&tmp, 0, sizeof(tmp));
		tmp.image.reference = (char *)js(src, "reference");
		tmp.image.source_kind = (char *)js(src, "kind");
		tmp.image.tags = a->image.tags;
		if (!(a->image.name = customs__sbom_image_name(&tmp)))
			err = customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	json_t *layers = json_object_get(doc, "layers");
	json_array_foreach(layers, i, x)
	{
		if (err || i >= SBOM_MAX_LAYERS)
			break;
		static const char *const lf[][2] = {{"digest", "digest"}, {"diff_id", "diff-id"}, {"media_type", "media-type"},
						    {"created_by", "created-by"}};
		if (customs__sbom_set_layer_field(a, i, "size", "0") < 0)
			err = CUSTOMS_ENOMEM;
		for (size_t k = 0; k < 4 && !err; k++)
			if (js(x, lf[k][0]) && customs__sbom_set_layer_field(a, i, lf[k][1], js(x, lf[k][0])) < 0)
				err = CUSTOMS_ENOMEM;
		if (json_is_integer(json_object_get(x, "size")))
			a->layers[i].size = json_integer_value(json_object_get(x, "size"));
	}
	json_t *ds = json_object_get(doc, "distro");
	if (!err && json_is_object(ds)) {
		customs_distro *d = &a->distro;
		if ((err = jdup(&d->id, ds, "id")) < 0 || (err = jdup(&d->version_id, ds, "version_id")) < 0 ||
		    (err = jdup(&d->version_codename, ds, "version_codename")) < 0 ||
		    (err = jdup(&d->pretty_name, ds, "pretty_name")) < 0 || (err = jdup(&d->id_like, ds, "id_like")) < 0 ||
		    (err = jdup(&d->source_path, ds, "path")) < 0)
			return err;
	}
	if (err)
		return err;
	json_array_foreach(pk, i, x)
	{
		if (!json_is_object(x) || !js(x, "name")) {
			customs_analysis_warn(a, CUSTOMS_WARN, -1, NULL, "packages[%zu]: not a package object with a name: skipped", i);
			continue;
		}
		customs_package *p = customs_package_new();
		if (!p)
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		static const struct {
			const char *k;
			size_t off;
		} f[] = {
			{"name", offsetof(customs_package, name)},
			{"version", offsetof(customs_package, version)},
			{"type", offsetof(customs_package, type)},
			{"arch", offsetof(customs_package, arch)},
			{"source_name", offsetof(customs_package, source_name)},
			{"source_version", offsetof(customs_package, source_version)},
			{"found_by", offsetof(customs_package, found_by)},
			{"db_path", offsetof(customs_package, db_path)},
		};
		for (size_t k = 0; k < sizeof(f) / sizeof(f[0]) && !err; k++)
			err = jdup((char **)((char *)p + f[k].off), x, f[k].k);
		if (!err && js(x, "purl")) {
			customs_purl *u = NULL;
			if (customs_purl_parse_ext(&u, js(x, "purl"), CUSTOMS_PURL_LENIENT) < 0)
				customs_analysis_warn(a, CUSTOMS_WARN, -1, NULL, "packages[%zu] (\"%s\"): %s", i, p->name,
						      customs_error_last());
			else if (!(p->purl = customs_strdup(js(x, "purl"))))
				err = CUSTOMS_ENOMEM;
			customs_purl_free(u);
		}
		if (!err && ((err = jlist(&p->licenses, json_object_get(x, "licenses"))) < 0 ||
			     (err = jlist(&p->cpes, json_object_get(x, "cpes"))) < 0 ||
			     (err = jlist(&p->files, json_object_get(x, "files"))) < 0)) {
		}
		p->layer = jint(x, "layer", -1);
		p->removed_in_layer = jint(x, "removed_in_layer", -1);
		p->visible = !json_is_false(json_object_get(x, "visible"));
		if (json_is_object(json_object_get(x, "metadata")))
			p->metadata = json_deep_copy(json_object_get(x, "metadata"));
		if (err || customs_analysis_add_package(a, p) < 0) {
			customs_package_free(p);
			return err ? err : customs__error(CUSTOMS_ENOMEM, "out of memory");
		}
	}
	return 0;
}

/* ---- detection and entry points ---- */

static size_t max_bytes(const customs_sbom_read_opts *o)
{
	if (o && o->max_bytes)
		return o->max_bytes;
	const char *e = getenv("CUSTOMS_SBOM_MAX_BYTES");
	if (e && *e) {
		char *end;
		unsigned long long v = strtoull(e, &end, 10);
		if (!*end && v > 0)
			return (size_t)v;
	}
	return DEFAULT_MAX_BYTES;
}

/* the first bytes that are not a UTF-8 BOM or white space */
static const char *skip_ws(const char *buf, size_t len, size_t *off)
{
	size_t i = 0;
	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		i = 3;
	while (i < len && isspace((unsigned char)buf[i]))
		i++;
	*off = i;
	return buf + i;
}

static int looks_like_tv(const char *s, size_t len)
{
	/* a tag-value document starts with comments or SPDXVersion */
	size_t i = 0;
	while (i < len) {
		if (s[i] == '#') {
			while (i < len && s[i] != '\n')
				i++;
		} else if (isspace((unsigned char)s[i])) {
			i++;
		} else {
			return len - i >= 12 && !memcmp(s + i, "SPDXVersion:", 12);
		}
	}
	return 0;
}

/* what a document is, and its name as the writers spell it */
enum sbom_in { IN_CUSTOMS_JSON, IN_SPDX_JSON, IN_SPDX_TV, IN_CYCLONEDX };
static const char *const in_names[] = {"json", "spdx-json", "spdx-tag-value", "cyclonedx-json"};

int customs_sbom_read_mem(customs_analysis **out, const char *name, const char *buf, size_t len,
			  const customs_sbom_read_opts *opts, const char **format_out)
{
	enum sbom_in fmt;
	size_t off, cap = max_bytes(opts);
	customs_analysis *a;
	json_t *doc = NULL;
	int err;

	*out = NULL;
	if (len > cap)
		return customs__error(CUSTOMS_ELIMIT,
				      "sbom:%s: %zu bytes, over the %zu-byte limit (set CUSTOMS_SBOM_MAX_BYTES to read it)", name,
				      len, cap);
	const char *s = skip_ws(buf, len, &off);
	if (off == len)
		return customs__error(CUSTOMS_EFORMAT, "sbom:%s: the document is empty", name);
	if (*s == '{' || *s == '[') {
		json_error_t je;
		doc = json_loadb(s, len - off, 0, &je);
		if (!doc)
			return customs__error(CUSTOMS_EFORMAT, "sbom:%s: not valid JSON: line %d, column %d: %s", name, je.line,
					      je.column, je.text);
		if (!json_is_object(doc)) {
			json_decref(doc);
			return customs__error(CUSTOMS_EFORMAT, "sbom:%s: the JSON document is not an object", name);
		}
		const char *schema = js(doc, "schema");
		if (json_object_get(doc, "spdxVersion"))
			fmt = IN_SPDX_JSON;
		else if (json_object_get(doc, "bomFormat") || json_object_get(doc, "specVersion"))
			fmt = IN_CYCLONEDX;
		else if (schema && (!strcmp(schema, "customs-analysis") || !strcmp(schema, "customs-scan")))
			fmt = IN_CUSTOMS_JSON;
		else {
			json_decref(doc);
			return customs__error(CUSTOMS_EFORMAT,
					      "sbom:%s: not an SBOM customs reads: no \"spdxVersion\" (SPDX), \"bomFormat\" "
					      "(CycloneDX) or \"schema\": \"customs-analysis\"",
					      name);
		}
	} else if (looks_like_tv(s, len - off)) {
		fmt = IN_SPDX_TV;
	} else {
		return customs__error(CUSTOMS_EFORMAT,
				      "sbom:%s: neither JSON (SPDX, CycloneDX, customs) nor SPDX tag-value (no SPDXVersion: "
				      "line)",
				      name);
	}
	if (!(a = customs__sbom_analysis_new(name))) {
		json_decref(doc);
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	/* customs JSON names every deb's source: one without has an unknown one */
	int names_sources = 0;
	switch (fmt) {
	case IN_SPDX_JSON:
		names_sources = customs__sbom_names_sources(doc);
		err = customs__read_spdx_json(a, doc);
		break;
	case IN_SPDX_TV:
		err = customs__read_spdx_tv(a, s, len - off, &names_sources);
		break;
	case IN_CYCLONEDX:
		names_sources = customs__sbom_names_sources(doc);
		err = customs__read_cyclonedx(a, doc);
		break;
	default:
		err = customs__read_customs_json(a, doc);
		break;
	}
	json_decref(doc);
	if (err >= 0)
		err = customs__sbom_finish(a, names_sources);
	if (err < 0) {
		/* name the document once */
		const char *msg = customs_error_last();
		if (msg && strncmp(msg, "sbom:", 5))
			err = customs__error(err, "sbom:%s: %s", name, msg);
		customs_analysis_free(a);
		return err;
	}
	if (format_out)
		*format_out = in_names[fmt];
	*out = a;
	return 0;
}

int customs_sbom_read(customs_analysis **out, const char *path, const customs_sbom_read_opts *opts,
		      const char **format_out)
{
	char *buf = NULL;
	size_t len = 0, cap = max_bytes(opts);
	int err;

	*out = NULL;
	if ((err = customs_read_file(&buf, &len, path, cap)) < 0) {
		if (err == CUSTOMS_ELIMIT)
			return customs__error(err, "sbom:%s: over the %zu-byte limit (set CUSTOMS_SBOM_MAX_BYTES to read it)",
					      path, cap);
		const char *msg = customs_error_last();
		/* the reader's message names the file already */
		if (msg && !strncmp(msg, path, strlen(path)))
			return customs__error(err, "sbom:%s", msg);
		return customs__error(err, "sbom:%s: %s", path, msg);
	}
	err = customs_sbom_read_mem(out, path, buf, len, opts, format_out);
	free(buf);
	return err;
}
