/* test_dotnet.c - a .deps.json (tests/data/lang/dotnet): the NuGet packages
 * of the runtime target, not projects, runtime packs or build-only
 * restores; files that are not deps.json; the analyzer's warning. */
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

static char *data_file(const char *name, size_t *len)
{
	const char *src = getenv("SRCDIR");
	char *path = customs_asprintf("%s/tests/data/lang/dotnet/%s", src ? src : ".", name), *buf = NULL;
	if (customs_read_file(&buf, len, path, 1 << 20) < 0)
		fail_msg("cannot read %s: %s", path, customs_error_last());
	free(path);
	return buf;
}

static void test_deps_json(void **state)
{
	(void)state;
	size_t len, n;
	char *buf = data_file("webapp.deps.json", &len);
	customs_package **v;
	warns w = {.n = 0};
	assert_int_equal(customs__dotnet_parse_deps(&v, &n, buf, len, collect, &w), 0);
	assert_int_equal(w.n, 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0]->name, "Newtonsoft.Json");
	assert_string_equal(v[0]->version, "13.0.3");
	assert_string_equal(v[0]->type, "dotnet");
	assert_string_equal(v[0]->purl, "pkg:nuget/Newtonsoft.Json@13.0.3");
	assert_string_equal(json_string_value(json_object_get(v[0]->metadata, "path")), "newtonsoft.json/13.0.3");
	assert_string_equal(v[1]->name, "Serilog");
	assert_string_equal(v[1]->purl, "pkg:nuget/Serilog@3.1.1");
	for (size_t i = 0; i < n; i++)
		customs_package_free(v[i]);
	free(v);
	free(buf);
}

static void test_malformed(void **state)
{
	(void)state;
	customs_package **v;
	size_t n;
	warns w = {.n = 0};
	const char *pkg = "{\"name\": \"x\", \"version\": \"1.0.0\"}";
	assert_int_equal(customs__dotnet_parse_deps(&v, &n, pkg, strlen(pkg), collect, &w), CUSTOMS_EFORMAT);
	assert_string_equal(w.msg[0], "1: no \"libraries\" object: not a .deps.json");
	w.n = 0;
	assert_int_equal(customs__dotnet_parse_deps(&v, &n, "{\"libraries\": ", 14, collect, &w), CUSTOMS_EFORMAT);
	assert_non_null(strstr(w.msg[0], "not valid JSON"));
	/* no runtime target: every package; a key without a version; a
	 * runtime target missing from targets */
	w.n = 0;
	const char *odd = "{\"runtimeTarget\": {\"name\": \"gone\"}, \"targets\": {}, \"libraries\": {"
			  "\"A/1.0\": {\"type\": \"package\"}, \"NoVersion\": {\"type\": \"package\"},"
			  "\"B/2.0\": {\"type\": \"project\"}}}";
	assert_int_equal(customs__dotnet_parse_deps(&v, &n, odd, strlen(odd), collect, &w), 0);
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
	char root[] = "/tmp/customs-dotnet-XXXXXX";
	assert_non_null(mkdtemp(root));
	size_t len;
	char *buf = data_file("webapp.deps.json", &len);
	char *path = customs_asprintf("%s/app/webapp.deps.json", root), *bad = customs_asprintf("%s/app/x.deps.json", root);
	char *cmd = customs_asprintf("mkdir -p %s/app", root);
	assert_int_equal(system(cmd), 0);
	FILE *f = fopen(path, "wb");
	fwrite(buf, 1, len, f);
	fclose(f);
	f = fopen(bad, "wb");
	fputs("[]", f);
	fclose(f);
	char *ref = customs_asprintf("dir:%s", root);
	customs_analysis *a;
	customs_options o = {.version = CUSTOMS_OPTIONS_VERSION, .analyzers = "dotnet"};
	assert_int_equal(customs_analyze(&a, ref, &o), 0);
	assert_int_equal(a->npackages, 2);
	assert_string_equal(a->packages[0]->db_path, "app/webapp.deps.json");
	assert_string_equal(a->packages[0]->found_by, "dotnet");
	assert_int_equal(a->nwarnings, 1);
	char *want = customs_asprintf("%s: layer 0: app/x.deps.json: .deps.json line 1: no \"libraries\" object: "
				      "not a .deps.json", ref);
	assert_string_equal(a->warnings[0].message, want);
	free(want);
	customs_analysis_free(a);
	free(cmd);
	cmd = customs_asprintf("rm -rf %s", root);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(ref);
	free(path);
	free(bad);
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
