/* match_rules.c - what silences a match: ignore rules (JSON or YAML, in
 * the style of Grype's ignore list) and OpenVEX statements (OpenVEX
 * specification v0.2.0, "Statement"), read from files and applied to the
 * matches of an analysis. */
#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "customs/purl.h"
#include "vuln/match_int.h"

#define MAX_RULE_FILE (16u << 20) /* an ignore or VEX file */

struct ignore_rule {
	char *id, *name, *version, *type, *location, *expires, *reason, *where;
	int fix_state; /* -1: any */
};

struct vex_stmt {
	char **vulns;
	size_t nvulns;
	json_t *stmt; /* the statement object (products, subcomponents) */
	char *status, *justification, *impact, *timestamp, *where;
	size_t order;
};

struct customs_match_rules {
	struct ignore_rule *ign;
	size_t nign, capign;
	struct vex_stmt *vex;
	size_t nvex, capvex;
};

int customs_match_rules_new(customs_match_rules **out)
{
	if (!out)
		return customs__error(CUSTOMS_EINVAL, "match: NULL argument");
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : customs__error(CUSTOMS_ENOMEM, "out of memory");
}

static void ignore_rule_release(struct ignore_rule *x)
{
	free(x->id), free(x->name), free(x->version), free(x->type), free(x->location);
	free(x->expires), free(x->reason), free(x->where);
}

static void vex_stmt_release(struct vex_stmt *x)
{
	for (size_t k = 0; k < x->nvulns; k++)
		free(x->vulns[k]);
	free(x->vulns);
	json_decref(x->stmt);
	free(x->status), free(x->justification), free(x->impact), free(x->timestamp), free(x->where);
}

void customs_match_rules_free(customs_match_rules *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nign; i++)
		ignore_rule_release(&r->ign[i]);
	for (size_t i = 0; i < r->nvex; i++)
		vex_stmt_release(&r->vex[i]);
	free(r->ign);
	free(r->vex);
	free(r);
}

static int load_rule_file(json_t **out, const char *path, int allow_yaml)
{
	char *buf = NULL;
	size_t len = 0;
	int err;

	*out = NULL;
	if ((err = customs_read_file(&buf, &len, path, MAX_RULE_FILE)) < 0)
		return err;
	err = customs__doc_parse(out, path, buf, len, allow_yaml);
	free(buf);
	if (!err && json_is_null(*out)) {
		json_decref(*out);
		*out = json_array(); /* an empty YAML document: no rules */
	}
	return err;
}

static const char *jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

int match__valid_date(const char *s)
{
	if (!s || strlen(s) < 10)
		return 0;
	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : !isdigit((unsigned char)s[i]))
			return 0;
	return s[10] == '\0' || s[10] == 'T' || s[10] == ' ';
}

