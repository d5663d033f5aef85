/* match.h - the matcher: an analysis against the vulnerability database
 * (include/customs/vuln.h) gives a list of matches, one per vulnerability
 * per package, with what decided each one and whether it is suppressed.
 *
 * Rules (FORMATS-packages.md §9):
 *  - distro packages (deb, rpm, apk) are looked up in the distro's namespace
 *    ("debian:12") by their SOURCE package (dpkg Source, apk origin; rpm also
 *    by the binary name) and compared with the distro's scheme; dpkg
 *    packages compare their source version, which is what Debian's feed
 *    lists.
 *  - language packages by their ecosystem ("npm", "pypi", "go", "maven",
 *    ...) and normalised name; Go's stdlib by the toolchain version.
 *  - OSV evaluation: a version is affected when it is in versions[] or in
 *    any range; events are sorted by the scheme (introduced, fixed,
 *    last_affected, limit).
 *  - ids that are aliases of each other are one match listing every id,
 *    the CVE as the primary id when there is one; an advisory without a CVE
 *    alias (DSA, DLA) that relates to CVEs matched on the same package is
 *    folded into those matches.
 *  - a not-affected marker (secdb "0") for an id and package suppresses
 *    matches of that id from other feeds.
 *  - a language package installed by a distro package ("installed_by", or
 *    its file is in the deb's file list) is matched as usual and reported
 *    with covered_by: the owner and what the owner's distro records say of
 *    the match's ids.  It is suppressed as covered only on the distro's
 *    word (fail closed): the record is fixed at or below the owner's
 *    version, a not-affected marker, or affected (then the owner's own
 *    match counts it).  With no record, or no data for the distro, the
 *    upstream advisory counts.  The Go stdlib of a binary a deb installed
 *    is decided by the Debian records of the golang-X.Y source package the
 *    deb's Built-Using field names, at that version (how Debian tracks
 *    it): fixed or not-affected covers it, affected counts with that
 *    record.
 *  - severity: for a match through a distro feed the distro's own rating
 *    decides the bucket (Debian urgency, Ubuntu priority, Red Hat /
 *    AlmaLinux severity), then the CVSS score, then the feed's label;
 *    opts.severity_source CVSS puts the CVSS score first.
 *
 * Ownership: a result returned through `**out` belongs to the caller and is
 * freed with its _free function.  What a match takes from the analysis (the
 * package pointer, name, version, type, purl, location) is borrowed from
 * it: free the result before the analysis.  Everything else lives as long
 * as the result.  customs_match_analysis() uses db from the calling thread
 * only (plus opts->more_dbs from threads of its own).
 */
#ifndef CUSTOMS_MATCH_H
#define CUSTOMS_MATCH_H

#include "customs/common.h"

#include <stddef.h>

#include <jansson.h>

#include "customs/analysis.h"
#include "customs/version.h"
#include "customs/vuln.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Severity buckets, lowest first.  From a CVSS v3 base score: 9.0-10
 * critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low, 0.0 negligible;
 * from a distro's rating: Debian urgency unimportant = negligible, low,
 * medium, high; Ubuntu priority by name; Red Hat / AlmaLinux Low, Moderate
 * = medium, Important = high, Critical.  The order of the sources is in
 * customs_severity_source. */
typedef enum {
	CUSTOMS_SEVERITY_UNKNOWN = 0,
	CUSTOMS_SEVERITY_NEGLIGIBLE,
	CUSTOMS_SEVERITY_LOW,
	CUSTOMS_SEVERITY_MEDIUM,
	CUSTOMS_SEVERITY_HIGH,
	CUSTOMS_SEVERITY_CRITICAL,
} customs_severity;

/* "unknown", "negligible", "low", "medium", "high", "critical". */
CUSTOMS_EXTERN const char *customs_severity_name(customs_severity s);
/* Parse one of those names (any case; "moderate" = medium, "important" =
 * high); CUSTOMS_EINVAL for anything else. */
CUSTOMS_EXTERN int customs_severity_parse(customs_severity *out, const char *name);
/* The bucket of a CVSS v3 base score (< 0: unknown). */
CUSTOMS_EXTERN customs_severity customs_severity_from_cvss(double score);

/* The bucket of a distro's own rating: Debian urgency (unimportant =
 * negligible, low, medium, high; the tracker's "*" marks ignored), Ubuntu
 * priority (negligible ... critical), Red Hat / AlmaLinux severity (Low,
 * Moderate = medium, Important = high, Critical); any case.  UNKNOWN for
 * anything else ("not yet assigned", "untriaged", "end-of-life"). */
