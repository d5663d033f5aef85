/* common.h - what several subcommands share: option tables and the image
 * options, progress, the run of an analysis with its warnings printed, the
 * -o outputs written through the library's output stage. */
#ifndef CUSTOMS_CLI_COMMON_H
#define CUSTOMS_CLI_COMMON_H

#include <getopt.h>

#include "customs/customs.h"
#include "customs/report.h"
#include "customs/sbom.h"
#include "customs/store.h"
#include "customs/vuln.h"

/* Options shared by several commands; values >= 1000, commands number
 * their own from OPT_IMAGE_LAST. */
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
	OPT_SCOPE,
	OPT_STORE,
	OPT_SECRETS,
	OPT_POLICY,
	OPT_POLICY_TAG,
	OPT_FAIL_ON_WARN,
	OPT_DOCKERFILE,
	OPT_BASE_LAYERS,
	OPT_SOURCE_SBOM,
	OPT_AS_OF,
	OPT_PLUGIN,
	OPT_IMAGE_LAST,
};

/* The groups of shared options a command takes, parsed by cli_next into
 * its cli_image_opts. */
enum {
	CLI_OPTS_IMAGE = 1,    /* --platform ... --analyzers: how the image is read */
	CLI_OPTS_QUIET = 2,    /* --quiet */
	CLI_OPTS_REGISTRY = 4, /* --username, --password-stdin, --insecure-registry, --ca-file */
	CLI_OPTS_SCOPE = 8,    /* --scope squashed|all-layers */
	CLI_OPTS_STORE = 16,   /* --store URL */
	CLI_OPTS_POLICY = 32,  /* --policy and what an evaluation takes */
};

#define CLI_IMAGE_GROUPS (CLI_OPTS_IMAGE | CLI_OPTS_QUIET | CLI_OPTS_REGISTRY)

/* The help of the shared options, byte for byte what `customs help` has
 * always printed. */
#define CLI_IMAGE_USAGE CLI_IMAGE_OPTIONS_USAGE "\n" CLI_REGISTRY_USAGE

#define CLI_IMAGE_OPTIONS_USAGE                                                                      \
	"Image options:\n"                                                                           \
	"  --platform OS/ARCH[/VARIANT]  image to pick from a multi-platform index (default linux/amd64)\n" \
	"  --verify-diff-ids             also hash uncompressed layers against the config's diff_ids\n" \
	"  --file-digests                sha256 of every regular file\n"                              \
	"  --threads N                   layers read at once (default: number of cores)\n"            \
	"  --max-layer-bytes N[K|M|G]    uncompressed size limit per layer (default 64G)\n"           \
	"  --max-ratio N                 decompression ratio limit (default 1000)\n"                  \
	"  --analyzers A,B               run only these analyzers (default: all but the opt-in ones)\n" \
	"  --secrets                     scan every file of every layer for secrets (keys, tokens,\n" \
	"                                passwords; shown redacted)\n"                               \
	"  --plugin FILE.so              load the analyzers of a shared object (docs/plugins.md;\n"  \
	"                                repeatable)\n"                                              \
	"  --quiet                       no progress line and no warnings on stderr\n"

#define CLI_REGISTRY_USAGE                                                                           \
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

#define CLI_STORE_USAGE                                                                              \
	"Store option:\n"                                                                             \
	"  --store URL                   the store: sqlite:PATH (or a PATH) or postgres://USER@HOST/DB\n" \
	"                                (default: $CUSTOMS_STORE, else ~/.local/share/customs/store.sqlite)\n"

/* The help of the policy options, for evaluate and scan. */
#define CLI_POLICY_USAGE                                                                             \
	"Policy options:\n"                                                                          \
	"  --policy BUNDLE            an Anchore Engine policy bundle (JSON or YAML): evaluate it\n"  \
	"  --tag REGISTRY/REPO:TAG    what the bundle's mappings match (default: the image's\n"      \
	"                             registry reference, its first tag, else localbuild/NAME:TAG)\n" \
	"  --fail-on-warn             exit 1 on WARN too (STOP always exits 1)\n"                   \
	"  --dockerfile FILE          the image's Dockerfile for the dockerfile gate (default:\n"    \
	"                             guessed from the image's history and config)\n"               \
	"  --base-layers N            the first N layers are the base image's: findings are split\n"  \
	"                             into the base's and the image's own (inherited_from_base)\n"  \
	"  --source-sbom FILE         the SBOM of the image's source (image_source_drift)\n"         \
	"  --as-of DATE               evaluate as of DATE (YYYY-MM-DD or RFC 3339): allowlist\n"     \
	"                             expiry and ages are counted to it\n"

