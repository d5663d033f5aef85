/* diff.h - what changed between two analyses of images (A, then B):
 * packages added, removed and changed in version; files added, removed and
 * changed (type, mode, owner, size, link, digest when both know it);
 * layers shared and new; config fields; and, given their matches, the
 * vulnerabilities B fixes and introduces.  Written by customs_report_write
 * (CUSTOMS_REPORT_DIFF) as a table or JSON.
 *
 * Ownership: the diff borrows every string from the two analyses and
 * match results: free it (customs_diff_free) before them. */
#ifndef CUSTOMS_DIFF_H
#define CUSTOMS_DIFF_H

#include "customs/common.h"

#include <stddef.h>
#include <stdint.h>

#include "customs/analysis.h"
#include "customs/match.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	CUSTOMS_DIFF_ADDED = 0,   /* in B only ("introduced" for vulnerabilities) */
	CUSTOMS_DIFF_REMOVED,     /* in A only ("fixed" for vulnerabilities) */
	CUSTOMS_DIFF_CHANGED,     /* in both, different */
} customs_diff_change;

/* "added", "removed", "changed". */
CUSTOMS_EXTERN const char *customs_diff_change_name(customs_diff_change c);

typedef struct customs_diff_package {
	customs_diff_change change;
	const char *name, *type, *arch, *location;
	const char *from, *to;     /* versions: from NULL when added, to NULL when removed */
	int layer;                 /* the layer that brought it: in B, or in A when removed */
} customs_diff_package;

enum {
	CUSTOMS_DIFF_TYPE = 1, CUSTOMS_DIFF_MODE = 2, CUSTOMS_DIFF_OWNER = 4, CUSTOMS_DIFF_SIZE = 8,
	CUSTOMS_DIFF_LINK = 16, CUSTOMS_DIFF_DIGEST = 32,
};

typedef struct customs_diff_file {
	customs_diff_change change;
	const customs_file *a, *b; /* visible files: a NULL when added, b NULL when removed */
	unsigned what;             /* changed: CUSTOMS_DIFF_* bits */
} customs_diff_file;

typedef struct customs_diff_layer {
	const char *diff_id;
	const char *created_by;
	int a, b;                  /* index in A and in B, -1 when not there */
} customs_diff_layer;

typedef struct customs_diff_config {
	customs_diff_change change;
	const char *field;         /* "user", "env", "ports", "entrypoint", "cmd", "labels", ... */
	const char *key;           /* env variable or label name, else NULL */
	const char *from, *to;     /* as text; NULL where absent */
} customs_diff_config;

typedef struct customs_diff_vuln {
	customs_diff_change change; /* ADDED: introduced by B; REMOVED: fixed in B */
	const customs_match *m;     /* the match in B (added) or in A (removed) */
} customs_diff_vuln;

typedef struct customs_diff {
	const customs_analysis *a, *b;
	const customs_diff_package *packages;
	size_t npackages;
	const customs_diff_file *files;
	size_t nfiles;
	const customs_diff_layer *layers; /* A's layers in order, then B's new ones */
	size_t nlayers;
	const customs_diff_config *config;
	size_t nconfig;
	const customs_diff_vuln *vulns;   /* severity first, as the matcher sorts */
	size_t nvulns;
	int matched;               /* both had matches: vulns is meaningful */
	/* counts: added, removed, changed */
	size_t packages_count[3], files_count[3], vulns_count[2];
	size_t layers_shared;
} customs_diff;

/* The diff from a to b; ma and mb (their matches, packages selected as the
 * matcher saw them) may be NULL: then no vulnerabilities. */
CUSTOMS_EXTERN int customs_diff_new(customs_diff **out, const customs_analysis *a, const customs_match_result *ma,
				    const customs_analysis *b, const customs_match_result *mb);
CUSTOMS_EXTERN void customs_diff_free(customs_diff *d);

#ifdef __cplusplus
}
#endif
#endif
