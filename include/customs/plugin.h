/* plugin.h - external plugins: executables customs-analyzer-NAME,
 * customs-query-NAME and customs-gate-NAME that speak one JSON request and
 * one JSON response over stdin/stdout (docs/plugins.md, protocol version
 * CUSTOMS_PLUGIN_PROTOCOL).
 *
 * Plugins are found once per process, in order, in the directories of
 * CUSTOMS_PLUGIN_PATH (':'-separated), $XDG_DATA_HOME/customs/plugins
 * (~/.local/share/customs/plugins) and the system plugin directory
 * (customs_plugin_system_dir()); a name found twice: the first one wins.
 * Each is asked `describe`; analyzer plugins are registered with
 * customs_analyzer_register() as "plugin:NAME" (a broken one too: it warns
 * in every analysis, as an error, that it could not run).  The
 * plugins and everything reachable from them are owned by the library for
 * the life of the process.
 */
#ifndef CUSTOMS_PLUGIN_H
#define CUSTOMS_PLUGIN_H

#include "customs/common.h"

#include <jansson.h>

#include "customs/analysis.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CUSTOMS_PLUGIN_PROTOCOL 1

typedef enum {
	CUSTOMS_PLUGIN_ANALYZER = 0,
	CUSTOMS_PLUGIN_QUERY = 1,
	CUSTOMS_PLUGIN_GATE = 2,
} customs_plugin_kind;

typedef struct customs_plugin {
	customs_plugin_kind kind;
	const char *name;        /* from the file name: customs-gate-NAME */
	const char *path;        /* the executable */
	const char *description; /* from describe, NULL when broken */
	const char *version;
	const char *wants;       /* what it asks for, one line for listings */
	const char *broken;      /* why it cannot be used, or NULL */
	const json_t *describe;  /* what describe printed, or NULL */
} customs_plugin;

/* "analyzer", "query", "gate". */
CUSTOMS_EXTERN const char *customs_plugin_kind_name(customs_plugin_kind k);

/* The directory of the system's plugins, compiled in
 * (LIBDIR/customs/plugins). */
CUSTOMS_EXTERN const char *customs_plugin_system_dir(void);

/* Find the plugins and register the analyzer plugins (once per process;
 * later calls return what the first found).  0, or a CUSTOMS_E* code when
 * the search itself failed (out of memory); a broken plugin is no error:
 * it is listed with why. */
CUSTOMS_EXTERN int customs_plugins_load(void);

/* The plugins found (loading them first), sorted by kind then name: up to
 * cap of them in out (NULL when cap is 0).  Returns how many there are. */
CUSTOMS_EXTERN size_t customs_plugin_list(const customs_plugin **out, size_t cap);

/* The plugin of kind named name in *out: 0, CUSTOMS_ENOTFOUND (the detail
 * says where it was looked for) or CUSTOMS_EUNSUPPORTED (it is broken: the
 * detail says why), *out NULL then. */
CUSTOMS_EXTERN int customs_plugin_find(const customs_plugin **out, customs_plugin_kind kind, const char *name);

/* One run of a query or gate plugin p about analysis a: the request
 * (protocol, kind, image metadata, distro, packages, the visible files,
 * params: borrowed, NULL for {}) on its stdin, its JSON response (an
 * object, the caller's) in *out.  A run that failed (could not start, timed
 * out, printed too much, exited non-zero, printed no JSON object, another
 * protocol) is CUSTOMS_EIO or CUSTOMS_EFORMAT with the detail "plugin NAME
 * ...: why" (and the last line of its stderr); CUSTOMS_ENOMEM. */
CUSTOMS_EXTERN int customs_plugin_call(json_t **out, const customs_plugin *p, const customs_analysis *a,
				       const json_t *params);

#ifdef __cplusplus
}
#endif
#endif
