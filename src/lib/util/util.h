/* util.h - small helpers shared by every stage: capped buffers, string
 * lists, a string hash map, an arena, digests.  Internal to libcustoms and
 * the CLI. */
#ifndef CUSTOMS_UTIL_H
#define CUSTOMS_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "customs/errors.h"

/* Set the thread's error detail and return code, for `return customs__error(...)`. */
int customs__error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Re-set the thread's error so that it names ref, for an error that stops
 * the analysis of ref: "REF: detail" unless the detail names ref already,
 * or the path in it ("docker-archive:PATH"). */
int customs__error_naming(int code, const char *ref);

/* ---- capped growable buffer (curl's dynbuf) ---- */
typedef struct customs_buf {
	char *ptr;
	size_t len, cap;
	size_t max;  /* 0: no cap */
} customs_buf;

#define CUSTOMS_BUF_INIT(max_) {NULL, 0, 0, (max_)}
int customs_buf_grow(customs_buf *b, size_t extra);
int customs_buf_put(customs_buf *b, const void *data, size_t len);
int customs_buf_puts(customs_buf *b, const char *s);
int customs_buf_printf(customs_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Steal the NUL-terminated contents; the buffer is reset. */
char *customs_buf_detach(customs_buf *b);
void customs_buf_release(customs_buf *b);

/* ---- string → pointer hash map (open addressing, keys borrowed) ---- */
typedef struct customs_strmap {
	const char **keys;
	void **vals;
	uint32_t *hashes;
	size_t n, cap;
} customs_strmap;

uint32_t customs_hash(const char *s, size_t len);
int customs_strmap_put(customs_strmap *m, const char *key, void *val);
/* Returns the stored value or NULL; *found (optional) tells absent from NULL. */
void *customs_strmap_get(const customs_strmap *m, const char *key, int *found);
void *customs_strmap_getn(const customs_strmap *m, const char *key, size_t len, int *found);
void customs_strmap_release(customs_strmap *m);

/* ---- arena: many small allocations, one free ---- */
typedef struct customs_arena {
	struct customs_arena_chunk *head;
	size_t used_bytes;
} customs_arena;

void *customs_arena_alloc(customs_arena *a, size_t size);
char *customs_arena_strdup(customs_arena *a, const char *s);
char *customs_arena_strndup(customs_arena *a, const char *s, size_t n);
void customs_arena_release(customs_arena *a);

/* ---- strings ---- */
char *customs_strdup(const char *s);      /* NULL-safe */
char *customs_strndup(const char *s, size_t n);
char *customs_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int customs_str_has_prefix(const char *s, const char *prefix);
int customs_str_has_suffix(const char *s, const char *suffix);

/* ---- UTF-8 ---- */
/* Length (1-4) of the well-formed UTF-8 sequence at s (n bytes left); 0 for
 * a NUL byte, a stray or overlong byte, a surrogate or anything past
 * U+10FFFF (what jansson refuses). */
size_t customs_utf8_len(const unsigned char *s, size_t n);
/* The same, and the code point of the sequence in *cp. */
size_t customs_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);
/* cp (at most U+10FFFF, no surrogate) as UTF-8 into out (4 bytes of room);
 * the bytes written. */
size_t customs_utf8_encode(char *out, uint32_t cp);
/* s with every byte that is not well-formed UTF-8 as U+FFFD (malloc'ed),
 * or NULL when s is well-formed already (or out of memory). */
char *customs_utf8_repair(const char *s);
/* Length of the well-formed prefix of s[0..n) (NUL counts as malformed). */
size_t customs_utf8_valid_prefix(const unsigned char *s, size_t n);
/* 1 when all of s[0..n) is well-formed UTF-8 without NUL. */
int customs_utf8_valid(const char *s, size_t n);
/* A malloc'd, NUL-terminated copy of s[0..n) with every byte that is not
 * well-formed UTF-8 (and NUL) as U+FFFD, so that it can go into JSON; NULL
 * when out of memory. */
char *customs_utf8_strndup(const char *s, size_t n);

/* ---- digests ---- */
void customs_hex(char *out, const unsigned char *bin, size_t n); /* out: 2n+1 */
/* "sha256:<64 lowercase hex>" */
int customs_digest_valid(const char *digest);
/* The digest of data in that form; out holds 72 bytes with the NUL. */
void customs_sha256_digest(char out[72], const void *data, size_t len);

