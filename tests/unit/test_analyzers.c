/* test_analyzers.c - the analyzer seam (sys/analyzer.h): the built-ins as
 * customs_analyzer_list() shows them, what customs_analyzer_register()
 * refuses and how it says so, and an analyzer registered from outside
 * running in customs_analyze() with a state of its own per analysis. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "customs/customs.h"
#include "customs/sys/analyzer.h"
#include "helpers.h"
#include "util/util.h"

static void test_builtins(void **state)
{
	(void)state;
	static const char *const names[] = {"os-release", "rpm", "dpkg", "apk", "python", "npm",
					    "go-binary", "rust", "ruby", "php", "dotnet", "java"};
	const customs_analyzer_type *v[64];
	size_t n = customs_analyzer_list(v, 64);
	assert_true(n >= 12);
	for (size_t i = 0; i < 12; i++) {
		assert_string_equal(v[i]->name, names[i]);
		assert_int_equal(v[i]->version, CUSTOMS_ANALYZER_VERSION);
		/* bumped whenever the same layer gives other results */
		assert_true(v[i]->analyzer_version && *v[i]->analyzer_version);
		assert_true(v[i]->description && *v[i]->description);
	}
	assert_int_equal(customs_analyzer_list(NULL, 0), n);
}

/* an analyzer that counts the files named "hello" and says so at finish */
typedef struct hello {
	int files;
} hello;

static int hello_create(void **out, const customs_analyzer_type *type)
{
	(void)type;
	hello *h = calloc(1, sizeof(*h));
	if (!h)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	*out = h;
	return 0;
}

static void hello_destroy(void *state)
{
	free(state);
}

static int hello_file(void *state, const customs_afile *f, const unsigned char *data, size_t len)
{
	(void)f, (void)data, (void)len;
	((hello *)state)->files++;
	return 0;
}

static int hello_finish(void *state, customs_analysis *a)
{
	customs_package *p = customs_package_new();
	if (!p)
		return CUSTOMS_ENOMEM;
	p->name = customs_strdup("hello");
	p->version = customs_asprintf("%d", ((hello *)state)->files);
	p->type = customs_strdup("test");
	p->found_by = customs_strdup("test-hello");
	return customs_analysis_add_package(a, p);
}

static void *hello_open(void *state, const customs_afile *f)
{
	(void)state, (void)f;
	return NULL;
}

static const char *const hello_names[] = {"hello", NULL};

static const customs_analyzer_type hello_type = {
	.version = CUSTOMS_ANALYZER_VERSION,
	.name = "test-hello",
	.description = "files named hello",
	.analyzer_version = "1",
	.basenames = hello_names,
	.create = hello_create,
	.destroy = hello_destroy,
	.max_size = 1024,
	.file = hello_file,
	.finish = hello_finish,
};

static void refused(const customs_analyzer_type *t, int code, const char *msg)
{
	assert_int_equal(customs_analyzer_register(t), code);
	if (!strstr(customs_error_last(), msg))
		fail_msg("\"%s\" does not say \"%s\"", customs_error_last(), msg);
}

static void test_refused(void **state)
{
	(void)state;
	customs_analyzer_type t = hello_type;
	t.name = "test-refused";
	t.version = 1;
	refused(&t, CUSTOMS_EUNSUPPORTED, "analyzer test-refused has interface version 1; this libcustoms");
	assert_non_null(strstr(customs_error_last(), "takes version 2"));
	t.version = CUSTOMS_ANALYZER_VERSION;
	t.name = "";
	refused(&t, CUSTOMS_EINVAL, "empty, or with a comma");
	t.name = "a,b";
	refused(&t, CUSTOMS_EINVAL, "\"a,b\"");
	t.name = "dpkg";
	refused(&t, CUSTOMS_EINVAL, "analyzer dpkg is registered already");
	t.name = "test-refused";
	t.analyzer_version = "";
	refused(&t, CUSTOMS_EINVAL, "no analyzer_version");
	t.analyzer_version = "1";
	t.finish = NULL;
	refused(&t, CUSTOMS_EINVAL, "no finish()");
	t.finish = hello_finish;
	t.file = NULL;
	refused(&t, CUSTOMS_EINVAL, "neither file() nor streams");
	t.stream_open = hello_open;
	refused(&t, CUSTOMS_EINVAL, "go together");
	t.stream_open = NULL;
	t.file = hello_file;
	t.destroy = NULL;
	refused(&t, CUSTOMS_EINVAL, "create() but no destroy()");
	refused(NULL, CUSTOMS_EINVAL, "no analyzer");
	const customs_analyzer_type *v[128];
	size_t n = customs_analyzer_list(v, 128);
	for (size_t i = 0; i < n; i++)
		assert_string_not_equal(v[i]->name, "test-refused");
}

