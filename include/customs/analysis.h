/* analysis.h - the result of analysing one image: plain data between stages.
 *
 * An analysis is created by customs_analyze() and owned by the caller, who
 * frees it with customs_analysis_free().  Everything reachable from it is
 * owned by it; pointers handed out by accessors are borrowed.
 */
#ifndef CUSTOMS_ANALYSIS_H
#define CUSTOMS_ANALYSIS_H

#include "customs/common.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A growable list of owned strings. */
typedef struct customs_strlist {
	char **v;
	size_t n, cap;
} customs_strlist;

CUSTOMS_EXTERN int customs_strlist_add(customs_strlist *l, const char *s);
CUSTOMS_EXTERN int customs_strlist_addn(customs_strlist *l, const char *s, size_t len);
CUSTOMS_EXTERN int customs_strlist_contains(const customs_strlist *l, const char *s);
CUSTOMS_EXTERN void customs_strlist_release(customs_strlist *l);

typedef enum {
	CUSTOMS_FILE_REG = 0,
	CUSTOMS_FILE_DIR,
	CUSTOMS_FILE_SYMLINK,
	CUSTOMS_FILE_HARDLINK,
	CUSTOMS_FILE_CHAR,
	CUSTOMS_FILE_BLOCK,
	CUSTOMS_FILE_FIFO,
	CUSTOMS_FILE_SOCKET,
} customs_file_type;

CUSTOMS_EXTERN const char *customs_file_type_name(customs_file_type t);

/* One file as one layer wrote it. Strings live in the analysis' arena. */
typedef struct customs_file {
	const char *path;     /* normalised: relative, no "./", no trailing "/" */
	const char *link;     /* symlink or hard link target, else NULL */
	uint64_t size;        /* hard links: the size of their target */
	uint32_t mode;        /* permission bits incl. setuid/setgid/sticky */
	uint32_t uid, gid;
	uint16_t layer;       /* index into customs_analysis.layers */
	uint8_t type;         /* customs_file_type */
	uint8_t visible;      /* part of the squashed view */
	uint8_t has_digest;   /* sha256 valid (--file-digests) */
	unsigned char sha256[32];
} customs_file;

typedef struct customs_layer {
	char *digest;         /* blob digest (descriptor), NULL for dir sources */
	char *diff_id;        /* from the config's rootfs.diff_ids */
	char *media_type;
	int64_t size;         /* blob bytes */
	uint64_t tar_size;    /* uncompressed bytes walked */
	char *created_by;     /* history, mapped over empty_layer entries */
	char *created;
	char *comment;
	size_t entries;       /* tar entries seen */
	size_t skipped;       /* entries skipped (bad names, ...) */
	int complete;         /* walked to the end, digests verified */
	int diff_id_verified;
} customs_layer;

typedef struct customs_config {
	char *user;
	char *workdir;
	char *stop_signal;
	customs_strlist env;
	customs_strlist entrypoint;
	customs_strlist cmd;
	customs_strlist shell;
	customs_strlist exposed_ports;
	customs_strlist volumes;
	json_t *labels;       /* object of strings, or NULL */
	json_t *healthcheck;  /* Docker's Healthcheck object, or NULL */
} customs_config;

typedef struct customs_image {
	char *reference;      /* what the user gave */
	char *source_kind;    /* "docker-archive", "oci-archive", "oci", "dir", "registry" */
	char *source_path;
	char *manifest_digest;
	char *manifest_media_type;
	char *config_digest;
	char *created;
	char *author;
	char *architecture;
	char *os;
	char *variant;
	customs_strlist tags;
	customs_config config;
	char *name;           /* the image's name from an SBOM's root element, else NULL */
} customs_image;

typedef struct customs_distro {
	char *id;             /* "debian", "alpine", "rhel" ... */
	char *version_id;     /* "12", "3.21.0" */
	char *version_codename;
	char *pretty_name;
	char *id_like;
	char *source_path;    /* file it came from */
} customs_distro;

