/* test_rust.c - Cargo.lock v1-v4 written by real Cargo (tests/data/lang/rust),
 * cargo-auditable's .dep-v0 in real GNU ld and lld links, and ELF files made
 * here to put the section where the streaming locator must keep the tail
 * (and where it cannot); corrupt zlib, an invalid dependency graph, a
 * section outside the file, and the analyzer's warning naming the file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <isa-l/igzip_lib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analyzers/analyzers.h"
#include "util/util.h"

static char *data_file(const char *name, size_t *len)
{
	const char *src = getenv("SRCDIR");
	char *path = customs_asprintf("%s/tests/data/lang/rust/%s", src ? src : ".", name), *buf = NULL;
	if (customs_read_file(&buf, len, path, 1 << 20) < 0)
		fail_msg("cannot read %s: %s", path, customs_error_last());
	free(path);
	return buf;
}

typedef struct warns {
	char msg[8][512];
	int n;
} warns;

static void collect(void *ud, size_t line, const char *msg)
{
	warns *w = ud;
	if (w->n < 8)
		snprintf(w->msg[w->n++], sizeof(w->msg[0]), "%zu: %s", line, msg);
}

static const char *meta(const customs_package *p, const char *key)
{
	return json_string_value(json_object_get(p->metadata, key));
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* "name version [source] [checksum prefix]" lines, sorted */
static char *summary(customs_package **v, size_t n)
{
	char **lines = calloc(n + 1, sizeof(*lines));
	customs_buf b = CUSTOMS_BUF_INIT(0);
	for (size_t i = 0; i < n; i++) {
		const char *src = meta(v[i], "source"), *sum = meta(v[i], "checksum");
		assert_string_equal(v[i]->type, "rust-crate");
		lines[i] = customs_asprintf("%s %s%s%s%s%.8s", v[i]->name, v[i]->version, src ? " " : "", src ? src : "",
					    sum ? " " : "", sum ? sum : "");
	}
	qsort(lines, n, sizeof(*lines), cmp_str);
	for (size_t i = 0; i < n; i++) {
		customs_buf_printf(&b, "%s\n", lines[i]);
		free(lines[i]);
	}
	free(lines);
	customs_buf_puts(&b, "");
	return customs_buf_detach(&b);
}

static void free_pkgs(customs_package **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		customs_package_free(v[i]);
	free(v);
}

#define REG "registry+https://github.com/rust-lang/crates.io-index"

static void test_cargo_lock(void **state)
{
	(void)state;
	const char *want = "cfg-if 1.0.0 " REG "\n"
			   "itoa 1.0.1 " REG " 1aab8fc3\n"
			   "lockgen 0.1.0\n"
			   "lockgen-util 0.2.0\n"
			   "memchr 2.5.0 " REG " 2dffe52e\n";
	for (int ver = 1; ver <= 4; ver++) {
		char name[32];
		size_t len, n;
		snprintf(name, sizeof(name), "Cargo.lock.v%d", ver);
		char *buf = data_file(name, &len);
		customs_package **v;
		warns w = {.n = 0};
		assert_int_equal(customs__rust_parse_cargo_lock(&v, &n, buf, len, collect, &w), 0);
		char *got = summary(v, n);
		assert_string_equal(got, want);
		free(got);
		/* Debian's cfg-if has no checksum: Cargo wrote a sentence */
		assert_int_equal(w.n, 1);
		assert_non_null(strstr(w.msg[0], "cfg-if 1.0.0: checksum is not a SHA-256: dropped"));
		for (size_t i = 0; i < n; i++) {
			assert_int_equal(json_integer_value(json_object_get(v[i]->metadata, "lockfile_version")), ver);
			if (!strcmp(v[i]->name, "memchr"))
				assert_string_equal(v[i]->purl, "pkg:cargo/memchr@2.5.0");
		}
		free_pkgs(v, n);
		free(buf);
	}
}

