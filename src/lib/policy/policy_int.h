/* policy_int.h - what the files of the policy engine share: a loaded
 * bundle (bundle.c, its strings borrowed from the document it keeps), the
 * gate table's implementation (each gate_*.c defines its gate: the public
 * table of customs/policy.h first, the evaluators behind it), typed
 * parameter values (params.c) and the evaluation context (eval.c) that
 * triggers fire into. */
#ifndef CUSTOMS_POLICY_INT_H
#define CUSTOMS_POLICY_INT_H

#include <stdarg.h>

#include "customs/policy.h"
#include "util/util.h"

typedef struct pctx pctx;
typedef struct prule prule;

/* ---- the gate table ---- */

typedef int (*trigger_fn)(pctx *c, const prule *r);

/* One parameter of a trigger's table: name, type, required, values
 * (enums), example, description.  P_ALIASED adds the older names. */
#define P(name, type, required, values, example, description)                                                          \
	{                                                                                                              \
		name, type, required, values, example, description, NULL                                               \
	}
#define P_ALIASED(name, type, required, values, example, description, aliases)                                         \
	{                                                                                                              \
		name, type, required, values, example, description, aliases                                            \
	}

typedef struct pproblems pproblems;

typedef struct trigger_def {
	customs_policy_trigger pub; /* first: what customs_policy_gates() shows */
	trigger_fn eval;
	/* Optional: what the parameters' types cannot say (one parameter's
	 * values depending on another's); 0 or CUSTOMS_ENOMEM. */
	int (*check)(const prule *r, pproblems *p);
	/* Optional: what this rule asks of the layer pass beyond pub.needs
	 * (patterns, paths), added to b; 0 or CUSTOMS_ENOMEM. */
	int (*ask)(const prule *r, customs_policy_bundle *b);
} trigger_def;

typedef struct gate_def {
	customs_policy_gate pub;
} gate_def;

static inline const trigger_def *policy__trigger(const customs_policy_trigger *t)
{
	return (const trigger_def *)t;
}

extern const gate_def policy__gate_vulnerabilities, policy__gate_packages, policy__gate_licenses, policy__gate_files,
	policy__gate_secret_scans, policy__gate_dockerfile, policy__gate_passwd_file, policy__gate_distro,
	policy__gate_metadata, policy__gate_npms, policy__gate_ruby_gems, policy__gate_retrieved_files,
	policy__gate_malware, policy__gate_always, policy__gate_config, policy__gate_image_source_drift;

/* The gate named name and its trigger named trigger (either may be an
 * alias, any case); NULL when there is none. */
const gate_def *policy__find_gate(const char *name);
const trigger_def *policy__find_trigger(const gate_def *g, const char *name);
/* builtins and a gate "plugin:NAME" for every working gate plugin
 * (gate_plugin.c), NULL-terminated, kept for the life of the process; NULL
 * when out of memory. */
const customs_policy_gate **policy__with_plugin_gates(const customs_policy_gate *const *builtins);

/* Values shared by several parameters of several gates. */
extern const char *const policy__comparisons[]; /* = != < > <= >= */
extern const char *const policy__severities[];  /* unknown negligible low medium high critical */
extern const char *const policy__checks[];      /* = != exists not_exists like not_like in not_in */
extern const char *const policy__list_types[];  /* whitelist blacklist allowlist denylist */

/* ---- a bundle ---- */

typedef struct pvalue {
	const customs_policy_param *def;
	const char *raw; /* as written (borrowed from the document) */
	long long i;     /* INT, BOOL (0/1), MODE */
	double f;        /* FLOAT, SIZE */
	char **list;     /* LIST, INT_LIST, ENUM_LIST: trimmed items */
	size_t nlist;
	customs_regex *re; /* REGEX */
} pvalue;

typedef struct ppolicy ppolicy;

struct prule {
	const char *id;           /* NULL when the rule has none */
	const char *trigger_name; /* as written */
	const gate_def *gate;
	const trigger_def *trig;
	customs_policy_action action;
	pvalue *params;
	size_t nparams;
	char *where; /* "policies[0].rules[3]" */
	const ppolicy *policy;
};

struct ppolicy {
	const char *id, *name;
	prule *rules;
	size_t nrules;
};

typedef struct pallowlist {
	const char *id, *name;
	size_t first, n; /* its items in bundle->items */
} pallowlist;

/* A mapping, or an allowlisted/denylisted image rule. */
typedef struct pmapping {
	const char *id, *name, *registry, *repository, *image_type, *image_value;
	const ppolicy **policies;
	size_t npolicies;
	const pallowlist **allowlists;
	size_t nallowlists;
} pmapping;

struct customs_policy_bundle {
	json_t *doc;
	char digest[72];
	const char *id, *name;
	ppolicy *policies;
	size_t npolicies;
	pallowlist *allowlists;
	size_t nallowlists;
	customs_policy_allowlist_item *items;
	size_t nitems;
	pmapping *mappings, *allowed, *denied;
	size_t nmappings, nallowed, ndenied;
	unsigned needs;
	/* what customs_policy_bundle_options turns on */
	char **secret_patterns, **content_patterns, **retrieve_files; /* NULL-terminated */
	size_t nsecret, ncontent, nretrieve;
};

