/* format.c - the output stage's one format table and its entry points:
 * which format (as `-o` spells it) writes which report kind with which
 * writer, and the calls that look a format up and write a report. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

#define K(kind) (1u << CUSTOMS_REPORT_##kind)

/* In the order the formats are listed to people: a kind's list is the
 * names of its rows, first appearance first. */
static const struct report_format {
	const char *name;
	unsigned kinds;       /* K() of every kind this row writes */
	int sbom_doc;         /* the writer needs the SBOM document */
	report_write_fn write;
} formats[] = {
	{"table", K(INSPECT), 0, report__inspect_table},
	{"table", K(SBOM), 0, report__sbom_table},
	{"table", K(SCAN), 0, report__scan_table},
	{"table", K(EXPLAIN), 0, report__explain},
	{"table", K(DB_STATUS), 0, report__db_status_table},
	{"table", K(DB_VULN), 0, report__db_vuln_table},
	{"table", K(DB_AFFECTED), 0, report__db_affected_table},
	{"table", K(DB_IMPORT), 0, report__db_import_table},
	{"table", K(DB_UPDATE), 0, report__db_update_table},
	{"table", K(ROWS), 0, report__rows_table},
	{"table", K(IMAGES), 0, report__images_table},
	{"table", K(DIFF), 0, report__diff_table},
	{"table", K(REMATCH), 0, report__rematch_table},
	{"json", K(INSPECT) | K(SBOM), 0, report__analysis_json},
	{"json", K(SCAN), 0, report__scan_json},
	{"json", K(DB_STATUS), 0, report__db_status_json},
	{"json", K(DB_VULN), 0, report__db_vuln_json},
	{"json", K(DB_AFFECTED), 0, report__db_affected_json},
	{"json", K(ROWS), 0, report__rows_json},
	{"json", K(IMAGES), 0, report__images_json},
	{"json", K(DIFF), 0, report__diff_json},
	{"json", K(REMATCH), 0, report__rematch_json},
	{"spdx-json", K(SBOM), 1, report__spdx_json},
	{"spdx-tag-value", K(SBOM), 1, report__spdx_tv},
	{"sarif", K(SCAN), 1, report__sarif},
	{"cyclonedx-json", K(SBOM) | K(SCAN), 1, report__cyclonedx_16},
	{"cyclonedx-json@1.7", K(SBOM) | K(SCAN), 1, report__cyclonedx_17},
	{"cyclonedx-json@1.6", K(SBOM) | K(SCAN), 1, report__cyclonedx_16},
	{"cyclonedx-json@1.5", K(SBOM) | K(SCAN), 1, report__cyclonedx_15},
	{"purls", K(SBOM), 0, report__purls},
	{"table", K(POLICY), 0, report__policy_table},
	{"json", K(POLICY), 0, report__policy_json},
	{"sarif", K(POLICY), 0, report__policy_sarif},
	{"table", K(POLICY_PROBLEMS), 0, report__problems_table},
	{"json", K(POLICY_PROBLEMS), 0, report__problems_json},
	{"table", K(POLICY_GATES), 0, report__gates_table},
	{"json", K(POLICY_GATES), 0, report__gates_json},
	{"markdown", K(POLICY_GATES), 0, report__gates_markdown},
	{"openvex", K(VEX), 0, report__vex},
	{"json", K(VEX), 0, report__vex},
	{"json", K(RECORD), 0, report__record_json},
	{"table", K(RECORD), 0, report__record_table},
	{"prometheus", K(METRICS), 0, report__metrics},
	{"json", K(ADMISSION), 0, report__admission},
};

#define NFORMATS (sizeof(formats) / sizeof(formats[0]))

static const struct report_format *find(customs_report_kind kind, const char *name)
{
	if ((unsigned)kind >= CUSTOMS_REPORT_KINDS || !name)
		return NULL;
	for (size_t i = 0; i < NFORMATS; i++)
		if ((formats[i].kinds & (1u << kind)) && !strcmp(formats[i].name, name))
			return &formats[i];
	return NULL;
}

size_t customs_report_format_list(char *buf, size_t n, customs_report_kind kind)
{
	const char *names[NFORMATS];
	size_t k = 0, len = 0;

	for (size_t i = 0; i < NFORMATS && (unsigned)kind < CUSTOMS_REPORT_KINDS; i++) {
		int seen = 0;
		if (!(formats[i].kinds & (1u << kind)))
			continue;
		for (size_t j = 0; j < k && !seen; j++)
			seen = !strcmp(names[j], formats[i].name);
		if (!seen)
			names[k++] = formats[i].name;
	}
	if (n)
		buf[0] = '\0';
	for (size_t i = 0; i < k; i++) {
		const char *sep = !i ? "" : k == 2 ? " or " : ", ";
		int w = snprintf(buf + (len < n ? len : n ? n - 1 : 0), len < n ? n - len : 0, "%s%s", sep, names[i]);
		len += w > 0 ? (size_t)w : 0;
	}
	return len;
}

int customs_report_format_check(customs_report_kind kind, const char *format)
{
	char list[256];
	if (find(kind, format))
		return 0;
	customs_report_format_list(list, sizeof(list), kind);
	return customs__error(CUSTOMS_EUSAGE, "unknown output format '%.40s'; use %s", format ? format : "", list);
}

