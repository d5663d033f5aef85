/* gate_files.c - the gates about files and their content: files (Anchore
 * Engine gates/files.py: content_regex_match, name_match, attribute_match,
 * suid_or_guid_set), secret_scans (gates/secrets.py: content_regex_checks,
 * over the secrets analyzer's findings in every layer), retrieved_files
 * (gates/retrieved_files.py) and malware (gates/malware.py; customs runs no
 * malware scanner, so scan_not_run always fires and scans never does). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyzers/analyzers.h"
#include "policy/policy_int.h"

static const customs_policy_param none[] = {{0}};

/* The name a pattern given as "NAME=REGEX" (or a bare REGEX) is found under. */
static int same_pattern(const char *spec, const char *rule)
{
	size_t n = customs__pattern_name(spec);
	if (n)
		return strlen(rule) == n && !strncmp(spec, rule, n);
	return !strcmp(spec, rule);
}

/* The pattern part of a "NAME=REGEX" parameter compiles. */
static int pattern_check(const prule *r, pproblems *p, const char *param)
{
	const char *spec = policy__str(r, param);
	char path[600];
	customs_regex *re;
	if (!spec)
		return 0;
	size_t n = customs__pattern_name(spec);
	const char *pattern = n ? spec + n + 1 : spec;
	const char *const *b = customs__secret_rule_names();
	for (; *b; b++)
		if (!strcmp(*b, spec))
			return 0; /* a built-in name */
	int err = customs_regex_compile(&re, pattern, 0);
	customs_regex_free(re);
	if (err == CUSTOMS_ENOMEM)
		return err;
	if (err >= 0)
		return 0;
	snprintf(path, sizeof(path), "%s.params.%s", r->where, param);
	return policy__problem(p, path, "%s", customs_error_last());
}

/* ---- files ---- */

static int content_eval(pctx *c, const prule *r)
{
	const char *name = policy__str(r, "regex_name");
	int err;
	for (size_t i = 0; i < c->a->nsecrets; i++) {
		const customs_secret *s = &c->a->secrets[i];
		if (!s->content || !s->visible || (name && !same_pattern(name, s->rule)))
			continue;
		if ((err = policy__fire(c, r, NULL, s->layer, s->path, NULL,
					"File content analyzer found regexp match in container: file=%s regexp=%s",
					policy__abs(c, s->path), s->rule)) < 0)
			return err;
	}
	return 0;
}

static int content_check(const prule *r, pproblems *p)
{
	return pattern_check(r, p, "regex_name");
}

static int content_ask(const prule *r, customs_policy_bundle *b)
{
	const char *spec = policy__str(r, "regex_name");
	return spec ? policy__ask(&b->content_patterns, &b->ncontent, spec) : 0;
}

static int name_eval(pctx *c, const prule *r)
{
	const pvalue *re = policy__param(r, "regex");
	int err;
	for (size_t i = 0; i < c->a->nfiles; i++) {
		const customs_file *f = &c->a->files[i];
		const char *abs;
		if (!f->visible)
			continue;
		if (!(abs = policy__abs(c, f->path)))
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		int rc = customs_regex_match(re->re, abs, strlen(abs), NULL, NULL);
		if (rc < 0)
			return rc;
		if (rc && (err = policy__fire(c, r, NULL, f->layer, f->path, NULL,
					      "Application of regex matched file found in container: file=%s regexp=%s",
					      abs, re->raw)) < 0)
			return err;
	}
	return 0;
}

static const customs_file *visible_file(const customs_analysis *a, const char *path)
{
	char *norm = malloc(strlen(path) + 1);
	const customs_file *f = NULL;
	if (norm && customs__path_normalize(norm, path) == 0)
		f = customs_analysis_lookup(a, norm, 0);
	free(norm);
	return f;
}

/* Python's oct(stat.S_IMODE(mode)): "0o644". */
static void pyoct(char *buf, size_t n, unsigned mode)
{
	snprintf(buf, n, "0o%o", mode);
}