/* What --policy and its companions gave, and what they loaded. */
typedef struct cli_policy {
	const char *path;               /* --policy */
	const char *tag;
	const char *dockerfile;         /* a path */
	const char *source_sbom;
	int base_layers;
	int fail_on_warn;
	long long as_of;                /* seconds since the epoch, 0: now */
	customs_policy_bundle *bundle;  /* loaded by cli_policy_prepare */
	char *dockerfile_text;
	customs_analysis *source;
} cli_policy;

typedef struct cli_image_opts {
	customs_options o;
	cli_policy policy;
	const char *store_url;   /* --store */
	int store_group;         /* the command takes --store: cli_analyze uses a store given so */
	customs_store *store;    /* when set, cli_analyze goes through it; the command frees it */
	const char *tag;         /* with store: the tag to record */
	int force;               /* with store: analyse a stored digest again */
	unsigned load_flags;     /* with store: CUSTOMS_STORE_LOAD_* for a stored image */
	int quiet;
	int all_layers;          /* --scope all-layers */
	int password_stdin;
	char insecure[4096];     /* --insecure-registry values and CUSTOMS_INSECURE_REGISTRIES */
	char *password;          /* read from stdin; wiped after use */
} cli_image_opts;

/* One option of a command's table; the table ends with a NULL name. */
typedef struct cli_opt {
	const char *name;        /* --NAME */
	int letter;              /* -L as well, or 0 */
	int has_arg;             /* no_argument or required_argument */
	int id;                  /* what cli_next returns for it */
} cli_opt;

#define CLI_OPTS_MAX 40

/* getopt_long over a command's own options and its groups of shared ones. */
typedef struct cli_parser {
	const char *cmd;
	int argc;
	char **argv;
	const cli_opt *own;
	cli_image_opts *io;
	struct option longopts[CLI_OPTS_MAX + 1];
	char shortopts[2 * CLI_OPTS_MAX + 1];
} cli_parser;

/* Build the getopt_long tables of own (may be NULL) and the groups
 * (CLI_OPTS_*), whose values go into io (may be NULL without groups). */
void cli_parser_init(cli_parser *p, const char *cmd, int argc, char **argv, const cli_opt *own, unsigned groups,
		     cli_image_opts *io);
/* The id of the next of the command's own options, its value in optarg;
 * shared options are handled on the way.  0 when the options are done
 * (optind: the first operand); -EXIT_USAGE after printing a usage error
 * (an unknown option, a bad value). */
int cli_next(cli_parser *p);

/* After the options: 0 when exactly one operand is left (argv[optind]),
 * else the usage error's exit code ("missing MISSING", "one WHAT at a
 * time"). */
int cli_one_operand(const char *cmd, int argc, const char *missing, const char *what);

/* Complete the registry options after parsing: the password from stdin,
 * the CUSTOMS_REGISTRY_* and CUSTOMS_INSECURE_REGISTRIES environment.
 * 0, or an exit code with the error printed. cli_analyze calls it. */
int cli_image_prepare(cli_image_opts *io, const char *cmd);
/* Wipe and free what cli_image_prepare read. */
void cli_image_release(cli_image_opts *io);

/* Analyse ref with progress on a TTY; prints warnings (one line each).
 * With io->store, or when the command takes --store and a store is given
 * (--store, $CUSTOMS_STORE: then opened into io->store), or for
 * store:DIGEST|TAG, through the store (customs_store_analyze; stats, when
 * not NULL, says what it did).  Returns 0, or an exit code with the error
 * printed. */
int cli_analyze(customs_analysis **out, const char *cmd, const char *ref, cli_image_opts *io);
int cli_analyze_stored(customs_analysis **out, const char *cmd, const char *ref, cli_image_opts *io,
		       customs_store_stats *stats);

/* The vulnerability database a command matches against: opt (--db), which
 * must be there; else the default one (customs_vulndb_default_path), which
 * must be there when need, else *out NULL when it is not.  0, or an exit
 * code with the error printed. */
int cli_vulndb_open(customs_vulndb **out, const char *cmd, const char *opt, int need);

