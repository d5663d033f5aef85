/* vulndb.h - the vulnerability database inside libcustoms: the public query
 * API (include/customs/vuln.h, vulndb_read.c) plus what the feed importers
 * (feed_*.c) and the import drivers (vulndb_import.c, vulndb_update.c)
 * share: the schema and SQLite helpers (vulndb_schema.c), the writer, its
 * bookkeeping and warnings (vulndb_write.c), ecosystem and name
 * normalisation (vulndb_names.c), CVSS v3 scoring (vulndb_cvss.c), JSON
 * reading (vulndb_json.c).
 *
 * The matcher only needs include/customs/vuln.h (included here). */
#ifndef CUSTOMS_VULN_VULNDB_H
#define CUSTOMS_VULN_VULNDB_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>
#include <sqlite3.h>

#include "customs/errors.h"
#include "customs/version.h"
#include "customs/vuln.h"
#include "util/util.h"

/* ---- limits on feed input ---- */
#define VULNDB__MAX_ID 256             /* bytes of a vulnerability id */
#define VULNDB__MAX_NAME 512           /* bytes of a package name */
#define VULNDB__MAX_VERSION 1024       /* = VERSION__MAX_LEN */
#define VULNDB__MAX_MEMBER (64u << 20) /* default: one zip member / loose record */
#define VULNDB__MAX_FILE ((size_t)2 << 30) /* default: one aggregate file */
#define VULNDB__WARN_PER_KIND 10       /* warnings printed per (feed, kind) before summarising */

/* ---- the file: schema, versions, SQLite helpers (vulndb_schema.c) ---- */

/* Create the tables where they are missing; the indexes on affected
 * (created after an import's bulk load). */
int vulndb__schema_create(sqlite3 *db);
int vulndb__schema_index(sqlite3 *db);
/* Stamp the meta table: this schema version, the build time, the generator. */
int vulndb__schema_stamp(sqlite3 *db);
/* 0 when the database at path (open as db) has this library's schema, an
 * earlier one it reads (1: no binaries table), or none yet;
 * CUSTOMS_EFORMAT when it is no customs vulnerability database,
 * CUSTOMS_EUNSUPPORTED for another schema version (the messages name path). */
int vulndb__schema_check(sqlite3 *db, const char *path);
/* The schema version of an attached database ("old"), -1 when it has none. */
int vulndb__schema_version(sqlite3 *db, const char *schema);

/* CUSTOMS_EIO (CUSTOMS_ENOMEM) "vulndb: <what>: <SQLite's message>". */
int vulndb__sqlerr(sqlite3 *db, const char *what);
/* sqlite3_exec; CUSTOMS_EIO "vulndb: <SQLite's message>" when it fails. */
int vulndb__exec(sqlite3 *db, const char *sql);
/* Bind s, or NULL for a NULL s. */
void vulndb__bind_text(sqlite3_stmt *st, int i, const char *s);
/* The current UTC time, RFC 3339 ("2025-01-31T12:00:00Z"). */
void vulndb__now(char *buf, size_t cap);

/* ---- ecosystems and names (vulndb_names.c) ---- */

/* An OSV ecosystem string ("Debian:12", "Alpine:v3.21", "PyPI",
 * "Red Hat:enterprise_linux:9::appstream") → namespace ("debian:12") and
 * version scheme name.  CUSTOMS_EUNSUPPORTED for ecosystems the database
 * does not hold (the message names it). */
int vulndb__namespace(char *ns, size_t cap, const char **scheme, const char *ecosystem);
/* Normalise name for ns (see vuln.h) into buf; CUSTOMS_EFORMAT when empty
 * or too long. */
int vulndb__normalize(char *buf, size_t cap, const char *ns, const char *name);
/* 1 for a plausible vulnerability id (printable ASCII, no spaces, bounded). */
int vulndb__valid_id(const char *id);
/* 1 for "CVE-YYYY-NNNN+". */
int vulndb__is_cve(const char *id);

/* CVSS v3.x base score of a vector "CVSS:3.1/AV:N/..." (FIRST CVSS v3.1
 * specification §7.1 and Appendix A Roundup); -1 when it does not parse
 * (vulndb_cvss.c). */
double vulndb__cvss3_score(const char *vector);

/* ---- the writer: one import into one (temporary) database (vulndb_write.c) ---- */

/* Counters and the newest date of one source, as the import reports them. */
typedef struct vulndb__stats {
	int64_t records, affected, withdrawn, empty_package, git_ranges, unknown_ecosystem, malformed, duplicates,
		bad_versions, not_affected;
	char newest[40];
} vulndb__stats;

