/* report.h - internal helpers shared by the report writers. */
#ifndef CUSTOMS_REPORT_H
#define CUSTOMS_REPORT_H

#include "customs/analysis.h"

/* One package in the customs JSON shape; a new reference. */
json_t *customs__package_json(const customs_package *p, int with_files);

#endif
