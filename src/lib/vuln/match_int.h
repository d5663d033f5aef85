/* match_int.h - what the parts of the matcher share: the per-analysis
 * context and its lookups (match_lookup.c), building matches from the
 * entries that matched (match_fold.c), ignore rules and VEX (match_rules.c);
 * match.c drives them.  OSV evaluation (match_range.c) needs only the
 * public customs/match.h. */
#ifndef CUSTOMS_VULN_MATCH_INT_H
#define CUSTOMS_VULN_MATCH_INT_H

#include <stddef.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "customs/match.h"
#include "util/util.h"

/* What the database says about one record (id, source): its group and
 * scores, copied into the result's arena. */
struct vinfo {
	const char *id, *source;
	const char **aliases; /* SELF first, then ALIAS members */
	size_t naliases;
	const char **related; /* RELATED / UPSTREAM members */
	size_t nrelated;
	const char *summary, *label;
	double cvss3;
	const char *cvss3_vector;
	double cvss4;
	const char *cvss4_vector;
	customs_vuln_enrichment *enr; /* copies, strings in the arena */
	size_t nenr;
};

/* One evaluated entry of a lookup. */
struct ent {
	customs_match_record rec;
	int affected;
	int marker; /* NOT_AFFECTED marker */
	const char *first_fixed;
	const char *severity; /* the entry's own label (Ubuntu priority), never a CVSS vector */
};

/* One lookup: (namespace, name, compared version) → evaluated entries. */
struct lookup {
	const char *ns, *name, *version;
	struct ent *ents;
	size_t nents;
};

/* A match being built: hits (indexes into ents of one or two lookups). */
struct hit {
	const struct ent *e;
	struct vinfo *vi;
	customs_match_kind kind;
	size_t comp; /* union-find parent */
};

struct ctx {
	customs_vulndb *db;
	const customs_analysis *a;
	const customs_match_opts *o;
	customs_arena *ar;
	char today[11];
	customs_strmap lookups; /* "ns\x1fname\x1fversion" → struct lookup* */
	customs_strmap vinfos;  /* "id\x1fsource" → struct vinfo* */
	long *owners;           /* customs_analysis_owners, built lazily */
	int owners_built;
	customs_strmap explain; /* ids of opts.explain_id's group */
	customs_strmap warned;
	customs_strmap nsdata;  /* namespace → (void *)1 when the database has entries */
	/* result arrays */
	customs_match *m;
	size_t n, cap;
	const char **warn;
	size_t nwarn, capwarn;
	const char **notes;
	size_t nnotes, capnotes;
	struct lookup **pending; /* lookups to fill */
	size_t npending, cappending;
	customs_arena *xar;      /* worker arenas, kept with the result */
	size_t nxar;
	/* scratch of one lookup */
	struct ent *ents;
	size_t nents, capents;
	const char *cur_name, *cur_version, *cur_ns;
	/* debs that name no source package: the source the database's
	 * Packages indexes give (by package index, in the arena), built with
	 * the first plan */
	const char **bin_src, **bin_src_version;
	int bin_built;
};

/* A package's key: the namespace, the names to look up and how each
 * matches, and the version to compare. */
struct pkgkey {
	const char *ns;
	const char *names[2];
	customs_match_kind kinds[2];
	size_t nnames;
	const char *version;
};

/* What one package looks up, decided before any match is built. */
struct plan {
	size_t pi;
	struct pkgkey k;
	const struct lookup *lks[2];
	/* the distro package that installed it, and where its distro records
	 * are: the owner's source, or (a Go stdlib) its Built-Using toolchain */
	const customs_package *owner;
	const struct lookup *owner_lookup;
	const char *owner_ns, *owner_src, *owner_ver;
	int owner_built_using;
	int owner_data;
};

static inline int match__oom(void) { return customs__error(CUSTOMS_ENOMEM, "out of memory"); }

/* A string of the package's metadata, or NULL. */
static inline const char *match__meta(const customs_package *p, const char *key)
{
	return p->metadata ? json_string_value(json_object_get(p->metadata, key)) : NULL;
}

/* 1 when id is one of v[0..n) (ids compare ignoring case). */
static inline int match__has_id(const char *const *v, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (!strcasecmp(v[i], id))
			return 1;
	return 0;
}

/* ---- match_lookup.c: the lookups, and what the matcher says ---- */

/* A warning of the result, said once however often it comes. */
int match__warn(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* An --explain note (s NULL: out of memory). */
int match__note(struct ctx *c, const char *s);
/* 1 for deb, rpm and apk. */
int match__is_distro_type(const char *type);
/* 1 for a distro's namespace ("debian:12", "almalinux:9"), 0 for an
 * ecosystem's ("npm", "go"). */
int match__is_distro_ns(const char *ns);
/* The namespace of a language package type ("npm", "pypi", ...) or NULL. */
const char *match__lang_ns(const char *type);
/* Phase 1 for package pi: its key, its lookups (queued) and its owner's.
 * Returns 1 when the package has a plan, 0 when it has none. */
int match__plan_package(struct ctx *c, size_t pi, const char *dns, int distro_data, struct plan *pl);
/* Fill every queued lookup, on several database handles when there are. */
int match__fill_pending(struct ctx *c);

/* ---- match_fold.c: matches from the entries that matched ---- */

/* The record (id, source) with its group and scores, read once. */
int match__get_vinfo(struct ctx *c, const char *id, const char *source, struct vinfo **out);
/* Phase 3 for one package: its matches appended to c->m.  Returns 1 when
 * it has any. */
int match__package(struct ctx *c, const struct plan *pl);

/* ---- match_rules.c: ignore rules and VEX ---- */

/* 1 for "YYYY-MM-DD" (a time may follow after 'T' or ' '). */
int match__valid_date(const char *s);
/* say() once for each ignore rule that expired before today. */
int match__rules_expired(const customs_match_rules *r, const char *today,
			 int (*say)(void *ud, const char *msg), void *ud);
/* The latest VEX statement that applies to m, then the first ignore rule
 * (not expired by today) that does, suppress m; the reason is printed into
 * ar.  CUSTOMS_ENOMEM when it could not be. */
int match__rules_apply(const customs_match_rules *r, customs_match *m, const char *image_digest, const char *today,
		       customs_arena *ar);

#endif
