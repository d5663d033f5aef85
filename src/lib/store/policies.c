/* policies.c - policy bundles kept in the store for customs serve: the
 * JSON text as it was given, its name and digest, and which one is active
 * (evaluations and admission use it when they name none).  The policy
 * engine (src/lib/policy/) loads and evaluates them; the store keeps. */
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"
#include "store/table.h"

typedef struct policy_put {
	const char *id, *name, *digest, *document;
	int active;
} policy_put;

static int put_tx(customs_store *s, void *ud)
{
	policy_put *p = ud;
	char now[40];
	int64_t n = 0;
	int err;
	store__now(now);
	if ((err = store__query_int(s, "SELECT count(*) FROM policies WHERE active = 1 AND id <> ?",
				    (customs_store_value[]){sv_text(p->id)}, 1, &n)) < 0)
		return err;
	int active = p->active || !n;
	if (active && (err = store__exec(s, "UPDATE policies SET active = 0 WHERE active = 1", NULL, 0, NULL)) < 0)
		return err;
	customs_store_value v[] = {sv_text(p->id), sv_text(p->name), sv_text(p->digest), sv_text(p->document),
				   sv_int(active), sv_text(now)};
	return store__exec(s,
			   "INSERT INTO policies(id, name, digest, document, active, updated_at) VALUES(?, ?, ?, ?, ?, ?)"
			   " ON CONFLICT (id) DO UPDATE SET name = excluded.name, digest = excluded.digest,"
			   " document = excluded.document, active = excluded.active, updated_at = excluded.updated_at",
			   v, NV(v), NULL);
}

int customs_store_policy_put(customs_store *s, const char *id, const char *name, const char *digest,
			     const char *document, int active)
{
	policy_put p = {id, name, digest, document, active};
	if (!id || !*id || !digest || !document)
		return customs__error(CUSTOMS_EINVAL, "a policy bundle is kept with an id, its digest and its document");
	return store__tx(s, 1, put_tx, &p);
}

int customs_store_policy_get(customs_store *s, const char *id, customs_store_table **out)
{
	customs_store_value v = sv_text(id);
	int err = store__table_query(s, out, "id,name,digest,active,updated_at,bundle", "sssbsj",
				     id ? "SELECT id, name, digest, active, updated_at, document FROM policies WHERE id = ?"
					: "SELECT id, name, digest, active, updated_at, document FROM policies WHERE active = 1",
				     &v, id ? 1 : 0);
	if (err < 0)
		return err;
	if (!(*out)->nrows) {
		customs_store_table_free(*out);
		*out = NULL;
		return id ? customs__error(CUSTOMS_ENOTFOUND, "there is no policy bundle '%s'", id)
			  : customs__error(CUSTOMS_ENOTFOUND, "there is no active policy bundle: PUT one first");
	}
	return 0;
}

int customs_store_policy_delete(customs_store *s, const char *id)
{
	int64_t changes = 0;
	customs_store_value v = sv_text(id);
	int err = store__exec(s, "DELETE FROM policies WHERE id = ?", &v, 1, &changes);
	if (err < 0)
		return err;
	return changes ? 0 : customs__error(CUSTOMS_ENOTFOUND, "there is no policy bundle '%s'", id ? id : "");
}

int customs_store_policies(customs_store *s, customs_store_table **out)
{
	return store__table_query(s, out, "id,name,digest,active,updated_at", "sssbs",
				  "SELECT id, name, digest, active, updated_at FROM policies ORDER BY id", NULL, 0);
}
