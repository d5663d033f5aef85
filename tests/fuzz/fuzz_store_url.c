/* fuzz_store_url.c - libFuzzer target for the store URL as a message shows
 * it (store__redact): any bytes, any length; the password never shows. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *url = malloc(size + 1), out[512];
	if (!url)
		return 0;
	memcpy(url, data, size);
	url[size] = '\0';
	store__redact(out, sizeof(out), url);
	/* a URL of the usual form never shows its password (unless the same
	 * text stands elsewhere in it) */
	const char *scheme = strstr(url, "://"), *at = scheme ? strchr(scheme + 3, '@') : NULL;
	const char *colon = scheme ? strchr(scheme + 3, ':') : NULL;
	if (scheme && at && colon && colon < at && !memchr(scheme + 3, '/', (size_t)(at - scheme - 3)) &&
	    !memchr(scheme + 3, '?', (size_t)(at - scheme - 3)) && !memchr(scheme + 3, '#', (size_t)(at - scheme - 3)) &&
	    at - colon > 8 && memmem(out, strlen(out), colon + 1, (size_t)(at - colon - 1)) &&
	    !memmem(url, (size_t)(colon + 1 - url), colon + 1, (size_t)(at - colon - 1)) &&
	    !memmem(at, strlen(at), colon + 1, (size_t)(at - colon - 1)))
		abort();
	free(url);
	return 0;
}
