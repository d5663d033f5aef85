/* plugin_int.h - what the plugin stage's files share: a found plugin with
 * what its describe said (plugin.c), one run of it (call.c, over run.c),
 * the analyzer bridge (analyzer.c), the wanted files' globs and the
 * private directory they are written into (root.c), the request
 * (request.c). */
#ifndef CUSTOMS_PLUGIN_INT_H
#define CUSTOMS_PLUGIN_INT_H

#include "customs/plugin.h"
#include "customs/sys/analyzer.h"
#include "plugin/run.h"

typedef struct plugin_entry {
	customs_plugin pub;      /* first: a customs_plugin * is a plugin_entry * */
	customs_analyzer_type type; /* analyzers: the table registered for it */
	char *analyzer_name;     /* "plugin:NAME" */
	customs_strlist globs;   /* analyzers: the files it wants */
	uint64_t max_size;       /* per file */
	size_t max_count;        /* files in all */
	int wants_file_list;     /* "analysis": ["files"]: the visible files go in the request */
} plugin_entry;

/* Limits of describe: files are capped at 64 MiB each and 100,000 in
 * all; the defaults are 1 MiB and 1,000. */
#define PLUGIN_MAX_FILE_SIZE (64u << 20)
#define PLUGIN_MAX_FILE_COUNT 100000u

/* A wanted-file glob of describe is relative and stays inside the image:
 * no leading '/', no ".." component, no empty one.  0, or -1. */
int plugin__glob_ok(const char *glob);
/* path (normalised, relative) matches one of the globs (fnmatch(3), '*'
 * matching '/' too, so "*.pem" finds every .pem). */
int plugin__glob_match(const customs_strlist *globs, const char *path);

/* What describe printed (buf, len) checked against protocol 1 and taken
 * into e (which has its kind and name): NULL, or why it is broken (why,
 * or a static string).  On failure e may hold part of it: release it with
 * plugin__entry_release(), which frees what describe gave and keeps kind,
 * name and path. */
const char *plugin__describe_parse(plugin_entry *e, const char *buf, size_t len, char *why, size_t cap);
void plugin__entry_release(plugin_entry *e);

/* An analyzer plugin's response into a: its packages (found_by
 * e->analyzer_name), facts and findings (a->plugin_results); what breaks
 * the rules of docs/plugins.md is left out with a warning.  0 or
 * CUSTOMS_ENOMEM. */
int plugin__take_response(const plugin_entry *e, customs_analysis *a, const json_t *resp);

/* Fill the bridge table of an analyzer plugin (analyzer.c); a broken one
 * gets a table whose finish() warns that it could not run (an error: the
 * analysis is incomplete). */
void plugin__analyzer_init(plugin_entry *e);

/* The environment of a run: PATH, LC_ALL, CUSTOMS_PLUGIN_* and root as
 * CUSTOMS_ROOT when not NULL (docs/plugins.md "Environment").  Static
 * storage inside env_buf: char[8][1024]. */
void plugin__env(const char *env[8], char env_buf[8][1024], const plugin_entry *e, const char *root);

/* One run with request; the response object in *out, else the error
 * "plugin NAME: why". root: CUSTOMS_ROOT and the working directory. */
int plugin__call(json_t **out, const plugin_entry *e, const char *request, const char *root);

/* The request (request.c), malloc'd text: what every kind gets, with the
 * visible files when files is set, params (NULL: {}) and, for an analyzer,
 * wanted (the paths written into CUSTOMS_ROOT; NULL: none).  NULL when out
 * of memory (the error set). */
char *plugin__request(const plugin_entry *e, const customs_analysis *a, int files, const json_t *params,
		      const json_t *wanted);

/* A fresh private directory (0700) under $TMPDIR (or /tmp): *out, malloc'd.
 * Write data as path inside dirfd-rooted dir (root.c): parents made 0700,
 * no component "..", ".", empty or through a symlink; the file created
 * 0600, never over an existing one.  Remove a tree without following
 * symlinks. */
int plugin__root_make(char **out);
int plugin__root_write(const char *root, const char *path, const void *data, size_t len);
void plugin__root_remove(const char *root);

#endif
