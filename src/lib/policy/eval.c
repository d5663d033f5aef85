/* eval.c - evaluating a bundle (Anchore Engine policy/bundles.py
 * ExecutableBundle.execute): the first mapping that matches the tag picks
 * the policies and allowlists; every rule of those policies runs its
 * trigger; the mapping's allowlists silence findings (expired items stop
 * applying and are named); the actions fold STOP > WARN > GO; a
 * denylisted image is STOP and an allowlisted one GO whatever the rules
 * say.  The result is plain data (customs/policy.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "customs/customs.h"
#include "policy/policy_int.h"

/* The result and what it owns: the public struct first. */
typedef struct result {
	customs_policy_result pub;
	customs_arena arena;
	char **warnings;
	size_t nwarnings;
	customs_policy_item_note *notes;
	size_t nnotes, capnotes;
	char *tag;
} result;

static int nomem(void)
{
	return customs__error(CUSTOMS_ENOMEM, "out of memory");
}

/* ---- mappings ---- */

typedef struct target {
	char *registry, *repo, *tag, *digest; /* from the tag */
	const char *image_digest;             /* the analysis' manifest digest */
	const char *image_id;                 /* the config digest's hex: Anchore's image id */
} target;

/* MappingRule.matches: registry and repository, then by the image's kind. */
static int mapping_matches(const pmapping *m, const target *t)
{
	if (!policy__glob(m->registry, t->registry) || !policy__glob(m->repository, t->repo))
		return 0;
	int id = t->image_id && m->image_value && !strcmp(m->image_value, t->image_id);
	int dg = m->image_value && ((t->image_digest && !strcmp(m->image_value, t->image_digest)) ||
				    (t->digest && !strcmp(m->image_value, t->digest)));
	if (!strcmp(m->image_type, "digest"))
		return dg;
	if (!strcmp(m->image_type, "id"))
		return id;
	return (t->tag && policy__glob(m->image_value, t->tag)) || id || dg;
}

static const pmapping *first_match(const pmapping *v, size_t n, const target *t)
{
	for (size_t i = 0; i < n; i++)
		if (mapping_matches(&v[i], t))
			return &v[i];
	return NULL;
}

/* What the mappings match when no tag was given: the image's reference
 * when it came from a registry, else its first tag, else its name under
 * "localbuild" (Anchore's host for images built locally). */
static char *default_tag(const customs_analysis *a)
{
	const customs_image *im = &a->image;
	const char *ref = im->reference ? im->reference : "";
	if (im->source_kind && !strcmp(im->source_kind, "registry"))
		return customs_strdup(!strncmp(ref, "registry:", 9) ? ref + 9 : ref);
	if (im->tags.n && strchr(im->tags.v[0], ':') && strchr(im->tags.v[0], '/'))
		return customs_strdup(im->tags.v[0]);
	const char *path = im->source_path ? im->source_path : ref;
	const char *base = strrchr(path, '/');
	base = base && base[1] ? base + 1 : path;
	char name[256];
	snprintf(name, sizeof(name), "%s", *base ? base : "image");
	char *dot = strstr(name, ".tar");
	if (dot)
		*dot = '\0';
	return customs_asprintf("localbuild/%s:%s", name,
				im->tags.n && !strchr(im->tags.v[0], '/') ? im->tags.v[0] : "latest");
}

/* ---- rules and allowlists ---- */

static int run_rules(pctx *c, const pmapping *m)
{
	for (size_t p = 0; p < m->npolicies; p++)
		for (size_t k = 0; k < m->policies[p]->nrules; k++) {
			const prule *r = &m->policies[p]->rules[k];
			int err = r->trig->eval(c, r);
			if (err == CUSTOMS_ENOMEM)
				return err;
			if (err >= 0)
				continue;
			/* Anchore's PolicyRuleFailure: a rule that cannot run is a WARN, never silence */
			if ((err = policy__fire(c, r, "evaluation_error", -1, NULL, NULL,
						"%s/%s could not be evaluated: %s", r->gate->pub.name, r->trigger_name,
						customs_error_last())) < 0)
				return err;
			c->f[c->nf - 1].action = CUSTOMS_POLICY_WARN;
		}
	return 0;
}

