/* routes.c - the routes of customs serve's API (docs/api.md,
 * docs/openapi.json): the store's images and what they hold, its queries,
 * diffs, the vulnerability database's status, the job queue.  Each one
 * asks the library and answers through the output stage. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server_int.h"

static const char *const image_refused[] = {"oci:", "oci-archive:", "docker-archive:", "dir:", "sbom:", "store:"};

static void health(call *c)
{
	static const char *const cols[] = {"status", "version"};
	const char *cells[] = {"ok", customs_version()};
	call_record(c, 200, cols, "ss", cells, 2);
}

static void metrics(call *c)
{
	server_metrics(c);
}

static void images_list(call *c)
{
	customs_store_image_list *l = NULL;
	int err = customs_store_images(c->store, &l);
	if (err < 0) {
		call_fail(c, err);
		return;
	}
	customs_report r = {.version = CUSTOMS_REPORT_VERSION, .kind = CUSTOMS_REPORT_IMAGES, .images = l};
	call_report(c, 200, &r, "json", "application/json");
	customs_store_image_list_free(l);
}

static void job_answer(call *c, int status, int64_t id)
{
	customs_store_table *t = NULL;
	int err = customs_store_job_get(c->store, id, &t);
	call_table(c, status, err, t, CUSTOMS_REPORT_RECORD);
}

/* a reference the server may analyse: a registry's, unless the server
 * was told that its own files may be named */
static int ref_allowed(call *c, const char *ref)
{
	if (c->cfg->allow_local_images)
		return 1;
	for (size_t i = 0; i < sizeof(image_refused) / sizeof(image_refused[0]); i++)
		if (!strncmp(ref, image_refused[i], strlen(image_refused[i])))
			return 0;
	/* a bare reference that is a path on the server would be read as one */
	return strncmp(ref, "registry:", 9) == 0 || (ref[0] != '/' && ref[0] != '.' && ref[0] != '~' &&
						      !strstr(ref, "..") && access(ref, F_OK) != 0);
}

static void images_add(call *c)
{
	json_t *j = call_json(c), *ref, *tag;
	int64_t id = 0;
	int existing = 0, err;
	const char *key;
	json_t *v;

	if (!j)
		return;
	json_object_foreach(j, key, v) if (strcmp(key, "ref") && strcmp(key, "tag"))
	{
		call_error(c, 400, "bad_request", "unknown field '%.80s': the fields are ref and tag", key);
		goto done;
	}
	ref = json_object_get(j, "ref");
	tag = json_object_get(j, "tag");
	if (!json_is_string(ref) || !*json_string_value(ref)) {
		call_error(c, 400, "bad_request", "ref must be a non-empty string: the image to analyse");
		goto done;
	}
	if (tag && !json_is_null(tag) && (!json_is_string(tag) || !*json_string_value(tag))) {
		call_error(c, 400, "bad_request", "tag must be a non-empty string (registry/repo:tag) when given");
		goto done;
	}
	if (strlen(json_string_value(ref)) > 1024 || (json_is_string(tag) && strlen(json_string_value(tag)) > 1024)) {
		call_error(c, 400, "bad_request", "ref and tag are at most 1024 bytes");
		goto done;
	}
	if (!ref_allowed(c, json_string_value(ref))) {
		call_error(c, 400, "bad_request",
			   "'%.200s' is not a registry reference: this server analyses images from registries only",
			   json_string_value(ref));
		goto done;
	}
	if ((err = customs_store_job_add(c->store, json_string_value(ref), json_is_string(tag) ? json_string_value(tag) : NULL,
					 &id, &existing)) < 0) {
		call_fail(c, err);
		goto done;
	}
	job_answer(c, 202, id);
done:
	json_decref(j);
}

static void job_get(call *c)
{
	char *end;
	long long id = strtoll(c->params[0], &end, 10);
	if (*end || id <= 0) {
		call_error(c, 400, "bad_request", "a job id is a positive integer, not '%.40s'", c->params[0]);
		return;
	}
	job_answer(c, 200, id);
}

/* the stored image a digest (or a unique prefix of one) names */
static int image_digest(call *c, char **out)
{
	int err = customs_store_resolve(c->store, c->params[0], out);
	if (err < 0)
		call_fail(c, err);
	return err;
}

static void image_get(call *c)
{
	customs_analysis *a = NULL;
	char *d = NULL;
	int err;
	if (image_digest(c, &d) < 0)
		return;
	if ((err = customs_store_load(c->store, &a, d, CUSTOMS_STORE_LOAD_NO_FILES)) < 0) {
		call_fail(c, err);
	} else {
		customs_report r = {.version = CUSTOMS_REPORT_VERSION, .kind = CUSTOMS_REPORT_INSPECT, .analysis = a};
		call_report(c, 200, &r, "json", "application/json");
	}
	customs_analysis_free(a);
	free(d);
}

