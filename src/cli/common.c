/* common.c - what several subcommands share: option tables and the image
 * options, the progress line, the analysis runner, the -o outputs. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "common.h"
#include "customs/sys/analyzer.h"
#include "util/util.h"

static int parse_size(uint64_t *out, const char *s)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || s[0] == '-')
		return -1;
	switch (*end) {
	case 'K':
	case 'k': v <<= 10, end++; break;
	case 'M':
	case 'm': v <<= 20, end++; break;
	case 'G':
	case 'g': v <<= 30, end++; break;
	case 'T':
	case 't': v <<= 40, end++; break;
	}
	if (*end)
		return -1;
	*out = v;
	return 0;
}

static int image_opt(cli_image_opts *io, const char *cmd, int opt, const char *arg)
{
	uint64_t v;
	switch (opt) {
	case OPT_PLATFORM: io->o.platform = arg; return 0;
	case OPT_VERIFY_DIFF_IDS: io->o.verify_diff_ids = 1; return 0;
	case OPT_FILE_DIGESTS: io->o.file_digests = 1; return 0;
	case OPT_ANALYZERS: io->o.analyzers = arg; return 0;
	case OPT_SECRETS: io->o.secrets = 1; return 0;
	case OPT_PLUGIN:
		if (customs_analyzer_load(arg) < 0)
			return cli_error(EXIT_FAILED, cmd, "%s", customs_error_last()), -1;
		return 0;
	case OPT_QUIET: io->quiet = 1; return 0;
	case OPT_CA_FILE: io->o.ca_file = arg; return 0;
	case OPT_USERNAME: io->o.registry_username = arg; return 0;
	case OPT_PASSWORD_STDIN: io->password_stdin = 1; return 0;
	case OPT_STORE: io->store_url = arg; return 0;
	case OPT_SCOPE:
		if (!strcmp(arg, "squashed"))
			io->all_layers = 0;
		else if (!strcmp(arg, "all-layers"))
			io->all_layers = 1;
		else
			return cli_usage_error(cmd, "--scope is squashed or all-layers, not '%s'", arg), -1;
		return 0;
	case OPT_POLICY: io->policy.path = arg; return 0;
	case OPT_POLICY_TAG: io->policy.tag = arg; return 0;
	case OPT_FAIL_ON_WARN: io->policy.fail_on_warn = 1; return 0;
	case OPT_DOCKERFILE: io->policy.dockerfile = arg; return 0;
	case OPT_SOURCE_SBOM: io->policy.source_sbom = arg; return 0;
	case OPT_BASE_LAYERS:
		if (parse_size(&v, arg) < 0 || v == 0 || v > 100000)
			return cli_usage_error(cmd, "--base-layers wants a number of layers, not '%s'", arg), -1;
		io->policy.base_layers = (int)v;
		return 0;
	case OPT_AS_OF:
		if ((io->policy.as_of = cli_parse_time(arg)) <= 0)
			return cli_usage_error(cmd, "--as-of wants a date (YYYY-MM-DD) or an RFC 3339 time, not '%s'",
					       arg),
			       -1;
		return 0;
	case OPT_INSECURE_REGISTRY: {
		size_t l = strlen(io->insecure);
		if (!*arg || strchr(arg, ',') || strchr(arg, '/') ||
		    (size_t)snprintf(io->insecure + l, sizeof(io->insecure) - l, "%s%s", l ? "," : "", arg) >=
			    sizeof(io->insecure) - l)
			return cli_usage_error(cmd, "--insecure-registry wants one HOST[:PORT], not '%s'", arg), -1;
		io->o.insecure_registries = io->insecure;
		return 0;
	}
	case OPT_THREADS:
		if (parse_size(&v, arg) < 0 || v == 0 || v > 64)
			return cli_usage_error(cmd, "--threads wants a number from 1 to 64, not '%s'", arg), -1;
		io->o.threads = (int)v;
		return 0;
	case OPT_MAX_LAYER_BYTES:
		if (parse_size(&v, arg) < 0 || v == 0)
			return cli_usage_error(cmd, "--max-layer-bytes wants a size like 64G, not '%s'", arg), -1;
		io->o.max_layer_bytes = v;
		return 0;
	case OPT_MAX_RATIO:
		if (parse_size(&v, arg) < 0 || v == 0)
			return cli_usage_error(cmd, "--max-ratio wants a positive number, not '%s'", arg), -1;
		io->o.max_ratio = v;
		return 0;
	}
	return 0;
}

/* ---- options ---- */

