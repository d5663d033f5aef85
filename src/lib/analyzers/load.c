/* load.c - analyzers in a shared object (sys/analyzer.h
 * customs_analyzer_load, `--plugin FILE.so`): dlopen(3) it, ask its
 * customs_analyzers() for its tables, check them all, then register each
 * through customs_analyzer_register() as the built-ins are. */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "analyzers/analyzers.h"
#include "util/util.h"

#define MAX_PER_OBJECT 64

int customs_analyzer_load(const char *path)
{
	const customs_analyzer_type *const *v;
	customs_analyzer_entry_fn entry;
	char why[512];
	size_t n = 0;
	void *h;

	if (!strchr(path, '/'))
		/* dlopen would search the library path for a bare name */
		return customs__error(CUSTOMS_EINVAL, "analyzer plugin %s: give it as a path (./%s)", path, path);
	if (!(h = dlopen(path, RTLD_NOW | RTLD_LOCAL))) {
		const char *e = dlerror();
		return customs__error(CUSTOMS_EINVAL, "cannot load analyzer plugin %s: %s", path, e ? e : "dlopen failed");
	}
	*(void **)&entry = dlsym(h, CUSTOMS_ANALYZER_ENTRY);
	if (!entry) {
		dlclose(h);
		return customs__error(CUSTOMS_EINVAL,
				      "%s is not an analyzer plugin: it has no %s() (include/customs/sys/analyzer.h)", path,
				      CUSTOMS_ANALYZER_ENTRY);
	}
	v = entry();
	while (v && n <= MAX_PER_OBJECT && v[n])
		n++;
	if (!n || n > MAX_PER_OBJECT) {
		dlclose(h);
		return customs__error(CUSTOMS_EINVAL, "analyzer plugin %s: %s() returned %s", path, CUSTOMS_ANALYZER_ENTRY,
				      n ? "more than 64 analyzers" : "no analyzers");
	}
	/* version is the first field of every version of the table */
	for (size_t i = 0; i < n; i++)
		if (v[i]->version != CUSTOMS_ANALYZER_VERSION && v[i]->version != 2) {
			int err = customs__error(CUSTOMS_EUNSUPPORTED,
						 "analyzer plugin %s was built against analyzer interface version %u; "
						 "this customs (%s) takes version %d (or 2): rebuild it against this "
						 "customs' include/customs/sys/analyzer.h",
						 path, v[i]->version, CUSTOMS_VERSION, CUSTOMS_ANALYZER_VERSION);
			dlclose(h);
			return err;
		}
	for (size_t i = 0; i < n; i++)
		if (customs_analyzer_register(v[i]) < 0) {
			/* the ones registered before it stay: their object stays loaded */
			snprintf(why, sizeof(why), "%s", customs_error_last());
			return customs__error(CUSTOMS_EINVAL, "analyzer plugin %s: %s", path, why);
		}
	return 0;
}