static void image_delete(call *c)
{
	char *d = NULL;
	int err = customs_store_remove(c->store, c->params[0], &d);
	if (err < 0)
		call_fail(c, err);
	else
		call_deleted(c, "digest", d, "s");
	free(d);
}

static void rows(call *c, const char *ref, const char *query, const customs_store_query_args *args)
{
	customs_store_table *t = NULL;
	int err = customs_store_query(c->store, &t, ref, query, args);
	call_table(c, 200, err, t, CUSTOMS_REPORT_ROWS);
}

static void image_rows(call *c, const char *query)
{
	customs_store_query_args args = {.type = call_arg(c, "type"), .glob = call_arg(c, "glob")};
	char *d = NULL;
	if (image_digest(c, &d) < 0)
		return;
	rows(c, d, query, &args);
	free(d);
}

static void image_packages(call *c) { image_rows(c, "packages"); }
static void image_files(call *c) { image_rows(c, "files"); }
static void image_vulns(call *c) { image_rows(c, "vulns"); }
static void image_layers(call *c) { image_rows(c, "layers"); }
static void image_evaluations(call *c) { image_rows(c, "evaluations"); }

static void image_sbom(call *c)
{
	const char *format = call_arg(c, "format");
	customs_analysis *a = NULL;
	char *d = NULL;
	int err;
	if (!format)
		format = "spdx-json";
	if (strcmp(format, "spdx-json") && strncmp(format, "cyclonedx-json", 14)) {
		call_error(c, 400, "bad_request", "format is spdx-json or cyclonedx-json (@1.5, @1.6, @1.7), not '%.40s'",
			   format);
		return;
	}
	if ((err = customs_report_format_check(CUSTOMS_REPORT_SBOM, format)) < 0) {
		call_fail(c, err);
		return;
	}
	if (image_digest(c, &d) < 0)
		return;
	if ((err = customs_store_load(c->store, &a, d, CUSTOMS_STORE_LOAD_NO_FILES)) < 0) {
		call_fail(c, err);
	} else {
		customs_analysis_select_packages(a, 0);
		customs_report r = {.version = CUSTOMS_REPORT_VERSION, .kind = CUSTOMS_REPORT_SBOM, .analysis = a};
		call_report(c, 200, &r, format, "application/json");
	}
	customs_analysis_free(a);
	free(d);
}

static void query(call *c)
{
	customs_store_query_args args = {.operand = call_arg(c, "arg"), .type = call_arg(c, "type"),
					 .glob = call_arg(c, "glob"), .version = call_arg(c, "version")};
	const char *image = call_arg(c, "image");
	char *d = NULL;
	if (image) {
		int err = customs_store_resolve(c->store, image, &d);
		if (err < 0) {
			call_fail(c, err);
			return;
		}
	}
	rows(c, d, c->params[0], &args);
	free(d);
}

/* an image of a diff with its current matches (NULL: never matched) */
static int diff_side(call *c, const char *name, customs_analysis **a, customs_match_result **m)
{
	const char *ref = call_arg(c, name);
	char *d = NULL;
	int err;
	if (!ref || !*ref) {
		call_error(c, 400, "bad_request", "a diff needs two stored images: ?a=DIGEST&b=DIGEST");
		return -1;
	}
	if ((err = customs_store_resolve(c->store, ref, &d)) < 0 ||
	    (err = customs_store_load(c->store, a, d, 0)) < 0) {
		free(d);
		call_fail(c, err);
		return -1;
	}
	free(d);
	customs_analysis_select_packages(*a, 0);
	if ((err = customs_store_matches(c->store, m, *a)) < 0 && err != CUSTOMS_ENOTFOUND) {
		call_fail(c, err);
		return -1;
	}
	return 0;
}

static void diff(call *c)
{
	customs_analysis *a = NULL, *b = NULL;
	customs_match_result *ma = NULL, *mb = NULL;
	customs_diff *d = NULL;
	int err;
	if (diff_side(c, "a", &a, &ma) < 0 || diff_side(c, "b", &b, &mb) < 0)
		goto done;
	if ((err = customs_diff_new(&d, a, ma, b, mb)) < 0) {
		call_fail(c, err);
		goto done;
	}
	customs_report r = {.version = CUSTOMS_REPORT_VERSION, .kind = CUSTOMS_REPORT_DIFF, .diff = d};
	call_report(c, 200, &r, "json", "application/json");
done:
	customs_diff_free(d);
	customs_store_matches_free(ma);
	customs_store_matches_free(mb);
	customs_analysis_free(a);
	customs_analysis_free(b);
}

