/* rust_auditable.c - cargo-auditable's `.dep-v0` section pulled out of an
 * ELF, PE or Mach-O binary while it streams past (exe.c): named in PE and
 * Mach-O headers, found through an ELF's section headers, which GNU ld
 * writes at the end of the file (FORMATS-images.md §7).  rust.c inflates
 * and reads what it holds. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/analyzers.h"
#include "analyzers/exe.h"
#include "util/util.h"

#define AUD_TAIL_HEAD (4u << 20)    /* ELF tail kept from its start (GNU ld: .dep-v0 first) */
#define AUD_TAIL_RING (12u << 20)   /* and its last bytes (lld: .dep-v0 before .symtab) */
#define AUD_MAX_SECTIONS 65536
#define AUD_MAX_SHSTRTAB (1u << 20)
#define AUD_MAX_DEP (8u << 20)

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
	if (!d || exe__stream_init(&d->es, size) < 0) {
		free(d);
		return NULL;
	}
	return d;
}

void customs__depscan_free(customs_depscan *d)
{
	if (!d)
		return;
	exe__stream_release(&d->es);
	exe__req_release(&d->req);
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
	exe__req_release(&d->req);
	int rc = exe__req_start(&d->req, &d->es, off, (size_t)len);
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
			exe__ring_init(&d->es.tailring, AUD_TAIL_RING, d->es.keep_from);
	}
	return ds_want(d, AS_SHDR, h->shoff, d->shnum * h->shentsize, NULL);
}

static void shdr_get(const customs_depscan *d, uint64_t i, uint32_t *name, uint32_t *type, uint64_t *off,
		     uint64_t *size, uint32_t *link)
{
	const exe_info *h = &d->es.h;
	const unsigned char *s = d->shdr + i * h->shentsize;
	int be = h->be;
	*name = exe_rd32(s, be);
	*type = exe_rd32(s + 4, be);
	*off = h->is64 ? exe_rd64(s + 24, be) : exe_rd32(s + 16, be);
	*size = h->is64 ? exe_rd64(s + 32, be) : exe_rd32(s + 20, be);
	*link = exe_rd32(s + (h->is64 ? 40 : 24), be);
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
	int head_done = exe__stream_take(s, data, len);
	if (s->pos - len < 8 && exe__sniff(s->head, s->headlen) == 0) {
		d->state = AS_DONE;
		return 1;
	}
	if (head_done) {
		exe__stream_parse(s);
		if ((err = ds_start(d)) < 0)
			return err;
	}
	if ((err = exe__stream_keep(s)) < 0)
		return err;
	if (d->state != AS_HEAD && d->state != AS_DONE) {
		exe__req_fill(&d->req, s);
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
		exe__stream_parse(&d->es);
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
		customs__parse_warnf(warn, ud, 0, "%s", d->problem);
		return CUSTOMS_EFORMAT;
	}
	return CUSTOMS_ENOTFOUND;
}

