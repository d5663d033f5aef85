/* cmd_images.c - `customs images`: the store's images with their tags,
 * distro, packages and vulnerability counts; `customs image rm DIGEST|TAG`:
 * remove one.  Written through the output stage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "common.h"
#include "customs/store.h"

const char cmd_images_usage[] =
	"usage: customs images [-o table|json] [--store URL]\n"
	"\n"
	"List the images in the store, newest analysis first: digest, the tags that\n"
	"name it now, distro, packages, and its active vulnerabilities by severity\n"
	"(against the database it was last matched with; `customs rematch` after a\n"
	"database update brings every image up to date).\n"
	"\n" CLI_STORE_USAGE;

const char cmd_image_usage[] =
	"usage: customs image rm DIGEST|TAG [--store URL]\n"
	"\n"
	"Remove an image from the store: its analysis, and what no other stored image\n"
	"shares (its layers' files and results, its package data, its matches).  Its\n"
	"tags' history stays.  DIGEST may be a unique prefix (at least 6 hex digits).\n"
	"\n" CLI_STORE_USAGE;

int cmd_images(int argc, char **argv)
{
	static const cli_opt opts[] = {{"output", 'o', required_argument, 'o'}, {NULL, 0, 0, 0}};
	cli_image_opts io = {0};
	cli_parser p;
	const char *format = "table";
	customs_store_image_list *l = NULL;
	int opt, rc;

	cli_parser_init(&p, "images", argc, argv, opts, CLI_OPTS_STORE, &io);
	while ((opt = cli_next(&p)) > 0)
		format = optarg;
	if (opt < 0)
		return -opt;
	if ((rc = cli_format_check("images", format, CUSTOMS_REPORT_IMAGES)) != 0)
		return rc;
	if (optind < argc)
		return cli_usage_error("images", "unexpected argument '%s'", argv[optind]);
	if ((rc = cli_store_open(&io.store, "images", io.store_url, 1)) != 0)
		return rc;
	if (customs_store_images(io.store, &l) < 0) {
		rc = cli_error(EXIT_FAILED, "images", "%s", customs_error_last());
	} else {
		customs_report r = {.version = CUSTOMS_REPORT_VERSION, .kind = CUSTOMS_REPORT_IMAGES, .images = l};
		if (customs_report_write(stdout, &r, format) < 0)
			rc = cli_error(EXIT_FAILED, "images", "%s", customs_error_last());
	}
	customs_store_image_list_free(l);
	customs_store_free(io.store);
	return rc;
}

int cmd_image(int argc, char **argv)
{
	cli_image_opts io = {0};
	cli_parser p;
	char *digest = NULL;
	int opt, rc;

	cli_parser_init(&p, "image", argc, argv, NULL, CLI_OPTS_STORE, &io);
	if ((opt = cli_next(&p)) < 0)
		return -opt;
	if (optind >= argc || strcmp(argv[optind], "rm") != 0)
		return cli_usage_error("image", optind < argc ? "unknown subcommand '%s': the one there is, is rm"
							      : "missing subcommand%s: customs image rm DIGEST|TAG",
				       optind < argc ? argv[optind] : "");
	optind++;
	if (optind >= argc)
		return cli_usage_error("image", "missing DIGEST or TAG");
	if (optind + 1 != argc)
		return cli_usage_error("image", "one image at a time");
	if ((rc = cli_store_open(&io.store, "image", io.store_url, 1)) != 0)
		return rc;
	if (customs_store_remove(io.store, argv[optind], &digest) < 0)
		rc = cli_error(EXIT_FAILED, "image", "%s", customs_error_last());
	else
		fprintf(stderr, "customs image: removed %s\n", digest);
	free(digest);
	customs_store_free(io.store);
	return rc;
}
