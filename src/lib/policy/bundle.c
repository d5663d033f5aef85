/* bundle.c - a policy bundle read and checked: Anchore Engine's bundle
 * format (policy/bundles.py: ExecutableBundle, ExecutablePolicy,
 * PolicyMappingRule, ExecutableWhitelist; version "1_0"), with both the
 * whitelists/blacklists spellings and the later allowlists/denylists
 * ones, and customs' auditable allowlist items (expires, reason, owner,
 * scope).  Every problem is reported with its place in the document, not
 * only the first; a bundle with any problem is not loaded. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "customs/customs.h"
#include "customs/plugin.h"
#include "policy/policy_int.h"

#define MAX_BUNDLE   (16u << 20)
#define MAX_POLICIES 10000
#define MAX_RULES    100000  /* over all policies */
#define MAX_ITEMS    1000000 /* over all allowlists */
#define MAX_MAPPINGS 10000
#define MAX_PARAMS   64 /* per rule */

typedef struct loader {
	customs_policy_bundle *b;
	pproblems *p;
	size_t rules;
	int nomem;
} loader;

/* A document path into buf; cut short when it would not fit. */
static void at(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void at(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, n, fmt, ap);
	va_end(ap);
}

static const char *jstr(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* A short rendering of a JSON value for a message. */
static void shown(char *buf, size_t n, const json_t *v)
{
	char *s = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	snprintf(buf, n, "%.80s%s", s ? s : "null", s && strlen(s) > 80 ? "..." : "");
	free(s);
}

static void problem(loader *l, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void problem(loader *l, const char *path, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (policy__problem(l->p, path, "%s", msg) < 0)
		l->nomem = 1;
}

/* An optional string member: its value, or NULL (with a problem when it
 * is there but not a string). */
static const char *opt_str(loader *l, const json_t *o, const char *key, const char *where)
{
	json_t *v = json_object_get(o, key);
	char path[512];
	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		at(path, sizeof(path), "%s%s%s", where, *where ? "." : "", key);
		problem(l, path, "is %s; a string is expected", customs__json_type_name(v));
		return NULL;
	}
	return json_string_value(v);
}

static const char *req_str(loader *l, const json_t *o, const char *key, const char *where)
{
	char path[512];
	const char *s = opt_str(l, o, key, where);
	if (!s && (!json_object_get(o, key) || json_is_null(json_object_get(o, key)))) {
		at(path, sizeof(path), "%s%s%s", where, *where ? "." : "", key);
		problem(l, path, "missing");
	}
	return s;
}

/* The list member named one of keys (its other spellings); NULL when none.
 * Two spellings at once are read one after the other (*second). */
static json_t *opt_list(loader *l, const json_t *o, const char *key, const char *where)
{
	json_t *v = json_object_get(o, key);
	char path[512];
	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_array(v)) {
		at(path, sizeof(path), "%s%s%s", where, *where ? "." : "", key);
		problem(l, path, "is %s; a list is expected", customs__json_type_name(v));
		return NULL;
	}
	return v;
}

/* ---- rules ---- */

static int action_parse(customs_policy_action *out, const char *s)
{
	if (!strcasecmp(s, "go"))
		*out = CUSTOMS_POLICY_GO;
	else if (!strcasecmp(s, "warn"))
		*out = CUSTOMS_POLICY_WARN;
	else if (!strcasecmp(s, "stop"))
		*out = CUSTOMS_POLICY_STOP;
	else
		return -1;
	return 0;
}

static void names_of_gates(char *buf, size_t n)
{
	size_t off = 0;
	buf[0] = '\0';
	for (const customs_policy_gate *const *g = customs_policy_gates(); *g && off < n; g++)
		off += (size_t)snprintf(buf + off, n - off, "%s%s", g == customs_policy_gates() ? "" : ", ",
					(*g)->name);
}

static void names_of_triggers(char *buf, size_t n, const gate_def *g)
{
	size_t off = 0;
	buf[0] = '\0';
	for (const customs_policy_trigger *const *t = g->pub.triggers; *t && off < n; t++)
		off += (size_t)snprintf(buf + off, n - off, "%s%s", t == g->pub.triggers ? "" : ", ", (*t)->name);
}

