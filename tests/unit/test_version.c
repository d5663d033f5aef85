/* test_version.c - the version schemes against the reference vectors in
 * $SHARED/vectors (dpkg, rpmvercmp, apk v2/v3, PEP 440; node-semver's are
 * in test_semver_vectors.c) and the cases in tests/data/versions/ (a file
 * or more a scheme), written from each ecosystem's documented ordering and
 * transcribed from the reference implementations' test tables (format:
 * README.md there), all through the public front of customs/version.h.
 * Without $SHARED/vectors the cases still run and the test then exits 77
 * (skipped), or fails under CI=true. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "customs/errors.h"
#include "customs/version.h"
#include "helpers.h"
#include "vuln/version_int.h"

static char vectors[4096];

/* Reference vector lines customs answers differently on purpose, each
 * listed with its reason in the scheme's data file ("vector-differs").
 * The vector runners require each to fail, and to be in its file. */
#define MAX_KNOWN 64
static struct known {
	char file[64], line[256];
	int seen;
} known[MAX_KNOWN];
static size_t nknown;

/* 1 when file's line (a vector, comments and blanks trimmed) is a known
 * difference: its failure is expected. */
static int known_difference(const char *file, const char *line)
{
	for (size_t i = 0; i < nknown; i++)
		if (!strcmp(known[i].file, file) && !strcmp(known[i].line, line))
			return ++known[i].seen;
	return 0;
}

/* Every known difference of file was met, and failed. */
static void known_all_seen(const char *file)
{
	for (size_t i = 0; i < nknown; i++)
		if (!strcmp(known[i].file, file) && known[i].seen != 1)
			fail_msg("%s: known difference \"%s\" %s", file, known[i].line,
				 known[i].seen ? "listed twice" : "not in the file, or it passes now: drop it");
}

static const customs_version_scheme *S(const char *name)
{
	const customs_version_scheme *s = customs_version_scheme_find(name);
	if (!s)
		fail_msg("no scheme %s", name);
	return s;
}

static int cmp(const char *scheme, const char *a, const char *b)
{
	int out = 99, err = customs_version_compare(S(scheme), a, b, &out);
	if (err < 0)
		fail_msg("%s compare(\"%s\", \"%s\") failed: %s", scheme, a, b, customs_error_last());
	return out;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---------------------------------------------------------------------- */
/* vectors                                                                */
/* ---------------------------------------------------------------------- */

static FILE *open_vector(const char *name)
{
	char path[4352];
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", vectors, name);
	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s", path);
	return f;
}

/* "A B -1|0|1" per line (dpkg, rpmvercmp). */
static void run_cmp_file(const char *scheme, const char *file)
{
	char line[1024], a[512], b[512];
	int want, n = 0, pass = 0;
	FILE *f = open_vector(file);

	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%511s %511s %d", a, b, &want) != 3)
			continue;
		n++;
		int got = cmp(scheme, a, b), back = cmp(scheme, b, a);
		if (got == want && back == -want)
			pass++;
		else
			print_error("%s: %s vs %s: got %d/%d, want %d\n", scheme, a, b, got, back, want);
	}
	fclose(f);
	printf("[vectors] %s: %d/%d pass\n", file, pass, n);
	assert_true(n > 0);
	assert_int_equal(pass, n);
}

static void t_dpkg_vectors(void **state)
{
	(void)state;
	run_cmp_file("dpkg", "dpkg-version-cmp.txt");
}

static void t_rpm_vectors(void **state)
{
	(void)state;
	run_cmp_file("rpm", "rpmvercmp.txt");
}

