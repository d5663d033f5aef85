/* vulndb_schema.c - the vulnerability database file: its SQLite schema
 * (tables, and the indexes created after an import's bulk load), the
 * schema version it is stamped with and checked against, and the SQLite
 * helpers the writer and the reader share. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vuln/vulndb.h"

/* Indexes on affected are created after the bulk load (vulndb__writer_finish). */
static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;\n"
	"CREATE TABLE IF NOT EXISTS sources(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,\n"
	"  url TEXT, etag TEXT, last_modified TEXT, imported_at TEXT, records INTEGER NOT NULL DEFAULT 0,\n"
	"  affected INTEGER NOT NULL DEFAULT 0, newest TEXT);\n"
	"CREATE TABLE IF NOT EXISTS vulns(id TEXT NOT NULL, source INTEGER NOT NULL, summary TEXT, details TEXT,\n"
	"  published TEXT, modified TEXT, withdrawn TEXT, severity TEXT, cvss3_score REAL, cvss3_vector TEXT,\n"
	"  cvss4_score REAL, cvss4_vector TEXT, cwes TEXT, nrefs INTEGER, UNIQUE(id, source));\n"
	/* alias and related links are stored both ways, upstream one way; kind: 0 alias, 1 related, 2 upstream */
	"CREATE TABLE IF NOT EXISTS links(id TEXT NOT NULL, other TEXT NOT NULL, kind INTEGER NOT NULL,\n"
	"  source INTEGER NOT NULL, PRIMARY KEY(id, other, kind, source)) WITHOUT ROWID;\n"
	/* ranges and versions are ids of blobs; fix_state is customs_fix_state (0 unknown, 1 fixed,
	 * 2 not-fixed, 3 wont-fix, 4 not-affected) */
	"CREATE TABLE IF NOT EXISTS affected(vuln TEXT NOT NULL, source INTEGER NOT NULL, ns TEXT NOT NULL,\n"
	"  package TEXT NOT NULL, ecosystem TEXT NOT NULL, ranges INTEGER, versions INTEGER,\n"
	"  fix_state INTEGER NOT NULL, status TEXT, urgency TEXT, severity TEXT);\n"
	/* compact JSON (ranges, versions lists) shared by content: the id is a SHA-256 prefix */
	"CREATE TABLE IF NOT EXISTS blobs(hash INTEGER PRIMARY KEY, body TEXT NOT NULL);\n"
	"CREATE TABLE IF NOT EXISTS nvd(cve TEXT PRIMARY KEY, source INTEGER NOT NULL, cvss3_score REAL,\n"
	"  cvss3_vector TEXT, cvss4_score REAL, cvss4_vector TEXT, cwes TEXT, published TEXT, modified TEXT) WITHOUT ROWID;\n"
	"CREATE TABLE IF NOT EXISTS epss(cve TEXT PRIMARY KEY, source INTEGER NOT NULL, score REAL,\n"
	"  percentile REAL) WITHOUT ROWID;\n"
	"CREATE TABLE IF NOT EXISTS kev(cve TEXT PRIMARY KEY, source INTEGER NOT NULL, date_added TEXT,\n"
	"  due_date TEXT, ransomware TEXT) WITHOUT ROWID;\n"
	"CREATE TABLE IF NOT EXISTS namespaces(ns TEXT PRIMARY KEY, affected INTEGER NOT NULL,\n"
	"  packages INTEGER NOT NULL, vulns INTEGER NOT NULL) WITHOUT ROWID;\n"
	/* schema 2: Packages indexes, the source package (src, src_version) of a binary package at a version */
	"CREATE TABLE IF NOT EXISTS binaries(ns TEXT NOT NULL, binary TEXT NOT NULL, version TEXT NOT NULL,\n"
	"  src TEXT NOT NULL, src_version TEXT NOT NULL, source INTEGER NOT NULL,\n"
	"  PRIMARY KEY(ns, binary, version, source)) WITHOUT ROWID;\n"
	/* what db status says of them, counted once per import */
	"CREATE TABLE IF NOT EXISTS binary_maps(ns TEXT PRIMARY KEY, packages INTEGER NOT NULL,\n"
	"  versions INTEGER NOT NULL, sources INTEGER NOT NULL, feeds TEXT) WITHOUT ROWID;\n";

static const char index_sql[] =
	"CREATE INDEX IF NOT EXISTS affected_pkg ON affected(ns, package);\n"
	"CREATE INDEX IF NOT EXISTS affected_vuln ON affected(vuln);\n";

int vulndb__sqlerr(sqlite3 *db, const char *what)
{
	int rc = sqlite3_errcode(db);
	return customs__error(rc == SQLITE_NOMEM ? CUSTOMS_ENOMEM : CUSTOMS_EIO, "vulndb: %s: %s", what,
			      sqlite3_errmsg(db));
}

int vulndb__exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		int err = customs__error(CUSTOMS_EIO, "vulndb: %s", msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return err;
	}
	return 0;
}

void vulndb__bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

void vulndb__now(char *buf, size_t cap)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int vulndb__schema_create(sqlite3 *db)
{
	return vulndb__exec(db, schema_sql);
}

int vulndb__schema_index(sqlite3 *db)
{
	return vulndb__exec(db, index_sql);
}

int vulndb__schema_stamp(sqlite3 *db)
{
	char now[32], meta[256];

	vulndb__now(now, sizeof(now));
	snprintf(meta, sizeof(meta),
		 "INSERT OR REPLACE INTO meta(key, value) VALUES('schema_version', '%d'), ('built_at', '%s'),"
		 " ('generator', 'customs %s');",
		 CUSTOMS_VULNDB_SCHEMA_VERSION, now, CUSTOMS_VERSION);
	return vulndb__exec(db, meta);
}

/* The schema_version row of the meta table (of an attached schema such as
 * "old", NULL: the main one) into buf as stored, "" without the row; -1
 * when there is no meta table. */
static int stored_version(sqlite3 *db, const char *schema, char *buf, size_t cap)
{
	char sql[128];
	sqlite3_stmt *st = NULL;

	buf[0] = '\0';
	snprintf(sql, sizeof(sql), "SELECT value FROM %s%smeta WHERE key = 'schema_version'", schema ? schema : "",
		 schema ? "." : "");
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(buf, cap, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return 0;
}

int vulndb__schema_check(sqlite3 *db, const char *path)
{
	char v[64];

	if (stored_version(db, NULL, v, sizeof(v)) < 0)
		return customs__error(CUSTOMS_EFORMAT, "%s is not a customs vulnerability database: %s", path,
				      sqlite3_errmsg(db));
	/* schema 1 lacks only the binaries table: read as it is */
	if (v[0] && (atoi(v) < 1 || atoi(v) > CUSTOMS_VULNDB_SCHEMA_VERSION))
		return customs__error(CUSTOMS_EUNSUPPORTED,
				      "%s has database schema %s, this customs reads schema %d: rebuild it with `customs db "
				      "import` or `customs db update`",
				      path, v, CUSTOMS_VULNDB_SCHEMA_VERSION);
	return 0;
}

int vulndb__schema_version(sqlite3 *db, const char *schema)
{
	char v[64];

	if (stored_version(db, schema, v, sizeof(v)) < 0 || !v[0])
		return -1;
	return atoi(v);
}
