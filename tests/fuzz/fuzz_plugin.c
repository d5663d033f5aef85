/* fuzz_plugin.c - libFuzzer target for what a plugin prints
 * (src/lib/plugin/): the first byte chooses: a describe document of an
 * analyzer, query or gate plugin (plugin__describe_parse), or an analyzer's
 * response taken into an analysis (plugin__take_response). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "plugin/plugin_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[1024];
	if (size < 1)
		return 0;
	unsigned mode = data[0] % 4;
	const char *buf = (const char *)data + 1;
	size--;
	plugin_entry e = {.pub = {.name = "fuzz", .path = "/fuzz"}, .analyzer_name = "plugin:fuzz"};
	if (mode < 3) {
		e.pub.kind = (customs_plugin_kind)mode;
		plugin__describe_parse(&e, buf, size, why, sizeof(why));
		plugin__entry_release(&e);
		return 0;
	}
	json_t *resp = json_loadb(buf, size, JSON_REJECT_DUPLICATES, NULL);
	customs_analysis *a = customs__analysis_new("fuzz");
	if (resp && a && json_is_object(resp) && plugin__take_response(&e, a, resp) < 0 &&
	    !strstr(customs_error_last(), "out of memory"))
		abort(); /* only memory may fail, never the response */
	json_decref(resp);
	customs_analysis_free(a);
	return 0;
}