static void test_cargo_lock_malformed(void **state)
{
	(void)state;
	customs_package **v;
	size_t n;
	warns w = {.n = 0};
	const char *json = "{\"packages\": [{\"name\": \"x\"}]}\n";
	assert_int_equal(customs__rust_parse_cargo_lock(&v, &n, json, strlen(json), collect, &w), CUSTOMS_EFORMAT);
	assert_int_equal(w.n, 2);
	assert_string_equal(w.msg[0], "1: not a TOML key = value line: skipped");
	assert_string_equal(w.msg[1], "1: no [[package]] table: not a Cargo.lock");

	const char *lock = "version = 3\n\n[[package]]\nname = \"a\"\n\n"
			   "[[package]]\nname = \"b\"\nversion = \"1.0.0\"\nsource = \"registry+x\"\n"
			   "checksum = \"bad \\q escape\"\n"
			   "[[package]]\nname = \"c\"\nversion = '2.0.0'\ndependencies = [\n \"a\",\n \"b\",\n";
	w.n = 0;
	assert_int_equal(customs__rust_parse_cargo_lock(&v, &n, lock, strlen(lock), collect, &w), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0]->name, "b");
	assert_null(meta(v[0], "checksum"));
	assert_string_equal(v[1]->version, "2.0.0");
	assert_int_equal(w.n, 3);
	assert_string_equal(w.msg[0], "10: not a TOML key = value line: skipped");
	assert_string_equal(w.msg[1], "14: unterminated array or table: rest of file skipped");
	assert_string_equal(w.msg[2], "3: [[package]] without version: skipped");
	free_pkgs(v, n);
}

/* Feed a binary to the .dep-v0 locator in chunks of 1..maxchunk. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static size_t rnd(size_t max)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return (size_t)(rng % max) + 1;
}

static int locate_and_parse(customs_package ***out, size_t *n, const unsigned char *bin, size_t len, size_t maxchunk,
			    warns *w)
{
	customs_depscan *d = customs__depscan_new(len);
	assert_non_null(d);
	for (size_t off = 0; off < len;) {
		size_t k = maxchunk ? rnd(maxchunk) : len;
		if (k > len - off)
			k = len - off;
		int rc = customs__depscan_write(d, bin + off, k);
		assert_true(rc >= 0);
		off += k;
		if (rc == 1)
			break;
	}
	unsigned char *z;
	size_t zl;
	int rc = customs__depscan_finish(d, &z, &zl, collect, w);
	customs__depscan_free(d);
	if (rc < 0)
		return rc;
	rc = customs__rust_parse_auditable(out, n, z, zl, collect, w);
	free(z);
	return rc;
}

static const char *want_graph = "cfg-if 1.0.0 crates.io\n"
				"itoa 1.0.1 crates.io\n"
				"lockgen 0.1.0 local\n"
				"lockgen-util 0.2.0 local\n"
				"memchr 2.5.0 crates.io\n";

static void test_auditable_real(void **state)
{
	(void)state;
	const char *files[] = {"lockgen-bfd", "lockgen-lld"};
	for (int f = 0; f < 2; f++) {
		size_t len, n;
		char *bin = data_file(files[f], &len);
		size_t modes[] = {0, 1000, 7};
		for (int m = 0; m < 3; m++) {
			customs_package **v;
			warns w = {.n = 0};
			assert_int_equal(locate_and_parse(&v, &n, (unsigned char *)bin, len, modes[m], &w), 0);
			assert_int_equal(w.n, 0);
			char *got = summary(v, n);
			assert_string_equal(got, want_graph);
			free(got);
			for (size_t i = 0; i < n; i++) {
				assert_string_equal(meta(v[i], "kind"), "runtime");
				assert_int_equal(json_is_true(json_object_get(v[i]->metadata, "root")),
						 !strcmp(v[i]->name, "lockgen"));
			}
			free_pkgs(v, n);
		}
		free(bin);
	}
}

static unsigned char *zlib(const char *text, size_t *len)
{
	struct isal_zstream s;
	size_t cap = strlen(text) + 1024;
	unsigned char *out = malloc(cap);
	isal_deflate_stateless_init(&s);
	s.gzip_flag = IGZIP_ZLIB;
	s.end_of_stream = 1;
	s.next_in = (uint8_t *)text;
	s.avail_in = (uint32_t)strlen(text);
	s.next_out = out;
	s.avail_out = (uint32_t)cap;
	assert_int_equal(isal_deflate_stateless(&s), COMP_OK);
	*len = s.total_out;
	return out;
}

static void put16(unsigned char *p, uint16_t v) { p[0] = (unsigned char)v, p[1] = (unsigned char)(v >> 8); }
static void put32(unsigned char *p, uint32_t v) { put16(p, (uint16_t)v), put16(p + 2, (uint16_t)(v >> 16)); }
static void put64(unsigned char *p, uint64_t v) { put32(p, (uint32_t)v), put32(p + 4, (uint32_t)(v >> 32)); }

/* An ELF64 made the GNU ld way: one PT_LOAD of `load` bytes, then `tail`
 * bytes of non-loaded data holding .dep-v0 at tail offset `at`, then
 * .shstrtab and the section header table at the end.  dep_off_override,
 * when not 0, is written as the section's offset instead. */
