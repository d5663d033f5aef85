/* fuzz_java_manifest.c - libFuzzer target for the MANIFEST.MF and
 * pom.properties (Java .properties) parsers (src/lib/analyzers/java.c);
 * the first byte picks which. */
#include <stddef.h>
#include <stdint.h>

#include "analyzers/analyzers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *o = NULL;
	if (!size)
		return 0;
	if (data[0] & 1)
		customs__java_parse_manifest(&o, (const char *)data + 1, size - 1);
	else
		customs__java_parse_properties(&o, (const char *)data + 1, size - 1);
	json_decref(o);
	return 0;
}
