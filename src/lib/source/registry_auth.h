/* registry_auth.h - authentication to a registry for the requests of
 * registry.c: WWW-Authenticate challenges, Basic credentials, Docker tokens
 * per scope (FORMATS-images.md §5.5, §5.6).  A secret never reaches a message. */
#ifndef CUSTOMS_REGISTRY_AUTH_H
#define CUSTOMS_REGISTRY_AUTH_H

#include "source/registry_http.h"

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

#endif