static int attribute_eval(pctx *c, const prule *r)
{
	const char *name = policy__str(r, "filename"), *sum = policy__str(r, "checksum");
	const char *sumop = policy__str(r, "checksum_match"), *modeop = policy__str(r, "mode_op");
	const pvalue *mode = policy__param(r, "mode");
	const customs_file *f = visible_file(c->a, name);
	char msg[1024], have[72], a[16], b[16];
	size_t off = (size_t)snprintf(msg, sizeof(msg), "filename=%s", name);
	if (!f) {
		if (policy__bool(r, "skip_missing", 1))
			return 0;
		snprintf(msg + off, sizeof(msg) - off, " and skip_missing=False");
		return policy__fire(c, r, NULL, -1, NULL, NULL, "%s", msg);
	}
	int fired = 0;
	if (sum) {
		if (!f->has_digest)
			return customs__error(CUSTOMS_ENOTFOUND, "no sha256 of %s (file digests were not taken)", name);
		customs_hex(have, f->sha256, 32);
		int eq = !strcasecmp(have, sum);
		if (eq != !strcmp(sumop ? sumop : "equals", "equals"))
			return 0;
		off += (size_t)snprintf(msg + off, sizeof(msg) - off, " and checksum=%s op=%s specified_checksum=%s",
					have, sumop ? sumop : "equals", sum);
		fired = 1;
	}
	if (mode) {
		unsigned have_mode = f->mode & 07777;
		int eq = have_mode == (unsigned)mode->i;
		if (eq != !strcmp(modeop ? modeop : "equals", "equals"))
			return 0;
		pyoct(a, sizeof(a), have_mode);
		pyoct(b, sizeof(b), (unsigned)mode->i);
		snprintf(msg + off, sizeof(msg) - off, " and mode=%s op=%s specified_mode=%s", a,
			 modeop ? modeop : "equals", b);
		fired = 1;
	}
	return fired ? policy__fire(c, r, NULL, f->layer, f->path, NULL, "%s", msg) : 0;
}

/* The file type bits Python's stat gives, for Anchore's "Mode: 0o104755". */
static unsigned type_bits(uint8_t type)
{
	switch (type) {
	case CUSTOMS_FILE_DIR: return 0040000;
	case CUSTOMS_FILE_SYMLINK: return 0120000;
	case CUSTOMS_FILE_CHAR: return 0020000;
	case CUSTOMS_FILE_BLOCK: return 0060000;
	case CUSTOMS_FILE_FIFO: return 0010000;
	case CUSTOMS_FILE_SOCKET: return 0140000;
	default: return 0100000;
	}
}

static int suid_eval(pctx *c, const prule *r)
{
	int err;
	for (size_t i = 0; i < c->a->nfiles; i++) {
		const customs_file *f = &c->a->files[i];
		if (!f->visible || !(f->mode & 06000))
			continue;
		if ((err = policy__fire(c, r, NULL, f->layer, f->path, NULL,
					"SUID or SGID found set on file %s. Mode: 0o%o", policy__abs(c, f->path),
					type_bits(f->type) | (f->mode & 07777))) < 0)
			return err;
	}
	return 0;
}

static const customs_policy_param content_params[] = {
	P("regex_name", CUSTOMS_POLICY_PARAM_STRING, 0, NULL, ".*password.*",
	  "The content pattern to limit the check to: \"NAME=REGEX\" or a bare REGEX, searched in every regular file "
	  "during the layer pass. If not set, the trigger fires for every match of any content pattern of the bundle."),
	{0},
};

static const trigger_def files_content = {
	.pub = {"content_regex_match",
		"Triggers for each file where the content search analyzer has found a match using configured regexes. "
		"If "
		"the parameter is set, the trigger will only fire for files that matched the named regex.",
		content_params, NULL, "anchore-engine", CUSTOMS_POLICY_NEEDS_CONTENT},
	.eval = content_eval,
	.check = content_check,
	.ask = content_ask,
};

static const customs_policy_param name_params[] = {
	P("regex", CUSTOMS_POLICY_PARAM_REGEX, 1, NULL, ".*\\.pem",
	  "Regex to apply to file names (absolute paths, matched from the start) for match."),
	{0},
};