/* Warning kinds, each capped at VULNDB__WARN_PER_KIND lines per feed. */
enum vulndb__warn_kind {
	VULNDB__W_MALFORMED = 0,
	VULNDB__W_VERSION,
	VULNDB__W_DUPLICATE,
	VULNDB__W_ECOSYSTEM,
	VULNDB__W_RANGE,
	VULNDB__W_FILE,
	VULNDB__W_NKINDS,
};

typedef struct vulndb__writer vulndb__writer;

/* A vulnerability's text and scores.  NULL strings and negative scores are
 * stored as NULL. */
typedef struct vulndb__vuln {
	const char *id;
	const char *summary, *details, *published, *modified, *withdrawn;
	const char *severity;
	double cvss3_score;
	const char *cvss3_vector;
	double cvss4_score;
	const char *cvss4_vector;
	const char *cwes; /* comma-separated "CWE-79,CWE-400" or NULL */
	int nrefs;
} vulndb__vuln;

enum vulndb__link_kind { VULNDB__ALIAS = 0, VULNDB__RELATED = 1, VULNDB__UPSTREAM = 2 };

/* The fixed versions are not stored: readers take them from the ranges'
 * "fixed" events; the scheme follows from the ecosystem. */
typedef struct vulndb__affected {
	const char *vuln_id, *ns, *package, *ecosystem;
	const char *ranges;   /* compact JSON array or NULL */
	const char *versions; /* compact JSON array of strings or NULL */
	customs_fix_state fix_state;
	const char *status, *urgency, *severity;
} vulndb__affected;

/* Open a writer on an empty database file (or ":memory:") with the schema
 * created and a transaction begun.  warn may be NULL. */
int vulndb__writer_open(vulndb__writer **out, const char *path, void (*warn)(void *, const char *), void *ud);
/* The connection (for the import driver's copy of kept sources). */
sqlite3 *vulndb__writer_db(vulndb__writer *w);
/* Register source `name` (new row) and make it current; *stats (owned by
 * the writer) counts what follows. */
int vulndb__writer_source(vulndb__writer *w, const char *name, const char *kind, const char *url, const char *etag,
			  const char *last_modified, vulndb__stats **stats);
/* Name of the file being read, for warnings ("debian-osv.zip:CVE/2002/x.json"). */
void vulndb__writer_file(vulndb__writer *w, const char *display);
const char *vulndb__writer_filename(const vulndb__writer *w);
/* The current source's kind (set by vulndb__writer_source) and changing it
 * (the first detected content names it). */
const char *vulndb__writer_kind(const vulndb__writer *w);
int vulndb__writer_set_kind(vulndb__writer *w, const char *kind);
vulndb__stats *vulndb__writer_stats(vulndb__writer *w);
/* The sources registered so far, in order: name, kind and counters. */
size_t vulndb__writer_nsources(const vulndb__writer *w);
void vulndb__writer_source_at(const vulndb__writer *w, size_t i, const char **name, const char **kind,
			      const vulndb__stats **stats);
/* Finish: per-source counts, namespaces, indexes, commit.  After it the
 * writer only closes. */
int vulndb__writer_finish(vulndb__writer *w);
/* Close (rolling back when not finished) and free. */
void vulndb__writer_free(vulndb__writer *w);
int64_t vulndb__writer_warnings(const vulndb__writer *w);
/* Also write every warning, none left out, one line each to log (NULL:
 * none).  The caller closes it. */
void vulndb__writer_log(vulndb__writer *w, FILE *log);

/* "FILE: RECORD: message" through the warn callback; record may be NULL.
 * Past VULNDB__WARN_PER_KIND lines of one kind in one feed the rest are
 * counted and summarised when the feed changes or the writer finishes. */
