/* policy.h - the policy engine: a policy bundle (Anchore Engine's format,
 * version "1_0", with the whitelists/blacklists spellings and the later
 * allowlists/denylists ones) is loaded and validated once, then evaluated
 * over an analysis and its matches: the mapping for the image's tag picks
 * the policies and allowlists, every rule runs its gate's trigger, the
 * allowlists silence what they name, and the actions fold STOP > WARN >
 * GO.  Gates, triggers and parameters are one table
 * (customs_policy_gates), which validation, evaluation and `customs policy
 * describe` all read: Anchore Engine's gates with their names and meanings,
 * and customs' own (docs/policy.md lists them all).
 *
 * Gates never read the image: what they need that is not in every
 * analysis (secrets, configuration files, file digests, package checks)
 * the bundle asks for before the analysis (customs_policy_bundle_options).
 *
 * Ownership: what `**out` returns belongs to the caller, freed with its
 * _free function.  A result borrows from the bundle, the analysis and the
 * match result it was evaluated with: free it before them.  A bundle is
 * read-only once loaded: several threads may evaluate it at once. */
#ifndef CUSTOMS_POLICY_H
#define CUSTOMS_POLICY_H

#include "customs/common.h"

#include <stddef.h>

#include "customs/analysis.h"
#include "customs/match.h"
#include "customs/vuln.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a rule asks for when its trigger fires; folding takes the worst. */
typedef enum {
	CUSTOMS_POLICY_GO = 0,
	CUSTOMS_POLICY_WARN = 1,
	CUSTOMS_POLICY_STOP = 2,
} customs_policy_action;

/* "GO", "WARN", "STOP". */
CUSTOMS_EXTERN const char *customs_policy_action_name(customs_policy_action a);

/* ---- the gate table ------------------------------------------------------ */

/* Parameter values are strings in a bundle (as in Anchore Engine); the
 * type says which strings a parameter takes. */
typedef enum {
	CUSTOMS_POLICY_PARAM_STRING = 0,
	CUSTOMS_POLICY_PARAM_ENUM,      /* one of values[] */
	CUSTOMS_POLICY_PARAM_BOOL,      /* "true" or "false" */
	CUSTOMS_POLICY_PARAM_INT,       /* a non-negative integer */
	CUSTOMS_POLICY_PARAM_FLOAT,     /* a number */
	CUSTOMS_POLICY_PARAM_LIST,      /* comma-separated strings */
	CUSTOMS_POLICY_PARAM_INT_LIST,  /* comma-separated integers */
	CUSTOMS_POLICY_PARAM_ENUM_LIST, /* comma-separated, each one of values[] */
	CUSTOMS_POLICY_PARAM_REGEX,     /* a regular expression (Python re / PCRE2 syntax) */
	CUSTOMS_POLICY_PARAM_SIZE,      /* bytes, with an optional kb, mb, gb or tb */
	CUSTOMS_POLICY_PARAM_MODE,      /* an octal file mode ("0644") */
} customs_policy_param_type;

/* "string", "enum", "boolean", "integer", "number", "list", "integer list",
 * "enum list", "regex", "size", "mode". */
CUSTOMS_EXTERN const char *customs_policy_param_type_name(customs_policy_param_type t);

typedef struct customs_policy_param {
	const char *name;
	customs_policy_param_type type;
	int required;
	const char *const *values; /* ENUM and ENUM_LIST: the values taken, NULL-terminated */
	const char *example;
	const char *description;
	const char *const *aliases; /* older names read as this one, NULL-terminated, or NULL */
} customs_policy_param;

/* What a trigger needs beyond the analysis itself. */
enum {
	CUSTOMS_POLICY_NEEDS_MATCHES = 1,  /* the matcher's results (a vulnerability database) */
	CUSTOMS_POLICY_NEEDS_SECRETS = 2,  /* the secrets analyzer */
	CUSTOMS_POLICY_NEEDS_CONTENT = 4,  /* the bundle's content patterns in the same pass */
	CUSTOMS_POLICY_NEEDS_CONFIG = 8,   /* configuration files kept */
	CUSTOMS_POLICY_NEEDS_DIGESTS = 16, /* sha256 of every regular file */
	CUSTOMS_POLICY_NEEDS_VERIFY = 32,  /* package files against their databases */
	CUSTOMS_POLICY_NEEDS_SOURCE = 64,  /* a source SBOM (image_source_drift) */
};