static unsigned char *make_elf(size_t *len, size_t load, size_t tail, size_t at, const unsigned char *dep, size_t dl,
			       uint64_t dep_off_override)
{
	static const char names[] = "\0.shstrtab\0.dep-v0\0.text";
	size_t strtab = load + tail, shoff = (strtab + sizeof(names) + 7) & ~(size_t)7;
	*len = shoff + 4 * 64;
	unsigned char *b = calloc(1, *len);
	memcpy(b, "\x7f" "ELF\x02\x01\x01", 7);
	put16(b + 0x10, 2), put16(b + 0x12, 62), put32(b + 0x14, 1);
	put64(b + 0x20, 64), put64(b + 0x28, shoff);
	put16(b + 0x34, 64), put16(b + 0x36, 56), put16(b + 0x38, 1);
	put16(b + 0x3a, 64), put16(b + 0x3c, 4), put16(b + 0x3e, 1);
	unsigned char *ph = b + 64;
	put32(ph, 1), put32(ph + 4, 5), put64(ph + 16, 0x400000), put64(ph + 32, load), put64(ph + 40, load);
	for (size_t i = 0x1000; i < load + tail; i++) /* noise that is not zlib */
		b[i] = (unsigned char)(i * 2654435761u >> 24);
	memcpy(b + load + at, dep, dl);
	memcpy(b + strtab, names, sizeof(names));
	unsigned char *sh = b + shoff;
	/* [1] .shstrtab [2] .dep-v0 [3] .text */
	put32(sh + 64, 1), put32(sh + 64 + 4, 3), put64(sh + 64 + 24, strtab), put64(sh + 64 + 32, sizeof(names));
	put32(sh + 128, 11), put32(sh + 128 + 4, 1), put64(sh + 128 + 24, dep_off_override ? dep_off_override : load + at),
		put64(sh + 128 + 32, dl);
	put32(sh + 192, 19), put32(sh + 192 + 4, 1), put64(sh + 192 + 8, 6), put64(sh + 192 + 16, 0x401000),
		put64(sh + 192 + 24, 0x1000), put64(sh + 192 + 32, load - 0x1000);
	return b;
}

static const char *graph_json = "{\"packages\":[{\"name\":\"app\",\"version\":\"0.3.0\",\"source\":\"local\","
				"\"dependencies\":[1,2],\"root\":true},{\"name\":\"serde\",\"version\":\"1.0.197\","
				"\"source\":\"crates.io\"},{\"name\":\"cc\",\"version\":\"1.0.90\",\"source\":"
				"\"crates.io\",\"kind\":\"build\"}],\"format\":1}";

static void expect(const unsigned char *bin, size_t len, int want_rc, const char *needle)
{
	customs_package **v = NULL;
	size_t n = 0;
	warns w = {.n = 0};
	int rc = locate_and_parse(&v, &n, bin, len, 65536, &w);
	if (rc != want_rc || (needle && (w.n != 1 || !strstr(w.msg[0], needle))) || (!needle && w.n))
		fail_msg("rc %d (want %d), %d warnings, first \"%s\", want \"%s\"", rc, want_rc, w.n, w.n ? w.msg[0] : "",
			 needle ? needle : "");
	if (rc == 0) {
		assert_int_equal(n, 3);
		assert_string_equal(v[2]->name, "cc");
		assert_string_equal(meta(v[2], "kind"), "build");
		free_pkgs(v, n);
	}
}

