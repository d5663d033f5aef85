/* http.c - customs serve's HTTP side on libmicrohttpd (a thread pool over
 * epoll): a request's body gathered up to the cap, its token checked, the
 * route found and called, the answer sent; each thread keeps its own
 * store connection.  Slow clients cost a connection, not a thread: bodies
 * arrive by events and an idle connection is closed after the timeout.
 * The counters of /metrics are kept here. */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "server_int.h"

/* the latency histogram's upper bounds, in seconds */
static const double buckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
#define NBUCKETS (sizeof(buckets) / sizeof(buckets[0]))

struct server {
	const server_config *cfg;
	struct MHD_Daemon *d;
	pthread_key_t store_key;
	answer_cache *cache;
	pthread_mutex_t mu;
	/* per route (and one more: no route) and status class 1xx..5xx */
	long long *requests;
	long long latency[NBUCKETS + 1];
	double latency_sum;
	long long latency_count;
};

typedef struct request {
	char *body;
	size_t len, cap;
	int too_big;
	struct timespec t0;
} request;

static double since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void count(server *s, size_t ri, int status, double seconds)
{
	int cls = status / 100;
	size_t b = 0;
	if (cls < 1 || cls > 5)
		cls = 5;
	while (b < NBUCKETS && seconds > buckets[b])
		b++;
	pthread_mutex_lock(&s->mu);
	s->requests[ri * 5 + (size_t)(cls - 1)]++;
	s->latency[b]++;
	s->latency_sum += seconds;
	s->latency_count++;
	pthread_mutex_unlock(&s->mu);
}

/* ---- answers ---- */

const char *call_arg(call *c, const char *name)
{
	return MHD_lookup_connection_value(c->conn, MHD_GET_ARGUMENT_KIND, name);
}

static void set_answer(call *c, int status, char *buf, size_t size, const char *type)
{
	free(c->buf);
	c->buf = buf;
	c->size = size;
	c->status = status;
	c->content_type = type;
}

/* the report into memory; 0 or the library's error */
static int render(call *c, int status, const customs_report *r, const char *format, const char *type)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	int err;
	if (!f)
		return CUSTOMS_ENOMEM;
	err = customs_report_write(f, r, format);
	if (fclose(f) != 0 && err == 0)
		err = CUSTOMS_ENOMEM;
	if (err < 0) {
		free(buf);
		return err;
	}
	set_answer(c, status, buf, size, type);
	return 0;
}

void call_record(call *c, int status, const char *const *columns, const char *types, const char *const *cells,
		 size_t n)
{
	customs_report r = {.version = CUSTOMS_REPORT_VERSION, .kind = CUSTOMS_REPORT_RECORD, .columns = columns,
			    .ncolumns = n, .cells = cells, .nrows = 1, .column_types = types};
	call_report(c, status, &r, "json", "application/json");
}

static void error_record(call *c, int status, const char *code, const char *message)
{
	static const char *const cols[] = {"code", "message"};
	const char *cells[] = {code, message};
	customs_report r = {.version = CUSTOMS_REPORT_VERSION, .kind = CUSTOMS_REPORT_RECORD, .columns = cols,
			    .ncolumns = 2, .cells = cells, .nrows = 1, .column_types = "ss", .record_key = "error"};
	if (render(c, status, &r, "json", "application/json") < 0) {
		/* nothing to write with: no body */
		set_answer(c, 500, NULL, 0, "application/json");
	}
}

void call_error(call *c, int status, const char *code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	error_record(c, status, code, msg);
}

void call_fail(call *c, int err)
{
	switch (err) {
	case CUSTOMS_ENOTFOUND: call_error(c, 404, "not_found", "%s", customs_error_last()); return;
	case CUSTOMS_EUSAGE:
	case CUSTOMS_EINVAL:
	case CUSTOMS_EFORMAT: call_error(c, 400, "bad_request", "%s", customs_error_last()); return;
	case CUSTOMS_ELIMIT: call_error(c, 413, "too_large", "%s", customs_error_last()); return;
	case CUSTOMS_EBUSY: call_error(c, 503, "busy", "the store is busy: try again"); return;
	default:
		/* the detail may name the server's files or database: the log has it */
		fprintf(stderr, "customs serve: %s %s: %s\n", c->method, c->params[0] ? c->params[0] : "",
			customs_error_last());
		call_error(c, 500, "internal", "the server could not answer: its log has the detail");
	}
}

