/* matches.c - matches kept per package set and vulnerability database
 * build: images with the same packages share them, so a rematch matches
 * each package set once.  The facts a query asks (id, package, severity,
 * fix state, whether it counts) are columns, every id of a match a row of
 * match_ids; the rest of the explanation (records, comparisons, scores,
 * coverage) is one packed blob per match, enough to give back the
 * customs_match_result the matcher made.  When an image's current matches
 * change, what is new and what is resolved is recorded with the time. */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "store/matches.h"
#include "store/pack.h"

/* ---- the build of a database ---- */

int store__build_id(char out[72], const customs_vulndb_info *info)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned char md[32];
	char num[64];
	if (!c)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	/* the matcher that matched (another customs may match otherwise), when
	 * the database was built and what each feed held: another import, even
	 * within the same second, changes the counts or the times */
	const char *b = info->built_at ? info->built_at : "";
	EVP_DigestUpdate(c, "customs " CUSTOMS_VERSION, sizeof("customs " CUSTOMS_VERSION));
	EVP_DigestUpdate(c, b, strlen(b) + 1);
	for (size_t i = 0; i < info->nsources; i++) {
		const customs_vulndb_source *x = &info->sources[i];
		const char *v[] = {x->name, x->imported_at, x->newest};
		for (size_t k = 0; k < NV(v); k++)
			EVP_DigestUpdate(c, v[k] ? v[k] : "", (v[k] ? strlen(v[k]) : 0) + 1);
		snprintf(num, sizeof(num), "%lld/%lld", (long long)x->records, (long long)x->affected);
		EVP_DigestUpdate(c, num, strlen(num) + 1);
	}
	EVP_DigestFinal_ex(c, md, NULL);
	EVP_MD_CTX_free(c);
	memcpy(out, "sha256:", 7);
	customs_hex(out + 7, md, 32);
	return 0;
}

/* ---- a match packed ---- */

static void pack_strs(pack_w *w, const char *const *v, size_t n)
{
	pack__u64(w, n);
	for (size_t i = 0; i < n; i++)
		pack__str(w, v[i]);
}

static void pack_match(pack_w *w, const customs_match *m)
{
	pack__str(w, m->id);
	pack_strs(w, m->ids, m->nids);
	pack__u64(w, m->nrecords);
	for (size_t i = 0; i < m->nrecords; i++) {
		const customs_match_record *r = &m->records[i];
		const char *s[] = {r->id,    r->source,     r->ns,     r->ecosystem, r->package,
				   r->range, r->comparison, r->status, r->urgency};
		for (size_t k = 0; k < NV(s); k++)
			pack__str(w, s[k]);
		pack__u64(w, (uint64_t)r->fix_state);
		pack_strs(w, r->fixed, r->nfixed);
	}
	pack__u64(w, m->package_index);
	const char *s[] = {m->name,
			   m->version,
			   m->type,
			   m->purl,
			   m->location,
			   m->installed,
			   m->lookup_name,
			   m->ns,
			   m->source,
			   m->ecosystem,
			   m->range,
			   m->comparison,
			   m->status,
			   m->urgency,
			   m->severity_source,
			   m->severity_label,
			   m->cvss_vector,
			   m->cvss_from,
			   m->epss_date,
			   m->kev_date_added,
			   m->summary,
			   m->suppressed_reason,
			   m->vex_status,
			   m->vex_justification,
			   m->distro_severity};
	for (size_t k = 0; k < NV(s); k++)
		pack__str(w, s[k]);
	pack__i64(w, m->layer);
	pack__u64(w, (uint64_t)m->fix_state);
	pack_strs(w, m->fixed, m->nfixed);
	pack__u64(w, (uint64_t)m->kind);
	pack__u64(w, (uint64_t)m->severity);
	pack__f64(w, m->cvss_score);
	pack__f64(w, m->epss);
	pack__f64(w, m->epss_percentile);
	pack__i64(w, m->kev);
	pack__u64(w, (uint64_t)m->suppressed);
	pack__u64(w, m->covered_by != NULL);
	if (m->covered_by) {
		const customs_match_cover *c = m->covered_by;
		const char *cs[] = {c->package, c->version, c->source,  c->ns,         c->state,          c->vuln_id,
				    c->fixed,   c->status,  c->urgency, c->comparison, c->source_version, c->via};
		for (size_t k = 0; k < NV(cs); k++)
			pack__str(w, cs[k]);
		pack__u64(w, (uint64_t)c->fix_state);
	}
}

