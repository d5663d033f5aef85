/* cmd_evaluate.c - `customs evaluate IMAGE --policy BUNDLE`: analyse the
 * image with what the bundle's rules need from the layer pass, match it
 * when they need vulnerabilities, evaluate (include/customs/policy.h) and
 * write the verdict through the output stage: GO, WARN or STOP and the
 * table of fired triggers, customs JSON or SARIF. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "common.h"
#include "customs/match.h"
#include "customs/store.h"
#include "customs/vuln.h"

const char cmd_evaluate_usage[] =
	"usage: customs evaluate IMAGE|sbom:FILE --policy BUNDLE [--tag REGISTRY/REPO:TAG] [-o FORMAT[=FILE]]...\n"
	"                        [--fail-on-warn] [--dockerfile FILE] [--base-layers N] [--db PATH]\n"
	"                        [--store URL]\n"
	"\n"
	"Evaluate an Anchore Engine policy bundle (version 1_0, JSON or YAML; see\n"
	"docs/policy.md and `customs policy describe`) against IMAGE: the first\n"
	"mapping that matches the tag picks the policies and allowlists, every rule\n"
	"runs its gate's trigger, allowlists silence what they name (an expired\n"
	"item stops applying and is reported), and the actions fold STOP > WARN > GO.\n"
	"Secrets, configuration files, file digests and package checks are collected\n"
	"in the same single pass over the layers, and only when the bundle asks.\n"
	"\n"
	"With a store (--store, $CUSTOMS_STORE) the image is analysed through it (an\n"
	"image or layers it holds are not read again: see `customs analyze`), a stored\n"
	"base image gives the base layers unless --base-layers does, and the\n"
	"evaluation is kept with the bundle's digest (`customs query IMAGE\n"
	"evaluations`).\n"
	"\n"
	"Options:\n"
	"  -o, --output FORMAT[=FILE]  repeatable, at most one on stdout: table (default),\n"
	"                         json (customs-evaluation, docs/policy.md), sarif\n"
	"  --db PATH              vulnerability database, for the vulnerabilities gate\n"
	"                         (default: $CUSTOMS_DB, else ~/.local/share/customs/vulndb.sqlite)\n"
	"  --timings              print how long the analysis, matching, evaluation and\n"
	"                         output took on stderr (also with CUSTOMS_TIMINGS=1)\n"
	"\n" CLI_POLICY_USAGE "\n"
	"Exit codes: 0 GO or WARN, 1 STOP (or WARN with --fail-on-warn), 2 usage\n"
	"error, 3 the image, the bundle or the database could not be read (an\n"
	"invalid bundle is never GO), 4 verdict written but part of the image could\n"
	"not be read.\n"
	"\n" CLI_IMAGE_USAGE "\n" CLI_STORE_USAGE;

enum {
	OPT_DB = OPT_IMAGE_LAST,
	OPT_TIMINGS,
};

/* The database, its status and the matches, when the bundle's rules need
 * vulnerabilities: 0 or an exit code. */
static int vulns(customs_vulndb **db, customs_vulndb_info **info, customs_match_result **res, const char *dbopt,
		 customs_analysis *a)
{
	char *path = NULL;
	customs_match_opts mo = {.version = CUSTOMS_MATCH_OPTS_VERSION};
	int rc = 0;
	if (dbopt)
		path = strdup(dbopt);
	else if (customs_vulndb_default_path(&path) < 0)
		return cli_error(EXIT_FAILED, "evaluate", "%s", customs_error_last());
	if (!path)
		return cli_error(EXIT_FAILED, "evaluate", "out of memory");
	if (customs_vulndb_open(db, path, 1) < 0)
		rc = cli_error(
			EXIT_FAILED, "evaluate",
			"the bundle's vulnerabilities rules need a vulnerability database: %s (build one with `customs "
			"db import` or `customs db update`, or give --db)",
			customs_error_last());
	else if (customs_vulndb_status(*db, info) < 0 || customs_match_analysis(res, *db, a, &mo) < 0)
		rc = cli_error(EXIT_FAILED, "evaluate", "%s", customs_error_last());
	free(path);
	return rc;
}

