/* test_lookup.c - customs_analysis_lookup() on a real directory image: symlinks
 * in the middle and at the end of a path, relative and absolute targets,
 * "..", a loop, a dangling link, a link that would leave the root, follow=0. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "customs/customs.h"
#include "helpers.h"

static th_dir d;
static customs_analysis *a;

static void link_at(const char *target, const char *rel)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", d.path, rel);
	assert_int_equal(symlink(target, path), 0);
}

static int setup(void **state)
{
	(void)state;
	th_dir_new(&d, "lookup");
	th_dir_text(&d, "usr/lib/os-release", "ID=debian\n");
	th_dir_text(&d, "usr/share/doc/x/copyright", "text\n");
	th_dir_text(&d, "etc/keep", "");
	link_at("../usr/lib/os-release", "etc/os-release");   /* relative, the last component */
	link_at("/usr/share/doc", "etc/docs");                  /* absolute, in the middle */
	link_at("docs/x/../x/copyright", "etc/via-dotdot");     /* a link through a link and ".." */
	link_at("loop-b", "etc/loop-a");
	link_at("loop-a", "etc/loop-b");
	link_at("../no/such/file", "etc/dangling");
	link_at("../../../../../../usr/lib/os-release", "etc/climb"); /* ".." stops at the root */
	a = th_dir_analyze(&d, "os-release");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	customs_analysis_free(a);
	return th_dir_remove(&d);
}

static const char *found(const char *path, int follow)
{
	const customs_file *f = customs_analysis_lookup(a, path, follow);
	return f ? f->path : "(none)";
}

static void test_symlink_last(void **state)
{
	(void)state;
	assert_string_equal(found("etc/os-release", 1), "usr/lib/os-release");
	assert_string_equal(found("etc/os-release", 0), "etc/os-release");
	assert_string_equal(found("/etc/./os-release", 1), "usr/lib/os-release");
	assert_string_equal(found("etc/climb", 1), "usr/lib/os-release");
}

static void test_symlink_middle(void **state)
{
	(void)state;
	assert_string_equal(found("etc/docs/x/copyright", 1), "usr/share/doc/x/copyright");
	assert_string_equal(found("etc/docs/x/copyright", 0), "usr/share/doc/x/copyright");
	assert_string_equal(found("etc/via-dotdot", 1), "usr/share/doc/x/copyright");
	assert_string_equal(found("etc/docs", 1), "usr/share/doc");
}

static void test_not_found(void **state)
{
	(void)state;
	assert_string_equal(found("etc/loop-a", 1), "(none)");
	assert_string_equal(found("etc/dangling", 1), "(none)");
	assert_string_equal(found("etc/keep/below", 1), "(none)"); /* a file is no directory */
	assert_string_equal(found("etc/nothing", 1), "(none)");
	assert_string_equal(found("etc/dangling", 0), "etc/dangling");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_symlink_last),
		cmocka_unit_test(test_symlink_middle),
		cmocka_unit_test(test_not_found),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