/* ---- paths ---- */
/* Normalise a path from an image: strip "./" and "/" prefixes and trailing
 * "/", collapse "//" and "/./".  Returns 0, or CUSTOMS_EFORMAT for ".."
 * components, NUL bytes or an empty result (out unchanged then). out must
 * hold strlen(in)+1 bytes. */
int customs__path_normalize(char *out, const char *in);
/* Is there a directory (a regular file) at path, following symlinks? */
int customs_is_dir(const char *path);
int customs_is_file(const char *path);

/* ---- files ---- */
/* Read a whole file up to max bytes into *out (NUL-terminated). */
int customs_read_file(char **out, size_t *len, const char *path, size_t max);

/* ---- growing arrays, arena strings ---- */
/* Room for one more element after the n in the array *pp (capacity *cap,
 * elements of size bytes), the capacity doubling from 16: 0, or
 * CUSTOMS_ENOMEM with the array as it was.  Called as CUSTOMS_ARRAY_GROW. */
int customs_array_grow(void *pp, size_t n, size_t *cap, size_t size);
#define CUSTOMS_ARRAY_GROW(p, n, cap) customs_array_grow(&(p), (n), &(cap), sizeof(*(p)))
/* A printf into the arena; NULL when out of memory. */
char *customs_arena_printf(customs_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- text for people ---- */
/* "1.5 MB" (powers of 1000) into buf; returns buf. */
const char *customs_human_bytes(char *buf, size_t n, double bytes);
/* The width of a table column once it holds s (NULL: "-"): at least cur,
 * at most max. */
int customs_column_width(const char *s, int cur, int max);

/* ---- lines ---- */
/* The line at *p of the text that ends at end: *line and *len, without
 * its '\n' (and without a '\r' before that when strip_cr); *p moves past
 * it.  0 when *p is at end. */
int customs_next_line(const char **p, const char *end, const char **line, size_t *len, int strip_cr);

/* ---- identifiers ---- */
/* "cpe:2.3:a:VENDOR:PRODUCT:VERSION:*:*:*:*:*:*:*" with CPE 2.3 formatted
 * string escaping (NISTIR 7695 §6.2); malloc'd or NULL. */
char *customs_cpe23(const char *vendor, const char *product, const char *version);

/* ---- configuration documents (doc.c) ---- */
/* buf as JSON (when it starts with '{' or '[') or else, with allow_yaml, as
 * YAML with every scalar a string; *out is a new reference (json null for
 * an empty YAML document).  CUSTOMS_EFORMAT "NAME: line L column C: what",
 * CUSTOMS_ELIMIT when YAML aliases expand past a million nodes. */
int customs__doc_parse(json_t **out, const char *name, const char *buf, size_t len, int allow_yaml);
/* "an object", "an array", "a string", "a number", "a boolean", "null". */
const char *customs__json_type_name(const json_t *v);

/* ---- regular expressions (regex.c: PCRE2, JIT where it can) ---- */
/* PCRE2 takes the Python re syntax that policy bundles are written in.
 * Every match runs under a match limit and a depth limit, so a pattern
 * that backtracks without end gives CUSTOMS_ELIMIT instead of hanging.
 * A compiled regex is read-only: one may be used by several threads. */
typedef struct customs_regex customs_regex;
enum {
	CUSTOMS_REGEX_ANCHORED = 1, /* match at the start only, as Python's re.match */
	CUSTOMS_REGEX_CASELESS = 2,
	CUSTOMS_REGEX_MULTILINE = 4, /* ^ and $ at line breaks */
};
/* CUSTOMS_EFORMAT "PATTERN: what, at offset N" when it does not compile;
 * CUSTOMS_ELIMIT when it does but backtracks past the limits on a short
 * adversarial subject (a pattern that would hang on real content). */
int customs_regex_compile(customs_regex **out, const char *pattern, unsigned flags);
/* 1 when s[0..len) matches (*start, *end: the first match, either may be
 * NULL), 0 when not, CUSTOMS_ELIMIT when a limit was hit, CUSTOMS_ENOMEM. */
int customs_regex_match(const customs_regex *re, const char *s, size_t len, size_t *start, size_t *end);
/* The same, and where the group named group matched (*gstart == *gend ==
 * *end when the pattern has no such group or it took no part). */
int customs_regex_match_group(const customs_regex *re, const char *s, size_t len, const char *group, size_t *start,
			      size_t *end, size_t *gstart, size_t *gend);
const char *customs_regex_pattern(const customs_regex *re);
void customs_regex_free(customs_regex *re);

#endif
