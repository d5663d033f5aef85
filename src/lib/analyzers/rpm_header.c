/* rpm_header.c - the rpm header blob as every rpmdb backend stores it:
 * il, dl, il 16-byte index entries, dl bytes of data (rpm
 * docs/manual/format_header.md; checks after lib/header.cc hdrblobVerify*).
 *
 * Only the tags a cataloger needs are validated and read; the index is
 * scanned linearly with later entries winning, because dribble entries
 * appended at install time replace region entries and leave it unsorted.
 */
#include <stdlib.h>
#include <string.h>

#include "analyzers/rpmdb.h"

#define HDR_TAGS_MAX 0xFFFFu       /* rpm HEADER_TAGS_MAX */
#define HDR_DATA_MAX 0x0FFFFFFFu   /* rpm HEADER_DATA_MAX */
#define HDR_ARRAY_MAX 0xFFFFFu     /* rpm HEADER_ARRAY_MAX */

enum { T_CHAR = 1, T_INT8, T_INT16, T_INT32, T_INT64, T_STRING, T_BIN, T_STRING_ARRAY, T_I18NSTRING };

/* What a tag's data must look like. */
enum { C_STRING, C_STRARRAY, C_INT16, C_INT32, C_INT64 };

/* The tags read here, by slot. */
enum {
	S_I18NTABLE, S_NAME, S_VERSION, S_RELEASE, S_EPOCH, S_SUMMARY, S_SIZE, S_LONGSIZE, S_VENDOR,
	S_LICENSE, S_ARCH, S_SOURCERPM, S_MODLABEL, S_OLDFILENAMES, S_FILESIZES, S_LONGFILESIZES,
	S_FILEMODES, S_FILEDIGESTS, S_FILEFLAGS, S_DIGESTALGO, S_DIRINDEXES, S_BASENAMES, S_DIRNAMES,
	S_COUNT
};

static const struct {
	uint32_t tag;
	uint8_t cls;
} tag_info[S_COUNT] = {
	[S_I18NTABLE] = {100, C_STRARRAY},     [S_NAME] = {1000, C_STRING},
	[S_VERSION] = {1001, C_STRING},        [S_RELEASE] = {1002, C_STRING},
	[S_EPOCH] = {1003, C_INT32},           [S_SUMMARY] = {1004, C_STRING},
	[S_SIZE] = {1009, C_INT32},            [S_LONGSIZE] = {5009, C_INT64},
	[S_VENDOR] = {1011, C_STRING},         [S_LICENSE] = {1014, C_STRING},
	[S_ARCH] = {1022, C_STRING},           [S_SOURCERPM] = {1044, C_STRING},
	[S_MODLABEL] = {5096, C_STRING},       [S_OLDFILENAMES] = {1027, C_STRARRAY},
	[S_FILESIZES] = {1028, C_INT32},       [S_LONGFILESIZES] = {5008, C_INT64},
	[S_FILEMODES] = {1030, C_INT16},       [S_FILEDIGESTS] = {1035, C_STRARRAY},
	[S_FILEFLAGS] = {1037, C_INT32},       [S_DIGESTALGO] = {5011, C_INT32},
	[S_DIRINDEXES] = {1116, C_INT32},      [S_BASENAMES] = {1117, C_STRARRAY},
	[S_DIRNAMES] = {1118, C_STRARRAY},
};

static int tag_slot(uint32_t tag)
{
	for (int s = 0; s < S_COUNT; s++)
		if (tag_info[s].tag == tag)
			return s;
	return -1;
}

typedef struct entry {
	uint32_t tag, type, count;
	int32_t offset;
} entry;

typedef struct hdr {
	const unsigned char *blob;
	size_t len;
	uint32_t il, dl;
	uint32_t ril;          /* entries in the immutable region (il without one) */
	int64_t trailer;       /* data offset of the region trailer, -1: no region */
	uint32_t rdl;          /* data bytes covered by the region */
	const unsigned char *ds; /* data store */
	entry e[S_COUNT];
	int have[S_COUNT];
	customs__rpmdb_warn_fn warn;
	void *ud;
} hdr;

