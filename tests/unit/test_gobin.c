/* test_gobin.c - the streaming Go build info reader on real binaries
 * (tests/data/lang/go: esbuild 0.18.20 inline format, esbuild 0.13.15 pointer
 * format, Debian's umoci, a build with module and directory replacements),
 * fed whole, in random chunks and in tiny chunks, against what `go version
 * -m` printed for each; then lying and truncated build info, bogus magic
 * hits, modinfo lines Go would reject, and the analyzer's warning naming the
 * file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/analyzers.h"
#include "helpers.h"
#include "util/util.h"

#define GO "lang/go/"

static uint64_t le64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Rebuild a binary from its .pieces file (zeros where nothing was kept). */
static unsigned char *load_pieces(const char *name, size_t *size)
{
	size_t len;
	char *raw = th_data(name, &len);
	const unsigned char *p = (const unsigned char *)raw;
	assert_true(len >= 16 && !memcmp(p, "CPIECES1", 8));
	*size = (size_t)le64(p + 8);
	unsigned char *buf = calloc(1, *size);
	assert_non_null(buf);
	for (size_t o = 16; o + 12 <= len;) {
		uint64_t off = le64(p + o);
		uint32_t n = (uint32_t)p[o + 8] | (uint32_t)p[o + 9] << 8 | (uint32_t)p[o + 10] << 16 | (uint32_t)p[o + 11] << 24;
		assert_true(off + n <= *size && o + 12 + n <= len);
		memcpy(buf + off, p + o + 12, n);
		o += 12 + n;
	}
	free(raw);
	return buf;
}

static int put(void *g, const unsigned char *data, size_t len)
{
	return customs__goscan_write(g, data, len);
}

/* Feed buf in chunks of 1..maxchunk bytes (0: one chunk), as the engine
 * would: stop when the scanner says it is done. */
static int scan(customs_package ***out, size_t *n, const unsigned char *buf, size_t len, size_t maxchunk, th_warns *w)
{
	static uint64_t rng = 88172645463325252ull;
	customs_goscan *g = customs__goscan_new(len);
	assert_non_null(g);
	th_feed(put, g, buf, len, maxchunk, &rng);
	int rc = customs__goscan_finish(g, out, n, th_warn_lined, w);
	customs__goscan_free(g);
	return rc;
}

/* strconv.Quote enough for build settings */
static void quoted(customs_buf *b, const char *v)
{
	if (!v[strcspn(v, " \t\r\n\"`")]) {
		customs_buf_puts(b, v);
		return;
	}
	customs_buf_puts(b, "\"");
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			customs_buf_puts(b, "\\");
		customs_buf_put(b, v, 1);
	}
	customs_buf_puts(b, "\"");
}

/* The packages written back as `go version -m` lines. */
static char *render(const char *label, customs_package **v, size_t n)
{
	customs_buf b = CUSTOMS_BUF_INIT(0);
	assert_true(n >= 1);
	assert_string_equal(v[0]->name, "stdlib");
	customs_buf_printf(&b, "%s: %s\n", label, th_meta(v[0], "go_version"));
	if (th_meta(v[0], "main_path"))
		customs_buf_printf(&b, "\tpath\t%s\n", th_meta(v[0], "main_path"));
	json_t *settings = json_object_get(v[0]->metadata, "build_settings");
	for (size_t i = 1; i < n; i++) {
		const customs_package *p = v[i];
		int is_main = json_is_true(json_object_get(p->metadata, "main_module"));
		json_t *r = json_object_get(p->metadata, "replaces");
		const char *sum = th_meta(p, "sum");
		if (is_main)
			settings = json_object_get(p->metadata, "build_settings");
		if (r) {
			const char *dir = th_meta(p, "replacement_dir");
			customs_buf_printf(&b, "\t%s\t%s\t%s\n\t=>\t%s\t%s\t%s\n", is_main ? "mod" : "dep",
					   json_string_value(json_object_get(r, "path")),
					   json_string_value(json_object_get(r, "version")), dir ? dir : p->name, p->version,
					   sum ? sum : "");
		} else {
			customs_buf_printf(&b, "\t%s\t%s\t%s\t%s\n", is_main ? "mod" : "dep", p->name, p->version,
					   sum ? sum : "");
		}
	}
	const char *k;
	json_t *val;
	json_object_foreach(settings, k, val) {
		customs_buf_puts(&b, "\tbuild\t");
		quoted(&b, k);
		customs_buf_puts(&b, "=");
		quoted(&b, json_string_value(val));
		customs_buf_puts(&b, "\n");
	}
	customs_buf_puts(&b, "");
	return customs_buf_detach(&b);
}

