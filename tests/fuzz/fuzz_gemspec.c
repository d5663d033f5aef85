/* fuzz_gemspec.c - libFuzzer target for the gemspec and Gemfile.lock
 * parsers (src/lib/analyzers/ruby.c); the first byte picks which. */
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
	if (data[0] & 1) {
		customs_package *p;
		if (customs__ruby_parse_gemspec(&p, (const char *)data + 1, size - 1, ignore, NULL) == 0)
			customs_package_free(p);
		return 0;
	}
	if (customs__ruby_parse_gemfile_lock(&v, &n, (const char *)data + 1, size - 1, ignore, NULL) == 0) {
		for (size_t i = 0; i < n; i++)
			customs_package_free(v[i]);
		free(v);
	}
	return 0;
}