static const trigger_def files_name = {
	.pub = {"name_match",
		"Triggers if a file exists in the container that has a filename that matches the provided regex.",
		name_params, NULL, "anchore-engine", 0},
	.eval = name_eval,
};

static const char *const checksum_algorithms[] = {"sha256", NULL};
static const char *const equals_ops[] = {"equals", "not_equals", NULL};

static const customs_policy_param attribute_params[] = {
	P("filename", CUSTOMS_POLICY_PARAM_STRING, 1, NULL, "/etc/passwd",
	  "Filename to check against provided checksum."),
	P("checksum_algorithm", CUSTOMS_POLICY_PARAM_ENUM, 0, checksum_algorithms, "sha256", "Checksum algorithm"),
	P("checksum", CUSTOMS_POLICY_PARAM_STRING, 0, NULL,
	  "832cd0f75b227d13aac82b1f70b7f90191a4186c151f9db50851d209c45ede11", "Checksum of file."),
	P("checksum_match", CUSTOMS_POLICY_PARAM_ENUM, 0, equals_ops, "equals", "Checksum operation to perform."),
	P("mode", CUSTOMS_POLICY_PARAM_MODE, 0, NULL, "00644", "File mode of file."),
	P("mode_op", CUSTOMS_POLICY_PARAM_ENUM, 0, equals_ops, "equals", "File mode operation to perform."),
	P("skip_missing", CUSTOMS_POLICY_PARAM_BOOL, 0, NULL, "true",
	  "If set to true, do not fire this trigger if the file is not present.  If set to false, fire this trigger "
	  "ignoring the other parameter settings."),
	{0},
};

/* file digests only when a rule compares a checksum */
static int attribute_ask(const prule *r, customs_policy_bundle *b)
{
	if (policy__str(r, "checksum"))
		b->needs |= CUSTOMS_POLICY_NEEDS_DIGESTS;
	return 0;
}

static const trigger_def files_attribute = {
	.pub = {"attribute_match",
		"Triggers if a filename exists in the container that has attributes that match those which are "
		"provided.",
		attribute_params, NULL, "anchore-engine", 0},
	.eval = attribute_eval,
	.ask = attribute_ask,
};

static const trigger_def files_suid = {
	.pub = {"suid_or_guid_set", "Fires for each file found to have suid or sgid bit set.", none, NULL,
		"anchore-engine", 0},
	.eval = suid_eval,
};

static const customs_policy_trigger *const files_triggers[] = {&files_content.pub, &files_name.pub,
							       &files_attribute.pub, &files_suid.pub, NULL};

const gate_def policy__gate_files = {
	{"files",
	 "Checks against files in the analyzed image including file content, file names, and "
	 "filesystem attributes.",
	 files_triggers, "anchore-engine"}};

/* ---- secret_scans ---- */

static int secret_eval(pctx *c, const prule *r)
{
	const char *name = policy__str(r, "content_regex_name"), *fre = policy__str(r, "filename_regex");
	const pvalue *fv = policy__param(r, "filename_regex");
	const char *type = policy__str(r, "match_type");
	int notfound = type && !strcmp(type, "notfound"), found = 0, err;
	char id[1024];
	for (size_t i = 0; i < c->a->nsecrets; i++) {
		const customs_secret *s = &c->a->secrets[i];
		const char *abs = policy__abs(c, s->path);
		if (s->content || (name && !same_pattern(name, s->rule)))
			continue;
		if (!abs)
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		if (fv) {
			int rc = customs_regex_match(fv->re, abs, strlen(abs), NULL, NULL);
			if (rc < 0)
				return rc;
			if (!rc)
				continue;
		}
		found = 1;
		if (notfound)
			continue;
		snprintf(id, sizeof(id), "%s+%s", s->rule, abs);
		if ((err = policy__fire(
			     c, r, id, s->layer, s->path, NULL,
			     "Secret content search analyzer found regexp match in container: file=%s regexp=%s "
			     "line=%llu match=%s%s",
			     abs, s->rule, (unsigned long long)s->line, s->match ? s->match : "[redacted]",
			     s->visible ? "" : " (deleted or replaced in a later layer: still in the image)")) < 0)
			return err;
	}
	if (notfound && !found)
		return policy__fire(
			c, r, NULL, -1, NULL, NULL,
			"Secret content search analyzer did not find regexp match in container: filename_regex=%s "
			"content_regex_name=%s",
			fre ? fre : "*", name ? name : "all");
	return 0;
}

