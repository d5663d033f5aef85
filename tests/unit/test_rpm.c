/* test_rpm.c - the rpm header parser and the three rpmdb backends against
 * real databases (shared/fixtures/rpmdb, with the reference
 * implementation's *.expected.tsv) and against hand-built damaged ones:
 * every damage must give a warning naming its offset, keep the other
 * packages and never crash.
 *
 * Without $SHARED/fixtures/rpmdb the synthetic tests still run and the
 * program exits 77 (skipped) at the end, or fails under CI=true.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "analyzers/rpmdb.h"
#include "customs/analysis.h"
#include "helpers.h"
#include "util/util.h"

/* ---- warnings collected ---- */

#define MAXW 64
typedef struct warns {
	size_t n;
	uint64_t off[MAXW];
	int level[MAXW];
	char msg[MAXW][512];
} warns;

static void collect(void *ud, int level, uint64_t off, const char *msg)
{
	warns *w = ud;
	if (w->n < MAXW) {
		w->off[w->n] = off;
		w->level[w->n] = level;
		snprintf(w->msg[w->n], sizeof(w->msg[0]), "%s", msg);
	}
	w->n++;
}

static int has_warning(const warns *w, const char *needle, uint64_t off)
{
	for (size_t i = 0; i < w->n && i < MAXW; i++)
		if (strstr(w->msg[i], needle) && (off == UINT64_MAX || w->off[i] == off))
			return 1;
	return 0;
}

/* Level of the first warning containing needle, or -1. */
static int level_of(const warns *w, const char *needle)
{
	for (size_t i = 0; i < w->n && i < MAXW; i++)
		if (strstr(w->msg[i], needle))
			return w->level[i];
	return -1;
}

static void dump_warnings(const warns *w)
{
	for (size_t i = 0; i < w->n && i < MAXW; i++)
		print_message("  warning @%llu: %s\n", (unsigned long long)w->off[i], w->msg[i]);
}

/* ---- header blob builder ---- */

enum { T_INT16 = 3, T_INT32 = 4, T_STRING = 6, T_BIN = 7, T_STRING_ARRAY = 8, T_I18N = 9 };

typedef struct hb {
	unsigned char idx[16 * 64];
	unsigned char data[16384];
	uint32_t il, dl;
} hb;

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16), p[2] = (unsigned char)(v >> 8),
	p[3] = (unsigned char)v;
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void hb_entry(hb *h, uint32_t tag, uint32_t type, uint32_t off, uint32_t count)
{
	unsigned char *e = h->idx + 16 * h->il++;
	put32(e, tag), put32(e + 4, type), put32(e + 8, off), put32(e + 12, count);
}

static void hb_add(hb *h, uint32_t tag, uint32_t type, const void *data, size_t len, uint32_t count, uint32_t align)
{
	while (h->dl % align)
		h->data[h->dl++] = 0;
	hb_entry(h, tag, type, h->dl, count);
	memcpy(h->data + h->dl, data, len);
	h->dl += (uint32_t)len;
}

static void hb_str(hb *h, uint32_t tag, const char *s)
{
	hb_add(h, tag, T_STRING, s, strlen(s) + 1, 1, 1);
}

static void hb_strs(hb *h, uint32_t tag, uint32_t type, int n, ...)
{
	unsigned char buf[1024];
	size_t len = 0;
	va_list ap;
	va_start(ap, n);
	for (int i = 0; i < n; i++) {
		const char *s = va_arg(ap, const char *);
		memcpy(buf + len, s, strlen(s) + 1);
		len += strlen(s) + 1;
	}
	va_end(ap);
	hb_add(h, tag, type, buf, len, (uint32_t)n, 1);
}

static void hb_i32(hb *h, uint32_t tag, int n, const uint32_t *v)
{
	unsigned char buf[256];
	for (int i = 0; i < n; i++)
		put32(buf + 4 * i, v[i]);
	hb_add(h, tag, T_INT32, buf, 4 * (size_t)n, (uint32_t)n, 4);
}

static void hb_i16(hb *h, uint32_t tag, int n, const uint16_t *v)
{
	unsigned char buf[256];
	for (int i = 0; i < n; i++)
		buf[2 * i] = (unsigned char)(v[i] >> 8), buf[2 * i + 1] = (unsigned char)v[i];
	hb_add(h, tag, T_INT16, buf, 2 * (size_t)n, (uint32_t)n, 2);
}

/* Entry 0 becomes the region tag 63 pointing at a trailer covering all
 * entries so far; later entries are dribbles. */
static void hb_region(hb *h)
{
	unsigned char t[16];
	uint32_t ril = h->il;
	put32(t, 63), put32(t + 4, T_BIN), put32(t + 8, (uint32_t)-(int32_t)(16 * ril)), put32(t + 12, 16);
	uint32_t off = h->dl;
	memcpy(h->data + h->dl, t, 16);
	h->dl += 16;
	unsigned char *e0 = h->idx;
	put32(e0, 63), put32(e0 + 4, T_BIN), put32(e0 + 8, off), put32(e0 + 12, 16);
}

static size_t hb_blob(const hb *h, unsigned char *out)
{
	put32(out, h->il);
	put32(out + 4, h->dl);
	memcpy(out + 8, h->idx, 16 * (size_t)h->il);
	memcpy(out + 8 + 16 * (size_t)h->il, h->data, h->dl);
	return 8 + 16 * (size_t)h->il + h->dl;
}

