/* fuzz_registry_ref.c - image reference parsing and WWW-Authenticate
 * challenge parsing (both read text a registry or a user hands us). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "source/registry_auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	reg_ref r;
	if (reg__ref_parse(&r, s, 0) == 0)
		reg__ref_release(&r);
	if (reg__ref_parse(&r, s, 1) == 0)
		reg__ref_release(&r);
	reg_challenge ch;
	reg__parse_challenge(&ch, s);
	free(s);
	return 0;
}
