/* tar_index.c - header-only index of an uncompressed tar (docker-archive,
 * oci-archive): member name → data offset and size, so layers can be read
 * in parallel with pread.  POSIX ustar/pax and GNU long names (see
 * FORMATS-images.md §4.1); every field is checked before use. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "source/tar_index.h"
#include "util/util.h"

#define MAX_MEMBERS 100000
#define MAX_META (1u << 20) /* pax / GNU long name record cap */

typedef struct reader {
	int fd;
	const unsigned char *buf;
	uint64_t len;
	const char *name;
} reader;

static int read_at(const reader *r, void *dst, size_t n, uint64_t off)
{
	if (r->buf) {
		if (off > r->len || n > r->len - off)
			return customs__error(CUSTOMS_EFORMAT, "%s: truncated tar at offset %llu", r->name,
					      (unsigned long long)off);
		memcpy(dst, r->buf + off, n);
		return 0;
	}
	size_t done = 0;
	while (done < n) {
		ssize_t k = pread(r->fd, (char *)dst + done, n - done, (off_t)(off + done));
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return customs__error(CUSTOMS_EIO, "%s: %s", r->name, strerror(errno));
		if (k == 0)
			return customs__error(CUSTOMS_EFORMAT, "%s: truncated tar at offset %llu", r->name,
					      (unsigned long long)(off + done));
		done += (size_t)k;
	}
	return 0;
}

/* Octal (or GNU base-256) numeric field. */
static int parse_num(uint64_t *out, const unsigned char *f, size_t n)
{
	uint64_t v = 0;
	size_t i = 0;
	if (f[0] & 0x80) {
		if (f[0] != 0x80)
			return -1; /* negative or too large */
		for (i = 1; i < n; i++) {
			if (v >> 56)
				return -1;
			v = (v << 8) | f[i];
		}
		*out = v;
		return 0;
	}
	while (i < n && (f[i] == ' ' || f[i] == '\0'))
		i++;
	for (; i < n && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v >> 60)
			return -1;
		v = v * 8 + (uint64_t)(f[i] - '0');
	}
	for (; i < n; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return -1;
	*out = v;
	return 0;
}

static int checksum_ok(const unsigned char *h)
{
	uint64_t want;
	unsigned long usum = 0;
	long ssum = 0;
	if (parse_num(&want, h + 148, 8) < 0)
		return 0;
	for (int i = 0; i < 512; i++) {
		unsigned char c = (i >= 148 && i < 156) ? ' ' : h[i];
		usum += c;
		ssum += (signed char)c;
	}
	return want == usum || (long)want == ssum;
}

static int is_zero_block(const unsigned char *h)
{
	for (int i = 0; i < 512; i++)
		if (h[i])
			return 0;
	return 1;
}

/* Parse pax records, keeping path, linkpath and size. */
static int parse_pax(const char *p, size_t n, char **path, char **linkpath, uint64_t *size, int *has_size)
{
	size_t off = 0;
	while (off < n) {
		size_t len = 0, i = off;
		while (i < n && p[i] >= '0' && p[i] <= '9' && len < MAX_META)
			len = len * 10 + (size_t)(p[i++] - '0');
		if (i >= n || p[i] != ' ' || len == 0 || len > n - off)
			return -1;
		const char *kv = p + i + 1, *end = p + off + len - 1; /* end points at '\n' */
		if (*end != '\n' || kv > end)
			return -1;
		const char *eq = memchr(kv, '=', (size_t)(end - kv));
		if (!eq)
			return -1;
		size_t klen = (size_t)(eq - kv), vlen = (size_t)(end - eq - 1);
		if (klen == 4 && !memcmp(kv, "path", 4)) {
			free(*path);
			*path = customs_strndup(eq + 1, vlen);
		} else if (klen == 8 && !memcmp(kv, "linkpath", 8)) {
			free(*linkpath);
			*linkpath = customs_strndup(eq + 1, vlen);
		} else if (klen == 4 && !memcmp(kv, "size", 4)) {
			uint64_t v = 0;
			for (size_t k = 1; k <= vlen; k++) {
				char c = eq[k];
				if (c < '0' || c > '9' || v > UINT64_MAX / 10 - 10)
					return -1;
				v = v * 10 + (uint64_t)(c - '0');
			}
			*size = v;
			*has_size = 1;
		}
		off += len;
	}
	return 0;
}

