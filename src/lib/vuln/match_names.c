/* match_names.c - the names of the matcher's enums as the reports and the
 * CLI spell them, severity buckets from CVSS v3 base scores (FIRST CVSS
 * v3.1 specification, §5 "Qualitative Severity Rating Scale") and from the
 * distros' own ratings (Debian security tracker urgencies, Ubuntu
 * priorities, Red Hat severity ratings). */
#include <string.h>
#include <strings.h>

#include "customs/match.h"
#include "util/util.h"

static const char *const severity_names[] = {"unknown", "negligible", "low", "medium", "high", "critical"};

const char *customs_severity_name(customs_severity s)
{
	return (unsigned)s < sizeof(severity_names) / sizeof(severity_names[0]) ? severity_names[s] : "unknown";
}

int customs_severity_parse(customs_severity *out, const char *name)
{
	static const struct {
		const char *name;
		customs_severity s;
	} extra[] = {
		{"moderate", CUSTOMS_SEVERITY_MEDIUM}, {"important", CUSTOMS_SEVERITY_HIGH},
		{"none", CUSTOMS_SEVERITY_NEGLIGIBLE},
	};
	if (!out || !name)
		return customs__error(CUSTOMS_EINVAL, "severity: NULL argument");
	for (size_t i = 0; i < sizeof(severity_names) / sizeof(severity_names[0]); i++)
		if (!strcasecmp(name, severity_names[i])) {
			*out = (customs_severity)i;
			return 0;
		}
	for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
		if (!strcasecmp(name, extra[i].name)) {
			*out = extra[i].s;
			return 0;
		}
	return customs__error(CUSTOMS_EINVAL,
			      "unknown severity \"%.40s\" (negligible, low, medium, high, critical or unknown)", name);
}

customs_severity customs_severity_from_cvss(double score)
{
	if (score < 0)
		return CUSTOMS_SEVERITY_UNKNOWN;
	if (score >= 9.0)
		return CUSTOMS_SEVERITY_CRITICAL;
	if (score >= 7.0)
		return CUSTOMS_SEVERITY_HIGH;
	if (score >= 4.0)
		return CUSTOMS_SEVERITY_MEDIUM;
	if (score >= 0.1)
		return CUSTOMS_SEVERITY_LOW;
	return CUSTOMS_SEVERITY_NEGLIGIBLE;
}

customs_severity customs_severity_from_distro(const char *word)
{
	static const struct {
		const char *w;
		customs_severity s;
	} r[] = {
		{"unimportant", CUSTOMS_SEVERITY_NEGLIGIBLE}, {"negligible", CUSTOMS_SEVERITY_NEGLIGIBLE},
		{"low", CUSTOMS_SEVERITY_LOW},                {"medium", CUSTOMS_SEVERITY_MEDIUM},
		{"moderate", CUSTOMS_SEVERITY_MEDIUM},        {"high", CUSTOMS_SEVERITY_HIGH},
		{"important", CUSTOMS_SEVERITY_HIGH},         {"critical", CUSTOMS_SEVERITY_CRITICAL},
	};
	size_t n = word ? strlen(word) : 0;
	while (n && word[n - 1] == '*')
		n--;
	for (size_t i = 0; n && i < sizeof(r) / sizeof(r[0]); i++)
		if (strlen(r[i].w) == n && !strncasecmp(word, r[i].w, n))
			return r[i].s;
	return CUSTOMS_SEVERITY_UNKNOWN;
}

int customs_severity_source_parse(customs_severity_source *out, const char *name)
{
	if (!out || !name)
		return customs__error(CUSTOMS_EINVAL, "severity source: NULL argument");
	if (!strcmp(name, "distro") || !strcmp(name, "cvss")) {
		*out = name[0] == 'd' ? CUSTOMS_SEVERITY_SOURCE_DISTRO : CUSTOMS_SEVERITY_SOURCE_CVSS;
		return 0;
	}
	return customs__error(CUSTOMS_EINVAL, "unknown severity source \"%.40s\" (distro or cvss)", name);
}

const char *customs_match_kind_name(customs_match_kind k)
{
	static const char *const n[] = {"direct", "source-package", "owning-package"};
	return (unsigned)k < 3 ? n[k] : "direct";
}

const char *customs_suppress_kind_name(customs_suppress_kind k)
{
	static const char *const n[] = {"none", "covered", "not-affected", "vex", "ignore", "status", "only-fixed"};
	return (unsigned)k < 7 ? n[k] : "none";
}