static const char *const *unpack_strs(pack_r *r, customs_arena *ar, size_t *n)
{
	size_t k = pack__get_count(r, 1);
	const char **v = k ? customs_arena_alloc(ar, k * sizeof(*v)) : NULL;
	*n = 0;
	if (k && !v) {
		r->bad = 1;
		return NULL;
	}
	for (size_t i = 0; i < k && !r->bad; i++)
		v[i] = pack__get_str(r, ar);
	*n = r->bad ? 0 : k;
	return v;
}

static int unpack_match(pack_r *r, customs_arena *ar, customs_match *m, const customs_analysis *a)
{
	memset(m, 0, sizeof(*m));
	m->id = pack__get_str(r, ar);
	m->ids = unpack_strs(r, ar, &m->nids);
	size_t nr = pack__get_count(r, 10);
	customs_match_record *recs = nr ? customs_arena_alloc(ar, nr * sizeof(*recs)) : NULL;
	if (nr && !recs)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	for (size_t i = 0; i < nr && !r->bad; i++) {
		customs_match_record *x = &recs[i];
		memset(x, 0, sizeof(*x));
		const char **s[] = {&x->id,    &x->source,     &x->ns,     &x->ecosystem, &x->package,
				    &x->range, &x->comparison, &x->status, &x->urgency};
		for (size_t k = 0; k < NV(s); k++)
			*s[k] = pack__get_str(r, ar);
		x->fix_state = (customs_fix_state)pack__get_u64(r);
		x->fixed = unpack_strs(r, ar, &x->nfixed);
	}
	m->records = recs;
	m->nrecords = nr;
	m->package_index = (size_t)pack__get_u64(r);
	const char **s[] = {&m->name,
			    &m->version,
			    &m->type,
			    &m->purl,
			    &m->location,
			    &m->installed,
			    &m->lookup_name,
			    &m->ns,
			    &m->source,
			    &m->ecosystem,
			    &m->range,
			    &m->comparison,
			    &m->status,
			    &m->urgency,
			    &m->severity_source,
			    &m->severity_label,
			    &m->cvss_vector,
			    &m->cvss_from,
			    &m->epss_date,
			    &m->kev_date_added,
			    &m->summary,
			    &m->suppressed_reason,
			    &m->vex_status,
			    &m->vex_justification,
			    &m->distro_severity};
	for (size_t k = 0; k < NV(s); k++)
		*s[k] = pack__get_str(r, ar);
	m->layer = (int)pack__get_i64(r);
	m->fix_state = (customs_fix_state)pack__get_u64(r);
	m->fixed = unpack_strs(r, ar, &m->nfixed);
	m->kind = (customs_match_kind)pack__get_u64(r);
	m->severity = (customs_severity)pack__get_u64(r);
	m->cvss_score = pack__get_f64(r);
	m->epss = pack__get_f64(r);
	m->epss_percentile = pack__get_f64(r);
	m->kev = (int)pack__get_i64(r);
	m->suppressed = (customs_suppress_kind)pack__get_u64(r);
	if (pack__get_u64(r)) {
		customs_match_cover *c = customs_arena_alloc(ar, sizeof(*c));
		if (!c)
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		memset(c, 0, sizeof(*c));
		const char **cs[] = {&c->package, &c->version,    &c->source,         &c->ns,
				     &c->state,   &c->vuln_id,    &c->fixed,          &c->status,
				     &c->urgency, &c->comparison, &c->source_version, &c->via};
		for (size_t k = 0; k < NV(cs); k++)
			*cs[k] = pack__get_str(r, ar);
		c->fix_state = (customs_fix_state)pack__get_u64(r);
		m->covered_by = c;
	}
	if (r->bad || !m->id || m->package_index >= a->npackages)
		return customs__error(CUSTOMS_EFORMAT, "the store holds a damaged match");
	m->package = a->packages[m->package_index];
	return 0;
}

