/* build.c - what every SBOM reader builds an analysis with: packages from
 * purls written by any tool (purl-spec), properties (customs:* here, other
 * tools' in peers.c), the distro, and the finishing touches once every
 * element was read. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "customs/purl.h"
#include "core/distro.h"
#include "sbom/sbom_int.h"
#include "sbom/vocab.h"

customs_analysis *customs__sbom_analysis_new(const char *name)
{
	char *ref = customs_asprintf("sbom:%s", name ? name : "-");
	customs_analysis *a = ref ? customs__analysis_new(ref) : NULL;
	free(ref);
	if (a && (!(a->image.source_kind = customs_strdup("sbom")) || !(a->image.source_path = customs_strdup(name ? name : "-")))) {
		customs_analysis_free(a);
		a = NULL;
	}
	return a;
}

/* ---- packages from purls ---- */

static int set_str(char **dst, const char *v)
{
	if (*dst || !v || !*v)
		return 0;
	return (*dst = customs_strdup(v)) ? 0 : customs__error(CUSTOMS_ENOMEM, "out of memory");
}

static int set_meta(customs_package *p, const char *key, const char *v)
{
	return customs__sbom_meta(p, key, v, 1);
}

static const char *qual(const customs_purl *u, const char *k)
{
	for (size_t i = 0; i < u->nqualifiers; i++)
		if (!strcmp(u->qkeys[i], k))
			return u->qvals[i];
	return NULL;
}

int customs__sbom_package_from_purl(customs_package *p, const char *purl)
{
	customs_purl *u = NULL;
	char *canon = NULL, *joined = NULL;
	const char *type = NULL;
	int err;

	if ((err = customs_purl_parse_ext(&u, purl, CUSTOMS_PURL_LENIENT)) < 0)
		return err;
	if ((err = customs_purl_build(&canon, u)) < 0)
		goto done;
	if (!(type = customs__sbom_package_type(u->type, strlen(u->type))))
		type = u->type;
	if ((!strcmp(u->type, "npm") || !strcmp(u->type, "golang") || !strcmp(u->type, "composer")) && u->namespace_)
		joined = customs_asprintf("%s/%s", u->namespace_, u->name);
	if ((err = set_str(&p->type, type)) < 0 || (err = set_str(&p->name, joined ? joined : u->name)) < 0)
		goto done;
	/* the epoch of a deb or rpm travels as a qualifier (Trivy, Syft): the
	 * version dpkg and rpm compare has it in front */
	const char *epoch = !strcmp(u->type, "rpm") || !strcmp(u->type, "deb") ? qual(u, "epoch") : NULL;
	if (epoch && (!*epoch || !strcmp(epoch, "0")))
		epoch = NULL;
	if ((!p->version || (epoch && !strchr(p->version, ':') && u->version && !strcmp(p->version, u->version))) &&
	    u->version) {
		char *v = epoch && !strchr(u->version, ':') ? customs_asprintf("%s:%s", epoch, u->version)
							      : customs_strdup(u->version);
		if (!v) {
			err = customs__error(CUSTOMS_ENOMEM, "out of memory");
			goto done;
		}
		free(p->version);
		p->version = v;
	}
	if ((err = set_str(&p->arch, qual(u, "arch"))) < 0)
		goto done;
	if (!strcmp(u->type, "maven") && u->namespace_ &&
	    ((err = set_meta(p, "group_id", u->namespace_)) < 0 || (err = set_meta(p, "artifact_id", u->name)) < 0))
		goto done;
	/* distro packages: "upstream=openssl" or "upstream=openssl@3.0.11-1"
	 * (Syft), "upstream=openssl-3.0.7-1.el9.src.rpm" for rpm */
	const char *up = qual(u, "upstream");
	if (up && *up && !p->source_name) {
		char *name = !strcmp(u->type, "rpm") ? customs__sbom_srpm_name(up) : customs_strdup(up), *at;
		if (!name) {
			err = customs__error(CUSTOMS_ENOMEM, "out of memory");
			goto done;
		}
		if (strcmp(u->type, "rpm") && (at = strchr(name, '@'))) {
			*at = '\0';
			err = set_str(&p->source_version, at + 1);
		}
		if (err >= 0)
			err = set_str(&p->source_name, name);
		free(name);
		if (err < 0)
			goto done;
	}
	if ((err = set_meta(p, "purl_distro", qual(u, "distro"))) < 0)
		goto done;
	if (!p->purl) {
		p->purl = canon;
		canon = NULL;
	}
	err = 0;
done:
	free(canon);
	free(joined);
	customs_purl_free(u);
	return err;
}

/* ---- properties ---- */