static const cli_opt image_opts[] = {
	{"platform", 0, required_argument, OPT_PLATFORM},
	{"verify-diff-ids", 0, no_argument, OPT_VERIFY_DIFF_IDS},
	{"file-digests", 0, no_argument, OPT_FILE_DIGESTS},
	{"threads", 0, required_argument, OPT_THREADS},
	{"max-layer-bytes", 0, required_argument, OPT_MAX_LAYER_BYTES},
	{"max-ratio", 0, required_argument, OPT_MAX_RATIO},
	{"analyzers", 0, required_argument, OPT_ANALYZERS},
	{"secrets", 0, no_argument, OPT_SECRETS},
	{"plugin", 0, required_argument, OPT_PLUGIN},
	{NULL, 0, 0, 0},
};
static const cli_opt quiet_opts[] = {{"quiet", 0, no_argument, OPT_QUIET}, {NULL, 0, 0, 0}};
static const cli_opt registry_opts[] = {
	{"insecure-registry", 0, required_argument, OPT_INSECURE_REGISTRY},
	{"ca-file", 0, required_argument, OPT_CA_FILE},
	{"username", 0, required_argument, OPT_USERNAME},
	{"password-stdin", 0, no_argument, OPT_PASSWORD_STDIN},
	{NULL, 0, 0, 0},
};
static const cli_opt scope_opts[] = {{"scope", 0, required_argument, OPT_SCOPE}, {NULL, 0, 0, 0}};
static const cli_opt store_opts[] = {{"store", 0, required_argument, OPT_STORE}, {NULL, 0, 0, 0}};
static const cli_opt policy_opts[] = {
	{"policy", 0, required_argument, OPT_POLICY},
	{"tag", 0, required_argument, OPT_POLICY_TAG},
	{"fail-on-warn", 0, no_argument, OPT_FAIL_ON_WARN},
	{"dockerfile", 0, required_argument, OPT_DOCKERFILE},
	{"base-layers", 0, required_argument, OPT_BASE_LAYERS},
	{"source-sbom", 0, required_argument, OPT_SOURCE_SBOM},
	{"as-of", 0, required_argument, OPT_AS_OF},
	{NULL, 0, 0, 0},
};

static void add_opts(cli_parser *p, size_t *n, size_t *ns, const cli_opt *t)
{
	for (; t && t->name && *n < CLI_OPTS_MAX; t++) {
		p->longopts[(*n)++] = (struct option){t->name, t->has_arg, NULL, t->id};
		if (t->letter) {
			p->shortopts[(*ns)++] = (char)t->letter;
			if (t->has_arg == required_argument)
				p->shortopts[(*ns)++] = ':';
		}
	}
}

void cli_parser_init(cli_parser *p, const char *cmd, int argc, char **argv, const cli_opt *own, unsigned groups,
		     cli_image_opts *io)
{
	size_t n = 0, ns = 0;
	memset(p, 0, sizeof(*p));
	p->cmd = cmd;
	p->argc = argc;
	p->argv = argv;
	p->own = own;
	p->io = io;
	if (io)
		io->store_group = (groups & CLI_OPTS_STORE) != 0;
	/* the command's own first: its -o comes before everything shared */
	add_opts(p, &n, &ns, own);
	if (groups & CLI_OPTS_SCOPE)
		add_opts(p, &n, &ns, scope_opts);
	if (groups & CLI_OPTS_IMAGE)
		add_opts(p, &n, &ns, image_opts);
	if (groups & CLI_OPTS_QUIET)
		add_opts(p, &n, &ns, quiet_opts);
	if (groups & CLI_OPTS_REGISTRY)
		add_opts(p, &n, &ns, registry_opts);
	if (groups & CLI_OPTS_STORE)
		add_opts(p, &n, &ns, store_opts);
	if (groups & CLI_OPTS_POLICY)
		add_opts(p, &n, &ns, policy_opts);
	opterr = 0;
	optind = 1;
}

