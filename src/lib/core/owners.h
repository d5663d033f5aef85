/* owners.h - the distro package (deb, rpm, apk) that installed a file:
 * one index for the "installed_by" link the copies merge writes and for
 * customs_analysis_owners() (owners.c); and the source packages a deb was
 * built with (its Built-Using field). */
#ifndef CUSTOMS_CORE_OWNERS_H
#define CUSTOMS_CORE_OWNERS_H

#include <stddef.h>

#include "customs/analysis.h"

/* For each visible pkgs[i] without one, set metadata "installed_by" to the
 * name of the first visible distro package in a whose file list holds
 * "/" + its db_path. */
int customs__owners_link(const customs_analysis *a, customs_package **pkgs, size_t n);

/* The relations of a deb's Built-Using field (Debian Policy §7.8: the
 * source packages built into it, "name (= version), ..."): cb gets each
 * well-formed one as spans into field; *malformed (may be NULL) counts the
 * others, which are skipped.  Returns 0, or the first nonzero value of cb. */
int customs__built_using(const char *field, int (*cb)(void *ud, const char *name, size_t nlen, const char *version,
						      size_t vlen),
			 void *ud, size_t *malformed);

#endif
