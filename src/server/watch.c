/* watch.c - what customs serve keeps watching: every --watch-interval it
 * re-matches the stored images when the vulnerability database has a new
 * build, looks at each watched tag (tag_update: the tag is analysed again
 * through the queue and its digest compared; vuln_update: its image's
 * active vulnerabilities; policy_eval: the active bundle's action on it),
 * queues a webhook when something changed, and delivers the webhooks due:
 * a POST of JSON signed with HMAC-SHA256 of the subscription's secret
 * (X-Customs-Signature: sha256=HEX), tried again with backoff.  The
 * routes of /v1/subscriptions and /v1/notifications are here too. */
#include <curl/curl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "customs/policy.h"
#include "server_int.h"

#define MAX_ATTEMPTS 8

/* ---- routes ---- */

static const char *const types[] = {"tag_update", "vuln_update", "policy_eval"};

void route_subscription_add(call *c)
{
	json_t *j = call_json(c), *v;
	const char *key, *tag, *type, *url, *secret;
	char gen[65];
	int64_t id = 0;
	int err, known = 0;
	if (!j)
		return;
	json_object_foreach(j, key, v) if (strcmp(key, "tag") && strcmp(key, "type") && strcmp(key, "url") &&
					   strcmp(key, "secret"))
	{
		call_error(c, 400, "bad_request", "unknown field '%.80s': the fields are tag, type, url and secret", key);
		goto done;
	}
	tag = json_string_value(json_object_get(j, "tag"));
	type = json_string_value(json_object_get(j, "type"));
	url = json_string_value(json_object_get(j, "url"));
	secret = json_string_value(json_object_get(j, "secret"));
	for (size_t i = 0; type && i < 3; i++)
		known |= !strcmp(type, types[i]);
	if (!tag || !*tag || strlen(tag) > 1024) {
		call_error(c, 400, "bad_request", "tag must be a registry tag to watch: registry/repo:tag");
	} else if (!known) {
		call_error(c, 400, "bad_request", "type must be tag_update, vuln_update or policy_eval");
	} else if (!url || (strncmp(url, "http://", 7) && strncmp(url, "https://", 8)) || strlen(url) > 2048) {
		call_error(c, 400, "bad_request", "url must be the http:// or https:// address the webhooks go to");
	} else if (json_object_get(j, "secret") && (!secret || strlen(secret) < 8 || strlen(secret) > 256)) {
		call_error(c, 400, "bad_request", "secret must be a string of 8 to 256 bytes (absent: one is made)");
	} else {
		if (!secret) {
			unsigned char r[32];
			if (RAND_bytes(r, sizeof(r)) != 1) {
				call_error(c, 500, "internal", "no random bytes");
				goto done;
			}
			for (size_t i = 0; i < sizeof(r); i++)
				snprintf(gen + 2 * i, 3, "%02x", r[i]);
			secret = gen;
		}
		if ((err = customs_store_subscription_add(c->store, tag, type, url, secret, &id)) < 0) {
			call_fail(c, err);
		} else {
			customs_store_table *t = NULL;
			err = customs_store_subscriptions(c->store, &id, 1, &t);
			call_table(c, 201, err, t, CUSTOMS_REPORT_RECORD);
		}
	}
done:
	json_decref(j);
}

void route_subscriptions(call *c)
{
	customs_store_table *t = NULL;
	int err = customs_store_subscriptions(c->store, NULL, 0, &t);
	call_table(c, 200, err, t, CUSTOMS_REPORT_ROWS);
}

void route_subscription_delete(call *c)
{
	char *end;
	long long id = strtoll(c->params[0], &end, 10);
	int err;
	if (*end || id <= 0) {
		call_error(c, 400, "bad_request", "a subscription id is a positive integer, not '%.40s'", c->params[0]);
		return;
	}
	if ((err = customs_store_subscription_delete(c->store, id)) < 0)
		call_fail(c, err);
	else
		call_deleted(c, "id", c->params[0], "i");
}

void route_notifications(call *c)
{
	customs_store_table *t = NULL;
	int err = customs_store_notifications(c->store, &t);
	call_table(c, 200, err, t, CUSTOMS_REPORT_ROWS);
}

/* ---- looking ---- */

typedef struct watcher {
	const server_config *cfg;
	customs_store *s;
	char *built_at;          /* the database build last matched against */
} watcher;