void call_report(call *c, int status, const customs_report *r, const char *format, const char *type)
{
	int err = render(c, status, r, format, type);
	if (err < 0)
		call_fail(c, err);
}

void call_deleted(call *c, const char *key, const char *value, const char *type)
{
	const char *cols[] = {key, "deleted"}, *cells[] = {value, "true"};
	char types[3] = {type[0], 'b', '\0'};
	call_record(c, 200, cols, types, cells, 2);
}

void call_table(call *c, int status, int err, customs_store_table *t, customs_report_kind kind)
{
	if (err < 0) {
		call_fail(c, err);
	} else {
		customs_report r = {.version = CUSTOMS_REPORT_VERSION, .kind = kind, .columns = t->columns,
				    .ncolumns = t->ncolumns, .cells = t->cells, .nrows = t->nrows,
				    .column_types = t->types, .column_headings = t->headings};
		call_report(c, status, &r, "json", "application/json");
	}
	customs_store_table_free(t);
}

json_t *call_json(call *c)
{
	json_error_t e;
	json_t *j;
	if (!c->len) {
		call_error(c, 400, "bad_request", "the request needs a JSON object as its body");
		return NULL;
	}
	if (!(j = json_loadb(c->body, c->len, JSON_REJECT_DUPLICATES, &e))) {
		call_error(c, 400, "bad_request", "malformed JSON at line %d, column %d: %s", e.line, e.column, e.text);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		call_error(c, 400, "bad_request", "the request body must be a JSON object");
		return NULL;
	}
	return j;
}

/* ---- routes ---- */

/* the route of method and url: *found, its {} segments in c->params;
 * *path_known when some route has the path (another method) */
static const route *find_route(call *c, const char *url, const char *method, size_t *index, int *path_known,
			       char *segs, size_t segs_size)
{
	*path_known = 0;
	for (size_t i = 0; i < server_nroutes; i++) {
		const char *p = server_routes[i].pattern, *u = url;
		size_t n = 0, used = 0;
		int ok = 1;
		while (ok && *p && *u) {
			if (!strncmp(p, "{}", 2)) {
				size_t l = strcspn(u, "/");
				if (!l || n >= 4 || used + l + 1 > segs_size) {
					ok = 0;
					break;
				}
				memcpy(segs + used, u, l);
				segs[used + l] = '\0';
				c->params[n++] = segs + used;
				used += l + 1;
				p += 2, u += l;
			} else if (*p == *u) {
				p++, u++;
			} else {
				ok = 0;
			}
		}
		if (!ok || *p || *u)
			continue;
		*path_known = 1;
		if (strcmp(server_routes[i].method, method))
			continue;
		c->nparams = n;
		*index = i;
		return &server_routes[i];
	}
	return NULL;
}

/* ---- the store of this thread ---- */

static void store_close(void *p)
{
	customs_store_free(p);
}

static customs_store *thread_store(server *s)
{
	customs_store *st = pthread_getspecific(s->store_key);
	if (st)
		return st;
	if (customs_store_open(&st, s->cfg->store_url) < 0)
		return NULL;
	if (pthread_setspecific(s->store_key, st) != 0) {
		customs_store_free(st);
		return NULL;
	}
	return st;
}

/* ---- auth ---- */

