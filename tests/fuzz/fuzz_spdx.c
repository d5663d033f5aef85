/* fuzz_spdx.c - libFuzzer target for the SPDX readers (src/lib/sbom/
 * spdx_read.c): the first byte picks JSON (even) or tag-value (odd), the
 * rest is the document.  Whatever it holds, reading must not crash, and
 * every warning must be one printable line. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sbom/sbom_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	customs_analysis *a = customs__sbom_analysis_new("fuzz");
	if (!a)
		abort();
	const char *doc = (const char *)data + 1;
	size_t len = size - 1;
	int rc = 0, names_sources = 0;
	if (data[0] & 1) {
		rc = customs__read_spdx_tv(a, doc, len, &names_sources);
	} else {
		json_t *j = json_loadb(doc, len, 0, NULL);
		if (j) {
			names_sources = customs__sbom_names_sources(j);
			rc = customs__read_spdx_json(a, j);
		}
		json_decref(j);
	}
	if (rc == 0)
		customs__sbom_finish(a, names_sources);
	if (rc == CUSTOMS_ENOMEM)
		abort(); /* only the input may fail, never memory at these sizes */
	for (size_t i = 0; i < a->nwarnings; i++)
		for (const char *c = a->warnings[i].message; *c; c++)
			if ((unsigned char)*c < 0x20)
				abort();
	for (const char *c = rc < 0 ? customs_error_last() : ""; *c; c++)
		if ((unsigned char)*c < 0x20)
			abort();
	customs_analysis_free(a);
	return 0;
}
