/* purl.h - Package URLs: parse a purl into its decoded components and build
 * the canonical purl string from components.
 *
 * Implements the Package-URL specification (ECMA-427 / package-url/purl-spec,
 * clause 5 "Package-URL specification" and the "how to parse" / "how to
 * build" procedures) plus the per-type normalisations its test suite checks
 * (tests/types/<type>-test.json):
 *   - lowercase namespace and name: alpm apk bitbucket bitnami brew composer
 *     deb github hex luarocks npm pub; lowercase name: oci otp pypi
 *     chrome-extension, and mlflow on Databricks; lowercase namespace: rpm;
 *     lowercase version: huggingface.  pypi names also fold runs of "-",
 *     "_", "." into one "-".  golang keeps its case (module paths are
 *     case-sensitive), as every unlisted type does.
 *   - a namespace is required for swift and vscode-extension, forbidden for
 *     chrome-extension julia mlflow otp pypi vcpkg; julia needs a "uuid"
 *     qualifier; a cpan name may not be a Module::Name; a chrome-extension
 *     name is 32 letters a-p and its version 1-4 dot-separated numbers.
 *   - git: the namespace is the host (first segment), the name the rest of
 *     the path ("pkg:git/codeberg.org/forgejo/forgejo" has name
 *     "forgejo/forgejo").
 *
 * Every purl handed to customs_purl_parse() is untrusted input: it is limited
 * to CUSTOMS_PURL_MAX bytes (CUSTOMS_ELIMIT beyond), and anything malformed
 * gives CUSTOMS_EFORMAT with customs_error_last() quoting the offending purl
 * and saying what is wrong ("invalid percent-escape \"%zz\" in version").
 * Components are UTF-8 (invalid UTF-8, decoded or raw, is rejected) and never
 * contain a NUL byte.
 *
 * A customs_purl returned through `out` belongs to the caller and is freed
 * with customs_purl_free(); strings returned through `out` or by
 * customs_purl_make() are freed with free(); customs_purl_qualifier()
 * returns a borrowed pointer.
 */
#ifndef CUSTOMS_PURL_H
#define CUSTOMS_PURL_H

#include "customs/common.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Longest purl string parsed or built, in bytes. */
#define CUSTOMS_PURL_MAX (64 * 1024)

/* Decoded components.  From customs_purl_parse() they are canonical: type
 * lowercase, per-type normalisation applied, namespace and subpath as
 * "/"-joined segments without empty, "." or ".." segments, qualifier keys
 * lowercase, unique and sorted (strcmp), no empty values.  Absent optional
 * components are NULL.  As input to customs_purl_build() they may be in any
 * form (unsorted, mixed case, NULL or empty values): build normalises. */
typedef struct customs_purl {
	char *type;
	char *namespace_;      /* NULL when absent; segments joined with '/' */
	char *name;
	char *version;
	char *subpath;         /* NULL when absent; segments joined with '/' */
	size_t nqualifiers;
	char **qkeys;          /* nqualifiers keys ... */
	char **qvals;          /* ... and their decoded values */
} customs_purl;

/* Parse flags for customs_purl_parse_ext(). */
enum {
	/* The spec's "advanced" (permissive) reading, for purls written by
	 * other tools (SBOM readers): qualifier keys in any case are
	 * lowercased instead of rejected, and unencoded spaces and UTF-8 in
	 * the string are accepted.  The result is canonical all the same. */
	CUSTOMS_PURL_LENIENT = 1u << 0,
};

/* Parse `s` strictly (the spec's base conformance: e.g. "?Arch=x86" is an
 * error because qualifier keys must be lowercase). */
CUSTOMS_EXTERN int customs_purl_parse(customs_purl **out, const char *s);
CUSTOMS_EXTERN int customs_purl_parse_ext(customs_purl **out, const char *s, unsigned flags);

/* Build the canonical purl string of `p` into *out (malloc'd): type
 * lowercase, per-type normalisation, qualifiers sorted by key with empty
 * values dropped, every byte outside A-Z a-z 0-9 . - _ ~ : percent-encoded
 * ("+" is %2B, " " is %20, the "@" of an npm scope is %40).  Fails with
 * CUSTOMS_EFORMAT when a required component is missing or invalid (no type
 * or name, bad qualifier key, a rule of the type broken). */
CUSTOMS_EXTERN int customs_purl_build(char **out, const customs_purl *p);

/* Convenience for catalogers: the canonical purl of these components, or
 * NULL on error (customs_error_last() says why).  `ns`, `version` and
 * `subpath` may be NULL; `qualifiers` is NULL or a list of key, value
 * pairs ended by a NULL key, where a NULL or empty value drops the pair:
 *
 *     const char *q[] = {"arch", "amd64", "distro", "debian-12", NULL};
 *     char *purl = customs_purl_make("deb", "debian", "curl",
 *                                    "7.88.1-10+deb12u5", q, NULL);
 *     // "pkg:deb/debian/curl@7.88.1-10%2Bdeb12u5?arch=amd64&distro=debian-12"
 */
CUSTOMS_EXTERN char *customs_purl_make(const char *type, const char *ns, const char *name, const char *version,
                        const char *const *qualifiers, const char *subpath);

/* The value of qualifier `key` (lowercase) in a parsed purl, or NULL. */
CUSTOMS_EXTERN const char *customs_purl_qualifier(const customs_purl *p, const char *key);

CUSTOMS_EXTERN void customs_purl_free(customs_purl *p);

#ifdef __cplusplus
}
#endif
#endif
