/* helpers.h - the scaffolding the cmocka unit tests (tests/unit/test_*.c)
 * share: data files from tests/data and $SHARED, a collector of parser
 * warnings, package arrays and lookups, a directory image run through
 * customs_analyze(), SBOMs and reports in memory, a vulnerability database
 * built for a test, and the exit code of a program whose $SHARED data is
 * absent (a skip, but a failure under CI=true). */
#ifndef CUSTOMS_TESTS_UNIT_HELPERS_H
#define CUSTOMS_TESTS_UNIT_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>

#include "customs/analysis.h"
#include "customs/report.h"
#include "customs/vuln.h"

/* ---- data files ---- */

/* The path of tests/data/REL in the source tree ($SRCDIR, or found from
 * where this file lies when a test is run by hand); to free. */
char *th_data_path(const char *rel);
/* tests/data/REL whole (1 MiB at most); fails the test when unreadable. */
char *th_data(const char *rel, size_t *len);
/* Split line into fields in place: blanks separate, "..." quotes with \"
 * and \\ inside (tests/data/versions/README.md); the number of fields, or
 * -1 for bad quoting or more than max. */
int th_split_fields(char *line, char **f, int max);
/* The path of $SHARED/REL (../shared beside the source tree when SHARED is
 * unset), to free; NULL when it does not exist, which th_exit() reports. */
char *th_shared_path(const char *rel);
/* The path of $SHARED/DIR (to free) when every one of its n files is
 * there; else NULL, which th_exit() reports. */
char *th_shared_files(const char *dir, const char *const *files, size_t n);
/* $SHARED/REL whole (max bytes at most), or NULL as th_shared_path(). */
char *th_shared_read(const char *rel, size_t *len, size_t max);

/* ---- a program that cannot run everything ---- */

/* Say why on stdout and return main's exit code: 77 (skipped), or 1 when
 * the environment variable CI is "true": there nothing may skip. */
int th_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* main's exit code once its groups ran: `failed` when not 0; th_skip()
 * when some $SHARED data was absent; else 0. */
int th_exit(int failed);

/* ---- parser warnings ---- */

#define TH_MAXW 32

/* What a customs_parse_warn_fn was told, the first TH_MAXW times; start
 * from {0}, set n to 0 to collect anew. */
typedef struct th_warns {
	size_t n;
	size_t line[TH_MAXW];
	char msg[TH_MAXW][512];
} th_warns;

/* keeps the message as it is, its line apart */
void th_warn(void *ud, size_t line, const char *msg);
/* keeps "LINE: message" */
void th_warn_lined(void *ud, size_t line, const char *msg);
/* Asserts that warning i is msg, at that line. */
void th_warning_is(const th_warns *w, size_t i, size_t line, const char *msg);

/* ---- parsers ---- */

/* a customs_parse_warn_fn, and the two shapes of package parser */
typedef void (*th_warn_fn)(void *ud, size_t line, const char *msg);
typedef int (*th_parse_one_fn)(customs_package **out, const char *buf, size_t len, th_warn_fn warn, void *ud);
typedef int (*th_parse_fn)(customs_package ***out, size_t *n, const char *buf, size_t len, th_warn_fn warn, void *ud);

/* parse() of tests/data/REL, which must succeed: the package, to free. */
customs_package *th_parse_one_file(th_parse_one_fn parse, const char *rel, th_warn_fn warn, void *ud);
/* parse() of tests/data/REL, which must succeed: *n packages (th_pkgs_free). */
customs_package **th_parse_file(th_parse_fn parse, const char *rel, size_t *n, th_warn_fn warn, void *ud);
/* parse() of text fails with CUSTOMS_EFORMAT, no package and one warning:
 * msg at line. */
void th_parse_one_rejects(th_parse_one_fn parse, const char *text, const char *msg, size_t line);