/* A complete package header, as rpm writes one, with name `name`. */
static size_t good_header(unsigned char *out, const char *name)
{
	hb h = {0};
	char src[128];
	uint32_t epoch = 3, size = 4242, dirx[] = {0, 0, 1}, flags[] = {0, 0, 1}, ins = 1700000000;
	uint16_t modes[] = {0100755, 0120777, 0100644};

	h.il = 1; /* entry 0: the region, filled in by hb_region */
	hb_strs(&h, 100, T_STRING_ARRAY, 1, "C");
	hb_str(&h, 1000, name);
	hb_str(&h, 1001, "1.0~rc1");
	hb_str(&h, 1002, "2.fc40");
	hb_i32(&h, 1003, 1, &epoch);
	hb_strs(&h, 1004, T_I18N, 1, "a summary");
	hb_i32(&h, 1009, 1, &size);
	hb_str(&h, 1011, "Fixture Vendor");
	hb_str(&h, 1014, "MIT AND BSD-3-Clause");
	hb_str(&h, 1022, "noarch");
	hb_i16(&h, 1030, 3, modes);
	hb_strs(&h, 1035, T_STRING_ARRAY, 3, "abcd", "", "ef01");
	hb_i32(&h, 1037, 3, flags);
	snprintf(src, sizeof(src), "%s-1.0~rc1-2.fc40.src.rpm", name);
	hb_str(&h, 1044, src);
	hb_i32(&h, 1116, 3, dirx);
	hb_strs(&h, 1117, T_STRING_ARRAY, 3, "tool", "tool-link", "tool.conf");
	hb_strs(&h, 1118, T_STRING_ARRAY, 2, "/usr/bin/", "/etc/");
	hb_str(&h, 5096, "mod:stream:1:abc");
	hb_region(&h);
	hb_i32(&h, 1008, 1, &ins); /* INSTALLTIME: a dribble */
	return hb_blob(&h, out);
}

/* Index position of the entry for tag in a serialized blob. */
static unsigned char *find_entry(unsigned char *blob, uint32_t tag)
{
	uint32_t il = get32(blob);
	for (uint32_t i = 0; i < il; i++)
		if (get32(blob + 8 + 16 * i) == tag)
			return blob + 8 + 16 * i;
	return NULL;
}

/* ---- header tests ---- */

static void test_header_good(void **state)
{
	(void)state;
	unsigned char blob[4096];
	size_t len = good_header(blob, "demo");
	customs__rpm_header h;
	warns w = {0};

	assert_int_equal(customs__rpm_header_parse(&h, blob, len, collect, &w), 0);
	dump_warnings(&w);
	assert_int_equal(w.n, 0);
	assert_string_equal(h.name, "demo");
	assert_string_equal(h.version, "1.0~rc1");
	assert_string_equal(h.release, "2.fc40");
	assert_int_equal(h.has_epoch, 1);
	assert_int_equal(h.epoch, 3);
	assert_string_equal(h.arch, "noarch");
	assert_string_equal(h.license, "MIT AND BSD-3-Clause");
	assert_string_equal(h.vendor, "Fixture Vendor");
	assert_string_equal(h.summary, "a summary");
	assert_string_equal(h.modularitylabel, "mod:stream:1:abc");
	assert_string_equal(h.sourcerpm, "demo-1.0~rc1-2.fc40.src.rpm");
	assert_int_equal(h.size, 4242);
	assert_int_equal(h.nfiles, 3);
	assert_string_equal(h.files[0].path, "/usr/bin/tool");
	assert_string_equal(h.files[1].path, "/usr/bin/tool-link");
	assert_string_equal(h.files[2].path, "/etc/tool.conf");
	assert_int_equal(h.files[1].mode, 0120777);
	assert_string_equal(h.files[0].digest, "abcd");
	assert_string_equal(h.files[1].digest, "");
	assert_int_equal(h.files[2].flags, CUSTOMS__RPMFILE_CONFIG);

	customs_package *p;
	assert_int_equal(customs__rpm_package(&p, &h), 0);
	assert_string_equal(p->version, "3:1.0~rc1-2.fc40");
	assert_string_equal(p->source_name, "demo");
	assert_string_equal(p->source_version, "3:1.0~rc1-2.fc40");
	assert_string_equal(p->licenses.v[0], "MIT AND BSD-3-Clause");
	assert_int_equal(p->files.n, 3);
	assert_int_equal(json_integer_value(json_object_get(p->metadata, "epoch")), 3);
	assert_string_equal(json_string_value(json_object_get(p->metadata, "modularity_label")), "mod:stream:1:abc");

	customs_distro d = {.id = "fedora", .version_id = "40"};
	char *purl = customs__rpm_purl(p, &d);
	assert_non_null(purl);
	assert_string_equal(purl, "pkg:rpm/fedora/demo@1.0~rc1-2.fc40?arch=noarch&distro=fedora-40&epoch=3");
	free(purl);
	customs_package_free(p);
	customs__rpm_header_release(&h);
}

static void expect_error(const unsigned char *blob, size_t len, const char *needle)
{
	customs__rpm_header h;
	warns w = {0};
	int rc = customs__rpm_header_parse(&h, blob, len, collect, &w);
	print_message("  error: %s\n", customs_error_last());
	assert_int_equal(rc, CUSTOMS_EFORMAT);
	assert_non_null(strstr(customs_error_last(), needle));
	assert_non_null(strstr(customs_error_last(), "offset"));
	customs__rpm_header_release(&h);
}

static void test_header_truncated(void **state)
{
	(void)state;
	unsigned char blob[4096];
	size_t len = good_header(blob, "demo");
	expect_error(blob, 5, "shorter");
	/* every cut is a mismatch between the counts and the blob */
	for (size_t cut = 8; cut < len; cut += 7)
		expect_error(blob, cut, "need");
}