/* The reference file without the blank lines go version -m prints after
 * a replacement. */
static char *expected(const char *name)
{
	size_t len;
	char *raw = th_data(name, &len);
	customs_buf b = CUSTOMS_BUF_INIT(0);
	for (char *line = raw, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			break;
		if (strspn(line, "\t") != (size_t)(nl - line))
			customs_buf_put(&b, line, (size_t)(nl - line) + 1);
	}
	customs_buf_puts(&b, "");
	free(raw);
	return customs_buf_detach(&b);
}

static const char *const samples[] = {"esbuild-0.18.20.linux-x64", "esbuild-0.13.15.linux-x64", "umoci-0.4.7",
				      "replaced", NULL};

static void test_real_binaries(void **state)
{
	(void)state;
	for (int s = 0; samples[s]; s++) {
		char *pn = customs_asprintf(GO "%s.pieces", samples[s]),
		     *en = customs_asprintf(GO "%s.go-version-m.txt", samples[s]);
		size_t len;
		unsigned char *bin = load_pieces(pn, &len);
		char *want = expected(en);
		size_t modes[] = {0, 65536, 4096, 100, 17};
		for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
			/* tiny chunks only over the 1.2 MB one: it still splits
			 * the magic between chunks many ways */
			if (modes[m] < 4096 && len > (2u << 20))
				continue;
			customs_package **v;
			size_t n;
			th_warns w = {0};
			assert_int_equal(scan(&v, &n, bin, len, modes[m], &w), 0);
			assert_int_equal(w.n, 0);
			char *got = render(samples[s], v, n);
			if (strcmp(got, want))
				fail_msg("%s, chunks up to %zu:\n--- got\n%s--- want\n%s", samples[s], modes[m], got, want);
			free(got);
			th_pkgs_free(v, n);
		}
		free(want);
		free(bin);
		free(pn);
		free(en);
	}
}