static void names_of_params(char *buf, size_t n, const trigger_def *t)
{
	size_t off = 0;
	buf[0] = '\0';
	for (const customs_policy_param *p = t->pub.params; p && p->name && off < n; p++)
		off += (size_t)snprintf(buf + off, n - off, "%s%s", p == t->pub.params ? "" : ", ", p->name);
	if (!off)
		snprintf(buf, n, "none");
}

static void rule_param(loader *l, prule *r, const json_t *rj, const json_t *pj, size_t k)
{
	char path[600], why[1024];
	const char *name = json_is_object(pj) ? jstr(pj, "name") : NULL;
	json_t *val = json_is_object(pj) ? json_object_get(pj, "value") : NULL;

	if (!name) {
		at(path, sizeof(path), "%s.params[%zu]", r->where, k);
		problem(l, path, "%s", json_is_object(pj) ? "has no name" : "is not an object with a name and a value");
		return;
	}
	at(path, sizeof(path), "%s.params.%s", r->where, name);
	const customs_policy_param *def = policy__param_def(r->trig, name);
	if (!def) {
		char names[1024];
		names_of_params(names, sizeof(names), r->trig);
		problem(l, path, "not a parameter of %s/%s; its parameters: %s", r->gate->pub.name, r->trig->pub.name,
			names);
		return;
	}
	/* Anchore keeps the last of two: a bundle that says it twice is a mistake */
	for (size_t j = 0; j < k; j++) {
		const char *other = jstr(json_array_get(json_object_get(rj, "params"), j), "name");
		if (other && policy__param_def(r->trig, other) == def) {
			problem(l, path, "given twice");
			return;
		}
	}
	if (!val || json_is_null(val))
		return; /* Anchore: a null value is no value */
	if (!json_is_string(val)) {
		char v[128];
		shown(v, sizeof(v), val);
		problem(l, path, "%s is %s; parameter values are strings", v, customs__json_type_name(val));
		return;
	}
	if (r->nparams == MAX_PARAMS) {
		problem(l, path, "more than %d parameters", MAX_PARAMS);
		return;
	}
	int rc = policy__param_parse(&r->params[r->nparams], def, json_string_value(val), why, sizeof(why));
	if (rc < 0)
		l->nomem = 1;
	if (rc <= 0) {
		policy__param_release(&r->params[r->nparams]);
		if (rc == 0)
			problem(l, path, "%s", why);
		return;
	}
	r->nparams++;
}

/* Gate and trigger found, parameters read: the required ones there? */
static void rule_params(loader *l, prule *r, const json_t *rj)
{
	json_t *params = json_object_get(rj, "params");
	char path[600];
	at(path, sizeof(path), "%s.params", r->where);
	if (params && !json_is_null(params) && !json_is_array(params)) {
		problem(l, path, "is %s; a list of {\"name\", \"value\"} is expected", customs__json_type_name(params));
		return;
	}
	if (!(r->params = calloc(MAX_PARAMS, sizeof(*r->params)))) {
		l->nomem = 1;
		return;
	}
	for (size_t k = 0; k < json_array_size(params); k++)
		rule_param(l, r, rj, json_array_get(params, k), k);
	for (const customs_policy_param *d = r->trig->pub.params; d && d->name; d++) {
		int given = 0;
		for (size_t k = 0; d->required && k < json_array_size(params); k++) {
			const json_t *pj = json_array_get(params, k);
			const char *n = jstr(pj, "name");
			const json_t *v = json_object_get(pj, "value");
			given |= n && policy__param_def(r->trig, n) == d && v && !json_is_null(v);
		}
		if (d->required && !given)
			problem(l, path, "%s/%s needs %s", r->gate->pub.name, r->trig->pub.name, d->name);
	}
	if (r->trig->check && r->trig->check(r, l->p) < 0)
		l->nomem = 1;
}

