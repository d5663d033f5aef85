/* source.h - where an image comes from: resolve a reference to a manifest,
 * a config and an ordered list of layer blobs that can be opened as streams.
 *
 * Every source kind produces a source_image; the layer pipeline only ever
 * sees source_layer locators and blob readers, so a network source (a
 * registry) plugs in by providing its own open_layer().
 */
#ifndef CUSTOMS_SOURCE_H
#define CUSTOMS_SOURCE_H

#include <stdint.h>
#include <sys/types.h>

#include "customs/analysis.h"

/* A blob opened as a stream of raw (possibly compressed) bytes. */
typedef struct customs_blob_reader customs_blob_reader;
struct customs_blob_reader {
	/* Returns bytes read, 0 at end, < 0 a CUSTOMS_E* code (detail set). */
	ssize_t (*read)(customs_blob_reader *r, void *buf, size_t len);
	void (*close)(customs_blob_reader *r);
};

typedef struct source_layer {
	char *digest;         /* descriptor digest, NULL when the source has none */
	char *media_type;     /* descriptor media type, NULL if unknown */
	int64_t size;         /* descriptor size, -1 if unknown */
	char *name;           /* how to name it in messages (member path) */
	/* file-backed locator */
	char *file;
	uint64_t offset;
	uint64_t length;
	int missing;          /* referenced but absent (foreign layer) */
} source_layer;

typedef struct source_image source_image;
struct source_image {
	char *kind;           /* "oci", "oci-archive", "docker-archive", "dir" */
	char *path;           /* file or directory */
	char *manifest_digest;
	char *manifest_media_type;
	char *config_digest;
	char *config_json;    /* verified bytes, NUL-terminated */
	size_t config_len;
	source_layer *layers;
	size_t nlayers;
	customs_strlist tags;
	char *rootfs;         /* dir source: the directory walked as the one layer */
	/* Open a layer's bytes; NULL means the file-backed default. */
	int (*open_layer)(source_image *img, const source_layer *l, customs_blob_reader **out);
	void *priv;
	void (*priv_free)(void *priv);
};

#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"

/* Resolve ref into *img (zeroed by the caller). platform: "os/arch[/variant]". */
int source__open(source_image *img, const char *ref, const char *platform);
/* The same with every option (platform, registry credentials and hosts). */
int source__open_opts(source_image *img, const char *ref, const customs_options *opts);

/* Choose a manifest descriptor among an index's entries for platform
 * ("os/arch[/variant]", NULL: linux/amd64); *out is borrowed from manifests.
 * where: names the index in messages. */
int source__index_pick(json_t **out, json_t *manifests, const char *platform, const char *where);

/* registry.c: pull "HOST[:PORT]/REPO[:TAG|@DIGEST]" or a docker-style
 * reference ("debian:12") into *img; layers stream through img->open_layer. */
int source__registry_open(source_image *img, const char *ref, const customs_options *opts);
/* Could s be a registry reference (tried for bare arguments that are not paths)? */
int source__registry_ref_plausible(const char *s);
void source__release(source_image *img);
int source__open_layer(source_image *img, const source_layer *l, customs_blob_reader **out);

/* File-backed blob reader over [offset, offset+length) of path. */
int source__file_reader(customs_blob_reader **out, const char *path, uint64_t offset, uint64_t length);

/* Read a small blob whole through a locator and verify digest and size. */
int source__read_small(char **out, size_t *len, const char *file, uint64_t offset, uint64_t length,
		       const char *digest, const char *what, size_t max);

/* Tar member index of an uncompressed archive (docker-archive, oci-archive):
 * name → data offset and size, one header-only pass (libarchive has no way
 * to report a member's data offset, which random access needs). */
typedef struct tar_member {
	char *name;           /* normalised */
	char *link;           /* symlink/hardlink target, normalised relative to the archive root */
	uint64_t offset;      /* data offset in the file */
	uint64_t size;
	char type;            /* '0' file, '1' hard link, '2' symlink, '5' dir, ... */
} tar_member;

typedef struct tar_index {
	tar_member *m;
	size_t n, cap;
} tar_index;

int source__tar_index(tar_index *out, const char *path);
/* Index bytes already in memory (used by the fuzz target). base: file offset of buf[0]. */
int source__tar_index_buf(tar_index *out, const unsigned char *buf, size_t len);
/* Find a regular member by name, following symlinks/hard links inside the archive. */
const tar_member *source__tar_find(const tar_index *ix, const char *name);
void source__tar_index_release(tar_index *ix);

#endif
