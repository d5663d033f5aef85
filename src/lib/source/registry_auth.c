/* registry_auth.c - registry authentication: WWW-Authenticate challenges,
 * Basic credentials, the Docker token flow (auth/token.md, auth/oauth.md)
 * with tokens cached per scope, and credentials from docker's config.json,
 * credHelpers/credsStore helpers (docker-credential-helpers protocol).
 * FORMATS-images.md §5.5, §5.6.  A secret never reaches a message. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "source/registry_auth.h"

extern char **environ;

#define MAX_TOKEN_RESPONSE (1u << 20)
#define MAX_CONFIG_JSON (4u << 20)
#define MAX_HELPER_OUTPUT (64u << 10)
#define HELPER_TIMEOUT_MS 30000
#define TOKEN_MARGIN 10 /* seconds before expiry a cached token is renewed */

static void secret_free(char *s)
{
	if (s) {
		OPENSSL_cleanse(s, strlen(s));
		free(s);
	}
}

/* ---- challenges ---- */

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static void copy_str(char *dst, size_t n, const char *src)
{
	size_t l = strlen(src);
	if (l >= n)
		l = n - 1;
	memcpy(dst, src, l);
	dst[l] = '\0';
}

int reg__parse_challenge(reg_challenge *ch, const char *hdr)
{
	memset(ch, 0, sizeof(*ch));
	ch->scheme = -1;
	if (!hdr)
		return CUSTOMS_EFORMAT;
	const char *p = skip_ws(hdr);
	const char *s = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	size_t sl = (size_t)(p - s);
	if (sl == 6 && !strncasecmp(s, "bearer", 6))
		ch->scheme = REG_AUTH_BEARER;
	else if (sl == 5 && !strncasecmp(s, "basic", 5))
		ch->scheme = REG_AUTH_BASIC;
	/* k="v" pairs; quoted values may hold commas and spaces */
	while (*p) {
		p = skip_ws(p);
		while (*p == ',' || *p == ' ')
			p++;
		const char *k = p;
		while (*p && *p != '=' && *p != ',' && *p != ' ')
			p++;
		size_t kl = (size_t)(p - k);
		if (*p != '=') {
			if (!*p)
				break;
			continue;
		}
		p++;
		char val[1024];
		size_t vl = 0;
		if (*p == '"') {
			p++;
			while (*p && *p != '"') {
				if (*p == '\\' && p[1])
					p++;
				if (vl + 1 < sizeof(val))
					val[vl++] = *p;
				p++;
			}
			if (*p == '"')
				p++;
		} else {
			while (*p && *p != ',' && *p != ' ') {
				if (vl + 1 < sizeof(val))
					val[vl++] = *p;
				p++;
			}
		}
		val[vl] = '\0';
		if (kl == 5 && !strncasecmp(k, "realm", 5))
			copy_str(ch->realm, sizeof(ch->realm), val);
		else if (kl == 7 && !strncasecmp(k, "service", 7))
			copy_str(ch->service, sizeof(ch->service), val);
		else if (kl == 5 && !strncasecmp(k, "scope", 5))
			copy_str(ch->scope, sizeof(ch->scope), val);
		else if (kl == 5 && !strncasecmp(k, "error", 5))
			copy_str(ch->error, sizeof(ch->error), val);
	}
	return 0;
}

/* ---- base64 (config.json "auth") ---- */

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* Decode into a new NUL-terminated buffer; NULL on bad input. */
static char *b64decode(const char *in, size_t *outlen)
{
	size_t n = strlen(in);
	char *out = malloc(n / 4 * 3 + 4);
	size_t o = 0;
	unsigned acc = 0;
	int bits = 0;
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (in[i] == '=' || in[i] == '\n' || in[i] == '\r')
			continue;
		int v = b64val((unsigned char)in[i]);
		if (v < 0) {
			OPENSSL_cleanse(out, o);
			free(out);
			return NULL;
		}
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	out[o] = '\0';
	*outlen = o;
	return out;
}

