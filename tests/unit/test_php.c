/* test_php.c - Composer's installed.json (Composer 2 object, Composer 1
 * array) and composer.lock from tests/data/lang/php, inputs that are not
 * what they claim, and the analyzer: a lockfile counts only for a project
 * without an installed vendor/composer/installed.json. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/analyzers.h"
#include "util/util.h"

static char *data_file(const char *name, size_t *len)
{
	const char *src = getenv("SRCDIR");
	char *path = customs_asprintf("%s/tests/data/lang/php/%s", src ? src : ".", name), *buf = NULL;
	if (customs_read_file(&buf, len, path, 1 << 20) < 0)
		fail_msg("cannot read %s: %s", path, customs_error_last());
	free(path);
	return buf;
}

typedef struct warns {
	char msg[8][512];
	int n;
} warns;

static void collect(void *ud, size_t line, const char *msg)
{
	warns *w = ud;
	if (w->n < 8)
		snprintf(w->msg[w->n++], sizeof(w->msg[0]), "%zu: %s", line, msg);
}

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
	size_t len, n;
	customs_package **v;
	warns w = {.n = 0};
	char *buf = data_file("installed.v2.json", &len), *got;
	assert_int_equal(customs__php_parse_installed(&v, &n, buf, len, collect, &w), 0);
	got = summary(v, n);
	assert_string_equal(got, composer2);
	free(got);
	free(buf);

	buf = data_file("composer.lock", &len);
	assert_int_equal(customs__php_parse_lock(&v, &n, buf, len, collect, &w), 0);
	got = summary(v, n);
	assert_string_equal(got, composer2);
	free(got);
	free(buf);

	buf = data_file("installed.v1.json", &len);
	assert_int_equal(customs__php_parse_installed(&v, &n, buf, len, collect, &w), 0);
	assert_string_equal(json_string_value(json_object_get(v[1]->metadata, "source_reference")),
			    "70e65a5470a42cfec1a7da00d30edb6e617e8dcf");
	got = summary(v, n);
	assert_string_equal(got, "psr/log 1.1.0 pkg:composer/psr/log@1.1.0 MIT\n"
				 "monolog/monolog 1.25.1 pkg:composer/monolog/monolog@1.25.1 MIT\n");
	free(got);
	free(buf);
	assert_int_equal(w.n, 0);
}

static void test_malformed(void **state)
{
	(void)state;
	customs_package **v;
	size_t n;
	warns w = {.n = 0};
	const char *obj = "{\"name\": \"acme/app\", \"require\": {}}";
	assert_int_equal(customs__php_parse_installed(&v, &n, obj, strlen(obj), collect, &w), CUSTOMS_EFORMAT);
	assert_string_equal(w.msg[0],
			    "1: installed.json is neither an array nor an object with a \"packages\" array: skipped");
	w.n = 0;
	assert_int_equal(customs__php_parse_lock(&v, &n, "[1]", 3, collect, &w), CUSTOMS_EFORMAT);
	assert_string_equal(w.msg[0], "1: composer.lock has no \"packages\" array: skipped");
	w.n = 0;
	assert_int_equal(customs__php_parse_lock(&v, &n, "{\"packages\": [", 14, collect, &w), CUSTOMS_EFORMAT);
	assert_non_null(strstr(w.msg[0], "composer.lock is not valid JSON"));
	w.n = 0;
	const char *odd = "[{\"name\": \"novendor\", \"version\": \"1.0\"}, {\"name\": \"a/b\"}, 7,"
			  " {\"name\": \"a/c\", \"version\": \"2.0\", \"license\": \"GPL-2.0-or-later\"}]";
	assert_int_equal(customs__php_parse_installed(&v, &n, odd, strlen(odd), collect, &w), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0]->licenses.v[0], "GPL-2.0-or-later");
	customs_package_free(v[0]);
	free(v);
	assert_int_equal(w.n, 3);
	assert_string_equal(w.msg[0], "0: package 0 has no \"vendor/name\" name or no version: skipped");
	assert_string_equal(w.msg[2], "0: package 2 has no \"vendor/name\" name or no version: skipped");
}

static void write_file(const char *root, const char *rel, const char *data, size_t len)
{
	char *path = customs_asprintf("%s/%s", root, rel);
	char *cmd = customs_asprintf("mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
	free(cmd);
	free(path);
}

static void test_analyzer(void **state)
{
	(void)state;
	char root[] = "/tmp/customs-php-XXXXXX";
	assert_non_null(mkdtemp(root));
	size_t len, ll;
	char *inst = data_file("installed.v2.json", &len), *lock = data_file("composer.lock", &ll);
	write_file(root, "var/www/app/vendor/composer/installed.json", inst, len);
	write_file(root, "var/www/app/composer.lock", lock, ll);  /* installed: not counted */
	write_file(root, "srv/other/composer.lock", lock, ll);    /* only a lockfile */
	write_file(root, "srv/bad/vendor/composer/installed.json", "{]", 2);
	free(inst);
	free(lock);
	char *ref = customs_asprintf("dir:%s", root);
	customs_analysis *a;
	customs_options o = {.version = CUSTOMS_OPTIONS_VERSION, .analyzers = "php"};
	assert_int_equal(customs_analyze(&a, ref, &o), 0);
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
	char *cmd = customs_asprintf("rm -rf %s", root);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(ref);
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
