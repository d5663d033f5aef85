/* vulndb_read.c - the queries the matcher and the CLI ask of a
 * vulnerability database (customs/vuln.h): the affected entries of a
 * package or an id, a record with its alias group and NVD, EPSS and KEV
 * enrichment, the source package of a binary package, and the database's
 * status. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vuln/vulndb.h"

int customs_vulndb_default_path(char **out)
{
	const char *e = getenv("CUSTOMS_DB"), *x = getenv("XDG_DATA_HOME"), *h = getenv("HOME");

	if (!out)
		return customs__error(CUSTOMS_EINVAL, "vulndb: out is NULL");
	if (e && *e)
		*out = strdup(e);
	else if (x && *x == '/')
		*out = customs_asprintf("%s/customs/vulndb.sqlite", x);
	else if (h && *h)
		*out = customs_asprintf("%s/.local/share/customs/vulndb.sqlite", h);
	else
		return customs__error(CUSTOMS_EINVAL, "vulndb: no default database path: set CUSTOMS_DB, XDG_DATA_HOME or HOME");
	return *out ? 0 : customs__error(CUSTOMS_ENOMEM, "out of memory");
}

int customs_vulndb_normalize_name(char **out, const char *ns, const char *name)
{
	char buf[VULNDB__MAX_NAME + 1];
	int err;

	if (!out || !ns || !name)
		return customs__error(CUSTOMS_EINVAL, "vulndb: NULL argument");
	if ((err = vulndb__normalize(buf, sizeof(buf), ns, name)) < 0)
		return err;
	return (*out = strdup(buf)) ? 0 : customs__error(CUSTOMS_ENOMEM, "out of memory");
}

enum {
	Q_AFF_PKG,
	Q_AFF_ID,
	Q_LINKS,
	Q_VULN,
	Q_NVD,
	Q_EPSS,
	Q_KEV,
	Q_NS,
	Q_KNOWN,
	Q_BIN_SRC,
	Q_BIN_COUNT,
	Q_N,
};

#define AFF_COLS                                                                                                   \
	"SELECT a.vuln, a.source, a.ns, a.package, a.ecosystem, r.body, v.body, a.fix_state, a.status, a.urgency,"   \
	" a.severity FROM affected a LEFT JOIN blobs r ON r.hash = a.ranges LEFT JOIN blobs v ON v.hash = a.versions "

static const char *const reader_sql[Q_N] = {
	AFF_COLS "WHERE a.ns = ?1 AND a.package = ?2 ORDER BY a.vuln, a.source, a.rowid",
	AFF_COLS "WHERE a.vuln = ?1 ORDER BY a.ns, a.package, a.source, a.rowid",
	"SELECT other, kind FROM links WHERE id = ?1 ORDER BY kind, other",
	"SELECT v.id, s.name, v.summary, v.details, v.published, v.modified, v.withdrawn, v.severity, v.cvss3_score,"
	" v.cvss3_vector, v.cvss4_score, v.cvss4_vector, v.cwes, v.nrefs FROM vulns v JOIN sources s ON s.id = v.source"
	" WHERE v.id = ?1 ORDER BY (s.name IS ?2) DESC, v.modified DESC, s.name LIMIT 1",
	"SELECT cvss3_score, cvss3_vector, cvss4_score, cvss4_vector, cwes, published FROM nvd WHERE cve = ?1",
	"SELECT e.score, e.percentile, s.newest FROM epss e JOIN sources s ON s.id = e.source WHERE e.cve = ?1",
	"SELECT date_added, due_date, ransomware FROM kev WHERE cve = ?1",
	"SELECT 1 FROM namespaces WHERE ns = ?1",
	"SELECT 1 WHERE EXISTS(SELECT 1 FROM affected WHERE vuln = ?1) OR EXISTS(SELECT 1 FROM links WHERE id = ?1)"
	" OR EXISTS(SELECT 1 FROM nvd WHERE cve = ?1) OR EXISTS(SELECT 1 FROM epss WHERE cve = ?1)"
	" OR EXISTS(SELECT 1 FROM kev WHERE cve = ?1)",
	"SELECT version, src, src_version FROM binaries WHERE ns = ?1 AND binary = ?2",
	"SELECT packages FROM binary_maps WHERE ns = ?1",
};

struct customs_vulndb {
	sqlite3 *db;
	char *path;
	int schema;           /* the file's schema version */
	sqlite3_stmt *q[Q_N]; /* Q_BIN_* NULL in a schema 1 file */
	int64_t *src_ids;
	char **src_names;
	size_t nsrc;
};

