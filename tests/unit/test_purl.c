/* test_purl.c - Package URLs: the purl-spec test suite ($SHARED/vectors/purl:
 * tests/spec, tests/types and the older test-suite-data.legacy.json) plus
 * the purls the catalogers build and the error messages of bad input.
 *
 * purl-spec groups its cases as "required" (base conformance, run with
 * strict parsing) and "recommended" (permissive, run with
 * CUSTOMS_PURL_LENIENT).  A case that fails is an error unless it is listed
 * in `known` below with the reason; a listed case that passes is an error
 * too, so the list stays true.
 */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "customs/errors.h"
#include "customs/purl.h"
#include "helpers.h"

/* ---- self-contained cases ---- */

static void check_make(const char *expect, const char *type, const char *ns, const char *name,
                       const char *version, const char *const *q, const char *subpath)
{
	char *got = customs_purl_make(type, ns, name, version, q, subpath);
	if (!got)
		fail_msg("make %s/%s: %s", type, name, customs_error_last());
	assert_string_equal(got, expect);
	/* what we build parses back to itself, strictly */
	customs_purl *p;
	char *again;
	assert_int_equal(customs_purl_parse(&p, got), 0);
	assert_int_equal(customs_purl_build(&again, p), 0);
	assert_string_equal(again, got);
	free(again);
	customs_purl_free(p);
	free(got);
}

static void test_make_cataloger_purls(void **state)
{
	(void)state;
	const char *deb[] = {"distro", "debian-12", "arch", "amd64", NULL};
	check_make("pkg:deb/debian/curl@7.88.1-10%2Bdeb12u5?arch=amd64&distro=debian-12", "deb", "debian", "curl",
	           "7.88.1-10+deb12u5", deb, NULL);
	const char *src[] = {"arch", "source", NULL};
	check_make("pkg:deb/debian/attr@1:2.4.47-2?arch=source", "deb", "Debian", "attr", "1:2.4.47-2", src, NULL);
	const char *rpm[] = {"epoch", "1", "arch", "x86_64", "distro", "rhel-9.2", NULL};
	check_make("pkg:rpm/redhat/NetworkManager@1.42.2-8.el9?arch=x86_64&distro=rhel-9.2&epoch=1", "rpm", "RedHat",
	           "NetworkManager", "1.42.2-8.el9", rpm, NULL);
	const char *apk[] = {"arch", "x86_64", "distro", "alpine-3.19.1", NULL};
	check_make("pkg:apk/alpine/musl@1.2.4_git20230717-r4?arch=x86_64&distro=alpine-3.19.1", "apk", "alpine", "musl",
	           "1.2.4_git20230717-r4", apk, NULL);
	check_make("pkg:npm/%40types/node@20.11.5", "npm", "@types", "node", "20.11.5", NULL, NULL);
	check_make("pkg:npm/jsonstream@1.3.5", "npm", NULL, "JSONStream", "1.3.5", NULL, NULL);
	check_make("pkg:pypi/zope-interface@6.1", "pypi", NULL, "Zope.Interface", "6.1", NULL, NULL);
	check_make("pkg:pypi/typing-extensions@4.9.0", "pypi", NULL, "typing__extensions", "4.9.0", NULL, NULL);
	check_make("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", "maven", "org.apache.logging.log4j",
	           "log4j-core", "2.14.1", NULL, NULL);
	/* Go module paths keep their case; "+incompatible" is encoded */
	check_make("pkg:golang/github.com/BurntSushi/toml@v1.3.2", "golang", "github.com/BurntSushi", "toml",
	           "v1.3.2", NULL, NULL);
	check_make("pkg:golang/github.com/docker/docker@v24.0.7%2Bincompatible#client", "golang",
	           "/github.com//docker/", "docker", "v24.0.7+incompatible", NULL, "/client/./");
	const char *gem[] = {"platform", "java", NULL};
	check_make("pkg:gem/jruby-launcher@1.1.2?platform=java", "gem", NULL, "jruby-launcher", "1.1.2", gem, NULL);
	check_make("pkg:cargo/rand@0.8.5", "cargo", NULL, "rand", "0.8.5", NULL, NULL);
	check_make("pkg:nuget/Newtonsoft.Json@13.0.3", "NuGet", NULL, "Newtonsoft.Json", "13.0.3", NULL, NULL);
	check_make("pkg:composer/laravel/framework@10.0.0", "composer", "Laravel", "Framework", "10.0.0", NULL, NULL);
	/* NULL and empty values drop the pair; keys are lowercased and sorted */
	const char *gen[] = {"Download_URL", "https://example.com/a b.tar.gz", "checksum", "sha256:ab,sha1:cd",
	                     "tag", NULL, "x", "", NULL};
	check_make("pkg:generic/open%20ssl@1.1.1w?checksum=sha256:ab%2Csha1:cd&"
	           "download_url=https:%2F%2Fexample.com%2Fa%20b.tar.gz",
	           "generic", NULL, "open ssl", "1.1.1w", gen, NULL);
	check_make("pkg:oci/debian@sha256:abcd?repository_url=docker.io%2Flibrary%2Fdebian", "oci", NULL, "Debian",
	           "sha256:abcd", (const char *[]){"repository_url", "docker.io/library/debian", NULL}, NULL);
	check_make("pkg:generic/%C3%A9t%C3%A9@1", "generic", NULL, "\xc3\xa9t\xc3\xa9", "1", NULL, NULL);
}