void vulndb__warn(vulndb__writer *w, enum vulndb__warn_kind kind, const char *record, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Remember a record date (RFC 3339 or YYYY-MM-DD) as the source's newest if
 * it is. */
void vulndb__newest(vulndb__writer *w, const char *date);

/* Store a vulnerability of the current source.  An id this source already
 * stored is a warning: the more recently modified record wins (the other's
 * affected entries and links go); returns 1 when this record lost and is to
 * be skipped, 0 when stored.  Warns too when another source has the same id
 * (both kept). */
int vulndb__put_vuln(vulndb__writer *w, const vulndb__vuln *v);
int vulndb__put_link(vulndb__writer *w, const char *id, const char *other, enum vulndb__link_kind kind);
int vulndb__put_affected(vulndb__writer *w, const vulndb__affected *a);
/* Enrichment; scores < 0 and NULL strings are stored as NULL.  A CVE seen
 * again replaces the earlier row. */
int vulndb__put_nvd(vulndb__writer *w, const char *cve, double cvss3, const char *cvss3_vector, double cvss4,
		    const char *cvss4_vector, const char *cwes, const char *published, const char *modified);
int vulndb__put_epss(vulndb__writer *w, const char *cve, double score, double percentile);
int vulndb__put_kev(vulndb__writer *w, const char *cve, const char *date_added, const char *due_date,
		    const char *ransomware);
/* One binary package of a Packages index: built from src at src_version.
 * The same (ns, binary, version) twice in one source counts as a duplicate. */
int vulndb__put_binary(vulndb__writer *w, const char *ns, const char *binary, const char *version, const char *src,
		       const char *src_version);

/* ---- a JSON reader with an arena per document (vulndb_json.c) ---- */

enum vj_type { VJ_NULL = 0, VJ_FALSE, VJ_TRUE, VJ_NUMBER, VJ_STRING, VJ_ARRAY, VJ_OBJECT };

typedef struct vj_value {
	uint8_t type;
	uint32_t n; /* string bytes, array elements, object members */
	union {
		const char *s;            /* NUL-terminated, valid UTF-8, no NUL inside */
		double num;
		struct vj_value *items;   /* arrays: n values; objects: 2n (key, value) */
	} u;
} vj_value;

/* One document's arena, reused by each vj_parse (which resets it). */
typedef struct vj_doc {
	struct vj_chunk *chunks, *cur;
	vj_value *stack;
	size_t nstack, capstack;
	char err[160];
} vj_doc;

/* Parse buf into *out (valid until the next vj_parse or vj_release on d).
 * CUSTOMS_EFORMAT with "what at byte N" for bad JSON or bad UTF-8. */
int vj_parse(vj_doc *d, const char *buf, size_t len, const vj_value **out);
void vj_reset(vj_doc *d);
void vj_release(vj_doc *d);
const vj_value *vj_get(const vj_value *obj, const char *key); /* NULL: absent or not an object */
const char *vj_str(const vj_value *v);                         /* NULL unless a string */
const char *vj_getstr(const vj_value *obj, const char *key);
size_t vj_len(const vj_value *arr);                            /* 0 unless an array */
const vj_value *vj_at(const vj_value *arr, size_t i);
size_t vj_nmembers(const vj_value *obj);
const char *vj_key_at(const vj_value *obj, size_t i);
const vj_value *vj_value_at(const vj_value *obj, size_t i);
/* Append s as a JSON string literal. */
int vj_put_string(customs_buf *b, const char *s);

/* ---- feed parsers (feed_*.c) ---- */

/* One OSV record (a JSON object) of the current file.  Warnings for bad
 * parts; returns <0 only for out of memory / database errors. */
int feed__osv_record(vulndb__writer *w, const vj_value *rec);
/* One OSV JSON document as bytes: an object, or an array of objects; doc is
 * the caller's reusable arena (NULL: a temporary one). */
int feed__osv_document(vulndb__writer *w, vj_doc *doc, const char *buf, size_t len);
/* Alpine secdb JSON (one <release>/<repo>.json). */
int feed__secdb(vulndb__writer *w, json_t *root);
/* Debian security tracker JSON (/tracker/data/json), as bytes. */
int feed__debian_tracker(vulndb__writer *w, const char *buf, size_t len);
/* NVD CVE API 2.0 JSON (an API page or a yearly feed file), as bytes. */
int feed__nvd(vulndb__writer *w, const char *buf, size_t len);
/* EPSS CSV. */
int feed__epss(vulndb__writer *w, const char *buf, size_t len);
/* CISA KEV JSON. */
int feed__kev(vulndb__writer *w, const char *buf, size_t len);
/* A Debian/Ubuntu Packages index (deb822 stanzas) of release ns ("debian:12"),
 * or NULL: of the release its file name (vulndb__writer_filename) or its
 * versions tell; CUSTOMS_EFORMAT naming the file when nothing does. */
int feed__packages(vulndb__writer *w, const char *buf, size_t len, const char *ns);

/* ---- JSON helpers shared by the feeds (vulndb_json.c) ---- */

/* Scan the members of the top-level object in buf: for each key call cb
 * with the key (NUL-terminated copy, unescaped only for plain keys) and the
 * byte span of its value.  Nesting is bounded; CUSTOMS_EFORMAT when buf is
 * not an object.  cb returns <0 to stop with that error. */
int vulndb__json_members(const char *buf, size_t len,
			 int (*cb)(void *ud, const char *key, const char *val, size_t vlen), void *ud);
/* Same for the elements of a JSON array held in buf[0..len). */
int vulndb__json_elements(const char *buf, size_t len, int (*cb)(void *ud, const char *val, size_t vlen),
			  void *ud);
/* json_loadb with the library's flags; on failure warns with jansson's text
 * (line, column) and returns NULL. */
json_t *vulndb__json_load(vulndb__writer *w, const char *record, const char *buf, size_t len);
/* A string member or NULL. */
const char *vulndb__jstr(const json_t *obj, const char *key);

#endif
