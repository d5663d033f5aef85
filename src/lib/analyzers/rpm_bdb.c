/* rpm_bdb.c - the Berkeley DB hash "Packages" file of rpm <= 4.15 (RHEL 5-8,
 * CentOS, Amazon Linux 2), walked page by page without libdb: meta page,
 * hash buckets and their chains, key/data item pairs, overflow chains
 * (libdb src/dbinc/db_page.h; rpm lib/backend/bdb_ro.cc reads it the same
 * way). The file is in its writer's byte order; the header blobs are BE.
 *
 * Each page is read at most once as a hash page and at most once as an
 * overflow page, so a hostile file costs time linear in its size: chain
 * loops and pages shared between chains are cut with a warning.
 */
#include <stdlib.h>
#include <string.h>

#include "analyzers/rpmdb.h"

#define HASH_MAGIC 0x00061561u
#define META_SIZE 512
#define BLOB_MAX (256u << 20) /* rpm headerMaxbytes */

enum { P_HASH_UNSORTED = 2, P_OVERFLOW = 7, P_HASHMETA = 8, P_HASH = 13 };
enum { H_KEYDATA = 1, H_DUPLICATE = 2, H_OFFPAGE = 3, H_OFFDUP = 4 };
enum { SEEN_HASH = 1, SEEN_OVERFLOW = 2 };

typedef struct bdb {
	const unsigned char *buf;
	size_t len;
	int swap;              /* big-endian file */
	uint32_t pagesize, npages, hdrsz;
	unsigned char *seen;   /* SEEN_* per page */
	unsigned char *blob;   /* reassembly buffer for overflow chains */
	size_t blobcap;
	customs__rpmdb_blob_fn on_blob;
	customs__rpmdb_warn_fn warn;
	void *ud;
} bdb;

