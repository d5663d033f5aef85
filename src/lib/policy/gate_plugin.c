/* gate_plugin.c - gate plugins (docs/plugins.md "Gate plugins") as gates of
 * the table: customs-gate-NAME is gate "plugin:NAME", its triggers and
 * their typed parameters from its describe.  A rule of it runs the plugin
 * once with the analysis and the rule's parameters; each trigger it says
 * fired is a finding.  A plugin that fails fires a STOP finding whatever
 * the rule's action: the evaluation fails closed, never GO by accident. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "customs/plugin.h"
#include "policy/policy_int.h"

typedef struct plugin_gate {
	gate_def g; /* first: the table holds a gate_def * */
	const customs_plugin *p;
} plugin_gate;

/* The request's params: the trigger and the rule's parameters as written. */
static json_t *rule_params(const prule *r)
{
	json_t *ps = json_object();
	for (size_t i = 0; ps && i < r->nparams; i++)
		if (json_object_set_new(ps, r->params[i].def->name, json_string(r->params[i].raw)) < 0)
			json_decref(ps), ps = NULL;
	return ps ? json_pack("{s:s, s:o, s:s?}", "trigger", r->trig->pub.name, "params", ps, "rule_id", r->id)
		  : NULL;
}

static int fail_closed(pctx *c, const prule *r, const char *why)
{
	int err = policy__fire(c, r, "plugin_failed", -1, NULL, NULL, "gate %s failed: %s; the evaluation fails closed",
			       r->gate->pub.name, why);
	if (err == 0)
		c->f[c->nf - 1].action = CUSTOMS_POLICY_STOP;
	policy__warn(c, "gate %s failed: %s; the evaluation fails closed (STOP)", r->gate->pub.name, why);
	return err;
}

static int plugin_eval(pctx *c, const prule *r)
{
	const plugin_gate *pg = (const plugin_gate *)r->gate;
	json_t *params = rule_params(r), *resp = NULL, *f;
	const json_t *fired;
	char why[1024];
	size_t i;
	int err = 0;

	if (!params)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	err = customs_plugin_call(&resp, pg->p, c->a, params);
	json_decref(params);
	if (err < 0) {
		if (err == CUSTOMS_ENOMEM)
			return err;
		snprintf(why, sizeof(why), "%s", customs_error_last());
		return fail_closed(c, r, why);
	}
	fired = json_object_get(resp, "fired");
	if (!json_is_array(fired)) {
		err = fail_closed(c, r, "its response has no \"fired\" array");
		goto done;
	}
	json_array_foreach (fired, i, f) {
		const char *msg = json_string_value(json_object_get(f, "message"));
		const char *id = json_string_value(json_object_get(f, "id"));
		const char *path = json_string_value(json_object_get(f, "path"));
		const char *trig = json_string_value(json_object_get(f, "trigger"));
		if (!msg || (trig && strcmp(trig, r->trig->pub.name))) {
			snprintf(why, sizeof(why), "fired[%zu] of its response has no \"message\", or names another trigger "
				 "than %s", i, r->trig->pub.name);
			err = fail_closed(c, r, why);
			goto done;
		}
		if ((err = policy__fire(c, r, id, -1, path ? policy__abs(c, path[0] == '/' ? path + 1 : path) : NULL,
					NULL, "%s", msg)) < 0)
			goto done;
	}
done:
	json_decref(resp);
	return err;
}

static int param_type(const char *t, customs_policy_param_type *out)
{
	static const struct {
		const char *name;
		customs_policy_param_type type;
	} types[] = {{"string", CUSTOMS_POLICY_PARAM_STRING},
		     {"integer", CUSTOMS_POLICY_PARAM_INT},
		     {"number", CUSTOMS_POLICY_PARAM_FLOAT},
		     {"boolean", CUSTOMS_POLICY_PARAM_BOOL}};
	for (size_t i = 0; t && i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(t, types[i].name)) {
			*out = types[i].type;
			return 0;
		}
	return -1;
}

static const char *str_of(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* One trigger of describe as a trigger_def (its strings borrowed from the
 * plugin's describe, kept for the life of the process).  -1 when out of
 * memory (describe was checked when the plugin was found). */
static int make_trigger(trigger_def *t, const json_t *d)
{
	const json_t *ps = json_object_get(d, "params"), *p;
	size_t n = json_array_size(ps), i;
	customs_policy_param *v = calloc(n + 1, sizeof(*v));
	if (!v)
		return -1;
	json_array_foreach (ps, i, p) {
		v[i].name = str_of(p, "name");
		if (param_type(str_of(p, "type"), &v[i].type) < 0)
			v[i].type = CUSTOMS_POLICY_PARAM_STRING;
		v[i].required = json_is_true(json_object_get(p, "required"));
		v[i].example = str_of(p, "example");
		v[i].description = str_of(p, "description") ? str_of(p, "description") : "";
	}
	t->pub = (customs_policy_trigger){str_of(d, "name"), str_of(d, "description") ? str_of(d, "description") : "",
					  v, NULL, "plugin", 0};
	t->eval = plugin_eval;
	return 0;
}

static plugin_gate *make_gate(const customs_plugin *p)
{
	const json_t *ts = json_object_get(p->describe, "triggers"), *t;
	size_t n = json_array_size(ts), i;
	plugin_gate *g = calloc(1, sizeof(*g));
	trigger_def *defs = calloc(n ? n : 1, sizeof(*defs));
	const customs_policy_trigger **list = calloc(n + 1, sizeof(*list));
	char *name = customs_asprintf("plugin:%s", p->name);
	if (!g || !defs || !list || !name)
		goto fail;
	json_array_foreach (ts, i, t) {
		if (make_trigger(&defs[i], t) < 0)
			goto fail;
		list[i] = &defs[i].pub;
	}
	g->p = p;
	g->g.pub = (customs_policy_gate){name, p->description, list, "plugin"};
	return g;
fail:
	for (i = 0; defs && i < n; i++)
		free((void *)defs[i].pub.params);
	free(g);
	free(defs);
	free(list);
	free(name);
	return NULL;
}

const customs_policy_gate **policy__with_plugin_gates(const customs_policy_gate *const *builtins)
{
	size_t nb = 0, np = customs_plugin_list(NULL, 0), k;
	const customs_plugin **pl = calloc(np + 1, sizeof(*pl));
	const customs_policy_gate **all = NULL;
	while (builtins[nb])
		nb++;
	if (!pl || !(all = calloc(nb + np + 1, sizeof(*all)))) {
		free(pl);
		return NULL;
	}
	memcpy(all, builtins, nb * sizeof(*all));
	k = nb;
	customs_plugin_list(pl, np);
	for (size_t i = 0; i < np; i++) {
		if (pl[i]->kind != CUSTOMS_PLUGIN_GATE || pl[i]->broken)
			continue;
		plugin_gate *g = make_gate(pl[i]);
		if (g)
			all[k++] = &g->g.pub;
	}
	free(pl);
	return all;
}
