/* fuzz_review.c - the AdmissionReview reader of customs serve
 * (src/server/review.c) on any bytes: it reads a review or says why not,
 * and every image it returns is a non-empty string of the document. */
#include <stdint.h>
#include <string.h>

#include "review.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	review r;
	char why[512];
	if (review_parse(&r, (const char *)data, size, why, sizeof(why)) < 0) {
		if (!why[0])
			__builtin_trap();
		return 0;
	}
	if (!r.uid || !*r.uid || !r.kind || r.nimages > REVIEW_MAX_IMAGES || (r.has_pods && !r.nimages))
		__builtin_trap();
	for (size_t i = 0; i < r.nimages; i++)
		if (!r.images[i] || !*r.images[i])
			__builtin_trap();
	review_release(&r);
	return 0;
}
