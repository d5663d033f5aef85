/* policies.c - the policy routes of customs serve: bundles kept in the
 * store (GET/PUT/DELETE /v1/policies/{id}, one of them active), checked
 * without keeping (POST /v1/policies/validate), and evaluated over a
 * stored image (POST /v1/images/{digest}/evaluate), the evaluation kept
 * with the image as `customs evaluate --store` keeps it. */
#include <stdlib.h>
#include <string.h>

#include "customs/policy.h"
#include "server_int.h"

void route_policies(call *c)
{
	customs_store_table *t = NULL;
	int err = customs_store_policies(c->store, &t);
	call_table(c, 200, err, t, CUSTOMS_REPORT_ROWS);
}

void route_policy_get(call *c)
{
	customs_store_table *t = NULL;
	int err = customs_store_policy_get(c->store, c->params[0], &t);
	call_table(c, 200, err, t, CUSTOMS_REPORT_RECORD);
}

/* load a bundle from JSON text; on a problem answer 400 (NULL) */
static customs_policy_bundle *bundle_of(call *c, const char *text, size_t len)
{
	customs_policy_bundle *b = NULL;
	customs_policy_problems *p = NULL;
	int err = customs_policy_bundle_load_mem(&b, &p, "the bundle", text, len, NULL);
	if (err == CUSTOMS_EFORMAT || err == CUSTOMS_ELIMIT) {
		if (p && p->n)
			call_error(c, 400, "invalid_policy", "%s: %s (%zu problem%s; POST /v1/policies/validate lists them)",
				   p->v[0].path, p->v[0].message, p->n + p->more, p->n + p->more == 1 ? "" : "s");
		else
			call_error(c, 400, "invalid_policy", "%s", customs_error_last());
	} else if (err < 0) {
		call_fail(c, err);
	}
	customs_policy_problems_free(p);
	return err < 0 ? NULL : b;
}

void route_policy_put(call *c)
{
	json_t *j = call_json(c);
	customs_policy_bundle *b = NULL;
	customs_store_table *t = NULL;
	const char *active = call_arg(c, "active");
	int err;
	if (!j)
		return;
	json_decref(j);
	if (active && strcmp(active, "true") && strcmp(active, "false")) {
		call_error(c, 400, "bad_request", "active is true or false, not '%.20s'", active);
		return;
	}
	if (strlen(c->params[0]) > 128) {
		call_error(c, 400, "bad_request", "a policy id is at most 128 bytes");
		return;
	}
	if (!(b = bundle_of(c, c->body, c->len)))
		return;
	err = customs_store_policy_put(c->store, c->params[0], customs_policy_bundle_name(b),
				       customs_policy_bundle_digest(b), c->body, active && !strcmp(active, "true"));
	if (err == 0)
		err = customs_store_policy_get(c->store, c->params[0], &t);
	call_table(c, 200, err, t, CUSTOMS_REPORT_RECORD);
	customs_policy_bundle_free(b);
}

void route_policy_delete(call *c)
{
	int err = customs_store_policy_delete(c->store, c->params[0]);
	if (err < 0)
		call_fail(c, err);
	else
		call_deleted(c, "id", c->params[0], "s");
}

void route_policy_validate(call *c)
{
	customs_policy_bundle *b = NULL;
	customs_policy_problems *p = NULL, none = {0};
	json_t *j = call_json(c);
	int err;
	if (!j)
		return;
	json_decref(j);
	err = customs_policy_bundle_load_mem(&b, &p, "the bundle", c->body, c->len, NULL);
	if (err < 0 && err != CUSTOMS_EFORMAT && err != CUSTOMS_ELIMIT) {
		call_fail(c, err);
	} else {
		customs_report r = {.version = CUSTOMS_REPORT_VERSION, .kind = CUSTOMS_REPORT_POLICY_PROBLEMS,
				    .problems = p ? p : &none, .bundle_path = "the bundle"};
		call_report(c, 200, &r, "json", "application/json");
	}
	customs_policy_problems_free(p);
	customs_policy_bundle_free(b);
}

/* the bundle an evaluation names: {"policy": "id"}, {"policy": {...}}, or
 * none: the active one */
