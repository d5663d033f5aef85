/* rpm_ndb.c - rpm's NDB "Packages.db" (SUSE: SLE 15 SP3+, openSUSE): a file
 * header, slot pages naming each package's blob by 16-byte block offset and
 * count, and the blobs framed by BlbS/BlbE with an adler32 (rpm
 * lib/backend/ndb/rpmpkg.c rpmpkgReadSlots/rpmpkgReadBlob). All LE.
 *
 * Blobs must not overlap (rpm sorts slots by offset and checks the same),
 * which also bounds the work to one pass over the file.
 */
#include <stdlib.h>
#include <string.h>

#include "analyzers/rpmdb.h"

#define SLOT_PAGE 4096u
#define SLOTS_PER_PAGE (SLOT_PAGE / 16)
#define BLK 16u
#define BLOB_HEAD 16u
#define BLOB_TAIL 12u

typedef struct slot {
	uint64_t off;      /* of the slot itself */
	uint32_t pkgidx, blkoff, blkcnt;
} slot;

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* RFC 1950 adler32, starting from 1. */
static uint32_t adler32(const unsigned char *p, size_t n)
{
	uint32_t a = 1, b = 0;
	while (n) {
		size_t k = n < 5552 ? n : 5552; /* largest run before b can overflow */
		n -= k;
		while (k--) {
			a += *p++;
			b += a;
		}
		a %= 65521;
		b %= 65521;
	}
	return b << 16 | a;
}

static int by_blkoff(const void *x, const void *y)
{
	const slot *a = x, *b = y;
	return a->blkoff < b->blkoff ? -1 : a->blkoff > b->blkoff;
}

static int by_pkgidx(const void *x, const void *y)
{
	const slot *a = x, *b = y;
	if (a->pkgidx != b->pkgidx)
		return a->pkgidx < b->pkgidx ? -1 : 1;
	return a->off < b->off ? -1 : a->off > b->off;
}

/* Check the blob a slot points at; on success body and bodylen give the header. */
static int read_blob(const unsigned char *buf, const slot *s, customs__rpmdb_warn_fn warn, void *ud,
		     const unsigned char **body, uint32_t *bodylen)
{
	uint64_t at = (uint64_t)s->blkoff * BLK, size = (uint64_t)s->blkcnt * BLK;
	const unsigned char *p = buf + at;

	if (memcmp(p, "BlbS", 4)) {
		customs__rpmdb_warnf(warn, ud, CUSTOMS_ERROR, at,
				     "package %u: no BlbS magic at the blob start: skipped", s->pkgidx);
		return 0;
	}
	if (le32(p + 4) != s->pkgidx) {
		customs__rpmdb_warnf(warn, ud, CUSTOMS_ERROR, at + 4,
				     "package %u: blob belongs to package %u: skipped", s->pkgidx,
				     le32(p + 4));
		return 0;
	}
	uint32_t bl = le32(p + 12);
	uint64_t need = ((uint64_t)BLOB_HEAD + bl + BLOB_TAIL + BLK - 1) / BLK;
	if (need != s->blkcnt) {
		customs__rpmdb_warnf(warn, ud, CUSTOMS_ERROR, at + 12,
				     "package %u: blob length %u needs %llu blocks, the slot gives %u: skipped",
				     s->pkgidx, bl, (unsigned long long)need, s->blkcnt);
		return 0;
	}
	const unsigned char *t = p + size - BLOB_TAIL;
	if (memcmp(t + 8, "BlbE", 4) || le32(t + 4) != bl) {
		customs__rpmdb_warnf(warn, ud, CUSTOMS_ERROR, at + size - BLOB_TAIL,
				     "package %u: blob tail has no BlbE magic or another length: skipped", s->pkgidx);
		return 0;
	}
	uint32_t sum = adler32(p, (size_t)(size - BLOB_TAIL));
	if (sum != le32(t)) {
		customs__rpmdb_warnf(warn, ud, CUSTOMS_ERROR, at + size - BLOB_TAIL,
				     "package %u: blob adler32 is %08x, the tail says %08x: "
				     "skipped", s->pkgidx, sum, le32(t));
		return 0;
	}
	*body = p + BLOB_HEAD;
	*bodylen = bl;
	return 1;
}

