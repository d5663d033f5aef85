/* metrics.c - what a server answers with beside the reports: samples in
 * the Prometheus text exposition format (0.0.4: "# HELP" and "# TYPE"
 * before the first sample of each family, then `name{labels} value` a
 * line), and the AdmissionReview answering a Kubernetes admission request
 * (admission.k8s.io/v1: response.uid, allowed, status, warnings). */
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

int report__admission(FILE *f, const customs_report *r, const sbom_doc *d)
{
	const customs_report_admission *x = r->admission;
	json_t *root = json_object(), *resp = json_object(), *w = NULL;
	int err;
	json_object_set_new(root, "apiVersion", json_string("admission.k8s.io/v1"));
	json_object_set_new(root, "kind", json_string("AdmissionReview"));
	json_object_set_new(resp, "uid", json_string(x->uid));
	json_object_set_new(resp, "allowed", json_boolean(x->allowed));
	if (x->message || x->code) {
		json_t *st = json_object();
		if (x->code)
			json_object_set_new(st, "code", json_integer(x->code));
		if (x->message)
			json_object_set_new(st, "message", report__jstr(x->message));
		json_object_set_new(resp, "status", st);
	}
	for (size_t i = 0; i < x->nwarnings; i++) {
		if (!w)
			w = json_array();
		json_array_append_new(w, report__jstr(x->warnings[i]));
	}
	if (w)
		json_object_set_new(resp, "warnings", w);
	json_object_set_new(root, "response", resp);
	err = report__dump(f, root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	return err;
}
