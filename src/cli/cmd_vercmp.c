/* cmd_vercmp.c - `customs vercmp`: compare two versions, or test a version
 * against a constraint, under one ecosystem's version scheme
 * (include/customs/version.h). */
#include <stdio.h>
#include <string.h>

#include "customs/errors.h"
#include "customs/version.h"
#include "cli.h"

const char cmd_vercmp_usage[] =
	"usage: customs vercmp SCHEME A B\n"
	"       customs vercmp SCHEME VERSION --satisfies CONSTRAINT\n"
	"       customs vercmp SCHEME --stdin [--satisfies CONSTRAINT]\n"
	"       customs vercmp --list\n"
	"\n"
	"Compare versions A and B under SCHEME's ordering and print <, = or >;\n"
	"or print yes or no as VERSION satisfies CONSTRAINT or not.  With --stdin,\n"
	"read one \"A B\" pair (or, with --satisfies, one VERSION) per line and\n"
	"print one answer per line (blank lines are skipped); a line that does not\n"
	"parse prints \"invalid\", its reason goes to stderr and the exit code is 3.\n"
	"\n"
	"SCHEME is a scheme or an alias: dpkg (deb, debian, ubuntu), rpm (redhat,\n"
	"almalinux, rocky, ...), apk (alpine), semver (npm), pep440 (pypi, python),\n"
	"maven, go (golang), gem (rubygems), cargo (crates.io), composer (packagist),\n"
	"nuget; OSV ecosystem names such as Debian:12 work too.  --list prints them.\n"
	"\n"
	"Each scheme orders as its ecosystem's own tool does: apk as apk-tools (and\n"
	"apk-tools 2's 6.6.2p1-r0, which Alpine's secdb holds), rpm as rpmvercmp\n"
	"(any byte that is not an ASCII letter or digit is a separator), pep440 as\n"
	"pip's packaging (a string that is not PEP 440 is a legacy version, before\n"
	"every PEP 440 one), maven as ComparableVersion; numbers of any length\n"
	"compare exactly.  A pair the scheme cannot order (apk strings that break\n"
	"its grammar where the answer would lie, two Composer dev branches) is an\n"
	"error, never \"=\".\n"
	"\n"
	"CONSTRAINT uses the ecosystem's syntax: node-semver ranges for semver, cargo\n"
	"requirements, PEP 440 specifiers, Gem requirements, Composer constraints,\n"
	"Maven and NuGet intervals ([1.0,2.0)).  dpkg, rpm, apk and go take\n"
	"comparators (= != < <= > >=, dpkg's << >>) separated by commas or spaces,\n"
	"and || between alternatives: '>= 1.0, < 2.0 || = 3.0'.\n"
	"\n"
	"Options:\n"
	"  --satisfies CONSTRAINT    test VERSION against CONSTRAINT\n"
	"  --stdin                   versions from standard input, one answer a line\n"
	"  --list                    print the schemes, each with its aliases\n"
	"\n"
	"Exit codes: 0 answered, 2 usage error, 3 a version or constraint that\n"
	"SCHEME cannot parse, or a pair it cannot order.\n";

static int list_schemes(void)
{
	const customs_version_scheme *const *l = customs_version_scheme_list();

	for (size_t i = 0; l[i]; i++) {
		const char *const *a = customs_version_scheme_aliases(l[i]->name);
		printf("%s", l[i]->name);
		for (size_t j = 0; a && a[j]; j++)
			printf("%s%s", j ? ", " : "\t", a[j]);
		putchar('\n');
	}
	return EXIT_OK;
}

