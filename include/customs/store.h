/* store.h - the store: analyses kept per image digest, tags as a history,
 * layer results content-addressed by diff_id, matches per vulnerability
 * database build, evaluations of policy bundles; in one SQLite file (the
 * default) or in PostgreSQL shared by any number of machines.  docs/store.md
 * describes the schema.
 *
 * The store keeps facts, not documents: images keyed by manifest digest
 * (else, for docker-archive images, config digest), layers and their files
 * keyed by diff_id and shared by every image that has them, packages as
 * rows.  What it keeps comes back as the customs_analysis that was stored.
 *
 * Ownership: a result returned through `**out` belongs to the caller and is
 * freed with its _free function.  A customs_store is for one thread at a
 * time (open one per thread); any number of processes may use one store at
 * once.  Every function returns 0 or a negative CUSTOMS_E* code with
 * customs_error_last() saying what went wrong in one line.
 */
#ifndef CUSTOMS_STORE_H
#define CUSTOMS_STORE_H

#include "customs/common.h"

#include <stddef.h>
#include <stdint.h>

#include "customs/analysis.h"
#include "customs/match.h"
#include "customs/vuln.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The schema this library reads and writes.  A store of a newer schema
 * is refused with CUSTOMS_EUNSUPPORTED; an older one is migrated on open. */
#define CUSTOMS_STORE_SCHEMA_VERSION 3

typedef struct customs_store customs_store;

/* ---- opening --------------------------------------------------------- */

/* The store URL to use when none is given: $CUSTOMS_STORE, else the SQLite
 * file $XDG_DATA_HOME/customs/store.sqlite, else
 * ~/.local/share/customs/store.sqlite.  Freed with free(). */
CUSTOMS_EXTERN int customs_store_default_url(char **out);

/* Open the store at url, creating it and applying the schema migrations
 * it lacks (in one transaction):
 *   sqlite:PATH, or a plain PATH      an SQLite file (WAL, one writer at a time)
 *   postgres://... postgresql://...   a PostgreSQL database (libpq URI)
 * NULL or "" opens customs_store_default_url().  Refused: a file that is
 * not a customs store (CUSTOMS_EFORMAT), a store of a newer schema
 * (CUSTOMS_EUNSUPPORTED), a PostgreSQL server that is down or refuses the
 * login (CUSTOMS_ENETWORK, CUSTOMS_EAUTH): one line saying what to do. */
CUSTOMS_EXTERN int customs_store_open(customs_store **out, const char *url);
CUSTOMS_EXTERN void customs_store_free(customs_store *s);
/* "sqlite:/path/store.sqlite" or the PostgreSQL URL without its password.
 * Borrowed. */
CUSTOMS_EXTERN const char *customs_store_describe(const customs_store *s);

/* ---- analyses --------------------------------------------------------- */

#define CUSTOMS_STORE_OPTS_VERSION 2

typedef struct customs_store_opts {
	unsigned int version;  /* CUSTOMS_STORE_OPTS_VERSION */
	/* Record that tag names the image now ("registry.example/app:1.2");
	 * NULL: the reference when it is a registry's, else the image's own
	 * full names (docker-archive RepoTags). */
	const char *tag;
	/* Analyse (and store again) an image whose digest is stored. */
	int force;
	/* Use the stored results (whole image, layers) but do not store. */
	int no_put;
	/* A stored image is loaded with these CUSTOMS_STORE_LOAD_* flags (a
	 * scan needs no file catalog). */
	unsigned load_flags;
	/* version 2: at most one analysis of a digest at a time among those
	 * that name an owner ("host:pid:thread"): the first claims the digest
	 * for claim_seconds (renewed by customs_store_job_renew with the same
	 * owner), the others wait for it, then load what it stored.  A claim
	 * whose owner died runs out like a job's lease. */
	const char *owner;
	int claim_seconds;
} customs_store_opts;

/* What customs_store_analyze did. */
typedef struct customs_store_stats {
	int known;             /* the image was stored: loaded, nothing read */
	int stored;            /* the analysis was stored (new, or again with force) */
	size_t layers_cached;  /* layers whose results came from the store */
	size_t layers_read;    /* layers read from the image */
	char digest[80];       /* what it is stored under, "" when it has no digest */
} customs_store_stats;