static void rule_read(loader *l, ppolicy *pol, prule *r, const json_t *rj, const char *where)
{
	char path[600], names[2048];
	r->policy = pol;
	if (!(r->where = customs_strdup(where))) {
		l->nomem = 1;
		return;
	}
	if (!json_is_object(rj)) {
		problem(l, where, "is %s; a rule is an object with gate, trigger, action and params",
			customs__json_type_name(rj));
		return;
	}
	r->id = opt_str(l, rj, "id", where);
	const char *gate = req_str(l, rj, "gate", where);
	const char *trig = req_str(l, rj, "trigger", where);
	const char *action = req_str(l, rj, "action", where);
	if (action && action_parse(&r->action, action) < 0) {
		at(path, sizeof(path), "%s.action", where);
		problem(l, path, "\"%.100s\" is not GO, WARN or STOP", action);
	}
	if (!gate)
		return;
	if (!(r->gate = policy__find_gate(gate))) {
		const customs_plugin *pl;
		at(path, sizeof(path), "%s.gate", where);
		if (!strncmp(gate, "plugin:", 7) && customs_plugin_find(&pl, CUSTOMS_PLUGIN_GATE, gate + 7) < 0) {
			/* not there, or broken: say which and why */
			problem(l, path, "%s", customs_error_last());
			return;
		}
		names_of_gates(names, sizeof(names));
		problem(l, path, "\"%.100s\" is not a gate; the gates: %s", gate, names);
		return;
	}
	if (!trig)
		return;
	if (!(r->trig = policy__find_trigger(r->gate, trig))) {
		at(path, sizeof(path), "%s.trigger", where);
		names_of_triggers(names, sizeof(names), r->gate);
		problem(l, path, "\"%.100s\" is not a trigger of gate %s; its triggers: %s", trig, r->gate->pub.name,
			names);
		return;
	}
	r->trigger_name = trig;
	rule_params(l, r, rj);
}

static void policy_read(loader *l, ppolicy *pol, const json_t *pj, size_t i)
{
	char where[64], path[600];
	at(where, sizeof(where), "policies[%zu]", i);
	if (!json_is_object(pj)) {
		problem(l, where, "is %s; a policy is an object with an id and rules", customs__json_type_name(pj));
		return;
	}
	pol->id = req_str(l, pj, "id", where);
	pol->name = opt_str(l, pj, "name", where);
	const char *v = opt_str(l, pj, "version", where);
	if (v && strcmp(v, "1_0")) {
		at(path, sizeof(path), "%s.version", where);
		problem(l, path, "\"%.40s\" is not a supported policy version (1_0)", v);
	}
	json_t *rules = opt_list(l, pj, "rules", where);
	if (!json_object_get(pj, "rules")) {
		at(path, sizeof(path), "%s.rules", where);
		problem(l, path, "missing");
	}
	if (l->rules + json_array_size(rules) > MAX_RULES) {
		at(path, sizeof(path), "%s.rules", where);
		problem(l, path, "more than %d rules in the bundle", MAX_RULES);
		return;
	}
	if (json_array_size(rules) && !(pol->rules = calloc(json_array_size(rules), sizeof(*pol->rules)))) {
		l->nomem = 1;
		return;
	}
	for (size_t k = 0; k < json_array_size(rules) && !l->nomem; k++) {
		at(path, sizeof(path), "%s.rules[%zu]", where, k);
		rule_read(l, pol, &pol->rules[k], json_array_get(rules, k), path);
		pol->nrules++;
	}
	l->rules += pol->nrules;
}

/* ---- allowlists ---- */

static void item_scope(loader *l, customs_policy_allowlist_item *it, const json_t *ij, const char *where)
{
	char path[600];
	json_t *sc = json_object_get(ij, "scope");
	it->base_image = -1;
	if (!sc || json_is_null(sc))
		return;
	at(path, sizeof(path), "%s.scope", where);
	if (!json_is_object(sc)) {
		problem(l, path, "is %s; an object of registry, repository, digest, purl, path, base_image",
			customs__json_type_name(sc));
		return;
	}
	it->registry = opt_str(l, sc, "registry", path);
	it->repository = opt_str(l, sc, "repository", path);
	it->digest = opt_str(l, sc, "digest", path);
	it->purl = opt_str(l, sc, "purl", path);
	it->path = opt_str(l, sc, "path", path);
	json_t *bi = json_object_get(sc, "base_image");
	const char *bs = json_string_value(bi);
	if (json_is_boolean(bi))
		it->base_image = json_is_true(bi);
	else if (bs && (!strcasecmp(bs, "true") || !strcasecmp(bs, "false")))
		it->base_image = !strcasecmp(bs, "true");
	else if (bi && !json_is_null(bi)) {
		char v[128];
		shown(v, sizeof(v), bi);
		at(path, sizeof(path), "%s.scope.base_image", where);
		problem(l, path, "%s is not true or false", v);
	}
	for (void *iter = json_object_iter(sc); iter; iter = json_object_iter_next(sc, iter)) {
		const char *k = json_object_iter_key(iter);
		if (strcmp(k, "registry") && strcmp(k, "repository") && strcmp(k, "digest") && strcmp(k, "purl") &&
		    strcmp(k, "path") && strcmp(k, "base_image")) {
			at(path, sizeof(path), "%s.scope.%s", where, k);
			problem(l, path,
				"not a scope; a scope has registry, repository, digest, purl, path, base_image");
		}
	}
}

