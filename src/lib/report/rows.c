/* rows.c - a table of strings (columns and rows), for what has no report
 * kind of its own: aligned text columns under their names in capitals, or
 * a JSON array of objects, one per row, with the columns as keys in their
 * order and values of the columns' types. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

static const char *cell(const customs_report *r, size_t row, size_t col)
{
	return r->cells[row * r->ncolumns + col];
}

/* A column's heading: its JSON key in capitals, "_" as a blank. */
static void heading(char *out, size_t n, const char *name)
{
	size_t i = 0;
	for (; name[i] && i + 1 < n; i++)
		out[i] = name[i] == '_' ? ' ' : (char)toupper((unsigned char)name[i]);
	out[i] = '\0';
}

int report__rows_table(FILE *f, const customs_report *r, const sbom_doc *d)
{
	size_t nc = r->ncolumns;
	int *w = calloc(nc ? nc : 1, sizeof(*w));
	char h[256];
	if (!w)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	for (size_t c = 0; c < nc; c++) {
		heading(h, sizeof(h), r->columns[c]);
		w[c] = customs_column_width(h, 0, 1 << 20);
		for (size_t i = 0; i < r->nrows; i++)
			w[c] = customs_column_width(cell(r, i, c), w[c], 1 << 20);
	}
	/* the last column is not padded: no trailing blanks */
	for (size_t c = 0; c < nc; c++) {
		heading(h, sizeof(h), r->columns[c]);
		fprintf(f, "%s%-*s", c ? "  " : "", c + 1 < nc ? w[c] : 0, h);
	}
	fputc('\n', f);
	for (size_t i = 0; i < r->nrows; i++) {
		for (size_t c = 0; c < nc; c++) {
			const char *v = cell(r, i, c);
			fprintf(f, "%s%-*s", c ? "  " : "", c + 1 < nc ? w[c] : 0, v ? v : "-");
		}
		fputc('\n', f);
	}
	free(w);
	return 0;
}

/* a cell as JSON: its column's type, malformed UTF-8 as U+FFFD as
 * everywhere in customs' JSON */
static json_t *jcell(const char *v, char type)
{
	json_t *j;
	char *fixed, *end;
	if (!v)
		return json_null();
	if (type == 'i' && *v) {
		long long n = strtoll(v, &end, 10);
		if (!*end)
			return json_integer(n);
	}
	if (type == 'b' && (!strcmp(v, "true") || !strcmp(v, "false")))
		return json_boolean(!strcmp(v, "true"));
	if ((j = json_string(v)))
		return j;
	fixed = customs_utf8_repair(v);
	j = fixed ? json_string(fixed) : NULL;
	free(fixed);
	return j;
}

int report__rows_json(FILE *f, const customs_report *r, const sbom_doc *d)
{
	json_t *arr = json_array();
	int err;
	for (size_t i = 0; arr && i < r->nrows; i++) {
		json_t *o = json_object();
		for (size_t c = 0; o && c < r->ncolumns; c++) {
			const char *v = cell(r, i, c);
			char type = r->column_types && c < strlen(r->column_types) ? r->column_types[c] : 's';
			if (json_object_set_new(o, r->columns[c], jcell(v, type)) < 0) {
				json_decref(o);
				o = NULL;
			}
		}
		if (!o || json_array_append_new(arr, o) < 0) {
			json_decref(arr);
			arr = NULL;
		}
	}
	err = report__dump(f, arr, JSON_INDENT(2));
	json_decref(arr);
	return err;
}
