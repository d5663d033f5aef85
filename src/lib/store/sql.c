/* sql.c - the machinery every store operation runs on: statements with
 * their placeholders numbered for the backend, transactions retried when
 * the database asks, multi-row inserts, and the small conversions of
 * values the store's files share. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/store_int.h"

/* ---- statements ---- */

/* sql with each `?` outside quotes as $1, $2, ... when the backend wants
 * them numbered; else sql itself. */
static const char *number_params(customs_store *s, const char *sql)
{
	int quoted = 0, k = 0;
	if (!s->t->numbered_params || !strchr(sql, '?'))
		return sql;
	s->sql.len = 0;
	for (const char *p = sql; *p; p++) {
		if (*p == '\'')
			quoted = !quoted;
		if (*p == '?' && !quoted && p[1] >= '1' && p[1] <= '9') {
			/* ?N: the N-th parameter, again */
			if (customs_buf_put(&s->sql, "$", 1) < 0)
				return NULL;
		} else if (*p == '?' && !quoted) {
			if (customs_buf_printf(&s->sql, "$%d", ++k) < 0)
				return NULL;
		} else if (customs_buf_put(&s->sql, p, 1) < 0) {
			return NULL;
		}
	}
	return s->sql.ptr;
}

int store__exec(customs_store *s, const char *sql, const customs_store_value *p, size_t n, int64_t *changes)
{
	const char *q = number_params(s, sql);
	if (!q)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	return s->t->exec(s->b, q, p, n, changes);
}

int store__query(customs_store *s, const char *sql, const customs_store_value *p, size_t n, customs_store_row_fn fn,
		 void *ud)
{
	const char *q = number_params(s, sql);
	if (!q)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	return s->t->query(s->b, q, p, n, fn, ud);
}

struct first {
	int found;
	int64_t i;
	char *text;
	int want_text;
};

static int first_row(void *ud, const customs_store_value *c, size_t n)
{
	struct first *f = ud;
	f->found = 1;
	if (n && f->want_text) {
		const char *t = sv_str(&c[0]);
		if (c[0].type == CUSTOMS_SV_INT && !(f->text = customs_asprintf("%lld", (long long)c[0].i)))
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		if (t && !(f->text = customs_strndup(t, c[0].len)))
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
	} else if (n) {
		f->i = sv_i64(&c[0]);
	}
	return 1; /* the first row is enough */
}

int store__query_int(customs_store *s, const char *sql, const customs_store_value *p, size_t n, int64_t *out)
{
	struct first f = {0};
	int err = store__query(s, sql, p, n, first_row, &f);
	if (err < 0)
		return err;
	if (f.found)
		*out = f.i;
	return f.found;
}

int store__query_text(customs_store *s, const char *sql, const customs_store_value *p, size_t n, char **out)
{
	struct first f = {.want_text = 1};
	int err = store__query(s, sql, p, n, first_row, &f);
	*out = NULL;
	if (err < 0) {
		free(f.text);
		return err;
	}
	*out = f.text;
	return f.found;
}

/* ---- transactions ---- */

int store__tx(customs_store *s, int write, int (*fn)(customs_store *s, void *ud), void *ud)
{
	int err = 0;
	if (s->in_tx)
		return fn(s, ud); /* already inside one: it decides */
	for (int attempt = 0; attempt < 8; attempt++) {
		if (attempt) {
			/* a deadlock or a busy database: let the other one finish */
			struct timespec ts = {0, (long)(20 + (rand() % 80)) * 1000000L * attempt};
			nanosleep(&ts, NULL);
		}
		if ((err = s->t->begin(s->b, write)) < 0) {
			if (err == CUSTOMS_STORE_RETRY)
				continue;
			return err;
		}
		s->in_tx = 1;
		err = fn(s, ud);
		s->in_tx = 0;
		if (err >= 0) {
			int cerr = s->t->commit(s->b);
			if (cerr == 0)
				return err;
			err = cerr;
		}
		s->t->rollback(s->b);
		if (err != CUSTOMS_STORE_RETRY)
			return err;
	}
	return err;
}

/* ---- multi-row inserts ---- */