CUSTOMS_EXTERN customs_severity customs_severity_from_distro(const char *rating);

/* What decides the severity bucket of a match. */
typedef enum {
	/* "distro" (the default): for a match through a distro feed, the
	 * distro's own rating; when it has none ("not yet assigned"), or for
	 * other feeds, the CVSS score (the record's own v3, NVD's v3 of the
	 * CVE, the record's v4), then the feed's label.  As Trivy and Grype do. */
	CUSTOMS_SEVERITY_SOURCE_DISTRO = 0,
	/* "cvss": the CVSS score first, then the label, then the distro's rating. */
	CUSTOMS_SEVERITY_SOURCE_CVSS,
} customs_severity_source;
/* "distro" or "cvss" into *out; CUSTOMS_EINVAL for anything else. */
CUSTOMS_EXTERN int customs_severity_source_parse(customs_severity_source *out, const char *name);

/* How a match was found. */
typedef enum {
	CUSTOMS_MATCH_DIRECT = 0, /* "direct": the package's own name */
	CUSTOMS_MATCH_SOURCE,     /* "source-package": a distro binary by its source package */
	CUSTOMS_MATCH_OWNER,      /* "owning-package": decided by the records of the distro package that installed it (covered_by) */
} customs_match_kind;
CUSTOMS_EXTERN const char *customs_match_kind_name(customs_match_kind k);

/* Why a match does not count. */
typedef enum {
	CUSTOMS_SUPPRESS_NONE = 0,
	CUSTOMS_SUPPRESS_COVERED,      /* "covered": the owning distro package's records say fixed, not affected, or affected (counted on the owner) */
	CUSTOMS_SUPPRESS_NOT_AFFECTED, /* "not-affected": a feed says this package never was */
	CUSTOMS_SUPPRESS_VEX,          /* "vex": a VEX statement not_affected / fixed */
	CUSTOMS_SUPPRESS_IGNORE,       /* "ignore": an ignore rule */
	CUSTOMS_SUPPRESS_STATUS,       /* "status": the distro status is hidden (opts.hide_status) */
	CUSTOMS_SUPPRESS_ONLY_FIXED,   /* "only-fixed": no fix available (opts.only_fixed) */
} customs_suppress_kind;
CUSTOMS_EXTERN const char *customs_suppress_kind_name(customs_suppress_kind k);

/* ---- OSV evaluation (exposed for tests and tools) ------------------------ */

/* What decided one affected entry for one version. */
typedef struct customs_match_eval {
	int affected;        /* 1: the version is affected */
	int by_versions;     /* decided by the versions[] list */
	int range;           /* index of the deciding range, -1 when none */
	/* The event the version was last compared with in the deciding range
	 * (introduced when inside an open range, fixed / last_affected /
	 * limit when past or before it), NULL when no event applied. */
	const char *bound;
	customs_vuln_event_kind bound_kind;
	int cmp;             /* compare(version, bound): -1, 0, 1 */
	const char *scheme;  /* the scheme the range was evaluated with */
	int errors;          /* events or versions the scheme could not compare (skipped) */
} customs_match_eval;

/* Evaluate one range for version under scheme (OSV "Evaluation": events
 * sorted by the scheme, introduced "0" first, limit "*" last).  *out gets
 * 1 when affected.  CUSTOMS_EFORMAT when the scheme cannot parse version
 * (then *out = 0); events that do not parse are skipped and counted in
 * e->errors.  e may be NULL. */
CUSTOMS_EXTERN int customs_match_range(int *out, const customs_version_scheme *scheme, const char *version,
			const customs_vuln_range *r, customs_match_eval *e);

/* Evaluate a whole affected entry: versions[] OR any range.  The scheme of
 * each range is the entry's scheme, except that SEMVER ranges of
 * ecosystems other than go and crates.io use "semver".  Returns <0 only
 * for an unknown scheme or a version the scheme cannot parse. */
CUSTOMS_EXTERN int customs_match_entry(customs_match_eval *out, const customs_vuln_affected *a, const char *version);

/* A range list as text: "ECOSYSTEM >=0 <3.0.13-1~deb12u1", intervals joined
 * by " || ", several ranges by "; ", then "versions: N listed".  Malloc'd. */
CUSTOMS_EXTERN char *customs_match_range_text(const customs_vuln_affected *a);

/* ---- ignore rules and VEX ------------------------------------------------ */