/* apk-tools' version.data: "v1 OP v2" holds, "v" is valid, "!v" is not. */
static void run_apk_file(const char *file)
{
	char line[1024];
	int n = 0, pass = 0, differ = 0;
	FILE *f = open_vector(file);

	while (fgets(line, sizeof(line), f)) {
		char *hash = strchr(line, '#'), a[512], op[16], b[512], trimmed[1100];
		int fields, ok = 0, out = -1, err;
		if (hash)
			*hash = '\0';
		fields = sscanf(line, "%511s %15s %511s", a, op, b);
		if (fields <= 0)
			continue;
		n++;
		if (fields == 3) {
			err = version__apk_match(a, op, b, &out);
			ok = err == 0 && out == 1;
			snprintf(trimmed, sizeof(trimmed), "%s %s %s", a, op, b);
		} else {
			/* "v" valid, "!v" not, a lone "!": the empty version */
			if (a[0] == '!')
				ok = customs_version_valid(S("apk"), a + 1) == CUSTOMS_EFORMAT;
			else
				ok = customs_version_valid(S("apk"), a) == 0;
			snprintf(trimmed, sizeof(trimmed), "%s", a);
		}
		if (ok) {
			pass++;
			known_difference(file, trimmed); /* counted: a listed line must fail */
		} else if (known_difference(file, trimmed)) {
			differ++;
		} else {
			print_error("apk %s: failed: %s\n", file, trimmed);
		}
	}
	fclose(f);
	printf("[vectors] %s: %d/%d pass, %d known differences\n", file, pass, n, differ);
	assert_true(n > 0);
	assert_int_equal(pass + differ, n);
	known_all_seen(file);
}

/* state: the file's name */
static void t_apk_vectors(void **state)
{
	run_apk_file(*state);
}

static const char *sort_scheme;
static int qcmp(const void *a, const void *b)
{
	return cmp(sort_scheme, *(const char *const *)a, *(const char *const *)b);
}

static void t_pep440_vectors(void **state)
{
	char line[256], *v[256], *sorted[256];
	size_t n = 0, pairs = 0, pass = 0;
	FILE *f = open_vector("pep440-sorted-versions.txt");

	(void)state;
	while (n < N(v) && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0])
			v[n++] = strdup(line);
	}
	fclose(f);
	assert_true(n > 1);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			int want = i < j ? -1 : i > j ? 1 : 0;
			pairs++;
			if (cmp("pep440", v[i], v[j]) == want)
				pass++;
			else
				print_error("pep440: %s vs %s: want %d\n", v[i], v[j], want);
		}
	/* and a sort reproduces the file's order */
	memcpy(sorted, v, n * sizeof(*v));
	sort_scheme = "pep440";
	qsort(sorted, n, sizeof(*sorted), qcmp);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(sorted[i], v[i]);
	printf("[vectors] pep440-sorted-versions.txt: %zu versions, %zu/%zu ordered pairs pass\n", n, pass, pairs);
	assert_int_equal(pass, pairs);
	for (size_t i = 0; i < n; i++)
		free(v[i]);
}

/* ---------------------------------------------------------------------- */
/* the front and hostile input                                            */
/* ---------------------------------------------------------------------- */

static void t_lookup(void **state)
{
	const customs_version_scheme *const *l = customs_version_scheme_list();
	size_t n = 0;

	(void)state;
	for (; l[n]; n++) {
		assert_int_equal(l[n]->version, CUSTOMS_VERSION_SCHEME_VERSION);
		assert_ptr_equal(customs_version_scheme_find(l[n]->name), l[n]);
		assert_non_null(customs_version_scheme_aliases(l[n]->name));
	}
	assert_int_equal(n, 11);
	assert_string_equal(S("deb")->name, "dpkg");
	assert_string_equal(S("Debian:12")->name, "dpkg");
	assert_string_equal(S("ubuntu")->name, "dpkg");
	assert_string_equal(S("AlmaLinux:9")->name, "rpm");
	assert_string_equal(S("redhat")->name, "rpm");
	assert_string_equal(S("rocky")->name, "rpm");
	assert_string_equal(S("Alpine:v3.21")->name, "apk");
	assert_string_equal(S("npm")->name, "semver");
	assert_string_equal(S("PyPI")->name, "pep440");
	assert_string_equal(S("python")->name, "pep440");
	assert_string_equal(S("Maven")->name, "maven");
	assert_string_equal(S("golang")->name, "go");
	assert_string_equal(S("Go")->name, "go");
	assert_string_equal(S("RubyGems")->name, "gem");
	assert_string_equal(S("crates.io")->name, "cargo");
	assert_string_equal(S("Packagist")->name, "composer");
	assert_string_equal(S("NuGet")->name, "nuget");
	assert_null(customs_version_scheme_find("nosuch"));
	assert_null(customs_version_scheme_find(""));
	assert_null(customs_version_scheme_find(NULL));
	assert_null(customs_version_scheme_aliases("deb")); /* names, not aliases */
}

