/* vulndb_write.c - the writer the feed importers (feed_*.c) fill through
 * vulndb_import.c and vulndb_update.c: one import into a new database file,
 * source by source, with its counters and capped warnings; records stored
 * once by id per source (the newest modified wins), ranges and versions
 * stored once by content. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "vuln/vulndb.h"

enum {
	ST_VULN,
	ST_VULN_OTHER,
	ST_VULN_SAME,
	ST_DEL_VULN,
	ST_DEL_AFF,
	ST_DEL_LINKS,
	ST_LINK,
	ST_AFF,
	ST_BLOB,
	ST_NVD,
	ST_EPSS,
	ST_KEV,
	ST_BINARY,
	ST_N,
};

static const char *const writer_sql[ST_N] = {
	"INSERT INTO vulns(id, source, summary, details, published, modified, withdrawn, severity, cvss3_score,"
	" cvss3_vector, cvss4_score, cvss4_vector, cwes, nrefs) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	"SELECT s.name FROM vulns v JOIN sources s ON s.id = v.source WHERE v.id = ?1 AND v.source <> ?2 LIMIT 1",
	"SELECT coalesce(modified, '') FROM vulns WHERE id = ?1 AND source = ?2",
	"DELETE FROM vulns WHERE id = ?1 AND source = ?2",
	/* the rows of one record are consecutive: no index needed while loading */
	"DELETE FROM affected WHERE rowid BETWEEN ?3 AND ?4 AND vuln = ?1 AND source = ?2",
	"DELETE FROM links WHERE source = ?2 AND (id = ?1 OR (other = ?1 AND id IN"
	" (SELECT other FROM links WHERE id = ?1 AND source = ?2)))",
	"INSERT OR IGNORE INTO links(id, other, kind, source) VALUES(?,?,?,?)",
	"INSERT INTO affected(vuln, source, ns, package, ecosystem, ranges, versions, fix_state, status, urgency,"
	" severity) VALUES(?,?,?,?,?,?,?,?,?,?,?)",
	"INSERT OR IGNORE INTO blobs(hash, body) VALUES(?,?)",
	"INSERT OR REPLACE INTO nvd(cve, source, cvss3_score, cvss3_vector, cvss4_score, cvss4_vector, cwes,"
	" published, modified) VALUES(?,?,?,?,?,?,?,?,?)",
	"INSERT OR REPLACE INTO epss(cve, source, score, percentile) VALUES(?,?,?,?)",
	"INSERT OR REPLACE INTO kev(cve, source, date_added, due_date, ransomware) VALUES(?,?,?,?,?)",
	"INSERT OR IGNORE INTO binaries(ns, binary, version, src, src_version, source) VALUES(?,?,?,?,?,?)",
};

/* The affected rows a record stored (rowids), to replace them when the
 * same id comes again. */
struct rec_rows {
	int64_t first, last;
};

struct wsource {
	int64_t id;
	char *name, *kind;
	vulndb__stats st;
	customs_strmap recs; /* id → struct rec_rows, keys in ar */
	customs_arena ar;
};

struct vulndb__writer {
	sqlite3 *db;
	sqlite3_stmt *st[ST_N];
	struct wsource *src;
	size_t nsrc, cur;
	char *file;
	unsigned wcount[VULNDB__W_NKINDS];
	void (*warn)(void *, const char *);
	void *ud;
	FILE *log;
	int64_t nwarnings;
	int finished;
	struct rec_rows *cur_rec; /* the record being stored, its id: */
	const char *cur_rec_id;
	uint64_t *blobset;        /* hashes of blobs stored by this writer */
	size_t nblobs, blobcap;
};

static struct wsource *cursrc(vulndb__writer *w) { return w->nsrc ? &w->src[w->cur] : NULL; }

