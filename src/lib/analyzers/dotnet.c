/* dotnet.c - .NET dependencies from the *.deps.json file the SDK writes next
 * to every built application (dotnet/runtime docs/design/features/
 * host-deps-json, "deps.json"): "libraries" maps "Name/Version" to
 * {"type": "package" | "project" | "runtimepack" | ...}; the packages of
 * type "package" that the runtime target's "targets" entry lists (all of
 * them when the file names no runtime target) are NuGet packages shipped
 * with the application. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/analyzers.h"
#include "core/copies.h"
#include "customs/purl.h"
#include "util/util.h"

#define MAX_DEPS_JSON (32u << 20)

static int nomem(void)
{
	return customs__error(CUSTOMS_ENOMEM, "out of memory");
}

int customs__dotnet_parse_deps(customs_package ***out, size_t *n, const char *buf, size_t len,
			       customs_parse_warn_fn warn, void *ud)
{
	json_error_t je;
	json_t *root, *libs, *lib, *target = NULL;
	customs_pkgvec v = {0};
	const char *key;
	int err = 0;

	*out = NULL;
	*n = 0;
	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		buf += 3, len -= 3;
	if (!(root = json_loadb(buf, len, 0, &je))) {
		customs__parse_warnf(warn, ud, je.line > 0 ? (size_t)je.line : 1,
				     "not valid JSON (%s at column %d): skipped", je.text, je.column);
		return CUSTOMS_EFORMAT;
	}
	libs = json_object_get(root, "libraries");
	if (!json_is_object(root) || !json_is_object(libs)) {
		customs__parse_warnf(warn, ud, 1, "no \"libraries\" object: not a .deps.json");
		json_decref(root);
		return CUSTOMS_EFORMAT;
	}
	const char *rt = json_string_value(json_object_get(json_object_get(root, "runtimeTarget"), "name"));
	if (rt) {
		target = json_object_get(json_object_get(root, "targets"), rt);
		if (!json_is_object(target)) {
			customs__parse_warnf(warn, ud, 0,
					     "runtime target \"%s\" is not in \"targets\": every package listed", rt);
			target = NULL;
		}
	}
	json_object_foreach(libs, key, lib) {
		const char *type = json_string_value(json_object_get(lib, "type"));
		if (!type || strcmp(type, "package") != 0)
			continue;
		const char *slash = strrchr(key, '/');
		if (!slash || slash == key || !slash[1]) {
			customs__parse_warnf(warn, ud, 0, "library \"%s\" is not \"Name/Version\": skipped", key);
			continue;
		}
		if (target && !json_object_get(target, key))
			continue; /* restored for another target or for the build only */
		customs_package *p = customs_package_new();
		if (!p || !(p->type = customs_strdup("dotnet")) ||
		    !(p->name = customs_strndup(key, (size_t)(slash - key))) || !(p->version = customs_strdup(slash + 1)) ||
		    !(p->metadata = json_object())) {
			customs_package_free(p);
			err = nomem();
			break;
		}
		p->purl = customs_purl_make("nuget", NULL, p->name, p->version, NULL, NULL);
		json_t *sha = json_object_get(lib, "sha512"), *path = json_object_get(lib, "path");
		if ((json_is_string(sha) && json_string_length(sha) && json_object_set(p->metadata, "sha512", sha) < 0) ||
		    (json_is_string(path) && json_object_set(p->metadata, "path", path) < 0) ||
		    (rt && json_object_set_new(p->metadata, "target", json_string(rt)) < 0)) {
			customs_package_free(p);
			err = nomem();
			break;
		}
		if ((err = customs__pkgvec_push(&v, p)) < 0)
			break;
	}
	json_decref(root);
	return customs__pkgvec_result(out, n, &v, err);
}

/* ---- the analyzer ---- */

static const char *const suffixes[] = {".deps.json", NULL};

static int on_file(void *self, const customs_afile *f, const unsigned char *data, size_t len)
{
	customs_file_warn w = customs__file_warn_for(f, ".deps.json", 0);
	customs_package **pkgs = NULL;
	size_t n = 0;
	int rc = customs__dotnet_parse_deps(&pkgs, &n, (const char *)data, len, customs__file_warn, &w);
	return customs__copies_take(self, f->path, f->layer, rc, pkgs, n);
}

static int finish(void *self, customs_analysis *a)
{
	return copies__merge(self, a, &(copies_merge){.found_by = "dotnet", .flags = COPIES_OWNERS});
}

const customs_analyzer_type customs__dotnet_analyzer = {
	.version = CUSTOMS_ANALYZER_VERSION,
	.name = "dotnet",
	.description = ".NET NuGet packages from *.deps.json",
	.analyzer_version = "1",
	.suffixes = suffixes,
	.create = customs__copies_create,
	.destroy = customs__copies_destroy,
	.max_size = MAX_DEPS_JSON,
	.file = on_file,
	.finish = finish,
};