static void test_header_counts(void **state)
{
	(void)state;
	unsigned char blob[4096];
	size_t len = good_header(blob, "demo");
	put32(blob, 1000); /* index count beyond the blob */
	expect_error(blob, len, "index count 1000");
	len = good_header(blob, "demo");
	put32(blob, 0x10000);
	expect_error(blob, len, "limit");
	len = good_header(blob, "demo");
	put32(blob + 4, 0xFFFFFFFFu);
	expect_error(blob, len, "limit");
}

static void test_header_region(void **state)
{
	(void)state;
	unsigned char blob[4096];
	size_t len = good_header(blob, "demo");
	uint32_t il = get32(blob), toff = get32(blob + 16);
	unsigned char *trailer = blob + 8 + 16 * il + toff;
	put32(trailer + 8, (uint32_t)-(int32_t)(16 * (il + 5))); /* region bigger than the index */
	expect_error(blob, len, "region trailer: BAD");
	len = good_header(blob, "demo");
	put32(blob + 16, get32(blob + 4)); /* trailer offset at the very end of the data */
	expect_error(blob, len, "region trailer: BAD");
}

static void test_header_bad_entries(void **state)
{
	(void)state;
	unsigned char blob[4096];
	customs__rpm_header h;
	warns w;

	/* LICENSE offset out of range: a warning at that index entry, the rest stands */
	size_t len = good_header(blob, "demo");
	unsigned char *e = find_entry(blob, 1014);
	put32(e + 8, get32(blob + 4) + 100);
	memset(&w, 0, sizeof(w));
	assert_int_equal(customs__rpm_header_parse(&h, blob, len, collect, &w), 0);
	dump_warnings(&w);
	assert_true(has_warning(&w, "data offset out of range", (uint64_t)(e - blob)));
	assert_int_equal(level_of(&w, "data offset out of range"), CUSTOMS_WARN); /* the package is kept */
	assert_null(h.license);
	assert_string_equal(h.name, "demo");
	assert_int_equal(h.nfiles, 3);
	customs__rpm_header_release(&h);

	/* ARCH with an integer type */
	len = good_header(blob, "demo");
	e = find_entry(blob, 1022);
	put32(e + 4, T_INT32);
	memset(&w, 0, sizeof(w));
	assert_int_equal(customs__rpm_header_parse(&h, blob, len, collect, &w), 0);
	assert_true(has_warning(&w, "not a string type", (uint64_t)(e - blob)));
	assert_null(h.arch);
	customs__rpm_header_release(&h);

	/* EPOCH misaligned and a string count of 2 */
	len = good_header(blob, "demo");
	e = find_entry(blob, 1003);
	put32(e + 8, get32(e + 8) + 1);
	unsigned char *v = find_entry(blob, 1011);
	put32(v + 12, 2);
	memset(&w, 0, sizeof(w));
	assert_int_equal(customs__rpm_header_parse(&h, blob, len, collect, &w), 0);
	assert_true(has_warning(&w, "misaligned", (uint64_t)(e - blob)));
	assert_true(has_warning(&w, "count other than 1", (uint64_t)(v - blob)));
	assert_int_equal(h.has_epoch, 0);
	assert_null(h.vendor);
	customs__rpm_header_release(&h);

	/* an unterminated string: the last string of the data store loses its NUL */
	hb hh = {0};
	hh.il = 1;
	hb_str(&hh, 1000, "n");
	hb_str(&hh, 1001, "1");
	hb_str(&hh, 1002, "1");
	hb_region(&hh);
	hb_str(&hh, 1014, "GPL");
	len = hb_blob(&hh, blob);
	blob[len - 1] = 'X';
	memset(&w, 0, sizeof(w));
	assert_int_equal(customs__rpm_header_parse(&h, blob, len, collect, &w), 0);
	dump_warnings(&w);
	assert_true(has_warning(&w, "unterminated", 8 + 16 * 4));
	assert_null(h.license);
	customs__rpm_header_release(&h);

	/* dirindex past the dirnames: the file list goes, the package stays */
	len = good_header(blob, "demo");
	e = find_entry(blob, 1116);
	put32(blob + 8 + 16 * get32(blob) + get32(e + 8) + 8, 7);
	memset(&w, 0, sizeof(w));
	assert_int_equal(customs__rpm_header_parse(&h, blob, len, collect, &w), 0);
	dump_warnings(&w);
	assert_true(has_warning(&w, "dirindex 7", UINT64_MAX));
	assert_int_equal(h.nfiles, 0);
	assert_string_equal(h.version, "1.0~rc1");
	customs__rpm_header_release(&h);

	/* NAME unreadable: the header is unusable */
	len = good_header(blob, "demo");
	e = find_entry(blob, 1000);
	put32(e + 4, 42);
	expect_error(blob, len, "NAME");
}

/* A dribble replaces the region entry of the same tag. */
static void test_header_dribble_wins(void **state)
{
	(void)state;
	unsigned char blob[4096];
	hb h = {0};
	h.il = 1;
	hb_str(&h, 1000, "n");
	hb_str(&h, 1001, "1");
	hb_str(&h, 1002, "1");
	hb_str(&h, 1014, "old");
	hb_region(&h);
	hb_str(&h, 1014, "new");
	size_t len = hb_blob(&h, blob);
	customs__rpm_header r;
	warns w = {0};
	assert_int_equal(customs__rpm_header_parse(&r, blob, len, collect, &w), 0);
	assert_int_equal(w.n, 0);
	assert_string_equal(r.license, "new");
	assert_int_equal(r.has_epoch, 0);
	customs__rpm_header_release(&r);
}