static int image_prop(customs_analysis *a, const char *name, const char *value)
{
	customs_image *im = &a->image;
	static const struct {
		const char *name;
		size_t off;
		int distro;
	} f[] = {
		{"customs:image:name", offsetof(customs_image, name), 0},
		{"customs:image:manifest-digest", offsetof(customs_image, manifest_digest), 0},
		{"customs:image:config-digest", offsetof(customs_image, config_digest), 0},
		{"customs:image:created", offsetof(customs_image, created), 0},
		{"customs:image:os", offsetof(customs_image, os), 0},
		{"customs:image:architecture", offsetof(customs_image, architecture), 0},
		{"customs:image:variant", offsetof(customs_image, variant), 0},
		{"customs:distro:id", offsetof(customs_distro, id), 1},
		{"customs:distro:version-id", offsetof(customs_distro, version_id), 1},
		{"customs:distro:codename", offsetof(customs_distro, version_codename), 1},
		{"customs:distro:pretty-name", offsetof(customs_distro, pretty_name), 1},
		{"customs:distro:id-like", offsetof(customs_distro, id_like), 1},
	};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (!strcmp(name, f[i].name))
			return customs__sbom_replace((char **)((char *)(f[i].distro ? (void *)&a->distro : (void *)im) + f[i].off), value);
	/* where the image was read from: the document is the source now */
	if (!strcmp(name, "customs:image:reference") || !strcmp(name, "customs:image:source-kind"))
		return 1;
	if (!strcmp(name, "customs:image:tag"))
		return customs_strlist_contains(&im->tags, value) ? 1
		       : customs_strlist_add(&im->tags, value) < 0 ? customs__error(CUSTOMS_ENOMEM, "out of memory")
								    : 1;
	if (!strcmp(name, "customs:complete")) {
		if (!strcmp(value, "false") && a->complete) {
			a->complete = 0;
			customs_analysis_warn(a, CUSTOMS_ERROR, -1, NULL,
					      "the document says the image it describes could not be read completely");
		}
		return 1;
	}
	if (!strncmp(name, "customs:layer:", 14)) {
		char *end;
		errno = 0;
		unsigned long n = strtoul(name + 14, &end, 10);
		if (errno || end == name + 14 || *end != ':')
			return 0;
		return customs__sbom_set_layer_field(a, n, end + 1, value);
	}
	return 0;
}

static int int_prop(const char *v, int *out)
{
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < -1 || n > INT_MAX)
		return 0;
	*out = (int)n;
	return 1;
}

int customs__sbom_apply_prop(customs_analysis *a, customs_package *p, const char *name, const char *value)
{
	int n;
	if (!name || !value)
		return 0;
	if (strncmp(name, "customs:", 8))
		return customs__sbom_peer_prop(a, p, name, value);
	if (!p)
		return image_prop(a, name, value);
	if (!strcmp(name, "customs:type"))
		return customs__sbom_replace(&p->type, value);
	if (!strcmp(name, "customs:found-by"))
		return customs__sbom_replace(&p->found_by, value);
	if (!strcmp(name, "customs:location"))
		return customs__sbom_set_path(&p->db_path, value);
	if (!strcmp(name, "customs:path")) {
		char *c = NULL;
		int err = customs__sbom_set_path(&c, value);
		if (err >= 0)
			err = set_meta(p, "location", c);
		free(c);
		return err < 0 ? err : 1;
	}
	if (!strcmp(name, "customs:layer"))
		return int_prop(value, &p->layer);
	if (!strcmp(name, "customs:removed-in-layer"))
		return int_prop(value, &p->removed_in_layer);
	if (!strcmp(name, "customs:visible")) {
		p->visible = strcmp(value, "false") != 0;
		return 1;
	}
	if (!strcmp(name, "customs:layer-digest"))
		return (n = set_meta(p, "layer_digest", value)) < 0 ? n : 1;
	if (!strcmp(name, "customs:arch"))
		return customs__sbom_replace(&p->arch, value);
	if (!strcmp(name, "customs:source-name"))
		return customs__sbom_replace(&p->source_name, value);
	if (!strcmp(name, "customs:source-version"))
		return customs__sbom_replace(&p->source_version, value);
	/* the document customs read this package from did not name its source */
	if (!strcmp(name, "customs:source-unknown"))
		return (n = set_meta(p, "_source_unknown", value)) < 0 ? n : 1;
	if (!strcmp(name, "customs:installed-by"))
		return (n = set_meta(p, "installed_by", value)) < 0 ? n : 1;
	if (!strcmp(name, "customs:npm:alias"))
		return (n = set_meta(p, "alias", value)) < 0 ? n : 1;
	if (!strcmp(name, "customs:distro-namespace"))
		return (n = set_meta(p, "distro_namespace", value)) < 0 ? n : 1;
	if (!strcmp(name, "customs:built-using"))
		return (n = set_meta(p, "built_using", value)) < 0 ? n : 1;
	return 0;
}

