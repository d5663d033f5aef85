/* test_copies.c - the copies service (core/copies.c) on hand-made file
 * catalogs: introduced-in as the start of the last unbroken run, removed-in
 * as the next copy or the layer that deleted the file, records listed twice,
 * an unreadable visible copy, the hard-link fan-out, the installed_by link,
 * the path filter and fill, and the lookups. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/copies.h"
#include "helpers.h"
#include "model/model.h"
#include "util/util.h"

/* An analysis whose catalog holds files[] (sorted by path, then layer). */
static customs_analysis *with_files(const customs_file *files, size_t n)
{
	customs_analysis *a = customs__analysis_new("test:copies");
	assert_non_null(a);
	assert_non_null(a->files = calloc(n ? n : 1, sizeof(*a->files)));
	memcpy(a->files, files, n * sizeof(*files));
	a->nfiles = n;
	assert_non_null(a->layers = calloc(4, sizeof(*a->layers)));
	a->nlayers = 4;
	return a;
}

static void add(copies *s, const char *path, int layer, const char *list)
{
	customs_package *v[16];
	size_t n = 0;
	char *dup = customs_strdup(list), *save = NULL;
	for (char *t = strtok_r(dup, " ", &save); t && n < 16; t = strtok_r(NULL, " ", &save)) {
		char *at = strchr(t, '@');
		*at = '\0';
		v[n++] = th_pkg_new("test", t, at + 1, NULL);
	}
	free(dup);
	assert_int_equal(copies__add(s, path, layer, v, n), 0);
}

/* "name@version:layer:visible:removed_in db_path" for every package, in order */
static char *summary(const customs_analysis *a)
{
	customs_buf b = CUSTOMS_BUF_INIT(0);
	assert_int_equal(customs_buf_puts(&b, ""), 0);
	for (size_t i = 0; i < a->npackages; i++) {
		const customs_package *p = a->packages[i];
		customs_buf_printf(&b, "%s%s@%s:%d:%d:%d %s", i ? "\n" : "", p->name, p->version, p->layer, p->visible,
				   p->removed_in_layer, p->db_path ? p->db_path : "-");
	}
	return customs_buf_detach(&b);
}

static void expect(const customs_analysis *a, const char *want)
{
	char *got = summary(a);
	assert_string_equal(got, want);
	free(got);
}

static void test_runs(void **state)
{
	(void)state;
	const customs_file files[] = {
		{.path = "db", .layer = 0}, {.path = "db", .layer = 1}, {.path = "db", .layer = 2},
		{.path = "db", .layer = 3, .visible = 1},
	};
	customs_analysis *a = with_files(files, 4);
	copies s;
	copies__init(&s);
	/* recorded out of order, as layer threads do */
	add(&s, "db", 2, "a@1 keep@1");
	add(&s, "db", 0, "a@1 b@1 keep@1");
	add(&s, "db", 3, "a@1 b@2 keep@1");
	add(&s, "db", 1, "b@2 keep@1");
	assert_int_equal(copies__merge(&s, a, &(copies_merge){.found_by = "t"}), 0);
	/* a: listed in 0, gone in 1, back in 2: its run starts at 2;
	 * b@1 gave way to b@2 in layer 1, which left in 2 and came back in 3 */
	expect(a, "a@1:2:1:-1 db\n"
		  "b@1:0:0:1 db\n"
		  "b@2:3:1:-1 db\n"
		  "keep@1:0:1:-1 db");
	assert_string_equal(a->packages[0]->found_by, "t");
	copies__release(&s);
	customs_analysis_free(a);
}

