/* gates.c - the gate table (every gate_*.c adds its gates here) and the
 * gates about the image as a whole: always (Anchore Engine gates/always.py),
 * metadata (gates/image_metadata.py, with customs' label trigger) and
 * distro (Anchore Enterprise's distro gate: deny by distro and version). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "customs/version.h"
#include "policy/policy_int.h"

static const customs_policy_gate *const builtin_gates[] = {
	&policy__gate_vulnerabilities.pub,
	&policy__gate_packages.pub,
	&policy__gate_licenses.pub,
	&policy__gate_files.pub,
	&policy__gate_secret_scans.pub,
	&policy__gate_config.pub,
	&policy__gate_dockerfile.pub,
	&policy__gate_passwd_file.pub,
	&policy__gate_retrieved_files.pub,
	&policy__gate_distro.pub,
	&policy__gate_metadata.pub,
	&policy__gate_npms.pub,
	&policy__gate_ruby_gems.pub,
	&policy__gate_image_source_drift.pub,
	&policy__gate_malware.pub,
	&policy__gate_always.pub,
	NULL,
};

static pthread_once_t plugins_once = PTHREAD_ONCE_INIT;
static const customs_policy_gate **with_plugins;

static void add_plugins(void)
{
	with_plugins = policy__with_plugin_gates(builtin_gates);
}

const customs_policy_gate *const *customs_policy_gates(void)
{
	pthread_once(&plugins_once, add_plugins);
	return with_plugins ? with_plugins : builtin_gates;
}

const gate_def *policy__find_gate(const char *name)
{
	const customs_policy_gate *const *gates = customs_policy_gates();
	for (size_t i = 0; gates[i]; i++)
		if (!strcasecmp(gates[i]->name, name))
			return (const gate_def *)gates[i];
	return NULL;
}

const trigger_def *policy__find_trigger(const gate_def *g, const char *name)
{
	for (const customs_policy_trigger *const *t = g->pub.triggers; *t; t++) {
		if (!strcasecmp((*t)->name, name))
			return policy__trigger(*t);
		for (const char *const *a = (*t)->aliases; a && *a; a++)
			if (!strcasecmp(*a, name))
				return policy__trigger(*t);
	}
	return NULL;
}

/* ---- always ---- */

static int always_eval(pctx *c, const prule *r)
{
	return policy__fire(c, r, "always", -1, NULL, NULL, "Unconditional trigger match");
}

static const customs_policy_param no_params[] = {{0}};

static const trigger_def always_always = {
	.pub = {"always",
		"Fires if present in a policy being evaluated. Useful for things like blacklisting images or testing "
		"mappings and whitelists by using this trigger in combination with policy mapping rules.",
		no_params, NULL, "anchore-engine", 0},
	.eval = always_eval,
};

static const customs_policy_trigger *const always_triggers[] = {&always_always.pub, NULL};

const gate_def policy__gate_always = {
	{"always",
	 "Triggers that fire unconditionally if present in policy, useful for things like "
	 "testing and blacklisting.",
	 always_triggers, "anchore-engine"}};

/* ---- metadata ---- */

/* image_metadata.py's __ops__: the dockerfile checks and the orderings */
static const char *const metadata_checks[] = {"=",          "!=",   ">",        "<",  ">=",     "<=", "exists",
					      "not_exists", "like", "not_like", "in", "not_in", NULL};

static const char *const attributes[] = {"size",           "architecture", "os_type",     "distro",
					 "distro_version", "like_distro",  "layer_count", NULL};

static uint64_t image_size(const customs_analysis *a)
{
	uint64_t n = 0;
	for (size_t i = 0; i < a->nlayers; i++)
		n += a->layers[i].tar_size;
	return n;
}

/* The value of an attribute as text, and whether it is a number. */
static const char *attribute(const customs_analysis *a, const char *name, char *buf, size_t n, int *numeric)
{
	*numeric = 0;
	if (!strcmp(name, "size") || !strcmp(name, "layer_count")) {
		*numeric = 1;
		snprintf(buf, n, "%llu", (unsigned long long)(!strcmp(name, "size") ? image_size(a) : a->nlayers));
		return buf;
	}
	if (!strcmp(name, "architecture"))
		return a->image.architecture;
	if (!strcmp(name, "os_type"))
		return a->image.os;
	if (!strcmp(name, "distro"))
		return a->distro.id;
	if (!strcmp(name, "distro_version"))
		return a->distro.version_id;
	return a->distro.id_like;
}

