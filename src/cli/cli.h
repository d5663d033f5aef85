/* cli.h - the customs command-line tool: one cmd_<verb>.c per subcommand. */
#ifndef CUSTOMS_CLI_H
#define CUSTOMS_CLI_H

#include <stdio.h>

/* Exit codes (documented in `customs --help`). */
enum {
	EXIT_OK = 0,
	EXIT_FINDINGS = 1,    /* --fail-on threshold reached, policy STOP (or WARN with --fail-on-warn) */
	EXIT_USAGE = 2,       /* wrong flag, unknown command */
	EXIT_FAILED = 3,      /* the image or input could not be read at all */
	EXIT_INCOMPLETE = 4,  /* results written, but part of the image was unreadable */
};

typedef struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
	const char *usage;    /* full help text for `customs help CMD` */
} cli_command;

extern const cli_command cli_commands[];

/* Print "customs CMD: message" on stderr; returns code. */
int cli_error(int code, const char *cmd, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const cli_command *cli_find(const char *name);

int cmd_inspect(int argc, char **argv);
int cmd_sbom(int argc, char **argv);
int cmd_convert(int argc, char **argv); extern const char cmd_convert_usage[];
int cmd_help(int argc, char **argv);
int cmd_db(int argc, char **argv); extern const char cmd_db_usage[];
int cmd_tags(int argc, char **argv);
int cmd_vercmp(int argc, char **argv);
int cmd_scan(int argc, char **argv); extern const char cmd_scan_usage[];
int cmd_analyze(int argc, char **argv); extern const char cmd_analyze_usage[];
int cmd_images(int argc, char **argv); extern const char cmd_images_usage[];
int cmd_image(int argc, char **argv); extern const char cmd_image_usage[];
int cmd_query(int argc, char **argv); extern const char cmd_query_usage[];
int cmd_diff(int argc, char **argv); extern const char cmd_diff_usage[];
int cmd_rematch(int argc, char **argv); extern const char cmd_rematch_usage[];
int cmd_evaluate(int argc, char **argv); extern const char cmd_evaluate_usage[];
int cmd_policy(int argc, char **argv); extern const char cmd_policy_usage[];
int cmd_plugin(int argc, char **argv); extern const char cmd_plugin_usage[];
int cmd_serve(int argc, char **argv); extern const char cmd_serve_usage[];
int cmd_worker(int argc, char **argv); extern const char cmd_worker_usage[];
int cmd_token(int argc, char **argv); extern const char cmd_token_usage[];

extern const char cmd_inspect_usage[];
extern const char cmd_tags_usage[];
extern const char cmd_sbom_usage[];
extern const char cmd_vercmp_usage[];

#endif
