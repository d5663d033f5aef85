/* go_buildinfo.c - Go build info (what `go version -m` prints) read from
 * executables while they stream past (exe.c), never buffering a whole
 * binary, and its module lines.  Formats: Go's debug/buildinfo and
 * runtime/debug.ParseBuildInfo (FORMATS-images.md §6).
 *
 * How the Go scan works on a stream.  The 32-byte build info header sits at
 * a 16-byte aligned file offset but its section's offset is known only from
 * section headers, which GNU ld writes at the end of the file.  So every
 * aligned 16-byte slot is compared against the 14-byte magic as the bytes
 * pass (one 8-byte load per slot: cheaper than memchr for 0xff, a byte that
 * is everywhere in machine code), with the bytes of a slot split between two
 * chunks carried over.  A hit is validated (pointer size 4 or 8, flags <= 3)
 * and captured until it decodes; a candidate that does not decode is
 * dropped and the bytes it swallowed are scanned again.
 *   - Inline format (Go >= 1.18): two uvarint-prefixed strings follow the
 *     header; capture them (<= GO_MAX_STRING each) and stop reading.
 *   - Pointer format (Go <= 1.17): two virtual addresses of Go string
 *     headers, which point at the bytes.  They are mapped to file offsets
 *     through the load segments taken from the first EXE_HEAD bytes; what
 *     lies ahead is captured when the stream reaches it, what lies behind
 *     must have been kept: for an ELF, a copy of its read-only, non-exec
 *     PT_LOAD segment (.rodata, where the Go linker puts string data; its
 *     first GO_RING_MAX bytes), else a ring of the last GO_RING_MAX bytes.
 *     Either is kept only for files that look like Go (a Go build-ID note
 *     or the "\xff Go build ID: " text in the first EXE_HEAD bytes, which
 *     the Go linker writes unless built with -buildid=), and dropped once
 *     the header is read.  Pointer-format data outside what was kept, or in
 *     a file without the hint, is reported as unreadable (a warning naming
 *     the offset).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/analyzers.h"
#include "analyzers/exe.h"
#include "customs/purl.h"
#include "util/util.h"

#define GO_RING_MAX (32u << 20)     /* pointer format: bytes kept behind the stream */
#define GO_MAX_VERSION 4096
#define GO_MAX_STRING (1u << 20)    /* modinfo; Go's own reader caps strings at 1 MiB */
#define GO_MAX_REJECTED 16          /* bogus magic hits scanned again before giving up */

static const unsigned char go_magic[14] = {0xff, ' ', 'G', 'o', ' ', 'b', 'u', 'i', 'l', 'd', 'i', 'n', 'f', ':'};

static int nomem(void)
{
	return customs__error(CUSTOMS_ENOMEM, "out of memory");
}

/* ---- Go build info scanner ---- */

enum { GS_SCAN, GS_CAPTURE, GS_POINTER, GS_DONE };
enum { GD_NEED, GD_OK, GD_REJECT };

struct customs_goscan {
	exe_stream es;
	int state;
	int eof;
	uint64_t scanpos;              /* absolute offset the scanner is at */
	unsigned char slot[16];        /* an aligned slot split between chunks */
	size_t slotlen;
	uint64_t slot_off;
	uint64_t cand;                 /* offset of the candidate header */
	unsigned char *cap;            /* its bytes from cand on */
	size_t caplen, capalloc, capneed;
	int rejected;
	int ptrsize, be, stage;        /* pointer format */
	exe_req req[2];
	char *version, *mod;
	size_t verlen, modlen;
	int ok;                        /* version and mod are set */
	char problem[256];             /* why the first plausible candidate failed */
};