typedef struct customs_match_rules customs_match_rules;

CUSTOMS_EXTERN int customs_match_rules_new(customs_match_rules **out);
CUSTOMS_EXTERN void customs_match_rules_free(customs_match_rules *r);

/* Ignore rules from a JSON or YAML file: a list of rules, or an object whose
 * "ignore" member is that list.  A rule has any of
 *   id: "CVE-2023-1234"            (any id of the match, case-insensitive)
 *   package: {name, version, type, location}   (name and location may be
 *                                   fnmatch(3) globs)
 *   fix-state: "not-fixed"          (fixed, not-fixed, wont-fix, unknown)
 *   expires: "2025-12-31"           (the rule stops applying after that day)
 *   reason: "..."
 * and applies when everything it names matches.  CUSTOMS_EFORMAT naming the
 * file and rule for a malformed file. */
CUSTOMS_EXTERN int customs_match_rules_add_ignore(customs_match_rules *r, const char *path);

/* An OpenVEX document (JSON, v0.0.x and v0.2.x): statements whose
 * vulnerability (name, @id or aliases) matches an id of a match and whose
 * products (purls, or an image purl with subcomponents) name its package;
 * not_affected and fixed suppress, affected and under_investigation keep
 * (the status is still shown).  The latest statement wins. */
CUSTOMS_EXTERN int customs_match_rules_add_vex(customs_match_rules *r, const char *path);

/* ---- matching ------------------------------------------------------------- */

#define CUSTOMS_MATCH_OPTS_VERSION 2

typedef struct customs_match_opts {
	unsigned int version;        /* CUSTOMS_MATCH_OPTS_VERSION */
	int only_fixed;              /* suppress not-fixed and wont-fix matches */
	const char *hide_status;     /* comma list of distro statuses to suppress ("unimportant,end-of-life"), or NULL */
	const customs_match_rules *rules; /* ignore rules and VEX, or NULL */
	const char *today;           /* "YYYY-MM-DD" for rule expiry; NULL: the current UTC date */
	customs_severity_source severity_source; /* what decides the bucket; 0: the distro's rating first */
	/* Also record, for every package, each evaluated entry of this id's
	 * alias group that did NOT match (result notes), for an explanation. */
	const char *explain_id;
	/* More handles on the same database (customs_vulndb_open'ed by the
	 * caller, one per thread): the entry lookups are spread over them, one
	 * thread each (at most 7).  None: one thread. */
	customs_vulndb *const *more_dbs;
	size_t nmore_dbs;
} customs_match_opts;

/* One feed record that matched (a match may hold several: CVE, DSA, GHSA). */
typedef struct customs_match_record {
	const char *id;
	const char *source;       /* feed */
	const char *ns;           /* "debian:12" */
	const char *ecosystem;    /* "Debian:12" */
	const char *package;      /* the name looked up */
	const char *range;        /* customs_match_range_text */
	const char *comparison;   /* "dpkg: 3.0.11-1~deb12u2 < 3.0.13-1~deb12u1 (fixed)" */
	customs_fix_state fix_state;
	const char *const *fixed; /* fixed versions above the installed one, ascending */
	size_t nfixed;
	const char *status;       /* distro status or NULL */
	const char *urgency;      /* distro urgency or NULL */
} customs_match_record;

/* What the owning distro package's feed says about a match of a language
 * package that distro package installed. */
typedef struct customs_match_cover {
	const char *package;      /* owning distro package ("python3-requests") */
	const char *version;      /* its installed version */
	const char *source;       /* the source package looked up ("requests", "golang-1.19") */
	const char *source_version; /* the version compared ("2.28.1+dfsg-1", "1.19.8-2") */
	/* How the source was found: "source-package" (the owner's own source
	 * package) or "built-using" (the owner's Built-Using field: the Go
	 * toolchain that built the binary). */
	const char *via;
	const char *ns;           /* "debian:12" */
	/* "affected": the distro feed lists this vulnerability for that
	 * version; "fixed": it lists it, with that version past the fix;
	 * "not-affected": a not-affected marker; "no-record": the distro feed
	 * has no entry for any id of the match; "no-data": the database holds
	 * nothing for the namespace.  fixed and not-affected suppress the match
	 * (covered), and so does affected via the owner's own source package
	 * (its own match counts it); affected via Built-Using, no-record and
	 * no-data leave it counting. */
	const char *state;
	const char *vuln_id;      /* the distro record that decided, or NULL */
	customs_fix_state fix_state;
	const char *fixed;        /* the distro's fixed version, or NULL */
	const char *status;       /* distro status / urgency of that record, or NULL */
	const char *urgency;
	const char *comparison;
} customs_match_cover;

