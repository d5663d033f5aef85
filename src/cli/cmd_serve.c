/* cmd_serve.c - `customs serve`: the HTTP API (src/server/, docs/api.md)
 * with worker threads; `customs worker`: more workers on the same store,
 * on any machine that reaches it. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "common.h"
#include "server.h"

const char cmd_serve_usage[] =
	"usage: customs serve [--listen HOST:PORT] [--store URL] [--workers N] [--threads N]\n"
	"                     [--tls-cert FILE --tls-key FILE] [--allow-anonymous-read]\n"
	"                     [--allow-local-images] [--max-body BYTES] [--timeout SECONDS]\n"
	"                     [--lease SECONDS] [--db PATH] [--cache-mb N]\n"
	"                     [--admission-timeout SECONDS] [--admission-mode open|closed]\n"
	"                     [--watch-interval SECONDS]\n"
	"\n"
	"Serve the JSON API of docs/api.md: the store's images, their packages, files,\n"
	"layers, vulnerabilities and SBOMs, queries, diffs, the database's status, and\n"
	"a job queue of analyses (POST /v1/images) that N worker threads, and any\n"
	"number of `customs worker` processes on the same store, take jobs from.\n"
	"Every route but /healthz wants an API token (customs token create NAME):\n"
	"Authorization: Bearer TOKEN.  Stops on SIGINT or SIGTERM.\n"
	"\n"
	"Options:\n"
	"  --listen HOST:PORT      where to listen (default 127.0.0.1:8080; port 0: any\n"
	"                          free port, printed on stderr)\n"
	"  --workers N             worker threads taking jobs (default 2; 0: none)\n"
	"  --threads N             threads answering requests (default 4)\n"
	"  --tls-cert FILE, --tls-key FILE  PEM certificate and key: serve HTTPS\n"
	"  --allow-anonymous-read  GET routes without a token\n"
	"  --allow-local-images    POST /v1/images may name images on the server's disk\n"
	"                          (oci:DIR, docker-archive:FILE, ...); otherwise only\n"
	"                          registry references are taken\n"
	"  --max-body BYTES        largest request body (default 1048576)\n"
	"  --timeout SECONDS       close a connection idle this long (default 30)\n"
	"  --lease SECONDS         a job's lease: a worker that stops renewing it (it\n"
	"                          died) loses the job to another after this (default 60)\n"
	"  --db PATH               the vulnerability database the workers match against\n"
	"                          and /v1/feeds describes (default: customs db's)\n"
	"  --cache-mb N            answers about stored images kept in memory, each\n"
	"                          checked against the image's state in the store before\n"
	"                          it is given again (default 64; 0: none)\n"
	"  --admission-timeout SECONDS  how long POST /v1/admission waits for the analyses\n"
	"                          of images the store does not hold (default 10)\n"
	"  --admission-mode open|closed  an image that cannot be analysed or evaluated in\n"
	"                          time: allowed with a warning (open) or denied (closed,\n"
	"                          the default)\n"
	"  --watch-interval SECONDS  how often the watched tags (POST /v1/subscriptions)\n"
	"                          are looked at, the database's build checked (a new\n"
	"                          one: every image matched again) and webhooks sent\n"
	"                          (default 60; 0: no watching)\n"
	"\n" CLI_STORE_USAGE;

const char cmd_worker_usage[] =
	"usage: customs worker [--store URL] [--threads N] [--lease SECONDS] [--db PATH]\n"
	"\n"
	"Take analyses off the store's job queue (queued by customs serve's\n"
	"POST /v1/images) until SIGINT or SIGTERM, finishing the job at hand first.\n"
	"Run any number of them, on any machine that reaches the store: with\n"
	"PostgreSQL they never take the same job (SELECT ... FOR UPDATE SKIP LOCKED),\n"
	"and the job of a worker that dies is taken again once its lease runs out.\n"
	"Registry credentials come from CUSTOMS_REGISTRY_USERNAME/PASSWORD, insecure\n"
	"registries from CUSTOMS_INSECURE_REGISTRIES.\n"
	"\n"
	"Options:\n"
	"  --threads N             jobs at once (default 1)\n"
	"  --lease SECONDS         a job's lease, renewed while it runs (default 60)\n"
	"  --db PATH               the vulnerability database to match against\n"
	"                          (default: customs db's, when there is one)\n"
	"\n" CLI_STORE_USAGE;

enum {
	OPT_LISTEN = OPT_IMAGE_LAST, OPT_WORKERS, OPT_SERVE_THREADS, OPT_TLS_CERT, OPT_TLS_KEY, OPT_ANON,
	OPT_LOCAL, OPT_MAX_BODY, OPT_TIMEOUT, OPT_LEASE, OPT_DB, OPT_CACHE, OPT_ADM_TIMEOUT, OPT_ADM_MODE,
	OPT_WATCH,
};

/* a whole number in [lo, hi], else a usage error */
static int number(const char *cmd, const char *opt, const char *v, long lo, long hi, long *out)
{
	char *end;
	long n = strtol(v, &end, 10);
	if (!*v || *end || n < lo || n > hi)
		return cli_usage_error(cmd, "%s wants a number from %ld to %ld, not '%s'", opt, lo, hi, v);
	*out = n;
	return 0;
}