static void gs_problem(customs_goscan *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void gs_problem(customs_goscan *g, const char *fmt, ...)
{
	va_list ap;
	if (g->problem[0])
		return;
	va_start(ap, fmt);
	vsnprintf(g->problem, sizeof(g->problem), fmt, ap);
	va_end(ap);
}

customs_goscan *customs__goscan_new(uint64_t size)
{
	customs_goscan *g = calloc(1, sizeof(*g));
	if (!g || exe__stream_init(&g->es, size) < 0) {
		free(g);
		return NULL;
	}
	g->es.want_hint = 1;
	return g;
}

void customs__goscan_free(customs_goscan *g)
{
	if (!g)
		return;
	exe__stream_release(&g->es);
	free(g->cap);
	exe__req_release(&g->req[0]);
	exe__req_release(&g->req[1]);
	free(g->version);
	free(g->mod);
	free(g);
}

static int cap_put(customs_goscan *g, const unsigned char *p, size_t n)
{
	if (g->caplen + n > g->capalloc) {
		size_t want = g->capalloc ? g->capalloc : 64;
		while (want < g->caplen + n)
			want *= 2;
		unsigned char *b = realloc(g->cap, want);
		if (!b)
			return nomem();
		g->cap = b;
		g->capalloc = want;
	}
	memcpy(g->cap + g->caplen, p, n);
	g->caplen += n;
	return 0;
}

/* Scan for an aligned magic; returns the bytes consumed.  On a hit the
 * state is GS_CAPTURE and the candidate starts at p[returned] (or in the
 * slot, already captured). */
static size_t gs_scan(customs_goscan *g, const unsigned char *p, size_t n)
{
	size_t i = 0;
	if (g->slotlen) {
		size_t take = sizeof(go_magic) - g->slotlen;
		if (take > n)
			take = n;
		memcpy(g->slot + g->slotlen, p, take);
		g->slotlen += take;
		g->scanpos += take;
		if (g->slotlen < sizeof(go_magic))
			return take;
		g->slotlen = 0;
		if (!memcmp(g->slot, go_magic, sizeof(go_magic))) {
			g->state = GS_CAPTURE;
			g->cand = g->slot_off;
			g->caplen = 0;
			g->capneed = 16;
			if (cap_put(g, g->slot, sizeof(go_magic)) < 0)
				g->state = GS_DONE; /* out of memory: give up on this file */
			return take;
		}
		i = take;
	}
	uint64_t base = g->scanpos - i;
	size_t j = i + (size_t)((16 - ((base + i) & 15)) & 15);
	uint64_t m8;
	memcpy(&m8, go_magic, 8);
	/* four slots a round with no branch between them: the magic is rare */
	for (; j + 48 + sizeof(go_magic) <= n; j += 64) {
		uint64_t a, b, c, d;
		memcpy(&a, p + j, 8), memcpy(&b, p + j + 16, 8), memcpy(&c, p + j + 32, 8), memcpy(&d, p + j + 48, 8);
		if ((a == m8) | (b == m8) | (c == m8) | (d == m8))
			break;
	}
	for (; j + sizeof(go_magic) <= n; j += 16) {
		uint64_t v;
		memcpy(&v, p + j, 8);
		if (v == m8 && !memcmp(p + j + 8, go_magic + 8, sizeof(go_magic) - 8)) {
			g->scanpos = base + j;
			g->state = GS_CAPTURE;
			g->cand = base + j;
			g->caplen = 0;
			g->capneed = 16;
			return j;
		}
	}
	if (j < n) {
		memcpy(g->slot, p + j, n - j);
		g->slotlen = n - j;
		g->slot_off = base + j;
	}
	g->scanpos = base + n;
	return n;
}

/* Go's binary.Uvarint: >0 bytes used, 0 need more, -1 overflow. */
static int uvarint(const unsigned char *p, size_t n, uint64_t *v)
{
	uint64_t x = 0;
	unsigned s = 0;
	for (size_t i = 0; i < n && i < 10; i++) {
		if (p[i] < 0x80) {
			if (i == 9 && p[i] > 1)
				return -1;
			*v = x | (uint64_t)p[i] << s;
			return (int)i + 1;
		}
		x |= (uint64_t)(p[i] & 0x7f) << s;
		s += 7;
	}
	return n >= 10 ? -1 : 0;
}

static int gs_set_result(customs_goscan *g, const unsigned char *ver, size_t vl, const unsigned char *mod, size_t ml)
{
	if (!(g->version = customs_strndup((const char *)ver, vl)) || !(g->mod = malloc(ml ? ml : 1))) {
		free(g->version);
		g->version = NULL;
		return nomem();
	}
	memcpy(g->mod, mod, ml);
	g->verlen = vl;
	g->modlen = ml;
	g->ok = 1;
	return 0;
}

static int gs_ptr_progress(customs_goscan *g);

/* Pointer format: map the two string-header addresses and ask for them. */
static int gs_ptr_start(customs_goscan *g)
{
	const unsigned char *h = g->cap;
	g->ptrsize = h[14];
	g->be = h[15] & 1;
	exe__stream_parse(&g->es);
	for (int i = 0; i < 2; i++) {
		uint64_t va = exe_rdptr(h + 16 + i * g->ptrsize, g->ptrsize, g->be), off;
		if (!exe__map(&g->es.h, va, (uint64_t)2 * g->ptrsize, &off) || off > g->es.size ||
		    2u * g->ptrsize > g->es.size - off) {
			gs_problem(g, "build info at offset %llu points to address 0x%llx, outside the file's segments",
				   (unsigned long long)g->cand, (unsigned long long)va);
			return GD_REJECT;
		}
		int rc = exe__req_start(&g->req[i], &g->es, off, 2u * (size_t)g->ptrsize);
		if (rc == CUSTOMS_ENOMEM)
			return rc;
		if (rc < 0) {
			gs_problem(g, "build info at offset %llu points back to offset %llu, before the bytes kept",
				   (unsigned long long)g->cand, (unsigned long long)off);
			return GD_REJECT;
		}
	}
	g->stage = 1;
	g->state = GS_POINTER;
	int rc = gs_ptr_progress(g);
	return rc < 0 ? rc : GD_OK;
}

/* After requests filled: string headers -> string bytes -> result. */
static int gs_ptr_progress(customs_goscan *g)
{
	if (g->state != GS_POINTER || g->req[0].got < g->req[0].len || g->req[1].got < g->req[1].len)
		return 0;
	if (g->stage == 1) {
		uint64_t va[2], len[2], off[2];
		for (int i = 0; i < 2; i++) {
			va[i] = exe_rdptr(g->req[i].buf, g->ptrsize, g->be);
			len[i] = exe_rdptr(g->req[i].buf + g->ptrsize, g->ptrsize, g->be);
			exe__req_release(&g->req[i]);
		}
		for (int i = 0; i < 2; i++) {
			uint64_t max = i == 0 ? GO_MAX_VERSION : GO_MAX_STRING;
			if (len[i] > max) {
				gs_problem(g, "build info at offset %llu: %s string of %llu bytes, over the %llu-byte limit",
					   (unsigned long long)g->cand, i ? "module info" : "version",
					   (unsigned long long)len[i], (unsigned long long)max);
				g->state = GS_DONE;
				return 0;
			}
			if (len[i] && (!exe__map(&g->es.h, va[i], len[i], &off[i]) || off[i] > g->es.size ||
				       len[i] > g->es.size - off[i])) {
				gs_problem(g, "build info at offset %llu: %s string at address 0x%llx is outside the file",
					   (unsigned long long)g->cand, i ? "module info" : "version",
					   (unsigned long long)va[i]);
				g->state = GS_DONE;
				return 0;
			}
		}
		for (int i = 0; i < 2; i++) {
			int rc = exe__req_start(&g->req[i], &g->es, len[i] ? off[i] : 0, (size_t)len[i]);
			if (rc == CUSTOMS_ENOMEM)
				return rc;
			if (rc < 0) {
				gs_problem(g,
					   "build info at offset %llu: the %s string lies back at offset %llu, outside the "
					   "bytes kept (for files with a Go build ID: the read-only segment, or the last "
					   "%u MiB)",
					   (unsigned long long)g->cand, i ? "module info" : "version",
					   (unsigned long long)off[i], GO_RING_MAX >> 20);
				g->state = GS_DONE;
				return 0;
			}
		}
		g->stage = 2;
		return gs_ptr_progress(g);
	}
	g->state = GS_DONE;
	exe__ring_release(&g->es.recent);
	customs_buf_release(&g->es.ro);
	if (!g->req[0].len) {
		gs_problem(g, "build info at offset %llu has an empty Go version", (unsigned long long)g->cand);
		return 0;
	}
	return gs_set_result(g, g->req[0].buf, g->req[0].len, g->req[1].buf, g->req[1].len);
}

/* Decode the captured candidate. */
static int gs_decode(customs_goscan *g)
{
	const unsigned char *c = g->cap;
	if (g->caplen < 16)
		return g->eof ? GD_REJECT : (g->capneed = 16, GD_NEED);
	unsigned ps = c[14], fl = c[15];
	if ((ps != 4 && ps != 8) || fl > 3)
		return GD_REJECT; /* e.g. the magic as a string literal in the go command */
	if (g->caplen < 32) {
		if (g->eof) {
			gs_problem(g, "build info header at offset %llu is cut off by the end of the file",
				   (unsigned long long)g->cand);
			return GD_REJECT;
		}
		g->capneed = 32;
		return GD_NEED;
	}
	if (!(fl & 2))
		return gs_ptr_start(g);
	size_t p = 32;
	uint64_t len[2];
	size_t at[2];
	for (int i = 0; i < 2; i++) {
		int k = uvarint(c + p, g->caplen - p, &len[i]);
		if (k < 0) {
			gs_problem(g, "build info at offset %llu: bad length (varint overflow) at offset %llu",
				   (unsigned long long)g->cand, (unsigned long long)(g->cand + p));
			return GD_REJECT;
		}
		if (k == 0) {
			g->capneed = p + 10;
			goto need;
		}
		uint64_t max = i == 0 ? GO_MAX_VERSION : GO_MAX_STRING;
		if (len[i] > max) {
			gs_problem(g, "build info at offset %llu: %s length %llu is over the %llu-byte limit",
				   (unsigned long long)g->cand, i ? "module info" : "version", (unsigned long long)len[i],
				   (unsigned long long)max);
			return GD_REJECT;
		}
		if (i == 0 && len[0] == 0) {
			gs_problem(g, "build info at offset %llu has an empty Go version", (unsigned long long)g->cand);
			return GD_REJECT;
		}
		p += (size_t)k;
		at[i] = p;
		if (g->es.size != UINT64_MAX && g->cand + p + len[i] > g->es.size) {
			gs_problem(g, "build info at offset %llu: %s length %llu runs past the end of the file",
				   (unsigned long long)g->cand, i ? "module info" : "version", (unsigned long long)len[i]);
			return GD_REJECT;
		}
		if (g->caplen < p + len[i]) {
			g->capneed = p + (size_t)len[i] + (i == 0 ? 10 : 0);
			goto need;
		}
		p += (size_t)len[i];
	}
	g->state = GS_DONE;
	{
		int rc = gs_set_result(g, c + at[0], (size_t)len[0], c + at[1], (size_t)len[1]);
		return rc < 0 ? rc : GD_OK;
	}
need:
	if (g->eof) {
		gs_problem(g, "build info at offset %llu is cut off by the end of the file", (unsigned long long)g->cand);
		return GD_REJECT;
	}
	if (g->capneed <= g->caplen)
		g->capneed = g->caplen + 1;
	return GD_NEED;
}

/* Run the scanner over bytes that start at g->scanpos. */
static int gs_consume(customs_goscan *g, const unsigned char *p, size_t n)
{
	unsigned char *own = NULL;
	int err = 0;
	while (g->state == GS_SCAN || g->state == GS_CAPTURE) {
		if (g->state == GS_SCAN) {
			if (!n)
				break;
			size_t k = gs_scan(g, p, n);
			p += k, n -= k;
			continue;
		}
		size_t want = g->capneed > g->caplen ? g->capneed - g->caplen : 0;
		size_t k = n < want ? n : want;
		if (k && (err = cap_put(g, p, k)) < 0)
			break;
		if (k)
			p += k, n -= k; /* p may be NULL at end of stream */
		g->scanpos += k;
		if (g->caplen < g->capneed && !g->eof)
			break; /* n is 0: wait for more */
		int r = gs_decode(g);
		if (r < 0) {
			err = r;
			break;
		}
		if (r == GD_NEED)
			continue;
		if (r == GD_OK)
			break;
		/* rejected: scan what the candidate swallowed, then the rest */
		if (++g->rejected >= GO_MAX_REJECTED) {
			char first[sizeof(g->problem)];
			snprintf(first, sizeof(first), "%s", g->problem);
			snprintf(g->problem, sizeof(g->problem), "%d bogus build info headers: gave up (first: %.180s)",
				 g->rejected, first[0] ? first : "not decodable");
			g->state = GS_DONE;
			break;
		}
		size_t sw = g->caplen > 16 ? g->caplen - 16 : 0;
		unsigned char *b = malloc(sw + n + 1);
		if (!b) {
			err = nomem();
			break;
		}
		if (sw)
			memcpy(b, g->cap + 16, sw);
		if (n)
			memcpy(b + sw, p, n);
		free(own);
		own = b;
		p = b;
		n += sw;
		g->scanpos = g->cand + 16;
		g->caplen = 0;
		g->state = GS_SCAN;
	}
	free(own);
	return err;
}

int customs__goscan_write(customs_goscan *g, const unsigned char *data, size_t len)
{
	exe_stream *s = &g->es;
	int err;
	if (g->state == GS_DONE)
		return 1;
	if (!len)
		return 0;
	int head_done = exe__stream_take(s, data, len);
	if (s->pos - len < 8 && s->headlen >= 1) {
		int kind = exe__sniff(s->head, s->headlen);
		if (kind == 0) {
			g->state = GS_DONE; /* not an executable: stop here */
			return 1;
		}
	}
	if (head_done) {
		exe__stream_parse(s);
		if (s->h.fmt == EXE_NONE) {
			g->state = GS_DONE;
			return 1;
		}
		if (s->h.go_hint && g->state != GS_DONE && s->h.fmt == EXE_ELF && s->h.ro_size) {
			/* one allocation of the segment's size: no regrowth, no
			 * copies of code or data */
			s->ro_from = s->h.ro_off;
			s->ro.max = s->h.ro_size < GO_RING_MAX ? (size_t)s->h.ro_size : GO_RING_MAX;
			if (customs_buf_grow(&s->ro, s->ro.max) < 0)
				return CUSTOMS_ENOMEM;
			if (s->ro_from < s->pos - len) { /* started inside the head */
				size_t k = (size_t)(s->pos - len - s->ro_from);
				if (k > s->ro.max)
					k = s->ro.max;
				if (customs_buf_put(&s->ro, s->head + s->ro_from, k) < 0)
					return CUSTOMS_ENOMEM;
			}
		} else if (s->h.go_hint && g->state != GS_DONE && !s->recent.cap) {
			exe__ring_init(&s->recent, GO_RING_MAX, 0);
			if (exe__ring_put(&s->recent, s->head, (size_t)(s->pos - len)) < 0)
				return CUSTOMS_ENOMEM;
		}
	}
	if ((err = exe__stream_keep(s)) < 0)
		return err;
	if (g->state == GS_POINTER) {
		exe__req_fill(&g->req[0], s);
		exe__req_fill(&g->req[1], s);
		if ((err = gs_ptr_progress(g)) < 0)
			return err;
	} else if ((err = gs_consume(g, data, len)) < 0) {
		return err;
	}
	if (g->state == GS_DONE) {
		exe__ring_release(&s->recent);
		customs_buf_release(&s->ro);
		return 1;
	}
	return 0;
}

/* End of the stream: settle a pending candidate. */
static int gs_eof(customs_goscan *g)
{
	int err = 0;
	g->eof = 1;
	if (g->state == GS_CAPTURE && !g->es.parsed)
		exe__stream_parse(&g->es);
	while (g->state == GS_CAPTURE && err == 0)
		err = gs_consume(g, NULL, 0);
	if (g->state == GS_POINTER) {
		for (int i = 0; i < 2; i++)
			if (g->req[i].got < g->req[i].len) {
				gs_problem(g, "build info at offset %llu points to offset %llu, past the end of the file",
					   (unsigned long long)g->cand, (unsigned long long)(g->req[i].off + g->req[i].got));
				break;
			}
		g->state = GS_DONE;
	}
	return err;
}

int customs__goscan_finish(customs_goscan *g, customs_package ***out, size_t *n, customs_parse_warn_fn warn, void *ud)
{
	int err;
	*out = NULL;
	*n = 0;
	if ((err = gs_eof(g)) < 0)
		return err;
	if (g->ok)
		return customs__go_parse_modinfo(out, n, g->version, g->verlen, g->mod, g->modlen, warn, ud);
	if (g->problem[0]) {
		customs__parse_warnf(warn, ud, 0, "%s", g->problem);
		return CUSTOMS_EFORMAT;
	}
	return CUSTOMS_ENOTFOUND;
}

/* ---- modinfo (runtime/debug.ParseBuildInfo) ---- */

/* pkg:golang/<path up to the last slash>/<last element>@<version> */
static char *go_purl(const char *path, const char *version)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return customs_purl_make("golang", NULL, path, version, NULL, NULL);
	char *ns = customs_strndup(path, (size_t)(slash - path));
	char *purl = ns ? customs_purl_make("golang", ns, slash + 1, version, NULL, NULL) : NULL;
	free(ns);
	return purl;
}

