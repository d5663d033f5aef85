/* gate_dockerfile.c - the dockerfile gate (Anchore Engine
 * gates/dockerfile.py: instruction, effective_user, exposed_ports,
 * no_dockerfile_provided) over the image's Dockerfile: the one given
 * (--dockerfile, "actual"), parsed as Anchore's prepare_context does, or
 * else one guessed from the image: RUN, COPY, ADD and the like from the
 * history, and the instructions whose effect the config keeps (USER,
 * EXPOSE, ENV, LABEL, CMD, ENTRYPOINT, WORKDIR, HEALTHCHECK, VOLUME,
 * STOPSIGNAL, SHELL) from the config, which says what they ended as. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy/policy_int.h"

static const char *const directives[] = {"ADD",   "ARG",         "COPY",   "CMD",        "ENTRYPOINT", "ENV",  "EXPOSE",
					 "FROM",  "HEALTHCHECK", "LABEL",  "MAINTAINER", "ONBUILD",    "USER", "RUN",
					 "SHELL", "STOPSIGNAL",  "VOLUME", "WORKDIR",    NULL};

/* What the config holds; the history's lines for them are left out. */
static const char *const from_config[] = {"USER",    "EXPOSE",      "ENV",    "LABEL",      "CMD",   "ENTRYPOINT",
					  "WORKDIR", "HEALTHCHECK", "VOLUME", "STOPSIGNAL", "SHELL", NULL};

typedef struct dline {
	char *directive; /* upper case */
	char *line;      /* the whole instruction, directive first */
	int secret;      /* a history entry the secrets analyzer flagged */
} dline;

struct dockerfile {
	dline *v;
	size_t n, cap;
};

void policy__dockerfile_free(dockerfile *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].directive), free(d->v[i].line);
	free(d->v);
	free(d);
}

static int in(const char *const *v, const char *s)
{
	for (; *v; v++)
		if (!strcmp(*v, s))
			return 1;
	return 0;
}

