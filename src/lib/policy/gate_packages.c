/* gate_packages.c - the gates about packages: packages (Anchore Engine
 * gates/packages.py: required_package, verify from the package-verify
 * analyzer's checks, blacklist/denylist), licenses (gates/licenses.py, over
 * every package's licenses), npms and ruby_gems (gates/npms.py, gems.py:
 * customs has no npm or gem metadata feed, so the feed triggers never fire
 * and feed_data_unavailable fires when such packages are there), passwd_file
 * (gates/passwd_file.py over the /etc/passwd the config-files analyzer
 * kept) and image_source_drift (Anchore Enterprise: the image against the
 * SBOM of its source). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "customs/version.h"
#include "policy/policy_int.h"

static const customs_policy_param none[] = {{0}};

static int os_type(const char *t)
{
	return t && (!strcmp(t, "deb") || !strcmp(t, "rpm") || !strcmp(t, "apk"));
}

/* The version scheme of a package type. */
static const customs_version_scheme *scheme_of(const char *type)
{
	static const char *const map[][2] = {
		{"java-archive", "maven"},    {"go-module", "go"}, {"rust-crate", "cargo"},
		{"php-composer", "composer"}, {"dotnet", "nuget"}, {"binary", "semver"},
	};
	for (size_t i = 0; type && i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(map[i][0], type))
			return customs_version_scheme_find(map[i][1]);
	return type ? customs_version_scheme_find(type) : NULL;
}

/* -1, 0, 1; versions a scheme cannot order compare as text. */
static int vcmp(const char *type, const char *a, const char *b)
{
	const customs_version_scheme *s = scheme_of(type);
	int c = 0;
	if (!s || customs_version_compare(s, a, b, &c) < 0) {
		customs_error_clear();
		c = strcmp(a, b);
	}
	return c < 0 ? -1 : c > 0;
}

/* ---- packages ---- */

static int required_eval(pctx *c, const prule *r)
{
	const char *name = policy__str(r, "name"), *version = policy__str(r, "version");
	const char *type = policy__str(r, "version_match_type");
	for (size_t i = 0; i < c->a->npackages; i++) {
		const customs_package *p = c->a->packages[i];
		if (!p->visible || !os_type(p->type) || !p->name || strcmp(p->name, name))
			continue;
		const char *have = p->version ? p->version : "";
		if (!version)
			return 0;
		if (!type || !strcmp(type, "exact")) {
			if (strcmp(have, version))
				return policy__fire(
					c, r, NULL, p->layer, p->db_path, NULL,
					"Required input package (%s) is present (%s), but not at the version "
					"specified in policy (%s)",
					p->name, have, name);
			return 0;
		}
		if (strcmp(have, version) && vcmp(p->type, have, version) < 0)
			return policy__fire(
				c, r, NULL, p->layer, p->db_path, NULL,
				"Required min-version input package (%s) is present (%s), but is lower version "
				"than what is specified in policy (%s)",
				p->name, have, version);
		return 0;
	}
	if (version)
		return policy__fire(c, r, NULL, -1, NULL, NULL,
				    "Required input package (%s,%s) is not present in container image", name, version);
	return policy__fire(c, r, NULL, -1, NULL, NULL, "Required input package (%s) is not present in container image",
			    name);
}

static int verify_eval(pctx *c, const prule *r)
{
	const pvalue *dirs = policy__param(r, "only_directories"), *pkgs = policy__param(r, "only_packages");
	const char *check = policy__str(r, "check");
	int err;
	if (!(c->a->collected & CUSTOMS_COLLECTED_VERIFY))
		return customs__error(CUSTOMS_ENOTFOUND,
				      "package files were not checked (the package-verify analyzer did not run)");
	for (size_t i = 0; i < c->a->npackage_checks; i++) {
		const customs_package_check *k = &c->a->package_checks[i];
		const char *abs = policy__abs(c, k->path);
		int in_dir = !dirs;
		if (!abs)
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		if ((pkgs && !policy__in_list(r, "only_packages", k->package)) || (check && strcmp(check, k->state)))
			continue;
		for (size_t d = 0; dirs && d < dirs->nlist; d++)
			in_dir |= !strncmp(abs, dirs->list[d], strlen(dirs->list[d]));
		if (!in_dir)
			continue;
		if ((err = policy__fire(
			     c, r, NULL, -1, k->path, NULL,
			     "VERIFY check against package db for package '%s' failed on entry '%s' with status: '%s'",
			     k->package, abs, k->state)) < 0)
			return err;
	}
	return 0;
}

