/* fuzz_sbom.c - libFuzzer target for SBOM in and out: format detection and
 * every reader (SPDX JSON and tag-value, CycloneDX, customs JSON) through
 * customs_sbom_read_mem(); then whatever was read is written in every
 * format, and each JSON document written must read back with as many
 * packages: customs never writes what it cannot read. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "customs/errors.h"
#include "customs/report.h"
#include "customs/sbom.h"

static void write_and_reread(const customs_analysis *a, const char *fmt)
{
	customs_report wo = {.version = CUSTOMS_REPORT_VERSION, .kind = CUSTOMS_REPORT_SBOM, .analysis = a,
			     .created = 1700000000};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return;
	int err = customs_report_write(f, &wo, fmt);
	fclose(f);
	if (err < 0) {
		free(buf);
		return;
	}
	if (strcmp(fmt, "purls")) {
		customs_analysis *b = NULL;
		if (customs_sbom_read_mem(&b, "again", buf, len, NULL, NULL) < 0) {
			fprintf(stderr, "customs wrote %s that it cannot read: %s\n", fmt, customs_error_last());
			abort();
		}
		size_t na = 0;
		for (size_t i = 0; i < a->npackages; i++)
			na += a->packages[i]->name != NULL;
		if (b->npackages != na) {
			fprintf(stderr, "%s: %zu packages written, %zu read back\n", fmt, na,
				b->npackages);
			abort();
		}
		customs_analysis_free(b);
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	customs_analysis *a = NULL;
	if (customs_sbom_read_mem(&a, "fuzz", (const char *)data, size, NULL, NULL) < 0)
		return 0;
	customs_analysis_select_packages(a, 1);
	static const char *const fmts[] = {"json", "spdx-json", "spdx-tag-value", "cyclonedx-json", "purls"};
	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++)
		write_and_reread(a, fmts[i]);
	customs_analysis_free(a);
	return 0;
}
