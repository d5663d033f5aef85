/* test_npm.c - the npm parsers on real files (tests/data/lang/npm: package.json
 * and package-lock.json v3 from the debian-rich fixture; package-lock v1/v2,
 * yarn.lock v1 and berry, pnpm-lock.yaml 5.4/6.0/9.0 written by the real
 * tools for one project), malformed inputs with their warnings, and the
 * analyzer on a directory image: install positions, test fixtures inside
 * packages, lockfiles only without an installed tree, dev flags, scoped
 * purls, Debian's usr/share/nodejs linked to its deb. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/analyzers.h"
#include "helpers.h"
#include "util/util.h"

#define NPM "lang/npm/"

/* "name@version[ dev][ @location]" lines, sorted, for comparing sets */
static char *summary(customs_package **v, size_t n, int with_location)
{
	char **lines = calloc(n + 1, sizeof(*lines));
	for (size_t i = 0; i < n; i++) {
		const char *loc = th_meta(v[i], "location");
		lines[i] = customs_asprintf("%s@%s%s%s%s", v[i]->name, v[i]->version,
					    json_is_true(json_object_get(v[i]->metadata, "dev")) ? " dev" : "",
					    with_location && loc ? " " : "", with_location && loc ? loc : "");
	}
	return th_sorted_lines(lines, n);
}

/* The nine packages every lockfile of the lockgen project resolves to. */
static const char lockgen_set[] = "@types/node@20.11.0\n"
				  "ansi-regex@5.0.1\n"
				  "debug@4.3.4\n"
				  "is-number@7.0.0 dev\n"
				  "left-pad@1.3.0 dev\n"
				  "ms@2.1.2\n"
				  "ms@2.1.3\n"
				  "strip-ansi@6.0.1\n"
				  "undici-types@5.26.5\n";

static void check_lock(const char *file, th_parse_fn parse, const char *want, int with_location)
{
	size_t n;
	th_warns w = {0};
	customs_package **v = th_parse_file(parse, file, &n, th_warn, &w);
	if (w.n)
		fail_msg("%s: unexpected warning: line %zu: %s", file, w.line[0], w.msg[0]);
	char *got = summary(v, n, with_location);
	if (strcmp(got, want) != 0)
		fail_msg("%s:\n--- got\n%s--- want\n%s", file, got, want);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(v[i]->type, "npm");
		assert_non_null(v[i]->purl);
	}
	free(got);
	th_pkgs_free(v, n);
}

static void test_lockgen_lockfiles(void **state)
{
	(void)state;
	check_lock(NPM "package-lock.v1.json", customs__npm_parse_package_lock, lockgen_set, 0);
	check_lock(NPM "package-lock.v2.json", customs__npm_parse_package_lock, lockgen_set, 0);
	check_lock(NPM "pnpm-lock.v5.yaml", customs__npm_parse_pnpm_lock, lockgen_set, 0);
	check_lock(NPM "pnpm-lock.v6.yaml", customs__npm_parse_pnpm_lock, lockgen_set, 0);
	check_lock(NPM "pnpm-lock.v9.yaml", customs__npm_parse_pnpm_lock, lockgen_set, 0);
	/* yarn.lock does not say what is dev-only */
	static const char yarn_set[] = "@types/node@20.11.0\nansi-regex@5.0.1\ndebug@4.3.4\nis-number@7.0.0\n"
				       "left-pad@1.3.0\nms@2.1.2\nms@2.1.3\nstrip-ansi@6.0.1\nundici-types@5.26.5\n";
	check_lock(NPM "yarn-v1.lock", customs__npm_parse_yarn_lock, yarn_set, 0);
	check_lock(NPM "yarn-berry.lock", customs__npm_parse_yarn_lock, yarn_set, 0);
	/* npm's lockfiles know where each copy is installed; v1 by nesting */
	static const char located[] =
		"@types/node@20.11.0 node_modules/@types/node\n"
		"ansi-regex@5.0.1 node_modules/ansi-regex\n"
		"debug@4.3.4 node_modules/debug\n"
		"is-number@7.0.0 dev node_modules/is-number\n"
		"left-pad@1.3.0 dev node_modules/left-pad\n"
		"ms@2.1.2 node_modules/debug/node_modules/ms\n"
		"ms@2.1.3 node_modules/ms\n"
		"strip-ansi@6.0.1 node_modules/strip-ansi-cjs\n"
		"undici-types@5.26.5 node_modules/undici-types\n";
	check_lock(NPM "package-lock.v1.json", customs__npm_parse_package_lock, located, 1);
	check_lock(NPM "package-lock.v2.json", customs__npm_parse_package_lock, located, 1);
}

