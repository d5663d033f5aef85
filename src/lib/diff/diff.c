/* diff.c - two analyses compared (include/customs/diff.h): packages by
 * type, name, arch and where they were found; visible files by path in one
 * merge of the two sorted catalogs; layers by diff_id; the config field by
 * field; active matches by id and package. */
#include <stdlib.h>
#include <string.h>

#include "customs/diff.h"
#include "util/util.h"

typedef struct owned_diff {
	customs_diff d;
	customs_diff_package *p;
	size_t np, capp;
	customs_diff_file *f;
	size_t nf, capf;
	customs_diff_layer *l;
	size_t nl, capl;
	customs_diff_config *c;
	size_t nc, capc;
	customs_diff_vuln *v;
	size_t nv, capv;
	customs_arena ar;
} owned_diff;

const char *customs_diff_change_name(customs_diff_change c)
{
	return c == CUSTOMS_DIFF_ADDED ? "added" : c == CUSTOMS_DIFF_REMOVED ? "removed" : "changed";
}

static int nomem(void)
{
	return customs__error(CUSTOMS_ENOMEM, "out of memory");
}

static int streq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static int cmp0(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

/* ---- packages ---- */

static const char *location(const customs_package *p)
{
	const char *loc = p->metadata ? json_string_value(json_object_get(p->metadata, "location")) : NULL;
	return loc ? loc : p->db_path;
}

static int cmp_identity(const customs_package *a, const customs_package *b)
{
	int c;
	if ((c = cmp0(a->type, b->type)) || (c = cmp0(a->name, b->name)) || (c = cmp0(a->arch, b->arch)))
		return c;
	return cmp0(location(a), location(b));
}

static int cmp_pkg(const void *x, const void *y)
{
	const customs_package *a = *(const customs_package *const *)x, *b = *(const customs_package *const *)y;
	int c = cmp_identity(a, b);
	return c ? c : cmp0(a->version, b->version);
}

/* the visible packages of a, sorted by identity, then version */
static const customs_package **visible_packages(const customs_analysis *a, size_t *n)
{
	const customs_package **v = calloc(a->npackages + 1, sizeof(*v));
	*n = 0;
	if (!v)
		return NULL;
	for (size_t i = 0; i < a->npackages; i++)
		if (a->packages[i]->visible)
			v[(*n)++] = a->packages[i];
	qsort(v, *n, sizeof(*v), cmp_pkg);
	return v;
}

static int add_pkg(owned_diff *o, customs_diff_change ch, const customs_package *a, const customs_package *b)
{
	const customs_package *p = b ? b : a;
	if (o->np == o->capp && CUSTOMS_ARRAY_GROW(o->p, o->np, o->capp) < 0)
		return nomem();
	o->p[o->np++] = (customs_diff_package){ch, p->name, p->type, p->arch, location(p), a ? a->version : NULL,
					       b ? b->version : NULL, p->layer};
	o->d.packages_count[ch]++;
	return 0;
}

/* One identity's packages in A (a[0..na)) and in B (b[0..nb)), both by
 * version: equal versions cancel, the rest pair up as changes, what is
 * left over is removed or added. */
static int diff_run(owned_diff *o, const customs_package **a, size_t na, const customs_package **b, size_t nb)
{
	size_t i = 0, j = 0, ra = 0, rb = 0;
	const customs_package **la = calloc(na + 1, sizeof(*la)), **lb = calloc(nb + 1, sizeof(*lb));
	int err = la && lb ? 0 : nomem();
	while (!err && i < na && j < nb) {
		int c = cmp0(a[i]->version, b[j]->version);
		if (!c)
			i++, j++;
		else if (c < 0)
			la[ra++] = a[i++];
		else
			lb[rb++] = b[j++];
	}
	while (!err && i < na)
		la[ra++] = a[i++];
	while (!err && j < nb)
		lb[rb++] = b[j++];
	for (size_t k = 0; !err && (k < ra || k < rb); k++)
		err = k < ra && k < rb ? add_pkg(o, CUSTOMS_DIFF_CHANGED, la[k], lb[k])
		      : k < ra     ? add_pkg(o, CUSTOMS_DIFF_REMOVED, la[k], NULL)
				   : add_pkg(o, CUSTOMS_DIFF_ADDED, NULL, lb[k]);
	free(la), free(lb);
	return err;
}

static int diff_packages(owned_diff *o, const customs_analysis *A, const customs_analysis *B)
{
	size_t na, nb, i = 0, j = 0;
	const customs_package **a = visible_packages(A, &na), **b = visible_packages(B, &nb);
	int err = a && b ? 0 : nomem();
	while (!err && (i < na || j < nb)) {
		int c = i == na ? 1 : j == nb ? -1 : cmp_identity(a[i], b[j]);
		size_t ie = i, je = j;
		if (c <= 0)
			while (ie < na && !cmp_identity(a[ie], a[i]))
				ie++;
		if (c >= 0)
			while (je < nb && !cmp_identity(b[je], b[j]))
				je++;
		err = diff_run(o, a + i, ie - i, b + j, je - j);
		i = ie, j = je;
	}
	free(a), free(b);
	return err;
}

/* ---- files ---- */

static int add_file(owned_diff *o, customs_diff_change ch, const customs_file *a, const customs_file *b, unsigned what)
{
	if (o->nf == o->capf && CUSTOMS_ARRAY_GROW(o->f, o->nf, o->capf) < 0)
		return nomem();
	o->f[o->nf++] = (customs_diff_file){ch, a, b, what};
	o->d.files_count[ch]++;
	return 0;
}

static unsigned file_changes(const customs_file *a, const customs_file *b)
{
	unsigned w = 0;
	w |= a->type != b->type ? CUSTOMS_DIFF_TYPE : 0;
	w |= a->mode != b->mode ? CUSTOMS_DIFF_MODE : 0;
	w |= a->uid != b->uid || a->gid != b->gid ? CUSTOMS_DIFF_OWNER : 0;
	w |= a->size != b->size ? CUSTOMS_DIFF_SIZE : 0;
	w |= !streq(a->link, b->link) ? CUSTOMS_DIFF_LINK : 0;
	w |= a->has_digest && b->has_digest && memcmp(a->sha256, b->sha256, 32) ? CUSTOMS_DIFF_DIGEST : 0;
	return w;
}

static size_t next_visible(const customs_analysis *x, size_t i)
{
	while (i < x->nfiles && !x->files[i].visible)
		i++;
	return i;
}

static int diff_files(owned_diff *o, const customs_analysis *A, const customs_analysis *B)
{
	size_t i = next_visible(A, 0), j = next_visible(B, 0);
	int err = 0;
	/* both catalogs are sorted by path; one visible file per path */
	while (!err && (i < A->nfiles || j < B->nfiles)) {
		int c = i == A->nfiles ? 1 : j == B->nfiles ? -1 : strcmp(A->files[i].path, B->files[j].path);
		if (c < 0) {
			err = add_file(o, CUSTOMS_DIFF_REMOVED, &A->files[i], NULL, 0);
			i = next_visible(A, i + 1);
		} else if (c > 0) {
			err = add_file(o, CUSTOMS_DIFF_ADDED, NULL, &B->files[j], 0);
			j = next_visible(B, j + 1);
		} else {
			unsigned w = file_changes(&A->files[i], &B->files[j]);
			if (w)
				err = add_file(o, CUSTOMS_DIFF_CHANGED, &A->files[i], &B->files[j], w);
			i = next_visible(A, i + 1);
			j = next_visible(B, j + 1);
		}
	}
	return err;
}

/* ---- layers ---- */

static int diff_layers(owned_diff *o, const customs_analysis *A, const customs_analysis *B)
{
	for (size_t k = 0; k < A->nlayers + B->nlayers; k++) {
		int in_b = k >= A->nlayers;
		const customs_layer *l = in_b ? &B->layers[k - A->nlayers] : &A->layers[k];
		const customs_analysis *other = in_b ? A : B;
		int at = -1;
		for (size_t m = 0; l->diff_id && m < other->nlayers && at < 0; m++)
			if (streq(other->layers[m].diff_id, l->diff_id))
				at = (int)m;
		if (in_b && at >= 0)
			continue; /* listed with A's */
		if (o->nl == o->capl && CUSTOMS_ARRAY_GROW(o->l, o->nl, o->capl) < 0)
			return nomem();
		int here = in_b ? (int)(k - A->nlayers) : (int)k;
		o->l[o->nl++] = (customs_diff_layer){l->diff_id, l->created_by, in_b ? -1 : here, in_b ? here : at};
		o->d.layers_shared += !in_b && at >= 0;
	}
	return 0;
}

/* ---- config ---- */

static int add_config(owned_diff *o, const char *field, const char *key, const char *from, const char *to)
{
	if (streq(from, to))
		return 0;
	if (o->nc == o->capc && CUSTOMS_ARRAY_GROW(o->c, o->nc, o->capc) < 0)
		return nomem();
	customs_diff_change ch = !from ? CUSTOMS_DIFF_ADDED : !to ? CUSTOMS_DIFF_REMOVED : CUSTOMS_DIFF_CHANGED;
	o->c[o->nc++] = (customs_diff_config){ch, field, key, from, to};
	return 0;
}

/* a list as one line ("node server.js"), in the arena */
static const char *joined(owned_diff *o, const customs_strlist *l)
{
	customs_buf b = CUSTOMS_BUF_INIT(0);
	const char *s;
	if (!l->n)
		return NULL;
	for (size_t i = 0; i < l->n; i++)
		customs_buf_printf(&b, "%s%s", i ? " " : "", l->v[i]);
	s = customs_arena_strdup(&o->ar, b.ptr ? b.ptr : "");
	customs_buf_release(&b);
	return s;
}

/* env as KEY=VALUE: compared by KEY */
static int diff_env(owned_diff *o, const customs_strlist *a, const customs_strlist *b)
{
	int err = 0;
	for (int pass = 0; pass < 2 && !err; pass++) {
		const customs_strlist *x = pass ? b : a, *y = pass ? a : b;
		for (size_t i = 0; i < x->n && !err; i++) {
			const char *eq = strchr(x->v[i], '=');
			size_t kl = eq ? (size_t)(eq - x->v[i]) : strlen(x->v[i]);
			const char *other = NULL;
			for (size_t k = 0; k < y->n && !other; k++)
				if (!strncmp(y->v[k], x->v[i], kl) && (y->v[k][kl] == '=' || !y->v[k][kl]))
					other = y->v[k][kl] ? y->v[k] + kl + 1 : "";
			if (pass && other)
				continue; /* seen from A */
			const char *key = customs_arena_strndup(&o->ar, x->v[i], kl), *val = eq ? eq + 1 : "";
			if (!key)
				return nomem();
			err = pass ? add_config(o, "env", key, NULL, val) : add_config(o, "env", key, val, other);
		}
	}
	return err;
}

static int diff_labels(owned_diff *o, json_t *a, json_t *b)
{
	const char *k;
	json_t *v;
	int err = 0;
	json_object_foreach(a, k, v) {
		json_t *w = json_object_get(b, k);
		if ((err = add_config(o, "labels", k, json_string_value(v), w ? json_string_value(w) : NULL)) < 0)
			return err;
	}
	json_object_foreach(b, k, v)
		if (!json_object_get(a, k) && (err = add_config(o, "labels", k, NULL, json_string_value(v))) < 0)
			return err;
	return 0;
}

static int diff_config(owned_diff *o, const customs_analysis *A, const customs_analysis *B)
{
	const customs_config *a = &A->image.config, *b = &B->image.config;
	int err;
	char *ha = a->healthcheck ? json_dumps(a->healthcheck, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	char *hb = b->healthcheck ? json_dumps(b->healthcheck, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	const char *sha = ha ? customs_arena_strdup(&o->ar, ha) : NULL, *shb = hb ? customs_arena_strdup(&o->ar, hb) : NULL;
	free(ha), free(hb);
	if ((err = add_config(o, "user", NULL, a->user, b->user)) < 0 ||
	    (err = add_config(o, "workdir", NULL, a->workdir, b->workdir)) < 0 ||
	    (err = add_config(o, "entrypoint", NULL, joined(o, &a->entrypoint), joined(o, &b->entrypoint))) < 0 ||
	    (err = add_config(o, "cmd", NULL, joined(o, &a->cmd), joined(o, &b->cmd))) < 0 ||
	    (err = add_config(o, "ports", NULL, joined(o, &a->exposed_ports), joined(o, &b->exposed_ports))) < 0 ||
	    (err = add_config(o, "volumes", NULL, joined(o, &a->volumes), joined(o, &b->volumes))) < 0 ||
	    (err = add_config(o, "stop_signal", NULL, a->stop_signal, b->stop_signal)) < 0 ||
	    (err = add_config(o, "healthcheck", NULL, sha, shb)) < 0 || (err = diff_env(o, &a->env, &b->env)) < 0 ||
	    (err = diff_labels(o, a->labels, b->labels)) < 0)
		return err;
	return 0;
}

/* ---- vulnerabilities ---- */

/* a match's key: its id and package, in the arena */
static const char *match_key(owned_diff *o, const customs_match *m)
{
	return customs_arena_printf(&o->ar, "%s\x1f%s\x1f%s\x1f%s", m->id, m->name ? m->name : "",
				    m->version ? m->version : "", m->type ? m->type : "");
}

static int diff_vulns(owned_diff *o, const customs_match_result *ma, const customs_match_result *mb)
{
	/* an active match is keyed by its id and package; what one side has
	 * and the other does not is introduced (B) or fixed (A) */
	customs_strmap in[2] = {{0}, {0}};
	const customs_match_result *r[2] = {ma, mb};
	int err = 0;
	for (int s = 0; s < 2 && !err; s++)
		for (size_t i = 0; i < r[s]->n && !err; i++) {
			const customs_match *m = &r[s]->matches[i];
			const char *key = customs_match_active(m) ? match_key(o, m) : NULL;
			if (customs_match_active(m))
				err = key ? customs_strmap_put(&in[s], key, (void *)m) : nomem();
		}
	for (int s = 1; s >= 0 && !err; s--)
		for (size_t i = 0; i < r[s]->n && !err; i++) {
			const customs_match *m = &r[s]->matches[i];
			const char *key = customs_match_active(m) ? match_key(o, m) : NULL;
			if (!customs_match_active(m) || (key && customs_strmap_get(&in[!s], key, NULL)))
				continue;
			if (!key || (o->nv == o->capv && CUSTOMS_ARRAY_GROW(o->v, o->nv, o->capv) < 0)) {
				err = nomem();
				break;
			}
			customs_diff_change ch = s ? CUSTOMS_DIFF_ADDED : CUSTOMS_DIFF_REMOVED;
			o->v[o->nv++] = (customs_diff_vuln){ch, m};
			o->d.vulns_count[ch]++;
		}
	customs_strmap_release(&in[0]);
	customs_strmap_release(&in[1]);
	return err;
}

int customs_diff_new(customs_diff **out, const customs_analysis *a, const customs_match_result *ma,
		     const customs_analysis *b, const customs_match_result *mb)
{
	owned_diff *o = calloc(1, sizeof(*o));
	int err;
	*out = NULL;
	if (!o)
		return nomem();
	o->d.a = a;
	o->d.b = b;
	o->d.matched = ma && mb;
	if ((err = diff_packages(o, a, b)) < 0 || (err = diff_files(o, a, b)) < 0 || (err = diff_layers(o, a, b)) < 0 ||
	    (err = diff_config(o, a, b)) < 0 || (o->d.matched && (err = diff_vulns(o, ma, mb)) < 0)) {
		customs_diff_free(&o->d);
		return err;
	}
	o->d.packages = o->p;
	o->d.npackages = o->np;
	o->d.files = o->f;
	o->d.nfiles = o->nf;
	o->d.layers = o->l;
	o->d.nlayers = o->nl;
	o->d.config = o->c;
	o->d.nconfig = o->nc;
	o->d.vulns = o->v;
	o->d.nvulns = o->nv;
	*out = &o->d;
	return 0;
}

void customs_diff_free(customs_diff *d)
{
	owned_diff *o = (owned_diff *)d;
	if (!o)
		return;
	free(o->p), free(o->f), free(o->l), free(o->c), free(o->v);
	customs_arena_release(&o->ar);
	free(o);
}