static int pkg_denylist_eval(pctx *c, const prule *r)
{
	const char *name = policy__str(r, "name"), *version = policy__str(r, "version");
	const char *word = strstr(r->trigger_name, "deny") ? "denylisted" : "blacklisted";
	int err;
	for (size_t i = 0; i < c->a->npackages; i++) {
		const customs_package *p = c->a->packages[i];
		if (!p->visible || !os_type(p->type) || !p->name || strcmp(p->name, name) ||
		    (version && (!p->version || strcmp(p->version, version))))
			continue;
		if (version)
			err = policy__fire(c, r, NULL, p->layer, p->db_path, NULL, "Package is %s: %s-%s", word,
					   p->name, p->version);
		else
			err = policy__fire(c, r, NULL, p->layer, p->db_path, NULL, "Package is %s: %s", word, p->name);
		if (err < 0)
			return err;
	}
	return 0;
}

static const char *const match_types[] = {"exact", "minimum", NULL};
static const char *const verify_checks[] = {"changed", "missing", NULL};

static const customs_policy_param required_params[] = {
	P("name", CUSTOMS_POLICY_PARAM_STRING, 1, NULL, "libssl",
	  "Name of package that must be found installed in image."),
	P("version", CUSTOMS_POLICY_PARAM_STRING, 0, NULL, "1.10.3rc3",
	  "Optional version of package for exact version match."),
	P("version_match_type", CUSTOMS_POLICY_PARAM_ENUM, 0, match_types, "exact",
	  "The type of comparison to use for version if a version is provided."),
	{0},
};

static const trigger_def pkg_required = {
	.pub = {"required_package",
		"Triggers if the specified package and optionally a specific version is not found in the image (distro "
		"packages).",
		required_params, NULL, "anchore-engine", 0},
	.eval = required_eval,
};

static const customs_policy_param verify_params[] = {
	P("only_packages", CUSTOMS_POLICY_PARAM_LIST, 0, NULL, "libssl,openssl",
	  "List of package names to limit verification."),
	P("only_directories", CUSTOMS_POLICY_PARAM_LIST, 0, NULL, "/usr,/var/lib",
	  "List of directories to limit checks so as to avoid checks on all dir."),
	P("check", CUSTOMS_POLICY_PARAM_ENUM, 0, verify_checks, "changed", "Check to perform instead of all."),
	{0},
};

static const trigger_def pkg_verify = {
	.pub = {"verify",
		"Check package integrity against package db in the image. Triggers for changes or removal or content "
		"in "
		"all or the selected \"dirs\" parameter if provided, and can filter type of check with the "
		"\"check_only\" "
		"parameter (dpkg: each file's MD5 against the package's md5sums; rpm: against the header's MD5 or "
		"SHA-256 file digests; configuration files left out).",
		verify_params, NULL, "anchore-engine", CUSTOMS_POLICY_NEEDS_VERIFY},
	.eval = verify_eval,
};

static const customs_policy_param pkg_denylist_params[] = {
	P("name", CUSTOMS_POLICY_PARAM_STRING, 1, NULL, "openssh-server", "Package name to blacklist."),
	P("version", CUSTOMS_POLICY_PARAM_STRING, 0, NULL, "1.0.1", "Specific version of package to blacklist."),
	{0},
};

static const char *const denylist_alias[] = {"denylist", NULL};

static const trigger_def pkg_denylist = {
	.pub = {"blacklist",
		"Triggers if the evaluated image has a package installed that matches the named package optionally "
		"with "
		"a specific version as well.",
		pkg_denylist_params, denylist_alias, "anchore-engine", 0},
	.eval = pkg_denylist_eval,
};

static const customs_policy_trigger *const pkg_triggers[] = {&pkg_required.pub, &pkg_verify.pub, &pkg_denylist.pub,
							     NULL};

const gate_def policy__gate_packages = {{"packages", "Distro package checks", pkg_triggers, "anchore-engine"}};

/* ---- licenses ---- */

/* Each license of each package, split at blanks as Anchore splits its
 * license strings (expression operators and parentheses dropped). */
typedef int (*license_fn)(const prule *r, const char *license);

