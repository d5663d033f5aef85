/* fuzz_pom_licenses.c - libFuzzer target for the pom.xml <licenses>
 * scanner (src/lib/analyzers/java_pom.c). */
#include <stddef.h>
#include <stdint.h>

#include "analyzers/analyzers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	customs_strlist l = {0};
	customs__java_parse_pom_licenses(&l, (const char *)data, size, NULL, NULL);
	customs_strlist_release(&l);
	return 0;
}