static void check_make_fails(const char *needle, const char *type, const char *ns, const char *name,
                             const char *const *q)
{
	customs_error_clear();
	char *got = customs_purl_make(type, ns, name, "1.0", q, NULL);
	if (got)
		fail_msg("make %s/%s should fail, got %s", type ? type : "(null)", name ? name : "(null)", got);
	if (!strstr(customs_error_last(), needle))
		fail_msg("error \"%s\" does not mention \"%s\"", customs_error_last(), needle);
}

static void test_make_errors(void **state)
{
	(void)state;
	check_make_fails("type is missing", NULL, NULL, "x", NULL);
	check_make_fails("type \"3com\" does not start with a letter", "3com", NULL, "x", NULL);
	check_make_fails("name is missing", "npm", "@scope", NULL, NULL);
	check_make_fails("name is missing", "npm", NULL, "///", NULL);
	check_make_fails("qualifier key \"in production\"", "npm", NULL, "x",
	                 (const char *[]){"in production", "true", NULL});
	check_make_fails("appears more than once", "npm", NULL, "x", (const char *[]){"a", "1", "A", "2", NULL});
	check_make_fails("not valid UTF-8", "generic", NULL, "caf\xe9", NULL);
	check_make_fails("requires a namespace", "swift", NULL, "Alamofire", NULL);
	check_make_fails("does not allow a namespace", "pypi", "x", "requests", NULL);
}

static void check_parse_fails(int code, const char *in, unsigned flags, const char *needle)
{
	customs_purl *p = (customs_purl *)1;
	int err = customs_purl_parse_ext(&p, in, flags);
	if (err != code)
		fail_msg("parse \"%.80s\": got %d (%s), want %d", in, err, customs_error_last(), code);
	assert_null(p);
	if (!strstr(customs_error_last(), needle))
		fail_msg("error \"%s\" does not mention \"%s\"", customs_error_last(), needle);
}