static void test_packages(void **state)
{
	(void)state;
	size_t len, n;
	customs_package **v;
	unsigned char *bin = load_pieces(GO "esbuild-0.18.20.linux-x64.pieces", &len);
	assert_int_equal(scan(&v, &n, bin, len, 0, NULL), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[0]->type, "go-module");
	assert_string_equal(v[0]->version, "go1.20.7");
	assert_string_equal(v[0]->purl, "pkg:golang/stdlib@1.20.7");
	const customs_package *p = th_pkg_need(v, n, NULL, "github.com/evanw/esbuild");
	assert_string_equal(p->version, "(devel)");
	assert_string_equal(p->purl, "pkg:golang/github.com/evanw/esbuild@%28devel%29");
	assert_string_equal(json_string_value(json_object_get(json_object_get(p->metadata, "build_settings"),
								 "vcs.revision")),
			    "22f0818cf81024b63752d815c51fe737612b43ec");
	p = th_pkg_need(v, n, NULL, "golang.org/x/sys");
	assert_string_equal(p->purl, "pkg:golang/golang.org/x/sys@v0.0.0-20220715151400-c0bba94af5f8");
	assert_string_equal(th_meta(p, "sum"), "h1:0A+M6Uqn+Eje4kHMK80dtF3JCXC4ykBgQG4Fe06QRhQ=");
	th_pkgs_free(v, n);
	free(bin);

	bin = load_pieces(GO "replaced.pieces", &len);
	assert_int_equal(scan(&v, &n, bin, len, 0, NULL), 0);
	assert_int_equal(n, 4);
	p = th_pkg_need(v, n, NULL, "example.com/libfork");
	assert_string_equal(p->version, "v1.2.4");
	assert_string_equal(p->purl, "pkg:golang/example.com/libfork@v1.2.4");
	json_t *r = json_object_get(p->metadata, "replaces");
	assert_string_equal(json_string_value(json_object_get(r, "path")), "example.com/lib");
	assert_string_equal(json_string_value(json_object_get(r, "version")), "v1.2.3");
	p = th_pkg_need(v, n, NULL, "example.com/local"); /* a directory: the original name stays */
	assert_string_equal(p->version, "(devel)");
	assert_string_equal(th_meta(p, "replacement_dir"), "../local");
	p = th_pkg_need(v, n, NULL, "example.com/hello");
	assert_string_equal(json_string_value(json_object_get(json_object_get(p->metadata, "build_settings"), "-ldflags")),
			    "-s -w -X main.version=v1.0.0");
	th_pkgs_free(v, n);
	free(bin);

	/* no mod lines (distro build): stdlib carries path and settings */
	bin = load_pieces(GO "umoci-0.4.7.pieces", &len);
	assert_int_equal(scan(&v, &n, bin, len, 0, NULL), 0);
	assert_int_equal(n, 1);
	assert_string_equal(th_meta(v[0], "main_path"), "github.com/opencontainers/umoci/cmd/umoci");
	assert_string_equal(json_string_value(json_object_get(json_object_get(v[0]->metadata, "build_settings"),
								 "CGO_ENABLED")),
			    "1");
	th_pkgs_free(v, n);
	free(bin);
}

static void test_not_go(void **state)
{
	(void)state;
	customs_package **v;
	size_t n;
	th_warns w = {0};
	const char *script = "#!/bin/sh\necho \xff Go buildinf:\n";
	customs_goscan *g = customs__goscan_new(strlen(script));
	assert_int_equal(customs__goscan_write(g, (const unsigned char *)script, strlen(script)), 1);
	assert_int_equal(customs__goscan_finish(g, &v, &n, th_warn_lined, &w), CUSTOMS_ENOTFOUND);
	customs__goscan_free(g);

	char *path = th_data_path("lang/rust/lockgen-bfd");
	char *elf;
	size_t len;
	assert_int_equal(customs_read_file(&elf, &len, path, 1 << 20), 0);
	assert_int_equal(scan(&v, &n, (unsigned char *)elf, len, 1000, &w), CUSTOMS_ENOTFOUND);
	assert_int_equal(w.n, 0);
	free(elf);
	free(path);
}

/* Offset of the build info header in a rebuilt binary. */
static size_t header_at(const unsigned char *bin, size_t len)
{
	for (size_t o = 0; o + 16 <= len; o += 16)
		if (!memcmp(bin + o, "\xff Go buildinf:", 14) && (bin[o + 14] == 4 || bin[o + 14] == 8))
			return o;
	fail_msg("no build info");
	return 0;
}

static void expect_warning_from(const unsigned char *bin, size_t len, const char *needle, size_t first_mode)
{
	customs_package **v;
	size_t n;
	size_t modes[] = {0, 4096, 13};
	for (size_t m = first_mode; m < 3; m++) {
		th_warns w = {0};
		int rc = scan(&v, &n, bin, len, modes[m], &w);
		if (rc != CUSTOMS_EFORMAT || w.n != 1 || !strstr(w.msg[0], needle))
			fail_msg("rc %d, %zu warnings, first \"%s\": want \"%s\"", rc, w.n, w.n ? w.msg[0] : "",
				 needle);
	}
}

static void expect_warning(const unsigned char *bin, size_t len, const char *needle)
{
	expect_warning_from(bin, len, needle, 0);
}

