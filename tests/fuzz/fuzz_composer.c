/* fuzz_composer.c - libFuzzer target for Composer's installed.json and
 * composer.lock parsers (src/lib/analyzers/php.c); the first byte picks
 * which. */
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
	if (!size)
		return 0;
	int rc = data[0] & 1 ? customs__php_parse_lock(&v, &n, (const char *)data + 1, size - 1, ignore, NULL)
			     : customs__php_parse_installed(&v, &n, (const char *)data + 1, size - 1, ignore, NULL);
	if (rc == 0) {
		for (size_t i = 0; i < n; i++)
			customs_package_free(v[i]);
		free(v);
	}
	return 0;
}
