/* registry.c - pull an image straight from an OCI distribution registry
 * (distribution-spec "Pull", Docker Registry HTTP API v2) with libcurl:
 * GET /v2/, manifest negotiation, platform selection from an index, the
 * config blob, and layer blobs streamed through a bounded buffer into the
 * layer pipeline, resumed with Range after a broken connection.  Tag
 * listing with Link pagination.  References: registry_ref.c; the client
 * and its errors: registry_http.c; authentication: registry_auth.c.
 * FORMATS-images.md §5. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "customs/registry.h"
#include "source/backends.h"
#include "source/manifest.h"
#include "source/registry_auth.h"

#define MAX_MANIFEST (4u << 20)
#define MAX_CONFIG (16u << 20)
#define MAX_TAGS_PAGE (4u << 20)
#define MAX_ERROR_BODY (64u << 10)
#define MAX_PAGES 1000
#define MAX_TAGS 1000000
#define RING (1u << 20)
#define RECV_BUFFER (256L << 10)
#define MAX_RESTARTS 32
#define PROGRESS_MIN (256u << 10)

#define ACCEPT_MANIFESTS \
	"Accept: " MT_OCI_INDEX ", " MT_OCI_MANIFEST ", " MT_DOCKER_LIST ", " MT_DOCKER_MANIFEST
#define MT_DOCKER_V1 "application/vnd.docker.distribution.manifest.v1+json"
#define MT_DOCKER_V1_SIGNED "application/vnd.docker.distribution.manifest.v1+prettyjws"

/* ---- response headers ---- */

typedef struct reg_hdrs {
	long status;
	char ctype[160];
	char digest[160];
	char www_auth[2048];
	char link[2048];
	char content_range[128];
	long retry_after;
	int have_bearer;
} reg_hdrs;

static void hdrs_reset(reg_hdrs *h)
{
	memset(h, 0, sizeof(*h));
	h->retry_after = -1;
}

/* One header line (with its CRLF), as curl hands them over. A status line
 * starts a new response (redirects and 100-continue come first). */
static void hdrs_line(reg_hdrs *h, const char *p, size_t n)
{
	char line[2048];
	while (n && (p[n - 1] == '\r' || p[n - 1] == '\n'))
		n--;
	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	memcpy(line, p, n);
	line[n] = '\0';
	if (!strncmp(line, "HTTP/", 5)) {
		hdrs_reset(h);
		const char *sp = strchr(line, ' ');
		h->status = sp ? strtol(sp + 1, NULL, 10) : 0;
		return;
	}
	char *colon = strchr(line, ':');
	if (!colon)
		return;
	*colon = '\0';
	char *v = colon + 1;
	while (*v == ' ' || *v == '\t')
		v++;
	if (!strcasecmp(line, "content-type")) {
		size_t l = strcspn(v, "; \t");
		snprintf(h->ctype, sizeof(h->ctype), "%.*s", (int)l, v);
		for (char *q = h->ctype; *q; q++)
			*q = (char)tolower((unsigned char)*q);
	} else if (!strcasecmp(line, "docker-content-digest")) {
		snprintf(h->digest, sizeof(h->digest), "%s", v);
	} else if (!strcasecmp(line, "www-authenticate")) {
		/* prefer a Bearer challenge when several are offered */
		int bearer = !strncasecmp(v, "bearer", 6);
		if (!h->have_bearer || bearer)
			snprintf(h->www_auth, sizeof(h->www_auth), "%s", v);
		h->have_bearer |= bearer;
	} else if (!strcasecmp(line, "link")) {
		size_t l = strlen(h->link);
		snprintf(h->link + l, sizeof(h->link) - l, "%s%s", l ? ", " : "", v);
	} else if (!strcasecmp(line, "content-range")) {
		snprintf(h->content_range, sizeof(h->content_range), "%s", v);
	} else if (!strcasecmp(line, "retry-after")) {
		char *end;
		long s = strtol(v, &end, 10);
		h->retry_after = (end != v && s >= 0) ? s : 1;
	}
}

/* "CODE: message" of a distribution error body, cleaned for a one-line message. */
static void error_summary(char *out, size_t n, const char *body, size_t len)
{
	json_error_t je;
	out[0] = '\0';
	if (!body || !len)
		return;
	json_t *j = json_loadb(body, len, 0, &je);
	json_t *e0 = json_array_get(json_object_get(j, "errors"), 0);
	const char *code = json_string_value(json_object_get(e0, "code"));
	const char *msg = json_string_value(json_object_get(e0, "message"));
	if (code)
		snprintf(out, n, " (%.40s%s%.160s)", code, msg ? ": " : "", msg ? msg : "");
	json_decref(j);
	for (char *q = out; *q; q++)
		if ((unsigned char)*q < 0x20)
			*q = ' ';
}

/* ---- small requests (manifests, configs, tag pages) ---- */

enum { REQ_NOAUTH = 1, REQ_NORETRY = 2 };

typedef struct reg_resp {
	long status;
	reg_hdrs h;
	customs_buf body;
	int too_big;
	CURLcode rc;
} reg_resp;

static size_t resp_header(char *p, size_t sz, size_t nm, void *ud)
{
	hdrs_line(&((reg_resp *)ud)->h, p, sz * nm);
	return sz * nm;
}

