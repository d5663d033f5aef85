/* manifest.c - OCI image manifests and indexes: media types, platforms,
 * the choice of one image among an index's entries and the walk down
 * nested indexes.  OCI image-spec image-index.md ("platform"), manifest.md;
 * attestation entries per docker buildx (FORMATS-images.md §1.5, §1.7). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source/manifest.h"
#include "util/util.h"

int manifest__is_index_type(const char *mt)
{
	return mt && (!strcmp(mt, MT_OCI_INDEX) || !strcmp(mt, MT_DOCKER_LIST));
}

int manifest__is_manifest_type(const char *mt)
{
	return mt && (!strcmp(mt, MT_OCI_MANIFEST) || !strcmp(mt, MT_DOCKER_MANIFEST));
}

int manifest__is_config_type(const char *mt)
{
	return mt && (!strcmp(mt, MT_OCI_CONFIG) || !strcmp(mt, MT_DOCKER_CONFIG));
}

/* ---- platform ---- */

static void norm_arch(manifest_platform *p)
{
	if (!strcmp(p->arch, "x86_64") || !strcmp(p->arch, "x86-64"))
		strcpy(p->arch, "amd64");
	else if (!strcmp(p->arch, "aarch64"))
		strcpy(p->arch, "arm64");
	else if (!strcmp(p->arch, "i386"))
		strcpy(p->arch, "386");
	else if (!strcmp(p->arch, "armhf"))
		strcpy(p->arch, "arm"), strcpy(p->variant, "v7");
	else if (!strcmp(p->arch, "armel"))
		strcpy(p->arch, "arm"), strcpy(p->variant, "v6");
	if (!strcmp(p->arch, "amd64") && !strcmp(p->variant, "v1"))
		p->variant[0] = '\0';
	if (!strcmp(p->arch, "arm64") && (!strcmp(p->variant, "v8") || !strcmp(p->variant, "8")))
		p->variant[0] = '\0';
	if (!strcmp(p->arch, "arm") && !p->variant[0])
		strcpy(p->variant, "v7");
}

int manifest__platform_parse(manifest_platform *p, const char *s)
{
	memset(p, 0, sizeof(*p));
	if (!s || !*s)
		s = "linux/amd64";
	if (sscanf(s, "%31[^/]/%31[^/]/%31s", p->os, p->arch, p->variant) < 2)
		return customs__error(CUSTOMS_EUSAGE, "bad platform \"%s\": use OS/ARCH[/VARIANT], e.g. linux/arm64", s);
	norm_arch(p);
	return 0;
}

static int platform_match(const manifest_platform *want, json_t *plat)
{
	manifest_platform got;
	memset(&got, 0, sizeof(got));
	const char *os = json_string_value(json_object_get(plat, "os"));
	const char *arch = json_string_value(json_object_get(plat, "architecture"));
	const char *var = json_string_value(json_object_get(plat, "variant"));
	if (!os || !arch)
		return 0;
	snprintf(got.os, sizeof(got.os), "%s", os);
	snprintf(got.arch, sizeof(got.arch), "%s", arch);
	snprintf(got.variant, sizeof(got.variant), "%s", var ? var : "");
	norm_arch(&got);
	return !strcmp(got.os, want->os) && !strcmp(got.arch, want->arch) &&
	       (!want->variant[0] || !strcmp(got.variant, want->variant));
}

/* ---- documents ---- */

int manifest__load_json(json_t **out, const char *buf, size_t len, const char *what)
{
	json_error_t je;
	*out = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!*out)
		return customs__error(CUSTOMS_EFORMAT, "%s is not valid JSON: %s at line %d column %d", what, je.text,
				      je.line, je.column);
	if (!json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return customs__error(CUSTOMS_EFORMAT, "%s is not a JSON object", what);
	}
	return 0;
}

void manifest__doc_release(manifest_doc *d)
{
	json_decref(d->j);
	free(d->mt);
	memset(d, 0, sizeof(*d));
}

/* ---- choosing among an index's entries ---- */

static int is_attestation(json_t *desc)
{
	json_t *ann = json_object_get(desc, "annotations");
	const char *t = json_string_value(json_object_get(ann, "vnd.docker.reference.type"));
	json_t *plat = json_object_get(desc, "platform");
	const char *arch = json_string_value(json_object_get(plat, "architecture"));
	return t != NULL || (arch && !strcmp(arch, "unknown"));
}

int manifest__index_pick(json_t **out, json_t *manifests, const manifest_platform *want, const char *where)
{
	size_t i, nrun = 0;
	json_t *d, *only = NULL, *first_noplat = NULL;
	char seen[512] = "";

	*out = NULL;
	json_array_foreach(manifests, i, d) {
		if (!json_is_object(d) || is_attestation(d))
			continue;
		const char *mt = json_string_value(json_object_get(d, "mediaType"));
		if (mt && !manifest__is_index_type(mt) && !manifest__is_manifest_type(mt))
			continue; /* unknown entry types are skipped, not errors */
		nrun++;
		only = d;
		json_t *plat = json_object_get(d, "platform");
		if (!plat) {
			if (!first_noplat)
				first_noplat = d;
			continue;
		}
		if (platform_match(want, plat)) {
			*out = d;
			return 0;
		}
		const char *os = json_string_value(json_object_get(plat, "os"));
		const char *ar = json_string_value(json_object_get(plat, "architecture"));
		const char *va = json_string_value(json_object_get(plat, "variant"));
		size_t l = strlen(seen);
		snprintf(seen + l, sizeof(seen) - l, "%s%s/%s%s%s", l ? ", " : "", os ? os : "?", ar ? ar : "?",
			 va ? "/" : "", va ? va : "");
	}
	if (first_noplat && nrun == 1) {
		*out = first_noplat;
		return 0;
	}
	if (nrun == 1 && !seen[0]) {
		*out = only;
		return 0;
	}
	if (seen[0])
		return customs__error(CUSTOMS_ENOTFOUND, "%s has no image for platform %s/%s%s%s (it has: %s); use --platform",
				      where, want->os, want->arch, want->variant[0] ? "/" : "", want->variant, seen);
	if (nrun == 0)
		return customs__error(CUSTOMS_ENOTFOUND, "%s lists no runnable image", where);
	*out = first_noplat;
	return 0;
}

int manifest__follow(manifest_doc *doc, const manifest_platform *want, manifest_fetch_fn fetch, void *ud)
{
	int err;
	while (manifest__is_index_type(doc->mt)) {
		json_t *mans = json_object_get(doc->j, "manifests"), *pick;
		manifest_doc next = {0};
		if (!json_is_array(mans))
			return customs__error(CUSTOMS_EFORMAT, "%s has no \"manifests\" array", doc->what);
		if ((err = manifest__index_pick(&pick, mans, want, doc->what)) < 0)
			return err;
		/* pick is borrowed from doc: fetch before letting doc go */
		if ((err = fetch(ud, doc, pick, &next)) < 0)
			return err;
		manifest__doc_release(doc);
		*doc = next;
	}
	return 0;
}
