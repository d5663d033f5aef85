/* distro.h - what the stages above the analysis derive from its distro. */
#ifndef CUSTOMS_CORE_DISTRO_H
#define CUSTOMS_CORE_DISTRO_H

#include "customs/analysis.h"

/* The vulnerability-feed namespace of a distro ("debian:12",
 * "alpine:3.21", "wolfi:rolling"); malloc'd, NULL when d has no id. */
char *customs__distro_namespace(const customs_distro *d);

#endif
