/* vuln.h - the vulnerability database: one SQLite file built offline from
 * feeds (OSV, Alpine secdb, Debian security tracker, NVD, EPSS, CISA KEV)
 * and Debian/Ubuntu Packages indexes (which source package built which
 * binary package), and the queries the matcher asks of it.
 *
 * Ownership: a result returned through `**out` belongs to the caller and is
 * freed with its _free function; everything handed to a callback is
 * borrowed and valid only during the call.  Every function returns 0 or a
 * negative CUSTOMS_E* code with customs_error_last() naming the database,
 * file or record.
 *
 * Namespaces ("ns") are normalised OSV ecosystems with their release:
 *   debian:12  alpine:3.21  ubuntu:22.04  ubuntu-pro:18.04  almalinux:9
 *   rocky:9  rhel:9  npm  pypi  maven  go  crates.io  rubygems  packagist
 *   nuget
 * (a feed's ecosystem without a release gives the bare name, "debian").
 * Package names are normalised per ecosystem: PEP 503 for pypi
 * ("zope-interface"), lowercase for npm, packagist and nuget,
 * "group:artifact" for maven, the module path for go ("stdlib" for the
 * standard library), and for distros the SOURCE package name (dpkg Source,
 * apk origin, the rpm's source name).  customs_vulndb_normalize_name() does
 * the same to a name from an image.
 */
#ifndef CUSTOMS_VULN_H
#define CUSTOMS_VULN_H

#include "customs/common.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Version of the database schema this library reads and writes (meta table
 * key "schema_version").  A database with another version is refused with
 * CUSTOMS_EUNSUPPORTED and a message telling to re-import; an import over
 * a database of an earlier version this library knows (1: without the
 * binaries table) keeps its feeds. */
#define CUSTOMS_VULNDB_SCHEMA_VERSION 2

typedef struct customs_vulndb customs_vulndb;

/* ---- opening ------------------------------------------------------------ */

/* Default database path: $CUSTOMS_DB, else $XDG_DATA_HOME/customs/vulndb.sqlite,
 * else ~/.local/share/customs/vulndb.sqlite.  Freed with free(). */
CUSTOMS_EXTERN int customs_vulndb_default_path(char **out);

/* Open the database at path.  readonly: the file must exist and is never
 * written (what scanning does); otherwise it is created if absent.
 * CUSTOMS_ENOTFOUND when a read-only path does not exist.  A handle is for
 * one thread at a time (open one per thread).  An import renames a new
 * file over path: open handles keep reading the file they opened. */
CUSTOMS_EXTERN int customs_vulndb_open(customs_vulndb **out, const char *path, int readonly);
CUSTOMS_EXTERN void customs_vulndb_free(customs_vulndb *db);

/* ---- affected packages (what the matcher iterates) ---------------------- */

typedef enum {
	CUSTOMS_FIX_UNKNOWN = 0,  /* "unknown": the feed does not say */
	CUSTOMS_FIX_FIXED,        /* "fixed": fixed[] holds the fixed version(s) */
	CUSTOMS_FIX_NOT_FIXED,    /* "not-fixed": affected, no fix yet */
	CUSTOMS_FIX_WONT_FIX,     /* "wont-fix": the distro will not fix it (tracker "ignored", "end-of-life") */
	CUSTOMS_FIX_NOT_AFFECTED, /* "not-affected": this package never was (secdb "0", tracker fixed_version "0",
				   * OSV {introduced 0, fixed 0}); suppresses matches of the same id from other feeds */
} customs_fix_state;

/* "fixed", "not-fixed", "wont-fix", "unknown", "not-affected". */
CUSTOMS_EXTERN const char *customs_fix_state_name(customs_fix_state s);
/* The state for one of those names; CUSTOMS_FIX_UNKNOWN for anything else. */
CUSTOMS_EXTERN customs_fix_state customs_fix_state_parse(const char *name);

typedef enum {
	CUSTOMS_EVENT_INTRODUCED = 0,
	CUSTOMS_EVENT_FIXED,
	CUSTOMS_EVENT_LAST_AFFECTED,
	CUSTOMS_EVENT_LIMIT,
} customs_vuln_event_kind;

typedef struct customs_vuln_event {
	customs_vuln_event_kind kind;
	const char *version; /* "0" for introduced-at-the-beginning */
} customs_vuln_event;

/* One OSV range, events in feed order (OSV evaluation sorts them). */
typedef struct customs_vuln_range {
	const char *type; /* "ECOSYSTEM" or "SEMVER" (GIT ranges are not stored) */
	const customs_vuln_event *events;
	size_t nevents;
} customs_vuln_range;