typedef struct customs_match {
	const char *id;                /* primary: the CVE when the group has one */
	const char *const *ids;        /* every id: the primary first, aliases, folded advisories */
	size_t nids;
	const customs_match_record *records; /* the records that matched, the deciding one first */
	size_t nrecords;

	size_t package_index;          /* into customs_analysis.packages */
	const customs_package *package;/* borrowed from the analysis */
	const char *name, *version, *type, *purl;
	const char *location;          /* the file it was found in (db_path or metadata location) */
	int layer;                     /* layer that added the package, -1 unknown */
	const char *installed;         /* the version compared (the source version for dpkg) */

	customs_fix_state fix_state;   /* of the deciding record */
	const char *const *fixed;      /* fixed versions above the installed one, ascending */
	size_t nfixed;

	customs_match_kind kind;
	const char *lookup_name;       /* the name looked up (source package, normalised name) */
	const char *ns, *source, *ecosystem; /* of the deciding record */
	const char *range, *comparison;/* of the deciding record */
	const char *status, *urgency;  /* distro status / urgency of the deciding record */

	customs_severity severity;
	/* What decided the bucket: "distro" (distro_severity), "cvss" (the
	 * feed's CVSS v3), "cvss-v4" (the feed's v4 score), "nvd" (NVD's CVSS
	 * v3 of the CVE), "label" (the feed's label), "none". */
	const char *severity_source;
	const char *severity_label;    /* the feed's label ("HIGH", "moderate") or NULL */
	/* The distro's own rating when the match is through a distro feed (or
	 * decided by a distro record, see covered_by), as the distro says it:
	 * Debian "unimportant", Ubuntu "medium", AlmaLinux "Important"; NULL
	 * when it has none (Debian "not yet assigned"). */
	const char *distro_severity;
	double cvss_score;             /* -1 when none */
	const char *cvss_vector;
	const char *cvss_from;         /* feed name or "nvd" */
	double epss, epss_percentile;  /* -1 when none */
	const char *epss_date;
	int kev;
	const char *kev_date_added;
	const char *summary;

	/* For a language package a distro package installed: what the owner's
	 * distro records say (suppressed COVERED only on their word); NULL for
	 * other packages. */
	const customs_match_cover *covered_by;

	customs_suppress_kind suppressed;
	const char *suppressed_reason; /* one line: the rule, statement or marker */
	const char *vex_status;        /* the VEX statement that applies, NULL when none */
	const char *vex_justification;
} customs_match;

typedef struct customs_match_result {
	customs_match *matches;        /* sorted: severity (critical first), id, package */
	size_t n;
	const char *const *warnings;   /* no data for a namespace, expired rules, ... */
	size_t nwarnings;
	const char *const *notes;      /* opts.explain_id: non-matching evaluations */
	size_t nnotes;
	const char *distro_ns;         /* "debian:12" or NULL */
	size_t packages, packages_matched; /* visible packages looked up, with any match */
	double seconds;                /* wall time of customs_match_analysis */
} customs_match_result;

/* Match every visible package of a against db.  Returns <0 only for out of
 * memory and database errors; problems with single packages or rules are
 * warnings in the result. */
CUSTOMS_EXTERN int customs_match_analysis(customs_match_result **out, customs_vulndb *db, const customs_analysis *a,
			   const customs_match_opts *opts);
CUSTOMS_EXTERN void customs_match_result_free(customs_match_result *r);

/* 1 when m counts (not suppressed; covered ones are suppressed). */
CUSTOMS_EXTERN int customs_match_active(const customs_match *m);

/* 1 when r->matches[i] repeats an earlier match's finding: the same id and
 * package identity (type, name, version, purl), counting or not, at another
 * location (a hard link, a copied binary).  Tables and counts show one row
 * per finding, saying what its first location's match says; the JSON keeps
 * every location.  The matches of one finding sort next to each other. */
CUSTOMS_EXTERN int customs_match_repeated(const customs_match_result *r, size_t i);

/* One match as JSON (docs/json.md "customs-scan"); a names the layer
 * digest when given (may be NULL).  A new reference. */
CUSTOMS_EXTERN json_t *customs_match_to_json(const customs_match *m, const customs_analysis *a);

#ifdef __cplusplus
}
#endif
#endif
