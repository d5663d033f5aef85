/* review.h - reading a Kubernetes AdmissionReview (admission.k8s.io/v1):
 * the request's uid, the object's kind, and every container image of its
 * pod spec.  Pure: no server, no store (tests/fuzz/fuzz_review.c). */
#ifndef CUSTOMS_SERVER_REVIEW_H
#define CUSTOMS_SERVER_REVIEW_H

#include <jansson.h>
#include <stddef.h>

#define REVIEW_MAX_IMAGES 64

typedef struct review {
	json_t *doc;                 /* the document; what follows points into it */
	const char *uid;
	const char *kind;            /* the object's: "Pod", "Deployment", ... */
	int has_pods;                /* a Pod, or a workload with a pod template */
	const char *images[REVIEW_MAX_IMAGES];
	size_t nimages;
} review;

/* Read body: 0 and *r (release with review_release), or -1 with why (one
 * line: "invalid AdmissionReview: ...").  An object without a pod spec
 * (a Service) is read with has_pods 0 and no images. */
int review_parse(review *r, const char *body, size_t len, char *why, size_t n);
void review_release(review *r);

#endif
