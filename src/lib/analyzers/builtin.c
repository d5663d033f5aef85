/* builtin.c - the table of built-in analyzers, in the order they run. */
#include "analyzers/analyzers.h"

const customs_analyzer_def customs_builtin_analyzers[] = {
	{"os-release", "distribution from os-release and release files", customs__osrelease_new},
	{NULL, NULL, NULL},
};