/* ---- credentials ---- */

static void set_creds(reg_client *c, const char *user, const char *secret, int identity, const char *source)
{
	free(c->user);
	secret_free(c->secret);
	c->user = customs_strdup(user);
	c->secret = customs_strdup(secret);
	c->identity_token = identity;
	snprintf(c->cred_source, sizeof(c->cred_source), "%s", source);
}

/* "https://index.docker.io/v1/" → "index.docker.io" (docker's ConvertToHostname). */
static void key_hostname(char *out, size_t n, const char *key)
{
	const char *p = key;
	if (!strncmp(p, "http://", 7))
		p += 7;
	else if (!strncmp(p, "https://", 8))
		p += 8;
	size_t l = strcspn(p, "/");
	snprintf(out, n, "%.*s", (int)l, p);
}

static int is_hub(const char *domain)
{
	return !strcmp(domain, "docker.io") || !strcmp(domain, "index.docker.io") ||
	       !strcmp(domain, "registry-1.docker.io");
}

/* Does config key k name the registry `domain`? */
static int key_matches(const char *k, const char *domain)
{
	char h[256];
	if (!strcmp(k, domain))
		return 1;
	key_hostname(h, sizeof(h), k);
	if (!strcmp(h, domain))
		return 1;
	return is_hub(domain) && is_hub(h);
}

static json_t *find_entry(json_t *obj, const char *domain)
{
	const char *k;
	json_t *v;
	if (!json_is_object(obj))
		return NULL;
	/* exact key first, then keys with a scheme or path */
	if ((v = json_object_get(obj, is_hub(domain) ? "https://index.docker.io/v1/" : domain)))
		return v;
	json_object_foreach(obj, k, v)
		if (key_matches(k, domain))
			return v;
	return NULL;
}

/* An auths entry: {"auth": base64(user:pass)} or username/password, identitytoken. */
static int use_auths_entry(reg_client *c, json_t *e, const char *source)
{
	const char *auth = json_string_value(json_object_get(e, "auth"));
	const char *idt = json_string_value(json_object_get(e, "identitytoken"));
	const char *u = json_string_value(json_object_get(e, "username"));
	const char *pw = json_string_value(json_object_get(e, "password"));
	char *dec = NULL;
	size_t dl = 0;
	int used = 0;

	if (auth && *auth && (dec = b64decode(auth, &dl))) {
		char *colon = memchr(dec, ':', dl);
		if (colon && colon != dec) {
			/* split at the first ':'; the password ends at the first NUL
			 * (docker trims trailing NULs) */
			*colon = '\0';
			u = dec;
			pw = colon + 1;
		}
	}
	if (idt && *idt && u && *u) {
		set_creds(c, u, idt, 1, source);
		used = 1;
	} else if (u && *u && pw && *pw) {
		set_creds(c, u, pw, 0, source);
		used = 1;
	}
	if (dec) {
		OPENSSL_cleanse(dec, dl);
		free(dec);
	}
	return used;
}

static int valid_helper_name(const char *s)
{
	if (!s || !*s || strlen(s) > 64)
		return 0;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		      *p == '_' || *p == '.'))
			return 0;
	return 1;
}

/* Run `docker-credential-NAME get` with the server URL on stdin.
 * 1 credentials found, 0 none, <0 error. */
