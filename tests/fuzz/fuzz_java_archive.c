/* fuzz_java_archive.c - libFuzzer target for the Java archive reader
 * (src/lib/analyzers/java.c): the input is read as a jar, nested archives
 * included (the reader's own caps bound depth, members and inflated bytes). */
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
	customs_package **v = NULL;
	size_t n = 0;
	if (customs__java_scan_buffer(&v, &n, "fuzz/app-1.0.war", data, size, ignore, NULL) == 0) {
		for (size_t i = 0; i < n; i++)
			customs_package_free(v[i]);
		free(v);
	}
	return 0;
}
