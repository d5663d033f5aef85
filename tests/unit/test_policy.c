/* test_policy.c - the policy engine's pieces on analyses made in the test:
 * Anchore's glob and tag parsing, dates, allowlist expiry at fixed times,
 * mappings and image rules, the bundle digest of JSON and YAML, the
 * dockerfile (given and guessed), sshd_config and sudoers as their daemons
 * read them, a rule that cannot run, and the limits on hostile bundles. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "customs/customs.h"
#include "helpers.h"
#include "model/model.h"
#include "policy/policy_int.h"

/* ---- helpers ---- */

static customs_policy_bundle *load(const char *text)
{
	customs_policy_bundle *b = NULL;
	customs_policy_problems *p = NULL;
	if (customs_policy_bundle_load_mem(&b, &p, "test", text, strlen(text), NULL) < 0) {
		for (size_t i = 0; p && i < p->n; i++)
			print_message("%s: %s\n", p->v[i].path, p->v[i].message);
		customs_policy_problems_free(p);
		fail_msg("bundle refused: %s", customs_error_last());
	}
	return b;
}

/* A bundle of one policy "p" holding rules (a JSON list), mapped for
 * every tag with allowlist "w" of items (a JSON list). */
static customs_policy_bundle *bundle_of(const char *rules, const char *items)
{
	char *text = customs_asprintf(
		"{\"version\":\"1_0\",\"id\":\"b\",\"policies\":[{\"id\":\"p\",\"name\":\"P\",\"rules\":%s}],"
		"\"whitelists\":[{\"id\":\"w\",\"name\":\"W\",\"items\":%s}],"
		"\"mappings\":[{\"id\":\"m\",\"registry\":\"*\",\"repository\":\"*\",\"image\":{\"type\":\"tag\","
		"\"value\":\"*\"},"
		"\"policy_id\":\"p\",\"whitelist_ids\":[\"w\"]}]}",
		rules, items ? items : "[]");
	customs_policy_bundle *b = load(text);
	free(text);
	return b;
}

static customs_analysis *image(void)
{
	static const char *const layers[] = {"sha256:"
					     "1111111111111111111111111111111111111111111111111111111111111111",
					     "sha256:"
					     "2222222222222222222222222222222222222222222222222222222222222222",
					     NULL};
	return th_image_analysis("oci:/tmp/img", "sha256:aaaa", "latest", layers);
}

static void config_file(customs_analysis *a, const char *path, int layer, const char *data)
{
	customs_config_file f = {
		.path = (char *)path, .layer = layer, .visible = 1, .data = (char *)data, .len = strlen(data)};
	assert_int_equal(customs__analysis_add_config_file(a, &f), 0);
	a->collected |= CUSTOMS_COLLECTED_CONFIG;
}

static customs_policy_result *evaluate(const customs_policy_bundle *b, const customs_analysis *a, long long now,
				       const char *tag, const char *df)
{
	customs_policy_result *r = NULL;
	customs_policy_eval_opts o = {
		.version = CUSTOMS_POLICY_EVAL_OPTS_VERSION, .now = now, .tag = tag, .dockerfile = df};
	if (customs_policy_evaluate(&r, b, a, &o) < 0)
		fail_msg("evaluate: %s", customs_error_last());
	return r;
}

/* The messages of the findings, one a line (allowlisted ones marked). */
static char *messages(const customs_policy_result *r)
{
	customs_buf b = CUSTOMS_BUF_INIT(0);
	for (size_t i = 0; i < r->n; i++)
		customs_buf_printf(&b, "%s%s %s\n", r->findings[i].allowlisted_by ? "[allowlisted] " : "",
				   customs_policy_action_name(r->findings[i].action), r->findings[i].message);
	char *s = customs_buf_detach(&b);
	return s ? s : strdup("");
}

static void messages_are(const customs_policy_result *r, const char *want)
{
	char *got = messages(r);
	assert_string_equal(got, want);
	free(got);
}

/* ---- Anchore's matching ---- */

