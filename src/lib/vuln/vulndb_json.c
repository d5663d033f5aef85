/* vulndb_json.c - a small JSON reader (RFC 8259) for feed records: the whole
 * document becomes a tree in an arena that is reused from record to record,
 * so reading tens of thousands of OSV records costs no malloc per value.
 * Strict: UTF-8 is validated (RFC 3629), "\u0000" and unpaired surrogates
 * are refused, nesting is bounded; numbers are kept as doubles.  And a
 * scanner of the members of a large document without building a tree. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"
#include "vuln/vulndb.h"

#define VJ_MAX_DEPTH 128
#define VJ_CHUNK (256u << 10)

struct vj_chunk {
	struct vj_chunk *next;
	size_t cap, used;
	_Alignas(16) char data[];
};

static void *vj_alloc(vj_doc *d, size_t size)
{
	struct vj_chunk *c = d->cur;

	size = (size + 15) & ~(size_t)15;
	while (c && c->cap - c->used < size)
		c = c->next;
	if (!c) {
		size_t cap = size > VJ_CHUNK ? size : VJ_CHUNK;
		if (!(c = malloc(sizeof(*c) + cap)))
			return NULL;
		c->cap = cap;
		c->used = 0;
		c->next = d->chunks;
		d->chunks = c;
	}
	d->cur = c;
	void *p = c->data + c->used;
	c->used += size;
	return p;
}

void vj_reset(vj_doc *d)
{
	for (struct vj_chunk *c = d->chunks; c; c = c->next)
		c->used = 0;
	d->cur = d->chunks;
	d->nstack = 0;
	d->err[0] = '\0';
}

void vj_release(vj_doc *d)
{
	struct vj_chunk *c = d->chunks, *n;
	for (; c; c = n) {
		n = c->next;
		free(c);
	}
	free(d->stack);
	memset(d, 0, sizeof(*d));
}

struct vp {
	vj_doc *d;
	const unsigned char *b;
	size_t n, i;
	int depth;
};

static int fail(struct vp *p, const char *what)
{
	snprintf(p->d->err, sizeof(p->d->err), "%s at byte %zu", what, p->i);
	return -1;
}

static void ws(struct vp *p)
{
	while (p->i < p->n && (p->b[p->i] == ' ' || p->b[p->i] == '\t' || p->b[p->i] == '\n' || p->b[p->i] == '\r'))
		p->i++;
}

static int push(struct vp *p, const vj_value *v)
{
	vj_doc *d = p->d;
	if (CUSTOMS_ARRAY_GROW(d->stack, d->nstack, d->capstack) < 0)
		return fail(p, "out of memory");
	d->stack[d->nstack++] = *v;
	return 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int hex4(struct vp *p, size_t at, unsigned *out)
{
	unsigned v = 0;
	if (at + 4 > p->n)
		return -1;
	for (int k = 0; k < 4; k++) {
		int h = hexval(p->b[at + k]);
		if (h < 0)
			return -1;
		v = v << 4 | (unsigned)h;
	}
	*out = v;
	return 0;
}

static int parse_string(struct vp *p, vj_value *out)
{
	size_t start = ++p->i, j = start;
	int plain = 1;

	/* fast scan: find the end, see whether anything needs decoding */
	while (j < p->n && p->b[j] != '"') {
		unsigned char c = p->b[j];
		if (c == '\\') {
			plain = 0;
			j += 2;
			continue;
		}
		if (c < 0x20) {
			p->i = j;
			return fail(p, "control character in a string");
		}
		if (c >= 0x80) {
			size_t l = customs_utf8_len(p->b + j, p->n - j);
			if (!l) {
				p->i = j;
				return fail(p, "invalid UTF-8");
			}
			j += l;
			continue;
		}
		j++;
	}
	if (j >= p->n) {
		p->i = start - 1;
		return fail(p, "unterminated string");
	}
	size_t len = j - start;
	char *s = vj_alloc(p->d, len + 1);
	if (!s)
		return fail(p, "out of memory");
	if (plain) {
		memcpy(s, p->b + start, len);
		s[len] = '\0';
		out->type = VJ_STRING;
		out->n = (uint32_t)len;
		out->u.s = s;
		p->i = j + 1;
		return 0;
	}
	size_t o = 0;
	for (size_t k = start; k < j;) {
		unsigned char c = p->b[k];
		if (c != '\\') {
			s[o++] = (char)c;
			k++;
			continue;
		}
		p->i = k;
		if (k + 1 >= j)
			return fail(p, "bad escape");
		char e = (char)p->b[k + 1];
		k += 2;
		switch (e) {
		case '"': s[o++] = '"'; break;
		case '\\': s[o++] = '\\'; break;
		case '/': s[o++] = '/'; break;
		case 'b': s[o++] = '\b'; break;
		case 'f': s[o++] = '\f'; break;
		case 'n': s[o++] = '\n'; break;
		case 'r': s[o++] = '\r'; break;
		case 't': s[o++] = '\t'; break;
		case 'u': {
			unsigned cp, lo;
			if (hex4(p, k, &cp) < 0)
				return fail(p, "bad \\u escape");
			k += 4;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (k + 6 > j || p->b[k] != '\\' || p->b[k + 1] != 'u' || hex4(p, k + 2, &lo) < 0 || lo < 0xdc00 ||
				    lo > 0xdfff)
					return fail(p, "unpaired surrogate in a \\u escape");
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				k += 6;
			} else if (cp >= 0xdc00 && cp <= 0xdfff) {
				return fail(p, "unpaired surrogate in a \\u escape");
			}
			if (cp == 0)
				return fail(p, "\\u0000 in a string");
			/* the escape is 6 or 12 bytes, its UTF-8 at most 4: fits */
			o += customs_utf8_encode(s + o, (uint32_t)cp);
			break;
		}
		default:
			return fail(p, "bad escape");
		}
	}
	s[o] = '\0';
	out->type = VJ_STRING;
	out->n = (uint32_t)o;
	out->u.s = s;
	p->i = j + 1;
	return 0;
}

