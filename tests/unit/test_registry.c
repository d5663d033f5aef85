/* test_registry.c - registry reference normalisation (docker's rules,
 * FORMATS-images §5.7) and WWW-Authenticate challenge parsing (§5.5), with
 * malformed input whose messages must say what is wrong. */
#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "source/backends.h"
#include "source/registry_auth.h"

static void ref_is(const char *in, const char *domain, const char *host, const char *repo, const char *tag,
		   const char *digest)
{
	reg_ref r;
	assert_int_equal(reg__ref_parse(&r, in, 0), 0);
	assert_string_equal(r.domain, domain);
	assert_string_equal(r.host, host);
	assert_string_equal(r.repo, repo);
	if (tag)
		assert_string_equal(r.tag, tag);
	else
		assert_null(r.tag);
	if (digest)
		assert_string_equal(r.digest, digest);
	else
		assert_null(r.digest);
	reg__ref_release(&r);
}

static void ref_bad(const char *in, int code, const char *msg_part)
{
	reg_ref r;
	assert_int_equal(reg__ref_parse(&r, in, 0), code);
	if (!strstr(customs_error_last(), msg_part))
		fail_msg("%s: message \"%s\" lacks \"%s\"", in, customs_error_last(), msg_part);
}

#define D "sha256:2e5282be0c1cd1a4b8c2b04a2a1a19d6e5b8ee5e0f5b7e4d0b8b5a7b4f2a1c3d"

static void test_normalise(void **st)
{
	(void)st;
	ref_is("debian", "docker.io", "registry-1.docker.io", "library/debian", "latest", NULL);
	ref_is("debian:12", "docker.io", "registry-1.docker.io", "library/debian", "12", NULL);
	ref_is("docker.io/debian:12", "docker.io", "registry-1.docker.io", "library/debian", "12", NULL);
	ref_is("index.docker.io/library/debian", "docker.io", "registry-1.docker.io", "library/debian", "latest", NULL);
	ref_is("bitnami/redis:7.2", "docker.io", "registry-1.docker.io", "bitnami/redis", "7.2", NULL);
	ref_is("localhost/foo", "localhost", "localhost", "foo", "latest", NULL);
	ref_is("localhost:5000/a/b/c:v1.0_x-y", "localhost:5000", "localhost:5000", "a/b/c", "v1.0_x-y", NULL);
	ref_is("127.0.0.1:5000/fixtures/debian-rich", "127.0.0.1:5000", "127.0.0.1:5000", "fixtures/debian-rich", "latest",
	       NULL);
	ref_is("ghcr.io/o/r@" D, "ghcr.io", "ghcr.io", "o/r", NULL, D);
	ref_is("ghcr.io/o/r:t@" D, "ghcr.io", "ghcr.io", "o/r", "t", D);
	/* uppercase first component: a host, not a namespace */
	ref_is("Registry/foo", "Registry", "Registry", "foo", "latest", NULL);
	ref_is("a__b/c--d.e:x", "docker.io", "registry-1.docker.io", "a__b/c--d.e", "x", NULL);
}

static void test_malformed(void **st)
{
	(void)st;
	ref_bad("", CUSTOMS_EUSAGE, "empty");
	ref_bad("Debian", CUSTOMS_EUSAGE, "lowercase");
	ref_bad("foo/Bar", CUSTOMS_EUSAGE, "lowercase");
	ref_bad("foo//bar", CUSTOMS_EUSAGE, "lowercase");
	ref_bad("foo/bar-", CUSTOMS_EUSAGE, "lowercase");
	ref_bad("foo:", CUSTOMS_EUSAGE, "bad tag");
	ref_bad("foo:.x", CUSTOMS_EUSAGE, "bad tag");
	ref_bad("foo@sha256:abc", CUSTOMS_EUSAGE, "sha256:<64 lowercase hex>");
	ref_bad("foo@sha512:abc", CUSTOMS_EUNSUPPORTED, "sha256:<64 lowercase hex>");
	ref_bad("-bad.host/foo", CUSTOMS_EUSAGE, "bad registry host");
	ref_bad("host.example:port/foo", CUSTOMS_EUSAGE, "bad registry host");
	char big[300];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ref_bad(big, CUSTOMS_EUSAGE, "255");
}

static void test_plausible(void **st)
{
	(void)st;
	assert_true(source__registry_ref_plausible("debian:12"));
	assert_true(source__registry_ref_plausible("127.0.0.1:5000/x/y@" D));
	assert_false(source__registry_ref_plausible("/abs/path"));
	assert_false(source__registry_ref_plausible("./rel"));
	assert_false(source__registry_ref_plausible("image.tar"));
	assert_false(source__registry_ref_plausible("Some File"));
}

static void test_challenge(void **st)
{
	reg_challenge ch;
	(void)st;
	assert_int_equal(reg__parse_challenge(&ch, "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
						   "scope=\"repository:library/debian:pull repository:x/y:pull\",error=\"insufficient_scope\""), 0);
	assert_int_equal(ch.scheme, REG_AUTH_BEARER);
	assert_string_equal(ch.realm, "https://auth.docker.io/token");
	assert_string_equal(ch.service, "registry.docker.io");
	assert_string_equal(ch.scope, "repository:library/debian:pull repository:x/y:pull");
	assert_string_equal(ch.error, "insufficient_scope");
	/* case-insensitive names, spaces, unquoted values, a comma inside quotes */
	assert_int_equal(reg__parse_challenge(&ch, "bearer  Realm=http://r/t , SERVICE=\"a,b\""), 0);
	assert_int_equal(ch.scheme, REG_AUTH_BEARER);
	assert_string_equal(ch.realm, "http://r/t");
	assert_string_equal(ch.service, "a,b");
	assert_int_equal(reg__parse_challenge(&ch, "Basic realm=\"fixture-realm\""), 0);
	assert_int_equal(ch.scheme, REG_AUTH_BASIC);
	assert_string_equal(ch.realm, "fixture-realm");
	assert_int_equal(reg__parse_challenge(&ch, "Negotiate"), 0);
	assert_int_equal(ch.scheme, -1);
	/* malformed: unterminated quote, no '=', overlong values are cut, not overrun */
	assert_int_equal(reg__parse_challenge(&ch, "Bearer realm=\"unterminated"), 0);
	assert_string_equal(ch.realm, "unterminated");
	assert_int_equal(reg__parse_challenge(&ch, "Bearer ,,,=,realm"), 0);
	char big[5000];
	memset(big, 'x', sizeof(big));
	memcpy(big, "Bearer realm=\"", 14);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(reg__parse_challenge(&ch, big), 0);
	assert_int_equal(strlen(ch.realm), sizeof(ch.realm) - 1);
	assert_int_equal(reg__parse_challenge(&ch, NULL), CUSTOMS_EFORMAT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalise),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_plausible),
		cmocka_unit_test(test_challenge),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
