/* pkgdb.h - OS package databases seen layer by layer (dpkg status and
 * status.d, apk installed, rpmdb): the merge that turns every layer's copy
 * of a database file into the squashed package set plus the packages that
 * later layers removed (DESIGN.md "Packages from databases, per layer").
 *
 * How an analyzer uses it:
 *
 *     file():   parse the copy, then pkgdb__add_copy(&db, f->path, f->layer, pkgs, n)
 *     finish(): pkgdb__finish(&db, a, "dpkg", fill, ud)
 *     free():   pkgdb__release(&db)
 *
 * For each distinct database path, the visible copy (pkgdb__visible_layer)
 * gives the installed set:
 * visible = 1, layer = the lowest layer of the unbroken run of copies, up to
 * the visible one, that list the same name + version + arch.  A package that
 * some copy lists but the visible copy does not (purged, upgraded away, or
 * its database file deleted) is added too, with visible = 0, layer = where
 * its last run of listings began and removed_in_layer = the layer of the
 * next copy above that run, or the layer that deleted the file (-1 when
 * no entry tells which).  Linear in the number of packages over all
 * copies (a hash map keyed by name, version and arch per path).
 *
 * Ownership: pkgdb__add_copy() takes the packages (customs_package_new()
 * objects) even when it fails; pkgdb__finish() hands the ones it keeps to
 * the analysis and pkgdb__release() frees the rest.  Not thread-safe: the
 * engine serialises an analyzer's callbacks unless it asks otherwise.
 */
#ifndef CUSTOMS_ANALYZERS_PKGDB_H
#define CUSTOMS_ANALYZERS_PKGDB_H

#include <stddef.h>

#include "customs/analysis.h"

typedef struct pkgdb_copy pkgdb_copy;

/* Zero-initialised is ready to use (or pkgdb__init). */
typedef struct pkgdb {
	pkgdb_copy *copies;
	size_t n, cap;
} pkgdb;

void pkgdb__init(pkgdb *db);

/* Record layer `layer`'s copy of database file `path` (normalised, as
 * customs_afile.path) listing pkgs[0..n).  Every package needs name and
 * version; arch may be NULL (it is part of the identity when set).  A copy
 * that lists nothing (n = 0, e.g. an emptied status file) must be recorded
 * too: it is what tells that the packages below were removed.  Packages the
 * parser could not read fully may still be passed; one without name or
 * version is dropped here.  Takes ownership of every pkgs[i] (the array
 * itself stays the caller's), also on error. */
int pkgdb__add_copy(pkgdb *db, const char *path, int layer, customs_package **pkgs, size_t n);

/* Completes one package just before pkgdb__finish() adds it: purl, cpes,
 * files, licenses, type-specific metadata.  On entry p->visible, p->layer,
 * p->removed_in_layer, p->db_path and p->found_by are set, and
 * p->metadata holds "distro_namespace" when the distro is known.
 * `listed_layer` is the layer of the copy the record came from (the
 * visible copy for visible packages, the last copy that listed a removed
 * one).  Return < 0 to stop the merge with that error; p is then freed by
 * pkgdb. May be NULL. */
typedef int (*pkgdb_fill_fn)(void *ud, customs_analysis *a, customs_package *p, int listed_layer);

/* Merge all copies as described above and add the packages to the
 * analysis, per database path sorted by name, version, arch, visible
 * ones first.  found_by is copied into each package.  Returns 0 or the
 * first error (from memory or fill). */
int pkgdb__finish(pkgdb *db, customs_analysis *a, const char *found_by, pkgdb_fill_fn fill, void *ud);

/* Free every copy and the packages not handed to an analysis. */
void pkgdb__release(pkgdb *db);

/* The layer of the visible entry at exactly `path` (what
 * customs_analysis_lookup(a, path, 0) finds when no parent directory is a
 * symlink), or -1 when the path is not visible.  For analyzers that read
 * side files (dpkg info/ lists) the same way as the databases. */
int pkgdb__visible_layer(const customs_analysis *a, const char *path);

/* "cpe:2.3:a:VENDOR:PRODUCT:VERSION:*:*:*:*:*:*:*" with CPE 2.3 formatted
 * string escaping (NISTIR 7695 §6.2); malloc'd or NULL. */
char *pkgdb__cpe(const char *vendor, const char *product, const char *version);

#endif