static int parse_number(struct vp *p, vj_value *out)
{
	size_t s = p->i, k = s;
	char tmp[64];

	if (k < p->n && p->b[k] == '-')
		k++;
	if (k >= p->n || p->b[k] < '0' || p->b[k] > '9')
		return fail(p, "bad number");
	if (p->b[k] == '0')
		k++;
	else
		while (k < p->n && p->b[k] >= '0' && p->b[k] <= '9')
			k++;
	if (k < p->n && p->b[k] == '.') {
		k++;
		if (k >= p->n || p->b[k] < '0' || p->b[k] > '9')
			return fail(p, "bad number");
		while (k < p->n && p->b[k] >= '0' && p->b[k] <= '9')
			k++;
	}
	if (k < p->n && (p->b[k] == 'e' || p->b[k] == 'E')) {
		k++;
		if (k < p->n && (p->b[k] == '+' || p->b[k] == '-'))
			k++;
		if (k >= p->n || p->b[k] < '0' || p->b[k] > '9')
			return fail(p, "bad number");
		while (k < p->n && p->b[k] >= '0' && p->b[k] <= '9')
			k++;
	}
	out->type = VJ_NUMBER;
	if (k - s < sizeof(tmp)) {
		memcpy(tmp, p->b + s, k - s);
		tmp[k - s] = '\0';
		out->u.num = strtod(tmp, NULL);
	} else {
		out->u.num = 0; /* absurdly long: valid JSON, value not needed */
	}
	p->i = k;
	return 0;
}

static int parse_value(struct vp *p, vj_value *out);

