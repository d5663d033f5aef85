/* test_semver_vectors.c - the semver scheme against all 15 of node-semver's
 * test fixture files ($SHARED/vectors/node-semver, from npm/node-semver
 * test/fixtures), each used for what it tests, through the internal entry
 * points that take node-semver's options (loose, includePrerelease):
 *   comparisons, equality, valid-versions, invalid-versions: compare, valid;
 *   range-include, range-exclude: satisfies;
 *   range-parse: the range parses (or is rejected where node-semver gives
 *     null) and admits exactly the versions its desugared form admits, on
 *     probe versions built around every number both mention;
 *   version-gt-range, version-lt-range: the version is outside the range and
 *     above (below) every probe version the range admits; the not-gt/not-lt
 *     files: the version is in the range or not above (below) all of it;
 *   comparator-intersection, range-intersection: customs has no intersects();
 *     what maps is that two ranges node-semver calls disjoint admit no common
 *     probe, and two it says intersect admit one;
 *   increments, truncations: customs has no inc() and no truncation; what
 *     maps is that the results are versions customs reads (valid, and a
 *     major/minor/patch increment sorts after the version it came from).
 * Entries customs answers otherwise on purpose are listed, each with its
 * reason, in tests/data/versions/semver.txt ("vector-differs"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "customs/errors.h"
#include "customs/version.h"
#include "helpers.h"
#include "vuln/version_int.h"

static char vectors[4096];

/* Fixture entries customs answers differently on purpose, with their
 * reasons in tests/data/versions/semver.txt ("vector-differs
 * node-semver/FILE ENTRY REASON", ENTRY the compact JSON of the entry). */
#define MAX_KNOWN 32
static struct {
	char file[64], entry[512];
	int seen;
} known[MAX_KNOWN];
static size_t nknown;

static void load_known(void)
{
	size_t len;
	char *text = th_data("versions/semver.txt", &len), *line, *save = NULL;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[8];
		if (strncmp(line, "vector-differs node-semver/", 27) || th_split_fields(line, f, 8) != 4)
			continue;
		if (nknown == MAX_KNOWN || strlen(f[1]) >= sizeof(known[0].file) || strlen(f[2]) >= sizeof(known[0].entry))
			fail_msg("semver.txt: too many known differences, or too long");
		snprintf(known[nknown].file, sizeof(known[0].file), "%s", f[1] + 12);
		snprintf(known[nknown].entry, sizeof(known[0].entry), "%s", f[2]);
		nknown++;
	}
	free(text);
}

/* Entry e of file passed (ok) or failed: 1 when that is as it should be
 * (a failure listed as a known difference; a listed entry must fail). */
static int verdict(const char *file, json_t *e, int ok)
{
	char *dump = json_dumps(e, JSON_COMPACT);
	int listed = 0;

	for (size_t i = 0; dump && i < nknown; i++)
		if (!strcmp(known[i].file, file) && !strcmp(known[i].entry, dump)) {
			known[i].seen++;
			listed = 1;
		}
	if (ok && listed)
		print_error("%s: %s is a known difference but passes now: drop it from semver.txt\n", file, dump);
	free(dump);
	return ok != listed;
}

/* How many entries of file are known differences. */
static size_t known_in(const char *file)
{
	size_t n = 0;
	for (size_t i = 0; i < nknown; i++)
		if (!strcmp(known[i].file, file)) {
			if (known[i].seen != 1)
				fail_msg("%s: known difference %s not met once", file, known[i].entry);
			n++;
		}
	return n;
}

static const customs_version_scheme *S(const char *name)
{
	const customs_version_scheme *s = customs_version_scheme_find(name);
	if (!s)
		fail_msg("no scheme %s", name);
	return s;
}

/* node-semver fixtures: options are `true` (loose) or an object. */
static unsigned semver_opts(json_t *o)
{
	unsigned r = 0;
	json_t *x;
	if (!o)
		return 0;
	if (json_is_true(o))
		return VERSION__SEMVER_LOOSE;
	if (!json_is_object(o))
		return 0;
	if ((x = json_object_get(o, "loose")) &&
	    (json_is_true(x) || (json_is_number(x) && json_number_value(x) != 0) ||
	     (json_is_string(x) && json_string_length(x) > 0)))
		r |= VERSION__SEMVER_LOOSE;
	if ((x = json_object_get(o, "includePrerelease")) && (json_is_true(x) || (json_is_number(x) && json_number_value(x) != 0)))
		r |= VERSION__SEMVER_INCPRE;
	return r;
}