/* 0 when the call may go on; else the 401 is answered */
static int authorize(call *c, int access)
{
	const char *h = MHD_lookup_connection_value(c->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	int err;
	if (access == ACCESS_PUBLIC)
		return 0;
	if (!h) {
		if (access == ACCESS_READ && c->cfg->allow_anonymous_read)
			return 0;
		call_error(c, 401, "unauthorized",
			   "this needs an API token: Authorization: Bearer TOKEN (customs token create NAME makes one)");
		return -1;
	}
	if (strncasecmp(h, "Bearer ", 7)) {
		call_error(c, 401, "unauthorized", "the Authorization header must be 'Bearer TOKEN'");
		return -1;
	}
	h += 7;
	while (*h == ' ')
		h++;
	if ((err = customs_store_token_check(c->store, h, NULL)) < 0) {
		if (err != CUSTOMS_EAUTH) {
			call_fail(c, err);
			return -1;
		}
		call_error(c, 401, "unauthorized", "%s", customs_error_last());
		return -1;
	}
	return 0;
}

/* ---- libmicrohttpd ---- */

static enum MHD_Result send_answer(struct MHD_Connection *conn, call *c)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	if (c->buf)
		resp = MHD_create_response_from_buffer(c->size, c->buf, MHD_RESPMEM_MUST_FREE);
	else
		resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (!resp)
		return MHD_NO;
	c->buf = NULL;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, c->content_type ? c->content_type : "application/json");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	/* the web page runs its own script and style only */
	MHD_add_response_header(resp, "Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
	if (c->status == 401)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"customs\"");
	ret = MHD_queue_response(conn, (unsigned)c->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	server *s = cls;
	request *q = *con_cls;
	call c = {.srv = s, .cfg = s->cfg, .conn = conn, .method = method};
	char segs[2048];
	size_t ri = server_nroutes;
	int known;
	enum MHD_Result ret;

	if (!q) {
		if (!(q = calloc(1, sizeof(*q))))
			return MHD_NO;
		clock_gettime(CLOCK_MONOTONIC, &q->t0);
		/* a declared size over the cap is refused before it is read */
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > s->cfg->max_body)
			q->too_big = 1;
		*con_cls = q;
		return MHD_YES;
	}
	if (*upload_size) {
		if (!q->too_big && q->len + *upload_size > s->cfg->max_body)
			q->too_big = 1;
		if (!q->too_big) {
			if (q->len + *upload_size + 1 > q->cap) {
				size_t cap = (q->len + *upload_size + 1) * 2;
				char *b = realloc(q->body, cap);
				if (!b)
					return MHD_NO;
				q->body = b, q->cap = cap;
			}
			memcpy(q->body + q->len, upload, *upload_size);
			q->len += *upload_size;
			q->body[q->len] = '\0';
		}
		*upload_size = 0;
		return MHD_YES;
	}
	c.body = q->body ? q->body : "";
	c.len = q->len;
	const route *rt = find_route(&c, url, method, &ri, &known, segs, sizeof(segs));
	if (q->too_big) {
		call_error(&c, 413, "too_large", "the request body is over %zu bytes", s->cfg->max_body);
	} else if (!rt) {
		if (known)
			call_error(&c, 405, "method_not_allowed", "%s is not a method of %s", method, url);
		else
			call_error(&c, 404, "not_found", "no such route: %s %s (docs/api.md lists them)", method, url);
	} else if (!(c.store = thread_store(s))) {
		fprintf(stderr, "customs serve: %s\n", customs_error_last());
		call_error(&c, 503, "unavailable", "the store cannot be opened now: try again");
	} else if (authorize(&c, rt->access) == 0) {
		c.cache = s->cache;
		c.route = rt->pattern;
		if (rt->cached)
			call_cached(&c, rt->fn);
		else
			rt->fn(&c);
	}
	if (!c.status)
		call_error(&c, 500, "internal", "no answer");
	ret = send_answer(conn, &c);
	free(c.buf);
	count(s, ri, c.status, since(&q->t0));
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	request *q = *con_cls;
	if (q) {
		free(q->body);
		free(q);
		*con_cls = NULL;
	}
}

/* ---- metrics ---- */