static int licenses_eval_with(pctx *c, const prule *r, license_fn hit, const char *tag)
{
	customs_buf b = CUSTOMS_BUF_INIT(1 << 16);
	size_t n = 0;
	for (size_t i = 0; i < c->a->npackages; i++) {
		const customs_package *p = c->a->packages[i];
		if (!p->visible || !p->name)
			continue;
		for (size_t k = 0; k < p->licenses.n; k++) {
			char buf[1024];
			snprintf(buf, sizeof(buf), "%s", p->licenses.v[k]);
			for (char *save, *t = strtok_r(buf, " \t()", &save); t; t = strtok_r(NULL, " \t()", &save)) {
				if (!strcmp(t, "AND") || !strcmp(t, "OR") || !strcmp(t, "WITH") || !hit(r, t))
					continue;
				customs_buf_printf(&b, "%s%s(%s)", n++ ? ", " : "", p->name, t);
			}
		}
	}
	int err =
		n ? policy__fire(c, r, NULL, -1, NULL, NULL, "%s Packages are installed that have %s licenses: %s", tag,
				 strstr(r->trigger_name, "deny") ? "denylisted" : "blacklisted", b.ptr ? b.ptr : "")
		  : 0;
	customs_buf_release(&b);
	return err;
}

static int exact_hit(const prule *r, const char *license)
{
	return policy__in_list(r, "licenses", license);
}

static int partial_hit(const prule *r, const char *license)
{
	const pvalue *v = policy__param(r, "licenses");
	for (size_t i = 0; v && i < v->nlist; i++)
		if (strstr(license, v->list[i]))
			return 1;
	return 0;
}

static int exact_eval(pctx *c, const prule *r)
{
	return licenses_eval_with(c, r, exact_hit, "LICFULLMATCH");
}

static int partial_eval(pctx *c, const prule *r)
{
	return licenses_eval_with(c, r, partial_hit, "LICSUBMATCH");
}

static const customs_policy_param exact_params[] = {
	P("licenses", CUSTOMS_POLICY_PARAM_LIST, 1, NULL, "GPLv2+,GPL-3+,BSD-2-clause",
	  "List of license names to blacklist exactly."),
	{0},
};

static const customs_policy_param partial_params[] = {
	P("licenses", CUSTOMS_POLICY_PARAM_LIST, 1, NULL, "LGPL,BSD",
	  "List of strings to do substring match for blacklist."),
	{0},
};

static const char *const exact_alias[] = {"denylist_exact_match", NULL};
static const char *const partial_alias[] = {"denylist_partial_match", NULL};

static const trigger_def lic_exact = {
	.pub = {"blacklist_exact_match",
		"Triggers if the evaluated image has a package installed with software distributed under the specified "
		"(exact match) license(s).",
		exact_params, exact_alias, "anchore-engine", 0},
	.eval = exact_eval,
};

static const trigger_def lic_partial = {
	.pub = {"blacklist_partial_match",
		"triggers if the evaluated image has a package installed with software distributed under the specified "
		"(substring match) license(s)",
		partial_params, partial_alias, "anchore-engine", 0},
	.eval = partial_eval,
};

static const customs_policy_trigger *const lic_triggers[] = {&lic_exact.pub, &lic_partial.pub, NULL};

const gate_def policy__gate_licenses = {{"licenses",
					 "License checks against found software licenses in the container image (every "
					 "package's licenses)",
					 lic_triggers, "anchore-engine"}};

/* ---- npms and ruby_gems ---- */

static int has_type(const customs_analysis *a, const char *type)
{
	for (size_t i = 0; i < a->npackages; i++)
		if (a->packages[i]->visible && a->packages[i]->type && !strcmp(a->packages[i]->type, type))
			return 1;
	return 0;
}

static int named_eval(pctx *c, const prule *r, const char *type, const char *what)
{
	const char *name = policy__str(r, "name"), *version = policy__str(r, "version");
	const char *word = strstr(r->trigger_name, "deny") ? "denylisted" : "blacklisted";
	for (size_t i = 0; i < c->a->npackages; i++) {
		const customs_package *p = c->a->packages[i];
		if (!p->visible || !p->type || strcmp(p->type, type) || !p->name || strcmp(p->name, name) ||
		    (version && (!p->version || strcmp(p->version, version))))
			continue;
		if (version)
			return policy__fire(c, r, NULL, p->layer, p->db_path, NULL, "%s Package is %s: %s-%s", what,
					    word, name, version);
		return policy__fire(c, r, NULL, p->layer, p->db_path, NULL, "%s Package is %s: %s", what, word, name);
	}
	return 0;
}