/* One affected entry: one vulnerability id against one package in one
 * namespace, from one feed.  A version is affected when it is in versions[]
 * or inside any range (OSV "Evaluation"); with no ranges and no versions the
 * entry is a marker (fix_state NOT_AFFECTED) or a tracker entry whose
 * fixed[] and fix_state say everything. */
typedef struct customs_vuln_affected {
	const char *vuln_id;   /* "CVE-2023-0464", "DSA-5417-1", "GHSA-…" */
	const char *source;    /* feed name, as in customs_vulndb_source.name */
	const char *ns;        /* "debian:12" */
	const char *package;   /* normalised name (see above) */
	const char *ecosystem; /* the feed's own string: "Debian:12", "Alpine:v3.21", "PyPI" */
	const char *scheme;    /* version scheme for customs_version_scheme_find(): "dpkg", "apk", ... */
	const char *ranges_json; /* compact: [{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.2"}]}] or NULL */
	const customs_vuln_range *ranges;
	size_t nranges;
	const char *const *versions; /* explicit affected versions */
	size_t nversions;
	const char *const *fixed;    /* the ranges' "fixed" versions (without "0"), in order */
	size_t nfixed;
	customs_fix_state fix_state;
	/* Distro status, NULL when none: "no-dsa", "postponed", "ignored",
	 * "unimportant", "end-of-life" (Debian), never a severity. */
	const char *status;
	/* Distro urgency as the feed says it, NULL when absent: Debian "low",
	 * "medium", "high", "unimportant", "not yet assigned", "end-of-life". */
	const char *urgency;
	/* Per-package severity label from ecosystem_specific / database_specific
	 * or affected[].severity, NULL when absent ("HIGH", "moderate", a CVSS
	 * vector). */
	const char *severity;
} customs_vuln_affected;

/* Call cb for every affected entry of package in ns (both as above; the
 * lookup is exact, after customs_vulndb_normalize_name() on package).
 * cb returns 0 to go on, anything else to stop: that value is returned.
 * Entries come ordered by vuln_id, then source.  cb may call the other
 * query functions on db, but not customs_vulndb_affected*() again. */
CUSTOMS_EXTERN int customs_vulndb_affected(customs_vulndb *db, const char *ns, const char *package,
			    int (*cb)(void *ud, const customs_vuln_affected *a), void *ud);

/* Every affected entry of one vulnerability id (any namespace), same
 * callback contract. */
CUSTOMS_EXTERN int customs_vulndb_affected_by_id(customs_vulndb *db, const char *vuln_id,
				  int (*cb)(void *ud, const customs_vuln_affected *a), void *ud);

/* *out = 1 when the database has any affected entry in ns (so "no match"
 * means "not vulnerable" rather than "no data for this distro"). */
CUSTOMS_EXTERN int customs_vulndb_has_namespace(customs_vulndb *db, const char *ns, int *out);

/* Normalise a package name the way the database stores it for ns (PEP 503
 * for pypi, lowercase for npm/packagist/nuget, unchanged otherwise).
 * *out is freed with free(). */
CUSTOMS_EXTERN int customs_vulndb_normalize_name(char **out, const char *ns, const char *name);

/* ---- binary packages and their source (Packages indexes) --------------- */

/* The source package that built a binary package, as the Packages indexes
 * imported for its release say. */
typedef struct customs_vulndb_source_pkg {
	const char *name;    /* the source package */
	const char *version; /* its version (see customs_vulndb_binary_source) */
	int exact;           /* 1: an index lists this very binary version */
} customs_vulndb_source_pkg;

/* The source package of binary package `binary` at `version` in release ns
 * ("debian:12"), from the Debian/Ubuntu Packages indexes imported into the
 * database.  When no index lists that binary version, the source's name
 * is the one of the highest version listed and its version is derived:
 * the binary's version, less a binNMU suffix "+bN" when the listed binary
 * is a binNMU of its source (Debian Policy §5.6.12); exact is 0.
 * CUSTOMS_ENOTFOUND when no index of ns lists the package.  *out is freed
 * with free(). */
CUSTOMS_EXTERN int customs_vulndb_binary_source(customs_vulndb *db, const char *ns, const char *binary,
						const char *version, customs_vulndb_source_pkg **out);

/* *out = how many binary packages the Packages indexes imported for ns map
 * to their source (0: none imported for ns). */
CUSTOMS_EXTERN int customs_vulndb_binary_count(customs_vulndb *db, const char *ns, int64_t *out);

/* ---- one vulnerability, its group and its enrichment -------------------- */