static void item_read(loader *l, customs_policy_allowlist_item *it, const pallowlist *al, const json_t *ij,
		      const char *where)
{
	char path[600];
	if (!json_is_object(ij)) {
		problem(l, where, "is %s; an item is an object with a gate and a trigger_id",
			customs__json_type_name(ij));
		return;
	}
	it->allowlist_id = al->id;
	it->allowlist_name = al->name;
	it->id = opt_str(l, ij, "id", where);
	it->gate = req_str(l, ij, "gate", where);
	it->trigger_id = req_str(l, ij, "trigger_id", where);
	it->reason = opt_str(l, ij, "reason", where);
	it->owner = opt_str(l, ij, "owner", where);
	if (it->trigger_id && !strncmp(it->trigger_id, "regexp:", 7)) {
		customs_regex *re;
		if (customs_regex_compile(&re, it->trigger_id + 7, 0) < 0) {
			at(path, sizeof(path), "%s.trigger_id", where);
			problem(l, path, "%s", customs_error_last());
		}
		customs_regex_free(re);
	}
	/* customs' "expires" is a day (or a time); Anchore's "expires_on" RFC 3339 */
	const char *keys[] = {"expires", "expires_on"};
	for (int k = 0; k < 2; k++) {
		const char *e = opt_str(l, ij, keys[k], where);
		if (!e || !*e)
			continue;
		long long t = policy__parse_time(e, 1);
		at(path, sizeof(path), "%s.%s", where, keys[k]);
		if (t < 0)
			problem(l, path, "\"%.60s\" is not a date (YYYY-MM-DD) or an RFC 3339 time", e);
		else if (!it->expires || t < it->expires_at)
			it->expires = e, it->expires_at = t;
	}
	item_scope(l, it, ij, where);
}

static void allowlist_read(loader *l, pallowlist *al, const json_t *aj, const char *where, size_t *total)
{
	char path[600];
	if (!json_is_object(aj)) {
		problem(l, where, "is %s; an allowlist is an object with an id and items", customs__json_type_name(aj));
		return;
	}
	al->id = req_str(l, aj, "id", where);
	al->name = opt_str(l, aj, "name", where);
	const char *v = opt_str(l, aj, "version", where);
	if (v && strcmp(v, "1_0")) {
		at(path, sizeof(path), "%s.version", where);
		problem(l, path, "\"%.40s\" is not a supported allowlist version (1_0)", v);
	}
	json_t *items = opt_list(l, aj, "items", where);
	if (*total + json_array_size(items) > MAX_ITEMS) {
		at(path, sizeof(path), "%s.items", where);
		problem(l, path, "more than %d allowlist items in the bundle", MAX_ITEMS);
		return;
	}
	customs_policy_bundle *b = l->b;
	customs_policy_allowlist_item *v2 = realloc(b->items, (*total + json_array_size(items) + 1) * sizeof(*v2));
	if (!v2) {
		l->nomem = 1;
		return;
	}
	b->items = v2;
	al->first = *total;
	for (size_t k = 0; k < json_array_size(items); k++) {
		customs_policy_allowlist_item *it = &b->items[*total];
		memset(it, 0, sizeof(*it));
		at(path, sizeof(path), "%s.items[%zu]", where, k);
		item_read(l, it, al, json_array_get(items, k), path);
		(*total)++;
		al->n++;
	}
}

/* ---- mappings and image rules ---- */

