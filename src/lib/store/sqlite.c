/* sqlite.c - the store's SQLite backend (include/customs/sys/store.h): one
 * file in WAL mode, so readers never wait for the writer; write
 * transactions start with BEGIN IMMEDIATE, which makes processes take the
 * one write lock in turn (waiting up to the busy timeout) instead of
 * deadlocking on a read lock upgraded too late.  Prepared statements are
 * kept per SQL text. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "store/store_int.h"

/* "cust" in the database header: a customs store says what it is */
#define APPLICATION_ID 0x63757374
#define BUSY_TIMEOUT_MS 120000

typedef struct sqlite_conn {
	customs_store_backend base;
	sqlite3 *db;
	char *path;
	char *desc;
	customs_strmap stmts; /* SQL text (owned key) -> sqlite3_stmt */
} sqlite_conn;

static int sql_error(sqlite_conn *c, int rc, const char *what)
{
	int code = rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? CUSTOMS_STORE_RETRY
		   : rc == SQLITE_NOMEM                      ? CUSTOMS_ENOMEM
		   : rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT ? CUSTOMS_EFORMAT
								 : CUSTOMS_EIO;
	if (rc == SQLITE_NOTADB)
		return customs__error(code, "%s is not a customs store (not an SQLite database)", c->path);
	return customs__error(code, "store %s: %s: %s", c->path, what, c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
}

/* mkdir -p of the file's directory: the default store lives in a data
 * directory that may not exist yet */
static int make_parent(const char *path)
{
	char *d = customs_strdup(path), *slash;
	int err = 0;
	if (!d)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	if ((slash = strrchr(d, '/')) && slash != d) {
		*slash = '\0';
		for (char *p = d + 1; !err; p++) {
			if (*p != '/' && *p != '\0')
				continue;
			char c = *p;
			*p = '\0';
			if (mkdir(d, 0755) < 0 && errno != EEXIST)
				err = customs__error(CUSTOMS_EIO, "cannot create the store's directory %s: %s", d, strerror(errno));
			*p = c;
			if (!c)
				break;
		}
	}
	free(d);
	return err;
}

static void release(sqlite_conn *c)
{
	for (size_t i = 0; i < c->stmts.cap; i++)
		if (c->stmts.keys && c->stmts.keys[i]) {
			sqlite3_finalize(c->stmts.vals[i]);
			free((char *)c->stmts.keys[i]);
		}
	customs_strmap_release(&c->stmts);
	if (c->db)
		sqlite3_close_v2(c->db);
	free(c->path);
	free(c->desc);
	free(c);
}

static void sq_close(customs_store_backend *self)
{
	if (self)
		release((sqlite_conn *)self);
}

static int simple(sqlite_conn *c, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(c->db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		int err = sql_error(c, rc, msg ? msg : sql);
		sqlite3_free(msg);
		return err;
	}
	return 0;
}

static int sq_open(customs_store_backend **out, const char *url)
{
	sqlite_conn *c = calloc(1, sizeof(*c));
	sqlite3_stmt *st = NULL;
	int rc, err;

	*out = NULL;
	if (!c || !(c->path = customs_strdup(url)) || !(c->desc = customs_asprintf("sqlite:%s", url))) {
		if (c)
			release(c);
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	c->base.type = &store__sqlite_backend;
	if ((err = make_parent(url)) < 0)
		goto fail;
	rc = sqlite3_open_v2(url, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		err = customs__error(CUSTOMS_EIO, "cannot open the store %s: %s", url,
				     c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_busy_timeout(c->db, BUSY_TIMEOUT_MS);
	/* the header's application id tells a customs store from another
	 * database before anything is written to it */
	if ((rc = sqlite3_prepare_v2(c->db, "PRAGMA application_id", -1, &st, NULL)) != SQLITE_OK ||
	    (rc = sqlite3_step(st)) != SQLITE_ROW) {
		err = sql_error(c, rc, "reading the header");
		goto fail;
	}
	int64_t app = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (app != 0 && app != APPLICATION_ID) {
		err = customs__error(CUSTOMS_EFORMAT, "%s is not a customs store (an SQLite database of another application)",
				     url);
		goto fail;
	}
	/* WAL: readers and one writer at once; NORMAL: a killed process loses
	 * nothing committed (only a power cut may lose the last commits) */
	if ((err = simple(c, "PRAGMA journal_mode=WAL")) < 0 || (err = simple(c, "PRAGMA synchronous=NORMAL")) < 0)
		goto fail;
	/* 64 MiB of pages instead of SQLite's 2: a rich analysis inserts a few
	 * thousand rows into indexes that a thousand stored images make big */
	if ((err = simple(c, "PRAGMA cache_size=-65536")) < 0)
		goto fail;
	*out = &c->base;
	return 0;
fail:
	sqlite3_finalize(st);
	release(c);
	return err;
}

static const char *sq_describe(customs_store_backend *self)
{
	return ((sqlite_conn *)self)->desc;
}

static int sq_has_table(customs_store_backend *self, const char *name, int *out)
{
	sqlite_conn *c = (sqlite_conn *)self;
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(c->db,
				    name ? "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
					 : "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
				    -1, &st, NULL);
	if (rc == SQLITE_OK && name)
		rc = sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = sqlite3_column_int(st, 0) > 0;
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_OK)
		return sql_error(c, rc, "reading the schema");
	return 0;
}

static int sq_begin(customs_store_backend *self, int write)
{
	sqlite_conn *c = (sqlite_conn *)self;
	int err = simple(c, write ? "BEGIN IMMEDIATE" : "BEGIN");
	if (!err && write) {
		char sql[64];
		snprintf(sql, sizeof(sql), "PRAGMA application_id=%d", APPLICATION_ID);
		err = simple(c, sql);
		if (err)
			simple(c, "ROLLBACK");
	}
	return err;
}

static int sq_commit(customs_store_backend *self)
{
	return simple((sqlite_conn *)self, "COMMIT");
}

static void sq_rollback(customs_store_backend *self)
{
	sqlite_conn *c = (sqlite_conn *)self;
	if (!sqlite3_get_autocommit(c->db))
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
}

/* The prepared statement of sql, kept for the next call. */
static int prepare(sqlite_conn *c, const char *sql, sqlite3_stmt **out)
{
	sqlite3_stmt *st = customs_strmap_get(&c->stmts, sql, NULL);
	char *key;
	int rc, err;

	if (st) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		*out = st;
		return 0;
	}
	if ((rc = sqlite3_prepare_v2(c->db, sql, -1, &st, NULL)) != SQLITE_OK)
		return sql_error(c, rc, sql);
	if (!(key = customs_strdup(sql))) {
		sqlite3_finalize(st);
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	if ((err = customs_strmap_put(&c->stmts, key, st)) < 0) {
		free(key);
		sqlite3_finalize(st);
		return err;
	}
	*out = st;
	return 0;
}

static int bind(sqlite_conn *c, sqlite3_stmt *st, const customs_store_value *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int rc, k = (int)i + 1;
		switch (p[i].type) {
		case CUSTOMS_SV_INT: rc = sqlite3_bind_int64(st, k, p[i].i); break;
		case CUSTOMS_SV_TEXT: rc = sqlite3_bind_text64(st, k, p[i].s, p[i].len, SQLITE_STATIC, SQLITE_UTF8); break;
		case CUSTOMS_SV_BLOB: rc = sqlite3_bind_blob64(st, k, p[i].len ? p[i].s : "", p[i].len, SQLITE_STATIC); break;
		default: rc = sqlite3_bind_null(st, k); break;
		}
		if (rc != SQLITE_OK)
			return sql_error(c, rc, "binding a value");
	}
	return 0;
}

static int run(sqlite_conn *c, const char *sql, const customs_store_value *p, size_t n, customs_store_row_fn fn,
	       void *ud, int64_t *changes)
{
	customs_store_value cols[64];
	sqlite3_stmt *st = NULL;
	int rc, err;

	if (!n && !fn && !changes)
		return simple(c, sql); /* DDL, possibly several statements */
	if ((err = prepare(c, sql, &st)) < 0 || (err = bind(c, st, p, n)) < 0)
		return err;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int nc = sqlite3_column_count(st);
		if (nc > (int)NV(cols))
			nc = (int)NV(cols);
		for (int i = 0; i < nc; i++) {
			cols[i] = sv_null();
			switch (sqlite3_column_type(st, i)) {
			case SQLITE_INTEGER:
			case SQLITE_FLOAT:
				cols[i] = sv_int(sqlite3_column_int64(st, i));
				break;
			case SQLITE_TEXT:
				cols[i].type = CUSTOMS_SV_TEXT;
				cols[i].s = (const char *)sqlite3_column_text(st, i);
				cols[i].len = (size_t)sqlite3_column_bytes(st, i);
				break;
			case SQLITE_BLOB:
				cols[i].type = CUSTOMS_SV_BLOB;
				cols[i].s = sqlite3_column_blob(st, i);
				cols[i].len = (size_t)sqlite3_column_bytes(st, i);
				break;
			}
		}
		if (fn && (err = fn(ud, cols, (size_t)nc)) != 0) {
			sqlite3_reset(st);
			return err;
		}
	}
	if (rc != SQLITE_DONE) {
		err = sql_error(c, rc, sql);
		sqlite3_reset(st);
		return err;
	}
	if (changes)
		*changes = sqlite3_changes64(c->db);
	sqlite3_reset(st);
	/* blobs and texts bound SQLITE_STATIC must not outlive the call */
	sqlite3_clear_bindings(st);
	return 0;
}

static int sq_exec(customs_store_backend *self, const char *sql, const customs_store_value *p, size_t n,
		   int64_t *changes)
{
	return run((sqlite_conn *)self, sql, p, n, NULL, NULL, changes);
}

static int sq_query(customs_store_backend *self, const char *sql, const customs_store_value *p, size_t n,
		    customs_store_row_fn fn, void *ud)
{
	int64_t ignored;
	/* a query always goes through a prepared statement (changes set) */
	return run((sqlite_conn *)self, sql, p, n, fn, ud, &ignored);
}

const customs_store_backend_type store__sqlite_backend = {
	.version = CUSTOMS_STORE_BACKEND_VERSION,
	.name = "sqlite",
	.numbered_params = 0,
	.id_type = "INTEGER PRIMARY KEY",
	.int_type = "INTEGER",
	.blob_type = "BLOB",
	.claim_rows = "",
	.migration_lock = NULL,
	.max_params = 32766,
	.open = sq_open,
	.close = sq_close,
	.describe = sq_describe,
	.has_table = sq_has_table,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.exec = sq_exec,
	.query = sq_query,
};
