/* test_store.c - the store's library calls on an SQLite store in a
 * directory of the test's own: an analysis (with bytes that are not UTF-8
 * and a package named to break SQL) comes back equal; files that are not
 * stores and stores of a newer schema are refused with their messages;
 * damaged blobs are errors that change nothing; queries refuse what they
 * cannot answer; evaluations and diffs.  The CLI tests (tests/cli/store_*.sh)
 * run every operation on real images, on SQLite and PostgreSQL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "analyzers/analyzers.h"
#include "analyzers/registry.h"
#include "customs/customs.h"
#include "customs/diff.h"
#include "customs/store.h"
#include "helpers.h"
#include "model/model.h"
#include "store/layercache.h"
#include "store/pack.h"

static const char *const EVIL = "'); DROP TABLE images;--";

/* ---- an analysis in and out ---- */

static customs_analysis *sample(th_dir *d)
{
	th_dir_new(d, "store");
	th_dir_text(d, "etc/os-release", "ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian GNU/Linux 12\"\n");
	th_dir_text(d, "var/lib/dpkg/status",
		    "Package: base-files\nStatus: install ok installed\nVersion: 12.4\nArchitecture: amd64\n\n"
		    "Package: adduser\nStatus: install ok installed\nVersion: 3.134\nArchitecture: all\n");
	th_dir_put(d, "usr/bin/su", "x", 1, 04755);
	th_dir_put(d, "caf\xe9-latin1.txt", "y", 1, 0);
	customs_analysis *a = th_dir_analyze(d, NULL);
	/* a dir has no digest: give it one, as an image would have */
	a->image.manifest_digest = strdup("sha256:1111111111111111111111111111111111111111111111111111111111111111");
	customs_package *p = th_pkg_new("deb", EVIL, "1.0-1", NULL);
	customs_strlist_add(&p->licenses, "MIT");
	customs_strlist_add(&p->files, "/usr/bin/\xff\xfe");
	p->metadata = json_pack("{s:s, s:[i, f, b, n]}", "note", "x\"y", "mixed", 7, 0.5, 1);
	p->layer = 0;
	customs_analysis_add_package(a, p);
	return a;
}

static json_t *whole(const customs_analysis *a)
{
	return customs_analysis_to_json(a, CUSTOMS_JSON_FILES | CUSTOMS_JSON_ALL_LAYERS | CUSTOMS_JSON_PACKAGES);
}

static void roundtrip(void **state)
{
	th_dir d;
	customs_analysis *a = sample(&d), *b = NULL;
	customs_store *s = NULL;
	char url[128];
	snprintf(url, sizeof(url), "sqlite:%s/s.sqlite", d.path);
	assert_int_equal(customs_store_open(&s, url), 0);
	assert_int_equal(customs_store_put(s, a, NULL, "sample:1"), 0);
	assert_int_equal(customs_store_load(s, &b, "sample:1", 0), 0);
	json_t *ja = whole(a), *jb = whole(b);
	assert_true(json_equal(ja, jb));
	json_decref(ja), json_decref(jb);
	/* byte for byte where JSON would repair: the evil name, the latin-1 path */
	const customs_package *p = th_pkg_need(b->packages, b->npackages, "deb", EVIL);
	assert_string_equal(p->files.v[0], "/usr/bin/\xff\xfe");
	int found = 0;
	for (size_t i = 0; i < b->nfiles; i++)
		found |= !strcmp(b->files[i].path, "caf\xe9-latin1.txt");
	assert_true(found);
	/* found by its name, and the tables are all there */
	customs_store_table *t = NULL;
	customs_store_query_args q = {.operand = EVIL};
	assert_int_equal(customs_store_query(s, &t, NULL, "has-package", &q), 0);
	assert_int_equal(t->nrows, 1);
	assert_string_equal(t->cells[2], EVIL);
	customs_store_table_free(t);
	customs_store_image_list *l = NULL;
	assert_int_equal(customs_store_images(s, &l), 0);
	assert_int_equal(l->n, 1);
	assert_string_equal(l->images[0].tags[0], "sample:1");
	customs_store_image_list_free(l);
	/* by a prefix of the digest */
	char *digest = NULL;
	assert_int_equal(customs_store_resolve(s, "111111", &digest), 0);
	assert_string_equal(digest, a->image.manifest_digest);
	free(digest);
	assert_int_equal(customs_store_resolve(s, "22222222", &digest), CUSTOMS_ENOTFOUND);
	customs_analysis_free(b);
	customs_analysis_free(a);
	customs_store_free(s);
	assert_int_equal(th_dir_remove(&d), 0);
}