static int npm_named_eval(pctx *c, const prule *r)
{
	return named_eval(c, r, "npm", "NPM");
}

static int gem_named_eval(pctx *c, const prule *r)
{
	return named_eval(c, r, "gem", "Gem");
}

static int never_eval(pctx *c, const prule *r)
{
	(void)c, (void)r;
	return 0; /* needs a package metadata feed customs does not have */
}

static int npm_nofeed_eval(pctx *c, const prule *r)
{
	if (!has_type(c->a, "npm"))
		return 0;
	return policy__fire(c, r, NULL, -1, NULL, NULL,
			    "NPM packages are present but the anchore npm feed is not available - will be unable to "
			    "perform checks that require feed data");
}

static int gem_nofeed_eval(pctx *c, const prule *r)
{
	if (!has_type(c->a, "gem"))
		return 0;
	return policy__fire(c, r, NULL, -1, NULL, NULL,
			    "Gem packages are present but the anchore gem feed is not available - will be unable to "
			    "perform checks that require feed data");
}

static const customs_policy_param named_params[] = {
	P("name", CUSTOMS_POLICY_PARAM_STRING, 1, NULL, "time_diff", "Package name to blacklist."),
	P("version", CUSTOMS_POLICY_PARAM_STRING, 0, NULL, "0.2.9", "Package version to blacklist specifically."),
	{0},
};

#define FEED_NOTE " customs has no such feed: this trigger never fires."

static const trigger_def npm_latest = {
	.pub = {"newer_version_in_feed",
		"Triggers if an installed NPM is not the latest version according to NPM data feed." FEED_NOTE, none,
		NULL, "anchore-engine", 0},
	.eval = never_eval,
};
static const trigger_def npm_unknown = {
	.pub = {"unknown_in_feeds",
		"Triggers if an installed NPM is not in the official NPM database, according to NPM data "
		"feed." FEED_NOTE,
		none, NULL, "anchore-engine", 0},
	.eval = never_eval,
};
static const trigger_def npm_badversion = {
	.pub = {"version_not_in_feeds",
		"Triggers if an installed NPM version is not listed in the official NPM feed as a valid "
		"version." FEED_NOTE,
		none, NULL, "anchore-engine", 0},
	.eval = never_eval,
};
static const char *const npm_named_alias[] = {"denylisted_name_version", NULL};
static const trigger_def npm_named = {
	.pub = {"blacklisted_name_version",
		"Triggers if the evaluated image has an NPM package installed that matches the name and optionally a "
		"version specified in the parameters.",
		named_params, npm_named_alias, "anchore-engine", 0},
	.eval = npm_named_eval,
};
static const trigger_def npm_nofeed = {
	.pub = {"feed_data_unavailable",
		"Triggers if the engine does not have access to the NPM data feed: with customs, whenever the image "
		"has "
		"npm packages.",
		none, NULL, "anchore-engine", 0},
	.eval = npm_nofeed_eval,
};

static const customs_policy_trigger *const npm_triggers[] = {&npm_latest.pub, &npm_unknown.pub, &npm_badversion.pub,
							     &npm_named.pub,  &npm_nofeed.pub,  NULL};

const gate_def policy__gate_npms = {{"npms", "NPM Checks", npm_triggers, "anchore-engine"}};

static const trigger_def gem_latest = {
	.pub = {"newer_version_found_in_feed",
		"Triggers if an installed GEM is not the latest version according to GEM data feed." FEED_NOTE, none,
		NULL, "anchore-engine", 0},
	.eval = never_eval,
};
static const trigger_def gem_unknown = {
	.pub = {"not_found_in_feed",
		"Triggers if an installed GEM is not in the official GEM database, according to GEM data "
		"feed." FEED_NOTE,
		none, NULL, "anchore-engine", 0},
	.eval = never_eval,
};
static const trigger_def gem_badversion = {
	.pub = {"version_not_found_in_feed",
		"Triggers if an installed GEM version is not listed in the official GEM feed as a valid "
		"version." FEED_NOTE,
		none, NULL, "anchore-engine", 0},
	.eval = never_eval,
};
static const trigger_def gem_named = {
	.pub = {"blacklist",
		"Triggers if the evaluated image has a GEM package installed that matches the specified name and "
		"version.",
		named_params, denylist_alias, "anchore-engine", 0},
	.eval = gem_named_eval,
};
static const trigger_def gem_nofeed = {
	.pub = {"feed_data_unavailable",
		"Triggers if anchore does not have access to the GEM data feed: with customs, whenever the image has "
		"gems.",
		none, NULL, "anchore-engine", 0},
	.eval = gem_nofeed_eval,
};