typedef struct customs_package {
	char *name;
	char *version;        /* with epoch where the format has one */
	char *type;           /* "deb", "rpm", "apk", "python", "npm", ... */
	char *arch;
	char *purl;
	char *source_name;    /* distro source package */
	char *source_version;
	char *found_by;       /* analyzer name */
	char *db_path;        /* the database or manifest it came from */
	int layer;            /* layer that introduced it, -1 unknown */
	int visible;          /* present in the squashed view */
	int removed_in_layer; /* layer whose copy no longer lists it, or -1 */
	customs_strlist licenses;
	customs_strlist cpes;
	customs_strlist files; /* owned files */
	json_t *metadata;     /* ecosystem-specific fields, owned, or NULL */
} customs_package;

CUSTOMS_EXTERN customs_package *customs_package_new(void);
CUSTOMS_EXTERN void customs_package_free(customs_package *p);

typedef enum {
	CUSTOMS_WARN = 0,     /* something was skipped; the result is still complete */
	CUSTOMS_ERROR = 1,    /* part of the image could not be read: incomplete */
} customs_warning_level;

typedef struct customs_warning {
	int level;
	int layer;            /* -1 when not about one layer */
	char *path;           /* NULL when not about one file */
	char *message;        /* full sentence naming image, layer and path */
} customs_warning;

/* ---- what the opt-in analyzers find (customs_options: secrets,
 * content_patterns, config_files, retrieve_files, verify_packages) ---- */

/* A secret, or a match of a content pattern, in one layer's copy of a file
 * (every layer: a secret deleted by a later layer is still in the image). */
typedef struct customs_secret {
	char *rule;           /* "AWS_ACCESS_KEY", "PRIV_KEY", or a pattern's NAME */
	char *path;
	int layer;
	int visible;          /* this copy is the one a container sees */
	int content;          /* 1: a content pattern (files gate), 0: a secret */
	uint64_t line;        /* 1-based line of the first match */
	char *match;          /* the match, redacted: never the secret in full */
} customs_secret;

/* A configuration file kept for the policy gates, as one layer holds it. */
typedef struct customs_config_file {
	char *path;
	int layer;
	int visible;
	char *data;           /* NUL-terminated, len bytes */
	size_t len;
	int truncated;        /* larger than the cap: data is its start */
} customs_config_file;

/* A file a package database lists with another digest than the file has
 * (or that is missing), from the squashed view. */
typedef struct customs_package_check {
	char *package;        /* "coreutils" */
	char *type;           /* "deb", "rpm" */
	char *path;           /* "usr/bin/ls" */
	char *state;          /* "changed" or "missing" */
	char *algorithm;      /* "md5", "sha256" */
	char *expected;       /* hex digest the database lists */
	char *actual;         /* hex digest of the file, NULL when missing */
} customs_package_check;

enum {
	CUSTOMS_COLLECTED_SECRETS = 1,   /* every regular file scanned for secrets / content patterns */
	CUSTOMS_COLLECTED_CONFIG = 2,    /* configuration files kept */
	CUSTOMS_COLLECTED_VERIFY = 4,    /* package files checked against their databases */
};

typedef struct customs_analysis {
	customs_image image;
	customs_layer *layers;
	size_t nlayers;
	customs_file *files;  /* sorted by path, then layer */
	size_t nfiles;
	customs_distro distro;
	customs_package **packages;
	size_t npackages;
	customs_warning *warnings;
	size_t nwarnings;
	int complete;
	customs_secret *secrets;       /* sorted by path, layer, rule */
	size_t nsecrets;
	customs_config_file *config_files; /* sorted by path, layer */
	size_t nconfig_files;
	customs_package_check *package_checks;
	size_t npackage_checks;
	unsigned collected;            /* CUSTOMS_COLLECTED_*: which of them ran */
	/* What analyzer plugins reported besides packages (docs/plugins.md):
	 * {"NAME": {"facts": {"KEY": "VALUE", ...}, "findings": [{"id": ...,
	 * "severity": ..., "message": ..., "path": ...}, ...]}, ...}, owned;
	 * NULL when none reported any. */
	json_t *plugin_results;
	struct customs__analysis_priv *priv;
} customs_analysis;

/* Keep the visible packages (all_layers: every package), and sort them by
 * type, name, version, arch, then what tells two copies apart, so the
 * order never depends on the order analyzers or layers finished in.
 * Matches and every report index the packages in this order. */
CUSTOMS_EXTERN void customs_analysis_select_packages(customs_analysis *a, int all_layers);