/* ---- validation ---- */

struct pproblems {
	customs_policy_problem *v;
	size_t n, cap, more;
};

/* Add s to the NULL-terminated list *v of *n (unless it is there): 0 or ENOMEM. */
int policy__ask(char ***v, size_t *n, const char *s);

/* Add a problem at path (the first 1000; the rest are counted); 0 or
 * CUSTOMS_ENOMEM. */
int policy__problem(pproblems *p, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Parse raw as def says into v; on failure 0 with *why set (a message
 * without the path), CUSTOMS_ENOMEM.  1 when valid. */
int policy__param_parse(pvalue *v, const customs_policy_param *def, const char *raw, char *why, size_t nwhy);
void policy__param_release(pvalue *v);
/* The parameter def of trigger t named name (or one of its aliases). */
const customs_policy_param *policy__param_def(const trigger_def *t, const char *name);

/* ---- the values of a rule's parameters ---- */

const pvalue *policy__param(const prule *r, const char *name); /* NULL when not given */
const char *policy__str(const prule *r, const char *name);     /* NULL when not given */
int policy__bool(const prule *r, const char *name, int dflt);
long long policy__int(const prule *r, const char *name, long long dflt);
/* 1 when the rule sets it, with *out the value. */
int policy__float(const prule *r, const char *name, double *out);
/* 1 when s is one of the LIST / INT_LIST / ENUM_LIST items of the parameter. */
int policy__in_list(const prule *r, const char *name, const char *s);

/* x OP y for OP one of policy__comparisons. */
int policy__cmp(const char *op, double x, double y);
/* Python's re.match(pattern, s) and re.search, with PCRE2 and its limits:
 * 1, 0, or CUSTOMS_ELIMIT / CUSTOMS_EFORMAT. */
int policy__re_match(const char *pattern, const char *s);
/* A comparison of dockerfile and metadata checks: = != exists not_exists
 * like not_like in not_in, as Anchore Engine evaluates them (x may be
 * NULL: absent).  1 true, 0 false, <0 a like pattern that failed. */
int policy__check(const char *op, const char *x, const char *y);

/* ---- evaluation ---- */

typedef struct dockerfile dockerfile;

struct pctx {
	const customs_policy_bundle *b;
	const customs_analysis *a;
	const customs_policy_eval_opts *o;
	long long now;
	customs_arena arena;       /* the findings' strings */
	customs_policy_finding *f; /* findings so far */
	size_t nf, capf;
	char **warnings;
	size_t nwarnings, capwarnings;
	/* per-gate data, made the first time a trigger asks */
	dockerfile *df;
	customs_strmap dates; /* vulnerability id -> vuln_dates* */
	void **owned;         /* what the maps point at */
	size_t nowned, capowned;
	int base_known;
};

/* fire.c.  A trigger fired: instance_id (NULL: Anchore's md5 of gate,
 * trigger and message) and the message (printf format).  layer -1 and path
 * NULL when not about one layer / file; m the match of a vulnerability
 * finding. */
int policy__fire(pctx *c, const prule *r, const char *instance_id, int layer, const char *path, const customs_match *m,
		 const char *fmt, ...) __attribute__((format(printf, 7, 8)));
/* A note for the result's warnings (once per distinct text). */
void policy__warn(pctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Keep p until the context is released (free()'d then). 0 or ENOMEM. */
int policy__own(pctx *c, void *p);
/* 1 when layer is one of the base image's, 0 the image's own, -1 unknown. */
int policy__in_base(const pctx *c, int layer);

/* "/" + path: Anchore names files by their absolute path. */
const char *policy__abs(pctx *c, const char *path);

/* The dockerfile the dockerfile gate reads (gate_dockerfile.c):
 * instructions by directive, from the given Dockerfile or guessed. */
const dockerfile *policy__dockerfile(pctx *c);
void policy__dockerfile_free(dockerfile *d);

/* The dates gate_vuln.c keeps per vulnerability, freed with the context. */
void policy__dates_release(pctx *c);
/* Is item it (vulnerabilities gate) stale: does the vulnerability it names
 * no longer affect the version of its package the image has, a fix being
 * installed?  1 with why in msg, 0 not (or not known), <0 an error. */
int policy__stale(pctx *c, const customs_policy_allowlist_item *it, char *msg, size_t n);

/* Allowlists (allowlist.c): does item i silence finding f at time now
 * under the image's tag and digest?  1 yes, 0 no, 2 it would but expired. */
int policy__item_applies(const customs_policy_allowlist_item *it, const customs_policy_finding *f, const char *registry,
			 const char *repository, const char *digest, long long now);
/* Glob ("*") or "regexp:"-prefixed regex, as Anchore's is_match(regexify, ...). */
int policy__glob(const char *pattern, const char *s);
/* "2025-06-30" (through the end of that day, UTC) or RFC 3339 as seconds
 * since the epoch; -1 when neither. */
long long policy__parse_time(const char *s, int end_of_day);
/* Split "registry/repo:tag" as Anchore Engine's parse_dockerimage_string
 * does (not strict): each out is malloc'd (tag NULL with a digest). */
int policy__parse_tag(const char *s, char **registry, char **repo, char **tag, char **digest);

#endif