static int run_helper(reg_client *c, const char *name)
{
	char prog[96], server[300];
	int in[2] = {-1, -1}, out[2] = {-1, -1}, err = 0, status = 0;
	pid_t pid = -1;
	posix_spawn_file_actions_t fa;
	customs_buf b = CUSTOMS_BUF_INIT(MAX_HELPER_OUTPUT);
	json_t *j = NULL;

	if (!valid_helper_name(name))
		return customs__error(CUSTOMS_EUSAGE, "docker config: invalid credential helper name \"%.64s\"", name);
	snprintf(prog, sizeof(prog), "docker-credential-%s", name);
	snprintf(server, sizeof(server), "%s\n", is_hub(c->domain) ? "https://index.docker.io/v1/" : c->domain);
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0) {
		err = customs__error(CUSTOMS_EIO, "cannot run %s: %s", prog, strerror(errno));
		goto done;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	char *argv[] = {prog, "get", NULL};
	int rc = posix_spawnp(&pid, prog, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]), in[0] = -1;
	close(out[1]), out[1] = -1;
	if (rc != 0) {
		pid = -1;
		if (rc == ENOENT) {
			err = 0; /* no such helper: fall back to the other sources */
			goto done;
		}
		err = customs__error(CUSTOMS_EIO, "cannot run credential helper %s: %s", prog, strerror(rc));
		goto done;
	}
	{
		/* the URL is short: one write fits the pipe */
		ssize_t w = write(in[1], server, strlen(server));
		(void)w;
		close(in[1]), in[1] = -1;
	}
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd pf = {out[0], POLLIN, 0};
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		long left = HELPER_TIMEOUT_MS - ((now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0) {
			kill(pid, SIGKILL);
			err = customs__error(CUSTOMS_EIO, "credential helper %s did not answer within %d s", prog,
					     HELPER_TIMEOUT_MS / 1000);
			goto done;
		}
		int pr = poll(&pf, 1, (int)left);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr <= 0)
			continue;
		char tmp[4096];
		ssize_t n = read(out[0], tmp, sizeof(tmp));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (customs_buf_put(&b, tmp, (size_t)n) < 0) {
			OPENSSL_cleanse(tmp, sizeof(tmp));
			kill(pid, SIGKILL);
			err = customs__error(CUSTOMS_ELIMIT, "credential helper %s wrote more than %u bytes", prog,
					     MAX_HELPER_OUTPUT);
			goto done;
		}
		OPENSSL_cleanse(tmp, sizeof(tmp));
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	pid = -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		/* on failure the helper prints its error on stdout */
		if (b.ptr && strstr(b.ptr, "credentials not found"))
			err = 0;
		else
			err = customs__error(CUSTOMS_EAUTH, "credential helper %s failed (exit status %d)", prog,
					     WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		goto done;
	}
	json_error_t je;
	if (!b.ptr || !(j = json_loadb(b.ptr, b.len, 0, &je)) || !json_is_object(j)) {
		err = customs__error(CUSTOMS_EFORMAT, "credential helper %s answered something that is not a JSON object",
				     prog);
		goto done;
	}
	const char *u = json_string_value(json_object_get(j, "Username"));
	const char *s = json_string_value(json_object_get(j, "Secret"));
	char src[128];
	snprintf(src, sizeof(src), "credential helper %s", prog);
	if (u && s && *s) {
		/* "<token>" means Secret is an identity token (OAuth2 refresh token) */
		if (!strcmp(u, "<token>"))
			set_creds(c, "<token>", s, 1, src);
		else
			set_creds(c, u, s, 0, src);
		err = 1;
	}
done:
	if (pid > 0) {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (out[i] >= 0)
			close(out[i]);
	}
	if (b.ptr)
		OPENSSL_cleanse(b.ptr, b.len);
	customs_buf_release(&b);
	if (j) {
		/* jansson keeps copies of the strings: clear the secret one */
		json_t *sv = json_object_get(j, "Secret");
		if (json_is_string(sv)) {
			char *p = (char *)json_string_value(sv);
			OPENSSL_cleanse(p, json_string_length(sv));
		}
		json_decref(j);
	}
	return err;
}