void customs_vulndb_free(customs_vulndb *db)
{
	if (!db)
		return;
	for (int i = 0; i < Q_N; i++)
		sqlite3_finalize(db->q[i]);
	sqlite3_close(db->db);
	for (size_t i = 0; i < db->nsrc; i++)
		free(db->src_names[i]);
	free(db->src_ids);
	free(db->src_names);
	free(db->path);
	free(db);
}

static int load_sources(customs_vulndb *db)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(db->db, "SELECT id, name FROM sources ORDER BY id", -1, &st, NULL) != SQLITE_OK)
		return vulndb__sqlerr(db->db, "reading sources");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t *ids = realloc(db->src_ids, (db->nsrc + 1) * sizeof(*ids));
		if (ids)
			db->src_ids = ids;
		char **names = realloc(db->src_names, (db->nsrc + 1) * sizeof(*names));
		if (names)
			db->src_names = names;
		if (!ids || !names || !(names[db->nsrc] = strdup((const char *)sqlite3_column_text(st, 1)))) {
			sqlite3_finalize(st);
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		}
		ids[db->nsrc++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : vulndb__sqlerr(db->db, "reading sources");
}

static const char *source_name(const customs_vulndb *db, int64_t id)
{
	for (size_t i = 0; i < db->nsrc; i++)
		if (db->src_ids[i] == id)
			return db->src_names[i];
	return "?";
}

int customs_vulndb_open(customs_vulndb **out, const char *path, int readonly)
{
	customs_vulndb *db;
	struct stat sb;
	int err = 0;

	if (!out || !path)
		return customs__error(CUSTOMS_EINVAL, "vulndb: NULL argument");
	*out = NULL;
	if (readonly && stat(path, &sb) != 0)
		return customs__error(errno == ENOENT ? CUSTOMS_ENOTFOUND : CUSTOMS_EIO,
				      "vulnerability database %s: %s%s", path, strerror(errno),
				      errno == ENOENT ? " (build it with `customs db import` or `customs db update`)" : "");
	if (!(db = calloc(1, sizeof(*db))) || !(db->path = strdup(path))) {
		free(db);
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(path, &db->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		err = customs__error(CUSTOMS_EIO, "vulnerability database %s: %s", path,
				     db->db ? sqlite3_errmsg(db->db) : "out of memory");
		goto done;
	}
	sqlite3_busy_timeout(db->db, 5000);
	if (!readonly && (vulndb__schema_create(db->db) < 0 || vulndb__schema_index(db->db) < 0)) {
		err = customs__error(CUSTOMS_EIO, "vulnerability database %s: %s", path, sqlite3_errmsg(db->db));
		goto done;
	}
	if ((err = vulndb__schema_check(db->db, path)) < 0)
		goto done;
	if ((db->schema = vulndb__schema_version(db->db, NULL)) < 0)
		db->schema = CUSTOMS_VULNDB_SCHEMA_VERSION; /* empty: made by this library */
	for (int i = 0; i < (db->schema < 2 ? Q_BIN_SRC : Q_N); i++)
		if (sqlite3_prepare_v3(db->db, reader_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &db->q[i], NULL) != SQLITE_OK) {
			err = customs__error(CUSTOMS_EFORMAT, "%s is not a customs vulnerability database: %s", path,
					     sqlite3_errmsg(db->db));
			goto done;
		}
	err = load_sources(db);
done:
	if (err < 0)
		customs_vulndb_free(db);
	else
		*out = db;
	return err;
}

/* ---- affected rows ---- */

static const char *col(sqlite3_stmt *st, int i) { return (const char *)sqlite3_column_text(st, i); }

/* A JSON array of strings → arena array. */
static int str_array(customs_arena *ar, const char *json, const char *const **out, size_t *n)
{
	json_t *j;
	const char **v;

	*out = NULL;
	*n = 0;
	if (!json)
		return 0;
	if (!(j = json_loads(json, 0, NULL)) || !json_is_array(j)) {
		json_decref(j);
		return customs__error(CUSTOMS_EFORMAT, "vulndb: bad stored list");
	}
	if (!(v = customs_arena_alloc(ar, (json_array_size(j) + 1) * sizeof(*v)))) {
		json_decref(j);
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < json_array_size(j); i++) {
		const char *s = json_string_value(json_array_get(j, i));
		if (s && !(v[(*n)++] = customs_arena_strdup(ar, s))) {
			json_decref(j);
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		}
	}
	v[*n] = NULL;
	json_decref(j);
	*out = v;
	return 0;
}

static int parse_ranges(customs_arena *ar, const char *json, const customs_vuln_range **out, size_t *n)
{
	static const char *const kinds[] = {"introduced", "fixed", "last_affected", "limit"};
	json_t *j;
	customs_vuln_range *r;
	int err = 0;

	*out = NULL;
	*n = 0;
	if (!json)
		return 0;
	if (!(j = json_loads(json, 0, NULL)) || !json_is_array(j)) {
		json_decref(j);
		return customs__error(CUSTOMS_EFORMAT, "vulndb: bad stored ranges");
	}
	if (!(r = customs_arena_alloc(ar, (json_array_size(j) + 1) * sizeof(*r)))) {
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < json_array_size(j); i++) {
		json_t *jr = json_array_get(j, i), *ev = json_object_get(jr, "events");
		customs_vuln_event *e = customs_arena_alloc(ar, (json_array_size(ev) + 1) * sizeof(*e));
		if (!e || !(r[i].type = customs_arena_strdup(ar, vulndb__jstr(jr, "type") ? vulndb__jstr(jr, "type") : ""))) {
			err = customs__error(CUSTOMS_ENOMEM, "out of memory");
			goto done;
		}
		r[i].events = e;
		r[i].nevents = 0;
		for (size_t k = 0; k < json_array_size(ev); k++) {
			json_t *o = json_array_get(ev, k);
			for (int t = 0; t < 4; t++) {
				const char *v = vulndb__jstr(o, kinds[t]);
				if (!v)
					continue;
				e[r[i].nevents].kind = (customs_vuln_event_kind)t;
				if (!(e[r[i].nevents].version = customs_arena_strdup(ar, v))) {
					err = customs__error(CUSTOMS_ENOMEM, "out of memory");
					goto done;
				}
				r[i].nevents++;
				break;
			}
		}
		(*n)++;
	}
	*out = r;
done:
	json_decref(j);
	return err;
}

/* The fixed events of the ranges, without "0" and duplicates. */
static int fixed_of(customs_arena *ar, const customs_vuln_range *r, size_t nr, const char *const **out, size_t *n)
{
	size_t cap = 0;
	const char **v;

	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < nr; i++)
		cap += r[i].nevents;
	if (!(v = customs_arena_alloc(ar, (cap + 1) * sizeof(*v))))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	for (size_t i = 0; i < nr; i++)
		for (size_t k = 0; k < r[i].nevents; k++) {
			const char *f = r[i].events[k].version;
			int dup = r[i].events[k].kind != CUSTOMS_EVENT_FIXED || !strcmp(f, "0");
			for (size_t j = 0; !dup && j < *n; j++)
				dup = !strcmp(v[j], f);
			if (!dup)
				v[(*n)++] = f;
		}
	v[*n] = NULL;
	*out = v;
	return 0;
}

