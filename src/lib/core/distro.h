/* distro.h - what the stages above the analysis derive from its distro. */
#ifndef CUSTOMS_CORE_DISTRO_H
#define CUSTOMS_CORE_DISTRO_H

#include "customs/analysis.h"

/* The vulnerability-feed namespace of a distro ("debian:12",
 * "alpine:3.21", "wolfi:rolling"); malloc'd, NULL when d has no id. */
char *customs__distro_namespace(const customs_distro *d);

/* The namespace of a Debian or Ubuntu archive suite (its first n bytes):
 * "bookworm", "bookworm-security", "jammy-updates" → "debian:12",
 * "ubuntu:22.04"; malloc'd, NULL for a suite it does not know (or out of
 * memory). */
char *customs__distro_suite_namespace(const char *suite, size_t n);

#endif
