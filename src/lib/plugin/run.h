/* run.h - one run of a plugin executable (run.c): no shell, a minimal
 * environment, stdin written, stdout and stderr read through poll() with a
 * deadline and caps; a plugin that overstays or floods is killed with its
 * whole process group. */
#ifndef CUSTOMS_PLUGIN_RUN_H
#define CUSTOMS_PLUGIN_RUN_H

#include <stddef.h>

#include "util/util.h"

typedef struct plugin_limits {
	double timeout;        /* seconds */
	size_t max_output;     /* bytes of stdout */
} plugin_limits;

/* What one run gave.  stdout_buf and stderr_buf hold what was read (NUL-
 * terminated; stderr keeps its first PLUGIN_STDERR_MAX bytes). */
typedef struct plugin_output {
	customs_buf out;
	customs_buf err;
	int status;            /* exit code, or 128 + signal */
	int timed_out;
	int overflowed;        /* stdout went past max_output */
} plugin_output;

#define PLUGIN_STDERR_MAX (16u << 10)

/* The limits of CUSTOMS_PLUGIN_TIMEOUT (seconds, default 30) and
 * CUSTOMS_PLUGIN_MAX_OUTPUT (bytes, default 16M) in the caller's
 * environment; a value that is not a positive number is ignored. */
void plugin__limits_default(plugin_limits *out);

/* Run path with argv[1] = arg, environment env (NULL-terminated "K=V"),
 * in directory cwd (NULL: "/"), stdin = in[0..inlen).  0 when it ran (its
 * exit status, a timeout or an overflow is in *out, to judge by the
 * caller), or a CUSTOMS_E* code when it could not be started.  Release
 * *out with plugin__output_release() either way. */
int plugin__run(plugin_output *out, const char *path, const char *arg, const char *const *env, const char *cwd,
		const char *in, size_t inlen, const plugin_limits *lim);
void plugin__output_release(plugin_output *o);

/* Why a run failed, as the end of a sentence ("timed out after 2 s",
 * "exited with status 3", ...), with the start of its stderr; 0 when it did
 * not fail (exit 0 within the limits), else 1 with why filled. */
int plugin__failed(const plugin_output *o, const plugin_limits *lim, char *why, size_t cap);

#endif
