/* fuzz_packages_index.c - libFuzzer target for the Debian/Ubuntu Packages
 * index reader (src/lib/vuln/feed_packages.c) on one index, with its
 * release told by the caller (first byte odd), by a file name, or by its
 * versions: whatever it holds, reading must not crash, every stanza stored
 * must be a binary and source the database can hold, and every warning
 * and error must be one printable line. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vuln/vulndb.h"

static vulndb__writer *w;
static unsigned runs;

static void check_line(void *ud, const char *msg)
{
	(void)ud;
	for (const char *p = msg; *p; p++)
		if ((unsigned char)*p < 0x20)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (w && ++runs % 2000 == 0) {
		vulndb__writer_free(w);
		w = NULL;
	}
	if (!w && (vulndb__writer_open(&w, ":memory:", check_line, NULL) < 0 ||
		   vulndb__writer_source(w, "fuzz", "packages-index", NULL, NULL, NULL, NULL) < 0))
		abort();
	if (!size)
		return 0;
	vulndb__writer_file(w, data[0] & 2 ? "x_dists_bookworm-security_main_binary-amd64_Packages" : "fuzz");
	int err = feed__packages(w, (const char *)data + 1, size - 1, data[0] & 1 ? "debian:12" : NULL);
	if (err == CUSTOMS_ENOMEM || err == CUSTOMS_EIO)
		abort(); /* only the input may fail, and only as a format error */
	if (err < 0)
		check_line(NULL, customs_error_last());
	return 0;
}