static void scrub_json_secrets(json_t *j)
{
	/* best effort: auth strings are cleared before the tree is freed */
	const char *k;
	json_t *v, *auths = json_object_get(j, "auths");
	json_object_foreach(auths, k, v) {
		const char *fields[] = {"auth", "password", "identitytoken", "registrytoken"};
		for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
			json_t *s = json_object_get(v, fields[i]);
			if (json_is_string(s))
				OPENSSL_cleanse((char *)json_string_value(s), json_string_length(s));
		}
	}
}

static int load_config_json(json_t **out, char *path_out, size_t pn)
{
	const char *dir = getenv("DOCKER_CONFIG");
	const char *home = getenv("HOME");
	char *buf = NULL;
	size_t len;
	json_error_t je;
	*out = NULL;
	if (dir && *dir)
		snprintf(path_out, pn, "%s/config.json", dir);
	else if (home && *home)
		snprintf(path_out, pn, "%s/.docker/config.json", home);
	else
		return 0;
	int rc = customs_read_file(&buf, &len, path_out, MAX_CONFIG_JSON);
	if (rc == CUSTOMS_ENOTFOUND || (rc < 0 && access(path_out, F_OK) != 0))
		return 0;
	if (rc < 0)
		return rc; /* the message names the file */
	*out = json_loadb(buf, len, 0, &je);
	OPENSSL_cleanse(buf, len);
	free(buf);
	if (!*out || !json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		/* je.text names a position, never the content */
		return customs__error(CUSTOMS_EFORMAT, "docker config %s is not a JSON object (%s at line %d)", path_out,
				      je.text, je.line);
	}
	return 0;
}

int reg__load_credentials(reg_client *c)
{
	json_t *cfg = NULL, *env = NULL;
	char path[1024] = "";
	int err = 0;

	if (c->creds_loaded)
		return 0;
	c->creds_loaded = 1;
	if (c->user && c->secret)
		return 0; /* given explicitly */

	/* DOCKER_AUTH_CONFIG: {"auths": {host: {"auth": ...}}}, only "auth" */
	const char *ev = getenv("DOCKER_AUTH_CONFIG");
	if (ev && *ev) {
		json_error_t je;
		env = json_loads(ev, 0, &je);
		json_t *e = find_entry(json_object_get(env, "auths"), c->domain);
		json_t *a = json_object_get(e, "auth");
		json_t *only = json_object();
		/* only "auth" counts here; the string is shared, and scrubbed with env */
		int used = only && json_is_string(a) && json_object_set(only, "auth", a) == 0 &&
			   use_auths_entry(c, only, "DOCKER_AUTH_CONFIG");
		json_decref(only);
		if (used)
			goto done;
	}
	if ((err = load_config_json(&cfg, path, sizeof(path))) < 0 || !cfg)
		goto done;

	/* credHelpers (per registry) override credsStore; then the file's auths */
	json_t *helpers = json_object_get(cfg, "credHelpers");
	json_t *h = find_entry(helpers, c->domain);
	const char *hname = json_string_value(h);
	if (hname) {
		if ((err = run_helper(c, hname)) != 0)
			goto done;
	}
	const char *store = json_string_value(json_object_get(cfg, "credsStore"));
	if (store && *store && !hname) {
		if ((err = run_helper(c, store)) != 0)
			goto done;
	}
	json_t *e = find_entry(json_object_get(cfg, "auths"), c->domain);
	if (e) {
		char src[1100];
		snprintf(src, sizeof(src), "%s", path);
		use_auths_entry(c, e, src);
	}
done:
	if (err > 0)
		err = 0;
	if (cfg) {
		scrub_json_secrets(cfg);
		json_decref(cfg);
	}
	if (env) {
		scrub_json_secrets(env);
		json_decref(env);
	}
	return err;
}

/* ---- tokens ---- */

static void url_escape_append(customs_buf *b, CURL *h, const char *s)
{
	char *e = curl_easy_escape(h, s, 0);
	if (e) {
		customs_buf_puts(b, e);
		curl_free(e);
	}
}

/* Each of the space-separated scopes as a scope= parameter of its own;
 * first: no parameter comes before them. */
