/* policy.c - the policy engine's reports: an evaluation as text (the
 * verdict, then the fired triggers split into the base image's layers and
 * the image's own where the base is known) and as customs JSON
 * ("customs-evaluation", docs/policy.md), what is wrong with a bundle, and
 * the allowlisted findings as OpenVEX (OpenVEX specification v0.2.0:
 * "not_affected" with the item's reason as impact statement, which
 * `customs scan --vex` and other tools honour). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "customs/customs.h"
#include "report/report.h"

static void rfc3339(char *buf, size_t n, long long t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

json_t *report__jstr(const char *s)
{
	json_t *j;
	char *fixed;
	if (!s)
		return json_null();
	if ((j = json_string(s)))
		return j;
	fixed = customs_utf8_repair(s);
	j = fixed ? json_string(fixed) : NULL;
	free(fixed);
	return j ? j : json_null();
}

static const char *layer_digest(const customs_analysis *a, int layer)
{
	if (layer < 0 || (size_t)layer >= a->nlayers)
		return NULL;
	return a->layers[layer].digest ? a->layers[layer].digest : a->layers[layer].diff_id;
}

/* ---- text ---- */

static const char *allowed_by(const customs_policy_finding *f, char *buf, size_t n)
{
	const customs_policy_allowlist_item *it = f->allowlisted_by;
	if (!it)
		return f->expired_item ? "(expired)" : "-";
	snprintf(buf, n, "%s/%s", it->allowlist_id ? it->allowlist_id : "?", it->id ? it->id : "?");
	return buf;
}

/* The findings of one section (in_base 1, 0, or -1 for the rest) as an
 * aligned table; the message last, as long as it is. */
static void section(FILE *f, const customs_policy_result *p, int which, const char *title)
{
	int wg = 4, wt = 7, wa = 6, wl = 5, wb = 11;
	size_t n = 0;
	char lb[16], ab[256];
	for (size_t i = 0; i < p->n; i++) {
		const customs_policy_finding *x = &p->findings[i];
		if (x->in_base != which)
			continue;
		n++;
		wg = customs_column_width(x->gate, wg, 40);
		wt = customs_column_width(x->trigger, wt, 40);
		wb = customs_column_width(allowed_by(x, ab, sizeof(ab)), wb, 80);
	}
	if (!n)
		return;
	if (title)
		fprintf(f, "\n%s\n", title);
	else
		fputc('\n', f);
	fprintf(f, "%-*s  %-*s  %-*s  %-*s  %-*s  %s\n", wg, "GATE", wt, "TRIGGER", wa, "ACTION", wl, "LAYER", wb,
		"ALLOWLISTED", "MESSAGE");
	for (size_t i = 0; i < p->n; i++) {
		const customs_policy_finding *x = &p->findings[i];
		if (x->in_base != which)
			continue;
		if (x->layer >= 0)
			snprintf(lb, sizeof(lb), "%d", x->layer);
		else
			snprintf(lb, sizeof(lb), "-");
		fprintf(f, "%-*s  %-*s  %-*s  %-*s  %-*s  %s\n", wg, x->gate, wt, x->trigger, wa,
			customs_policy_action_name(x->action), wl, lb, wb, allowed_by(x, ab, sizeof(ab)), x->message);
	}
}