static customs_package *go_pkg(const char *name, const char *version, const char *purl_version)
{
	customs_package *p = customs_package_new();
	if (!p)
		return NULL;
	if (!(p->type = customs_strdup("go-module")) || !(p->name = customs_strdup(name)) ||
	    !(p->version = customs_strdup(version)) || !(p->metadata = json_object())) {
		customs_package_free(p);
		return NULL;
	}
	p->purl = go_purl(name, purl_version); /* NULL when the path breaks purl rules */
	return p;
}

static int md_str(json_t *o, const char *key, const char *v)
{
	if (!v || !*v)
		return 0;
	return json_object_set_new(o, key, json_string(v)) < 0 ? nomem() : 0;
}

/* strconv.Unquote for "..." and `...`; NULL when malformed. */
static char *go_unquote(const char *s, size_t n)
{
	if (n < 2 || s[n - 1] != s[0])
		return NULL;
	if (s[0] == '`')
		return memchr(s + 1, '`', n - 2) ? NULL : customs_strndup(s + 1, n - 2);
	customs_buf b = CUSTOMS_BUF_INIT(0);
	for (size_t i = 1; i + 1 < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\n')
			goto bad;
		if (c != '\\') {
			if (customs_buf_put(&b, &c, 1) < 0)
				goto bad;
			continue;
		}
		if (++i + 1 >= n)
			goto bad;
		char e = s[i];
		const char *simple = strchr("abfnrtv\\\"", e);
		if (simple && e) {
			static const char map[] = "\a\b\f\n\r\t\v\\\"";
			if (customs_buf_put(&b, &map[simple - "abfnrtv\\\""], 1) < 0)
				goto bad;
			continue;
		}
		unsigned digits = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : (e >= '0' && e <= '7') ? 3 : 0;
		if (!digits)
			goto bad;
		size_t start = (e >= '0' && e <= '7') ? i : i + 1;
		if (start + digits >= n)
			goto bad;
		uint32_t v = 0;
		for (unsigned k = 0; k < digits; k++) {
			char d = s[start + k];
			int x = d >= '0' && d <= '9' ? d - '0' : d >= 'a' && d <= 'f' ? d - 'a' + 10
				: d >= 'A' && d <= 'F' ? d - 'A' + 10 : 99;
			if (x >= ((e >= '0' && e <= '7') ? 8 : 16))
				goto bad;
			v = v * ((e >= '0' && e <= '7') ? 8 : 16) + (uint32_t)x;
		}
		i = start + digits - 1;
		unsigned char u[4];
		size_t ul;
		if (e == 'x' || (e >= '0' && e <= '7')) {
			if (v > 255)
				goto bad;
			u[0] = (unsigned char)v, ul = 1;
		} else if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000)) {
			goto bad;
		} else if (v < 0x80) {
			u[0] = (unsigned char)v, ul = 1;
		} else if (v < 0x800) {
			u[0] = (unsigned char)(0xc0 | v >> 6), u[1] = (unsigned char)(0x80 | (v & 0x3f)), ul = 2;
		} else if (v < 0x10000) {
			u[0] = (unsigned char)(0xe0 | v >> 12), u[1] = (unsigned char)(0x80 | ((v >> 6) & 0x3f));
			u[2] = (unsigned char)(0x80 | (v & 0x3f)), ul = 3;
		} else {
			u[0] = (unsigned char)(0xf0 | v >> 18), u[1] = (unsigned char)(0x80 | ((v >> 12) & 0x3f));
			u[2] = (unsigned char)(0x80 | ((v >> 6) & 0x3f)), u[3] = (unsigned char)(0x80 | (v & 0x3f)), ul = 4;
		}
		if (customs_buf_put(&b, u, ul) < 0)
			goto bad;
	}
	if (customs_buf_put(&b, "", 0) < 0 || (!b.ptr && customs_buf_puts(&b, "") < 0))
		goto bad;
	return customs_buf_detach(&b);
