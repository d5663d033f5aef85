/* regex.c - the regular expressions users write (policy bundle
 * parameters, content and secret patterns), through PCRE2 (pcre2api(3))
 * with a match limit and a depth limit on every match, JIT-compiled where
 * the platform allows. */
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "util/util.h"

/* Steps one match may take: far more than any sane pattern needs on one
 * line or path, far fewer than a backtracking pattern takes to hang. */
#define MATCH_LIMIT 1000000
#define DEPTH_LIMIT 10000
#define MAX_PATTERN 4096

struct customs_regex {
	pcre2_code *code;
	pcre2_match_context *mctx;
	char *pattern;
};

void customs_regex_free(customs_regex *re)
{
	if (!re)
		return;
	pcre2_code_free(re->code);
	pcre2_match_context_free(re->mctx);
	free(re->pattern);
	free(re);
}

const char *customs_regex_pattern(const customs_regex *re)
{
	return re ? re->pattern : NULL;
}

int customs_regex_match(const customs_regex *re, const char *s, size_t len, size_t *start, size_t *end)
{
	return customs_regex_match_group(re, s, len, NULL, start, end, NULL, NULL);
}

int customs_regex_match_group(const customs_regex *re, const char *s, size_t len, const char *group, size_t *start,
			      size_t *end, size_t *gstart, size_t *gend)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re->code, NULL);
	int rc;
	if (!md)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	rc = pcre2_match(re->code, (PCRE2_SPTR)(s ? s : ""), len, 0, 0, md, re->mctx);
	if (rc >= 0) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		int g = group ? pcre2_substring_number_from_name(re->code, (PCRE2_SPTR)group) : -1;
		if (start)
			*start = ov[0];
		if (end)
			*end = ov[1];
		if (gstart && gend) {
			*gstart = *gend = ov[1];
			if (g > 0 && g < rc && ov[2 * g] != PCRE2_UNSET)
				*gstart = ov[2 * g], *gend = ov[2 * g + 1];
		}
		rc = 1;
	} else if (rc == PCRE2_ERROR_NOMATCH) {
		rc = 0;
	} else if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT ||
		   rc == PCRE2_ERROR_HEAPLIMIT) {
		rc = customs__error(CUSTOMS_ELIMIT,
				    "regex /%.200s/ hit the match limit of %d steps: it backtracks without end",
				    re->pattern, MATCH_LIMIT);
	} else {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(rc, msg, sizeof(msg));
		rc = customs__error(CUSTOMS_EFORMAT, "regex /%.200s/: %s", re->pattern, (const char *)msg);
	}
	pcre2_match_data_free(md);
	return rc;
}

/* Runs of the pattern's own characters and of a few common ones, each
 * ending in a byte that fails the match and then every literal of the
 * pattern (so that PCRE2's "required character" shortcut does not skip
 * the work): what makes nested quantifiers ("(a+)+$", "(x+x+)+y") try
 * every way of splitting the run. */
static int backtracks(const customs_regex *re)
{
	char seen[256] = {0}, lits[96], subject[64 + 1 + sizeof(lits)];
	const char common[] = "a0 x.-/";
	size_t nl = 0;
	int tried = 0;
	for (const char *p = common; *p; p++)
		seen[(unsigned char)*p] = 1;
	for (const char *p = re->pattern; *p; p++)
		if ((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f && !strchr("\\()[]{}*+?|^$.", *p)) {
			if (!seen[(unsigned char)*p] && nl < sizeof(lits))
				lits[nl++] = *p;
			seen[(unsigned char)*p] = 1;
		}
	for (int c = 0x20; c < 0x7f && tried < 32; c++) {
		if (!seen[c])
			continue;
		tried++;
		memset(subject, c, 64);
		subject[64] = '\x01';
		memcpy(subject + 65, lits, nl);
		if (customs_regex_match(re, subject, 65 + nl, NULL, NULL) == CUSTOMS_ELIMIT)
			return 1;
	}
	return 0;
}

int customs_regex_compile(customs_regex **out, const char *pattern, unsigned flags)
{
	customs_regex *re;
	int errcode;
	PCRE2_SIZE erroff;
	uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;

	*out = NULL;
	if (strlen(pattern) > MAX_PATTERN)
		return customs__error(CUSTOMS_ELIMIT, "regex of %zu bytes: at most %d", strlen(pattern), MAX_PATTERN);
	if (flags & CUSTOMS_REGEX_ANCHORED)
		opts |= PCRE2_ANCHORED;
	if (flags & CUSTOMS_REGEX_CASELESS)
		opts |= PCRE2_CASELESS;
	if (flags & CUSTOMS_REGEX_MULTILINE)
		opts |= PCRE2_MULTILINE;
	if (!(re = calloc(1, sizeof(*re))) || !(re->pattern = strdup(pattern))) {
		free(re);
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	re->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, opts, &errcode, &erroff, NULL);
	if (!re->code) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(errcode, msg, sizeof(msg));
		customs_regex_free(re);
		return customs__error(CUSTOMS_EFORMAT, "regex /%.200s/ does not compile: %s at offset %zu", pattern,
				      (const char *)msg, (size_t)erroff);
	}
	/* JIT is an optimisation: where it is refused, the interpreter runs */
	pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE);
	if (!(re->mctx = pcre2_match_context_create(NULL))) {
		customs_regex_free(re);
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	pcre2_set_match_limit(re->mctx, MATCH_LIMIT);
	pcre2_set_depth_limit(re->mctx, DEPTH_LIMIT);
	if (backtracks(re)) {
		customs_regex_free(re);
		return customs__error(CUSTOMS_ELIMIT,
				      "regex /%.200s/ backtracks without end: over %d steps on a short subject",
				      pattern, MATCH_LIMIT);
	}
	*out = re;
	return 0;
}