static void test_parse_errors(void **state)
{
	(void)state;
	/* the message names the purl and what is wrong with it */
	check_parse_fails(CUSTOMS_EFORMAT, "pkg:npm/foo@1.0%zz", 0,
	                  "purl \"pkg:npm/foo@1.0%zz\": invalid percent-escape \"%zz\" in version");
	check_parse_fails(CUSTOMS_EFORMAT, "pkg:npm/foo@1.0%4", 0, "invalid percent-escape \"%4\" in version");
	check_parse_fails(CUSTOMS_EFORMAT, "pkg:npm/fo%g0o", 0, "invalid percent-escape \"%g0\" in name");
	check_parse_fails(CUSTOMS_EFORMAT, "pkg:npm/foo?a=%", 0, "invalid percent-escape \"%\" in qualifier value");
	check_parse_fails(CUSTOMS_EFORMAT, "pkg:npm/foo#a/%%41", 0, "invalid percent-escape \"%%4\" in subpath");
	check_parse_fails(CUSTOMS_EFORMAT, "pkg:npm/foo%00bar", 0, "NUL byte in name");
	check_parse_fails(CUSTOMS_EFORMAT, "pkg:npm/a%2Fb/foo", 0, "encoded '/' (%2F) inside a namespace segment");
	check_parse_fails(CUSTOMS_EFORMAT, "pkg:npm/caf%E9", 0, "name is not valid UTF-8");
	check_parse_fails(CUSTOMS_EFORMAT, "pkg:npm/%ED%A0%80", 0, "name is not valid UTF-8"); /* surrogate */
	check_parse_fails(CUSTOMS_EFORMAT, "pkg:npm/foo\x1b[31m", 0, "control character 0x1b at offset 11");
	check_parse_fails(CUSTOMS_EFORMAT, "pkg:npm/foo bar", 0, "unencoded space at offset 11");
	check_parse_fails(CUSTOMS_EFORMAT, "pkg:npm/caf\xc3\xa9", 0, "unencoded non-ASCII byte");
	check_parse_fails(CUSTOMS_EFORMAT, "pkg:npm/caf\xe9", CUSTOMS_PURL_LENIENT, "name is not valid UTF-8");
	check_parse_fails(CUSTOMS_EFORMAT, "npm/foo@1", 0, "\"pkg:\" scheme is missing");
	check_parse_fails(CUSTOMS_EFORMAT, "http://npm/foo@1", 0, "scheme is not \"pkg\"");
	check_parse_fails(CUSTOMS_EFORMAT, "pkg:npm", 0, "the name is missing");
	check_parse_fails(CUSTOMS_EFORMAT, "pkg:npm/@1.0", 0, "the name is missing");
	check_parse_fails(CUSTOMS_EFORMAT, "pkg:npm/%40scope/@1.0", 0, "the name is missing");
	check_parse_fails(CUSTOMS_EFORMAT, "pkg:n_pm/foo", 0, "type \"n_pm\" has a character other than");
	check_parse_fails(CUSTOMS_EFORMAT, "pkg:npm/foo?arch", 0, "qualifier \"arch\" has no '='");
	check_parse_fails(CUSTOMS_EFORMAT, "pkg:rpm/fedora/curl?Arch=i386", 0, "qualifier key \"Arch\" is not lowercase");
	check_parse_fails(CUSTOMS_EFORMAT, "pkg:npm/foo?a=1&a=2", 0, "qualifier key \"a\" appears more than once");
	check_parse_fails(CUSTOMS_EFORMAT, "pkg:npm/foo?1a=1", 0, "does not start with a letter");
	check_parse_fails(CUSTOMS_EFORMAT, "pkg:cpan/GDT/URI::PackageURL", 0, "not a module name");
	check_parse_fails(CUSTOMS_EFORMAT, "pkg:julia/Dates", 0, "requires a \"uuid\" qualifier");

	/* hostile sizes: a cap, and a message that quotes only the start */
	size_t n = CUSTOMS_PURL_MAX + 1;
	char *big = malloc(n + 1);
	assert_non_null(big);
	memcpy(big, "pkg:npm/", 8);
	memset(big + 8, 'a', n - 8);
	big[n] = '\0';
	check_parse_fails(CUSTOMS_ELIMIT, big, 0, "longer than the limit of 65536 bytes");
	assert_true(strlen(customs_error_last()) < 400);
	big[n - 1] = '\0'; /* exactly at the cap parses */
	customs_purl *p;
	assert_int_equal(customs_purl_parse(&p, big), 0);
	assert_int_equal(strlen(p->name), CUSTOMS_PURL_MAX - 8);
	customs_purl_free(p);
	/* decoding shrinks, encoding grows: a purl at the cap may not rebuild */
	for (size_t i = 8; i + 3 <= n - 1; i += 3)
		memcpy(big + i, "%20", 3);
	assert_int_equal(customs_purl_parse(&p, big), 0);
	char *s;
	assert_int_equal(customs_purl_build(&s, p), 0);
	free(s);
	customs_purl_free(p);
	free(big);
}