int store__match_decode(customs_match *m, customs_arena *ar, const void *p, size_t n, const customs_analysis *a)
{
	pack_r r = {(const unsigned char *)p, (const unsigned char *)p + n, 0};
	return unpack_match(&r, ar, m, a);
}

/* ---- the result: stored, or the matcher's ---- */

typedef struct stored_result {
	customs_match_result r;
	customs_match_result *inner; /* the matcher's, when it made it */
	customs_arena ar;
	customs_match *m;
	size_t n, cap;
	const char **warn;
} stored_result;

void customs_store_matches_free(customs_match_result *r)
{
	stored_result *o = (stored_result *)r;
	if (!o)
		return;
	customs_match_result_free(o->inner);
	free(o->m);
	free(o->warn);
	customs_arena_release(&o->ar);
	free(o);
}

int store__result_wrap(customs_match_result **out, customs_match_result *inner)
{
	stored_result *o = calloc(1, sizeof(*o));
	if (!o) {
		customs_match_result_free(inner);
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	o->inner = inner;
	o->r = *inner;
	*out = &o->r;
	return 0;
}

/* ---- reading a match set ---- */

typedef struct read_ctx {
	stored_result *o;
	const customs_analysis *a;
} read_ctx;

static int match_row(void *ud, const customs_store_value *c, size_t n)
{
	read_ctx *x = ud;
	stored_result *o = x->o;
	if (c[0].type != CUSTOMS_SV_BLOB)
		return customs__error(CUSTOMS_EFORMAT, "the store holds a match without its detail");
	if (o->n == o->cap && CUSTOMS_ARRAY_GROW(o->m, o->n, o->cap) < 0)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	int err = store__match_decode(&o->m[o->n], &o->ar, c[0].s, c[0].len, x->a);
	if (err < 0)
		return err;
	o->n++;
	return 0;
}

static int set_detail_row(void *ud, const customs_store_value *c, size_t n)
{
	read_ctx *x = ud;
	stored_result *o = x->o;
	if (c[0].type != CUSTOMS_SV_BLOB)
		return customs__error(CUSTOMS_EFORMAT, "the store holds a match set without its detail");
	pack_r r = {(const unsigned char *)c[0].s, (const unsigned char *)c[0].s + c[0].len, 0};
	size_t nw = pack__get_count(&r, 1);
	if (nw && !(o->warn = calloc(nw, sizeof(*o->warn))))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	for (size_t i = 0; i < nw && !r.bad; i++)
		o->warn[i] = pack__get_str(&r, &o->ar);
	o->r.nwarnings = r.bad ? 0 : nw;
	o->r.distro_ns = pack__get_str(&r, &o->ar);
	o->r.packages = (size_t)pack__get_u64(&r);
	o->r.packages_matched = (size_t)pack__get_u64(&r);
	o->r.seconds = pack__get_f64(&r);
	return r.bad ? customs__error(CUSTOMS_EFORMAT, "the store holds a damaged match set") : 0;
}

int store__matchset_read(customs_store *s, customs_match_result **out, int64_t set, const customs_analysis *a)
{
	stored_result *o = calloc(1, sizeof(*o));
	read_ctx x = {o, a};
	customs_store_value v = sv_int(set);
	int err;
	*out = NULL;
	if (!o)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	if ((err = store__query(s, "SELECT detail FROM matchsets WHERE id = ?", &v, 1, set_detail_row, &x)) < 0 ||
	    (err = store__query(s, "SELECT detail FROM matches WHERE matchset = ? ORDER BY seq", &v, 1, match_row,
				&x)) < 0) {
		customs_store_matches_free(&o->r);
		return err;
	}
	o->r.matches = o->m;
	o->r.n = o->n;
	o->r.warnings = o->warn;
	*out = &o->r;
	return 0;
}

/* ---- writing a match set ---- */

static int count_severity(const customs_match_result *r, int64_t counts[6], int64_t *suppressed)
{
	memset(counts, 0, 6 * sizeof(counts[0]));
	*suppressed = 0;
	/* per finding, as scan's summary counts them */
	for (size_t i = 0; i < r->n; i++) {
		if (customs_match_repeated(r, i))
			continue;
		if (!customs_match_active(&r->matches[i]))
			(*suppressed)++;
		else if ((unsigned)r->matches[i].severity < 6)
			counts[r->matches[i].severity]++;
	}
	return 0;
}

/* A new match set for (pkgset, build), or the one another process made
 * meanwhile: its id. */
int store__matchset_write(customs_store *s, int64_t *id, const char *pkgset, const char *build, const char *built_at,
			  const customs_match_result *r)
{
	int64_t counts[6], suppressed;
	char now[40];
	pack_w w = PACK_W_INIT;
	store_bulk mb, ib;
	int err, mb_ok = 0, ib_ok = 0;

	count_severity(r, counts, &suppressed);
	store__now(now);
	pack_strs(&w, r->warnings, r->nwarnings);
	pack__str(&w, r->distro_ns);
	pack__u64(&w, r->packages);
	pack__u64(&w, r->packages_matched);
	pack__f64(&w, r->seconds);
	if (w.err) {
		customs_buf_release(&w.b);
		return w.err;
	}
	customs_store_value v[] = {sv_text(pkgset),   sv_text(build),    sv_text(built_at),  sv_text(now),
				   sv_int(counts[0]), sv_int(counts[1]), sv_int(counts[2]),  sv_int(counts[3]),
				   sv_int(counts[4]), sv_int(counts[5]), sv_int(suppressed), sv_blob(w.b.ptr, w.b.len)};
	err = store__query_int(
		s,
		"INSERT INTO matchsets(pkgset, build, built_at, matched_at, unknown, negligible, low, medium,"
		" high, critical, suppressed, detail) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
		" ON CONFLICT (pkgset, build) DO NOTHING RETURNING id",
		v, NV(v), id);
	customs_buf_release(&w.b);
	if (err <= 0) {
		/* another process kept the same set first: use its */
		customs_store_value k[] = {sv_text(pkgset), sv_text(build)};
		if (err == 0 && (err = store__query_int(s, "SELECT id FROM matchsets WHERE pkgset = ? AND build = ?", k,
							2, id)) == 0)
			err = customs__error(CUSTOMS_EINTERNAL, "a match set vanished while it was written");
		return err < 0 ? err : 0;
	}
	if ((err = store__bulk_init(
		     &mb, s,
		     "INSERT INTO matches(matchset, seq, vuln_id, package_index, name, version, type, purl,"
		     " layer, severity, fix_state, kind, suppressed, active, detail)",
		     15, NULL)) < 0)
		return err;
	mb_ok = 1;
	if ((err = store__bulk_init(&ib, s, "INSERT INTO match_ids(matchset, seq, id)", 3, " ON CONFLICT DO NOTHING")) <
	    0)
		goto done;
	ib_ok = 1;
	for (size_t i = 0; i < r->n && !err; i++) {
		const customs_match *m = &r->matches[i];
		pack_w d = PACK_W_INIT;
		pack_match(&d, m);
		if ((err = d.err) == 0) {
			customs_store_value row[] = {sv_int(*id),
						     sv_int((int64_t)i),
						     sv_text(m->id),
						     sv_int((int64_t)m->package_index),
						     sv_text(m->name),
						     sv_text(m->version),
						     sv_text(m->type),
						     sv_text(m->purl),
						     sv_int(m->layer),
						     sv_int(m->severity),
						     sv_int(m->fix_state),
						     sv_int(m->kind),
						     sv_int(m->suppressed),
						     sv_int(customs_match_active(m)),
						     sv_blob(d.b.ptr, d.b.len)};
			err = store__bulk_row(&mb, row);
		}
		customs_buf_release(&d.b);
		for (size_t k = 0; k < m->nids && !err; k++) {
			char up[256];
			size_t j = 0;
			for (; m->ids[k][j] && j + 1 < sizeof(up); j++)
				up[j] = (char)(m->ids[k][j] >= 'a' && m->ids[k][j] <= 'z' ? m->ids[k][j] - 32
											  : m->ids[k][j]);
			up[j] = '\0';
			customs_store_value row[] = {sv_int(*id), sv_int((int64_t)i), sv_text(up)};
			err = store__bulk_row(&ib, row);
		}
	}
	if (!err) {
		mb_ok = 0;
		err = store__bulk_finish(&mb);
	}
	if (!err) {
		ib_ok = 0;
		err = store__bulk_finish(&ib);
	}
done:
	if (mb_ok)
		store__bulk_release(&mb);
	if (ib_ok)
		store__bulk_release(&ib);
	return err;
}

/* ---- what changed ---- */

typedef struct key_set {
	customs_strmap m;
	customs_arena ar;
	struct keyed {
		const char *key;
		const char *vuln_id, *name, *version, *type;
		int64_t severity;
	} * v;
	size_t n, cap;
} key_set;

static int key_row(void *ud, const customs_store_value *c, size_t n)
{
	key_set *k = ud;
	const char *id = sv_str(&c[0]);
	char *key =
		customs_arena_printf(&k->ar, "%s\x1f%s\x1f%s\x1f%s", id ? id : "", sv_str(&c[1]) ? sv_str(&c[1]) : "",
				     sv_str(&c[2]) ? sv_str(&c[2]) : "", sv_str(&c[3]) ? sv_str(&c[3]) : "");
	if (!key)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	if (customs_strmap_get(&k->m, key, NULL))
		return 0;
	if (k->n == k->cap && CUSTOMS_ARRAY_GROW(k->v, k->n, k->cap) < 0)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	struct keyed *e = &k->v[k->n++];
	e->key = key;
	e->vuln_id = id ? customs_arena_strdup(&k->ar, id) : "";
	e->name = sv_str(&c[1]) ? customs_arena_strdup(&k->ar, sv_str(&c[1])) : NULL;
	e->version = sv_str(&c[2]) ? customs_arena_strdup(&k->ar, sv_str(&c[2])) : NULL;
	e->type = sv_str(&c[3]) ? customs_arena_strdup(&k->ar, sv_str(&c[3])) : NULL;
	e->severity = sv_i64(&c[4]);
	return customs_strmap_put(&k->m, key, (void *)1);
}

static void key_set_release(key_set *k)
{
	customs_strmap_release(&k->m);
	customs_arena_release(&k->ar);
	free(k->v);
	memset(k, 0, sizeof(*k));
}

static int load_keys(customs_store *s, key_set *k, int64_t set)
{
	customs_store_value v = sv_int(set);
	return store__query(
		s,
		"SELECT vuln_id, name, version, type, severity FROM matches WHERE matchset = ? AND active = 1"
		" ORDER BY seq",
		&v, 1, key_row, k);
}

int store__matchset_change(customs_store *s, int64_t image_id, int64_t old_set, int64_t new_set, const char *built_at,
			   store_change *out)
{
	key_set a = {0}, b = {0};
	store_bulk eb;
	char now[40];
	int err;

	memset(out, 0, sizeof(*out));
	store__now(now);
	if ((err = load_keys(s, &b, new_set)) < 0)
		goto done;
	out->active = (int64_t)b.n;
	if (old_set > 0 && (err = load_keys(s, &a, old_set)) < 0)
		goto done;
	if ((err = store__bulk_init(
		     &eb, s,
		     "INSERT INTO match_events(image_id, at, built_at, event, vuln_id, name, version, type,"
		     " severity)",
		     9, NULL)) < 0)
		goto done;
	for (int pass = 0; pass < 2 && !err && old_set > 0; pass++) {
		key_set *from = pass ? &a : &b, *other = pass ? &b : &a;
		for (size_t i = 0; i < from->n && !err; i++) {
			const struct keyed *e = &from->v[i];
			if (customs_strmap_get(&other->m, e->key, NULL))
				continue;
			pass ? out->resolved++ : out->added++;
			customs_store_value row[] = {sv_int(image_id),    sv_text(now),
						     sv_text(built_at),   sv_text(pass ? "resolved" : "new"),
						     sv_text(e->vuln_id), sv_text(e->name),
						     sv_text(e->version), sv_text(e->type),
						     sv_int(e->severity)};
			err = store__bulk_row(&eb, row);
		}
	}
	if (err)
		store__bulk_release(&eb);
	else
		err = store__bulk_finish(&eb);
	if (!err) {
		customs_store_value u[] = {sv_int(new_set), sv_text(now), sv_int(image_id)};
		err = store__exec(s, "UPDATE images SET matchset = ?, matched_at = ? WHERE id = ?", u, NV(u), NULL);
	}
	out->first = old_set <= 0;
done:
	key_set_release(&a);
	key_set_release(&b);
	return err;
}
