/* fuzz_gobuildinfo.c - libFuzzer target for the streaming Go build info
 * reader (src/lib/analyzers/go_buildinfo.c): the input is fed in chunks
 * whose sizes come from the input's last bytes, so that every split of the
 * magic, the header and the strings between chunks is tried; the file size
 * is declared right, or as unknown. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "analyzers/analyzers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t seed = 0x9e3779b9u;
	if (size >= 4) {
		seed ^= (uint32_t)data[size - 1] | (uint32_t)data[size - 2] << 8 | (uint32_t)data[size - 3] << 16;
		size -= 3;
	}
	customs_goscan *g = customs__goscan_new((seed & 1) ? size : 0);
	if (!g)
		return 0;
	for (size_t off = 0; off < size;) {
		seed = seed * 1103515245u + 12345u;
		size_t k = (seed >> 8) % ((seed & 2) ? 70000 : 40) + 1;
		if (k > size - off)
			k = size - off;
		int rc = customs__goscan_write(g, data + off, k);
		off += k;
		if (rc != 0)
			break;
	}
	customs_package **v;
	size_t n;
	if (customs__goscan_finish(g, &v, &n, NULL, NULL) == 0) {
		for (size_t i = 0; i < n; i++)
			customs_package_free(v[i]);
		free(v);
	}
	customs__goscan_free(g);
	return 0;
}
