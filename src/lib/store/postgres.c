/* postgres.c - the store's PostgreSQL backend (include/customs/sys/store.h)
 * over libpq: one connection, statements sent with PQexecParams (text
 * parameters, blobs as binary), results read in binary (int8, text, bytea)
 * so no value is ever parsed from text.  PostgreSQL text must be UTF-8 and
 * image content need not be (paths, package fields): text is sent and read
 * through a reversible escape (pg_escape below).  Transactions are READ COMMITTED;
 * deadlocks and serialization failures ask the store to run the
 * transaction again.  Any number of processes on any number of machines
 * share one database: PostgreSQL coordinates them. */
#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "store/store_int.h"

/* type OIDs of pg_type.h: what a binary result column holds */
enum { OID_BOOL = 16, OID_BYTEA = 17, OID_NAME = 19, OID_INT8 = 20, OID_INT2 = 21, OID_INT4 = 23, OID_TEXT = 25,
       OID_VARCHAR = 1043, OID_UNKNOWN = 705 };

typedef struct pg_conn {
	customs_store_backend base;
	PGconn *pg;
	char *desc;
} pg_conn;

static void ignore_notice(void *arg, const char *msg)
{
	(void)arg, (void)msg; /* "relation exists, skipping" and the like */
}

/* The first line of a libpq message. */
static void first_line(char *out, size_t n, const char *msg)
{
	size_t len = msg ? strcspn(msg, "\n") : 0;
	snprintf(out, n, "%.*s", (int)len, msg ? msg : "");
	if (!*out)
		snprintf(out, n, "unknown error");
}

/* postgres://user@host:port/db: what a message may name (no password) */
static char *describe_conn(PGconn *pg)
{
	const char *host = PQhost(pg), *port = PQport(pg);
	return customs_asprintf("postgres://%s@%s%s%s/%s", PQuser(pg) ? PQuser(pg) : "", host && *host ? host : "localhost",
				port && *port ? ":" : "", port ? port : "", PQdb(pg) ? PQdb(pg) : "");
}

/* "postgres://USER:SECRET@HOST/DB?password=SECRET" with the secrets as
 * "***", for a message about a URL libpq could not use; out holds n bytes
 * (cut short when the URL is longer). */
void store__redact(char *out, size_t n, const char *url)
{
	customs_buf b = CUSTOMS_BUF_INIT(0);
	const char *p = url, *scheme = strstr(url, "://");
	if (scheme) {
		const char *host = scheme + 3, *end = host + strcspn(host, "/?#");
		const char *at = memchr(host, '@', (size_t)(end - host));
		const char *colon = at ? memchr(host, ':', (size_t)(at - host)) : NULL;
		if (colon) {
			customs_buf_put(&b, url, (size_t)(colon - url));
			customs_buf_puts(&b, ":***");
			p = at;
		}
	}
	while (*p) {
		const char *pw = strstr(p, "password=");
		if (!pw) {
			customs_buf_puts(&b, p);
			break;
		}
		customs_buf_put(&b, p, (size_t)(pw - p) + 9);
		customs_buf_puts(&b, "***");
		p = pw + 9 + strcspn(pw + 9, "& ");
	}
	snprintf(out, n, "%s", b.ptr ? b.ptr : "");
	customs_buf_release(&b);
}

