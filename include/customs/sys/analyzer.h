/* sys/analyzer.h - the analyzer interface, for catalogers built into
 * libcustoms and for plugin authors.
 *
 * An analyzer declares which files it wants.  While each layer streams, the
 * engine hands it every wanted file of that layer (whole, up to max_size, or
 * as a stream of chunks), then calls finish() once over the squashed view.
 * Callbacks for different layers may come from different threads; unless
 * flags has CUSTOMS_ANALYZER_THREADSAFE the engine holds a per-analyzer lock
 * around them, so an analyzer needs no locking of its own.
 */
#ifndef CUSTOMS_SYS_ANALYZER_H
#define CUSTOMS_SYS_ANALYZER_H

#include "customs/common.h"

#include "customs/analysis.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CUSTOMS_ANALYZER_VERSION 1

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
};

typedef struct customs_analyzer customs_analyzer;
struct customs_analyzer {
	unsigned int version;             /* CUSTOMS_ANALYZER_VERSION */
	const char *name;
	unsigned int flags;

	/* What it wants (NULL-terminated lists, any may be NULL). A regular
	 * file is delivered when it matches any of them. */
	const char *const *paths;         /* exact paths: "etc/os-release" */
	const char *const *basenames;     /* exact basenames: "METADATA" */
	const char *const *suffixes;      /* path endings: ".jar", ".dist-info/METADATA" */
	/* Optional predicate, asked for regular files the lists did not match. */
	int (*want)(customs_analyzer *self, const char *path, uint32_t mode, uint64_t size);

	/* Whole delivery: the file's content in one buffer. Files larger than
	 * max_size are not delivered; a warning names them. */
	size_t max_size;
	int (*file)(customs_analyzer *self, const customs_afile *f,
		    const unsigned char *data, size_t len);

	/* Stream delivery, used instead of file() when stream_open is set:
	 * open returns a per-file context (NULL to decline), write gets each
	 * chunk in order, close gets ok=0 when the file was cut short. */
	void *(*stream_open)(customs_analyzer *self, const customs_afile *f);
	int (*stream_write)(customs_analyzer *self, void *ctx, const unsigned char *data, size_t len);
	void (*stream_close)(customs_analyzer *self, void *ctx, int ok);

	/* After all layers: files are merged, visible flags set. Adds what it
	 * found to the analysis (packages, distro, warnings). */
	int (*finish)(customs_analyzer *self, customs_analysis *a);
	void (*free)(customs_analyzer *self);
};

typedef customs_analyzer *(*customs_analyzer_factory)(void);

typedef struct customs_analyzer_def {
	const char *name;
	const char *description;
	customs_analyzer_factory create;
} customs_analyzer_def;

/* The built-in analyzers, NULL-name terminated. */
CUSTOMS_EXTERN extern const customs_analyzer_def customs_builtin_analyzers[];

#ifdef __cplusplus
}
#endif
#endif
