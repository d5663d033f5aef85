/* sbom.h - SBOMs in: read SPDX 2.2/2.3 (JSON, tag-value), CycloneDX
 * 1.4-1.7 JSON and customs JSON into an analysis that the matcher treats
 * exactly like the image it describes.  Writing them is the output
 * stage's (customs/report.h). */
#ifndef CUSTOMS_SBOM_H
#define CUSTOMS_SBOM_H

#include "customs/common.h"

#include <stddef.h>

#include "customs/analysis.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CUSTOMS_SBOM_READ_OPTS_VERSION 1

typedef struct customs_sbom_read_opts {
	unsigned int version;       /* CUSTOMS_SBOM_READ_OPTS_VERSION */
	size_t max_bytes;           /* document size cap; 0: $CUSTOMS_SBOM_MAX_BYTES, else 512 MiB */
} customs_sbom_read_opts;

/* Read an SBOM (format detected from the content: SPDX 2.2/2.3 JSON or
 * tag-value, CycloneDX 1.4-1.7 JSON, customs-analysis or customs-scan JSON)
 * into a new analysis: image.source_kind "sbom", image.reference
 * "sbom:PATH", packages with type, purl, layer and location where the
 * document says them, the distro from its operating-system element or its
 * purls' distro qualifiers.  Problems with single elements (a broken purl,
 * an unknown property) are warnings naming the element; a document that
 * cannot be read at all (not JSON, unknown spec version, over the size cap)
 * is an error.  *format_out (optional) gets the detected format, named as
 * customs_report_write() spells it: "spdx-json", "spdx-tag-value",
 * "cyclonedx-json" or "json" (a static string). */
CUSTOMS_EXTERN int customs_sbom_read(customs_analysis **out, const char *path, const customs_sbom_read_opts *opts,
				     const char **format_out);
/* The same from memory; name is used in messages and as the reference. */
CUSTOMS_EXTERN int customs_sbom_read_mem(customs_analysis **out, const char *name, const char *buf, size_t len,
					 const customs_sbom_read_opts *opts, const char **format_out);

#ifdef __cplusplus
}
#endif
#endif