/* Anchore's ops over typed values: numbers compare as numbers, text as text. */
static int typed_check(const char *op, const char *x, const char *y, int numeric, const char *attr)
{
	if (!strcmp(op, "exists") || !strcmp(op, "not_exists") || !strcmp(op, "like") || !strcmp(op, "not_like") ||
	    !strcmp(op, "in") || !strcmp(op, "not_in"))
		return policy__check(op, x, y);
	if (!x || !y)
		return 0;
	int c;
	if (numeric) {
		pvalue v;
		char why[256];
		static const customs_policy_param size = {.name = "value", .type = CUSTOMS_POLICY_PARAM_SIZE};
		double yv = strtod(y, NULL), xv = strtod(x, NULL);
		if (!strcmp(attr, "size") && policy__param_parse(&v, &size, y, why, sizeof(why)) == 1)
			yv = v.f;
		c = xv < yv ? -1 : xv > yv;
	} else {
		c = strcmp(x, y);
		c = c < 0 ? -1 : c > 0;
	}
	return policy__cmp(op, (double)c, 0.0);
}

static int attribute_eval(pctx *c, const prule *r)
{
	const char *attr = policy__str(r, "attribute"), *op = policy__str(r, "check"), *val = policy__str(r, "value");
	char buf[64];
	int numeric, rc;
	const char *img = attribute(c->a, attr, buf, sizeof(buf), &numeric);
	int needs_value = strcmp(op, "exists") && strcmp(op, "not_exists");
	if (needs_value && !val)
		return 0; /* Anchore: an operation that wants a value and has none does not fire */
	if ((rc = typed_check(op, img, val, numeric, attr)) < 0)
		return rc;
	if (!rc)
		return 0;
	return policy__fire(
		c, r, NULL, -1, NULL, NULL,
		"Attribute check for attribute: '%s' check: '%s' check_value: '%s' matched image value: '%s'", attr, op,
		val ? val : "", img ? img : "None");
}

/* Anchore's LinkedValidator: the value's type follows the attribute. */
static int attribute_check(const prule *r, pproblems *p)
{
	const char *attr = policy__str(r, "attribute"), *val = policy__str(r, "value");
	static const customs_policy_param size = {.name = "value", .type = CUSTOMS_POLICY_PARAM_SIZE};
	static const customs_policy_param count = {.name = "value", .type = CUSTOMS_POLICY_PARAM_INT};
	const customs_policy_param *def = !attr || !val                  ? NULL
					  : !strcmp(attr, "size")        ? &size
					  : !strcmp(attr, "layer_count") ? &count
									 : NULL;
	pvalue v;
	char why[512], path[600];
	if (!def)
		return 0;
	int rc = policy__param_parse(&v, def, val, why, sizeof(why));
	policy__param_release(&v);
	if (rc < 0)
		return rc;
	snprintf(path, sizeof(path), "%s.params.value", r->where);
	return rc ? 0 : policy__problem(p, path, "%s (attribute %s)", why, attr);
}

static const customs_policy_param attribute_params[] = {
	P("attribute", CUSTOMS_POLICY_PARAM_ENUM, 1, attributes, "size", "Attribute name to be checked."),
	P("check", CUSTOMS_POLICY_PARAM_ENUM, 1, metadata_checks, ">", "The operation to perform the evaluation."),
	P("value", CUSTOMS_POLICY_PARAM_STRING, 0, NULL, "1073741824",
	  "Value used in comparison: a size (bytes, kb, mb, gb, tb) for size, an integer for layer_count, else a "
	  "string."),
	{0},
};

static const trigger_def metadata_attribute = {
	.pub = {"attribute", "Triggers if a named image metadata value matches the given condition.", attribute_params,
		NULL, "anchore-engine", 0},
	.eval = attribute_eval,
	.check = attribute_check,
};