/* A streaming scanner's write(): < 0 an error, 1 when it needs no more. */
typedef int (*th_put_fn)(void *scanner, const unsigned char *data, size_t len);
/* Feeds data to put() as the engine would, in chunks of 1..maxchunk bytes
 * drawn from the xorshift state *rng (maxchunk 0: all at once), until the
 * scanner needs no more; no put() may fail. */
void th_feed(th_put_fn put, void *scanner, const unsigned char *data, size_t len, size_t maxchunk, uint64_t *rng);

/* ---- packages ---- */

/* A package with copies of the strings given (NULL stays NULL). */
customs_package *th_pkg_new(const char *type, const char *name, const char *version, const char *purl);
/* Frees a parser's array and its packages. */
void th_pkgs_free(customs_package **v, size_t n);
/* The first package named name (of that type unless type is NULL), or NULL. */
const customs_package *th_pkg_find(customs_package *const *v, size_t n, const char *type, const char *name);
/* The same, failing the test when there is none. */
const customs_package *th_pkg_need(customs_package *const *v, size_t n, const char *type, const char *name);
/* The string metadata[key], or NULL. */
const char *th_meta(const customs_package *p, const char *key);
/* The licenses joined by sep, to free. */
char *th_licenses(const customs_package *p, const char *sep);
/* lines[0..n) sorted, each ended by "\n", in one string; frees the lines
 * and the array. */
char *th_sorted_lines(char **lines, size_t n);

/* ---- a directory image ---- */

typedef struct th_dir {
	char path[64]; /* /tmp/customs-NAME-XXXXXX */
	char *ref;     /* "dir:" path */
} th_dir;

/* Makes a directory /tmp/customs-NAME-XXXXXX of its own. */
void th_dir_new(th_dir *d, const char *name);
/* Writes path/rel, making its directories; chmod to mode unless 0. */
void th_dir_put(const th_dir *d, const char *rel, const void *data, size_t len, int mode);
void th_dir_text(const th_dir *d, const char *rel, const char *text);
/* customs_analyze() of the directory with these analyzers, which must succeed. */
customs_analysis *th_dir_analyze(const th_dir *d, const char *analyzers);
/* Asserts that got is the warning "REF: " followed by fmt's text. */
void th_dir_warning_is(const th_dir *d, const char *got, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Removes the directory and everything in it: the exit status of rm -rf. */
int th_dir_remove(th_dir *d);

/* Writes a file, making its directories. */
void th_write(const char *path, const void *data, size_t len);

/* ---- analyses, SBOMs and reports in memory ---- */

/* An oci image of Debian 12 for amd64 with one tag and the layers
 * (NULL-terminated) and no packages yet. */
customs_analysis *th_image_analysis(const char *reference, const char *manifest, const char *tag,
				    const char *const *layers);
/* Whether a has the warning msg; lists its warnings when not. */
int th_has_warning(const customs_analysis *a, const char *msg);
/* customs_sbom_read_mem() of doc, which must succeed. */
customs_analysis *th_sbom_read(const char *name, const char *doc, size_t len, const char **format);
/* customs_sbom_read_mem() of doc, which must fail with exactly msg. */
void th_sbom_read_fails(const char *name, const char *doc, const char *msg);
/* customs_report_write() into memory: the bytes, *len, and its return in *err. */
char *th_report_mem(const customs_report *r, const char *format, size_t *len, int *err);
/* text parsed as JSON, which it must be. */
json_t *th_json(const char *text, size_t len);
/* The string at "a.b.c" below o (object members only), or NULL. */
const char *th_jstr(json_t *o, const char *path);

/* ---- a vulnerability database ---- */

/* customs_vulndb_import(), which must succeed: its summary, to free. */
customs_vulndb_import_summary *th_db_import(const char *dbpath, const customs_vulndb_input *in, size_t n,
					    void (*warn)(void *ud, const char *msg));
/* customs_vulndb_open() read-only, which must succeed. */
customs_vulndb *th_db_open(const char *dbpath);
/* A group teardown: closes db and removes the directory it lies in; 0, or
 * -1 when rm -rf failed. */
int th_db_remove(customs_vulndb *db, th_dir *d);

#endif
