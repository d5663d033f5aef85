/* manifest.h - OCI image manifests and indexes as every source reads them
 * (the OCI layout, the registry): media types, platform selection, nested
 * indexes followed to one manifest, attestations and artifacts skipped.
 * OCI image-spec manifest.md, image-index.md; FORMATS-images.md §1.3-1.7. */
#ifndef CUSTOMS_MANIFEST_H
#define CUSTOMS_MANIFEST_H

#include <stddef.h>

#include <jansson.h>

#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"

/* How many image indexes an image may be nested in: the OCI layout counts
 * those below index.json, the registry every one it fetches. */
#define MANIFEST_MAX_DEPTH 4

int manifest__is_index_type(const char *mt);
int manifest__is_manifest_type(const char *mt);
/* A container image's config; any other config type makes an artifact. */
int manifest__is_config_type(const char *mt);

typedef struct manifest_platform {
	char os[32], arch[32], variant[32];
} manifest_platform;

/* "os/arch[/variant]" (NULL or "": linux/amd64), architectures normalised
 * the way the Go toolchain names them (x86_64 → amd64, aarch64 → arm64). */
int manifest__platform_parse(manifest_platform *out, const char *s);

/* The JSON object in buf; what names it in messages. */
int manifest__load_json(json_t **out, const char *buf, size_t len, const char *what);

/* Choose a manifest descriptor among an index's entries: by platform when
 * entries carry one, else the only runnable one (attestations and unknown
 * entry types are skipped).  *out is borrowed from manifests. */
int manifest__index_pick(json_t **out, json_t *manifests, const manifest_platform *want, const char *where);

/* A document a reference or descriptor led to: an image index or a manifest. */
typedef struct manifest_doc {
	json_t *j;            /* the document, a JSON object */
	char *mt;             /* its media type */
	char digest[72];      /* "sha256:<hex>" */
	char what[400];       /* how messages name it: "image index sha256:..." */
	int depth;            /* image indexes above it */
} manifest_doc;

void manifest__doc_release(manifest_doc *d);

/* How a source fetches what desc (an entry of the index from) names. */
typedef int (*manifest_fetch_fn)(void *ud, const manifest_doc *from, json_t *desc, manifest_doc *out);

/* While *doc is an image index, pick its entry for want and fetch that in
 * its place: *doc ends as the image's manifest.  The depth limit is the
 * fetcher's to check (MANIFEST_MAX_DEPTH): only it knows, before or after
 * fetching, what a descriptor names. */
int manifest__follow(manifest_doc *doc, const manifest_platform *want, manifest_fetch_fn fetch, void *ud);

#endif