/* How an id relates to the one asked for. */
typedef enum {
	CUSTOMS_VULN_SELF = 0,
	CUSTOMS_VULN_ALIAS,   /* same vulnerability (OSV aliases: symmetric, transitive) */
	CUSTOMS_VULN_RELATED, /* related but different (OSV related, one hop from the alias group) */
	CUSTOMS_VULN_UPSTREAM,/* OSV upstream */
} customs_vuln_relation;

typedef struct customs_vuln_ref {
	const char *id;
	customs_vuln_relation relation;
} customs_vuln_ref;

/* Enrichment of one CVE id: NVD, EPSS, CISA KEV.  Scores are -1 when absent. */
typedef struct customs_vuln_enrichment {
	const char *cve;
	int has_nvd;
	double nvd_cvss3_score;     /* CVSS v3.1 (or 3.0) base score */
	const char *nvd_cvss3_vector;
	double nvd_cvss4_score;
	const char *nvd_cvss4_vector;
	const char *const *nvd_cwes; /* "CWE-79" */
	size_t nnvd_cwes;
	const char *nvd_published;
	int has_epss;
	double epss_score;          /* 0..1 */
	double epss_percentile;     /* 0..1 */
	const char *epss_date;      /* score_date of the EPSS file, or NULL */
	int kev;                    /* in the CISA KEV catalog */
	const char *kev_date_added; /* "2021-11-03" */
	const char *kev_due_date;
	const char *kev_ransomware; /* knownRansomwareCampaignUse: "Known", "Unknown" */
} customs_vuln_enrichment;

/* A vulnerability record.  When the id is known from several feeds, the
 * text comes from the one asked for (customs_vulndb_vuln_from) or else the
 * most recently modified.  When no feed carries text for the id (secdb
 * lists only ids) but it has affected entries or enrichment, the record has
 * source == NULL and only id, group and enrichment filled. */
typedef struct customs_vuln_record {
	const char *id;
	const char *source;     /* feed the text comes from, or NULL */
	const char *summary;    /* NULL when absent */
	const char *details;
	const char *published;  /* RFC 3339 as in the feed */
	const char *modified;
	const char *withdrawn;  /* always NULL for imported OSV (withdrawn records are skipped) */
	const char *severity;   /* label: GHSA "HIGH"/"MODERATE"…, Red Hat "Important", Ubuntu "medium"; NULL */
	double cvss3_score;     /* from the feed's CVSS_V3 vector (computed) or the feed; -1 when absent */
	const char *cvss3_vector;
	double cvss4_score;     /* as given by the feed (v4 scores are not computed); -1 when absent */
	const char *cvss4_vector;
	const char *const *cwes;
	size_t ncwes;
	int nreferences;

	/* The group: this id first (SELF), then every alias (transitively),
	 * then related/upstream ids of any member.  No duplicates. */
	const customs_vuln_ref *group;
	size_t ngroup;

	/* Enrichment of every CVE id in the alias group (SELF and ALIAS members
	 * only, related ids are different vulnerabilities), one entry per CVE
	 * with any data, in group order. */
	const customs_vuln_enrichment *enrichment;
	size_t nenrichment;
} customs_vuln_record;

/* The record for id; CUSTOMS_ENOTFOUND when the database knows nothing of it. */
CUSTOMS_EXTERN int customs_vulndb_vuln(customs_vulndb *db, const char *id, customs_vuln_record **out);
/* Same, the text preferably from feed `source` (NULL: as above). */
CUSTOMS_EXTERN int customs_vulndb_vuln_from(customs_vulndb *db, const char *id, const char *source, customs_vuln_record **out);
CUSTOMS_EXTERN void customs_vuln_record_free(customs_vuln_record *r);

/* The group of id alone (cheaper than a full record): refs as in
 * customs_vuln_record.group, SELF first.  Freed with customs_vuln_group_free. */
typedef struct customs_vuln_group {
	const customs_vuln_ref *refs;
	size_t n;
} customs_vuln_group;
CUSTOMS_EXTERN int customs_vulndb_group(customs_vulndb *db, const char *id, customs_vuln_group **out);
CUSTOMS_EXTERN void customs_vuln_group_free(customs_vuln_group *g);

/* Enrichment of one CVE; CUSTOMS_ENOTFOUND when NVD, EPSS and KEV all lack it. */
CUSTOMS_EXTERN int customs_vulndb_enrichment(customs_vulndb *db, const char *cve, customs_vuln_enrichment **out);
CUSTOMS_EXTERN void customs_vuln_enrichment_free(customs_vuln_enrichment *e);