/* ---- synthetic Berkeley DB ---- */

#define BPG 512
typedef struct bdbimg {
	unsigned char buf[BPG * 64];
	size_t len;
	uint32_t first_ovf[8]; /* first overflow page of each record */
} bdbimg;

static void bput32(unsigned char *p, uint32_t v, int be)
{
	if (be)
		put32(p, v);
	else
		p[0] = (unsigned char)v, p[1] = (unsigned char)(v >> 8), p[2] = (unsigned char)(v >> 16),
		p[3] = (unsigned char)(v >> 24);
}

static void bput16(unsigned char *p, uint16_t v, int be)
{
	if (be)
		p[0] = (unsigned char)(v >> 8), p[1] = (unsigned char)v;
	else
		p[0] = (unsigned char)v, p[1] = (unsigned char)(v >> 8);
}

/* Meta page, one hash page (bucket 0) holding key 0 and n records whose
 * headers live on overflow chains, in the given byte order. */
static void bdb_build(bdbimg *img, int be, unsigned char blobs[][4096], const size_t *lens, int n)
{
	unsigned char *b = img->buf;
	uint32_t pg = 2;
	memset(img, 0, sizeof(*img));
	bput32(b + 12, 0x00061561, be);
	bput32(b + 16, 9, be);
	bput32(b + 20, BPG, be);
	b[25] = 8;
	bput32(b + 72, 0, be);  /* max_bucket */
	bput32(b + 96, 1, be);  /* spares[0]: bucket 0 is page 1 */

	unsigned char *h = b + BPG;
	bput32(h + 8, 1, be);
	h[25] = 13;
	int nitems = 2 * (n + 1);
	bput16(h + 20, (uint16_t)nitems, be);
	uint32_t top = BPG;
	for (int i = 0; i <= n; i++) {
		/* key */
		top -= 5;
		h[top] = 1;
		bput32(h + top + 1, (uint32_t)i, be);
		bput16(h + 26 + 2 * (2 * i), (uint16_t)top, be);
		if (i == 0) { /* the instance counter */
			top -= 5;
			h[top] = 1;
			bput32(h + top + 1, (uint32_t)n + 1, be);
			bput16(h + 26 + 2 * (2 * i + 1), (uint16_t)top, be);
			continue;
		}
		if (lens[i - 1] <= 200) { /* small enough to sit on the hash page */
			top -= 1 + (uint32_t)lens[i - 1];
			h[top] = 1;
			memcpy(h + top + 1, blobs[i - 1], lens[i - 1]);
			bput16(h + 26 + 2 * (2 * i + 1), (uint16_t)top, be);
			img->first_ovf[i - 1] = 0;
			continue;
		}
		top -= 12;
		h[top] = 3;
		bput32(h + top + 4, pg, be);
		bput32(h + top + 8, (uint32_t)lens[i - 1], be);
		bput16(h + 26 + 2 * (2 * i + 1), (uint16_t)top, be);
		img->first_ovf[i - 1] = pg;
		size_t done = 0;
		while (done < lens[i - 1]) {
			unsigned char *o = b + (size_t)pg * BPG;
			size_t k = lens[i - 1] - done < BPG - 26 ? lens[i - 1] - done : BPG - 26;
			bput32(o + 8, pg, be);
			o[25] = 7;
			bput16(o + 22, (uint16_t)k, be);
			memcpy(o + 26, blobs[i - 1] + done, k);
			done += k;
			bput32(o + 16, done < lens[i - 1] ? pg + 1 : 0, be);
			pg++;
		}
	}
	bput16(h + 22, (uint16_t)top, be);
	bput32(b + 32, pg - 1, be); /* last_pgno */
	img->len = (size_t)pg * BPG;
}

typedef struct names {
	size_t n;
	char v[64][32];
	uint32_t inst[64];
} names;

static int collect_name(void *ud, uint32_t instance, const unsigned char *blob, size_t len, uint64_t off)
{
	names *nm = ud;
	customs__rpm_header h;
	(void)off;
	if (customs__rpm_header_parse(&h, blob, len, NULL, NULL) == 0) {
		if (nm->n < 64) {
			snprintf(nm->v[nm->n], sizeof(nm->v[0]), "%s", h.name);
			nm->inst[nm->n] = instance;
		}
		nm->n++;
	}
	customs__rpm_header_release(&h);
	return 0;
}

typedef struct both {
	names nm;
	warns w;
} both;

static int both_blob(void *ud, uint32_t i, const unsigned char *b, size_t l, uint64_t o)
{
	return collect_name(&((both *)ud)->nm, i, b, l, o);
}

static void both_warn(void *ud, int level, uint64_t off, const char *msg)
{
	collect(&((both *)ud)->w, level, off, msg);
}

static unsigned char blobs3[3][4096];
static size_t lens3[3];

static void make_blobs(void)
{
	lens3[0] = good_header(blobs3[0], "alpha");
	lens3[1] = good_header(blobs3[1], "beta");
	lens3[2] = good_header(blobs3[2], "gamma");
}

