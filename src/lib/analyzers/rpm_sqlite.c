/* rpm_sqlite.c - rpm >= 4.16's SQLite backend (rpmdb.sqlite): table
 * Packages(hnum INTEGER PRIMARY KEY, blob BLOB) (rpm lib/backend/sqlite.cc).
 *
 * The bytes are opened with sqlite3_deserialize on a private copy, read
 * only, never through a file. rpm leaves its databases in WAL mode, which
 * an in-memory database cannot open, so the copy's header is switched to
 * rollback mode (bytes 18/19 = 1; sqlite.org/fileformat2.html 1.3). Pages
 * that only ever reached the -wal file are not seen: rpm.c warns when the
 * image has a non-empty -wal. The file is hostile input: defensive mode, no
 * triggers or views, an untrusted schema and a bound on the work done.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/rpmdb.h"

#define SQLITE_HEADER 100
#define MAX_VM_STEPS 200000000LL /* progress handler budget, in units of 1000 VM steps */

typedef struct budget {
	long long left;
} budget;

static int on_progress(void *ud)
{
	budget *b = ud;
	return --b->left < 0; /* nonzero interrupts the statement */
}

int customs__rpmdb_parse_sqlite(const unsigned char *buf, size_t len, customs__rpmdb_blob_fn on_blob,
				customs__rpmdb_warn_fn on_warn, void *ud)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	budget bud = {MAX_VM_STEPS / 1000};
	int err = 0, rc;

	if (len < SQLITE_HEADER || memcmp(buf, "SQLite format 3", 16))
		return customs__error(CUSTOMS_EFORMAT, "no SQLite header at offset 0");
	/* deserialize wants memory it may own; FREEONCLOSE hands the copy over */
	unsigned char *copy = sqlite3_malloc64(len);
	if (!copy)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	memcpy(copy, buf, len);
	if (copy[18] == 2 || copy[19] == 2)
		copy[18] = copy[19] = 1;

	rc = sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_free(copy);
		err = customs__error(rc == SQLITE_NOMEM ? CUSTOMS_ENOMEM : CUSTOMS_EINTERNAL, "sqlite3_open: %s",
				     db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		goto done;
	}
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
	sqlite3_limit(db, SQLITE_LIMIT_LENGTH, (int)(256u << 20));
	sqlite3_progress_handler(db, 1000, on_progress, &bud);
	rc = sqlite3_deserialize(db, "main", copy, (sqlite3_int64)len, (sqlite3_int64)len,
				 SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY);
	if (rc != SQLITE_OK) {
		err = customs__error(CUSTOMS_EFORMAT, "SQLite database cannot be opened: %s", sqlite3_errmsg(db));
		goto done;
	}
	/* the table itself, not a view or virtual table of the same name */
	rc = sqlite3_prepare_v2(db,
				"SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'Packages' AND sql NOT "
				"LIKE '%VIRTUAL%'", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		err = customs__error(CUSTOMS_EFORMAT,
				     "SQLite database has no Packages table%s%s", rc == SQLITE_DONE ? "" : ": ",
				     rc == SQLITE_DONE ? "" : sqlite3_errmsg(db));
		goto done;
	}
	sqlite3_finalize(st);
	st = NULL;
	if ((rc = sqlite3_prepare_v2(db,
				     "SELECT hnum, blob FROM Packages ORDER BY hnum", -1, &st, NULL)) != SQLITE_OK) {
		err = customs__error(CUSTOMS_EFORMAT, "SQLite Packages table is not rpm's: %s", sqlite3_errmsg(db));
		goto done;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sqlite3_int64 hnum = sqlite3_column_int64(st, 0);
		if (hnum <= 0 || hnum > UINT32_MAX || sqlite3_column_type(st, 1) != SQLITE_BLOB) {
			customs__rpmdb_warnf(on_warn, ud, CUSTOMS_ERROR, CUSTOMS__RPMDB_NOOFF,
					     "Packages row hnum %lld: not a package number with a blob: "
					     "skipped", (long long)hnum);
			continue;
		}
		const unsigned char *blob = sqlite3_column_blob(st, 1);
		int n = sqlite3_column_bytes(st, 1);
		if (!blob || n <= 0) {
			customs__rpmdb_warnf(on_warn, ud, CUSTOMS_ERROR, CUSTOMS__RPMDB_NOOFF,
					     "Packages row hnum %lld: empty blob: skipped", (long long)hnum);
			continue;
		}
		if ((err = on_blob(ud, (uint32_t)hnum, blob, (size_t)n, CUSTOMS__RPMDB_NOOFF)) < 0)
			goto done;
	}
	if (rc != SQLITE_DONE) {
		/* rows read so far stand; the rest of the table is damaged */
		customs__rpmdb_warnf(on_warn, ud, CUSTOMS_ERROR, CUSTOMS__RPMDB_NOOFF,
				     "reading the Packages table stopped: %s%s",
				     sqlite3_errmsg(db), bud.left < 0 ? " (work limit reached)" : "");
	}
done:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return err;
}
