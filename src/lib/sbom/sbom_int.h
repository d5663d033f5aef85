/* sbom_int.h - what the SBOM readers share (src/lib/sbom/): read.c detects
 * the format and hands the document to its reader (spdx_read.c,
 * cyclonedx_read.c, or its own customs JSON reader); every reader builds
 * packages through build.c.  Facts no standard field holds come back from
 * the "customs:*" properties the writers (src/lib/report/) put there:
 * customs__sbom_apply_prop() is their inverse, so an SBOM customs wrote
 * gives back the packages the matcher saw; other tools' own facts (Trivy,
 * Syft, cdxgen) are read by peers.c.  fields.c holds the setters all share. */
#ifndef CUSTOMS_SBOM_INT_H
#define CUSTOMS_SBOM_INT_H

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>

#include "customs/analysis.h"
#include "customs/sbom.h"
#include "util/util.h"

/* a document's layers beyond this many are not read */
#define SBOM_MAX_LAYERS 10000

/* model/model.c: an empty, complete analysis named reference. */
customs_analysis *customs__analysis_new(const char *reference);

/* A new, empty, complete analysis for a document: reference "sbom:NAME",
 * source_kind "sbom", source_path NAME. */
customs_analysis *customs__sbom_analysis_new(const char *name);

/* Fill p's type, name, version, arch (and a deb/rpm/apk package's distro
 * hint, source package from "upstream") from a purl written by any tool.
 * Fields p already has are kept.  0, or <0 with the error quoting the purl. */
int customs__sbom_package_from_purl(customs_package *p, const char *purl);

/* Apply one property: customs:* (ours), or another tool's through
 * customs__sbom_peer_prop.  p NULL: an image-level property (of the
 * document's root, or its operating system).  1 when used, 0 when not
 * ours to read, <0 out of memory. */
int customs__sbom_apply_prop(customs_analysis *a, customs_package *p, const char *name, const char *value);

/* ---- fields.c: the setters every reader shares ---- */

/* *dst = a copy of v (the old value freed): 1, or <0 out of memory. */
int customs__sbom_replace(char **dst, const char *v);
/* *dst = v without leading slashes (image paths are relative): 1 or <0. */
int customs__sbom_set_path(char **dst, const char *v);
/* The string metadata key of p = v (v NULL: nothing), replacing an earlier
 * value only when overwrite: 0 or <0. */
int customs__sbom_meta(customs_package *p, const char *key, const char *v, int overwrite);
/* "openssl-3.0.7-24.el9.src.rpm" → "openssl" (anything else: a copy);
 * NULL when out of memory. */
char *customs__sbom_srpm_name(const char *srpm);
/* Set field ("digest", "diff-id", "media-type", "created-by", "size") of
 * layer i to v, adding layers up to i (none past SBOM_MAX_LAYERS).  1 when
 * set, 0 for an unknown field or layer, <0 out of memory. */
int customs__sbom_set_layer_field(customs_analysis *a, size_t i, const char *field, const char *v);

/* ---- peers.c: what other tools write ---- */

/* syft:* (Syft's package type, foundBy, locations, dpkg/apk/rpm source,
 * cpe23; the operating system's distro:*) and aquasecurity:trivy:*
 * (PkgType, LayerDiffID/LayerDigest, FilePath, SrcName with SrcVersion,
 * SrcRelease and SrcEpoch; the image's DiffID, ImageID, RepoDigest).
 * Same contract as customs__sbom_apply_prop. */
int customs__sbom_peer_prop(customs_analysis *a, customs_package *p, const char *name, const char *value);
/* One of Trivy's SPDX attributionTexts ("LayerDiffID: sha256:...", on the
 * container "DiffID: sha256:..."): as the property of the same name. */
int customs__sbom_peer_attribution(customs_analysis *a, customs_package *p, const char *text);
/* Trivy's SPDX sourceInfo "built package from: NAME VERSION": p's source
 * package.  1 when it was one, 0 when not, <0 out of memory. */
int customs__sbom_peer_source_info(customs_package *p, const char *info);
/* What properties left for the end: Trivy's source version from its
 * parts, Syft's location (db_path and layer digest).  0 or <0. */
int customs__sbom_peer_finish(customs_package *p);
/* 1 when doc's writer follows dpkg's rule, naming a distro package's
 * source only when it is not the package itself at its own version
 * (customs, Syft, Trivy: from the tools CycloneDX's metadata or SPDX's
 * creators name); 0 for any other writer, whose packages without a
 * source have an unknown one. */
int customs__sbom_names_sources(json_t *doc);

/* Warn about one element of the document: the message cut at max bytes
 * (at most 2048), on one line whatever the document holds (control
 * characters as blanks). */
void customs__sbom_vwarn(customs_analysis *a, size_t max, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* Set a package's distro from an operating-system element. */
int customs__sbom_set_distro(customs_analysis *a, const char *id, const char *version_id, const char *pretty_name);

/* After every package was added: layer digests to indices, the distro from
 * purl qualifiers when the document named none, a deb's source by dpkg's
 * rule when the writer follows it (names_sources, see
 * customs__sbom_names_sources), distro namespaces of distro packages, a
 * warning when the document lists no packages.  0 or <0. */
int customs__sbom_finish(customs_analysis *a, int names_sources);

/* Parse one format into a (a new analysis from customs__sbom_analysis_new);
 * tag-value also says whether its writer names sources (its creators).
 * Errors that stop reading return <0 with the error set; the rest are
 * customs_analysis_warn(a, ...) naming the element. */
int customs__read_spdx_json(customs_analysis *a, json_t *doc);
int customs__read_spdx_tv(customs_analysis *a, const char *buf, size_t len, int *names_sources);
int customs__read_cyclonedx(customs_analysis *a, json_t *doc);
int customs__read_customs_json(customs_analysis *a, json_t *doc);

#endif
