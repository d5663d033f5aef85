/* fuzz_python_metadata.c - libFuzzer target for the Python metadata readers
 * (src/lib/analyzers/python.c): METADATA / PKG-INFO, RECORD, requires.txt
 * on the same bytes.  A package that parses has a non-empty one-line name
 * and version and UTF-8 strings (the JSON writer needs them); anything else
 * aborts. */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/analyzers.h"

static void ignore(void *ud, size_t line, const char *msg)
{
	(void)ud, (void)line, (void)msg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	customs_package *p = NULL;
	if (customs__python_parse_metadata(&p, buf, size, ignore, NULL) == 0) {
		if (!p || !p->name || !*p->name || !p->version || !*p->version || strchr(p->name, '\n') ||
		    strchr(p->version, '\n'))
			abort();
		json_t *s = json_string(p->name), *v = json_string(p->version);
		if (!s || !v) /* not UTF-8 */
			abort();
		json_decref(s), json_decref(v);
		for (size_t i = 0; i < p->licenses.n; i++) {
			json_t *l = json_string(p->licenses.v[i]);
			if (!l)
				abort();
			json_decref(l);
		}
		char *dump = json_dumps(p->metadata, 0);
		if (!dump)
			abort();
		free(dump);
		customs_package_free(p);
	} else if (p) {
		abort();
	}
	customs_strlist l = {0};
	customs__python_parse_record(&l, "usr/lib/python3/dist-packages", buf, size);
	for (size_t i = 0; i < l.n; i++)
		if (l.v[i][0] != '/' || strstr(l.v[i], "/../") || strstr(l.v[i], "/./"))
			abort();
	customs_strlist_release(&l);
	json_t *req = json_array();
	customs__python_parse_requires(req, buf, size);
	json_decref(req);
	/* PEP 503: lower case, no '_' or '.', no run of '-' */
	char *name = malloc(size + 1), *n;
	if (!name)
		return 0;
	memcpy(name, buf, size);
	name[size] = '\0';
	if ((n = customs__pep503_normalize(name))) {
		for (const char *c = n; *c; c++)
			if ((*c >= 'A' && *c <= 'Z') || *c == '_' || *c == '.' || (c[0] == '-' && c[1] == '-'))
				abort();
		free(n);
	}
	free(name);
	return 0;
}