static int add_member(tar_index *ix, const char *rawname, const char *rawlink, char type, uint64_t off,
		      uint64_t size)
{
	char *name = malloc(strlen(rawname) + 1);
	if (!name)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	if (customs__path_normalize(name, rawname) < 0) {
		free(name);
		return 0; /* unusable name (.., empty): never resolvable, skip */
	}
	if (ix->n == ix->cap) {
		size_t cap = ix->cap ? ix->cap * 2 : 32;
		tar_member *m = realloc(ix->m, cap * sizeof(*m));
		if (!m) {
			free(name);
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		}
		ix->m = m;
		ix->cap = cap;
	}
	tar_member *m = &ix->m[ix->n++];
	m->name = name;
	m->link = rawlink ? customs_strdup(rawlink) : NULL;
	m->offset = off;
	m->size = size;
	m->type = type;
	return 0;
}

static int index_walk(tar_index *ix, const reader *r, uint64_t total)
{
	unsigned char h[512];
	uint64_t off = 0;
	char *pax_path = NULL, *pax_link = NULL, *gnu_name = NULL, *gnu_link = NULL;
	uint64_t pax_size = 0;
	int has_pax_size = 0, err = 0;

	memset(ix, 0, sizeof(*ix));
	while (off + 512 <= total) {
		if ((err = read_at(r, h, 512, off)) < 0)
			goto done;
		if (is_zero_block(h))
			break;
		if (!checksum_ok(h)) {
			err = customs__error(CUSTOMS_EFORMAT, "%s: bad tar header checksum at offset %llu", r->name,
					     (unsigned long long)off);
			goto done;
		}
		uint64_t size;
		if (parse_num(&size, h + 124, 12) < 0) {
			err = customs__error(CUSTOMS_EFORMAT, "%s: bad size field in tar header at offset %llu",
					     r->name, (unsigned long long)off);
			goto done;
		}
		char type = (char)h[156];
		if (type == 'x' || type == 'L' || type == 'K') {
			if (size > MAX_META || off + 512 + size > total) {
				err = customs__error(CUSTOMS_EFORMAT, "%s: oversized or truncated tar extension header at offset %llu",
						     r->name, (unsigned long long)off);
				goto done;
			}
			char *meta = malloc(size + 1);
			if (!meta) {
				err = customs__error(CUSTOMS_ENOMEM, "out of memory");
				goto done;
			}
			if ((err = read_at(r, meta, size, off + 512)) < 0) {
				free(meta);
				goto done;
			}
			meta[size] = '\0';
			if (type == 'x') {
				if (parse_pax(meta, size, &pax_path, &pax_link, &pax_size, &has_pax_size) < 0) {
					free(meta);
					err = customs__error(CUSTOMS_EFORMAT, "%s: malformed pax header at offset %llu",
							     r->name, (unsigned long long)off);
					goto done;
				}
				free(meta);
			} else if (type == 'L') {
				free(gnu_name);
				gnu_name = meta;
			} else {
				free(gnu_link);
				gnu_link = meta;
			}
			off += 512 + ((size + 511) & ~(uint64_t)511);
			continue;
		}
		if (has_pax_size)
			size = pax_size;
		char name[257], link[101];
		size_t pl = 0;
		if (!memcmp(h + 257, "ustar\0", 6) && h[345]) {
			pl = strnlen((char *)h + 345, 155);
			memcpy(name, h + 345, pl);
			name[pl++] = '/';
		}
		size_t nl = strnlen((char *)h, 100);
		memcpy(name + pl, h, nl);
		name[pl + nl] = '\0';
		memcpy(link, h + 157, 100);
		link[strnlen(link, 100)] = '\0';
		const char *nm = pax_path ? pax_path : gnu_name ? gnu_name : name;
		const char *lk = pax_link ? pax_link : gnu_link ? gnu_link : link;
		/* written so that it cannot wrap: a size near 2^64 (base-256 or
		 * pax) would otherwise pass, and the step below bring `off` back
		 * to this header for ever */
		if (((type == '1' || type == '2' || type == '5') ? 0 : size) > total - off - 512) {
			err = customs__error(CUSTOMS_EFORMAT, "%s: truncated archive: member %s needs %llu bytes at offset %llu",
					     r->name, nm, (unsigned long long)size, (unsigned long long)(off + 512));
			goto done;
		}
		if (type == 'g') {
			/* global pax header: nothing we need */
		} else {
			if (ix->n >= MAX_MEMBERS) {
				err = customs__error(CUSTOMS_ELIMIT, "%s: more than %d archive members", r->name, MAX_MEMBERS);
				goto done;
			}
			if ((err = add_member(ix, nm, (type == '1' || type == '2') ? lk : NULL,
					      type ? type : '0', off + 512, size)) < 0)
				goto done;
		}
		free(pax_path), free(pax_link), free(gnu_name), free(gnu_link);
		pax_path = pax_link = gnu_name = gnu_link = NULL;
		has_pax_size = 0;
		if (type == '1' || type == '2' || type == '5')
			size = 0;
		off += 512 + ((size + 511) & ~(uint64_t)511);
	}
done:
	free(pax_path), free(pax_link), free(gnu_name), free(gnu_link);
	if (err < 0)
		source__tar_index_release(ix);
	return err;
}

