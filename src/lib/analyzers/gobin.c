/* gobin.c - Go build info (what `go version -m` prints) read from
 * executables while they stream past, never buffering a whole binary; and
 * the stream machinery the Rust analyzer uses to pull cargo-auditable's
 * `.dep-v0` section out of one.  Formats: Go's debug/buildinfo and
 * runtime/debug.ParseBuildInfo (FORMATS-images.md §6), ELF / PE / Mach-O
 * headers (§9), cargo-auditable's section placement (§7).
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
 * The callbacks keep no shared state but the result list (under a mutex),
 * so the analyzer runs on every layer thread at once.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/analyzers.h"
#include "core/copies.h"
#include "customs/purl.h"
#include "util/util.h"

#define EXE_HEAD (64u << 10)        /* headers, program headers, load commands */
#define EXE_MAX_SEGS 64
#define GO_RING_MAX (32u << 20)     /* pointer format: bytes kept behind the stream */
#define GO_MAX_VERSION 4096
#define GO_MAX_STRING (1u << 20)    /* modinfo; Go's own reader caps strings at 1 MiB */
#define GO_MAX_REJECTED 16          /* bogus magic hits scanned again before giving up */
#define AUD_TAIL_HEAD (4u << 20)    /* ELF tail kept from its start (GNU ld: .dep-v0 first) */
#define AUD_TAIL_RING (12u << 20)   /* and its last bytes (lld: .dep-v0 before .symtab) */
#define AUD_MAX_SECTIONS 65536
#define AUD_MAX_SHSTRTAB (1u << 20)
#define AUD_MAX_DEP (8u << 20)

static const unsigned char go_magic[14] = {0xff, ' ', 'G', 'o', ' ', 'b', 'u', 'i', 'l', 'd', 'i', 'n', 'f', ':'};

