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

static void layer(const uint8_t *data, size_t size)
{
	analyzer_run an[64];
	size_t nan = 0;
	customs_analysis *a = customs__analysis_new("fuzz");
	layer_result r = {0};
	pack_r pr = {data, data + size, 0};

	if (!a || customs__analyzers_start(an, &nan, 64, NULL) < 0) {
		customs_analysis_free(a);
		return;
	}
	a->nlayers = 1;
	a->layers = calloc(1, sizeof(*a->layers));
	/* the entries the blob says it was made with: what its rows would be */
	free(pack__get_str(&pr, NULL));
	pack__get_u64(&pr);
	uint64_t entries = pack__get_u64(&pr);
	r.n = entries < 1000000 ? (size_t)entries : 0;
	if (a->layers && store__layer_decode_raw(data, size, a, 0, &r, an, nan) < 0) {
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
	/* what was fed must merge as the walk's copies do */
	for (size_t k = 0; k < nan; k++)
		an[k].type->finish(an[k].state, a);
	customs__analyzers_stop(an, nan);
	customs_analysis_free(a);
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
