/* customs.h - umbrella header of libcustoms. */
#ifndef CUSTOMS_H
#define CUSTOMS_H

#include "customs/common.h"

#include "customs/errors.h"
#include "customs/analysis.h"
#include "customs/registry.h"

CUSTOMS_EXTERN const char *customs_version(void);

#endif