static json_t *load_semver(const char *name)
{
	char path[4352];
	json_error_t je;
	json_t *j;
	snprintf(path, sizeof(path), "%s/%s", vectors, name);
	if (!(j = json_load_file(path, 0, &je)))
		fail_msg("%s: %s", path, je.text);
	assert_true(json_is_array(j));
	return j;
}

static void t_semver_comparisons(void **state)
{
	json_t *j = load_semver("comparisons.json"), *e;
	size_t i, pass = 0;

	(void)state;
	json_array_foreach(j, i, e) {
		const char *a = json_string_value(json_array_get(e, 0)), *b = json_string_value(json_array_get(e, 1));
		unsigned o = semver_opts(json_array_get(e, 2));
		int x = 9, y = 9, z = 9, w = 9;
		if (version__semver_compare_opts(a, b, o, &x) == 0 && version__semver_compare_opts(b, a, o, &y) == 0 &&
		    version__semver_compare_opts(a, a, o, &z) == 0 && version__semver_compare_opts(b, b, o, &w) == 0 &&
		    x == 1 && y == -1 && z == 0 && w == 0)
			pass++;
		else
			print_error("semver comparisons: %s > %s failed (%d %d %d %d) %s\n", a, b, x, y, z, w,
				    customs_error_last());
	}
	printf("[vectors] node-semver/comparisons.json: %zu/%zu pass\n", pass, json_array_size(j));
	assert_int_equal(pass, json_array_size(j));
	json_decref(j);
}

static void t_semver_equality(void **state)
{
	json_t *j = load_semver("equality.json"), *e;
	size_t i, pass = 0;

	(void)state;
	json_array_foreach(j, i, e) {
		const char *a = json_string_value(json_array_get(e, 0)), *b = json_string_value(json_array_get(e, 1));
		unsigned o = semver_opts(json_array_get(e, 2));
		int x = 9, y = 9;
		if (version__semver_compare_opts(a, b, o, &x) == 0 && version__semver_compare_opts(b, a, o, &y) == 0 &&
		    x == 0 && y == 0)
			pass++;
		else
			print_error("semver equality: %s == %s failed: %s\n", a, b, customs_error_last());
	}
	printf("[vectors] node-semver/equality.json: %zu/%zu pass\n", pass, json_array_size(j));
	assert_int_equal(pass, json_array_size(j));
	json_decref(j);
}

static void run_ranges(const char *file, int want)
{
	json_t *j = load_semver(file), *e;
	size_t i, pass = 0, skipped = 0;

	json_array_foreach(j, i, e) {
		const char *r = json_string_value(json_array_get(e, 0)), *v = json_string_value(json_array_get(e, 1));
		unsigned o = semver_opts(json_array_get(e, 2));
		int out = 9, err;
		if (!r || !v) {
			/* a non-string version (false): no C equivalent */
			skipped++;
			continue;
		}
		err = version__semver_satisfies_opts(v, r, o, &out);
		/* node-semver answers false for a version it cannot parse; we
		 * report the error, which the caller treats as "not satisfied" */
		if ((err == 0 && out == want) ||
		    (!want && err == CUSTOMS_EFORMAT && version__semver_valid_opts(v, o) != 0))
			pass++;
		else
			print_error("semver %s: \"%s\" vs \"%s\" (opts %u): got %d/%d, want %d (%s)\n", file, v, r, o, err,
				    out, want, customs_error_last());
	}
	printf("[vectors] node-semver/%s: %zu/%zu pass (%zu non-string skipped)\n", file, pass,
	       json_array_size(j) - skipped, skipped);
	assert_int_equal(pass, json_array_size(j) - skipped);
	json_decref(j);
}

/* A fixture file and what the runner needs to know of it, handed to the
 * test as its state. */
struct fixture {
	const char *file;
	int a, b; /* run_ranges: want; run_outside: dir, want; run_results: increases */
};

static void t_semver_ranges(void **state)
{
	const struct fixture *fx = *state;
	run_ranges(fx->file, fx->a);
}

static void t_semver_invalid(void **state)
{
	json_t *j = load_semver("invalid-versions.json"), *e;
	size_t i, pass = 0, skipped = 0;

	(void)state;
	json_array_foreach(j, i, e) {
		const char *v = json_string_value(json_array_get(e, 0));
		unsigned o = semver_opts(json_array_get(e, 2));
		int err, out;
		if (!v) {
			skipped++;
			continue;
		}
		err = version__semver_valid_opts(v, o);
		if (err == CUSTOMS_EFORMAT && version__semver_compare_opts(v, "1.0.0", o, &out) == CUSTOMS_EFORMAT)
			pass++;
		else
			print_error("semver invalid: \"%s\" accepted\n", v);
	}
	printf("[vectors] node-semver/invalid-versions.json: %zu/%zu pass (%zu non-string skipped)\n", pass,
	       json_array_size(j) - skipped, skipped);
	assert_int_equal(pass, json_array_size(j) - skipped);
	json_decref(j);
}

