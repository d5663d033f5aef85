/* php.c - PHP Composer packages: vendor/composer/installed.json (what
 * `composer install` put in vendor/: Composer 1 writes an array of
 * packages, Composer 2 an object {"packages": [...], "dev": bool,
 * "dev-package-names": [...]}) and composer.lock ({"packages": [...],
 * "packages-dev": [...]}), getcomposer.org "composer.lock - The Lock File"
 * and Composer's InstalledFilesystemRepository.  As for npm, a lockfile is
 * not an inventory: composer.lock counts only for a project without an
 * installed vendor/composer/installed.json. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/analyzers.h"
#include "core/copies.h"
#include "customs/purl.h"
#include "util/util.h"

#define MAX_COMPOSER_FILE (32u << 20)

static int nomem(void)
{
	return customs__error(CUSTOMS_ENOMEM, "out of memory");
}

static json_t *load_json(const char *buf, size_t len, const char *what, customs_parse_warn_fn warn, void *ud)
{
	json_error_t je;
	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		buf += 3, len -= 3;
	json_t *root = json_loadb(buf, len, 0, &je);
	if (!root)
		customs__parse_warnf(warn, ud, je.line > 0 ? (size_t)je.line : 1,
				     "%s is not valid JSON (%s at column %d): skipped", what, je.text, je.column);
	return root;
}

/* One package object; 0 with nothing pushed when it is not usable (warned). */
static int add_package(customs_pkgvec *v, json_t *o, int dev, size_t idx, customs_parse_warn_fn warn, void *ud)
{
	const char *name = json_string_value(json_object_get(o, "name"));
	const char *version = json_string_value(json_object_get(o, "version"));
	const char *slash = name ? strchr(name, '/') : NULL;
	if (!json_is_object(o) || !name || !version || !*version || !slash || slash == name || !slash[1]) {
		customs__parse_warnf(warn, ud, 0, "package %zu has no \"vendor/name\" name or no version: skipped",
				     idx);
		return 0;
	}
	customs_package *p = customs_package_new();
	if (!p || !(p->type = customs_strdup("php-composer")) || !(p->name = customs_strdup(name)) ||
	    !(p->version = customs_strdup(version)) || !(p->metadata = json_object()))
		goto fail;
	char *vendor = customs_strndup(name, (size_t)(slash - name));
	if (!vendor)
		goto fail;
	p->purl = customs_purl_make("composer", vendor, slash + 1, version, NULL, NULL);
	free(vendor);
	json_t *lic = json_object_get(o, "license"), *l;
	size_t i;
	if (json_is_string(lic) && json_string_length(lic) && customs_strlist_add(&p->licenses, json_string_value(lic)) < 0)
		goto fail;
	json_array_foreach(lic, i, l) {
		if (json_is_string(l) && json_string_length(l) && !customs_strlist_contains(&p->licenses, json_string_value(l)) &&
		    customs_strlist_add(&p->licenses, json_string_value(l)) < 0)
			goto fail;
	}
	static const char *const keys[] = {"type", "homepage", "description", NULL};
	for (int k = 0; keys[k]; k++) {
		json_t *s = json_object_get(o, keys[k]);
		if (json_is_string(s) && json_string_length(s) && json_object_set(p->metadata, keys[k], s) < 0)
			goto fail;
	}
	json_t *src = json_object_get(o, "source");
	if (!json_is_object(src))
		src = json_object_get(o, "dist");
	if (json_is_object(src)) {
		json_t *u = json_object_get(src, "url"), *r = json_object_get(src, "reference");
		if ((json_is_string(u) && json_object_set(p->metadata, "source_url", u) < 0) ||
		    (json_is_string(r) && json_string_length(r) && json_object_set(p->metadata, "source_reference", r) < 0))
			goto fail;
	}
	if (dev && json_object_set_new(p->metadata, "dev", json_true()) < 0)
		goto fail;
	return customs__pkgvec_push(v, p);
fail:
	customs_package_free(p);
	return nomem();
}

