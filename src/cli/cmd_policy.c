/* cmd_policy.c - `customs policy validate|describe|export-vex`: what is
 * wrong with a bundle, where in it; the gate table; the allowlisted
 * findings as OpenVEX. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "common.h"
#include "customs/match.h"
#include "customs/vuln.h"

const char cmd_policy_usage[] =
	"usage: customs policy validate BUNDLE [-o table|json]\n"
	"       customs policy describe [-o table|json|markdown]\n"
	"       customs policy export-vex BUNDLE [IMAGE] [--tag REGISTRY/REPO:TAG] [--db PATH] [-o FILE]\n"
	"\n"
	"validate    read a policy bundle (JSON or YAML) and report every problem with\n"
	"            its place in the document (\"policies[0].rules[3].params.severity:\n"
	"            \\\"hgh\\\" is not one of ...\"); exit 0 when it is valid, 1 when not\n"
	"describe    every gate, trigger and parameter with its type and meaning (the\n"
	"            table validation and evaluation read; markdown: docs/policy.md)\n"
	"export-vex  the allowlisted findings as OpenVEX (not_affected, the item's reason\n"
	"            as impact statement), for `customs scan --vex` and other tools:\n"
	"            with IMAGE, the findings the bundle's allowlists silence in it, by\n"
	"            purl; without, the vulnerabilities items name for every package\n"
	"            (\"CVE-...+*\"), as statements about the whole image\n"
	"\n"
	"Exit codes: 0 done (validate: valid), 1 validate: the bundle has problems,\n"
	"2 usage error, 3 a file could not be read.\n";

static int validate(int argc, char **argv)
{
	static const cli_opt opts[] = {{"output", 'o', required_argument, 'o'}, {NULL, 0, 0, 0}};
	const char *output = "table";
	cli_parser p;
	customs_policy_bundle *b = NULL;
	customs_policy_problems *pr = NULL, none = {0};
	int opt, rc;

	cli_parser_init(&p, "policy validate", argc, argv, opts, 0, NULL);
	while ((opt = cli_next(&p)) > 0)
		output = optarg;
	if (opt < 0)
		return -opt;
	if ((rc = cli_format_check("policy validate", output, CUSTOMS_REPORT_POLICY_PROBLEMS)) != 0 ||
	    (rc = cli_one_operand("policy validate", argc, "BUNDLE", "BUNDLE")) != 0)
		return rc;
	const char *path = argv[optind];
	int err = customs_policy_bundle_load(&b, &pr, path, NULL);
	if (err < 0 && !pr)
		return cli_error(EXIT_FAILED, "policy validate", "%s", customs_error_last());
	customs_report r = {.version = CUSTOMS_REPORT_VERSION,
			    .kind = CUSTOMS_REPORT_POLICY_PROBLEMS,
			    .problems = pr ? pr : &none,
			    .bundle_path = path};
	if (customs_report_write(stdout, &r, output) < 0)
		rc = cli_error(EXIT_FAILED, "policy validate", "%s", customs_error_last());
	else if (!strcmp(output, "table") && b) {
		size_t n;
		customs_policy_bundle_items(b, &n);
		printf("%s: valid: bundle %s (%s), %zu allowlist items\n", path,
		       customs_policy_bundle_id(b) ? customs_policy_bundle_id(b) : "(no id)",
		       customs_policy_bundle_digest(b), n);
	}
	if (!rc)
		rc = err < 0 ? EXIT_FINDINGS : EXIT_OK;
	customs_policy_problems_free(pr);
	customs_policy_bundle_free(b);
	return rc;
}

static int describe(int argc, char **argv)
{
	static const cli_opt opts[] = {{"output", 'o', required_argument, 'o'}, {NULL, 0, 0, 0}};
	const char *output = "table";
	cli_parser p;
	int opt, rc;

	cli_parser_init(&p, "policy describe", argc, argv, opts, 0, NULL);
	while ((opt = cli_next(&p)) > 0)
		output = optarg;
	if (opt < 0)
		return -opt;
	if ((rc = cli_format_check("policy describe", output, CUSTOMS_REPORT_POLICY_GATES)) != 0)
		return rc;
	if (optind < argc)
		return cli_usage_error("policy describe", "takes no operand");
	customs_report r = {.version = CUSTOMS_REPORT_VERSION, .kind = CUSTOMS_REPORT_POLICY_GATES};
	if (customs_report_write(stdout, &r, output) < 0)
		return cli_error(EXIT_FAILED, "policy describe", "%s", customs_error_last());
	return EXIT_OK;
}

enum { OPT_DB = OPT_IMAGE_LAST };

/* With an image: evaluate it (matching when the bundle needs it) so the
 * allowlisted findings carry their packages' purls. */
