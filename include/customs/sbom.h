/* sbom.h - SBOM exchange: write an analysis (and a scan's matches) as
 * customs JSON, SPDX 2.3 (JSON, tag-value), CycloneDX 1.5/1.6 JSON, SARIF
 * 2.1.0 or a list of purls; read SPDX 2.3 (JSON, tag-value), CycloneDX
 * 1.4-1.6 JSON and customs JSON back into an analysis that the matcher
 * treats exactly like the image it describes.
 *
 * Writers are deterministic: they write the packages in the analysis'
 * order (customs_analysis_sort_packages), derive every id from the content,
 * and take their timestamp from opts.created, else SOURCE_DATE_EPOCH, else
 * the clock. */
#ifndef CUSTOMS_SBOM_H
#define CUSTOMS_SBOM_H

#include "customs/common.h"

#include <stdio.h>

#include "customs/analysis.h"

#ifdef __cplusplus
extern "C" {
#endif

struct customs_match_result;

typedef enum customs_sbom_format {
	CUSTOMS_SBOM_UNKNOWN = 0,
	CUSTOMS_SBOM_CUSTOMS_JSON,  /* "json": docs/json.md, customs-analysis */
	CUSTOMS_SBOM_SPDX_JSON,     /* "spdx-json": SPDX 2.3 */
	CUSTOMS_SBOM_SPDX_TV,       /* "spdx-tag-value": SPDX 2.3 */
	CUSTOMS_SBOM_CDX_JSON_16,   /* "cyclonedx-json", "cyclonedx-json@1.6" */
	CUSTOMS_SBOM_CDX_JSON_15,   /* "cyclonedx-json@1.5" */
	CUSTOMS_SBOM_PURLS,         /* "purls": one per line */
	CUSTOMS_SBOM_SARIF,         /* "sarif": SARIF 2.1.0, scan results only */
} customs_sbom_format;

/* "spdx-json" → CUSTOMS_SBOM_SPDX_JSON; CUSTOMS_SBOM_UNKNOWN when unknown. */
CUSTOMS_EXTERN customs_sbom_format customs_sbom_format_parse(const char *name);
CUSTOMS_EXTERN const char *customs_sbom_format_name(customs_sbom_format f);

#define CUSTOMS_SBOM_WRITE_OPTS_VERSION 1

typedef struct customs_sbom_write_opts {
	unsigned int version;       /* CUSTOMS_SBOM_WRITE_OPTS_VERSION */
	/* SPDX: a File element per owned file (CONTAINS from its package);
	 * CycloneDX: a file component per owned file.  Customs JSON: owned
	 * files in packages[].files (with_files 0 leaves them out). */
	int with_files;
	/* Seconds since the epoch for the document's timestamp; 0: the
	 * SOURCE_DATE_EPOCH environment variable, else the current time. */
	long long created;
	/* A scan's matches: CycloneDX gets vulnerabilities[], SARIF needs them,
	 * customs JSON ignores them (cmd_scan writes customs-scan itself). */
	const struct customs_match_result *matches;
} customs_sbom_write_opts;

/* Write a in format fmt to f.  The caller has already chosen and sorted the
 * packages (customs_analysis_select_packages).  Returns 0, or <0 with the
 * error set (a write error names errno). */
CUSTOMS_EXTERN int customs_sbom_write(FILE *f, const customs_analysis *a, customs_sbom_format fmt, const customs_sbom_write_opts *opts);

/* Several documents of one analysis: what every format derives (ids,
 * owners, dependencies, license expressions) is worked out once.
 * with_files overrides opts.with_files for this document. */
typedef struct customs_sbom_writer customs_sbom_writer;
CUSTOMS_EXTERN int customs_sbom_writer_new(customs_sbom_writer **out, const customs_analysis *a, const customs_sbom_write_opts *opts);
CUSTOMS_EXTERN int customs_sbom_writer_write(customs_sbom_writer *w, FILE *f, customs_sbom_format fmt, int with_files);
CUSTOMS_EXTERN void customs_sbom_writer_free(customs_sbom_writer *w);

/* Keep the visible packages (all_layers: every package), and sort them by
 * type, name, version, arch, then what tells two copies apart, so the
 * order never depends on the order analyzers or layers finished in. */
CUSTOMS_EXTERN void customs_analysis_select_packages(customs_analysis *a, int all_layers);

#define CUSTOMS_SBOM_READ_OPTS_VERSION 1

typedef struct customs_sbom_read_opts {
	unsigned int version;       /* CUSTOMS_SBOM_READ_OPTS_VERSION */
	size_t max_bytes;           /* document size cap; 0: $CUSTOMS_SBOM_MAX_BYTES, else 512 MiB */
} customs_sbom_read_opts;

/* Read an SBOM (format detected from the content: SPDX 2.2/2.3 JSON or
 * tag-value, CycloneDX 1.4-1.6 JSON, customs-analysis or customs-scan JSON)
 * into a new analysis: image.source_kind "sbom", image.reference
 * "sbom:PATH", packages with type, purl, layer and location where the
 * document says them, the distro from its operating-system element or its
 * purls' distro qualifiers.  Problems with single elements (a broken purl,
 * an unknown property) are warnings naming the element; a document that
 * cannot be read at all (not JSON, unknown spec version, over the size cap)
 * is an error.  *fmt_out (optional) gets the detected format. */
CUSTOMS_EXTERN int customs_sbom_read(customs_analysis **out, const char *path, const customs_sbom_read_opts *opts,
		      customs_sbom_format *fmt_out);
/* The same from memory; name is used in messages and as the reference. */
CUSTOMS_EXTERN int customs_sbom_read_mem(customs_analysis **out, const char *name, const char *buf, size_t len,
			  const customs_sbom_read_opts *opts, customs_sbom_format *fmt_out);

#ifdef __cplusplus
}
#endif
#endif
