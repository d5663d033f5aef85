/* model.h - the analysis data model's internals for the stages that build an
 * analysis (the orchestrator, the SBOM readers); the public half, the
 * structs and their accessors, is include/customs/analysis.h. */
#ifndef CUSTOMS_MODEL_H
#define CUSTOMS_MODEL_H

#include "customs/analysis.h"
#include "util/util.h"

/* An empty, complete analysis named reference (NULL: unnamed), or NULL when
 * out of memory. */
customs_analysis *customs__analysis_new(const char *reference);

/* The analysis keeps an arena its file paths live in (one per layer):
 * *arena is moved in and left empty. */
int customs__analysis_keep_arena(customs_analysis *a, customs_arena *arena);

/* One index a stage derives from the analysis (the owners' file index),
 * kept with it: the cached pointer when it was set with this key, else
 * NULL.  Setting a new one frees the old with its free_fn; the analysis
 * frees the last.  An analysis made without its private part (by hand, in
 * tests) keeps nothing: set returns 0 and the cache stays the caller's,
 * else 1.  Not thread-safe: for finish() and the writers, which run one at
 * a time. */
void *customs__analysis_cache(const customs_analysis *a, size_t key);
int customs__analysis_set_cache(const customs_analysis *a, void *cache, void (*free_fn)(void *), size_t key);

/* The part of w's message after the image, layer and path that
 * customs_analysis_warn() put before it (the whole message when it does
 * not start with them): with the same layer and path, warning anew with
 * the body gives the message again, for this image or another.  Borrowed
 * from w. */
const char *customs__warning_body(const customs_analysis *a, const customs_warning *w);

/* Append copies of what the opt-in analyzers found (strings duplicated,
 * data copied): 0 or CUSTOMS_ENOMEM.  Thread-safe. */
int customs__analysis_add_secret(customs_analysis *a, const customs_secret *s);
int customs__analysis_add_config_file(customs_analysis *a, const customs_config_file *f);
int customs__analysis_add_package_check(customs_analysis *a, const customs_package_check *c);

/* 1 when layer's copy of path is the file a container sees (after the
 * squash: for an analyzer's finish()). */
int customs__analysis_visible(const customs_analysis *a, const char *path, int layer);

#endif
