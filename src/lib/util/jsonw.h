/* jsonw.h - a streaming JSON writer (see jsonw.c).
 *
 *	customs_jsonw w;
 *	customs_jsonw_init(&w, f, 2);
 *	customs_jsonw_begin_object(&w);
 *	customs_jsonw_kv_string(&w, "name", "x");
 *	customs_jsonw_key(&w, "list");
 *	customs_jsonw_begin_array(&w);
 *	customs_jsonw_int(&w, 1);
 *	customs_jsonw_end_array(&w);
 *	customs_jsonw_end_object(&w);
 *	return customs_jsonw_finish(&w);
 *
 * Strings are escaped and invalid UTF-8 is replaced by U+FFFD, so the
 * output is always valid JSON; a NULL string is written as null.  Errors
 * (a failed write) are sticky and reported by customs_jsonw_finish(). */
#ifndef CUSTOMS_JSONW_H
#define CUSTOMS_JSONW_H

#include <jansson.h>
#include <stdio.h>

#include "util.h"

typedef struct customs_jsonw {
	FILE *f;
	int indent;        /* spaces per level, 0: compact */
	int depth;
	int first;         /* no value yet at this level */
	int after_key;     /* a key was written: the value follows without a comma */
	int err;           /* errno of the first failure */
	size_t len;
	char buf[1 << 16];
} customs_jsonw;

void customs_jsonw_init(customs_jsonw *w, FILE *f, int indent);
void customs_jsonw_begin_object(customs_jsonw *w);
void customs_jsonw_end_object(customs_jsonw *w);
void customs_jsonw_begin_array(customs_jsonw *w);
void customs_jsonw_end_array(customs_jsonw *w);
void customs_jsonw_key(customs_jsonw *w, const char *k);
void customs_jsonw_string(customs_jsonw *w, const char *s);
void customs_jsonw_int(customs_jsonw *w, long long v);
void customs_jsonw_real(customs_jsonw *w, double v);
void customs_jsonw_bool(customs_jsonw *w, int v);
void customs_jsonw_null(customs_jsonw *w);
void customs_jsonw_value(customs_jsonw *w, const json_t *v);
/* key + value */
void customs_jsonw_kv_string(customs_jsonw *w, const char *k, const char *v);
void customs_jsonw_kv_string_opt(customs_jsonw *w, const char *k, const char *v); /* nothing when NULL or "" */
void customs_jsonw_kv_int(customs_jsonw *w, const char *k, long long v);
void customs_jsonw_kv_bool(customs_jsonw *w, const char *k, int v);
/* key + an array of the strings v[0..n) (a customs_strlist's v and n) */
void customs_jsonw_kv_strings(customs_jsonw *w, const char *k, char *const *v, size_t n);
/* Flush; 0, or <0 with the error set. */
int customs_jsonw_finish(customs_jsonw *w);

#endif