/* customs_analyze() through the store: a stored image (same digest, same
 * analyzer names and versions, file digests when asked for) is loaded,
 * not read; otherwise a layer the store knows (same diff_id, same
 * analyzers) is not read again, and the analysis is stored (unless
 * so->no_put, or the image has no digest: dir: sources).  The tag is
 * recorded either way.  so and stats may be NULL. */
CUSTOMS_EXTERN int customs_store_analyze(customs_store *s, customs_analysis **out, const char *ref,
					 const customs_options *opts, const customs_store_opts *so,
					 customs_store_stats *stats);

/* Store an analysis made with opts (which analyzers, file digests) under
 * its manifest digest, else its config digest (CUSTOMS_EINVAL when it has
 * neither), replacing what that digest held; tag as in customs_store_opts. */
CUSTOMS_EXTERN int customs_store_put(customs_store *s, const customs_analysis *a, const customs_options *opts,
				     const char *tag);

/* The digest that ref names: a stored digest ("sha256:..."), a unique
 * prefix of one (at least 6 hex digits, "sha256:" optional), or a tag.
 * CUSTOMS_ENOTFOUND when nothing is stored under it.  Freed with free(). */
CUSTOMS_EXTERN int customs_store_resolve(customs_store *s, const char *ref, char **out);

enum {
	CUSTOMS_STORE_LOAD_NO_FILES = 1, /* leave the file catalog out (matching, scans) */
};
/* The stored analysis that ref (as customs_store_resolve) names. */
CUSTOMS_EXTERN int customs_store_load(customs_store *s, customs_analysis **out, const char *ref, unsigned flags);

/* Remove the image ref names (and what no other image shares: its layers'
 * files and results, its package data, matches); its tag history stays.
 * *out (may be NULL) gets the digest removed. */
CUSTOMS_EXTERN int customs_store_remove(customs_store *s, const char *ref, char **out);

/* A text that changes whenever what is stored of digest changes (its
 * analysis, its current matches) or the set of stored images does (a base
 * image stored or removed): what a cache of answers about the image is
 * checked against.  CUSTOMS_ENOTFOUND when digest is not stored.  Freed
 * with free(). */
CUSTOMS_EXTERN int customs_store_image_version(customs_store *s, const char *digest, char **out);

/* ---- the images ------------------------------------------------------- */

typedef struct customs_store_image {
	const char *digest;
	const char *reference;       /* as last analysed */
	const char *const *tags;     /* tags that name it now */
	size_t ntags;
	const char *distro;          /* "debian 12", or NULL */
	const char *analysed_at;     /* RFC 3339 UTC */
	const char *customs_version;
	int complete;
	int64_t layers, packages, files;
	int matched;                 /* vulns[] hold counts */
	const char *vulndb_built_at; /* of the database matched against, or NULL */
	int64_t vulns[6];            /* active matches by customs_severity (unknown .. critical) */
	int64_t suppressed;          /* suppressed and covered matches */
} customs_store_image;

typedef struct customs_store_image_list {
	const customs_store_image *images; /* newest analysis first */
	size_t n;
} customs_store_image_list;

CUSTOMS_EXTERN int customs_store_images(customs_store *s, customs_store_image_list **out);
CUSTOMS_EXTERN void customs_store_image_list_free(customs_store_image_list *l);

/* ---- matches ---------------------------------------------------------- */

/* The matches of a (a stored analysis, its packages selected as
 * customs_analysis_select_packages(a, 0) leaves them) against db, whose
 * status is info (NULL: read here): the stored ones when an image with
 * the same packages was matched against this build of the database with
 * default options (mo NULL, or only more_dbs set), else
 * customs_match_analysis(), whose result (with default options) is then
 * kept and becomes the image's current matches, what changed since its
 * last ones recorded.  An analysis the store does not hold is matched
 * and nothing kept.  *reused (may be NULL) says whether they were stored.
 * Free the result with customs_store_matches_free(). */
CUSTOMS_EXTERN int customs_store_match(customs_store *s, customs_match_result **out, const customs_analysis *a,
				       customs_vulndb *db, const customs_vulndb_info *info,
				       const customs_match_opts *mo, int *reused);
