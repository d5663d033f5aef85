/* fuzz_npm_package_json.c - libFuzzer target for the package.json reader
 * (src/lib/analyzers/npm.c).  A package that parses has a non-empty name
 * and version; an error leaves nothing behind. */
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
	customs_package *p = (customs_package *)1;
	int err = customs__npm_parse_package_json(&p, (const char *)data, size, ignore, NULL);
	if (err < 0 && p)
		abort();
	if (p) {
		if (!p->name || !*p->name || !p->version || !*p->version || !p->type || !p->metadata)
			abort();
		customs_package_free(p);
	}
	return 0;
}