static size_t resp_write(char *p, size_t sz, size_t nm, void *ud)
{
	reg_resp *r = ud;
	if (r->h.status >= 300 && r->h.status < 400)
		return sz * nm; /* body of a redirect being followed */
	if (customs_buf_put(&r->body, p, sz * nm) < 0) {
		r->too_big = 1;
		return 0;
	}
	return sz * nm;
}

static void resp_release(reg_resp *r)
{
	customs_buf_release(&r->body);
}

/* GET url (auth for scope, retries with backoff). On 0, r->status is the
 * final status, which may be any 2xx/3xx/4xx but 401 (handled here). */
static int reg_get(reg_client *c, const char *url, const char *accept, const char *scope, size_t max, const char *what,
		   int flags, reg_resp *r)
{
	char errbuf[CURL_ERROR_SIZE];
	struct curl_slist *hl = NULL;
	int attempt = 0, auth_tries = 0, err = 0;
	CURL *h = c->meta;

	if (accept && !(hl = curl_slist_append(NULL, accept)))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	for (;;) {
		customs_buf_release(&r->body);
		r->body = (customs_buf)CUSTOMS_BUF_INIT(max);
		hdrs_reset(&r->h);
		r->too_big = 0;
		r->status = 0;
		curl_easy_reset(h);
		reg__setup_handle(c, h, errbuf, c->timeout);
		curl_easy_setopt(h, CURLOPT_URL, url);
		if (hl)
			curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
		curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, resp_header);
		curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, resp_write);
		curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
		curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max);
		int sent = 0;
		if (!(flags & REQ_NOAUTH) && (err = reg__auth_apply(c, h, scope, &sent)) < 0)
			goto done;
		CURLcode rc = curl_easy_perform(h);
		r->rc = rc;
		if (rc != CURLE_OK) {
			if (r->too_big || rc == CURLE_FILESIZE_EXCEEDED) {
				err = customs__error(CUSTOMS_ELIMIT, "%s is larger than the limit of %zu bytes (%zu MiB)", what, max,
						     max >> 20);
				goto done;
			}
			if (reg__retryable(rc) && !(flags & REQ_NORETRY) && attempt < c->retries) {
				reg__backoff(attempt++, -1);
				continue;
			}
			err = reg__curl_error(c, h, rc, errbuf, what);
			goto done;
		}
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
		if (r->status == 401 && !(flags & REQ_NOAUTH)) {
			if (auth_tries > 2) {
				err = customs__error(CUSTOMS_EAUTH, "authentication failed for %s: still HTTP 401 after authenticating",
						     c->host);
				goto done;
			}
			if ((err = reg__auth_on_401(c, r->h.www_auth[0] ? r->h.www_auth : NULL, scope, sent, auth_tries++)) < 0)
				goto done;
			continue;
		}
		if ((r->status == 429 || r->status >= 500) && !(flags & REQ_NORETRY) && attempt < c->retries) {
			reg__backoff(attempt++, r->h.retry_after);
			continue;
		}
		if (r->status == 429 || r->status >= 500) {
			char es[256];
			error_summary(es, sizeof(es), r->body.ptr, r->body.len);
			err = customs__error(CUSTOMS_ENETWORK, "%s: %s answered HTTP %ld%s (%d attempts)", what, c->host, r->status,
					     es, attempt + 1);
			goto done;
		}
		err = 0;
		break;
	}
done:
	curl_slist_free_all(hl);
	return err;
}

static char *v2_url(reg_client *c, const char *repo, const char *kind, const char *ref)
{
	return customs_asprintf("%s/v2/%s/%s/%s", c->base, repo, kind, ref);
}

/* GET /v2/: find the scheme (an insecure registry: unverified TLS, then plain
 * HTTP) and the authentication the registry wants. */
static int reg_ping(reg_client *c)
{
	const char *schemes[] = {"https", "http"};
	int ns = c->insecure ? 2 : 1, err = 0;
	reg_resp r = {0};

	for (int i = 0; i < ns; i++) {
		free(c->base);
		c->base = customs_asprintf("%s://%s", schemes[i], c->host);
		char *url = customs_asprintf("%s/v2/", c->base);
		if (!c->base || !url) {
			free(url);
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		}
		char what[320];
		snprintf(what, sizeof(what), "%s/v2/", c->host);
		err = reg_get(c, url, NULL, NULL, MAX_ERROR_BODY, what, REQ_NOAUTH | (i + 1 < ns ? REQ_NORETRY : 0), &r);
		free(url);
		if (err < 0) {
			if (i + 1 < ns && r.rc != CURLE_COULDNT_RESOLVE_HOST)
				continue;
			goto done;
		}
		break;
	}
	if (r.status == 401) {
		reg_challenge ch;
		if (reg__parse_challenge(&ch, r.h.www_auth[0] ? r.h.www_auth : NULL) == 0 && ch.scheme > 0) {
			pthread_mutex_lock(&c->mu);
			c->scheme = ch.scheme;
			if (ch.scheme == REG_AUTH_BEARER) {
				free(c->realm), free(c->service);
				c->realm = customs_strdup(ch.realm);
				c->service = customs_strdup(ch.service);
			}
			pthread_mutex_unlock(&c->mu);
		}
	} else if (r.status == 404) {
		err = customs__error(CUSTOMS_EUNSUPPORTED, "%s does not speak the registry API v2 (GET /v2/ answered HTTP 404)",
				     c->host);
	}
	/* other answers (200, 403 ...) are left to the real requests */
done:
	resp_release(&r);
	return err;
}

