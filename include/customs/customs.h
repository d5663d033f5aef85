/* customs.h - umbrella header of libcustoms. */
#ifndef CUSTOMS_H
#define CUSTOMS_H

#include "customs/errors.h"
#include "customs/analysis.h"
#include "customs/registry.h"

const char *customs_version(void);

#endif