/* Options for customs_analyze(): set version to CUSTOMS_OPTIONS_VERSION
 * (CUSTOMS_OPTIONS_INIT does); zero means "default" for every other field.
 * Version 1 (without the opt-in analyzers) is still read; a version this
 * library does not know is refused with CUSTOMS_EINVAL. */
#define CUSTOMS_OPTIONS_VERSION 2
#define CUSTOMS_OPTIONS_INIT {.version = CUSTOMS_OPTIONS_VERSION}
typedef struct customs_options {
	unsigned int version;        /* CUSTOMS_OPTIONS_VERSION */
	const char *platform;        /* "os/arch[/variant]", default linux/amd64 */
	int verify_diff_ids;         /* re-hash uncompressed layers */
	int file_digests;            /* sha256 of every regular file */
	int threads;                 /* layer tasks at once, default: cores */
	uint64_t max_layer_bytes;    /* uncompressed bytes per layer, default 64 GiB */
	uint64_t max_ratio;          /* uncompressed/compressed, default 1000 */
	uint64_t max_entries;        /* tar entries per layer, default 10 million */
	const char *analyzers;       /* comma list of analyzer names, NULL = all */
	/* progress: called from worker threads with bytes read so far */
	void (*progress)(void *ud, uint64_t done, uint64_t total);
	void *progress_ud;
	/* registry sources (registry:HOST/REPO:TAG, bare references) */
	const char *registry_username;   /* with registry_password: credentials for the image's registry */
	const char *registry_password;   /* never copied into messages or results */
	const char *insecure_registries; /* comma list of HOST[:PORT]: unverified TLS or plain HTTP */
	const char *ca_file;             /* PEM bundle to verify registry TLS with */
	/* version 2: opt-in analyzers, off unless asked for (a policy bundle
	 * asks through customs_policy_bundle_options).  Lists end with NULL. */
	int secrets;                     /* scan every regular file of every layer for secrets */
	const char *const *secret_patterns;  /* more secret patterns, "NAME=REGEX" */
	const char *const *content_patterns; /* content-search patterns, "NAME=REGEX" (files gate) */
	int config_files;                /* keep the configuration files the config checks read */
	const char *const *retrieve_files; /* more paths to keep the content of ("etc/passwd") */
	int verify_packages;             /* check package files against dpkg's md5sums and rpm's digests */
} customs_options;

/* Analyse the image named by ref ("oci:DIR[:TAG]", "docker-archive:FILE",
 * "oci-archive:FILE", "dir:DIR", "registry:HOST[:PORT]/REPO[:TAG|@DIGEST]",
 * a bare path, or else a bare registry reference like "debian:12"), or read
 * the analysis an SBOM holds ("sbom:FILE", as customs_sbom_read does; opts
 * other than version do not apply).  On success *out holds the
 * analysis, which may be incomplete (a->complete == 0, errors in warnings).
 * Returns < 0 only when nothing could be analysed. */
CUSTOMS_EXTERN int customs_analyze(customs_analysis **out, const char *ref, const customs_options *opts);
CUSTOMS_EXTERN void customs_analysis_free(customs_analysis *a);

/* Resolve path in the squashed view following symlinks (at most 40, kept
 * inside the image root). Returns the visible file or NULL. Borrowed. */
CUSTOMS_EXTERN const customs_file *customs_analysis_lookup(const customs_analysis *a, const char *path, int follow);

/* Add a warning (thread-safe). fmt should name what was wrong; the image,
 * layer and path are prefixed by this function. */
CUSTOMS_EXTERN void customs_analysis_warn(customs_analysis *a, int level, int layer, const char *path,
			   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

CUSTOMS_EXTERN int customs_analysis_add_package(customs_analysis *a, customs_package *p);

/* For every package, the index of the visible distro package (deb, rpm,
 * apk) that installed it: named by its metadata "installed_by", or, for
 * analyzers that never link owners themselves, the distro package whose
 * file list holds its db_path or metadata location.  -1 when none.
 * *out is malloc'ed with a->npackages entries (NULL when there are none). */
CUSTOMS_EXTERN int customs_analysis_owners(const customs_analysis *a, long **out);

#ifdef __cplusplus
}
#endif
#endif