int customs_match_rules_add_ignore(customs_match_rules *r, const char *path)
{
	json_t *root, *list;
	int err;

	if (!r || !path)
		return customs__error(CUSTOMS_EINVAL, "match: NULL argument");
	if ((err = load_rule_file(&root, path, 1)) < 0)
		return err;
	list = json_is_object(root) ? json_object_get(root, "ignore") : root;
	if (json_is_object(root) && !list)
		list = json_object_get(root, "rules");
	if (!json_is_array(list)) {
		json_decref(root);
		return customs__error(CUSTOMS_EFORMAT, "%s: an ignore file is a list of rules, or an object with an \"ignore\" list",
				      path);
	}
	for (size_t i = 0; i < json_array_size(list); i++) {
		json_t *o = json_array_get(list, i), *pk = json_object_get(o, "package");
		struct ignore_rule x = {0};
		const char *fs;
		x.fix_state = -1;
		if (!json_is_object(o)) {
			err = customs__error(CUSTOMS_EFORMAT, "%s: rule %zu is not an object", path, i + 1);
			goto bad;
		}
		const char *id = jstr(o, "id") ? jstr(o, "id") : jstr(o, "vulnerability");
		x.id = customs_strdup(id);
		if (json_is_string(pk))
			x.name = customs_strdup(json_string_value(pk));
		else if (json_is_object(pk)) {
			x.name = customs_strdup(jstr(pk, "name"));
			x.version = customs_strdup(jstr(pk, "version"));
			x.type = customs_strdup(jstr(pk, "type"));
			x.location = customs_strdup(jstr(pk, "location"));
		} else if (pk) {
			err = customs__error(CUSTOMS_EFORMAT, "%s: rule %zu: \"package\" is a name or an object", path, i + 1);
			goto bad;
		}
		fs = jstr(o, "fix-state") ? jstr(o, "fix-state") : jstr(o, "fix_state");
		if (fs) {
			static const char *const ok[] = {"fixed", "not-fixed", "wont-fix", "unknown", "not-affected"};
			for (int k = 0; k < 5; k++)
				if (!strcmp(fs, ok[k]))
					x.fix_state = (int)customs_fix_state_parse(fs);
			if (x.fix_state < 0) {
				err = customs__error(CUSTOMS_EFORMAT, "%s: rule %zu: fix-state \"%.32s\" is not fixed, not-fixed, wont-fix or unknown",
						     path, i + 1, fs);
				goto bad;
			}
		}
		if (jstr(o, "expires")) {
			if (!match__valid_date(jstr(o, "expires"))) {
				err = customs__error(CUSTOMS_EFORMAT, "%s: rule %zu: expires \"%.32s\" is not a date (YYYY-MM-DD)", path,
						     i + 1, jstr(o, "expires"));
				goto bad;
			}
			x.expires = customs_strndup(jstr(o, "expires"), 10);
		}
		x.reason = customs_strdup(jstr(o, "reason"));
		if (!x.id && !x.name && !x.version && !x.type && !x.location && x.fix_state < 0) {
			err = customs__error(CUSTOMS_EFORMAT, "%s: rule %zu names nothing to match (id, package, fix-state)", path, i + 1);
			goto bad;
		}
		x.where = customs_asprintf("%s rule %zu", path, i + 1);
		if ((err = CUSTOMS_ARRAY_GROW(r->ign, r->nign, r->capign)) < 0)
			goto bad;
		r->ign[r->nign++] = x;
		continue;
	bad:
		ignore_rule_release(&x);
		json_decref(root);
		return err;
	}
	json_decref(root);
	return 0;
}

int customs_match_rules_add_vex(customs_match_rules *r, const char *path)
{
	json_t *root, *stmts;
	int err;

	if (!r || !path)
		return customs__error(CUSTOMS_EINVAL, "match: NULL argument");
	if ((err = load_rule_file(&root, path, 0)) < 0)
		return err;
	stmts = json_object_get(root, "statements");
	if (!json_is_array(stmts)) {
		json_decref(root);
		return customs__error(CUSTOMS_EFORMAT, "%s: not an OpenVEX document (no \"statements\" list)", path);
	}
	const char *doc_ts = jstr(root, "timestamp");
	for (size_t i = 0; i < json_array_size(stmts); i++) {
		json_t *s = json_array_get(stmts, i), *v = json_object_get(s, "vulnerability");
		struct vex_stmt x = {0};
		const char *st = jstr(s, "status");
		if (!json_is_object(s) || !st) {
			err = customs__error(CUSTOMS_EFORMAT, "%s: statement %zu has no status", path, i + 1);
			goto bad;
		}
		if (strcmp(st, "not_affected") && strcmp(st, "affected") && strcmp(st, "fixed") &&
		    strcmp(st, "under_investigation")) {
			err = customs__error(CUSTOMS_EFORMAT,
					     "%s: statement %zu: status \"%.32s\" is not not_affected, affected, fixed or under_investigation",
					     path, i + 1, st);
			goto bad;
		}
		/* vulnerability: a string (v0.0.x) or {name, @id, aliases} */
		const char *names[64];
		size_t nn = 0;
		if (json_is_string(v))
			names[nn++] = json_string_value(v);
		else if (json_is_object(v)) {
			if (jstr(v, "name"))
				names[nn++] = jstr(v, "name");
			if (jstr(v, "@id"))
				names[nn++] = jstr(v, "@id");
			json_t *al = json_object_get(v, "aliases");
			for (size_t k = 0; k < json_array_size(al) && nn < 64; k++)
				if (json_is_string(json_array_get(al, k)))
					names[nn++] = json_string_value(json_array_get(al, k));
		}
		if (!nn) {
			err = customs__error(CUSTOMS_EFORMAT, "%s: statement %zu names no vulnerability", path, i + 1);
			goto bad;
		}
		if (!json_is_array(json_object_get(s, "products")) || !json_array_size(json_object_get(s, "products"))) {
			err = customs__error(CUSTOMS_EFORMAT, "%s: statement %zu has no products", path, i + 1);
			goto bad;
		}
		if (!(x.vulns = calloc(nn, sizeof(*x.vulns)))) {
			err = customs__error(CUSTOMS_ENOMEM, "out of memory");
			goto bad;
		}
		for (size_t k = 0; k < nn; k++) {
			/* "@id" may be a URL ending in the id */
			const char *id = names[k], *slash = strrchr(id, '/');
			x.vulns[x.nvulns++] = customs_strdup(slash && slash[1] ? slash + 1 : id);
		}
		x.stmt = json_incref(s);
		x.status = customs_strdup(st);
		x.justification = customs_strdup(jstr(s, "justification"));
		x.impact = customs_strdup(jstr(s, "impact_statement") ? jstr(s, "impact_statement") : jstr(s, "action_statement"));
		x.timestamp = customs_strdup(jstr(s, "timestamp") ? jstr(s, "timestamp") : doc_ts);
		x.where = customs_asprintf("%s statement %zu", path, i + 1);
		x.order = r->nvex;
		if ((err = CUSTOMS_ARRAY_GROW(r->vex, r->nvex, r->capvex)) < 0)
			goto bad;
		r->vex[r->nvex++] = x;
		continue;
	bad:
		vex_stmt_release(&x);
		json_decref(root);
		return err;
	}
	json_decref(root);
	return 0;
}


