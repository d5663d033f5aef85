/* fuzz_license_classify.c - libFuzzer target for the license text
 * classifier (src/lib/license/classify.c) and the license URL table: the
 * input is a copyright file, a LICENSE file or a URL. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "license/license.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	customs_strlist l = {0};
	customs__license_classify(&l, (const char *)data, size);
	customs_strlist_release(&l);
	char *s = malloc(size + 1);
	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
		customs__license_url_id(s);
		free(s);
	}
	return 0;
}