/* lockgen depends on strip-ansi-cjs = npm:strip-ansi@6.0.1: every lockfile
 * names strip-ansi 6.0.1 under that alias, and nothing else under one. */
static void test_lockfile_aliases(void **state)
{
	(void)state;
	static const struct {
		const char *file;
		th_parse_fn parse;
	} files[] = {
		{NPM "package-lock.v1.json", customs__npm_parse_package_lock},
		{NPM "package-lock.v2.json", customs__npm_parse_package_lock},
		{NPM "yarn-v1.lock", customs__npm_parse_yarn_lock},
		{NPM "yarn-berry.lock", customs__npm_parse_yarn_lock},
		{NPM "pnpm-lock.v5.yaml", customs__npm_parse_pnpm_lock},
		{NPM "pnpm-lock.v6.yaml", customs__npm_parse_pnpm_lock},
		{NPM "pnpm-lock.v9.yaml", customs__npm_parse_pnpm_lock},
	};
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		size_t n, aliased = 0;
		customs_package **v = th_parse_file(files[f].parse, files[f].file, &n, NULL, NULL);
		for (size_t i = 0; i < n; i++) {
			const char *alias = th_meta(v[i], "alias");
			if (!alias)
				continue;
			aliased++;
			if (strcmp(v[i]->name, "strip-ansi") || strcmp(v[i]->version, "6.0.1") ||
			    strcmp(alias, "strip-ansi-cjs") || strcmp(v[i]->purl, "pkg:npm/strip-ansi@6.0.1"))
				fail_msg("%s: %s@%s as %s (%s)", files[f].file, v[i]->name, v[i]->version, alias, v[i]->purl);
		}
		if (aliased != 1)
			fail_msg("%s: %zu aliased packages, want 1", files[f].file, aliased);
		th_pkgs_free(v, n);
	}
	/* yarn merges an alias and the package itself into one entry: both
	 * are installed */
	size_t n;
	customs_package **v;
	const char *y1 = "# yarn lockfile v1\n\n\"x-cjs@npm:x@^4.2.0\", x@^4.1.0:\n  version \"4.2.3\"\n";
	assert_int_equal(customs__npm_parse_yarn_lock(&v, &n, y1, strlen(y1), NULL, NULL), 0);
	char *got = summary(v, n, 0);
	assert_int_equal(n, 2);
	assert_string_equal(got, "x@4.2.3\nx@4.2.3\n");
	assert_true((th_meta(v[0], "alias") == NULL) != (th_meta(v[1], "alias") == NULL));
	free(got);
	th_pkgs_free(v, n);
}

static void test_fixture_lockfiles(void **state)
{
	(void)state;
	size_t n;
	/* /app/package-lock.json: 78 entries, 21 of them esbuild binaries for
	 * other platforms; left-pad the only dev one */
	customs_package **v =
		th_parse_file(customs__npm_parse_package_lock, NPM "package-lock.v3.json", &n, NULL, NULL);
	assert_int_equal(n, 78);
	size_t dev = 0, optional = 0;
	for (size_t i = 0; i < n; i++) {
		dev += json_is_true(json_object_get(v[i]->metadata, "dev"));
		optional += json_is_true(json_object_get(v[i]->metadata, "optional"));
	}
	assert_int_equal(dev, 1);
	assert_int_equal(optional, 22);
	const customs_package *p = th_pkg_find(v, n, NULL, "left-pad");
	assert_non_null(p);
	assert_true(json_is_true(json_object_get(p->metadata, "dev")));
	assert_string_equal(p->licenses.v[0], "WTFPL");
	p = th_pkg_find(v, n, NULL, "@esbuild/linux-x64");
	assert_string_equal(p->purl, "pkg:npm/%40esbuild/linux-x64@0.18.20");
	assert_string_equal(th_meta(p, "location"), "node_modules/@esbuild/linux-x64");
	assert_string_equal(th_meta(p, "resolved"),
			    "https://registry.npmjs.org/@esbuild/linux-x64/-/linux-x64-0.18.20.tgz");
	assert_non_null(th_meta(p, "integrity"));
	size_t ms = 0;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i]->name, "ms")) {
			ms++;
			if (!strcmp(th_meta(v[i], "location"), "node_modules/send/node_modules/ms"))
				assert_string_equal(v[i]->version, "2.1.1");
		}
	assert_int_equal(ms, 2);
	th_pkgs_free(v, n);

	/* the hidden lockfile: what npm installed (56, no "" key) */
	v = th_parse_file(customs__npm_parse_package_lock, NPM "hidden-package-lock.json", &n, NULL, NULL);
	assert_int_equal(n, 56);
	assert_null(th_pkg_find(v, n, NULL, "left-pad"));
	th_pkgs_free(v, n);
}