void server_metrics(call *c)
{
	server *s = c->srv;
	size_t nroutes = server_nroutes + 1, n = 0, cap = nroutes * 5 + NBUCKETS + 16;
	customs_report_metric *m = calloc(cap, sizeof(*m));
	char (*labels)[160] = calloc(cap, sizeof(*labels));
	int64_t queued = -1, running = -1;
	worker_counts wc;
	long long cum = 0;

	if (!m || !labels) {
		free(m);
		free(labels);
		call_error(c, 500, "internal", "out of memory");
		return;
	}
	if (customs_store_job_counts(c->store, &queued, &running) < 0)
		queued = running = -1;
	worker_counts_get(&wc);
	pthread_mutex_lock(&s->mu);
	for (size_t r = 0; r < nroutes; r++)
		for (int k = 0; k < 5; k++) {
			long long v = s->requests[r * 5 + (size_t)k];
			if (!v)
				continue;
			snprintf(labels[n], sizeof(labels[n]), "method=\"%s\",route=\"%s\",code=\"%dxx\"",
				 r < server_nroutes ? server_routes[r].method : "other",
				 r < server_nroutes ? server_routes[r].pattern : "other", k + 1);
			m[n] = (customs_report_metric){"customs_http_requests_total", "counter",
						       "HTTP requests answered, by route and status class",
						       "customs_http_requests_total", labels[n], (double)v};
			n++;
		}
	for (size_t b = 0; b <= NBUCKETS; b++) {
		cum += s->latency[b];
		if (b < NBUCKETS)
			snprintf(labels[n], sizeof(labels[n]), "le=\"%g\"", buckets[b]);
		else
			snprintf(labels[n], sizeof(labels[n]), "le=\"+Inf\"");
		m[n] = (customs_report_metric){"customs_http_request_duration_seconds", "histogram",
					       "time to answer a request", "customs_http_request_duration_seconds_bucket",
					       labels[n], (double)cum};
		n++;
	}
	m[n++] = (customs_report_metric){"customs_http_request_duration_seconds", "histogram", NULL,
					 "customs_http_request_duration_seconds_sum", NULL, s->latency_sum};
	m[n++] = (customs_report_metric){"customs_http_request_duration_seconds", "histogram", NULL,
					 "customs_http_request_duration_seconds_count", NULL, (double)s->latency_count};
	long long errors = 0;
	for (size_t r = 0; r < nroutes; r++)
		errors += s->requests[r * 5 + 4];
	pthread_mutex_unlock(&s->mu);
	m[n++] = (customs_report_metric){"customs_http_errors_total", "counter", "requests answered with a 5xx status",
					 "customs_http_errors_total", NULL, (double)errors};
	long long hits = 0, misses = 0;
	if (s->cache)
		cache_counts(s->cache, &hits, &misses);
	m[n++] = (customs_report_metric){"customs_cache_hits_total", "counter",
					 "answers about a stored image given from memory", "customs_cache_hits_total",
					 NULL, (double)hits};
	m[n++] = (customs_report_metric){"customs_cache_misses_total", "counter",
					 "answers about a stored image made anew", "customs_cache_misses_total", NULL,
					 (double)misses};
	m[n++] = (customs_report_metric){"customs_jobs_queued", "gauge", "jobs waiting for a worker (all workers)",
					 "customs_jobs_queued", NULL, (double)queued};
	m[n++] = (customs_report_metric){"customs_jobs_running", "gauge", "jobs a worker holds now (all workers)",
					 "customs_jobs_running", NULL, (double)running};
	m[n++] = (customs_report_metric){"customs_analyses_total", "counter",
					 "images analysed by this process's workers", "customs_analyses_total", NULL,
					 (double)wc.analyses};
	m[n++] = (customs_report_metric){"customs_jobs_done_total", "counter", "jobs this process's workers finished",
					 "customs_jobs_done_total", NULL, (double)wc.jobs_done};
	m[n++] = (customs_report_metric){"customs_jobs_failed_total", "counter", "jobs this process's workers failed",
					 "customs_jobs_failed_total", NULL, (double)wc.jobs_failed};
	customs_report rep = {.version = CUSTOMS_REPORT_VERSION, .kind = CUSTOMS_REPORT_METRICS, .metrics = m,
			      .nmetrics = n};
	call_report(c, 200, &rep, "prometheus", "text/plain; version=0.0.4; charset=utf-8");
	free(m);
	free(labels);
}

/* ---- running ---- */

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void *workers_main(void *ud)
{
	worker_run(ud);
	return NULL;
}

typedef struct watch_args {
	const server_config *cfg;
	volatile sig_atomic_t *stop;
} watch_args;

static void *watch_main(void *ud)
{
	watch_args *a = ud;
	watch_run(a->cfg, a->stop);
	return NULL;
}

static int parse_listen(const char *l, struct sockaddr_in *sa)
{
	char host[256];
	const char *colon = strrchr(l, ':');
	char *end;
	long port;
	if (!colon || (size_t)(colon - l) >= sizeof(host))
		return -1;
	memcpy(host, l, (size_t)(colon - l));
	host[colon - l] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (*end || port < 0 || port > 65535 || colon[1] == '\0')
		return -1;
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (!strcmp(host, "localhost"))
		strcpy(host, "127.0.0.1");
	return inet_pton(AF_INET, *host ? host : "0.0.0.0", &sa->sin_addr) == 1 ? 0 : -1;
}

static char *read_pem(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t size = 0, n;
	char chunk[4096];
	FILE *m;
	if (!f)
		return NULL;
	if (!(m = open_memstream(&buf, &size))) {
		fclose(f);
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, n, m);
	fclose(f);
	fclose(m);
	return buf;
}

