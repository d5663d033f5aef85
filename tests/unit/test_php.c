/* test_php.c - Composer's installed.json (Composer 2 object, Composer 1
 * array) and composer.lock from tests/data/lang/php, inputs that are not
 * what they claim, and the analyzer: a lockfile counts only for a project
 * without an installed vendor/composer/installed.json. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/analyzers.h"
#include "helpers.h"
#include "util/util.h"

#define PHP "lang/php/"

/* "name version purl licenses [dev]" lines in file order */
static char *summary(customs_package **v, size_t n)
{
	customs_buf b = CUSTOMS_BUF_INIT(0);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(v[i]->type, "php-composer");
		customs_buf_printf(&b, "%s %s %s", v[i]->name, v[i]->version, v[i]->purl);
		for (size_t k = 0; k < v[i]->licenses.n; k++)
			customs_buf_printf(&b, " %s", v[i]->licenses.v[k]);
		customs_buf_printf(&b, "%s\n", json_is_true(json_object_get(v[i]->metadata, "dev")) ? " dev" : "");
		customs_package_free(v[i]);
	}
	free(v);
	customs_buf_puts(&b, "");
	return customs_buf_detach(&b);
}

static const char *composer2 =
	"acme/http-client v2.0.0-RC1 pkg:composer/acme/http-client@v2.0.0-RC1 Apache-2.0 MIT\n"
	"acme/log 1.4.2 pkg:composer/acme/log@1.4.2 MIT\n"
	"acme/phpunit-lite 9.5.0 pkg:composer/acme/phpunit-lite@9.5.0 BSD-3-Clause dev\n";

static void test_files(void **state)
{
	(void)state;
	size_t n;
	th_warns w = {0};
	customs_package **v =
		th_parse_file(customs__php_parse_installed, PHP "installed.v2.json", &n, th_warn_lined, &w);
	char *got = summary(v, n);
	assert_string_equal(got, composer2);
	free(got);

	v = th_parse_file(customs__php_parse_lock, PHP "composer.lock", &n, th_warn_lined, &w);
	got = summary(v, n);
	assert_string_equal(got, composer2);
	free(got);

	v = th_parse_file(customs__php_parse_installed, PHP "installed.v1.json", &n, th_warn_lined, &w);
	assert_string_equal(json_string_value(json_object_get(v[1]->metadata, "source_reference")),
			    "70e65a5470a42cfec1a7da00d30edb6e617e8dcf");
	got = summary(v, n);
	assert_string_equal(got, "psr/log 1.1.0 pkg:composer/psr/log@1.1.0 MIT\n"
				 "monolog/monolog 1.25.1 pkg:composer/monolog/monolog@1.25.1 MIT\n");
	free(got);
	assert_int_equal(w.n, 0);
}

static void test_malformed(void **state)
{
	(void)state;
	customs_package **v;
	size_t n;
	th_warns w = {0};
	const char *obj = "{\"name\": \"acme/app\", \"require\": {}}";
	assert_int_equal(customs__php_parse_installed(&v, &n, obj, strlen(obj), th_warn_lined, &w), CUSTOMS_EFORMAT);
	assert_string_equal(w.msg[0],
			    "1: installed.json is neither an array nor an object with a \"packages\" array: skipped");
	w.n = 0;
	assert_int_equal(customs__php_parse_lock(&v, &n, "[1]", 3, th_warn_lined, &w), CUSTOMS_EFORMAT);
	assert_string_equal(w.msg[0], "1: composer.lock has no \"packages\" array: skipped");
	w.n = 0;
	assert_int_equal(customs__php_parse_lock(&v, &n, "{\"packages\": [", 14, th_warn_lined, &w), CUSTOMS_EFORMAT);
	assert_non_null(strstr(w.msg[0], "composer.lock is not valid JSON"));
	w.n = 0;
	const char *odd = "[{\"name\": \"novendor\", \"version\": \"1.0\"}, {\"name\": \"a/b\"}, 7,"
			  " {\"name\": \"a/c\", \"version\": \"2.0\", \"license\": \"GPL-2.0-or-later\"}]";
	assert_int_equal(customs__php_parse_installed(&v, &n, odd, strlen(odd), th_warn_lined, &w), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0]->licenses.v[0], "GPL-2.0-or-later");
	customs_package_free(v[0]);
	free(v);
	assert_int_equal(w.n, 3);
	assert_string_equal(w.msg[0], "0: package 0 has no \"vendor/name\" name or no version: skipped");
	assert_string_equal(w.msg[2], "0: package 2 has no \"vendor/name\" name or no version: skipped");
}

static void test_analyzer(void **state)
{
	(void)state;
	th_dir d;
	th_dir_new(&d, "php");
	size_t len, ll;
	char *inst = th_data(PHP "installed.v2.json", &len), *lock = th_data(PHP "composer.lock", &ll);
	th_dir_put(&d, "var/www/app/vendor/composer/installed.json", inst, len, 0);
	th_dir_put(&d, "var/www/app/composer.lock", lock, ll, 0); /* installed: not counted */
	th_dir_put(&d, "srv/other/composer.lock", lock, ll, 0);   /* only a lockfile */
	th_dir_put(&d, "srv/bad/vendor/composer/installed.json", "{]", 2, 0);
	free(inst);
	free(lock);
	customs_analysis *a = th_dir_analyze(&d, "php");
	assert_int_equal(a->npackages, 6);
	size_t from_lock = 0;
	for (size_t i = 0; i < a->npackages; i++) {
		assert_string_equal(a->packages[i]->found_by, "php");
		assert_true(!strcmp(a->packages[i]->db_path, "srv/other/composer.lock") ||
			    !strcmp(a->packages[i]->db_path, "var/www/app/vendor/composer/installed.json"));
		from_lock += !strcmp(a->packages[i]->db_path, "srv/other/composer.lock");
	}
	assert_int_equal(from_lock, 3);
	assert_int_equal(a->nwarnings, 1);
	assert_string_equal(a->warnings[0].path, "srv/bad/vendor/composer/installed.json");
	assert_non_null(strstr(a->warnings[0].message, "installed.json line 1: installed.json is not valid JSON"));
	customs_analysis_free(a);
	assert_int_equal(th_dir_remove(&d), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_analyzer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