static void test_package_json(void **state)
{
	(void)state;
	customs_package *p = th_parse_one_file(customs__npm_parse_package_json, NPM "express.package.json", NULL, NULL);
	assert_string_equal(p->name, "express");
	assert_string_equal(p->version, "4.17.1");
	assert_string_equal(p->purl, "pkg:npm/express@4.17.1");
	assert_string_equal(p->licenses.v[0], "MIT");
	assert_string_equal(th_meta(p, "homepage"), "http://expressjs.com/");
	assert_string_equal(th_meta(p, "author"), "TJ Holowaychuk <tj@vision-media.ca>");
	customs_package_free(p);

	p = th_parse_one_file(customs__npm_parse_package_json, NPM "esbuild-linux-x64.package.json", NULL, NULL);
	assert_string_equal(p->name, "@esbuild/linux-x64");
	assert_string_equal(p->purl, "pkg:npm/%40esbuild/linux-x64@0.18.20");
	customs_package_free(p);

	p = th_parse_one_file(customs__npm_parse_package_json, NPM "debian-semver.package.json", NULL, NULL);
	assert_string_equal(p->name, "semver");
	assert_string_equal(p->version, "7.3.5");
	assert_string_equal(p->purl, "pkg:npm/semver@7.3.5");
	assert_string_equal(p->licenses.v[0], "ISC");
	customs_package_free(p);

	/* license forms */
	static const struct {
		const char *json, *licenses;
	} lic[] = {
		{"{\"name\":\"a\",\"version\":\"1\",\"license\":{\"type\":\"BSD-3-Clause\",\"url\":\"x\"}}", "BSD-3-Clause"},
		{"{\"name\":\"a\",\"version\":\"1\",\"licenses\":[{\"type\":\"MIT\"},\"Apache-2.0\",{\"type\":\"MIT\"},7]}",
		 "MIT,Apache-2.0"},
		{"{\"name\":\"a\",\"version\":\"1\",\"license\":\"(MIT OR GPL-3.0-or-later)\"}", "(MIT OR GPL-3.0-or-later)"},
		{"{\"name\":\"a\",\"version\":\"1\",\"license\":\"\"}", ""},
	};
	for (size_t i = 0; i < sizeof(lic) / sizeof(lic[0]); i++) {
		assert_int_equal(customs__npm_parse_package_json(&p, lic[i].json, strlen(lic[i].json), NULL, NULL), 0);
		char *got = th_licenses(p, ",");
		assert_string_equal(got, lic[i].licenses);
		free(got);
		customs_package_free(p);
	}
	/* markers without name or version are no packages, and no error */
	const char *marker = "{\"type\":\"module\"}";
	assert_int_equal(customs__npm_parse_package_json(&p, marker, strlen(marker), NULL, NULL), 0);
	assert_null(p);
	const char *bom = "\xEF\xBB\xBF{\"name\":\"@Scope/Pkg\",\"version\":\"1.0.0-rc.1+b\"}";
	assert_int_equal(customs__npm_parse_package_json(&p, bom, strlen(bom), NULL, NULL), 0);
	assert_string_equal(p->purl, "pkg:npm/%40scope/pkg@1.0.0-rc.1%2Bb");
	customs_package_free(p);
}

