/* sys/analyzer.h - the analyzer interface, for catalogers built into
 * libcustoms and for plugin authors.
 *
 * An analyzer is a read-only table (customs_analyzer_type): what it wants
 * and its callbacks.  It is registered once, by name, with
 * customs_analyzer_register(); the built-in ones are registered through
 * the same call.  For each analysis the engine creates the analyzer's
 * state (create), hands it every wanted file of every layer (whole, up to
 * max_size, or as a stream of chunks), calls finish() once over the
 * squashed view, then destroy().  Every callback gets that state.
 * Callbacks for different layers may come from different threads; unless
 * flags has CUSTOMS_ANALYZER_THREADSAFE the engine holds a per-analyzer
 * lock around them, so an analyzer needs no locking of its own.
 */
#ifndef CUSTOMS_SYS_ANALYZER_H
#define CUSTOMS_SYS_ANALYZER_H

#include "customs/common.h"

#include "customs/analysis.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Version 3 added configure() and CUSTOMS_ANALYZER_OPTIONAL; tables of
 * version 2 are still registered (they have neither). */
#define CUSTOMS_ANALYZER_VERSION 3

/* A wanted file as one layer holds it. Borrowed for the callback's duration. */
typedef struct customs_afile {
	const char *path;       /* normalised ("etc/os-release") */
	const char *link;       /* hard link target, else NULL */
	uint64_t size;
	uint32_t mode;
	uint8_t type;           /* customs_file_type: REG, or HARDLINK resolved in-layer */
	int layer;              /* layer index */
	const char *layer_digest; /* for messages; may be NULL (dir source) */
	customs_analysis *analysis; /* for customs_analysis_warn() */
} customs_afile;

enum {
	CUSTOMS_ANALYZER_THREADSAFE = 1, /* callbacks may run concurrently */
	/* Opt-in: "all" does not select it.  It runs when customs_options
	 * .analyzers names it, or when its configure() says the options ask
	 * for it (secrets, config files: what a policy bundle needs). */
	CUSTOMS_ANALYZER_OPTIONAL = 2,
};

typedef struct customs_analyzer_type customs_analyzer_type;
struct customs_analyzer_type {
	unsigned int version;             /* CUSTOMS_ANALYZER_VERSION */
	const char *name;                 /* unique, no ',' or blank: "dpkg" */
	const char *description;          /* one line, for listings */
	/* The version of what it finds: results of one layer may be kept and
	 * reused under (layer diff_id, name, analyzer_version), so change it
	 * whenever the same layer would give other results. */
	const char *analyzer_version;
	unsigned int flags;               /* CUSTOMS_ANALYZER_* */

	/* What it wants (NULL-terminated lists, any may be NULL). A regular
	 * file is delivered when it matches any of them. */
	const char *const *paths;         /* exact paths: "etc/os-release" */
	const char *const *basenames;     /* exact basenames: "METADATA" */
	const char *const *suffixes;      /* path endings: ".jar", ".dist-info/METADATA" */
	/* Optional predicate, asked for regular files the lists did not match. */
	int (*want)(void *state, const char *path, uint32_t mode, uint64_t size);

	/* The state of one analysis: *out (may be left NULL), freed by
	 * destroy().  Optional, as destroy() is; 0 or a CUSTOMS_E* code. */
	int (*create)(void **out, const customs_analyzer_type *type);
	void (*destroy)(void *state);

	/* Whole delivery: the file's content in one buffer. Files larger than
	 * max_size are not delivered; a warning names them. */
	size_t max_size;
	int (*file)(void *state, const customs_afile *f, const unsigned char *data, size_t len);

	/* Stream delivery, used instead of file() when stream_open is set:
	 * open returns a per-file context (NULL to decline), write gets each
	 * chunk in order (< 0: no more, close comes at once), close gets ok=0
	 * when the file was cut short or write said stop. */
	void *(*stream_open)(void *state, const customs_afile *f);
	int (*stream_write)(void *state, void *ctx, const unsigned char *data, size_t len);
	void (*stream_close)(void *state, void *ctx, int ok);

	/* After all layers: files are merged, visible flags set. Adds what it
	 * found to the analysis (packages, distro, warnings). Required. */
	int (*finish)(void *state, customs_analysis *a);

	/* Version 3.  Optional: called once after create() with the options
	 * of the analysis (borrowed for the analysis' duration).  1: run,
	 * 0: not needed this time (an OPTIONAL analyzer the options do not
	 * ask for; destroyed at once), or a CUSTOMS_E* code. */
	int (*configure)(void *state, const customs_options *opts);
};

/* Make an analyzer available to every later analysis (customs_options
 * .analyzers selects among them by name).  type is borrowed for the life
 * of the process: a static table.  Refused with CUSTOMS_EUNSUPPORTED when
 * type->version is not CUSTOMS_ANALYZER_VERSION, with CUSTOMS_EINVAL when
 * the name is empty, holds ',' or blanks, or is taken, when
 * analyzer_version is empty, when finish() is missing, when it wants files
 * but has neither file() nor the three stream callbacks, or when create()
 * comes without destroy(); CUSTOMS_ELIMIT past 128 analyzers.  Version 2
 * tables are accepted too.
 * Thread-safe. */
CUSTOMS_EXTERN int customs_analyzer_register(const customs_analyzer_type *type);

/* ---- analyzers in a shared object (customs --plugin FILE.so) ----
 *
 * A shared object built against this header exports (with default
 * visibility) a function named customs_analyzers, of the type
 * customs_analyzer_entry_fn, returning its tables, NULL-terminated, static.  It is linked without
 * libcustoms: the customs_* functions it calls are resolved, when it is
 * loaded, in the program that loads it (the customs CLI exports them).
 * plugins/examples/busybox_version.c is one. */
#define CUSTOMS_ANALYZER_ENTRY "customs_analyzers"
typedef const customs_analyzer_type *const *(*customs_analyzer_entry_fn)(void);

/* dlopen() path and register every table its customs_analyzers() returns
 * (all or none: each is checked first).  CUSTOMS_EINVAL when it cannot be
 * loaded or has no entry point, CUSTOMS_EUNSUPPORTED when a table has
 * another interface version (the message names the file and both
 * versions), or what customs_analyzer_register() refuses.  The object
 * stays loaded for the life of the process. */
CUSTOMS_EXTERN int customs_analyzer_load(const char *path);

/* The registered analyzers in the order they run (the built-ins first):
 * up to cap of them in out (which may be NULL when cap is 0).  Returns how
 * many there are.  Thread-safe; the tables are borrowed. */
CUSTOMS_EXTERN size_t customs_analyzer_list(const customs_analyzer_type **out, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