static void test_bdb_synthetic(void **state)
{
	(void)state;
	static bdbimg img;
	static both r;
	make_blobs();
	for (int be = 0; be < 2; be++) {
		bdb_build(&img, be, blobs3, lens3, 3);
		memset(&r, 0, sizeof(r));
		assert_int_equal(customs__rpmdb_sniff(img.buf, img.len), CUSTOMS__RPMDB_BDB);
		assert_int_equal(customs__rpmdb_parse_bdb(img.buf, img.len, both_blob, both_warn, &r), 0);
		dump_warnings(&r.w);
		assert_int_equal(r.w.n, 0);
		assert_int_equal(r.nm.n, 3);
		assert_string_equal(r.nm.v[0], "alpha");
		assert_int_equal(r.nm.inst[2], 3);
		assert_string_equal(r.nm.v[2], "gamma");

		/* a loop in beta's overflow chain: beta skipped, alpha and gamma stay */
		uint32_t p2 = img.first_ovf[1];
		bput32(img.buf + (size_t)p2 * BPG + 16, p2, be);
		memset(&r, 0, sizeof(r));
		assert_int_equal(customs__rpmdb_parse_bdb(img.buf, img.len, both_blob, both_warn, &r), 0);
		dump_warnings(&r.w);
		assert_int_equal(r.nm.n, 2);
		assert_string_equal(r.nm.v[1], "gamma");
		assert_true(has_warning(&r.w, "visited twice", (uint64_t)p2 * BPG));
		assert_int_equal(level_of(&r.w, "visited twice"), CUSTOMS_ERROR); /* a package is lost */

		/* an out-of-range page number in gamma's chain */
		bdb_build(&img, be, blobs3, lens3, 3);
		uint32_t p3 = img.first_ovf[2];
		bput32(img.buf + (size_t)p3 * BPG + 16, 9999, be);
		memset(&r, 0, sizeof(r));
		assert_int_equal(customs__rpmdb_parse_bdb(img.buf, img.len, both_blob, both_warn, &r), 0);
		dump_warnings(&r.w);
		assert_int_equal(r.nm.n, 2);
		assert_true(has_warning(&r.w, "page 9999, outside", UINT64_MAX));

		/* a chain shared by two records */
		bdb_build(&img, be, blobs3, lens3, 3);
		memset(&r, 0, sizeof(r));
		/* alpha's data item points at beta's chain: beta is then a second visit */
		unsigned char *h = img.buf + BPG;
		uint16_t it = (uint16_t)(be ? (h[26 + 6] << 8 | h[26 + 7]) : (h[26 + 7] << 8 | h[26 + 6]));
		bput32(h + it + 4, img.first_ovf[1], be);
		bput32(h + it + 8, (uint32_t)lens3[1], be);
		assert_int_equal(customs__rpmdb_parse_bdb(img.buf, img.len, both_blob, both_warn, &r), 0);
		dump_warnings(&r.w);
		assert_int_equal(r.nm.n, 2); /* beta (via alpha's item) and gamma */
		assert_true(has_warning(&r.w, "visited twice", UINT64_MAX));

		/* hash page chaining to itself, a bad item offset, truncation */
		bdb_build(&img, be, blobs3, lens3, 3);
		bput32(img.buf + BPG + 16, 1, be);
		bput16(img.buf + BPG + 26 + 2 * 4, 3, be); /* beta's key offset inside the index */
		memset(&r, 0, sizeof(r));
		assert_int_equal(customs__rpmdb_parse_bdb(img.buf, img.len - 3 * BPG, both_blob, both_warn, &r), 0);
		dump_warnings(&r.w);
		assert_true(has_warning(&r.w, "a second time", BPG));
		assert_true(has_warning(&r.w, "offsets outside the page", BPG + 26 + 2 * 4));
		assert_true(has_warning(&r.w, "the file holds", 32));
		assert_int_equal(r.nm.n, 1); /* alpha; gamma's chain is cut off */
	}
	/* a header small enough to be stored on the hash page itself */
	static unsigned char mixed[3][4096];
	size_t mlens[3];
	hb t = {0};
	t.il = 1;
	hb_str(&t, 1000, "tiny");
	hb_str(&t, 1001, "1");
	hb_str(&t, 1002, "1");
	hb_region(&t);
	mlens[0] = good_header(mixed[0], "alpha");
	mlens[1] = hb_blob(&t, mixed[1]);
	mlens[2] = good_header(mixed[2], "gamma");
	assert_true(mlens[1] <= 200);
	for (int be = 0; be < 2; be++) {
		bdb_build(&img, be, mixed, mlens, 3);
		memset(&r, 0, sizeof(r));
		assert_int_equal(customs__rpmdb_parse_bdb(img.buf, img.len, both_blob, both_warn, &r), 0);
		dump_warnings(&r.w);
		assert_int_equal(r.w.n, 0);
		assert_int_equal(r.nm.n, 3);
		assert_string_equal(r.nm.v[1], "tiny");
	}
	/* meta page damage is an error, not a crash */
	bdb_build(&img, 0, blobs3, lens3, 3);
	bput32(img.buf + 20, 1000, 0);
	assert_int_equal(customs__rpmdb_parse_bdb(img.buf, img.len, both_blob, both_warn, &r), CUSTOMS_EFORMAT);
	assert_non_null(strstr(customs_error_last(), "offset 20"));
}

/* ---- synthetic NDB ---- */

static uint32_t adler(const unsigned char *p, size_t n)
{
	uint32_t a = 1, b = 0;
	for (size_t i = 0; i < n; i++) {
		a = (a + p[i]) % 65521;
		b = (b + a) % 65521;
	}
	return b << 16 | a;
}

static void lput32(unsigned char *p, uint32_t v)
{
	bput32(p, v, 0);
}