int cli_next(cli_parser *p)
{
	int opt;
	while ((opt = getopt_long(p->argc, p->argv, p->shortopts, p->longopts, NULL)) != -1) {
		for (const cli_opt *t = p->own; t && t->name && opt != '?'; t++)
			if (opt == t->id || (t->letter && opt == t->letter))
				return t->id;
		/* getopt_long gives only what the tables hold: a shared option */
		if (opt != '?' && p->io && opt >= OPT_PLATFORM && opt < OPT_IMAGE_LAST) {
			if (image_opt(p->io, p->cmd, opt, optarg) < 0)
				return -EXIT_USAGE;
			continue;
		}
		return -cli_usage_error(p->cmd, "unknown option '%s'", p->argv[optind - 1]);
	}
	return 0;
}

/* A shared option into io: 0, or <0 with a usage error printed. */
int cli_one_operand(const char *cmd, int argc, const char *missing, const char *what)
{
	if (optind >= argc)
		return cli_usage_error(cmd, "missing %s", missing);
	if (optind + 1 != argc)
		return cli_usage_error(cmd, "one %s at a time", what);
	return 0;
}

static void progress(void *ud, uint64_t done, uint64_t total)
{
	(void)ud;
	char a[32], b[32];
	if (total < (64u << 20))
		return; /* small images finish before a progress line helps */
	fprintf(stderr, "\r\033[Kreading layers: %s of %s (%d%%)", customs_human_bytes(a, sizeof(a), (double)done),
		customs_human_bytes(b, sizeof(b), (double)total), total ? (int)(done * 100 / total) : 0);
}

int cli_image_prepare(cli_image_opts *io, const char *cmd)
{
	io->o.version = CUSTOMS_OPTIONS_VERSION;
	const char *ev = getenv("CUSTOMS_INSECURE_REGISTRIES");
	if (ev && *ev) {
		size_t l = strlen(io->insecure);
		if ((size_t)snprintf(io->insecure + l, sizeof(io->insecure) - l, "%s%s", l ? "," : "", ev) >=
		    sizeof(io->insecure) - l)
			return cli_error(EXIT_USAGE, cmd, "CUSTOMS_INSECURE_REGISTRIES is too long");
		io->o.insecure_registries = io->insecure;
	}
	if (io->password_stdin && !io->password) {
		size_t cap = 0, len = 0;
		int c;
		if (!io->o.registry_username && !getenv("CUSTOMS_REGISTRY_USERNAME"))
			return cli_usage_error(cmd, "--password-stdin needs --username");
		while ((c = getchar()) != EOF) {
			if (len + 1 >= cap) {
				/* grow by copying, so no stale copy of the secret is left behind */
				size_t ncap = cap ? cap * 2 : 256;
				char *np = ncap <= (64u << 10) ? malloc(ncap) : NULL;
				if (!np) {
					if (io->password)
						explicit_bzero(io->password, cap);
					free(io->password);
					io->password = NULL;
					return cli_error(EXIT_USAGE, cmd,
							 "--password-stdin: more than 64 KiB on stdin");
				}
				if (io->password) {
					memcpy(np, io->password, len);
					explicit_bzero(io->password, cap);
					free(io->password);
				}
				io->password = np;
				cap = ncap;
			}
			io->password[len++] = (char)c;
		}
		if (!io->password && !(io->password = calloc(1, 1)))
			return cli_error(EXIT_FAILED, cmd, "out of memory");
		while (len && (io->password[len - 1] == '\n' || io->password[len - 1] == '\r'))
			len--;
		io->password[len] = '\0';
		if (!len)
			return cli_usage_error(cmd, "--password-stdin: nothing on stdin");
		io->o.registry_password = io->password;
	}
	if (!io->o.registry_username && getenv("CUSTOMS_REGISTRY_USERNAME") && *getenv("CUSTOMS_REGISTRY_USERNAME"))
		io->o.registry_username = getenv("CUSTOMS_REGISTRY_USERNAME");
	if (io->o.registry_username && !io->o.registry_password) {
		const char *pw = getenv("CUSTOMS_REGISTRY_PASSWORD");
		if (!pw || !*pw)
			return cli_usage_error(cmd, "--username needs --password-stdin (or CUSTOMS_REGISTRY_PASSWORD)");
		io->o.registry_password = pw;
	}
	return 0;
}