static int run_affected(customs_vulndb *db, sqlite3_stmt *st, int (*cb)(void *, const customs_vuln_affected *),
			void *ud)
{
	customs_arena ar = {0};
	int rc, ret = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		customs_vuln_affected a;
		char ns[64];
		memset(&a, 0, sizeof(a));
		/* column texts stay valid until the next step; the callback may keep
		 * nothing, but copy anyway so that re-entrant queries are safe */
		a.vuln_id = customs_arena_strdup(&ar, col(st, 0));
		a.source = source_name(db, sqlite3_column_int64(st, 1));
		a.ns = customs_arena_strdup(&ar, col(st, 2));
		a.package = customs_arena_strdup(&ar, col(st, 3));
		a.ecosystem = customs_arena_strdup(&ar, col(st, 4));
		a.ranges_json = customs_arena_strdup(&ar, col(st, 5));
		a.fix_state = (customs_fix_state)sqlite3_column_int(st, 7);
		a.status = customs_arena_strdup(&ar, col(st, 8));
		a.urgency = customs_arena_strdup(&ar, col(st, 9));
		a.severity = customs_arena_strdup(&ar, col(st, 10));
		if (!a.ecosystem || vulndb__namespace(ns, sizeof(ns), &a.scheme, a.ecosystem) < 0)
			a.scheme = "";
		if ((ret = parse_ranges(&ar, a.ranges_json, &a.ranges, &a.nranges)) < 0 ||
		    (ret = str_array(&ar, col(st, 6), &a.versions, &a.nversions)) < 0 ||
		    (ret = fixed_of(&ar, a.ranges, a.nranges, &a.fixed, &a.nfixed)) < 0)
			break;
		if (!a.vuln_id || !a.ns || !a.package) {
			ret = customs__error(CUSTOMS_ENOMEM, "out of memory");
			break;
		}
		ret = cb(ud, &a);
		customs_arena_release(&ar);
		if (ret)
			break;
	}
	customs_arena_release(&ar);
	if (!ret && rc != SQLITE_DONE && rc != SQLITE_ROW)
		ret = vulndb__sqlerr(db->db, "reading affected entries");
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return ret;
}

