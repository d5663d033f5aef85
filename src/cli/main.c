/* main.c - customs: entry point and subcommand dispatch. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "customs/customs.h"
#include "cli.h"

static const char main_usage[] =
	"usage: customs [--version] [--help] COMMAND [ARGS]\n"
	"\n"
	"Inspect container images: what is inside, where it came from.\n"
	"\n"
	"Commands:\n"
	"%s"
	"\n"
	"Images (IMAGE):\n"
	"  docker-archive:FILE.tar   a `docker save` tarball\n"
	"  oci-archive:FILE.tar      a tar of an OCI image layout\n"
	"  oci:DIR[:TAG]             an OCI image layout directory\n"
	"  dir:DIR                   a plain root filesystem (one layer)\n"
	"  registry:HOST[:PORT]/REPO[:TAG|@DIGEST]  an image in a registry, pulled as it is read\n"
	"  sbom:FILE                 an SBOM (SPDX 2.3 JSON/tag-value, CycloneDX 1.4-1.7 JSON,\n"
	"                            customs JSON): its packages, for sbom, scan and convert\n"
	"  store:DIGEST|TAG          an analysis kept in the store (customs analyze; --store URL)\n"
	"  PATH                      any of the above, detected\n"
	"  NAME[:TAG]                not a path: a registry reference (debian:12 is\n"
	"                            docker.io/library/debian:12)\n"
	"\n"
	"Exit codes:\n"
	"  0  success\n"
	"  1  findings at or above the --fail-on threshold; a policy's STOP\n"
	"  2  usage error (unknown command or flag)\n"
	"  3  the image could not be read\n"
	"  4  results written, but part of the image could not be read (incomplete)\n"
	"\n"
	"Run `customs help COMMAND` for a command's options.\n";

static const char help_usage[] = "usage: customs help [COMMAND]\n";

const cli_command cli_commands[] = {
	{"inspect", cmd_inspect, "image metadata, layers, file catalog, distro", cmd_inspect_usage},
	{"sbom", cmd_sbom, "packages in the image (dpkg, apk, rpm, ...)", cmd_sbom_usage},
	{"scan", cmd_scan, "known vulnerabilities of the image's packages (or an SBOM's)", cmd_scan_usage},
	{"evaluate", cmd_evaluate, "evaluate a policy bundle against the image: GO, WARN or STOP", cmd_evaluate_usage},
	{"policy", cmd_policy, "validate and describe policy bundles, export their allowlists as VEX", cmd_policy_usage},
	{"convert", cmd_convert, "convert an SBOM between SPDX, CycloneDX and customs JSON", cmd_convert_usage},
	{"vercmp", cmd_vercmp, "compare versions under an ecosystem's ordering", cmd_vercmp_usage},
	{"tags", cmd_tags, "list the tags of a repository in a registry", cmd_tags_usage},
	{"db", cmd_db, "build, update and describe the vulnerability database", cmd_db_usage},
	{"analyze", cmd_analyze, "analyse an image into the store (by digest, with its tag)", cmd_analyze_usage},
	{"images", cmd_images, "the store's images, their tags and vulnerability counts", cmd_images_usage},
	{"image", cmd_image, "remove an image from the store (image rm)", cmd_image_usage},
	{"query", cmd_query, "ask the store about one image or every image", cmd_query_usage},
	{"diff", cmd_diff, "what changed between two images", cmd_diff_usage},
	{"rematch", cmd_rematch, "match every stored image against the database again", cmd_rematch_usage},
	{"plugin", cmd_plugin, "list the external plugins: analyzers, queries, gates", cmd_plugin_usage},
	{"serve", cmd_serve, "serve the HTTP API (images, queries, jobs) with workers", cmd_serve_usage},
	{"worker", cmd_worker, "take analyses off the store's job queue (with customs serve)", cmd_worker_usage},
	{"token", cmd_token, "create, list and revoke the API tokens of customs serve", cmd_token_usage},
	{"help", cmd_help, "show help for a command", help_usage},
	{NULL, NULL, NULL, NULL},
};

int cli_error(int code, const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "customs%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "customs%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see `customs help %s`)\n", cmd ? cmd : "");
	return EXIT_USAGE;
}

const cli_command *cli_find(const char *name)
{
	for (const cli_command *c = cli_commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

static void print_main_usage(FILE *f)
{
	char list[4096];
	size_t off = 0;
	for (const cli_command *c = cli_commands; c->name && off < sizeof(list); c++)
		off += (size_t)snprintf(list + off, sizeof(list) - off, "  %-10s %s\n", c->name, c->summary);
	fprintf(f, main_usage, list);
}

int cmd_help(int argc, char **argv)
{
	if (argc < 2) {
		print_main_usage(stdout);
		return EXIT_OK;
	}
	const cli_command *c = cli_find(argv[1]);
	if (!c)
		return cli_error(EXIT_USAGE, "help", "unknown command '%s'; run `customs help` for the list", argv[1]);
	fputs(c->usage, stdout);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		print_main_usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("customs %s\n", customs_version());
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		print_main_usage(stdout);
		return EXIT_OK;
	}
	const cli_command *c = cli_find(argv[1]);
	if (!c)
		return cli_error(EXIT_USAGE, NULL, "unknown command '%s'; run `customs --help` for the list", argv[1]);
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(c->usage, stdout);
			return EXIT_OK;
		}
	return c->run(argc - 1, argv + 1);
}
