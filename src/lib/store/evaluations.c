/* evaluations.c - policy evaluations kept with the image and the bundle's
 * digest (the policy engine, src/lib/policy/, evaluates; the store keeps):
 * one row per evaluation, newest first when listed. */
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

int customs_store_evaluation_put(customs_store *s, const customs_store_evaluation *e)
{
	char now[40];
	if (!e || !e->image_digest || !*e->image_digest || !e->bundle_digest || !*e->bundle_digest)
		return customs__error(CUSTOMS_EINVAL, "an evaluation needs an image digest and a bundle digest");
	store__now(now);
	customs_store_value v[] = {sv_text(e->image_digest), sv_text(e->bundle_digest),
				   sv_text(e->evaluated_at ? e->evaluated_at : now), sv_text(e->action), sv_text(e->result)};
	return store__exec(s,
			   "INSERT INTO evaluations(image_digest, bundle_digest, evaluated_at, action, result)"
			   " VALUES(?, ?, ?, ?, ?)",
			   v, NV(v), NULL);
}

typedef struct owned_evals {
	customs_store_evaluation_list l;
	customs_store_evaluation *v;
	size_t n, cap;
	customs_arena ar;
} owned_evals;

void customs_store_evaluation_list_free(customs_store_evaluation_list *l)
{
	owned_evals *o = (owned_evals *)l;
	if (!o)
		return;
	free(o->v);
	customs_arena_release(&o->ar);
	free(o);
}

static const char *astr(owned_evals *o, const customs_store_value *v)
{
	return sv_str(v) ? customs_arena_strndup(&o->ar, v->s, v->len) : NULL;
}

static int eval_row(void *ud, const customs_store_value *c, size_t n)
{
	owned_evals *o = ud;
	if (o->n == o->cap && CUSTOMS_ARRAY_GROW(o->v, o->n, o->cap) < 0)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	customs_store_evaluation *e = &o->v[o->n++];
	e->image_digest = astr(o, &c[0]);
	e->bundle_digest = astr(o, &c[1]);
	e->evaluated_at = astr(o, &c[2]);
	e->action = astr(o, &c[3]);
	e->result = astr(o, &c[4]);
	return 0;
}

int customs_store_evaluations(customs_store *s, customs_store_evaluation_list **out, const char *image_digest,
			      const char *bundle_digest)
{
	owned_evals *o = calloc(1, sizeof(*o));
	customs_store_value v[] = {sv_text(image_digest), sv_text(bundle_digest)};
	int err;
	*out = NULL;
	if (!o)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	err = store__query(s,
			   bundle_digest ? "SELECT image_digest, bundle_digest, evaluated_at, action, result FROM evaluations"
					   " WHERE image_digest = ? AND bundle_digest = ? ORDER BY evaluated_at DESC, id DESC"
					 : "SELECT image_digest, bundle_digest, evaluated_at, action, result FROM evaluations"
					   " WHERE image_digest = ? ORDER BY evaluated_at DESC, id DESC",
			   v, bundle_digest ? 2 : 1, eval_row, o);
	if (err < 0) {
		customs_store_evaluation_list_free(&o->l);
		return err;
	}
	o->l.v = o->v;
	o->l.n = o->n;
	*out = &o->l;
	return 0;
}