static void t_semver_valid(void **state)
{
	json_t *j = load_semver("valid-versions.json"), *e, *x;
	size_t i, pass = 0;

	(void)state;
	json_array_foreach(j, i, e) {
		const char *v = json_string_value(json_array_get(e, 0));
		char expect[512];
		size_t k, o;
		int out = 9;
		o = (size_t)snprintf(expect, sizeof(expect), "%lld.%lld.%lld", json_integer_value(json_array_get(e, 1)),
				     json_integer_value(json_array_get(e, 2)), json_integer_value(json_array_get(e, 3)));
		json_array_foreach(json_array_get(e, 4), k, x) {
			if (json_is_integer(x))
				o += (size_t)snprintf(expect + o, sizeof(expect) - o, "%s%lld", k ? "." : "-", json_integer_value(x));
			else
				o += (size_t)snprintf(expect + o, sizeof(expect) - o, "%s%s", k ? "." : "-", json_string_value(x));
		}
		if (customs_version_valid(S("semver"), v) == 0 && customs_version_compare(S("semver"), v, expect, &out) == 0 && out == 0)
			pass++;
		else
			print_error("semver valid: \"%s\" (as %s) failed: %s\n", v, expect, customs_error_last());
	}
	printf("[vectors] node-semver/valid-versions.json: %zu/%zu pass\n", pass, json_array_size(j));
	assert_int_equal(pass, json_array_size(j));
	json_decref(j);
}


/* ---------------------------------------------------------------------- */
/* probe versions                                                         */
/* ---------------------------------------------------------------------- */

#define MAX_PROBES 4096

struct probes {
	char v[MAX_PROBES][96];
	size_t n;
};

static void probe_add(struct probes *p, unsigned long long M, unsigned long long m, unsigned long long pt,
		      const char *pre)
{
	if (p->n == MAX_PROBES)
		return;
	snprintf(p->v[p->n], sizeof(p->v[0]), "%llu.%llu.%llu%s%s", M, m, pt, pre && *pre ? "-" : "", pre ? pre : "");
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->v[i], p->v[p->n]))
			return;
	p->n++;
}

/* Around M.m.p[-pre]: it, its -0, its neighbours up and down at each place. */
static void probe_around(struct probes *p, unsigned long long M, unsigned long long m, unsigned long long pt,
			 const char *pre)
{
	static const char *const pres[] = {"", "0", "alpha", "beta.2"};
	for (size_t k = 0; k < sizeof(pres) / sizeof(pres[0]); k++) {
		probe_add(p, M, m, pt, pres[k]);
		probe_add(p, M, m, pt + 1, pres[k]);
		probe_add(p, M, m + 1, 0, pres[k]);
		probe_add(p, M + 1, 0, 0, pres[k]);
		if (pt)
			probe_add(p, M, m, pt - 1, pres[k]);
		if (m)
			probe_add(p, M, m - 1, 0, pres[k]);
		if (M)
			probe_add(p, M - 1, 0, 0, pres[k]);
	}
	if (pre && *pre)
		probe_add(p, M, m, pt, pre);
}

/* Probes from every version-like token of s: digits and dots, and a
 * pre-release after '-' up to a blank. */
static void probes_from(struct probes *p, const char *s)
{
	for (const char *c = s; *c;) {
		unsigned long long n[3] = {0, 0, 0};
		char pre[64] = "";
		int k = 0;
		if (!(*c >= '0' && *c <= '9') || (c > s && ((c[-1] >= '0' && c[-1] <= '9') || c[-1] == '.'))) {
			c++;
			continue;
		}
		while (k < 3 && *c >= '0' && *c <= '9') {
			n[k++] = strtoull(c, (char **)&c, 10);
			if (*c == '.' && c[1] >= '0' && c[1] <= '9')
				c++;
			else
				break;
		}
		if (*c == '-' && c[1] && c[1] != ' ') {
			size_t l = strcspn(c + 1, " |");
			snprintf(pre, sizeof(pre), "%.*s", (int)(l < 63 ? l : 63), c + 1);
			c += 1 + l;
		}
		probe_around(p, n[0], n[1], n[2], pre);
	}
}