/* The image's current matches (of the last database it was matched
 * against); CUSTOMS_ENOTFOUND when it never was. */
CUSTOMS_EXTERN int customs_store_matches(customs_store *s, customs_match_result **out, const customs_analysis *a);
/* Frees a result of customs_store_match() or customs_store_matches(),
 * stored or made by the matcher. */
CUSTOMS_EXTERN void customs_store_matches_free(customs_match_result *r);

/* ---- rematch ---------------------------------------------------------- */

typedef struct customs_store_rematch_image {
	const char *digest;
	const char *const *tags;
	size_t ntags;
	int64_t added, resolved;   /* active matches new and gone since its last matches */
	int64_t active;            /* active matches now */
	int first;                 /* never matched before */
} customs_store_rematch_image;

typedef struct customs_store_rematch_summary {
	const char *built_at;      /* the database's build */
	const customs_store_rematch_image *images;
	size_t n;
	size_t package_sets;       /* distinct package sets */
	size_t matched;            /* package sets matched now (the others were already) */
	double seconds;
} customs_store_rematch_summary;

/* Match every stored analysis against db without reading any image: each
 * distinct package set once, every image's current matches replaced and
 * what changed recorded with the time (new and resolved). */
CUSTOMS_EXTERN int customs_store_rematch(customs_store *s, customs_vulndb *db, customs_store_rematch_summary **out);
CUSTOMS_EXTERN void customs_store_rematch_summary_free(customs_store_rematch_summary *r);

/* ---- the base image --------------------------------------------------- */

typedef struct customs_store_base {
	char *digest;
	char *reference;
	char **tags;
	size_t ntags;
	size_t layers;             /* a->layers[0 .. layers) are the base's */
} customs_store_base;

/* The stored image whose layers (diff_ids) are the longest proper prefix
 * of a's; CUSTOMS_ENOTFOUND when none is. */
CUSTOMS_EXTERN int customs_store_base_of(customs_store *s, customs_store_base **out, const customs_analysis *a);
CUSTOMS_EXTERN void customs_store_base_free(customs_store_base *b);

/* ---- queries ---------------------------------------------------------- */

/* A table of results: ncolumns names, a type per column ('s' text, 'i'
 * integer, 'b' boolean: "true"/"false", 'j' JSON text), nrows * ncolumns cells row by
 * row (NULL: no value).  What customs_report ROWS writes. */
typedef struct customs_store_table {
	const char *const *columns;    /* names: JSON keys */
	const char *const *headings;   /* the same in capitals, for a table */
	const char *types;
	size_t ncolumns;
	const char *const *cells;
	size_t nrows;
} customs_store_table;
CUSTOMS_EXTERN void customs_store_table_free(customs_store_table *t);

/* A query and its arguments. */
typedef struct customs_store_query_args {
	const char *operand;       /* introduced-by PACKAGE, has-package NAME, has-vuln ID, has-file PATH */
	const char *type;          /* --type: packages, has-package */
	const char *glob;          /* --glob: files (fnmatch(3), leading "/" optional) */
	const char *version;       /* --version: has-package, in the package's own scheme */
	/* plugin:NAME (a query plugin, include/customs/plugin.h): its
	 * arguments, as "args" of its request's params (operand is ignored) */
	const char *const *argv;
	size_t argc;
} customs_store_query_args;

/* What `customs query list` shows. */
typedef struct customs_store_query_info {
	const char *name;
	int fleet;                 /* runs over every stored image (query --all) */
	const char *args;          /* "[--type T]" */
	const char *description;
	const char *columns;       /* its columns, comma-separated */
	const char *types;         /* their types, as customs_store_table.types */
} customs_store_query_info;
/* Every query, NULL-name-terminated.  Borrowed, static. */
CUSTOMS_EXTERN const customs_store_query_info *customs_store_query_list(void);

/* Run query over the image ref names (as customs_store_resolve), or with
 * ref NULL over every stored image (the fleet queries).  An unknown query,
 * a missing operand, an image query without an image: CUSTOMS_EUSAGE.
 * "plugin:NAME" runs the query plugin NAME over the stored analysis (its
 * columns and rows are what it answers; a plugin that fails or is not
 * there is the error). */