static uint32_t rd32(const bdb *b, const unsigned char *p)
{
	if (b->swap)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint16_t rd16(const bdb *b, const unsigned char *p)
{
	return b->swap ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static uint64_t page_off(const bdb *b, uint32_t pg)
{
	return (uint64_t)pg * b->pagesize;
}

static const unsigned char *page(const bdb *b, uint32_t pg)
{
	return b->buf + page_off(b, pg);
}

/* Page header fields (db_page.h PAGE). */
static uint32_t pg_pgno(const bdb *b, const unsigned char *p) { return rd32(b, p + 8); }
static uint32_t pg_next(const bdb *b, const unsigned char *p) { return rd32(b, p + 16); }
static uint16_t pg_entries(const bdb *b, const unsigned char *p) { return rd16(b, p + 20); }
static uint16_t pg_hfoff(const bdb *b, const unsigned char *p) { return rd16(b, p + 22); }
static uint8_t pg_type(const unsigned char *p) { return p[25]; }

/* Reassemble the overflow chain at pg into b->blob: 1 when read, 0 when
 * skipped with a warning, < 0 on error. */
static int read_overflow(bdb *b, uint32_t pg, uint32_t tlen, uint64_t item_off)
{
	if (tlen == 0 || tlen > BLOB_MAX || tlen > b->len) {
		customs__rpmdb_warnf(b->warn, b->ud, CUSTOMS_ERROR, item_off,
				     "overflow item claims %u bytes: record skipped", tlen);
		return 0;
	}
	if (tlen > b->blobcap) {
		unsigned char *nb = realloc(b->blob, tlen);
		if (!nb)
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		b->blob = nb;
		b->blobcap = tlen;
	}
	uint32_t got = 0;
	while (got < tlen) {
		if (pg == 0 || pg >= b->npages) {
			customs__rpmdb_warnf(b->warn, b->ud, CUSTOMS_ERROR, item_off,
					     "overflow chain goes to page %u, outside the file's %u pages, after %u of "
					     "%u bytes: record skipped",
					     pg, b->npages, got, tlen);
			return 0;
		}
		const unsigned char *p = page(b, pg);
		if (b->seen[pg] & SEEN_OVERFLOW) {
			customs__rpmdb_warnf(b->warn, b->ud, CUSTOMS_ERROR, page_off(b, pg),
					     "overflow page %u is visited twice (a loop or a page shared by two "
					     "records): record skipped", pg);
			return 0;
		}
		b->seen[pg] |= SEEN_OVERFLOW;
		if (pg_type(p) != P_OVERFLOW || pg_pgno(b, p) != pg) {
			customs__rpmdb_warnf(b->warn, b->ud, CUSTOMS_ERROR, page_off(b, pg),
					     "page %u in an overflow chain is type %u numbered %u: record skipped", pg,
					     pg_type(p), pg_pgno(b, p));
			return 0;
		}
		uint32_t n = pg_hfoff(b, p);
		if (n > b->pagesize - b->hdrsz || n > tlen - got || (n == 0 && pg_next(b, p) != 0)) {
			customs__rpmdb_warnf(b->warn, b->ud, CUSTOMS_ERROR, page_off(b, pg) + 22,
					     "overflow page %u holds %u bytes (page room %u, %u of %u bytes left): "
					     "record skipped",
					     pg, n, b->pagesize - b->hdrsz, tlen - got, tlen);
			return 0;
		}
		memcpy(b->blob + got, p + b->hdrsz, n);
		got += n;
		pg = pg_next(b, p);
		if (pg == 0)
			break;
	}
	if (got != tlen || pg != 0) {
		customs__rpmdb_warnf(b->warn, b->ud, CUSTOMS_ERROR, item_off,
				     "overflow chain holds %s%u bytes, the item says %u: record skipped",
				     pg ? "more than " : "", got, tlen);
		return 0;
	}
	return 1;
}

/* Item i of a hash page: [*start, *end) inside the page, or 0 if malformed. */
static int item_span(const bdb *b, const unsigned char *p, uint16_t entries, uint32_t i, uint32_t *start, uint32_t *end)
{
	uint32_t lo = b->hdrsz + 2u * entries;
	uint32_t s = rd16(b, p + b->hdrsz + 2 * i);
	uint32_t e = i == 0 ? b->pagesize : rd16(b, p + b->hdrsz + 2 * (i - 1));
	if (s < lo || s >= e || e > b->pagesize)
		return 0;
	*start = s;
	*end = e;
	return 1;
}

static int read_hash_page(bdb *b, uint32_t pg)
{
	const unsigned char *p = page(b, pg);
	uint64_t po = page_off(b, pg);
	uint16_t entries = pg_entries(b, p);
	int err;

	if (entries % 2) {
		customs__rpmdb_warnf(b->warn, b->ud, CUSTOMS_WARN, po + 20,
				     "hash page %u has an odd number of items (%u): last one ignored",
				     pg, entries);
	}
	if (b->hdrsz + 2u * entries > b->pagesize) {
		customs__rpmdb_warnf(b->warn, b->ud, CUSTOMS_ERROR, po + 20,
				     "hash page %u claims %u items, more than fit a %u-byte page: page skipped",
				     pg, entries, b->pagesize);
		return 0;
	}
	for (uint32_t k = 0; k + 1 < entries; k += 2) {
		uint32_t ks, ke, vs, ve;
		if (!item_span(b, p, entries, k, &ks, &ke) || !item_span(b, p, entries, k + 1, &vs, &ve)) {
			customs__rpmdb_warnf(b->warn, b->ud, CUSTOMS_ERROR, po + b->hdrsz + 2 * k,
					     "hash page %u: item pair %u has offsets outside the page: "
					     "skipped", pg, k / 2);
			continue;
		}
		if (p[ks] != H_KEYDATA || ke - ks != 5) {
			customs__rpmdb_warnf(b->warn, b->ud, CUSTOMS_ERROR, po + ks,
					     "hash page %u: key %u is not a 4-byte package number (item type %u, %u "
					     "bytes): skipped",
					     pg, k / 2, p[ks], ke - ks);
			continue;
		}
		uint32_t inst = rd32(b, p + ks + 1);
		if (inst == 0)
			continue; /* key 0 holds the next instance number, not a package */
		const unsigned char *data;
		size_t dlen;
		if (p[vs] == H_KEYDATA) {
			data = p + vs + 1;
			dlen = ve - vs - 1;
		} else if (p[vs] == H_OFFPAGE && ve - vs >= 12) {
			dlen = rd32(b, p + vs + 8);
			if ((err = read_overflow(b, rd32(b, p + vs + 4), (uint32_t)dlen, po + vs)) <= 0) {
				if (err < 0)
					return err;
				continue;
			}
			data = b->blob;
		} else {
			customs__rpmdb_warnf(b->warn, b->ud, CUSTOMS_ERROR, po + vs,
					     "hash page %u: package %u has a data item of type %u (%u bytes): "
					     "skipped", pg, inst,
					     p[vs], ve - vs);
			continue;
		}
		if ((err = b->on_blob(b->ud, inst, data, dlen, p[vs] == H_KEYDATA ? po + vs + 1 : po + vs)) < 0)
			return err;
	}
	return 0;
}

/* Read hash page pg and the pages chained after it (one bucket). */
static int read_chain(bdb *b, uint32_t pg, uint32_t bucket)
{
	int err;
	while (pg != 0) {
		if (pg >= b->npages) {
			customs__rpmdb_warnf(b->warn, b->ud, CUSTOMS_ERROR, CUSTOMS__RPMDB_NOOFF,
					     "bucket %u chains to page %u, outside the file's %u pages: rest of the "
					     "bucket skipped",
					     bucket, pg, b->npages);
			return 0;
		}
		if (b->seen[pg] & SEEN_HASH) {
			customs__rpmdb_warnf(b->warn, b->ud, CUSTOMS_WARN, page_off(b, pg),
					     "bucket %u reaches hash page %u a second time (a loop): rest of the "
					     "bucket skipped",
					     bucket, pg);
			return 0;
		}
		const unsigned char *p = page(b, pg);
		if ((pg_type(p) != P_HASH && pg_type(p) != P_HASH_UNSORTED) || pg_pgno(b, p) != pg) {
			customs__rpmdb_warnf(b->warn, b->ud, CUSTOMS_ERROR, page_off(b, pg),
					     "bucket %u: page %u is type %u numbered %u, not a hash page: rest of the "
					     "bucket skipped",
					     bucket, pg, pg_type(p), pg_pgno(b, p));
			return 0;
		}
		b->seen[pg] |= SEEN_HASH;
		if ((err = read_hash_page(b, pg)) < 0)
			return err;
		pg = pg_next(b, p);
	}
	return 0;
}

/* ceil(log2(n)): the spares index of bucket n-1 (libdb __db_log2). */
static unsigned log2ceil(uint32_t n)
{
	unsigned l = 0;
	while (l < 32 && (1ull << l) < n)
		l++;
	return l;
}

int customs__rpmdb_parse_bdb(const unsigned char *buf, size_t len, customs__rpmdb_blob_fn on_blob,
			     customs__rpmdb_warn_fn on_warn, void *ud)
{
	bdb b = {.buf = buf, .len = len, .on_blob = on_blob, .warn = on_warn, .ud = ud};
	int err = 0;

	if (len < META_SIZE)
		return customs__error(CUSTOMS_EFORMAT,
				      "Berkeley DB file of %zu bytes is shorter than its meta page", len);
	uint32_t magic = rd32(&b, buf + 12);
	if (magic != HASH_MAGIC) {
		b.swap = 1;
		if (rd32(&b, buf + 12) != HASH_MAGIC)
			return customs__error(CUSTOMS_EFORMAT, "no Berkeley DB hash magic at offset 12");
	}
	uint32_t version = rd32(&b, buf + 16);
	if (version < 8 || version > 10)
		return customs__error(CUSTOMS_EUNSUPPORTED,
				      "Berkeley DB hash version %u at offset 16 (rpm reads 8 to 10)",
				      version);
	b.pagesize = rd32(&b, buf + 20);
	if (b.pagesize < 512 || b.pagesize > 65536 || (b.pagesize & (b.pagesize - 1)))
		return customs__error(CUSTOMS_EFORMAT,
				      "Berkeley DB page size %u at offset 20 is not a power of two in 512..65536",
				      b.pagesize);
	if (buf[24] != 0)
		return customs__error(CUSTOMS_EUNSUPPORTED,
				      "encrypted Berkeley DB (algorithm %u at offset 24)", buf[24]);
	if (buf[25] != P_HASHMETA)
		return customs__error(CUSTOMS_EFORMAT,
				      "meta page has type %u at offset 25, not a hash meta page", buf[25]);
	b.hdrsz = (buf[26] & 1) ? 32 : 26; /* DBMETA_CHKSUM adds a checksum to every page header */

	uint32_t last = rd32(&b, buf + 32);
	uint64_t npages = (uint64_t)last + 1, have = len / b.pagesize;
	if (npages > have) {
		customs__rpmdb_warnf(on_warn, ud, CUSTOMS_ERROR, 32,
				     "meta page says %llu pages, the file holds %llu: reading those",
				     (unsigned long long)npages, (unsigned long long)have);
		npages = have;
	}
	b.npages = (uint32_t)npages;
	if (!(b.seen = calloc(b.npages ? b.npages : 1, 1)))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	b.seen[0] = SEEN_HASH | SEEN_OVERFLOW;

	/* bucket walk: bucket n lives on page n + spares[ceil(log2(n + 1))] */
	uint32_t max_bucket = rd32(&b, buf + 72);
	if (max_bucket >= b.npages) {
		customs__rpmdb_warnf(on_warn, ud, CUSTOMS_WARN, 72,
				     "max_bucket %u is beyond the file's %u pages: scanning pages instead",
				     max_bucket, b.npages);
		max_bucket = 0;
	}
	for (uint32_t bk = 0; bk <= max_bucket && err >= 0; bk++) {
		unsigned l = log2ceil(bk + 1);
		uint64_t pg = (uint64_t)bk + (l < 32 ? rd32(&b, buf + 96 + 4 * l) : 0);
		if (pg == 0 || pg >= b.npages) {
			customs__rpmdb_warnf(on_warn, ud, CUSTOMS_WARN, 96 + 4 * (uint64_t)l,
					     "bucket %u maps to page %llu, outside the file's %u pages: skipped", bk,
					     (unsigned long long)pg, b.npages);
			continue;
		}
		err = read_chain(&b, (uint32_t)pg, bk);
	}
	/* A hash page no bucket reached means the meta data is off: read it
	 * anyway (a page scan is what other readers do), and say so once. */
	size_t stray = 0;
	for (uint32_t pg = 1; pg < b.npages && err >= 0; pg++) {
		const unsigned char *p = page(&b, pg);
		if (b.seen[pg] || (pg_type(p) != P_HASH && pg_type(p) != P_HASH_UNSORTED) || pg_pgno(&b, p) != pg)
			continue;
		if (!stray++)
			customs__rpmdb_warnf(on_warn, ud, CUSTOMS_WARN, page_off(&b, pg),
					     "hash page %u is not reachable from any bucket: reading unreachable pages "
					     "too", pg);
		b.seen[pg] |= SEEN_HASH;
		err = read_hash_page(&b, pg);
	}
	free(b.seen);
	free(b.blob);
	return err < 0 ? err : 0;
}