static void probes_base(struct probes *p)
{
	p->n = 0;
	probe_around(p, 0, 0, 0, NULL);
	probe_add(p, 0, 0, 0, "0");
	probe_add(p, 99999, 0, 0, NULL);
}

/* satisfies(v, range) with opts, or -1 on an error. */
static int sat(const char *v, const char *range, unsigned opts)
{
	int out = 0;
	return version__semver_satisfies_opts(v, range, opts, &out) < 0 ? -1 : out;
}

static const char *str_at(json_t *e, size_t i)
{
	return json_string_value(json_array_get(e, i));
}

/* ---------------------------------------------------------------------- */
/* range-parse                                                            */
/* ---------------------------------------------------------------------- */

static void t_semver_range_parse(void **state)
{
	static struct probes p;
	json_t *j = load_semver("range-parse.json"), *e;
	size_t i, pass = 0, probed = 0;

	(void)state;
	json_array_foreach(j, i, e) {
		const char *r = str_at(e, 0), *want = str_at(e, 1);
		unsigned o = semver_opts(json_array_get(e, 2));
		int ok = 1;
		if (!want) {
			/* node-semver: null, the range is invalid */
			ok = sat("1.0.0", r, o) < 0;
			if (!ok)
				print_error("semver range-parse: \"%s\" should be rejected\n", r);
		} else {
			probes_base(&p);
			probes_from(&p, r);
			probes_from(&p, want);
			for (size_t k = 0; k < p.n && ok; k++) {
				int a, b;
				if (version__semver_valid_opts(p.v[k], o) < 0)
					continue; /* past 2^53-1: no version */
				a = sat(p.v[k], r, o);
				b = sat(p.v[k], want, o);
				probed++;
				if (a != b || a < 0) {
					ok = 0;
					print_error("semver range-parse: \"%s\" (as \"%s\", opts %u): %s gives %d, %d (%s)\n", r, want,
						    o, p.v[k], a, b, customs_error_last());
				}
			}
		}
		pass += verdict("range-parse.json", e, ok);
	}
	printf("[vectors] node-semver/range-parse.json: %zu/%zu as they should be, %zu known differences (%zu probe "
	       "versions)\n",
	       pass, json_array_size(j), known_in("range-parse.json"), probed);
	assert_int_equal(pass, json_array_size(j));
	json_decref(j);
}

/* ---------------------------------------------------------------------- */
/* version-gt-range, version-lt-range and their negations                  */
/* ---------------------------------------------------------------------- */

/* dir > 0: v is above every probe the range admits (gtr), < 0: below. */
static int outside(const char *v, const char *r, unsigned o, int dir, struct probes *p)
{
	int in = sat(v, r, o), c;

	if (in != 0)
		return 0;
	probes_base(p);
	probes_from(p, r);
	probes_from(p, v);
	for (size_t k = 0; k < p->n; k++)
		if (sat(p->v[k], r, o) == 1 &&
		    (version__semver_compare_opts(v, p->v[k], o | VERSION__SEMVER_LOOSE, &c) < 0 || c * dir <= 0))
			return 0;
	return 1;
}

static void run_outside(const char *file, int dir, int want)
{
	static struct probes p;
	json_t *j = load_semver(file), *e;
	size_t i, pass = 0;

	json_array_foreach(j, i, e) {
		const char *r = str_at(e, 0), *v = str_at(e, 1);
		unsigned o = semver_opts(json_array_get(e, 2));
		int ok = outside(v, r, o, dir, &p) == want;
		if (verdict(file, e, ok))
			pass++;
		else if (!ok)
			print_error("semver %s: \"%s\" against \"%s\" (opts %u)\n", file, v, r, o);
	}
	printf("[vectors] node-semver/%s: %zu/%zu as they should be, %zu known differences\n", file, pass,
	       json_array_size(j), known_in(file));
	assert_int_equal(pass, json_array_size(j));
	json_decref(j);
}

static void t_semver_outside(void **state)
{
	const struct fixture *fx = *state;
	run_outside(fx->file, fx->a, fx->b);
}

/* ---------------------------------------------------------------------- */
/* intersections                                                          */
/* ---------------------------------------------------------------------- */