/* The base score and its exploitability and impact sub-scores of a CVSS
 * v3.0 or v3.1 vector ("CVSS:3.1/AV:N/AC:L/..."), each optional; 0, or
 * CUSTOMS_EFORMAT when the vector lacks a base metric or is malformed. */
CUSTOMS_EXTERN int customs_cvss3_scores(const char *vector, double *base, double *exploitability, double *impact);

/* ---- status ------------------------------------------------------------- */

typedef struct customs_vulndb_source {
	const char *name;          /* "debian-osv", "ghsa", "alpine-secdb", "nvd-2024" */
	const char *kind;          /* "osv", "alpine-secdb", "debian-tracker", "nvd", "epss", "kev", "packages-index" */
	const char *url;           /* where `db update` fetched it, or the imported path */
	const char *etag;          /* of the last download, NULL when none */
	const char *last_modified; /* HTTP Last-Modified of the last download */
	const char *imported_at;   /* RFC 3339 UTC */
	int64_t records;           /* vulnerability records (OSV), CVEs (tracker, NVD, EPSS, KEV), fix entries (secdb),
				    * binary packages (packages-index) */
	int64_t affected;          /* affected entries stored */
	const char *newest;        /* newest record date (modified/published/dateAdded/score date), or NULL */
} customs_vulndb_source;

typedef struct customs_vulndb_namespace {
	const char *ns;
	int64_t affected;          /* entries */
	int64_t packages;          /* distinct packages */
	int64_t vulns;             /* distinct vulnerability ids */
} customs_vulndb_namespace;

/* The binary → source map of one release, from its Packages indexes. */
typedef struct customs_vulndb_binary_map {
	const char *ns;            /* "debian:12" */
	int64_t packages;          /* distinct binary packages */
	int64_t versions;          /* (package, version) rows */
	int64_t sources;           /* distinct source packages */
	const char *feeds;         /* the feeds it came from, comma-separated */
} customs_vulndb_binary_map;

typedef struct customs_vulndb_info {
	const char *path;
	int schema_version;
	const char *built_at;      /* last import, RFC 3339 UTC, or NULL for an empty database */
	int64_t vulns, affected, aliases, nvd, epss, kev;
	const customs_vulndb_source *sources;
	size_t nsources;
	const customs_vulndb_namespace *namespaces;
	size_t nnamespaces;
	const customs_vulndb_binary_map *binary_maps; /* by ns */
	size_t nbinary_maps;
} customs_vulndb_info;

CUSTOMS_EXTERN int customs_vulndb_status(customs_vulndb *db, customs_vulndb_info **out);
CUSTOMS_EXTERN void customs_vulndb_info_free(customs_vulndb_info *s);

/* ---- building: import and update ---------------------------------------- */

/* What one import did, per feed (source). */
typedef struct customs_vulndb_import_source {
	const char *name, *kind;
	int64_t records;            /* records stored */
	int64_t affected;           /* affected entries stored */
	int64_t withdrawn;          /* OSV records skipped because withdrawn */
	int64_t empty_package;      /* OSV affected entries with no package (Debian's upstream GIT-only entries) */
	int64_t git_ranges;         /* GIT ranges ignored */
	int64_t unknown_ecosystem;  /* affected entries of ecosystems the database does not hold */
	int64_t malformed;          /* records or entries skipped with a warning */
	int64_t duplicates;         /* ids seen twice (warned) */
	int64_t bad_versions;       /* versions rejected by the ecosystem's scheme (warned) */
	int64_t not_affected;       /* not-affected markers stored */
	const char *newest;
} customs_vulndb_import_source;

typedef struct customs_vulndb_import_summary {
	const customs_vulndb_import_source *sources;
	size_t nsources;
	int64_t warnings;
	double seconds;
	/* Every warning of the import, one a line, none left out (the warn
	 * callback gets the first few of each kind): DBPATH.import.log,
	 * replaced by each import; NULL when there were no warnings. */
	const char *log_path;
} customs_vulndb_import_summary;
CUSTOMS_EXTERN void customs_vulndb_import_summary_free(customs_vulndb_import_summary *s);

#define CUSTOMS_VULNDB_IMPORT_OPTS_VERSION 1

/* One input of an import: a file or directory, optionally named. */
typedef struct customs_vulndb_input {
	const char *path;
	/* Feed (source) name; NULL derives it: a zip, a directory or an
	 * aggregate file (secdb, tracker, NVD, EPSS, KEV) is named after its
	 * file name without extensions ("debian-osv", "ghsa"); a loose OSV JSON
	 * file after its directory, so the files of ghsa/ given one by one
	 * are one feed "ghsa". */
	const char *name;
	/* Bookkeeping stored with the source (db update sets them). */
	const char *url, *etag, *last_modified;
	/* A Packages index's release namespace ("debian:12", "ubuntu:22.04");
	 * NULL: told by its apt lists file name (..._dists_bookworm-updates_...)
	 * or else by its versions ("+deb12u1", "~22.04"), an error when
	 * neither tells.  Other feeds ignore it. */
	const char *release;
} customs_vulndb_input;