static int add(dockerfile *d, const char *line)
{
	size_t n = strcspn(line, " \t");
	char *dir = customs_strndup(line, n), *l = customs_strdup(line);
	if (!dir || !l || CUSTOMS_ARRAY_GROW(d->v, d->n, d->cap) < 0) {
		free(dir), free(l);
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	for (char *p = dir; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	d->v[d->n].directive = dir;
	d->v[d->n].line = l;
	d->v[d->n].secret = 0;
	d->n++;
	return 0;
}

static int addf(dockerfile *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int addf(dockerfile *d, const char *fmt, ...)
{
	va_list ap;
	char buf[8192];
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return add(d, buf);
}

/* Anchore's prepare_context: comments and blank lines skipped, a line
 * ending in '\' joined to the next (the backslash dropped, nothing added),
 * the directive the first word. */
static int parse_actual(dockerfile *d, const char *text)
{
	const char *p = text, *end = text + strlen(text), *line;
	size_t len;
	customs_buf b = CUSTOMS_BUF_INIT(1 << 20);
	int err = 0;
	while (!err && customs_next_line(&p, end, &line, &len, 1)) {
		while (len && isspace((unsigned char)*line))
			line++, len--;
		while (len && isspace((unsigned char)line[len - 1]))
			len--;
		if (!len || *line == '#')
			continue;
		int cont = line[len - 1] == '\\';
		if (customs_buf_put(&b, line, cont ? len - 1 : len) < 0) {
			err = customs__error(CUSTOMS_ELIMIT, "Dockerfile: an instruction over 1 MiB");
			break;
		}
		if (cont)
			continue;
		err = add(d, b.ptr);
		b.len = 0;
		b.ptr[0] = '\0';
	}
	if (!err && b.len)
		err = add(d, b.ptr);
	customs_buf_release(&b);
	return err;
}

/* A history entry as the instruction it was: docker's "/bin/sh -c #(nop) X"
 * and "/bin/sh -c CMD", BuildKit's "RUN /bin/sh -c X # buildkit", or a
 * builder's free text (a RUN unless it starts with a directive). */
static int guess_history(dockerfile *d, const char *created_by)
{
	char buf[8192];
	const char *s = created_by;
	snprintf(buf, sizeof(buf), "%s", s);
	size_t n = strlen(buf);
	if (n > 11 && !strcmp(buf + n - 11, " # buildkit"))
		buf[n - 11] = '\0';
	char *p = buf;
	if (*p == '|') { /* "|2 A=1 B=2 /bin/sh -c ...": build args before a RUN */
		char *sh = strstr(p, "/bin/sh -c ");
		p = sh ? sh : p;
	}
	while (isspace((unsigned char)*p))
		p++;
	if (!strncmp(p, "/bin/sh -c ", 11)) {
		p += 11;
		while (isspace((unsigned char)*p))
			p++;
		if (!strncmp(p, "#(nop)", 6)) {
			p += 6;
			while (isspace((unsigned char)*p))
				p++;
		} else {
			return addf(d, "RUN %s", p);
		}
	} else if (!strncmp(p, "RUN /bin/sh -c ", 15)) {
		return addf(d, "RUN %s", p + 15);
	}
	if (!*p)
		return 0;
	char word[32];
	size_t w = strcspn(p, " \t");
	snprintf(word, sizeof(word), "%.*s", (int)(w < 31 ? w : 31), p);
	for (char *q = word; *q; q++)
		*q = (char)toupper((unsigned char)*q);
	if (!in(directives, word))
		return addf(d, "RUN %s", p);
	if (in(from_config, word))
		return 0;
	return add(d, p);
}

static int json_list(char *buf, size_t n, const customs_strlist *l)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < l->n; i++)
		json_array_append_new(a, json_string(l->v[i]));
	char *s = a ? json_dumps(a, JSON_COMPACT) : NULL;
	json_decref(a);
	if (!s)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	snprintf(buf, n, "%s", s);
	free(s);
	return 0;
}

static int guess_config(dockerfile *d, const customs_config *cf)
{
	char buf[4096];
	int err = 0;
	for (size_t i = 0; !err && i < cf->env.n; i++)
		err = addf(d, "ENV %s", cf->env.v[i]);
	const char *k;
	json_t *v;
	json_object_foreach(cf->labels, k, v)
	{
		if (!err && json_is_string(v))
			err = addf(d, "LABEL %s=%s", k, json_string_value(v));
	}
	for (size_t i = 0; !err && i < cf->exposed_ports.n; i++)
		err = addf(d, "EXPOSE %s", cf->exposed_ports.v[i]);
	for (size_t i = 0; !err && i < cf->volumes.n; i++)
		err = addf(d, "VOLUME %s", cf->volumes.v[i]);
	if (!err && cf->workdir && *cf->workdir)
		err = addf(d, "WORKDIR %s", cf->workdir);
	if (!err && cf->user && *cf->user)
		err = addf(d, "USER %s", cf->user);
	if (!err && cf->stop_signal && *cf->stop_signal)
		err = addf(d, "STOPSIGNAL %s", cf->stop_signal);
	if (!err && cf->shell.n && !(err = json_list(buf, sizeof(buf), &cf->shell)))
		err = addf(d, "SHELL %s", buf);
	if (!err && cf->healthcheck) {
		json_t *test = json_object_get(cf->healthcheck, "Test");
		char *s = json_dumps(test ? test : cf->healthcheck, JSON_COMPACT | JSON_ENCODE_ANY);
		/* ["NONE"] turns a base image's check off: HEALTHCHECK NONE */
		int off =
			json_is_array(test) && json_array_size(test) == 1 &&
			!strcmp(json_string_value(json_array_get(test, 0)) ? json_string_value(json_array_get(test, 0))
									   : "",
				"NONE");
		err = s ? addf(d, "HEALTHCHECK %s", off ? "NONE" : s) : customs__error(CUSTOMS_ENOMEM, "out of memory");
		free(s);
	}
	if (!err && cf->entrypoint.n && !(err = json_list(buf, sizeof(buf), &cf->entrypoint)))
		err = addf(d, "ENTRYPOINT %s", buf);
	if (!err && cf->cmd.n && !(err = json_list(buf, sizeof(buf), &cf->cmd)))
		err = addf(d, "CMD %s", buf);
	return err;
}

const dockerfile *policy__dockerfile(pctx *c)
{
	int err = 0;
	if (c->df)
		return c->df;
	if (!(c->df = calloc(1, sizeof(*c->df))))
		return NULL;
	if (c->o->dockerfile) {
		err = parse_actual(c->df, c->o->dockerfile);
	} else {
		for (size_t i = 0; !err && i < c->a->nlayers; i++) {
			size_t before = c->df->n;
			if (c->a->layers[i].created_by)
				err = guess_history(c->df, c->a->layers[i].created_by);
			for (size_t k = 0; k < c->a->nsecrets && c->df->n > before; k++)
				if (!strcmp(c->a->secrets[k].path, "config:history") && c->a->secrets[k].line == i + 1)
					c->df->v[c->df->n - 1].secret = 1;
		}
		if (!err)
			err = guess_config(c->df, &c->a->image.config);
	}
	if (err < 0) {
		policy__dockerfile_free(c->df);
		c->df = NULL;
	}
	return c->df;
}

static int actual(const pctx *c)
{
	return c->o->dockerfile != NULL;
}

/* ---- triggers ---- */

/* An instruction as a message shows it: ENV and ARG values of 12 bytes
 * or more cut to two and "********" (they are where secrets are passed),
 * a history entry that holds a secret not at all. */
static const char *shown(const dline *l, const char *rest, char *buf, size_t n)
{
	if (l->secret)
		return "[redacted: the instruction holds a secret]";
	if (strcmp(l->directive, "ENV") && strcmp(l->directive, "ARG"))
		return rest;
	size_t o = 0;
	for (const char *p = rest; *p && o + 16 < n;) {
		const char *eq = strchr(p, '='), *sp = strpbrk(p, " \t");
		if (!eq || (sp && sp < eq)) { /* a word without a value: as it is */
			size_t k = sp ? (size_t)(sp - p) + 1 : strlen(p);
			k = k < n - o - 1 ? k : n - o - 1;
			memcpy(buf + o, p, k);
			o += k;
			p += k;
			continue;
		}
		size_t klen = (size_t)(eq - p) + 1, vlen = strcspn(eq + 1, " \t");
		if (klen + 12 >= n - o)
			break;
		memcpy(buf + o, p, klen);
		o += klen;
		if (vlen >= 12)
			o += (size_t)snprintf(buf + o, n - o, "%.2s********", eq + 1);
		else
			o += (size_t)snprintf(buf + o, n - o, "%.*s", (int)vlen, eq + 1);
		p = eq + 1 + vlen;
	}
	buf[o < n ? o : n - 1] = '\0';
	return buf;
}

static int instruction_eval(pctx *c, const prule *r)
{
	const char *dir = policy__str(r, "instruction"), *op = policy__str(r, "check"), *val = policy__str(r, "value");
	const dockerfile *d = policy__dockerfile(c);
	char up[32];
	int seen = 0, err;
	if (!d)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	if (policy__bool(r, "actual_dockerfile_only", 0) && !actual(c))
		return 0;
	snprintf(up, sizeof(up), "%s", dir);
	for (char *p = up; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	if (strcmp(op, "exists") && strcmp(op, "not_exists") && !val)
		return 0; /* Anchore: the check needs a value and has none */
	for (size_t i = 0; i < d->n; i++) {
		if (strcmp(d->v[i].directive, up))
			continue;
		seen = 1;
		const char *rest = d->v[i].line + strlen(d->v[i].directive);
		while (isspace((unsigned char)*rest))
			rest++;
		int rc = !strcmp(op, "not_exists") ? 0 : policy__check(op, rest, val);
		if (rc < 0)
			return rc;
		char buf[4096];
		if (rc && (err = policy__fire(c, r, NULL, -1, NULL, NULL,
					      "Dockerfile directive '%s' check '%s' matched against '%s' for line '%s'",
					      up, op, val ? val : "", shown(&d->v[i], rest, buf, sizeof(buf)))) < 0)
			return err;
	}
	if (!strcmp(op, "not_exists") && !seen)
		return policy__fire(c, r, NULL, -1, NULL, NULL,
				    "Dockerfile directive '%s' not found, matching condition '%s' check", up, op);
	return 0;
}

/* like and not_like compare with a regex: it must compile. */
static int instruction_check(const prule *r, pproblems *p)
{
	const char *op = policy__str(r, "check"), *val = policy__str(r, "value");
	customs_regex *re;
	char path[600];
	if (!op || !val || (strcmp(op, "like") && strcmp(op, "not_like")))
		return 0;
	int err = customs_regex_compile(&re, val, CUSTOMS_REGEX_ANCHORED);
	customs_regex_free(re);
	if (err >= 0 || err == CUSTOMS_ENOMEM)
		return err < 0 ? err : 0;
	snprintf(path, sizeof(path), "%s.params.value", r->where);
	return policy__problem(p, path, "%s", customs_error_last());
}

static int allow_list(const char *type)
{
	return !strcasecmp(type, "whitelist") || !strcasecmp(type, "allowlist");
}

static int user_eval(pctx *c, const prule *r)
{
	const dockerfile *d = policy__dockerfile(c);
	const char *last = "USER root";
	char user[512];
	if (!d)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	for (size_t i = 0; i < d->n; i++)
		if (!strcmp(d->v[i].directive, "USER"))
			last = d->v[i].line;
	/* Anchore's \s*USER\s+\[?([^\]]+)\]?\s* */
	const char *p = last + 4;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '[')
		p++;
	size_t n = strcspn(p, "]");
	snprintf(user, sizeof(user), "%.*s", (int)(n < 511 ? n : 511), p);
	n = strlen(user);
	while (n && isspace((unsigned char)user[n - 1]))
		user[--n] = '\0';
	int listed = policy__in_list(r, "users", user);
	if (allow_list(policy__str(r, "type")) && !listed)
		return policy__fire(c, r, NULL, -1, NULL, NULL,
				    "User %s found as effective user, which is not on the allowed list", user);
	if (!allow_list(policy__str(r, "type")) && listed)
		return policy__fire(c, r, NULL, -1, NULL, NULL,
				    "User %s found as effective user, which is explicity not allowed", user);
	return 0;
}

/* The words of an EXPOSE line ("3000/tcp 53/udp"): up to 64. */
static size_t expose_words(char *buf, size_t n, const char *line, const char **out)
{
	size_t k = 0;
	snprintf(buf, n, "%s", line);
	for (char *save, *t = strtok_r(buf, " \t", &save); t && k < 64; t = strtok_r(NULL, " \t", &save))
		out[k++] = t;
	return k;
}

static int has_word(const char *const *w, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (w[i] && !strcmp(w[i], s))
			return 1;
	return 0;
}

/* Anchore's exposed_ports, line by line: a denied port fires as it is
 * written (p, p/tcp or p/udp, the first found); an allowed list removes
 * its ports and fires for every port left. */
static int ports_eval(pctx *c, const prule *r)
{
	const dockerfile *d = policy__dockerfile(c);
	const pvalue *ports = policy__param(r, "ports");
	int allow = allow_list(policy__str(r, "type")), err;
	if (!d)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	if (policy__bool(r, "actual_dockerfile_only", 0) && !actual(c))
		return 0;
	for (size_t i = 0; i < d->n; i++) {
		char buf[4096], want[3][64];
		const char *w[64];
		if (strcmp(d->v[i].directive, "EXPOSE"))
			continue;
		size_t n = expose_words(buf, sizeof(buf), d->v[i].line + 6, w);
		for (size_t k = 0; ports && k < ports->nlist; k++) {
			snprintf(want[0], sizeof(want[0]), "%s", ports->list[k]);
			snprintf(want[1], sizeof(want[1]), "%s/tcp", ports->list[k]);
			snprintf(want[2], sizeof(want[2]), "%s/udp", ports->list[k]);
			for (int s = 0; s < 3; s++) {
				if (!has_word(w, n, want[s]))
					continue;
				if (allow) {
					for (size_t j = 0; j < n; j++)
						if (w[j] && !strcmp(w[j], want[s]))
							w[j] = NULL;
				} else {
					if ((err = policy__fire(c, r, NULL, -1, NULL, NULL,
								"Dockerfile exposes port (%s) which is in policy file "
								"DENIEDPORTS list",
								want[s])) < 0)
						return err;
					break;
				}
			}
		}
		for (size_t j = 0; allow && j < n; j++)
			if (w[j] &&
			    (err = policy__fire(
				     c, r, NULL, -1, NULL, NULL,
				     "Dockerfile exposes port (%s) which is not in policy file ALLOWEDPORTS list",
				     w[j])) < 0)
				return err;
	}
	return 0;
}

static int no_dockerfile_eval(pctx *c, const prule *r)
{
	if (actual(c))
		return 0;
	return policy__fire(c, r, NULL, -1, NULL, NULL, "Image was not analyzed with an actual Dockerfile");
}

/* ---- the table ---- */

static const customs_policy_param instruction_params[] = {
	P("instruction", CUSTOMS_POLICY_PARAM_ENUM, 1, directives, "from", "The Dockerfile instruction to check."),
	P("check", CUSTOMS_POLICY_PARAM_ENUM, 1, policy__checks, "=", "The type of check to perform."),
	P("value", CUSTOMS_POLICY_PARAM_STRING, 0, NULL, "scratch",
	  "The value to check the dockerfile instruction against (like and not_like: a regex matched from the start; "
	  "in and not_in: a comma list)."),
	P("actual_dockerfile_only", CUSTOMS_POLICY_PARAM_BOOL, 0, NULL, "true",
	  "Only evaluate against a user-provided dockerfile, skip evaluation on inferred/guessed dockerfiles. Default "
	  "is False."),
	{0},
};

static const trigger_def df_instruction = {
	.pub = {"instruction",
		"Triggers if any directives in the list are found to match the described condition in the dockerfile.",
		instruction_params, NULL, "anchore-engine", 0},
	.eval = instruction_eval,
	.check = instruction_check,
};

static const customs_policy_param user_params[] = {
	P("users", CUSTOMS_POLICY_PARAM_LIST, 1, NULL, "root,docker",
	  "User names to check against as the effective user (last user entry) in the images history."),
	P("type", CUSTOMS_POLICY_PARAM_ENUM, 1, policy__list_types, "blacklist",
	  "How to treat the provided user names (allowlist and denylist are the later spellings)."),
	{0},
};

static const trigger_def df_user = {
	.pub = {"effective_user",
		"Checks if the effective user matches the provided user names, either as a whitelist or blacklist "
		"depending on the type parameter setting (no USER: root).",
		user_params, NULL, "anchore-engine", 0},
	.eval = user_eval,
};

static const customs_policy_param ports_params[] = {
	P("ports", CUSTOMS_POLICY_PARAM_INT_LIST, 1, NULL, "80,8080,8088", "List of port numbers."),
	P("type", CUSTOMS_POLICY_PARAM_ENUM, 1, policy__list_types, "blacklist",
	  "Whether to use port list as a whitelist or blacklist."),
	P("actual_dockerfile_only", CUSTOMS_POLICY_PARAM_BOOL, 0, NULL, "true",
	  "Only evaluate against a user-provided dockerfile, skip evaluation on inferred/guessed dockerfiles. Default "
	  "is False."),
	{0},
};

static const trigger_def df_ports = {
	.pub = {"exposed_ports",
		"Evaluates the set of ports exposed. Allows configuring whitelist or blacklist behavior. If "
		"type=whitelist, then any ports found exposed that are not in the list will cause the trigger to fire. "
		"If "
		"type=blacklist, then any ports exposed that are in the list will cause the trigger to fire.",
		ports_params, NULL, "anchore-engine", 0},
	.eval = ports_eval,
};

static const customs_policy_param none[] = {{0}};

static const trigger_def df_none = {
	.pub = {"no_dockerfile_provided",
		"Triggers if the analysis was performed without supplying the actual image Dockerfile (--dockerfile).",
		none, NULL, "anchore-engine", 0},
	.eval = no_dockerfile_eval,
};

static const customs_policy_trigger *const df_triggers[] = {&df_instruction.pub, &df_user.pub, &df_ports.pub,
							    &df_none.pub, NULL};

const gate_def policy__gate_dockerfile = {
	{"dockerfile",
	 "Checks against the content of a dockerfile if provided, or a guessed dockerfile "
	 "based on the image's history and config if the dockerfile is not provided.",
	 df_triggers, "anchore-engine"}};