static void run_intersections(const char *file)
{
	static struct probes p;
	json_t *j = load_semver(file), *e;
	size_t i, pass = 0;

	json_array_foreach(j, i, e) {
		const char *a = str_at(e, 0), *b = str_at(e, 1);
		int want = json_is_true(json_array_get(e, 2)), common = 0;
		unsigned o = semver_opts(json_array_get(e, 3));
		probes_base(&p);
		probes_from(&p, a);
		probes_from(&p, b);
		for (size_t k = 0; k < p.n && !common; k++)
			common = sat(p.v[k], a, o) == 1 && sat(p.v[k], b, o) == 1;
		if (verdict(file, e, common == want))
			pass++;
		else if (common != want)
			print_error("semver %s: \"%s\" and \"%s\": %s common version\n", file, a, b, common ? "a" : "no");
	}
	printf("[vectors] node-semver/%s: %zu/%zu as they should be, %zu known differences\n", file, pass,
	       json_array_size(j), known_in(file));
	assert_int_equal(pass, json_array_size(j));
	json_decref(j);
}

static void t_semver_intersections(void **state)
{
	const struct fixture *fx = *state;
	run_intersections(fx->file);
}

/* ---------------------------------------------------------------------- */
/* increments and truncations: no inc() here, the results must read back   */
/* ---------------------------------------------------------------------- */

static void run_results(const char *file, int increases)
{
	json_t *j = load_semver(file), *e;
	size_t i, pass = 0, n = 0;

	json_array_foreach(j, i, e) {
		const char *v = str_at(e, 0), *want = str_at(e, 2), *how = str_at(e, 1);
		unsigned o = semver_opts(json_array_get(e, 3));
		int c = 0, up = increases && how && (!strcmp(how, "major") || !strcmp(how, "minor") || !strcmp(how, "patch"));
		if (!want || version__semver_valid_opts(v, o) < 0)
			continue; /* an invalid input or increment: nothing to read back */
		n++;
		if (version__semver_valid_opts(want, 0) == 0 &&
		    (!up || (version__semver_compare_opts(v, want, o, &c) == 0 && c < 0)))
			pass++;
		else
			print_error("semver %s: %s -> %s\n", file, v, want);
	}
	printf("[vectors] node-semver/%s: %zu/%zu results read back (%zu without one: no inc() here)\n", file, pass, n,
	       json_array_size(j) - n);
	assert_true(n > 0);
	assert_int_equal(pass, n);
	json_decref(j);
}

static void t_semver_results(void **state)
{
	const struct fixture *fx = *state;
	run_results(fx->file, fx->a);
}

int main(void)
{
	static const char *const files[] = {
		"comparator-intersection.json", "comparisons.json",       "equality.json",
		"increments.json",              "invalid-versions.json",  "range-exclude.json",
		"range-include.json",           "range-intersection.json", "range-parse.json",
		"truncations.json",             "valid-versions.json",    "version-gt-range.json",
		"version-lt-range.json",        "version-not-gt-range.json", "version-not-lt-range.json",
	};
	static struct fixture include = {"range-include.json", 1, 0}, exclude = {"range-exclude.json", 0, 0},
			      gt = {"version-gt-range.json", 1, 1}, lt = {"version-lt-range.json", -1, 1},
			      not_gt = {"version-not-gt-range.json", 1, 0}, not_lt = {"version-not-lt-range.json", -1, 0},
			      cmp_x = {"comparator-intersection.json", 0, 0}, range_x = {"range-intersection.json", 0, 0},
			      inc = {"increments.json", 1, 0}, trunc = {"truncations.json", 0, 0};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_semver_comparisons),
		cmocka_unit_test(t_semver_equality),
		cmocka_unit_test(t_semver_valid),
		cmocka_unit_test(t_semver_invalid),
		cmocka_unit_test_prestate(t_semver_ranges, &include),
		cmocka_unit_test_prestate(t_semver_ranges, &exclude),
		cmocka_unit_test(t_semver_range_parse),
		cmocka_unit_test_prestate(t_semver_outside, &gt),
		cmocka_unit_test_prestate(t_semver_outside, &lt),
		cmocka_unit_test_prestate(t_semver_outside, &not_gt),
		cmocka_unit_test_prestate(t_semver_outside, &not_lt),
		cmocka_unit_test_prestate(t_semver_intersections, &cmp_x),
		cmocka_unit_test_prestate(t_semver_intersections, &range_x),
		cmocka_unit_test_prestate(t_semver_results, &inc),
		cmocka_unit_test_prestate(t_semver_results, &trunc),
	};
	char *dir;

	if (!(dir = th_shared_files("vectors/node-semver", files, sizeof(files) / sizeof(files[0]))))
		return th_exit(0);
	snprintf(vectors, sizeof(vectors), "%s", dir);
	free(dir);
	load_known();
	return th_exit(cmocka_run_group_tests_name("semver: node-semver's fixtures", tests, NULL, NULL));
}