/* ---- applying them ---- */

static int purl_matches(const char *want, const char *have, const char *image_digest, int *image_wide)
{
	customs_purl *w = NULL, *h = NULL;
	int ok = 0;
	*image_wide = 0;
	if (!want)
		return 0;
	if (customs_purl_parse_ext(&w, want, CUSTOMS_PURL_LENIENT) < 0) {
		customs_error_clear();
		return 0;
	}
	if (!strcmp(w->type, "oci") || !strcmp(w->type, "docker")) {
		/* the image itself: it must be this one when a digest is given */
		*image_wide = !w->version || !image_digest || !strcmp(w->version, image_digest);
		customs_purl_free(w);
		return 0;
	}
	if (have && customs_purl_parse_ext(&h, have, CUSTOMS_PURL_LENIENT) == 0) {
		ok = !strcmp(w->type, h->type) && !strcmp(w->name, h->name) &&
		     (!w->namespace_ || (h->namespace_ && !strcmp(w->namespace_, h->namespace_))) &&
		     (!w->version || (h->version && !strcmp(w->version, h->version)));
		for (size_t i = 0; ok && i < w->nqualifiers; i++) {
			const char *hv = customs_purl_qualifier(h, w->qkeys[i]);
			ok = hv && !strcmp(hv, w->qvals[i]);
		}
	}
	customs_error_clear();
	customs_purl_free(w);
	customs_purl_free(h);
	return ok;
}

static const char *product_id(const json_t *p)
{
	if (json_is_string(p))
		return json_string_value(p);
	const char *id = jstr(p, "@id");
	json_t *ident = json_object_get(p, "identifiers");
	if (jstr(ident, "purl"))
		return jstr(ident, "purl");
	return id;
}

static int vex_applies(const struct vex_stmt *s, const customs_match *m, const char *image_digest)
{
	int named = 0;
	for (size_t i = 0; i < s->nvulns && !named; i++)
		named = match__has_id(m->ids, m->nids, s->vulns[i]);
	if (!named)
		return 0;
	json_t *prods = json_object_get(s->stmt, "products"), *ssubs = json_object_get(s->stmt, "subcomponents");
	for (size_t i = 0; i < json_array_size(prods); i++) {
		json_t *p = json_array_get(prods, i), *subs = json_object_get(p, "subcomponents");
		int wide = 0, w2;
		if (purl_matches(product_id(p), m->purl, image_digest, &wide))
			return 1;
		size_t nsub = json_array_size(subs) + json_array_size(ssubs);
		for (size_t k = 0; k < json_array_size(subs); k++)
			if (purl_matches(product_id(json_array_get(subs, k)), m->purl, image_digest, &w2))
				return 1;
		for (size_t k = 0; k < json_array_size(ssubs); k++)
			if (purl_matches(product_id(json_array_get(ssubs, k)), m->purl, image_digest, &w2))
				return 1;
		if (wide && !nsub)
			return 1; /* a statement about the whole image */
	}
	return 0;
}