int report__policy_text(FILE *f, const customs_report *r)
{
	const customs_policy_result *p = r->policy;
	const customs_analysis *a = r->analysis;
	char when[32], title[128];
	rfc3339(when, sizeof(when), p->evaluated_at);
	fprintf(f, "Image       %s (%s)\n", a->image.reference ? a->image.reference : "-",
		p->image_digest ? p->image_digest : "no digest");
	fprintf(f, "Tag         %s\n", p->tag ? p->tag : "-");
	fprintf(f, "Bundle      %s %s (%s)\n", p->bundle_name ? p->bundle_name : "(unnamed)",
		p->bundle_id ? p->bundle_id : "(no id)", p->bundle_digest);
	fprintf(f, "Mapping     %s\n",
		p->mapping_id || p->mapping_name ? p->mapping_name ? p->mapping_name : p->mapping_id
						 : "none matched the tag");
	fprintf(f, "Dockerfile  %s\n",
		!strcmp(p->dockerfile_mode, "actual") ? "given" : "guessed from the image's history and config");
	fprintf(f, "Evaluated   %s\n", when);
	fprintf(f, "Result      %s (%s%s%s): %zu STOP, %zu WARN, %zu GO, %zu allowlisted\n",
		customs_policy_action_name(p->final_action), p->reason, p->image_rule ? ": " : "",
		p->image_rule ? p->image_rule : "", p->stop, p->warn, p->go, p->allowlisted);
	if (!p->n)
		fprintf(f, "\nNo trigger fired.\n");
	if (p->base_layers > 0) {
		snprintf(title, sizeof(title), "Base image (layers 0-%d)", p->base_layers - 1);
		section(f, p, 1, title);
		snprintf(title, sizeof(title), "This image (layers %d-%zu)", p->base_layers,
			 a->nlayers ? a->nlayers - 1 : 0);
		section(f, p, 0, title);
		section(f, p, -1, "Not about one layer");
	} else {
		section(f, p, -1, NULL);
	}
	if (p->nnotes)
		fprintf(f, "\nAllowlist items:\n");
	for (size_t i = 0; i < p->nnotes; i++)
		fprintf(f, "  %s: %s\n", p->notes[i].state, p->notes[i].message);
	if (p->nwarnings)
		fprintf(f, "\nWarnings:\n");
	for (size_t i = 0; i < p->nwarnings; i++)
		fprintf(f, "  %s\n", p->warnings[i]);
	return 0;
}

int report__policy_table(FILE *f, const customs_report *r, const sbom_doc *d)
{
	(void)d;
	return report__policy_text(f, r);
}

/* ---- JSON ---- */

static json_t *item_json(const customs_policy_allowlist_item *it)
{
	if (!it)
		return json_null();
	json_t *o = json_object();
	json_object_set_new(o, "allowlist_id", report__jstr(it->allowlist_id));
	json_object_set_new(o, "allowlist_name", report__jstr(it->allowlist_name));
	json_object_set_new(o, "item_id", report__jstr(it->id));
	json_object_set_new(o, "gate", report__jstr(it->gate));
	json_object_set_new(o, "trigger_id", report__jstr(it->trigger_id));
	json_object_set_new(o, "reason", report__jstr(it->reason));
	json_object_set_new(o, "owner", report__jstr(it->owner));
	json_object_set_new(o, "expires", report__jstr(it->expires));
	return o;
}

static json_t *finding_json(const customs_report *r, const customs_policy_finding *x)
{
	json_t *o = json_object();
	json_object_set_new(o, "gate", report__jstr(x->gate));
	json_object_set_new(o, "trigger", report__jstr(x->trigger));
	json_object_set_new(o, "trigger_id", report__jstr(x->trigger_id));
	json_object_set_new(o, "action", json_string(customs_policy_action_name(x->action)));
	json_object_set_new(o, "effective_action",
			    json_string(customs_policy_action_name(x->allowlisted_by ? CUSTOMS_POLICY_GO : x->action)));
	json_object_set_new(o, "message", report__jstr(x->message));
	json_object_set_new(o, "rule_id", report__jstr(x->rule_id));
	json_object_set_new(o, "policy_id", report__jstr(x->policy_id));
	json_object_set_new(o, "layer", x->layer >= 0 ? json_integer(x->layer) : json_null());
	json_object_set_new(o, "layer_digest", report__jstr(layer_digest(r->analysis, x->layer)));
	json_object_set_new(o, "in_base", x->in_base < 0 ? json_null() : json_boolean(x->in_base));
	json_object_set_new(o, "path", report__jstr(x->path));
	if (x->match) {
		json_t *v = json_object();
		json_object_set_new(v, "id", report__jstr(x->match->id));
		json_object_set_new(v, "package", report__jstr(x->match->name));
		json_object_set_new(v, "version", report__jstr(x->match->version));
		json_object_set_new(v, "type", report__jstr(x->match->type));
		json_object_set_new(v, "purl", report__jstr(x->match->purl));
		json_object_set_new(v, "severity", json_string(customs_severity_name(x->match->severity)));
		json_object_set_new(o, "vulnerability", v);
	} else {
		json_object_set_new(o, "vulnerability", json_null());
	}
	json_object_set_new(o, "allowlisted_by", item_json(x->allowlisted_by));
	json_object_set_new(o, "expired_allowlist_item", item_json(x->expired_item));
	return o;
}

