/* registry_http.c - the registry client's HTTP plumbing: the client
 * (timeouts and retries from CUSTOMS_HTTP_*, insecure hosts, credentials
 * given), libcurl handles set up alike (TLS, redirects, http(s) only),
 * transfer errors worded for people, retries with jittered backoff. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "source/registry_http.h"

#define MAX_REDIRS 10

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

static void curl_init(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

long reg__env_long(const char *name, long def, long min, long max)
{
	const char *s = getenv(name);
	char *end;
	if (!s || !*s)
		return def;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return def;
	return v;
}

static int host_listed(const char *list, const char *host)
{
	/* entries are HOST[:PORT]; an entry without a port covers every port */
	const char *hc = strrchr(host, ':');
	size_t hn = (hc && !strchr(hc, ']')) ? (size_t)(hc - host) : strlen(host);
	for (const char *p = list; p && *p;) {
		while (*p == ',' || *p == ' ')
			p++;
		size_t l = strcspn(p, ", ");
		if (!l)
			break;
		if ((l == strlen(host) && !strncmp(p, host, l)) || (l == hn && !strncmp(p, host, hn) && !memchr(p, ':', l)))
			return 1;
		p += l;
	}
	return 0;
}

int reg__client_new(reg_client **out, const reg_ref *ref, const customs_options *opts)
{
	reg_client *c;
	*out = NULL;
	pthread_once(&curl_once, curl_init);
	if (curl_init_rc != CURLE_OK)
		return customs__error(CUSTOMS_EINTERNAL, "cannot initialise libcurl: %s", curl_easy_strerror(curl_init_rc));
	if (!(c = calloc(1, sizeof(*c))))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	pthread_mutex_init(&c->mu, NULL);
	c->host = customs_strdup(ref->host);
	c->domain = customs_strdup(ref->domain);
	c->insecure = opts && opts->insecure_registries &&
		      (host_listed(opts->insecure_registries, ref->host) || host_listed(opts->insecure_registries, ref->domain));
	c->ca_file = customs_strdup(opts ? opts->ca_file : NULL);
	c->connect_timeout = reg__env_long("CUSTOMS_HTTP_CONNECT_TIMEOUT", 15, 1, 600);
	c->low_speed_time = reg__env_long("CUSTOMS_HTTP_LOW_SPEED_TIME", 30, 1, 3600);
	c->low_speed_limit = reg__env_long("CUSTOMS_HTTP_LOW_SPEED_LIMIT", 1024, 1, 1 << 30);
	c->timeout = reg__env_long("CUSTOMS_HTTP_TIMEOUT", 300, 1, 86400);
	c->blob_timeout = reg__env_long("CUSTOMS_HTTP_BLOB_TIMEOUT", 1800, 1, 7 * 86400);
	c->retries = (int)reg__env_long("CUSTOMS_HTTP_RETRIES", 3, 0, 20);
	if (opts && opts->registry_username && opts->registry_password) {
		c->user = customs_strdup(opts->registry_username);
		c->secret = customs_strdup(opts->registry_password);
		c->creds_loaded = 1;
		snprintf(c->cred_source, sizeof(c->cred_source), "the given username and password");
	}
	c->meta = curl_easy_init();
	if (!c->host || !c->domain || !c->meta) {
		reg__client_free(c);
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	*out = c;
	return 0;
}

void reg__client_free(reg_client *c)
{
	if (!c)
		return;
	if (c->meta)
		curl_easy_cleanup(c->meta);
	for (size_t i = 0; i < c->ntokens; i++) {
		free(c->tokens[i].scope);
		if (c->tokens[i].token) {
			OPENSSL_cleanse(c->tokens[i].token, strlen(c->tokens[i].token));
			free(c->tokens[i].token);
		}
	}
	free(c->tokens);
	if (c->secret) {
		OPENSSL_cleanse(c->secret, strlen(c->secret));
		free(c->secret);
	}
	free(c->user), free(c->host), free(c->domain), free(c->base), free(c->ca_file), free(c->realm), free(c->service);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

void reg__setup_handle(reg_client *c, CURL *h, char *errbuf, long timeout)
{
	errbuf[0] = '\0';
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "customs/" CUSTOMS_VERSION);
	/* curl never sends credentials across hosts on a redirect (no UNRESTRICTED_AUTH) */
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, (long)MAX_REDIRS);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, c->connect_timeout);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, c->low_speed_limit);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, c->low_speed_time);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout);
	curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
	if (c->insecure) {
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (c->ca_file)
		curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_file);
}

