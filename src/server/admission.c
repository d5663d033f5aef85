/* admission.c - POST /v1/admission: a Kubernetes validating admission
 * webhook.  The AdmissionReview (admission.k8s.io/v1) names a Pod, or a
 * workload with a pod template (Deployment, ReplicaSet, StatefulSet,
 * DaemonSet, Job: spec.template; CronJob: spec.jobTemplate.spec.template);
 * each container's image (containers, initContainers, ephemeralContainers)
 * is found in the store by tag or digest, else analysed through the job
 * queue within the timeout, and evaluated with the active policy bundle
 * (its mappings matched against the image reference).  A STOP denies the
 * object, with the reasons in status.message; an image that cannot be
 * analysed or evaluated in time is allowed or denied as --admission-mode
 * says. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "customs/policy.h"
#include "review.h"
#include "server_int.h"

typedef struct verdict {
	char why[4096];          /* status.message: the images that deny, and why */
	char warn[8][512];       /* response.warnings */
	size_t nwarn;
	int denied;
} verdict;

/* "IMAGE: what", after the others */
static void add(char *buf, size_t n, const char *image, const char *what)
{
	size_t l = strlen(buf);
	if (l + 3 < n)
		snprintf(buf + l, n - l, "%s%s: %s", l ? "; " : "", image, what);
}

static void warn(verdict *v, const char *image, const char *what)
{
	if (v->nwarn < sizeof(v->warn) / sizeof(v->warn[0]))
		snprintf(v->warn[v->nwarn++], sizeof(v->warn[0]), "%s: %s", image, what);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* the stored digest of image: found by tag or digest, else analysed
 * through the queue until the deadline.  0 and *digest, or -1 with why */
static int stored_digest(call *c, const char *image, double deadline, char **digest, char *why, size_t n)
{
	const char *at = strstr(image, "@sha256:");
	customs_store_table *t = NULL;
	int64_t id;
	if (customs_store_resolve(c->store, at ? at + 1 : image, digest) == 0)
		return 0;
	if (customs_store_job_add(c->store, image, NULL, &id, NULL) < 0) {
		snprintf(why, n, "cannot be queued: %s", customs_error_last());
		return -1;
	}
	while (now_s() < deadline) {
		struct timespec ts = {0, 100 * 1000000L};
		if (customs_store_job_get(c->store, id, &t) < 0)
			break;
		/* id, ref, tag, state, digest, error, ... */
		const char *state = t->cells[3];
		if (!strcmp(state, "done") && t->cells[4]) {
			*digest = strdup(t->cells[4]);
			customs_store_table_free(t);
			return *digest ? 0 : -1;
		}
		if (!strcmp(state, "failed")) {
			snprintf(why, n, "cannot be analysed: %s", t->cells[5] ? t->cells[5] : "the job failed");
			customs_store_table_free(t);
			return -1;
		}
		customs_store_table_free(t);
		t = NULL;
		nanosleep(&ts, NULL);
	}
	snprintf(why, n, "not analysed within %d s (job %lld goes on)", c->cfg->admission_timeout, (long long)id);
	return -1;
}

/* one image's verdict into v */
static void judge(call *c, const customs_policy_bundle *b, const char *image, double deadline, verdict *v)
{
	customs_analysis *a = NULL;
	char *d = NULL, why[1024] = "";
	evaluation e = {0};
	int fail_closed = c->cfg->admission_fail_closed;

	if (stored_digest(c, image, deadline, &d, why, sizeof(why)) < 0 ||
	    customs_store_load(c->store, &a, d, 0) < 0 || evaluation_run(c, &e, a, b, image) < 0) {
		if (!why[0])
			snprintf(why, sizeof(why), "cannot be evaluated: %s", customs_error_last());
		if (fail_closed) {
			strncat(why, " (fail-closed)", sizeof(why) - strlen(why) - 1);
			add(v->why, sizeof(v->why), image, why);
			v->denied = 1;
		} else {
			warn(v, image, why);
		}
		goto done;
	}
	if (e.pr->final_action == CUSTOMS_POLICY_STOP) {
		char reasons[1024] = "";
		size_t shown = 0, l = 0;
		snprintf(reasons, sizeof(reasons), "STOP by policy bundle %s: ",
			 e.pr->bundle_name ? e.pr->bundle_name : e.pr->bundle_id);
		for (size_t i = 0; i < e.pr->n && shown < 5; i++) {
			const customs_policy_finding *f = &e.pr->findings[i];
			if (f->action != CUSTOMS_POLICY_STOP || f->allowlisted_by)
				continue;
			l = strlen(reasons);
			snprintf(reasons + l, sizeof(reasons) - l, "%s%s %s %s", shown ? ", " : "", f->gate, f->trigger,
				 f->trigger_id ? f->trigger_id : "");
			shown++;
		}
		if (!shown)
			strncat(reasons, e.pr->reason, sizeof(reasons) - strlen(reasons) - 1);
		add(v->why, sizeof(v->why), image, reasons);
		v->denied = 1;
	} else if (e.pr->final_action == CUSTOMS_POLICY_WARN) {
		warn(v, image, "WARN by the policy bundle");
	}
done:
	evaluation_release(&e);
	customs_analysis_free(a);
	free(d);
}

void route_admission(call *c)
{
	customs_policy_bundle *b = NULL;
	char why[512];
	verdict v = {0};
	review rv;

	if (review_parse(&rv, c->body, c->len, why, sizeof(why)) < 0) {
		call_error(c, 400, "bad_request", "%s", why);
		return;
	}
	if (rv.has_pods && !(b = named_bundle(c, NULL))) {
		if (c->status != 404)
			goto done;
		/* no active bundle: nothing to enforce */
		c->status = 0;
		warn(&v, rv.kind, "no active policy bundle: nothing was evaluated");
	}
	double deadline = now_s() + c->cfg->admission_timeout;
	for (size_t i = 0; b && i < rv.nimages; i++)
		judge(c, b, rv.images[i], deadline, &v);
	const char *warnings[8];
	for (size_t i = 0; i < v.nwarn; i++)
		warnings[i] = v.warn[i];
	customs_report_admission x = {.uid = rv.uid, .allowed = !v.denied, .code = v.denied ? 403 : 0,
				      .message = v.denied ? v.why : NULL, .warnings = warnings, .nwarnings = v.nwarn};
	customs_report r = {.version = CUSTOMS_REPORT_VERSION, .kind = CUSTOMS_REPORT_ADMISSION, .admission = &x};
	free(c->buf);
	c->buf = NULL;
	call_report(c, 200, &r, "json", "application/json");
done:
	customs_policy_bundle_free(b);
	review_release(&rv);
}
