/* fuzz_match_ranges.c - libFuzzer target for the matcher's OSV evaluation
 * (customs_match_range, customs_match_entry, customs_match_range_text) under
 * every version scheme.  Input: lines (split at NUL bytes, or else at
 * newlines); the first is the version, each other line is an event whose
 * first byte picks its kind (i introduced, f fixed, l last_affected, L limit,
 * v a versions[] entry) followed by the version.  Checked properties:
 *  - the result does not depend on the order the events are listed in;
 *  - a version that is listed in versions[] is affected;
 *  - {introduced "0"} alone affects every version the scheme reads;
 *  - for dpkg, rpm, apk and go, one [introduced, fixed) interval with A < B
 *    agrees with the scheme's own constraint ">= A, < B". */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "customs/match.h"
#include "customs/version.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXEV 24

static int plain(const char *s)
{
	return *s && !strpbrk(s, " ,|<>=!~^*()[]");
}

/* 1 when compare() is a consistent order on the events' versions and v */
static int transitive(const customs_version_scheme *s, const customs_vuln_event *ev, size_t n, const char *v)
{
	const char *x[MAXEV + 1];
	signed char c[MAXEV + 1][MAXEV + 1];
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (!(ev[i].kind == CUSTOMS_EVENT_INTRODUCED && !strcmp(ev[i].version, "0")) &&
		    !(ev[i].kind == CUSTOMS_EVENT_LIMIT && !strcmp(ev[i].version, "*")))
			x[m++] = ev[i].version;
	x[m++] = v;
	for (size_t i = 0; i < m; i++)
		for (size_t j = 0; j < m; j++) {
			int r = 0;
			if (customs_version_compare(s, x[i], x[j], &r) != 0)
				return 0;
			c[i][j] = (signed char)r;
		}
	for (size_t i = 0; i < m; i++)
		for (size_t j = 0; j < m; j++)
			for (size_t k = 0; k < m; k++)
				if (c[i][j] <= 0 && c[j][k] <= 0 && c[i][k] > 0)
					return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const customs_version_scheme *const *l = customs_version_scheme_list();
	customs_vuln_event ev[MAXEV], rev[MAXEV];
	const char *versions[MAXEV];
	size_t nev = 0, nver = 0;
	char *buf, sep;

	if (size > 4096)
		return 0;
	if (!(buf = malloc(size + 1)))
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	sep = memchr(data, '\0', size) ? '\0' : '\n';
	const char *version = buf;
	for (size_t i = 0; i < size; i++) {
		if (buf[i] != sep)
			continue;
		buf[i] = '\0';
		const char *line = buf + i + 1;
		if (!*line || nev == MAXEV || nver == MAXEV)
			continue;
		switch (*line) {
		case 'i': ev[nev].kind = CUSTOMS_EVENT_INTRODUCED; break;
		case 'f': ev[nev].kind = CUSTOMS_EVENT_FIXED; break;
		case 'l': ev[nev].kind = CUSTOMS_EVENT_LAST_AFFECTED; break;
		case 'L': ev[nev].kind = CUSTOMS_EVENT_LIMIT; break;
		case 'v': versions[nver++] = line + 1; continue;
		default: continue;
		}
		ev[nev++].version = line + 1;
	}
	for (size_t i = 0; i < nev; i++)
		rev[i] = ev[nev - 1 - i];

	for (size_t k = 0; l[k]; k++) {
		const customs_version_scheme *s = l[k];
		customs_vuln_range r = {"ECOSYSTEM", ev, nev}, rr = {"ECOSYSTEM", rev, nev};
		customs_match_eval e1, e2;
		int a1 = -1, a2 = -1;
		int err1 = customs_match_range(&a1, s, version, &r, &e1);
		int err2 = customs_match_range(&a2, s, version, &rr, &e2);
		if (err1 != err2 || (a1 != 0 && a1 != 1))
			abort();
		/* order independence, when every event could be compared and the
		 * scheme orders them consistently (a cycle a < b < c < a is the
		 * scheme's bug, for fuzz_version to find, not this target's) */
		if (!err1 && !e1.errors && !e2.errors && a1 != a2 && transitive(s, ev, nev, version))
			abort();

		customs_vuln_affected a;
		memset(&a, 0, sizeof(a));
		a.vuln_id = "FUZZ-1";
		a.scheme = s->name;
		a.ranges = &r;
		a.nranges = 1;
		a.versions = versions;
		a.nversions = nver;
		customs_match_eval ee;
		if (customs_match_entry(&ee, &a, version) == 0) {
			for (size_t i = 0; i < nver; i++)
				if (!strcmp(versions[i], version) && !ee.affected)
					abort();
		}
		free(customs_match_range_text(&a));

		if (customs_version_valid(s, version) == 0) {
			customs_vuln_event zero = {CUSTOMS_EVENT_INTRODUCED, "0"};
			customs_vuln_range z = {"ECOSYSTEM", &zero, 1};
			int az = 0;
			if (customs_match_range(&az, s, version, &z, NULL) != 0 || az != 1)
				abort();
		}

		/* one interval against the scheme's own comparators */
		if (nev == 2 && ev[0].kind == CUSTOMS_EVENT_INTRODUCED && ev[1].kind == CUSTOMS_EVENT_FIXED &&
		    (!strcmp(s->name, "dpkg") || !strcmp(s->name, "rpm") || !strcmp(s->name, "apk") ||
		     !strcmp(s->name, "go")) &&
		    plain(version) && plain(ev[0].version) && plain(ev[1].version) &&
		    customs_version_valid(s, version) == 0 && customs_version_valid(s, ev[1].version) == 0 &&
		    (!strcmp(ev[0].version, "0") || customs_version_valid(s, ev[0].version) == 0) &&
		    strlen(ev[0].version) + strlen(ev[1].version) < 900) {
			char c[2048];
			int sat = -1, ok, order = -1;
			/* an interval only when introduced < fixed (OSV reads the events
			 * in sorted order, a constraint reads them as written) */
			if (strcmp(ev[0].version, "0") &&
			    (customs_version_compare(s, ev[0].version, ev[1].version, &order) != 0 || order >= 0))
				continue;
			if (!strcmp(ev[0].version, "0"))
				snprintf(c, sizeof(c), "< %s", ev[1].version);
			else
				snprintf(c, sizeof(c), ">= %s, < %s", ev[0].version, ev[1].version);
			ok = customs_match_range(&a1, s, version, &r, &e1);
			if (ok == 0 && !e1.errors && customs_version_satisfies(s, version, c, &sat) == 0 && sat != a1)
				abort();
		}
	}
	free(buf);
	return 0;
}
