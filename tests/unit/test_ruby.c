/* test_ruby.c - gemspecs installed by Debian 12's Ruby packages and a
 * Gemfile.lock written by bundler (tests/data/lang/ruby), the older %q{}
 * form, a gem's source gemspec (Ruby code, not a record) and a lockfile that
 * is not one; the analyzer reads only specifications/ directories. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/analyzers.h"
#include "helpers.h"
#include "util/util.h"

#define RUBY "lang/ruby/"

static void test_gemspecs(void **state)
{
	(void)state;
	static const struct {
		const char *file, *name, *version, *licenses, *homepage;
	} want[] = {
		{"rake-13.0.6.gemspec", "rake", "13.0.6", "MIT", "https://github.com/ruby/rake"},
		{"json-2.6.1.gemspec", "json", "2.6.1", "Ruby", "http://flori.github.com/json"},
		{"rack-2.2.22.gemspec", "rack", "2.2.22", "MIT", "https://github.com/rack/rack"},
		{"concurrent-ruby-1.1.6.gemspec", "concurrent-ruby", "1.1.6", "MIT", "http://www.concurrent-ruby.com"},
		{"test-unit-3.5.3.gemspec", "test-unit", "3.5.3", "Ruby BSDL PSFL", "http://test-unit.github.io/"},
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		char *rel = customs_asprintf(RUBY "%s", want[i].file);
		th_warns w = {0};
		customs_package *p = th_parse_one_file(customs__ruby_parse_gemspec, rel, th_warn_lined, &w);
		assert_int_equal(w.n, 0);
		assert_string_equal(p->type, "gem");
		assert_string_equal(p->name, want[i].name);
		assert_string_equal(p->version, want[i].version);
		char *purl = customs_asprintf("pkg:gem/%s@%s", want[i].name, want[i].version);
		assert_string_equal(p->purl, purl);
		free(purl);
		char *licenses = th_licenses(p, " ");
		assert_string_equal(licenses, want[i].licenses);
		free(licenses);
		assert_string_equal(th_meta(p, "homepage"), want[i].homepage);
		customs_package_free(p);
		free(rel);
	}
}

static void test_gemspec_forms(void **state)
{
	(void)state;
	customs_package *p;
	th_warns w = {0};
	/* RubyGems 1.3 wrote %q{} strings; a platform gem */
	const char *old = "# -*- encoding: utf-8 -*-\n\nGem::Specification.new do |s|\n"
			  "  s.name = %q{nokogiri}\n  s.version = \"1.4.4\"\n  s.platform = %q{x86-mingw32}\n"
			  "  s.license = 'MIT'\nend\n";
	assert_int_equal(customs__ruby_parse_gemspec(&p, old, strlen(old), th_warn_lined, &w), 0);
	assert_string_equal(p->name, "nokogiri");
	assert_string_equal(p->version, "1.4.4");
	assert_string_equal(th_meta(p, "platform"), "x86-mingw32");
	assert_string_equal(p->licenses.v[0], "MIT");
	customs_package_free(p);

	/* a gem's own source gemspec: Ruby code, nothing literal to read but
	 * the name */
	const char *src = "require_relative \"lib/foo/version\"\n\nGem::Specification.new do |spec|\n"
			  "  spec.name = \"foo\"\n  spec.version = Foo::VERSION\nend\n";
	assert_int_equal(customs__ruby_parse_gemspec(&p, src, strlen(src), th_warn_lined, &w), CUSTOMS_EFORMAT);
	assert_null(p);
	assert_int_equal(w.n, 2);
	assert_string_equal(w.msg[0], "5: version is not a string literal: not read");
	assert_string_equal(w.msg[1], "0: no gem name and version (not a RubyGems specification)");

	/* only the stub line */
	w.n = 0;
	const char *stub = "# stub: rack 2.2.4 ruby lib\n";
	assert_int_equal(customs__ruby_parse_gemspec(&p, stub, strlen(stub), th_warn_lined, &w), 0);
	assert_string_equal(p->version, "2.2.4");
	customs_package_free(p);

	/* binary junk */
	w.n = 0;
	const char *elf = "\x7f" "ELF\0\0\n\xff";
	assert_int_equal(customs__ruby_parse_gemspec(&p, elf, 8, th_warn_lined, &w), CUSTOMS_EFORMAT);
	assert_int_equal(w.n, 1);
}