int vulndb__writer_open(vulndb__writer **out, const char *path, void (*warn)(void *, const char *), void *ud)
{
	vulndb__writer *w = calloc(1, sizeof(*w));
	int err;

	*out = NULL;
	if (!w)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	w->warn = warn;
	w->ud = ud;
	if (sqlite3_open_v2(path, &w->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		err = customs__error(CUSTOMS_EIO, "vulndb: cannot create %s: %s", path,
				     w->db ? sqlite3_errmsg(w->db) : "out of memory");
		goto fail;
	}
	/* A temporary file renamed into place at the end: no journal needed. */
	if ((err = vulndb__exec(w->db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA locking_mode=EXCLUSIVE;"
			       "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-131072; PRAGMA foreign_keys=OFF;")) < 0 ||
	    (err = vulndb__schema_create(w->db)) < 0 || (err = vulndb__exec(w->db, "BEGIN")) < 0)
		goto fail;
	for (int i = 0; i < ST_N; i++)
		if (sqlite3_prepare_v3(w->db, writer_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &w->st[i], NULL) != SQLITE_OK) {
			err = vulndb__sqlerr(w->db, "prepare");
			goto fail;
		}
	*out = w;
	return 0;
fail:
	vulndb__writer_free(w);
	return err;
}

sqlite3 *vulndb__writer_db(vulndb__writer *w) { return w->db; }

static void flush_warn_caps(vulndb__writer *w)
{
	static const char *const what[VULNDB__W_NKINDS] = {
		"malformed-record", "bad-version", "duplicate-id", "ecosystem", "range", "file",
	};
	for (int k = 0; k < VULNDB__W_NKINDS; k++) {
		if (w->wcount[k] > VULNDB__WARN_PER_KIND && w->warn) {
			char *m = customs_asprintf("feed %s: %u more %s warnings not shown%s",
						   w->nsrc ? w->src[w->cur].name : "?", w->wcount[k] - VULNDB__WARN_PER_KIND,
						   what[k], w->log ? " here (every one is in the import log)" : "");
			if (m)
				w->warn(w->ud, m);
			free(m);
		}
		w->wcount[k] = 0;
	}
}

void vulndb__writer_file(vulndb__writer *w, const char *display)
{
	free(w->file);
	w->file = customs_strdup(display);
}

const char *vulndb__writer_filename(const vulndb__writer *w) { return w->file ? w->file : "?"; }

void vulndb__warn(vulndb__writer *w, enum vulndb__warn_kind kind, const char *record, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	w->nwarnings++;
	int shown = ++w->wcount[kind] <= VULNDB__WARN_PER_KIND && w->warn;
	if (!shown && !w->log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* never pass feed bytes that are not printable to a terminal */
	for (char *p = msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	char *line = record ? customs_asprintf("%s: %.200s: %s", vulndb__writer_filename(w), record, msg)
			    : customs_asprintf("%s: %s", vulndb__writer_filename(w), msg);
	if (line) {
		for (char *p = line; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = '?';
		if (w->log)
			fprintf(w->log, "%s\n", line);
		if (shown)
			w->warn(w->ud, line);
	}
	free(line);
}

int64_t vulndb__writer_warnings(const vulndb__writer *w) { return w->nwarnings; }

void vulndb__writer_log(vulndb__writer *w, FILE *log) { w->log = log; }

int vulndb__writer_source(vulndb__writer *w, const char *name, const char *kind, const char *url, const char *etag,
			  const char *last_modified, vulndb__stats **stats)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int err = 0;

	if (w->nsrc && strcmp(w->src[w->cur].name, name))
		flush_warn_caps(w);
	w->cur_rec = NULL;
	for (size_t i = 0; i < w->nsrc; i++)
		if (!strcmp(w->src[i].name, name)) {
			w->cur = i;
			if (stats)
				*stats = &w->src[i].st;
			return 0;
		}
	struct wsource *n = realloc(w->src, (w->nsrc + 1) * sizeof(*n));
	if (!n)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	w->src = n;
	memset(&n[w->nsrc], 0, sizeof(*n));
	if (!(n[w->nsrc].name = strdup(name)) || !(n[w->nsrc].kind = strdup(kind ? kind : "unknown"))) {
		free(n[w->nsrc].name);
		free(n[w->nsrc].kind);
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	vulndb__now(now, sizeof(now));
	if (sqlite3_prepare_v2(w->db,
			       "INSERT INTO sources(name, kind, url, etag, last_modified, imported_at) VALUES(?,?,?,?,?,?)",
			       -1, &st, NULL) != SQLITE_OK) {
		err = vulndb__sqlerr(w->db, "prepare");
		goto done;
	}
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, n[w->nsrc].kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, url, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, etag, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, last_modified, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		err = vulndb__sqlerr(w->db, "adding a source");
		goto done;
	}
	n[w->nsrc].id = sqlite3_last_insert_rowid(w->db);
	w->cur = w->nsrc++;
	if (stats)
		*stats = &w->src[w->cur].st;
done:
	if (err < 0) {
		free(n[w->nsrc].name);
		free(n[w->nsrc].kind);
	}
	sqlite3_finalize(st);
	return err;
}

const char *vulndb__writer_kind(const vulndb__writer *w) { return w->nsrc ? w->src[w->cur].kind : NULL; }

int vulndb__writer_set_kind(vulndb__writer *w, const char *kind)
{
	struct wsource *s = cursrc(w);
	sqlite3_stmt *st = NULL;
	char *k;

	if (!s || !strcmp(s->kind, kind))
		return 0;
	if (!(k = strdup(kind)))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	free(s->kind);
	s->kind = k;
	if (sqlite3_prepare_v2(w->db, "UPDATE sources SET kind = ?1 WHERE id = ?2", -1, &st, NULL) != SQLITE_OK)
		return vulndb__sqlerr(w->db, "prepare");
	sqlite3_bind_text(st, 1, k, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, s->id);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : vulndb__sqlerr(w->db, "updating a source");
}

vulndb__stats *vulndb__writer_stats(vulndb__writer *w)
{
	struct wsource *s = cursrc(w);
	return s ? &s->st : NULL;
}

size_t vulndb__writer_nsources(const vulndb__writer *w) { return w->nsrc; }

void vulndb__writer_source_at(const vulndb__writer *w, size_t i, const char **name, const char **kind,
			      const vulndb__stats **stats)
{
	*name = w->src[i].name;
	*kind = w->src[i].kind;
	*stats = &w->src[i].st;
}

void vulndb__newest(vulndb__writer *w, const char *date)
{
	struct wsource *s = cursrc(w);
	size_t n;

	/* "YYYY-MM-DD..." only; Go's "0001-01-01T00:00:00Z" placeholder is no date */
	if (!s || !date || (n = strlen(date)) < 10 || n >= sizeof(s->st.newest) || date[4] != '-' || date[7] != '-' ||
	    !strncmp(date, "0001-", 5))
		return;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (date[i] < '0' || date[i] > '9'))
			return;
	if (strcmp(date, s->st.newest) > 0)
		memcpy(s->st.newest, date, n + 1);
}

static void bind_score(sqlite3_stmt *st, int i, double d)
{
	if (d >= 0)
		sqlite3_bind_double(st, i, d);
	else
		sqlite3_bind_null(st, i);
}

static int step_done(vulndb__writer *w, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	int err = rc == SQLITE_DONE ? 0 : vulndb__sqlerr(w->db, what);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return err;
}

int vulndb__put_vuln(vulndb__writer *w, const vulndb__vuln *v)
{
	struct wsource *s = cursrc(w);
	sqlite3_stmt *st;
	int rc;

	if (!s)
		return customs__error(CUSTOMS_EINTERNAL, "vulndb: no current source");
	st = w->st[ST_VULN_OTHER];
	sqlite3_bind_text(st, 1, v->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, s->id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		s->st.duplicates++;
		vulndb__warn(w, VULNDB__W_DUPLICATE, v->id, "duplicate id: also in feed \"%s\"; both kept",
			     (const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return vulndb__sqlerr(w->db, "looking up a vulnerability");

	/* the same id twice in one feed (osv zips have such files): the more
	 * recently modified record wins, on a tie the first */
	st = w->st[ST_VULN_SAME];
	sqlite3_bind_text(st, 1, v->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, s->id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char old[64];
		snprintf(old, sizeof(old), "%s", (const char *)sqlite3_column_text(st, 0));
		sqlite3_reset(st);
		s->st.duplicates++;
		if (!v->modified || strcmp(v->modified, old) <= 0) {
			w->cur_rec = NULL;
			vulndb__warn(w, VULNDB__W_DUPLICATE, v->id,
				     "duplicate id in feed \"%s\"; the record read first (modified %s) is kept", s->name,
				     *old ? old : "?");
			return 1;
		}
		vulndb__warn(w, VULNDB__W_DUPLICATE, v->id,
			     "duplicate id in feed \"%s\"; this record (modified %.40s) replaces the one read first", s->name,
			     v->modified);
		struct rec_rows *rr = customs_strmap_get(&s->recs, v->id, NULL);
		for (int k = ST_DEL_VULN; k <= ST_DEL_LINKS; k++) {
			int err;
			sqlite3_bind_text(w->st[k], 1, v->id, -1, SQLITE_STATIC);
			sqlite3_bind_int64(w->st[k], 2, s->id);
			if (k == ST_DEL_AFF) {
				sqlite3_bind_int64(w->st[k], 3, rr ? rr->first : 0);
				sqlite3_bind_int64(w->st[k], 4, rr ? rr->last : INT64_MAX);
			}
			if ((err = step_done(w, w->st[k], "replacing a duplicate record")) < 0)
				return err;
			if (k == ST_DEL_AFF)
				s->st.affected -= sqlite3_changes(w->db);
		}
		s->st.records--;
	} else {
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return vulndb__sqlerr(w->db, "looking up a vulnerability");
	}

	st = w->st[ST_VULN];
	vulndb__bind_text(st, 1, v->id);
	sqlite3_bind_int64(st, 2, s->id);
	vulndb__bind_text(st, 3, v->summary);
	vulndb__bind_text(st, 4, v->details);
	vulndb__bind_text(st, 5, v->published);
	vulndb__bind_text(st, 6, v->modified);
	vulndb__bind_text(st, 7, v->withdrawn);
	vulndb__bind_text(st, 8, v->severity);
	bind_score(st, 9, v->cvss3_score);
	vulndb__bind_text(st, 10, v->cvss3_vector);
	bind_score(st, 11, v->cvss4_score);
	vulndb__bind_text(st, 12, v->cvss4_vector);
	vulndb__bind_text(st, 13, v->cwes && *v->cwes ? v->cwes : NULL);
	sqlite3_bind_int(st, 14, v->nrefs);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return vulndb__sqlerr(w->db, "storing a vulnerability");
	s->st.records++;
	/* remember where its affected rows go */
	struct rec_rows *r = customs_strmap_get(&s->recs, v->id, NULL);
	if (!r) {
		char *key = customs_arena_strdup(&s->ar, v->id);
		if (!key || !(r = customs_arena_alloc(&s->ar, sizeof(*r))) || customs_strmap_put(&s->recs, key, r) < 0)
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		w->cur_rec_id = key;
	} else {
		w->cur_rec_id = NULL;
		for (size_t i = 0; i < s->recs.cap; i++)
			if (s->recs.vals[i] == r)
				w->cur_rec_id = s->recs.keys[i];
	}
	r->first = r->last = 0;
	w->cur_rec = r;
	return 0;
}

int vulndb__put_link(vulndb__writer *w, const char *id, const char *other, enum vulndb__link_kind kind)
{
	struct wsource *s = cursrc(w);
	sqlite3_stmt *st = w->st[ST_LINK];
	int err;

	if (!s || !strcmp(id, other))
		return 0;
	for (int dir = 0; dir < (kind == VULNDB__UPSTREAM ? 1 : 2); dir++) {
		sqlite3_bind_text(st, 1, dir ? other : id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, dir ? id : other, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, (int)kind);
		sqlite3_bind_int64(st, 4, s->id);
		if ((err = step_done(w, st, "storing an alias")) < 0)
			return err;
	}
	return 0;
}

static int64_t blob_hash(const char *body)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	uint64_t h = 0;
	SHA256((const unsigned char *)body, strlen(body), md);
	for (int i = 0; i < 8; i++)
		h = h << 8 | md[i];
	return (int64_t)(h >> 1);
}

/* 1 if h was added to the writer's set of stored blobs, 0 if it was there. */
static int blobset_add(vulndb__writer *w, uint64_t h)
{
	h |= 1; /* 0 marks an empty slot */
	if ((w->nblobs + 1) * 2 > w->blobcap) {
		size_t cap = w->blobcap ? w->blobcap * 2 : 65536;
		uint64_t *n = calloc(cap, sizeof(*n));
		if (!n)
			return 1; /* no cache: the INSERT OR IGNORE still dedups */
		for (size_t i = 0; i < w->blobcap; i++) {
			if (!w->blobset[i])
				continue;
			size_t j = (size_t)(w->blobset[i] >> 7) & (cap - 1);
			while (n[j])
				j = (j + 1) & (cap - 1);
			n[j] = w->blobset[i];
		}
		free(w->blobset);
		w->blobset = n;
		w->blobcap = cap;
	}
	size_t j = (size_t)(h >> 7) & (w->blobcap - 1);
	while (w->blobset[j]) {
		if (w->blobset[j] == h)
			return 0;
		j = (j + 1) & (w->blobcap - 1);
	}
	w->blobset[j] = h;
	w->nblobs++;
	return 1;
}

/* Store body once (by content); *id is its key. */
static int put_blob(vulndb__writer *w, const char *body, int64_t *id)
{
	sqlite3_stmt *st = w->st[ST_BLOB];
	*id = blob_hash(body);
	if (!blobset_add(w, (uint64_t)*id))
		return 0;
	sqlite3_bind_int64(st, 1, *id);
	sqlite3_bind_text(st, 2, body, -1, SQLITE_STATIC);
	return step_done(w, st, "storing ranges or versions");
}

int vulndb__put_affected(vulndb__writer *w, const vulndb__affected *a)
{
	struct wsource *s = cursrc(w);
	sqlite3_stmt *st;
	int64_t rh = 0, vh = 0;
	int err;

	if (!s)
		return customs__error(CUSTOMS_EINTERNAL, "vulndb: no current source");
	if ((a->ranges && (err = put_blob(w, a->ranges, &rh)) < 0) || (a->versions && (err = put_blob(w, a->versions, &vh)) < 0))
		return err;
	st = w->st[ST_AFF];
	vulndb__bind_text(st, 1, a->vuln_id);
	sqlite3_bind_int64(st, 2, s->id);
	vulndb__bind_text(st, 3, a->ns);
	vulndb__bind_text(st, 4, a->package);
	vulndb__bind_text(st, 5, a->ecosystem);
	if (a->ranges)
		sqlite3_bind_int64(st, 6, rh);
	else
		sqlite3_bind_null(st, 6);
	if (a->versions)
		sqlite3_bind_int64(st, 7, vh);
	else
		sqlite3_bind_null(st, 7);
	sqlite3_bind_int(st, 8, (int)a->fix_state);
	vulndb__bind_text(st, 9, a->status);
	vulndb__bind_text(st, 10, a->urgency);
	vulndb__bind_text(st, 11, a->severity);
	if ((err = step_done(w, st, "storing an affected entry")) < 0)
		return err;
	if (w->cur_rec && w->cur_rec_id && !strcmp(w->cur_rec_id, a->vuln_id)) {
		int64_t rowid = sqlite3_last_insert_rowid(w->db);
		if (!w->cur_rec->first)
			w->cur_rec->first = rowid;
		w->cur_rec->last = rowid;
	}
	s->st.affected++;
	if (a->fix_state == CUSTOMS_FIX_NOT_AFFECTED)
		s->st.not_affected++;
	return 0;
}

int vulndb__put_nvd(vulndb__writer *w, const char *cve, double cvss3, const char *cvss3_vector, double cvss4,
		    const char *cvss4_vector, const char *cwes, const char *published, const char *modified)
{
	struct wsource *s = cursrc(w);
	sqlite3_stmt *st = w->st[ST_NVD];
	int err;

	if (!s)
		return customs__error(CUSTOMS_EINTERNAL, "vulndb: no current source");
	vulndb__bind_text(st, 1, cve);
	sqlite3_bind_int64(st, 2, s->id);
	bind_score(st, 3, cvss3);
	vulndb__bind_text(st, 4, cvss3_vector);
	bind_score(st, 5, cvss4);
	vulndb__bind_text(st, 6, cvss4_vector);
	vulndb__bind_text(st, 7, cwes && *cwes ? cwes : NULL);
	vulndb__bind_text(st, 8, published);
	vulndb__bind_text(st, 9, modified);
	if ((err = step_done(w, st, "storing NVD data")) < 0)
		return err;
	s->st.records++;
	return 0;
}

int vulndb__put_epss(vulndb__writer *w, const char *cve, double score, double percentile)
{
	struct wsource *s = cursrc(w);
	sqlite3_stmt *st = w->st[ST_EPSS];
	int err;

	if (!s)
		return customs__error(CUSTOMS_EINTERNAL, "vulndb: no current source");
	vulndb__bind_text(st, 1, cve);
	sqlite3_bind_int64(st, 2, s->id);
	sqlite3_bind_double(st, 3, score);
	sqlite3_bind_double(st, 4, percentile);
	if ((err = step_done(w, st, "storing EPSS data")) < 0)
		return err;
	s->st.records++;
	return 0;
}

int vulndb__put_kev(vulndb__writer *w, const char *cve, const char *date_added, const char *due_date,
		    const char *ransomware)
{
	struct wsource *s = cursrc(w);
	sqlite3_stmt *st = w->st[ST_KEV];
	int err;

	if (!s)
		return customs__error(CUSTOMS_EINTERNAL, "vulndb: no current source");
	vulndb__bind_text(st, 1, cve);
	sqlite3_bind_int64(st, 2, s->id);
	vulndb__bind_text(st, 3, date_added);
	vulndb__bind_text(st, 4, due_date);
	vulndb__bind_text(st, 5, ransomware);
	if ((err = step_done(w, st, "storing KEV data")) < 0)
		return err;
	s->st.records++;
	return 0;
}

int vulndb__put_binary(vulndb__writer *w, const char *ns, const char *binary, const char *version, const char *src,
		       const char *src_version)
{
	struct wsource *s = cursrc(w);
	sqlite3_stmt *st = w->st[ST_BINARY];
	int err;

	if (!s)
		return customs__error(CUSTOMS_EINTERNAL, "vulndb: no current source");
	vulndb__bind_text(st, 1, ns);
	vulndb__bind_text(st, 2, binary);
	vulndb__bind_text(st, 3, version);
	vulndb__bind_text(st, 4, src);
	vulndb__bind_text(st, 5, src_version);
	sqlite3_bind_int64(st, 6, s->id);
	if ((err = step_done(w, st, "storing a binary package")) < 0)
		return err;
	if (sqlite3_changes(w->db))
		s->st.records++;
	else
		s->st.duplicates++;
	return 0;
}

int vulndb__writer_finish(vulndb__writer *w)
{
	sqlite3_stmt *st = NULL;
	int err;

	flush_warn_caps(w);
	if (sqlite3_prepare_v2(w->db, "UPDATE sources SET records = ?1, affected = ?2, newest = ?3 WHERE id = ?4", -1,
			       &st, NULL) != SQLITE_OK)
		return vulndb__sqlerr(w->db, "prepare");
	for (size_t i = 0; i < w->nsrc; i++) {
		sqlite3_bind_int64(st, 1, w->src[i].st.records);
		sqlite3_bind_int64(st, 2, w->src[i].st.affected);
		vulndb__bind_text(st, 3, w->src[i].st.newest[0] ? w->src[i].st.newest : NULL);
		sqlite3_bind_int64(st, 4, w->src[i].id);
		if ((err = step_done(w, st, "updating a source")) < 0) {
			sqlite3_finalize(st);
			return err;
		}
	}
	sqlite3_finalize(st);
	if ((err = vulndb__schema_stamp(w->db)) < 0 || (err = vulndb__schema_index(w->db)) < 0 ||
	    (err = vulndb__exec(w->db, "DELETE FROM namespaces; INSERT INTO namespaces(ns, affected, packages, vulns)"
				       " SELECT ns, count(*), count(DISTINCT package), count(DISTINCT vuln) FROM affected"
				       " GROUP BY ns;")) < 0 ||
	    (err = vulndb__exec(w->db, "DELETE FROM binary_maps; INSERT INTO binary_maps(ns, packages, versions, sources,"
				       " feeds) SELECT b.ns, count(DISTINCT b.binary), count(DISTINCT b.binary || ' ' ||"
				       " b.version), count(DISTINCT b.src), (SELECT group_concat(name, ',') FROM (SELECT"
				       " DISTINCT s.name FROM binaries x JOIN sources s ON s.id = x.source WHERE x.ns = b.ns"
				       " ORDER BY s.name)) FROM binaries b GROUP BY b.ns;")) < 0 ||
	    (err = vulndb__exec(w->db, "COMMIT")) < 0)
		return err;
	w->finished = 1;
	return 0;
}

void vulndb__writer_free(vulndb__writer *w)
{
	if (!w)
		return;
	for (int i = 0; i < ST_N; i++)
		sqlite3_finalize(w->st[i]);
	if (w->db) {
		if (!w->finished && !sqlite3_get_autocommit(w->db))
			sqlite3_exec(w->db, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_close(w->db);
	}
	for (size_t i = 0; i < w->nsrc; i++) {
		free(w->src[i].name);
		free(w->src[i].kind);
		customs_strmap_release(&w->src[i].recs);
		customs_arena_release(&w->src[i].ar);
	}
	free(w->src);
	free(w->file);
	free(w->blobset);
	free(w);
}