static void test_parse_forms(void **state)
{
	(void)state;
	customs_purl *p;
	char *s;

	/* strict rejects what lenient lowercases */
	assert_int_equal(customs_purl_parse_ext(&p, "pkg:Rpm/fedora/curl@7.50.3-1.fc25?Distro=fedora-25&Arch=i386",
	                                        CUSTOMS_PURL_LENIENT),
	                 0);
	assert_int_equal(p->nqualifiers, 2);
	assert_string_equal(p->qkeys[0], "arch");
	assert_string_equal(p->qvals[0], "i386");
	assert_string_equal(p->qkeys[1], "distro");
	assert_string_equal(customs_purl_qualifier(p, "distro"), "fedora-25");
	assert_null(customs_purl_qualifier(p, "epoch"));
	assert_int_equal(customs_purl_build(&s, p), 0);
	assert_string_equal(s, "pkg:rpm/fedora/curl@7.50.3-1.fc25?arch=i386&distro=fedora-25");
	free(s);
	customs_purl_free(p);

	/* '+' is not a space, ':' is never encoded, empty pairs vanish */
	assert_int_equal(customs_purl_parse(&p, "pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&&distro=&"), 0);
	assert_string_equal(p->version, "2.36-9+deb12u4");
	assert_int_equal(p->nqualifiers, 1);
	assert_int_equal(customs_purl_build(&s, p), 0);
	assert_string_equal(s, "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64");
	free(s);
	customs_purl_free(p);

	/* unencoded npm scope; "." and ".." subpath segments are dropped */
	assert_int_equal(customs_purl_parse(&p, "pkg:npm/@Babel/Core@7.23.0#./lib/../index.js/"), 0);
	assert_string_equal(p->namespace_, "@babel");
	assert_string_equal(p->name, "core");
	assert_string_equal(p->version, "7.23.0");
	assert_string_equal(p->subpath, "lib/index.js");
	assert_int_equal(customs_purl_build(&s, p), 0);
	assert_string_equal(s, "pkg:npm/%40babel/core@7.23.0#lib/index.js");
	free(s);
	customs_purl_free(p);

	/* lenient takes raw UTF-8 and spaces, and still builds canonically */
	assert_int_equal(customs_purl_parse_ext(&p, "pkg:generic/caf\xc3\xa9@1.0 beta", CUSTOMS_PURL_LENIENT), 0);
	assert_string_equal(p->name, "caf\xc3\xa9");
	assert_int_equal(customs_purl_build(&s, p), 0);
	assert_string_equal(s, "pkg:generic/caf%C3%A9@1.0%20beta");
	free(s);
	customs_purl_free(p);

	assert_int_equal(customs_purl_parse(NULL, "pkg:npm/x"), CUSTOMS_EINVAL);
	assert_int_equal(customs_purl_parse(&p, NULL), CUSTOMS_EINVAL);
	assert_int_equal(customs_purl_build(&s, NULL), CUSTOMS_EINVAL);
	customs_purl_free(NULL);
}

/* ---- the purl-spec suite ---- */

