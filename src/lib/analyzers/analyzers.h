/* analyzers.h - constructors of the built-in analyzers (one file each). */
#ifndef CUSTOMS_ANALYZERS_H
#define CUSTOMS_ANALYZERS_H

#include "customs/sys/analyzer.h"

customs_analyzer *customs__osrelease_new(void);
int customs__osrelease_parse(customs_distro *d, const char *text);

#endif