/* what each kind cannot be written without */
static int check_report(const customs_report *r)
{
	const char *miss = NULL;
	if (!r || r->version < 1 || r->version > CUSTOMS_REPORT_VERSION)
		return customs__error(CUSTOMS_EINVAL, "a customs_report of version %u; this library writes versions 1 to %d",
				      r ? r->version : 0, CUSTOMS_REPORT_VERSION);
	if ((r->version == 1 && r->kind > CUSTOMS_REPORT_ROWS) || (r->version == 2 && r->kind > CUSTOMS_REPORT_VEX))
		return customs__error(CUSTOMS_EINVAL, "report kind %d needs a customs_report of version %d", (int)r->kind,
				      CUSTOMS_REPORT_VERSION);
	switch (r->kind) {
	case CUSTOMS_REPORT_INSPECT:
	case CUSTOMS_REPORT_SBOM:
		miss = !r->analysis ? "an analysis" : NULL;
		break;
	case CUSTOMS_REPORT_SCAN:
		miss = !r->analysis || !r->matches ? "an analysis and its matches" : NULL;
		break;
	case CUSTOMS_REPORT_EXPLAIN:
		miss = !r->analysis || !r->matches || !r->explain_id ? "an analysis, its matches and an id" : NULL;
		break;
	case CUSTOMS_REPORT_DB_STATUS:
		miss = !r->vulndb ? "the database's status" : NULL;
		break;
	case CUSTOMS_REPORT_DB_VULN:
		miss = !r->vuln || !r->db ? "a vulnerability record and its database" : NULL;
		break;
	case CUSTOMS_REPORT_DB_AFFECTED:
		miss = !r->db || !r->ns || !r->package ? "a database, a namespace and a package" : NULL;
		break;
	case CUSTOMS_REPORT_DB_IMPORT:
		miss = !r->import || !r->db_path ? "an import summary and the database's path" : NULL;
		break;
	case CUSTOMS_REPORT_DB_UPDATE:
		miss = !r->update || !r->db_path ? "an update summary and the database's path" : NULL;
		break;
	case CUSTOMS_REPORT_ROWS:
		miss = !r->ncolumns || !r->columns || (r->nrows && !r->cells) ? "columns and cells" : NULL;
		break;
	case CUSTOMS_REPORT_IMAGES:
		miss = !r->images ? "a list of images" : NULL;
		break;
	case CUSTOMS_REPORT_DIFF:
		miss = !r->diff ? "a diff" : NULL;
		break;
	case CUSTOMS_REPORT_REMATCH:
		miss = !r->rematch ? "a rematch summary" : NULL;
		break;
	case CUSTOMS_REPORT_POLICY:
		miss = !r->policy || !r->analysis ? "an evaluation and its analysis" : NULL;
		break;
	case CUSTOMS_REPORT_POLICY_PROBLEMS:
		miss = !r->problems ? "the problems of a bundle" : NULL;
		break;
	case CUSTOMS_REPORT_POLICY_GATES:
		break;
	case CUSTOMS_REPORT_VEX:
		miss = !r->policy && !r->bundle ? "an evaluation or a bundle" : NULL;
		break;
	case CUSTOMS_REPORT_RECORD:
		miss = !r->ncolumns || !r->columns || r->nrows < 1 || !r->cells ? "columns and a row of cells" : NULL;
		break;
	case CUSTOMS_REPORT_METRICS:
		miss = r->nmetrics && !r->metrics ? "its metrics" : NULL;
		break;
	case CUSTOMS_REPORT_ADMISSION:
		miss = !r->admission || !r->admission->uid ? "an admission answer with its uid" : NULL;
		break;
	default:
		return customs__error(CUSTOMS_EINVAL, "unknown report kind %d", (int)r->kind);
	}
	return miss ? customs__error(CUSTOMS_EINVAL, "the report needs %s", miss) : 0;
}

struct customs_report_writer {
	customs_report r;
	sbom_doc doc;
	int have_doc;
};

int customs_report_writer_new(customs_report_writer **out, const customs_report *r)
{
	customs_report_writer *w;
	int err;
	*out = NULL;
	if ((err = check_report(r)) < 0)
		return err;
	if (!(w = calloc(1, sizeof(*w))))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	/* version 1 ends where the store's and the policy fields begin,
	 * version 2 where the server's do: they stay NULL */
	if (r->version == 1)
		memcpy(&w->r, r, offsetof(customs_report, column_types));
	else if (r->version == 2)
		memcpy(&w->r, r, offsetof(customs_report, record_key));
	else
		w->r = *r;
	w->r.version = CUSTOMS_REPORT_VERSION;
	*out = w;
	return 0;
}

void customs_report_writer_free(customs_report_writer *w)
{
	if (!w)
		return;
	if (w->have_doc)
		report__doc_release(&w->doc);
	free(w);
}

int customs_report_writer_write(customs_report_writer *w, FILE *f, const char *format)
{
	const struct report_format *fmt = find(w->r.kind, format);
	int err;

	if (!fmt)
		return customs_report_format_check(w->r.kind, format);
	if (fmt->sbom_doc && !w->have_doc) {
		if ((err = report__doc_init(&w->doc, w->r.analysis, w->r.matches, w->r.created)) < 0)
			return err;
		w->have_doc = 1;
	}
	w->doc.with_files = w->r.with_files;
	errno = 0;
	if ((err = fmt->write(f, &w->r, fmt->sbom_doc ? &w->doc : NULL)) < 0)
		return err;
	if (fflush(f) == EOF || ferror(f))
		return customs__error(CUSTOMS_EIO, "write error: %s", strerror(errno ? errno : EIO));
	return 0;
}

int customs_report_write(FILE *f, const customs_report *r, const char *format)
{
	customs_report_writer *w;
	int err;
	if ((err = customs_report_writer_new(&w, r)) < 0)
		return err;
	err = customs_report_writer_write(w, f, format);
	customs_report_writer_free(w);
	return err;
}
