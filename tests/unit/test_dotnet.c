/* test_dotnet.c - a .deps.json (tests/data/lang/dotnet): the NuGet packages
 * of the runtime target, not projects, runtime packs or build-only
 * restores; files that are not deps.json; the analyzer's warning. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/analyzers.h"
#include "helpers.h"
#include "util/util.h"

static void test_deps_json(void **state)
{
	(void)state;
	size_t n;
	th_warns w = {0};
	customs_package **v =
		th_parse_file(customs__dotnet_parse_deps, "lang/dotnet/webapp.deps.json", &n, th_warn_lined, &w);
	assert_int_equal(w.n, 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0]->name, "Newtonsoft.Json");
	assert_string_equal(v[0]->version, "13.0.3");
	assert_string_equal(v[0]->type, "dotnet");
	assert_string_equal(v[0]->purl, "pkg:nuget/Newtonsoft.Json@13.0.3");
	assert_string_equal(json_string_value(json_object_get(v[0]->metadata, "path")), "newtonsoft.json/13.0.3");
	assert_string_equal(v[1]->name, "Serilog");
	assert_string_equal(v[1]->purl, "pkg:nuget/Serilog@3.1.1");
	th_pkgs_free(v, n);
}

static void test_malformed(void **state)
{
	(void)state;
	customs_package **v;
	size_t n;
	th_warns w = {0};
	const char *pkg = "{\"name\": \"x\", \"version\": \"1.0.0\"}";
	assert_int_equal(customs__dotnet_parse_deps(&v, &n, pkg, strlen(pkg), th_warn_lined, &w), CUSTOMS_EFORMAT);
	assert_string_equal(w.msg[0], "1: no \"libraries\" object: not a .deps.json");
	w.n = 0;
	assert_int_equal(customs__dotnet_parse_deps(&v, &n, "{\"libraries\": ", 14, th_warn_lined, &w),
			 CUSTOMS_EFORMAT);
	assert_non_null(strstr(w.msg[0], "not valid JSON"));
	/* no runtime target: every package; a key without a version; a
	 * runtime target missing from targets */
	w.n = 0;
	const char *odd = "{\"runtimeTarget\": {\"name\": \"gone\"}, \"targets\": {}, \"libraries\": {"
			  "\"A/1.0\": {\"type\": \"package\"}, \"NoVersion\": {\"type\": \"package\"},"
			  "\"B/2.0\": {\"type\": \"project\"}}}";
	assert_int_equal(customs__dotnet_parse_deps(&v, &n, odd, strlen(odd), th_warn_lined, &w), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0]->name, "A");
	customs_package_free(v[0]);
	free(v);
	assert_int_equal(w.n, 2);
	assert_string_equal(w.msg[0], "0: runtime target \"gone\" is not in \"targets\": every package listed");
	assert_string_equal(w.msg[1], "0: library \"NoVersion\" is not \"Name/Version\": skipped");
}

static void test_analyzer(void **state)
{
	(void)state;
	th_dir d;
	th_dir_new(&d, "dotnet");
	size_t len;
	char *buf = th_data("lang/dotnet/webapp.deps.json", &len);
	th_dir_put(&d, "app/webapp.deps.json", buf, len, 0);
	th_dir_text(&d, "app/x.deps.json", "[]");
	customs_analysis *a = th_dir_analyze(&d, "dotnet");
	assert_int_equal(a->npackages, 2);
	assert_string_equal(a->packages[0]->db_path, "app/webapp.deps.json");
	assert_string_equal(a->packages[0]->found_by, "dotnet");
	assert_int_equal(a->nwarnings, 1);
	th_dir_warning_is(&d, a->warnings[0].message,
			  "layer 0: app/x.deps.json: .deps.json line 1: no \"libraries\" object: not a .deps.json");
	customs_analysis_free(a);
	assert_int_equal(th_dir_remove(&d), 0);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deps_json),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_analyzer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