/* GET /v2/REPO/KIND/REFERENCE with pull access to the repository. */
static int repo_get(reg_client *c, const char *repo, const char *kind, const char *reference, const char *accept,
		    size_t max, const char *what, reg_resp *r)
{
	char *url = v2_url(c, repo, kind, reference);
	char *scope = customs_asprintf("repository:%s:pull", repo);
	int err = url && scope ? reg_get(c, url, accept, scope, max, what, 0, r)
			       : customs__error(CUSTOMS_ENOMEM, "out of memory");
	free(url);
	free(scope);
	return err;
}

/* GET a manifest or index by tag or digest and check it: size cap, digests
 * (requested, Docker-Content-Digest, content), content type vs mediaType. */
static int fetch_manifest(reg_client *c, const reg_ref *ref, const char *reference, int64_t want_size, const char *what,
			  const char *notfound, manifest_doc *out)
{
	reg_resp r = {0};
	char es[256];
	int err;

	memset(out, 0, sizeof(*out));
	if ((err = repo_get(c, ref->repo, "manifests", reference, ACCEPT_MANIFESTS, MAX_MANIFEST, what, &r)) < 0)
		goto done;
	error_summary(es, sizeof(es), r.body.ptr, r.body.len);
	if (r.status == 404) {
		err = customs__error(CUSTOMS_ENOTFOUND, "%s%s", notfound, es);
		goto done;
	}
	if (r.status == 403) {
		err = customs__error(CUSTOMS_EAUTH, "authentication failed for %s: access to %s denied (HTTP 403%s)", c->host,
				     ref->repo, es);
		goto done;
	}
	if (r.status != 200) {
		err = customs__error(CUSTOMS_ENETWORK, "%s: %s answered HTTP %ld%s", what, c->host, r.status, es);
		goto done;
	}
	if (want_size >= 0 && (uint64_t)want_size != r.body.len) {
		err = customs__error(CUSTOMS_EDIGEST, "%s: the index says %lld bytes, the registry sent %zu", what,
				     (long long)want_size, r.body.len);
		goto done;
	}
	customs_sha256_digest(out->digest, r.body.ptr ? r.body.ptr : "", r.body.len);
	if (customs_digest_valid(reference) && strcmp(reference, out->digest) != 0) {
		err = customs__error(CUSTOMS_EDIGEST, "%s: digest mismatch: the content hashes to %s", what, out->digest);
		goto done;
	}
	if (r.h.digest[0] && !strncmp(r.h.digest, "sha256:", 7) && strcmp(r.h.digest, out->digest) != 0) {
		err = customs__error(CUSTOMS_EDIGEST,
				     "%s: digest mismatch: Docker-Content-Digest says %.80s, the content hashes to %s", what,
				     r.h.digest, out->digest);
		goto done;
	}
	const char *ct = r.h.ctype;
	if (!strcmp(ct, MT_DOCKER_V1) || !strcmp(ct, MT_DOCKER_V1_SIGNED)) {
		err = customs__error(CUSTOMS_EUNSUPPORTED, "%s is a Docker schema 1 manifest (%s), which customs does not read",
				     what, ct);
		goto done;
	}
	json_error_t je;
	out->j = json_loadb(r.body.ptr ? r.body.ptr : "", r.body.len, JSON_REJECT_DUPLICATES, &je);
	if (!out->j || !json_is_object(out->j)) {
		err = customs__error(CUSTOMS_EFORMAT, "%s is not a JSON object (%s; content type \"%.100s\")", what,
				     out->j ? "not an object" : je.text, ct);
		goto done;
	}
	const char *bmt = json_string_value(json_object_get(out->j, "mediaType"));
	if (manifest__is_index_type(ct) || manifest__is_manifest_type(ct)) {
		if (bmt && strcmp(bmt, ct)) {
			err = customs__error(CUSTOMS_EFORMAT, "%s: content type %s disagrees with its mediaType %.100s", what, ct, bmt);
			goto done;
		}
		out->mt = customs_strdup(ct);
	} else if ((!ct[0] || !strcmp(ct, "application/json")) && (manifest__is_index_type(bmt) || manifest__is_manifest_type(bmt))) {
		out->mt = customs_strdup(bmt); /* a lax registry: the document says what it is */
	} else {
		err = customs__error(CUSTOMS_EFORMAT, "%s has content type \"%.100s\", which is not a manifest or index type", what,
				     ct[0] ? ct : "(none)");
		goto done;
	}
	err = 0;
done:
	if (err < 0)
		manifest__doc_release(out);
	resp_release(&r);
	return err;
}