/* a webhook's payload queued */
static void notify(watcher *w, long long sub, const char *event, const char *tag, const char *digest,
		   const char *previous, const char *details)
{
	static const char *const cols[] = {"event", "subscription", "tag", "digest", "previous_digest", "details", "at"};
	char sid[32], at[40], *buf = NULL;
	size_t size = 0;
	time_t t = time(NULL);
	struct tm tm;
	FILE *f;
	snprintf(sid, sizeof(sid), "%lld", sub);
	gmtime_r(&t, &tm);
	strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", &tm);
	const char *cells[] = {event, sid, tag, digest, previous, details, at};
	customs_report r = {.version = CUSTOMS_REPORT_VERSION, .kind = CUSTOMS_REPORT_RECORD, .columns = cols,
			    .ncolumns = 7, .cells = cells, .nrows = 1, .column_types = "sisssjs"};
	if (!(f = open_memstream(&buf, &size)))
		return;
	int err = customs_report_write(f, &r, "json");
	fclose(f);
	if (err < 0 || customs_store_notification_add(w->s, sub, event, buf) < 0)
		fprintf(stderr, "customs serve: watch: %s\n", customs_error_last());
	free(buf);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* the image's active vulnerabilities, one "ID PACKAGE VERSION" a line,
 * sorted and unique: what vuln_update compares */
static char *vuln_state(watcher *w, const char *digest)
{
	customs_store_table *t = NULL;
	char **v = NULL, *out = NULL;
	size_t len = 1, n = 0;
	if (customs_store_query(w->s, &t, digest, "vulns", NULL) < 0)
		return NULL;
	if (!(v = calloc(t->nrows + 1, sizeof(*v))))
		goto done;
	/* id, severity, package, version, ... */
	for (; n < t->nrows; n++) {
		const char *const *row = t->cells + n * t->ncolumns;
		if (asprintf(&v[n], "%s %s %s", row[0], row[2] ? row[2] : "-", row[3] ? row[3] : "-") < 0) {
			v[n] = NULL;
			goto done;
		}
		len += strlen(v[n]) + 1;
	}
	qsort(v, n, sizeof(*v), cmp_str);
	if ((out = malloc(len))) {
		char *p = out;
		for (size_t i = 0; i < n; i++)
			if (!i || strcmp(v[i], v[i - 1]))
				p += sprintf(p, "%s\n", v[i]);
		*p = '\0';
	}
done:
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
	customs_store_table_free(t);
	return out;
}

/* {"added": [...], "removed": [...]}: the lines of b not in a, of a not in b */
static char *vuln_changes(const char *a, const char *b)
{
	json_t *o = json_object(), *add = json_array(), *rem = json_array();
	const char *sides[2][2] = {{b, a}, {a, b}};
	json_t *lists[2] = {add, rem};
	char *out;
	for (int k = 0; k < 2; k++)
		for (const char *p = sides[k][0]; p && *p;) {
			const char *e = strchr(p, '\n');
			size_t l = e ? (size_t)(e - p) : strlen(p);
			char line[512];
			snprintf(line, sizeof(line), "%.*s", (int)l, p);
			/* whole lines of the other side */
			const char *q = sides[k][1], *hit = NULL;
			for (; q && (q = strstr(q, line)); q += l)
				if ((q == sides[k][1] || q[-1] == '\n') && (q[l] == '\n' || !q[l])) {
					hit = q;
					break;
				}
			if (!hit)
				json_array_append_new(lists[k], json_string(line));
			p = e ? e + 1 : p + l;
		}
	json_object_set_new(o, "added", add);
	json_object_set_new(o, "removed", rem);
	out = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return out;
}

/* the active bundle's action on digest (evaluated, and kept), or NULL */
static char *policy_state(watcher *w, const char *digest, const char *tag)
{
	call wc = {.cfg = w->cfg, .store = w->s};
	customs_policy_bundle *b = NULL;
	customs_analysis *a = NULL;
	evaluation e = {0};
	char *out = NULL;
	if ((b = named_bundle(&wc, NULL)) && customs_store_load(w->s, &a, digest, 0) == 0 &&
	    evaluation_run(&wc, &e, a, b, tag) == 0)
		out = strdup(customs_policy_action_name(e.pr->final_action));
	evaluation_release(&e);
	customs_analysis_free(a);
	customs_policy_bundle_free(b);
	free(wc.buf);
	return out;
}

/* one subscription: id, tag, type, url, last_digest, last_state, ... */
static void look(watcher *w, const char *const *row)
{
	long long id = strtoll(row[0], NULL, 10);
	const char *tag = row[1], *type = row[2], *last = row[4], *last_state = row[5];
	char *digest = NULL, *state = NULL, *details = NULL;
	int64_t job;

	if (!strcmp(type, "tag_update") && customs_store_job_add(w->s, tag, tag, &job, NULL) < 0)
		fprintf(stderr, "customs serve: watch %s: %s\n", tag, customs_error_last());
	if (customs_store_resolve(w->s, tag, &digest) < 0)
		return; /* not analysed yet */
	if (!strcmp(type, "tag_update")) {
		if (last && strcmp(last, digest))
			notify(w, id, type, tag, digest, last, NULL);
	} else {
		state = !strcmp(type, "vuln_update") ? vuln_state(w, digest) : policy_state(w, digest, tag);
		if (!state)
			goto done;
		if (last_state && strcmp(last_state, state)) {
			if (!strcmp(type, "vuln_update")) {
				details = vuln_changes(last_state, state);
			} else {
				json_t *o = json_pack("{s:s,s:s}", "from", last_state, "to", state);
				details = o ? json_dumps(o, JSON_COMPACT) : NULL;
				json_decref(o);
			}
			notify(w, id, type, tag, digest, last, details);
		}
	}
	if (!last || strcmp(last, digest) || !last_state != !state || (state && strcmp(state, last_state)))
		customs_store_subscription_seen(w->s, id, digest, state);
done:
	free(details);
	free(state);
	free(digest);
}

/* a new build of the database: every stored image matched against it */
static void rematch(watcher *w)
{
	call wc = {.cfg = w->cfg, .store = w->s};
	customs_vulndb *db = NULL;
	customs_vulndb_info *info = NULL;
	customs_store_rematch_summary *sum = NULL;
	if (call_vulndb(&wc, &db) < 0 || !db || customs_vulndb_status(db, &info) < 0 || !info->built_at)
		goto done;
	if (w->built_at && !strcmp(w->built_at, info->built_at))
		goto done;
	if (customs_store_rematch(w->s, db, &sum) < 0) {
		fprintf(stderr, "customs serve: rematch: %s\n", customs_error_last());
		goto done;
	}
	free(w->built_at);
	w->built_at = strdup(info->built_at);
done:
	customs_store_rematch_summary_free(sum);
	customs_vulndb_info_free(info);
	customs_vulndb_free(db);
	free(wc.buf);
}

/* ---- delivering ---- */

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
	(void)p;
	(void)ud;
	return size * n;
}

