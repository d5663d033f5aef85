/* rows.c - a table of strings (columns and rows), for what has no report
 * kind of its own: aligned text columns under their headings (else their
 * names), or a JSON array of objects, one per row, with the columns as
 * keys in their order and values of the columns' types; a record (one
 * object: an API response) from the same fields. */
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

static const char *cell(const customs_report *r, size_t row, size_t col)
{
	return r->cells[row * r->ncolumns + col];
}

/* A column's heading in the table: the one given, else its name. */
static const char *heading(const customs_report *r, size_t c)
{
	return r->column_headings && r->column_headings[c] ? r->column_headings[c] : r->columns[c];
}

int report__rows_table(FILE *f, const customs_report *r, const sbom_doc *d)
{
	size_t nc = r->ncolumns;
	int *w = calloc(nc ? nc : 1, sizeof(*w));
	if (!w)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	for (size_t c = 0; c < nc; c++) {
		w[c] = customs_column_width(heading(r, c), 0, 1 << 20);
		for (size_t i = 0; i < r->nrows; i++)
			w[c] = customs_column_width(cell(r, i, c), w[c], 1 << 20);
	}
	/* the last column is not padded: no trailing blanks */
	for (size_t c = 0; c < nc; c++)
		fprintf(f, "%s%-*s", c ? "  " : "", c + 1 < nc ? w[c] : 0, heading(r, c));
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
	if (type == 'j' && (j = json_loads(v, JSON_DECODE_ANY, NULL)))
		return j;
	if ((j = json_string(v)))
		return j;
	fixed = customs_utf8_repair(v);
	j = fixed ? json_string(fixed) : NULL;
	free(fixed);
	return j;
}

/* row i as an object, the columns as keys in their order */
static json_t *row_object(const customs_report *r, size_t i)
{
	json_t *o = json_object();
	for (size_t c = 0; o && c < r->ncolumns; c++) {
		const char *v = cell(r, i, c);
		char type = r->column_types && c < strlen(r->column_types) ? r->column_types[c] : 's';
		if (json_object_set_new(o, r->columns[c], jcell(v, type)) < 0) {
			json_decref(o);
			o = NULL;
		}
	}
	return o;
}

int report__rows_json(FILE *f, const customs_report *r, const sbom_doc *d)
{
	json_t *arr = json_array();
	int err;
	for (size_t i = 0; arr && i < r->nrows; i++) {
		json_t *o = row_object(r, i);
		if (!o || json_array_append_new(arr, o) < 0) {
			json_decref(arr);
			arr = NULL;
		}
	}
	err = report__dump(f, arr, JSON_INDENT(2));
	json_decref(arr);
	return err;
}

/* a record: the first row as one object, nested under record_key if set */
int report__record_json(FILE *f, const customs_report *r, const sbom_doc *d)
{
	json_t *o = row_object(r, 0);
	int err;
	if (o && r->record_key) {
		json_t *w = json_object();
		if (!w || json_object_set_new(w, r->record_key, o) < 0) {
			json_decref(w);
			w = NULL;
		}
		o = w;
	}
	err = report__dump(f, o, JSON_INDENT(2));
	json_decref(o);
	return err;
}

/* a record for people: "HEADING  value" a line */
int report__record_table(FILE *f, const customs_report *r, const sbom_doc *d)
{
	int w = 0;
	for (size_t c = 0; c < r->ncolumns; c++)
		w = customs_column_width(heading(r, c), w, 1 << 20);
	for (size_t c = 0; c < r->ncolumns; c++) {
		const char *v = cell(r, 0, c);
		fprintf(f, "%-*s  %s\n", w, heading(r, c), v ? v : "-");
	}
	return 0;
}