static void mapping_image(loader *l, pmapping *m, const json_t *mj, const char *where)
{
	char path[600];
	json_t *img = json_object_get(mj, "image");
	at(path, sizeof(path), "%s.image", where);
	m->registry = req_str(l, mj, "registry", where);
	m->repository = req_str(l, mj, "repository", where);
	if (!img) {
		problem(l, path, "missing");
		return;
	}
	if (!json_is_object(img)) {
		problem(l, path, "is %s; {\"type\": \"tag\", \"value\": \"*\"} is expected",
			customs__json_type_name(img));
		return;
	}
	m->image_type = req_str(l, img, "type", path);
	m->image_value = req_str(l, img, "value", path);
	if (m->image_type && strcmp(m->image_type, "tag") && strcmp(m->image_type, "digest") &&
	    strcmp(m->image_type, "id")) {
		at(path, sizeof(path), "%s.image.type", where);
		problem(l, path, "\"%.40s\" is not tag, digest or id", m->image_type);
	}
	const char *globs[] = {m->registry, m->repository,
			       m->image_type && !strcmp(m->image_type, "tag") ? m->image_value : NULL};
	for (int i = 0; i < 3; i++)
		if (globs[i] && !strncmp(globs[i], "regexp:", 7)) {
			customs_regex *re;
			if (customs_regex_compile(&re, globs[i] + 7, 0) < 0)
				problem(l, where, "%s", customs_error_last());
			customs_regex_free(re);
		}
}

static const ppolicy *policy_by_id(const customs_policy_bundle *b, const char *id)
{
	for (size_t i = 0; i < b->npolicies; i++)
		if (b->policies[i].id && !strcmp(b->policies[i].id, id))
			return &b->policies[i];
	return NULL;
}

static const pallowlist *allowlist_by_id(const customs_policy_bundle *b, const char *id)
{
	for (size_t i = 0; i < b->nallowlists; i++)
		if (b->allowlists[i].id && !strcmp(b->allowlists[i].id, id))
			return &b->allowlists[i];
	return NULL;
}

/* The ids in list resolved through find into *out; single: list holds
 * the one id of a "policy_id" (the path then has no index). */
static size_t refs(loader *l, const json_t *list, const char *where, const char *what, const void ***out,
		   const void *(*find)(const customs_policy_bundle *, const char *), int single)
{
	char path[600];
	size_t n = 0;
	if (!(*out = calloc(json_array_size(list) + 1, sizeof(**out)))) {
		l->nomem = 1;
		return 0;
	}
	for (size_t k = 0; k < json_array_size(list); k++) {
		const char *id = json_string_value(json_array_get(list, k));
		if (single)
			at(path, sizeof(path), "%s", where);
		else
			at(path, sizeof(path), "%s[%zu]", where, k);
		if (!id)
			problem(l, path, "is %s; an id is a string", customs__json_type_name(json_array_get(list, k)));
		else if (!((*out)[n] = find(l->b, id)))
			problem(l, path, "no %s has id \"%.100s\"", what, id);
		else
			n++;
	}
	return n;
}

static const void *find_policy(const customs_policy_bundle *b, const char *id)
{
	return policy_by_id(b, id);
}

static const void *find_allowlist(const customs_policy_bundle *b, const char *id)
{
	return allowlist_by_id(b, id);
}

static void mapping_read(loader *l, pmapping *m, const json_t *mj, const char *where)
{
	char path[600];
	if (!json_is_object(mj)) {
		problem(l, where, "is %s; a mapping is an object with registry, repository, image and policy_id",
			customs__json_type_name(mj));
		return;
	}
	m->id = opt_str(l, mj, "id", where);
	m->name = opt_str(l, mj, "name", where);
	mapping_image(l, m, mj, where);
	json_t *pid = json_object_get(mj, "policy_id"), *pids = json_object_get(mj, "policy_ids");
	json_t *one = NULL;
	if (pid && pids) {
		problem(l, where, "has both policy_id and policy_ids: use one");
		return;
	}
	if (!pid && !pids) {
		problem(l, where, "names no policy (policy_id or policy_ids)");
		return;
	}
	if (pid) {
		at(path, sizeof(path), "%s.policy_id", where);
		if (!(one = json_array()) || json_array_append(one, pid) < 0) {
			json_decref(one);
			l->nomem = 1;
			return;
		}
		m->npolicies = refs(l, one, path, "policy", (const void ***)&m->policies, find_policy, 1);
		json_decref(one);
	} else {
		at(path, sizeof(path), "%s.policy_ids", where);
		if (!json_is_array(pids))
			problem(l, path, "is %s; a list of policy ids is expected", customs__json_type_name(pids));
		else
			m->npolicies = refs(l, pids, path, "policy", (const void ***)&m->policies, find_policy, 0);
	}
	const char *keys[] = {"whitelist_ids", "allowlist_ids"};
	for (int k = 0; k < 2; k++) {
		json_t *wl = opt_list(l, mj, keys[k], where);
		if (!wl || m->allowlists)
			continue;
		at(path, sizeof(path), "%s.%s", where, keys[k]);
		m->nallowlists = refs(l, wl, path, "allowlist", (const void ***)&m->allowlists, find_allowlist, 0);
	}
}

