/* watch.c - watched tags and their webhooks, for customs serve: the
 * subscriptions with what was last seen of each tag, and an outbox of
 * notifications that the server delivers and retries with backoff; both
 * tables of the store, so that a restart loses nothing. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store_int.h"
#include "store/table.h"

int customs_store_subscription_add(customs_store *s, const char *tag, const char *type, const char *url,
				   const char *secret, int64_t *id)
{
	char now[40];
	int64_t have = 0;
	int err;
	if (!tag || !*tag || !type || !url || !secret)
		return customs__error(CUSTOMS_EINVAL, "a subscription needs a tag, a type, a url and a secret");
	customs_store_value k[] = {sv_text(tag), sv_text(type), sv_text(url)};
	if ((err = store__query_int(s, "SELECT count(*) FROM subscriptions WHERE tag = ? AND type = ? AND url = ?", k,
				    NV(k), &have)) < 0)
		return err;
	if (have)
		return customs__error(CUSTOMS_EINVAL, "%s is watched for %s with that url already", tag, type);
	store__now(now);
	customs_store_value v[] = {sv_text(tag), sv_text(type), sv_text(url), sv_text(secret), sv_text(now)};
	err = store__query_int(s,
			       "INSERT INTO subscriptions(tag, type, url, secret, created_at) VALUES(?, ?, ?, ?, ?)"
			       " RETURNING id",
			       v, NV(v), id);
	return err < 0 ? err : 0;
}

int customs_store_subscriptions(customs_store *s, const int64_t *id, int secrets, customs_store_table **out)
{
	customs_store_value v = sv_int(id ? *id : 0);
	const char *cols = secrets ? "id,tag,type,url,last_digest,last_state,created_at,secret"
				   : "id,tag,type,url,last_digest,last_state,created_at";
	char sql[256];
	snprintf(sql, sizeof(sql), "SELECT %s FROM subscriptions%s ORDER BY id", cols, id ? " WHERE id = ?" : "");
	int err = store__table_query(s, out, cols, secrets ? "isssssss" : "issssss", sql, &v, id ? 1 : 0);
	if (err == 0 && id && !(*out)->nrows) {
		customs_store_table_free(*out);
		*out = NULL;
		return customs__error(CUSTOMS_ENOTFOUND, "there is no subscription %lld", (long long)*id);
	}
	return err;
}

int customs_store_subscription_delete(customs_store *s, int64_t id)
{
	int64_t changes = 0;
	customs_store_value v = sv_int(id);
	int err = store__exec(s, "DELETE FROM subscriptions WHERE id = ?", &v, 1, &changes);
	if (err < 0)
		return err;
	return changes ? 0 : customs__error(CUSTOMS_ENOTFOUND, "there is no subscription %lld", (long long)id);
}

int customs_store_subscription_seen(customs_store *s, int64_t id, const char *digest, const char *state)
{
	customs_store_value v[] = {sv_text(digest), sv_text(state), sv_int(id)};
	return store__exec(s, "UPDATE subscriptions SET last_digest = ?, last_state = ? WHERE id = ?", v, NV(v), NULL);
}

int customs_store_notification_add(customs_store *s, int64_t subscription, const char *event, const char *payload)
{
	char now[40];
	store__now(now);
	customs_store_value v[] = {sv_int(subscription), sv_text(event), sv_text(payload), sv_int((int64_t)time(NULL)),
				   sv_text(now)};
	return store__exec(s,
			   "INSERT INTO notifications(subscription, event, payload, state, attempts, next_at, created_at)"
			   " VALUES(?, ?, ?, 'pending', 0, ?, ?)",
			   v, NV(v), NULL);
}

int customs_store_notifications_due(customs_store *s, customs_store_table **out)
{
	customs_store_value v = sv_int((int64_t)time(NULL));
	return store__table_query(s, out, "id,url,secret,event,payload,attempts", "issssi",
		     "SELECT n.id, u.url, u.secret, n.event, n.payload, n.attempts FROM notifications n"
		     " JOIN subscriptions u ON u.id = n.subscription WHERE n.state = 'pending' AND n.next_at <= ?"
		     " ORDER BY n.id LIMIT 100",
		     &v, 1);
}

int customs_store_notification_result(customs_store *s, int64_t id, int delivered, const char *error, int retry_seconds)
{
	char now[40];
	store__now(now);
	customs_store_value v[] = {sv_text(delivered ? "delivered" : retry_seconds < 0 ? "failed" : "pending"),
				   sv_int((int64_t)time(NULL) + (retry_seconds > 0 ? retry_seconds : 0)),
				   sv_text(delivered ? NULL : error), sv_text(delivered ? now : NULL), sv_int(id)};
	return store__exec(s,
			   "UPDATE notifications SET state = ?, attempts = attempts + 1, next_at = ?, last_error = ?,"
			   " delivered_at = ? WHERE id = ?",
			   v, NV(v), NULL);
}

int customs_store_notifications(customs_store *s, customs_store_table **out)
{
	return store__table_query(s, out, "id,subscription,event,state,attempts,last_error,created_at,delivered_at", "iississs",
		     "SELECT id, subscription, event, state, attempts, last_error, created_at, delivered_at"
		     " FROM notifications ORDER BY id DESC LIMIT 1000",
		     NULL, 0);
}