int customs__rpmdb_parse_ndb(const unsigned char *buf, size_t len, customs__rpmdb_blob_fn on_blob,
			     customs__rpmdb_warn_fn on_warn, void *ud)
{
	if (len < 32 || memcmp(buf, "RpmP", 4))
		return customs__error(CUSTOMS_EFORMAT, "no NDB RpmP magic at offset 0");
	if (le32(buf + 4) != 0)
		return customs__error(CUSTOMS_EUNSUPPORTED,
				      "NDB version %u at offset 4 (only 0 exists)", le32(buf + 4));
	if (len % BLK)
		customs__rpmdb_warnf(on_warn, ud, CUSTOMS_WARN, len,
				     "file size %zu is not a multiple of 16 (truncated?)", len);
	uint64_t nblocks = len / BLK;
	uint32_t npages = le32(buf + 12);
	if (npages == 0)
		return customs__error(CUSTOMS_EFORMAT, "NDB header has 0 slot pages (offset 12)");
	uint64_t first_blk = (uint64_t)npages * SLOTS_PER_PAGE; /* blobs start after the slot pages */
	uint64_t nslots = first_blk;
	if (nslots > len / 16) {
		customs__rpmdb_warnf(on_warn, ud, CUSTOMS_ERROR, 12,
				     "header says %u slot pages, the file holds %zu bytes: reading what is there",
				     npages, len);
		nslots = len / 16;
	}

	slot *v = malloc((size_t)nslots * sizeof(*v));
	size_t n = 0;
	int err = 0;
	if (!v)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	for (uint64_t i = 2; i < nslots; i++) { /* the file header takes the first two */
		const unsigned char *p = buf + 16 * i;
		uint64_t off = 16 * i;
		if (memcmp(p, "Slot", 4)) {
			customs__rpmdb_warnf(on_warn, ud, CUSTOMS_ERROR, off,
					     "slot %llu has no Slot magic: skipped", (unsigned long long)i);
			continue;
		}
		slot s = {off, le32(p + 4), le32(p + 8), le32(p + 12)};
		if (s.blkoff == 0)
			continue; /* free */
		if (s.pkgidx == 0 || s.blkcnt == 0 || s.blkoff < first_blk ||
		    (uint64_t)s.blkoff + s.blkcnt > nblocks || (uint64_t)s.blkcnt * BLK < BLOB_HEAD + BLOB_TAIL) {
			customs__rpmdb_warnf(on_warn, ud, CUSTOMS_ERROR, off,
					     "slot %llu (package %u, block %u, %u blocks) points outside the blob area "
					     "of %llu blocks: skipped",
					     (unsigned long long)i, s.pkgidx, s.blkoff, s.blkcnt,
					     (unsigned long long)nblocks);
			continue;
		}
		v[n++] = s;
	}

	/* overlapping blobs: keep the first of each overlap */
	qsort(v, n, sizeof(*v), by_blkoff);
	size_t m = 0;
	uint64_t end = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i].blkoff < end) {
			customs__rpmdb_warnf(on_warn, ud, CUSTOMS_ERROR, v[i].off,
					     "package %u's blob at block %u overlaps another one: skipped",
					     v[i].pkgidx, v[i].blkoff);
			continue;
		}
		end = (uint64_t)v[i].blkoff + v[i].blkcnt;
		v[m++] = v[i];
	}
	qsort(v, m, sizeof(*v), by_pkgidx);
	for (size_t i = 0; i < m && err >= 0; i++) {
		const unsigned char *body;
		uint32_t bl;
		if (i && v[i].pkgidx == v[i - 1].pkgidx) {
			customs__rpmdb_warnf(on_warn, ud, CUSTOMS_WARN, v[i].off,
					     "package %u has a second slot: skipped", v[i].pkgidx);
			continue;
		}
		if (read_blob(buf, &v[i], on_warn, ud, &body, &bl))
			err = on_blob(ud, v[i].pkgidx, body, bl, (uint64_t)v[i].blkoff * BLK + BLOB_HEAD);
	}
	free(v);
	return err < 0 ? err : 0;
}