int customs__php_parse_installed(customs_package ***out, size_t *n, const char *buf, size_t len,
				 customs_parse_warn_fn warn, void *ud)
{
	customs_pkgvec v = {0};
	json_t *root, *pkgs, *e, *devnames = NULL;
	size_t i;
	int err = 0;
	*out = NULL;
	*n = 0;
	if (!(root = load_json(buf, len, "installed.json", warn, ud)))
		return CUSTOMS_EFORMAT;
	if (json_is_array(root)) { /* Composer 1 */
		pkgs = root;
	} else {
		pkgs = json_object_get(root, "packages");
		devnames = json_object_get(root, "dev-package-names");
	}
	if (!json_is_array(pkgs)) {
		customs__parse_warnf(warn, ud, 1,
				     "installed.json is neither an array nor an object with a \"packages\" array: skipped");
		json_decref(root);
		return CUSTOMS_EFORMAT;
	}
	json_array_foreach(pkgs, i, e) {
		const char *name = json_string_value(json_object_get(e, "name"));
		int dev = 0;
		size_t k;
		json_t *d;
		json_array_foreach(devnames, k, d) {
			if (name && json_is_string(d) && !strcmp(json_string_value(d), name))
				dev = 1;
		}
		if ((err = add_package(&v, e, dev, i, warn, ud)) < 0)
			break;
	}
	json_decref(root);
	return customs__pkgvec_result(out, n, &v, err);
}

int customs__php_parse_lock(customs_package ***out, size_t *n, const char *buf, size_t len, customs_parse_warn_fn warn,
			    void *ud)
{
	customs_pkgvec v = {0};
	json_t *root, *e;
	size_t i;
	int err = 0;
	*out = NULL;
	*n = 0;
	if (!(root = load_json(buf, len, "composer.lock", warn, ud)))
		return CUSTOMS_EFORMAT;
	json_t *pkgs = json_object_get(root, "packages"), *dev = json_object_get(root, "packages-dev");
	if (!json_is_object(root) || !json_is_array(pkgs)) {
		customs__parse_warnf(warn, ud, 1, "composer.lock has no \"packages\" array: skipped");
		json_decref(root);
		return CUSTOMS_EFORMAT;
	}
	json_array_foreach(pkgs, i, e) {
		if ((err = add_package(&v, e, 0, i, warn, ud)) < 0)
			break;
	}
	json_array_foreach(dev, i, e) {
		if (err == 0 && (err = add_package(&v, e, 1, i, warn, ud)) < 0)
			break;
	}
	json_decref(root);
	return customs__pkgvec_result(out, n, &v, err);
}

/* ---- the analyzer ---- */

static const char *const basenames[] = {"composer.lock", NULL};
static const char *const suffixes[] = {"vendor/composer/installed.json", NULL};

static int is_lock(const char *path)
{
	const char *b = strrchr(path, '/');
	return !strcmp(b ? b + 1 : path, "composer.lock");
}

static int on_file(void *self, const customs_afile *f, const unsigned char *data, size_t len)
{
	int lock = is_lock(f->path);
	customs_file_warn w = customs__file_warn_for(f, lock ? "composer.lock" : "installed.json", 0);
	customs_package **pkgs = NULL;
	size_t n = 0;
	if (!lock && strcmp(f->path, "vendor/composer/installed.json") != 0 &&
	    !customs_str_has_suffix(f->path, "/vendor/composer/installed.json"))
		return 0;
	int rc = lock ? customs__php_parse_lock(&pkgs, &n, (const char *)data, len, customs__file_warn, &w)
		      : customs__php_parse_installed(&pkgs, &n, (const char *)data, len, customs__file_warn, &w);
	return customs__copies_take(self, f->path, f->layer, rc, pkgs, n);
}

/* <dir>/composer.lock counts only without an installed <dir>/vendor. */
static int use_path(void *ud, customs_analysis *a, const char *path, const copies_copy *visible)
{
	if (!is_lock(path))
		return 1;
	size_t dl = strlen(path) - strlen("composer.lock");
	char *inst = customs_asprintf("%.*svendor/composer/installed.json", (int)dl, path);
	if (!inst)
		return nomem();
	int installed = copies__visible_layer(a, inst) >= 0;
	free(inst);
	return !installed;
}

static int finish(void *self, customs_analysis *a)
{
	return copies__merge(self, a,
			     &(copies_merge){.found_by = "php", .flags = COPIES_OWNERS, .use = use_path});
}

const customs_analyzer_type customs__php_analyzer = {
	.version = CUSTOMS_ANALYZER_VERSION,
	.name = "php",
	.description = "PHP Composer packages: vendor/composer/installed.json and composer.lock",
	.analyzer_version = "1",
	.basenames = basenames,
	.suffixes = suffixes,
	.create = customs__copies_create,
	.destroy = customs__copies_destroy,
	.max_size = MAX_COMPOSER_FILE,
	.file = on_file,
	.finish = finish,
};
