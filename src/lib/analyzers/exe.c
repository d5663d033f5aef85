/* exe.c - executables read as they stream past (exe.h): ELF program
 * headers, PE section headers and Mach-O load commands from the first
 * EXE_HEAD bytes (FORMATS-images.md §9), and the bytes kept behind the
 * stream: a ring of the last ones, an ELF's read-only segment, an ELF's
 * tail, for requests that point back. */
#include <stdlib.h>
#include <string.h>

#include "analyzers/analyzers.h"
#include "analyzers/exe.h"
#include "util/util.h"

static int nomem(void)
{
	return customs__error(CUSTOMS_ENOMEM, "out of memory");
}

/* ---- executable headers ---- */

int exe__sniff(const unsigned char *p, size_t n)
{
	if (n >= 1 && p[0] != 0x7f && p[0] != 'M' && p[0] != 0xfe && p[0] != 0xce && p[0] != 0xcf && p[0] != 0xca)
		return 0;
	if (n < 8)
		return -1;
	if (!memcmp(p, "\x7f" "ELF", 4) || !memcmp(p, "MZ", 2))
		return 1;
	uint32_t m = exe_rd32(p, 0);
	if (m == 0xfeedface || m == 0xfeedfacf || m == 0xcefaedfe || m == 0xcffaedfe)
		return 1;
	/* fat Mach-O; 0xcafebabe is also a Java class file: few arches */
	if (m == 0xbebafeca && exe_rd32(p + 4, 1) > 0 && exe_rd32(p + 4, 1) <= 16)
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
	uint64_t phoff = is64 ? exe_rd64(p + 0x20, be) : exe_rd32(p + 0x1c, be);
	h->shoff = is64 ? exe_rd64(p + 0x28, be) : exe_rd32(p + 0x20, be);
	uint32_t phentsize = exe_rd16(p + (is64 ? 0x36 : 0x2a), be), phnum = exe_rd16(p + (is64 ? 0x38 : 0x2c), be);
	h->shentsize = exe_rd16(p + (is64 ? 0x3a : 0x2e), be);
	h->shnum = exe_rd16(p + (is64 ? 0x3c : 0x30), be);
	h->shstrndx = exe_rd16(p + (is64 ? 0x3e : 0x32), be);
	if (phentsize != (is64 ? 56u : 32u) || phoff >= n)
		return;
	for (uint32_t i = 0; i < phnum && i < 4096; i++) {
		uint64_t o = phoff + (uint64_t)i * phentsize;
		if (o + phentsize > n)
			break;
		const unsigned char *ph = p + o;
		if (exe_rd32(ph, be) != 1) /* PT_LOAD */
			continue;
		uint64_t off = is64 ? exe_rd64(ph + 8, be) : exe_rd32(ph + 4, be);
		uint64_t vaddr = is64 ? exe_rd64(ph + 16, be) : exe_rd32(ph + 8, be);
		uint64_t filesz = is64 ? exe_rd64(ph + 32, be) : exe_rd32(ph + 16, be);
		if (off + filesz < off)
			continue;
		add_seg(h, vaddr, off, filesz);
		if (!(exe_rd32(ph + (is64 ? 4 : 24), be) & 3) && filesz > h->ro_size) /* not PF_X, not PF_W */
			h->ro_off = off, h->ro_size = filesz;
		if (off + filesz > h->load_end)
			h->load_end = off + filesz;
	}
}