static void append_scopes(customs_buf *b, CURL *h, const char *scopes, int first)
{
	for (const char *p = scopes; p && *p;) {
		while (*p == ' ')
			p++;
		size_t l = strcspn(p, " ");
		if (!l)
			break;
		char one[1024];
		snprintf(one, sizeof(one), "%.*s", (int)(l < 1023 ? l : 1023), p);
		customs_buf_puts(b, first ? "scope=" : "&scope=");
		first = 0;
		url_escape_append(b, h, one);
		p += l;
	}
}

static size_t tok_write(char *p, size_t sz, size_t nm, void *ud)
{
	customs_buf *b = ud;
	return customs_buf_put(b, p, sz * nm) < 0 ? 0 : sz * nm;
}

/* Fetch a token for scope from the challenge's realm. Called with c->mu held. */
static int fetch_token(reg_client *c, const char *scope, const char *want_scopes, char **tok, time_t *expires)
{
	CURL *h = curl_easy_init();
	customs_buf url = CUSTOMS_BUF_INIT(1 << 16), body = CUSTOMS_BUF_INIT(MAX_TOKEN_RESPONSE), form = CUSTOMS_BUF_INIT(1 << 20);
	char errbuf[CURL_ERROR_SIZE] = "", realm_host[300];
	long status = 0;
	json_t *j = NULL;
	int err = 0;
	CURLcode rc = CURLE_OK;

	*tok = NULL;
	if (!h)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	reg__url_authority(realm_host, sizeof(realm_host), c->realm, 1);
	if (strncmp(c->realm, "https://", 8) && strncmp(c->realm, "http://", 7)) {
		err = customs__error(CUSTOMS_EAUTH, "authentication failed for %s: token realm \"%.200s\" is not an http(s) URL",
				     c->host, c->realm);
		goto done;
	}
	if ((err = reg__load_credentials(c)) < 0)
		goto done;
	customs_buf_puts(&url, c->realm);
	int first = strchr(c->realm, '?') == NULL;
	customs_buf_puts(&url, first ? "?" : "&");
	/* several space-separated scopes become repeated scope= parameters */
	const char *sc = want_scopes && *want_scopes ? want_scopes : scope;
	int service = c->service && *c->service;
	if (service) {
		customs_buf_puts(&url, "service=");
		url_escape_append(&url, h, c->service);
	}
	append_scopes(&url, h, sc, !service);
	if (c->user && !c->identity_token) {
		customs_buf_puts(&url, "&account=");
		url_escape_append(&url, h, c->user);
	}
	for (int attempt = 0;; attempt++) {
		customs_buf_release(&body);
		curl_easy_reset(h);
		reg__setup_handle(c, h, errbuf, c->timeout);
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, tok_write);
		curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
		if (c->identity_token) {
			/* OAuth2 refresh-token grant (auth/oauth.md) */
			customs_buf_release(&form);
			customs_buf_puts(&form, "grant_type=refresh_token&client_id=customs&service=");
			url_escape_append(&form, h, c->service ? c->service : "");
			append_scopes(&form, h, sc, 0);
			customs_buf_puts(&form, "&refresh_token=");
			url_escape_append(&form, h, c->secret);
			curl_easy_setopt(h, CURLOPT_URL, c->realm);
			curl_easy_setopt(h, CURLOPT_POSTFIELDS, form.ptr);
		} else {
			curl_easy_setopt(h, CURLOPT_URL, url.ptr);
			if (c->user && c->secret) {
				curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
				curl_easy_setopt(h, CURLOPT_USERNAME, c->user);
				curl_easy_setopt(h, CURLOPT_PASSWORD, c->secret);
			}
		}
		rc = curl_easy_perform(h);
		status = 0;
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
		if (rc == CURLE_OK && status != 429 && status < 500)
			break;
		if (attempt >= c->retries || (rc != CURLE_OK && !reg__retryable(rc)))
			break;
		reg__backoff(attempt, -1);
	}
	if (rc != CURLE_OK) {
		char what[400];
		snprintf(what, sizeof(what), "token service %s", realm_host);
		err = reg__curl_error(c, h, rc, errbuf, what);
		goto done;
	}
	if (status == 401 || status == 403) {
		if (c->user)
			err = customs__error(CUSTOMS_EAUTH,
					     "authentication failed for %s: the token service %s rejected the credentials from %s (HTTP %ld)",
					     c->host, realm_host, c->cred_source, status);
		else
			err = customs__error(CUSTOMS_EAUTH,
					     "authentication failed for %s: the token service %s refused anonymous access (HTTP %ld); "
					     "log in (--username with --password-stdin, or docker login)",
					     c->host, realm_host, status);
		goto done;
	}
	if (status != 200) {
		err = customs__error(CUSTOMS_ENETWORK, "token service %s answered HTTP %ld", realm_host, status);
		goto done;
	}
	json_error_t je;
	if (!(j = json_loadb(body.ptr ? body.ptr : "", body.len, 0, &je)) || !json_is_object(j)) {
		err = customs__error(CUSTOMS_EFORMAT, "token service %s answered something that is not a JSON object",
				     realm_host);
		goto done;
	}
	const char *t = json_string_value(json_object_get(j, "token"));
	if (!t || !*t)
		t = json_string_value(json_object_get(j, "access_token"));
	if (!t || !*t) {
		err = customs__error(CUSTOMS_EFORMAT, "token service %s answered without a token", realm_host);
		goto done;
	}
	json_int_t ttl = json_integer_value(json_object_get(j, "expires_in"));
	if (ttl < 60)
		ttl = 60; /* the spec's default and minimum */
	*tok = customs_strdup(t);
	*expires = time(NULL) + (time_t)ttl - TOKEN_MARGIN;
