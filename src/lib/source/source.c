/* source.c - the source stage's front door: a reference names its kind by
 * a prefix ("oci:", "sbom:", ...), else the kind is detected from what is at
 * the path, else it is a registry reference ("debian:12").  One table lists
 * the kinds (each in a file of its own, backends.h); a kind either opens an
 * image for the layer stage or, like an SBOM, reads an analysis whole. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "customs/sbom.h"
#include "source/backends.h"
#include "source/source.h"
#include "util/util.h"

enum { SOURCE_PATH = 1 }; /* the rest is a path: an empty one is a usage error */

typedef struct source_backend {
	const char *prefix;   /* "oci-archive:" */
	const char *name;     /* the image's source_kind */
	int flags;            /* SOURCE_PATH */
	int (*detect)(const char *ref, const struct stat *st);
	/* one of: an image for the layer stage, or an analysis read whole */
	int (*open)(source_image *img, const char *rest, const customs_options *opts);
	int (*read)(customs_analysis **out, const char *rest, const customs_options *opts);
} source_backend;

static int sbom_read(customs_analysis **out, const char *rest, const customs_options *opts)
{
	customs_sbom_read_opts ro = {.version = CUSTOMS_SBOM_READ_OPTS_VERSION};
	return customs_sbom_read(out, rest, &ro, NULL);
}

/* Detection tries the kinds in this order: a directory with an oci-layout
 * file before any directory, an OCI archive before any other file, and a
 * registry reference only where nothing is at that path. */
static const source_backend backends[] = {
	{"oci:", "oci", SOURCE_PATH, source__oci_dir_detect, source__oci_dir_open, NULL},
	{"oci-dir:", "oci", SOURCE_PATH, NULL, source__oci_dir_open, NULL},
	{"dir:", "dir", SOURCE_PATH, source__dir_detect, source__dir_open, NULL},
	{"oci-archive:", "oci-archive", SOURCE_PATH, source__oci_archive_detect, source__oci_archive_open, NULL},
	{"docker-archive:", "docker-archive", SOURCE_PATH, source__docker_archive_detect, source__docker_archive_open, NULL},
	{"registry://", "registry", 0, source__registry_detect, source__registry_open, NULL},
	{"registry:", "registry", 0, NULL, source__registry_open, NULL},
	{"docker://", "registry", 0, NULL, source__registry_open, NULL},
	{"sbom:", "sbom", 0, NULL, NULL, sbom_read},
};

#define NBACKENDS (sizeof(backends) / sizeof(backends[0]))

static const source_backend *by_prefix(const char *ref, const char **rest)
{
	for (size_t i = 0; i < NBACKENDS; i++)
		if (customs_str_has_prefix(ref, backends[i].prefix)) {
			*rest = ref + strlen(backends[i].prefix);
			return &backends[i];
		}
	return NULL;
}

/* The kind of a bare reference; *there: something is at that path. */
static int detect(const source_backend **out, const char *ref, int *there)
{
	struct stat st;
	*there = stat(ref, &st) == 0;
	for (size_t i = 0; i < NBACKENDS; i++) {
		int yes = backends[i].detect ? backends[i].detect(ref, *there ? &st : NULL) : 0;
		if (yes < 0)
			return yes;
		if (yes) {
			*out = &backends[i];
			return 0;
		}
	}
	return customs__error(CUSTOMS_ENOTFOUND,
			      "image not found: %s (give a path, or docker-archive:FILE, oci-archive:FILE, oci:DIR[:TAG], dir:DIR, registry:HOST/REPO:TAG)",
			      ref);
}

static int open_image(source_image *img, const char *ref, const customs_options *opts)
{
	const source_backend *b;
	const char *rest = ref;
	manifest_platform want;
	int there = 1, err;

	if ((err = manifest__platform_parse(&want, opts->platform)) < 0)
		return err;
	if (!(b = by_prefix(ref, &rest)) && (err = detect(&b, ref, &there)) < 0)
		return err;
	if (!b->open)
		return customs__error(CUSTOMS_EUSAGE, "%s holds an analysis, not an image", ref);
	if ((b->flags & SOURCE_PATH) && !*rest)
		return customs__error(CUSTOMS_EUSAGE, "%s: missing path after the scheme", ref);
	if (!(img->kind = customs_strdup(b->name)))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	if ((err = b->open(img, rest, opts)) == CUSTOMS_ENOTFOUND && !there) {
		char why[768]; /* copied: customs__error writes where it would read */
		snprintf(why, sizeof(why), "%s", customs_error_last());
		err = customs__error(err, "%s (and no file or directory %s exists)", why, rest);
	}
	return err;
}

int source__open_opts(source_image *img, customs_analysis **analysis, const char *ref, const customs_options *opts)
{
	const source_backend *b;
	const char *rest;
	int err;

	if (analysis) {
		*analysis = NULL;
		/* the SBOM reader's messages name its file themselves */
		if ((b = by_prefix(ref, &rest)) && b->read)
			return b->read(analysis, rest, opts);
	}
	if ((err = open_image(img, ref, opts)) < 0)
		return customs__error_naming(err, ref);
	return 0;
}

int source__open(source_image *img, const char *ref, const char *platform)
{
	customs_options o = CUSTOMS_OPTIONS_INIT;
	o.platform = platform;
	return source__open_opts(img, NULL, ref, &o);
}
