/* fuzz_store_blob.c - libFuzzer target for what the store reads back whole
 * from its database, a file anyone may have edited: a layer's results
 * (store/layercache.c, fed to the built-in analyzers' states), a package's
 * metadata tree and a whole package (store/pack.c), a match's explanation
 * (store/matches.c).  The first byte picks which; a damaged blob must be
 * an error that leaves the analyzers and the analysis as they were. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/analyzers.h"
#include "analyzers/registry.h"
#include "model/model.h"
#include "store/layercache.h"
#include "store/matches.h"
#include "store/pack.h"

/* The layer's entries first (count, then path, mode, size each: regular
 * files), then the blob its results were kept in. */
static void layer(const uint8_t *data, size_t size)
{
	analyzer_run an[64];
	size_t nan = 0;
	dispatch d;
	customs_analysis *a = customs__analysis_new("fuzz");
	layer_result r = {0};
	pack_r pr = {data, data + size, 0};
	size_t n = pack__get_count(&pr, 3);

	if (!a || !(a->layers = calloc(1, sizeof(*a->layers))) || (n && !(r.e = calloc(n, sizeof(*r.e))))) {
		customs_analysis_free(a);
		free(r.e);
		return;
	}
	a->nlayers = 1;
	for (size_t i = 0; i < n && !pr.bad; i++) {
		char *path = pack__get_str(&pr, &r.arena);
		r.e[r.n] = (lentry){.path = path ? path : "", .mode = (uint32_t)pack__get_u64(&pr), .type = CUSTOMS_FILE_REG};
		r.e[r.n++].size = pack__get_u64(&pr);
	}
	if (pr.bad || customs__analyzers_start(an, &nan, 64, NULL) < 0) {
		customs_analysis_free(a);
		customs_arena_release(&r.arena);
		free(r.e);
		return;
	}
	if (layers__dispatch_init(&d, an, nan) == 0) {
		if (store__layer_decode_raw(pr.p, (size_t)(pr.end - pr.p), a, 0, &r, an, nan, &d) < 0) {
			/* an error leaves every state as it was */
			for (size_t k = 0; k < nan; k++) {
				copies *sets = customs__analyzer_copies(&an[k]);
				for (int i = 0; sets && i < CUSTOMS_COPIES_KINDS; i++)
					if (sets[i].n)
						abort();
			}
			if (a->nwarnings)
				abort();
		}
		/* what was fed merges as the walk's copies do */
		for (size_t k = 0; k < nan; k++)
			an[k].type->finish(an[k].state, a);
		layers__dispatch_release(&d);
	}
	customs__analyzers_stop(an, nan);
	customs_analysis_free(a);
	customs_arena_release(&r.arena);
	free(r.e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	pack_r r = {data + 1, data + size, 0};
	switch (data[0] % 4) {
	case 0:
		layer(data + 1, size - 1);
		break;
	case 1:
		json_decref(pack__get_json(&r));
		break;
	case 2:
		customs_package_free(pack__get_package(&r));
		break;
	default: {
		customs_analysis *a = customs__analysis_new("fuzz");
		customs_arena ar = {0};
		customs_match m;
		for (int i = 0; a && i < 4; i++)
			customs_analysis_add_package(a, customs_package_new());
		if (a)
			store__match_decode(&m, &ar, data + 1, size - 1, a);
		customs_arena_release(&ar);
		customs_analysis_free(a);
	}
	}
	return 0;
}