CUSTOMS_EXTERN int customs_store_query(customs_store *s, customs_store_table **out, const char *ref, const char *query,
				       const customs_store_query_args *args);

/* ---- evaluations (policy) --------------------------------------------- */

typedef struct customs_store_evaluation {
	const char *image_digest;
	const char *bundle_digest; /* sha256 of the canonical bundle */
	const char *evaluated_at;  /* RFC 3339 UTC; NULL on put: now */
	const char *action;        /* final action: "go", "warn", "stop" */
	const char *result;        /* the evaluation as JSON text, or NULL */
} customs_store_evaluation;

typedef struct customs_store_evaluation_list {
	const customs_store_evaluation *v; /* newest first */
	size_t n;
} customs_store_evaluation_list;

/* Keep one evaluation of an image (stored or not) against a bundle. */
CUSTOMS_EXTERN int customs_store_evaluation_put(customs_store *s, const customs_store_evaluation *e);
/* The evaluations of image_digest, of bundle_digest only unless NULL. */
CUSTOMS_EXTERN int customs_store_evaluations(customs_store *s, customs_store_evaluation_list **out,
					     const char *image_digest, const char *bundle_digest);
CUSTOMS_EXTERN void customs_store_evaluation_list_free(customs_store_evaluation_list *l);

/* ---- API tokens (customs serve) -------------------------------------- */

/* Make a token called name (letters, digits, '.', '_', '-'; at most 64):
 * *out (freed with free()) is "cst_<key id>_<secret>", to show once: the
 * store keeps only the key id, a random salt and sha256(salt || secret).
 * A name already in use: CUSTOMS_EINVAL. */
CUSTOMS_EXTERN int customs_store_token_create(customs_store *s, const char *name, char **out);
/* 0 and the token's name in *name (may be NULL; freed with free()) when
 * token is one the store made and did not revoke, else CUSTOMS_EAUTH. */
CUSTOMS_EXTERN int customs_store_token_check(customs_store *s, const char *token, char **name);
/* Revoke the token called name: CUSTOMS_ENOTFOUND when there is none. */
CUSTOMS_EXTERN int customs_store_token_revoke(customs_store *s, const char *name);
/* The tokens: name, key_id, created_at (never the secret). */
CUSTOMS_EXTERN int customs_store_tokens(customs_store *s, customs_store_table **out);

/* ---- policy bundles (customs serve) ------------------------------------ */

/* Keep a bundle (its JSON text, as customs_policy_bundle_load_mem took
 * it) under id, with its name and digest (customs_policy_bundle_digest),
 * replacing what id held; active: it becomes the active bundle (the one
 * evaluations and admission use when none is named).  The first bundle
 * kept is active. */
CUSTOMS_EXTERN int customs_store_policy_put(customs_store *s, const char *id, const char *name, const char *digest,
					    const char *document, int active);
/* The bundle kept under id (NULL: the active one) as one row of id, name,
 * digest, active, updated_at, document (JSON text: type 'j').
 * CUSTOMS_ENOTFOUND when there is none. */
CUSTOMS_EXTERN int customs_store_policy_get(customs_store *s, const char *id, customs_store_table **out);
/* Remove the bundle kept under id: CUSTOMS_ENOTFOUND when there is none. */
CUSTOMS_EXTERN int customs_store_policy_delete(customs_store *s, const char *id);
/* The bundles kept: id, name, digest, active, updated_at. */
CUSTOMS_EXTERN int customs_store_policies(customs_store *s, customs_store_table **out);

/* ---- watched tags and their webhooks (customs serve) ------------------- */

/* Watch tag: type "tag_update" (it names another digest), "vuln_update"
 * (its image's active vulnerabilities change), "policy_eval" (the active
 * bundle's action on it changes); a webhook is POSTed to url, signed
 * with secret.  The same tag, type and url twice: CUSTOMS_EINVAL. */
CUSTOMS_EXTERN int customs_store_subscription_add(customs_store *s, const char *tag, const char *type, const char *url,
						  const char *secret, int64_t *id);
