/* peers.c - what other tools write into SBOMs, read back as customs'
 * facts: Trivy's aquasecurity:trivy:* properties (CycloneDX) and
 * attribution texts and "built package from:" source info (SPDX), Syft's
 * syft:* properties, and which writers name a distro package's source
 * only when it differs from the package (dpkg's rule).  Taken from their
 * real output and their encoders (docs/sbom.md lists each fact). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "sbom/sbom_int.h"

#define TRIVY "aquasecurity:trivy:"
#define SYFT "syft:"

static int nomem(void)
{
	return customs__error(CUSTOMS_ENOMEM, "out of memory");
}

/* ---- Trivy ---- */

/* Trivy's PkgType (its analyzer) to customs' package type */
static const char *trivy_type(const char *t)
{
	static const struct {
		const char *t, *ours;
	} m[] = {
		{"debian", "deb"},	  {"ubuntu", "deb"},		{"alpine", "apk"},	  {"wolfi", "apk"},
		{"chainguard", "apk"},	  {"redhat", "rpm"},		{"centos", "rpm"},	  {"rocky", "rpm"},
		{"alma", "rpm"},	  {"amazon", "rpm"},		{"oracle", "rpm"},	  {"fedora", "rpm"},
		{"cbl-mariner", "rpm"},	  {"azurelinux", "rpm"},	{"suse", "rpm"},	  {"opensuse", "rpm"},
		{"npm", "npm"},		  {"node-pkg", "npm"},		{"yarn", "npm"},	  {"pnpm", "npm"},
		{"python-pkg", "python"}, {"pip", "python"},		{"pipenv", "python"},	  {"poetry", "python"},
		{"jar", "java-archive"},  {"pom", "java-archive"},	{"gradle", "java-archive"}, {"gobinary", "go-module"},
		{"gomod", "go-module"},	  {"cargo", "rust-crate"},	{"rustbinary", "rust-crate"}, {"bundler", "gem"},
		{"gemspec", "gem"},	  {"composer", "php-composer"}, {"nuget", "dotnet"},	  {"dotnet-core", "dotnet"},
	};
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (!strcmp(t, m[i].t))
			return m[i].ours;
	return NULL;
}

/* metadata.component (CycloneDX) or the container element (SPDX): the
 * image's diff_ids in layer order ("DiffID": one comma-separated value in
 * Trivy's CycloneDX, one attribution text each in its SPDX), its config
 * digest ("ImageID") and manifest digest ("RepoDigest": "NAME@sha256:...") */
static int trivy_image(customs_analysis *a, const char *key, const char *value)
{
	customs_image *im = &a->image;
	if (!strcmp(key, "DiffID")) {
		for (const char *s = value; *s;) {
			size_t n = strcspn(s, ", ");
			char *d = n ? customs_strndup(s, n) : NULL;
			int err = 0;
			if (n && !d)
				return nomem();
			if (d && customs_digest_valid(d))
				err = customs__sbom_set_layer_field(a, a->nlayers, "diff-id", d);
			free(d);
			if (err < 0)
				return err;
			s += n;
			s += strspn(s, ", ");
		}
		return 1;
	}
	if (!strcmp(key, "ImageID"))
		return im->config_digest || !customs_digest_valid(value) ? 1 : customs__sbom_replace(&im->config_digest, value);
	if (!strcmp(key, "RepoDigest")) {
		const char *at = strrchr(value, '@');
		if (im->manifest_digest || !at || !customs_digest_valid(at + 1))
			return 1;
		return customs__sbom_replace(&im->manifest_digest, at + 1);
	}
	return 0;
}

static int trivy_package(customs_package *p, const char *key, const char *value)
{
	int err;
	if (!strcmp(key, "PkgType"))
		return trivy_type(value) && !p->type ? customs__sbom_replace(&p->type, trivy_type(value)) : 0;
	if (!strcmp(key, "LayerDiffID") || !strcmp(key, "LayerDigest"))
		return (err = customs__sbom_meta(p, "layer_digest", value, 0)) < 0 ? err : 1;
	if (!strcmp(key, "FilePath"))
		return customs__sbom_set_path(&p->db_path, value);
	if (!strcmp(key, "SrcName"))
		return customs__sbom_replace(&p->source_name, value);
	/* cdxgen's Trivy: the source name alone, when it made no source component */
	if (!strcmp(key, "PackageSource"))
		return p->source_name ? 1 : customs__sbom_replace(&p->source_name, value);
	/* the source version in parts, put together by customs__sbom_peer_finish */
	if (!strcmp(key, "SrcVersion"))
		return (err = customs__sbom_meta(p, "_src_version", value, 1)) < 0 ? err : 1;
	if (!strcmp(key, "SrcRelease"))
		return (err = customs__sbom_meta(p, "_src_release", value, 1)) < 0 ? err : 1;
	if (!strcmp(key, "SrcEpoch"))
		return (err = customs__sbom_meta(p, "_src_epoch", value, 1)) < 0 ? err : 1;
	return 0;
}

