/* registry.h - internals of the registry source, shared by registry.c (the
 * HTTP client, manifests, blob streaming, tag lists) and registry_auth.c
 * (challenges, tokens, docker config.json and credential helpers).
 * Protocol: OCI distribution-spec / Docker Registry HTTP API v2 and the
 * Docker token authentication spec (FORMATS-images.md §5). */
#ifndef CUSTOMS_REGISTRY_H
#define CUSTOMS_REGISTRY_H

#include <pthread.h>
#include <stddef.h>
#include <time.h>

#include <curl/curl.h>

#include "customs/analysis.h"
#include "util/util.h"

/* A parsed, normalised image reference (docker's rules, §5.7). */
typedef struct reg_ref {
	char *domain;   /* "docker.io", "127.0.0.1:5000": names the registry */
	char *host;     /* API host[:port]: registry-1.docker.io for docker.io */
	char *repo;     /* "library/debian" */
	char *tag;      /* NULL when pinned by digest only */
	char *digest;   /* NULL when by tag */
} reg_ref;

/* Parse s. want_repo: a repository only (a tag or digest is an error). */
int reg__ref_parse(reg_ref *out, const char *s, int want_repo);
void reg__ref_release(reg_ref *r);

enum { REG_AUTH_NONE = 0, REG_AUTH_BASIC, REG_AUTH_BEARER };

typedef struct reg_token {
	char *scope;
	char *token;
	time_t expires;
} reg_token;

/* One registry, shared by the thread that resolves the image and the
 * layer reader threads: everything mutable is under mu. */
typedef struct reg_client {
	char *host;            /* API host[:port] */
	char *domain;          /* for credentials: "docker.io", host[:port] */
	char *base;            /* "https://HOST" or "http://HOST" once pinged */
	int insecure;          /* --insecure-registry: unverified TLS, then plain HTTP */
	char *ca_file;
	long connect_timeout, low_speed_time, low_speed_limit, timeout, blob_timeout;
	int retries;

	pthread_mutex_t mu;
	/* credentials: given, or looked up on the first challenge */
	int creds_loaded;
	char *user;
	char *secret;          /* password, or an identity (refresh) token */
	int identity_token;
	char cred_source[160]; /* where they came from, for messages */
	/* learned from WWW-Authenticate */
	int scheme;
	char *realm, *service;
	reg_token *tokens;
	size_t ntokens;

	CURL *meta;            /* sequential small requests on the resolving thread */
} reg_client;

int reg__client_new(reg_client **out, const reg_ref *ref, const customs_options *opts);
void reg__client_free(reg_client *c);

/* Common easy-handle options: timeouts, TLS, redirects, protocols. */
void reg__setup_handle(reg_client *c, CURL *h, char *errbuf, long timeout);

/* A parsed WWW-Authenticate challenge. */
typedef struct reg_challenge {
	int scheme;            /* REG_AUTH_*, or -1 for an unknown scheme */
	char realm[1024];
	char service[256];
	char scope[1024];      /* may hold several, space-separated */
	char error[64];
} reg_challenge;

int reg__parse_challenge(reg_challenge *ch, const char *hdr);

/* Put the Authorization for a request in scope on h (may fetch a token).
 * *sent tells whether credentials or a token went out. */
int reg__auth_apply(reg_client *c, CURL *h, const char *scope, int *sent);
/* After a 401 whose challenge is www_auth: 1 to retry the request, or a
 * negative code with "authentication failed for HOST: ..." set. */
int reg__auth_on_401(reg_client *c, const char *www_auth, const char *scope, int sent, int tries);
/* Look up credentials for c->domain once: config.json auths, credHelpers,
 * credsStore. Secrets never reach a message. */
int reg__load_credentials(reg_client *c);

/* Map a failed transfer to a message and code. what: "manifest X". */
int reg__curl_error(reg_client *c, CURL *h, CURLcode rc, const char *errbuf, const char *what);
/* Is this transfer failure worth a retry? */
int reg__retryable(CURLcode rc);
/* Sleep before retry number n (0-based); retry_after: seconds the server asked for, or -1. */
void reg__backoff(int n, long retry_after);
/* host[:port] of a URL, for messages; writes "" on failure. */
void reg__url_authority(char *out, size_t n, const char *url, int with_port);

#endif
