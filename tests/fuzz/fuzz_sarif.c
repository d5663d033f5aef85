/* fuzz_sarif.c - libFuzzer target for the SARIF writer (src/lib/report/sarif.c)
 * on hostile strings: the input is split at newlines into the fields of a
 * few packages (name, version, type, purl, database path) and of matches
 * on them (id, aliases, summary, location, fixed version, suppression
 * reason), one control byte per match for severity, score, fix state and
 * suppression.  Whatever the bytes, the log must be JSON that jansson reads
 * back (valid UTF-8 throughout), with one result per match, each naming the
 * rule at its ruleIndex, and nothing may fail but memory. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "customs/errors.h"
#include "customs/match.h"
#include "customs/report.h"

#define MAX_PKGS 6
#define MAX_MATCHES 12

struct input {
	const uint8_t *p, *end;
};

/* the next line (up to a NUL, which C strings cannot hold) */
static char *field(struct input *in)
{
	const uint8_t *nl = memchr(in->p, '\n', (size_t)(in->end - in->p));
	size_t n = nl ? (size_t)(nl - in->p) : (size_t)(in->end - in->p);
	char *s = strndup((const char *)in->p, n);
	in->p += n + (nl != NULL);
	return s;
}

static uint8_t byte(struct input *in)
{
	return in->p < in->end ? *in->p++ : 0;
}

static char *empty_null(char *s)
{
	if (s && !*s) {
		free(s);
		return NULL;
	}
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = {data, data + size};
	customs_analysis a;
	customs_layer layer = {0};
	customs_package *pkgs[MAX_PKGS];
	customs_match ms[MAX_MATCHES];
	customs_match_cover cover[MAX_MATCHES];
	char *strs[MAX_MATCHES][6];
	const char *ids[MAX_MATCHES][2];
	const char *fixed[MAX_MATCHES][1];
	customs_match_result r;
	size_t np, nm;
	char *image;

	memset(&a, 0, sizeof(a));
	memset(ms, 0, sizeof(ms));
	memset(cover, 0, sizeof(cover));
	memset(strs, 0, sizeof(strs));
	memset(&r, 0, sizeof(r));
	image = field(&in);
	a.image.reference = image;
	a.image.source_kind = (char *)"oci";
	layer.digest = (char *)"sha256:0000000000000000000000000000000000000000000000000000000000000000";
	a.layers = &layer;
	a.nlayers = 1;

	np = 1 + byte(&in) % MAX_PKGS;
	for (size_t i = 0; i < np; i++) {
		customs_package *p = customs_package_new();
		if (!p)
			abort();
		p->name = field(&in);
		p->version = field(&in);
		p->type = field(&in);
		p->purl = empty_null(field(&in));
		p->db_path = empty_null(field(&in));
		p->visible = 1;
		p->layer = 0;
		p->removed_in_layer = -1;
		pkgs[i] = p;
	}
	a.packages = pkgs;
	a.npackages = np;

	nm = byte(&in) % (MAX_MATCHES + 1);
	for (size_t i = 0; i < nm; i++) {
		customs_match *m = &ms[i];
		uint8_t c = byte(&in), pi = byte(&in);
		const customs_package *p = pkgs[pi % np];
		for (size_t k = 0; k < 6; k++)
			strs[i][k] = field(&in);
		ids[i][0] = strs[i][0];
		ids[i][1] = strs[i][1];
		fixed[i][0] = strs[i][4];
		m->id = strs[i][0];
		m->ids = ids[i];
		m->nids = *strs[i][1] ? 2 : 1;
		m->summary = *strs[i][2] ? strs[i][2] : NULL;
		m->location = *strs[i][3] ? strs[i][3] : NULL;
		m->fixed = fixed[i];
		m->nfixed = *strs[i][4] ? 1 : 0;
		m->package_index = (size_t)(pi % np) + (c & 0x80 ? 1000 : 0); /* an index past the packages */
		m->package = p;
		m->name = p->name;
		m->version = p->version;
		m->type = p->type;
		m->purl = p->purl;
		m->installed = p->version;
		m->layer = c & 0x40 ? 0 : (c & 0x20 ? 7 : -1);
		m->severity = (customs_severity)(c % 6);
		m->cvss_score = c & 0x10 ? (double)(pi % 120) / 10.0 - 0.5 : -1;
		m->epss = -1;
		m->epss_percentile = -1;
		m->fix_state = (customs_fix_state)((c >> 2) % 5);
		m->status = c & 0x08 ? strs[i][5] : NULL;
		switch ((c >> 1) % 4) {
		case 1:
			m->suppressed = CUSTOMS_SUPPRESS_VEX;
			m->suppressed_reason = strs[i][5];
			m->vex_status = "not_affected";
			m->vex_justification = strs[i][2];
			break;
		case 2:
			cover[i].package = strs[i][5];
			cover[i].version = strs[i][4];
			cover[i].state = (c & 1) ? "fixed" : "affected";
			cover[i].fixed = strs[i][4];
			cover[i].vuln_id = strs[i][1];
			m->covered_by = &cover[i];
			m->suppressed = CUSTOMS_SUPPRESS_COVERED;
			break;
		default:
			break;
		}
	}
	r.matches = ms;
	r.n = nm;

	customs_report o = {.version = CUSTOMS_REPORT_VERSION, .kind = CUSTOMS_REPORT_SCAN, .analysis = &a, .matches = &r,
			    .created = 1700000000};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort();
	int err = customs_report_write(f, &o, "sarif");
	fclose(f);
	if (err < 0 && err != CUSTOMS_ENOMEM) {
		fprintf(stderr, "customs_report_write: %s\n", customs_error_last());
		abort();
	}
	if (err == 0) {
		json_error_t e;
		json_t *log = json_loadb(buf, len, 0, &e), *run, *rules, *results, *x;
		size_t i;
		if (!log) {
			fprintf(stderr, "not JSON: %s at %d:%d\n", e.text, e.line, e.column);
			abort();
		}
		run = json_array_get(json_object_get(log, "runs"), 0);
		rules = json_object_get(json_object_get(json_object_get(run, "tool"), "driver"), "rules");
		results = json_object_get(run, "results");
		if (json_array_size(results) != nm)
			abort();
		json_array_foreach(rules, i, x)
		{
			/* rule ids are unique and sorted */
			const char *id = json_string_value(json_object_get(x, "id"));
			const char *prev = i ? json_string_value(json_object_get(json_array_get(rules, i - 1), "id")) : NULL;
			if (!id || (prev && strcmp(prev, id) >= 0))
				abort();
		}
		json_array_foreach(results, i, x)
		{
			json_t *rule = json_array_get(rules, (size_t)json_integer_value(json_object_get(x, "ruleIndex")));
			const char *rid = json_string_value(json_object_get(x, "ruleId"));
			if (!rule || !rid || strcmp(rid, json_string_value(json_object_get(rule, "id"))) ||
			    !json_string_value(json_object_get(json_object_get(x, "message"), "text")))
				abort();
		}
		json_decref(log);
	}
	free(buf);
	for (size_t i = 0; i < nm; i++)
		for (size_t k = 0; k < 6; k++)
			free(strs[i][k]);
	for (size_t i = 0; i < np; i++)
		customs_package_free(pkgs[i]);
	free(image);
	return 0;
}