typedef struct customs_vulndb_import_opts {
	unsigned int version;      /* CUSTOMS_VULNDB_IMPORT_OPTS_VERSION */
	/* Called for each warning, one line: "FILE: RECORD-ID: what"; NULL: none. */
	void (*warn)(void *ud, const char *msg);
	void *ud;
	size_t max_member_bytes;   /* one zip member or loose JSON record file; 0: 64 MiB */
	size_t max_file_bytes;     /* one aggregate file (NVD year, tracker JSON); 0: 2 GiB */
	/* Feeds (sources) to remove from the database in the same import,
	 * NULL-terminated; NULL: none. */
	const char *const *drop_sources;
} customs_vulndb_import_opts;

/* Import inputs into the database at dbpath (created if absent).  Each
 * input's feed replaces that feed's previous records; other feeds stay.
 * Inputs are recognised from their content: the feeds above, and Debian
 * and Ubuntu Packages indexes (dists/SUITE/COMPONENT/binary-ARCH/Packages,
 * the *_Packages files of /var/lib/apt/lists, `apt-cache dumpavail`; plain or
 * gzip, xz, bzip2, lz4 or zstd compressed).
 * The new database is built in a temporary file next to dbpath and renamed
 * over it at the end, so readers and a killed import never see a half-built
 * database.  Bad records are warnings, not errors, each written to
 * dbpath + ".import.log" (summary log_path); an input that cannot be read
 * at all (missing, not a known format) fails the import and leaves the old
 * database in place. */
CUSTOMS_EXTERN int customs_vulndb_import(const char *dbpath, const customs_vulndb_input *inputs, size_t ninputs,
			  const customs_vulndb_import_opts *opts, customs_vulndb_import_summary **out);

/* ---- update: download the configured feeds, then import ----------------- */

typedef struct customs_vulndb_feed {
	const char *name;   /* source name */
	const char *url;
	const char *kind;   /* NULL/"auto": detected from the content */
} customs_vulndb_feed;

/* The built-in feed list (osv.dev all.zip per ecosystem, Alpine secdb,
 * Debian tracker, NVD yearly JSON 2.0 feeds, EPSS, KEV), NULL-name-terminated.
 * Borrowed, static. */
CUSTOMS_EXTERN const customs_vulndb_feed *customs_vulndb_default_feeds(void);

/* Parse a feed list file: one feed per line, "NAME URL [KIND]", '#'
 * comments, blank lines ignored.  *out is an array of *n feeds, freed with
 * customs_vulndb_feeds_free. */
CUSTOMS_EXTERN int customs_vulndb_feeds_load(customs_vulndb_feed **out, size_t *n, const char *path);
CUSTOMS_EXTERN void customs_vulndb_feeds_free(customs_vulndb_feed *feeds, size_t n);

typedef struct customs_vulndb_update_opts {
	unsigned int version;      /* CUSTOMS_VULNDB_IMPORT_OPTS_VERSION */
	customs_vulndb_import_opts import;
	/* Progress, one line per feed: "NAME: 304 not modified" etc.; NULL: none. */
	void (*progress)(void *ud, const char *msg);
	void *ud;
	const char *ca_file;       /* extra CA bundle, or NULL */
	long timeout;              /* seconds per download; 0: 1800 */
	size_t max_download_bytes; /* per feed; 0: 4 GiB */
} customs_vulndb_update_opts;

typedef struct customs_vulndb_update_summary {
	size_t fetched, not_modified, failed;
	customs_vulndb_import_summary *import; /* NULL when nothing was imported */
} customs_vulndb_update_summary;
CUSTOMS_EXTERN void customs_vulndb_update_summary_free(customs_vulndb_update_summary *s);

/* Fetch every feed (conditional GET with the ETag / Last-Modified stored for
 * its source), then import what changed.  A feed that fails to download is
 * reported through progress and keeps its old records; the call fails
 * (CUSTOMS_ENETWORK) only when every feed failed. */
CUSTOMS_EXTERN int customs_vulndb_update(const char *dbpath, const customs_vulndb_feed *feeds, size_t nfeeds,
			  const customs_vulndb_update_opts *opts, customs_vulndb_update_summary **out);

#ifdef __cplusplus
}
#endif
#endif