/* ---- Syft ---- */

/* syft:location:N:path and :layerID, kept by N until the package is
 * finished: the first location is the evidence Syft found the package by
 * (its database), but Syft before 1.0 sorted by path and put a copyright
 * file first */
static int syft_location(customs_package *p, const char *rest, const char *value)
{
	char *end, idx[24];
	unsigned long n = strtoul(rest, &end, 10);
	const char *field = *end == ':' ? end + 1 : NULL;
	json_t *locs, *one;
	if (end == rest || !field || n > 1000 || (strcmp(field, "path") && strcmp(field, "layerID")))
		return 0;
	if (!p->metadata && !(p->metadata = json_object()))
		return nomem();
	if (!(locs = json_object_get(p->metadata, "_locations")) &&
	    (json_object_set_new(p->metadata, "_locations", locs = json_object()) < 0 || !locs))
		return nomem();
	snprintf(idx, sizeof(idx), "%lu", n);
	if (!(one = json_object_get(locs, idx)) && (json_object_set_new(locs, idx, one = json_object()) < 0 || !one))
		return nomem();
	return json_object_set_new(one, field, json_string(value)) < 0 ? nomem() : 1;
}

static int syft_package(customs_package *p, const char *key, const char *value)
{
	int err;
	if (!strcmp(key, "package:type"))
		return customs__sbom_replace(&p->type, value);
	if (!strcmp(key, "package:foundBy"))
		return customs__sbom_replace(&p->found_by, value);
	if (!strncmp(key, "location:", 9))
		return syft_location(p, key + 9, value);
	/* dpkg's Source: name and version; apk's origin; the rpm's source rpm */
	if (!strcmp(key, "metadata:source") || !strcmp(key, "metadata:originPackage"))
		return customs__sbom_replace(&p->source_name, value);
	if (!strcmp(key, "metadata:sourceVersion"))
		return customs__sbom_replace(&p->source_version, value);
	if (!strcmp(key, "metadata:sourceRpm")) {
		char *n = p->source_name ? NULL : customs__sbom_srpm_name(value);
		if (!p->source_name && !n)
			return nomem();
		err = n && *n ? customs__sbom_replace(&p->source_name, n) : 1;
		free(n);
		return err;
	}
	if (!strcmp(key, "cpe23"))
		return customs_strlist_contains(&p->cpes, value) ? 1 : customs_strlist_add(&p->cpes, value) < 0 ? nomem() : 1;
	return 0;
}

/* the operating-system component's syft:distro:* (os-release's fields) */
static int syft_distro(customs_analysis *a, const char *key, const char *value)
{
	customs_distro *d = &a->distro;
	char **dst = !strcmp(key, "distro:versionCodename")      ? &d->version_codename
		     : !strcmp(key, "distro:idLike:0")           ? &d->id_like
		     : !strcmp(key, "distro:versionID")          ? &d->version_id
		     : !strcmp(key, "distro:prettyName")         ? &d->pretty_name
								 : NULL;
	if (!dst)
		return 0;
	return *dst ? 1 : customs__sbom_replace(dst, value);
}

/* ---- entry points ---- */

int customs__sbom_peer_prop(customs_analysis *a, customs_package *p, const char *name, const char *value)
{
	if (!strncmp(name, TRIVY, strlen(TRIVY)))
		return p ? trivy_package(p, name + strlen(TRIVY), value) : trivy_image(a, name + strlen(TRIVY), value);
	if (!strncmp(name, SYFT, strlen(SYFT)))
		return p ? syft_package(p, name + strlen(SYFT), value) : syft_distro(a, name + strlen(SYFT), value);
	return 0;
}

int customs__sbom_peer_attribution(customs_analysis *a, customs_package *p, const char *text)
{
	static const char *const keys[] = {"DiffID", "ImageID", "RepoDigest", "LayerDiffID", "LayerDigest",
					   "PkgType", "FilePath", "SrcName", "SrcVersion", "SrcRelease", "SrcEpoch"};
	const char *colon = strstr(text, ": ");
	char name[64];
	if (!colon)
		return 0;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strlen(keys[i]) == (size_t)(colon - text) && !strncmp(text, keys[i], (size_t)(colon - text))) {
			snprintf(name, sizeof(name), TRIVY "%s", keys[i]);
			return customs__sbom_peer_prop(a, p, name, colon + 2);
		}
	return 0;
}