/* GET a small blob (the config) and verify size and digest. */
static int fetch_small_blob(reg_client *c, const char *repo, const char *digest, int64_t size, size_t max, const char *what,
			    char **out, size_t *outlen)
{
	reg_resp r = {0};
	char es[256], got[72];
	int err;

	*out = NULL;
	if (size >= 0 && (uint64_t)size > max)
		return customs__error(CUSTOMS_ELIMIT, "%s is %lld bytes, over the limit of %zu", what, (long long)size, max);
	if ((err = repo_get(c, repo, "blobs", digest, NULL, max, what, &r)) < 0)
		goto done;
	error_summary(es, sizeof(es), r.body.ptr, r.body.len);
	if (r.status == 404) {
		err = customs__error(CUSTOMS_ENOTFOUND, "%s is not in the registry (%s/%s)%s", what, c->host, repo, es);
		goto done;
	}
	if (r.status != 200) {
		err = customs__error(CUSTOMS_ENETWORK, "%s: %s answered HTTP %ld%s", what, c->host, r.status, es);
		goto done;
	}
	if (size >= 0 && (uint64_t)size != r.body.len) {
		err = customs__error(CUSTOMS_EDIGEST, "%s: the manifest says %lld bytes, the registry sent %zu", what,
				     (long long)size, r.body.len);
		goto done;
	}
	customs_sha256_digest(got, r.body.ptr ? r.body.ptr : "", r.body.len);
	if (strcmp(got, digest) != 0) {
		err = customs__error(CUSTOMS_EDIGEST, "%s: digest mismatch: the content hashes to %s", what, got);
		goto done;
	}
	*outlen = r.body.len;
	*out = r.body.ptr ? customs_buf_detach(&r.body) : customs_strdup("");
	err = *out ? 0 : customs__error(CUSTOMS_ENOMEM, "out of memory");
done:
	resp_release(&r);
	return err;
}

/* ---- layer blobs: a curl multi transfer pulled by the pipeline's reader ---- */

typedef struct blob_reader {
	customs_blob_reader base;
	reg_client *c;
	char *url, *scope, *what, *repo;
	int64_t size;
	CURL *h;
	CURLM *m;
	int in_multi;
	unsigned char *ring;
	size_t head, len;       /* buffered bytes: ring[head .. head+len) modulo RING */
	uint64_t off;           /* blob bytes accepted so far, in order */
	uint64_t range_start;   /* this attempt asked for bytes range_start- */
	uint64_t skip;          /* the server ignored Range: drop this many */
	uint64_t attempt_off;
	int decided, body_ok, paused, done, eof, failed;
	int too_big, bad_range;
	CURLcode result;
	reg_hdrs hdrs;
	customs_buf errbody;
	int restarts, noprogress, auth_tries, sent;
	char errbuf[CURL_ERROR_SIZE];
	char failmsg[1024];
	int failcode;
} blob_reader;

static size_t br_header(char *p, size_t sz, size_t nm, void *ud)
{
	blob_reader *b = ud;
	if (sz * nm >= 5 && !strncmp(p, "HTTP/", 5))
		b->decided = 0;
	hdrs_line(&b->hdrs, p, sz * nm);
	return sz * nm;
}

static size_t br_write(char *p, size_t sz, size_t nm, void *ud)
{
	blob_reader *b = ud;
	size_t n = sz * nm;
	if (!b->decided) {
		long st = b->hdrs.status;
		if (st >= 300 && st < 400)
			return n; /* body of a redirect being followed */
		b->decided = 1;
		b->body_ok = st == 200 || st == 206;
		if (st == 200) {
			b->skip = b->range_start; /* Range ignored: the whole blob again */
		} else if (st == 206) {
			unsigned long long s = 0;
			if (sscanf(b->hdrs.content_range, "bytes %llu-", &s) != 1 || s != b->range_start) {
				b->bad_range = 1;
				return 0;
			}
		}
	}
	if (!b->body_ok) {
		customs_buf_put(&b->errbody, p, n); /* capped: the rest is dropped */
		return n;
	}
	size_t drop = b->skip < n ? (size_t)b->skip : n;
	size_t keep = n - drop;
	if (keep > RING - b->len) {
		b->paused = 1;
		return CURL_WRITEFUNC_PAUSE; /* curl keeps the chunk and hands it over again */
	}
	b->skip -= drop;
	if (b->size >= 0 && b->off + keep > (uint64_t)b->size) {
		b->too_big = 1;
		return 0;
	}
	const char *src = p + drop;
	size_t tail = (b->head + b->len) % RING;
	size_t first = keep < RING - tail ? keep : RING - tail;
	memcpy(b->ring + tail, src, first);
	memcpy(b->ring, src + first, keep - first);
	b->len += keep;
	b->off += keep;
	return n;
}

static int br_start(blob_reader *b)
{
	char range[48];
	int err;
	if (b->in_multi) {
		curl_multi_remove_handle(b->m, b->h);
		b->in_multi = 0;
	}
	curl_easy_reset(b->h);
	reg__setup_handle(b->c, b->h, b->errbuf, b->c->blob_timeout);
	curl_easy_setopt(b->h, CURLOPT_URL, b->url);
	curl_easy_setopt(b->h, CURLOPT_HEADERFUNCTION, br_header);
	curl_easy_setopt(b->h, CURLOPT_HEADERDATA, b);
	curl_easy_setopt(b->h, CURLOPT_WRITEFUNCTION, br_write);
	curl_easy_setopt(b->h, CURLOPT_WRITEDATA, b);
	curl_easy_setopt(b->h, CURLOPT_BUFFERSIZE, (long)RECV_BUFFER); /* fewer, larger reads from the socket */
	if (b->off) {
		/* resume where the broken attempt stopped: the pipeline hashes in order */
		snprintf(range, sizeof(range), "%llu-", (unsigned long long)b->off);
		curl_easy_setopt(b->h, CURLOPT_RANGE, range);
	}
	b->range_start = b->off;
	b->attempt_off = b->off;
	b->skip = 0;
	b->decided = b->body_ok = b->paused = b->done = 0;
	b->too_big = b->bad_range = 0;
	b->result = CURLE_OK;
	hdrs_reset(&b->hdrs);
	customs_buf_release(&b->errbody);
	b->errbody = (customs_buf)CUSTOMS_BUF_INIT(MAX_ERROR_BODY);
	if ((err = reg__auth_apply(b->c, b->h, b->scope, &b->sent)) < 0)
		return err;
	if (curl_multi_add_handle(b->m, b->h) != CURLM_OK)
		return customs__error(CUSTOMS_EINTERNAL, "%s: cannot start the transfer", b->what);
	b->in_multi = 1;
	return 0;
}