bad:
	customs_buf_release(&b);
	return NULL;
}

/* "build\t" line: key=value with Go's quoting rules; 0 ok, 1 malformed, CUSTOMS_ENOMEM */
static int build_setting(json_t *settings, const char *kv, size_t n)
{
	char *key = NULL, *val = NULL;
	const char *rest;
	size_t rn;
	int rc = 1;
	if (!n || kv[0] == '=')
		return 1;
	if (kv[0] == '"' || kv[0] == '`') {
		/* quoted key: find its end */
		size_t e = 1;
		while (e < n && kv[e] != kv[0]) {
			if (kv[0] == '"' && kv[e] == '\\')
				e++;
			e++;
		}
		if (e >= n || e + 1 >= n || kv[e + 1] != '=' || !(key = go_unquote(kv, e + 1)))
			return 1;
		rest = kv + e + 2;
		rn = n - e - 2;
	} else {
		const char *eq = memchr(kv, '=', n);
		if (!eq)
			return 1;
		key = customs_strndup(kv, (size_t)(eq - kv));
		rest = eq + 1;
		rn = n - (size_t)(eq - kv) - 1;
	}
	if (!key)
		return nomem();
	if (rn && (rest[0] == '"' || rest[0] == '`')) {
		if (!(val = go_unquote(rest, rn)))
			goto done; /* malformed, or out of memory: either way skipped */
	} else if (!(val = customs_strndup(rest, rn))) {
		rc = nomem();
		goto done;
	}
	if (json_object_set_new(settings, key, json_string(val)) < 0)
		rc = nomem();
	else
		rc = 0;
done:
	free(key);
	free(val);
	return rc;
}

