/* test_rust.c - Cargo.lock v1-v4 written by real Cargo (tests/data/lang/rust),
 * cargo-auditable's .dep-v0 in real GNU ld and lld links, and ELF files made
 * here to put the section where the streaming locator must keep the tail
 * (and where it cannot); corrupt zlib, an invalid dependency graph, a
 * section outside the file, and the analyzer's warning naming the file. */
#include <isa-l/igzip_lib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/analyzers.h"
#include "helpers.h"
#include "util/util.h"

#define RUST "lang/rust/"

/* "name version [source] [checksum prefix]" lines, sorted */
static char *summary(customs_package **v, size_t n)
{
	char **lines = calloc(n + 1, sizeof(*lines));
	for (size_t i = 0; i < n; i++) {
		const char *src = th_meta(v[i], "source"), *sum = th_meta(v[i], "checksum");
		assert_string_equal(v[i]->type, "rust-crate");
		lines[i] = customs_asprintf("%s %s%s%s%s%.8s", v[i]->name, v[i]->version, src ? " " : "", src ? src : "",
					    sum ? " " : "", sum ? sum : "");
	}
	return th_sorted_lines(lines, n);
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
		size_t n;
		snprintf(name, sizeof(name), RUST "Cargo.lock.v%d", ver);
		th_warns w = {0};
		customs_package **v = th_parse_file(customs__rust_parse_cargo_lock, name, &n, th_warn_lined, &w);
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
		th_pkgs_free(v, n);
	}
}

static void test_cargo_lock_malformed(void **state)
{
	(void)state;
	customs_package **v;
	size_t n;
	th_warns w = {0};
	const char *json = "{\"packages\": [{\"name\": \"x\"}]}\n";
	assert_int_equal(customs__rust_parse_cargo_lock(&v, &n, json, strlen(json), th_warn_lined, &w),
			 CUSTOMS_EFORMAT);
	assert_int_equal(w.n, 2);
	assert_string_equal(w.msg[0], "1: not a TOML key = value line: skipped");
	assert_string_equal(w.msg[1], "1: no [[package]] table: not a Cargo.lock");

	const char *lock = "version = 3\n\n[[package]]\nname = \"a\"\n\n"
			   "[[package]]\nname = \"b\"\nversion = \"1.0.0\"\nsource = \"registry+x\"\n"
			   "checksum = \"bad \\q escape\"\n"
			   "[[package]]\nname = \"c\"\nversion = '2.0.0'\ndependencies = [\n \"a\",\n \"b\",\n";
	w.n = 0;
	assert_int_equal(customs__rust_parse_cargo_lock(&v, &n, lock, strlen(lock), th_warn_lined, &w), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0]->name, "b");
	assert_null(th_meta(v[0], "checksum"));
	assert_string_equal(v[1]->version, "2.0.0");
	assert_int_equal(w.n, 3);
	assert_string_equal(w.msg[0], "10: not a TOML key = value line: skipped");
	assert_string_equal(w.msg[1], "14: unterminated array or table: rest of file skipped");
	assert_string_equal(w.msg[2], "3: [[package]] without version: skipped");
	th_pkgs_free(v, n);
}

static int put(void *d, const unsigned char *data, size_t len)
{
	return customs__depscan_write(d, data, len);
}

/* Feed a binary to the .dep-v0 locator in chunks of 1..maxchunk. */
static int locate_and_parse(customs_package ***out, size_t *n, const unsigned char *bin, size_t len, size_t maxchunk,
			    th_warns *w)
{
	static uint64_t rng = 0x9e3779b97f4a7c15ull;
	customs_depscan *d = customs__depscan_new(len);
	assert_non_null(d);
	th_feed(put, d, bin, len, maxchunk, &rng);
	unsigned char *z;
	size_t zl;
	int rc = customs__depscan_finish(d, &z, &zl, th_warn_lined, w);
	customs__depscan_free(d);
	if (rc < 0)
		return rc;
	rc = customs__rust_parse_auditable(out, n, z, zl, th_warn_lined, w);
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
	const char *files[] = {RUST "lockgen-bfd", RUST "lockgen-lld"};
	for (int f = 0; f < 2; f++) {
		size_t len, n;
		char *bin = th_data(files[f], &len);
		size_t modes[] = {0, 1000, 7};
		for (int m = 0; m < 3; m++) {
			customs_package **v;
			th_warns w = {0};
			assert_int_equal(locate_and_parse(&v, &n, (unsigned char *)bin, len, modes[m], &w), 0);
			assert_int_equal(w.n, 0);
			char *got = summary(v, n);
			assert_string_equal(got, want_graph);
			free(got);
			for (size_t i = 0; i < n; i++) {
				assert_string_equal(th_meta(v[i], "kind"), "runtime");
				assert_int_equal(json_is_true(json_object_get(v[i]->metadata, "root")),
						 !strcmp(v[i]->name, "lockgen"));
			}
			th_pkgs_free(v, n);
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
	th_warns w = {0};
	int rc = locate_and_parse(&v, &n, bin, len, 65536, &w);
	if (rc != want_rc || (needle && (w.n != 1 || !strstr(w.msg[0], needle))) || (!needle && w.n))
		fail_msg("rc %d (want %d), %zu warnings, first \"%s\", want \"%s\"", rc, want_rc, w.n,
			 w.n ? w.msg[0] : "", needle ? needle : "");
	if (rc == 0) {
		assert_int_equal(n, 3);
		assert_string_equal(v[2]->name, "cc");
		assert_string_equal(th_meta(v[2], "kind"), "build");
		th_pkgs_free(v, n);
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

static void test_analyzer(void **state)
{
	(void)state;
	th_dir d;
	th_dir_new(&d, "rust");
	size_t len, zl;
	char *bin = th_data(RUST "lockgen-lld", &len);
	th_dir_put(&d, "usr/bin/lockgen", bin, len, 0755);
	free(bin);
	char *lock = th_data(RUST "Cargo.lock.v4", &len);
	th_dir_put(&d, "src/lockgen/Cargo.lock", lock, len, 0644);
	free(lock);
	unsigned char *z = zlib("{\"packages\": 5}", &zl), *elf = make_elf(&len, 1 << 16, 1 << 16, 10, z, zl, 0);
	th_dir_put(&d, "usr/bin/odd", elf, len, 0755);
	free(z);
	free(elf);

	customs_analysis *a = th_dir_analyze(&d, "rust");
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
		th_dir_warning_is(&d, w->message, "%s",
				  !strcmp(w->path, "usr/bin/odd")
					  ? "layer 0: usr/bin/odd: cargo-auditable: .dep-v0 JSON has no \"packages\" "
					    "array: skipped"
					  : "layer 0: src/lockgen/Cargo.lock: Cargo.lock line 5: cfg-if 1.0.0: "
					    "checksum is not a SHA-256: dropped");
		assert_int_equal(w->layer, 0);
	}
	customs_analysis_free(a);
	assert_int_equal(th_dir_remove(&d), 0);
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