int customs_vulndb_affected(customs_vulndb *db, const char *ns, const char *package,
			    int (*cb)(void *, const customs_vuln_affected *), void *ud)
{
	char name[VULNDB__MAX_NAME + 1];
	int err;

	if (!db || !ns || !package || !cb)
		return customs__error(CUSTOMS_EINVAL, "vulndb: NULL argument");
	if ((err = vulndb__normalize(name, sizeof(name), ns, package)) < 0)
		return err == CUSTOMS_EFORMAT ? 0 : err; /* a name no feed can hold has no entries */
	sqlite3_stmt *st = db->q[Q_AFF_PKG];
	sqlite3_bind_text(st, 1, ns, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	return run_affected(db, st, cb, ud);
}

int customs_vulndb_affected_by_id(customs_vulndb *db, const char *vuln_id,
				  int (*cb)(void *, const customs_vuln_affected *), void *ud)
{
	if (!db || !vuln_id || !cb)
		return customs__error(CUSTOMS_EINVAL, "vulndb: NULL argument");
	sqlite3_stmt *st = db->q[Q_AFF_ID];
	sqlite3_bind_text(st, 1, vuln_id, -1, SQLITE_STATIC);
	return run_affected(db, st, cb, ud);
}

int customs_vulndb_has_namespace(customs_vulndb *db, const char *ns, int *out)
{
	if (!db || !ns || !out)
		return customs__error(CUSTOMS_EINVAL, "vulndb: NULL argument");
	sqlite3_stmt *st = db->q[Q_NS];
	sqlite3_bind_text(st, 1, ns, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : vulndb__sqlerr(db->db, "reading namespaces");
}

/* ---- binary packages and their source ---- */

static const char *strip_epoch(const char *v)
{
	const char *c = strchr(v, ':');
	return c ? c + 1 : v;
}

/* n when v ends in a binNMU suffix "+bN" of n bytes, else 0 */
static size_t binnmu_len(const char *v)
{
	const char *b = strrchr(v, '+');
	if (!b || b[1] != 'b' || !b[2] || strspn(b + 2, "0123456789") != strlen(b + 2))
		return 0;
	return strlen(b);
}

/* The source version of binary version `version`, from how a listed binary
 * version (bv) relates to its source's (sv): the same, or the binary adds
 * a binNMU suffix, an epoch, or both.  Anything else: version itself. */
static char *derive_source_version(const char *version, const char *bv, const char *sv)
{
	const char *v = version;
	size_t n;
	if (strchr(bv, ':') && !strchr(sv, ':'))
		v = strip_epoch(v), bv = strip_epoch(bv);
	n = strlen(v);
	if ((size_t)binnmu_len(bv) && strlen(bv) - binnmu_len(bv) == strlen(sv) && !strncmp(bv, sv, strlen(sv)))
		n -= binnmu_len(v);
	return customs_strndup(v, n);
}

int customs_vulndb_binary_source(customs_vulndb *db, const char *ns, const char *binary, const char *version,
				 customs_vulndb_source_pkg **out)
{
	const customs_version_scheme *dpkg = customs_version_scheme_find("dpkg");
	sqlite3_stmt *st;
	char *best_v = NULL, *best_src = NULL, *best_sv = NULL, *sv = NULL;
	int rc, exact = 0, err = 0, cmp;

	if (!db || !ns || !binary || !version || !out)
		return customs__error(CUSTOMS_EINVAL, "vulndb: NULL argument");
	*out = NULL;
	if (!(st = db->q[Q_BIN_SRC]))
		return customs__error(CUSTOMS_ENOTFOUND, "%s has no Packages indexes (schema %d)", db->path, db->schema);
	sqlite3_bind_text(st, 1, ns, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, binary, -1, SQLITE_STATIC);
	while (!exact && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *v = col(st, 0);
		exact = !strcmp(v, version);
		if (best_v && !exact && (customs_version_compare(dpkg, v, best_v, &cmp) < 0 || cmp <= 0))
			continue;
		free(best_v), free(best_src), free(best_sv);
		best_v = strdup(v), best_src = strdup(col(st, 1)), best_sv = strdup(col(st, 2));
		if (!best_v || !best_src || !best_sv) {
			err = customs__error(CUSTOMS_ENOMEM, "out of memory");
			goto done;
		}
	}
	if (!exact && rc != SQLITE_DONE) {
		err = vulndb__sqlerr(db->db, "reading binaries");
		goto done;
	}
	if (!best_v) {
		err = customs__error(CUSTOMS_ENOTFOUND, "no Packages index of %s lists %s", ns, binary);
		goto done;
	}
	if (!(sv = exact ? strdup(best_sv) : derive_source_version(version, best_v, best_sv))) {
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
		goto done;
	}
	/* one allocation: the struct, then its strings */
	size_t nn = strlen(best_src) + 1, nv = strlen(sv) + 1;
	customs_vulndb_source_pkg *r = malloc(sizeof(*r) + nn + nv);
	if (!r) {
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
		goto done;
	}
	r->name = memcpy((char *)(r + 1), best_src, nn);
	r->version = memcpy((char *)(r + 1) + nn, sv, nv);
	r->exact = exact;
	*out = r;
done:
	sqlite3_reset(st);
	free(best_v), free(best_src), free(best_sv), free(sv);
	return err;
}

int customs_vulndb_binary_count(customs_vulndb *db, const char *ns, int64_t *out)
{
	if (!db || !ns || !out)
		return customs__error(CUSTOMS_EINVAL, "vulndb: NULL argument");
	sqlite3_stmt *st = db->q[Q_BIN_COUNT];
	*out = 0;
	if (!st)
		return 0;
	sqlite3_bind_text(st, 1, ns, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : vulndb__sqlerr(db->db, "reading binaries");
}

/* ---- groups ---- */

#define GROUP_MAX 4096

struct group_build {
	customs_arena *ar;
	customs_strmap seen;
	customs_vuln_ref *refs;
	size_t n, cap;
};

static int group_add(struct group_build *g, const char *id, customs_vuln_relation rel)
{
	char *copy;
	int err;

	if (customs_strmap_get(&g->seen, id, NULL) || g->n >= GROUP_MAX)
		return 0;
	if ((err = CUSTOMS_ARRAY_GROW(g->refs, g->n, g->cap)) < 0)
		return err;
	if (!(copy = customs_arena_strdup(g->ar, id)))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	g->refs[g->n].id = copy;
	g->refs[g->n].relation = rel;
	g->n++;
	return customs_strmap_put(&g->seen, copy, (void *)1);
}

/* Fill g: id, its alias closure, then related/upstream of every member. */
static int group_build(customs_vulndb *db, struct group_build *g, const char *id)
{
	sqlite3_stmt *st = db->q[Q_LINKS];
	int err, rc;
	size_t nalias;

	if ((err = group_add(g, id, CUSTOMS_VULN_SELF)) < 0)
		return err;
	for (size_t i = 0; i < g->n; i++) {
		sqlite3_bind_text(st, 1, g->refs[i].id, -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			if (sqlite3_column_int(st, 1) == VULNDB__ALIAS && (err = group_add(g, col(st, 0), CUSTOMS_VULN_ALIAS)) < 0)
				break;
		sqlite3_reset(st);
		if (err < 0)
			return err;
		if (rc != SQLITE_DONE && rc != SQLITE_ROW)
			return vulndb__sqlerr(db->db, "reading aliases");
	}
	nalias = g->n;
	for (size_t i = 0; i < nalias; i++) {
		sqlite3_bind_text(st, 1, g->refs[i].id, -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			int k = sqlite3_column_int(st, 1);
			if (k != VULNDB__ALIAS &&
			    (err = group_add(g, col(st, 0), k == VULNDB__RELATED ? CUSTOMS_VULN_RELATED : CUSTOMS_VULN_UPSTREAM)) < 0)
				break;
		}
		sqlite3_reset(st);
		if (err < 0)
			return err;
		if (rc != SQLITE_DONE && rc != SQLITE_ROW)
			return vulndb__sqlerr(db->db, "reading related ids");
	}
	return 0;
}

/* Objects returned to callers: the struct first, its arena after it. */
struct owned_group {
	customs_vuln_group g;
	customs_arena ar;
	customs_vuln_ref *refs;
};

int customs_vulndb_group(customs_vulndb *db, const char *id, customs_vuln_group **out)
{
	struct owned_group *o;
	struct group_build b = {0};
	int err;

	if (!db || !id || !out)
		return customs__error(CUSTOMS_EINVAL, "vulndb: NULL argument");
	*out = NULL;
	if (!(o = calloc(1, sizeof(*o))))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	b.ar = &o->ar;
	err = group_build(db, &b, id);
	customs_strmap_release(&b.seen);
	o->refs = b.refs;
	o->g.refs = b.refs;
	o->g.n = b.n;
	if (err < 0) {
		customs_vuln_group_free(&o->g);
		return err;
	}
	*out = &o->g;
	return 0;
}

void customs_vuln_group_free(customs_vuln_group *g)
{
	struct owned_group *o = (struct owned_group *)g;
	if (!o)
		return;
	free(o->refs);
	customs_arena_release(&o->ar);
	free(o);
}

/* ---- enrichment ---- */

static int split_csv(customs_arena *ar, const char *s, const char *const **out, size_t *n)
{
	size_t k = 1;
	const char **v;

	*out = NULL;
	*n = 0;
	if (!s || !*s)
		return 0;
	for (const char *p = s; *p; p++)
		k += *p == ',';
	if (!(v = customs_arena_alloc(ar, (k + 1) * sizeof(*v))))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	for (const char *p = s;;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len && !(v[(*n)++] = customs_arena_strndup(ar, p, len)))
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		if (!e)
			break;
		p = e + 1;
	}
	v[*n] = NULL;
	*out = v;
	return 0;
}

static double col_score(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? -1 : sqlite3_column_double(st, i);
}

/* Fill e for cve; *found = 1 when any source has it. */
static int enrich(customs_vulndb *db, customs_arena *ar, const char *cve, customs_vuln_enrichment *e, int *found)
{
	sqlite3_stmt *st;
	int rc, err = 0;

	memset(e, 0, sizeof(*e));
	e->nvd_cvss3_score = e->nvd_cvss4_score = e->epss_score = e->epss_percentile = -1;
	*found = 0;
	if (!(e->cve = customs_arena_strdup(ar, cve)))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");

	st = db->q[Q_NVD];
	sqlite3_bind_text(st, 1, cve, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		e->has_nvd = 1;
		e->nvd_cvss3_score = col_score(st, 0);
		e->nvd_cvss3_vector = customs_arena_strdup(ar, col(st, 1));
		e->nvd_cvss4_score = col_score(st, 2);
		e->nvd_cvss4_vector = customs_arena_strdup(ar, col(st, 3));
		err = split_csv(ar, col(st, 4), &e->nvd_cwes, &e->nnvd_cwes);
		e->nvd_published = customs_arena_strdup(ar, col(st, 5));
	}
	sqlite3_reset(st);
	if (err < 0)
		return err;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return vulndb__sqlerr(db->db, "reading NVD data");

	st = db->q[Q_EPSS];
	sqlite3_bind_text(st, 1, cve, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		e->has_epss = 1;
		e->epss_score = col_score(st, 0);
		e->epss_percentile = col_score(st, 1);
		e->epss_date = customs_arena_strdup(ar, col(st, 2));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return vulndb__sqlerr(db->db, "reading EPSS data");

	st = db->q[Q_KEV];
	sqlite3_bind_text(st, 1, cve, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		e->kev = 1;
		e->kev_date_added = customs_arena_strdup(ar, col(st, 0));
		e->kev_due_date = customs_arena_strdup(ar, col(st, 1));
		e->kev_ransomware = customs_arena_strdup(ar, col(st, 2));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return vulndb__sqlerr(db->db, "reading KEV data");
	*found = e->has_nvd || e->has_epss || e->kev;
	return 0;
}

struct owned_enrichment {
	customs_vuln_enrichment e;
	customs_arena ar;
};

int customs_vulndb_enrichment(customs_vulndb *db, const char *cve, customs_vuln_enrichment **out)
{
	struct owned_enrichment *o;
	int found = 0, err;

	if (!db || !cve || !out)
		return customs__error(CUSTOMS_EINVAL, "vulndb: NULL argument");
	*out = NULL;
	if (!(o = calloc(1, sizeof(*o))))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	if ((err = enrich(db, &o->ar, cve, &o->e, &found)) < 0 || !found) {
		customs_vuln_enrichment_free(&o->e);
		return err < 0 ? err : customs__error(CUSTOMS_ENOTFOUND, "%s: no NVD, EPSS or KEV data", cve);
	}
	*out = &o->e;
	return 0;
}

void customs_vuln_enrichment_free(customs_vuln_enrichment *e)
{
	struct owned_enrichment *o = (struct owned_enrichment *)e;
	if (!o)
		return;
	customs_arena_release(&o->ar);
	free(o);
}

/* ---- records ---- */

struct owned_record {
	customs_vuln_record r;
	customs_arena ar;
	customs_vuln_ref *refs;
	customs_vuln_enrichment *enr;
};

void customs_vuln_record_free(customs_vuln_record *r)
{
	struct owned_record *o = (struct owned_record *)r;
	if (!o)
		return;
	free(o->refs);
	free(o->enr);
	customs_arena_release(&o->ar);
	free(o);
}

int customs_vulndb_vuln_from(customs_vulndb *db, const char *id, const char *source, customs_vuln_record **out)
{
	struct owned_record *o;
	struct group_build g = {0};
	customs_vuln_record *r;
	sqlite3_stmt *st;
	int err = 0, rc, known = 0;

	if (!db || !id || !out)
		return customs__error(CUSTOMS_EINVAL, "vulndb: NULL argument");
	*out = NULL;
	if (!(o = calloc(1, sizeof(*o))))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	r = &o->r;
	r->cvss3_score = r->cvss4_score = -1;

	st = db->q[Q_VULN];
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	vulndb__bind_text(st, 2, source);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		customs_arena *ar = &o->ar;
		known = 1;
		r->source = customs_arena_strdup(ar, col(st, 1));
		r->summary = customs_arena_strdup(ar, col(st, 2));
		r->details = customs_arena_strdup(ar, col(st, 3));
		r->published = customs_arena_strdup(ar, col(st, 4));
		r->modified = customs_arena_strdup(ar, col(st, 5));
		r->withdrawn = customs_arena_strdup(ar, col(st, 6));
		r->severity = customs_arena_strdup(ar, col(st, 7));
		r->cvss3_score = col_score(st, 8);
		r->cvss3_vector = customs_arena_strdup(ar, col(st, 9));
		r->cvss4_score = col_score(st, 10);
		r->cvss4_vector = customs_arena_strdup(ar, col(st, 11));
		err = split_csv(ar, col(st, 12), &r->cwes, &r->ncwes);
		r->nreferences = sqlite3_column_int(st, 13);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (err < 0)
		goto fail;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		err = vulndb__sqlerr(db->db, "reading a vulnerability");
		goto fail;
	}
	if (!known) {
		st = db->q[Q_KNOWN];
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		known = rc == SQLITE_ROW;
		sqlite3_reset(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
			err = vulndb__sqlerr(db->db, "looking up a vulnerability");
			goto fail;
		}
		if (!known) {
			err = customs__error(CUSTOMS_ENOTFOUND, "%s: not in the vulnerability database %s", id, db->path);
			goto fail;
		}
	}
	if (!(r->id = customs_arena_strdup(&o->ar, id))) {
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
		goto fail;
	}

	g.ar = &o->ar;
	err = group_build(db, &g, id);
	customs_strmap_release(&g.seen);
	o->refs = g.refs;
	r->group = g.refs;
	r->ngroup = g.n;
	if (err < 0)
		goto fail;

	for (size_t i = 0; i < g.n; i++) {
		int found;
		if (g.refs[i].relation > CUSTOMS_VULN_ALIAS || !vulndb__is_cve(g.refs[i].id))
			continue;
		customs_vuln_enrichment *e = realloc(o->enr, (r->nenrichment + 1) * sizeof(*e));
		if (!e) {
			err = customs__error(CUSTOMS_ENOMEM, "out of memory");
			goto fail;
		}
		o->enr = e;
		r->enrichment = e;
		if ((err = enrich(db, &o->ar, g.refs[i].id, &e[r->nenrichment], &found)) < 0)
			goto fail;
		if (found)
			r->nenrichment++;
	}
	*out = r;
	return 0;
fail:
	customs_vuln_record_free(r);
	return err;
}

int customs_vulndb_vuln(customs_vulndb *db, const char *id, customs_vuln_record **out)
{
	return customs_vulndb_vuln_from(db, id, NULL, out);
}

/* ---- status ---- */

struct owned_status {
	customs_vulndb_info s;
	customs_arena ar;
	customs_vulndb_source *src;
	customs_vulndb_namespace *ns;
	customs_vulndb_binary_map *maps;
};

void customs_vulndb_info_free(customs_vulndb_info *s)
{
	struct owned_status *o = (struct owned_status *)s;
	if (!o)
		return;
	free(o->src);
	free(o->ns);
	free(o->maps);
	customs_arena_release(&o->ar);
	free(o);
}

static int64_t count(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int64_t n = -1;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* the binary → source map of each release */
static int binary_maps(customs_vulndb *db, struct owned_status *o)
{
	customs_vulndb_info *s = &o->s;
	sqlite3_stmt *st = NULL;
	int rc, err = 0;

	if (sqlite3_prepare_v2(db->db, "SELECT ns, packages, versions, sources, feeds FROM binary_maps ORDER BY ns", -1,
			       &st, NULL) != SQLITE_OK)
		return vulndb__sqlerr(db->db, "reading binaries");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		customs_vulndb_binary_map *n = realloc(o->maps, (s->nbinary_maps + 1) * sizeof(*n));
		if (!n) {
			err = customs__error(CUSTOMS_ENOMEM, "out of memory");
			break;
		}
		o->maps = n;
		s->binary_maps = n;
		n += s->nbinary_maps++;
		n->ns = customs_arena_strdup(&o->ar, col(st, 0));
		n->packages = sqlite3_column_int64(st, 1);
		n->versions = sqlite3_column_int64(st, 2);
		n->sources = sqlite3_column_int64(st, 3);
		n->feeds = customs_arena_strdup(&o->ar, col(st, 4));
	}
	if (!err && rc != SQLITE_DONE)
		err = vulndb__sqlerr(db->db, "reading binaries");
	sqlite3_finalize(st);
	return err;
}

int customs_vulndb_status(customs_vulndb *db, customs_vulndb_info **out)
{
	struct owned_status *o;
	customs_vulndb_info *s;
	sqlite3_stmt *st = NULL;
	customs_arena *ar;
	int rc, err = 0;

	if (!db || !out)
		return customs__error(CUSTOMS_EINVAL, "vulndb: NULL argument");
	*out = NULL;
	if (!(o = calloc(1, sizeof(*o))))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	s = &o->s;
	ar = &o->ar;
	s->path = customs_arena_strdup(ar, db->path);
	s->schema_version = db->schema;
	if (sqlite3_prepare_v2(db->db, "SELECT value FROM meta WHERE key = 'built_at'", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		s->built_at = customs_arena_strdup(ar, col(st, 0));
	sqlite3_finalize(st);
	st = NULL;
	s->vulns = count(db->db, "SELECT count(*) FROM vulns");
	s->affected = count(db->db, "SELECT count(*) FROM affected");
	s->aliases = count(db->db, "SELECT count(*) FROM links");
	s->nvd = count(db->db, "SELECT count(*) FROM nvd");
	s->epss = count(db->db, "SELECT count(*) FROM epss");
	s->kev = count(db->db, "SELECT count(*) FROM kev");

	if (sqlite3_prepare_v2(db->db,
			       "SELECT name, kind, url, etag, last_modified, imported_at, records, affected, newest"
			       " FROM sources ORDER BY name",
			       -1, &st, NULL) != SQLITE_OK) {
		err = vulndb__sqlerr(db->db, "reading sources");
		goto done;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		customs_vulndb_source *n = realloc(o->src, (s->nsources + 1) * sizeof(*n));
		if (!n) {
			err = customs__error(CUSTOMS_ENOMEM, "out of memory");
			goto done;
		}
		o->src = n;
		s->sources = n;
		customs_vulndb_source *x = &n[s->nsources++];
		x->name = customs_arena_strdup(ar, col(st, 0));
		x->kind = customs_arena_strdup(ar, col(st, 1));
		x->url = customs_arena_strdup(ar, col(st, 2));
		x->etag = customs_arena_strdup(ar, col(st, 3));
		x->last_modified = customs_arena_strdup(ar, col(st, 4));
		x->imported_at = customs_arena_strdup(ar, col(st, 5));
		x->records = sqlite3_column_int64(st, 6);
		x->affected = sqlite3_column_int64(st, 7);
		x->newest = customs_arena_strdup(ar, col(st, 8));
	}
	if (rc != SQLITE_DONE) {
		err = vulndb__sqlerr(db->db, "reading sources");
		goto done;
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db->db, "SELECT ns, affected, packages, vulns FROM namespaces ORDER BY ns", -1, &st, NULL) !=
	    SQLITE_OK) {
		err = vulndb__sqlerr(db->db, "reading namespaces");
		st = NULL;
		goto done;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		customs_vulndb_namespace *n = realloc(o->ns, (s->nnamespaces + 1) * sizeof(*n));
		if (!n) {
			err = customs__error(CUSTOMS_ENOMEM, "out of memory");
			goto done;
		}
		o->ns = n;
		s->namespaces = n;
		n[s->nnamespaces].ns = customs_arena_strdup(ar, col(st, 0));
		n[s->nnamespaces].affected = sqlite3_column_int64(st, 1);
		n[s->nnamespaces].packages = sqlite3_column_int64(st, 2);
		n[s->nnamespaces].vulns = sqlite3_column_int64(st, 3);
		s->nnamespaces++;
	}
	if (rc != SQLITE_DONE) {
		err = vulndb__sqlerr(db->db, "reading namespaces");
		goto done;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (db->schema >= 2)
		err = binary_maps(db, o);
done:
	sqlite3_finalize(st);
	if (err < 0) {
		customs_vulndb_info_free(s);
		return err;
	}
	*out = s;
	return 0;
}