static int note(pctx *c, result *res, const customs_policy_allowlist_item *it, const char *state, const char *msg)
{
	for (size_t i = 0; i < res->nnotes; i++)
		if (res->notes[i].item == it && !strcmp(res->notes[i].state, state))
			return 0;
	if (CUSTOMS_ARRAY_GROW(res->notes, res->nnotes, res->capnotes) < 0)
		return nomem();
	res->notes[res->nnotes].item = it;
	res->notes[res->nnotes].state = state;
	if (!(res->notes[res->nnotes].message = customs_arena_strdup(&c->arena, msg)))
		return nomem();
	res->nnotes++;
	return 0;
}

/* Every finding against the mapping's allowlists, in their order; the
 * first item that applies silences it.  An item that would apply but
 * expired leaves the finding as it is and says so. */
static int apply_allowlists(pctx *c, result *res, const pmapping *m, const target *t)
{
	char msg[512];
	int err;
	for (size_t i = 0; i < c->nf; i++) {
		customs_policy_finding *f = &c->f[i];
		for (size_t w = 0; w < m->nallowlists && !f->allowlisted_by; w++) {
			const pallowlist *al = m->allowlists[w];
			for (size_t k = 0; k < al->n && !f->allowlisted_by; k++) {
				const customs_policy_allowlist_item *it = &c->b->items[al->first + k];
				int rc = policy__item_applies(it, f, t->registry, t->repo, t->image_digest, c->now);
				if (rc == 1)
					f->allowlisted_by = it;
				else if (rc == 2 && !f->expired_item)
					f->expired_item = it;
			}
		}
		if (f->allowlisted_by || !f->expired_item)
			continue;
		snprintf(msg, sizeof(msg), "allowlist %s item %s (%s %s) expired on %s: it no longer applies",
			 f->expired_item->allowlist_id ? f->expired_item->allowlist_id : "?",
			 f->expired_item->id ? f->expired_item->id : "(no id)", f->expired_item->gate,
			 f->expired_item->trigger_id, f->expired_item->expires);
		if ((err = note(c, res, f->expired_item, "expired", msg)) < 0)
			return err;
	}
	return 0;
}

/* Items of the mapping's allowlists that silenced nothing because the
 * vulnerability they name is fixed in the version installed. */
static int stale_items(pctx *c, result *res, const pmapping *m)
{
	int err;
	for (size_t w = 0; w < m->nallowlists; w++) {
		const pallowlist *al = m->allowlists[w];
		for (size_t k = 0; k < al->n; k++) {
			const customs_policy_allowlist_item *it = &c->b->items[al->first + k];
			size_t i;
			char msg[512];
			for (i = 0; i < c->nf && c->f[i].allowlisted_by != it; i++)
				;
			if (i < c->nf || !it->gate || strcasecmp(it->gate, "vulnerabilities"))
				continue;
			if ((err = policy__stale(c, it, msg, sizeof(msg))) < 0)
				return err;
			if (err == 1 && (err = note(c, res, it, "stale", msg)) < 0)
				return err;
		}
	}
	return 0;
}

/* ---- the result ---- */

static void fold(result *res, const pctx *c)
{
	customs_policy_result *r = &res->pub;
	r->policy_action = CUSTOMS_POLICY_GO;
	for (size_t i = 0; i < c->nf; i++) {
		const customs_policy_finding *f = &c->f[i];
		if (f->allowlisted_by) {
			r->allowlisted++;
			continue;
		}
		if (f->action > r->policy_action)
			r->policy_action = f->action;
		if (f->action == CUSTOMS_POLICY_STOP)
			r->stop++;
		else if (f->action == CUSTOMS_POLICY_WARN)
			r->warn++;
		else
			r->go++;
	}
}

void customs_policy_result_free(customs_policy_result *pub)
{
	result *res = (result *)pub;
	if (!res)
		return;
	for (size_t i = 0; i < res->nwarnings; i++)
		free(res->warnings[i]);
	free(res->warnings);
	free(res->notes);
	free((void *)res->pub.findings);
	free(res->tag);
	customs_arena_release(&res->arena);
	free(res);
}

static void ctx_release(pctx *c)
{
	for (size_t i = 0; i < c->nwarnings; i++)
		free(c->warnings[i]);
	free(c->warnings);
	free(c->f);
	policy__dockerfile_free(c->df);
	policy__dates_release(c);
	for (size_t i = 0; i < c->nowned; i++)
		free(c->owned[i]);
	free(c->owned);
	customs_arena_release(&c->arena);
}