static int evaluate(cli_image_opts *io, const char *image, const char *dbopt, customs_analysis **a,
		    customs_match_result **res, customs_vulndb **db, customs_policy_result **pr)
{
	char *path = NULL;
	customs_match_opts mo = {.version = CUSTOMS_MATCH_OPTS_VERSION};
	int rc;
	if ((rc = cli_analyze(a, "policy export-vex", image, io)) != 0)
		return rc;
	customs_analysis_select_packages(*a, 0);
	if (dbopt)
		path = strdup(dbopt);
	else if (customs_vulndb_default_path(&path) < 0)
		return cli_error(EXIT_FAILED, "policy export-vex", "%s", customs_error_last());
	if (!path || customs_vulndb_open(db, path, 1) < 0 || customs_match_analysis(res, *db, *a, &mo) < 0)
		rc = cli_error(EXIT_FAILED, "policy export-vex", "the vulnerability database: %s",
			       path ? customs_error_last() : "out of memory");
	free(path);
	return rc ? rc : cli_policy_run(io, "policy export-vex", *a, *res, *db, NULL, pr);
}

static int export_vex(int argc, char **argv)
{
	static const cli_opt opts[] = {
		{"output", 'o', required_argument, 'o'},
		{"db", 0, required_argument, OPT_DB},
		{NULL, 0, 0, 0},
	};
	cli_image_opts io = {0};
	cli_parser p;
	const char *out = NULL, *dbopt = NULL;
	customs_analysis *a = NULL;
	customs_match_result *res = NULL;
	customs_vulndb *db = NULL;
	customs_policy_result *pr = NULL;
	int opt, rc;

	cli_parser_init(&p, "policy export-vex", argc, argv, opts, CLI_IMAGE_GROUPS | CLI_OPTS_POLICY, &io);
	while ((opt = cli_next(&p)) > 0) {
		if (opt == 'o')
			out = optarg;
		else
			dbopt = optarg;
	}
	if (opt < 0)
		return -opt;
	if (optind >= argc)
		return cli_usage_error("policy export-vex", "missing BUNDLE");
	if (argc - optind > 2)
		return cli_usage_error("policy export-vex", "one BUNDLE and at most one IMAGE");
	io.policy.path = argv[optind];
	if ((rc = cli_policy_prepare(&io, "policy export-vex")) != 0)
		goto done;
	if (argc - optind == 2 && (rc = evaluate(&io, argv[optind + 1], dbopt, &a, &res, &db, &pr)) != 0)
		goto done;
	customs_report r = {.version = CUSTOMS_REPORT_VERSION,
			    .kind = CUSTOMS_REPORT_VEX,
			    .analysis = a,
			    .policy = pr,
			    .bundle = io.policy.bundle};
	cli_output o = {.format = "openvex", .path = out && strcmp(out, "-") ? out : NULL};
	char *tmp;
	FILE *f = cli_output_open(&o, "policy export-vex", &tmp);
	if (!f) {
		rc = EXIT_FAILED;
		goto done;
	}
	int werr = customs_report_write(f, &r, "openvex");
	if (werr < 0)
		cli_error(EXIT_FAILED, "policy export-vex", "%s", customs_error_last());
	rc = cli_output_close(f, &o, "policy export-vex", tmp, werr == 0);
	if (!rc && werr < 0)
		rc = EXIT_FAILED;
done:
	customs_policy_result_free(pr);
	customs_match_result_free(res);
	customs_vulndb_free(db);
	customs_analysis_free(a);
	cli_policy_release(&io);
	return rc;
}

int cmd_policy(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error("policy", "missing a subcommand: validate, describe or export-vex");
	if (!strcmp(argv[1], "validate"))
		return validate(argc - 1, argv + 1);
	if (!strcmp(argv[1], "describe"))
		return describe(argc - 1, argv + 1);
	if (!strcmp(argv[1], "export-vex"))
		return export_vex(argc - 1, argv + 1);
	return cli_usage_error("policy", "unknown subcommand '%s': validate, describe or export-vex", argv[1]);
}
