/* sbom_int.h - what the SBOM readers share (src/lib/sbom/): read.c detects
 * the format and hands the document to its reader (spdx_read.c,
 * cyclonedx_read.c, or its own customs JSON reader); every reader builds
 * packages through build.c.  Facts no standard field holds come back from
 * the "customs:*" properties the writers (src/lib/report/) put there:
 * customs__sbom_apply_prop() is their inverse, so an SBOM customs wrote
 * gives back the packages the matcher saw. */
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

/* Apply one property: customs:* (ours), syft:* (Syft's type, foundBy,
 * location, source), aquasecurity:trivy:* (PkgType, LayerDigest/DiffID,
 * FilePath, SrcName, SrcVersion).  p NULL: an image-level property.
 * 1 when used, 0 when not ours to read. */
int customs__sbom_apply_prop(customs_analysis *a, customs_package *p, const char *name, const char *value);

/* Set field ("digest", "diff-id", "media-type", "created-by", "size") of
 * layer i to v, adding layers up to i (none past SBOM_MAX_LAYERS).  1 when
 * set, 0 for an unknown field or layer, <0 out of memory. */
int customs__sbom_set_layer_field(customs_analysis *a, size_t i, const char *field, const char *v);

/* Warn about one element of the document: the message cut at max bytes
 * (at most 2048), on one line whatever the document holds (control
 * characters as blanks). */
void customs__sbom_vwarn(customs_analysis *a, size_t max, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* Set a package's distro from an operating-system element. */
int customs__sbom_set_distro(customs_analysis *a, const char *id, const char *version_id, const char *pretty_name);

/* After every package was added: visible and layer defaults, layer digests
 * to indices, the distro from purl qualifiers when the document named
 * none, distro namespaces of distro packages, a warning when the document
 * lists no packages.  0 or <0. */
int customs__sbom_finish(customs_analysis *a);

/* Parse one format into a (a new analysis from customs__sbom_analysis_new).
 * Errors that stop reading return <0 with the error set; the rest are
 * customs_analysis_warn(a, ...) naming the element. */
int customs__read_spdx_json(customs_analysis *a, json_t *doc);
int customs__read_spdx_tv(customs_analysis *a, const char *buf, size_t len);
int customs__read_cyclonedx(customs_analysis *a, json_t *doc);
int customs__read_customs_json(customs_analysis *a, json_t *doc);

#endif