static void test_malformed(void **state)
{
	(void)state;
	static const struct {
		const char *json, *warning;
		size_t line;
	} pj[] = {
		{"{\"name\": \"a\",\n \"version\": 1.2}", "\"version\" is a number, not a string: skipped", 1},
		{"{\"name\": \"a\", \"version\": [\"1\"]}", "\"version\" is an array, not a string: skipped", 1},
		{"{\"name\": {\"a\":1}, \"version\": \"1\"}", "\"name\" is an object, not a string: skipped", 1},
		{"{\"name\": \"a\",\n\"version\": \"1\",\n}",
		 "package.json is not valid JSON (string or '}' expected near '}' at column 1): skipped", 3},
		{"[1, 2]", "package.json is not a JSON object: skipped", 1},
		{"", "package.json is not valid JSON ('[' or '{' expected near end of file at column 0): skipped", 1},
		{"{\"name\": \"a\xff\", \"version\": \"1\"}",
		 "package.json is not valid JSON (unable to decode byte 0xff near '\"a' at column 11): skipped", 1},
	};
	for (size_t i = 0; i < sizeof(pj) / sizeof(pj[0]); i++)
		th_parse_one_rejects(customs__npm_parse_package_json, pj[i].json, pj[i].warning, pj[i].line);

	static const struct {
		th_parse_fn parse;
		const char *text, *warning;
		size_t line;
		int rc, npkgs;
	} locks[] = {
		{customs__npm_parse_package_lock, "{\"lockfileVersion\": 3, \"packages\": {", "lockfile is not valid JSON "
		 "(string or '}' expected near end of file at column 36): skipped", 1, CUSTOMS_EFORMAT, 0},
		{customs__npm_parse_package_lock,
		 "{\"lockfileVersion\": 7, \"packages\": {\"node_modules/a\": {\"version\": \"1\"},"
		 " \"node_modules/b\": {\"version\": 2}, \"node_modules/c\": {\"link\": true, \"resolved\": \"x\"}}}",
		 "unknown lockfileVersion: read as the closest known one", 1, 0, 1},
		{customs__npm_parse_yarn_lock, "# yarn lockfile v1\n\nfoo@^1.0.0:\n  resolved \"x\"\n\nbar@^2:\n  version \"2.0.0\"\n",
		 "entry without a version: skipped", 3, 0, 1},
		{customs__npm_parse_yarn_lock, "# yarn lockfile v1\nnot an entry\n\"@x\":\n  version \"1\"\n",
		 "not a yarn.lock entry: skipped", 2, 0, 0},
		{customs__npm_parse_yarn_lock, "__metadata:\n  version: 8\n\"a@npm:1\": [unclosed\n",
		 "yarn.lock is not valid YAML (did not find expected ',' or ']'): skipped", 4, CUSTOMS_EFORMAT, 0},
		{customs__npm_parse_pnpm_lock, "lockfileVersion: '9.0'\npackages:\n  'nonsense':\n    resolution: {}\n"
		 "  ok@1.0.0:\n    resolution: {integrity: sha512-x}\n",
		 "package key \"nonsense\" not understood: skipped", 4, 0, 1},
		{customs__npm_parse_pnpm_lock, "- just\n- a list\n", "pnpm-lock.yaml is not a mapping: skipped", 1,
		 CUSTOMS_EFORMAT, 0},
		{customs__npm_parse_pnpm_lock, "lockfileVersion: '9.0'\n\tbad: tab\n",
		 "pnpm-lock.yaml is not valid YAML (found character that cannot start any token): skipped", 2,
		 CUSTOMS_EFORMAT, 0},
	};
	for (size_t i = 0; i < sizeof(locks) / sizeof(locks[0]); i++) {
		customs_package **v;
		size_t n;
		th_warns w = {0};
		int rc = locks[i].parse(&v, &n, locks[i].text, strlen(locks[i].text), th_warn, &w);
		if (rc != locks[i].rc || w.n < 1 || strcmp(w.msg[0], locks[i].warning) != 0 || w.line[0] != locks[i].line ||
		    (int)n != locks[i].npkgs)
			fail_msg("case %zu: rc %d, %zu packages, warning line %zu: %s", i, rc, n, w.n ? w.line[0] : 0,
				 w.n ? w.msg[0] : "(none)");
		th_pkgs_free(v, n);
	}
}

