/* sbom_int.h - what the SBOM writers and readers share (src/lib/sbom/).
 *
 * Writers build one sbom_doc over the analysis: a stable id per package,
 * the distro package that installed it, what it depends on, its licenses
 * as an SPDX expression, the image's name and purl, the timestamp and a
 * content-derived UUID.  Facts no standard field holds travel as
 * "customs:*" properties (CycloneDX properties, SPDX annotations "NAME=VALUE")
 * in a fixed vocabulary; customs__sbom_apply_prop() is their inverse, so an
 * SBOM customs wrote gives back the packages the matcher saw. */
#ifndef CUSTOMS_SBOM_INT_H
#define CUSTOMS_SBOM_INT_H

#include <jansson.h>
#include <stdio.h>

#include "customs/analysis.h"
#include "customs/match.h"
#include "customs/sbom.h"
#include "../util/util.h"
#include "license/license.h"

/* ---- writing ---------------------------------------------------------- */

typedef struct sbom_pkg {
	const customs_package *p;
	size_t index;              /* into a->packages */
	char *id;                  /* stable, [A-Za-z0-9.-]: "deb-adduser-0123456789abcdef" */
	long owner;                /* index (into doc.pkgs) of the distro package that installed it, -1 */
	size_t *deps;              /* indices (into doc.pkgs) it depends on, ascending, unique */
	size_t ndeps;
	char *license_expr;        /* SPDX expression of its licenses (LicenseRef-* for unknown ones), or NULL */
	const char *purpose;       /* SPDX primaryPackagePurpose: "LIBRARY", "APPLICATION", "OPERATING_SYSTEM" */
} sbom_pkg;

typedef struct sbom_doc {
	const customs_analysis *a;
	const customs_sbom_write_opts *o;
	sbom_pkg *pkgs;            /* one per a->packages[i], same order */
	size_t npkgs;
	char created[32];          /* "2024-01-01T00:00:00Z" */
	char uuid[40];             /* "xxxxxxxx-xxxx-5xxx-8xxx-xxxxxxxxxxxx", from the content */
	char *image_name;          /* "debian-rich:latest": the root element's name */
	char *image_version;       /* the manifest digest, else the config digest, else NULL */
	char *image_purl;          /* "pkg:oci/debian-rich@sha256%3A...?arch=amd64&tag=latest", or NULL */
	char *image_id;            /* stable id of the root element: "image-<16 hex>" */
	char *os_id;               /* stable id of the operating-system element ("os-debian-12"), NULL without a distro */
	char *distro_ns;           /* the distro's feed namespace ("debian:12"), or NULL */
	const char *tool_version;  /* customs_version() */
	/* every LicenseRef-* used by any package, sorted, with the text it stands for */
	char **license_refs, **license_texts;
	size_t nlicense_refs;
} sbom_doc;

int customs__sbom_doc_init(sbom_doc *d, const customs_analysis *a, const customs_sbom_write_opts *o);
void customs__sbom_doc_release(sbom_doc *d);

/* The name of the image a describes: an SBOM's own name for it, else from
 * the reference ("oci:build/x/debian-rich" with tag latest →
 * "debian-rich:latest", "registry:host/repo:tag" → "host/repo:tag"). */
char *customs__sbom_image_name(const customs_analysis *a);

/* The customs:* properties of a package / of the image (layers, distro,
 * source), in a fixed order.  Values are never NULL or empty. */
typedef void (*sbom_prop_fn)(void *ud, const char *name, const char *value);
void customs__sbom_package_props(const sbom_doc *d, const sbom_pkg *sp, sbom_prop_fn fn, void *ud);
void customs__sbom_image_props(const sbom_doc *d, sbom_prop_fn fn, void *ud);

/* Writers, each called by customs_sbom_write().  0 or <0 (error set). */
int customs__write_spdx_json(FILE *f, const sbom_doc *d);
int customs__write_spdx_tv(FILE *f, const sbom_doc *d);
int customs__write_cyclonedx(FILE *f, const sbom_doc *d, int minor /* 5 or 6 */);
int customs__write_sarif(FILE *f, const sbom_doc *d);

/* Dump j (compact or indented by 2) to f and check the stream: 0 or <0. */
int customs__sbom_dump_json(FILE *f, json_t *j, int indent);

/* The match's package, as an index into doc.pkgs (matches hold
 * package_index into a->packages, which doc.pkgs mirrors). */
static inline const sbom_pkg *customs__sbom_match_pkg(const sbom_doc *d, const customs_match *m)
{
	return m->package_index < d->npkgs ? &d->pkgs[m->package_index] : NULL;
}

/* ---- reading ------------------------------------------------------------ */

/* core/analysis.c: an empty, complete analysis named reference. */
customs_analysis *customs__analysis_new(const char *reference);

/* A new, empty, complete analysis for a document: reference "sbom:NAME",
 * source_kind "sbom", source_path NAME. */
customs_analysis *customs__sbom_analysis_new(const char *name);

/* customs' package type for a purl's type ("pkg:pypi/..." → "python"), the
 * purl type itself when customs has no other name for it, NULL when s is
 * no purl. */
const char *customs__sbom_purl_type(const char *purl);

/* Fill p's type, name, version, arch (and a deb/rpm/apk package's distro
 * hint, source package from "upstream") from a purl written by any tool.
 * Fields p already has are kept.  0, or <0 with the error quoting the purl. */
int customs__sbom_package_from_purl(customs_package *p, const char *purl);

/* Apply one property: customs:* (ours), syft:* (Syft's type, foundBy,
 * location, source), aquasecurity:trivy:* (PkgType, LayerDigest/DiffID,
 * FilePath, SrcName, SrcVersion).  p NULL: an image-level property.
 * 1 when used, 0 when not ours to read. */
int customs__sbom_apply_prop(customs_analysis *a, customs_package *p, const char *name, const char *value);

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