/* ---- what is not a store ---- */

static void refusals(void **state)
{
	th_dir d;
	customs_store *s = NULL;
	char path[128], url[512];
	th_dir_new(&d, "store-bad");
	snprintf(path, sizeof(path), "%s/junk", d.path);
	th_write(path, "not a database, not at all, no header here at all.........................................",
		 90);
	assert_int_equal(customs_store_open(&s, path), CUSTOMS_EFORMAT);
	snprintf(url, sizeof(url), "%s is not a customs store (not an SQLite database)", path);
	assert_string_equal(customs_error_last(), url);

	/* a newer schema */
	snprintf(path, sizeof(path), "%s/newer.sqlite", d.path);
	assert_int_equal(customs_store_open(&s, path), 0);
	customs_store_free(s);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO schema_migrations VALUES(7, 'x', 'y')", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(customs_store_open(&s, path), CUSTOMS_EUNSUPPORTED);
	snprintf(url, sizeof(url),
		 "the store sqlite:%s has schema version 7; this customs (%s) knows versions up to %d: use a newer customs",
		 path, customs_version(), CUSTOMS_STORE_SCHEMA_VERSION);
	assert_string_equal(customs_error_last(), url);

	/* another program's tables */
	snprintf(path, sizeof(path), "%s/other.sqlite", d.path);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE accounts(x)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(customs_store_open(&s, path), CUSTOMS_EFORMAT);
	assert_non_null(strstr(customs_error_last(), "is not a customs store: it holds other tables"));
	assert_int_equal(customs_store_open(&s, "sqlite:"), CUSTOMS_EUSAGE);
	assert_int_equal(th_dir_remove(&d), 0);
}

/* ---- damaged blobs change nothing ---- */

static void damaged_blobs(void **state)
{
	analyzer_run an[64];
	size_t nan = 0;
	customs_analysis *a = customs__analysis_new("x");
	layer_result r = {0};
	unsigned char junk[512];
	uint64_t rng = 0x9e3779b97f4a7c15ull;

	dispatch d;
	assert_int_equal(customs__analyzers_start(an, &nan, 64, NULL), 0);
	assert_int_equal(layers__dispatch_init(&d, an, nan), 0);
	a->nlayers = 1;
	a->layers = calloc(1, sizeof(*a->layers));
	for (int round = 0; round < 200; round++) {
		for (size_t i = 0; i < sizeof(junk); i++) {
			rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
			junk[i] = (unsigned char)rng;
		}
		/* a zstd frame around junk, and junk as it is */
		void *z;
		size_t zn;
		assert_int_equal(pack__compress(&z, &zn, junk, sizeof(junk)), 0);
		assert_int_equal(store__layer_decode(z, zn, a, 0, &r, an, nan, &d), CUSTOMS_EFORMAT);
		assert_true(store__layer_decode(junk, sizeof(junk), a, 0, &r, an, nan, &d) < 0);
		free(z);
	}
	for (size_t k = 0; k < nan; k++) {
		copies *sets = customs__analyzer_copies(&an[k]);
		for (int i = 0; sets && i < CUSTOMS_COPIES_KINDS; i++)
			assert_int_equal(sets[i].n, 0);
	}
	assert_int_equal(a->nwarnings, 0);
	layers__dispatch_release(&d);
	customs__analyzers_stop(an, nan);
	customs_analysis_free(a);

	/* nesting past 64 levels */
	pack_w w = PACK_W_INIT;
	for (int i = 0; i < 100; i++)
		pack__u64(&w, 6), pack__u64(&w, 1); /* an array of one */
	pack__u64(&w, 0);
	pack_r pr = {(const unsigned char *)w.b.ptr, (const unsigned char *)w.b.ptr + w.b.len, 0};
	assert_null(pack__get_json(&pr));
	assert_true(pr.bad);
	customs_buf_release(&w.b);
}

/* ---- queries, evaluations ---- */