int call_vulndb(call *c, customs_vulndb **db)
{
	char *path = NULL;
	int err = 0;
	*db = NULL;
	if (!c->cfg->db_path && (err = customs_vulndb_default_path(&path)) < 0) {
		call_fail(c, err);
		return err;
	}
	const char *p = c->cfg->db_path ? c->cfg->db_path : path;
	if (access(p, R_OK) == 0 && (err = customs_vulndb_open(db, p, 1)) < 0)
		call_fail(c, err);
	free(path);
	return err;
}

static void feeds(call *c)
{
	customs_vulndb *db = NULL;
	customs_vulndb_info *info = NULL;
	int err;
	if (call_vulndb(c, &db) < 0)
		return;
	if (!db) {
		call_error(c, 404, "not_found", "the server has no vulnerability database: run customs db update there");
	} else if ((err = customs_vulndb_status(db, &info)) < 0) {
		call_fail(c, err);
	} else {
		customs_report r = {.version = CUSTOMS_REPORT_VERSION, .kind = CUSTOMS_REPORT_DB_STATUS, .vulndb = info};
		call_report(c, 200, &r, "json", "application/json");
	}
	customs_vulndb_info_free(info);
	customs_vulndb_free(db);
}

const route server_routes[] = {
	{"GET", "/", ACCESS_PUBLIC, route_web_index, 0},
	{"GET", "/app.js", ACCESS_PUBLIC, route_web_js, 0},
	{"GET", "/app.css", ACCESS_PUBLIC, route_web_css, 0},
	{"GET", "/healthz", ACCESS_PUBLIC, health, 0},
	{"GET", "/metrics", ACCESS_READ, metrics, 0},
	{"GET", "/v1/images", ACCESS_READ, images_list, 0},
	{"POST", "/v1/images", ACCESS_WRITE, images_add, 0},
	{"GET", "/v1/images/{}", ACCESS_READ, image_get, 1},
	{"DELETE", "/v1/images/{}", ACCESS_WRITE, image_delete, 0},
	{"GET", "/v1/images/{}/packages", ACCESS_READ, image_packages, 1},
	{"GET", "/v1/images/{}/files", ACCESS_READ, image_files, 1},
	{"GET", "/v1/images/{}/vulns", ACCESS_READ, image_vulns, 1},
	{"GET", "/v1/images/{}/layers", ACCESS_READ, image_layers, 1},
	{"GET", "/v1/images/{}/sbom", ACCESS_READ, image_sbom, 1},
	{"GET", "/v1/images/{}/evaluations", ACCESS_READ, image_evaluations, 0},
	{"POST", "/v1/images/{}/evaluate", ACCESS_WRITE, route_evaluate, 0},
	{"GET", "/v1/policies", ACCESS_READ, route_policies, 0},
	{"POST", "/v1/admission", ACCESS_WRITE, route_admission, 0},
	{"GET", "/v1/subscriptions", ACCESS_READ, route_subscriptions, 0},
	{"POST", "/v1/subscriptions", ACCESS_WRITE, route_subscription_add, 0},
	{"DELETE", "/v1/subscriptions/{}", ACCESS_WRITE, route_subscription_delete, 0},
	{"GET", "/v1/notifications", ACCESS_READ, route_notifications, 0},
	{"POST", "/v1/policies/validate", ACCESS_READ, route_policy_validate, 0},
	{"GET", "/v1/policies/{}", ACCESS_READ, route_policy_get, 0},
	{"PUT", "/v1/policies/{}", ACCESS_WRITE, route_policy_put, 0},
	{"DELETE", "/v1/policies/{}", ACCESS_WRITE, route_policy_delete, 0},
	{"GET", "/v1/jobs/{}", ACCESS_READ, job_get, 0},
	{"GET", "/v1/query/{}", ACCESS_READ, query, 0},
	{"GET", "/v1/diff", ACCESS_READ, diff, 0},
	{"GET", "/v1/feeds", ACCESS_READ, feeds, 0},
	{"POST", "/v1/feeds/update", ACCESS_WRITE, route_feeds_update, 0},
	{"GET", "/v1/feeds/update", ACCESS_READ, route_feeds_update_state, 0},
};
const size_t server_nroutes = sizeof(server_routes) / sizeof(server_routes[0]);