static int decide(pctx *c, result *res, const target *t)
{
	const customs_policy_bundle *b = c->b;
	customs_policy_result *r = &res->pub;
	const pmapping *m = first_match(b->mappings, b->nmappings, t);
	int err;
	r->reason = "policy_evaluation";
	if (m) {
		r->mapping_id = m->id;
		r->mapping_name = m->name;
		if ((err = run_rules(c, m)) < 0 || (err = apply_allowlists(c, res, m, t)) < 0 ||
		    (err = stale_items(c, res, m)) < 0)
			return err;
	} else {
		r->reason = "no_mapping";
		policy__warn(c, "no mapping of bundle %s matches %s: no policy was evaluated",
			     b->id ? b->id : "(no id)", res->tag);
	}
	fold(res, c);
	r->final_action = r->policy_action;
	const pmapping *deny = first_match(b->denied, b->ndenied, t), *allow = first_match(b->allowed, b->nallowed, t);
	if (deny) {
		r->final_action = CUSTOMS_POLICY_STOP;
		r->reason = "denylisted_image";
		r->image_rule = deny->name ? deny->name : deny->id ? deny->id : "(unnamed)";
	} else if (allow) {
		r->final_action = CUSTOMS_POLICY_GO;
		r->reason = "allowlisted_image";
		r->image_rule = allow->name ? allow->name : allow->id ? allow->id : "(unnamed)";
	}
	return 0;
}

/* The context's findings and warnings become the result's. */
static void hand_over(pctx *c, result *res)
{
	customs_policy_result *r = &res->pub;
	r->findings = c->f;
	r->n = c->nf;
	c->f = NULL;
	c->nf = 0;
	res->warnings = c->warnings;
	res->nwarnings = c->nwarnings;
	r->warnings = (const char *const *)c->warnings;
	r->nwarnings = c->nwarnings;
	c->warnings = NULL;
	c->nwarnings = 0;
	r->notes = res->notes;
	r->nnotes = res->nnotes;
	/* the findings' and notes' strings live in the context's arena: the result keeps it */
	res->arena = c->arena;
	memset(&c->arena, 0, sizeof(c->arena));
}

int customs_policy_evaluate(customs_policy_result **out, const customs_policy_bundle *b, const customs_analysis *a,
			    const customs_policy_eval_opts *opts)
{
	static const customs_policy_eval_opts defaults = {.version = CUSTOMS_POLICY_EVAL_OPTS_VERSION};
	pctx c = {.b = b, .a = a};
	target t = {0};
	result *res;
	int err;

	*out = NULL;
	if (!opts)
		opts = &defaults;
	if (opts->version != CUSTOMS_POLICY_EVAL_OPTS_VERSION)
		return customs__error(CUSTOMS_EINVAL, "policy: evaluation options of version %u; this library has %d",
				      opts->version, CUSTOMS_POLICY_EVAL_OPTS_VERSION);
	if (!(res = calloc(1, sizeof(*res))))
		return nomem();
	c.o = opts;
	c.now = opts->now ? opts->now : (long long)time(NULL);
	res->tag = opts->tag ? customs_strdup(opts->tag) : default_tag(a);
	if (!res->tag || (err = policy__parse_tag(res->tag, &t.registry, &t.repo, &t.tag, &t.digest)) < 0) {
		err = nomem();
		goto done;
	}
	t.image_digest = a->image.manifest_digest ? a->image.manifest_digest : a->image.config_digest;
	t.image_id = a->image.config_digest && !strncmp(a->image.config_digest, "sha256:", 7)
			     ? a->image.config_digest + 7
			     : NULL;
	customs_policy_result *r = &res->pub;
	r->bundle_id = b->id;
	r->bundle_name = b->name;
	r->bundle_digest = b->digest;
	r->tag = res->tag;
	r->image_digest = t.image_digest;
	r->evaluated_at = c.now;
	r->base_layers = opts->base_layers > 0 ? opts->base_layers : 0;
	r->dockerfile_mode = opts->dockerfile ? "actual" : "guessed";
	if ((err = decide(&c, res, &t)) < 0)
		goto done;
	hand_over(&c, res);
	*out = r;
	res = NULL;
done:
	free(t.registry), free(t.repo), free(t.tag), free(t.digest);
	ctx_release(&c);
	if (res)
		customs_policy_result_free(&res->pub);
	return err;
}