void cli_image_release(cli_image_opts *io)
{
	if (io->password) {
		explicit_bzero(io->password, strlen(io->password));
		free(io->password);
		io->password = NULL;
	}
	io->o.registry_password = NULL;
}

int cli_analyze(customs_analysis **out, const char *cmd, const char *ref, cli_image_opts *io)
{
	return cli_analyze_stored(out, cmd, ref, io, NULL);
}

int cli_vulndb_open(customs_vulndb **out, const char *cmd, const char *opt, int need)
{
	char *path = NULL;
	int err;
	*out = NULL;
	if (opt)
		path = strdup(opt);
	else if (customs_vulndb_default_path(&path) < 0)
		return cli_error(EXIT_FAILED, cmd, "%s", customs_error_last());
	if (!path)
		return cli_error(EXIT_FAILED, cmd, "out of memory");
	err = customs_vulndb_open(out, path, 1);
	free(path);
	if (err == CUSTOMS_ENOTFOUND && !opt && !need)
		return 0;
	return err < 0 ? cli_error(EXIT_FAILED, cmd, "%s", customs_error_last()) : 0;
}

int cli_store_open(customs_store **out, const char *cmd, const char *url, int need)
{
	const char *env = getenv("CUSTOMS_STORE");
	*out = NULL;
	if (!url && !(env && *env) && !need)
		return 0;
	int err = customs_store_open(out, url ? url : env);
	if (err < 0)
		return cli_error(err == CUSTOMS_EUSAGE ? EXIT_USAGE : EXIT_FAILED, cmd, "%s", customs_error_last());
	return 0;
}

int cli_analyze_stored(customs_analysis **out, const char *cmd, const char *ref, cli_image_opts *io,
		       customs_store_stats *stats)
{
	int rc;
	if ((rc = cli_image_prepare(io, cmd)) != 0)
		return rc;
	/* analyzer plugins register themselves as analyzers (docs/plugins.md) */
	if (customs_plugins_load() < 0) {
		cli_image_release(io);
		return cli_error(EXIT_FAILED, cmd, "%s", customs_error_last());
	}
	int tty = !io->quiet && isatty(2);
	if (tty) {
		io->o.progress = progress;
		io->o.progress_ud = NULL;
	}
	int err;
	/* store:DIGEST|TAG names a stored analysis: the default store unless told */
	if (!io->store && (io->store_group || !strncmp(ref, "store:", 6)) &&
	    (rc = cli_store_open(&io->store, cmd, io->store_url, !strncmp(ref, "store:", 6))) != 0)
		return rc;
	if (io->store) {
		customs_store_opts so = {.version = CUSTOMS_STORE_OPTS_VERSION,
					 .tag = io->tag,
					 .force = io->force,
					 .load_flags = io->load_flags};
		customs_store_stats st;
		err = customs_store_analyze(io->store, out, ref, &io->o, &so, &st);
		if (stats)
			*stats = st;
		if (!err && cli_timings_env())
			fprintf(stderr, "customs %s: timings: store: %s, %zu layers read, %zu from the store\n", cmd,
				st.known    ? "image known"
				: st.stored ? "stored"
					    : "not stored",
				st.layers_read, st.layers_cached);
	} else {
		err = customs_analyze(out, ref, &io->o);
	}
	cli_image_release(io);
	if (tty)
		fputs("\r\033[K", stderr);
	if (err < 0) {
		if (err == CUSTOMS_EUSAGE)
			return cli_error(EXIT_USAGE, cmd, "%s", customs_error_last());
		return cli_error(EXIT_FAILED, cmd, "%s", customs_error_last());
	}
	if (!io->quiet) {
		const customs_analysis *a = *out;
		for (size_t i = 0; i < a->nwarnings; i++)
			fprintf(stderr, "customs %s: %s: %s\n", cmd,
				a->warnings[i].level == CUSTOMS_ERROR ? "error" : "warning", a->warnings[i].message);
	}
	return 0;
}