static void test_malformed(void **state)
{
	(void)state;
	size_t len;
	unsigned char *bin = load_pieces(GO "replaced.pieces", &len);
	size_t h = header_at(bin, len);
	unsigned char *b = malloc(len);
	char want[128];

	/* cut off inside the module info */
	snprintf(want, sizeof(want), "build info at offset %zu: module info length 438 runs past the end of the file", h);
	expect_warning(bin, h + 200, want);
	{ /* the same with the size unknown: found out at the end */
		customs_goscan *g = customs__goscan_new(0);
		customs_package **v;
		size_t n;
		th_warns w = {0};
		assert_int_equal(customs__goscan_write(g, bin, h + 200), 0);
		assert_int_equal(customs__goscan_finish(g, &v, &n, th_warn_lined, &w), CUSTOMS_EFORMAT);
		snprintf(want, sizeof(want), "0: build info at offset %zu is cut off by the end of the file", h);
		assert_string_equal(w.msg[0], want);
		customs__goscan_free(g);
	}
	/* a length that lies: over the limit, then past the end of the file */
	memcpy(b, bin, len);
	size_t m = h + 32 + 1 + b[h + 32];
	memcpy(b + m, "\xff\xff\xff\x7f", 4);
	expect_warning(b, len, "module info length 268435455 is over the 1048576-byte limit");
	memcpy(b + m, "\xa0\x8d\x06", 3); /* 100000 */
	expect_warning(b, h + 5000, "module info length 100000 runs past the end of the file");
	/* a varint that never ends */
	memset(b + m, 0xff, 10);
	expect_warning(b, len, "bad length (varint overflow)");
	/* no version */
	memcpy(b, bin, len);
	b[h + 32] = 0;
	expect_warning(b, len, "empty Go version");

	/* a decoy first (pointer size 0, as the go command's own copy of the
	 * magic), then the real header: no warning */
	memcpy(b, bin, len);
	memcpy(b + 0x20000, "\xff Go buildinf:\0\0client", 22);
	customs_package **v;
	size_t n;
	th_warns w = {0};
	assert_int_equal(scan(&v, &n, b, len, 4096, &w), 0);
	assert_int_equal(w.n, 0);
	assert_string_equal(v[0]->version, "go1.19.8");
	th_pkgs_free(v, n);
	/* plausible but broken candidates over and over: give up */
	for (int k = 0; k < 20; k++)
		memcpy(b + 0x20000 + 16 * (size_t)k, "\xff Go buildinf:\x08\x02", 16);
	expect_warning(b, len, "bogus build info headers: gave up");
	free(b);
	free(bin);

	/* pointer format */
	bin = load_pieces(GO "esbuild-0.13.15.linux-x64.pieces", &len);
	b = malloc(len);
	h = header_at(bin, len);
	memcpy(b, bin, len);
	memcpy(b + h + 16, "\x01\0\0\0\0\0\0\0", 8);
	snprintf(want, sizeof(want), "build info at offset %zu points to address 0x1, outside the file's segments", h);
	expect_warning(b, len, want);
	/* the string bytes lie 3.5 MB back; without the Go build ID note
	 * nothing behind the current chunk is kept */
	memcpy(b, bin, len);
	unsigned char *note = memmem(b, 65536, "Go\0\0", 4);
	assert_non_null(note);
	memset(note, 'x', 4);
	expect_warning_from(b, len, "outside the bytes kept", 1);
	/* a string header whose length lies */
	memcpy(b, bin, len);
	size_t sh = 0x747250 + 8; /* the module info string header's length */
	assert_int_equal(b[sh + 1] != 0 || b[sh] != 0, 1);
	memcpy(b + sh, "\0\0\0\x01\0\0\0\0", 8);
	expect_warning(b, len, "module info string of 16777216 bytes, over the 1048576-byte limit");
	free(b);
	free(bin);
}