static void test_glob(void **state)
{
	(void)state;
	assert_true(policy__glob("*", "anything"));
	assert_true(policy__glob("*", ""));
	assert_true(policy__glob("CVE-2023-1234+*", "CVE-2023-1234+libssl3"));
	assert_false(policy__glob("CVE-2023-1234+*", "CVE-2023-12345+libssl3"));
	assert_true(policy__glob("*+libssl3", "CVE-2023-1234+libssl3"));
	assert_true(policy__glob("a*b*c", "axxbyyc"));
	assert_false(policy__glob("a*b*c", "axxbyycd"));
	/* regexify escapes everything but "*" */
	assert_false(policy__glob("a.c", "abc"));
	assert_true(policy__glob("a.c", "a.c"));
	/* "regexp:" is a raw regex, matched from the start (re.match) */
	assert_true(policy__glob("regexp:CVE-20(19|20)-.*", "CVE-2020-1+x"));
	assert_false(policy__glob("regexp:CVE-20(19|20)-.*", "xCVE-2020-1"));
	assert_false(policy__glob("regexp:(", "("));
}

static void test_parse_tag(void **state)
{
	(void)state;
	static const char *const cases[][5] = {
		/* as util/docker.py parse_dockerimage_string(strict=False) */
		{"nginx", "docker.io", "nginx", "latest", NULL},
		{"nginx:1.25", "docker.io", "nginx", "1.25", NULL},
		{"library/nginx:1", "docker.io", "library/nginx", "1", NULL},
		{"quay.io/org/app:v2", "quay.io", "org/app", "v2", NULL},
		{"localhost:5000/app", "localhost:5000", "app", "latest", NULL},
		{"localbuild/app:dev", "localbuild", "app", "dev", NULL},
		{"r.io/app@sha256:abc", "r.io", "app", NULL, "sha256:abc"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *reg, *repo, *tag, *dig;
		assert_int_equal(policy__parse_tag(cases[i][0], &reg, &repo, &tag, &dig), 0);
		assert_string_equal(reg, cases[i][1]);
		assert_string_equal(repo, cases[i][2]);
		if (cases[i][3])
			assert_string_equal(tag, cases[i][3]);
		else
			assert_null(tag);
		if (cases[i][4])
			assert_string_equal(dig, cases[i][4]);
		else
			assert_null(dig);
		free(reg), free(repo), free(tag), free(dig);
	}
}

static void test_parse_time(void **state)
{
	(void)state;
	/* a day lasts through its end, UTC */
	assert_int_equal(policy__parse_time("2025-06-30", 1), 1751328000LL);
	assert_int_equal(policy__parse_time("2025-06-30", 0), 1751241600LL);
	assert_int_equal(policy__parse_time("2025-06-30T12:00:00Z", 1), 1751284800LL);
	assert_int_equal(policy__parse_time("2025-06-30T14:00:00+02:00", 0), 1751284800LL);
	assert_int_equal(policy__parse_time("2025-06-30T12:00:00.123Z", 0), 1751284800LL);
	assert_int_equal(policy__parse_time("2025-02-30", 0), -1);
	assert_int_equal(policy__parse_time("2025-13-01", 0), -1);
	assert_int_equal(policy__parse_time("30/06/2025", 0), -1);
	assert_int_equal(policy__parse_time("2025-06-30x", 0), -1);
}

/* ---- allowlists ---- */

static void test_expiry(void **state)
{
	(void)state;
	customs_policy_bundle *b = bundle_of(
		"[{\"id\":\"r\",\"gate\":\"always\",\"trigger\":\"always\",\"action\":\"STOP\",\"params\":[]}]",
		"[{\"id\":\"i\",\"gate\":\"always\",\"trigger_id\":\"always\",\"expires\":\"2025-06-30\",\"reason\":"
		"\"until "
		"the fix ships\",\"owner\":\"ops\"}]");
	customs_analysis *a = image();
	/* the last second of the day: still silenced */
	customs_policy_result *r = evaluate(b, a, 1751327999LL, NULL, NULL);
	assert_int_equal(r->final_action, CUSTOMS_POLICY_GO);
	assert_int_equal(r->allowlisted, 1);
	assert_string_equal(r->findings[0].allowlisted_by->reason, "until the fix ships");
	assert_string_equal(r->findings[0].allowlisted_by->owner, "ops");
	assert_int_equal(r->nnotes, 0);
	customs_policy_result_free(r);
	/* the next day: it stops applying, and the result says so */
	r = evaluate(b, a, 1751328000LL, NULL, NULL);
	assert_int_equal(r->final_action, CUSTOMS_POLICY_STOP);
	assert_int_equal(r->allowlisted, 0);
	assert_non_null(r->findings[0].expired_item);
	assert_int_equal(r->nnotes, 1);
	assert_string_equal(r->notes[0].state, "expired");
	assert_string_equal(r->notes[0].message,
			    "allowlist w item i (always always) expired on 2025-06-30: it no longer applies");
	customs_policy_result_free(r);
	customs_policy_bundle_free(b);

	/* Anchore's expires_on is a time: it stops applying at that second */
	b = bundle_of(
		"[{\"id\":\"r\",\"gate\":\"always\",\"trigger\":\"always\",\"action\":\"WARN\",\"params\":[]}]",
		"[{\"id\":\"i\",\"gate\":\"always\",\"trigger_id\":\"*\",\"expires_on\":\"2025-06-30T12:00:00Z\"}]");
	r = evaluate(b, a, 1751284799LL, NULL, NULL);
	assert_int_equal(r->final_action, CUSTOMS_POLICY_GO);
	customs_policy_result_free(r);
	r = evaluate(b, a, 1751284800LL, NULL, NULL);
	assert_int_equal(r->final_action, CUSTOMS_POLICY_WARN);
	customs_policy_result_free(r);
	customs_policy_bundle_free(b);
	customs_analysis_free(a);
}

static void test_scope(void **state)
{
	(void)state;
	customs_policy_bundle *b = bundle_of(
		"[{\"id\":\"r\",\"gate\":\"always\",\"trigger\":\"always\",\"action\":\"STOP\",\"params\":[]}]",
		"[{\"id\":\"i\",\"gate\":\"always\",\"trigger_id\":\"always\",\"scope\":{\"registry\":\"quay.io\","
		"\"repository\":\"team/*\"}}]");
	customs_analysis *a = image();
	customs_policy_result *r = evaluate(b, a, 1751284800LL, "quay.io/team/app:1", NULL);
	assert_int_equal(r->final_action, CUSTOMS_POLICY_GO);
	customs_policy_result_free(r);
	r = evaluate(b, a, 1751284800LL, "quay.io/other/app:1", NULL);
	assert_int_equal(r->final_action, CUSTOMS_POLICY_STOP);
	customs_policy_result_free(r);
	r = evaluate(b, a, 1751284800LL, "docker.io/team/app:1", NULL);
	assert_int_equal(r->final_action, CUSTOMS_POLICY_STOP);
	customs_policy_result_free(r);
	customs_policy_bundle_free(b);
	customs_analysis_free(a);
}

/* ---- mappings ---- */

static void test_mappings(void **state)
{
	(void)state;
	const char *text =
		"{\"version\":\"1_0\",\"id\":\"b\",\"policies\":["
		"{\"id\":\"stop\",\"rules\":[{\"gate\":\"always\",\"trigger\":\"always\",\"action\":\"STOP\","
		"\"params\":[]}]},"
		"{\"id\":\"warn\",\"rules\":[{\"gate\":\"always\",\"trigger\":\"always\",\"action\":\"WARN\","
		"\"params\":[]}]}],"
		"\"mappings\":["
		"{\"id\":\"prod\",\"registry\":\"registry.example.com\",\"repository\":\"prod/"
		"*\",\"image\":{\"type\":\"tag\","
		"\"value\":\"*\"},\"policy_id\":\"stop\"},"
		"{\"id\":\"any\",\"registry\":\"*\",\"repository\":\"*\",\"image\":{\"type\":\"tag\",\"value\":\"v*\"},"
		"\"policy_ids\":[\"warn\"]},"
		"{\"id\":\"bydigest\",\"registry\":\"*\",\"repository\":\"*\",\"image\":{\"type\":\"digest\",\"value\":"
		"\"sha256:aaaa\"},\"policy_ids\":[\"stop\",\"warn\"]}],"
		"\"blacklisted_images\":[{\"name\":\"banned\",\"registry\":\"*\",\"repository\":\"banned\",\"image\":{"
		"\"type\":"
		"\"tag\",\"value\":\"*\"}}],"
		"\"allowlisted_images\":[{\"name\":\"trusted\",\"registry\":\"*\",\"repository\":\"trusted\",\"image\":"
		"{\"type\":"
		"\"tag\",\"value\":\"*\"}}]}";
	customs_policy_bundle *b = load(text);
	customs_analysis *a = image();
	customs_policy_result *r;
	/* the first mapping that matches wins */
	r = evaluate(b, a, 1, "registry.example.com/prod/app:v1", NULL);
	assert_string_equal(r->mapping_id, "prod");
	assert_int_equal(r->final_action, CUSTOMS_POLICY_STOP);
	customs_policy_result_free(r);
	r = evaluate(b, a, 1, "registry.example.com/dev/app:v1", NULL);
	assert_string_equal(r->mapping_id, "any");
	assert_int_equal(r->final_action, CUSTOMS_POLICY_WARN);
	customs_policy_result_free(r);
	/* a tag no tag rule takes: the image's digest matches the third */
	r = evaluate(b, a, 1, "registry.example.com/dev/app:latest", NULL);
	assert_string_equal(r->mapping_id, "bydigest");
	assert_int_equal(r->n, 2);
	customs_policy_result_free(r);
	/* no mapping: no policy, GO, and a warning that says it */
	free(a->image.manifest_digest);
	a->image.manifest_digest = customs_strdup("sha256:bbbb");
	r = evaluate(b, a, 1, "registry.example.com/dev/app:latest", NULL);
	assert_null(r->mapping_id);
	assert_string_equal(r->reason, "no_mapping");
	assert_int_equal(r->final_action, CUSTOMS_POLICY_GO);
	assert_int_equal(r->nwarnings, 1);
	assert_string_equal(r->warnings[0], "no mapping of bundle b matches registry.example.com/dev/app:latest: no "
					    "policy was evaluated");
	customs_policy_result_free(r);
	/* image rules decide whatever the rules say */
	r = evaluate(b, a, 1, "docker.io/banned:v1", NULL);
	assert_int_equal(r->policy_action, CUSTOMS_POLICY_WARN);
	assert_int_equal(r->final_action, CUSTOMS_POLICY_STOP);
	assert_string_equal(r->reason, "denylisted_image");
	assert_string_equal(r->image_rule, "banned");
	customs_policy_result_free(r);
	r = evaluate(b, a, 1, "docker.io/trusted:v1", NULL);
	assert_int_equal(r->final_action, CUSTOMS_POLICY_GO);
	assert_string_equal(r->reason, "allowlisted_image");
	customs_policy_result_free(r);
	customs_policy_bundle_free(b);
	customs_analysis_free(a);
}

static void test_digest(void **state)
{
	(void)state;
	const char *json = "{\"version\": \"1_0\", \"id\": \"b\", \"policies\": [], \"mappings\": []}";
	const char *yaml = "id: b\nversion: \"1_0\"\npolicies: []\nmappings: []\n";
	customs_policy_bundle *a = load(json), *b = load(yaml),
			      *c = load("{\"version\":\"1_0\",\"id\":\"c\",\"policies\":[]}");
	assert_string_equal(customs_policy_bundle_digest(a), customs_policy_bundle_digest(b));
	assert_string_not_equal(customs_policy_bundle_digest(a), customs_policy_bundle_digest(c));
	assert_int_equal(strlen(customs_policy_bundle_digest(a)), 71);
	customs_policy_bundle_free(a);
	customs_policy_bundle_free(b);
	customs_policy_bundle_free(c);
}

/* ---- the dockerfile gate ---- */

static void test_dockerfile_actual(void **state)
{
	(void)state;
	customs_policy_bundle *b = bundle_of(
		"[{\"gate\":\"dockerfile\",\"trigger\":\"instruction\",\"action\":\"WARN\",\"params\":[{\"name\":"
		"\"instruction\","
		"\"value\":\"RUN\"},{\"name\":\"check\",\"value\":\"like\"},{\"name\":\"value\",\"value\":\".*curl.*\"}"
		"]},"
		"{\"gate\":\"dockerfile\",\"trigger\":\"instruction\",\"action\":\"WARN\",\"params\":[{\"name\":"
		"\"instruction\","
		"\"value\":\"HEALTHCHECK\"},{\"name\":\"check\",\"value\":\"not_exists\"}]},"
		"{\"gate\":\"dockerfile\",\"trigger\":\"effective_user\",\"action\":\"STOP\",\"params\":[{\"name\":"
		"\"users\","
		"\"value\":\"app\"},{\"name\":\"type\",\"value\":\"whitelist\"}]},"
		"{\"gate\":\"dockerfile\",\"trigger\":\"exposed_ports\",\"action\":\"STOP\",\"params\":[{\"name\":"
		"\"ports\","
		"\"value\":\"22\"},{\"name\":\"type\",\"value\":\"blacklist\"}]},"
		"{\"gate\":\"dockerfile\",\"trigger\":\"exposed_ports\",\"action\":\"WARN\",\"params\":[{\"name\":"
		"\"ports\","
		"\"value\":\"80,443\"},{\"name\":\"type\",\"value\":\"allowlist\"}]},"
		"{\"gate\":\"dockerfile\",\"trigger\":\"no_dockerfile_provided\",\"action\":\"WARN\",\"params\":[]}]",
		NULL);
	customs_analysis *a = image();
	const char *df = "# a comment\nFROM debian:12\nRUN apt-get update && \\\n    apt-get install -y curl\n"
			 "EXPOSE 443 22/tcp 8080\nUSER root\nUSER app\n";
	customs_policy_result *r = evaluate(b, a, 1, NULL, df);
	assert_string_equal(r->dockerfile_mode, "actual");
	messages_are(r,
		     "WARN Dockerfile directive 'RUN' check 'like' matched against '.*curl.*' for line 'apt-get update "
		     "&& apt-get install -y curl'\n"
		     "WARN Dockerfile directive 'HEALTHCHECK' not found, matching condition 'not_exists' check\n"
		     "STOP Dockerfile exposes port (22/tcp) which is in policy file DENIEDPORTS list\n"
		     "WARN Dockerfile exposes port (22/tcp) which is not in policy file ALLOWEDPORTS list\n"
		     "WARN Dockerfile exposes port (8080) which is not in policy file ALLOWEDPORTS list\n");
	customs_policy_result_free(r);
	customs_policy_bundle_free(b);
	customs_analysis_free(a);
}

static void test_dockerfile_guessed(void **state)
{
	(void)state;
	customs_policy_bundle *b = bundle_of(
		"[{\"gate\":\"dockerfile\",\"trigger\":\"instruction\",\"action\":\"WARN\",\"params\":[{\"name\":"
		"\"instruction\","
		"\"value\":\"RUN\"},{\"name\":\"check\",\"value\":\"exists\"}]},"
		"{\"gate\":\"dockerfile\",\"trigger\":\"instruction\",\"action\":\"WARN\",\"params\":[{\"name\":"
		"\"instruction\","
		"\"value\":\"CMD\"},{\"name\":\"check\",\"value\":\"=\"},{\"name\":\"value\",\"value\":\"["
		"\\\"nginx\\\"]\"}]},"
		"{\"gate\":\"dockerfile\",\"trigger\":\"effective_user\",\"action\":\"STOP\",\"params\":[{\"name\":"
		"\"users\","
		"\"value\":\"root\"},{\"name\":\"type\",\"value\":\"blacklist\"}]},"
		"{\"gate\":\"dockerfile\",\"trigger\":\"exposed_ports\",\"action\":\"STOP\",\"params\":[{\"name\":"
		"\"ports\","
		"\"value\":\"22\"},{\"name\":\"type\",\"value\":\"blacklist\"},{\"name\":\"actual_dockerfile_only\","
		"\"value\":"
		"\"true\"}]},"
		"{\"gate\":\"dockerfile\",\"trigger\":\"no_dockerfile_provided\",\"action\":\"WARN\",\"params\":[]}]",
		NULL);
	customs_analysis *a = image();
	/* docker's two history forms, and BuildKit's */
	a->layers[0].created_by = customs_strdup("/bin/sh -c #(nop) ADD file:123 in / ");
	a->layers[1].created_by = customs_strdup("RUN /bin/sh -c apt-get install -y nginx # buildkit");
	customs_strlist_add(&a->image.config.cmd, "nginx");
	customs_strlist_add(&a->image.config.exposed_ports, "22/tcp");
	customs_policy_result *r = evaluate(b, a, 1, NULL, NULL);
	assert_string_equal(r->dockerfile_mode, "guessed");
	/* no USER: root; the port rule wants an actual Dockerfile */
	messages_are(r,
		     "WARN Dockerfile directive 'RUN' check 'exists' matched against '' for line 'apt-get install -y "
		     "nginx'\n"
		     "WARN Dockerfile directive 'CMD' check '=' matched against '[\"nginx\"]' for line '[\"nginx\"]'\n"
		     "STOP User root found as effective user, which is explicity not allowed\n"
		     "WARN Image was not analyzed with an actual Dockerfile\n");
	customs_policy_result_free(r);
	/* a USER in the config is the effective user */
	a->image.config.user = customs_strdup("1000");
	r = evaluate(b, a, 1, NULL, NULL);
	assert_int_equal(r->n, 3);
	customs_policy_result_free(r);
	customs_policy_bundle_free(b);
	customs_analysis_free(a);
}

/* ---- the config gate ---- */

static void test_sshd(void **state)
{
	(void)state;
	customs_policy_bundle *b = bundle_of(
		"[{\"gate\":\"config\",\"trigger\":\"sshd_config\",\"action\":\"STOP\",\"params\":[]}]", NULL);
	customs_analysis *a = image();
	/* Debian's layout: the Include first, so its files' values win */
	config_file(a, "etc/ssh/sshd_config", 1,
		    "Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\nPasswordAuthentication no\n"
		    "Match User backup\n  PermitEmptyPasswords yes\n");
	config_file(a, "etc/ssh/sshd_config.d/10-root.conf", 1, "# allow root\nPermitRootLogin=yes\n");
	config_file(a, "etc/ssh/sshd_config.d/20-other.conf", 1, "PermitRootLogin without-password\n");
	customs_policy_result *r = evaluate(b, a, 1, NULL, NULL);
	messages_are(r, "STOP sshd_config: PermitRootLogin yes (/etc/ssh/sshd_config.d/10-root.conf line 2): root may "
			"log in over SSH\n");
	customs_policy_result_free(r);
	customs_analysis_free(a);
	/* nothing set: OpenSSH's defaults, and password authentication is on */
	a = image();
	config_file(a, "etc/ssh/sshd_config", 0, "# empty\n");
	r = evaluate(b, a, 1, NULL, NULL);
	messages_are(r, "STOP sshd_config: PasswordAuthentication yes (not set: OpenSSH's default): passwords can be "
			"guessed over SSH\n");
	customs_policy_result_free(r);
	customs_analysis_free(a);
	/* no sshd_config: nothing to say */
	a = image();
	r = evaluate(b, a, 1, NULL, NULL);
	assert_int_equal(r->n, 0);
	customs_policy_result_free(r);
	customs_analysis_free(a);
	customs_policy_bundle_free(b);
}

static void test_sudoers(void **state)
{
	(void)state;
	customs_policy_bundle *b = bundle_of("[{\"gate\":\"config\",\"trigger\":\"sudoers\",\"action\":\"STOP\","
					     "\"params\":[{\"name\":\"users\",\"value\":"
					     "\"deploy\"}]}]",
					     NULL);
	customs_analysis *a = image();
	config_file(a, "etc/sudoers", 0,
		    "Defaults env_reset\nroot ALL=(ALL:ALL) ALL\n%sudo ALL=(ALL) \\\n   NOPASSWD: ALL\n"
		    "deploy ALL=(ALL) NOPASSWD: ALL\nops ALL=(ALL) NOPASSWD: /usr/bin/systemctl restart app\n");
	config_file(a, "etc/sudoers.d/app", 1, "Defaults:app !authenticate\n");
	config_file(a, "etc/sudoers.d/README.txt", 1,
		    "ci ALL=(ALL) NOPASSWD: ALL\n"); /* #includedir skips names with '.' */
	customs_policy_result *r = evaluate(b, a, 1, NULL, NULL);
	messages_are(r,
		     "STOP sudoers: /etc/sudoers line 3 lets %sudo run every command (ALL) without a password "
		     "(NOPASSWD)\n"
		     "STOP sudoers: /etc/sudoers.d/app line 1 sets !authenticate: sudo asks nobody for a password\n");
	customs_policy_result_free(r);
	customs_analysis_free(a);
	customs_policy_bundle_free(b);
}

/* ---- failures ---- */

static void test_rule_that_cannot_run(void **state)
{
	(void)state;
	customs_policy_bundle *b = bundle_of("[{\"id\":\"v\",\"gate\":\"vulnerabilities\",\"trigger\":\"package\","
					     "\"action\":\"STOP\",\"params\":[{\"name\":"
					     "\"package_type\",\"value\":\"all\"}]}]",
					     NULL);
	customs_analysis *a = image();
	customs_policy_result *r = evaluate(b, a, 1, NULL, NULL); /* no matches: no database */
	assert_int_equal(r->final_action, CUSTOMS_POLICY_WARN);
	messages_are(r, "WARN vulnerabilities/package could not be evaluated: no vulnerability matches to evaluate (no "
			"vulnerability database)\n");
	assert_string_equal(r->findings[0].trigger_id, "evaluation_error");
	customs_policy_result_free(r);
	customs_analysis_free(a);
	customs_policy_bundle_free(b);
}

static void refused(const char *text, int code, const char *first)
{
	customs_policy_bundle *b = NULL;
	customs_policy_problems *p = NULL;
	assert_int_equal(customs_policy_bundle_load_mem(&b, &p, "t", text, strlen(text), NULL), code);
	assert_null(b);
	assert_non_null(p);
	assert_true(p->n >= 1);
	char *got = customs_asprintf("%s%s%s", p->v[0].path, *p->v[0].path ? ": " : "", p->v[0].message);
	if (strcmp(got, first))
		fail_msg("first problem \"%s\", not \"%s\"", got, first);
	free(got);
	customs_policy_problems_free(p);
}

static void test_hostile(void **state)
{
	(void)state;
	/* over the size limit */
	char *big = malloc(17u << 20);
	memset(big, ' ', 17u << 20);
	big[0] = '{';
	big[(17u << 20) - 1] = '}';
	customs_policy_bundle *b = NULL;
	customs_policy_problems *p = NULL;
	assert_int_equal(customs_policy_bundle_load_mem(&b, &p, "t", big, 17u << 20, NULL), CUSTOMS_ELIMIT);
	assert_string_equal(p->v[0].message, "17825792 bytes, over the limit of 16777216 for a policy bundle");
	customs_policy_problems_free(p);
	free(big);
	/* a YAML alias bomb */
	refused("a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
		"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
		"e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n",
		CUSTOMS_ELIMIT, "the YAML expands to more than 1000000 nodes (aliases)");
	/* not JSON, not YAML, not an object */
	refused("{\"version\": ", CUSTOMS_EFORMAT, "line 1 column 12: unexpected token near end of file");
	refused("- 1\n- 2\n", CUSTOMS_EFORMAT, "the document is an array; a policy bundle is an object");
	refused("{\"version\":\"2\",\"policies\":[]}", CUSTOMS_EFORMAT,
		"version: \"2\" is not a supported bundle version; customs reads \"1_0\"");
	/* a regex that backtracks without end */
	refused("{\"version\":\"1_0\",\"policies\":[{\"id\":\"p\",\"rules\":[{\"gate\":\"files\",\"trigger\":\"name_"
		"match\","
		"\"action\":\"STOP\",\"params\":[{\"name\":\"regex\",\"value\":\"(x+x+)+y\"}]}]}]}",
		CUSTOMS_EFORMAT,
		"policies[0].rules[0].params.regex: regex /(x+x+)+y/ backtracks without end: over 1000000 steps on a "
		"short subject");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_glob),
		cmocka_unit_test(test_parse_tag),
		cmocka_unit_test(test_parse_time),
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_scope),
		cmocka_unit_test(test_mappings),
		cmocka_unit_test(test_digest),
		cmocka_unit_test(test_dockerfile_actual),
		cmocka_unit_test(test_dockerfile_guessed),
		cmocka_unit_test(test_sshd),
		cmocka_unit_test(test_sudoers),
		cmocka_unit_test(test_rule_that_cannot_run),
		cmocka_unit_test(test_hostile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
