/* version.c - the table of version schemes (lookup by name or alias) and
 * the public front of include/customs/version.h: the arguments are checked
 * once here for every scheme, then the scheme parses. */
#include <string.h>

#include "util/util.h"
#include "vuln/version_int.h"

/* ---- the table ---- */

static const char *const dpkg_aliases[] = {"deb", "debian", "ubuntu", NULL};
static const char *const rpm_aliases[] = {"redhat",   "red hat", "almalinux", "rocky", "rocky linux",
					  "suse",     "opensuse", "mariner",  NULL};
static const char *const apk_aliases[] = {"alpine", "wolfi", "chainguard", NULL};
static const char *const semver_aliases[] = {"npm", NULL};
static const char *const pep440_aliases[] = {"pypi", "python", NULL};
static const char *const go_aliases[] = {"golang", NULL};
static const char *const gem_aliases[] = {"rubygems", NULL};
static const char *const cargo_aliases[] = {"crates.io", NULL};
static const char *const composer_aliases[] = {"packagist", NULL};
static const char *const no_aliases[] = {NULL};

static const customs_version_scheme *const schemes[] = {
	&version__dpkg,  &version__rpm,   &version__apk,   &version__semver,   &version__pep440, &version__maven,
	&version__go,    &version__gem,   &version__cargo, &version__composer, &version__nuget,  NULL,
};

/* Parallel to schemes[]. */
static const char *const *const aliases[] = {
	dpkg_aliases,  rpm_aliases,  apk_aliases,   semver_aliases,   pep440_aliases, no_aliases,
	go_aliases,    gem_aliases,  cargo_aliases, composer_aliases, no_aliases,
};

const customs_version_scheme *const *customs_version_scheme_list(void)
{
	return schemes;
}

static int name_matches(const char *name, size_t n, const char *word)
{
	return strlen(word) == n && version__casecmp(name, n, word, n) == 0;
}

const customs_version_scheme *customs_version_scheme_find(const char *name)
{
	size_t n;

	if (!name)
		return NULL;
	/* OSV ecosystems carry a release: "Debian:12", "Alpine:v3.21". */
	for (n = 0; name[n] && name[n] != ':' && n <= 64; n++)
		;
	if (n == 0 || n > 64)
		return NULL;
	for (size_t i = 0; schemes[i]; i++) {
		if (name_matches(name, n, schemes[i]->name))
			return schemes[i];
		for (const char *const *a = aliases[i]; *a; a++)
			if (name_matches(name, n, *a))
				return schemes[i];
	}
	return NULL;
}

const char *const *customs_version_scheme_aliases(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; schemes[i]; i++)
		if (strcmp(schemes[i]->name, name) == 0)
			return aliases[i];
	return NULL;
}

/* ---- the public front: arguments checked once, then the scheme ---- */

static int no_scheme(void)
{
	return customs__error(CUSTOMS_EINVAL, "version scheme is NULL");
}

int customs_version_compare(const customs_version_scheme *scheme, const char *a, const char *b, int *out)
{
	size_t an, bn;
	int err;

	if (!scheme)
		return no_scheme();
	if ((err = version__compare_args(scheme->name, a, b, out, &an, &bn)) < 0)
		return err;
	return scheme->compare(a, an, b, bn, out);
}

int customs_version_valid(const customs_version_scheme *scheme, const char *v)
{
	size_t n;
	int err;

	if (!scheme)
		return no_scheme();
	if ((err = version__valid_args(scheme->name, v, &n)) < 0)
		return err;
	return scheme->valid(v, n);
}

int customs_version_satisfies(const customs_version_scheme *scheme, const char *version, const char *constraint,
			      int *out)
{
	size_t vn, cn;
	int err;

	if (!scheme)
		return no_scheme();
	if ((err = version__satisfies_args(scheme->name, version, constraint, out, &vn, &cn)) < 0)
		return err;
	if (!scheme->satisfies) {
		version__generic g = {scheme->name, scheme->compare, NULL, NULL};
		return version__satisfies_generic(&g, version, vn, constraint, cn, out);
	}
	return scheme->satisfies(version, vn, constraint, cn, out);
}
