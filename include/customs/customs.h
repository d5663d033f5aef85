/* customs.h - umbrella header of libcustoms. */
#ifndef CUSTOMS_H
#define CUSTOMS_H

#include "customs/common.h"

#include "customs/errors.h"
#include "customs/analysis.h"
#include "customs/diff.h"
#include "customs/match.h"
#include "customs/plugin.h"
#include "customs/policy.h"
#include "customs/purl.h"
#include "customs/registry.h"
#include "customs/report.h"
#include "customs/sbom.h"
#include "customs/store.h"
#include "customs/version.h"
#include "customs/vuln.h"

CUSTOMS_EXTERN const char *customs_version(void);

#endif