done:
	if (j) {
		const char *keys[] = {"token", "access_token", "refresh_token"};
		for (size_t i = 0; i < 3; i++) {
			json_t *s = json_object_get(j, keys[i]);
			if (json_is_string(s))
				OPENSSL_cleanse((char *)json_string_value(s), json_string_length(s));
		}
		json_decref(j);
	}
	if (body.ptr)
		OPENSSL_cleanse(body.ptr, body.len);
	if (form.ptr)
		OPENSSL_cleanse(form.ptr, form.len);
	if (url.ptr)
		OPENSSL_cleanse(url.ptr, url.len);
	customs_buf_release(&url);
	customs_buf_release(&body);
	customs_buf_release(&form);
	curl_easy_cleanup(h);
	return err;
}

static reg_token *find_token(reg_client *c, const char *scope)
{
	for (size_t i = 0; i < c->ntokens; i++)
		if (!strcmp(c->tokens[i].scope, scope))
			return &c->tokens[i];
	return NULL;
}

static void drop_token(reg_client *c, const char *scope)
{
	reg_token *t = find_token(c, scope);
	if (t) {
		secret_free(t->token);
		t->token = NULL;
		t->expires = 0;
	}
}

static int store_token(reg_client *c, const char *scope, char *tok, time_t expires)
{
	reg_token *t = find_token(c, scope);
	if (!t) {
		reg_token *v = realloc(c->tokens, (c->ntokens + 1) * sizeof(*v));
		if (!v) {
			secret_free(tok);
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		}
		c->tokens = v;
		t = &c->tokens[c->ntokens++];
		t->scope = customs_strdup(scope);
		t->token = NULL;
	}
	secret_free(t->token);
	t->token = tok;
	t->expires = expires;
	return 0;
}