/* Cases that fail on purpose, by file and description (prefix). */
static const struct known {
	const char *file, *test_type, *description, *why;
} known[] = {
	{"maven-test.json", "parse", "maven pom reference",
	 "the suite contradicts itself: this required case wants \"?repositorY_url=\" accepted, while required gem and "
	 "rpm cases want \"?Platform=\" and \"?Arch=\" rejected (\"qualifier key not in lowercase\"); strict parsing "
	 "follows clause 5.6.6 (keys are lowercase) and rejects all three, CUSTOMS_PURL_LENIENT accepts all three"},
	{"git-test.json", "validate", "git namespace and name should be lowercased",
	 "recommended-only; git's type definition says case_sensitive: true (gitlab.gnome.org/GNOME/adwaita-fonts)"},
	/* the legacy file predates ECMA-427 and disagrees with tests/ */
	{"legacy", NULL, "invalid subpath - unencoded subpath cannot contain '..'",
	 "legacy keeps decoded '..' in the components; the spec now drops it after decoding"},
	{"legacy", NULL, "invalid subpath - unencoded subpath cannot contain '.'",
	 "legacy keeps decoded '.' in the components; the spec now drops it after decoding"},
	{"legacy", NULL, "maven often uses qualifiers", "legacy leaves '/' unencoded in qualifier values; tests/ encode it as %2F"},
	{"legacy", NULL, "maven pom reference", "legacy leaves '/' unencoded in qualifier values; tests/ encode it as %2F"},
	{"legacy", NULL, "Hugging Face model with staging endpoint", "legacy leaves '/' unencoded in qualifier values"},
	{"legacy", NULL, "MLflow model tracked in Azure", "legacy leaves '/' unencoded in qualifier values"},
	{"legacy", NULL, "MLflow model with unique identifiers", "legacy leaves '/' unencoded in qualifier values"},
	{"legacy", NULL, "cpan module name are case sensitive",
	 "legacy allows a Module::Name as cpan name; cpan-test.json requires a failure"},
	{"legacy", NULL, "cpan module name like distribution name",
	 "legacy rejects a distribution name without namespace; cpan-test.json accepts pkg:cpan/URI-PackageURL"},
	{"legacy", NULL, "invalid conan purl only namespace",
	 "legacy requires channel with a namespace; conan-test.json accepts pkg:conan/openssl.org/openssl@3.0.3?arch=..."},
	{"legacy", NULL, "invalid conan purl only channel qualifier", "legacy-only conan rule, absent from conan-test.json"},
	{"legacy", NULL, "invalid cran purl without version", "legacy-only rule: cran-test.json has no version requirement"},
	{"legacy", NULL, "invalid swift purl without version", "legacy-only rule: swift-test.json has no version requirement"},
};

struct tally {
	char type[64];
	int run, pass, known;
};

static struct tally tallies[128];
static int ntallies, failures, known_hits, unexpected_passes;
static int known_hit[sizeof(known) / sizeof(known[0])];

static struct tally *tally_for(const char *type)
{
	for (int i = 0; i < ntallies; i++)
		if (!strcmp(tallies[i].type, type))
			return &tallies[i];
	assert_true(ntallies < (int)(sizeof(tallies) / sizeof(tallies[0])));
	snprintf(tallies[ntallies].type, sizeof(tallies[0].type), "%s", type);
	return &tallies[ntallies++];
}

static const struct known *find_known(const char *file, const char *test_type, const char *desc)
{
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(known[i].file, file) && (!known[i].test_type || !strcmp(known[i].test_type, test_type)) &&
		    !strncmp(desc, known[i].description, strlen(known[i].description)))
			return &known[i];
	return NULL;
}