customs_policy_bundle *named_bundle(call *c, json_t *policy)
{
	customs_store_table *t = NULL;
	customs_policy_bundle *b = NULL;
	int err;
	if (json_is_object(policy)) {
		char *text = json_dumps(policy, JSON_COMPACT);
		if (!text) {
			call_error(c, 500, "internal", "out of memory");
			return NULL;
		}
		b = bundle_of(c, text, strlen(text));
		free(text);
		return b;
	}
	if (policy && !json_is_string(policy)) {
		call_error(c, 400, "bad_request", "policy is a kept bundle's id or a bundle (an object)");
		return NULL;
	}
	if ((err = customs_store_policy_get(c->store, policy ? json_string_value(policy) : NULL, &t)) < 0) {
		call_fail(c, err);
		return NULL;
	}
	/* id, name, digest, active, updated_at, bundle */
	b = bundle_of(c, t->cells[5], strlen(t->cells[5]));
	customs_store_table_free(t);
	return b;
}

int evaluation_run(call *c, evaluation *e, customs_analysis *a, const customs_policy_bundle *b, const char *tag)
{
	int err;
	memset(e, 0, sizeof(*e));
	if ((err = call_vulndb(c, &e->db)) < 0)
		return err;
	customs_analysis_select_packages(a, 0);
	if ((err = customs_store_matches(c->store, &e->m, a)) < 0 && err != CUSTOMS_ENOTFOUND)
		return err;
	if ((err = customs_store_base_of(c->store, &e->base, a)) < 0 && err != CUSTOMS_ENOTFOUND)
		return err;
	customs_policy_eval_opts eo = {.version = CUSTOMS_POLICY_EVAL_OPTS_VERSION, .tag = tag, .matches = e->m,
				       .db = e->db, .base_layers = e->base ? (int)e->base->layers : 0};
	if ((err = customs_policy_evaluate(&e->pr, b, a, &eo)) < 0)
		return err;
	/* kept as customs evaluate --store keeps it */
	char *json = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&json, &len);
	customs_report r = {.version = CUSTOMS_REPORT_VERSION, .kind = CUSTOMS_REPORT_POLICY, .analysis = a,
			    .policy = e->pr};
	if (!f)
		return CUSTOMS_ENOMEM;
	err = customs_report_write(f, &r, "json");
	fclose(f);
	if (!err && e->pr->image_digest) {
		customs_store_evaluation ev = {.image_digest = e->pr->image_digest, .bundle_digest = e->pr->bundle_digest,
					       .action = customs_policy_action_name(e->pr->final_action), .result = json};
		err = customs_store_evaluation_put(c->store, &ev);
	}
	free(json);
	return err;
}

void evaluation_release(evaluation *e)
{
	customs_policy_result_free(e->pr);
	customs_store_base_free(e->base);
	customs_store_matches_free(e->m);
	customs_vulndb_free(e->db);
}

/* the evaluation of a with b, answered and kept */
static void evaluate(call *c, customs_analysis *a, const customs_policy_bundle *b, const char *tag)
{
	evaluation e;
	int err = evaluation_run(c, &e, a, b, tag);
	if (err < 0) {
		if (!c->status)
			call_fail(c, err);
	} else {
		customs_report r = {.version = CUSTOMS_REPORT_VERSION, .kind = CUSTOMS_REPORT_POLICY, .analysis = a,
				    .policy = e.pr};
		call_report(c, 200, &r, "json", "application/json");
	}
	evaluation_release(&e);
}

void route_evaluate(call *c)
{
	json_t *j = NULL, *tag = NULL;
	customs_policy_bundle *b = NULL;
	customs_analysis *a = NULL;
	char *d = NULL;
	const char *key;
	json_t *v;
	int err;

	if (c->len && !(j = call_json(c)))
		return;
	json_object_foreach(j, key, v) if (strcmp(key, "policy") && strcmp(key, "tag"))
	{
		call_error(c, 400, "bad_request", "unknown field '%.80s': the fields are policy and tag", key);
		goto done;
	}
	if ((tag = json_object_get(j, "tag")) && !json_is_string(tag)) {
		call_error(c, 400, "bad_request", "tag is a string: registry/repo:tag, what the mappings match");
		goto done;
	}
	if ((err = customs_store_resolve(c->store, c->params[0], &d)) < 0 ||
	    (err = customs_store_load(c->store, &a, d, 0)) < 0) {
		call_fail(c, err);
		goto done;
	}
	if (!(b = named_bundle(c, json_object_get(j, "policy"))))
		goto done;
	evaluate(c, a, b, tag ? json_string_value(tag) : NULL);
done:
	customs_policy_bundle_free(b);
	customs_analysis_free(a);
	free(d);
	json_decref(j);
}