int server_run(const server_config *cfg)
{
	server s = {.cfg = cfg};
	struct sockaddr_in sa;
	char *cert = NULL, *key = NULL;
	customs_store *st = NULL;
	volatile sig_atomic_t wstop = 0;
	pthread_t wt, watcher;
	int rc = -1, have_workers = 0, have_watcher = 0;
	watch_args wa = {cfg, &wstop};
	worker_config wc = {.store_url = cfg->store_url, .db_path = cfg->db_path, .threads = cfg->workers,
			    .lease = cfg->lease, .poll = 0.5, .stop = &wstop};
	char name[128], host[64] = "localhost";

	if (parse_listen(cfg->listen, &sa) < 0) {
		fprintf(stderr, "customs serve: --listen wants HOST:PORT (an IPv4 address), not '%s'\n", cfg->listen);
		return -1;
	}
	/* before any thread: libcurl's global state (webhooks) */
	curl_global_init(CURL_GLOBAL_DEFAULT);
	/* the schema is made (or migrated) once, before any thread needs it */
	if (customs_store_open(&st, cfg->store_url) < 0) {
		fprintf(stderr, "customs serve: %s\n", customs_error_last());
		return -1;
	}
	customs_store_free(st);
	if (cfg->tls_cert || cfg->tls_key) {
		if (!cfg->tls_cert || !cfg->tls_key) {
			fprintf(stderr, "customs serve: --tls-cert and --tls-key go together\n");
			return -1;
		}
		if (!(cert = read_pem(cfg->tls_cert)) || !(key = read_pem(cfg->tls_key))) {
			fprintf(stderr, "customs serve: cannot read %s: %s\n", cert ? cfg->tls_key : cfg->tls_cert,
				strerror(errno));
			goto done;
		}
	}
	if (cfg->cache_bytes && cache_new(&s.cache, cfg->cache_bytes) < 0) {
		fprintf(stderr, "customs serve: out of memory\n");
		goto done;
	}
	if (!(s.requests = calloc((server_nroutes + 1) * 5, sizeof(*s.requests))) ||
	    pthread_key_create(&s.store_key, store_close) != 0 || pthread_mutex_init(&s.mu, NULL) != 0) {
		fprintf(stderr, "customs serve: out of memory\n");
		goto done;
	}
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
	if (cert)
		flags |= MHD_USE_TLS;
	s.d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, &s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
			       MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(cfg->threads > 0 ? cfg->threads : 4),
			       MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->timeout, MHD_OPTION_CONNECTION_LIMIT,
			       (unsigned)1000, MHD_OPTION_NOTIFY_COMPLETED, on_completed, &s,
			       cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, cert, MHD_OPTION_HTTPS_MEM_KEY, key,
			       MHD_OPTION_END);
	if (!s.d) {
		fprintf(stderr, "customs serve: cannot listen on %s: %s\n", cfg->listen,
			errno ? strerror(errno) : "libmicrohttpd refused the options");
		goto done;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(s.d, MHD_DAEMON_INFO_BIND_PORT);
	char addr[64];
	inet_ntop(AF_INET, &sa.sin_addr, addr, sizeof(addr));
	fprintf(stderr, "customs serve: listening on %s://%s:%u (store %s)\n", cert ? "https" : "http", addr,
		info ? (unsigned)info->port : 0, cfg->store_url ? "given" : "default");
	fflush(stderr);
	struct sigaction act = {.sa_handler = on_signal};
	sigaction(SIGINT, &act, NULL);
	sigaction(SIGTERM, &act, NULL);
	if (cfg->workers > 0) {
		gethostname(host, sizeof(host) - 1);
		snprintf(name, sizeof(name), "%s:%ld:serve", host, (long)getpid());
		wc.name = name;
		if (pthread_create(&wt, NULL, workers_main, &wc) != 0) {
			fprintf(stderr, "customs serve: cannot start the workers\n");
			goto done;
		}
		have_workers = 1;
	}
	if (cfg->watch_interval > 0) {
		if (pthread_create(&watcher, NULL, watch_main, &wa) != 0) {
			fprintf(stderr, "customs serve: cannot start watching\n");
			goto done;
		}
		have_watcher = 1;
	}
	while (!stop_flag)
		usleep(100 * 1000);
	/* a database update in flight is let finish: its import is one
	 * transaction, but a half-downloaded feed is wasted */
	while (feeds_update_running())
		usleep(100 * 1000);
	rc = 0;
done:
	wstop = 1;
	if (have_workers)
		pthread_join(wt, NULL);
	if (have_watcher)
		pthread_join(watcher, NULL);
	if (s.d)
		MHD_stop_daemon(s.d);
	if (s.requests) {
		pthread_mutex_destroy(&s.mu);
		pthread_key_delete(s.store_key);
	}
	free(s.requests);
	cache_free(s.cache);
	free(cert);
	if (key)
		explicit_bzero(key, strlen(key));
	free(key);
	return rc;
}