int cmd_serve(int argc, char **argv)
{
	static const cli_opt opts[] = {
		{"listen", 0, required_argument, OPT_LISTEN},
		{"workers", 0, required_argument, OPT_WORKERS},
		{"threads", 0, required_argument, OPT_SERVE_THREADS},
		{"tls-cert", 0, required_argument, OPT_TLS_CERT},
		{"tls-key", 0, required_argument, OPT_TLS_KEY},
		{"allow-anonymous-read", 0, no_argument, OPT_ANON},
		{"allow-local-images", 0, no_argument, OPT_LOCAL},
		{"max-body", 0, required_argument, OPT_MAX_BODY},
		{"timeout", 0, required_argument, OPT_TIMEOUT},
		{"lease", 0, required_argument, OPT_LEASE},
		{"db", 0, required_argument, OPT_DB},
		{"cache-mb", 0, required_argument, OPT_CACHE},
		{"admission-timeout", 0, required_argument, OPT_ADM_TIMEOUT},
		{"admission-mode", 0, required_argument, OPT_ADM_MODE},
		{"watch-interval", 0, required_argument, OPT_WATCH},
		{NULL, 0, 0, 0},
	};
	server_config c = {.listen = "127.0.0.1:8080", .workers = 2, .threads = 4, .max_body = 1 << 20,
			   .timeout = 30, .lease = 60, .cache_bytes = 64u << 20,
			   .admission_timeout = 10, .admission_fail_closed = 1, .watch_interval = 60};
	cli_image_opts io = {0};
	cli_parser p;
	long n = 0;
	int opt, rc = 0;

	cli_parser_init(&p, "serve", argc, argv, opts, CLI_OPTS_STORE, &io);
	while (!rc && (opt = cli_next(&p)) > 0) {
		switch (opt) {
		case OPT_LISTEN: c.listen = optarg; break;
		case OPT_WORKERS: rc = number("serve", "--workers", optarg, 0, 64, &n), c.workers = (int)n; break;
		case OPT_SERVE_THREADS: rc = number("serve", "--threads", optarg, 1, 256, &n), c.threads = (int)n; break;
		case OPT_TLS_CERT: c.tls_cert = optarg; break;
		case OPT_TLS_KEY: c.tls_key = optarg; break;
		case OPT_ANON: c.allow_anonymous_read = 1; break;
		case OPT_LOCAL: c.allow_local_images = 1; break;
		case OPT_MAX_BODY: rc = number("serve", "--max-body", optarg, 1024, 1L << 30, &n), c.max_body = (size_t)n; break;
		case OPT_TIMEOUT: rc = number("serve", "--timeout", optarg, 1, 3600, &n), c.timeout = (int)n; break;
		case OPT_LEASE: rc = number("serve", "--lease", optarg, 2, 86400, &n), c.lease = (int)n; break;
		case OPT_DB: c.db_path = optarg; break;
		case OPT_ADM_TIMEOUT: rc = number("serve", "--admission-timeout", optarg, 1, 300, &n), c.admission_timeout = (int)n; break;
		case OPT_ADM_MODE:
			if (strcmp(optarg, "open") && strcmp(optarg, "closed"))
				rc = cli_usage_error("serve", "--admission-mode is open or closed, not '%s'", optarg);
			c.admission_fail_closed = !strcmp(optarg, "closed");
			break;
		case OPT_WATCH: rc = number("serve", "--watch-interval", optarg, 0, 86400, &n), c.watch_interval = (int)n; break;
		case OPT_CACHE: rc = number("serve", "--cache-mb", optarg, 0, 65536, &n), c.cache_bytes = (size_t)n << 20; break;
		}
	}
	if (rc)
		return rc;
	if (opt < 0)
		return -opt;
	if (optind < argc)
		return cli_usage_error("serve", "unexpected argument '%s'", argv[optind]);
	c.store_url = io.store_url ? io.store_url : getenv("CUSTOMS_STORE");
	return server_run(&c) < 0 ? EXIT_FAILED : EXIT_OK;
}

static volatile sig_atomic_t worker_stop;

static void on_stop(int sig)
{
	(void)sig;
	worker_stop = 1;
}

int cmd_worker(int argc, char **argv)
{
	static const cli_opt opts[] = {
		{"threads", 0, required_argument, OPT_SERVE_THREADS},
		{"lease", 0, required_argument, OPT_LEASE},
		{"db", 0, required_argument, OPT_DB},
		{NULL, 0, 0, 0},
	};
	worker_config c = {.threads = 1, .lease = 60, .poll = 0.5, .stop = &worker_stop};
	cli_image_opts io = {0};
	cli_parser p;
	char host[64] = "localhost", name[128];
	long n = 0;
	int opt, rc = 0;

	cli_parser_init(&p, "worker", argc, argv, opts, CLI_OPTS_STORE, &io);
	while (!rc && (opt = cli_next(&p)) > 0) {
		switch (opt) {
		case OPT_SERVE_THREADS: rc = number("worker", "--threads", optarg, 1, 64, &n), c.threads = (int)n; break;
		case OPT_LEASE: rc = number("worker", "--lease", optarg, 2, 86400, &n), c.lease = (int)n; break;
		case OPT_DB: c.db_path = optarg; break;
		}
	}
	if (rc)
		return rc;
	if (opt < 0)
		return -opt;
	if (optind < argc)
		return cli_usage_error("worker", "unexpected argument '%s'", argv[optind]);
	c.store_url = io.store_url ? io.store_url : getenv("CUSTOMS_STORE");
	gethostname(host, sizeof(host) - 1);
	snprintf(name, sizeof(name), "%s:%ld", host, (long)getpid());
	c.name = name;
	struct sigaction act = {.sa_handler = on_stop};
	sigaction(SIGINT, &act, NULL);
	sigaction(SIGTERM, &act, NULL);
	fprintf(stderr, "customs worker: %s taking jobs with %d thread%s\n", name, c.threads, c.threads == 1 ? "" : "s");
	return worker_run(&c) < 0 ? EXIT_FAILED : EXIT_OK;
}
