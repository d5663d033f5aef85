/* review.c - a Kubernetes AdmissionReview read (review.h): the shape of
 * admission.k8s.io/v1 (request.uid, request.object), the pod spec of a Pod
 * or of a workload's pod template (Deployment, ReplicaSet, StatefulSet,
 * DaemonSet, Job, ReplicationController: spec.template.spec; CronJob:
 * spec.jobTemplate.spec.template.spec), and the images of its containers,
 * initContainers and ephemeralContainers. */
#include <stdio.h>
#include <string.h>

#include "review.h"

static const char *const workloads[] = {"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job",
					"ReplicationController", "CronJob"};

/* 1 when objects of kind run pods */
static int runs_pods(const char *kind)
{
	int workload = !strcmp(kind, "Pod");
	for (size_t i = 0; i < sizeof(workloads) / sizeof(workloads[0]); i++)
		workload |= !strcmp(kind, workloads[i]);
	return workload;
}

/* the pod spec of obj (which runs pods), or NULL */
static json_t *pod_spec(json_t *obj, const char *kind)
{
	json_t *spec = json_object_get(obj, "spec");
	if (!strcmp(kind, "Pod"))
		return spec;
	if (!strcmp(kind, "CronJob"))
		spec = json_object_get(json_object_get(spec, "jobTemplate"), "spec");
	return json_object_get(json_object_get(spec, "template"), "spec");
}

static int fail(char *why, size_t n, const char *what)
{
	snprintf(why, n, "invalid AdmissionReview: %s", what);
	return -1;
}

static int images_of(review *r, json_t *spec, char *why, size_t n)
{
	static const char *const lists[] = {"containers", "initContainers", "ephemeralContainers"};
	char what[160];
	for (size_t l = 0; l < 3; l++) {
		json_t *arr = json_object_get(spec, lists[l]), *ct;
		size_t i;
		if (!arr || json_is_null(arr))
			continue;
		if (!json_is_array(arr)) {
			snprintf(what, sizeof(what), "%s is not a list", lists[l]);
			return fail(why, n, what);
		}
		json_array_foreach(arr, i, ct)
		{
			const char *img = json_string_value(json_object_get(ct, "image"));
			if (!img || !*img) {
				snprintf(what, sizeof(what), "%s[%zu] has no image", lists[l], i);
				return fail(why, n, what);
			}
			if (r->nimages == REVIEW_MAX_IMAGES) {
				snprintf(what, sizeof(what), "more than %d containers", REVIEW_MAX_IMAGES);
				return fail(why, n, what);
			}
			r->images[r->nimages++] = img;
		}
	}
	return r->nimages ? 0 : fail(why, n, "the pod spec has no containers");
}

int review_parse(review *r, const char *body, size_t len, char *why, size_t n)
{
	json_error_t e;
	json_t *req, *obj, *spec;
	memset(r, 0, sizeof(*r));
	if (!(r->doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &e))) {
		snprintf(why, n, "malformed JSON at line %d, column %d: %s", e.line, e.column, e.text);
		return -1;
	}
	const char *kind = json_string_value(json_object_get(r->doc, "kind"));
	if (!json_is_object(r->doc) || !kind || strcmp(kind, "AdmissionReview") ||
	    !json_is_object(req = json_object_get(r->doc, "request"))) {
		snprintf(why, n, "not an AdmissionReview with a request (admission.k8s.io/v1)");
		goto bad;
	}
	if (!(r->uid = json_string_value(json_object_get(req, "uid"))) || !*r->uid) {
		fail(why, n, "request.uid is missing");
		goto bad;
	}
	if (!json_is_object(obj = json_object_get(req, "object"))) {
		fail(why, n, "request.object is missing");
		goto bad;
	}
	if (!(r->kind = json_string_value(json_object_get(obj, "kind"))) ||
	    !json_is_object(json_object_get(obj, "spec"))) {
		fail(why, n, "request.object has no kind or spec");
		goto bad;
	}
	if (!runs_pods(r->kind))
		return 0; /* not a pod nor a workload */
	if (!json_is_object(spec = pod_spec(obj, r->kind))) {
		fail(why, n, "the workload has no pod template spec");
		goto bad;
	}
	r->has_pods = 1;
	if (images_of(r, spec, why, n) == 0)
		return 0;
bad:
	review_release(r);
	return -1;
}

void review_release(review *r)
{
	json_decref(r->doc);
	memset(r, 0, sizeof(*r));
}
