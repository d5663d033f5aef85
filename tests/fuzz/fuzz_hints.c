/* fuzz_hints.c - libFuzzer target for the hints file parser
 * (src/lib/analyzers/hints.c: /customs-hints.json, /anchore_hints.json). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "analyzers/analyzers.h"

static void ignore(void *ud, size_t line, const char *msg)
{
	(void)ud, (void)line, (void)msg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	customs_package **v;
	size_t n;
	if (customs__hints_parse(&v, &n, (const char *)data, size, ignore, NULL) == 0) {
		for (size_t i = 0; i < n; i++)
			customs_package_free(v[i]);
		free(v);
	}
	return 0;
}
