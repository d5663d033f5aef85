/* fuzz_built_using.c - libFuzzer target for the Built-Using relation parser
 * (customs__built_using in src/lib/core/owners.c: Debian Policy §7.8).
 *
 * Every relation handed out must lie inside the field, with a non-empty
 * name and version free of blanks and parentheses; relations plus
 * malformed items never exceed the items between commas.  Any break
 * aborts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/owners.h"

struct seen {
	const char *field;
	size_t len, n;
};

static int bad_char(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '(' || s[i] == ')' || s[i] == ',')
			return 1;
	return 0;
}

static int on_relation(void *ud, const char *name, size_t nlen, const char *version, size_t vlen)
{
	struct seen *s = ud;
	const char *end = s->field + s->len;
	if (!nlen || !vlen || name < s->field || name + nlen > end || version < name + nlen || version + vlen > end ||
	    bad_char(name, nlen) || bad_char(version, vlen))
		abort();
	s->n++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *field = malloc(size + 1);
	struct seen s;
	size_t bad = 0, items = 1;

	if (!field)
		return 0;
	memcpy(field, data, size);
	field[size] = '\0';
	s.field = field;
	s.len = strlen(field);
	s.n = 0;
	for (size_t i = 0; i < s.len; i++)
		items += field[i] == ',';
	if (customs__built_using(field, on_relation, &s, &bad) != 0 || s.n + bad > items)
		abort();
	free(field);
	return 0;
}