/* POST the payload signed; NULL when delivered (2xx), else why not */
static const char *deliver(const char *url, const char *secret, const char *event, const char *id, const char *payload,
			   char *why, size_t n)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	char sig[2 * EVP_MAX_MD_SIZE + 32], h[3][300];
	struct curl_slist *hs = NULL;
	long code = 0;
	CURL *cu = curl_easy_init();
	if (!cu)
		return "out of memory";
	HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)payload, strlen(payload), mac, &maclen);
	strcpy(sig, "X-Customs-Signature: sha256=");
	for (unsigned i = 0; i < maclen; i++)
		snprintf(sig + strlen(sig), 3, "%02x", mac[i]);
	snprintf(h[0], sizeof(h[0]), "X-Customs-Event: %s", event);
	snprintf(h[1], sizeof(h[1]), "X-Customs-Delivery: %s", id);
	snprintf(h[2], sizeof(h[2]), "Content-Type: application/json");
	for (int i = 0; i < 3; i++)
		hs = curl_slist_append(hs, h[i]);
	hs = curl_slist_append(hs, sig);
	curl_easy_setopt(cu, CURLOPT_URL, url);
	curl_easy_setopt(cu, CURLOPT_HTTPHEADER, hs);
	curl_easy_setopt(cu, CURLOPT_POSTFIELDS, payload);
	curl_easy_setopt(cu, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(cu, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(cu, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(cu, CURLOPT_USERAGENT, "customs/" CUSTOMS_VERSION);
	CURLcode rc = curl_easy_perform(cu);
	curl_easy_getinfo(cu, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(hs);
	curl_easy_cleanup(cu);
	if (rc != CURLE_OK)
		snprintf(why, n, "%s", curl_easy_strerror(rc));
	else if (code < 200 || code > 299)
		snprintf(why, n, "the listener answered %ld", code);
	else
		return NULL;
	return why;
}

static void deliver_due(watcher *w)
{
	customs_store_table *t = NULL;
	if (customs_store_notifications_due(w->s, &t) < 0)
		return;
	/* id, url, secret, event, payload, attempts */
	for (size_t i = 0; i < t->nrows; i++) {
		const char *const *r = t->cells + i * t->ncolumns;
		char why[256];
		int attempts = atoi(r[5]) + 1;
		const char *err = deliver(r[1], r[2], r[3], r[0], r[4], why, sizeof(why));
		int retry = attempts >= MAX_ATTEMPTS ? -1 : 1 << (attempts < 8 ? attempts : 8);
		customs_store_notification_result(w->s, strtoll(r[0], NULL, 10), !err, err, retry);
	}
	customs_store_table_free(t);
}

static void cycle(watcher *w)
{
	customs_store_table *t = NULL;
	rematch(w);
	if (customs_store_subscriptions(w->s, NULL, 1, &t) == 0)
		for (size_t i = 0; i < t->nrows; i++)
			look(w, t->cells + i * t->ncolumns);
	customs_store_table_free(t);
	deliver_due(w);
}

int watch_run(const server_config *cfg, volatile sig_atomic_t *stop)
{
	watcher w = {.cfg = cfg};
	if (customs_store_open(&w.s, cfg->store_url) < 0) {
		fprintf(stderr, "customs serve: watch: %s\n", customs_error_last());
		return -1;
	}
	while (!*stop) {
		struct timespec t0, t;
		cycle(&w);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		do {
			struct timespec ts = {0, 100 * 1000000L};
			nanosleep(&ts, NULL);
			clock_gettime(CLOCK_MONOTONIC, &t);
		} while (!*stop && t.tv_sec - t0.tv_sec < cfg->watch_interval);
	}
	free(w.built_at);
	customs_store_free(w.s);
	return 0;
}