static void test_removed(void **state)
{
	(void)state;
	/* etc/db written in 0, its directory rewritten in 2 (the layer that
	 * deleted it); var/x/db written in 0 and hidden by a file x in 1 */
	const customs_file files[] = {
		{.path = "etc", .layer = 0, .type = CUSTOMS_FILE_DIR},
		{.path = "etc", .layer = 2, .type = CUSTOMS_FILE_DIR, .visible = 1},
		{.path = "etc/db", .layer = 0},
		{.path = "var/x", .layer = 1, .visible = 1},
		{.path = "var/x/db", .layer = 0},
		{.path = "z/db", .layer = 0},
	};
	customs_analysis *a = with_files(files, 6);
	copies s;
	copies__init(&s);
	add(&s, "etc/db", 0, "e@1");
	add(&s, "var/x/db", 0, "v@1");
	add(&s, "z/db", 0, "z@1");
	assert_int_equal(copies__merge(&s, a, &(copies_merge){.found_by = "t"}), 0);
	expect(a, "e@1:0:0:2 etc/db\n"
		  "v@1:0:0:1 var/x/db\n"
		  "z@1:0:0:-1 z/db");
	copies__release(&s);
	customs_analysis_free(a);
}

static void test_twice_in_one_copy(void **state)
{
	(void)state;
	const customs_file files[] = {{.path = "lock", .layer = 0}, {.path = "lock", .layer = 1, .visible = 1}};
	customs_analysis *a = with_files(files, 2);
	copies s;
	copies__init(&s);
	/* two installs of d@1 (two node_modules places), one of them pruned in 1 */
	add(&s, "lock", 0, "d@1 d@1");
	add(&s, "lock", 1, "d@1");
	assert_int_equal(copies__merge(&s, a, &(copies_merge){.found_by = "t"}), 0);
	expect(a, "d@1:0:1:-1 lock\n"
		  "d@1:0:0:1 lock");
	copies__release(&s);
	customs_analysis_free(a);
}

static void test_unreadable(void **state)
{
	(void)state;
	const customs_file files[] = {{.path = "m", .layer = 0}, {.path = "m", .layer = 1, .visible = 1},
				      {.path = "n", .layer = 0}, {.path = "n", .layer = 1, .visible = 1}};
	customs_analysis *a = with_files(files, 4);
	copies s;
	copies__init(&s);
	add(&s, "m", 0, "m@1");
	assert_int_equal(copies__add_unreadable(&s, "m", 1, "line 1: no Name field: skipped"), 0);
	/* an unreadable copy below: it lists nothing, the run starts again */
	assert_int_equal(copies__add_unreadable(&s, "n", 0, "hidden: not said"), 0);
	add(&s, "n", 1, "n@1");
	assert_int_equal(copies__merge(&s, a, &(copies_merge){.found_by = "t"}), 0);
	expect(a, "m@1:0:0:1 m\n"
		  "n@1:1:1:-1 n");
	assert_int_equal(a->nwarnings, 1);
	assert_string_equal(a->warnings[0].message, "test:copies: layer 1: m: line 1: no Name field: skipped");
	copies__release(&s);
	customs_analysis_free(a);
}

static void test_hardlinks_and_owners(void **state)
{
	(void)state;
	const customs_file files[] = {
		{.path = "usr/bin/go", .layer = 1, .visible = 1},
		{.path = "usr/bin/go2", .layer = 1, .type = CUSTOMS_FILE_HARDLINK, .link = "usr/bin/go", .visible = 1},
		{.path = "usr/bin/go3", .layer = 2, .type = CUSTOMS_FILE_HARDLINK, .link = "usr/bin/go", .visible = 1},
	};
	customs_analysis *a = with_files(files, 3);
	customs_package *deb = th_pkg_new("deb", "golang-go", "2:1.19", NULL);
	customs_strlist_add(&deb->files, "/usr/bin/go2");
	customs_strlist_add(&deb->files, "/usr/bin/go");
	assert_int_equal(customs_analysis_add_package(a, deb), 0);
	copies s;
	copies__init(&s);
	add(&s, "usr/bin/go", 1, "stdlib@go1.19");
	copies_merge m = {.found_by = "go", .flags = COPIES_HARDLINKS | COPIES_OWNERS};
	assert_int_equal(copies__merge(&s, a, &m), 0);
	/* go3 links to go from another layer: not the same bytes */
	expect(a, "golang-go@2:1.19:-1:1:-1 -\n"
		  "stdlib@go1.19:1:1:-1 usr/bin/go\n"
		  "stdlib@go1.19:1:1:-1 usr/bin/go2");
	for (size_t i = 1; i < 3; i++) {
		assert_string_equal(a->packages[i]->found_by, "go");
		assert_string_equal(json_string_value(json_object_get(a->packages[i]->metadata, "installed_by")), "golang-go");
	}
	copies__release(&s);
	customs_analysis_free(a);
}

