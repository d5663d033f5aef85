/* vocab.h - what SBOM readers (src/lib/sbom/) and writers (src/lib/report/)
 * must agree on, below both: customs' package type for each purl type, and
 * the name an image goes by in a document. */
#ifndef CUSTOMS_SBOM_VOCAB_H
#define CUSTOMS_SBOM_VOCAB_H

#include <stddef.h>

#include "customs/analysis.h"

/* customs' package type for a purl type of n bytes, any case ("pypi" →
 * "python"); NULL when customs has no name of its own for it. */
const char *customs__sbom_package_type(const char *purl_type, size_t n);

/* customs' package type for a purl's type ("pkg:pypi/..." → "python"),
 * NULL when s is no purl or customs has no name of its own for its type. */
const char *customs__sbom_purl_type(const char *purl);

/* The name of the image a describes: an SBOM's own name for it, else from
 * the reference ("oci:build/x/debian-rich" with tag latest →
 * "debian-rich:latest", "registry:host/repo:tag" → "host/repo:tag").
 * malloc'ed; NULL when out of memory. */
char *customs__sbom_image_name(const customs_analysis *a);

#endif