/* mappings, whitelisted_images / allowlisted_images, blacklisted_images /
 * denylisted_images: lists of rules, both spellings read. */
static void rules_list(loader *l, const json_t *root, const char *k1, const char *k2, pmapping **out, size_t *n,
		       int mapping)
{
	json_t *a = opt_list(l, root, k1, ""), *b = k2 ? opt_list(l, root, k2, "") : NULL;
	size_t total = json_array_size(a) + json_array_size(b);
	char where[128];
	if (total > MAX_MAPPINGS) {
		problem(l, k1, "more than %d entries", MAX_MAPPINGS);
		return;
	}
	if (total && !(*out = calloc(total, sizeof(**out)))) {
		l->nomem = 1;
		return;
	}
	for (int s = 0; s < 2; s++) {
		const json_t *list = s ? b : a;
		for (size_t i = 0; i < json_array_size(list); i++) {
			pmapping *m = &(*out)[(*n)++];
			at(where, sizeof(where), "%s[%zu]", s ? k2 : k1, i);
			if (mapping)
				mapping_read(l, m, json_array_get(list, i), where);
			else if (!json_is_object(json_array_get(list, i)))
				problem(l, where,
					"is %s; an image rule is an object with registry, repository and image",
					customs__json_type_name(json_array_get(list, i)));
			else {
				m->id = opt_str(l, json_array_get(list, i), "id", where);
				m->name = opt_str(l, json_array_get(list, i), "name", where);
				mapping_image(l, m, json_array_get(list, i), where);
			}
		}
	}
}

/* ---- the bundle ---- */

static void unique_ids(loader *l)
{
	customs_policy_bundle *b = l->b;
	char path[64];
	for (size_t i = 0; i < b->npolicies; i++)
		for (size_t k = 0; k < i; k++)
			if (b->policies[i].id && b->policies[k].id && !strcmp(b->policies[i].id, b->policies[k].id)) {
				at(path, sizeof(path), "policies[%zu].id", i);
				problem(l, path, "\"%.100s\" is the id of policies[%zu] too", b->policies[i].id, k);
			}
	for (size_t i = 0; i < b->nallowlists; i++)
		for (size_t k = 0; k < i; k++)
			if (b->allowlists[i].id && b->allowlists[k].id &&
			    !strcmp(b->allowlists[i].id, b->allowlists[k].id)) {
				at(path, sizeof(path), "allowlists[%zu].id", i);
				problem(l, path, "\"%.100s\" is the id of another allowlist too", b->allowlists[i].id);
			}
}

static void bundle_read(loader *l, const json_t *root)
{
	customs_policy_bundle *b = l->b;
	if (!json_is_object(root)) {
		problem(l, "", "the document is %s; a policy bundle is an object", customs__json_type_name(root));
		return;
	}
	const char *v = req_str(l, root, "version", "");
	if (v && strcmp(v, "1_0"))
		problem(l, "version", "\"%.40s\" is not a supported bundle version; customs reads \"1_0\"", v);
	b->id = opt_str(l, root, "id", "");
	b->name = opt_str(l, root, "name", "");

	json_t *pols = opt_list(l, root, "policies", "");
	if (!json_object_get(root, "policies"))
		problem(l, "policies", "missing");
	if (json_array_size(pols) > MAX_POLICIES) {
		problem(l, "policies", "more than %d policies", MAX_POLICIES);
		return;
	}
	if (json_array_size(pols) && !(b->policies = calloc(json_array_size(pols), sizeof(*b->policies)))) {
		l->nomem = 1;
		return;
	}
	for (size_t i = 0; i < json_array_size(pols) && !l->nomem; i++, b->npolicies++)
		policy_read(l, &b->policies[i], json_array_get(pols, i), i);

	/* both spellings: "whitelists" (1_0) and "allowlists" */
	json_t *wl[2] = {opt_list(l, root, "whitelists", ""), opt_list(l, root, "allowlists", "")};
	size_t nal = json_array_size(wl[0]) + json_array_size(wl[1]), total = 0;
	if (nal > MAX_MAPPINGS) {
		problem(l, "allowlists", "more than %d allowlists", MAX_MAPPINGS);
		return;
	}
	if (nal && !(b->allowlists = calloc(nal, sizeof(*b->allowlists)))) {
		l->nomem = 1;
		return;
	}
	for (int s = 0; s < 2 && !l->nomem; s++)
		for (size_t i = 0; i < json_array_size(wl[s]) && !l->nomem; i++) {
			char where[64];
			at(where, sizeof(where), "%s[%zu]", s ? "allowlists" : "whitelists", i);
			allowlist_read(l, &b->allowlists[b->nallowlists++], json_array_get(wl[s], i), where, &total);
		}
	b->nitems = total;
	unique_ids(l);
	rules_list(l, root, "mappings", NULL, &b->mappings, &b->nmappings, 1);
	rules_list(l, root, "whitelisted_images", "allowlisted_images", &b->allowed, &b->nallowed, 0);
	rules_list(l, root, "blacklisted_images", "denylisted_images", &b->denied, &b->ndenied, 0);
}