/* One subscription (id NULL: every one) as rows of id, tag, type, url,
 * last_digest, last_state, created_at, and with secrets also secret.
 * One id that is not there: CUSTOMS_ENOTFOUND. */
CUSTOMS_EXTERN int customs_store_subscriptions(customs_store *s, const int64_t *id, int secrets,
					       customs_store_table **out);
CUSTOMS_EXTERN int customs_store_subscription_delete(customs_store *s, int64_t id);
/* Record what was last seen of a subscription's tag. */
CUSTOMS_EXTERN int customs_store_subscription_seen(customs_store *s, int64_t id, const char *digest, const char *state);
/* Queue a webhook of a subscription: its event and JSON payload. */
CUSTOMS_EXTERN int customs_store_notification_add(customs_store *s, int64_t subscription, const char *event,
						  const char *payload);
/* The webhooks due now: rows of id, url, secret, event, payload, attempts. */
CUSTOMS_EXTERN int customs_store_notifications_due(customs_store *s, customs_store_table **out);
/* How a delivery went: delivered, or not (error) and tried again after
 * retry_seconds (< 0: given up: failed). */
CUSTOMS_EXTERN int customs_store_notification_result(customs_store *s, int64_t id, int delivered, const char *error,
						     int retry_seconds);
/* Every webhook, newest first: id, subscription, event, state ("pending",
 * "delivered", "failed"), attempts, last_error, created_at, delivered_at. */
CUSTOMS_EXTERN int customs_store_notifications(customs_store *s, customs_store_table **out);

/* ---- the job queue (customs serve, customs worker) --------------------- */

/* A job a worker claimed: analyse ref into the store, recording tag. */
typedef struct customs_store_job {
	int64_t id;
	char *ref;
	char *tag;                 /* or NULL */
	int attempts;              /* this one included */
} customs_store_job;
CUSTOMS_EXTERN void customs_store_job_free(customs_store_job *j);

/* Queue an analysis of ref (recording tag, may be NULL).  At most one job
 * per reference is queued or running: while one is, *id is that job's and
 * *existing (may be NULL) 1. */
CUSTOMS_EXTERN int customs_store_job_add(customs_store *s, const char *ref, const char *tag, int64_t *id,
					 int *existing);
/* A job as one row of id, ref, tag, state ("queued", "running", "done",
 * "failed"), digest, error, worker, attempts, analyses (how many times
 * it was analysed, 0 when the store had it), created_at, started_at,
 * finished_at.  CUSTOMS_ENOTFOUND when there is no such job. */
CUSTOMS_EXTERN int customs_store_job_get(customs_store *s, int64_t id, customs_store_table **out);
/* Claim the oldest queued job, or a running one whose lease ran out (its
 * worker died), for worker (a name for people: "host:pid:thread") for
 * lease_seconds: *out, or NULL when there is none.  PostgreSQL: SELECT
 * ... FOR UPDATE SKIP LOCKED, so that workers never wait on each other.
 * A job claimed CUSTOMS_STORE_JOB_ATTEMPTS times whose lease runs out
 * again fails. */
#define CUSTOMS_STORE_JOB_ATTEMPTS 3
CUSTOMS_EXTERN int customs_store_job_claim(customs_store *s, const char *worker, int lease_seconds,
					   customs_store_job **out);
/* Extend the lease of a job worker holds; CUSTOMS_ENOTFOUND when it is no
 * longer worker's (its lease ran out and another worker claimed it). */
CUSTOMS_EXTERN int customs_store_job_renew(customs_store *s, int64_t id, const char *worker, int lease_seconds);
/* The job worker holds is done: stored under digest (analysed: 1 when it
 * was analysed, 0 when the store had it), or failed with error (digest
 * NULL).  CUSTOMS_ENOTFOUND when it is no longer worker's. */
CUSTOMS_EXTERN int customs_store_job_finish(customs_store *s, int64_t id, const char *worker, const char *digest,
					    int analysed, const char *error);
/* How many jobs are queued and running now (for /metrics). */
CUSTOMS_EXTERN int customs_store_job_counts(customs_store *s, int64_t *queued, int64_t *running);

#ifdef __cplusplus
}
#endif
#endif
