/* cmd_tags.c - `customs tags REPO`: the tags of a repository in a registry
 * (GET /v2/NAME/tags/list, following Link pagination). */
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
	"\n" CLI_IMAGE_USAGE;

enum { OPT_PAGE_SIZE = OPT_IMAGE_LAST };

int cmd_tags(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"page-size", required_argument, NULL, OPT_PAGE_SIZE},
		CLI_IMAGE_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	cli_image_opts io = {0};
	const char *output = "text";
	int page_size = 0, opt, rc;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		if ((rc = cli_image_opt(&io, "tags", opt, optarg)) != 0) {
			if (rc < 0)
				return EXIT_USAGE;
			continue;
		}
		switch (opt) {
		case 'o':
			output = optarg;
			break;
		case OPT_PAGE_SIZE: {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || end == optarg || v < 1 || v > 100000)
				return cli_usage_error("tags", "--page-size wants a number from 1 to 100000, not '%s'", optarg);
			page_size = (int)v;
			break;
		}
		default:
			return cli_usage_error("tags", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (strcmp(output, "text") && strcmp(output, "json"))
		return cli_usage_error("tags", "unknown output format '%s'; use text or json", output);
	if (optind + 1 != argc)
		return cli_usage_error("tags", optind >= argc ? "missing REPOSITORY" : "one REPOSITORY at a time");
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
