/* fuzz_cyclonedx.c - libFuzzer target for the CycloneDX reader
 * (src/lib/sbom/cyclonedx_read.c) on one JSON document, then the CycloneDX
 * writer (src/lib/report/cyclonedx.c) on what was read: whatever a
 * document holds must come back out as a document (no crash, no leak) and
 * every warning must be one printable line. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "customs/report.h"
#include "sbom/sbom_int.h"

static FILE *devnull;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	customs_report o = {.version = CUSTOMS_REPORT_VERSION, .kind = CUSTOMS_REPORT_SBOM, .created = 1704067200,
			    .with_files = 1};
	customs_analysis *a;
	json_t *doc;
	int err;

	if (!devnull && !(devnull = fopen("/dev/null", "w")))
		abort();
	if (!(doc = json_loadb((const char *)data, size, 0, NULL)))
		return 0;
	if (!(a = customs__sbom_analysis_new("fuzz.json")))
		abort();
	int names_sources = customs__sbom_names_sources(doc);
	err = customs__read_cyclonedx(a, doc);
	json_decref(doc);
	if (err == CUSTOMS_ENOMEM)
		abort(); /* only memory may fail that way, never the input */
	if (err >= 0 && customs__sbom_finish(a, names_sources) < 0)
		abort();
	for (size_t i = 0; i < a->nwarnings; i++)
		for (const char *p = a->warnings[i].message; *p; p++)
			if ((unsigned char)*p < 0x20)
				abort();
	if (err >= 0) {
		customs_analysis_select_packages(a, 1);
		o.analysis = a;
		if (customs_report_write(devnull, &o, "cyclonedx-json") < 0)
			abort();
	}
	customs_analysis_free(a);
	return 0;
}