int source__tar_index(tar_index *out, const char *path)
{
	reader r = {.fd = open(path, O_RDONLY | O_CLOEXEC), .name = path};
	off_t end;
	int err;
	if (r.fd < 0)
		return customs__error(errno == ENOENT ? CUSTOMS_ENOTFOUND : CUSTOMS_EIO, "%s: %s", path,
				      strerror(errno));
	end = lseek(r.fd, 0, SEEK_END);
	if (end < 0) {
		close(r.fd);
		return customs__error(CUSTOMS_EIO, "%s: not a seekable file", path);
	}
	err = index_walk(out, &r, (uint64_t)end);
	close(r.fd);
	return err;
}

int source__tar_index_buf(tar_index *out, const unsigned char *buf, size_t len)
{
	reader r = {.fd = -1, .buf = buf, .len = len, .name = "archive"};
	return index_walk(out, &r, len);
}

static const tar_member *find_exact(const tar_index *ix, const char *name)
{
	/* the last member of a name wins, as when extracting */
	for (size_t i = ix->n; i-- > 0;)
		if (!strcmp(ix->m[i].name, name))
			return &ix->m[i];
	return NULL;
}

const tar_member *source__tar_find(const tar_index *ix, const char *name)
{
	char cur[4096], tmp[8192];
	if (strlen(name) >= sizeof(cur) || customs__path_normalize(cur, name) < 0)
		return NULL;
	for (int hops = 0; hops < 16; hops++) {
		const tar_member *m = find_exact(ix, cur);
		if (!m)
			return NULL;
		if (m->type == '0' || m->type == '7')
			return m;
		if (!m->link)
			return NULL;
		if (m->type == '1') {
			/* hard link names are archive-root relative */
			if (strlen(m->link) >= sizeof(cur) || customs__path_normalize(cur, m->link) < 0)
				return NULL;
			continue;
		}
		if (m->type != '2' || m->link[0] == '/')
			return NULL; /* absolute symlinks would leave the archive */
		const char *slash = strrchr(cur, '/');
		int dl = slash ? (int)(slash - cur) : 0;
		snprintf(tmp, sizeof(tmp), "%.*s%s%s", dl, cur, dl ? "/" : "", m->link);
		/* resolve ".." lexically, refusing to climb above the root */
		char *parts[512];
		int np = 0;
		for (char *s = strtok(tmp, "/"); s; s = strtok(NULL, "/")) {
			if (!strcmp(s, ".") || !*s)
				continue;
			if (!strcmp(s, "..")) {
				if (np == 0)
					return NULL;
				np--;
				continue;
			}
			if (np == 512)
				return NULL;
			parts[np++] = s;
		}
		cur[0] = '\0';
		size_t used = 0;
		for (int i = 0; i < np; i++) {
			int k = snprintf(cur + used, sizeof(cur) - used, "%s%s", i ? "/" : "", parts[i]);
			if (k < 0 || (size_t)k >= sizeof(cur) - used)
				return NULL;
			used += (size_t)k;
		}
	}
	return NULL;
}

void source__tar_index_release(tar_index *ix)
{
	for (size_t i = 0; i < ix->n; i++) {
		free(ix->m[i].name);
		free(ix->m[i].link);
	}
	free(ix->m);
	memset(ix, 0, sizeof(*ix));
}