static void test_analyzer(void **state)
{
	(void)state;
	th_dir d;
	th_dir_new(&d, "npm");
	/* an installed project: its lockfile adds only the dev flag */
	th_dir_text(&d, "app/package.json", "{\"name\":\"app\",\"version\":\"1.0.0\"}");
	th_dir_text(&d, "app/package-lock.json",
		    "{\"lockfileVersion\":3,\"packages\":{\"\":{},\"node_modules/a\":{\"version\":\"1.0.0\"},"
		    "\"node_modules/@s/b\":{\"version\":\"2.0.0\",\"dev\":true},"
		    "\"node_modules/gone\":{\"version\":\"9\"}}}");
	th_dir_text(&d, "app/node_modules/a/package.json",
		    "{\"name\":\"a\",\"version\":\"1.0.0\",\"license\":\"MIT\"}");
	th_dir_text(&d, "app/node_modules/@s/b/package.json", "{\"name\":\"@s/b\",\"version\":\"2.0.0\"}");
	th_dir_text(&d, "app/node_modules/a/node_modules/c/package.json", "{\"name\":\"c\",\"version\":\"3.0.0\"}");
	/* not packages: a fixture whose name is not its place, files off a
	 * package root, a module-type marker, npm's .bin */
	th_dir_text(&d, "app/node_modules/a/test/node_modules/x/package.json", "{\"name\":\"y\",\"version\":\"1\"}");
	th_dir_text(&d, "app/node_modules/a/lib/package.json", "{\"name\":\"lib\",\"version\":\"1\"}");
	th_dir_text(&d, "app/node_modules/@s/package.json", "{\"name\":\"@s\",\"version\":\"1\"}");
	th_dir_text(&d, "app/node_modules/d/package.json", "{\"type\":\"module\"}");
	th_dir_text(&d, "app/node_modules/.bin/package.json", "{\"name\":\".bin\",\"version\":\"1\"}");
	th_dir_text(&d, "app/node_modules/bad/package.json", "{\"name\":\"bad\",\"version\":1}");
	/* a project with only a lockfile, and a package's own lockfile */
	th_dir_text(&d, "srv/api/yarn.lock", "# yarn lockfile v1\n\nleft-pad@^1.3.0:\n  version \"1.3.0\"\n");
	th_dir_text(&d, "app/node_modules/a/pnpm-lock.yaml",
		    "lockfileVersion: '9.0'\npackages:\n  q@1.0.0:\n    resolution: {integrity: x}\n");
	/* Debian's layout, owned by a deb */
	th_dir_text(&d, "usr/share/nodejs/semver/package.json", "{\"name\":\"semver\",\"version\":\"7.3.5\"}");
	th_dir_text(&d, "usr/share/nodejs/@types/x/package.json", "{\"name\":\"@types/x\",\"version\":\"1.0.0\"}");
	th_dir_text(&d, "usr/share/nodejs/terser/bin/package.json", "{\"name\":\"bin\",\"version\":\"1.0.0\"}");
	th_dir_text(
		&d, "var/lib/dpkg/status",
		"Package: node-semver\nStatus: install ok installed\nVersion: 7.3.5+~7.3.8-2\nArchitecture: all\n\n");
	th_dir_text(&d, "var/lib/dpkg/info/node-semver.list",
		    "/.\n/usr/share/nodejs/semver\n/usr/share/nodejs/semver/package.json\n");

	customs_analysis *a = th_dir_analyze(&d, "dpkg,npm");
	customs_package *npm[16];
	size_t n = 0;
	for (size_t i = 0; i < a->npackages && n < 16; i++)
		if (!strcmp(a->packages[i]->type, "npm"))
			npm[n++] = a->packages[i];
	char *got = summary(npm, n, 1);
	assert_string_equal(got, "@s/b@2.0.0 dev app/node_modules/@s/b\n"
				 "@types/x@1.0.0 usr/share/nodejs/@types/x\n"
				 "a@1.0.0 app/node_modules/a\n"
				 "c@3.0.0 app/node_modules/a/node_modules/c\n"
				 "left-pad@1.3.0\n"
				 "semver@7.3.5 usr/share/nodejs/semver\n");
	free(got);
	for (size_t i = 0; i < n; i++) {
		const customs_package *p = npm[i];
		assert_string_equal(p->found_by, "npm");
		assert_int_equal(p->layer, 0);
		assert_int_equal(p->visible, 1);
		if (!strcmp(p->name, "semver"))
			assert_string_equal(th_meta(p, "installed_by"), "node-semver");
		else
			assert_null(th_meta(p, "installed_by"));
		if (!strcmp(p->name, "left-pad"))
			assert_string_equal(p->db_path, "srv/api/yarn.lock");
		if (!strcmp(p->name, "@s/b")) {
			assert_string_equal(p->db_path, "app/node_modules/@s/b/package.json");
			assert_string_equal(p->purl, "pkg:npm/%40s/b@2.0.0");
		}
		if (!strcmp(p->name, "a"))
			assert_string_equal(p->licenses.v[0], "MIT");
	}
	assert_int_equal(a->nwarnings, 1);
	th_dir_warning_is(
		&d, a->warnings[0].message,
		"layer 0: app/node_modules/bad/package.json: line 1: \"version\" is a number, not a string: skipped");
	assert_string_equal(a->warnings[0].path, "app/node_modules/bad/package.json");
	customs_analysis_free(a);
	assert_int_equal(th_dir_remove(&d), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lockgen_lockfiles), cmocka_unit_test(test_lockfile_aliases),
		cmocka_unit_test(test_fixture_lockfiles),
		cmocka_unit_test(test_package_json),      cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_analyzer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