typedef struct customs_policy_trigger {
	const char *name;
	const char *description;
	const customs_policy_param *params; /* ends with a NULL name */
	const char *const *aliases;         /* other spellings (denylist for blacklist), or NULL */
	const char *origin;                 /* "anchore-engine", "anchore-enterprise" or "customs" */
	unsigned needs;                     /* CUSTOMS_POLICY_NEEDS_* */
} customs_policy_trigger;

typedef struct customs_policy_gate {
	const char *name;
	const char *description;
	const customs_policy_trigger *const *triggers; /* NULL-terminated */
	const char *origin;
} customs_policy_gate;

/* Every gate, NULL-terminated, in a stable order: the built-in ones, then
 * "plugin:NAME" for each working gate plugin (include/customs/plugin.h;
 * found the first time this is called).  Kept for the life of the process. */
CUSTOMS_EXTERN const customs_policy_gate *const *customs_policy_gates(void);

/* ---- bundles -------------------------------------------------------------- */

typedef struct customs_policy_bundle customs_policy_bundle;

/* One thing wrong with a bundle, where it is: "policies[0].rules[3].params.severity". */
typedef struct customs_policy_problem {
	const char *path; /* "" for the document itself */
	const char *message;
} customs_policy_problem;

typedef struct customs_policy_problems {
	const customs_policy_problem *v;
	size_t n;
	size_t more; /* problems past the first 1000, not listed */
} customs_policy_problems;

CUSTOMS_EXTERN void customs_policy_problems_free(customs_policy_problems *p);

#define CUSTOMS_POLICY_LOAD_OPTS_VERSION 1

typedef struct customs_policy_load_opts {
	unsigned int version; /* CUSTOMS_POLICY_LOAD_OPTS_VERSION */
	size_t max_bytes;     /* the document; 0: 16 MiB */
} customs_policy_load_opts;

/* Load and validate the bundle in the file at path (JSON or YAML).  0:
 * valid, *out set.  CUSTOMS_EFORMAT (not a bundle, or invalid) or
 * CUSTOMS_ELIMIT (too big): *out NULL, and *problems (when problems is
 * not NULL) lists every problem found; customs_error_last() says the first
 * and how many there are.  CUSTOMS_ENOTFOUND / CUSTOMS_EIO: the file
 * cannot be read (*problems NULL).  opts may be NULL. */
CUSTOMS_EXTERN int customs_policy_bundle_load(customs_policy_bundle **out, customs_policy_problems **problems,
					      const char *path, const customs_policy_load_opts *opts);
/* The same from memory; name is used in messages. */
CUSTOMS_EXTERN int customs_policy_bundle_load_mem(customs_policy_bundle **out, customs_policy_problems **problems,
						  const char *name, const char *buf, size_t len,
						  const customs_policy_load_opts *opts);
CUSTOMS_EXTERN void customs_policy_bundle_free(customs_policy_bundle *b);

/* "sha256:<hex>" of the bundle's canonical JSON (keys sorted, compact):
 * the same bundle in YAML or re-indented has the same digest. */
CUSTOMS_EXTERN const char *customs_policy_bundle_digest(const customs_policy_bundle *b);
CUSTOMS_EXTERN const char *customs_policy_bundle_id(const customs_policy_bundle *b);
CUSTOMS_EXTERN const char *customs_policy_bundle_name(const customs_policy_bundle *b);
/* CUSTOMS_POLICY_NEEDS_* of every rule of every policy. */
CUSTOMS_EXTERN unsigned customs_policy_bundle_needs(const customs_policy_bundle *b);
/* Turn on in opts what the bundle's rules need from the layer pass
 * (secrets, content and secret patterns, configuration and retrieved
 * files, file digests, package checks).  The pointers set point into b:
 * keep b until the analysis is done.  0 or CUSTOMS_EINVAL (opts of
 * another version). */
CUSTOMS_EXTERN int customs_policy_bundle_options(const customs_policy_bundle *b, customs_options *opts);

/* An allowlist item (Anchore's whitelist item, with customs' auditable
 * fields): it silences findings of its gate whose trigger_id matches
 * (glob "*", or "regexp:" and a regex), within its scope, until it
 * expires. */
