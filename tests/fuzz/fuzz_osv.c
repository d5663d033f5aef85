/* fuzz_osv.c - libFuzzer target for the OSV record reader: the JSON reader
 * (src/lib/vuln/vulndb_json.c) and the OSV importer (feed_osv.c) on one
 * JSON document, written into an in-memory vulnerability database. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_writer.h"

static vj_doc doc;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vulndb__writer *w = fuzz_writer("osv", "fuzz.json");
	if (feed__osv_document(w, &doc, (const char *)data, size) < 0 && strstr(customs_error_last(), "out of memory") == NULL)
		abort(); /* only the database or memory may fail, never the input */
	return 0;
}
