/* fuzz_packages_index.c - libFuzzer target for the Debian/Ubuntu Packages
 * index reader (src/lib/vuln/feed_packages.c) on one index, with its
 * release told by the caller (first byte odd), by a file name, or by its
 * versions: whatever it holds, reading must not crash and may fail only
 * as a format error, and every warning and error must be one printable
 * line. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_writer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vulndb__writer *w = fuzz_writer("packages-index", "fuzz");
	if (!size)
		return 0;
	if (data[0] & 2)
		vulndb__writer_file(w, "x_dists_bookworm-security_main_binary-amd64_Packages");
	int err = feed__packages(w, (const char *)data + 1, size - 1, data[0] & 1 ? "debian:12" : NULL);
	if (err == CUSTOMS_ENOMEM || err == CUSTOMS_EIO)
		abort(); /* only the input may fail, and only as a format error */
	if (err < 0)
		fuzz_one_line(NULL, customs_error_last());
	return 0;
}