static int str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Compare parsed components with the suite's expectation; *why on mismatch. */
static int components_eq(const customs_purl *p, json_t *want, char *why, size_t whysz)
{
	static const char *const fields[] = {"type", "namespace", "name", "version", "subpath"};
	const char *got[] = {p->type, p->namespace_, p->name, p->version, p->subpath};
	for (size_t i = 0; i < 5; i++) {
		const char *w = th_jstr(want, fields[i]);
		if (!str_eq(got[i], w)) {
			snprintf(why, whysz, "%s: got \"%s\", want \"%s\"", fields[i], got[i] ? got[i] : "(null)",
			         w ? w : "(null)");
			return 0;
		}
	}
	json_t *q = json_object_get(want, "qualifiers");
	size_t nwant = 0;
	const char *k;
	json_t *v;
	if (json_is_object(q)) {
		json_object_foreach(q, k, v) {
			const char *val = json_is_string(v) ? json_string_value(v) : NULL;
			if (!val || !*val)
				continue;
			nwant++;
			const char *g = customs_purl_qualifier(p, k);
			if (!str_eq(g, val)) {
				snprintf(why, whysz, "qualifier %s: got \"%s\", want \"%s\"", k, g ? g : "(null)", val);
				return 0;
			}
		}
	}
	if (nwant != p->nqualifiers) {
		snprintf(why, whysz, "%zu qualifiers, want %zu", p->nqualifiers, nwant);
		return 0;
	}
	return 1;
}

/* Build from the suite's components object (strings borrowed from it). */
static int build_from_json(char **out, json_t *c)
{
	customs_purl p = {0};
	json_t *q = json_object_get(c, "qualifiers");
	size_t n = json_is_object(q) ? json_object_size(q) : 0, i = 0;
	const char *k;
	json_t *v;
	int err;

	p.type = (char *)th_jstr(c, "type");
	p.namespace_ = (char *)th_jstr(c, "namespace");
	p.name = (char *)th_jstr(c, "name");
	p.version = (char *)th_jstr(c, "version");
	p.subpath = (char *)th_jstr(c, "subpath");
	if (n) {
		p.qkeys = calloc(n, sizeof(char *));
		p.qvals = calloc(n, sizeof(char *));
		assert_non_null(p.qkeys);
		assert_non_null(p.qvals);
		json_object_foreach(q, k, v) {
			p.qkeys[i] = (char *)k;
			p.qvals[i++] = json_is_string(v) ? (char *)json_string_value(v) : NULL;
		}
	}
	p.nqualifiers = i;
	err = customs_purl_build(out, &p);
	free(p.qkeys);
	free(p.qvals);
	return err;
}

/* parse, then build: the "validate" (roundtrip) operation */
static int roundtrip(char **out, const char *in, unsigned flags)
{
	customs_purl *p;
	int err;
	*out = NULL;
	if ((err = customs_purl_parse_ext(&p, in, flags)) < 0)
		return err;
	err = customs_purl_build(out, p);
	customs_purl_free(p);
	return err;
}

/* One purl-spec case; 1 when it behaves as the suite says. */
static int run_case(json_t *t, char *why, size_t whysz)
{
	const char *type = th_jstr(t, "test_type"), *group = th_jstr(t, "test_group");
	json_t *in = json_object_get(t, "input"), *want = json_object_get(t, "expected_output");
	int fail = json_is_true(json_object_get(t, "expected_failure"));
	unsigned flags = group && !strcmp(group, "recommended") ? CUSTOMS_PURL_LENIENT : 0;
	char *s = NULL;
	int err, ok;

	why[0] = '\0';
	if (!type || !strcmp(type, "validate") || !strcmp(type, "roundtrip")) {
		err = roundtrip(&s, json_string_value(in), flags);
		if (fail)
			ok = err < 0;
		else
			ok = err == 0 && str_eq(s, json_string_value(want));
		if (!ok)
			snprintf(why, whysz, "got %s", err < 0 ? customs_error_last() : s);
	} else if (!strcmp(type, "parse")) {
		customs_purl *p = NULL;
		err = customs_purl_parse_ext(&p, json_string_value(in), flags);
		if (fail) {
			ok = err < 0;
			if (!ok)
				snprintf(why, whysz, "parsed, should fail");
		} else {
			ok = err == 0 && components_eq(p, want, why, whysz);
			if (err < 0)
				snprintf(why, whysz, "%s", customs_error_last());
		}
		customs_purl_free(p);
	} else if (!strcmp(type, "build")) {
		err = build_from_json(&s, in);
		if (fail)
			ok = err < 0;
		else
			ok = err == 0 && str_eq(s, json_string_value(want));
		if (!ok)
			snprintf(why, whysz, "got %s", err < 0 ? customs_error_last() : s);
	} else {
		snprintf(why, whysz, "unknown test_type %s", type);
		ok = 0;
	}
	free(s);
	return ok;
}