static size_t ndb_build(unsigned char *buf, unsigned char blobs[][4096], const size_t *lens, int n, uint32_t *blkoff)
{
	memset(buf, 0, 4096);
	memcpy(buf, "RpmP", 4);
	lput32(buf + 8, 7);
	lput32(buf + 12, 1);
	lput32(buf + 16, (uint32_t)n + 1);
	for (int j = 2; j < 256; j++)
		memcpy(buf + 16 * j, "Slot", 4);
	uint32_t blk = 256;
	for (int i = 0; i < n; i++) {
		unsigned char *s = buf + 16 * (2 + i);
		uint32_t cnt = (uint32_t)((16 + lens[i] + 12 + 15) / 16);
		lput32(s + 4, (uint32_t)i + 1);
		lput32(s + 8, blk);
		lput32(s + 12, cnt);
		unsigned char *p = buf + 16 * (size_t)blk;
		memset(p, 0, 16 * (size_t)cnt);
		memcpy(p, "BlbS", 4);
		lput32(p + 4, (uint32_t)i + 1);
		lput32(p + 8, 7);
		lput32(p + 12, (uint32_t)lens[i]);
		memcpy(p + 16, blobs[i], lens[i]);
		unsigned char *t = p + 16 * (size_t)cnt - 12;
		lput32(t, adler(p, 16 * (size_t)cnt - 12));
		lput32(t + 4, (uint32_t)lens[i]);
		memcpy(t + 8, "BlbE", 4);
		blkoff[i] = blk;
		blk += cnt;
	}
	return 16 * (size_t)blk;
}

static void test_ndb_synthetic(void **state)
{
	(void)state;
	static unsigned char buf[65536];
	static both r;
	uint32_t off[3];
	make_blobs();
	size_t len = ndb_build(buf, blobs3, lens3, 3, off);
	memset(&r, 0, sizeof(r));
	assert_int_equal(customs__rpmdb_sniff(buf, len), CUSTOMS__RPMDB_NDB);
	assert_int_equal(customs__rpmdb_parse_ndb(buf, len, both_blob, both_warn, &r), 0);
	dump_warnings(&r.w);
	assert_int_equal(r.w.n, 0);
	assert_int_equal(r.nm.n, 3);

	/* slot 2 without magic, slot 3 beyond the file */
	memcpy(buf + 32, "Slxt", 4);
	lput32(buf + 48 + 8, 0x7fffffff);
	memset(&r, 0, sizeof(r));
	assert_int_equal(customs__rpmdb_parse_ndb(buf, len, both_blob, both_warn, &r), 0);
	dump_warnings(&r.w);
	assert_int_equal(r.nm.n, 1);
	assert_string_equal(r.nm.v[0], "gamma");
	assert_true(has_warning(&r.w, "no Slot magic", 32));
	assert_true(has_warning(&r.w, "outside the blob area", 48));

	/* a flipped byte in beta's header: the adler32 catches it */
	len = ndb_build(buf, blobs3, lens3, 3, off);
	buf[16 * (size_t)off[1] + 40] ^= 0xff;
	memset(&r, 0, sizeof(r));
	assert_int_equal(customs__rpmdb_parse_ndb(buf, len, both_blob, both_warn, &r), 0);
	dump_warnings(&r.w);
	assert_int_equal(r.nm.n, 2);
	assert_true(has_warning(&r.w, "adler32", UINT64_MAX));
	assert_int_equal(level_of(&r.w, "adler32"), CUSTOMS_ERROR);

	/* gamma's slot points into beta's blob: overlap */
	len = ndb_build(buf, blobs3, lens3, 3, off);
	lput32(buf + 16 * 4 + 8, off[1] + 1);
	memset(&r, 0, sizeof(r));
	assert_int_equal(customs__rpmdb_parse_ndb(buf, len, both_blob, both_warn, &r), 0);
	dump_warnings(&r.w);
	assert_int_equal(r.nm.n, 2);
	assert_true(has_warning(&r.w, "overlaps", 16 * 4));

	/* slot pages beyond the file, and a cut file */
	len = ndb_build(buf, blobs3, lens3, 3, off);
	lput32(buf + 12, 1000);
	memset(&r, 0, sizeof(r));
	assert_int_equal(customs__rpmdb_parse_ndb(buf, len, both_blob, both_warn, &r), 0);
	assert_true(has_warning(&r.w, "slot pages", 12));
	len = ndb_build(buf, blobs3, lens3, 3, off);
	memset(&r, 0, sizeof(r));
	assert_int_equal(customs__rpmdb_parse_ndb(buf, len - 40, both_blob, both_warn, &r), 0);
	assert_int_equal(r.nm.n, 2);
	assert_int_equal(customs__rpmdb_parse_ndb(buf, 20, both_blob, both_warn, &r), CUSTOMS_EFORMAT);
}

/* ---- synthetic SQLite ---- */