static const customs_policy_trigger *const gem_triggers[] = {&gem_latest.pub, &gem_unknown.pub, &gem_badversion.pub,
							     &gem_named.pub,  &gem_nofeed.pub,  NULL};

const gate_def policy__gate_ruby_gems = {{"ruby_gems", "Ruby Gem Checks", gem_triggers, "anchore-engine"}};

/* ---- passwd_file ---- */

/* The visible /etc/passwd's entries, Anchore's way: each line split at
 * ':', keyed by user (a later line with the same user replaces the
 * earlier one's fields). */
typedef struct pentry {
	char *line;
	char *f[7]; /* user, password, uid, gid, gecos, home, shell */
	int nf;
} pentry;

static int passwd_read(pctx *c, pentry **out, size_t *n, int *layer)
{
	const customs_config_file *pf = NULL;
	*out = NULL;
	*n = 0;
	*layer = -1;
	for (size_t i = 0; i < c->a->nconfig_files; i++)
		if (c->a->config_files[i].visible && !strcmp(c->a->config_files[i].path, "etc/passwd"))
			pf = &c->a->config_files[i];
	if (!pf)
		return 0;
	*layer = pf->layer;
	const char *p = pf->data, *end = pf->data + pf->len, *line;
	size_t len, cap = 0;
	pentry *v = NULL;
	while (customs_next_line(&p, end, &line, &len, 1)) {
		while (len && (line[len - 1] == ' ' || line[len - 1] == '\t'))
			len--;
		while (len && (*line == ' ' || *line == '\t'))
			line++, len--;
		if (!len)
			continue;
		char *copy = customs_strndup(line, len);
		if (!copy || CUSTOMS_ARRAY_GROW(v, *n, cap) < 0) {
			free(copy);
			break;
		}
		pentry *e = &v[*n];
		memset(e, 0, sizeof(*e));
		e->line = copy;
		char *fields = customs_strdup(copy);
		if (!fields || policy__own(c, fields) < 0)
			break;
		for (char *s = fields; s && e->nf < 7; e->nf++) {
			e->f[e->nf] = s;
			s = strchr(s, ':');
			if (s)
				*s++ = '\0';
		}
		size_t k;
		for (k = 0; k < *n && strcmp(v[k].f[0], e->f[0]); k++)
			;
		if (k < *n) { /* the same user again: its fields replace the earlier ones in place */
			free(v[k].line);
			v[k] = *e;
		} else {
			(*n)++;
		}
	}
	*out = v;
	return 1;
}

static void passwd_free(pentry *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].line);
	free(v);
}

static int passwd_not_available_eval(pctx *c, const prule *r)
{
	pentry *v;
	size_t n;
	int layer, have = passwd_read(c, &v, &n, &layer);
	passwd_free(v, n);
	if (have && n)
		return 0;
	return policy__fire(c, r, NULL, -1, NULL, NULL,
			    "Cannot locate /etc/passwd in image stored files archive: check analyzer settings.");
}

/* field: the entry's field compared (-1 the whole line), what: the word for messages. */
static int passwd_match(pctx *c, const prule *r, const char *param, int field, const char *what)
{
	pentry *v;
	size_t n;
	int err = 0, layer;
	const char *word = strstr(r->trigger_name, "deny") ? "Denylisted" : "Blacklisted";
	if (!passwd_read(c, &v, &n, &layer))
		return 0;
	for (size_t i = 0; i < n && !err; i++) {
		const char *cand = field < 0 ? v[i].line : field < v[i].nf ? v[i].f[field] : NULL;
		int hit = cand && (field < 0 ? !strcmp(cand, policy__str(r, param)) : policy__in_list(r, param, cand));
		if (hit)
			err = policy__fire(c, r, NULL, layer, "etc/passwd", NULL,
					   "%s %s '%s' found in image's /etc/passwd: pentry=%s", word, what, cand,
					   v[i].line);
	}
	passwd_free(v, n);
	return err;
}