static int parse_container(struct vp *p, vj_value *out, int object)
{
	vj_doc *d = p->d;
	size_t base = d->nstack;
	char close = object ? '}' : ']';

	if (++p->depth > VJ_MAX_DEPTH)
		return fail(p, "nested too deeply");
	p->i++;
	ws(p);
	if (p->i < p->n && p->b[p->i] == close) {
		p->i++;
	} else {
		for (;;) {
			vj_value v;
			ws(p);
			if (object) {
				if (p->i >= p->n || p->b[p->i] != '"')
					return fail(p, "object key expected");
				if (parse_string(p, &v) < 0 || push(p, &v) < 0)
					return -1;
				ws(p);
				if (p->i >= p->n || p->b[p->i] != ':')
					return fail(p, "':' expected");
				p->i++;
				ws(p);
			}
			if (parse_value(p, &v) < 0 || push(p, &v) < 0)
				return -1;
			ws(p);
			if (p->i < p->n && p->b[p->i] == ',') {
				p->i++;
				continue;
			}
			if (p->i < p->n && p->b[p->i] == close) {
				p->i++;
				break;
			}
			if (p->i >= p->n)
				return fail(p, "end of data inside an object or array (truncated?)");
			return fail(p, object ? "',' or '}' expected" : "',' or ']' expected");
		}
	}
	size_t cnt = d->nstack - base;
	vj_value *items = NULL;
	if (cnt) {
		if (!(items = vj_alloc(d, cnt * sizeof(*items))))
			return fail(p, "out of memory");
		memcpy(items, d->stack + base, cnt * sizeof(*items));
	}
	d->nstack = base;
	out->type = object ? VJ_OBJECT : VJ_ARRAY;
	out->n = (uint32_t)(object ? cnt / 2 : cnt);
	out->u.items = items;
	p->depth--;
	return 0;
}

static int word(struct vp *p, const char *w, int type, vj_value *out)
{
	size_t n = strlen(w);
	if (p->n - p->i < n || memcmp(p->b + p->i, w, n))
		return fail(p, "unexpected character");
	p->i += n;
	out->type = (uint8_t)type;
	out->n = 0;
	return 0;
}

static int parse_value(struct vp *p, vj_value *out)
{
	ws(p);
	if (p->i >= p->n)
		return fail(p, "value expected (truncated?)");
	switch (p->b[p->i]) {
	case '{':
		return parse_container(p, out, 1);
	case '[':
		return parse_container(p, out, 0);
	case '"':
		return parse_string(p, out);
	case 't':
		return word(p, "true", VJ_TRUE, out);
	case 'f':
		return word(p, "false", VJ_FALSE, out);
	case 'n':
		return word(p, "null", VJ_NULL, out);
	default:
		return parse_number(p, out);
	}
}

int vj_parse(vj_doc *d, const char *buf, size_t len, const vj_value **out)
{
	struct vp p = {d, (const unsigned char *)buf, len, 0, 0};
	vj_value *root;

	vj_reset(d);
	*out = NULL;
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		p.i = 3;
	if (!(root = vj_alloc(d, sizeof(*root))))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	if (parse_value(&p, root) < 0)
		return strstr(d->err, "out of memory") ? customs__error(CUSTOMS_ENOMEM, "out of memory")
						       : customs__error(CUSTOMS_EFORMAT, "%s", d->err);
	ws(&p);
	if (p.i != p.n) {
		fail(&p, "data after the JSON value");
		return customs__error(CUSTOMS_EFORMAT, "%s", d->err);
	}
	*out = root;
	return 0;
}

const vj_value *vj_get(const vj_value *o, const char *key)
{
	if (!o || o->type != VJ_OBJECT)
		return NULL;
	size_t kn = strlen(key);
	for (uint32_t i = 0; i < o->n; i++) {
		const vj_value *k = &o->u.items[2 * i];
		if (k->n == kn && !memcmp(k->u.s, key, kn))
			return &o->u.items[2 * i + 1];
	}
	return NULL;
}

const char *vj_str(const vj_value *v) { return v && v->type == VJ_STRING ? v->u.s : NULL; }

const char *vj_getstr(const vj_value *o, const char *key) { return vj_str(vj_get(o, key)); }

size_t vj_len(const vj_value *v) { return v && v->type == VJ_ARRAY ? v->n : 0; }

