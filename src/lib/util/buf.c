/* buf.c - capped growable buffer: every buffer fed by image content has a cap. */
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

int customs_buf_grow(customs_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (extra > SIZE_MAX - b->len - 1)
		return customs__error(CUSTOMS_ELIMIT, "buffer size overflow");
	need = b->len + extra + 1;
	if (b->max && need > b->max + 1)
		return customs__error(CUSTOMS_ELIMIT, "buffer limit of %zu bytes exceeded", b->max);
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if (b->max && cap > b->max + 1)
		cap = b->max + 1;
	p = realloc(b->ptr, cap);
	if (!p)
		return customs__error(CUSTOMS_ENOMEM, "out of memory growing a buffer to %zu bytes", cap);
	b->ptr = p;
	b->cap = cap;
	return 0;
}

int customs_buf_put(customs_buf *b, const void *data, size_t len)
{
	int err;
	if ((err = customs_buf_grow(b, len)) < 0)
		return err;
	if (len)
		memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
	return 0;
}

int customs_buf_puts(customs_buf *b, const char *s)
{
	return customs_buf_put(b, s, strlen(s));
}

int customs_buf_printf(customs_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n, err;
	char small[256];

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return customs__error(CUSTOMS_EINVAL, "bad format");
	if ((size_t)n < sizeof(small))
		return customs_buf_put(b, small, (size_t)n);
	if ((err = customs_buf_grow(b, (size_t)n)) < 0)
		return err;
	va_start(ap, fmt);
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

char *customs_buf_detach(customs_buf *b)
{
	char *p = b->ptr;
	if (!p)
		p = calloc(1, 1);
	b->ptr = NULL;
	b->len = b->cap = 0;
	return p;
}

void customs_buf_release(customs_buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
}