static void account(const char *file, const char *tally_type, const char *test_type, const char *desc,
                    const char *input, int ok, const char *why)
{
	struct tally *t = tally_for(tally_type);
	const struct known *k = find_known(file, test_type, desc);
	t->run++;
	if (ok && !k) {
		t->pass++;
	} else if (ok) {
		printf("UNEXPECTED PASS %s [%s] %s: listed as known (%s)\n", file, test_type, desc, k->why);
		unexpected_passes++;
	} else if (k) {
		t->known++;
		known_hits++;
		known_hit[k - known]++;
	} else {
		printf("FAIL %s [%s] %s\n    input: %s\n    %s\n", file, test_type, desc, input, why);
		failures++;
	}
}

static void run_file(const char *path, const char *file, const char *tally_type)
{
	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr), *tests, *t;
	size_t i;
	char why[1024];

	if (!root)
		fail_msg("%s: %s (line %d)", path, jerr.text, jerr.line);
	tests = json_object_get(root, "tests");
	assert_true(json_is_array(tests));
	json_array_foreach(tests, i, t) {
		int ok = run_case(t, why, sizeof(why));
		json_t *in = json_object_get(t, "input");
		char *instr = json_is_string(in) ? strdup(json_string_value(in)) : json_dumps(in, JSON_COMPACT);
		const char *desc = th_jstr(t, "description");
		account(file, tally_type, th_jstr(t, "test_type") ? th_jstr(t, "test_type") : "?", desc ? desc : "",
			instr, ok, why);
		free(instr);
	}
	json_decref(root);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char vectors[4096];

static void test_spec_suite(void **state)
{
	(void)state;
	char path[4200];
	char *names[256];
	int n = 0;
	DIR *d;
	struct dirent *e;

	snprintf(path, sizeof(path), "%s/tests/spec/specification-test.json", vectors);
	run_file(path, "specification-test.json", "(spec)");

	snprintf(path, sizeof(path), "%s/tests/types", vectors);
	assert_non_null(d = opendir(path));
	while ((e = readdir(d)) && n < 256) {
		size_t l = strlen(e->d_name);
		if (l > 10 && !strcmp(e->d_name + l - 10, "-test.json"))
			assert_non_null(names[n++] = strdup(e->d_name));
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), cmp_names);
	for (int i = 0; i < n; i++) {
		char type[64];
		snprintf(type, sizeof(type), "%.*s", (int)(strlen(names[i]) - 10), names[i]);
		snprintf(path, sizeof(path), "%s/tests/types/%s", vectors, names[i]);
		run_file(path, names[i], type);
		free(names[i]);
	}
}

/* The legacy format: purl, canonical_purl, components, is_invalid.  It has
 * no strict/lenient groups and takes "?Platform=java", so it is read
 * leniently.  A valid case: parse(purl) and parse(canonical) give the
 * components, build(parse(purl)) and build(components) give canonical. */
