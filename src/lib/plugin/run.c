/* run.c - run a plugin executable as git runs its remote helpers: argv
 * only (no shell), pipes for stdin, stdout and stderr, a minimal
 * environment given by the caller, and poll() against a deadline with a cap
 * on what it may print (docs/plugins.md "Limits").  The plugin leads a
 * process group of its own, so a timeout kills what it started too. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "plugin/run.h"

#define DEFAULT_TIMEOUT 30.0
#define DEFAULT_MAX_OUTPUT (16u << 20)

static double env_number(const char *name)
{
	const char *v = getenv(name);
	char *end;
	if (!v || !*v)
		return 0;
	double d = strtod(v, &end);
	return *end || d != d || d <= 0 ? 0 : d;
}

void plugin__limits_default(plugin_limits *out)
{
	double t = env_number("CUSTOMS_PLUGIN_TIMEOUT"), m = env_number("CUSTOMS_PLUGIN_MAX_OUTPUT");
	out->timeout = t > 0 ? t : DEFAULT_TIMEOUT;
	out->max_output = m >= 1 && m < (double)SIZE_MAX / 2 ? (size_t)m : DEFAULT_MAX_OUTPUT;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void plugin__output_release(plugin_output *o)
{
	customs_buf_release(&o->out);
	customs_buf_release(&o->err);
}

static int spawn(pid_t *pid, const char *path, const char *arg, const char *const *env, const char *cwd,
		 const int fds[3])
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, def;
	char *argv[] = {(char *)path, (char *)arg, NULL};
	int rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	sigemptyset(&none);
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE);
	for (int i = 0; i < 3; i++)
		posix_spawn_file_actions_adddup2(&fa, fds[i], i);
	posix_spawn_file_actions_addchdir_np(&fa, cwd ? cwd : "/");
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &def);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawn(pid, path, &fa, &at, argv, (char *const *)env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (rc)
		return customs__error(CUSTOMS_EIO, "cannot run plugin %s: %s", path, strerror(rc));
	return 0;
}

/* Read what fd has into b; past cap, *over is set and the rest dropped.
 * 1 at end of file, 0 otherwise. */
static int drain(int fd, customs_buf *b, size_t cap, int *over, int *oom)
{
	char chunk[65536];
	ssize_t n = read(fd, chunk, sizeof(chunk));
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		return 1;
	if (n < 0)
		return 0;
	size_t keep = b->len >= cap ? 0 : cap - b->len < (size_t)n ? cap - b->len : (size_t)n;
	if (keep < (size_t)n && over)
		*over = 1;
	if (keep && customs_buf_put(b, chunk, keep) < 0)
		*oom = 1;
	return 0;
}

/* Write what is left of the request; SIGPIPE is blocked on this thread
 * around it (a plugin may well exit without reading its stdin) and a
 * pending one taken back.  1 when done (or the plugin closed its end). */
static int feed(int fd, const char *in, size_t inlen, size_t *off)
{
	sigset_t pipe_set, old, pending;
	ssize_t n;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	sigpending(&pending);
	int was_pending = sigismember(&pending, SIGPIPE);
	n = write(fd, in + *off, inlen - *off);
	if (n < 0 && errno == EPIPE && !was_pending) {
		struct timespec zero = {0, 0};
		sigtimedwait(&pipe_set, NULL, &zero);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (n > 0)
		*off += (size_t)n;
	return *off == inlen || (n < 0 && errno != EAGAIN && errno != EINTR);
}

/* Wait for pid until deadline; then kill its group.  Its exit status.
 * A pidfd says when it exits (no polling); without one (kernels before
 * 5.3), short sleeps. */
static int reap(pid_t pid, double deadline, int *timed_out)
{
	int st = 0, pfd = pidfd_open(pid, 0);
	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid || (r < 0 && errno != EINTR))
			break;
		double left = deadline - now();
		if (left <= 0 && !*timed_out) {
			*timed_out = 1;
			kill(-pid, SIGKILL);
		}
		if (pfd >= 0 && left > 0) {
			struct pollfd p = {pfd, POLLIN, 0};
			poll(&p, 1, (int)(left * 1000) + 1);
		} else {
			struct timespec ms = {0, 1000000};
			nanosleep(&ms, NULL);
		}
	}
	if (pfd >= 0)
		close(pfd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 255;
}

