/* pack.c - the store's binary encoding (pack.h): LEB128 varints, strings
 * with their length + 1 (0 is NULL), doubles as their IEEE bits, packages
 * field by field, and zstd around the whole. */
#include <stdlib.h>
#include <string.h>

#include <zstd.h>

#include "store/pack.h"

static void put(pack_w *w, const void *p, size_t n)
{
	if (!w->err && customs_buf_put(&w->b, p, n) < 0)
		w->err = customs__error(CUSTOMS_ENOMEM, "out of memory");
}

void pack__u64(pack_w *w, uint64_t v)
{
	unsigned char b[10];
	size_t n = 0;
	do {
		b[n] = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v)
			b[n] |= 0x80;
		n++;
	} while (v);
	put(w, b, n);
}

void pack__i64(pack_w *w, int64_t v)
{
	pack__u64(w, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

void pack__f64(pack_w *w, double d)
{
	uint64_t u;
	memcpy(&u, &d, sizeof(u));
	pack__u64(w, u);
}

void pack__str(pack_w *w, const char *s)
{
	if (!s) {
		pack__u64(w, 0);
		return;
	}
	size_t n = strlen(s);
	pack__u64(w, (uint64_t)n + 1);
	put(w, s, n);
}

void pack__bytes(pack_w *w, const void *p, size_t n)
{
	pack__u64(w, n);
	put(w, p, n);
}

enum { J_NULL = 0, J_TRUE, J_FALSE, J_INT, J_REAL, J_STRING, J_ARRAY, J_OBJECT };

void pack__json(pack_w *w, const json_t *j)
{
	const char *k;
	json_t *v;
	size_t i;
	switch (json_typeof(j)) {
	case JSON_TRUE: pack__u64(w, J_TRUE); break;
	case JSON_FALSE: pack__u64(w, J_FALSE); break;
	case JSON_INTEGER:
		pack__u64(w, J_INT);
		pack__i64(w, json_integer_value(j));
		break;
	case JSON_REAL:
		pack__u64(w, J_REAL);
		pack__f64(w, json_real_value(j));
		break;
	case JSON_STRING:
		pack__u64(w, J_STRING);
		pack__bytes(w, json_string_value(j), json_string_length(j));
		break;
	case JSON_ARRAY:
		pack__u64(w, J_ARRAY);
		pack__u64(w, json_array_size(j));
		json_array_foreach(j, i, v)
			pack__json(w, v);
		break;
	case JSON_OBJECT:
		pack__u64(w, J_OBJECT);
		pack__u64(w, json_object_size(j));
		json_object_foreach((json_t *)j, k, v) {
			pack__bytes(w, k, strlen(k));
			pack__json(w, v);
		}
		break;
	default: pack__u64(w, J_NULL); break;
	}
}

static void pack_strlist(pack_w *w, const customs_strlist *l)
{
	pack__u64(w, l->n);
	for (size_t i = 0; i < l->n; i++)
		pack__str(w, l->v[i]);
}

void pack__package(pack_w *w, const customs_package *p)
{
	const char *const s[] = {p->name, p->version, p->type, p->arch, p->purl, p->source_name, p->source_version,
				 p->found_by, p->db_path};
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		pack__str(w, s[i]);
	pack__i64(w, p->layer);
	pack__i64(w, p->visible);
	pack__i64(w, p->removed_in_layer);
	pack_strlist(w, &p->licenses);
	pack_strlist(w, &p->cpes);
	pack_strlist(w, &p->files);
	pack__u64(w, p->metadata != NULL);
	if (p->metadata)
		pack__json(w, p->metadata);
}

/* ---- reading ---- */

uint64_t pack__get_u64(pack_r *r)
{
	uint64_t v = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		if (r->bad || r->p >= r->end) {
			r->bad = 1;
			return 0;
		}
		unsigned char c = *r->p++;
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return v;
	}
	r->bad = 1;
	return 0;
}

int64_t pack__get_i64(pack_r *r)
{
	uint64_t u = pack__get_u64(r);
	return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

double pack__get_f64(pack_r *r)
{
	uint64_t u = pack__get_u64(r);
	double d;
	memcpy(&d, &u, sizeof(d));
	return d;
}

size_t pack__get_count(pack_r *r, size_t min_bytes)
{
	uint64_t n = pack__get_u64(r);
	if (r->bad || (min_bytes && n > (uint64_t)(r->end - r->p) / min_bytes)) {
		r->bad = 1;
		return 0;
	}
	return (size_t)n;
}

char *pack__get_str(pack_r *r, customs_arena *ar)
{
	uint64_t n = pack__get_u64(r);
	char *s;
	if (r->bad || !n)
		return NULL;
	if (n - 1 > (uint64_t)(r->end - r->p)) {
		r->bad = 1;
		return NULL;
	}
	s = ar ? customs_arena_strndup(ar, (const char *)r->p, (size_t)(n - 1))
	       : customs_strndup((const char *)r->p, (size_t)(n - 1));
	if (!s)
		r->bad = 1;
	r->p += n - 1;
	return s;
}

const void *pack__get_bytes(pack_r *r, size_t *n)
{
	uint64_t len = pack__get_u64(r);
	const void *p = r->p;
	*n = 0;
	if (r->bad || len > (uint64_t)(r->end - r->p)) {
		r->bad = 1;
		return NULL;
	}
	r->p += len;
	*n = (size_t)len;
	return p;
}

static json_t *unpack_json_depth(pack_r *r, int depth)
{
	json_t *j = NULL;
	size_t n;
	const char *s;
	if (depth > 64) {
		r->bad = 1;
		return NULL;
	}
	switch (pack__get_u64(r)) {
	case J_NULL: j = json_null(); break;
	case J_TRUE: j = json_true(); break;
	case J_FALSE: j = json_false(); break;
	case J_INT: j = json_integer(pack__get_i64(r)); break;
	case J_REAL: j = json_real(pack__get_f64(r)); break;
	case J_STRING:
		s = pack__get_bytes(r, &n);
		j = r->bad ? NULL : json_stringn(s, n);
		break;
	case J_ARRAY:
		n = pack__get_count(r, 1);
		j = json_array();
		for (size_t i = 0; j && i < n && !r->bad; i++)
			if (json_array_append_new(j, unpack_json_depth(r, depth + 1)) < 0)
				r->bad = 1;
		break;
	case J_OBJECT:
		n = pack__get_count(r, 2);
		j = json_object();
		for (size_t i = 0; j && i < n && !r->bad; i++) {
			size_t kl;
			const char *k = pack__get_bytes(r, &kl);
			json_t *v = r->bad ? NULL : unpack_json_depth(r, depth + 1);
			if (!v || json_object_setn_new(j, k, kl, v) < 0)
				r->bad = 1;
		}
		break;
	default:
		r->bad = 1;
	}
	if (!j || r->bad) {
		json_decref(j);
		r->bad = 1;
		return NULL;
	}
	return j;
}

json_t *pack__get_json(pack_r *r)
{
	return unpack_json_depth(r, 0);
}

static void unpack_strlist(pack_r *r, customs_strlist *l)
{
	size_t n = pack__get_count(r, 1);
	for (size_t i = 0; i < n && !r->bad; i++) {
		char *s = pack__get_str(r, NULL);
		if (r->bad)
			break;
		if (customs_strlist_add(l, s ? s : "") < 0)
			r->bad = 1;
		free(s);
	}
}

customs_package *pack__get_package(pack_r *r)
{
	customs_package *p = customs_package_new();
	if (!p) {
		r->bad = 1;
		return NULL;
	}
	char **s[] = {&p->name, &p->version, &p->type, &p->arch, &p->purl, &p->source_name, &p->source_version,
		      &p->found_by, &p->db_path};
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		*s[i] = pack__get_str(r, NULL);
	p->layer = (int)pack__get_i64(r);
	p->visible = (int)pack__get_i64(r);
	p->removed_in_layer = (int)pack__get_i64(r);
	unpack_strlist(r, &p->licenses);
	unpack_strlist(r, &p->cpes);
	unpack_strlist(r, &p->files);
	if (pack__get_u64(r))
		p->metadata = pack__get_json(r);
	if (r->bad) {
		customs_package_free(p);
		return NULL;
	}
	return p;
}

/* ---- zstd ---- */

int pack__compress(void **out, size_t *n, const void *in, size_t len)
{
	size_t cap = ZSTD_compressBound(len);
	void *buf = malloc(cap ? cap : 1);
	*out = NULL;
	*n = 0;
	if (!buf)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	/* level 1: layer results are megabytes of text, stored once, read
	 * at every cache hit; speed matters more than the last few percent */
	size_t got = ZSTD_compress(buf, cap, in, len, 1);
	if (ZSTD_isError(got)) {
		free(buf);
		return customs__error(CUSTOMS_EINTERNAL, "zstd: %s", ZSTD_getErrorName(got));
	}
	*out = buf;
	*n = got;
	return 0;
}

int pack__decompress(void **out, size_t *n, const void *in, size_t len, size_t max)
{
	unsigned long long size = ZSTD_getFrameContentSize(in, len);
	void *buf;
	*out = NULL;
	*n = 0;
	if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN)
		return customs__error(CUSTOMS_EFORMAT, "not a zstd frame with its size");
	if (size > max)
		return customs__error(CUSTOMS_ELIMIT, "%llu bytes uncompressed, over the limit of %zu", size, max);
	if (!(buf = malloc(size ? (size_t)size : 1)))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	size_t got = ZSTD_decompress(buf, (size_t)size, in, len);
	if (ZSTD_isError(got) || got != size) {
		free(buf);
		return customs__error(CUSTOMS_EFORMAT, "corrupt zstd data: %s",
				      ZSTD_isError(got) ? ZSTD_getErrorName(got) : "short");
	}
	*out = buf;
	*n = got;
	return 0;
}
