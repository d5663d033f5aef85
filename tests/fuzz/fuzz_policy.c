/* fuzz_policy.c - libFuzzer target for policy bundles: the input is read
 * as a bundle (JSON or YAML, customs_policy_bundle_load_mem); a bundle
 * that loads is evaluated against an analysis made here, one that has
 * something for every gate, and the result is written in every format.
 * Nothing may crash, leak or hang; a bundle that does not load must say
 * why. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "customs/customs.h"
#include "model/model.h"

static customs_analysis *image(void)
{
	customs_analysis *a = customs__analysis_new("oci:/fuzz");
	a->image.manifest_digest = strdup("sha256:aaaa");
	a->image.config_digest = strdup("sha256:bbbb");
	a->image.architecture = strdup("amd64");
	a->image.os = strdup("linux");
	customs_strlist_add(&a->image.config.env, "AWS_ACCESS_KEY_ID=AKIAFUZZFUZZFUZZFUZZ");
	customs_strlist_add(&a->image.config.exposed_ports, "22/tcp");
	a->image.config.labels = json_pack("{s:s}", "org.opencontainers.image.title", "fuzz");
	a->nlayers = 2;
	a->layers = calloc(2, sizeof(*a->layers));
	a->layers[0].created_by = strdup("/bin/sh -c #(nop) ADD file:x in / ");
	a->layers[1].created_by = strdup("RUN /bin/sh -c apt-get install -y curl # buildkit");
	a->distro.id = strdup("debian");
	a->distro.version_id = strdup("12");
	static customs_file files[2] = {
		{.path = "usr/bin/passwd", .mode = 04755, .layer = 0, .type = CUSTOMS_FILE_REG, .visible = 1},
		{.path = "app/uploads", .mode = 0777, .layer = 1, .type = CUSTOMS_FILE_DIR, .visible = 1},
	};
	a->files = malloc(sizeof(files));
	memcpy(a->files, files, sizeof(files));
	a->nfiles = 2;
	customs_package *p = customs_package_new();
	p->name = strdup("bash"), p->version = strdup("5.2"), p->type = strdup("deb"), p->layer = 0;
	customs_strlist_add(&p->licenses, "GPL-3.0-or-later");
	customs_analysis_add_package(a, p);
	p = customs_package_new();
	p->name = strdup("lodash"), p->version = strdup("4.17.15"), p->type = strdup("npm"), p->layer = 1;
	customs_analysis_add_package(a, p);
	const char *cf[][2] = {
		{"etc/passwd", "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/:/usr/sbin/nologin\n"},
		{"etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin yes\n"},
		{"etc/sudoers", "app ALL=(ALL) NOPASSWD: ALL\n"},
		{"root/.npmrc", "//r/:_authToken=x\n"},
	};
	for (size_t i = 0; i < sizeof(cf) / sizeof(cf[0]); i++) {
		customs_config_file f = {.path = (char *)cf[i][0],
					 .layer = 1,
					 .visible = 1,
					 .data = (char *)cf[i][1],
					 .len = strlen(cf[i][1])};
		customs__analysis_add_config_file(a, &f);
	}
	customs_secret s = {.rule = "PRIV_KEY",
			    .path = "app/key.pem",
			    .layer = 1,
			    .visible = 1,
			    .line = 1,
			    .match = "-----BEGIN PRIVATE KEY-----"};
	customs__analysis_add_secret(a, &s);
	a->collected = CUSTOMS_COLLECTED_SECRETS | CUSTOMS_COLLECTED_CONFIG | CUSTOMS_COLLECTED_VERIFY;
	return a;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static customs_analysis *a;
	customs_policy_bundle *b = NULL;
	customs_policy_problems *pr = NULL;
	customs_policy_result *r = NULL;

	if (!a)
		a = image();
	int err = customs_policy_bundle_load_mem(&b, &pr, "fuzz", (const char *)data, size, NULL);
	if (err < 0) {
		if (err != CUSTOMS_ENOMEM && (!pr || !pr->n))
			abort(); /* refused without saying why */
		customs_policy_problems_free(pr);
		return 0;
	}
	customs_options o = CUSTOMS_OPTIONS_INIT;
	customs_policy_bundle_options(b, &o);
	customs_policy_eval_opts eo = {.version = CUSTOMS_POLICY_EVAL_OPTS_VERSION,
				       .now = 1700000000,
				       .dockerfile = size && data[0] & 1 ? "FROM x\nUSER app\nEXPOSE 22\n" : NULL,
				       .base_layers = size && data[0] & 2 ? 1 : 0};
	if (customs_policy_evaluate(&r, b, a, &eo) == 0) {
		static const char *const fmts[] = {"table", "json", "sarif"};
		for (size_t i = 0; i < 3; i++) {
			customs_report rep = {.version = CUSTOMS_REPORT_VERSION,
					      .kind = CUSTOMS_REPORT_POLICY,
					      .analysis = a,
					      .policy = r};
			FILE *f = fopen("/dev/null", "w");
			if (f) {
				customs_report_write(f, &rep, fmts[i]);
				fclose(f);
			}
		}
		customs_report vex = {.version = CUSTOMS_REPORT_VERSION, .kind = CUSTOMS_REPORT_VEX, .bundle = b};
		FILE *f = fopen("/dev/null", "w");
		if (f) {
			customs_report_write(f, &vex, "openvex");
			fclose(f);
		}
		customs_policy_result_free(r);
	}
	customs_policy_bundle_free(b);
	return 0;
}