int plugin__run(plugin_output *out, const char *path, const char *arg, const char *const *env, const char *cwd,
		const char *in, size_t inlen, const plugin_limits *lim)
{
	int p_in[2] = {-1, -1}, p_out[2] = {-1, -1}, p_err[2] = {-1, -1}, err = 0, oom = 0;
	size_t off = 0;
	pid_t pid;

	*out = (plugin_output){.out = CUSTOMS_BUF_INIT(0), .err = CUSTOMS_BUF_INIT(0)};
	if (pipe2(p_in, O_CLOEXEC) || pipe2(p_out, O_CLOEXEC) || pipe2(p_err, O_CLOEXEC)) {
		err = customs__error(CUSTOMS_EIO, "cannot run plugin %s: pipe: %s", path, strerror(errno));
		goto done;
	}
	if ((err = spawn(&pid, path, arg, env, cwd, (int[]){p_in[0], p_out[1], p_err[1]})) < 0)
		goto done;
	close(p_in[0]);
	close(p_out[1]);
	close(p_err[1]);
	p_in[0] = p_out[1] = p_err[1] = -1;
	for (int i = 0; i < 3; i++)
		fcntl((int[]){p_in[1], p_out[0], p_err[0]}[i], F_SETFL, O_NONBLOCK);
	if (!inlen) {
		close(p_in[1]);
		p_in[1] = -1;
	}

	double deadline = now() + lim->timeout;
	int out_open = 1, err_open = 1;
	while ((out_open || err_open) && !out->overflowed) {
		struct pollfd pf[3] = {{p_out[0], POLLIN, 0}, {p_err[0], POLLIN, 0}, {p_in[1], POLLOUT, 0}};
		double left = deadline - now();
		if (left <= 0) {
			out->timed_out = 1;
			break;
		}
		pf[0].fd = out_open ? p_out[0] : -1;
		pf[1].fd = err_open ? p_err[0] : -1;
		int r = poll(pf, 3, (int)(left * 1000) + 1);
		if (r < 0 && errno != EINTR)
			break;
		if (r <= 0)
			continue;
		if (pf[2].revents && feed(p_in[1], in, inlen, &off)) {
			close(p_in[1]);
			p_in[1] = -1;
		}
		if (pf[0].revents && drain(p_out[0], &out->out, lim->max_output, &out->overflowed, &oom))
			out_open = 0;
		if (pf[1].revents && drain(p_err[0], &out->err, PLUGIN_STDERR_MAX, NULL, &oom))
			err_open = 0;
	}
	if (out->timed_out || out->overflowed)
		kill(-pid, SIGKILL);
	out->status = reap(pid, deadline, &out->timed_out);
	if (oom)
		err = customs__error(CUSTOMS_ENOMEM, "out of memory reading plugin %s", path);
	/* NUL-terminate (an empty buffer has no storage yet) */
	if (!err && (customs_buf_put(&out->out, "", 1) < 0 || customs_buf_put(&out->err, "", 1) < 0))
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
	if (!err) {
		out->out.len--;
		out->err.len--;
	}
done:
	for (int i = 0; i < 2; i++) {
		if (p_in[i] >= 0)
			close(p_in[i]);
		if (p_out[i] >= 0)
			close(p_out[i]);
		if (p_err[i] >= 0)
			close(p_err[i]);
	}
	return err;
}

/* The last line of what it said on stderr (where an error usually is),
 * for the warning. */
static void stderr_tail(const plugin_output *o, char *s, size_t cap)
{
	const char *e = o->err.ptr ? o->err.ptr : "";
	size_t end = strlen(e);
	while (end && (e[end - 1] == '\n' || e[end - 1] == '\r' || e[end - 1] == ' '))
		end--;
	size_t start = end;
	while (start && e[start - 1] != '\n')
		start--;
	if (end > start)
		snprintf(s, cap, "; stderr: %.*s", (int)(end - start > 300 ? 300 : end - start), e + start);
	else
		*s = '\0';
}

int plugin__failed(const plugin_output *o, const plugin_limits *lim, char *why, size_t cap)
{
	char said[400];
	stderr_tail(o, said, sizeof(said));
	if (o->timed_out)
		snprintf(why, cap, "timed out after %g s (CUSTOMS_PLUGIN_TIMEOUT)%s", lim->timeout, said);
	else if (o->overflowed)
		snprintf(why, cap, "printed more than %zu bytes (CUSTOMS_PLUGIN_MAX_OUTPUT)%s", lim->max_output, said);
	else if (o->status > 128)
		snprintf(why, cap, "was killed by signal %d%s", o->status - 128, said);
	else if (o->status)
		snprintf(why, cap, "exited with status %d%s", o->status, said);
	else
		return 0;
	return 1;
}
