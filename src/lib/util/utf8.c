/* utf8.c - UTF-8 as RFC 3629 §3-4 defines it (no overlong forms, no
 * surrogates, nothing above U+10FFFF, and here no NUL either): the one set
 * of checks every reader and writer uses, since image contents and feeds
 * are arbitrary bytes and JSON wants valid UTF-8. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

size_t customs_utf8_decode(const unsigned char *s, size_t n, uint32_t *out)
{
	unsigned c = s[0], cp, min;
	size_t len;

	if (c == 0)
		return 0;
	if (c < 0x80) {
		*out = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07, min = 0x10000;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*out = cp;
	return len;
}

size_t customs_utf8_len(const unsigned char *s, size_t n)
{
	uint32_t cp;
	return customs_utf8_decode(s, n, &cp);
}

size_t customs_utf8_encode(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Length of the valid UTF-8 prefix of s[0..n) (no NUL, no overlongs or
 * surrogates: RFC 3629 §4). */
size_t customs_utf8_valid_prefix(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		/* ASCII without NUL, eight bytes at a time */
		while (i + 8 <= n) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if ((w | ((w - 0x0101010101010101ull) & ~w)) & 0x8080808080808080ull)
				break;
			i += 8;
		}
		if (i >= n)
			break;
		unsigned char c = s[i];
		if (c >= 0x01 && c < 0x80) {
			i++;
			continue;
		}
		size_t k;
		unsigned char lo = 0x80, hi = 0xBF;
		if (c >= 0xC2 && c <= 0xDF)
			k = 1;
		else if (c >= 0xE0 && c <= 0xEF) {
			k = 2;
			if (c == 0xE0)
				lo = 0xA0;
			else if (c == 0xED)
				hi = 0x9F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			k = 3;
			if (c == 0xF0)
				lo = 0x90;
			else if (c == 0xF4)
				hi = 0x8F;
		} else
			return i;
		if (i + k >= n)
			return i;
		if (s[i + 1] < lo || s[i + 1] > hi)
			return i;
		for (size_t j = 2; j <= k; j++)
			if (s[i + j] < 0x80 || s[i + j] > 0xBF)
				return i;
		i += k + 1;
	}
	return n;
}

/* A copy of s[0..n) with every byte that is not valid UTF-8 (and NUL)
 * replaced by U+FFFD; plain copy when valid. */
char *customs_utf8_strndup(const char *s, size_t n)
{
	size_t ok = customs_utf8_valid_prefix((const unsigned char *)s, n);
	if (ok == n)
		return customs_strndup(s, n);
	customs_buf b = CUSTOMS_BUF_INIT(0);
	int err = 0;
	while (n && !err) {
		ok = customs_utf8_valid_prefix((const unsigned char *)s, n);
		err = customs_buf_put(&b, s, ok);
		if (!err && ok < n) {
			err = customs_buf_puts(&b, "\xEF\xBF\xBD");
			ok++;
		}
		s += ok;
		n -= ok;
	}
	if (err || customs_buf_put(&b, "", 0) < 0 || !b.ptr) {
		customs_buf_release(&b);
		return err ? NULL : customs_strdup("");
	}
	return customs_buf_detach(&b);
}

int customs_utf8_valid(const char *s, size_t n)
{
	return customs_utf8_valid_prefix((const unsigned char *)s, n) == n;
}

char *customs_utf8_repair(const char *s)
{
	size_t n = strlen(s), i = 0, bad = 0, l;
	while (i < n) {
		l = customs_utf8_len((const unsigned char *)s + i, n - i);
		bad += !l;
		i += l ? l : 1;
	}
	if (!bad)
		return NULL;
	char *out = malloc(n + 2 * bad + 1), *o = out;
	if (!out)
		return NULL;
	for (i = 0; i < n;) {
		l = customs_utf8_len((const unsigned char *)s + i, n - i);
		if (l) {
			memcpy(o, s + i, l);
			o += l, i += l;
		} else {
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3, i++;
		}
	}
	*o = '\0';
	return out;
}