static void test_auditable_tail(void **state)
{
	(void)state;
	size_t zl, len;
	unsigned char *z = zlib(graph_json, &zl), *b;
	const size_t MiB = 1u << 20;

	/* lld-like: the section near the end of a 6 MiB tail (the ring) */
	b = make_elf(&len, 2 * MiB, 6 * MiB, 6 * MiB - 100000, z, zl, 0);
	expect(b, len, 0, NULL);
	free(b);
	/* GNU ld-like: at the start of a 20 MiB tail (the first 4 MiB kept) */
	b = make_elf(&len, 1 * MiB, 20 * MiB, 4096, z, zl, 0);
	expect(b, len, 0, NULL);
	free(b);
	/* in the middle of a 20 MiB tail: neither kept part holds it */
	b = make_elf(&len, 1 * MiB, 20 * MiB, 6 * MiB, z, zl, 0);
	char want[160];
	snprintf(want, sizeof(want), ".dep-v0 section at offset %zu lies in the part of the file not kept", 7 * MiB);
	expect(b, len, CUSTOMS_EFORMAT, want);
	free(b);
	/* a section table that points outside the file */
	b = make_elf(&len, 1 * MiB, MiB, 100, z, zl, 1ull << 40);
	expect(b, len, CUSTOMS_EFORMAT, ".dep-v0 section at offset 1099511627776");
	free(b);
	/* corrupt and cut zlib */
	unsigned char *bad = malloc(zl);
	memcpy(bad, z, zl);
	bad[zl / 2] ^= 0x55;
	bad[zl / 2 + 1] ^= 0xaa;
	b = make_elf(&len, 1 * MiB, MiB, 100, bad, zl, 0);
	expect(b, len, CUSTOMS_EFORMAT, ".dep-v0 section: corrupt zlib data");
	free(b);
	b = make_elf(&len, 1 * MiB, MiB, 100, z, zl / 2, 0);
	expect(b, len, CUSTOMS_EFORMAT, ".dep-v0 section: zlib data ends early");
	free(b);
	free(bad);
	free(z);

	/* JSON that is not a valid dependency list */
	static const struct {
		const char *json, *why;
	} cases[] = {
		{"[1,2]", "no \"packages\" array"},
		{"{\"packages\":[{\"name\":\"a\",\"version\":\"1\",\"source\":\"local\",\"dependencies\":[0],\"root\":true}]}",
		 "a dependency cycle"},
		{"{\"packages\":[{\"name\":\"a\",\"version\":\"1\",\"source\":\"local\",\"dependencies\":[7],\"root\":true}]}",
		 "a dependency index out of range"},
		{"{\"packages\":[{\"name\":\"a\",\"version\":\"1\",\"source\":\"local\"}]}", "no root package"},
		{"{\"packages\":[{\"name\":\"a\",\"version\":1,\"source\":\"local\",\"root\":true}]}",
		 "a package without string name, version and source"},
		{"not json", "is not JSON"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		z = zlib(cases[i].json, &zl);
		b = make_elf(&len, 1 * MiB, MiB, 100, z, zl, 0);
		expect(b, len, CUSTOMS_EFORMAT, cases[i].why);
		free(b);
		free(z);
	}
}

/* PE32+ and Mach-O 64 name the section in their headers, at the start. */
static void test_auditable_pe_macho(void **state)
{
	(void)state;
	size_t zl;
	unsigned char *z = zlib(graph_json, &zl);
	size_t raw = (zl + 511) & ~(size_t)511, len = 0x400 + raw;
	unsigned char *pe = calloc(1, len);
	memcpy(pe, "MZ", 2);
	put32(pe + 0x3c, 0x80);
	memcpy(pe + 0x80, "PE\0\0", 4);
	put16(pe + 0x84, 0x8664), put16(pe + 0x86, 1), put16(pe + 0x94, 240);
	put16(pe + 0x98, 0x20b), put64(pe + 0x98 + 24, 0x140000000ull);
	unsigned char *sec = pe + 0x98 + 240;
	memcpy(sec, ".dep-v0", 7);
	put32(sec + 8, (uint32_t)zl), put32(sec + 12, 0x1000), put32(sec + 16, (uint32_t)raw), put32(sec + 20, 0x400);
	memcpy(pe + 0x400, z, zl);
	expect(pe, len, 0, NULL);
	free(pe);

	len = 0x1000 + zl;
	unsigned char *mo = calloc(1, len), *lc = mo + 32, *ms = lc + 72;
	put32(mo, 0xfeedfacf), put32(mo + 4, 0x01000007), put32(mo + 12, 2), put32(mo + 16, 1), put32(mo + 20, 152);
	put32(lc, 0x19), put32(lc + 4, 152);
	memcpy(lc + 8, "__DATA", 6);
	put64(lc + 24, 0x100001000ull), put64(lc + 32, 0x1000), put64(lc + 40, 0x1000), put64(lc + 48, zl);
	put32(lc + 64, 1);
	memcpy(ms, ".dep-v0", 7), memcpy(ms + 16, "__DATA", 6);
	put64(ms + 32, 0x100001000ull), put64(ms + 40, zl), put32(ms + 48, 0x1000);
	memcpy(mo + 0x1000, z, zl);
	expect(mo, len, 0, NULL);
	/* a size past the end is read up to the end (PE pads raw data; zlib
	 * ends itself), an offset past the end is an error */
	put64(ms + 40, 1u << 20);
	expect(mo, len, 0, NULL);
	put32(ms + 48, 0x100000);
	expect(mo, len, CUSTOMS_EFORMAT, ".dep-v0 section at offset 1048576 (1048576 bytes) lies outside the file");
	free(mo);
	free(z);
}

static void write_file(const char *root, const char *rel, const void *data, size_t len, int mode)
{
	char *path = customs_asprintf("%s/%s", root, rel);
	char *cmd = customs_asprintf("mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
	assert_int_equal(chmod(path, (mode_t)mode), 0);
	free(cmd);
	free(path);
}

static void test_analyzer(void **state)
{
	(void)state;
	char root[] = "/tmp/customs-rust-XXXXXX";
	assert_non_null(mkdtemp(root));
	size_t len, zl;
	char *bin = data_file("lockgen-lld", &len);
	write_file(root, "usr/bin/lockgen", bin, len, 0755);
	free(bin);
	char *lock = data_file("Cargo.lock.v4", &len);
	write_file(root, "src/lockgen/Cargo.lock", lock, len, 0644);
	free(lock);
	unsigned char *z = zlib("{\"packages\": 5}", &zl), *elf = make_elf(&len, 1 << 16, 1 << 16, 10, z, zl, 0);
	write_file(root, "usr/bin/odd", elf, len, 0755);
	free(z);
	free(elf);

	char *ref = customs_asprintf("dir:%s", root);
	customs_analysis *a;
	customs_options o = {.version = CUSTOMS_OPTIONS_VERSION, .analyzers = "rust"};
	assert_int_equal(customs_analyze(&a, ref, &o), 0);
	assert_int_equal(a->npackages, 10);
	size_t from_bin = 0;
	for (size_t i = 0; i < a->npackages; i++) {
		assert_string_equal(a->packages[i]->found_by, "rust");
		from_bin += !strcmp(a->packages[i]->db_path, "usr/bin/lockgen");
	}
	assert_int_equal(from_bin, 5);
	assert_int_equal(a->nwarnings, 2);
	for (size_t i = 0; i < a->nwarnings; i++) {
		const customs_warning *w = &a->warnings[i];
		char *want = !strcmp(w->path, "usr/bin/odd")
				     ? customs_asprintf("%s: layer 0: usr/bin/odd: cargo-auditable: .dep-v0 JSON has no "
							"\"packages\" array: skipped", ref)
				     : customs_asprintf("%s: layer 0: src/lockgen/Cargo.lock: Cargo.lock line 5: cfg-if 1.0.0: "
							"checksum is not a SHA-256: dropped", ref);
		assert_string_equal(w->message, want);
		assert_int_equal(w->layer, 0);
		free(want);
	}
	customs_analysis_free(a);
	char *cmd = customs_asprintf("rm -rf %s", root);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(ref);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cargo_lock),     cmocka_unit_test(test_cargo_lock_malformed),
		cmocka_unit_test(test_auditable_real), cmocka_unit_test(test_auditable_tail),
		cmocka_unit_test(test_auditable_pe_macho),
		cmocka_unit_test(test_analyzer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
