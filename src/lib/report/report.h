/* report.h - internal helpers shared by the report writers. */
#ifndef CUSTOMS_REPORT_H
#define CUSTOMS_REPORT_H

#include "customs/analysis.h"

/* One package in the customs JSON shape; a new reference. */
json_t *customs__package_json(const customs_package *p, int with_files);

/* Dump j to f with jansson's flags, through one 64 KiB buffer (jansson's
 * own json_dumpf writes every token through stdio).  0 or <0. */
int customs__json_dump(FILE *f, const json_t *j, size_t flags);

#endif