int customs__sbom_peer_source_info(customs_package *p, const char *info)
{
	static const char prefix[] = "built package from: ";
	const char *s, *sp;
	int err;
	if (!info || !customs_str_has_prefix(info, prefix))
		return 0;
	s = info + strlen(prefix);
	sp = strchr(s, ' ');
	char *name = customs_strndup(s, sp ? (size_t)(sp - s) : strlen(s));
	if (!name)
		return nomem();
	err = *name ? customs__sbom_replace(&p->source_name, name) : 0;
	free(name);
	if (err >= 0 && sp && sp[1])
		err = customs__sbom_replace(&p->source_version, sp + 1);
	return err < 0 ? err : 1;
}

/* Syft's location: the first that is not a copyright file under
 * usr/share/doc, else the first */
static int pick_location(customs_package *p, json_t *locs)
{
	const char *k, *path, *best = NULL, *layer = NULL;
	unsigned long bestn = (unsigned long)-1;
	int best_doc = 1, err = 0;
	json_t *one;
	json_object_foreach(locs, k, one) {
		unsigned long n = strtoul(k, NULL, 10);
		path = json_string_value(json_object_get(one, "path"));
		int doc = !path || !strncmp(path + strspn(path, "/"), "usr/share/doc/", 14);
		if (!best || (best_doc && !doc) || (doc == best_doc && n < bestn)) {
			best = path ? path : "", bestn = n, best_doc = doc;
			layer = json_string_value(json_object_get(one, "layerID"));
		}
	}
	if (best && *best && !p->db_path && (err = customs__sbom_set_path(&p->db_path, best)) < 0)
		return err;
	if (layer && (err = customs__sbom_meta(p, "layer_digest", layer, 0)) < 0)
		return err;
	return 0;
}

int customs__sbom_peer_finish(customs_package *p)
{
	json_t *m = p->metadata;
	const char *v = m ? json_string_value(json_object_get(m, "_src_version")) : NULL;
	json_t *locs = m ? json_object_get(m, "_locations") : NULL;
	int err;

	if (locs && (err = pick_location(p, locs)) < 0)
		return err;
	if (v && *v) {
		/* Trivy splits "1:3.8-4" into SrcEpoch 1, SrcVersion 3.8, SrcRelease 4 */
		const char *r = json_string_value(json_object_get(m, "_src_release"));
		const char *e = json_string_value(json_object_get(m, "_src_epoch"));
		int epoch = e && *e && strcmp(e, "0") && !strchr(v, ':');
		char *full = customs_asprintf("%s%s%s%s%s", epoch ? e : "", epoch ? ":" : "", v, r && *r ? "-" : "",
					      r && *r ? r : "");
		if (!full)
			return nomem();
		free(p->source_version);
		p->source_version = full;
	}
	return 0;
}

/* ---- writers ---- */

/* A tool's name: CycloneDX 1.4's tools[] {name}, 1.5's tools.components[]
 * {name}, SPDX's creators "Tool: NAME-VERSION" */
static int tool_is(const char *name, const char *tool, int spdx)
{
	size_t n = strlen(tool);
	if (!name)
		return 0;
	if (!spdx)
		return !strcasecmp(name, tool);
	if (strncmp(name, "Tool:", 5))
		return 0;
	name += 5;
	name += strspn(name, " ");
	return !strncasecmp(name, tool, n) && (name[n] == '-' || name[n] == '\0');
}

static int has_tool(json_t *doc, const char *tool)
{
	json_t *tools = json_object_get(json_object_get(doc, "metadata"), "tools"), *x;
	json_t *creators = json_object_get(json_object_get(doc, "creationInfo"), "creators");
	size_t i;
	if (json_is_object(tools))
		tools = json_object_get(tools, "components");
	json_array_foreach(tools, i, x) if (tool_is(json_string_value(json_object_get(x, "name")), tool, 0)) return 1;
	json_array_foreach(creators, i, x) if (tool_is(json_string_value(x), tool, 1)) return 1;
	return 0;
}

int customs__sbom_names_sources(json_t *doc)
{
	/* cdxgen runs Trivy and lists it among its tools, but leaves a
	 * package's source out when only its version differs */
	if (!json_is_object(doc) || has_tool(doc, "cdxgen"))
		return 0;
	return has_tool(doc, "customs") || has_tool(doc, "syft") || has_tool(doc, "trivy");
}