int store__bulk_init(store_bulk *b, customs_store *s, const char *head, size_t ncols, const char *tail)
{
	memset(b, 0, sizeof(*b));
	b->s = s;
	b->head = head;
	b->tail = tail ? tail : "";
	b->ncols = ncols;
	/* a few hundred rows a statement: past that the round trips no
	 * longer dominate, and the statement text stays small */
	b->per_stmt = s->t->max_params / ncols;
	if (b->per_stmt > 500)
		b->per_stmt = 500;
	if (!b->per_stmt)
		b->per_stmt = 1;
	if (!(b->v = calloc(b->per_stmt * ncols, sizeof(*b->v))))
		return b->err = customs__error(CUSTOMS_ENOMEM, "out of memory");
	return 0;
}

static int bulk_send(store_bulk *b)
{
	customs_buf sql = CUSTOMS_BUF_INIT(0);
	int err = 0;
	if (!b->nrows)
		return 0;
	customs_buf_puts(&sql, b->head);
	customs_buf_puts(&sql, " VALUES ");
	for (size_t r = 0; r < b->nrows; r++) {
		customs_buf_puts(&sql, r ? ",(" : "(");
		for (size_t c = 0; c < b->ncols; c++)
			customs_buf_puts(&sql, c ? ",?" : "?");
		customs_buf_puts(&sql, ")");
	}
	if (customs_buf_puts(&sql, b->tail) < 0)
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
	else
		err = store__exec(b->s, sql.ptr, b->v, b->nrows * b->ncols, NULL);
	customs_buf_release(&sql);
	b->nrows = 0;
	customs_arena_release(&b->ar);
	return err;
}

int store__bulk_row(store_bulk *b, const customs_store_value *row)
{
	if (b->err)
		return b->err;
	for (size_t c = 0; c < b->ncols; c++) {
		customs_store_value v = row[c];
		if ((v.type == CUSTOMS_SV_TEXT || v.type == CUSTOMS_SV_BLOB) && v.len) {
			char *copy = customs_arena_alloc(&b->ar, v.len + 1);
			if (!copy)
				return b->err = customs__error(CUSTOMS_ENOMEM, "out of memory");
			memcpy(copy, v.s, v.len);
			copy[v.len] = '\0';
			v.s = copy;
		} else if (v.type == CUSTOMS_SV_TEXT) {
			v.s = "";
		}
		b->v[b->nrows * b->ncols + c] = v;
	}
	if (++b->nrows == b->per_stmt)
		b->err = bulk_send(b);
	return b->err;
}

int store__bulk_finish(store_bulk *b)
{
	int err = b->err ? b->err : bulk_send(b);
	store__bulk_release(b);
	return err;
}

void store__bulk_release(store_bulk *b)
{
	free(b->v);
	customs_arena_release(&b->ar);
	memset(b, 0, sizeof(*b));
}

/* ---- small things ---- */

const char *customs_store_describe(const customs_store *s)
{
	return s && s->b ? s->t->describe(s->b) : "(no store)";
}


void store__now(char out[40])
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(out, 40, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100,
		 tm.tm_mday % 100, tm.tm_hour % 100, tm.tm_min % 100, tm.tm_sec % 100, (int)(ts.tv_nsec / 1000) % 1000000);
}

char *store__json_text(const json_t *j)
{
	return j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY) : NULL;
}

int store__strlist_pack(customs_buf *out, const customs_strlist *l)
{
	out->len = 0;
	for (size_t i = 0; i < l->n; i++)
		if (customs_buf_put(out, l->v[i], strlen(l->v[i]) + 1) < 0)
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
	return 0;
}

int store__strlist_unpack(customs_strlist *out, const customs_store_value *v)
{
	const char *p = v->s, *end = v->s ? v->s + v->len : NULL;
	if (v->type != CUSTOMS_SV_BLOB && v->type != CUSTOMS_SV_TEXT)
		return 0;
	while (p && p < end) {
		const char *z = memchr(p, '\0', (size_t)(end - p));
		size_t n = z ? (size_t)(z - p) : (size_t)(end - p);
		if (customs_strlist_addn(out, p, n) < 0)
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		p += n + 1;
	}
	return 0;
}

const char *store__analysis_digest(const customs_analysis *a)
{
	if (a->image.manifest_digest && *a->image.manifest_digest)
		return a->image.manifest_digest;
	if (a->image.config_digest && *a->image.config_digest)
		return a->image.config_digest;
	return NULL;
}
