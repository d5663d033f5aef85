/* fuzz_rpm_ndb.c - libFuzzer target: an NDB "Packages.db" through
 * customs__rpmdb_parse_ndb(), every header it yields parsed into a package.
 * Seeds: corpus/fuzz_rpm_ndb/ (slices of the SLE 15 database). */
#include <stdint.h>
#include <string.h>

#include "analyzers/rpmdb.h"
#include "customs/analysis.h"

static size_t sink;

static void warn(void *ud, int level, uint64_t off, const char *msg)
{
	(void)ud;
	sink += strlen(msg) + (size_t)(off & 1) + (size_t)level;
}

static int on_blob(void *ud, uint32_t instance, const unsigned char *blob, size_t len, uint64_t off)
{
	customs__rpm_header h;
	(void)ud, (void)instance, (void)off;
	if (customs__rpm_header_parse(&h, blob, len, warn, NULL) == 0) {
		customs_package *p;
		if (customs__rpm_package(&p, &h) == 0)
			customs_package_free(p);
	}
	customs__rpm_header_release(&h);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	customs__rpmdb_parse_ndb(data, size, on_blob, warn, NULL);
	return 0;
}
