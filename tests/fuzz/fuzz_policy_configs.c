/* fuzz_policy_configs.c - libFuzzer target for what the policy gates parse
 * out of an image: the input, split at lines "--", is /etc/passwd,
 * /etc/ssh/sshd_config, a file it Includes, /etc/sudoers, a sudoers.d file,
 * .npmrc, .pypirc, .docker/config.json and a Dockerfile; a fixed bundle
 * with a rule for each reads them. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "customs/customs.h"
#include "model/model.h"

static const char bundle[] =
	"{\"version\":\"1_0\",\"policies\":[{\"id\":\"p\",\"rules\":["
	"{\"gate\":\"config\",\"trigger\":\"sshd_config\",\"action\":\"STOP\",\"params\":[]},"
	"{\"gate\":\"config\",\"trigger\":\"sudoers\",\"action\":\"STOP\",\"params\":[{\"name\":\"any_command\","
	"\"value\":\"true\"}]},"
	"{\"gate\":\"config\",\"trigger\":\"credentials\",\"action\":\"STOP\",\"params\":[]},"
	"{\"gate\":\"passwd_file\",\"trigger\":\"blacklist_userids\",\"action\":\"WARN\",\"params\":[{\"name\":\"user_"
	"ids\",\"value\":\"0\"}]},"
	"{\"gate\":\"passwd_file\",\"trigger\":\"blacklist_full_entry\",\"action\":\"WARN\",\"params\":[{\"name\":"
	"\"entry\",\"value\":\"x\"}]},"
	"{\"gate\":\"retrieved_files\",\"trigger\":\"content_regex\",\"action\":\"WARN\",\"params\":[{\"name\":"
	"\"path\",\"value\":\"/etc/"
	"passwd\"},{\"name\":\"regex\",\"value\":\"root.*\"},{\"name\":\"check\",\"value\":\"match\"}]},"
	"{\"gate\":\"dockerfile\",\"trigger\":\"instruction\",\"action\":\"WARN\",\"params\":[{\"name\":"
	"\"instruction\",\"value\":\"ENV\"},{\"name\":\"check\",\"value\":\"like\"},{\"name\":\"value\",\"value\":\".*"
	"\"}]},"
	"{\"gate\":\"dockerfile\",\"trigger\":\"effective_user\",\"action\":\"WARN\",\"params\":[{\"name\":\"users\","
	"\"value\":\"root\"},{\"name\":\"type\",\"value\":\"blacklist\"}]},"
	"{\"gate\":\"dockerfile\",\"trigger\":\"exposed_ports\",\"action\":\"WARN\",\"params\":[{\"name\":\"ports\","
	"\"value\":\"22,80\"},{\"name\":\"type\",\"value\":\"whitelist\"}]}"
	"]}],\"mappings\":[{\"registry\":\"*\",\"repository\":\"*\",\"image\":{\"type\":\"tag\",\"value\":\"*\"},"
	"\"policy_id\":\"p\",\"whitelist_ids\":[]}]}";

static const char *const paths[] = {"etc/passwd",   "etc/ssh/sshd_config",     "etc/ssh/sshd_config.d/a.conf",
				    "etc/sudoers",  "etc/sudoers.d/app",       "root/.npmrc",
				    "root/.pypirc", "root/.docker/config.json"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static customs_policy_bundle *b;
	customs_policy_result *r = NULL;
	char *text = malloc(size + 1), *part[9] = {0};
	size_t n = 0;

	if (!b && customs_policy_bundle_load_mem(&b, NULL, "fixed", bundle, sizeof(bundle) - 1, NULL) < 0)
		abort();
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (char *p = text; p && n < 9;) {
		part[n++] = p;
		char *sep = strstr(p, "\n--\n");
		if (sep) {
			*sep = '\0';
			p = sep + 4;
		} else {
			p = NULL;
		}
	}
	customs_analysis *a = customs__analysis_new("oci:/fuzz");
	for (size_t i = 0; i < 8 && i < n; i++) {
		customs_config_file f = {
			.path = (char *)paths[i], .layer = 0, .visible = 1, .data = part[i], .len = strlen(part[i])};
		customs__analysis_add_config_file(a, &f);
	}
	a->collected = CUSTOMS_COLLECTED_CONFIG;
	customs_policy_eval_opts eo = {
		.version = CUSTOMS_POLICY_EVAL_OPTS_VERSION, .now = 1700000000, .dockerfile = n > 8 ? part[8] : NULL};
	if (customs_policy_evaluate(&r, b, a, &eo) == 0)
		customs_policy_result_free(r);
	customs_analysis_free(a);
	free(text);
	return 0;
}
