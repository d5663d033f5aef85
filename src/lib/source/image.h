/* image.h - what every source kind produces: a manifest, a config and an
 * ordered list of layer blobs that can be opened as streams.  The layer
 * pipeline only ever sees source_layer locators and blob readers, so a
 * network source (the registry) plugs in by providing its own open_layer(). */
#ifndef CUSTOMS_SOURCE_IMAGE_H
#define CUSTOMS_SOURCE_IMAGE_H

#include <stdint.h>
#include <sys/types.h>

#include "customs/analysis.h"
#include "source/tar_index.h"

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
	char *kind;           /* "oci", "oci-archive", "docker-archive", "dir", "registry" */
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

void source__release(source_image *img);
int source__open_layer(source_image *img, const source_layer *l, customs_blob_reader **out);

/* File-backed blob reader over [offset, offset+length) of path. */
int source__file_reader(customs_blob_reader **out, const char *path, uint64_t offset, uint64_t length);

/* Read a small blob whole through a locator and verify digest and size. */
int source__read_small(char **out, size_t *len, const char *file, uint64_t offset, uint64_t length,
		       const char *digest, const char *what, size_t max);

/* "PATH[:TAG]" of a file-backed kind: PATH as given if there is a directory
 * (want_dir) or a regular file (!want_dir) of that name, else split at the
 * last ':'.  *path and *tag (NULL when none) are the caller's. */
int source__split_tag(char **path, char **tag, const char *s, int want_dir);

/* The member index of the tar file "PATH[:TAG]" names; *path and *tag as
 * with source__split_tag, also on failure. */
int source__archive_index(tar_index *ix, char **path, char **tag, const char *s);

#endif
