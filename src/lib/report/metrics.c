/* metrics.c - samples in the Prometheus text exposition format (0.0.4):
 * "# HELP" and "# TYPE" before the first sample of each family, then
 * `name{labels} value` a line. */
#include <math.h>
#include <string.h>

#include "report/report.h"

int report__metrics(FILE *f, const customs_report *r, const sbom_doc *d)
{
	const char *family = NULL;
	for (size_t i = 0; i < r->nmetrics; i++) {
		const customs_report_metric *m = &r->metrics[i];
		if (!m->family || !m->name)
			return customs__error(CUSTOMS_EINVAL, "metric %zu has no name", i);
		if (!family || strcmp(family, m->family)) {
			family = m->family;
			if (m->help)
				fprintf(f, "# HELP %s %s\n", m->family, m->help);
			fprintf(f, "# TYPE %s %s\n", m->family, m->type ? m->type : "untyped");
		}
		fputs(m->name, f);
		if (m->labels && *m->labels)
			fprintf(f, "{%s}", m->labels);
		if (isinf(m->value))
			fputs(m->value > 0 ? " +Inf\n" : " -Inf\n", f);
		else if (m->value == floor(m->value) && fabs(m->value) < 1e15)
			fprintf(f, " %.0f\n", m->value);
		else
			fprintf(f, " %.6g\n", m->value);
	}
	return 0;
}
