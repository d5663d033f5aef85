/* fuzz_npm_lockfiles.c - libFuzzer target for the JavaScript lockfile
 * readers (src/lib/analyzers/npm.c): package-lock.json (v1-v3), yarn.lock
 * (v1 and berry, YAML) and pnpm-lock.yaml (5.4-9.0, multi-document), all
 * three on the same bytes.  Every package has a name and version. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "analyzers/analyzers.h"

static void ignore(void *ud, size_t line, const char *msg)
{
	(void)ud, (void)line, (void)msg;
}

typedef int (*parser)(customs_package ***, size_t *, const char *, size_t, customs_parse_warn_fn, void *);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const parser parsers[] = {customs__npm_parse_package_lock, customs__npm_parse_yarn_lock,
					 customs__npm_parse_pnpm_lock};
	for (size_t k = 0; k < sizeof(parsers) / sizeof(parsers[0]); k++) {
		customs_package **v = NULL;
		size_t n = 0;
		if (parsers[k](&v, &n, (const char *)data, size, ignore, NULL) < 0) {
			if (v || n)
				abort();
			continue;
		}
		for (size_t i = 0; i < n; i++) {
			if (!v[i]->name || !*v[i]->name || !v[i]->version || !*v[i]->version)
				abort();
			customs_package_free(v[i]);
		}
		free(v);
	}
	return 0;
}
