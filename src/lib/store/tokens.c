/* tokens.c - the API tokens of customs serve: a token is
 * "cst_<key id>_<secret>", both random; the store keeps the key id, a
 * random salt and sha256(salt || secret), never the secret itself, and
 * compares in constant time. */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "store/store_int.h"
#include "store/table.h"

#define KEY_BYTES 8
#define SECRET_BYTES 24
#define SALT_BYTES 16

static int random_hex(char *out, size_t bytes)
{
	unsigned char r[32];
	static const char hex[] = "0123456789abcdef";
	if (bytes > sizeof(r) || RAND_bytes(r, (int)bytes) != 1)
		return customs__error(CUSTOMS_EINTERNAL, "no random bytes from the system");
	for (size_t i = 0; i < bytes; i++) {
		out[2 * i] = hex[r[i] >> 4];
		out[2 * i + 1] = hex[r[i] & 15];
	}
	out[2 * bytes] = '\0';
	return 0;
}

/* sha256(salt || secret) as "sha256:<hex>" */
static void token_hash(char out[72], const char *salt, const char *secret)
{
	char buf[2 * SALT_BYTES + 2 * SECRET_BYTES + 1];
	size_t ls = strlen(salt), lt = strlen(secret);
	if (ls + lt >= sizeof(buf))
		lt = sizeof(buf) - 1 - ls;
	memcpy(buf, salt, ls);
	memcpy(buf + ls, secret, lt);
	customs_sha256_digest(out, buf, ls + lt);
	OPENSSL_cleanse(buf, sizeof(buf));
}

static int valid_name(const char *n)
{
	size_t i = 0;
	for (; n[i]; i++)
		if (!((n[i] >= 'a' && n[i] <= 'z') || (n[i] >= 'A' && n[i] <= 'Z') || (n[i] >= '0' && n[i] <= '9') ||
		      strchr("._-", n[i])))
			return 0;
	return i > 0 && i <= 64;
}

int customs_store_token_create(customs_store *s, const char *name, char **out)
{
	char key[2 * KEY_BYTES + 1], secret[2 * SECRET_BYTES + 1], salt[2 * SALT_BYTES + 1], hash[72], now[40];
	int64_t have = 0;
	int err;
	*out = NULL;
	if (!name || !valid_name(name))
		return customs__error(CUSTOMS_EINVAL,
				      "a token name is 1 to 64 letters, digits, '.', '_' or '-', not '%.80s'",
				      name ? name : "");
	if ((err = random_hex(key, KEY_BYTES)) < 0 || (err = random_hex(secret, SECRET_BYTES)) < 0 ||
	    (err = random_hex(salt, SALT_BYTES)) < 0)
		return err;
	token_hash(hash, salt, secret);
	store__now(now);
	customs_store_value n = sv_text(name);
	if ((err = store__query_int(s, "SELECT count(*) FROM api_tokens WHERE name = ?", &n, 1, &have)) < 0)
		return err;
	if (have)
		return customs__error(CUSTOMS_EINVAL, "there is a token called '%s' already: revoke it first", name);
	customs_store_value v[] = {sv_text(name), sv_text(key), sv_text(salt), sv_text(hash), sv_text(now)};
	if ((err = store__exec(s, "INSERT INTO api_tokens(name, key_id, salt, hash, created_at) VALUES(?, ?, ?, ?, ?)",
			       v, NV(v), NULL)) < 0)
		return err;
	customs_buf b = CUSTOMS_BUF_INIT(0);
	customs_buf_printf(&b, "cst_%s_%s", key, secret);
	OPENSSL_cleanse(secret, sizeof(secret));
	if (!(*out = customs_buf_detach(&b)))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	return 0;
}

typedef struct token_row {
	char salt[2 * SALT_BYTES + 1], hash[72];
	char *name;
	int found;
} token_row;

static int token_row_fn(void *ud, const customs_store_value *c, size_t n)
{
	token_row *t = ud;
	const char *salt = sv_str(&c[0]), *hash = sv_str(&c[1]), *name = sv_str(&c[2]);
	if (!salt || !hash || !name || strlen(salt) >= sizeof(t->salt) || strlen(hash) >= sizeof(t->hash))
		return 0;
	strcpy(t->salt, salt);
	strcpy(t->hash, hash);
	if (!(t->name = customs_strdup(name)))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	t->found = 1;
	return 0;
}

int customs_store_token_check(customs_store *s, const char *token, char **name)
{
	char key[2 * KEY_BYTES + 1], hash[72];
	const char *secret;
	token_row t = {0};
	int err;
	if (name)
		*name = NULL;
	/* cst_ + key + _ + secret, all lower-case hex */
	if (!token || strncmp(token, "cst_", 4) || strlen(token) != 4 + 2 * KEY_BYTES + 1 + 2 * SECRET_BYTES ||
	    token[4 + 2 * KEY_BYTES] != '_' ||
	    strspn(token + 4, "0123456789abcdef") != 2 * KEY_BYTES ||
	    strspn(token + 5 + 2 * KEY_BYTES, "0123456789abcdef") != 2 * SECRET_BYTES)
		return customs__error(CUSTOMS_EAUTH, "not a customs API token");
	memcpy(key, token + 4, 2 * KEY_BYTES);
	key[2 * KEY_BYTES] = '\0';
	secret = token + 5 + 2 * KEY_BYTES;
	customs_store_value v = sv_text(key);
	if ((err = store__query(s, "SELECT salt, hash, name FROM api_tokens WHERE key_id = ?", &v, 1, token_row_fn,
				&t)) < 0)
		goto done;
	if (!t.found) {
		err = customs__error(CUSTOMS_EAUTH, "unknown or revoked API token");
		goto done;
	}
	token_hash(hash, t.salt, secret);
	if (strlen(hash) != strlen(t.hash) || CRYPTO_memcmp(hash, t.hash, strlen(hash)) != 0) {
		err = customs__error(CUSTOMS_EAUTH, "unknown or revoked API token");
		goto done;
	}
	if (name) {
		*name = t.name;
		t.name = NULL;
	}
done:
	free(t.name);
	return err;
}

int customs_store_token_revoke(customs_store *s, const char *name)
{
	int64_t changes = 0;
	customs_store_value v = sv_text(name);
	int err = store__exec(s, "DELETE FROM api_tokens WHERE name = ?", &v, 1, &changes);
	if (err < 0)
		return err;
	return changes ? 0 : customs__error(CUSTOMS_ENOTFOUND, "there is no token called '%s'", name ? name : "");
}

int customs_store_tokens(customs_store *s, customs_store_table **out)
{
	return store__table_query(s, out, "name,key_id,created_at", "sss",
				  "SELECT name, key_id, created_at FROM api_tokens ORDER BY name", NULL, 0);
}