static void test_sqlite_synthetic(void **state)
{
	(void)state;
	sqlite3 *db;
	sqlite3_stmt *st;
	static both r;
	make_blobs();
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
				      "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT "
				      "NULL)",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO Packages (blob) VALUES (?)", -1, &st, NULL), SQLITE_OK);
	for (int i = 0; i < 3; i++) {
		/* the second row is a truncated header */
		sqlite3_bind_blob(st, 1, blobs3[i], (int)(i == 1 ? lens3[i] - 9 : lens3[i]), SQLITE_STATIC);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	sqlite3_int64 sz;
	unsigned char *img = sqlite3_serialize(db, "main", &sz, 0);
	assert_non_null(img);
	sqlite3_close(db);

	customs_package **pk;
	size_t n;
	memset(&r, 0, sizeof(r));
	assert_int_equal(customs__rpm_parse_packages(&pk, &n, img, (size_t)sz, both_warn, &r), 0);
	dump_warnings(&r.w);
	assert_int_equal(n, 2);
	assert_string_equal(pk[0]->name, "alpha");
	assert_string_equal(pk[1]->name, "gamma");
	assert_true(has_warning(&r.w, "package instance 2: header skipped", UINT64_MAX));
	assert_int_equal(level_of(&r.w, "header skipped"), CUSTOMS_ERROR);
	th_pkgs_free(pk, n);

	/* cut in the middle: an error or fewer rows, never a crash */
	memset(&r, 0, sizeof(r));
	int rc = customs__rpmdb_parse_sqlite(img, (size_t)sz / 2, both_blob, both_warn, &r);
	print_message("  half database: rc %d, %zu rows, %zu warnings\n", rc, r.nm.n, r.w.n);
	/* no Packages table */
	memcpy(img + 100, "garbage garbage garbage", 23);
	memset(&r, 0, sizeof(r));
	rc = customs__rpmdb_parse_sqlite(img, (size_t)sz, both_blob, both_warn, &r);
	print_message("  garbled schema: rc %d (%s)\n", rc, customs_error_last());
	assert_true(rc < 0 || r.nm.n <= 2);
	sqlite3_free(img);
	static const unsigned char junk[10] = "not an db";
	assert_int_equal(customs__rpmdb_parse(junk, sizeof(junk), both_blob, both_warn, &r), CUSTOMS_EFORMAT);
}

/* ---- real databases against the reference TSVs ---- */

typedef struct rows {
	char **v;
	size_t n, cap;
	size_t files;
} rows;

static void rows_add(rows *r, char *s)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 64;
		r->v = realloc(r->v, r->cap * sizeof(*r->v));
		assert_non_null(r->v);
	}
	r->v[r->n++] = s;
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void rows_free(rows *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i]);
	free(r->v);
}

typedef struct fixture_ctx {
	rows got;
	warns w;
} fixture_ctx;

static int tsv_blob(void *ud, uint32_t inst, const unsigned char *blob, size_t len, uint64_t off)
{
	fixture_ctx *c = ud;
	customs__rpm_header h;
	(void)inst, (void)off;
	if (customs__rpm_header_parse(&h, blob, len, collect, &c->w) < 0) {
		collect(&c->w, CUSTOMS_ERROR, off, customs_error_last());
		return 0;
	}
	char ep[16] = "-";
	if (h.has_epoch)
		snprintf(ep, sizeof(ep), "%u", h.epoch);
	char *row = customs_asprintf("%s\t%s\t%s\t%s\t%s\t%s\t%llu\t%s", ep, h.name, h.version, h.release,
				     h.arch ? h.arch : "", h.sourcerpm ? h.sourcerpm : "",
				     (unsigned long long)h.size, h.license ? h.license : "");
	rows_add(&c->got, row);
	c->got.files += h.nfiles;
	customs__rpm_header_release(&h);
	return 0;
}

static void warn_into(void *ud, int level, uint64_t off, const char *msg)
{
	collect(&((fixture_ctx *)ud)->w, level, off, msg);
}

/* $SHARED/fixtures/rpmdb/NAME, or NULL when absent (the program then skips) */
static char *read_shared(const char *name, size_t *len)
{
	char *rel = customs_asprintf("fixtures/rpmdb/%s", name), *buf = th_shared_read(rel, len, 64u << 20);
	free(rel);
	return buf;
}

/* Compare with the TSV (epoch name version release arch sourcerpm size
 * license; epoch "(none)" or empty = no epoch); returns the file count. */
static size_t check_fixture(const char *db, const char *tsv, customs__rpmdb_kind kind, size_t want_pkgs)
{
	size_t len, tlen;
	char *buf = read_shared(db, &len), *t = read_shared(tsv, &tlen);
	if (!buf || !t) {
		free(buf), free(t);
		skip();
	}
	assert_int_equal(customs__rpmdb_sniff((unsigned char *)buf, len), kind);
	fixture_ctx c = {0};
	assert_int_equal(customs__rpmdb_parse((unsigned char *)buf, len, tsv_blob, warn_into, &c), 0);
	dump_warnings(&c.w);
	assert_int_equal(c.w.n, 0);

	rows want = {0};
	char *line = t, *nl;
	int first = 1;
	for (; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			nl = line + strlen(line) - 1;
		*nl = '\0';
		if (first) {
			assert_string_equal(line, "epoch\tname\tversion\trelease\tarch\tsourcerpm\tsize\tlicense");
			first = 0;
			continue;
		}
		char *tab = strchr(line, '\t');
		assert_non_null(tab);
		*tab = '\0';
		int none = !strcmp(line, "(none)") || !*line;
		rows_add(&want, customs_asprintf("%s\t%s", none ? "-" : line, tab + 1));
	}
	qsort(c.got.v, c.got.n, sizeof(char *), cmpstr);
	qsort(want.v, want.n, sizeof(char *), cmpstr);
	size_t mism = 0;
	for (size_t i = 0; i < c.got.n && i < want.n; i++)
		if (strcmp(c.got.v[i], want.v[i])) {
			print_message("  mismatch: got  %s\n            want %s\n", c.got.v[i], want.v[i]);
			mism++;
		}
	print_message("  %s: %zu packages (want %zu), %zu files, %zu "
		      "mismatches\n", db, c.got.n, want.n, c.got.files, mism);
	assert_int_equal(c.got.n, want_pkgs);
	assert_int_equal(want.n, want_pkgs);
	assert_int_equal(mism, 0);
	size_t files = c.got.files;
	rows_free(&c.got);
	rows_free(&want);
	free(buf), free(t);
	return files;
}

