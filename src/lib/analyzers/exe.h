/* exe.h - executables read as they stream past (exe.c): the ELF, PE and
 * Mach-O headers that map virtual addresses to file offsets, and the bytes
 * kept behind the stream for what a header found later points back to.
 * Shared by the Go build info scanner (go_buildinfo.c) and the
 * cargo-auditable section locator (rust_auditable.c); FORMATS-images.md §9. */
#ifndef CUSTOMS_ANALYZERS_EXE_H
#define CUSTOMS_ANALYZERS_EXE_H

#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

#define EXE_HEAD (64u << 10)        /* headers, program headers, load commands */
#define EXE_MAX_SEGS 64

static inline uint16_t exe_rd16(const unsigned char *p, int be)
{
	return be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static inline uint32_t exe_rd32(const unsigned char *p, int be)
{
	return be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
		  : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static inline uint64_t exe_rd64(const unsigned char *p, int be)
{
	uint64_t hi = exe_rd32(p + (be ? 0 : 4), be), lo = exe_rd32(p + (be ? 4 : 0), be);
	return hi << 32 | lo;
}

static inline uint64_t exe_rdptr(const unsigned char *p, int size, int be)
{
	return size == 8 ? exe_rd64(p, be) : exe_rd32(p, be);
}

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

/* The last `cap` bytes of a stream.  The buffer grows with what it holds
 * (so a short file costs what it is long), positions are offset % alloc. */
typedef struct exe_ring {
	unsigned char *buf;
	size_t alloc, cap;
	uint64_t start, end; /* absolute offsets of what it holds */
} exe_ring;

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
	exe_ring recent;               /* Go: the last bytes (PE, Mach-O) ... */
	uint64_t ro_from;              /* ... or an ELF's read-only segment, where */
	customs_buf ro;                /* Go <= 1.17 keeps the strings it points to */
	uint64_t keep_from;            /* auditable: the ELF tail from here ... */
	int keep;
	customs_buf tailhead;          /* ... its first tailhead.max bytes ... */
	exe_ring tailring;             /* ... and its last bytes */
} exe_stream;

/* -1: need more bytes, 0: not an executable we read, 1: one we do */
int exe__sniff(const unsigned char *p, size_t n);
/* File offset of [vaddr, vaddr+len) when one segment's file bytes hold it. */
int exe__map(const exe_info *h, uint64_t vaddr, uint64_t len, uint64_t *off);

void exe__ring_init(exe_ring *r, size_t cap, uint64_t at);
int exe__ring_put(exe_ring *r, const unsigned char *p, size_t n);
void exe__ring_release(exe_ring *r);

int exe__stream_init(exe_stream *s, uint64_t size);
void exe__stream_release(exe_stream *s);
/* Take a chunk: head bytes, position.  Returns 1 when the head just became
 * complete (time to parse it). */
int exe__stream_take(exe_stream *s, const unsigned char *p, size_t n);
void exe__stream_parse(exe_stream *s);
/* Keep the current chunk in the rings that are on. */
int exe__stream_keep(exe_stream *s);

/* Start a request. 0, CUSTOMS_ENOTFOUND when its past part was not kept,
 * CUSTOMS_ENOMEM. */
int exe__req_start(exe_req *r, exe_stream *s, uint64_t off, size_t len);
/* Fill from the current chunk; 1 when complete. */
int exe__req_fill(exe_req *r, const exe_stream *s);
void exe__req_release(exe_req *r);

#endif
