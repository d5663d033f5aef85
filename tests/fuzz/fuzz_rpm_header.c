/* fuzz_rpm_header.c - libFuzzer target: one rpm header blob (as an rpmdb
 * stores it) through customs__rpm_header_parse() and the package record
 * built from it. Seeds: corpus/fuzz_rpm_header/ (blobs of real rpmdbs). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/rpmdb.h"
#include "customs/analysis.h"

static size_t sink;

static void warn(void *ud, int level, uint64_t off, const char *msg)
{
	(void)ud;
	sink += strlen(msg) + (size_t)(off & 1) + (size_t)level;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	customs__rpm_header h;
	if (customs__rpm_header_parse(&h, data, size, warn, NULL) == 0) {
		/* every string the parser hands out must be readable */
		const char *s[] = {h.name, h.version, h.release, h.arch, h.sourcerpm, h.license, h.vendor, h.summary,
				   h.modularitylabel};
		for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
			sink += s[i] ? strlen(s[i]) : 0;
		for (size_t i = 0; i < h.nfiles; i++)
			sink += strlen(h.files[i].path) + (h.files[i].digest ? strlen(h.files[i].digest) : 0);
		customs_package *p;
		if (customs__rpm_package(&p, &h) == 0) {
			customs_distro d = {.id = "fuzz", .version_id = "1"};
			char *purl = customs__rpm_purl(p, &d);
			sink += purl ? strlen(purl) : 0;
			free(purl);
			customs_package_free(p);
		}
	}
	customs__rpm_header_release(&h);
	return 0;
}
