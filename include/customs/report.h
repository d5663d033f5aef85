/* report.h - the output stage: every document customs writes, in every
 * format, through one call.  A customs_report says what is reported (an
 * image, its packages, a scan, one vulnerability's explanation, the
 * vulnerability database, rows of a table) and carries what that needs;
 * customs_report_write() writes it to any stream (a file, stdout, an
 * open_memstream() buffer) in a format named as `customs -o` spells it.
 *
 * Formats: table (text for people), json (docs/json.md), spdx-json and
 * spdx-tag-value (SPDX 2.3), cyclonedx-json (1.6; cyclonedx-json@1.6,
 * cyclonedx-json@1.5), sarif (SARIF 2.1.0), purls (one a line), markdown
 * (the gate table, docs/policy.md), openvex (OpenVEX 0.2.0), prometheus
 * (the Prometheus text exposition format 0.0.4).  Which
 * format can write which kind comes from one table in the library:
 * customs_report_format_check() and customs_report_format_list() read it.
 *
 * SBOM documents are deterministic: packages in the analysis' order
 * (customs_analysis_select_packages), every id derived from the content,
 * the timestamp from created, else SOURCE_DATE_EPOCH, else the clock.
 * A report borrows everything it points to; nothing is freed by writing. */
#ifndef CUSTOMS_REPORT_H
#define CUSTOMS_REPORT_H

#include "customs/common.h"

#include <stddef.h>
#include <stdio.h>

#include "customs/analysis.h"