const vj_value *vj_at(const vj_value *v, size_t i) { return v && v->type == VJ_ARRAY && i < v->n ? &v->u.items[i] : NULL; }

size_t vj_nmembers(const vj_value *o) { return o && o->type == VJ_OBJECT ? o->n : 0; }

const char *vj_key_at(const vj_value *o, size_t i) { return o && o->type == VJ_OBJECT && i < o->n ? o->u.items[2 * i].u.s : NULL; }

const vj_value *vj_value_at(const vj_value *o, size_t i)
{
	return o && o->type == VJ_OBJECT && i < o->n ? &o->u.items[2 * i + 1] : NULL;
}

int vj_put_string(customs_buf *b, const char *s)
{
	static const char hx[] = "0123456789abcdef";
	int err;
	if ((err = customs_buf_put(b, "\"", 1)) < 0)
		return err;
	for (const char *p = s;;) {
		const char *q = p;
		while (*q && (unsigned char)*q >= 0x20 && *q != '"' && *q != '\\')
			q++;
		if (q > p && (err = customs_buf_put(b, p, (size_t)(q - p))) < 0)
			return err;
		if (!*q)
			break;
		char esc[7] = {'\\', *q, 0};
		size_t n = 2;
		if ((unsigned char)*q < 0x20) {
			esc[1] = 'u', esc[2] = '0', esc[3] = '0', esc[4] = hx[(unsigned char)*q >> 4], esc[5] = hx[*q & 15];
			n = 6;
		}
		if ((err = customs_buf_put(b, esc, n)) < 0)
			return err;
		p = q + 1;
	}
	return customs_buf_put(b, "\"", 1);
}

/* ---- scanning without a tree, for the large feed documents ---- */

#define JSON_SCAN_MAX_DEPTH 512

static size_t jws(const char *b, size_t n, size_t i)
{
	while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r'))
		i++;
	return i;
}

static int jskip_string(const char *b, size_t n, size_t *i)
{
	size_t j = *i + 1;
	while (j < n && b[j] != '"') {
		if (b[j] == '\\')
			j++;
		j++;
	}
	if (j >= n)
		return customs__error(CUSTOMS_EFORMAT, "unterminated string at byte %zu", *i);
	*i = j + 1;
	return 0;
}

/* Skip one value starting at *i (after whitespace). Structural only:
 * jansson validates the value when it is parsed. */
static int jskip_value(const char *b, size_t n, size_t *i)
{
	int depth = 0, err;
	size_t j = jws(b, n, *i);

	if (j >= n)
		return customs__error(CUSTOMS_EFORMAT, "value expected at byte %zu", j);
	for (;;) {
		j = jws(b, n, j);
		if (j >= n)
			return customs__error(CUSTOMS_EFORMAT, "truncated JSON at byte %zu", j);
		char c = b[j];
		if (c == '"') {
			if ((err = jskip_string(b, n, &j)) < 0)
				return err;
		} else if (c == '{' || c == '[') {
			if (++depth > JSON_SCAN_MAX_DEPTH)
				return customs__error(CUSTOMS_EFORMAT, "JSON nested deeper than %d at byte %zu", JSON_SCAN_MAX_DEPTH, j);
			j++;
			continue;
		} else if (c == '}' || c == ']') {
			if (--depth < 0)
				return customs__error(CUSTOMS_EFORMAT, "unbalanced '%c' at byte %zu", c, j);
			j++;
		} else if (c == ',' || c == ':') {
			if (!depth)
				return customs__error(CUSTOMS_EFORMAT, "unexpected '%c' at byte %zu", c, j);
			j++;
			continue;
		} else {
			size_t s = j;
			while (j < n && b[j] != ',' && b[j] != ']' && b[j] != '}' && b[j] != ':' && b[j] != ' ' &&
			       b[j] != '\t' && b[j] != '\n' && b[j] != '\r' && b[j] != '"' && b[j] != '{' && b[j] != '[')
				j++;
			if (j == s)
				return customs__error(CUSTOMS_EFORMAT, "unexpected byte 0x%02x at byte %zu", (unsigned char)c, j);
		}
		if (!depth)
			break;
	}
	*i = j;
	return 0;
}