static const char *hello_count(const customs_analysis *a)
{
	const customs_package *p = th_pkg_find(a->packages, a->npackages, NULL, "hello");
	return p ? p->version : NULL;
}

static void test_registered_runs(void **state)
{
	(void)state;
	th_dir d;
	th_dir_new(&d, "registry");
	th_dir_text(&d, "a/hello", "1");
	th_dir_text(&d, "b/c/hello", "2");
	th_dir_text(&d, "b/other", "3");
	assert_int_equal(customs_analyzer_register(&hello_type), 0);
	assert_int_equal(customs_analyzer_register(&hello_type), CUSTOMS_EINVAL);
	const customs_analyzer_type *v[128];
	size_t n = customs_analyzer_list(v, 128);
	assert_ptr_equal(v[n - 1], &hello_type); /* after the built-ins */

	customs_analysis *a;
	/* a state per analysis: twice the same count */
	for (int i = 0; i < 2; i++) {
		a = th_dir_analyze(&d, "os-release,test-hello");
		assert_string_equal(hello_count(a), "2");
		customs_analysis_free(a);
	}
	a = th_dir_analyze(&d, "os-release");
	assert_null(hello_count(a));
	customs_analysis_free(a);
	assert_int_equal(th_dir_remove(&d), 0);
}

/* an opt-in analyzer (interface version 3) that runs only when asked,
 * and a version 2 table registered as it was */
static int optin_runs;

static int optin_configure(void *state, const customs_options *o)
{
	(void)state;
	return o->verify_packages; /* stands for "the options ask for me" */
}

static int optin_finish(void *state, customs_analysis *a)
{
	(void)state, (void)a;
	optin_runs++;
	return 0;
}

static const customs_analyzer_type optin_type = {
	.version = CUSTOMS_ANALYZER_VERSION,
	.name = "test-optin",
	.description = "runs when asked",
	.analyzer_version = "1",
	.flags = CUSTOMS_ANALYZER_OPTIONAL,
	.finish = optin_finish,
	.configure = optin_configure,
};

static int v2_finish(void *state, customs_analysis *a)
{
	(void)state, (void)a;
	return 0;
}

static void test_optional(void **state)
{
	(void)state;
	th_dir d;
	customs_analysis *a;
	customs_options o = CUSTOMS_OPTIONS_INIT;
	customs_analyzer_type v2 = {.version = 2, .name = "test-v2", .description = "v2", .analyzer_version = "1",
				    .finish = v2_finish};
	static customs_analyzer_type v2_static;
	v2_static = v2;
	assert_int_equal(customs_analyzer_register(&v2_static), 0);
	assert_int_equal(customs_analyzer_register(&optin_type), 0);
	th_dir_new(&d, "optin");
	th_dir_text(&d, "a", "1");
	/* "all" leaves it out; the options that ask bring it in; naming it runs it */
	a = th_dir_analyze(&d, NULL);
	customs_analysis_free(a);
	assert_int_equal(optin_runs, 0);
	o.verify_packages = 1;
	assert_int_equal(customs_analyze(&a, d.ref, &o), 0);
	customs_analysis_free(a);
	assert_int_equal(optin_runs, 1);
	a = th_dir_analyze(&d, "os-release,test-optin");
	customs_analysis_free(a);
	assert_int_equal(optin_runs, 2);
	/* version 1 options are still read */
	customs_options v1 = {.version = 1};
	assert_int_equal(customs_analyze(&a, d.ref, &v1), 0);
	customs_analysis_free(a);
	assert_int_equal(optin_runs, 2);
	assert_int_equal(th_dir_remove(&d), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtins),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_registered_runs),
		cmocka_unit_test(test_optional),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
