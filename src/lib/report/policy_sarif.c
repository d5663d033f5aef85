/* policy_sarif.c - an evaluation as SARIF 2.1.0, for code scanning: a rule
 * per gate and trigger that fired, a result per finding (STOP an error,
 * WARN a warning, GO a note), an allowlisted finding as a result with an
 * accepted external suppression that names the allowlist item.  A finding
 * about a file is located at that file in the image; one about the image
 * as a whole at "Dockerfile" (dockerfile gate) or the image's config.  The
 * fingerprint is the gate and the trigger id: the same finding keeps its
 * alert across evaluations of rebuilt images. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "customs/customs.h"
#include "report/report.h"

static json_t *text(const char *s)
{
	json_t *o = json_object();
	char *fixed = s && !customs_utf8_valid(s, strlen(s)) ? customs_utf8_repair(s) : NULL;
	json_object_set_new(o, "text", json_string(fixed ? fixed : s ? s : ""));
	free(fixed);
	return o;
}

static const char *level_of(customs_policy_action a)
{
	return a == CUSTOMS_POLICY_STOP ? "error" : a == CUSTOMS_POLICY_WARN ? "warning" : "note";
}

static const customs_policy_trigger *trigger_of(const char *gate, const char *trigger)
{
	for (const customs_policy_gate *const *g = customs_policy_gates(); *g; g++) {
		if (strcmp((*g)->name, gate))
			continue;
		for (const customs_policy_trigger *const *t = (*g)->triggers; *t; t++) {
			if (!strcasecmp((*t)->name, trigger))
				return *t;
			for (const char *const *a = (*t)->aliases; a && *a; a++)
				if (!strcasecmp(*a, trigger))
					return *t;
		}
	}
	return NULL;
}

/* The rules: one per gate/trigger that fired, in the order they first fired. */
static json_t *rules(const customs_policy_result *p, json_t *index)
{
	json_t *v = json_array();
	char id[256];
	for (size_t i = 0; i < p->n; i++) {
		const customs_policy_finding *x = &p->findings[i];
		snprintf(id, sizeof(id), "policy/%s/%s", x->gate, x->trigger);
		if (json_object_get(index, id))
			continue;
		const customs_policy_trigger *t = trigger_of(x->gate, x->trigger);
		json_t *r = json_object(), *props = json_object(), *conf = json_object();
		json_object_set_new(index, id, json_integer((json_int_t)json_array_size(v)));
		json_object_set_new(r, "id", json_string(id));
		json_object_set_new(r, "name", json_string(id + 7));
		json_object_set_new(r, "shortDescription", text(id + 7));
		json_object_set_new(r, "fullDescription", text(t ? t->description : id));
		json_object_set_new(conf, "level", json_string(level_of(x->action)));
		json_object_set_new(r, "defaultConfiguration", conf);
		json_object_set_new(props, "gate", json_string(x->gate));
		json_object_set_new(props, "trigger", json_string(x->trigger));
		json_object_set_new(props, "origin", json_string(t ? t->origin : "unknown"));
		json_object_set_new(r, "properties", props);
		json_array_append_new(v, r);
	}
	return v;
}

static json_t *location(const customs_policy_finding *x)
{
	json_t *locs = json_array(), *l = json_object(), *ph = json_object(), *art = json_object(),
	       *reg = json_object();
	const char *uri = x->path ? x->path : !strcmp(x->gate, "dockerfile") ? "Dockerfile" : "image-config.json";
	char *fixed = !customs_utf8_valid(uri, strlen(uri)) ? customs_utf8_repair(uri) : NULL;
	json_object_set_new(art, "uri", json_string(fixed ? fixed : uri));
	free(fixed);
	json_object_set_new(ph, "artifactLocation", art);
	json_object_set_new(reg, "startLine", json_integer(1));
	json_object_set_new(ph, "region", reg);
	json_object_set_new(l, "physicalLocation", ph);
	json_array_append_new(locs, l);
	return locs;
}

static json_t *result(const customs_policy_finding *x, json_t *index)
{
	json_t *o = json_object(), *props = json_object(), *fp = json_object();
	char id[256], hash[72], key[2048];
	snprintf(id, sizeof(id), "policy/%s/%s", x->gate, x->trigger);
	json_object_set_new(o, "ruleId", json_string(id));
	json_object_set_new(o, "ruleIndex", json_incref(json_object_get(index, id)));
	json_object_set_new(o, "level", json_string(level_of(x->action)));
	json_object_set_new(o, "message", text(x->message));
	json_object_set_new(o, "locations", location(x));
	snprintf(key, sizeof(key), "%s\n%s", x->gate, x->trigger_id);
	customs_sha256_digest(hash, key, strlen(key));
	json_object_set_new(fp, "customsPolicy/v1", json_string(hash + 7));
	json_object_set_new(o, "partialFingerprints", fp);
	if (x->allowlisted_by) {
		json_t *sup = json_array(), *s = json_object();
		char why[1024];
		const customs_policy_allowlist_item *it = x->allowlisted_by;
		snprintf(why, sizeof(why), "allowlist %s item %s%s%s", it->allowlist_id ? it->allowlist_id : "?",
			 it->id ? it->id : "(no id)", it->reason ? ": " : "", it->reason ? it->reason : "");
		json_object_set_new(s, "kind", json_string("external"));
		json_object_set_new(s, "status", json_string("accepted"));
		json_object_set_new(s, "justification", json_string(why));
		json_array_append_new(sup, s);
		json_object_set_new(o, "suppressions", sup);
	}
	json_object_set_new(props, "action", json_string(customs_policy_action_name(x->action)));
	json_object_set_new(props, "triggerId", json_string(x->trigger_id));
	if (x->layer >= 0)
		json_object_set_new(props, "layer", json_integer(x->layer));
	if (x->rule_id)
		json_object_set_new(props, "policyRuleId", json_string(x->rule_id));
	json_object_set_new(o, "properties", props);
	return o;
}

int report__policy_sarif(FILE *f, const customs_report *r, const sbom_doc *d)
{
	const customs_policy_result *p = r->policy;
	json_t *root = json_object(), *runs = json_array(), *run = json_object(), *tool = json_object();
	json_t *driver = json_object(), *index = json_object(), *res = json_array(), *props = json_object();
	(void)d;
	json_object_set_new(root, "$schema", json_string("https://json.schemastore.org/sarif-2.1.0.json"));
	json_object_set_new(root, "version", json_string("2.1.0"));
	json_object_set_new(driver, "name", json_string("customs"));
	json_object_set_new(driver, "version", json_string(customs_version()));
	json_object_set_new(driver, "rules", rules(p, index));
	json_object_set_new(tool, "driver", driver);
	json_object_set_new(run, "tool", tool);
	for (size_t i = 0; i < p->n; i++)
		json_array_append_new(res, result(&p->findings[i], index));
	json_object_set_new(run, "results", res);
	json_object_set_new(props, "finalAction", json_string(customs_policy_action_name(p->final_action)));
	json_object_set_new(props, "reason", json_string(p->reason));
	json_object_set_new(props, "bundleDigest", json_string(p->bundle_digest));
	if (p->image_digest)
		json_object_set_new(props, "imageDigest", json_string(p->image_digest));
	json_object_set_new(run, "properties", props);
	json_array_append_new(runs, run);
	json_object_set_new(root, "runs", runs);
	json_decref(index);
	int err = report__dump(f, root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	return err;
}