/* The attempt ended: 1 the blob is complete, 0 a new attempt started, <0 error. */
static int br_finish(blob_reader *b)
{
	long st = 0;
	char es[256];
	int err;
	curl_easy_getinfo(b->h, CURLINFO_RESPONSE_CODE, &st);
	if (b->too_big)
		return customs__error(CUSTOMS_EDIGEST, "%s is larger than the %lld bytes its descriptor says", b->what,
				      (long long)b->size);
	if (b->bad_range)
		return customs__error(CUSTOMS_EFORMAT, "%s: asked for bytes %llu- and got Content-Range \"%.60s\"", b->what,
				      (unsigned long long)b->range_start, b->hdrs.content_range);
	if (b->result == CURLE_OK) {
		if (st == 200 || st == 206) {
			if (b->size < 0 || b->off == (uint64_t)b->size)
				return 1;
			goto retry; /* a clean end before the descriptor's size: resume */
		}
		error_summary(es, sizeof(es), b->errbody.ptr, b->errbody.len);
		if (st == 401) {
			if ((err = reg__auth_on_401(b->c, b->hdrs.www_auth[0] ? b->hdrs.www_auth : NULL, b->scope, b->sent,
						    b->auth_tries++)) < 0)
				return err;
			if (b->auth_tries > 3)
				return customs__error(CUSTOMS_EAUTH, "authentication failed for %s: still HTTP 401 for %s", b->c->host,
						      b->what);
			return br_start(b) < 0 ? -1 : 0;
		}
		if (st == 404)
			return customs__error(CUSTOMS_ENOTFOUND, "%s is not in the registry (%s/%s)%s", b->what, b->c->host, b->repo,
					      es);
		if (st == 416 && b->size >= 0 && b->off == (uint64_t)b->size)
			return 1;
		if (st == 429 || st >= 500)
			goto retry;
		return customs__error(CUSTOMS_ENETWORK, "%s: %s answered HTTP %ld%s", b->what, b->c->host, st, es);
	}
	if (!reg__retryable(b->result))
		return reg__curl_error(b->c, b->h, b->result, b->errbuf, b->what);
retry:
	/* a trickle (slow-loris) is no progress: only a real chunk resets the count */
	if (b->off >= b->attempt_off + PROGRESS_MIN)
		b->noprogress = 0;
	else
		b->noprogress++;
	if (b->noprogress > b->c->retries || ++b->restarts > MAX_RESTARTS) {
		if (b->result != CURLE_OK && b->result != CURLE_PARTIAL_FILE)
			return reg__curl_error(b->c, b->h, b->result, b->errbuf, b->what);
		if (st == 429 || st >= 500)
			return customs__error(CUSTOMS_ENETWORK, "%s: %s answered HTTP %ld (%d attempts)", b->what, b->c->host, st,
					      b->restarts + 1);
		return customs__error(CUSTOMS_EFORMAT, "%s is truncated: the registry sent %llu of %lld bytes (%d attempts)",
				      b->what, (unsigned long long)b->off, (long long)b->size, b->restarts + 1);
	}
	reg__backoff(b->noprogress ? b->noprogress - 1 : 0, (st == 429 || st == 503) ? b->hdrs.retry_after : -1);
	if ((err = br_start(b)) < 0)
		return err;
	return 0;
}

static ssize_t br_read(customs_blob_reader *r, void *buf, size_t want)
{
	blob_reader *b = (blob_reader *)r;
	if (b->failed)
		return customs__error(b->failcode, "%s", b->failmsg);
	for (;;) {
		if (b->len) {
			size_t n = want < b->len ? want : b->len;
			size_t first = n < RING - b->head ? n : RING - b->head;
			memcpy(buf, b->ring + b->head, first);
			memcpy((char *)buf + first, b->ring, n - first);
			b->head = (b->head + n) % RING;
			b->len -= n;
			if (!b->len)
				b->head = 0;
			if (b->paused && RING - b->len >= RING / 4) {
				b->paused = 0;
				curl_easy_pause(b->h, CURLPAUSE_CONT);
			}
			return (ssize_t)n;
		}
		if (b->eof)
			return 0;
		if (b->done) {
			int rc = br_finish(b);
			if (rc < 0) {
				b->failed = 1;
				b->failcode = rc;
				snprintf(b->failmsg, sizeof(b->failmsg), "%s", customs_error_last());
				return rc;
			}
			if (rc == 1)
				b->eof = 1;
			continue;
		}
		if (b->paused) {
			b->paused = 0;
			curl_easy_pause(b->h, CURLPAUSE_CONT);
		}
		int running = 0, q;
		CURLMcode mc = curl_multi_perform(b->m, &running);
		if (mc != CURLM_OK) {
			b->failed = 1;
			b->failcode = CUSTOMS_EINTERNAL;
			snprintf(b->failmsg, sizeof(b->failmsg), "%s: %s", b->what, curl_multi_strerror(mc));
			return customs__error(b->failcode, "%s", b->failmsg);
		}
		CURLMsg *msg;
		while ((msg = curl_multi_info_read(b->m, &q)))
			if (msg->msg == CURLMSG_DONE) {
				b->done = 1;
				b->result = msg->data.result;
			}
		if (!b->done && !b->len)
			curl_multi_poll(b->m, NULL, 0, 1000, NULL);
	}
}