/* --stdin: "A B" (or VERSION with a constraint) per line. */
static int batch(const customs_version_scheme *s, const char *constraint)
{
	char line[8192];
	unsigned long lineno = 0;
	int status = EXIT_OK;

	while (fgets(line, sizeof(line), stdin)) {
		char *a, *b, *rest, *save = NULL;
		int out = 0, err;
		size_t n = strlen(line);

		lineno++;
		if (n == sizeof(line) - 1 && line[n - 1] != '\n') {
			int c;
			while ((c = getchar()) != EOF && c != '\n')
				;
			cli_error(EXIT_FAILED, "vercmp", "line %lu: longer than %zu bytes", lineno, sizeof(line) - 2);
			puts("invalid");
			status = EXIT_FAILED;
			continue;
		}
		a = strtok_r(line, " \t\r\n", &save);
		b = a ? strtok_r(NULL, " \t\r\n", &save) : NULL;
		rest = b ? strtok_r(NULL, " \t\r\n", &save) : NULL;
		if (!a)
			continue;
		if (constraint ? (b != NULL) : (!b || rest)) {
			cli_error(EXIT_FAILED, "vercmp", "line %lu: expected %s", lineno,
				  constraint ? "one VERSION" : "two versions \"A B\"");
			puts("invalid");
			status = EXIT_FAILED;
			continue;
		}
		err = constraint ? customs_version_satisfies(s, a, constraint, &out)
				 : customs_version_compare(s, a, b, &out);
		if (err < 0) {
			cli_error(EXIT_FAILED, "vercmp", "line %lu: %s", lineno, customs_error_last());
			puts("invalid");
			status = EXIT_FAILED;
		} else if (constraint) {
			puts(out ? "yes" : "no");
		} else {
			puts(out < 0 ? "<" : out > 0 ? ">" : "=");
		}
	}
	return status;
}

int cmd_vercmp(int argc, char **argv)
{
	const customs_version_scheme *s;
	const char *pos[3], *constraint = NULL;
	int npos = 0, list = 0, use_stdin = 0, options_done = 0, err, out = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!options_done && !strcmp(a, "--")) {
			options_done = 1;
		} else if (!options_done && !strcmp(a, "--list")) {
			list = 1;
		} else if (!options_done && !strcmp(a, "--stdin")) {
			use_stdin = 1;
		} else if (!options_done && !strcmp(a, "--satisfies")) {
			if (i + 1 >= argc)
				return cli_usage_error("vercmp", "--satisfies needs a CONSTRAINT");
			constraint = argv[++i];
		} else if (!options_done && !strncmp(a, "--satisfies=", 12)) {
			constraint = a + 12;
		} else if (!options_done && !strncmp(a, "--", 2)) {
			return cli_usage_error("vercmp", "unknown option '%s'", a);
		} else {
			if (npos == 3)
				return cli_usage_error("vercmp", "too many arguments ('%s'); quote a constraint with spaces", a);
			pos[npos++] = a;
		}
	}

	if (list) {
		if (npos || constraint || use_stdin)
			return cli_usage_error("vercmp", "--list takes no other arguments");
		return list_schemes();
	}
	if (npos == 0)
		return cli_usage_error("vercmp", "missing SCHEME; `customs vercmp --list` prints the schemes");
	if (!(s = customs_version_scheme_find(pos[0])))
		return cli_usage_error("vercmp", "unknown scheme '%s'; `customs vercmp --list` prints the schemes", pos[0]);
	if (use_stdin) {
		if (npos != 1)
			return cli_usage_error("vercmp", "--stdin takes only SCHEME; the versions come from standard input");
		return batch(s, constraint);
	}
	if (constraint && npos != 2)
		return cli_usage_error("vercmp", "--satisfies takes one VERSION after SCHEME, got %d", npos - 1);
	if (!constraint && npos != 3)
		return cli_usage_error("vercmp", "expected SCHEME A B, or SCHEME VERSION --satisfies CONSTRAINT");

	err = constraint ? customs_version_satisfies(s, pos[1], constraint, &out)
			 : customs_version_compare(s, pos[1], pos[2], &out);
	if (err < 0)
		return cli_error(EXIT_FAILED, "vercmp", "%s (check the string, or whether %s is the right scheme)",
				 customs_error_last(), s->name);
	if (constraint)
		puts(out ? "yes" : "no");
	else
		puts(out < 0 ? "<" : out > 0 ? ">" : "=");
	return EXIT_OK;
}