static int pg_open(customs_store_backend **out, const char *url)
{
	pg_conn *c = calloc(1, sizeof(*c));
	char line[512], shown[512];

	*out = NULL;
	if (!c)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	c->base.type = &store__postgres_backend;
	store__redact(shown, sizeof(shown), url);
	/* a server that does not answer must not hang a command for minutes */
	const char *const keys[] = {"dbname", "connect_timeout", "application_name", NULL};
	const char *const vals[] = {url, getenv("PGCONNECT_TIMEOUT") ? getenv("PGCONNECT_TIMEOUT") : "10", "customs",
				    NULL};
	c->pg = PQconnectdbParams(keys, vals, 1);
	if (!c->pg) {
		free(c);
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	if (PQstatus(c->pg) != CONNECTION_OK) {
		const char *msg = PQerrorMessage(c->pg);
		int err = CUSTOMS_ENETWORK;
		const char *hint = "is the server running and reachable?";
		/* libpq's first line says why ("connection to server at ...
		 * failed: Connection refused"), the next ones hint */
		first_line(line, sizeof(line), msg);
		if (strstr(msg, "password authentication failed") || strstr(msg, "no pg_hba.conf entry") ||
		    (strstr(msg, "role \"") && strstr(msg, "does not exist")) || strstr(msg, "no password supplied")) {
			err = CUSTOMS_EAUTH;
			hint = "check the user and password in the URL, or ~/.pgpass";
		} else if (strstr(msg, "database \"") && strstr(msg, "does not exist")) {
			err = CUSTOMS_ENOTFOUND;
			hint = "create it first (createdb), or name another";
		} else if (strstr(msg, "invalid") || strstr(msg, "missing")) {
			err = CUSTOMS_EUSAGE;
			hint = "see docs/store.md for the URL's form";
		}
		PQfinish(c->pg);
		free(c);
		/* what failed, without "connection to server at ... failed: FATAL:  " */
		const char *why = strstr(line, "failed: ") ? strstr(line, "failed: ") + 8 : line;
		if (!strncmp(why, "FATAL:", 6))
			why += 6 + strspn(why + 6, " ");
		return customs__error(err, "cannot use the PostgreSQL store %s: %s (%s)", shown, why, hint);
	}
	PQsetNoticeProcessor(c->pg, ignore_notice, NULL);
	if (!(c->desc = describe_conn(c->pg))) {
		PQfinish(c->pg);
		free(c);
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	*out = &c->base;
	return 0;
}

static void pg_close(customs_store_backend *self)
{
	pg_conn *c = (pg_conn *)self;
	if (!c)
		return;
	PQfinish(c->pg);
	free(c->desc);
	free(c);
}

static const char *pg_describe(customs_store_backend *self)
{
	return ((pg_conn *)self)->desc;
}

/* An error from a result (or the connection): retry, constraint, I/O. */
static int result_error(pg_conn *c, PGresult *r, const char *sql)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	char line[512];
	first_line(line, sizeof(line), r ? PQresultErrorMessage(r) : PQerrorMessage(c->pg));
	if (PQstatus(c->pg) != CONNECTION_OK)
		return customs__error(CUSTOMS_ENETWORK, "store %s: the connection was lost: %s", c->desc, line);
	/* 40001 serialization_failure, 40P01 deadlock_detected, 55P03 lock_not_available */
	if (state && (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03")))
		return customs__error(CUSTOMS_STORE_RETRY, "store %s: %s", c->desc, line);
	char stmt[120];
	snprintf(stmt, sizeof(stmt), "%.100s%s", sql, strlen(sql) > 100 ? "..." : "");
	return customs__error(CUSTOMS_EIO, "store %s: %s (in: %s)", c->desc, line, stmt);
}

static int simple(pg_conn *c, const char *sql)
{
	PGresult *r = PQexec(c->pg, sql);
	int st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	int err = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? 0 : result_error(c, r, sql);
	PQclear(r);
	return err;
}

static int pg_has_table(customs_store_backend *self, const char *name, int *out)
{
	pg_conn *c = (pg_conn *)self;
	const char *params[] = {name};
	/* a query on the catalog, not to_regclass(): a name looked up before
	 * another session created it stays unknown to this session's cache
	 * until it takes a lock on a relation, and the migration lock is an
	 * advisory one */
	PGresult *r = name ? PQexecParams(c->pg,
					  "SELECT count(*) > 0 FROM pg_tables WHERE schemaname = current_schema()"
					  " AND tablename = $1",
					  1, NULL, params, NULL, NULL, 0)
			   : PQexec(c->pg, "SELECT count(*) > 0 FROM pg_tables WHERE schemaname = current_schema()");
	int err = 0;
	if (!r || PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
		err = result_error(c, r, "pg_tables");
	else
		*out = PQgetvalue(r, 0, 0)[0] == 't';
	PQclear(r);
	return err;
}

static int pg_begin(customs_store_backend *self, int write)
{
	(void)write;
	return simple((pg_conn *)self, "BEGIN");
}

static int pg_commit(customs_store_backend *self)
{
	return simple((pg_conn *)self, "COMMIT");
}

static void pg_rollback(customs_store_backend *self)
{
	pg_conn *c = (pg_conn *)self;
	if (PQtransactionStatus(c->pg) != PQTRANS_IDLE)
		PQclear(PQexec(c->pg, "ROLLBACK"));
}

static int64_t be_int(const char *p, int len)
{
	if (len == 8) {
		uint64_t v;
		memcpy(&v, p, 8);
		return (int64_t)be64toh(v);
	}
	if (len == 4) {
		uint32_t v;
		memcpy(&v, p, 4);
		return (int32_t)be32toh(v);
	}
	if (len == 2) {
		uint16_t v;
		memcpy(&v, p, 2);
		return (int16_t)be16toh(v);
	}
	return len == 1 ? (unsigned char)p[0] : 0;
}

/* Text to and from PostgreSQL.  A byte that is not part of well-formed
 * UTF-8 goes as the private-use character U+F700 + byte, and so does each
 * byte of a U+F700..U+F7FF already in the text: a bijection on strings,
 * so what comes back is byte for byte what was stored, and equal strings
 * stay equal in SQL comparisons.  NULL when nothing needs escaping. */
static int escaped_range(const unsigned char *p, size_t k)
{
	return k == 3 && p[0] == 0xEF && p[1] >= 0x9C && p[1] <= 0x9F;
}

static char *pg_escape(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;
	char *out, *o;
	for (; i < n; i += k)
		if (!(k = customs_utf8_len(p + i, n - i)) || escaped_range(p + i, k))
			break;
	if (i == n)
		return NULL;
	if (!(out = malloc(n * 3 + 1)))
		return NULL;
	memcpy(out, s, i);
	o = out + i;
	for (; i < n; i += k) {
		k = customs_utf8_len(p + i, n - i);
		if (k && !escaped_range(p + i, k)) {
			memcpy(o, p + i, k);
			o += k;
			continue;
		}
		for (size_t j = 0; j < (k ? k : 1); j++) {
			unsigned cp = 0xF700u + p[i + j];
			*o++ = (char)(0xE0 | (cp >> 12));
			*o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
			*o++ = (char)(0x80 | (cp & 0x3F));
		}
		if (!k)
			k = 1;
	}
	*o = '\0';
	return out;
}

/* The reverse in place (the result is never longer); returns its length. */
static size_t pg_unescape(char *s, size_t n)
{
	unsigned char *p = (unsigned char *)s;
	size_t i = 0, o = 0;
	if (!memchr(s, 0xEF, n))
		return n;
	while (i < n) {
		if (i + 2 < n && escaped_range(p + i, 3) && (p[i + 2] & 0xC0) == 0x80) {
			unsigned cp = ((p[i] & 0x0Fu) << 12) | ((p[i + 1] & 0x3Fu) << 6) | (p[i + 2] & 0x3Fu);
			p[o++] = (unsigned char)(cp - 0xF700u);
			i += 3;
		} else {
			p[o++] = p[i++];
		}
	}
	p[o] = '\0';
	return o;
}

static int run(pg_conn *c, const char *sql, const customs_store_value *p, size_t n, customs_store_row_fn fn,
	       void *ud, int64_t *changes)
{
	const char **vals = NULL;
	int *lens = NULL, *fmts = NULL, err = 0;
	char (*nums)[24] = NULL;
	char **esc = NULL;
	customs_store_value cols[64];
	PGresult *r = NULL;

	if (!n && !fn && !changes)
		return simple(c, sql);
	if (n && (!(vals = calloc(n, sizeof(*vals))) || !(lens = calloc(n, sizeof(*lens))) ||
		  !(fmts = calloc(n, sizeof(*fmts))) || !(nums = calloc(n, sizeof(*nums))) ||
		  !(esc = calloc(n, sizeof(*esc))))) {
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		switch (p[i].type) {
		case CUSTOMS_SV_INT:
			snprintf(nums[i], sizeof(nums[i]), "%lld", (long long)p[i].i);
			vals[i] = nums[i];
			break;
		case CUSTOMS_SV_TEXT:
			esc[i] = pg_escape(p[i].s, p[i].len);
			vals[i] = esc[i] ? esc[i] : p[i].s;
			break;
		case CUSTOMS_SV_BLOB:
			vals[i] = p[i].len ? p[i].s : "";
			lens[i] = (int)p[i].len;
			fmts[i] = 1;
			break;
		default:
			vals[i] = NULL;
			break;
		}
	}
	r = PQexecParams(c->pg, sql, (int)n, NULL, vals, lens, fmts, 1);
	int st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		err = result_error(c, r, sql);
		goto done;
	}
	if (changes) {
		const char *t = PQcmdTuples(r);
		*changes = t && *t ? strtoll(t, NULL, 10) : 0;
	}
	int nc = PQnfields(r), nr = PQntuples(r);
	if (nc > (int)NV(cols))
		nc = (int)NV(cols);
	for (int row = 0; fn && row < nr && !err; row++) {
		for (int i = 0; i < nc; i++) {
			cols[i] = sv_null();
			if (PQgetisnull(r, row, i))
				continue;
			const char *v = PQgetvalue(r, row, i);
			int len = PQgetlength(r, row, i);
			switch (PQftype(r, i)) {
			case OID_INT8:
			case OID_INT4:
			case OID_INT2:
			case OID_BOOL:
				cols[i] = sv_int(be_int(v, len));
				break;
			case OID_BYTEA:
				cols[i] = sv_blob(v, (size_t)len);
				break;
			default: /* text, varchar, name, unknown: as stored, unescaped */
				cols[i].type = CUSTOMS_SV_TEXT;
				cols[i].s = v;
				cols[i].len = pg_unescape((char *)v, (size_t)len);
				break;
			}
		}
		err = fn(ud, cols, (size_t)nc);
	}
done:
	PQclear(r);
	for (size_t i = 0; esc && i < n; i++)
		free(esc[i]);
	free(vals), free(lens), free(fmts), free(nums), free(esc);
	return err;
}

static int pg_exec(customs_store_backend *self, const char *sql, const customs_store_value *p, size_t n,
		   int64_t *changes)
{
	return run((pg_conn *)self, sql, p, n, NULL, NULL, changes);
}

static int pg_query(customs_store_backend *self, const char *sql, const customs_store_value *p, size_t n,
		    customs_store_row_fn fn, void *ud)
{
	int64_t ignored;
	return run((pg_conn *)self, sql, p, n, fn, ud, &ignored);
}

const customs_store_backend_type store__postgres_backend = {
	.version = CUSTOMS_STORE_BACKEND_VERSION,
	.name = "postgres",
	.numbered_params = 1,
	.id_type = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
	.int_type = "BIGINT",
	.blob_type = "BYTEA",
	.claim_rows = " FOR UPDATE SKIP LOCKED",
	/* one number for customs' migrations: two processes opening a new
	 * database create it one after the other */
	.migration_lock = "SELECT pg_advisory_xact_lock(7239012448)",
	.max_params = 65535,
	.open = pg_open,
	.close = pg_close,
	.describe = pg_describe,
	.has_table = pg_has_table,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.exec = pg_exec,
	.query = pg_query,
};