/* What the rules need from the layer pass. */
static int needs(customs_policy_bundle *b)
{
	int err;
	for (size_t i = 0; i < b->npolicies; i++)
		for (size_t k = 0; k < b->policies[i].nrules; k++) {
			const prule *r = &b->policies[i].rules[k];
			b->needs |= r->trig->pub.needs;
			if (r->trig->ask && (err = r->trig->ask(r, b)) < 0)
				return err;
		}
	return 0;
}

static void free_mappings(pmapping *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(m[i].policies), free(m[i].allowlists);
	free(m);
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void customs_policy_bundle_free(customs_policy_bundle *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->npolicies; i++) {
		for (size_t k = 0; k < b->policies[i].nrules; k++) {
			prule *r = &b->policies[i].rules[k];
			for (size_t j = 0; j < r->nparams; j++)
				policy__param_release(&r->params[j]);
			free(r->params);
			free(r->where);
		}
		free(b->policies[i].rules);
	}
	free(b->policies);
	free(b->allowlists);
	free(b->items);
	free_mappings(b->mappings, b->nmappings);
	free_mappings(b->allowed, b->nallowed);
	free_mappings(b->denied, b->ndenied);
	free_list(b->secret_patterns, b->nsecret);
	free_list(b->content_patterns, b->ncontent);
	free_list(b->retrieve_files, b->nretrieve);
	json_decref(b->doc);
	free(b);
}