#ifdef __cplusplus
extern "C" {
#endif

struct customs_match_result;
struct customs_vulndb;
struct customs_vulndb_info;
struct customs_vulndb_source;
struct customs_vuln_record;
struct customs_vulndb_import_summary;
struct customs_vulndb_update_summary;
struct customs_store_image_list;
struct customs_store_rematch_summary;
struct customs_store_base;
struct customs_diff;
struct customs_policy_result;
struct customs_policy_bundle;
struct customs_policy_problems;

typedef enum customs_report_kind {
	CUSTOMS_REPORT_NONE = 0,
	CUSTOMS_REPORT_INSPECT,     /* analysis: image, config, layers, file catalog */
	CUSTOMS_REPORT_SBOM,        /* analysis: its packages */
	CUSTOMS_REPORT_SCAN,        /* analysis, matches and vulndb: a scan's results */
	CUSTOMS_REPORT_EXPLAIN,     /* analysis, matches, db, explain_id: how each match of one id came about */
	CUSTOMS_REPORT_DB_STATUS,   /* vulndb: feeds, counts, ages */
	CUSTOMS_REPORT_DB_VULN,     /* vuln and db: one vulnerability with its affected entries */
	CUSTOMS_REPORT_DB_AFFECTED, /* db, ns, package: the entries of one package */
	CUSTOMS_REPORT_DB_IMPORT,   /* import, db_path: what an import stored, per feed */
	CUSTOMS_REPORT_DB_UPDATE,   /* update, db_path: what an update fetched and imported */
	CUSTOMS_REPORT_ROWS,        /* columns and cells: a table of strings */
	CUSTOMS_REPORT_IMAGES,      /* images: the store's images */
	CUSTOMS_REPORT_DIFF,        /* diff: what changed between two analyses */
	CUSTOMS_REPORT_REMATCH,     /* rematch: what a rematch of the store changed */
	CUSTOMS_REPORT_POLICY,      /* policy (and analysis): an evaluation, GO/WARN/STOP and its findings */
	CUSTOMS_REPORT_POLICY_PROBLEMS, /* problems, bundle_path: what is wrong with a bundle */
	CUSTOMS_REPORT_POLICY_GATES,    /* the gate table (customs_policy_gates): policy describe */
	CUSTOMS_REPORT_VEX,         /* policy or bundle: the allowlisted findings as OpenVEX */
	CUSTOMS_REPORT_RECORD,      /* columns and the first row of cells as one object (record_key: nested) */
	CUSTOMS_REPORT_METRICS,     /* metrics: samples in the Prometheus text format */
	CUSTOMS_REPORT_ADMISSION,   /* admission: the AdmissionReview (admission.k8s.io/v1) answering one */
	CUSTOMS_REPORT_KINDS        /* how many kinds there are */
} customs_report_kind;

/* Version 2 added the store's and the policy engine's fields at the end,
 * version 3 the server's (record_key, metrics); reports of the earlier
 * versions are still written. */
#define CUSTOMS_REPORT_VERSION 3

/* One sample of /metrics: family names the HELP and TYPE lines written
 * before the first sample of each family ("customs_http_request_seconds"),
 * name the sample ("customs_http_request_seconds_bucket"). */
typedef struct customs_report_metric {
	const char *family, *type, *help; /* type: "counter", "gauge", "histogram" */
	const char *name;
	const char *labels;               /* 'route="/v1/images",code="200"', or NULL */
	double value;
} customs_report_metric;

/* The answer to a Kubernetes AdmissionReview. */
typedef struct customs_report_admission {
	const char *uid;                 /* the request's */
	int allowed;
	int code;                        /* status.code when denied (403), 0: none */
	const char *message;             /* status.message: why, or NULL */
	const char *const *warnings;     /* response.warnings, or NULL */
	size_t nwarnings;
} customs_report_admission;

typedef struct customs_report {
	unsigned int version;                       /* CUSTOMS_REPORT_VERSION */
	customs_report_kind kind;

	const customs_analysis *analysis;           /* inspect, sbom, scan, explain */
	const struct customs_match_result *matches; /* scan, explain; with sbom: CycloneDX gets vulnerabilities[] */
	const struct customs_vulndb_info *vulndb;   /* scan (its "db" block), db status */
	struct customs_vulndb *db;                  /* explain (is an unmatched id known?), db vuln, db affected */
	const struct customs_vuln_record *vuln;     /* db vuln */
	const char *ns, *package;                   /* db affected: "debian:12", "openssl" */
	const struct customs_vulndb_import_summary *import; /* db import */
	const struct customs_vulndb_update_summary *update; /* db update */
	const char *db_path;                        /* db import, db update: the database written */

	int all_layers;      /* inspect: every layer's files; sbom table: the REMOVED column */
	int with_files;      /* spdx-*, cyclonedx-json: a file element per owned regular file */
	int no_files;        /* json of sbom: packages without their owned files */
	int show_suppressed; /* scan table: also suppressed and covered matches */
	const char *fail_on; /* scan json: the --fail-on threshold as given, or NULL */
	int failed;          /* scan json: a match reached it */
	const char *explain_id;
	size_t explain_rules; /* explain: ignore rule and VEX files loaded, as the text says */
	/* Seconds since the epoch: an SBOM's timestamp (0: SOURCE_DATE_EPOCH,
	 * else the clock), the time db status counts ages to (0: the clock). */
	long long created;

	/* rows: ncolumns names, and nrows * ncolumns cells row by row (NULL: no
	 * value).  table: aligned columns, the names as the header; json: an
	 * array of objects, one per row, keys in column order. */
	const char *const *columns;
	size_t ncolumns;
	const char *const *cells;
	size_t nrows;

	/* version 2 */
	/* rows: a type per column for json, or NULL (all text): 's' text, 'i'
	 * an integer, 'b' a boolean ("true"/"false"), 'j' JSON text written as
	 * the value it is (version 3); a cell that is not what its type says is
	 * written as text. */
	const char *column_types;
	/* rows: the table's header, ncolumns of them, or NULL: the names. */
	const char *const *column_headings;
	const struct customs_store_image_list *images;        /* images */
	const struct customs_diff *diff;                      /* diff */
	const struct customs_store_rematch_summary *rematch;  /* rematch */
	/* scan: the image's base in the store, or NULL: the matches of
	 * packages its layers brought are "inherited" from it, the others
	 * "introduced" by the image's own layers */
	const struct customs_store_base *base;
	const struct customs_policy_result *policy;     /* policy, vex; with scan: the table, JSON and SARIF carry it too */
	const struct customs_policy_bundle *bundle;     /* vex without an evaluation: the bundle's own items */
	const struct customs_policy_problems *problems; /* policy problems */
	const char *bundle_path;                        /* policy problems: the file */

	/* version 3 */
	/* record: the object is written as {"KEY": {...}} (an API error:
	 * {"error": {"code": ..., "message": ...}}), or NULL: as it is */
	const char *record_key;
	const customs_report_metric *metrics;           /* metrics, in the order written */
	size_t nmetrics;
	const customs_report_admission *admission;      /* admission */
} customs_report;

/* Write r to f in format ("table", "json", "spdx-json", ...).  Returns 0,
 * or <0 with the error set: CUSTOMS_EUSAGE when format cannot write r's
 * kind (the message lists those that can), CUSTOMS_EIO naming errno when
 * the stream fails (checked with fflush and ferror before returning). */
CUSTOMS_EXTERN int customs_report_write(FILE *f, const customs_report *r, const char *format);

/* Several documents of one report: what the SBOM formats derive (ids,
 * owners, dependencies, license expressions) is worked out once.  The
 * writer copies *r; what r points to must outlive it. */
typedef struct customs_report_writer customs_report_writer;
CUSTOMS_EXTERN int customs_report_writer_new(customs_report_writer **out, const customs_report *r);
CUSTOMS_EXTERN int customs_report_writer_write(customs_report_writer *w, FILE *f, const char *format);
CUSTOMS_EXTERN void customs_report_writer_free(customs_report_writer *w);

/* 0 when format can write kind; else CUSTOMS_EUSAGE with the error
 * "unknown output format 'NAME'; use table or json" (the list from
 * customs_report_format_list). */
CUSTOMS_EXTERN int customs_report_format_check(customs_report_kind kind, const char *format);

/* The formats that can write kind, in the table's order, into buf (at most
 * n bytes, NUL-terminated): "table, json, sarif" ("table or json" when
 * there are two).  Returns the length the whole list needs. */
CUSTOMS_EXTERN size_t customs_report_format_list(char *buf, size_t n, customs_report_kind kind);

/* An analysis as customs JSON (docs/json.md, "customs-analysis"), as a
 * jansson tree (a new reference) or written to f; customs_report_write()
 * with "json" writes the same document. */
enum {
	CUSTOMS_JSON_FILES = 1,       /* include the file catalog */
	CUSTOMS_JSON_ALL_LAYERS = 2,  /* files hidden by upper layers too */
	CUSTOMS_JSON_PACKAGES = 4,
	CUSTOMS_JSON_NO_PACKAGE_FILES = 8, /* packages without their owned files */
};
CUSTOMS_EXTERN json_t *customs_analysis_to_json(const customs_analysis *a, int flags);
/* The same document written to f, streaming the file catalog (bounded
 * memory for any number of files). */
CUSTOMS_EXTERN int customs_analysis_write_json(FILE *f, const customs_analysis *a, int flags);

/* The date a feed's data is as of, in seconds since the epoch: its newest
 * record, else the server's Last-Modified, else when it was imported; -1
 * when none of them is a date.  db status counts ages from it. */
CUSTOMS_EXTERN long long customs_report_feed_time(const struct customs_vulndb_source *x);

#ifdef __cplusplus
}
#endif
#endif
