/* fuzz_whiteout.c - whiteout naming (layers/whiteout.c, image-spec layer.md
 * "Whiteouts") and path normalisation (customs__path_normalize) on arbitrary
 * strings, checking what each promises about its output. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "layers/layers.h"
#include "util/util.h"

static void check_normal(const char *p)
{
	/* no leading or trailing '/', no empty, "." or ".." component */
	size_t n = strlen(p);
	if (n == 0 || p[0] == '/' || p[n - 1] == '/')
		__builtin_trap();
	for (const char *s = p; *s;) {
		const char *e = strchr(s, '/');
		size_t l = e ? (size_t)(e - s) : strlen(s);
		if (l == 0 || (l == 1 && s[0] == '.') || (l == 2 && s[0] == '.' && s[1] == '.'))
			__builtin_trap();
		s += l + (e ? 1 : 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size + 1), *norm = malloc(size + 1);
	if (!in || !norm)
		goto done;
	memcpy(in, data, size);
	in[size] = '\0'; /* an embedded NUL ends the string, as in a tar name field */

	if (customs__path_normalize(norm, in) == 0) {
		check_normal(norm);
		if (strlen(norm) > strlen(in))
			__builtin_trap();
		/* normalising is idempotent */
		char *again = malloc(strlen(norm) + 1);
		if (again && (customs__path_normalize(again, norm) != 0 || strcmp(again, norm) != 0))
			__builtin_trap();
		free(again);
	}
	/* every output size, from too small to enough: never write past outlen */
	size_t len = strlen(in);
	for (size_t outlen = 0; outlen <= len + 1; outlen += outlen < 8 ? 1 : (len / 4 + 1)) {
		char *o = malloc(outlen ? outlen : 1);
		if (!o)
			break;
		int k = layers__whiteout_kind(in, o, outlen);
		if (k == ENTRY_WHITEOUT || k == ENTRY_OPAQUE) {
			/* NUL-terminated within outlen, and never longer than the name */
			if (strnlen(o, outlen) >= outlen || strlen(o) > len)
				__builtin_trap();
		} else if (k != ENTRY_FILE && k != -1) {
			__builtin_trap();
		}
		free(o);
	}
done:
	free(in), free(norm);
	return 0;
}
