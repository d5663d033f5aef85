/* fuzz_feeds.c - libFuzzer target for the other feed readers of the
 * vulnerability database: Debian tracker JSON, NVD CVE API 2.0 JSON, EPSS
 * CSV, CISA KEV JSON, Alpine secdb JSON (src/lib/vuln/feed_*.c) and the
 * JSON member scanner they share.  The first byte picks the reader. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_writer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vulndb__writer *w = fuzz_writer("mixed", "fuzz");
	if (!size)
		return 0;
	const char *buf = (const char *)data + 1;
	size_t len = size - 1;
	int err = 0;
	switch (data[0] % 5) {
	case 0:
		err = feed__debian_tracker(w, buf, len);
		break;
	case 1:
		err = feed__nvd(w, buf, len);
		break;
	case 2:
		err = feed__epss(w, buf, len);
		break;
	case 3:
		err = feed__kev(w, buf, len);
		break;
	case 4: {
		json_t *j = json_loadb(buf, len, 0, NULL);
		if (j)
			err = feed__secdb(w, j);
		json_decref(j);
		break;
	}
	}
	if (err < 0 && !strstr(customs_error_last(), "out of memory"))
		abort();
	return 0;
}