static int usernames_eval(pctx *c, const prule *r)
{
	return passwd_match(c, r, "user_names", 0, "user");
}

static int userids_eval(pctx *c, const prule *r)
{
	return passwd_match(c, r, "user_ids", 2, "uid");
}

static int groupids_eval(pctx *c, const prule *r)
{
	return passwd_match(c, r, "group_ids", 3, "gid");
}

static int shells_eval(pctx *c, const prule *r)
{
	return passwd_match(c, r, "shells", 6, "shell");
}

static int entry_eval(pctx *c, const prule *r)
{
	return passwd_match(c, r, "entry", -1, "pentry");
}

static const customs_policy_param usernames_params[] = {
	P_ALIASED("user_names", CUSTOMS_POLICY_PARAM_LIST, 1, NULL, "daemon,ftp",
		  "List of usernames that will cause the trigger to fire if found in /etc/passwd.",
		  ((const char *const[]){"usernameblacklist", NULL})),
	{0},
};
static const customs_policy_param userids_params[] = {
	P_ALIASED("user_ids", CUSTOMS_POLICY_PARAM_INT_LIST, 1, NULL, "0,1",
		  "List of userids (numeric) that will cause the trigger to fire if found in /etc/passwd.",
		  ((const char *const[]){"useridblacklist", NULL})),
	{0},
};
static const customs_policy_param groupids_params[] = {
	P("group_ids", CUSTOMS_POLICY_PARAM_INT_LIST, 1, NULL, "999,20",
	  "List of groupids (numeric) that will cause the trigger ot fire if found in /etc/passwd."),
	{0},
};
static const customs_policy_param shells_params[] = {
	P("shells", CUSTOMS_POLICY_PARAM_LIST, 1, NULL, "/bin/bash,/bin/zsh", "List of shell commands to blacklist."),
	{0},
};
static const customs_policy_param entry_params[] = {
	P("entry", CUSTOMS_POLICY_PARAM_STRING, 1, NULL, "ftp:x:14:50:FTP User:/var/ftp:/sbin/nologin",
	  "Full entry to match in /etc/passwd."),
	{0},
};

static const trigger_def pw_not_available = {
	.pub = {"content_not_available",
		"Triggers if the /etc/passwd file is not present/stored in the evaluated image.", none, NULL,
		"anchore-engine", CUSTOMS_POLICY_NEEDS_CONFIG},
	.eval = passwd_not_available_eval,
};
static const trigger_def pw_usernames = {
	.pub = {"blacklist_usernames", "Triggers if specified username is found in the /etc/passwd file",
		usernames_params, (const char *const[]){"denylist_usernames", NULL}, "anchore-engine",
		CUSTOMS_POLICY_NEEDS_CONFIG},
	.eval = usernames_eval,
};
static const trigger_def pw_userids = {
	.pub = {"blacklist_userids", "Triggers if specified user id is found in the /etc/passwd file", userids_params,
		(const char *const[]){"denylist_userids", NULL}, "anchore-engine", CUSTOMS_POLICY_NEEDS_CONFIG},
	.eval = userids_eval,
};
static const trigger_def pw_groupids = {
	.pub = {"blacklist_groupids", "Triggers if specified group id is found in the /etc/passwd file",
		groupids_params, (const char *const[]){"denylist_groupids", NULL}, "anchore-engine",
		CUSTOMS_POLICY_NEEDS_CONFIG},
	.eval = groupids_eval,
};
static const trigger_def pw_shells = {
	.pub = {"blacklist_shells", "Triggers if specified login shell for any user is found in the /etc/passwd file",
		shells_params, (const char *const[]){"denylist_shells", NULL}, "anchore-engine",
		CUSTOMS_POLICY_NEEDS_CONFIG},
	.eval = shells_eval,
};
static const trigger_def pw_entry = {
	.pub = {"blacklist_full_entry", "Triggers if entire specified passwd entry is found in the /etc/passwd file.",
		entry_params, (const char *const[]){"denylist_full_entry", NULL}, "anchore-engine",
		CUSTOMS_POLICY_NEEDS_CONFIG},
	.eval = entry_eval,
};

