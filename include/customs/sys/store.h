/* sys/store.h - the store's backend interface, for the backends built into
 * libcustoms (sqlite, postgres) and for anyone who adds one.
 *
 * A backend carries statements to its database and nothing else: every
 * statement of every store operation, and the numbered schema migrations,
 * are written once in src/lib/store/ in the SQL both SQLite and PostgreSQL
 * speak (INSERT ... ON CONFLICT, RETURNING, expression indexes), with `?`
 * placeholders and a few dialect words the backend names below.  A backend
 * is a read-only table of functions (customs_store_backend_type); open()
 * makes a connection, an object that embeds customs_store_backend as its
 * first member, the way SQLite's unixFile embeds sqlite3_file.
 *
 * Values go in and come out as customs_store_value: NULL, a 64-bit
 * integer, text (NUL-terminated, UTF-8 as given) or a blob.  Every
 * statement is parameterised: no value is ever spliced into SQL text.
 */
#ifndef CUSTOMS_SYS_STORE_H
#define CUSTOMS_SYS_STORE_H

#include "customs/common.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CUSTOMS_STORE_BACKEND_VERSION 1

typedef enum {
	CUSTOMS_SV_NULL = 0,
	CUSTOMS_SV_INT,
	CUSTOMS_SV_TEXT,
	CUSTOMS_SV_BLOB,
} customs_store_value_type;

/* One bound parameter or one column of a row.  Borrowed: a row's values
 * are valid during the row callback only. */
typedef struct customs_store_value {
	customs_store_value_type type;
	int64_t i;        /* INT */
	const char *s;    /* TEXT (NUL-terminated) or BLOB bytes */
	size_t len;       /* bytes of s */
} customs_store_value;

/* Called once per row; 0 goes on, anything else stops the query and is
 * returned by query(). */
typedef int (*customs_store_row_fn)(void *ud, const customs_store_value *cols, size_t ncols);

typedef struct customs_store_backend customs_store_backend;
typedef struct customs_store_backend_type customs_store_backend_type;

/* What every connection starts with. */
struct customs_store_backend {
	const customs_store_backend_type *type;
};

struct customs_store_backend_type {
	unsigned int version;      /* CUSTOMS_STORE_BACKEND_VERSION */
	const char *name;          /* "sqlite", "postgres" */

	/* ---- the dialect ---- */
	/* Placeholders: 0 when `?` is what the database takes, 1 when the
	 * store must number them ($1, $2, ...). */
	int numbered_params;
	/* Words the migrations use: an integer primary key that numbers
	 * itself, a 64-bit integer, a byte string. */
	const char *id_type;       /* "INTEGER PRIMARY KEY" */
	const char *int_type;      /* "INTEGER" */
	const char *blob_type;     /* "BLOB" */
	/* Appended to a SELECT that claims rows for one worker
	 * (" FOR UPDATE SKIP LOCKED"), "" when a write transaction already
	 * excludes every other writer (SQLite). */
	const char *claim_rows;
	/* Run first in the migration transaction so that two processes
	 * opening a new database do not both create it (PostgreSQL: an
	 * advisory lock), or NULL when the write transaction is enough. */
	const char *migration_lock;
	/* Most parameters one statement may bind. */
	size_t max_params;

	/* ---- connections ---- */
	/* Connect to what url names (the part after the scheme is the
	 * backend's own: a path, a libpq connection URI).  An error is one
	 * line saying what to do. */
	int (*open)(customs_store_backend **out, const char *url);
	void (*close)(customs_store_backend *self);
	/* A description of the database for messages, without secrets. */
	const char *(*describe)(customs_store_backend *self);

	/* *out = 1 when the database has a table of that name (in the
	 * schema the store uses), or with name NULL any table at all; else
	 * 0: how open() tells a new database from a store and from
	 * something else. */
	int (*has_table)(customs_store_backend *self, const char *name, int *out);

	/* ---- transactions ---- */
	/* write: this transaction will write (SQLite takes the write lock at
	 * once, so that two writers never deadlock on an upgrade). */
	int (*begin)(customs_store_backend *self, int write);
	int (*commit)(customs_store_backend *self);
	void (*rollback)(customs_store_backend *self);

	/* ---- statements ---- */
	/* Run sql with params; *changes (may be NULL) gets the rows it
	 * changed.  sql may hold several statements only when nparams is 0. */
	int (*exec)(customs_store_backend *self, const char *sql, const customs_store_value *params, size_t nparams,
		    int64_t *changes);
	/* Run sql with params and call row() for each result row. */
	int (*query)(customs_store_backend *self, const char *sql, const customs_store_value *params, size_t nparams,
		     customs_store_row_fn row, void *ud);
};

/* The error code a backend returns when the database asks to run the
 * transaction again (SQLite busy past its timeout, a PostgreSQL deadlock
 * or serialization failure): the store retries the whole transaction. */
#define CUSTOMS_STORE_RETRY CUSTOMS_EBUSY

#ifdef __cplusplus
}
#endif
#endif