static void warnf(customs_parse_warn_fn warn, void *ud, size_t line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void warnf(customs_parse_warn_fn warn, void *ud, size_t line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	if (!warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	warn(ud, line, msg);
}

static int nomem(void)
{
	return customs__error(CUSTOMS_ENOMEM, "out of memory");
}

/* ---- byte order ---- */

static uint16_t rd16(const unsigned char *p, int be)
{
	return be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static uint32_t rd32(const unsigned char *p, int be)
{
	return be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
		  : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint64_t rd64(const unsigned char *p, int be)
{
	uint64_t hi = rd32(p + (be ? 0 : 4), be), lo = rd32(p + (be ? 4 : 0), be);
	return hi << 32 | lo;
}

static uint64_t rdptr(const unsigned char *p, int size, int be)
{
	return size == 8 ? rd64(p, be) : rd32(p, be);
}

/* ---- executable headers ---- */

enum { EXE_UNKNOWN, EXE_NONE, EXE_ELF, EXE_PE, EXE_MACHO, EXE_FAT };

typedef struct exe_seg {
	uint64_t vaddr, off, size;
} exe_seg;

typedef struct exe_info {
	int fmt, is64, be;
	exe_seg seg[EXE_MAX_SEGS];     /* virtual address -> file offset */
	size_t nseg;
	uint64_t load_end;             /* ELF: end of the last PT_LOAD's file bytes */
	uint64_t shoff, shnum;         /* ELF section header table */
	uint32_t shentsize, shstrndx;
	uint64_t dep_off, dep_size;    /* PE / Mach-O: .dep-v0 named in the headers */
	int has_dep;
	uint64_t ro_off, ro_size;      /* ELF: the largest read-only, non-exec PT_LOAD */
	int go_hint;                   /* a Go build ID in the head */
} exe_info;

/* -1: need more bytes, 0: not an executable we read, 1: one we do */
static int exe_sniff(const unsigned char *p, size_t n)
{
	if (n >= 1 && p[0] != 0x7f && p[0] != 'M' && p[0] != 0xfe && p[0] != 0xce && p[0] != 0xcf && p[0] != 0xca)
		return 0;
	if (n < 8)
		return -1;
	if (!memcmp(p, "\x7f" "ELF", 4) || !memcmp(p, "MZ", 2))
		return 1;
	uint32_t m = rd32(p, 0);
	if (m == 0xfeedface || m == 0xfeedfacf || m == 0xcefaedfe || m == 0xcffaedfe)
		return 1;
	/* fat Mach-O; 0xcafebabe is also a Java class file: few arches */
	if (m == 0xbebafeca && rd32(p + 4, 1) > 0 && rd32(p + 4, 1) <= 16)
		return 1;
	return 0;
}

static void add_seg(exe_info *h, uint64_t vaddr, uint64_t off, uint64_t size)
{
	if (h->nseg < EXE_MAX_SEGS && size) {
		h->seg[h->nseg].vaddr = vaddr;
		h->seg[h->nseg].off = off;
		h->seg[h->nseg].size = size;
		h->nseg++;
	}
}

static void parse_elf(exe_info *h, const unsigned char *p, size_t n)
{
	if (n < 52 || (p[4] != 1 && p[4] != 2) || (p[5] != 1 && p[5] != 2))
		return;
	int is64 = p[4] == 2, be = p[5] == 2;
	if (is64 && n < 64)
		return;
	h->fmt = EXE_ELF;
	h->is64 = is64;
	h->be = be;
	uint64_t phoff = is64 ? rd64(p + 0x20, be) : rd32(p + 0x1c, be);
	h->shoff = is64 ? rd64(p + 0x28, be) : rd32(p + 0x20, be);
	uint32_t phentsize = rd16(p + (is64 ? 0x36 : 0x2a), be), phnum = rd16(p + (is64 ? 0x38 : 0x2c), be);
	h->shentsize = rd16(p + (is64 ? 0x3a : 0x2e), be);
	h->shnum = rd16(p + (is64 ? 0x3c : 0x30), be);
	h->shstrndx = rd16(p + (is64 ? 0x3e : 0x32), be);
	if (phentsize != (is64 ? 56u : 32u) || phoff >= n)
		return;
	for (uint32_t i = 0; i < phnum && i < 4096; i++) {
		uint64_t o = phoff + (uint64_t)i * phentsize;
		if (o + phentsize > n)
			break;
		const unsigned char *ph = p + o;
		if (rd32(ph, be) != 1) /* PT_LOAD */
			continue;
		uint64_t off = is64 ? rd64(ph + 8, be) : rd32(ph + 4, be);
		uint64_t vaddr = is64 ? rd64(ph + 16, be) : rd32(ph + 8, be);
		uint64_t filesz = is64 ? rd64(ph + 32, be) : rd32(ph + 16, be);
		if (off + filesz < off)
			continue;
		add_seg(h, vaddr, off, filesz);
		if (!(rd32(ph + (is64 ? 4 : 24), be) & 3) && filesz > h->ro_size) /* not PF_X, not PF_W */
			h->ro_off = off, h->ro_size = filesz;
		if (off + filesz > h->load_end)
			h->load_end = off + filesz;
	}
}

static void parse_pe(exe_info *h, const unsigned char *p, size_t n)
{
	if (n < 0x40)
		return;
	uint32_t pe = rd32(p + 0x3c, 0);
	if (pe > n || n - pe < 24 || memcmp(p + pe, "PE\0\0", 4) != 0)
		return;
	h->fmt = EXE_PE;
	uint32_t nsec = rd16(p + pe + 6, 0), optsize = rd16(p + pe + 20, 0);
	uint64_t opt = (uint64_t)pe + 24, base;
	if (opt + 32 > n)
		return;
	uint16_t magic = rd16(p + opt, 0);
	if (magic == 0x20b)
		base = rd64(p + opt + 24, 0), h->is64 = 1;
	else if (magic == 0x10b)
		base = rd32(p + opt + 28, 0);
	else
		return;
	for (uint32_t i = 0; i < nsec; i++) {
		uint64_t o = opt + optsize + (uint64_t)i * 40;
		if (o + 40 > n)
			break;
		const unsigned char *s = p + o;
		uint32_t vsize = rd32(s + 8, 0), va = rd32(s + 12, 0), rawsize = rd32(s + 16, 0), raw = rd32(s + 20, 0);
		add_seg(h, base + va, raw, vsize && vsize < rawsize ? vsize : rawsize);
		if (!memcmp(s, ".dep-v0\0", 8) && !h->has_dep) {
			/* raw data is padded to FileAlignment: the zlib stream ends itself */
			h->has_dep = 1;
			h->dep_off = raw;
			h->dep_size = rawsize;
		}
	}
}

static void parse_macho(exe_info *h, const unsigned char *p, size_t n)
{
	uint32_t m = rd32(p, 0);
	int be = m == 0xcefaedfe || m == 0xcffaedfe, is64 = m == 0xfeedfacf || m == 0xcffaedfe;
	size_t hdr = is64 ? 32 : 28;
	if (n < hdr)
		return;
	h->fmt = EXE_MACHO;
	h->is64 = is64;
	h->be = be;
	uint32_t ncmds = rd32(p + 16, be);
	uint64_t o = hdr;
	for (uint32_t i = 0; i < ncmds && o + 8 <= n; i++) {
		uint32_t cmd = rd32(p + o, be), size = rd32(p + o + 4, be);
		if (size < 8 || o + size > n)
			break;
		const unsigned char *c = p + o;
		if ((cmd == 0x19 && size >= 72) || (cmd == 0x1 && size >= 56)) {
			int w = cmd == 0x19;
			uint64_t vmaddr = w ? rd64(c + 24, be) : rd32(c + 24, be);
			uint64_t fileoff = w ? rd64(c + 40, be) : rd32(c + 32, be);
			uint64_t filesize = w ? rd64(c + 48, be) : rd32(c + 36, be);
			uint32_t nsects = rd32(c + (w ? 64 : 48), be);
			size_t ssz = w ? 80 : 68, s0 = w ? 72 : 56;
			add_seg(h, vmaddr, fileoff, filesize);
			for (uint32_t k = 0; k < nsects && s0 + (uint64_t)(k + 1) * ssz <= size; k++) {
				const unsigned char *s = c + s0 + (size_t)k * ssz;
				if (!memcmp(s, ".dep-v0\0", 8) && !h->has_dep) {
					h->has_dep = 1;
					h->dep_size = w ? rd64(s + 40, be) : rd32(s + 36, be);
					h->dep_off = rd32(s + (w ? 48 : 40), be);
				}
			}
		}
		o += size;
	}
}

static int go_note(const unsigned char *p, size_t n)
{
	/* ELF note {namesz 4, descsz, type 4, "Go\0\0"} in either byte order */
	static const unsigned char le[8] = {4, 0, 0, 0, 'G', 'o', 0, 0}, be[8] = {0, 0, 0, 4, 'G', 'o', 0, 0};
	for (const unsigned char *q = p; (q = memmem(q, n - (size_t)(q - p), "Go\0\0", 4)) != NULL; q++) {
		size_t at = (size_t)(q - p);
		if (at >= 12 && (!memcmp(q - 4, le, 4) || !memcmp(q - 4, be, 4)) &&
		    (!memcmp(q - 12, le, 4) || !memcmp(q - 12, be, 4)))
			return 1;
	}
	return memmem(p, n, "\xff Go build ID: \"", 16) != NULL;
}

static void exe_parse(exe_info *h, const unsigned char *p, size_t n, int want_hint)
{
	memset(h, 0, sizeof(*h));
	h->fmt = EXE_NONE;
	if (n >= 4 && !memcmp(p, "\x7f" "ELF", 4))
		parse_elf(h, p, n);
	else if (n >= 2 && !memcmp(p, "MZ", 2))
		parse_pe(h, p, n);
	else if (n >= 4 && rd32(p, 1) == 0xcafebabe)
		h->fmt = EXE_FAT; /* slices not mapped: inline build info only */
	else if (n >= 4)
		parse_macho(h, p, n);
	if (h->fmt != EXE_NONE && want_hint)
		h->go_hint = go_note(p, n);
}

/* File offset of [vaddr, vaddr+len) when one segment's file bytes hold it. */
static int exe_map(const exe_info *h, uint64_t vaddr, uint64_t len, uint64_t *off)
{
	for (size_t i = 0; i < h->nseg; i++) {
		const exe_seg *s = &h->seg[i];
		if (vaddr >= s->vaddr && vaddr - s->vaddr < s->size && len <= s->size - (vaddr - s->vaddr)) {
			*off = s->off + (vaddr - s->vaddr);
			return 1;
		}
	}
	return 0;
}

/* ---- keeping bytes that passed ---- */

/* The last `cap` bytes of a stream.  The buffer grows with what it holds
 * (so a short file costs what it is long), positions are offset % alloc. */
typedef struct ring {
	unsigned char *buf;
	size_t alloc, cap;
	uint64_t start, end; /* absolute offsets of what it holds */
} ring;

static void ring_init(ring *r, size_t cap, uint64_t at)
{
	memset(r, 0, sizeof(*r));
	r->cap = cap ? cap : 1;
	r->start = r->end = at;
}

static int ring_get(const ring *r, uint64_t off, size_t len, unsigned char *dst)
{
	if (!r->buf || off < r->start || off > r->end || len > r->end - off)
		return 0;
	size_t at = (size_t)(off % r->alloc), first = r->alloc - at < len ? r->alloc - at : len;
	memcpy(dst, r->buf + at, first);
	memcpy(dst + first, r->buf, len - first);
	return 1;
}

static void ring_store(ring *r, const unsigned char *p, size_t n)
{
	if (n >= r->alloc) {
		p += n - r->alloc;
		r->end += n - r->alloc;
		n = r->alloc;
	}
	size_t at = (size_t)(r->end % r->alloc), first = r->alloc - at < n ? r->alloc - at : n;
	memcpy(r->buf + at, p, first);
	memcpy(r->buf, p + first, n - first);
	r->end += n;
	if (r->end - r->start > r->alloc)
		r->start = r->end - r->alloc;
}

static int ring_put(ring *r, const unsigned char *p, size_t n)
{
	if (!r->cap || !n)
		return 0;
	size_t used = (size_t)(r->end - r->start);
	if (r->alloc < r->cap && used + n > r->alloc) {
		size_t na = r->alloc ? r->alloc : 65536;
		while (na < used + n && na < r->cap)
			na *= 2;
		if (na > r->cap)
			na = r->cap;
		unsigned char *nb = malloc(na);
		if (!nb)
			return nomem();
		ring old = *r;
		r->buf = nb;
		r->alloc = na;
		r->end = r->start;
		if (used) { /* re-lay what it held for the new modulus */
			size_t at = (size_t)(old.start % old.alloc), first = old.alloc - at < used ? old.alloc - at : used;
			ring_store(r, old.buf + at, first);
			ring_store(r, old.buf, used - first);
		}
		free(old.buf);
	}
	ring_store(r, p, n);
	return 0;
}

static void ring_release(ring *r)
{
	free(r->buf);
	memset(r, 0, sizeof(*r));
}

/* A wanted byte range: what already passed is copied at once, the rest as
 * the stream reaches it. */
typedef struct exe_req {
	uint64_t off;
	size_t len, got;
	unsigned char *buf;
	int active;
} exe_req;

typedef struct exe_stream {
	uint64_t size;                 /* from the tar header; UINT64_MAX unknown */
	uint64_t pos;                  /* bytes seen */
	unsigned char *head;
	size_t headlen;
	int parsed;
	exe_info h;
	const unsigned char *cur;      /* the chunk being handled: [pos-curlen, pos) */
	size_t curlen;
	int want_hint;                 /* look for a Go build ID */
	ring recent;                   /* Go: the last bytes (PE, Mach-O) ... */
	uint64_t ro_from;              /* ... or an ELF's read-only segment, where */
	customs_buf ro;                /* Go <= 1.17 keeps the strings it points to */
	uint64_t keep_from;            /* auditable: the ELF tail from here ... */
	int keep;
	customs_buf tailhead;          /* ... its first AUD_TAIL_HEAD bytes ... */
	ring tailring;                 /* ... and its last AUD_TAIL_RING */
} exe_stream;

static int es_init(exe_stream *s, uint64_t size)
{
	memset(s, 0, sizeof(*s));
	s->size = size ? size : UINT64_MAX;
	if (!(s->head = malloc(EXE_HEAD)))
		return nomem();
	return 0;
}

static void es_release(exe_stream *s)
{
	free(s->head);
	customs_buf_release(&s->ro);
	customs_buf_release(&s->tailhead);
	ring_release(&s->recent);
	ring_release(&s->tailring);
}

/* Take a chunk: head bytes, position.  Returns 1 when the head just became
 * complete (time to parse it). */
static int es_take(exe_stream *s, const unsigned char *p, size_t n)
{
	int was = s->headlen == EXE_HEAD || s->pos >= s->size;
	if (s->pos < EXE_HEAD) {
		size_t k = EXE_HEAD - (size_t)s->pos < n ? EXE_HEAD - (size_t)s->pos : n;
		memcpy(s->head + s->headlen, p, k);
		s->headlen += k;
	}
	s->cur = p;
	s->curlen = n;
	s->pos += n;
	return !was && !s->parsed && (s->headlen == EXE_HEAD || s->pos >= s->size);
}

static void es_parse(exe_stream *s)
{
	if (!s->parsed) {
		exe_parse(&s->h, s->head, s->headlen, s->want_hint);
		s->parsed = 1;
	}
}

/* Keep the current chunk in the rings that are on. */
static int es_keep(exe_stream *s)
{
	const unsigned char *p = s->cur;
	size_t n = s->curlen;
	uint64_t base = s->pos - n;
	if (ring_put(&s->recent, p, n) < 0)
		return CUSTOMS_ENOMEM;
	if (s->ro.max && s->ro.len < s->ro.max && base + n > s->ro_from + s->ro.len && base <= s->ro_from + s->ro.len) {
		size_t skip = (size_t)(s->ro_from + s->ro.len - base), k = n - skip;
		if (k > s->ro.max - s->ro.len)
			k = s->ro.max - s->ro.len;
		if (customs_buf_put(&s->ro, p + skip, k) < 0)
			return CUSTOMS_ENOMEM;
	}
	if (!s->keep || s->pos <= s->keep_from)
		return 0;
	if (base < s->keep_from) {
		p += s->keep_from - base;
		n -= (size_t)(s->keep_from - base);
		base = s->keep_from;
	}
	customs_buf *th = &s->tailhead;
	if (th->len < AUD_TAIL_HEAD && base == s->keep_from + th->len &&
	    customs_buf_put(th, p, AUD_TAIL_HEAD - th->len < n ? AUD_TAIL_HEAD - th->len : n) < 0)
		return CUSTOMS_ENOMEM;
	return ring_put(&s->tailring, p, n);
}

/* Copy [off, off+len) from the bytes that passed; 0 when not kept. */
static int es_past(const exe_stream *s, uint64_t off, size_t len, unsigned char *dst)
{
	if (!len)
		return 1;
	if (off + len < off || off + len > s->pos)
		return 0;
	if (off + len <= s->headlen) {
		memcpy(dst, s->head + off, len);
		return 1;
	}
	uint64_t cb = s->pos - s->curlen;
	if (off >= cb) {
		memcpy(dst, s->cur + (off - cb), len);
		return 1;
	}
	if (off + len > cb && off + len <= s->pos) { /* partly in the current chunk */
		size_t tail = (size_t)(off + len - cb);
		if (!es_past(s, off, len - tail, dst))
			return 0;
		memcpy(dst + len - tail, s->cur, tail);
		return 1;
	}
	if (ring_get(&s->recent, off, len, dst) || ring_get(&s->tailring, off, len, dst))
		return 1;
	if (s->ro.max && off >= s->ro_from && off - s->ro_from + len <= s->ro.len) {
		memcpy(dst, s->ro.ptr + (off - s->ro_from), len);
		return 1;
	}
	if (s->keep && off >= s->keep_from && off - s->keep_from + len <= s->tailhead.len) {
		memcpy(dst, s->tailhead.ptr + (off - s->keep_from), len);
		return 1;
	}
	return 0;
}

/* Start a request. 0, CUSTOMS_ENOTFOUND when its past part was not kept,
 * CUSTOMS_ENOMEM. */
static int req_start(exe_req *r, exe_stream *s, uint64_t off, size_t len)
{
	memset(r, 0, sizeof(*r));
	if (!(r->buf = malloc(len ? len : 1)))
		return nomem();
	r->off = off;
	r->len = len;
	r->active = 1;
	if (off < s->pos) {
		size_t k = off + len <= s->pos ? len : (size_t)(s->pos - off);
		if (!es_past(s, off, k, r->buf)) {
			free(r->buf);
			r->buf = NULL;
			r->active = 0;
			return CUSTOMS_ENOTFOUND;
		}
		r->got = k;
	}
	return 0;
}

/* Fill from the current chunk; 1 when complete. */
static int req_fill(exe_req *r, const exe_stream *s)
{
	if (!r->active)
		return 0;
	uint64_t want = r->off + r->got, cb = s->pos - s->curlen;
	if (r->got < r->len && want >= cb && want < s->pos) {
		size_t k = (size_t)(s->pos - want);
		if (k > r->len - r->got)
			k = r->len - r->got;
		memcpy(r->buf + r->got, s->cur + (want - cb), k);
		r->got += k;
	}
	return r->got == r->len;
}

static void req_release(exe_req *r)
{
	free(r->buf);
	memset(r, 0, sizeof(*r));
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
	if (!g || es_init(&g->es, size) < 0) {
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
	es_release(&g->es);
	free(g->cap);
	req_release(&g->req[0]);
	req_release(&g->req[1]);
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
	es_parse(&g->es);
	for (int i = 0; i < 2; i++) {
		uint64_t va = rdptr(h + 16 + i * g->ptrsize, g->ptrsize, g->be), off;
		if (!exe_map(&g->es.h, va, (uint64_t)2 * g->ptrsize, &off) || off > g->es.size ||
		    2u * g->ptrsize > g->es.size - off) {
			gs_problem(g, "build info at offset %llu points to address 0x%llx, outside the file's segments",
				   (unsigned long long)g->cand, (unsigned long long)va);
			return GD_REJECT;
		}
		int rc = req_start(&g->req[i], &g->es, off, 2u * (size_t)g->ptrsize);
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
			va[i] = rdptr(g->req[i].buf, g->ptrsize, g->be);
			len[i] = rdptr(g->req[i].buf + g->ptrsize, g->ptrsize, g->be);
			req_release(&g->req[i]);
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
			if (len[i] && (!exe_map(&g->es.h, va[i], len[i], &off[i]) || off[i] > g->es.size ||
				       len[i] > g->es.size - off[i])) {
				gs_problem(g, "build info at offset %llu: %s string at address 0x%llx is outside the file",
					   (unsigned long long)g->cand, i ? "module info" : "version",
					   (unsigned long long)va[i]);
				g->state = GS_DONE;
				return 0;
			}
		}
		for (int i = 0; i < 2; i++) {
			int rc = req_start(&g->req[i], &g->es, len[i] ? off[i] : 0, (size_t)len[i]);
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
	ring_release(&g->es.recent);
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
	int head_done = es_take(s, data, len);
	if (s->pos - len < 8 && s->headlen >= 1) {
		int kind = exe_sniff(s->head, s->headlen);
		if (kind == 0) {
			g->state = GS_DONE; /* not an executable: stop here */
			return 1;
		}
	}
	if (head_done) {
		es_parse(s);
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
			ring_init(&s->recent, GO_RING_MAX, 0);
			if (ring_put(&s->recent, s->head, (size_t)(s->pos - len)) < 0)
				return CUSTOMS_ENOMEM;
		}
	}
	if ((err = es_keep(s)) < 0)
		return err;
	if (g->state == GS_POINTER) {
		req_fill(&g->req[0], s);
		req_fill(&g->req[1], s);
		if ((err = gs_ptr_progress(g)) < 0)
			return err;
	} else if ((err = gs_consume(g, data, len)) < 0) {
		return err;
	}
	if (g->state == GS_DONE) {
		ring_release(&s->recent);
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
		es_parse(&g->es);
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
		warnf(warn, ud, 0, "%s", g->problem);
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
			warnf(warn, ud, lineno, "module info line is not UTF-8: skipped");
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
				warnf(warn, ud, lineno, "%s line with %zu columns (want 2 or 3): skipped", is_main ? "mod" : "dep", k);
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
				warnf(warn, ud, lineno, "replacement with %zu columns (want 3): skipped", k);
				continue;
			}
			if (!last) {
				warnf(warn, ud, lineno, "replacement with no module on the line before: skipped");
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
				warnf(warn, ud, lineno, "malformed build setting \"%.*s\": skipped", (int)(ln < 80 ? ln : 80), line);
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

/* ---- cargo-auditable section locator ---- */

enum { AS_HEAD, AS_SHDR, AS_SHSTR, AS_DEP, AS_DONE };

struct customs_depscan {
	exe_stream es;
	int state;
	exe_req req;
	unsigned char *shdr;           /* the section header table */
	uint64_t shnum;
	int ok;                        /* req holds .dep-v0 */
	char problem[256];
};

customs_depscan *customs__depscan_new(uint64_t size)
{
	customs_depscan *d = calloc(1, sizeof(*d));
	if (!d || es_init(&d->es, size) < 0) {
		free(d);
		return NULL;
	}
	return d;
}

void customs__depscan_free(customs_depscan *d)
{
	if (!d)
		return;
	es_release(&d->es);
	req_release(&d->req);
	free(d->shdr);
	free(d);
}

static void ds_problem(customs_depscan *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void ds_problem(customs_depscan *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->problem, sizeof(d->problem), fmt, ap);
	va_end(ap);
	d->state = AS_DONE;
}

/* Ask for [off, off+len) as the next state.  Only a .dep-v0 that cannot
 * be read is worth a warning: before it is found, the file is just an
 * executable with an odd layout (what == NULL: give up quietly). */
static int ds_want(customs_depscan *d, int state, uint64_t off, uint64_t len, const char *what)
{
	if (off > d->es.size || len > d->es.size - off) {
		if (what)
			ds_problem(d, "%s at offset %llu (%llu bytes) lies outside the file", what,
				   (unsigned long long)off, (unsigned long long)len);
		d->state = AS_DONE;
		return 0;
	}
	req_release(&d->req);
	int rc = req_start(&d->req, &d->es, off, (size_t)len);
	if (rc == CUSTOMS_ENOMEM)
		return rc;
	if (rc < 0) {
		if (what)
			ds_problem(d,
				   "%s at offset %llu lies in the part of the file not kept (first %u MiB and last "
				   "%u MiB after the loaded segments)",
				   what, (unsigned long long)off, AUD_TAIL_HEAD >> 20, AUD_TAIL_RING >> 20);
		d->state = AS_DONE;
		return 0;
	}
	d->state = state;
	return 0;
}

static int ds_progress(customs_depscan *d);

static int ds_start(customs_depscan *d)
{
	exe_info *h = &d->es.h;
	if (h->fmt == EXE_PE || h->fmt == EXE_MACHO) {
		if (!h->has_dep) {
			d->state = AS_DONE;
			return 0;
		}
		if (h->dep_size > AUD_MAX_DEP) {
			ds_problem(d, ".dep-v0 section of %llu bytes is over the %u MiB limit",
				   (unsigned long long)h->dep_size, AUD_MAX_DEP >> 20);
			return 0;
		}
		uint64_t len = h->dep_size;
		if (d->es.size != UINT64_MAX && h->dep_off <= d->es.size && len > d->es.size - h->dep_off)
			len = d->es.size - h->dep_off; /* PE padding past EOF */
		return ds_want(d, AS_DEP, h->dep_off, len, ".dep-v0 section");
	}
	if (h->fmt != EXE_ELF || !h->shoff) {
		d->state = AS_DONE;
		return 0;
	}
	if (h->shentsize != (h->is64 ? 64u : 40u)) {
		d->state = AS_DONE;
		return 0;
	}
	d->shnum = h->shnum ? h->shnum : 1; /* 0: the count is in section 0 */
	if (h->shoff > d->es.size || d->shnum * h->shentsize > d->es.size - h->shoff) {
		d->state = AS_DONE; /* a table outside the file: nothing to find */
		return 0;
	}
	if (h->shoff >= d->es.pos) {
		/* GNU ld puts the table at the end: keep the tail until it comes */
		d->es.keep = 1;
		d->es.keep_from = h->load_end < h->shoff ? h->load_end : h->shoff;
		d->es.tailhead.max = AUD_TAIL_HEAD;
		if (h->shoff - d->es.keep_from > AUD_TAIL_HEAD)
			ring_init(&d->es.tailring, AUD_TAIL_RING, d->es.keep_from);
	}
	return ds_want(d, AS_SHDR, h->shoff, d->shnum * h->shentsize, NULL);
}

static void shdr_get(const customs_depscan *d, uint64_t i, uint32_t *name, uint32_t *type, uint64_t *off,
		     uint64_t *size, uint32_t *link)
{
	const exe_info *h = &d->es.h;
	const unsigned char *s = d->shdr + i * h->shentsize;
	int be = h->be;
	*name = rd32(s, be);
	*type = rd32(s + 4, be);
	*off = h->is64 ? rd64(s + 24, be) : rd32(s + 16, be);
	*size = h->is64 ? rd64(s + 32, be) : rd32(s + 20, be);
	*link = rd32(s + (h->is64 ? 40 : 24), be);
}

static int ds_progress(customs_depscan *d)
{
	const exe_info *h = &d->es.h;
	uint32_t name, type, link;
	uint64_t off, size;
	if (!d->req.active || d->req.got < d->req.len)
		return 0;
	switch (d->state) {
	case AS_SHDR:
		if (h->shnum == 0 && d->shnum == 1) {
			/* section 0 holds the real count (ELF escape) */
			d->shdr = d->req.buf;
			shdr_get(d, 0, &name, &type, &off, &size, &link);
			d->shdr = NULL;
			if (size < 2 || size > AUD_MAX_SECTIONS) {
				d->state = AS_DONE;
				return 0;
			}
			d->shnum = size;
			int rc = ds_want(d, AS_SHDR, h->shoff, d->shnum * h->shentsize, NULL);
			return rc < 0 ? rc : ds_progress(d);
		}
		if (d->shnum > AUD_MAX_SECTIONS) {
			d->state = AS_DONE;
			return 0;
		}
		d->shdr = d->req.buf;
		d->req.buf = NULL;
		d->req.active = 0;
		{
			uint64_t strndx = h->shstrndx;
			if (strndx == 0xffff) { /* SHN_XINDEX: in section 0's sh_link */
				shdr_get(d, 0, &name, &type, &off, &size, &link);
				strndx = link;
			}
			if (strndx == 0 || strndx >= d->shnum) {
				d->state = AS_DONE;
				return 0;
			}
			shdr_get(d, strndx, &name, &type, &off, &size, &link);
			if (type == 8 || size > AUD_MAX_SHSTRTAB) {
				d->state = AS_DONE;
				return 0;
			}
			int rc = ds_want(d, AS_SHSTR, off, size, NULL);
			return rc < 0 ? rc : ds_progress(d);
		}
	case AS_SHSTR: {
		const unsigned char *names = d->req.buf;
		size_t nlen = d->req.len;
		for (uint64_t i = 1; i < d->shnum; i++) {
			shdr_get(d, i, &name, &type, &off, &size, &link);
			if (name >= nlen || nlen - name < 8 || memcmp(names + name, ".dep-v0", 8) != 0)
				continue;
			if (type == 8) /* SHT_NOBITS */
				break;
			if (size > AUD_MAX_DEP) {
				ds_problem(d, ".dep-v0 section of %llu bytes is over the %u MiB limit",
					   (unsigned long long)size, AUD_MAX_DEP >> 20);
				return 0;
			}
			int rc = ds_want(d, AS_DEP, off, size, ".dep-v0 section");
			return rc < 0 ? rc : ds_progress(d);
		}
		d->state = AS_DONE;
		return 0;
	}
	case AS_DEP:
		d->ok = 1;
		d->state = AS_DONE;
		return 0;
	default:
		return 0;
	}
}

int customs__depscan_write(customs_depscan *d, const unsigned char *data, size_t len)
{
	exe_stream *s = &d->es;
	int err;
	if (d->state == AS_DONE)
		return 1;
	if (!len)
		return 0;
	int head_done = es_take(s, data, len);
	if (s->pos - len < 8 && exe_sniff(s->head, s->headlen) == 0) {
		d->state = AS_DONE;
		return 1;
	}
	if (head_done) {
		es_parse(s);
		if ((err = ds_start(d)) < 0)
			return err;
	}
	if ((err = es_keep(s)) < 0)
		return err;
	if (d->state != AS_HEAD && d->state != AS_DONE) {
		req_fill(&d->req, s);
		if ((err = ds_progress(d)) < 0)
			return err;
	}
	return d->state == AS_DONE ? 1 : 0;
}

int customs__depscan_finish(customs_depscan *d, unsigned char **out, size_t *len, customs_parse_warn_fn warn, void *ud)
{
	int err;
	*out = NULL;
	*len = 0;
	if (d->state == AS_HEAD) {
		es_parse(&d->es);
		if ((err = ds_start(d)) < 0)
			return err;
		if ((err = ds_progress(d)) < 0)
			return err;
	}
	if (d->ok) {
		*out = d->req.buf;
		*len = d->req.len;
		d->req.buf = NULL;
		d->req.active = 0;
		return 0;
	}
	if (d->state != AS_DONE && d->state != AS_HEAD && d->req.got < d->req.len && d->state == AS_DEP)
		ds_problem(d, ".dep-v0 section at offset %llu runs past the end of the file",
			   (unsigned long long)d->req.off);
	if (d->problem[0]) {
		warnf(warn, ud, 0, "%s", d->problem);
		return CUSTOMS_EFORMAT;
	}
	return CUSTOMS_ENOTFOUND;
}

/* ---- which files: the stream analyzers' shared predicate ---- */

int customs__exe_want(const char *path, uint32_t mode, uint64_t size)
{
	(void)path;
	/* any exec bit; 64 bytes is less than any ELF/PE/Mach-O header set */
	return (mode & 0111) && size >= 64;
}

/* ---- the analyzer ---- */

typedef struct gofile {
	customs_goscan *scan;
	char *path;
	int layer;
	customs_analysis *a;
	int done;
} gofile;

static int want(void *self, const char *path, uint32_t mode, uint64_t size)
{
	(void)self;
	return customs__exe_want(path, mode, size);
}

static void *stream_open(void *self, const customs_afile *f)
{
	gofile *g = calloc(1, sizeof(*g));
	(void)self;
	if (!g)
		return NULL;
	g->layer = f->layer;
	g->a = f->analysis;
	if (!(g->path = customs_strdup(f->path)) || !(g->scan = customs__goscan_new(f->size))) {
		free(g->path);
		free(g);
		return NULL;
	}
	return g;
}

static int stream_write(void *self, void *ctx, const unsigned char *data, size_t len)
{
	gofile *g = ctx;
	(void)self;
	int rc = customs__goscan_write(g->scan, data, len);
	if (rc == 1) {
		g->done = 1;
		return CUSTOMS_EINVAL; /* nothing more wanted: stop the deliveries */
	}
	return rc;
}

static void stream_close(void *self, void *ctx, int ok)
{
	gofile *g = ctx;
	copies *b = self;
	customs_package **pkgs = NULL;
	size_t n = 0;
	customs_file_warn w = {g->a, g->path, g->layer, "Go build info"};
	if (ok || g->done) {
		int rc = customs__goscan_finish(g->scan, &pkgs, &n, customs__file_warn, &w);
		if (rc == 0) {
			rc = copies__add(b, g->path, g->layer, pkgs, n);
			free(pkgs);
		}
		if (rc == CUSTOMS_ENOMEM)
			customs_analysis_warn(g->a, CUSTOMS_ERROR, g->layer, g->path, "Go build info: out of memory");
	}
	customs__goscan_free(g->scan);
	free(g->path);
	free(g);
}

static int finish(void *self, customs_analysis *a)
{
	return copies__merge(self, a,
			     &(copies_merge){.found_by = "go-binary", .flags = COPIES_HARDLINKS | COPIES_OWNERS});
}

const customs_analyzer_type customs__gobin_analyzer = {
	.version = CUSTOMS_ANALYZER_VERSION,
	.name = "go-binary",
	.description = "Go modules and toolchain from the build info of Go executables",
	.analyzer_version = "1",
	.flags = CUSTOMS_ANALYZER_THREADSAFE,
	.want = want,
	.create = customs__copies_create,
	.destroy = customs__copies_destroy,
	.stream_open = stream_open,
	.stream_write = stream_write,
	.stream_close = stream_close,
	.finish = finish,
};
