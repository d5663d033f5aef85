/* fuzz_spdx_expression.c - libFuzzer target for the SPDX license expression
 * parser and normaliser (src/lib/sbom/spdx_license.c).
 *
 * On any bytes: validating and normalising must not crash; a normalised
 * expression must be valid and normalise to itself; a valid expression of
 * moderate length (normalising at most doubles it, so it cannot hit the
 * length cap) must normalise.  Any break of these aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "license/license.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *n, *again;
	int valid;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	valid = customs__spdx_expression_valid(s);
	n = customs__spdx_normalize(s);
	if (valid && !n && strlen(s) <= 2048)
		abort();
	if (n) {
		if (!customs__spdx_expression_valid(n))
			abort();
		again = customs__spdx_normalize(n);
		if (!again || strcmp(again, n) != 0)
			abort();
		free(again);
	}
	free(n);
	free(s);
	return 0;
}
