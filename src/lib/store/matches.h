/* matches.h - match sets in the store (matches.c): per package set and
 * database build, read back as a customs_match_result, and the change of
 * an image's current set recorded as events. */
#ifndef CUSTOMS_STORE_MATCHES_H
#define CUSTOMS_STORE_MATCHES_H

#include "customs/match.h"
#include "store/store_int.h"

/* What identifies the matches of a database build: "sha256:..." of the
 * customs version (its matcher), when the database was built and what each
 * of its feeds held. */
int store__build_id(char out[72], const customs_vulndb_info *info);

/* One match as matches.detail holds it, its strings in ar, its package
 * a's (CUSTOMS_EFORMAT for a damaged one). */
int store__match_decode(customs_match *m, customs_arena *ar, const void *p, size_t n, const customs_analysis *a);

/* A result for customs_store_matches_free() around the matcher's (taken:
 * freed also when this fails). */
int store__result_wrap(customs_match_result **out, customs_match_result *inner);

/* Match set `set` as a result whose packages are a's (which must be the
 * analysis the set was made of, its packages selected). */
int store__matchset_read(customs_store *s, customs_match_result **out, int64_t set, const customs_analysis *a);

/* Keep r as the match set of (pkgset, build): *id is its row, or the row of
 * the equal set another process kept first. */
int store__matchset_write(customs_store *s, int64_t *id, const char *pkgset, const char *build, const char *built_at,
			  const customs_match_result *r);

/* What an image's new current match set changed. */
typedef struct store_change {
	int64_t added, resolved, active;
	int first;
} store_change;

/* Make new_set image_id's current matches, recording the active matches
 * that came and went since old_set (<= 0: none before, nothing recorded). */
int store__matchset_change(customs_store *s, int64_t image_id, int64_t old_set, int64_t new_set, const char *built_at,
			   store_change *out);

#endif