static void queries_and_evaluations(void **state)
{
	th_dir d;
	customs_store *s = NULL;
	customs_store_table *t = NULL;
	char url[128];
	th_dir_new(&d, "store-q");
	snprintf(url, sizeof(url), "%s/q.sqlite", d.path);
	assert_int_equal(customs_store_open(&s, url), 0);
	assert_int_equal(customs_store_query(s, &t, NULL, "frobnicate", NULL), CUSTOMS_EUSAGE);
	assert_string_equal(customs_error_last(), "unknown query 'frobnicate': `customs query list` shows them");
	assert_int_equal(customs_store_query(s, &t, NULL, "has-package", NULL), CUSTOMS_EUSAGE);
	assert_string_equal(customs_error_last(), "has-package wants NAME");
	assert_int_equal(customs_store_query(s, &t, "x", "has-vuln", NULL), CUSTOMS_EUSAGE);
	assert_int_equal(customs_store_query(s, &t, NULL, "packages", NULL), CUSTOMS_EUSAGE);
	assert_int_equal(customs_store_query(s, &t, "nothing-here", "packages", NULL), CUSTOMS_ENOTFOUND);
	size_t n = 0;
	for (const customs_store_query_info *q = customs_store_query_list(); q->name; q++, n++) {
		size_t ncols = 1;
		for (const char *c = q->columns; *c; c++)
			ncols += *c == ',';
		assert_int_equal(strlen(q->types), ncols); /* a type per column */
	}
	assert_int_equal(n, 15);

	customs_store_evaluation e1 = {"sha256:aa", "sha256:b1", "2025-01-01T00:00:00Z", "go", "{}"};
	customs_store_evaluation e2 = {"sha256:aa", "sha256:b2", "2025-01-02T00:00:00Z", "stop", NULL};
	customs_store_evaluation bad = {NULL, "sha256:b2", NULL, NULL, NULL};
	assert_int_equal(customs_store_evaluation_put(s, &e1), 0);
	assert_int_equal(customs_store_evaluation_put(s, &e2), 0);
	assert_int_equal(customs_store_evaluation_put(s, &bad), CUSTOMS_EINVAL);
	customs_store_evaluation_list *l = NULL;
	assert_int_equal(customs_store_evaluations(s, &l, "sha256:aa", NULL), 0);
	assert_int_equal(l->n, 2);
	assert_string_equal(l->v[0].action, "stop"); /* newest first */
	customs_store_evaluation_list_free(l);
	assert_int_equal(customs_store_evaluations(s, &l, "sha256:aa", "sha256:b1"), 0);
	assert_int_equal(l->n, 1);
	assert_string_equal(l->v[0].result, "{}");
	customs_store_evaluation_list_free(l);
	customs_store_free(s);
	assert_int_equal(th_dir_remove(&d), 0);
}

/* ---- diff ---- */

static void diff_packages(void **state)
{
	const char *const layers[] = {"sha256:1", "sha256:2", NULL};
	customs_analysis *a = th_image_analysis("a", "sha256:aa", "a:1", layers);
	customs_analysis *b = th_image_analysis("b", "sha256:bb", "b:1", layers);
	customs_analysis_add_package(a, th_pkg_new("deb", "gone", "1", NULL));
	customs_analysis_add_package(a, th_pkg_new("deb", "bumped", "1.0", NULL));
	customs_analysis_add_package(a, th_pkg_new("deb", "same", "2", NULL));
	customs_analysis_add_package(b, th_pkg_new("deb", "bumped", "1.1", NULL));
	customs_analysis_add_package(b, th_pkg_new("deb", "same", "2", NULL));
	customs_analysis_add_package(b, th_pkg_new("npm", "new", "3", NULL));
	customs_diff *d = NULL;
	assert_int_equal(customs_diff_new(&d, a, NULL, b, NULL), 0);
	assert_int_equal(d->packages_count[CUSTOMS_DIFF_ADDED], 1);
	assert_int_equal(d->packages_count[CUSTOMS_DIFF_REMOVED], 1);
	assert_int_equal(d->packages_count[CUSTOMS_DIFF_CHANGED], 1);
	for (size_t i = 0; i < d->npackages; i++)
		if (d->packages[i].change == CUSTOMS_DIFF_CHANGED) {
			assert_string_equal(d->packages[i].from, "1.0");
			assert_string_equal(d->packages[i].to, "1.1");
		}
	assert_false(d->matched);
	customs_diff_free(d);
	customs_analysis_free(a);
	customs_analysis_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(roundtrip),     cmocka_unit_test(refusals),     cmocka_unit_test(damaged_blobs),
		cmocka_unit_test(queries_and_evaluations), cmocka_unit_test(diff_packages),
	};
	return th_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
