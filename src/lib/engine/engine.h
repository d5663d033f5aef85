/* engine.h - the orchestrator's hook (analyze.c) for what keeps results
 * between analyses, the store (stored.c): an image it knows whole is not
 * analysed; a layer whose results it knows is not read, its results fed
 * to the analyzers instead; what the pass read is handed to it before the
 * analyzers finish, and the finished analysis after. */
#ifndef CUSTOMS_ENGINE_H
#define CUSTOMS_ENGINE_H

#include <stdint.h>

#include "customs/analysis.h"
#include "layers/layers.h"

typedef struct analyze_hooks {
	void *ud;
	/* Hash every layer's uncompressed stream against its diff_id (results
	 * kept under a diff_id must come from a layer that has it). */
	int check_diff_ids;
	/* a holds the image, its layers and config: 1 with *out when an
	 * analysis stands for it (the engine returns that), 0 to analyse. */
	int (*known)(void *ud, const customs_analysis *a, customs_analysis **out);
	/* Before the layer pass: fill res[i] (entries, counts), the analyzers'
	 * per-layer results and the layer's warnings for each layer it knows,
	 * and set skip[i] for those; d says which analyzer the pass would
	 * hand which file. */
	int (*before_walk)(void *ud, customs_analysis *a, layer_result *res, analyzer_run *an, size_t nan,
			   dispatch *d, uint8_t *skip);
	/* After the pass, before the analyzers finish: what the pass read of
	 * the other layers; their warnings are a->warnings[first_warning..]
	 * (those of known layers among them), sorted by layer. */
	int (*after_walk)(void *ud, const customs_analysis *a, const layer_result *res, analyzer_run *an, size_t nan,
			  const uint8_t *skip, size_t first_warning);
	/* The finished analysis, with every layer's entries. */
	int (*finished)(void *ud, const customs_analysis *a, const layer_result *res);
} analyze_hooks;

/* customs_analyze() with hooks (NULL: none). */
int customs__analyze(customs_analysis **out, const char *ref, const customs_options *opts, const analyze_hooks *h);

#endif
