/* test_report.c - the output stage's entry points (src/lib/report/format.c):
 * which formats each report kind lists and accepts, the rows kind as a
 * table and as JSON, and the reports that cannot be written (wrong
 * version, a kind without what it needs, a format it has no writer for). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "customs/errors.h"
#include "customs/report.h"
#include "helpers.h"

static void test_format_lists(void **state)
{
	(void)state;
	char buf[256];
	customs_report_format_list(buf, sizeof(buf), CUSTOMS_REPORT_INSPECT);
	assert_string_equal(buf, "table or json");
	customs_report_format_list(buf, sizeof(buf), CUSTOMS_REPORT_SBOM);
	assert_string_equal(buf, "table, json, spdx-json, spdx-tag-value, cyclonedx-json, cyclonedx-json@1.7, "
				 "cyclonedx-json@1.6, cyclonedx-json@1.5, purls");
	customs_report_format_list(buf, sizeof(buf), CUSTOMS_REPORT_SCAN);
	assert_string_equal(buf, "table, json, sarif, cyclonedx-json, cyclonedx-json@1.7, cyclonedx-json@1.6, "
				 "cyclonedx-json@1.5");
	customs_report_format_list(buf, sizeof(buf), CUSTOMS_REPORT_EXPLAIN);
	assert_string_equal(buf, "table");
	customs_report_format_list(buf, sizeof(buf), CUSTOMS_REPORT_DB_IMPORT);
	assert_string_equal(buf, "table");
	customs_report_format_list(buf, sizeof(buf), CUSTOMS_REPORT_ROWS);
	assert_string_equal(buf, "table or json");
	/* a short buffer: cut, terminated, and the whole length returned */
	size_t need = customs_report_format_list(buf, 8, CUSTOMS_REPORT_SBOM);
	assert_string_equal(buf, "table, ");
	assert_int_equal(need, strlen("table, json, spdx-json, spdx-tag-value, cyclonedx-json, cyclonedx-json@1.7, "
				      "cyclonedx-json@1.6, cyclonedx-json@1.5, purls"));
	assert_int_equal(customs_report_format_list(buf, sizeof(buf), CUSTOMS_REPORT_KINDS), 0);
	assert_string_equal(buf, "");
}

static void test_format_check(void **state)
{
	(void)state;
	assert_int_equal(customs_report_format_check(CUSTOMS_REPORT_SBOM, "spdx-json"), 0);
	assert_int_equal(customs_report_format_check(CUSTOMS_REPORT_SCAN, "sarif"), 0);
	assert_int_equal(customs_report_format_check(CUSTOMS_REPORT_SBOM, "sarif"), CUSTOMS_EUSAGE);
	assert_string_equal(customs_error_last(), "unknown output format 'sarif'; use table, json, spdx-json, "
						  "spdx-tag-value, cyclonedx-json, cyclonedx-json@1.7, "
						  "cyclonedx-json@1.6, cyclonedx-json@1.5, purls");
	assert_int_equal(customs_report_format_check(CUSTOMS_REPORT_DB_STATUS, "yaml"), CUSTOMS_EUSAGE);
	assert_string_equal(customs_error_last(), "unknown output format 'yaml'; use table or json");
	assert_int_equal(customs_report_format_check(CUSTOMS_REPORT_INSPECT, NULL), CUSTOMS_EUSAGE);
}

static const char *const columns[] = {"name", "version", "note"};
static const char *const cells[] = {
	"adduser", "3.134", "a long note",
	"libc6",   NULL,    NULL,
	"x",       "1.0-1+deb12u1", "caf\xc3\xa9 \xff",
};

static customs_report rows(void)
{
	customs_report r = {.version = CUSTOMS_REPORT_VERSION, .kind = CUSTOMS_REPORT_ROWS, .columns = columns,
			    .ncolumns = 3, .cells = cells, .nrows = 3};
	return r;
}

static void test_rows_table(void **state)
{
	(void)state;
	customs_report r = rows();
	int err;
	char *out = th_report_mem(&r, "table", NULL, &err);
	assert_int_equal(err, 0);
	/* columns as wide as their widest value, two blanks apart, the last
	 * one not padded, no value as "-" */
	assert_string_equal(out, "name     version        note\n"
				 "adduser  3.134          a long note\n"
				 "libc6    -              -\n"
				 "x        1.0-1+deb12u1  caf\xc3\xa9 \xff\n");
	free(out);
}

static void test_rows_json(void **state)
{
	(void)state;
	customs_report r = rows();
	int err;
	char *out = th_report_mem(&r, "json", NULL, &err);
	assert_int_equal(err, 0);
	assert_string_equal(out, "[\n"
				 "  {\n    \"name\": \"adduser\",\n    \"version\": \"3.134\",\n    \"note\": \"a long note\"\n  },\n"
				 "  {\n    \"name\": \"libc6\",\n    \"version\": null,\n    \"note\": null\n  },\n"
				 "  {\n    \"name\": \"x\",\n    \"version\": \"1.0-1+deb12u1\",\n"
				 "    \"note\": \"caf\xc3\xa9 \xef\xbf\xbd\"\n  }\n"
				 "]\n");
	free(out);
	/* no rows: an empty array, a header alone */
	r.nrows = 0;
	out = th_report_mem(&r, "json", NULL, &err);
	assert_int_equal(err, 0);
	assert_string_equal(out, "[]\n");
	free(out);
	out = th_report_mem(&r, "table", NULL, &err);
	assert_string_equal(out, "name  version  note\n");
	free(out);
}

static void test_unwritable(void **state)
{
	(void)state;
	customs_report r = rows();
	int err;
	char *out;

	r.version = CUSTOMS_REPORT_VERSION + 1;
	free(th_report_mem(&r, "table", NULL, &err));
	assert_int_equal(err, CUSTOMS_EINVAL);
	assert_non_null(strstr(customs_error_last(), "versions 1 to 3"));

	r = rows();
	free(th_report_mem(&r, "sarif", NULL, &err));
	assert_int_equal(err, CUSTOMS_EUSAGE);
	assert_string_equal(customs_error_last(), "unknown output format 'sarif'; use table or json");

	customs_report scan = {.version = CUSTOMS_REPORT_VERSION, .kind = CUSTOMS_REPORT_SCAN};
	out = th_report_mem(&scan, "json", NULL, &err);
	assert_int_equal(err, CUSTOMS_EINVAL);
	assert_string_equal(customs_error_last(), "the report needs an analysis and its matches");
	assert_true(!out || !*out);
	free(out);

	customs_report none = {.version = CUSTOMS_REPORT_VERSION};
	free(th_report_mem(&none, "table", NULL, &err));
	assert_int_equal(err, CUSTOMS_EINVAL);

	/* a stream that fails is an error naming errno, not silence */
	FILE *full = fopen("/dev/full", "w");
	if (full) {
		r = rows();
		assert_int_equal(customs_report_write(full, &r, "table"), CUSTOMS_EIO);
		assert_non_null(strstr(customs_error_last(), "write error: No space left on device"));
		fclose(full);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_lists), cmocka_unit_test(test_format_check), cmocka_unit_test(test_rows_table),
		cmocka_unit_test(test_rows_json),    cmocka_unit_test(test_unwritable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
