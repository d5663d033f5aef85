/* test_source.c - the source table: which kind a reference names (prefix,
 * detected path, registry name), "sbom:FILE" read through customs_analyze
 * exactly as customs_sbom_read reads it, and the messages of references
 * that name nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "customs/customs.h"
#include "customs/sbom.h"
#include "helpers.h"
#include "source/source.h"

static char dir[64];
static char sbom[128];
static char junk[128]; /* a file that is no tar */

static int setup(void **st)
{
	(void)st;
	snprintf(dir, sizeof(dir), "/tmp/customs-test-source-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(sbom, sizeof(sbom), "%s/bom.cdx.json", dir);
	FILE *f = fopen(sbom, "w");
	if (!f)
		return -1;
	fputs("{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.5\", \"components\": ["
	      "{\"type\": \"library\", \"name\": \"left-pad\", \"version\": \"1.3.0\", \"purl\": \"pkg:npm/left-pad@1.3.0\"},"
	      "{\"type\": \"library\", \"name\": \"broken\", \"version\": \"1\", \"purl\": \"pkg:\"}]}\n",
	      f);
	if (fclose(f) != 0)
		return -1;
	snprintf(junk, sizeof(junk), "%s/junk.bin", dir);
	if (!(f = fopen(junk, "w")))
		return -1;
	for (int i = 0; i < 1024; i++)
		fputc('x', f);
	return fclose(f);
}

static int teardown(void **st)
{
	(void)st;
	unlink(sbom);
	unlink(junk);
	return rmdir(dir);
}

/* customs_analyze("sbom:FILE") is customs_sbom_read(FILE): the same
 * reference, kind, packages, warnings and completeness. */
static void test_sbom_is_a_source(void **st)
{
	(void)st;
	customs_options o = CUSTOMS_OPTIONS_INIT;
	customs_sbom_read_opts ro = {.version = CUSTOMS_SBOM_READ_OPTS_VERSION};
	customs_analysis *a = NULL, *b = NULL;
	char ref[160];

	snprintf(ref, sizeof(ref), "sbom:%s", sbom);
	o.platform = "bogus"; /* image options do not apply to an SBOM */
	assert_int_equal(customs_analyze(&a, ref, &o), 0);
	assert_int_equal(customs_sbom_read(&b, sbom, &ro, NULL), 0);
	assert_string_equal(a->image.reference, ref);
	assert_string_equal(a->image.source_kind, "sbom");
	assert_string_equal(a->image.source_path, sbom);
	assert_string_equal(a->image.reference, b->image.reference);
	assert_int_equal(a->npackages, b->npackages);
	assert_true(a->npackages >= 1);
	assert_string_equal(a->packages[0]->name, "left-pad");
	assert_int_equal(a->nwarnings, b->nwarnings);
	for (size_t i = 0; i < a->nwarnings; i++)
		assert_string_equal(a->warnings[i].message, b->warnings[i].message);
	assert_int_equal(a->complete, b->complete);
	customs_analysis_free(a);
	customs_analysis_free(b);
}

/* A missing SBOM fails as customs_sbom_read fails, with its message untouched. */
static void test_sbom_errors_unchanged(void **st)
{
	(void)st;
	customs_sbom_read_opts ro = {.version = CUSTOMS_SBOM_READ_OPTS_VERSION};
	customs_analysis *a = NULL;
	char want[1024], path[128];

	snprintf(path, sizeof(path), "%s/missing.json", dir);
	int code = customs_sbom_read(&a, path, &ro, NULL);
	assert_true(code < 0);
	snprintf(want, sizeof(want), "%s", customs_error_last());
	char ref[160];
	snprintf(ref, sizeof(ref), "sbom:%s", path);
	assert_int_equal(customs_analyze(&a, ref, NULL), code);
	assert_null(a);
	assert_string_equal(customs_error_last(), want);
}

/* The layer stage's entry refuses a source that holds no image. */
static void test_image_only(void **st)
{
	(void)st;
	source_image img = {0};
	char ref[160];
	snprintf(ref, sizeof(ref), "sbom:%s", sbom);
	assert_int_equal(source__open(&img, ref, NULL), CUSTOMS_EUSAGE);
	assert_non_null(strstr(customs_error_last(), "holds an analysis, not an image"));
	source__release(&img);
}

static void expect_error(const char *ref, const char *platform, int code, const char *part)
{
	source_image img = {0};
	assert_int_equal(source__open(&img, ref, platform), code);
	if (!strstr(customs_error_last(), part))
		fail_msg("%s: message \"%s\" lacks \"%s\"", ref, customs_error_last(), part);
	source__release(&img);
}

static void test_dispatch(void **st)
{
	(void)st;
	char ref[160];
	/* a bare path is detected: a directory without oci-layout is a rootfs */
	source_image img = {0};
	assert_int_equal(source__open(&img, dir, NULL), 0);
	assert_string_equal(img.kind, "dir");
	assert_string_equal(img.rootfs, dir);
	source__release(&img);
	/* oci: insists on the layout file */
	snprintf(ref, sizeof(ref), "oci:%s", dir);
	expect_error(ref, NULL, CUSTOMS_EFORMAT, "not an OCI image layout (no oci-layout file)");
	/* a file that is no tar: named, with what it was tried as; with a
	 * prefix it was only tried as that */
	expect_error(junk, NULL, CUSTOMS_EFORMAT, "is not an image (not a directory, docker-archive or oci-archive)");
	snprintf(ref, sizeof(ref), "docker-archive:%s", junk);
	expect_error(ref, NULL, CUSTOMS_EFORMAT, "junk.bin: bad tar header checksum at offset 0");
	/* a short file is an empty tar: no manifest.json */
	expect_error(sbom, NULL, CUSTOMS_EFORMAT, "bom.cdx.json: not a docker archive (no manifest.json or index.json)");
	/* prefixes without a path, a platform that is none, a name that is nothing */
	expect_error("oci-archive:", NULL, CUSTOMS_EUSAGE, "oci-archive:: missing path after the scheme");
	expect_error(dir, "amd64", CUSTOMS_EUSAGE, "bad platform \"amd64\"");
	expect_error("./no/such/dir", NULL, CUSTOMS_ENOTFOUND, "image not found: ./no/such/dir (give a path");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sbom_is_a_source),
		cmocka_unit_test(test_sbom_errors_unchanged),
		cmocka_unit_test(test_image_only),
		cmocka_unit_test(test_dispatch),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
