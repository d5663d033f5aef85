/* test_plugin.c - the plugin stage's own pieces: wanted-file globs that
 * climb out of the image refused, the private directory written without
 * following a symlink out of it or over a file and removed without
 * following one, describe checked against protocol 1, and the runner
 * (argv without a shell, the output cap, the exit status). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
#include "plugin/plugin_int.h"
#include "util/util.h"

static void test_globs(void **state)
{
	(void)state;
	const char *ok[] = {"etc/motd", "*.pem", "usr/*/bin/busybox", "a..b/c", "...", NULL};
	const char *bad[] = {"", "/etc/shadow", "../etc/shadow", "etc/../../shadow", "etc/..", "..", "a//b", "./a",
			     "a/./b", "a/", NULL};
	for (int i = 0; ok[i]; i++)
		assert_int_equal(plugin__glob_ok(ok[i]), 0);
	for (int i = 0; bad[i]; i++) {
		if (plugin__glob_ok(bad[i]) != -1)
			fail_msg("glob \"%s\" was not refused", bad[i]);
	}
	customs_strlist g = {0};
	assert_int_equal(customs_strlist_add(&g, "*.pem"), 0);
	assert_int_equal(customs_strlist_add(&g, "etc/motd"), 0);
	assert_true(plugin__glob_match(&g, "etc/ssl/certs/x.pem"));
	assert_true(plugin__glob_match(&g, "etc/motd"));
	assert_false(plugin__glob_match(&g, "etc/motd.d/x"));
	assert_false(plugin__glob_match(&g, "etc/mot"));
	assert_false(plugin__glob_match(&g, "x.pe"));
	assert_true(plugin__glob_match(&g, ".pem"));
	assert_int_equal(customs_strlist_add(&g, "usr/*/bin/[bc]ash"), 0);
	assert_int_equal(customs_strlist_add(&g, "opt/?"), 0);
	assert_true(plugin__glob_match(&g, "usr/local/bin/bash"));
	assert_true(plugin__glob_match(&g, "usr/a/b/bin/cash"));
	assert_false(plugin__glob_match(&g, "usr/local/bin/dash"));
	assert_true(plugin__glob_match(&g, "opt/x"));
	assert_false(plugin__glob_match(&g, "opt/xy"));
	customs_strlist_release(&g);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	static char buf[256];
	if (!f)
		return NULL;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void test_root(void **state)
{
	(void)state;
	char *root, outside[] = "/tmp/customs-test-outside-XXXXXX", p[4096];
	struct stat st;
	assert_int_equal(plugin__root_make(&root), 0);
	assert_non_null(mkdtemp(outside));
	assert_int_equal(stat(root, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);

	assert_int_equal(plugin__root_write(root, "etc/motd", "hello\n", 6), 0);
	snprintf(p, sizeof(p), "%s/etc/motd", root);
	assert_string_equal(slurp(p), "hello\n");
	/* never over a file that is there */
	assert_int_equal(plugin__root_write(root, "etc/motd", "again\n", 6), CUSTOMS_EIO);
	assert_string_equal(slurp(p), "hello\n");
	/* a path that climbs */
	assert_int_equal(plugin__root_write(root, "../escape", "x", 1), CUSTOMS_EFORMAT);
	assert_int_equal(plugin__root_write(root, "etc/../../escape", "x", 1), CUSTOMS_EFORMAT);
	assert_int_equal(plugin__root_write(root, "/abs", "x", 1), CUSTOMS_EFORMAT);
	/* a symlink in the directory (as a plugin might leave one) is never followed */
	snprintf(p, sizeof(p), "%s/evil", root);
	assert_int_equal(symlink(outside, p), 0);
	assert_int_equal(plugin__root_write(root, "evil/x", "x", 1), CUSTOMS_EIO);
	snprintf(p, sizeof(p), "%s/x", outside);
	assert_int_not_equal(access(p, F_OK), 0);
	snprintf(p, sizeof(p), "%s/etc/link", root);
	assert_int_equal(symlink(outside, p), 0);
	assert_int_equal(plugin__root_write(root, "etc/link", "x", 1), CUSTOMS_EIO);
	/* a file where a directory would go */
	assert_int_equal(plugin__root_write(root, "etc/motd/x", "x", 1), CUSTOMS_EIO);

	/* removed without following the symlinks: what they point at stays */
	snprintf(p, sizeof(p), "%s/keep", outside);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fclose(f);
	plugin__root_remove(root);
	assert_int_not_equal(access(root, F_OK), 0);
	assert_int_equal(access(p, F_OK), 0);
	unlink(p);
	rmdir(outside);
	free(root);
}

static const char *parse(plugin_entry *e, customs_plugin_kind kind, const char *doc, char *why, size_t cap)
{
	plugin__entry_release(e);
	e->pub.kind = kind;
	e->pub.name = "t";
	return plugin__describe_parse(e, doc, strlen(doc), why, cap);
}

static void test_describe(void **state)
{
	(void)state;
	plugin_entry e = {0};
	char why[512];
	const char *r;
	r = parse(&e, CUSTOMS_PLUGIN_ANALYZER,
		  "{\"protocol\":1,\"kind\":\"analyzer\",\"description\":\"d\",\"version\":\"2.1\","
		  "\"files\":{\"globs\":[\"etc/motd\"],\"max_size\":10,\"max_count\":3},\"analysis\":[\"files\"]}",
		  why, sizeof(why));
	assert_null(r);
	assert_string_equal(e.pub.version, "2.1");
	assert_int_equal(e.globs.n, 1);
	assert_int_equal(e.max_size, 10);
	assert_int_equal(e.max_count, 3);
	assert_true(e.wants_file_list);
	assert_string_equal(e.pub.wants, "files etc/motd (max 10 bytes, 3 files); packages, file list");

	r = parse(&e, CUSTOMS_PLUGIN_ANALYZER, "{\"protocol\":2,\"kind\":\"analyzer\"}", why, sizeof(why));
	assert_string_equal(r, "speaks protocol 2; this customs speaks protocol 1");
	r = parse(&e, CUSTOMS_PLUGIN_ANALYZER,
		  "{\"protocol\":1,\"kind\":\"analyzer\",\"description\":\"d\",\"version\":\"1\","
		  "\"files\":{\"globs\":[\"ok\",\"a/../../b\"]}}",
		  why, sizeof(why));
	assert_string_equal(r, "describe: glob \"a/../../b\" is refused: globs are relative to the image root, "
			       "without \"..\" or empty components");
	r = parse(&e, CUSTOMS_PLUGIN_ANALYZER,
		  "{\"protocol\":1,\"kind\":\"analyzer\",\"description\":\"d\",\"version\":\"1\","
		  "\"files\":{\"globs\":[],\"max_size\":999999999999}}",
		  why, sizeof(why));
	assert_string_equal(r, "describe: files.max_size must be 1 to 67108864 bytes");
	r = parse(&e, CUSTOMS_PLUGIN_GATE, "{\"protocol\":1,\"kind\":\"gate\",\"description\":\"d\",\"version\":\"1\"}",
		  why, sizeof(why));
	assert_string_equal(r, "describe: a gate needs a non-empty \"triggers\" array");
	r = parse(&e, CUSTOMS_PLUGIN_GATE,
		  "{\"protocol\":1,\"kind\":\"gate\",\"description\":\"d\",\"version\":\"1\",\"triggers\":[{\"name\":"
		  "\"x\",\"params\":[{\"name\":\"p\",\"type\":\"float\"}]}]}",
		  why, sizeof(why));
	assert_string_equal(r, "describe: a trigger parameter's type is string, integer, number or boolean");
	r = parse(&e, CUSTOMS_PLUGIN_QUERY, "{\"protocol\":1,\"kind\":\"query\",\"description\":\"d\",\"version\":\"1\","
		  "\"parameters\":[{\"name\":\"N\"}]}", why, sizeof(why));
	assert_null(r);
	assert_string_equal(e.pub.wants, "[N]");
	r = parse(&e, CUSTOMS_PLUGIN_QUERY, "{\"protocol\":1,\"protocol\":1}", why, sizeof(why));
	assert_string_equal(r, "describe printed invalid JSON: duplicate object key near '\"protocol\"' (line 1)");
	plugin__entry_release(&e);
}

static void test_run(void **state)
{
	(void)state;
	plugin_limits lim = {.timeout = 10, .max_output = 1000};
	plugin_output o;
	const char *env[] = {"PATH=/usr/bin:/bin", NULL};
	char why[512];

	/* argv[1] as given, no shell: "$(id)" stays a string */
	assert_int_equal(plugin__run(&o, "/bin/echo", "$(id) run", env, NULL, NULL, 0, &lim), 0);
	assert_string_equal(o.out.ptr, "$(id) run\n");
	assert_int_equal(plugin__failed(&o, &lim, why, sizeof(why)), 0);
	plugin__output_release(&o);

	/* stdin goes in whole, though larger than a pipe holds */
	size_t big = 1u << 20;
	char *in = malloc(big);
	assert_non_null(in);
	memset(in, 'x', big);
	lim.max_output = 2u << 20;
	assert_int_equal(plugin__run(&o, "/usr/bin/wc", "-c", env, NULL, in, big, &lim), 0);
	assert_string_equal(o.out.ptr, "1048576\n");
	plugin__output_release(&o);
	free(in);

	/* a flood is cut at the cap and killed */
	lim.max_output = 1000;
	assert_int_equal(plugin__run(&o, "/usr/bin/yes", "run", env, NULL, NULL, 0, &lim), 0);
	assert_true(o.overflowed);
	assert_int_equal(o.out.len, 1000);
	assert_int_equal(plugin__failed(&o, &lim, why, sizeof(why)), 1);
	assert_string_equal(why, "printed more than 1000 bytes (CUSTOMS_PLUGIN_MAX_OUTPUT)");
	plugin__output_release(&o);

	/* the exit status and the last line of stderr */
	assert_int_equal(plugin__run(&o, "/bin/ls", "/nonexistent-customs-test", env, NULL, NULL, 0, &lim), 0);
	assert_int_equal(o.status, 2);
	assert_int_equal(plugin__failed(&o, &lim, why, sizeof(why)), 1);
	assert_string_equal(why, "exited with status 2; stderr: /bin/ls: cannot access '/nonexistent-customs-test': "
				 "No such file or directory");
	plugin__output_release(&o);

	/* what cannot be started */
	assert_int_equal(plugin__run(&o, "/nonexistent/customs-analyzer-x", "run", env, NULL, NULL, 0, &lim),
			 CUSTOMS_EIO);
	plugin__output_release(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_globs),
		cmocka_unit_test(test_root),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