static const customs_policy_trigger *const pw_triggers[] = {&pw_not_available.pub,
							    &pw_usernames.pub,
							    &pw_userids.pub,
							    &pw_groupids.pub,
							    &pw_shells.pub,
							    &pw_entry.pub,
							    NULL};

const gate_def policy__gate_passwd_file = {
	{"passwd_file",
	 "Content checks for /etc/passwd for things like usernames, group ids, shells, or "
	 "full entries.",
	 pw_triggers, "anchore-engine"}};

/* ---- image_source_drift ---- */

static int drift_eval(pctx *c, const prule *r, int downgraded)
{
	const customs_analysis *src = c->o->source_sbom;
	int err;
	if (!src)
		return 0;
	for (size_t i = 0; i < src->npackages; i++) {
		const customs_package *s = src->packages[i];
		const customs_package *img = NULL;
		if (!s->name || !s->type ||
		    (policy__param(r, "package_types") && !policy__in_list(r, "package_types", s->type)))
			continue;
		/* several copies (an app's and a distro's): the highest counts */
		for (size_t k = 0; k < c->a->npackages; k++) {
			const customs_package *p = c->a->packages[k];
			if (p->visible && p->name && p->type && !strcmp(p->name, s->name) &&
			    !strcmp(p->type, s->type) &&
			    (!img || (p->version && img->version && vcmp(p->type, p->version, img->version) > 0)))
				img = p;
		}
		if (!downgraded && !img)
			err = policy__fire(c, r, NULL, -1, NULL, NULL,
					   "Package %s %s (%s) of the source SBOM is not installed in the image",
					   s->name, s->version ? s->version : "", s->type);
		else if (downgraded && img && s->version && img->version && vcmp(s->type, img->version, s->version) < 0)
			err = policy__fire(c, r, NULL, img->layer, img->db_path, NULL,
					   "Package %s (%s) is %s in the image, lower than %s in the source SBOM",
					   s->name, s->type, img->version, s->version);
		else
			continue;
		if (err < 0)
			return err;
	}
	return 0;
}

static int downgraded_eval(pctx *c, const prule *r)
{
	return drift_eval(c, r, 1);
}

static int removed_eval(pctx *c, const prule *r)
{
	return drift_eval(c, r, 0);
}

static int no_sources_eval(pctx *c, const prule *r)
{
	if (c->o->source_sbom)
		return 0;
	return policy__fire(c, r, NULL, -1, NULL, NULL,
			    "No source SBOM related to the image (--source-sbom): no drift can be detected");
}

static const customs_policy_param drift_params[] = {
	P("package_types", CUSTOMS_POLICY_PARAM_LIST, 0, NULL, "java-archive,npm",
	  "Types of package to filter by (customs' types: deb, rpm, apk, npm, python, java-archive, go-module, gem, "
	  "rust-crate, php-composer, dotnet)."),
	{0},
};

static const trigger_def drift_downgraded = {
	.pub = {"package_downgraded",
		"Checks to see if any packages have a lower version in the built image than specified in the input "
		"source sboms",
		drift_params, NULL, "anchore-enterprise", CUSTOMS_POLICY_NEEDS_SOURCE},
	.eval = downgraded_eval,
};
static const trigger_def drift_removed = {
	.pub = {"package_removed",
		"Checks to see if any packages are not installed that were expected based on the image's related input "
		"source sboms",
		drift_params, NULL, "anchore-enterprise", CUSTOMS_POLICY_NEEDS_SOURCE},
	.eval = removed_eval,
};
static const trigger_def drift_none = {
	.pub = {"no_related_sources",
		"Checks to see if there are any source sboms related to the image. Findings indicate that the image "
		"does "
		"not have a source sbom to detect drift against",
		none, NULL, "anchore-enterprise", CUSTOMS_POLICY_NEEDS_SOURCE},
	.eval = no_sources_eval,
};

static const customs_policy_trigger *const drift_triggers[] = {&drift_downgraded.pub, &drift_removed.pub,
							       &drift_none.pub, NULL};

const gate_def policy__gate_image_source_drift = {
	{"image_source_drift",
	 "The image against the SBOM of its source (--source-sbom): packages the "
	 "source asks for that the image lacks or has at a lower version.",
	 drift_triggers, "anchore-enterprise"}};
