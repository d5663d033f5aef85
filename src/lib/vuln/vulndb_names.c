/* vulndb_names.c - the names the database is keyed by: OSV ecosystems
 * (the OSV schema's "Defined ecosystems") as namespaces and version
 * schemes, package names normalised per ecosystem (PEP 503 for PyPI),
 * plausible vulnerability ids, and the fix states' names. */
#include <stdio.h>
#include <string.h>

#include "vuln/vulndb.h"

static const char *const fix_names[] = {"unknown", "fixed", "not-fixed", "wont-fix", "not-affected"};

const char *customs_fix_state_name(customs_fix_state s)
{
	return (unsigned)s < sizeof(fix_names) / sizeof(fix_names[0]) ? fix_names[s] : "unknown";
}

customs_fix_state customs_fix_state_parse(const char *name)
{
	for (size_t i = 0; name && i < sizeof(fix_names) / sizeof(fix_names[0]); i++)
		if (!strcmp(name, fix_names[i]))
			return (customs_fix_state)i;
	return CUSTOMS_FIX_UNKNOWN;
}

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

/* 1 if s[0..n) equals word ignoring ASCII case. */
static int eqi(const char *s, size_t n, const char *word)
{
	size_t i = 0;
	for (; i < n && word[i]; i++)
		if (lower((unsigned char)s[i]) != lower((unsigned char)word[i]))
			return 0;
	return i == n && !word[i];
}

static int release_ok(const char *s, size_t n)
{
	if (!n || n > 32)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '-' ||
		      c == '_'))
			return 0;
	}
	return 1;
}

/* The first "N" or "N.N" run of digits in s (a release number). */
static int first_number(const char *s, size_t *off, size_t *len, int with_minor)
{
	for (size_t i = 0; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9')
			continue;
		size_t j = i;
		while (s[j] >= '0' && s[j] <= '9')
			j++;
		if (with_minor && s[j] == '.' && s[j + 1] >= '0' && s[j + 1] <= '9') {
			j++;
			while (s[j] >= '0' && s[j] <= '9')
				j++;
		}
		*off = i, *len = j - i;
		return j - i <= 16;
	}
	return 0;
}

int vulndb__namespace(char *ns, size_t cap, const char **scheme, const char *eco)
{
	static const struct {
		const char *osv, *ns, *scheme;
	} plain[] = {
		{"npm", "npm", "semver"},         {"PyPI", "pypi", "pep440"},       {"Maven", "maven", "maven"},
		{"Go", "go", "go"},               {"crates.io", "crates.io", "cargo"}, {"RubyGems", "rubygems", "gem"},
		{"Packagist", "packagist", "composer"}, {"NuGet", "nuget", "nuget"},
	};
	static const struct {
		const char *osv, *ns, *scheme;
	} distro[] = {
		{"Debian", "debian", "dpkg"},   {"Alpine", "alpine", "apk"},     {"Ubuntu", "ubuntu", "dpkg"},
		{"AlmaLinux", "almalinux", "rpm"}, {"Rocky Linux", "rocky", "rpm"}, {"Red Hat", "rhel", "rpm"},
	};
	const char *colon;
	size_t bn, off, len;

	if (!eco || !*eco)
		return customs__error(CUSTOMS_EFORMAT, "empty ecosystem");
	colon = strchr(eco, ':');
	bn = colon ? (size_t)(colon - eco) : strlen(eco);
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		if (eqi(eco, bn, plain[i].osv)) {
			if (colon)
				break; /* "npm:x" is not an ecosystem */
			*scheme = plain[i].scheme;
			snprintf(ns, cap, "%s", plain[i].ns);
			return 0;
		}
	for (size_t i = 0; i < sizeof(distro) / sizeof(distro[0]); i++) {
		if (!eqi(eco, bn, distro[i].osv))
			continue;
		*scheme = distro[i].scheme;
		if (!colon || !colon[1]) {
			snprintf(ns, cap, "%s", distro[i].ns);
			return 0;
		}
		const char *rel = colon + 1;
		size_t rn = strlen(rel);
		if (!strcmp(distro[i].ns, "alpine")) {
			if (rel[0] == 'v')
				rel++, rn--;
		} else if (!strcmp(distro[i].ns, "ubuntu")) {
			/* "22.04:LTS", "Pro:18.04:LTS", "24.10" */
			int pro = !strncmp(rel, "Pro:", 4);
			if (!first_number(rel, &off, &len, 1))
				break;
			snprintf(ns, cap, "%s:%.*s", pro ? "ubuntu-pro" : "ubuntu", (int)len, rel + off);
			return 0;
		} else if (!strcmp(distro[i].ns, "rhel")) {
			/* "enterprise_linux:9::appstream", "rhel_eus:9.2::baseos": the major */
			if (!first_number(rel, &off, &len, 0))
				break;
			snprintf(ns, cap, "rhel:%.*s", (int)len, rel + off);
			return 0;
		} else if (strchr(rel, ':')) {
			rn = (size_t)(strchr(rel, ':') - rel);
		}
		if (!release_ok(rel, rn))
			break;
		snprintf(ns, cap, "%s:%.*s", distro[i].ns, (int)rn, rel);
		for (char *p = ns; *p; p++)
			*p = (char)lower((unsigned char)*p);
		return 0;
	}
	return customs__error(CUSTOMS_EUNSUPPORTED, "ecosystem \"%.64s\" is not one the database holds", eco);
}

int vulndb__normalize(char *buf, size_t cap, const char *ns, const char *name)
{
	size_t n = name ? strlen(name) : 0, o = 0;
	int pypi = ns && !strcmp(ns, "pypi");
	int low = pypi || (ns && (!strcmp(ns, "npm") || !strcmp(ns, "packagist") || !strcmp(ns, "nuget")));

	if (!n)
		return customs__error(CUSTOMS_EFORMAT, "empty package name");
	if (n >= cap || n > VULNDB__MAX_NAME)
		return customs__error(CUSTOMS_EFORMAT, "package name longer than %d bytes", VULNDB__MAX_NAME);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c < 0x20 || c == 0x7f)
			return customs__error(CUSTOMS_EFORMAT, "control character in package name");
		if (pypi && (c == '-' || c == '_' || c == '.')) {
			/* PEP 503: runs of -_. become one - */
			while (i + 1 < n && (name[i + 1] == '-' || name[i + 1] == '_' || name[i + 1] == '.'))
				i++;
			buf[o++] = '-';
			continue;
		}
		buf[o++] = (char)(low ? lower(c) : c);
	}
	buf[o] = '\0';
	return 0;
}

int vulndb__valid_id(const char *id)
{
	size_t n = 0;
	if (!id || !*id)
		return 0;
	for (; id[n]; n++)
		if ((unsigned char)id[n] <= 0x20 || (unsigned char)id[n] >= 0x7f || n >= VULNDB__MAX_ID)
			return 0;
	return 1;
}

int vulndb__is_cve(const char *id)
{
	if (!id || strncmp(id, "CVE-", 4))
		return 0;
	const char *p = id + 4;
	for (int i = 0; i < 4; i++, p++)
		if (*p < '0' || *p > '9')
			return 0;
	if (*p++ != '-')
		return 0;
	size_t d = 0;
	for (; *p >= '0' && *p <= '9'; p++)
		d++;
	return !*p && d >= 4 && d <= 19;
}
