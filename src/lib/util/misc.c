/* misc.c - arena, strings, string lists, hex and sha256 digests, small file reads, lines. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "customs/analysis.h"
#include "util/util.h"

struct customs_arena_chunk {
	struct customs_arena_chunk *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
};

void *customs_arena_alloc(customs_arena *a, size_t size)
{
	struct customs_arena_chunk *c = a->head;
	size = (size + 15) & ~(size_t)15;
	if (!c || c->cap - c->used < size) {
		size_t cap = size > 65536 ? size : 65536;
		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->next = a->head;
		c->used = 0;
		c->cap = cap;
		a->head = c;
	}
	void *p = c->data + c->used;
	c->used += size;
	a->used_bytes += size;
	return p;
}

char *customs_arena_strndup(customs_arena *a, const char *s, size_t n)
{
	char *p = customs_arena_alloc(a, n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *customs_arena_strdup(customs_arena *a, const char *s)
{
	return s ? customs_arena_strndup(a, s, strlen(s)) : NULL;
}

void customs_arena_release(customs_arena *a)
{
	struct customs_arena_chunk *c = a->head, *n;
	for (; c; c = n) {
		n = c->next;
		free(c);
	}
	a->head = NULL;
	a->used_bytes = 0;
}

char *customs_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

char *customs_strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *customs_asprintf(const char *fmt, ...)
{
	va_list ap;
	char *p = NULL;
	va_start(ap, fmt);
	if (vasprintf(&p, fmt, ap) < 0)
		p = NULL;
	va_end(ap);
	return p;
}

int customs_str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int customs_str_has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

void customs_hex(char *out, const unsigned char *bin, size_t n)
{
	static const char hx[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hx[bin[i] >> 4];
		out[2 * i + 1] = hx[bin[i] & 15];
	}
	out[2 * n] = '\0';
}

int customs_digest_valid(const char *d)
{
	if (!d || strncmp(d, "sha256:", 7) != 0 || strlen(d) != 71)
		return 0;
	for (const char *p = d + 7; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return 0;
	return 1;
}

int customs_read_file(char **out, size_t *len, const char *path, size_t max)
{
	customs_buf b = CUSTOMS_BUF_INIT(max);
	char tmp[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC), err = 0;

	*out = NULL;
	if (fd < 0)
		return customs__error(errno == ENOENT ? CUSTOMS_ENOTFOUND : CUSTOMS_EIO,
				      "%s: %s", path, strerror(errno));
	while ((n = read(fd, tmp, sizeof(tmp))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = customs__error(CUSTOMS_EIO, "%s: %s", path, strerror(errno));
			break;
		}
		if ((err = customs_buf_put(&b, tmp, (size_t)n)) < 0) {
			err = customs__error(err, "%s: larger than the limit of %zu bytes", path, max);
			break;
		}
	}
	close(fd);
	if (err < 0) {
		customs_buf_release(&b);
		return err;
	}
	if (len)
		*len = b.len;
	*out = customs_buf_detach(&b);
	return 0;
}

/* ---- customs_strlist ---- */

int customs_strlist_addn(customs_strlist *l, const char *s, size_t len)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		char **v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		l->v = v;
		l->cap = cap;
	}
	if (!(l->v[l->n] = customs_strndup(s, len)))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	l->n++;
	return 0;
}

int customs_strlist_add(customs_strlist *l, const char *s)
{
	return customs_strlist_addn(l, s, strlen(s));
}

int customs_strlist_contains(const customs_strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

void customs_strlist_release(customs_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* ---- growing arrays, arena strings ---- */

int customs_array_grow(void *pp, size_t n, size_t *cap, size_t size)
{
	void *p, *np;
	size_t ncap;

	if (n < *cap)
		return 0;
	/* the caller's array pointer, whatever its element type */
	memcpy(&p, pp, sizeof(p));
	ncap = *cap ? *cap * 2 : 16;
	if (ncap < *cap || ncap > SIZE_MAX / size || !(np = realloc(p, ncap * size)))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	memcpy(pp, &np, sizeof(np));
	*cap = ncap;
	return 0;
}

char *customs_arena_printf(customs_arena *a, const char *fmt, ...)
{
	char small[512], *p;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	if ((size_t)n < sizeof(small))
		return customs_arena_strndup(a, small, (size_t)n);
	if (!(p = customs_arena_alloc(a, (size_t)n + 1)))
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

const char *customs_human_bytes(char *buf, size_t n, double b)
{
	static const char *u[] = {"B", "kB", "MB", "GB", "TB"};
	int i = 0;
	while (b >= 1000 && i < 4)
		b /= 1000, i++;
	snprintf(buf, n, i ? "%.1f %s" : "%.0f %s", b, u[i]);
	return buf;
}

int customs_column_width(const char *s, int cur, int max)
{
	int n = s ? (int)strlen(s) : 1;
	if (n > max)
		n = max;
	return n > cur ? n : cur;
}

void customs_sha256_digest(char out[72], const void *data, size_t len)
{
	unsigned char md[32];
	unsigned int mdlen;
	EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
	memcpy(out, "sha256:", 7);
	customs_hex(out + 7, md, 32);
}

int customs_next_line(const char **p, const char *end, const char **line, size_t *len, int strip_cr)
{
	if (*p >= end)
		return 0;
	const char *eol = memchr(*p, '\n', (size_t)(end - *p));
	*line = *p;
	*len = (size_t)((eol ? eol : end) - *p);
	*p = eol ? eol + 1 : end;
	if (strip_cr && *len && (*line)[*len - 1] == '\r')
		(*len)--;
	return 1;
}