json_t *report__policy_doc(const customs_report *r)
{
	const customs_policy_result *p = r->policy;
	json_t *root = json_object(), *o, *v;
	char when[32];
	if (!root)
		return NULL;
	rfc3339(when, sizeof(when), p->evaluated_at);
	json_object_set_new(root, "schema", json_string("customs-evaluation"));
	json_object_set_new(root, "schema_version", json_string("1"));
	json_object_set_new(root, "final_action", json_string(customs_policy_action_name(p->final_action)));
	json_object_set_new(root, "policy_action", json_string(customs_policy_action_name(p->policy_action)));
	json_object_set_new(root, "reason", report__jstr(p->reason));
	json_object_set_new(root, "image_rule", report__jstr(p->image_rule));
	o = json_object();
	json_object_set_new(o, "reference", report__jstr(r->analysis->image.reference));
	json_object_set_new(o, "digest", report__jstr(p->image_digest));
	json_object_set_new(o, "tag", report__jstr(p->tag));
	json_object_set_new(root, "image", o);
	o = json_object();
	json_object_set_new(o, "id", report__jstr(p->bundle_id));
	json_object_set_new(o, "name", report__jstr(p->bundle_name));
	json_object_set_new(o, "digest", report__jstr(p->bundle_digest));
	json_object_set_new(root, "bundle", o);
	if (p->mapping_id || p->mapping_name) {
		o = json_object();
		json_object_set_new(o, "id", report__jstr(p->mapping_id));
		json_object_set_new(o, "name", report__jstr(p->mapping_name));
		json_object_set_new(root, "mapping", o);
	} else {
		json_object_set_new(root, "mapping", json_null());
	}
	json_object_set_new(root, "evaluated_at", json_string(when));
	json_object_set_new(root, "dockerfile_mode", report__jstr(p->dockerfile_mode));
	json_object_set_new(root, "base_layers", p->base_layers > 0 ? json_integer(p->base_layers) : json_null());
	o = json_object();
	json_object_set_new(o, "stop", json_integer((json_int_t)p->stop));
	json_object_set_new(o, "warn", json_integer((json_int_t)p->warn));
	json_object_set_new(o, "go", json_integer((json_int_t)p->go));
	json_object_set_new(o, "allowlisted", json_integer((json_int_t)p->allowlisted));
	json_object_set_new(root, "counts", o);
	v = json_array();
	for (size_t i = 0; i < p->n; i++)
		json_array_append_new(v, finding_json(r, &p->findings[i]));
	json_object_set_new(root, "findings", v);
	v = json_array();
	for (size_t i = 0; i < p->nnotes; i++) {
		o = item_json(p->notes[i].item);
		json_object_set_new(o, "state", json_string(p->notes[i].state));
		json_object_set_new(o, "message", report__jstr(p->notes[i].message));
		json_array_append_new(v, o);
	}
	json_object_set_new(root, "allowlist_items", v);
	v = json_array();
	for (size_t i = 0; i < p->nwarnings; i++)
		json_array_append_new(v, report__jstr(p->warnings[i]));
	json_object_set_new(root, "warnings", v);
	return root;
}

