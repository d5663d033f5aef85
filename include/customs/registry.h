/* registry.h - talking to OCI distribution registries directly.
 *
 * Images are pulled by customs_analyze() for "registry:HOST[:PORT]/REPO:TAG",
 * "...@sha256:DIGEST" and bare references ("debian:12"); the registry
 * fields of customs_options (credentials, insecure hosts, CA file) apply.
 */
#ifndef CUSTOMS_REGISTRY_API_H
#define CUSTOMS_REGISTRY_API_H

#include "customs/common.h"

#include "customs/analysis.h"

#ifdef __cplusplus
extern "C" {
#endif

/* List the tags of repo ("registry:HOST/REPO", "HOST/REPO", "debian"),
 * following Link pagination; page_size > 0 asks for pages of that many
 * (n=).  *out is sorted and belongs to the caller (customs_strlist_release).
 * A tag or digest in repo is ignored. */
CUSTOMS_EXTERN int customs_registry_tags(customs_strlist *out, const char *repo, int page_size, const customs_options *opts);

#ifdef __cplusplus
}
#endif
#endif