static uint16_t be16(const unsigned char *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const unsigned char *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

static void entry_get(const hdr *h, uint32_t i, entry *e)
{
	const unsigned char *p = h->blob + 8 + 16 * (size_t)i;
	e->tag = be32(p);
	e->type = be32(p + 4);
	e->offset = (int32_t)be32(p + 8);
	e->count = be32(p + 12);
}

/* Blob offset of data offset off, for messages. */
static uint64_t data_pos(const hdr *h, uint64_t off)
{
	return 8 + 16 * (uint64_t)h->il + off;
}

/* Length of count NUL-terminated strings starting at off, or -1 when one
 * runs past the data store. */
static int64_t strings_len(const hdr *h, uint32_t off, uint32_t count)
{
	uint64_t pos = off;
	for (uint32_t i = 0; i < count; i++) {
		if (pos >= h->dl)
			return -1;
		const unsigned char *z = memchr(h->ds + pos, '\0', h->dl - pos);
		if (!z)
			return -1;
		pos = (uint64_t)(z - h->ds) + 1;
	}
	return (int64_t)(pos - off);
}

/* Check entry i for slot s; NULL when fine, else why not. */
static const char *entry_check(const hdr *h, uint32_t i, int s, const entry *e)
{
	static const uint8_t size[] = {0, 1, 1, 2, 4, 8, 0, 1, 0, 0};
	int cls = tag_info[s].cls;

	if (e->type < T_CHAR || e->type > T_I18NSTRING)
		return "type out of range";
	switch (cls) {
	case C_STRING:
		if (e->type != T_STRING && e->type != T_STRING_ARRAY && e->type != T_I18NSTRING)
			return "not a string type";
		break;
	case C_STRARRAY:
		if (e->type != T_STRING_ARRAY && e->type != T_I18NSTRING)
			return "not a string array type";
		break;
	case C_INT16:
		if (e->type != T_INT16)
			return "not INT16";
		break;
	case C_INT32:
		if (e->type != T_INT32)
			return "not INT32";
		break;
	case C_INT64:
		if (e->type != T_INT64)
			return "not INT64";
		break;
	}
	if (e->count == 0 || e->count > h->dl)
		return "count out of range";
	if (e->count > HDR_ARRAY_MAX)
		return "count over rpm's array limit";
	if (e->type == T_STRING && e->count != 1)
		return "STRING with count other than 1";
	if (e->offset < 0 || (uint32_t)e->offset > h->dl)
		return "data offset out of range";
	uint64_t len;
	if (size[e->type]) {
		if ((uint32_t)e->offset % size[e->type])
			return "data offset misaligned for its type";
		len = (uint64_t)e->count * size[e->type];
	} else {
		int64_t l = strings_len(h, (uint32_t)e->offset, e->count);
		if (l < 0)
			return "unterminated string";
		len = (uint64_t)l;
	}
	if ((uint64_t)e->offset + len > h->dl)
		return "data runs past the data store";
	if (h->trailer >= 0) {
		/* region data must end before the trailer; dribble data follows the region */
		if (i < h->ril && (uint64_t)e->offset + len > (uint64_t)h->trailer)
			return "data overlaps the region trailer";
		if (i >= h->ril && (uint32_t)e->offset < h->rdl)
			return "dribble data inside the region";
	}
	return NULL;
}

/* The region (format_header.md "Immutable regions"): entry 0 tagged
 * 61/62/63 points at a 16-byte trailer whose negative offset gives the
 * region's index size. */
static int check_region(hdr *h)
{
	entry e0, t;
	h->trailer = -1;
	h->ril = h->il;
	h->rdl = h->dl;
	if (h->il == 0)
		return 0;
	entry_get(h, 0, &e0);
	if (e0.tag < 61 || e0.tag > 63)
		return 0; /* no region: a legacy header */
	if (e0.type != T_BIN || e0.count != 16)
		return customs__error(CUSTOMS_EFORMAT,
				      "region trailer: BAD: region entry at offset 8 has type %u count %u",
				      e0.type, e0.count);
	if (e0.offset < 0 || (uint64_t)(uint32_t)e0.offset + 16 > h->dl)
		return customs__error(CUSTOMS_EFORMAT,
				      "region trailer: BAD: trailer offset %d out of the %u-byte data store (entry at "
				      "offset 8)",
				      e0.offset, h->dl);
	const unsigned char *p = h->ds + e0.offset;
	t.tag = be32(p);
	t.type = be32(p + 4);
	t.offset = (int32_t)be32(p + 8);
	t.count = be32(p + 12);
	uint64_t pos = data_pos(h, (uint32_t)e0.offset);
	if (!(t.tag == e0.tag || (e0.tag == 62 && t.tag == 61)) || t.type != T_BIN || t.count != 16)
		return customs__error(CUSTOMS_EFORMAT,
				      "region trailer: BAD: trailer at offset %llu is tag %u type %u count %u",
				      (unsigned long long)pos, t.tag, t.type, t.count);
	int64_t ril = -(int64_t)t.offset;
	if (t.offset >= 0 || ril % 16 || ril / 16 > h->il)
		return customs__error(CUSTOMS_EFORMAT,
				      "region trailer: BAD: trailer at offset %llu gives a region of %lld index bytes, "
				      "header has %u entries",
				      (unsigned long long)pos, (long long)ril, h->il);
	h->ril = (uint32_t)(ril / 16);
	h->trailer = e0.offset;
	h->rdl = (uint32_t)e0.offset + 16;
	return 0;
}

/* The string at data offset off (already validated). */
static const char *str_at(const hdr *h, uint32_t off)
{
	return (const char *)h->ds + off;
}

/* The n-th string of a validated string array entry. */
static const char *str_nth(const hdr *h, const entry *e, uint32_t n)
{
	const char *s = str_at(h, (uint32_t)e->offset);
	for (uint32_t i = 0; i < n; i++)
		s += strlen(s) + 1;
	return s;
}

static int copy_string(hdr *h, customs__rpm_header *out, int s, uint32_t locale, const char **dst)
{
	if (!h->have[s])
		return 0;
	const entry *e = &h->e[s];
	uint32_t n = e->type == T_I18NSTRING && locale < e->count ? locale : 0;
	if (!(*dst = customs_arena_strdup(&out->arena, str_nth(h, e, n))))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	return 0;
}

static uint64_t int_at(const hdr *h, const entry *e, uint32_t i)
{
	const unsigned char *p = h->ds + e->offset;
	switch (e->type) {
	case T_INT16:
		return be16(p + 2 * (size_t)i);
	case T_INT32:
		return be32(p + 4 * (size_t)i);
	default:
		return be64(p + 8 * (size_t)i);
	}
}

/* Which locale index "C" has in HEADERI18NTABLE (0 when absent). */
static uint32_t c_locale(const hdr *h)
{
	if (!h->have[S_I18NTABLE])
		return 0;
	const entry *e = &h->e[S_I18NTABLE];
	const char *s = str_at(h, (uint32_t)e->offset);
	for (uint32_t i = 0; i < e->count; i++, s += strlen(s) + 1)
		if (!strcmp(s, "C"))
			return i;
	return 0;
}

/* A per-file array must have one value per file to be used. */
static int parallel(hdr *h, int s, uint32_t nfiles)
{
	if (!h->have[s])
		return 0;
	if (h->e[s].count == nfiles)
		return 1;
	customs__rpmdb_warnf(h->warn, h->ud, CUSTOMS_WARN, data_pos(h, (uint32_t)h->e[s].offset),
			     "tag %u has %u values for %u files: ignored", tag_info[s].tag, h->e[s].count, nfiles);
	return 0;
}

static int read_files(hdr *h, customs__rpm_header *out)
{
	uint32_t n;
	const char **dirs = NULL;
	int err = 0;

	if (h->have[S_BASENAMES]) {
		const entry *b = &h->e[S_BASENAMES];
		n = b->count;
		if (!h->have[S_DIRNAMES] || !h->have[S_DIRINDEXES] || h->e[S_DIRINDEXES].count != n) {
			customs__rpmdb_warnf(h->warn, h->ud, CUSTOMS_WARN, data_pos(h, (uint32_t)b->offset),
					     "%u basenames without matching dirnames/dirindexes: file list dropped", n);
			return 0;
		}
		const entry *d = &h->e[S_DIRNAMES], *x = &h->e[S_DIRINDEXES];
		if (!(dirs = malloc(d->count * sizeof(*dirs))))
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		const char *s = str_at(h, (uint32_t)d->offset);
		for (uint32_t i = 0; i < d->count; i++, s += strlen(s) + 1)
			dirs[i] = s;
		for (uint32_t i = 0; i < n; i++)
			if (int_at(h, x, i) >= d->count) {
				customs__rpmdb_warnf(h->warn, h->ud, CUSTOMS_WARN,
						     data_pos(h, (uint32_t)x->offset + 4 * (uint64_t)i),
						     "dirindex %u of file %u is past the %u dirnames: file list "
						     "dropped",
						     (unsigned)int_at(h, x, i), i, d->count);
				free(dirs);
				return 0;
			}
	} else if (h->have[S_OLDFILENAMES]) {
		n = h->e[S_OLDFILENAMES].count;
	} else {
		return 0;
	}

	if (!(out->files = customs_arena_alloc(&out->arena, n * sizeof(*out->files)))) {
		free(dirs);
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	memset(out->files, 0, n * sizeof(*out->files));
	int modes = parallel(h, S_FILEMODES, n), flags = parallel(h, S_FILEFLAGS, n);
	int lsizes = parallel(h, S_LONGFILESIZES, n), sizes = !lsizes && parallel(h, S_FILESIZES, n);
	int digests = parallel(h, S_FILEDIGESTS, n);
	const char *base = dirs ? str_at(h, (uint32_t)h->e[S_BASENAMES].offset)
				: str_at(h, (uint32_t)h->e[S_OLDFILENAMES].offset);
	const char *dg = digests ? str_at(h, (uint32_t)h->e[S_FILEDIGESTS].offset) : NULL;

	for (uint32_t i = 0; i < n; i++) {
		customs__rpm_file *f = &out->files[i];
		size_t bl = strlen(base);
		if (dirs) {
			const char *dn = dirs[int_at(h, &h->e[S_DIRINDEXES], i)];
			size_t dl = strlen(dn);
			char *p = customs_arena_alloc(&out->arena, dl + bl + 1);
			if (!p) {
				err = customs__error(CUSTOMS_ENOMEM, "out of memory");
				break;
			}
			memcpy(p, dn, dl);
			memcpy(p + dl, base, bl + 1);
			f->path = p;
		} else if (!(f->path = customs_arena_strndup(&out->arena, base, bl))) {
			err = customs__error(CUSTOMS_ENOMEM, "out of memory");
			break;
		}
		base += bl + 1;
		if (dg) {
			size_t l = strlen(dg);
			if (!(f->digest = customs_arena_strndup(&out->arena, dg, l))) {
				err = customs__error(CUSTOMS_ENOMEM, "out of memory");
				break;
			}
			dg += l + 1;
		}
		if (modes)
			f->mode = (uint16_t)int_at(h, &h->e[S_FILEMODES], i);
		if (flags)
			f->flags = (uint32_t)int_at(h, &h->e[S_FILEFLAGS], i);
		if (lsizes)
			f->size = int_at(h, &h->e[S_LONGFILESIZES], i);
		else if (sizes)
			f->size = int_at(h, &h->e[S_FILESIZES], i);
	}
	free(dirs);
	if (err < 0)
		return err;
	out->nfiles = n;
	return 0;
}

int customs__rpm_header_parse(customs__rpm_header *out, const unsigned char *blob, size_t len,
			      customs__rpmdb_warn_fn warn, void *ud)
{
	hdr h = {.blob = blob, .len = len, .warn = warn, .ud = ud};
	int err;

	memset(out, 0, sizeof(*out));
	if (len < 8)
		return customs__error(CUSTOMS_EFORMAT,
				      "header blob of %zu bytes is shorter than its 8-byte counts at offset 0", len);
	h.il = be32(blob);
	h.dl = be32(blob + 4);
	if (h.il > HDR_TAGS_MAX)
		return customs__error(CUSTOMS_EFORMAT,
				      "header index count %u at offset 0 is over rpm's limit of %u", h.il,
				      HDR_TAGS_MAX);
	if (h.dl > HDR_DATA_MAX)
		return customs__error(CUSTOMS_EFORMAT,
				      "header data length %u at offset 4 is over rpm's limit of %u", h.dl,
				      HDR_DATA_MAX);
	uint64_t need = 8 + 16 * (uint64_t)h.il + h.dl;
	if (need != len)
		return customs__error(CUSTOMS_EFORMAT,
				      "header index count %u and data length %u need %llu bytes, the blob has %zu "
				      "(offset 0)",
				      h.il, h.dl, (unsigned long long)need, len);
	if (h.il == 0)
		return customs__error(CUSTOMS_EFORMAT, "header has no index entries (offset 0)");
	h.ds = blob + 8 + 16 * (size_t)h.il;
	if ((err = check_region(&h)) < 0)
		return err;

	/* later entries win; only the winner of each tag is checked, so a
	 * header repeating one tag many times costs no more than one */
	uint32_t last[S_COUNT];
	for (int s = 0; s < S_COUNT; s++)
		last[s] = UINT32_MAX;
	for (uint32_t i = 0; i < h.il; i++) {
		int s = tag_slot(be32(blob + 8 + 16 * (size_t)i));
		if (s >= 0)
			last[s] = i;
	}
	for (int s = 0; s < S_COUNT; s++) {
		entry e;
		if (last[s] == UINT32_MAX)
			continue;
		entry_get(&h, last[s], &e);
		const char *why = entry_check(&h, last[s], s, &e);
		if (why) {
			customs__rpmdb_warnf(warn, ud, CUSTOMS_WARN, 8 + 16 * (uint64_t)last[s],
					     "index entry %u (tag %u, type %u, offset %d, count %u): %s: tag ignored",
					     last[s], e.tag, e.type, e.offset, e.count, why);
			continue;
		}
		h.e[s] = e;
		h.have[s] = 1;
	}
	if (!h.have[S_NAME] || !h.have[S_VERSION] || !h.have[S_RELEASE])
		return customs__error(CUSTOMS_EFORMAT, "header has no valid %s tag (index of %u entries at offset 8)",
				      !h.have[S_NAME] ? "NAME" : !h.have[S_VERSION] ? "VERSION" : "RELEASE", h.il);

	uint32_t loc = c_locale(&h);
	if ((err = copy_string(&h, out, S_NAME, loc, &out->name)) < 0 ||
	    (err = copy_string(&h, out, S_VERSION, loc, &out->version)) < 0 ||
	    (err = copy_string(&h, out, S_RELEASE, loc, &out->release)) < 0 ||
	    (err = copy_string(&h, out, S_ARCH, loc, &out->arch)) < 0 ||
	    (err = copy_string(&h, out, S_SOURCERPM, loc, &out->sourcerpm)) < 0 ||
	    (err = copy_string(&h, out, S_LICENSE, loc, &out->license)) < 0 ||
	    (err = copy_string(&h, out, S_VENDOR, loc, &out->vendor)) < 0 ||
	    (err = copy_string(&h, out, S_SUMMARY, loc, &out->summary)) < 0 ||
	    (err = copy_string(&h, out, S_MODLABEL, loc, &out->modularitylabel)) < 0)
		goto fail;
	if (h.have[S_EPOCH]) {
		out->has_epoch = 1;
		out->epoch = (uint32_t)int_at(&h, &h.e[S_EPOCH], 0);
	}
	if (h.have[S_LONGSIZE]) {
		out->has_size = 1;
		out->size = int_at(&h, &h.e[S_LONGSIZE], 0);
	} else if (h.have[S_SIZE]) {
		out->has_size = 1;
		out->size = int_at(&h, &h.e[S_SIZE], 0);
	}
	out->digest_algo = h.have[S_DIGESTALGO] ? (uint32_t)int_at(&h, &h.e[S_DIGESTALGO], 0) : 1;
	if ((err = read_files(&h, out)) < 0)
		goto fail;
	return 0;
fail:
	customs__rpm_header_release(out);
	return err;
}

void customs__rpm_header_release(customs__rpm_header *h)
{
	customs_arena_release(&h->arena);
	memset(h, 0, sizeof(*h));
}
