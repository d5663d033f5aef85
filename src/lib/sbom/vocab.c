/* vocab.c - the names SBOM readers and writers share: purl types and
 * customs package types (purl-spec's PURL-TYPES.rst), an image's name. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sbom/vocab.h"
#include "util/util.h"

static const struct {
	const char *purl, *type;
} purl_types[] = {
	{"deb", "deb"},         {"rpm", "rpm"},         {"apk", "apk"},          {"pypi", "python"},
	{"npm", "npm"},         {"golang", "go-module"}, {"maven", "java-archive"}, {"gem", "gem"},
	{"cargo", "rust-crate"}, {"composer", "php-composer"}, {"nuget", "dotnet"},
};

const char *customs__sbom_package_type(const char *purl_type, size_t n)
{
	for (size_t i = 0; i < sizeof(purl_types) / sizeof(purl_types[0]); i++)
		if (strlen(purl_types[i].purl) == n && !strncasecmp(purl_type, purl_types[i].purl, n))
			return purl_types[i].type;
	return NULL;
}

const char *customs__sbom_purl_type(const char *purl)
{
	const char *t, *slash;
	if (!purl || strncmp(purl, "pkg:", 4))
		return NULL;
	t = purl + 4;
	while (*t == '/')
		t++;
	if (!(slash = strchr(t, '/')))
		return NULL;
	return customs__sbom_package_type(t, (size_t)(slash - t));
}

char *customs__sbom_image_name(const customs_analysis *a)
{
	static const char *const prefixes[] = {"oci-archive:", "docker-archive:", "oci:", "dir:", "registry:", "docker://",
					       "sbom:"};
	const char *ref = a->image.reference ? a->image.reference : "image", *kind = a->image.source_kind;
	const char *tag = a->image.tags.n ? a->image.tags.v[0] : NULL;
	customs_buf b = CUSTOMS_BUF_INIT(0);

	if (a->image.name)
		return customs_strdup(a->image.name);
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (customs_str_has_prefix(ref, prefixes[i])) {
			ref = ref + strlen(prefixes[i]);
			break;
		}
	if (kind && strcmp(kind, "registry")) {
		/* a path: its last component, without ":TAG" and archive suffixes */
		char *path = customs_strdup(ref), *c;
		if (!path)
			return NULL;
		if (!strcmp(kind, "oci") && (c = strrchr(path, ':')) && !strchr(c, '/')) {
			tag = tag ? tag : c + 1;
			*c = '\0';
		}
		size_t n = strlen(path);
		while (n > 1 && path[n - 1] == '/')
			path[--n] = '\0';
		const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		static const char *const suffixes[] = {".tar.gz", ".tgz", ".tar.zst", ".tar", ".oci", ".json"};
		customs_buf_puts(&b, *base ? base : "image");
		for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
			if (b.len > strlen(suffixes[i]) && customs_str_has_suffix(b.ptr, suffixes[i])) {
				b.len -= strlen(suffixes[i]);
				b.ptr[b.len] = '\0';
				break;
			}
		if (tag && strcmp(kind, "dir"))
			customs_buf_printf(&b, ":%s", tag);
		free(path);
	} else {
		customs_buf_puts(&b, ref);
	}
	return customs_buf_detach(&b);
}