static int secret_check(const prule *r, pproblems *p)
{
	return pattern_check(r, p, "content_regex_name");
}

/* a name that is not built in is a pattern of the bundle's own */
static int secret_ask(const prule *r, customs_policy_bundle *b)
{
	const char *spec = policy__str(r, "content_regex_name");
	if (!spec)
		return 0;
	for (const char *const *n = customs__secret_rule_names(); *n; n++)
		if (!strcmp(*n, spec))
			return 0;
	return policy__ask(&b->secret_patterns, &b->nsecret, spec);
}

static const char *const found_types[] = {"notfound", "found", NULL};

static const customs_policy_param secret_params[] = {
	P("content_regex_name", CUSTOMS_POLICY_PARAM_STRING, 0, NULL, "AWS_ACCESS_KEY",
	  "Name of content regexps configured in the analyzer that match if found in the image, instead of matching "
	  "all. Built in: AWS_ACCESS_KEY, AWS_SECRET_KEY, PRIV_KEY, DOCKER_AUTH, API_KEY (Anchore's names), "
	  "GITHUB_TOKEN, GITLAB_TOKEN, SLACK_TOKEN, NPM_TOKEN, GCP_SERVICE_ACCOUNT, PASSWORD_ASSIGNMENT; any other "
	  "value is a pattern of the bundle's own, \"NAME=REGEX\" or a bare REGEX."),
	P("filename_regex", CUSTOMS_POLICY_PARAM_REGEX, 0, NULL, "/etc/.*",
	  "Regexp to filter the content matched files by (absolute paths, matched from the start)."),
	P("match_type", CUSTOMS_POLICY_PARAM_ENUM, 0, found_types, "found",
	  "Set to define the type of match - trigger if match is found (default) or not found."),
	{0},
};

static const trigger_def secret_checks = {
	.pub = {"content_regex_checks",
		"Triggers if the secret content search analyzer has found any matches with the configured and named "
		"regexes, in any layer (a secret a later layer deleted is still in the image). Checks can be "
		"configured "
		"to trigger if a match is found or is not found (selected using match_type parameter).  Matches are "
		"filtered by the content_regex_name and filename_regex if they are set.",
		secret_params, NULL, "anchore-engine", CUSTOMS_POLICY_NEEDS_SECRETS},
	.eval = secret_eval,
	.check = secret_check,
	.ask = secret_ask,
};

static const customs_policy_trigger *const secret_triggers[] = {&secret_checks.pub, NULL};

const gate_def policy__gate_secret_scans = {{"secret_scans",
					     "Checks for secrets and content found in the image using built-in and "
					     "bundle-given regexes, in every regular file of every layer.",
					     secret_triggers, "anchore-engine"}};

/* ---- retrieved_files ---- */

/* The visible copy of a kept file. */
static const customs_config_file *retrieved(const customs_analysis *a, const char *path)
{
	char *norm = malloc(strlen(path) + 1);
	const customs_config_file *f = NULL;
	if (norm && customs__path_normalize(norm, path) == 0)
		for (size_t i = 0; i < a->nconfig_files && !f; i++)
			if (a->config_files[i].visible && !strcmp(a->config_files[i].path, norm))
				f = &a->config_files[i];
	free(norm);
	return f;
}

static int not_available_eval(pctx *c, const prule *r)
{
	if (retrieved(c->a, policy__str(r, "path")))
		return 0;
	return policy__fire(c, r, NULL, -1, NULL, NULL, "Cannot locate file in the image analysis");
}