int vulndb__json_members(const char *b, size_t n, int (*cb)(void *, const char *, const char *, size_t), void *ud)
{
	size_t i = jws(b, n, 0);
	char key[VULNDB__MAX_NAME + 1];
	int err;

	if (i >= n || b[i] != '{')
		return customs__error(CUSTOMS_EFORMAT, "a JSON object expected");
	i = jws(b, n, i + 1);
	if (i < n && b[i] == '}')
		return 0;
	for (;;) {
		i = jws(b, n, i);
		if (i >= n || b[i] != '"')
			return customs__error(CUSTOMS_EFORMAT, "object key expected at byte %zu", i);
		size_t ks = i;
		if ((err = jskip_string(b, n, &i)) < 0)
			return err;
		/* the key's bytes, between the quotes at ks and i - 1 */
		const char *k = b + ks + 1;
		size_t kn = (size_t)(b + i - 1 - k);
		if (memchr(k, '\\', kn)) {
			/* rare: let jansson unescape it */
			json_t *s = json_loadb(b + ks, i - ks, JSON_DECODE_ANY, NULL);
			if (!json_is_string(s) || json_string_length(s) >= sizeof(key)) {
				json_decref(s);
				return customs__error(CUSTOMS_EFORMAT, "bad object key at byte %zu", ks);
			}
			memcpy(key, json_string_value(s), json_string_length(s) + 1);
			json_decref(s);
		} else {
			if (kn >= sizeof(key))
				return customs__error(CUSTOMS_EFORMAT, "object key longer than %zu bytes at byte %zu",
						      sizeof(key) - 1, ks);
			memcpy(key, k, kn);
			key[kn] = '\0';
		}
		i = jws(b, n, i);
		if (i >= n || b[i] != ':')
			return customs__error(CUSTOMS_EFORMAT, "':' expected at byte %zu", i);
		i = jws(b, n, i + 1);
		size_t vs = i;
		if ((err = jskip_value(b, n, &i)) < 0)
			return err;
		if ((err = cb(ud, key, b + vs, i - vs)) < 0)
			return err;
		i = jws(b, n, i);
		if (i < n && b[i] == ',') {
			i++;
			continue;
		}
		if (i < n && b[i] == '}')
			return 0;
		return customs__error(CUSTOMS_EFORMAT, "',' or '}' expected at byte %zu", i);
	}
}

int vulndb__json_elements(const char *b, size_t n, int (*cb)(void *, const char *, size_t), void *ud)
{
	size_t i = jws(b, n, 0);
	int err;

	if (i >= n || b[i] != '[')
		return customs__error(CUSTOMS_EFORMAT, "a JSON array expected");
	i = jws(b, n, i + 1);
	if (i < n && b[i] == ']')
		return 0;
	for (;;) {
		i = jws(b, n, i);
		size_t vs = i;
		if ((err = jskip_value(b, n, &i)) < 0)
			return err;
		if ((err = cb(ud, b + vs, i - vs)) < 0)
			return err;
		i = jws(b, n, i);
		if (i < n && b[i] == ',') {
			i++;
			continue;
		}
		if (i < n && b[i] == ']')
			return 0;
		return customs__error(CUSTOMS_EFORMAT, "',' or ']' expected at byte %zu", i);
	}
}

json_t *vulndb__json_load(vulndb__writer *w, const char *record, const char *buf, size_t len)
{
	json_error_t je;
	json_t *j = json_loadb(buf, len, JSON_DECODE_ANY, &je);
	if (!j)
		vulndb__warn(w, VULNDB__W_MALFORMED, record, "not valid JSON: %s (line %d, column %d)", je.text, je.line,
			     je.column);
	return j;
}

const char *vulndb__jstr(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}
