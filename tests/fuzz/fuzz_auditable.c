/* fuzz_auditable.c - libFuzzer target for cargo-auditable binaries: the
 * streaming .dep-v0 locator (rust_auditable.c) fed in input-chosen chunk
 * sizes, then the section's inflate + JSON checks (rust.c); inputs starting
 * with 'Z' go straight to the decoder as a zlib stream. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "analyzers/analyzers.h"

static void decode(const unsigned char *z, size_t zl)
{
	customs_package **v;
	size_t n;
	if (customs__rust_parse_auditable(&v, &n, z, zl, NULL, NULL) == 0) {
		for (size_t i = 0; i < n; i++)
			customs_package_free(v[i]);
		free(v);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size && data[0] == 'Z') {
		decode(data + 1, size - 1);
		return 0;
	}
	uint32_t seed = size ? data[size - 1] : 1;
	customs_depscan *d = customs__depscan_new((seed & 1) ? size : 0);
	if (!d)
		return 0;
	for (size_t off = 0; off < size;) {
		seed = seed * 1103515245u + 12345u;
		size_t k = (seed >> 8) % ((seed & 2) ? 70000 : 64) + 1;
		if (k > size - off)
			k = size - off;
		int rc = customs__depscan_write(d, data + off, k);
		off += k;
		if (rc != 0)
			break;
	}
	unsigned char *z;
	size_t zl;
	if (customs__depscan_finish(d, &z, &zl, NULL, NULL) == 0) {
		decode(z, zl);
		free(z);
	}
	customs__depscan_free(d);
	return 0;
}
