/* copies.h - every layer's copy of a file, the engine service the
 * analyzers hand what they found to (DESIGN.md "Packages from databases,
 * per layer"): keep each copy's packages, or its bytes for lookups at
 * finish; find the copy the squashed view shows; merge the copies of each
 * path into packages, with one meaning of visible, introduced-in and
 * removed-in for every ecosystem.
 *
 * How an analyzer uses it:
 *
 *     create:   copies__init(&s)
 *     file():   parse this one copy, then copies__add(&s, f->path, f->layer, pkgs, n)
 *               (or copies__add_data(&side, ...) for a file read at finish)
 *     finish(): copies__merge(&s, a, &(copies_merge){.found_by = "dpkg", ...})
 *     destroy:  copies__release(&s)
 *
 * The merge, for each path:
 *   - the visible copy (the one the squashed view shows) gives the packages
 *     with visible = 1;
 *   - layer (introduced-in) is the lowest layer of the unbroken run of
 *     copies, up to the one that lists it last, that list the same package:
 *     name + version + arch (arch may be NULL), the k-th such record of one
 *     copy being the same package as the k-th of another;
 *   - a package that some copy lists but the visible copy does not (removed,
 *     upgraded away, the file deleted or unreadable) comes too, with
 *     visible = 0 and removed_in_layer = the layer of the next copy above
 *     its last run, or else the layer that deleted the file (-1 when no
 *     entry tells which);
 *   - db_path is the path, found_by the analyzer; per path the packages
 *     come sorted by name, version, arch, visible ones first.
 * Options: a fill callback per package, a filter on paths, the hard-link
 * fan-out (every visible hard link to the visible copy, in its layer, gets
 * that copy's visible packages with db_path = the link), and the
 * "installed_by" link to the distro package that lists the file
 * (core/owners.c).  Linear in the packages of all copies.
 *
 * Ownership: copies__add() takes the packages (customs_package_new()
 * objects; the array stays the caller's), also when it fails;
 * copies__merge() hands the packages of the merged paths to the analysis,
 * copies__release() frees the rest.  copies__add*() may be called from any
 * thread (a mutex guards the set); the lookups and the merge run at finish,
 * on one thread.
 */
#ifndef CUSTOMS_CORE_COPIES_H
#define CUSTOMS_CORE_COPIES_H

#include <pthread.h>
#include <stddef.h>

#include "customs/analysis.h"

/* One layer's copy of one path. */
typedef struct copies_copy {
	char *path;
	int layer;
	customs_package **pkgs;  /* what it lists (n may be 0) */
	size_t n;
	char *data;              /* copies__add_data(): the bytes, NUL-terminated, or NULL */
	size_t len;
	char *note;              /* copies__add_unreadable(): why, or NULL */
	size_t seq;              /* order of recording: ties of path and layer */
} copies_copy;

typedef struct copies {
	copies_copy *c;          /* sorted by path, then layer, once looked up */
	size_t n, cap;
	int sorted;
	pthread_mutex_t mu;
} copies;

void copies__init(copies *s);
/* Free every copy and the packages no merge handed on. */
void copies__release(copies *s);

/* Record layer's copy of path (normalised, as customs_afile.path) listing
 * pkgs[0..n).  A copy that lists nothing (n = 0: an emptied database) must
 * be recorded too: it is what tells that the packages below went away.
 * Packages without a name or a version are dropped. */
int copies__add(copies *s, const char *path, int layer, customs_package **pkgs, size_t n);
/* A copy that could not be read: it lists nothing, and when it is the
 * visible one the merge warns why (may be NULL: said already). */
int copies__add_unreadable(copies *s, const char *path, int layer, const char *why);
/* A copy kept for lookups at finish: its bytes (copied, NUL-terminated;
 * data NULL keeps only len). */
int copies__add_data(copies *s, const char *path, int layer, const void *data, size_t len);

/* Move every copy of src to the end of dst, in src's order (src is left
 * empty): results made aside, kept only once they are whole. */
int copies__move(copies *dst, copies *src);

/* Sort the copies by path, then layer (the lookups do it when needed), for
 * a caller that walks s->c in that order. */
void copies__sort(copies *s);

/* The layer of the visible entry at exactly path (what the squash decided:
 * whiteouts, opaque directories, files over directories), or -1. */
int copies__visible_layer(const customs_analysis *a, const char *path);
/* The copy of path the squashed view shows, or NULL.  follow: resolve
 * symlinks in the path first (customs_analysis_lookup()), falling back to
 * the exact path (layers whose tars leave out parent directories). */
const copies_copy *copies__visible(copies *s, const customs_analysis *a, const char *path, int follow);
/* The newest copy of path at or below max_layer, or NULL. */
const copies_copy *copies__at(copies *s, const char *path, int max_layer);

enum {
	COPIES_HARDLINKS = 1,    /* the hard-link fan-out */
	COPIES_OWNERS = 2,       /* metadata "installed_by" of visible packages */
	COPIES_DISTRO = 4,       /* metadata "distro_namespace" (OS packages) */
};

/* Completes p just before the merge hands it on (purl, files, licenses,
 * metadata).  On entry visible, layer, removed_in_layer, db_path, found_by
 * (and with COPIES_DISTRO the namespace) are set; listed is the copy the
 * record came from (the visible copy for visible packages, the last copy
 * that listed a removed one).  < 0 stops the merge with that error. */
typedef int (*copies_fill_fn)(void *ud, customs_analysis *a, customs_package *p, const copies_copy *listed);
/* Whether to merge path's copies: 1 yes, 0 no, < 0 stop with that error.
 * visible is the copy the squashed view shows, or NULL. */
typedef int (*copies_use_fn)(void *ud, customs_analysis *a, const char *path, const copies_copy *visible);

typedef struct copies_merge {
	const char *found_by;
	unsigned int flags;      /* COPIES_* */
	copies_fill_fn fill;     /* may be NULL */
	copies_use_fn use;       /* may be NULL: every path */
	void *ud;
} copies_merge;

/* Merge as described above and add the packages to the analysis.
 * Returns 0 or the first error (memory, fill, use); the packages not yet
 * handed to the analysis are freed then. */
int copies__merge(copies *s, customs_analysis *a, const copies_merge *m);

#endif