static void test_fixture_mariner_sqlite(void **state)
{
	(void)state;
	size_t files = check_fixture("cbl-mariner-2.0.rpmdb.sqlite", "cbl-mariner-2.0.expected.tsv",
				     CUSTOMS__RPMDB_SQLITE, 129);
	assert_int_equal(files, 7269); /* = rpm -ql over all packages (FORMATS-packages.md 1.4) */

	/* the package records: epoch carried into version and source version */
	size_t len;
	char *buf = read_shared("cbl-mariner-2.0.rpmdb.sqlite", &len);
	customs_package **pk;
	size_t n, seen = 0;
	assert_int_equal(customs__rpm_parse_packages(&pk, &n, (unsigned char *)buf, len, NULL, NULL), 0);
	assert_int_equal(n, 129);
	customs_distro d = {.id = "mariner", .version_id = "2.0"};
	for (size_t i = 0; i < n; i++) {
		customs_package *p = pk[i];
		if (!strcmp(p->name, "ca-certificates-base")) {
			seen++;
			assert_string_equal(p->version, "1:2.0.0-1.cm2");
			assert_string_equal(p->source_name, "ca-certificates");
			assert_string_equal(p->source_version, "1:2.0.0-1.cm2");
			assert_string_equal(p->arch, "noarch");
			assert_string_equal(p->licenses.v[0], "MPLv2.0");
			assert_int_equal(json_integer_value(json_object_get(p->metadata, "size")), 50019);
			assert_string_equal(json_string_value(json_object_get(p->metadata, "vendor")),
					    "Microsoft Corporation");
			char *purl = customs__rpm_purl(p, &d);
			assert_non_null(purl);
			assert_string_equal(purl,
					    "pkg:rpm/mariner/ca-certificates-base@2.0.0-1.cm2?arch=noarch&distro=mariner-2.0&epoch=1");
			free(purl);
		}
		if (!strcmp(p->name, "audit-libs")) {
			seen++;
			assert_string_equal(p->version, "3.0.6-1.cm2");
			assert_string_equal(p->source_name, "audit");
			assert_string_equal(p->source_version, "3.0.6-1.cm2");
			assert_null(json_object_get(p->metadata, "epoch"));
			assert_true(customs_strlist_contains(&p->files, "/usr/lib/libaudit.so.1"));
		}
		customs_package_free(p);
	}
	free(pk);
	free(buf);
	assert_int_equal(seen, 2);
}

static void test_fixture_sle_ndb(void **state)
{
	(void)state;
	size_t files = check_fixture("sle15-bci.Packages.db", "sle15-bci.expected.tsv", CUSTOMS__RPMDB_NDB, 35);
	assert_int_equal(files, 2837);
}

static void test_fixture_libuuid_bdb(void **state)
{
	(void)state;
	check_fixture("libuuid.Packages.bdb", "libuuid.expected.tsv", CUSTOMS__RPMDB_BDB, 1);
}

/* Damage to the real files: no crash, and what is still intact is read. */
static void test_fixture_damage(void **state)
{
	(void)state;
	size_t len;
	char *buf = read_shared("sle15-bci.Packages.db", &len);
	if (!buf)
		skip();
	both *r = calloc(1, sizeof(*r));
	/* flip one byte in each of 8 blobs: those 8 fail their adler32 */
	unsigned char *u = (unsigned char *)buf;
	int flipped = 0;
	for (size_t s = 2; s < 256 && flipped < 8; s++) {
		unsigned char *sl = u + 16 * s;
		uint32_t blkoff = (uint32_t)(sl[8] | sl[9] << 8 | sl[10] << 16 | (uint32_t)sl[11] << 24);
		if (!blkoff)
			continue;
		u[16 * (size_t)blkoff + 100] ^= 0x55;
		flipped++;
	}
	assert_int_equal(customs__rpmdb_parse_ndb(u, len, both_blob, both_warn, r), 0);
	assert_int_equal(r->nm.n, 35 - 8);
	assert_int_equal(r->w.n, 8);
	free(buf);

	buf = read_shared("libuuid.Packages.bdb", &len);
	u = (unsigned char *)buf;
	/* every page's next pointer aimed at page 3 */
	for (size_t pg = 1; pg * 4096 < len; pg++)
		u[pg * 4096 + 16] = 3, u[pg * 4096 + 17] = 0;
	memset(r, 0, sizeof(*r));
	assert_int_equal(customs__rpmdb_parse_bdb(u, len, both_blob, both_warn, r), 0);
	dump_warnings(&r->w);
	assert_int_equal(r->nm.n, 0);
	assert_true(r->w.n > 0);
	free(buf);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_good),
		cmocka_unit_test(test_header_truncated),
		cmocka_unit_test(test_header_counts),
		cmocka_unit_test(test_header_region),
		cmocka_unit_test(test_header_bad_entries),
		cmocka_unit_test(test_header_dribble_wins),
		cmocka_unit_test(test_bdb_synthetic),
		cmocka_unit_test(test_ndb_synthetic),
		cmocka_unit_test(test_sqlite_synthetic),
		cmocka_unit_test(test_fixture_mariner_sqlite),
		cmocka_unit_test(test_fixture_sle_ndb),
		cmocka_unit_test(test_fixture_libuuid_bdb),
		cmocka_unit_test(test_fixture_damage),
	};
	return th_exit(cmocka_run_group_tests_name("rpm", tests, NULL, NULL));
}