int report__policy_json(FILE *f, const customs_report *r, const sbom_doc *d)
{
	(void)d;
	json_t *j = report__policy_doc(r);
	int err = report__dump(f, j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(j);
	return err;
}

/* ---- problems ---- */

int report__problems_table(FILE *f, const customs_report *r, const sbom_doc *d)
{
	const customs_policy_problems *p = r->problems;
	const char *file = r->bundle_path ? r->bundle_path : "bundle";
	(void)d;
	for (size_t i = 0; i < p->n; i++)
		fprintf(f, "%s: %s%s%s\n", file, p->v[i].path, *p->v[i].path ? ": " : "", p->v[i].message);
	if (p->more)
		fprintf(f, "%s: %zu more problems not listed\n", file, p->more);
	return 0;
}

int report__problems_json(FILE *f, const customs_report *r, const sbom_doc *d)
{
	const customs_policy_problems *p = r->problems;
	json_t *root = json_object(), *v = json_array();
	(void)d;
	json_object_set_new(root, "file", report__jstr(r->bundle_path));
	json_object_set_new(root, "valid", json_boolean(!p->n && !p->more));
	for (size_t i = 0; i < p->n; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "path", report__jstr(p->v[i].path));
		json_object_set_new(o, "message", report__jstr(p->v[i].message));
		json_array_append_new(v, o);
	}
	json_object_set_new(root, "problems", v);
	json_object_set_new(root, "more", json_integer((json_int_t)p->more));
	int err = report__dump(f, root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	return err;
}

/* ---- OpenVEX ---- */

static json_t *statement(const char *vuln, const char *product, const customs_policy_allowlist_item *it,
			 const char *when)
{
	json_t *s = json_object(), *v = json_object(), *prods = json_array(), *p = json_object();
	char impact[1024];
	json_object_set_new(v, "name", report__jstr(vuln));
	json_object_set_new(s, "vulnerability", v);
	json_object_set_new(p, "@id", report__jstr(product));
	json_array_append_new(prods, p);
	json_object_set_new(s, "products", prods);
	json_object_set_new(s, "status", json_string("not_affected"));
	snprintf(impact, sizeof(impact), "allowlisted by policy bundle allowlist %s item %s%s%s%s%s",
		 it->allowlist_id ? it->allowlist_id : "?", it->id ? it->id : "(no id)", it->reason ? ": " : "",
		 it->reason ? it->reason : "", it->owner ? "; owner " : "", it->owner ? it->owner : "");
	json_object_set_new(s, "impact_statement", report__jstr(impact));
	json_object_set_new(s, "timestamp", json_string(when));
	return s;
}

/* The id part of a vulnerabilities item "CVE-2023-1234+libssl3", or NULL. */
static int item_vuln(const customs_policy_allowlist_item *it, char *buf, size_t n)
{
	const char *plus = it->trigger_id ? strchr(it->trigger_id, '+') : NULL;
	if (!it->gate || strcmp(it->gate, "vulnerabilities") || !plus || plus == it->trigger_id ||
	    (size_t)(plus - it->trigger_id) >= n || memchr(it->trigger_id, '*', (size_t)(plus - it->trigger_id)))
		return 0;
	snprintf(buf, n, "%.*s", (int)(plus - it->trigger_id), it->trigger_id);
	return 1;
}

int report__vex(FILE *f, const customs_report *r, const sbom_doc *d)
{
	json_t *doc = json_object(), *stmts = json_array();
	char when[32], id[128], vid[256];
	long long now = r->policy ? r->policy->evaluated_at : r->created > 0 ? r->created : (long long)time(NULL);
	(void)d;
	rfc3339(when, sizeof(when), now);
	if (r->policy) {
		/* the allowlisted vulnerability findings, with their packages' purls */
		for (size_t i = 0; i < r->policy->n; i++) {
			const customs_policy_finding *x = &r->policy->findings[i];
			if (!x->allowlisted_by || !x->match || !x->match->purl)
				continue;
			json_array_append_new(stmts, statement(x->match->id, x->match->purl, x->allowlisted_by, when));
		}
	} else {
		/* without an image: items for every package ("ID+*") speak of the whole image */
		size_t n;
		const customs_policy_allowlist_item *items = customs_policy_bundle_items(r->bundle, &n);
		for (size_t i = 0; i < n; i++) {
			const char *plus = items[i].trigger_id ? strchr(items[i].trigger_id, '+') : NULL;
			if (item_vuln(&items[i], vid, sizeof(vid)) && plus && !strcmp(plus + 1, "*"))
				json_array_append_new(stmts, statement(vid, "pkg:oci/image", &items[i], when));
		}
	}
	/* the document's id from its content, so the same decisions give the same document */
	char *body = json_dumps(stmts, JSON_COMPACT);
	char dg[72];
	customs_sha256_digest(dg, body ? body : "", body ? strlen(body) : 0);
	free(body);
	snprintf(id, sizeof(id), "https://openvex.dev/docs/customs/vex-%.16s", dg + 7);
	json_object_set_new(doc, "@context", json_string("https://openvex.dev/ns/v0.2.0"));
	json_object_set_new(doc, "@id", json_string(id));
	json_object_set_new(doc, "author", json_string("customs policy export-vex"));
	json_object_set_new(doc, "timestamp", json_string(when));
	json_object_set_new(doc, "version", json_integer(1));
	json_object_set_new(doc, "statements", stmts);
	int err = report__dump(f, doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(doc);
	return err;
}