static void parse_pe(exe_info *h, const unsigned char *p, size_t n)
{
	if (n < 0x40)
		return;
	uint32_t pe = exe_rd32(p + 0x3c, 0);
	if (pe > n || n - pe < 24 || memcmp(p + pe, "PE\0\0", 4) != 0)
		return;
	h->fmt = EXE_PE;
	uint32_t nsec = exe_rd16(p + pe + 6, 0), optsize = exe_rd16(p + pe + 20, 0);
	uint64_t opt = (uint64_t)pe + 24, base;
	if (opt + 32 > n)
		return;
	uint16_t magic = exe_rd16(p + opt, 0);
	if (magic == 0x20b)
		base = exe_rd64(p + opt + 24, 0), h->is64 = 1;
	else if (magic == 0x10b)
		base = exe_rd32(p + opt + 28, 0);
	else
		return;
	for (uint32_t i = 0; i < nsec; i++) {
		uint64_t o = opt + optsize + (uint64_t)i * 40;
		if (o + 40 > n)
			break;
		const unsigned char *s = p + o;
		uint32_t vsize = exe_rd32(s + 8, 0), va = exe_rd32(s + 12, 0);
		uint32_t rawsize = exe_rd32(s + 16, 0), raw = exe_rd32(s + 20, 0);
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
	uint32_t m = exe_rd32(p, 0);
	int be = m == 0xcefaedfe || m == 0xcffaedfe, is64 = m == 0xfeedfacf || m == 0xcffaedfe;
	size_t hdr = is64 ? 32 : 28;
	if (n < hdr)
		return;
	h->fmt = EXE_MACHO;
	h->is64 = is64;
	h->be = be;
	uint32_t ncmds = exe_rd32(p + 16, be);
	uint64_t o = hdr;
	for (uint32_t i = 0; i < ncmds && o + 8 <= n; i++) {
		uint32_t cmd = exe_rd32(p + o, be), size = exe_rd32(p + o + 4, be);
		if (size < 8 || o + size > n)
			break;
		const unsigned char *c = p + o;
		if ((cmd == 0x19 && size >= 72) || (cmd == 0x1 && size >= 56)) {
			int w = cmd == 0x19;
			uint64_t vmaddr = w ? exe_rd64(c + 24, be) : exe_rd32(c + 24, be);
			uint64_t fileoff = w ? exe_rd64(c + 40, be) : exe_rd32(c + 32, be);
			uint64_t filesize = w ? exe_rd64(c + 48, be) : exe_rd32(c + 36, be);
			uint32_t nsects = exe_rd32(c + (w ? 64 : 48), be);
			size_t ssz = w ? 80 : 68, s0 = w ? 72 : 56;
			add_seg(h, vmaddr, fileoff, filesize);
			for (uint32_t k = 0; k < nsects && s0 + (uint64_t)(k + 1) * ssz <= size; k++) {
				const unsigned char *s = c + s0 + (size_t)k * ssz;
				if (!memcmp(s, ".dep-v0\0", 8) && !h->has_dep) {
					h->has_dep = 1;
					h->dep_size = w ? exe_rd64(s + 40, be) : exe_rd32(s + 36, be);
					h->dep_off = exe_rd32(s + (w ? 48 : 40), be);
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
	else if (n >= 4 && exe_rd32(p, 1) == 0xcafebabe)
		h->fmt = EXE_FAT; /* slices not mapped: inline build info only */
	else if (n >= 4)
		parse_macho(h, p, n);
	if (h->fmt != EXE_NONE && want_hint)
		h->go_hint = go_note(p, n);
}

int exe__map(const exe_info *h, uint64_t vaddr, uint64_t len, uint64_t *off)
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

void exe__ring_init(exe_ring *r, size_t cap, uint64_t at)
{
	memset(r, 0, sizeof(*r));
	r->cap = cap ? cap : 1;
	r->start = r->end = at;
}

static int ring_get(const exe_ring *r, uint64_t off, size_t len, unsigned char *dst)
{
	if (!r->buf || off < r->start || off > r->end || len > r->end - off)
		return 0;
	size_t at = (size_t)(off % r->alloc), first = r->alloc - at < len ? r->alloc - at : len;
	memcpy(dst, r->buf + at, first);
	memcpy(dst + first, r->buf, len - first);
	return 1;
}

static void ring_store(exe_ring *r, const unsigned char *p, size_t n)
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

int exe__ring_put(exe_ring *r, const unsigned char *p, size_t n)
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
		exe_ring old = *r;
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

void exe__ring_release(exe_ring *r)
{
	free(r->buf);
	memset(r, 0, sizeof(*r));
}

int exe__stream_init(exe_stream *s, uint64_t size)
{
	memset(s, 0, sizeof(*s));
	s->size = size ? size : UINT64_MAX;
	if (!(s->head = malloc(EXE_HEAD)))
		return nomem();
	return 0;
}

void exe__stream_release(exe_stream *s)
{
	free(s->head);
	customs_buf_release(&s->ro);
	customs_buf_release(&s->tailhead);
	exe__ring_release(&s->recent);
	exe__ring_release(&s->tailring);
}

int exe__stream_take(exe_stream *s, const unsigned char *p, size_t n)
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

void exe__stream_parse(exe_stream *s)
{
	if (!s->parsed) {
		exe_parse(&s->h, s->head, s->headlen, s->want_hint);
		s->parsed = 1;
	}
}

int exe__stream_keep(exe_stream *s)
{
	const unsigned char *p = s->cur;
	size_t n = s->curlen;
	uint64_t base = s->pos - n;
	if (exe__ring_put(&s->recent, p, n) < 0)
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
	if (th->len < th->max && base == s->keep_from + th->len &&
	    customs_buf_put(th, p, th->max - th->len < n ? th->max - th->len : n) < 0)
		return CUSTOMS_ENOMEM;
	return exe__ring_put(&s->tailring, p, n);
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

int exe__req_start(exe_req *r, exe_stream *s, uint64_t off, size_t len)
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

int exe__req_fill(exe_req *r, const exe_stream *s)
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

void exe__req_release(exe_req *r)
{
	free(r->buf);
	memset(r, 0, sizeof(*r));
}

/* ---- which files: the stream analyzers' shared predicate ---- */

int customs__exe_want(void *state, const char *path, uint32_t mode, uint64_t size)
{
	/* any exec bit; 64 bytes is less than any ELF/PE/Mach-O header set */
	return (mode & 0111) && size >= 64;
}