static void test_legacy_suite(void **state)
{
	(void)state;
	char path[4200], why[1024];
	json_error_t jerr;
	json_t *root, *t;
	size_t i;

	snprintf(path, sizeof(path), "%s/test-suite-data.legacy.json", vectors);
	if (!(root = json_load_file(path, 0, &jerr)))
		fail_msg("%s: %s", path, jerr.text);
	json_array_foreach(root, i, t) {
		const char *purl = th_jstr(t, "purl"), *canon = th_jstr(t, "canonical_purl"),
			   *desc = th_jstr(t, "description");
		const char *type = th_jstr(t, "type");
		char tt[80], *s = NULL;
		customs_purl *p = NULL;
		int ok;

		snprintf(tt, sizeof(tt), "legacy:%s", type ? type : "(none)");
		why[0] = '\0';
		if (json_is_true(json_object_get(t, "is_invalid"))) {
			ok = customs_purl_parse_ext(&p, purl, CUSTOMS_PURL_LENIENT) < 0;
			if (!ok)
				snprintf(why, sizeof(why), "parsed, should fail");
		} else if (customs_purl_parse_ext(&p, purl, CUSTOMS_PURL_LENIENT) < 0) {
			ok = 0;
			snprintf(why, sizeof(why), "parse: %s", customs_error_last());
		} else if (!components_eq(p, t, why, sizeof(why))) {
			ok = 0;
		} else if (customs_purl_build(&s, p) < 0 || !str_eq(s, canon)) {
			ok = 0;
			snprintf(why, sizeof(why), "roundtrip: got %s", s ? s : customs_error_last());
		} else {
			free(s);
			s = NULL;
			customs_purl_free(p);
			p = NULL;
			ok = build_from_json(&s, t) == 0 && str_eq(s, canon);
			if (!ok)
				snprintf(why, sizeof(why), "build: got %s", s ? s : customs_error_last());
			else if ((ok = customs_purl_parse(&p, canon) == 0 && components_eq(p, t, why, sizeof(why))) == 0 &&
			         !why[0])
				snprintf(why, sizeof(why), "parse canonical: %s", customs_error_last());
		}
		account("legacy", tt, "legacy", desc ? desc : "", purl, ok, why);
		free(s);
		customs_purl_free(p);
	}
	json_decref(root);
}

static void test_report(void **state)
{
	(void)state;
	int run = 0, pass = 0;
	printf("%-22s %5s %5s %5s\n", "type", "run", "pass", "known");
	for (int i = 0; i < ntallies; i++) {
		printf("%-22s %5d %5d %5d\n", tallies[i].type, tallies[i].run, tallies[i].pass, tallies[i].known);
		run += tallies[i].run;
		pass += tallies[i].pass;
	}
	printf("%-22s %5d %5d %5d\n", "total", run, pass, known_hits);
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		printf("known (%d case%s): %s: %s: %s\n", known_hit[i], known_hit[i] == 1 ? "" : "s", known[i].file,
		       known[i].description, known[i].why);
		if (!known_hit[i])
			printf("STALE known entry: nothing failed for it\n");
	}
	assert_int_equal(failures, 0);
	assert_int_equal(unexpected_passes, 0);
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		assert_true(known_hit[i] > 0);
}

int main(void)
{
	const struct CMUnitTest unit[] = {
		cmocka_unit_test(test_make_cataloger_purls),
		cmocka_unit_test(test_make_errors),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_forms),
	};
	const struct CMUnitTest suite[] = {
		cmocka_unit_test(test_spec_suite),
		cmocka_unit_test(test_legacy_suite),
		cmocka_unit_test(test_report),
	};
	int rc = cmocka_run_group_tests_name("purl", unit, NULL, NULL);
	char *dir = th_shared_path("vectors/purl");

	if (!dir)
		return th_exit(rc);
	snprintf(vectors, sizeof(vectors), "%s", dir);
	free(dir);
	return rc | cmocka_run_group_tests_name("purl-spec", suite, NULL, NULL);
}
