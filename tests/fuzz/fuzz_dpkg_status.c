/* fuzz_dpkg_status.c - libFuzzer target for the dpkg status / status.d
 * parser and the DEP-5 copyright reader (src/lib/analyzers/dpkg.c). */
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
	/* the first byte picks status or status.d rules, the rest is the file */
	int flags = size && (data[0] & 1) ? CUSTOMS_DPKG_STATUS_D : 0;
	if (customs__dpkg_parse_status(&v, &n, (const char *)data, size, flags, ignore, NULL) == 0) {
		for (size_t i = 0; i < n; i++)
			customs_package_free(v[i]);
		free(v);
	}
	customs_strlist l = {0};
	customs__dpkg_parse_copyright(&l, (const char *)data, size);
	customs_strlist_release(&l);
	return 0;
}