static int digest(customs_policy_bundle *b)
{
	char *canon = json_dumps(b->doc, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	if (!canon)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	customs_sha256_digest(b->digest, canon, strlen(canon));
	free(canon);
	return 0;
}

/* The problems to the caller (out not NULL), or freed. */
static int give_problems(customs_policy_problems **out, pproblems *p)
{
	customs_policy_problems *r = malloc(sizeof(*r));
	if (r) {
		r->v = p->v;
		r->n = p->n;
		r->more = p->more;
	}
	if (r && out) {
		*out = r;
		return 0;
	}
	if (r)
		customs_policy_problems_free(r);
	else {
		for (size_t i = 0; i < p->n; i++)
			free((char *)p->v[i].path), free((char *)p->v[i].message);
		free(p->v);
	}
	return out ? customs__error(CUSTOMS_ENOMEM, "out of memory") : 0;
}

int customs_policy_bundle_load_mem(customs_policy_bundle **out, customs_policy_problems **problems, const char *name,
				   const char *buf, size_t len, const customs_policy_load_opts *opts)
{
	pproblems pp = {0};
	customs_policy_bundle *b = NULL;
	json_t *doc = NULL;
	size_t max = opts && opts->max_bytes ? opts->max_bytes : MAX_BUNDLE;
	int err = 0;

	*out = NULL;
	if (problems)
		*problems = NULL;
	if (opts && opts->version != CUSTOMS_POLICY_LOAD_OPTS_VERSION)
		return customs__error(CUSTOMS_EINVAL, "policy: load options of version %u; this library has %d",
				      opts->version, CUSTOMS_POLICY_LOAD_OPTS_VERSION);
	if (len > max) {
		err = customs__error(CUSTOMS_ELIMIT, "%s: %zu bytes, over the limit of %zu for a policy bundle", name,
				     len, max);
		policy__problem(&pp, "", "%zu bytes, over the limit of %zu for a policy bundle", len, max);
		goto done;
	}
	if ((err = customs__doc_parse(&doc, name, buf, len, 1)) < 0) {
		/* the detail is "NAME: line L column C: what": keep what follows NAME */
		const char *d = customs_error_last();
		size_t nl = strlen(name);
		policy__problem(&pp, "", "%s", !strncmp(d, name, nl) && !strncmp(d + nl, ": ", 2) ? d + nl + 2 : d);
		err = err == CUSTOMS_ENOMEM ? err : customs__error(err, "%s", d);
		goto done;
	}
	if (!(b = calloc(1, sizeof(*b)))) {
		json_decref(doc);
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
		goto done;
	}
	b->doc = doc;
	loader l = {.b = b, .p = &pp};
	bundle_read(&l, doc);
	if (l.nomem) {
		err = customs__error(CUSTOMS_ENOMEM, "out of memory reading %s", name);
		goto done;
	}
	if (pp.n) {
		err = customs__error(CUSTOMS_EFORMAT, "%s: %s%s%s (%zu problem%s)", name, pp.v[0].path,
				     *pp.v[0].path ? ": " : "", pp.v[0].message, pp.n + pp.more,
				     pp.n + pp.more == 1 ? "" : "s");
		goto done;
	}
	if ((err = digest(b)) < 0 || (err = needs(b)) < 0)
		goto done;
	*out = b;
	b = NULL;
done:
	customs_policy_bundle_free(b);
	if (give_problems(err < 0 ? problems : NULL, &pp) < 0)
		err = CUSTOMS_ENOMEM;
	return err;
}

int customs_policy_bundle_load(customs_policy_bundle **out, customs_policy_problems **problems, const char *path,
			       const customs_policy_load_opts *opts)
{
	char *buf = NULL;
	size_t len = 0, max = opts && opts->max_bytes ? opts->max_bytes : MAX_BUNDLE;
	int err;
	*out = NULL;
	if (problems)
		*problems = NULL;
	if ((err = customs_read_file(&buf, &len, path, max)) < 0) {
		if (err == CUSTOMS_ELIMIT && problems) {
			pproblems pp = {0};
			policy__problem(&pp, "", "over the limit of %zu bytes for a policy bundle", max);
			err = customs__error(CUSTOMS_ELIMIT, "%s: over the limit of %zu bytes for a policy bundle",
					     path, max);
			give_problems(problems, &pp);
		}
		return err;
	}
	err = customs_policy_bundle_load_mem(out, problems, path, buf, len, opts);
	free(buf);
	return err;
}

const char *customs_policy_bundle_digest(const customs_policy_bundle *b)
{
	return b->digest;
}

const char *customs_policy_bundle_id(const customs_policy_bundle *b)
{
	return b->id;
}

const char *customs_policy_bundle_name(const customs_policy_bundle *b)
{
	return b->name;
}

unsigned customs_policy_bundle_needs(const customs_policy_bundle *b)
{
	return b->needs;
}

const customs_policy_allowlist_item *customs_policy_bundle_items(const customs_policy_bundle *b, size_t *n)
{
	*n = b->nitems;
	return b->items;
}

int customs_policy_bundle_options(const customs_policy_bundle *b, customs_options *opts)
{
	if (opts->version != CUSTOMS_OPTIONS_VERSION)
		return customs__error(CUSTOMS_EINVAL, "policy: customs_options of version %u; this library has %d",
				      opts->version, CUSTOMS_OPTIONS_VERSION);
	if (b->needs & CUSTOMS_POLICY_NEEDS_SECRETS)
		opts->secrets = 1;
	if (b->nsecret)
		opts->secret_patterns = (const char *const *)b->secret_patterns;
	if (b->ncontent)
		opts->content_patterns = (const char *const *)b->content_patterns;
	if (b->needs & CUSTOMS_POLICY_NEEDS_CONFIG)
		opts->config_files = 1;
	if (b->nretrieve)
		opts->retrieve_files = (const char *const *)b->retrieve_files;
	if (b->needs & CUSTOMS_POLICY_NEEDS_DIGESTS)
		opts->file_digests = 1;
	if (b->needs & CUSTOMS_POLICY_NEEDS_VERIFY)
		opts->verify_packages = 1;
	return 0;
}
