/* wrong_version.c - an analyzer plugin built against a future interface
 * (version 99), which customs must refuse naming the file and both
 * versions (tests/cli/plugins_so.sh). */
#include "customs/sys/analyzer.h"

static int finish(void *self, customs_analysis *a)
{
	(void)self, (void)a;
	return 0;
}

static const customs_analyzer_type future = {
	.version = 99,
	.name = "future",
	.description = "from a newer customs",
	.analyzer_version = "1",
	.finish = finish,
};

static const customs_analyzer_type *const tables[] = {&future, NULL};

CUSTOMS_EXTERN const customs_analyzer_type *const *customs_analyzers(void)
{
	return tables;
}
