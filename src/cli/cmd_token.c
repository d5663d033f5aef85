/* cmd_token.c - `customs token create|list|revoke`: the API tokens of
 * customs serve, kept hashed in the store (include/customs/store.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "common.h"
#include "customs/store.h"

const char cmd_token_usage[] =
	"usage: customs token create NAME [--store URL] [-o table|json]\n"
	"       customs token list [--store URL] [-o table|json]\n"
	"       customs token revoke NAME [--store URL]\n"
	"\n"
	"The API tokens customs serve takes (Authorization: Bearer TOKEN).  create\n"
	"prints the new token once: the store keeps only a salted SHA-256 of it.\n"
	"list shows the names and key ids, revoke withdraws one at once.\n"
	"\n" CLI_STORE_USAGE;

static int write_table(const customs_store_table *t, const char *format, customs_report_kind kind)
{
	customs_report r = {.version = CUSTOMS_REPORT_VERSION, .kind = kind, .columns = t->columns,
			    .ncolumns = t->ncolumns, .cells = t->cells, .nrows = t->nrows, .column_types = t->types,
			    .column_headings = t->headings};
	if (customs_report_write(stdout, &r, format) < 0)
		return cli_error(EXIT_FAILED, "token", "%s", customs_error_last());
	return EXIT_OK;
}

int cmd_token(int argc, char **argv)
{
	static const cli_opt opts[] = {{"output", 'o', required_argument, 'o'}, {NULL, 0, 0, 0}};
	cli_image_opts io = {0};
	cli_parser p;
	const char *format = "table", *verb;
	customs_store_table *t = NULL;
	char *token = NULL;
	int opt, rc;

	cli_parser_init(&p, "token", argc, argv, opts, CLI_OPTS_STORE, &io);
	while ((opt = cli_next(&p)) > 0)
		format = optarg;
	if (opt < 0)
		return -opt;
	if (optind >= argc)
		return cli_usage_error("token", "missing subcommand: create NAME, list or revoke NAME");
	verb = argv[optind++];
	if (strcmp(verb, "create") && strcmp(verb, "list") && strcmp(verb, "revoke"))
		return cli_usage_error("token", "unknown subcommand '%s': create, list or revoke", verb);
	if (argc - optind != (strcmp(verb, "list") ? 1 : 0))
		return cli_usage_error("token", strcmp(verb, "list") ? "%s takes one NAME" : "%s takes no NAME", verb);
	if ((rc = cli_format_check("token", format, strcmp(verb, "create") ? CUSTOMS_REPORT_ROWS
									: CUSTOMS_REPORT_RECORD)) != 0)
		return rc;
	if ((rc = cli_store_open(&io.store, "token", io.store_url, 1)) != 0)
		return rc;
	if (!strcmp(verb, "create")) {
		if (customs_store_token_create(io.store, argv[optind], &token) < 0) {
			rc = cli_error(EXIT_FAILED, "token", "%s", customs_error_last());
		} else {
			static const char *const cols[] = {"name", "token"};
			static const char *const heads[] = {"NAME", "TOKEN"};
			const char *cells[] = {argv[optind], token};
			customs_store_table one = {cols, heads, "ss", 2, cells, 1};
			rc = write_table(&one, format, CUSTOMS_REPORT_RECORD);
			explicit_bzero(token, strlen(token));
		}
	} else if (!strcmp(verb, "list")) {
		if (customs_store_tokens(io.store, &t) < 0)
			rc = cli_error(EXIT_FAILED, "token", "%s", customs_error_last());
		else
			rc = write_table(t, format, CUSTOMS_REPORT_ROWS);
	} else if (customs_store_token_revoke(io.store, argv[optind]) < 0) {
		rc = cli_error(EXIT_FAILED, "token", "%s", customs_error_last());
	} else {
		fprintf(stderr, "customs token: revoked %s\n", argv[optind]);
	}
	free(token);
	customs_store_table_free(t);
	customs_store_free(io.store);
	return rc;
}
