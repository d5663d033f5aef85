/* fuzz_osv.c - libFuzzer target for the OSV record reader: the JSON reader
 * (src/lib/vuln/vulndb_json.c) and the OSV importer (feed_osv.c) on one
 * JSON document, written into an in-memory vulnerability database. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vuln/vulndb.h"

static vulndb__writer *w;
static vj_doc doc;
static unsigned runs;

static void ignore(void *ud, const char *msg)
{
	(void)ud;
	/* every warning must be one printable line */
	for (const char *p = msg; *p; p++)
		if ((unsigned char)*p < 0x20)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a fresh database now and then, so memory stays flat */
	if (w && ++runs % 2000 == 0) {
		vulndb__writer_free(w);
		w = NULL;
	}
	if (!w) {
		if (vulndb__writer_open(&w, ":memory:", ignore, NULL) < 0 ||
		    vulndb__writer_source(w, "fuzz", "osv", NULL, NULL, NULL, NULL) < 0)
			abort();
		vulndb__writer_file(w, "fuzz.json");
	}
	if (feed__osv_document(w, &doc, (const char *)data, size) < 0 && strstr(customs_error_last(), "out of memory") == NULL)
		abort(); /* only the database or memory may fail, never the input */
	return 0;
}