static int content_regex_eval(pctx *c, const prule *r)
{
	const char *path = policy__str(r, "path"), *check = policy__str(r, "check");
	const pvalue *re = policy__param(r, "regex");
	const customs_config_file *f = retrieved(c->a, path);
	char id[1024];
	int found = 0;
	if (!f)
		return 0;
	/* Anchore matches each whitespace-separated token from its start */
	for (const char *p = f->data; *p && !found;) {
		while (*p && isspace((unsigned char)*p))
			p++;
		const char *e = p;
		while (*e && !isspace((unsigned char)*e))
			e++;
		if (e > p) {
			int rc = customs_regex_match(re->re, p, (size_t)(e - p), NULL, NULL);
			if (rc < 0)
				return rc;
			found = rc;
		}
		p = e;
	}
	if (found != !strcmp(check, "match"))
		return 0;
	snprintf(id, sizeof(id), "%s+file://%s", r->id ? r->id : "", path);
	return policy__fire(c, r, id, f->layer, f->path, NULL,
			    "Content regex '%s' check '%s' found in retrieved file '%s'", re->raw, check, path);
}

static int retrieve_ask(const prule *r, customs_policy_bundle *b)
{
	return policy__ask(&b->retrieve_files, &b->nretrieve, policy__str(r, "path"));
}

static const customs_policy_param path_params[] = {
	P("path", CUSTOMS_POLICY_PARAM_STRING, 1, NULL, "/etc/httpd.conf",
	  "The path of the file to verify has been retrieved during analysis"),
	{0},
};

static const trigger_def retrieved_not_available = {
	.pub = {"content_not_available", "Triggers if the specified file is not present/stored in the evaluated image.",
		path_params, NULL, "anchore-engine", CUSTOMS_POLICY_NEEDS_CONFIG},
	.eval = not_available_eval,
	.ask = retrieve_ask,
};

static const char *const match_checks[] = {"match", "no_match", NULL};

static const customs_policy_param content_regex_params[] = {
	P("path", CUSTOMS_POLICY_PARAM_STRING, 1, NULL, "/etc/httpd.conf",
	  "The path of the file to verify has been retrieved during analysis"),
	P("regex", CUSTOMS_POLICY_PARAM_REGEX, 1, NULL, ".*SSlEnabled.*",
	  "The regex to evaluate against the content of the file (each whitespace-separated word, from its start)"),
	P("check", CUSTOMS_POLICY_PARAM_ENUM, 1, match_checks, "match", "The type of check to perform with the regex"),
	{0},
};

static const trigger_def retrieved_content_regex = {
	.pub = {"content_regex", "Evaluation of regex on retrieved file content", content_regex_params, NULL,
		"anchore-engine", CUSTOMS_POLICY_NEEDS_CONFIG},
	.eval = content_regex_eval,
	.ask = retrieve_ask,
};

static const customs_policy_trigger *const retrieved_triggers[] = {&retrieved_not_available.pub,
								   &retrieved_content_regex.pub, NULL};

const gate_def policy__gate_retrieved_files = {
	{"retrieved_files",
	 "Checks against content and/or presence of files retrieved at analysis "
	 "time from an image (kept during the layer pass when a rule names them)",
	 retrieved_triggers, "anchore-engine"}};

/* ---- malware ---- */

static int scans_eval(pctx *c, const prule *r)
{
	(void)c, (void)r;
	return 0; /* no scanner: no findings */
}

static int not_run_eval(pctx *c, const prule *r)
{
	return policy__fire(c, r, NULL, -1, NULL, NULL, "No malware scans found for image");
}

static const trigger_def malware_scans = {
	.pub = {"scans",
		"Triggers if any malware scanner has found any matches in the image. customs runs no malware scanner: "
		"this trigger never fires.",
		none, NULL, "anchore-engine", 0},
	.eval = scans_eval,
};

static const trigger_def malware_not_run = {
	.pub = {"scan_not_run",
		"Triggers if no malware scan has been run on the image: with customs, always (it runs no malware "
		"scanner).",
		none, NULL, "anchore-engine", 0},
	.eval = not_run_eval,
};

static const customs_policy_trigger *const malware_triggers[] = {&malware_scans.pub, &malware_not_run.pub, NULL};

const gate_def policy__gate_malware = {
	{"malware", "Checks for malware scan findings in the image", malware_triggers, "anchore-engine"}};