/* Every scheme: NULL, garbage and huge numbers are handled and named. */
static void t_hostile(void **state)
{
	const customs_version_scheme *const *l = customs_version_scheme_list();
	char huge[201], huger[202]; /* 200 and 201 digits: far past 64 bits, within Maven's 256 */
	int out = 7;

	(void)state;
	memset(huge, '9', sizeof(huge) - 1);
	huge[sizeof(huge) - 1] = '\0';
	memcpy(huger, "1", 1);
	memset(huger + 1, '0', sizeof(huger) - 2);
	huger[sizeof(huger) - 1] = '\0';
	assert_int_equal(customs_version_compare(NULL, "1", "1", &out), CUSTOMS_EINVAL);
	assert_int_equal(customs_version_valid(NULL, "1"), CUSTOMS_EINVAL);
	assert_int_equal(customs_version_satisfies(NULL, "1", "1", &out), CUSTOMS_EINVAL);
	for (size_t i = 0; l[i]; i++) {
		const customs_version_scheme *s = l[i];
		assert_int_equal(customs_version_compare(s, NULL, "1", &out), CUSTOMS_EINVAL);
		assert_int_equal(customs_version_compare(s, "1.0.0", "1.0.0", NULL), CUSTOMS_EINVAL);
		assert_int_equal(customs_version_satisfies(s, "1.0.0", NULL, &out), CUSTOMS_EINVAL);
		assert_int_equal(customs_version_valid(s, NULL), CUSTOMS_EINVAL);
		/* a control byte: rejected, and the message names the string;
		 * rpmvercmp refuses nothing (any byte not a letter or digit is a
		 * separator), so there only valid() rejects it */
		if (!strcmp(s->name, "rpm")) {
			assert_int_equal(customs_version_compare(s, "1.0\001garbage", "1.0.0", &out), 0);
			assert_int_equal(out, -1); /* letters sort before digits */
			assert_int_equal(customs_version_valid(s, "1.0\001garbage"), CUSTOMS_EFORMAT);
		} else {
			assert_int_equal(customs_version_compare(s, "1.0\001garbage", "1.0.0", &out), CUSTOMS_EFORMAT);
		}
		if (!strstr(customs_error_last(), "garbage"))
			fail_msg("%s: message does not name the string: %s", s->name, customs_error_last());
		assert_int_equal(customs_version_valid(s, ""), CUSTOMS_EFORMAT);
		assert_int_not_equal(customs_version_valid(s, "\xff\xfe"), 0);
		/* too long */
		{
			static char big[5000];
			memset(big, '1', sizeof(big) - 1);
			assert_int_equal(customs_version_valid(s, big), CUSTOMS_ELIMIT);
			assert_int_equal(customs_version_compare(s, big, "1", &out), CUSTOMS_ELIMIT);
			assert_int_equal(customs_version_satisfies(s, "1.0.0", big, &out), CUSTOMS_ELIMIT);
		}
	}
	/* Numbers far beyond 64 bits compare exactly where the ecosystem allows
	 * them (the limits where it does not are cases in the data files). */
	{
		static const char *const big_ok[] = {"dpkg", "rpm", "apk", "maven", "gem", "go", "composer", "pep440"};
		for (size_t i = 0; i < N(big_ok); i++) {
			char a[1600], b[1600];
			const char *sep = !strcmp(big_ok[i], "go") ? "v" : "";
			const char *tail = !strcmp(big_ok[i], "go") ? ".0.0" : ".1";
			if (!strcmp(big_ok[i], "composer")) {
				/* Composer allows 5 digits in the major: the huge number goes second */
				snprintf(a, sizeof(a), "1.%s", huge);
				snprintf(b, sizeof(b), "1.%s", huger);
			} else {
				snprintf(a, sizeof(a), "%s%s%s", sep, huge, tail);
				snprintf(b, sizeof(b), "%s%s%s", sep, huger, tail);
			}
			if (cmp(big_ok[i], a, b) != -1 || cmp(big_ok[i], b, a) != 1 || cmp(big_ok[i], a, a) != 0)
				fail_msg("%s: huge numbers misordered", big_ok[i]);
		}
	}
}