typedef struct customs_policy_allowlist_item {
	const char *id;
	const char *gate;
	const char *trigger_id;
	const char *allowlist_id, *allowlist_name;
	const char *expires;  /* "expires" (a day, through its end) or Anchore's "expires_on" (RFC 3339), or NULL */
	long long expires_at; /* seconds since the epoch it stops applying at, or 0 */
	const char *reason, *owner;
	/* scope: each set field must match (globs) */
	const char *registry, *repository, *digest, *purl, *path;
	int base_image; /* 1: only findings in base layers, 0: only the image's own, -1: any */
} customs_policy_allowlist_item;

/* Every item of every allowlist, in document order; *n gets the count. */
CUSTOMS_EXTERN const customs_policy_allowlist_item *customs_policy_bundle_items(const customs_policy_bundle *b,
										size_t *n);

/* ---- evaluation ----------------------------------------------------------- */

#define CUSTOMS_POLICY_EVAL_OPTS_VERSION 1

typedef struct customs_policy_eval_opts {
	unsigned int version; /* CUSTOMS_POLICY_EVAL_OPTS_VERSION */
	const char *tag;      /* "registry/repo:tag" the mappings are matched against; NULL: from the image */
	const customs_match_result *matches; /* the analysis' matches; NULL: the vulnerabilities gate has no data */
	customs_vulndb *db;                  /* publication and fix dates, feed ages, namespaces; may be NULL */
	const customs_vulndb_info *db_info;  /* feed ages (stale_feed_data); may be NULL */
	const char *dockerfile; /* the image's Dockerfile as text, or NULL: guessed from history and config */
	int base_layers;        /* the first N layers are the base image's; 0: not known */
	long long now;          /* seconds since the epoch for ages and expiry; 0: the clock */
	const customs_analysis *source_sbom; /* image_source_drift: what the source said should be there, or NULL */
} customs_policy_eval_opts;

/* One fired trigger. */
typedef struct customs_policy_finding {
	const char *gate;
	const char *trigger;    /* as the rule spells it */
	const char *trigger_id; /* what allowlist items match: "CVE-2023-1234+libssl3" */
	const char *message;
	const char *rule_id, *policy_id, *policy_name;
	customs_policy_action action; /* the rule's action */
	int layer;                    /* the layer it is about, -1: not one layer */
	int in_base;                  /* 1: a base-image layer, 0: the image's own, -1: unknown */
	const char *path;             /* the file it is about, or NULL */
	const customs_match *match;   /* a vulnerability finding's match (borrowed), or NULL */
	const customs_policy_allowlist_item *allowlisted_by; /* NULL unless allowlisted */
	const customs_policy_allowlist_item *expired_item;   /* an expired item that would have applied, or NULL */
} customs_policy_finding;

/* What an evaluation says about one allowlist item. */
typedef struct customs_policy_item_note {
	const customs_policy_allowlist_item *item;
	const char *state; /* "expired", "stale" */
	const char *message;
} customs_policy_item_note;

typedef struct customs_policy_result {
	customs_policy_action final_action;  /* after the allowlisted and denylisted images */
	customs_policy_action policy_action; /* of the rules alone */
	/* "policy_evaluation", "allowlisted_image", "denylisted_image",
	 * "no_mapping" (no mapping matched the tag: no policy ran) */
	const char *reason;
	const char *bundle_id, *bundle_name, *bundle_digest;
	const char *mapping_id, *mapping_name; /* NULL when none matched */
	const char *image_rule;                /* the allowlisted/denylisted image rule that decided, or NULL */
	const char *tag;                       /* what the mappings were matched against */
	const char *image_digest;              /* manifest digest, else config digest */
	long long evaluated_at;
	int base_layers;                        /* as given, 0: not known */
	const char *dockerfile_mode;            /* "actual" (given) or "guessed" (from history and config) */
	const customs_policy_finding *findings; /* in rule order */
	size_t n;
	const customs_policy_item_note *notes;
	size_t nnotes;
	const char *const *warnings; /* rules that could not run, data that is missing */
	size_t nwarnings;
	size_t stop, warn, go; /* findings that count, by action */
	size_t allowlisted;    /* findings allowlisted */
} customs_policy_result;

/* Evaluate b over a.  0 with *out, or <0 (out of memory, opts of another
 * version).  A rule whose trigger cannot be evaluated gives a WARN finding
 * that says why, never silence. */
CUSTOMS_EXTERN int customs_policy_evaluate(customs_policy_result **out, const customs_policy_bundle *b,
					   const customs_analysis *a, const customs_policy_eval_opts *opts);
CUSTOMS_EXTERN void customs_policy_result_free(customs_policy_result *r);

#ifdef __cplusplus
}
#endif
#endif
