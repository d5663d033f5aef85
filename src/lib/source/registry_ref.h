/* registry_ref.h - image references as docker reads them ("debian:12",
 * "HOST[:PORT]/REPO[:TAG|@DIGEST]"), parsed and normalised (FORMATS-images.md
 * §5.7). */
#ifndef CUSTOMS_REGISTRY_REF_H
#define CUSTOMS_REGISTRY_REF_H

/* A parsed, normalised image reference (docker's rules, §5.7). */
typedef struct reg_ref {
	char *domain;   /* "docker.io", "127.0.0.1:5000": names the registry */
	char *host;     /* API host[:port]: registry-1.docker.io for docker.io */
	char *repo;     /* "library/debian" */
	char *tag;      /* NULL when pinned by digest only */
	char *digest;   /* NULL when by tag */
} reg_ref;

/* Parse s. want_repo: a repository only (a tag or digest is an error). */
int reg__ref_parse(reg_ref *out, const char *s, int want_repo);
void reg__ref_release(reg_ref *r);
/* "DOMAIN/REPO[:TAG][@DIGEST]", the canonical spelling (malloc'ed, NULL when out of memory). */
char *reg__ref_string(const reg_ref *r);
/* A valid tag: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}. */
int reg__tag_valid(const char *s);

#endif
