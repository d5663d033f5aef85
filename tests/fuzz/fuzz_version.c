/* fuzz_version.c - libFuzzer target for every version scheme's parsers: the
 * input is split (at NUL bytes, or else at newlines) into A, B and a
 * constraint C; each scheme runs valid(A), compare(A, B) both ways,
 * compare(A, A) and satisfies(A, C), and the results must be consistent
 * (antisymmetric, reflexive) whenever both parses succeed. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "customs/version.h"
#include "vuln/version_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const customs_version_scheme *const *l = customs_version_scheme_list();
	const char *part[3] = {"", "", ""};
	char *buf;
	char sep;
	size_t i, k = 0;
	unsigned opts;
	int out, ab, ba;

	if (size > 8192)
		return 0;
	if (!(buf = malloc(size + 1)))
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	sep = memchr(data, '\0', size) ? '\0' : '\n';
	part[0] = buf;
	for (i = 0; i < size && k < 2; i++)
		if (buf[i] == sep) {
			buf[i] = '\0';
			part[++k] = buf + i + 1;
		}
	opts = size ? data[0] & 3 : 0;

	for (i = 0; l[i]; i++) {
		const customs_version_scheme *s = l[i];
		(void)customs_version_valid(s, part[0]);
		if (customs_version_compare(s, part[0], part[1], &ab) == 0) {
			if (customs_version_compare(s, part[1], part[0], &ba) != 0 || ab != -ba || ab < -1 || ab > 1)
				abort();
			if (customs_version_compare(s, part[0], part[0], &out) != 0 || out != 0)
				abort();
		}
		if (customs_version_satisfies(s, part[0], part[2], &out) == 0 && out != 0 && out != 1)
			abort();
		(void)customs_version_satisfies(s, part[1], part[2], &out);
	}
	(void)version__semver_satisfies_opts(part[0], part[2], opts, &out);
	(void)version__semver_compare_opts(part[0], part[1], opts, &out);
	(void)version__apk_match(part[0], part[2], part[1], &out);
	free(buf);
	return 0;
}
