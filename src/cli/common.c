/* common.c - image options, progress line, analysis runner. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "common.h"

static int parse_size(uint64_t *out, const char *s)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || s[0] == '-')
		return -1;
	switch (*end) {
	case 'K': case 'k': v <<= 10, end++; break;
	case 'M': case 'm': v <<= 20, end++; break;
	case 'G': case 'g': v <<= 30, end++; break;
	case 'T': case 't': v <<= 40, end++; break;
	}
	if (*end)
		return -1;
	*out = v;
	return 0;
}

int cli_image_opt(cli_image_opts *io, const char *cmd, int opt, const char *arg)
{
	uint64_t v;
	switch (opt) {
	case OPT_PLATFORM: io->o.platform = arg; return 1;
	case OPT_VERIFY_DIFF_IDS: io->o.verify_diff_ids = 1; return 1;
	case OPT_FILE_DIGESTS: io->o.file_digests = 1; return 1;
	case OPT_ANALYZERS: io->o.analyzers = arg; return 1;
	case OPT_QUIET: io->quiet = 1; return 1;
	case OPT_CA_FILE: io->o.ca_file = arg; return 1;
	case OPT_USERNAME: io->o.registry_username = arg; return 1;
	case OPT_PASSWORD_STDIN: io->password_stdin = 1; return 1;
	case OPT_INSECURE_REGISTRY: {
		size_t l = strlen(io->insecure);
		if (!*arg || strchr(arg, ',') || strchr(arg, '/') ||
		    (size_t)snprintf(io->insecure + l, sizeof(io->insecure) - l, "%s%s", l ? "," : "", arg) >=
			    sizeof(io->insecure) - l)
			return cli_usage_error(cmd, "--insecure-registry wants one HOST[:PORT], not '%s'", arg), -1;
		io->o.insecure_registries = io->insecure;
		return 1;
	}
	case OPT_THREADS:
		if (parse_size(&v, arg) < 0 || v == 0 || v > 64)
			return cli_usage_error(cmd, "--threads wants a number from 1 to 64, not '%s'", arg), -1;
		io->o.threads = (int)v;
		return 1;
	case OPT_MAX_LAYER_BYTES:
		if (parse_size(&v, arg) < 0 || v == 0)
			return cli_usage_error(cmd, "--max-layer-bytes wants a size like 64G, not '%s'", arg), -1;
		io->o.max_layer_bytes = v;
		return 1;
	case OPT_MAX_RATIO:
		if (parse_size(&v, arg) < 0 || v == 0)
			return cli_usage_error(cmd, "--max-ratio wants a positive number, not '%s'", arg), -1;
		io->o.max_ratio = v;
		return 1;
	}
	return 0;
}

const char *cli_human_bytes(char *buf, size_t n, double b)
{
	static const char *u[] = {"B", "kB", "MB", "GB", "TB"};
	int i = 0;
	while (b >= 1000 && i < 4)
		b /= 1000, i++;
	snprintf(buf, n, i ? "%.1f %s" : "%.0f %s", b, u[i]);
	return buf;
}

static void progress(void *ud, uint64_t done, uint64_t total)
{
	(void)ud;
	char a[32], b[32];
	if (total < (64u << 20))
		return; /* small images finish before a progress line helps */
	fprintf(stderr, "\r\033[Kreading layers: %s of %s (%d%%)", cli_human_bytes(a, sizeof(a), (double)done),
		cli_human_bytes(b, sizeof(b), (double)total), total ? (int)(done * 100 / total) : 0);
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
					return cli_error(EXIT_USAGE, cmd, "--password-stdin: more than 64 KiB on stdin");
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
	int rc;
	if ((rc = cli_image_prepare(io, cmd)) != 0)
		return rc;
	int tty = !io->quiet && isatty(2);
	if (tty) {
		io->o.progress = progress;
		io->o.progress_ud = NULL;
	}
	int err = customs_analyze(out, ref, &io->o);
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
			fprintf(stderr, "customs %s: %s: %s\n", cmd, a->warnings[i].level == CUSTOMS_ERROR ? "error" : "warning",
				a->warnings[i].message);
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

int cli_output_add(cli_outputs *o, const char *cmd, const char *arg, const char *const *allowed)
{
	const char *eq = strchr(arg, '=');
	size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
	cli_output *out;
	char list[512] = "";
	size_t k = 0;

	for (size_t i = 0; allowed[i]; i++)
		k += (size_t)snprintf(list + k, k < sizeof(list) ? sizeof(list) - k : 0, "%s%s", i ? ", " : "", allowed[i]);
	if (o->n == sizeof(o->v) / sizeof(o->v[0]))
		return cli_usage_error(cmd, "too many -o outputs (at most %zu)", sizeof(o->v) / sizeof(o->v[0]));
	out = &o->v[o->n];
	memset(out, 0, sizeof(*out));
	if (n >= sizeof(out->format))
		return cli_usage_error(cmd, "unknown output format '%.*s'; use %s", (int)(n > 40 ? 40 : n), arg, list);
	memcpy(out->format, arg, n);
	out->format[n] = '\0';
	for (size_t i = 0; allowed[i]; i++)
		if (!strcmp(allowed[i], out->format)) {
			out->fmt = customs_sbom_format_parse(out->format);
			if (eq && !eq[1])
				return cli_usage_error(cmd, "-o %s= names no file", out->format);
			out->path = eq ? eq + 1 : NULL;
			o->n++;
			return 0;
		}
	return cli_usage_error(cmd, "unknown output format '%s'; use %s", out->format, list);
}

int cli_outputs_finish(cli_outputs *o, const char *cmd, const char *dflt)
{
	size_t on_stdout = 0;
	if (!o->n && dflt) {
		snprintf(o->v[0].format, sizeof(o->v[0].format), "%s", dflt);
		o->v[0].fmt = customs_sbom_format_parse(dflt);
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
				return cli_usage_error(cmd, "-o %s and -o %s both write %s", o->v[k].format, o->v[i].format,
						       o->v[i].path);
	}
	if (on_stdout > 1)
		return cli_usage_error(cmd, "only one output can go to stdout: give the others a file (-o FORMAT=FILE)");
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