static int label_eval(pctx *c, const prule *r)
{
	const char *key = policy__str(r, "key"), *op = policy__str(r, "check"), *val = policy__str(r, "value");
	const char *img = json_string_value(json_object_get(c->a->image.config.labels, key));
	int rc;
	if (strcmp(op, "exists") && strcmp(op, "not_exists") && !val)
		return 0;
	if ((rc = typed_check(op, img, val, 0, "")) <= 0)
		return rc;
	return policy__fire(c, r, NULL, -1, NULL, NULL,
			    "Label check for label: '%s' check: '%s' check_value: '%s' matched image value: '%s'", key,
			    op, val ? val : "", img ? img : "None");
}

static const customs_policy_param label_params[] = {
	P("key", CUSTOMS_POLICY_PARAM_STRING, 1, NULL, "org.opencontainers.image.source", "The label to check."),
	P("check", CUSTOMS_POLICY_PARAM_ENUM, 1, metadata_checks, "not_exists",
	  "The operation to perform the evaluation."),
	P("value", CUSTOMS_POLICY_PARAM_STRING, 0, NULL, "https://github.com/example/app",
	  "Value used in comparison (like and not_like: a regex)."),
	{0},
};

static const trigger_def metadata_label = {
	.pub = {"label", "Triggers if an image label (the config's Labels) matches the given condition.", label_params,
		NULL, "customs", 0},
	.eval = label_eval,
};

static const customs_policy_trigger *const metadata_triggers[] = {&metadata_attribute.pub, &metadata_label.pub, NULL};

const gate_def policy__gate_metadata = {{"metadata",
					 "Checks against image metadata, such as size, OS, distro, architecture, etc.",
					 metadata_triggers, "anchore-engine"}};

/* ---- distro ---- */

static int deny_eval(pctx *c, const prule *r)
{
	const char *distro = policy__str(r, "distro"), *version = policy__str(r, "version"),
		   *op = policy__str(r, "check");
	const customs_distro *d = &c->a->distro;
	int cmp = 0;
	if (!d->id || strcasecmp(d->id, distro))
		return 0;
	if (version) {
		/* distro versions compare like packages of that distro: 9 < 10, 3.9 < 3.21 */
		const customs_version_scheme *s = customs_version_scheme_find(d->id);
		if (!d->version_id)
			return 0;
		if (!s)
			s = customs_version_scheme_find("dpkg");
		if (customs_version_compare(s, d->version_id, version, &cmp) < 0) {
			customs_error_clear();
			cmp = strcmp(d->version_id, version);
			cmp = cmp < 0 ? -1 : cmp > 0;
		}
		if (!policy__cmp(op ? op : "=", (double)cmp, 0.0))
			return 0;
	}
	if (version)
		return policy__fire(c, r, NULL, -1, NULL, NULL, "Image distro %s %s is denied by policy (%s %s %s)",
				    d->id, d->version_id, distro, op ? op : "=", version);
	return policy__fire(c, r, NULL, -1, NULL, NULL, "Image distro %s %s is denied by policy (%s)", d->id,
			    d->version_id ? d->version_id : "", distro);
}

static const customs_policy_param deny_params[] = {
	P("distro", CUSTOMS_POLICY_PARAM_STRING, 1, NULL, "debian",
	  "Name of the distribution to match (os-release ID)."),
	P("version", CUSTOMS_POLICY_PARAM_STRING, 0, NULL, "9",
	  "Version of distribution to compare against (os-release VERSION_ID); none: every version."),
	P("check", CUSTOMS_POLICY_PARAM_ENUM, 0, policy__comparisons, "<",
	  "The comparison to use in the evaluation (default =)."),
	{0},
};

static const trigger_def distro_deny = {
	.pub = {"deny", "Triggers if the image distro and version match the criteria.", deny_params, NULL,
		"anchore-enterprise", 0},
	.eval = deny_eval,
};

static const customs_policy_trigger *const distro_triggers[] = {&distro_deny.pub, NULL};

const gate_def policy__gate_distro = {
	{"distro",
	 "Denies images running on a distribution (and version) the organisation does not "
	 "allow.",
	 distro_triggers, "anchore-enterprise"}};
