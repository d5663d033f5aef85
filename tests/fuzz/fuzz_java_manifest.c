/* fuzz_java_manifest.c - libFuzzer target for the MANIFEST.MF and
 * pom.properties (Java .properties) parsers (src/lib/analyzers/java.c),
 * and the manifest's license headers (Bundle-License, License); the first
 * byte picks which. */
#include <stddef.h>
#include <stdint.h>

#include "analyzers/analyzers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *o = NULL;
	if (!size)
		return 0;
	if (data[0] & 1) {
		if (customs__java_parse_manifest(&o, (const char *)data + 1, size - 1) == 0) {
			customs_strlist l = {0};
			customs__java_manifest_licenses(&l, o);
			customs_strlist_release(&l);
		}
	} else
		customs__java_parse_properties(&o, (const char *)data + 1, size - 1);
	json_decref(o);
	return 0;
}