static int only_b(void *ud, customs_analysis *a, const char *path, const copies_copy *visible)
{
	(void)a;
	++*(int *)ud;
	return !strcmp(path, "b") && visible && visible->layer == 0;
}

static int fill(void *ud, customs_analysis *a, customs_package *p, const copies_copy *listed)
{
	(void)ud, (void)a;
	p->purl = customs_asprintf("pkg:test/%s@%s?from=%s-%d", p->name, p->version, listed->path, listed->layer);
	return 0;
}

static void test_use_and_fill(void **state)
{
	(void)state;
	const customs_file files[] = {{.path = "a", .layer = 0, .visible = 1}, {.path = "b", .layer = 0, .visible = 1}};
	customs_analysis *a = with_files(files, 2);
	copies s;
	int asked = 0;
	copies__init(&s);
	add(&s, "a", 0, "x@1");
	add(&s, "b", 0, "y@1");
	assert_int_equal(copies__merge(&s, a, &(copies_merge){.found_by = "t", .use = only_b, .fill = fill, .ud = &asked}), 0);
	assert_int_equal(asked, 2);
	expect(a, "y@1:0:1:-1 b");
	assert_string_equal(a->packages[0]->purl, "pkg:test/y@1?from=b-0");
	copies__release(&s); /* x@1 is freed here */
	customs_analysis_free(a);
}

static void test_lookups(void **state)
{
	(void)state;
	const customs_file files[] = {
		{.path = "etc/alt", .layer = 1, .type = CUSTOMS_FILE_SYMLINK, .link = "../usr/lib", .visible = 1},
		{.path = "usr/lib/os-release", .layer = 0},
		{.path = "usr/lib/os-release", .layer = 2, .visible = 1},
	};
	customs_analysis *a = with_files(files, 3);
	copies s;
	copies__init(&s);
	assert_int_equal(copies__add_data(&s, "usr/lib/os-release", 2, "ID=two\n", 7), 0);
	assert_int_equal(copies__add_data(&s, "usr/lib/os-release", 0, "ID=zero\n", 8), 0);
	assert_int_equal(copies__add_data(&s, "etc/wal", 0, NULL, 4096), 0);
	const copies_copy *c = copies__visible(&s, a, "etc/alt/os-release", 1);
	assert_non_null(c);
	assert_string_equal(c->data, "ID=two\n");
	assert_null(copies__visible(&s, a, "etc/alt/os-release", 0)); /* not a path of the catalog */
	assert_int_equal(copies__visible_layer(a, "usr/lib/os-release"), 2);
	assert_int_equal(copies__visible_layer(a, "etc/nothing"), -1);
	assert_string_equal(copies__at(&s, "usr/lib/os-release", 1)->data, "ID=zero\n");
	assert_null(copies__at(&s, "usr/lib/os-release", -1));
	c = copies__at(&s, "etc/wal", 9);
	assert_null(c->data);
	assert_int_equal(c->len, 4096);
	copies__release(&s);
	customs_analysis_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runs),        cmocka_unit_test(test_removed),
		cmocka_unit_test(test_twice_in_one_copy), cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_hardlinks_and_owners), cmocka_unit_test(test_use_and_fill),
		cmocka_unit_test(test_lookups),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