static void test_modinfo_lines(void **state)
{
	(void)state;
	static const char start[] = "0w\xaf\f\x92t\b\x02" "A\xe1\xc1\a\xe6\xd6\x18\xe6";
	static const char end[] = "\xf9" "2C1\x86\x18 r\0\x82" "B\x10" "A\x16\xd8\xf2";
	const char *body = "path\texample.com/x\n"
			   "mod\texample.com/x\tv1.0.0\th1:abc=\n"
			   "dep\tonly-one-column\n"
			   "=>\tex.com/y\tv1\t\n"
			   "dep\tgood.com/z\tv0.1.0\th1:z=\n"
			   "=>\t../z\t\t\n"
			   "build\t=nokey\n"
			   "build\t\"quoted key\"=\"a\\tb\"\n"
			   "build\tbad\xff\xfe\n";
	customs_buf b = CUSTOMS_BUF_INIT(0);
	customs_buf_put(&b, start, 16);
	customs_buf_puts(&b, body);
	customs_buf_put(&b, end, 16);
	customs_package **v;
	size_t n;
	th_warns w = {0};
	assert_int_equal(customs__go_parse_modinfo(&v, &n, "go1.16.5", 8, b.ptr, b.len, th_warn_lined, &w), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[0]->version, "go1.16.5");
	assert_string_equal(v[1]->name, "example.com/x");
	assert_string_equal(v[2]->name, "good.com/z");
	assert_string_equal(v[2]->version, "(devel)"); /* directory replacement, Go 1.16 style */
	assert_string_equal(th_meta(v[2], "replacement_dir"), "../z");
	json_t *set = json_object_get(v[1]->metadata, "build_settings");
	assert_string_equal(json_string_value(json_object_get(set, "quoted key")), "a\tb");
	assert_int_equal(json_object_size(set), 1);
	assert_int_equal(w.n, 4);
	assert_string_equal(w.msg[0], "3: dep line with 1 columns (want 2 or 3): skipped");
	assert_string_equal(w.msg[1], "4: replacement with no module on the line before: skipped");
	assert_string_equal(w.msg[2], "7: malformed build setting \"build\t=nokey\": skipped");
	assert_string_equal(w.msg[3], "9: module info line is not UTF-8: skipped");
	th_pkgs_free(v, n);
	customs_buf_release(&b);

	/* without the framing Go sees no module info: stdlib only */
	w.n = 0;
	assert_int_equal(
		customs__go_parse_modinfo(&v, &n, "devel go1.23-4f2a3b Mon", 23, "path\tx\n", 7, th_warn_lined, &w), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0]->version, "go1.23-4f2a3b");
	assert_null(th_meta(v[0], "main_path"));
	th_pkgs_free(v, n);
}

static void test_analyzer(void **state)
{
	(void)state;
	th_dir d;
	th_dir_new(&d, "gobin");
	size_t len;
	unsigned char *bin = load_pieces(GO "replaced.pieces", &len);
	size_t h = header_at(bin, len);
	th_dir_put(&d, "usr/local/bin/hello", bin, len, 0755);
	th_dir_put(&d, "usr/local/bin/broken", bin, h + 100, 0755);
	free(bin);

	customs_analysis *a = th_dir_analyze(&d, "go-binary");
	assert_int_equal(a->npackages, 4);
	for (size_t i = 0; i < a->npackages; i++) {
		assert_string_equal(a->packages[i]->found_by, "go-binary");
		assert_string_equal(a->packages[i]->db_path, "usr/local/bin/hello");
		assert_int_equal(a->packages[i]->layer, 0);
	}
	assert_int_equal(a->nwarnings, 1);
	assert_string_equal(a->warnings[0].path, "usr/local/bin/broken");
	assert_int_equal(a->warnings[0].layer, 0);
	th_dir_warning_is(&d, a->warnings[0].message,
			  "layer 0: usr/local/bin/broken: Go build info: build info at offset %zu: "
			  "module info length 438 runs past the end of the file",
			  h);
	customs_analysis_free(a);
	assert_int_equal(th_dir_remove(&d), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_binaries), cmocka_unit_test(test_packages),
		cmocka_unit_test(test_not_go),        cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_modinfo_lines), cmocka_unit_test(test_analyzer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
