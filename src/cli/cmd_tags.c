/* cmd_tags.c - `customs tags REPO`: the tags of a repository in a registry
 * (GET /v2/NAME/tags/list, following Link pagination), one a line or as
 * {"repository", "tags"} JSON. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "common.h"

const char cmd_tags_usage[] =
	"usage: customs tags REPOSITORY [-o text|json] [--page-size N]\n"
	"\n"
	"List the tags of REPOSITORY in its registry, sorted: registry:HOST[:PORT]/REPO,\n"
	"HOST[:PORT]/REPO, or a Docker Hub name like debian. Pages linked with\n"
	"Link: <...>; rel=\"next\" are followed (at most 1000, CUSTOMS_REGISTRY_MAX_PAGES).\n"
	"\n"
	"Options:\n"
	"  -o, --output FORMAT       text (default: one tag a line) or json\n"
	"  --page-size N             ask for N tags a page (n=N); default: the registry's\n"
	"\n" CLI_REGISTRY_USAGE;

enum { OPT_PAGE_SIZE = OPT_IMAGE_LAST };

int cmd_tags(int argc, char **argv)
{
	static const cli_opt opts[] = {
		{"output", 'o', required_argument, 'o'},
		{"page-size", 0, required_argument, OPT_PAGE_SIZE},
		{NULL, 0, 0, 0},
	};
	cli_image_opts io = {0};
	cli_parser p;
	const char *output = "text";
	int page_size = 0, opt, rc;

	cli_parser_init(&p, "tags", argc, argv, opts, CLI_OPTS_REGISTRY, &io);
	while ((opt = cli_next(&p)) > 0) {
		if (opt == 'o') {
			output = optarg;
		} else {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || end == optarg || v < 1 || v > 100000)
				return cli_usage_error("tags", "--page-size wants a number from 1 to 100000, not '%s'", optarg);
			page_size = (int)v;
		}
	}
	if (opt < 0)
		return -opt;
	if (strcmp(output, "text") && strcmp(output, "json"))
		return cli_usage_error("tags", "unknown output format '%s'; use text or json", output);
	if ((rc = cli_one_operand("tags", argc, "REPOSITORY", "REPOSITORY")) != 0)
		return rc;
	if ((rc = cli_image_prepare(&io, "tags")) != 0)
		return rc;

	customs_strlist tags;
	int err = customs_registry_tags(&tags, argv[optind], page_size, &io.o);
	cli_image_release(&io);
	if (err < 0)
		return cli_error(err == CUSTOMS_EUSAGE ? EXIT_USAGE : EXIT_FAILED, "tags", "%s", customs_error_last());
	if (!strcmp(output, "json")) {
		json_t *arr = json_array();
		for (size_t i = 0; i < tags.n; i++)
			json_array_append_new(arr, json_string(tags.v[i]));
		json_t *j = json_pack("{s:s,s:o}", "repository", argv[optind], "tags", arr);
		rc = cli_write_json(j, NULL);
		json_decref(j);
	} else {
		for (size_t i = 0; i < tags.n; i++)
			printf("%s\n", tags.v[i]);
		rc = fflush(stdout) != 0 ? cli_error(EXIT_FAILED, "tags", "cannot write the output") : EXIT_OK;
	}
	customs_strlist_release(&tags);
	return rc;
}
