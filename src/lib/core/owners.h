/* owners.h - the distro package (deb, rpm, apk) that installed a file:
 * one index for the "installed_by" link the copies merge writes and for
 * customs_analysis_owners() (owners.c). */
#ifndef CUSTOMS_CORE_OWNERS_H
#define CUSTOMS_CORE_OWNERS_H

#include <stddef.h>

#include "customs/analysis.h"

/* For each visible pkgs[i] without one, set metadata "installed_by" to the
 * name of the first visible distro package in a whose file list holds
 * "/" + its db_path. */
int customs__owners_link(const customs_analysis *a, customs_package **pkgs, size_t n);

#endif