static int rule_applies(const struct ignore_rule *r, const customs_match *m)
{
	if (r->id && !match__has_id(m->ids, m->nids, r->id))
		return 0;
	if (r->name && (!m->name || fnmatch(r->name, m->name, 0) != 0))
		return 0;
	if (r->version && (!m->version || strcmp(r->version, m->version)) && (!m->installed || strcmp(r->version, m->installed)))
		return 0;
	if (r->type && (!m->type || strcmp(r->type, m->type)))
		return 0;
	if (r->location && (!m->location || (fnmatch(r->location, m->location, 0) != 0 &&
					     !(r->location[0] == '/' && fnmatch(r->location + 1, m->location, 0) == 0))))
		return 0;
	if (r->fix_state >= 0 && (int)m->fix_state != r->fix_state)
		return 0;
	return 1;
}

int match__rules_expired(const customs_match_rules *r, const char *today,
			 int (*say)(void *ud, const char *msg), void *ud)
{
	char msg[1024];
	int err;

	for (size_t i = 0; r && i < r->nign; i++) {
		const struct ignore_rule *x = &r->ign[i];
		if (!x->expires || strcmp(x->expires, today) >= 0)
			continue;
		snprintf(msg, sizeof(msg), "ignore %s%s%s expired on %s: no longer applied", x->where, x->id ? " for " : "",
			 x->id ? x->id : "", x->expires);
		if ((err = say(ud, msg)) < 0)
			return err;
	}
	return 0;
}

/* The latest VEX statement about m, or NULL. */
static const struct vex_stmt *vex_for(const customs_match_rules *r, const customs_match *m, const char *image_digest)
{
	const struct vex_stmt *best = NULL;

	for (size_t i = 0; i < r->nvex; i++) {
		const struct vex_stmt *s = &r->vex[i];
		if (!vex_applies(s, m, image_digest))
			continue;
		if (!best || (s->timestamp && best->timestamp && strcmp(s->timestamp, best->timestamp) >= 0) ||
		    (!s->timestamp || !best->timestamp))
			best = s;
	}
	return best;
}

int match__rules_apply(const customs_match_rules *r, customs_match *m, const char *image_digest, const char *today,
		       customs_arena *ar)
{
	const struct vex_stmt *best;

	if (!r)
		return 0;
	if ((best = vex_for(r, m, image_digest))) {
		m->vex_status = best->status;
		m->vex_justification = best->justification;
		if (!m->suppressed && (!strcmp(best->status, "not_affected") || !strcmp(best->status, "fixed"))) {
			m->suppressed = CUSTOMS_SUPPRESS_VEX;
			m->suppressed_reason = customs_arena_printf(
				ar, "VEX %s: %s%s%s%s%s", best->where, best->status, best->justification ? " (" : "",
				best->justification ? best->justification : "", best->justification ? ")" : "",
				best->impact ? customs_arena_printf(ar, ": %s", best->impact) : "");
		}
	}
	for (size_t i = 0; !m->suppressed && i < r->nign; i++) {
		const struct ignore_rule *x = &r->ign[i];
		if (x->expires && strcmp(x->expires, today) < 0)
			continue;
		if (!rule_applies(x, m))
			continue;
		m->suppressed = CUSTOMS_SUPPRESS_IGNORE;
		m->suppressed_reason = customs_arena_printf(ar, "ignore %s%s%s%s%s", x->where, x->reason ? ": " : "",
							    x->reason ? x->reason : "", x->expires ? ", until " : "",
							    x->expires ? x->expires : "");
	}
	return m->suppressed && !m->suppressed_reason ? match__oom() : 0;
}