static void br_close(customs_blob_reader *r)
{
	blob_reader *b = (blob_reader *)r;
	if (b->in_multi)
		curl_multi_remove_handle(b->m, b->h);
	if (b->h)
		curl_easy_cleanup(b->h);
	if (b->m)
		curl_multi_cleanup(b->m);
	customs_buf_release(&b->errbody);
	free(b->ring), free(b->url), free(b->scope), free(b->what), free(b->repo);
	free(b);
}

typedef struct reg_source {
	reg_client *c;
	char *repo;
} reg_source;

static void reg_source_free(void *p)
{
	reg_source *rs = p;
	if (!rs)
		return;
	reg__client_free(rs->c);
	free(rs->repo);
	free(rs);
}

static int reg_open_layer(source_image *img, const source_layer *l, customs_blob_reader **out)
{
	reg_source *rs = img->priv;
	blob_reader *b = calloc(1, sizeof(*b));
	int err;
	*out = NULL;
	if (!b)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	b->base.read = br_read;
	b->base.close = br_close;
	b->c = rs->c;
	b->size = l->size;
	b->ring = malloc(RING);
	b->h = curl_easy_init();
	b->m = curl_multi_init();
	b->url = v2_url(rs->c, rs->repo, "blobs", l->digest);
	b->scope = customs_asprintf("repository:%s:pull", rs->repo);
	b->what = customs_asprintf("blob %s", l->digest);
	b->repo = customs_strdup(rs->repo);
	if (!b->ring || !b->h || !b->m || !b->url || !b->scope || !b->what || !b->repo) {
		br_close(&b->base);
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	if ((err = br_start(b)) < 0) {
		br_close(&b->base);
		return err;
	}
	*out = &b->base;
	return 0;
}

/* ---- resolving an image ---- */

static int fill_from_manifest(source_image *img, reg_source *rs, const reg_ref *ref, const manifest_doc *man,
			      const char *what)
{
	json_t *cfg = json_object_get(man->j, "config");
	json_t *layers = json_object_get(man->j, "layers");
	int err;
	if (!json_is_object(cfg) || !json_is_array(layers))
		return customs__error(CUSTOMS_EFORMAT, "%s lacks \"config\" or \"layers\"", what);
	const char *cmt = json_string_value(json_object_get(cfg, "mediaType"));
	if (cmt && !manifest__is_config_type(cmt))
		return customs__error(CUSTOMS_EUNSUPPORTED, "%s is an artifact (config type %.100s), not a container image", what,
				      cmt);
	const char *cdig = json_string_value(json_object_get(cfg, "digest"));
	json_t *csz = json_object_get(cfg, "size");
	if (!customs_digest_valid(cdig))
		return customs__error(CUSTOMS_EFORMAT, "%s: invalid or unsupported config digest \"%.80s\"", what,
				      cdig ? cdig : "(none)");
	char cwhat[100];
	snprintf(cwhat, sizeof(cwhat), "config %s", cdig);
	if ((err = fetch_small_blob(rs->c, ref->repo, cdig, json_is_integer(csz) ? json_integer_value(csz) : -1, MAX_CONFIG,
				    cwhat, &img->config_json, &img->config_len)) < 0)
		return err;
	img->manifest_digest = customs_strdup(man->digest);
	img->manifest_media_type = customs_strdup(man->mt);
	img->config_digest = customs_strdup(cdig);
	size_t n = json_array_size(layers), i;
	json_t *l;
	if (!(img->layers = calloc(n ? n : 1, sizeof(*img->layers))))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	json_array_foreach(layers, i, l) {
		const char *ld = json_string_value(json_object_get(l, "digest"));
		json_t *lsz = json_object_get(l, "size");
		if (!customs_digest_valid(ld))
			return customs__error(CUSTOMS_EFORMAT, "%s: layer %zu: invalid or unsupported digest \"%.80s\"", what, i,
					      ld ? ld : "(none)");
		source_layer *sl = &img->layers[img->nlayers++];
		sl->digest = customs_strdup(ld);
		sl->name = customs_strdup(ld);
		sl->media_type = customs_strdup(json_string_value(json_object_get(l, "mediaType")));
		sl->size = json_is_integer(lsz) && json_integer_value(lsz) >= 0 ? json_integer_value(lsz) : -1;
		/* the progress total and the largest-first order use length */
		sl->length = sl->size >= 0 ? (uint64_t)sl->size : 0;
	}
	return 0;
}

/* What fetching an image's nested manifests needs to know. */
typedef struct reg_resolve {
	reg_client *c;
	const reg_ref *ref;
	const char *canon;
} reg_resolve;

/* manifest_fetch_fn over the registry: the answer's content type says what
 * the descriptor named, and must be what the descriptor says. */
static int reg_fetch(void *ud, const manifest_doc *from, json_t *pick, manifest_doc *out)
{
	const reg_resolve *rr = ud;
	const char *d = json_string_value(json_object_get(pick, "digest"));
	const char *dmt = json_string_value(json_object_get(pick, "mediaType"));
	json_t *sz = json_object_get(pick, "size");
	char cw[400], cnf[500];
	int err = 0;

	memset(out, 0, sizeof(*out));
	if (!customs_digest_valid(d))
		return customs__error(CUSTOMS_EFORMAT, "%s: invalid or unsupported manifest digest \"%.80s\"", from->what,
				      d ? d : "(none)");
	snprintf(cw, sizeof(cw), "manifest %s", d);
	snprintf(cnf, sizeof(cnf), "manifest %s listed by the index of %.300s is not in the registry", d, rr->canon);
	if ((err = fetch_manifest(rr->c, rr->ref, d, json_is_integer(sz) ? json_integer_value(sz) : -1, cw, cnf, out)) < 0)
		return err;
	out->depth = from->depth + 1;
	snprintf(out->what, sizeof(out->what), "%s %.300s", manifest__is_index_type(out->mt) ? "image index" : "manifest",
		 out->digest);
	if (dmt && strcmp(dmt, out->mt))
		err = customs__error(CUSTOMS_EFORMAT, "%s: the index says %.100s, the registry sent %s", cw, dmt, out->mt);
	else if (manifest__is_index_type(out->mt) && out->depth >= MANIFEST_MAX_DEPTH)
		err = customs__error(CUSTOMS_ELIMIT, "%s: image indexes nested deeper than %d levels", rr->canon,
				     MANIFEST_MAX_DEPTH);
	if (err < 0)
		manifest__doc_release(out);
	return err;
}

int source__registry_open(source_image *img, const char *refstr, const customs_options *opts)
{
	reg_ref ref;
	reg_source *rs = NULL;
	manifest_platform want;
	manifest_doc man = {0};
	char *canon = NULL, what[400], nf[400];
	int err;

	if ((err = manifest__platform_parse(&want, opts ? opts->platform : NULL)) < 0 ||
	    (err = reg__ref_parse(&ref, refstr, 0)) < 0)
		return err;
	if (!(canon = reg__ref_string(&ref)) || !(rs = calloc(1, sizeof(*rs)))) {
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
		goto done;
	}
	img->path = customs_strdup(canon);
	img->priv = rs;
	img->priv_free = reg_source_free;
	img->open_layer = reg_open_layer;
	rs->repo = customs_strdup(ref.repo);
	if ((err = reg__client_new(&rs->c, &ref, opts)) < 0)
		goto done;
	if ((err = reg_ping(rs->c)) < 0)
		goto done;

	snprintf(what, sizeof(what), "manifest %.300s", canon);
	snprintf(nf, sizeof(nf), "image not found: %.300s", canon);
	if ((err = fetch_manifest(rs->c, &ref, ref.digest ? ref.digest : ref.tag, -1, what, nf, &man)) < 0)
		goto done;
	snprintf(man.what, sizeof(man.what), "image index %.300s", canon);
	reg_resolve rr = {rs->c, &ref, canon};
	if ((err = manifest__follow(&man, &want, reg_fetch, &rr)) < 0)
		goto done;
	snprintf(what, sizeof(what), "manifest %s of %.300s", man.digest, canon);
	if ((err = fill_from_manifest(img, rs, &ref, &man, what)) < 0)
		goto done;
	if (ref.tag)
		customs_strlist_add(&img->tags, ref.tag);
done:
	manifest__doc_release(&man);
	free(canon);
	reg__ref_release(&ref);
	return err;
}

/* ---- tag listing ---- */

/* The rel="next" target of a Link header value, or NULL. */
static char *link_next(const char *v)
{
	for (const char *p = v; p && *p;) {
		const char *lt = strchr(p, '<');
		if (!lt)
			return NULL;
		const char *gt = strchr(lt, '>');
		if (!gt)
			return NULL;
		const char *end = strchr(gt, ',');
		size_t pl = end ? (size_t)(end - gt) : strlen(gt);
		char params[512];
		snprintf(params, sizeof(params), "%.*s", (int)(pl < 511 ? pl : 511), gt + 1);
		for (char *q = params; *q; q++)
			*q = (char)tolower((unsigned char)*q);
		if (strstr(params, "rel=\"next\"") || strstr(params, "rel=next"))
			return customs_strndup(lt + 1, (size_t)(gt - lt - 1));
		p = end ? end + 1 : NULL;
	}
	return NULL;
}

/* Resolve rel against base; refuse another scheme, host or port. */
static int resolve_next(char **out, const char *base, const char *rel, const char *what)
{
	CURLU *u = curl_url();
	char *full = NULL;
	int err = 0;
	*out = NULL;
	if (!u)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	if (curl_url_set(u, CURLUPART_URL, base, 0) != CURLUE_OK || curl_url_set(u, CURLUPART_URL, rel, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_URL, &full, 0) != CURLUE_OK) {
		err = customs__error(CUSTOMS_EFORMAT, "%s: bad next-page Link \"%.200s\"", what, rel);
		goto done;
	}
	char a[300], b[300];
	reg__url_authority(a, sizeof(a), base, 1);
	reg__url_authority(b, sizeof(b), full, 1);
	if (strcmp(a, b) != 0 || strncmp(base, full, strcspn(base, ":")) != 0) {
		err = customs__error(CUSTOMS_EFORMAT, "%s: the next-page Link points to another server (%.200s)", what, b);
		goto done;
	}
	*out = customs_strdup(full);
done:
	curl_free(full);
	curl_url_cleanup(u);
	return err;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int customs_registry_tags(customs_strlist *out, const char *repo, int page_size, const customs_options *opts)
{
	reg_ref ref;
	reg_client *c = NULL;
	reg_resp r = {0};
	customs_strlist seen = {0};
	char *url = NULL, *scope = NULL, *next = NULL, what[400];
	int err, pages = 0;
	int max_pages = (int)reg__env_long("CUSTOMS_REGISTRY_MAX_PAGES", MAX_PAGES, 1, 1000000);

	memset(out, 0, sizeof(*out));
	if (opts && opts->version != CUSTOMS_OPTIONS_VERSION && opts->version != 1)
		return customs__error(CUSTOMS_EINVAL, "customs_options.version is %u; this libcustoms (%s) knows versions 1 and %d",
				      opts->version, CUSTOMS_VERSION, CUSTOMS_OPTIONS_VERSION);
	if (customs_str_has_prefix(repo, "registry://"))
		repo += 11;
	else if (customs_str_has_prefix(repo, "registry:"))
		repo += 9;
	else if (customs_str_has_prefix(repo, "docker://"))
		repo += 9;
	if ((err = reg__ref_parse(&ref, repo, 1)) < 0)
		return err;
	snprintf(what, sizeof(what), "tag list of %s/%s", ref.domain, ref.repo);
	if ((err = reg__client_new(&c, &ref, opts)) < 0 || (err = reg_ping(c)) < 0)
		goto done;
	scope = customs_asprintf("repository:%s:pull", ref.repo);
	url = page_size > 0 ? customs_asprintf("%s/v2/%s/tags/list?n=%d", c->base, ref.repo, page_size)
			    : customs_asprintf("%s/v2/%s/tags/list", c->base, ref.repo);
	if (!scope || !url) {
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
		goto done;
	}
	while (url) {
		if (++pages > max_pages) {
			err = customs__error(CUSTOMS_ELIMIT, "%s: more than %d pages; stopping (endless pagination?)", what, max_pages);
			goto done;
		}
		if (customs_strlist_contains(&seen, url)) {
			err = customs__error(CUSTOMS_EFORMAT, "%s: the next-page Link leads back to a page already read (a loop)", what);
			goto done;
		}
		customs_strlist_add(&seen, url);
		if ((err = reg_get(c, url, "Accept: application/json", scope, MAX_TAGS_PAGE, what, 0, &r)) < 0)
			goto done;
		char es[256];
		error_summary(es, sizeof(es), r.body.ptr, r.body.len);
		if (r.status == 404) {
			err = customs__error(CUSTOMS_ENOTFOUND, "repository not found: %s/%s%s", ref.domain, ref.repo, es);
			goto done;
		}
		if (r.status != 200) {
			err = customs__error(r.status == 403 ? CUSTOMS_EAUTH : CUSTOMS_ENETWORK, "%s: %s answered HTTP %ld%s", what,
					     c->host, r.status, es);
			goto done;
		}
		json_error_t je;
		json_t *j = json_loadb(r.body.ptr ? r.body.ptr : "", r.body.len, 0, &je);
		json_t *tags = json_object_get(j, "tags"), *t;
		size_t i;
		if (!json_is_object(j) || (tags && !json_is_array(tags) && !json_is_null(tags))) {
			json_decref(j);
			err = customs__error(CUSTOMS_EFORMAT, "%s: page %d is not {\"tags\": [...]}", what, pages);
			goto done;
		}
		json_array_foreach(tags, i, t) {
			const char *s = json_string_value(t);
			if (!s || !reg__tag_valid(s))
				continue;
			if (out->n >= MAX_TAGS) {
				json_decref(j);
				err = customs__error(CUSTOMS_ELIMIT, "%s: more than %d tags", what, MAX_TAGS);
				goto done;
			}
			customs_strlist_add(out, s);
		}
		json_decref(j);
		char *ln = r.h.link[0] ? link_next(r.h.link) : NULL;
		free(next);
		next = NULL;
		if (ln) {
			err = resolve_next(&next, url, ln, what);
			free(ln);
			if (err < 0)
				goto done;
		}
		free(url);
		url = next;
		next = NULL;
	}
	qsort(out->v, out->n, sizeof(char *), cmp_str);
	/* a tag repeated across pages is listed once */
	size_t w = 0;
	for (size_t i = 0; i < out->n; i++) {
		if (w && !strcmp(out->v[w - 1], out->v[i]))
			free(out->v[i]);
		else
			out->v[w++] = out->v[i];
	}
	out->n = w;
	err = 0;
done:
	if (err < 0)
		customs_strlist_release(out);
	customs_strlist_release(&seen);
	resp_release(&r);
	free(url), free(next), free(scope);
	reg__client_free(c);
	reg__ref_release(&ref);
	return err;
}