typedef struct gomod {
	char *path, *version, *sum;
	char *rpath, *rversion, *rsum;
	int replaced, main;
} gomod;

static void gomod_release(gomod *m)
{
	free(m->path), free(m->version), free(m->sum), free(m->rpath), free(m->rversion), free(m->rsum);
	memset(m, 0, sizeof(*m));
}

/* Split a line's tab-separated columns (at most 4 kept). */
static size_t columns(const char *s, size_t n, const char **col, size_t *len, size_t max)
{
	size_t k = 0;
	const char *end = s + n;
	for (;;) {
		const char *t = memchr(s, '\t', (size_t)(end - s));
		const char *e = t ? t : end;
		if (k < max) {
			col[k] = s;
			len[k] = (size_t)(e - s);
		}
		k++;
		if (!t)
			break;
		s = t + 1;
	}
	return k;
}

static int valid_text(const char *s, size_t n)
{
	return customs_utf8_valid_prefix((const unsigned char *)s, n) == n;
}

/* golang.org/x/mod/modfile.IsDirectoryPath */
static int is_dir_path(const char *p)
{
	return !strncmp(p, "./", 2) || !strncmp(p, "../", 3) || !strcmp(p, ".") || !strcmp(p, "..") || p[0] == '/' ||
	       !strncmp(p, ".\\", 2) || !strncmp(p, "..\\", 3) || p[0] == '\\' ||
	       (((p[0] >= 'a' && p[0] <= 'z') || (p[0] >= 'A' && p[0] <= 'Z')) && p[1] == ':');
}