static void test_gemfile_lock(void **state)
{
	(void)state;
	size_t n;
	th_warns w = {0};
	customs_package **v =
		th_parse_file(customs__ruby_parse_gemfile_lock, RUBY "Gemfile.lock", &n, th_warn_lined, &w);
	assert_int_equal(w.n, 0);
	customs_buf b = CUSTOMS_BUF_INIT(0);
	for (size_t i = 0; i < n; i++) {
		customs_buf_printf(&b, "%s %s %s\n", v[i]->name, v[i]->version, th_meta(v[i], "source"));
		customs_package_free(v[i]);
	}
	customs_buf_puts(&b, "");
	assert_string_equal(b.ptr, "gitgem 1.0.0.pre1 git\n"
				   "mylib 0.3.1 path\n"
				   "concurrent-ruby 1.1.6 gem\n"
				   "minitest 5.15.0 gem\n"
				   "power_assert 2.0.1 gem\n"
				   "rack 2.2.22 gem\n"
				   "rake 13.0.6 gem\n"
				   "rbs 2.1.0 gem\n"
				   "test-unit 3.5.3 gem\n"
				   "typeprof 0.21.2 gem\n");
	customs_buf_release(&b);
	free(v);

	/* platform-specific versions, and lines that are not specs */
	const char *lock = "GEM\n  remote: https://rubygems.org/\n  specs:\n    nokogiri (1.15.4-x86_64-linux)\n"
			   "      racc (~> 1.4)\n    racc (1.7.1)\n    broken line\n    a (b) (c)\n\nPLATFORMS\n  x86_64-linux\n";
	w.n = 0;
	assert_int_equal(customs__ruby_parse_gemfile_lock(&v, &n, lock, strlen(lock), th_warn_lined, &w), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0]->version, "1.15.4");
	assert_string_equal(th_meta(v[0], "platform"), "x86_64-linux");
	assert_string_equal(v[0]->purl, "pkg:gem/nokogiri@1.15.4");
	assert_int_equal(w.n, 2);
	assert_string_equal(w.msg[0], "7: spec line is not \"name (version)\": skipped");
	assert_string_equal(w.msg[1], "8: spec line with an odd name or version: skipped");
	th_pkgs_free(v, n);

	w.n = 0;
	const char *notlock = "{\"dependencies\": {}}\n";
	assert_int_equal(customs__ruby_parse_gemfile_lock(&v, &n, notlock, strlen(notlock), th_warn_lined, &w),
			 CUSTOMS_EFORMAT);
	assert_string_equal(w.msg[0], "0: no GEM, GIT or PATH section: not a Gemfile.lock");
}

static void test_analyzer(void **state)
{
	(void)state;
	th_dir d;
	th_dir_new(&d, "ruby");
	size_t len;
	char *rack = th_data(RUBY "rack-2.2.22.gemspec", &len);
	th_dir_put(&d, "usr/share/rubygems-integration/all/specifications/rack-2.2.22.gemspec", rack, len, 0);
	th_dir_put(&d, "var/lib/gems/3.1.0/gems/rack-2.2.22/rack.gemspec", rack, len, 0); /* not a record */
	free(rack);
	char *json = th_data(RUBY "json-2.6.1.gemspec", &len);
	th_dir_put(&d, "usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec", json, len, 0);
	free(json);
	th_dir_put(&d, "usr/lib/ruby/gems/3.1.0/specifications/bad.gemspec", "Gem::Specification.new do |s|\nend\n", 35,
		   0);
	th_dir_text(
		&d, "var/lib/dpkg/status",
		"Package: ruby-rack\nStatus: install ok installed\nVersion: 2.2.22-0+deb12u1\nArchitecture: all\n\n");
	th_dir_text(&d, "var/lib/dpkg/info/ruby-rack.list",
		    "/.\n/usr/share/rubygems-integration/all/specifications/rack-2.2.22.gemspec\n");

	customs_analysis *a = th_dir_analyze(&d, "dpkg,ruby");
	size_t gems = 0;
	for (size_t i = 0; i < a->npackages; i++) {
		const customs_package *p = a->packages[i];
		if (strcmp(p->type, "gem"))
			continue;
		gems++;
		assert_string_equal(p->found_by, "ruby");
		if (!strcmp(p->name, "rack")) {
			assert_string_equal(p->db_path, "usr/share/rubygems-integration/all/specifications/rack-2.2.22.gemspec");
			assert_string_equal(th_meta(p, "installed_by"), "ruby-rack");
		} else {
			assert_string_equal(p->name, "json");
			assert_null(th_meta(p, "installed_by"));
		}
	}
	assert_int_equal(gems, 2);
	assert_int_equal(a->nwarnings, 1);
	th_dir_warning_is(&d, a->warnings[0].message,
			  "layer 0: usr/lib/ruby/gems/3.1.0/specifications/bad.gemspec: gemspec: "
			  "no gem name and version (not a RubyGems specification)");
	customs_analysis_free(a);
	assert_int_equal(th_dir_remove(&d), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gemspecs),
		cmocka_unit_test(test_gemspec_forms),
		cmocka_unit_test(test_gemfile_lock),
		cmocka_unit_test(test_analyzer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
