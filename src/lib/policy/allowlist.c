/* allowlist.c - what decides whether an allowlist item silences a
 * finding: Anchore Engine's rule (policy/bundles.py ExecutableWhitelistItem:
 * the gate, then the trigger_id exactly or as a glob, util/matcher.py's
 * regexify with its "regexp:" escape hatch) and customs' additions (an
 * item expires at the end of its day, and only applies within its scope:
 * registry, repository, digest, purl, path, base image).  Also the tag
 * parsing the mappings match against (util/docker.py
 * parse_dockerimage_string, not strict) and dates. */
#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "policy/policy_int.h"

int policy__glob(const char *pattern, const char *s)
{
	if (!pattern || !s)
		return 0;
	if (!strncmp(pattern, "regexp:", 7)) {
		customs_regex *re;
		int rc;
		/* Anchore's re.match: anchored at the start, not at the end */
		if (customs_regex_compile(&re, pattern + 7, CUSTOMS_REGEX_ANCHORED) < 0)
			return 0;
		rc = customs_regex_match(re, s, strlen(s), NULL, NULL);
		customs_regex_free(re);
		return rc == 1;
	}
	/* regexify: "*" is ".*", everything else literal, the whole string */
	const char *p = pattern, *t = s, *star = NULL, *mark = NULL;
	while (*t) {
		if (*p == '*') {
			star = p++;
			mark = t;
		} else if (*p && *p == *t) {
			p++, t++;
		} else if (star) {
			p = star + 1;
			t = ++mark;
		} else {
			return 0;
		}
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

long long policy__parse_time(const char *s, int end_of_day)
{
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
	memset(&tm, 0, sizeof(tm));
	if (!s || sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10 || mo < 1 || mo > 12 || d < 1 || d > 31)
		return -1;
	const char *r = s + 10;
	long long off = 0;
	if (*r == 'T' || *r == 't' || *r == ' ') {
		int m = 0;
		if (sscanf(r + 1, "%2d:%2d:%2d%n", &h, &mi, &sec, &m) != 3 || h > 23 || mi > 59 || sec > 60)
			return -1;
		r += 1 + m;
		if (*r == '.')
			for (r++; isdigit((unsigned char)*r); r++)
				;
		if (*r == 'Z' || *r == 'z')
			r++;
		else if (*r == '+' || *r == '-') {
			int oh, om;
			if (sscanf(r + 1, "%2d:%2d", &oh, &om) != 2)
				return -1;
			off = (oh * 3600LL + om * 60LL) * (*r == '+' ? 1 : -1);
			r += 6;
		}
		end_of_day = 0;
	}
	if (*r)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	time_t t = timegm(&tm);
	/* timegm normalises 2025-02-30 to March: refuse what it moved */
	struct tm back;
	gmtime_r(&t, &back);
	if (back.tm_mday != d || back.tm_mon != mo - 1)
		return -1;
	return (long long)t - off + (end_of_day ? 86400 : 0);
}

int policy__parse_tag(const char *s, char **registry, char **repo, char **tag, char **digest)
{
	const char *slash = strchr(s, '/'), *remain = s;
	char *host = NULL;
	*registry = *repo = *tag = *digest = NULL;
	if (slash) {
		size_t n = (size_t)(slash - s);
		char first[256];
		snprintf(first, sizeof(first), "%.*s", (int)(n < 255 ? n : 255), s);
		if (strchr(first, ':') || strchr(first, '.') || !strcmp(first, "localhost") ||
		    !strcmp(first, "localhost.localdomain") || !strcmp(first, "localbuild")) {
			host = customs_strdup(first);
			remain = slash + 1;
		}
	}
	if (!host)
		host = customs_strdup("docker.io");
	const char *at = strchr(remain, '@'), *colon = strrchr(remain, ':');
	if (at) {
		*repo = customs_strndup(remain, (size_t)(at - remain));
		*digest = customs_strdup(at + 1);
	} else if (colon) {
		*repo = customs_strndup(remain, (size_t)(colon - remain));
		*tag = customs_strdup(*(colon + 1) ? colon + 1 : "latest");
	} else {
		*repo = customs_strdup(remain);
		*tag = customs_strdup("latest");
	}
	*registry = host;
	if (!*registry || !*repo || (!*tag && !*digest)) {
		free(*registry), free(*repo), free(*tag), free(*digest);
		*registry = *repo = *tag = *digest = NULL;
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	return 0;
}

/* The purl of a finding's package, and the path it is about. */
static const char *finding_purl(const customs_policy_finding *f)
{
	return f->match ? f->match->purl : NULL;
}

static const char *finding_path(const customs_policy_finding *f)
{
	if (f->path)
		return f->path;
	return f->match ? f->match->location : NULL;
}

static int scope_glob(const char *pattern, const char *s)
{
	if (!pattern)
		return 1;
	if (!s)
		return 0;
	/* paths as Anchore names them ("/etc/x") or as the image does ("etc/x") */
	if (pattern[0] == '/' && s[0] != '/')
		return policy__glob(pattern + 1, s);
	return policy__glob(pattern, s);
}

int policy__item_applies(const customs_policy_allowlist_item *it, const customs_policy_finding *f, const char *registry,
			 const char *repository, const char *digest, long long now)
{
	if (!it->gate || !it->trigger_id || strcasecmp(it->gate, f->gate))
		return 0;
	if (strcmp(it->trigger_id, f->trigger_id) && !policy__glob(it->trigger_id, f->trigger_id))
		return 0;
	if (!scope_glob(it->registry, registry) || !scope_glob(it->repository, repository) ||
	    !scope_glob(it->digest, digest) || !scope_glob(it->purl, finding_purl(f)) ||
	    !scope_glob(it->path, finding_path(f)))
		return 0;
	if (it->base_image >= 0 && f->in_base != it->base_image)
		return 0;
	return it->expires_at && now >= it->expires_at ? 2 : 1;
}
