/* common.h - what several subcommands share: image options, progress, the
 * run of an analysis with its warnings printed. */
#ifndef CUSTOMS_CLI_COMMON_H
#define CUSTOMS_CLI_COMMON_H

#include <getopt.h>

#include "customs/customs.h"
#include "customs/sbom.h"

/* Long options every image-reading command accepts; values >= 1000. */
enum {
	OPT_PLATFORM = 1000,
	OPT_VERIFY_DIFF_IDS,
	OPT_FILE_DIGESTS,
	OPT_THREADS,
	OPT_MAX_LAYER_BYTES,
	OPT_MAX_RATIO,
	OPT_ANALYZERS,
	OPT_QUIET,
	OPT_INSECURE_REGISTRY,
	OPT_CA_FILE,
	OPT_USERNAME,
	OPT_PASSWORD_STDIN,
	OPT_IMAGE_LAST, /* commands number their own options from here */
};

#define CLI_IMAGE_LONGOPTS                                                             \
	{"platform", required_argument, NULL, OPT_PLATFORM},                           \
	{"verify-diff-ids", no_argument, NULL, OPT_VERIFY_DIFF_IDS},                   \
	{"file-digests", no_argument, NULL, OPT_FILE_DIGESTS},                         \
	{"threads", required_argument, NULL, OPT_THREADS},                             \
	{"max-layer-bytes", required_argument, NULL, OPT_MAX_LAYER_BYTES},             \
	{"max-ratio", required_argument, NULL, OPT_MAX_RATIO},                         \
	{"analyzers", required_argument, NULL, OPT_ANALYZERS},                         \
	{"quiet", no_argument, NULL, OPT_QUIET},                                       \
	{"insecure-registry", required_argument, NULL, OPT_INSECURE_REGISTRY},         \
	{"ca-file", required_argument, NULL, OPT_CA_FILE},                             \
	{"username", required_argument, NULL, OPT_USERNAME},                           \
	{"password-stdin", no_argument, NULL, OPT_PASSWORD_STDIN}

#define CLI_IMAGE_USAGE                                                                              \
	"Image options:\n"                                                                           \
	"  --platform OS/ARCH[/VARIANT]  image to pick from a multi-platform index (default linux/amd64)\n" \
	"  --verify-diff-ids             also hash uncompressed layers against the config's diff_ids\n" \
	"  --file-digests                sha256 of every regular file\n"                              \
	"  --threads N                   layers read at once (default: number of cores)\n"            \
	"  --max-layer-bytes N[K|M|G]    uncompressed size limit per layer (default 64G)\n"           \
	"  --max-ratio N                 decompression ratio limit (default 1000)\n"                  \
	"  --analyzers A,B               run only these analyzers (default: all)\n"                   \
	"  --quiet                       no progress line and no warnings on stderr\n"                \
	"\n"                                                                                         \
	"Registry options (registry:HOST[:PORT]/REPO[:TAG|@DIGEST], or debian:12):\n"               \
	"  --username USER               log in as USER (with --password-stdin)\n"                    \
	"  --password-stdin              read the password (or token) from stdin\n"                   \
	"  --insecure-registry HOST[:PORT]  plain HTTP or unverified TLS for HOST (repeatable)\n"     \
	"  --ca-file FILE                PEM certificates to verify registries with\n"               \
	"  Credentials otherwise come from CUSTOMS_REGISTRY_USERNAME/CUSTOMS_REGISTRY_PASSWORD,\n"   \
	"  then docker's config.json ($DOCKER_CONFIG or ~/.docker: auths, credHelpers,\n"          \
	"  credsStore). CUSTOMS_INSECURE_REGISTRIES is a comma list like --insecure-registry.\n"     \
	"  Network tuning (seconds): CUSTOMS_HTTP_CONNECT_TIMEOUT (15), CUSTOMS_HTTP_LOW_SPEED_TIME\n" \
	"  (30: abort below CUSTOMS_HTTP_LOW_SPEED_LIMIT bytes/s, 1024), CUSTOMS_HTTP_TIMEOUT (300\n" \
	"  per small request), CUSTOMS_HTTP_BLOB_TIMEOUT (1800 per blob request, then resume),\n"    \
	"  CUSTOMS_HTTP_RETRIES (3).\n"

typedef struct cli_image_opts {
	customs_options o;
	int quiet;
	int password_stdin;
	char insecure[4096];     /* --insecure-registry values and CUSTOMS_INSECURE_REGISTRIES */
	char *password;          /* read from stdin; wiped after use */
} cli_image_opts;

/* Handle an image option; 1 if it was one, 0 if not, <0 usage error printed. */
int cli_image_opt(cli_image_opts *io, const char *cmd, int opt, const char *arg);

/* Complete the registry options after parsing: the password from stdin,
 * the CUSTOMS_REGISTRY_* and CUSTOMS_INSECURE_REGISTRIES environment.
 * 0, or an exit code with the error printed. cli_analyze calls it. */
int cli_image_prepare(cli_image_opts *io, const char *cmd);
/* Wipe and free what cli_image_prepare read. */
void cli_image_release(cli_image_opts *io);

/* Analyse ref with progress on a TTY; prints warnings (one line each).
 * Returns 0, or an exit code with the error printed. */
int cli_analyze(customs_analysis **out, const char *cmd, const char *ref, cli_image_opts *io);

/* Exit code for a finished analysis: EXIT_OK or EXIT_INCOMPLETE. */
int cli_analysis_exit(const customs_analysis *a);

/* "1.5 MB" */
const char *cli_human_bytes(char *buf, size_t n, double bytes);

/* Write JSON to stdout (or FILE), pretty and with sorted keys off. */
int cli_write_json(json_t *j, const char *path);

/* -o FORMAT[=FILE], repeatable: several outputs of one run. */
typedef struct cli_output {
	char format[40];          /* as given: "table", "spdx-json", "cyclonedx-json@1.5" */
	customs_sbom_format fmt;  /* CUSTOMS_SBOM_UNKNOWN for table */
	const char *path;         /* NULL: stdout */
} cli_output;

typedef struct cli_outputs {
	cli_output v[16];
	size_t n;
} cli_outputs;

/* Add one -o value if its format is in allowed (NULL-terminated); else a
 * usage error is printed and its exit code returned. */
int cli_output_add(cli_outputs *o, const char *cmd, const char *arg, const char *const *allowed);
/* After parsing: dflt when none was given; at most one on stdout, no file
 * twice.  0 or the usage error's exit code. */
int cli_outputs_finish(cli_outputs *o, const char *cmd, const char *dflt);
/* The stream for an output: stdout, or a temporary file beside FILE that
 * cli_output_close renames over it when ok (removes it otherwise). */
FILE *cli_output_open(const cli_output *out, const char *cmd, char **tmp);
int cli_output_close(FILE *f, const cli_output *out, const char *cmd, char *tmp, int ok);

#endif