int cmd_evaluate(int argc, char **argv)
{
	static const cli_opt opts[] = {
		{"output", 'o', required_argument, 'o'},
		{"db", 0, required_argument, OPT_DB},
		{"timings", 0, no_argument, OPT_TIMINGS},
		{NULL, 0, 0, 0},
	};
	cli_image_opts io = {0};
	cli_outputs outs = {0};
	cli_parser p;
	const char *dbopt = NULL;
	customs_analysis *a = NULL;
	customs_vulndb *db = NULL;
	customs_vulndb_info *info = NULL;
	customs_match_result *res = NULL;
	customs_policy_result *pr = NULL;
	customs_report_writer *w = NULL;
	int opt, rc, timings = cli_timings_env();
	double t[5];

	cli_parser_init(&p, "evaluate", argc, argv, opts, CLI_IMAGE_GROUPS | CLI_OPTS_POLICY | CLI_OPTS_STORE, &io);
	while ((opt = cli_next(&p)) > 0) {
		if (opt == 'o' && (rc = cli_output_add(&outs, "evaluate", optarg, CUSTOMS_REPORT_POLICY)) != 0)
			return rc;
		if (opt == OPT_DB)
			dbopt = optarg;
		if (opt == OPT_TIMINGS)
			timings = 1;
	}
	if (opt < 0)
		return -opt;
	if ((rc = cli_outputs_finish(&outs, "evaluate", "table")) != 0 ||
	    (rc = cli_one_operand("evaluate", argc, "IMAGE", "IMAGE")) != 0)
		return rc;
	if (!io.policy.path)
		return cli_usage_error("evaluate", "missing --policy BUNDLE");
	if ((rc = cli_policy_prepare(&io, "evaluate")) != 0)
		goto done;
	t[0] = cli_now_ms();
	if ((rc = cli_analyze(&a, "evaluate", argv[optind], &io)) != 0)
		goto done;
	customs_analysis_select_packages(a, 0);
	t[1] = cli_now_ms();
	if ((customs_policy_bundle_needs(io.policy.bundle) & CUSTOMS_POLICY_NEEDS_MATCHES) &&
	    (rc = vulns(&db, &info, &res, dbopt, a)) != 0)
		goto done;
	t[2] = cli_now_ms();
	if ((rc = cli_policy_base(&io, "evaluate", a)) != 0 ||
	    (rc = cli_policy_run(&io, "evaluate", a, res, db, info, &pr)) != 0 ||
	    (rc = cli_policy_keep(&io, "evaluate", a, pr)) != 0)
		goto done;
	t[3] = cli_now_ms();
	customs_report r = {.version = CUSTOMS_REPORT_VERSION,
			    .kind = CUSTOMS_REPORT_POLICY,
			    .analysis = a,
			    .matches = res,
			    .vulndb = info,
			    .policy = pr};
	if (customs_report_writer_new(&w, &r) < 0) {
		rc = cli_error(EXIT_FAILED, "evaluate", "%s", customs_error_last());
		goto done;
	}
	if ((rc = cli_write_outputs("evaluate", w, &outs, 0)) != 0)
		goto done;
	t[4] = cli_now_ms();
	if (timings)
		fprintf(stderr,
			"customs evaluate: timings: analysis %.1f ms, match %.1f ms, evaluate %.2f ms (%zu findings), "
			"output "
			"%.1f ms\n",
			t[1] - t[0], t[2] - t[1], t[3] - t[2], pr->n, t[4] - t[3]);
	rc = cli_policy_exit(pr, &io.policy);
	if (!rc)
		rc = cli_analysis_exit(a);
done:
	customs_report_writer_free(w);
	customs_policy_result_free(pr);
	customs_match_result_free(res);
	customs_vulndb_info_free(info);
	customs_vulndb_free(db);
	customs_analysis_free(a);
	customs_store_free(io.store);
	cli_policy_release(&io);
	return rc;
}