int reg__auth_apply(reg_client *c, CURL *h, const char *scope, int *sent)
{
	int err = 0;
	*sent = 0;
	pthread_mutex_lock(&c->mu);
	if (c->scheme == REG_AUTH_BASIC) {
		if (!c->creds_loaded && (err = reg__load_credentials(c)) < 0)
			goto done;
		if (c->user && c->secret && !c->identity_token) {
			curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
			curl_easy_setopt(h, CURLOPT_USERNAME, c->user);
			curl_easy_setopt(h, CURLOPT_PASSWORD, c->secret);
			*sent = 1;
		}
	} else if (c->scheme == REG_AUTH_BEARER && scope) {
		reg_token *t = find_token(c, scope);
		if (!t || !t->token || time(NULL) >= t->expires) {
			char *tok = NULL;
			time_t exp = 0;
			if ((err = fetch_token(c, scope, NULL, &tok, &exp)) < 0)
				goto done;
			if ((err = store_token(c, scope, tok, exp)) < 0)
				goto done;
			t = find_token(c, scope);
		}
		curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BEARER);
		curl_easy_setopt(h, CURLOPT_XOAUTH2_BEARER, t->token);
		*sent = 1;
	}
done:
	pthread_mutex_unlock(&c->mu);
	return err;
}

int reg__auth_on_401(reg_client *c, const char *www_auth, const char *scope, int sent, int tries)
{
	reg_challenge ch;
	int err = 0;

	if (!www_auth || reg__parse_challenge(&ch, www_auth) < 0 || ch.scheme < 0)
		return customs__error(CUSTOMS_EAUTH, "authentication failed for %s: HTTP 401 with %s", c->host,
				      www_auth ? "an authentication scheme customs does not speak" : "no WWW-Authenticate challenge");
	pthread_mutex_lock(&c->mu);
	if (ch.scheme == REG_AUTH_BEARER) {
		if (!ch.realm[0]) {
			err = customs__error(CUSTOMS_EAUTH, "authentication failed for %s: Bearer challenge without a realm", c->host);
			goto done;
		}
		if (sent && tries > 0) {
			if (c->user)
				err = customs__error(CUSTOMS_EAUTH,
						     "authentication failed for %s: the registry refused the token for %s (%s) with the credentials from %s",
						     c->host, scope ? scope : "this request", ch.error[0] ? ch.error : "unauthorized",
						     c->cred_source);
			else
				err = customs__error(CUSTOMS_EAUTH,
						     "authentication failed for %s: anonymous access to %s refused (%s); log in (--username with --password-stdin, or docker login)",
						     c->host, scope ? scope : "this request", ch.error[0] ? ch.error : "unauthorized");
			goto done;
		}
		c->scheme = REG_AUTH_BEARER;
		free(c->realm);
		free(c->service);
		c->realm = customs_strdup(ch.realm);
		c->service = customs_strdup(ch.service);
		if (scope) {
			/* fetch now for the scopes the challenge names (it may name several) */
			char *tok = NULL;
			time_t exp = 0;
			drop_token(c, scope);
			if ((err = fetch_token(c, scope, ch.scope[0] ? ch.scope : NULL, &tok, &exp)) < 0)
				goto done;
			if ((err = store_token(c, scope, tok, exp)) < 0)
				goto done;
		}
		err = 1;
	} else {
		c->scheme = REG_AUTH_BASIC;
		if ((err = reg__load_credentials(c)) < 0)
			goto done;
		if (!c->user || !c->secret || c->identity_token) {
			err = customs__error(CUSTOMS_EAUTH,
					     "authentication failed for %s: the registry wants credentials and none were found "
					     "(--username with --password-stdin, CUSTOMS_REGISTRY_USERNAME/CUSTOMS_REGISTRY_PASSWORD, or docker login)",
					     c->host);
			goto done;
		}
		if (sent) {
			err = customs__error(CUSTOMS_EAUTH, "authentication failed for %s: the registry rejected the credentials from %s",
					     c->host, c->cred_source);
			goto done;
		}
		err = 1;
	}
done:
	pthread_mutex_unlock(&c->mu);
	return err;
}