static customs_package *module_pkg(const gomod *m)
{
	const char *name = m->path, *ver = m->version, *sum = m->sum;
	int dir = 0;
	if (m->replaced) {
		if (!is_dir_path(m->rpath) && *m->rversion) {
			name = m->rpath, ver = m->rversion, sum = m->rsum;
		} else {
			/* a directory: the code is local, its version unknown
			 * (Go <= 1.18 writes an empty one, later "(devel)") */
			ver = "(devel)", sum = NULL, dir = 1;
		}
	}
	customs_package *p = go_pkg(name, ver, ver);
	if (!p)
		return NULL;
	json_t *md = p->metadata;
	if (md_str(md, "sum", sum) < 0)
		goto fail;
	if (m->main && json_object_set_new(md, "main_module", json_true()) < 0)
		goto fail;
	if (m->replaced) {
		json_t *r = json_object();
		if (!r || json_object_set_new(md, "replaces", r) < 0 || md_str(r, "path", m->path) < 0 ||
		    md_str(r, "version", m->version) < 0 || (dir && md_str(md, "replacement_dir", m->rpath) < 0))
			goto fail;
	}
	return p;
fail:
	customs_package_free(p);
	return NULL;
}

int customs__go_parse_modinfo(customs_package ***out, size_t *n, const char *version, size_t vlen, const char *mod,
			      size_t mlen, customs_parse_warn_fn warn, void *ud)
{
	customs_pkgvec v = {0};
	gomod mainm = {0}, *deps = NULL, *last = NULL;
	size_t ndeps = 0, capdeps = 0, lineno = 0;
	char *path = NULL, *gover = NULL, *stdver = NULL;
	json_t *settings = json_object();
	int err = 0;

	*out = NULL;
	*n = 0;
	if (!settings)
		return nomem();
	if (!(gover = customs_utf8_strndup(version, vlen))) {
		err = nomem();
		goto done;
	}
	/* sentinels around modinfo, as Go strips them */
	if (mlen >= 33 && mod[mlen - 17] == '\n') {
		mod += 16;
		mlen -= 32;
	} else {
		mlen = 0;
	}
	const char *s = mod, *end = mod + mlen;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		if (!nl)
			break; /* Go drops a last line without \n */
		size_t ln = (size_t)(nl - s);
		const char *line = s;
		s = nl + 1;
		lineno++;
		if (!valid_text(line, ln)) {
			customs__parse_warnf(warn, ud, lineno, "module info line is not UTF-8: skipped");
			continue;
		}
		const char *col[4];
		size_t cl[4];
		if (ln > 5 && !memcmp(line, "path\t", 5)) {
			free(path);
			if (!(path = customs_strndup(line + 5, ln - 5))) {
				err = nomem();
				goto done;
			}
		} else if ((ln > 4 && !memcmp(line, "mod\t", 4)) || (ln > 4 && !memcmp(line, "dep\t", 4))) {
			int is_main = line[0] == 'm';
			size_t k = columns(line + 4, ln - 4, col, cl, 4);
			if (k != 2 && k != 3) {
				customs__parse_warnf(warn, ud, lineno,
						     "%s line with %zu columns (want 2 or 3): skipped",
						     is_main ? "mod" : "dep", k);
				last = NULL;
				continue;
			}
			gomod *m;
			if (is_main) {
				gomod_release(&mainm);
				m = &mainm;
			} else {
				if (ndeps == capdeps) {
					size_t nc = capdeps ? capdeps * 2 : 16;
					gomod *nd = realloc(deps, nc * sizeof(*nd));
					if (!nd) {
						err = nomem();
						goto done;
					}
					deps = nd;
					capdeps = nc;
				}
				m = &deps[ndeps++];
				memset(m, 0, sizeof(*m));
			}
			m->main = is_main;
			if (!(m->path = customs_strndup(col[0], cl[0])) || !(m->version = customs_strndup(col[1], cl[1])) ||
			    (k == 3 && !(m->sum = customs_strndup(col[2], cl[2])))) {
				err = nomem();
				goto done;
			}
			last = m;
		} else if (ln > 3 && !memcmp(line, "=>\t", 3)) {
			size_t k = columns(line + 3, ln - 3, col, cl, 4);
			if (k != 3) {
				customs__parse_warnf(warn, ud, lineno, "replacement with %zu columns (want 3): skipped",
						     k);
				continue;
			}
			if (!last) {
				customs__parse_warnf(warn, ud, lineno,
						     "replacement with no module on the line before: skipped");
				continue;
			}
			last->replaced = 1;
			if (!(last->rpath = customs_strndup(col[0], cl[0])) || !(last->rversion = customs_strndup(col[1], cl[1])) ||
			    !(last->rsum = customs_strndup(col[2], cl[2]))) {
				err = nomem();
				goto done;
			}
			last = NULL;
		} else if (ln >= 6 && !memcmp(line, "build\t", 6)) {
			int rc = build_setting(settings, line + 6, ln - 6);
			if (rc == CUSTOMS_ENOMEM) {
				err = rc;
				goto done;
			}
			if (rc > 0)
				customs__parse_warnf(warn, ud, lineno, "malformed build setting \"%.*s\": skipped",
						     (int)(ln < 80 ? ln : 80), line);
		}
	}

	/* stdlib: "go1.22.1 X:loopvar" -> go1.22.1; "devel go1.23-abc ..." -> go1.23-abc */
	{
		const char *t = gover;
		size_t tl = strcspn(t, " ");
		if (tl == 5 && !memcmp(t, "devel", 5) && t[5] == ' ') {
			t += 6;
			tl = strcspn(t, " ");
		}
		if (!(stdver = customs_strndup(t, tl))) {
			err = nomem();
			goto done;
		}
	}
	customs_package *std = go_pkg("stdlib", stdver, strncmp(stdver, "go", 2) ? stdver : stdver + 2);
	if (!std || (err = customs__pkgvec_push(&v, std)) < 0) {
		err = err ? err : nomem();
		goto done;
	}
	if (mainm.path && mainm.version) {
		customs_package *p = module_pkg(&mainm);
		if (!p || (err = customs__pkgvec_push(&v, p)) < 0) {
			err = err ? err : nomem();
			goto done;
		}
	}
	for (size_t i = 0; i < ndeps; i++) {
		customs_package *p = module_pkg(&deps[i]);
		if (!p || (err = customs__pkgvec_push(&v, p)) < 0) {
			err = err ? err : nomem();
			goto done;
		}
	}
	/* every package: the toolchain and the main package; the build
	 * settings go with the main module, else with stdlib */
	for (size_t i = 0; i < v.n; i++) {
		json_t *md = v.v[i]->metadata;
		if (md_str(md, "go_version", gover) < 0 || md_str(md, "main_path", path) < 0) {
			err = nomem();
			goto done;
		}
	}
	{
		customs_package *owner = v.n > 1 && mainm.path ? v.v[1] : v.v[0];
		if (json_object_size(settings) && json_object_set(owner->metadata, "build_settings", settings) < 0) {
			err = nomem();
			goto done;
		}
	}
done:
	json_decref(settings);
	gomod_release(&mainm);
	for (size_t i = 0; i < ndeps; i++)
		gomod_release(&deps[i]);
	free(deps);
	free(path);
	free(gover);
	free(stdver);
	if (err < 0) {
		for (size_t i = 0; i < v.n; i++)
			customs_package_free(v.v[i]);
		free(v.v);
		return err;
	}
	*out = v.v;
	*n = v.n;
	return 0;
}

