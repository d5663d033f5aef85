/* packages.c - an analysis' packages: the sbom table, and the purls list (one package URL a line,
 * sorted, unique: purl-spec). */
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

/* ---- the table ---- */

int report__sbom_table(FILE *f, const customs_report *r, const sbom_doc *d)
{
	const customs_analysis *a = r->analysis;
	int all_layers = r->all_layers, wn = 4, wv = 7, wt = 4, wa = 4, ws = 6;
	for (size_t i = 0; i < a->npackages; i++) {
		const customs_package *p = a->packages[i];
		wn = customs_column_width(p->name, wn, 40);
		wv = customs_column_width(p->version, wv, 40);
		wt = customs_column_width(p->type, wt, 12);
		wa = customs_column_width(p->arch, wa, 10);
		ws = customs_column_width(p->source_name, ws, 30);
	}
	fprintf(f, "%-*s  %-*s  %-*s  %-*s  %-*s  %s%s\n", wn, "NAME", wv, "VERSION", wt, "TYPE", wa, "ARCH", ws, "SOURCE",
		"LAYER", all_layers ? "  REMOVED" : "");
	for (size_t i = 0; i < a->npackages; i++) {
		const customs_package *p = a->packages[i];
		char layer[16] = "-", removed[16] = "-";
		if (p->layer >= 0)
			snprintf(layer, sizeof(layer), "%d", p->layer);
		if (p->removed_in_layer >= 0)
			snprintf(removed, sizeof(removed), "%d", p->removed_in_layer);
		else if (!p->visible)
			snprintf(removed, sizeof(removed), "?");
		/* columns are as wide as their values up to a cap; longer values
		 * are printed whole, never cut */
		fprintf(f, "%-*s  %-*s  %-*s  %-*s  %-*s  %-*s%s%s\n", wn, p->name ? p->name : "-", wv,
			p->version ? p->version : "-", wt, p->type ? p->type : "-", wa, p->arch ? p->arch : "-", ws,
			p->source_name ? p->source_name : "-", all_layers ? 5 : 0, layer, all_layers ? "  " : "",
			all_layers ? removed : "");
	}
	return 0;
}

/* ---- purls ---- */

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

int report__purls(FILE *f, const customs_report *r, const sbom_doc *d)
{
	const customs_analysis *a = r->analysis;
	const char **v = a->npackages ? malloc(a->npackages * sizeof(*v)) : NULL;
	size_t n = 0;
	if (a->npackages && !v)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	for (size_t i = 0; i < a->npackages; i++)
		if (a->packages[i]->purl)
			v[n++] = a->packages[i]->purl;
	if (n)
		qsort(v, n, sizeof(*v), cmp_str);
	for (size_t i = 0; i < n; i++)
		if (!i || strcmp(v[i], v[i - 1]))
			fprintf(f, "%s\n", v[i]);
	free(v);
	return 0;
}
