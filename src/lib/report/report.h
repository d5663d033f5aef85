/* report.h - what the writers of the output stage share (src/lib/report/).
 *
 * format.c holds the format table and the public entry points; every other
 * file is a writer it calls, over the report and, for the SBOM formats, one
 * sbom_doc (doc.c): a stable id per package, the distro package that
 * installed it, what it depends on, its licenses as an SPDX expression,
 * the image's name and purl, the timestamp and a content-derived UUID.
 * Facts no standard field holds travel as "customs:*" properties
 * (CycloneDX properties, SPDX annotations "NAME=VALUE") in a fixed
 * vocabulary, which the SBOM readers (src/lib/sbom/) turn back into the
 * packages the matcher saw. */
#ifndef CUSTOMS_REPORT_INT_H
#define CUSTOMS_REPORT_INT_H

#include <jansson.h>
#include <stdio.h>

#include "customs/analysis.h"
#include "customs/match.h"
#include "customs/policy.h"
#include "customs/report.h"
#include "util/util.h"

/* ---- JSON ---------------------------------------------------------------- */

/* One package in the customs JSON shape; a new reference. */
json_t *customs__package_json(const customs_package *p, int with_files);

/* Dump j to f with jansson's flags, through one 64 KiB buffer (jansson's
 * own json_dumpf writes every token through stdio).  0 or <0. */
int customs__json_dump(FILE *f, const json_t *j, size_t flags);

/* Dump j (NULL: out of memory) with flags and a newline, and check the
 * stream: 0 or <0 with the error set. */
int report__dump(FILE *f, json_t *j, size_t flags);

/* ---- the SBOM document ------------------------------------------------- */

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
	const customs_match_result *matches; /* CycloneDX vulnerabilities[], SARIF results; or NULL */
	int with_files;            /* this document lists owned files (set per document) */
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

int report__doc_init(sbom_doc *d, const customs_analysis *a, const customs_match_result *matches, long long created);
void report__doc_release(sbom_doc *d);

/* The customs:* properties of a package / of the image (layers, distro,
 * source), in a fixed order.  Values are never NULL or empty. */
typedef void (*sbom_prop_fn)(void *ud, const char *name, const char *value);
void report__package_props(const sbom_doc *d, const sbom_pkg *sp, sbom_prop_fn fn, void *ud);
void report__image_props(const sbom_doc *d, sbom_prop_fn fn, void *ud);

/* The match's package, as an index into doc.pkgs (matches hold
 * package_index into a->packages, which doc.pkgs mirrors). */
static inline const sbom_pkg *report__match_pkg(const sbom_doc *d, const customs_match *m)
{
	return m->package_index < d->npkgs ? &d->pkgs[m->package_index] : NULL;
}

/* ---- writers ------------------------------------------------------------
 * One signature for the format table: d is the SBOM document for the
 * formats that need one, else NULL.  0 or <0 with the error set; format.c
 * checks the stream afterwards. */
typedef int (*report_write_fn)(FILE *f, const customs_report *r, const sbom_doc *d);

int report__analysis_json(FILE *f, const customs_report *r, const sbom_doc *d);   /* json.c */
int report__inspect_table(FILE *f, const customs_report *r, const sbom_doc *d);   /* inspect.c */
int report__sbom_table(FILE *f, const customs_report *r, const sbom_doc *d);      /* packages.c */
int report__purls(FILE *f, const customs_report *r, const sbom_doc *d);
int report__spdx_json(FILE *f, const customs_report *r, const sbom_doc *d);       /* spdx.c */
int report__spdx_tv(FILE *f, const customs_report *r, const sbom_doc *d);
int report__cyclonedx_17(FILE *f, const customs_report *r, const sbom_doc *d);    /* cyclonedx.c */
int report__cyclonedx_16(FILE *f, const customs_report *r, const sbom_doc *d);
int report__cyclonedx_15(FILE *f, const customs_report *r, const sbom_doc *d);
int report__sarif(FILE *f, const customs_report *r, const sbom_doc *d);           /* sarif.c */
int report__scan_table(FILE *f, const customs_report *r, const sbom_doc *d);      /* scan.c */
int report__scan_json(FILE *f, const customs_report *r, const sbom_doc *d);
int report__explain(FILE *f, const customs_report *r, const sbom_doc *d);         /* explain.c */
int report__db_status_table(FILE *f, const customs_report *r, const sbom_doc *d); /* db.c */
int report__db_status_json(FILE *f, const customs_report *r, const sbom_doc *d);
int report__db_vuln_table(FILE *f, const customs_report *r, const sbom_doc *d);
int report__db_vuln_json(FILE *f, const customs_report *r, const sbom_doc *d);
int report__db_affected_table(FILE *f, const customs_report *r, const sbom_doc *d);
int report__db_affected_json(FILE *f, const customs_report *r, const sbom_doc *d);
int report__db_import_table(FILE *f, const customs_report *r, const sbom_doc *d);
int report__db_update_table(FILE *f, const customs_report *r, const sbom_doc *d);
int report__rows_table(FILE *f, const customs_report *r, const sbom_doc *d);      /* rows.c */
int report__rows_json(FILE *f, const customs_report *r, const sbom_doc *d);
int report__record_json(FILE *f, const customs_report *r, const sbom_doc *d);
int report__record_table(FILE *f, const customs_report *r, const sbom_doc *d);
int report__metrics(FILE *f, const customs_report *r, const sbom_doc *d); /* metrics.c */
int report__admission(FILE *f, const customs_report *r, const sbom_doc *d);
int report__images_table(FILE *f, const customs_report *r, const sbom_doc *d);    /* store.c */
int report__images_json(FILE *f, const customs_report *r, const sbom_doc *d);
int report__rematch_table(FILE *f, const customs_report *r, const sbom_doc *d);
int report__rematch_json(FILE *f, const customs_report *r, const sbom_doc *d);
int report__diff_table(FILE *f, const customs_report *r, const sbom_doc *d);      /* diff.c */
int report__diff_json(FILE *f, const customs_report *r, const sbom_doc *d);
int report__policy_table(FILE *f, const customs_report *r, const sbom_doc *d);    /* policy.c */
int report__policy_json(FILE *f, const customs_report *r, const sbom_doc *d);
int report__problems_table(FILE *f, const customs_report *r, const sbom_doc *d);
int report__problems_json(FILE *f, const customs_report *r, const sbom_doc *d);
int report__vex(FILE *f, const customs_report *r, const sbom_doc *d);
int report__gates_table(FILE *f, const customs_report *r, const sbom_doc *d);     /* policy_gates.c */
int report__gates_json(FILE *f, const customs_report *r, const sbom_doc *d);
int report__gates_markdown(FILE *f, const customs_report *r, const sbom_doc *d);
int report__policy_sarif(FILE *f, const customs_report *r, const sbom_doc *d);    /* policy_sarif.c */
/* The evaluation as customs JSON ("customs-evaluation"): a new reference,
 * NULL when out of memory.  scan's JSON holds it as "policy". */
json_t *report__policy_doc(const customs_report *r);
/* A JSON string of s (malformed UTF-8 repaired), null for NULL (policy.c). */
json_t *report__jstr(const char *s);
/* The evaluation as text (scan's table ends with it). */
int report__policy_text(FILE *f, const customs_report *r);

#endif
