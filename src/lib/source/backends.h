/* backends.h - the source kinds that source.c's table lists, one file each.
 * detect: is a bare reference (a path, or a name that no path has) of this
 * kind?  st is what stat(2) says of it, NULL when nothing is there; 1 yes,
 * 0 no, < 0 an error that ends the search.  open: resolve the rest of a
 * reference (what follows the prefix) into *img, zeroed by the caller, whose
 * kind the table sets. */
#ifndef CUSTOMS_SOURCE_BACKENDS_H
#define CUSTOMS_SOURCE_BACKENDS_H

#include <sys/stat.h>

#include "customs/analysis.h"
#include "source/image.h"
#include "source/manifest.h"

/* oci.c: oci:DIR[:TAG] (and oci-dir:), oci-archive:FILE[:TAG] */
int source__oci_dir_detect(const char *ref, const struct stat *st);
int source__oci_dir_open(source_image *img, const char *rest, const customs_options *opts);
int source__oci_archive_detect(const char *ref, const struct stat *st);
int source__oci_archive_open(source_image *img, const char *rest, const customs_options *opts);
/* Does the archive hold an OCI layout (index.json and oci-layout)? */
int source__oci_in_archive(const tar_index *ix);
/* The image tagged tag (NULL: the only one, "latest", or by platform) of
 * the OCI layout at root: a directory, or the tar file that ix indexes. */
int source__oci_layout_open(source_image *img, const char *root, const tar_index *ix, const char *tag,
			    const manifest_platform *want);
/* How a kind other than the OCI layout reads the tar file path indexed by ix. */
typedef int (*source_archive_fn)(source_image *img, const tar_index *ix, const char *path, const char *tag);
/* The tar file "PATH[:TAG]": the OCI layout in it if it holds one, else
 * what other reads (NULL: an OCI archive is all that will do). */
int source__archive_open(source_image *img, const char *rest, const customs_options *opts, source_archive_fn other);

/* docker_archive.c: docker-archive:FILE[:TAG] */
int source__docker_archive_detect(const char *ref, const struct stat *st);
int source__docker_archive_open(source_image *img, const char *rest, const customs_options *opts);

/* dir.c: dir:DIR */
int source__dir_detect(const char *ref, const struct stat *st);
int source__dir_open(source_image *img, const char *rest, const customs_options *opts);

/* registry_ref.c, registry.c: registry:HOST[:PORT]/REPO[:TAG|@DIGEST] or a
 * docker-style reference ("debian:12"); layers stream through
 * img->open_layer. */
int source__registry_detect(const char *ref, const struct stat *st);
/* Could s be a registry reference (tried for bare arguments that are not paths)? */
int source__registry_ref_plausible(const char *s);
int source__registry_open(source_image *img, const char *rest, const customs_options *opts);

#endif
