/* fuzz_writer.h - what the fuzz targets of the feed readers share: an
 * in-memory vulnerability database to write into, made afresh every 2000
 * runs so that memory stays flat, whose every warning must be one
 * printable line. */
#ifndef CUSTOMS_FUZZ_WRITER_H
#define CUSTOMS_FUZZ_WRITER_H

#include <stdlib.h>

#include "vuln/vulndb.h"

static void fuzz_one_line(void *ud, const char *msg)
{
	(void)ud;
	for (const char *p = msg; *p; p++)
		if ((unsigned char)*p < 0x20)
			abort();
}

/* The writer for this run: source "fuzz" of kind, reading file. */
static vulndb__writer *fuzz_writer(const char *kind, const char *file)
{
	static vulndb__writer *w;
	static unsigned runs;
	if (w && ++runs % 2000 == 0) {
		vulndb__writer_free(w);
		w = NULL;
	}
	if (!w) {
		if (vulndb__writer_open(&w, ":memory:", fuzz_one_line, NULL) < 0 ||
		    vulndb__writer_source(w, "fuzz", kind, NULL, NULL, NULL, NULL) < 0)
			abort();
	}
	vulndb__writer_file(w, file);
	return w;
}

#endif