int customs__sbom_set_distro(customs_analysis *a, const char *id, const char *version_id, const char *pretty_name)
{
	customs_distro *d = &a->distro;
	if (!id || !*id || d->id)
		return 0;
	char *lid = customs_strdup(id);
	if (!lid)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	for (char *c = lid; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	d->id = lid;
	if (set_str(&d->version_id, version_id) < 0 || set_str(&d->pretty_name, pretty_name) < 0)
		return CUSTOMS_ENOMEM;
	return 0;
}

/* "debian-12" → debian / 12; "alpine-3.21.0", "rhel-9.2" */
static int distro_from_qualifier(customs_analysis *a, const char *q)
{
	const char *dash = NULL;
	for (const char *c = q; *c; c++)
		if (*c == '-' && isdigit((unsigned char)c[1]))
			dash = c;
	if (!dash)
		return customs__sbom_set_distro(a, q, NULL, NULL);
	char *id = customs_strndup(q, (size_t)(dash - q));
	int err = id ? customs__sbom_set_distro(a, id, dash + 1, NULL) : customs__error(CUSTOMS_ENOMEM, "out of memory");
	free(id);
	return err;
}

static int is_distro_type(const char *t)
{
	return t && (!strcmp(t, "deb") || !strcmp(t, "rpm") || !strcmp(t, "apk"));
}

/* what the readers keep in a package's metadata until it is finished */
static const char *const transient[] = {"purl_distro", "layer_digest", "_src_version", "_src_release",
					"_src_epoch",  "_locations",   "_source_unknown"};

/* dpkg's rule: a package without a Source field is its own source, at its
 * own version; Source without a version is at the package's version.
 * Writers that follow it (names_sources) leave the source out when it is
 * the package itself; for the rest a deb without one has an unknown
 * source (source_name NULL), which the matcher looks up in the Packages
 * indexes the database holds. */
static int deb_source(customs_package *p, int names_sources)
{
	int unknown = p->metadata && json_object_get(p->metadata, "_source_unknown");
	if (!p->source_name && !unknown && names_sources && set_str(&p->source_name, p->name) < 0)
		return CUSTOMS_ENOMEM;
	if (p->source_name && !p->source_version && set_str(&p->source_version, p->version) < 0)
		return CUSTOMS_ENOMEM;
	return 0;
}

int customs__sbom_finish(customs_analysis *a, int names_sources)
{
	char *ns = NULL;
	int err = 0;
	for (size_t i = 0; i < a->npackages; i++) {
		customs_package *p = a->packages[i];
		if ((err = customs__sbom_peer_finish(p)) < 0)
			return err;
		json_t *m = p->metadata;
		const char *q = m ? json_string_value(json_object_get(m, "purl_distro")) : NULL;
		if (!a->distro.id && q && is_distro_type(p->type) && (err = distro_from_qualifier(a, q)) < 0)
			return err;
		/* a layer named by digest: its index among the document's layers */
		const char *ld = m ? json_string_value(json_object_get(m, "layer_digest")) : NULL;
		for (size_t k = 0; ld && p->layer < 0 && k < a->nlayers; k++)
			if ((a->layers[k].digest && !strcmp(a->layers[k].digest, ld)) ||
			    (a->layers[k].diff_id && !strcmp(a->layers[k].diff_id, ld)))
				p->layer = (int)k;
		if (p->layer >= 0 && (size_t)p->layer >= a->nlayers && a->nlayers)
			p->layer = -1;
		if (p->type && !strcmp(p->type, "deb") && (err = deb_source(p, names_sources)) < 0)
			return err;
		if (m) {
			for (size_t k = 0; k < sizeof(transient) / sizeof(transient[0]); k++)
				json_object_del(m, transient[k]);
			if (!json_object_size(m)) {
				json_decref(m);
				p->metadata = NULL;
			}
		}
	}
	/* distro packages belong to the document's distro unless they say
	 * another namespace (what the image's catalogers record) */
	if (a->distro.id && (ns = customs__distro_namespace(&a->distro)))
		for (size_t i = 0; i < a->npackages && !err; i++) {
			customs_package *p = a->packages[i];
			if (is_distro_type(p->type) && !(p->metadata && json_object_get(p->metadata, "distro_namespace")))
				err = set_meta(p, "distro_namespace", ns);
		}
	free(ns);
	if (err < 0)
		return err;
	if (!a->npackages)
		customs_analysis_warn(a, CUSTOMS_WARN, -1, NULL, "the document lists no packages");
	return 0;
}

void customs__sbom_vwarn(customs_analysis *a, size_t max, const char *fmt, va_list ap)
{
	char msg[2048];
	vsnprintf(msg, max < sizeof(msg) ? max : sizeof(msg), fmt, ap);
	for (char *c = msg; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = ' ';
	customs_analysis_warn(a, CUSTOMS_WARN, -1, NULL, "%s", msg);
}