/* The store a command uses: --store (url), else $CUSTOMS_STORE; when
 * neither is given, the default store when need, else none (*out NULL).
 * 0, or an exit code with the error printed. */
int cli_store_open(customs_store **out, const char *cmd, const char *url, int need);

/* With --policy: load and validate the bundle (each problem on stderr),
 * read --dockerfile and --source-sbom, and turn on in io->o what the
 * bundle's rules need from the layer pass.  0, or an exit code. */
int cli_policy_prepare(cli_image_opts *io, const char *cmd);
/* Evaluate the bundle over a and its matches (m, db, info may be NULL). */
int cli_policy_run(cli_image_opts *io, const char *cmd, const customs_analysis *a, const customs_match_result *m,
		   customs_vulndb *db, const customs_vulndb_info *info, customs_policy_result **out);
/* With a store (io->store): keep the evaluation with the image's and the
 * bundle's digests (customs query IMAGE evaluations).  0 or an exit code. */
int cli_policy_keep(cli_image_opts *io, const char *cmd, const customs_analysis *a, const customs_policy_result *pr);
/* With a store and no --base-layers: the stored base image of a, when
 * there is one, gives the evaluation's base layers.  0 or an exit code. */
int cli_policy_base(cli_image_opts *io, const char *cmd, const customs_analysis *a);
/* EXIT_FINDINGS for STOP, and for WARN with --fail-on-warn; else EXIT_OK. */
int cli_policy_exit(const customs_policy_result *r, const cli_policy *p);
void cli_policy_release(cli_image_opts *io);
/* Load a bundle, printing each problem as "customs CMD: FILE: PATH: what":
 * 0, or EXIT_FAILED. */
int cli_bundle_load(customs_policy_bundle **out, const char *cmd, const char *path);

/* Exit code for a finished analysis: EXIT_OK or EXIT_INCOMPLETE. */
int cli_analysis_exit(const customs_analysis *a);

/* The feeds `db update` fetches (and `scan` without a database): config
 * (--config FILE), else $CUSTOMS_FEEDS, else the built-in list.  *loaded
 * is what to free with customs_vulndb_feeds_free(*loaded, *n), or NULL.
 * 0 or an exit code with the error printed. */
int cli_feeds(const customs_vulndb_feed **feeds, size_t *n, customs_vulndb_feed **loaded, const char *config,
	      const char *cmd);

/* "2025-02-12T08:00:00Z" / "2025-02-12" as seconds since the epoch (UTC),
 * -1 when s is not a date. */
long long cli_parse_time(const char *s);

/* Milliseconds of a monotonic clock, for --timings. */
double cli_now_ms(void);
/* CUSTOMS_TIMINGS is set and not "0". */
int cli_timings_env(void);

/* Write JSON to stdout (or FILE), pretty and with sorted keys off. */
int cli_write_json(json_t *j, const char *path);

/* -o FORMAT[=FILE], repeatable: several outputs of one run. */
typedef struct cli_output {
	char format[40];          /* as given: "table", "spdx-json", "cyclonedx-json@1.5" */
	const char *path;         /* NULL: stdout */
} cli_output;

typedef struct cli_outputs {
	cli_output v[16];
	size_t n;
} cli_outputs;

/* Add one -o value if its format can write kind (customs/report.h); else
 * a usage error is printed and its exit code returned. */
int cli_output_add(cli_outputs *o, const char *cmd, const char *arg, customs_report_kind kind);
/* A single -o FORMAT (no =FILE, the last one given counts): 0 when it can
 * write kind, else the usage error's exit code. */
int cli_format_check(const char *cmd, const char *format, customs_report_kind kind);
/* After parsing: dflt when none was given; at most one on stdout, no file
 * twice.  0 or the usage error's exit code. */
int cli_outputs_finish(cli_outputs *o, const char *cmd, const char *dflt);
/* The stream for an output: stdout, or a temporary file beside FILE that
 * cli_output_close renames over it when ok (removes it otherwise). */
FILE *cli_output_open(const cli_output *out, const char *cmd, char **tmp);
int cli_output_close(FILE *f, const cli_output *out, const char *cmd, char *tmp, int ok);
/* Write every output through w, each to its stream; the first error stops.
 * timings: how long each took, on stderr.  0 or an exit code. */
int cli_write_outputs(const char *cmd, customs_report_writer *w, const cli_outputs *outs, int timings);

#endif