/* apk-tools' own operator matching, which the apk vectors use. */
static void t_apk_operator(void **state)
{
	int out;

	(void)state;
	assert_int_equal(version__apk_match("1.0", "?", "1.0", &out), CUSTOMS_EFORMAT);
}

/* ---------------------------------------------------------------------- */
/* cases as data: tests/data/versions/<scheme>.txt                        */
/* ---------------------------------------------------------------------- */

#define MAX_FIELDS 64
#define MAX_LINE 16384

struct dcase {
	const customs_version_scheme *s;
	const char *file; /* "dpkg.txt" */
	unsigned line;    /* where the case starts */
	char *f[MAX_FIELDS];
	int n;
	int failed;
	int quiet; /* inside "differs": a failure is expected, not printed */
};

static void bad(struct dcase *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bad(struct dcase *c, const char *fmt, ...)
{
	va_list ap;

	c->failed = 1;
	if (c->quiet)
		return;
	print_error("%s:%u: ", c->file, c->line);
	va_start(ap, fmt);
	vprint_error(fmt, ap);
	va_end(ap);
	print_error("\n");
}

/* compare(a, b), reported when it fails; 2 then. */
static int dcmp(struct dcase *c, const char *a, const char *b)
{
	int out = 99;
	if (customs_version_compare(c->s, a, b, &out) < 0) {
		bad(c, "compare(\"%s\", \"%s\") failed: %s", a, b, customs_error_last());
		return 2;
	}
	return out;
}

/* order and equal: every pair, both ways. */
static void case_pairs(struct dcase *c, int order)
{
	for (int i = 1; i < c->n; i++)
		for (int j = 1; j < c->n; j++) {
			int want = order ? (i < j ? -1 : i > j) : 0, got = dcmp(c, c->f[i], c->f[j]);
			if (got != want && got != 2)
				bad(c, "\"%s\" vs \"%s\": %d, want %d", c->f[i], c->f[j], got, want);
		}
}

static void case_cmp(struct dcase *c)
{
	int want = atoi(c->f[3]), got = dcmp(c, c->f[1], c->f[2]), back = dcmp(c, c->f[2], c->f[1]);

	if (got != 2 && back != 2 && (got != want || back != -want))
		bad(c, "\"%s\" vs \"%s\": %d (and %d back), want %d", c->f[1], c->f[2], got, back, want);
}

/* "cmp A B error [TEXT]": the pair cannot be compared, both ways. */
static void case_cmp_error(struct dcase *c)
{
	for (int k = 0; k < 2; k++) {
		int out = 99, err = customs_version_compare(c->s, c->f[1 + k], c->f[2 - k], &out);
		if (err >= 0)
			bad(c, "\"%s\" vs \"%s\" should be an error (got %d)", c->f[1 + k], c->f[2 - k], out);
		else if (c->n == 5 && !strstr(customs_error_last(), c->f[4]))
			bad(c, "the message does not contain \"%s\": %s", c->f[4], customs_error_last());
	}
}

static void case_valid(struct dcase *c, int want_valid)
{
	int err = customs_version_valid(c->s, c->f[1]);

	if (want_valid && err != 0)
		bad(c, "\"%s\" should be valid: %s", c->f[1], customs_error_last());
	if (!want_valid && err != CUSTOMS_EFORMAT && err != CUSTOMS_ELIMIT)
		bad(c, "\"%s\" should be invalid (got %d)", c->f[1], err);
}

static void case_sat(struct dcase *c)
{
	int out = 99, err = customs_version_satisfies(c->s, c->f[1], c->f[2], &out);
	const char *want = c->f[3];

	if (!strcmp(want, "error")) {
		if (err >= 0)
			bad(c, "\"%s\" against \"%s\" should be rejected (got %d)", c->f[1], c->f[2], out);
		else if (c->n == 5 && !strstr(customs_error_last(), c->f[4]))
			bad(c, "the message does not contain \"%s\": %s", c->f[4], customs_error_last());
	} else if (err < 0) {
		bad(c, "satisfies(\"%s\", \"%s\") failed: %s", c->f[1], c->f[2], customs_error_last());
	} else if (out != !strcmp(want, "yes")) {
		bad(c, "\"%s\" against \"%s\": %s, want %s", c->f[1], c->f[2], out ? "yes" : "no", want);
	}
}

static void run_case(struct dcase *c);

/* "differs REASON CASE...": the reference says CASE, customs does not, for
 * REASON; CASE must fail, so that a difference that went away is seen. */
static void case_differs(struct dcase *c)
{
	struct dcase inner = *c;

	memmove(inner.f, c->f + 2, (size_t)(c->n - 2) * sizeof(*c->f));
	inner.n = c->n - 2;
	inner.quiet = 1;
	inner.failed = 0;
	run_case(&inner);
	if (!inner.failed)
		bad(c, "the known difference \"%s\" passes now: make it a plain case", c->f[2]);
}

/* "vector-differs FILE LINE REASON": a line of a shared vector file that
 * customs answers differently on purpose; the vector runner checks it. */
static void case_vector_differs(struct dcase *c)
{
	if (nknown == MAX_KNOWN || strlen(c->f[1]) >= sizeof(known[0].file) || strlen(c->f[2]) >= sizeof(known[0].line)) {
		bad(c, "too many known differences, or too long");
		return;
	}
	snprintf(known[nknown].file, sizeof(known[0].file), "%s", c->f[1]);
	snprintf(known[nknown].line, sizeof(known[0].line), "%s", c->f[2]);
	nknown++;
}

static void run_case(struct dcase *c)
{
	const char *k = c->n ? c->f[0] : "";

	if ((!strcmp(k, "order") || !strcmp(k, "equal")) && c->n >= 3)
		case_pairs(c, k[0] == 'o');
	else if (!strcmp(k, "cmp") && c->n == 4 &&
		 (!strcmp(c->f[3], "-1") || !strcmp(c->f[3], "0") || !strcmp(c->f[3], "1")))
		case_cmp(c);
	else if (!strcmp(k, "cmp") && (c->n == 4 || c->n == 5) && !strcmp(c->f[3], "error"))
		case_cmp_error(c);
	else if ((!strcmp(k, "valid") || !strcmp(k, "invalid")) && c->n == 2)
		case_valid(c, k[0] == 'v');
	else if (!strcmp(k, "sat") && ((c->n == 4 && (!strcmp(c->f[3], "yes") || !strcmp(c->f[3], "no"))) ||
				       ((c->n == 4 || c->n == 5) && !strcmp(c->f[3], "error"))))
		case_sat(c);
	else if (!strcmp(k, "differs") && c->n >= 4 && strcmp(c->f[2], "differs"))
		case_differs(c);
	else if (!strcmp(k, "vector-differs") && c->n == 4)
		case_vector_differs(c);
	else
		bad(c, "not a case (see README.md)");
}

/* The cases of file (of scheme s) in dir; the number that failed. */
static int run_cases(const customs_version_scheme *s, const char *dir, const char *file, size_t *ncases)
{
	static char line[MAX_LINE], part[MAX_LINE];
	char path[4352];
	struct dcase c;
	unsigned lineno = 0;
	int failed = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (!(f = fopen(path, "r")))
		fail_msg("%s: cannot open: every scheme has its cases there", path);
	*ncases = 0;
	while (fgets(part, sizeof(part), f)) {
		size_t len;
		memset(&c, 0, sizeof(c));
		c.s = s;
		c.file = file;
		c.line = ++lineno;
		line[0] = '\0';
		/* a line ending in a backslash goes on with the next */
		for (;;) {
			len = strcspn(part, "\r\n");
			part[len] = '\0';
			if (strlen(line) + len + 2 > sizeof(line))
				fail_msg("%s:%u: line too long", file, c.line);
			if (!len || part[len - 1] != '\\') {
				strcat(line, part);
				break;
			}
			part[len - 1] = ' ';
			strcat(line, part);
			if (!fgets(part, sizeof(part), f))
				break;
			lineno++;
		}
		len = strspn(line, " \t");
		if (!line[len] || line[len] == '#')
			continue;
		(*ncases)++;
		if ((c.n = th_split_fields(line, c.f, MAX_FIELDS)) < 0)
			bad(&c, "bad quoting or more than %d fields", MAX_FIELDS);
		else
			run_case(&c);
		failed += c.failed;
	}
	fclose(f);
	return failed;
}

static void t_cases(void **state)
{
	const customs_version_scheme *const *l = customs_version_scheme_list();
	size_t total = 0;
	int failed = 0;
	char *dir = th_data_path("versions");

	(void)state;
	for (size_t i = 0; l[i]; i++) {
		struct dirent **ents = NULL;
		char own[64];
		int nents = scandir(dir, &ents, NULL, alphasort);
		size_t len = strlen(l[i]->name), mine = 0;

		assert_true(nents > 0);
		snprintf(own, sizeof(own), "%s.txt", l[i]->name);
		/* <scheme>.txt first (it must exist), then <scheme>-<source>.txt */
		for (int k = -1; k < nents; k++) {
			const char *name = k < 0 ? own : ents[k]->d_name;
			size_t n = 0, nl = strlen(name);
			int bad_here;
			if (k >= 0 && !(nl > len + 5 && !strncmp(name, l[i]->name, len) && name[len] == '-' &&
					!strcmp(name + nl - 4, ".txt")))
				continue;
			bad_here = run_cases(l[i], dir, name, &n);
			printf("[cases] %s: %zu/%zu pass\n", name, n - (size_t)bad_here, n);
			assert_true(n > 0);
			failed += bad_here;
			total += n;
			mine++;
		}
		for (int k = 0; k < nents; k++)
			free(ents[k]);
		free(ents);
		assert_true(mine > 0);
	}
	printf("[cases] %zu cases in %s\n", total, dir);
	free(dir);
	assert_int_equal(failed, 0);
}

int main(void)
{
	const struct CMUnitTest hand[] = {
		cmocka_unit_test(t_lookup),
		cmocka_unit_test(t_hostile),
		cmocka_unit_test(t_apk_operator),
		cmocka_unit_test(t_cases),
	};
	const struct CMUnitTest vec[] = {
		cmocka_unit_test(t_dpkg_vectors),        cmocka_unit_test(t_rpm_vectors),
		cmocka_unit_test_prestate(t_apk_vectors, (void *)"apk-version-v2.data"),
		cmocka_unit_test_prestate(t_apk_vectors, (void *)"apk-version-v3.data"),
		cmocka_unit_test(t_pep440_vectors),
	};
	static const char *const files[] = {"dpkg-version-cmp.txt",
					    "rpmvercmp.txt",
					    "apk-version-v2.data",
					    "apk-version-v3.data",
					    "pep440-sorted-versions.txt"};
	int failed = cmocka_run_group_tests_name("version schemes (front, hostile input, data cases)", hand, NULL, NULL);
	char *dir;

	if (failed)
		return failed;
	if (!(dir = th_shared_files("vectors", files, N(files))))
		return th_exit(0);
	snprintf(vectors, sizeof(vectors), "%s", dir);
	free(dir);
	return cmocka_run_group_tests_name("version schemes (reference vectors)", vec, NULL, NULL);
}
