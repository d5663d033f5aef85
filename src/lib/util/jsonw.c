/* jsonw.c - a streaming JSON writer: documents of tens of megabytes (an
 * SBOM of an image with thousands of packages and their files) written
 * straight to a stream, in a fixed key order, without building a tree.
 * jansson is used to read JSON and to build small trees; building an SBOM
 * as a jansson tree costs more than analysing the image. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"

static void flush(customs_jsonw *w)
{
	if (w->len && !w->err && fwrite(w->buf, 1, w->len, w->f) != w->len)
		w->err = errno ? errno : EIO;
	w->len = 0;
}

static void put(customs_jsonw *w, const char *s, size_t n)
{
	if (w->len + n > sizeof(w->buf)) {
		flush(w);
		if (n > sizeof(w->buf)) {
			if (!w->err && fwrite(s, 1, n, w->f) != n)
				w->err = errno ? errno : EIO;
			return;
		}
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static void putc_(customs_jsonw *w, char c)
{
	if (w->len == sizeof(w->buf))
		flush(w);
	w->buf[w->len++] = c;
}

void customs_jsonw_init(customs_jsonw *w, FILE *f, int indent)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
	w->indent = indent;
	w->first = 1;
}

static void newline(customs_jsonw *w)
{
	if (!w->indent)
		return;
	putc_(w, '\n');
	for (int i = 0; i < w->depth * w->indent; i++)
		putc_(w, ' ');
}

/* before a value: the comma and line break its position needs */
static void sep(customs_jsonw *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->depth) {
		if (!w->first)
			putc_(w, ',');
		newline(w);
	}
	w->first = 0;
}

/* One pass: printable ASCII runs are copied as they are, quotes, backslashes
 * and controls escaped, valid UTF-8 kept, every invalid byte written as
 * U+FFFD so the document stays valid JSON. */
static void put_string(customs_jsonw *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *run = p;
	putc_(w, '"');
	while (*p) {
		unsigned char c = *p;
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			p++;
			continue;
		}
		if (c >= 0x80) {
			size_t n = customs_utf8_len(p, 4); /* a NUL ends a short sequence */
			if (n) {
				p += n;
				continue;
			}
		}
		put(w, (const char *)run, (size_t)(p - run));
		switch (c) {
		case '"': put(w, "\\\"", 2); break;
		case '\\': put(w, "\\\\", 2); break;
		case '\n': put(w, "\\n", 2); break;
		case '\r': put(w, "\\r", 2); break;
		case '\t': put(w, "\\t", 2); break;
		case '\b': put(w, "\\b", 2); break;
		case '\f': put(w, "\\f", 2); break;
		default:
			if (c >= 0x80) {
				put(w, "\xef\xbf\xbd", 3);
			} else {
				char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
				put(w, u, 6);
			}
		}
		run = ++p;
	}
	put(w, (const char *)run, (size_t)(p - run));
	putc_(w, '"');
}

void customs_jsonw_begin_object(customs_jsonw *w)
{
	sep(w);
	putc_(w, '{');
	w->depth++;
	w->first = 1;
}

void customs_jsonw_end_object(customs_jsonw *w)
{
	int empty = w->first;
	w->depth--;
	if (!empty)
		newline(w);
	putc_(w, '}');
	w->first = 0;
}

void customs_jsonw_begin_array(customs_jsonw *w)
{
	sep(w);
	putc_(w, '[');
	w->depth++;
	w->first = 1;
}

void customs_jsonw_end_array(customs_jsonw *w)
{
	customs_jsonw_end_object(w);
	w->buf[w->len - 1] = ']';
}

void customs_jsonw_key(customs_jsonw *w, const char *k)
{
	sep(w);
	put_string(w, k);
	put(w, w->indent ? ": " : ":", w->indent ? 2 : 1);
	w->after_key = 1;
}

void customs_jsonw_string(customs_jsonw *w, const char *s)
{
	sep(w);
	if (s)
		put_string(w, s);
	else
		put(w, "null", 4);
}

void customs_jsonw_int(customs_jsonw *w, long long v)
{
	char b[32];
	int n = snprintf(b, sizeof(b), "%lld", v);
	sep(w);
	put(w, b, (size_t)n);
}

void customs_jsonw_real(customs_jsonw *w, double v)
{
	char b[64];
	int n;
	sep(w);
	if (!isfinite(v)) {
		put(w, "null", 4);
		return;
	}
	n = snprintf(b, sizeof(b), "%.10g", v);
	/* keep it a real: "7" → "7.0" */
	if (!strpbrk(b, ".eE"))
		b[n++] = '.', b[n++] = '0';
	put(w, b, (size_t)n);
}

void customs_jsonw_bool(customs_jsonw *w, int v)
{
	sep(w);
	put(w, v ? "true" : "false", v ? 4 : 5);
}

void customs_jsonw_null(customs_jsonw *w)
{
	sep(w);
	put(w, "null", 4);
}

void customs_jsonw_kv_string(customs_jsonw *w, const char *k, const char *v)
{
	customs_jsonw_key(w, k);
	customs_jsonw_string(w, v);
}

void customs_jsonw_kv_string_opt(customs_jsonw *w, const char *k, const char *v)
{
	if (v && *v)
		customs_jsonw_kv_string(w, k, v);
}

void customs_jsonw_kv_int(customs_jsonw *w, const char *k, long long v)
{
	customs_jsonw_key(w, k);
	customs_jsonw_int(w, v);
}

void customs_jsonw_kv_bool(customs_jsonw *w, const char *k, int v)
{
	customs_jsonw_key(w, k);
	customs_jsonw_bool(w, v);
}

void customs_jsonw_kv_strings(customs_jsonw *w, const char *k, char *const *v, size_t n)
{
	customs_jsonw_key(w, k);
	customs_jsonw_begin_array(w);
	for (size_t i = 0; i < n; i++)
		customs_jsonw_string(w, v[i]);
	customs_jsonw_end_array(w);
}

/* a jansson value, for the small parts that exist as trees (metadata) */
void customs_jsonw_value(customs_jsonw *w, const json_t *v)
{
	size_t i;
	const char *k;
	json_t *x;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		customs_jsonw_begin_object(w);
		json_object_foreach((json_t *)v, k, x) {
			customs_jsonw_key(w, k);
			customs_jsonw_value(w, x);
		}
		customs_jsonw_end_object(w);
		break;
	case JSON_ARRAY:
		customs_jsonw_begin_array(w);
		json_array_foreach(v, i, x) customs_jsonw_value(w, x);
		customs_jsonw_end_array(w);
		break;
	case JSON_STRING:
		customs_jsonw_string(w, json_string_value(v));
		break;
	case JSON_INTEGER:
		customs_jsonw_int(w, (long long)json_integer_value(v));
		break;
	case JSON_REAL:
		customs_jsonw_real(w, json_real_value(v));
		break;
	case JSON_TRUE:
		customs_jsonw_bool(w, 1);
		break;
	case JSON_FALSE:
		customs_jsonw_bool(w, 0);
		break;
	default:
		customs_jsonw_null(w);
	}
}

int customs_jsonw_finish(customs_jsonw *w)
{
	if (w->indent)
		putc_(w, '\n');
	flush(w);
	if (!w->err && (fflush(w->f) == EOF || ferror(w->f)))
		w->err = errno ? errno : EIO;
	return w->err ? customs__error(w->err == ENOMEM ? CUSTOMS_ENOMEM : CUSTOMS_EIO, "write error: %s", strerror(w->err))
		      : 0;
}
