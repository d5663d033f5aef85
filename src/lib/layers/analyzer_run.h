/* analyzer_run.h - one analyzer at work in the layer pass: its table and
 * its state for this analysis.  The engine makes them (analyzers/registry.c),
 * the layer pass dispatches files to them (dispatch.c, walk.c). */
#ifndef CUSTOMS_LAYERS_ANALYZER_RUN_H
#define CUSTOMS_LAYERS_ANALYZER_RUN_H

#include "customs/sys/analyzer.h"

typedef struct analyzer_run {
	const customs_analyzer_type *type;
	void *state;
} analyzer_run;

#endif