void reg__url_authority(char *out, size_t n, const char *url, int with_port)
{
	CURLU *u = curl_url();
	char *host = NULL, *port = NULL;
	out[0] = '\0';
	if (!u || !url)
		goto done;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK || curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
		goto done;
	if (with_port && curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK && port)
		snprintf(out, n, "%s:%s", host, port);
	else
		snprintf(out, n, "%s", host);
done:
	curl_free(host);
	curl_free(port);
	if (u)
		curl_url_cleanup(u);
}

int reg__retryable(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_PARTIAL_FILE:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return 1;
	default:
		return 0;
	}
}

void reg__backoff(int n, long retry_after)
{
	static _Thread_local unsigned seed;
	long ms;
	if (!seed)
		seed = (unsigned)time(NULL) ^ (unsigned)(uintptr_t)&seed;
	if (retry_after >= 0) {
		ms = (retry_after > 30 ? 30 : retry_after) * 1000;
	} else {
		ms = 500L << (n > 4 ? 4 : n);
		seed = seed * 1103515245u + 12345u;
		ms += (long)((seed >> 16) % (unsigned)(ms / 4 + 1));
	}
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int reg__curl_error(reg_client *c, CURL *h, CURLcode rc, const char *errbuf, const char *what)
{
	char *eff = NULL, host[300] = "", name[300] = "";
	const char *detail = errbuf && errbuf[0] ? errbuf : curl_easy_strerror(rc);
	curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &eff);
	reg__url_authority(host, sizeof(host), eff, 1);
	reg__url_authority(name, sizeof(name), eff, 0);
	if (!host[0])
		snprintf(host, sizeof(host), "%s", c->host);
	if (!name[0])
		snprintf(name, sizeof(name), "%s", c->host);
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
		return customs__error(CUSTOMS_ENETWORK, "cannot resolve %s", name);
	case CURLE_PEER_FAILED_VERIFICATION:
		return customs__error(CUSTOMS_ENETWORK, "certificate verify failed for %s; use --insecure-registry only if you trust it",
				      host);
	case CURLE_SSL_CACERT_BADFILE:
		return customs__error(CUSTOMS_EUSAGE, "cannot use the CA file %s: %s", c->ca_file ? c->ca_file : "(default)", detail);
	case CURLE_SSL_CONNECT_ERROR:
		return customs__error(CUSTOMS_ENETWORK, "TLS handshake with %s failed: %s", host, detail);
	case CURLE_COULDNT_CONNECT:
		return customs__error(CUSTOMS_ENETWORK, "cannot connect to %s: %s", host, detail);
	case CURLE_OPERATION_TIMEDOUT:
		return customs__error(CUSTOMS_ENETWORK, "%s: timed out talking to %s: %s", what, host, detail);
	case CURLE_TOO_MANY_REDIRECTS:
		return customs__error(CUSTOMS_ENETWORK, "%s: too many redirects (more than %d; a redirect loop?), last at %s", what,
				      MAX_REDIRS, host);
	case CURLE_UNSUPPORTED_PROTOCOL:
		return customs__error(CUSTOMS_ENETWORK, "%s: redirected to an unsupported protocol: %s", what, detail);
	default:
		return customs__error(CUSTOMS_ENETWORK, "%s: network error talking to %s: %s", what, host, detail);
	}
}