int cli_analysis_exit(const customs_analysis *a)
{
	return a->complete ? EXIT_OK : EXIT_INCOMPLETE;
}

int cli_write_json(json_t *j, const char *path)
{
	FILE *f = path ? fopen(path, "w") : stdout;
	if (!f)
		return cli_error(EXIT_FAILED, NULL, "cannot write %s: %s", path, strerror(errno));
	int rc = json_dumpf(j, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', f);
	if (path && fclose(f) != 0)
		rc = -1;
	else if (!path && fflush(f) != 0)
		rc = -1;
	return rc < 0 ? cli_error(EXIT_FAILED, NULL, "write error: %s", strerror(errno)) : 0;
}

/* ---- -o FORMAT[=FILE] ---- */

int cli_format_check(const char *cmd, const char *format, customs_report_kind kind)
{
	if (customs_report_format_check(kind, format) < 0)
		return cli_usage_error(cmd, "%s", customs_error_last());
	return 0;
}

int cli_output_add(cli_outputs *o, const char *cmd, const char *arg, customs_report_kind kind)
{
	const char *eq = strchr(arg, '=');
	size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
	char name[sizeof(o->v[0].format) + 1];
	cli_output *out;
	int rc;

	if (o->n == sizeof(o->v) / sizeof(o->v[0]))
		return cli_usage_error(cmd, "too many -o outputs (at most %zu)", sizeof(o->v) / sizeof(o->v[0]));
	/* a name too long to keep is no format: the check quotes its start */
	if (n >= sizeof(name))
		n = sizeof(name) - 1;
	memcpy(name, arg, n);
	name[n] = '\0';
	if ((rc = cli_format_check(cmd, name, kind)) != 0)
		return rc;
	out = &o->v[o->n];
	memset(out, 0, sizeof(*out));
	memcpy(out->format, name, n < sizeof(out->format) ? n : sizeof(out->format) - 1); /* a known format fits */
	if (eq && !eq[1])
		return cli_usage_error(cmd, "-o %s= names no file", out->format);
	out->path = eq ? eq + 1 : NULL;
	o->n++;
	return 0;
}

int cli_outputs_finish(cli_outputs *o, const char *cmd, const char *dflt)
{
	size_t on_stdout = 0;
	if (!o->n && dflt) {
		snprintf(o->v[0].format, sizeof(o->v[0].format), "%s", dflt);
		o->v[0].path = NULL;
		o->n = 1;
	}
	for (size_t i = 0; i < o->n; i++) {
		if (!o->v[i].path || !strcmp(o->v[i].path, "-")) {
			o->v[i].path = NULL;
			on_stdout++;
		}
		for (size_t k = 0; k < i; k++)
			if (o->v[i].path && o->v[k].path && !strcmp(o->v[i].path, o->v[k].path))
				return cli_usage_error(cmd, "-o %s and -o %s both write %s", o->v[k].format,
						       o->v[i].format, o->v[i].path);
	}
	if (on_stdout > 1)
		return cli_usage_error(cmd,
				       "only one output can go to stdout: give the others a file (-o FORMAT=FILE)");
	return 0;
}

FILE *cli_output_open(const cli_output *out, const char *cmd, char **tmp)
{
	FILE *f;
	*tmp = NULL;
	if (!out->path)
		return stdout;
	/* write beside the target and rename: never half a file; but a device
	 * or a pipe (/dev/stdout, /dev/null, a FIFO) is written as it is */
	struct stat st;
	if (stat(out->path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (!(f = fopen(out->path, "w")))
			cli_error(EXIT_FAILED, cmd, "cannot write %s: %s", out->path, strerror(errno));
		return f;
	}
	size_t n = strlen(out->path) + 32;
	if (!(*tmp = malloc(n))) {
		cli_error(EXIT_FAILED, cmd, "out of memory");
		return NULL;
	}
	snprintf(*tmp, n, "%s.tmp.%ld", out->path, (long)getpid());
	if (!(f = fopen(*tmp, "w"))) {
		cli_error(EXIT_FAILED, cmd, "cannot write %s: %s", out->path, strerror(errno));
		free(*tmp);
		*tmp = NULL;
	}
	return f;
}

int cli_output_close(FILE *f, const cli_output *out, const char *cmd, char *tmp, int ok)
{
	int rc = 0;
	if (f == stdout) {
		if (fflush(stdout) != 0)
			rc = cli_error(EXIT_FAILED, cmd, "write error on stdout: %s", strerror(errno));
		return rc;
	}
	if (fclose(f) != 0 && ok)
		rc = cli_error(EXIT_FAILED, cmd, "write error on %s: %s", out->path, strerror(errno));
	if (!tmp)
		return rc;
	if (ok && !rc && rename(tmp, out->path) != 0)
		rc = cli_error(EXIT_FAILED, cmd, "cannot write %s: %s", out->path, strerror(errno));
	if (!ok || rc)
		unlink(tmp);
	free(tmp);
	return rc;
}

int cli_write_outputs(const char *cmd, customs_report_writer *w, const cli_outputs *outs, int timings)
{
	int rc = 0;
	for (size_t i = 0; i < outs->n && !rc; i++) {
		const cli_output *o = &outs->v[i];
		char *tmp;
		double t0 = cli_now_ms();
		FILE *f = cli_output_open(o, cmd, &tmp);
		if (!f)
			return EXIT_FAILED;
		if (customs_report_writer_write(w, f, o->format) < 0)
			rc = cli_error(EXIT_FAILED, cmd, "%s%s%s: %s", o->format, o->path ? " to " : "",
				       o->path ? o->path : "", customs_error_last());
		int crc = cli_output_close(f, o, cmd, tmp, rc == 0);
		if (timings)
			fprintf(stderr, "customs %s: timings: %s %.1f ms\n", cmd, o->format, cli_now_ms() - t0);
		rc = rc ? rc : crc;
	}
	return rc;
}

double cli_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int cli_timings_env(void)
{
	const char *e = getenv("CUSTOMS_TIMINGS");
	return e && *e && strcmp(e, "0");
}

int cli_feeds(const customs_vulndb_feed **feeds, size_t *n, customs_vulndb_feed **loaded, const char *config,
	      const char *cmd)
{
	const char *env = getenv("CUSTOMS_FEEDS");
	*loaded = NULL;
	*n = 0;
	if (!config && env && *env)
		config = env;
	if (config) {
		if (customs_vulndb_feeds_load(loaded, n, config) < 0)
			return cli_error(EXIT_USAGE, cmd, "%s%s", customs_error_last(),
					 config == env ? " (the feeds of $CUSTOMS_FEEDS)" : "");
		*feeds = *loaded;
		return 0;
	}
	*feeds = customs_vulndb_default_feeds();
	while ((*feeds)[*n].name)
		(*n)++;
	return 0;
}

long long cli_parse_time(const char *s)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	if (!s || sscanf(s, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	sscanf(s + 10, "T%2d:%2d:%2d", &tm.tm_hour, &tm.tm_min, &tm.tm_sec);
	return (long long)timegm(&tm);
}

/* ---- --policy ---- */

int cli_bundle_load(customs_policy_bundle **out, const char *cmd, const char *path)
{
	customs_policy_problems *pr = NULL;
	int err = customs_policy_bundle_load(out, &pr, path, NULL);
	if (err >= 0)
		return 0;
	if (!pr)
		return cli_error(EXIT_FAILED, cmd, "--policy %s", customs_error_last());
	for (size_t i = 0; i < pr->n; i++)
		cli_error(0, cmd, "%s: %s%s%s", path, pr->v[i].path, *pr->v[i].path ? ": " : "", pr->v[i].message);
	if (pr->more)
		cli_error(0, cmd, "%s: %zu more problems", path, pr->more);
	cli_error(0, cmd, "%s is not a valid policy bundle: nothing was evaluated (`customs policy validate %s`)", path,
		  path);
	customs_policy_problems_free(pr);
	return EXIT_FAILED;
}

int cli_policy_prepare(cli_image_opts *io, const char *cmd)
{
	cli_policy *p = &io->policy;
	int rc;
	if (!p->path)
		return 0;
	if ((rc = cli_bundle_load(&p->bundle, cmd, p->path)) != 0)
		return rc;
	if (p->dockerfile && customs_read_file(&p->dockerfile_text, NULL, p->dockerfile, 4u << 20) < 0)
		return cli_error(EXIT_FAILED, cmd, "--dockerfile %s", customs_error_last());
	if (p->source_sbom && customs_sbom_read(&p->source, p->source_sbom, NULL, NULL) < 0)
		return cli_error(EXIT_FAILED, cmd, "--source-sbom %s", customs_error_last());
	if (p->source)
		customs_analysis_select_packages(p->source, 0);
	io->o.version = CUSTOMS_OPTIONS_VERSION;
	if (customs_policy_bundle_options(p->bundle, &io->o) < 0)
		return cli_error(EXIT_FAILED, cmd, "%s", customs_error_last());
	return 0;
}

int cli_policy_run(cli_image_opts *io, const char *cmd, const customs_analysis *a, const customs_match_result *m,
		   customs_vulndb *db, const customs_vulndb_info *info, customs_policy_result **out)
{
	const cli_policy *p = &io->policy;
	customs_policy_eval_opts eo = {
		.version = CUSTOMS_POLICY_EVAL_OPTS_VERSION,
		.tag = p->tag,
		.matches = m,
		.db = db,
		.db_info = info,
		.dockerfile = p->dockerfile_text,
		.base_layers = p->base_layers,
		.now = p->as_of,
		.source_sbom = p->source,
	};
	if (customs_policy_evaluate(out, p->bundle, a, &eo) < 0)
		return cli_error(EXIT_FAILED, cmd, "evaluating %s: %s", p->path, customs_error_last());
	if (!io->quiet)
		for (size_t i = 0; i < (*out)->nwarnings; i++)
			cli_error(0, cmd, "policy: warning: %s", (*out)->warnings[i]);
	return 0;
}

int cli_policy_keep(cli_image_opts *io, const char *cmd, const customs_analysis *a, const customs_policy_result *pr)
{
	char *json = NULL;
	size_t len = 0;
	FILE *f;
	int err;
	if (!io->store || !pr->image_digest)
		return 0;
	customs_report r = {
		.version = CUSTOMS_REPORT_VERSION, .kind = CUSTOMS_REPORT_POLICY, .analysis = a, .policy = pr};
	if (!(f = open_memstream(&json, &len)))
		return cli_error(EXIT_FAILED, cmd, "out of memory");
	err = customs_report_write(f, &r, "json");
	fclose(f);
	customs_store_evaluation e = {.image_digest = pr->image_digest,
				      .bundle_digest = pr->bundle_digest,
				      .action = customs_policy_action_name(pr->final_action),
				      .result = json};
	if (!err)
		err = customs_store_evaluation_put(io->store, &e);
	free(json);
	if (err < 0)
		return cli_error(EXIT_FAILED, cmd, "keeping the evaluation in the store: %s", customs_error_last());
	return 0;
}

int cli_policy_base(cli_image_opts *io, const char *cmd, const customs_analysis *a)
{
	customs_store_base *b = NULL;
	int err;
	if (!io->store || !io->policy.path || io->policy.base_layers)
		return 0;
	if ((err = customs_store_base_of(io->store, &b, a)) < 0 && err != CUSTOMS_ENOTFOUND)
		return cli_error(EXIT_FAILED, cmd, "%s", customs_error_last());
	if (b && b->layers <= (size_t)INT_MAX)
		io->policy.base_layers = (int)b->layers;
	customs_store_base_free(b);
	return 0;
}

int cli_policy_exit(const customs_policy_result *r, const cli_policy *p)
{
	if (r->final_action == CUSTOMS_POLICY_STOP || (r->final_action == CUSTOMS_POLICY_WARN && p->fail_on_warn))
		return EXIT_FINDINGS;
	return EXIT_OK;
}

void cli_policy_release(cli_image_opts *io)
{
	customs_policy_bundle_free(io->policy.bundle);
	io->policy.bundle = NULL;
	free(io->policy.dockerfile_text);
	io->policy.dockerfile_text = NULL;
	customs_analysis_free(io->policy.source);
	io->policy.source = NULL;
}
