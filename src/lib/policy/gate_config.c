/* gate_config.c - customs' config gate: the files people get wrong, read
 * from what the config-files and secrets analyzers kept in the layer pass.
 * sshd_config(5) as sshd reads it (the first value of a keyword wins,
 * Include files in place in lexical order, Match blocks apply only to
 * some connections, OpenSSH's defaults when unset); sudoers(5) and
 * sudoers.d (NOPASSWD rules, !authenticate); world-writable files and
 * directories; private keys; credentials in .npmrc (npmrc(5)), .pypirc
 * and docker's config.json. */
#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy/policy_int.h"

/* ---- the kept files ---- */

static const customs_config_file *visible_config(const customs_analysis *a, const char *path)
{
	for (size_t i = 0; i < a->nconfig_files; i++)
		if (a->config_files[i].visible && !strcmp(a->config_files[i].path, path))
			return &a->config_files[i];
	return NULL;
}

/* ---- sshd_config ---- */

typedef struct sshd_value {
	char value[128];
	char where[600]; /* "/etc/ssh/sshd_config line 3" */
	int set;
} sshd_value;

typedef struct sshd {
	sshd_value root, password, empty;
	int depth;
} sshd;

static void sshd_read(const customs_analysis *a, sshd *s, const customs_config_file *f);

/* Include with a glob: the kept files it names, in lexical order (they
 * are kept sorted by path). */
static void sshd_include(const customs_analysis *a, sshd *s, const char *pattern)
{
	char pat[512];
	/* relative Include paths are under /etc/ssh */
	snprintf(pat, sizeof(pat), "%s%s", pattern[0] == '/' ? "" : "etc/ssh/",
		 pattern[0] == '/' ? pattern + 1 : pattern);
	for (size_t i = 0; i < a->nconfig_files; i++) {
		const customs_config_file *f = &a->config_files[i];
		if (f->visible && !fnmatch(pat, f->path, FNM_PATHNAME))
			sshd_read(a, s, f);
	}
}

static void sshd_take(sshd_value *v, const char *val, size_t n, const customs_config_file *f, size_t line)
{
	if (v->set)
		return; /* sshd: the first value obtained is used */
	snprintf(v->value, sizeof(v->value), "%.*s", (int)(n < 127 ? n : 127), val);
	snprintf(v->where, sizeof(v->where), "/%s line %zu", f->path, line);
	v->set = 1;
}

static void sshd_read(const customs_analysis *a, sshd *s, const customs_config_file *f)
{
	const char *p = f->data, *end = f->data + f->len, *line;
	size_t len, no = 0;
	int in_match = 0;
	if (++s->depth > 8)
		return; /* Include loops */
	while (customs_next_line(&p, end, &line, &len, 1)) {
		char key[64], val[512];
		no++;
		while (len && isspace((unsigned char)*line))
			line++, len--;
		if (!len || *line == '#')
			continue;
		size_t k = 0;
		while (k < len && !isspace((unsigned char)line[k]) && line[k] != '=')
			k++;
		snprintf(key, sizeof(key), "%.*s", (int)(k < 63 ? k : 63), line);
		const char *v = line + k, *ve = line + len;
		while (v < ve && (isspace((unsigned char)*v) || *v == '='))
			v++;
		while (ve > v && isspace((unsigned char)ve[-1]))
			ve--;
		snprintf(val, sizeof(val), "%.*s", (int)((size_t)(ve - v) < 511 ? (size_t)(ve - v) : 511), v);
		if (!strcasecmp(key, "Match")) {
			in_match = 1; /* what follows applies to some connections only */
			continue;
		}
		if (in_match)
			continue;
		if (!strcasecmp(key, "Include")) {
			for (char *tok = strtok(val, " \t"); tok; tok = strtok(NULL, " \t"))
				sshd_include(a, s, tok);
			continue;
		}
		size_t vn = strcspn(val, " \t");
		if (!strcasecmp(key, "PermitRootLogin"))
			sshd_take(&s->root, val, vn, f, no);
		else if (!strcasecmp(key, "PasswordAuthentication"))
			sshd_take(&s->password, val, vn, f, no);
		else if (!strcasecmp(key, "PermitEmptyPasswords"))
			sshd_take(&s->empty, val, vn, f, no);
	}
	s->depth--;
}

static int sshd_eval(pctx *c, const prule *r)
{
	const customs_config_file *f = visible_config(c->a, "etc/ssh/sshd_config");
	sshd s;
	int err;
	if (!f)
		return 0;
	memset(&s, 0, sizeof(s));
	sshd_read(c->a, &s, f);
	/* OpenSSH's defaults when a keyword is not set */
	const char *root = s.root.set ? s.root.value : "prohibit-password";
	const char *pw = s.password.set ? s.password.value : "yes";
	const char *empty = s.empty.set ? s.empty.value : "no";
	const pvalue *allowed = policy__param(r, "permit_root_login");
	int root_ok = 0;
	static const char *const safe[] = {"no", "prohibit-password", "without-password", "forced-commands-only", NULL};
	for (size_t i = 0; allowed && i < allowed->nlist; i++)
		root_ok |= !strcasecmp(allowed->list[i], root);
	for (size_t i = 0; !allowed && safe[i]; i++)
		root_ok |= !strcasecmp(safe[i], root);
	if (!root_ok && (err = policy__fire(c, r, "sshd_config+PermitRootLogin", f->layer, f->path, NULL,
					    "sshd_config: PermitRootLogin %s (%s): root may log in over SSH", root,
					    s.root.set ? s.root.where : "not set: OpenSSH's default")) < 0)
		return err;
	if (!policy__bool(r, "password_authentication", 0) && !strcasecmp(pw, "yes") &&
	    (err = policy__fire(c, r, "sshd_config+PasswordAuthentication", f->layer, f->path, NULL,
				"sshd_config: PasswordAuthentication yes (%s): passwords can be guessed over SSH",
				s.password.set ? s.password.where : "not set: OpenSSH's default")) < 0)
		return err;
	if (!policy__bool(r, "permit_empty_passwords", 0) && !strcasecmp(empty, "yes") &&
	    (err = policy__fire(c, r, "sshd_config+PermitEmptyPasswords", f->layer, f->path, NULL,
				"sshd_config: PermitEmptyPasswords yes (%s): accounts without a password may log in",
				s.empty.where)) < 0)
		return err;
	return 0;
}

/* ---- sudoers ---- */

/* Files #includedir would read: not ending in '~', no '.' in the name. */
static int sudoers_file(const char *path)
{
	if (!strcmp(path, "etc/sudoers"))
		return 1;
	if (strncmp(path, "etc/sudoers.d/", 14))
		return 0;
	const char *base = path + 14;
	return *base && !strchr(base, '/') && !strchr(base, '.') && base[strlen(base) - 1] != '~';
}

/* One logical line (continuations joined) of a sudoers file. */
static int sudo_rule(pctx *c, const prule *r, const customs_config_file *f, size_t no, const char *line)
{
	char who[128], where[600];
	const char *tag = strstr(line, "NOPASSWD:");
	int any = policy__bool(r, "any_command", 0), err;
	snprintf(where, sizeof(where), "/%s line %zu", f->path, no);
	if (!strncmp(line, "Defaults", 8)) {
		if (!strstr(line, "!authenticate"))
			return 0;
		char id[700];
		snprintf(id, sizeof(id), "sudoers+%s+!authenticate", where);
		return policy__fire(c, r, id, f->layer, f->path, NULL,
				    "sudoers: %s sets !authenticate: sudo asks nobody for a password", where);
	}
	if (!tag || *line == '#')
		return 0;
	size_t wn = strcspn(line, " \t");
	snprintf(who, sizeof(who), "%.*s", (int)(wn < 127 ? wn : 127), line);
	if (policy__in_list(r, "users", who))
		return 0;
	/* the commands follow the last tag: "NOPASSWD: ALL", "NOPASSWD:SETENV: /bin/x, ALL" */
	const char *cmds = tag + 9, *colon;
	while ((colon = strchr(cmds, ':')) && !strchr(cmds, '/') && colon < cmds + 16)
		cmds = colon + 1;
	int all = 0;
	for (const char *p = cmds; *p;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		size_t n = strcspn(p, ",");
		while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		all |= n == 3 && !strncmp(p, "ALL", 3);
		p += strcspn(p, ",");
	}
	if (!all && !any)
		return 0;
	char id[800];
	snprintf(id, sizeof(id), "sudoers+/%s+%s", f->path, who);
	if ((err = policy__fire(c, r, id, f->layer, f->path, NULL,
				"sudoers: %s lets %s run %s without a password (NOPASSWD)", where, who,
				all ? "every command (ALL)" : "commands")) < 0)
		return err;
	return 0;
}

static int sudoers_eval(pctx *c, const prule *r)
{
	int err;
	for (size_t i = 0; i < c->a->nconfig_files; i++) {
		const customs_config_file *f = &c->a->config_files[i];
		if (!f->visible || !sudoers_file(f->path))
			continue;
		const char *p = f->data, *end = f->data + f->len, *line;
		size_t len, no = 0, first = 0;
		customs_buf b = CUSTOMS_BUF_INIT(1 << 20);
		while (customs_next_line(&p, end, &line, &len, 1)) {
			no++;
			if (!b.len)
				first = no;
			int cont = len && line[len - 1] == '\\';
			customs_buf_put(&b, line, cont ? len - 1 : len);
			customs_buf_puts(&b, cont ? " " : "");
			if (cont)
				continue;
			const char *l = b.ptr ? b.ptr : "";
			while (*l == ' ' || *l == '\t')
				l++;
			err = sudo_rule(c, r, f, first, l);
			b.len = 0;
			if (b.ptr)
				b.ptr[0] = '\0';
			if (err < 0) {
				customs_buf_release(&b);
				return err;
			}
		}
		customs_buf_release(&b);
	}
	return 0;
}

/* ---- world-writable ---- */

static int excluded(const prule *r, const char *path, const char *const *dflt)
{
	const pvalue *v = policy__param(r, "exclude_paths");
	size_t n = v ? v->nlist : 0;
	for (size_t i = 0; v ? i < n : dflt[i] != NULL; i++) {
		const char *x = v ? v->list[i] : dflt[i];
		while (*x == '/')
			x++;
		size_t xl = strlen(x);
		while (xl && x[xl - 1] == '/')
			xl--;
		if (!xl || (!strncmp(path, x, xl) && (path[xl] == '\0' || path[xl] == '/')))
			return 1;
	}
	return 0;
}

static int writable_eval(pctx *c, const prule *r)
{
	static const char *const dflt[] = {"/tmp", "/var/tmp", "/dev/shm", "/run/lock", "/var/lock", NULL};
	const char *type = policy__str(r, "type");
	int sticky_ok = policy__bool(r, "allow_sticky_directories", 1), err;
	for (size_t i = 0; i < c->a->nfiles; i++) {
		const customs_file *f = &c->a->files[i];
		int dir = f->type == CUSTOMS_FILE_DIR;
		if (!f->visible || !(f->mode & 0002) || (!dir && f->type != CUSTOMS_FILE_REG))
			continue;
		if ((type && !strcmp(type, "files") && dir) || (type && !strcmp(type, "directories") && !dir))
			continue;
		if ((dir && sticky_ok && (f->mode & 01000)) || excluded(r, f->path, dflt))
			continue;
		if ((err = policy__fire(c, r, NULL, f->layer, f->path, NULL, "World-writable %s /%s (mode %04o)",
					dir ? "directory" : "file", f->path, f->mode & 07777)) < 0)
			return err;
	}
	return 0;
}

/* ---- private keys ---- */

static int keys_eval(pctx *c, const prule *r)
{
	static const char *const dflt[] = {NULL};
	char id[1024];
	int err;
	for (size_t i = 0; i < c->a->nsecrets; i++) {
		const customs_secret *s = &c->a->secrets[i];
		if (s->content || strcmp(s->rule, "PRIV_KEY") || excluded(r, s->path, dflt))
			continue;
		snprintf(id, sizeof(id), "PRIV_KEY+/%s", s->path);
		if ((err = policy__fire(c, r, id, s->layer, s->path, NULL, "Private key in /%s line %llu (%s)%s",
					s->path, (unsigned long long)s->line, s->match ? s->match : "PEM header",
					s->visible ? "" : ": deleted in a later layer, still in the image")) < 0)
			return err;
	}
	return 0;
}

/* ---- credential files ---- */

/* The credentials a file holds, named (never shown): "_authToken", ... */
static int npmrc_creds(const customs_config_file *f, char *what, size_t n)
{
	const char *p = f->data, *end = f->data + f->len, *line;
	size_t len, off = 0;
	while (customs_next_line(&p, end, &line, &len, 1)) {
		static const char *const keys[] = {"_authToken", "_auth", "_password", NULL};
		for (int k = 0; keys[k]; k++) {
			char pat[32];
			snprintf(pat, sizeof(pat), "%s=", keys[k]);
			const char *hit = memmem(line, len, pat, strlen(pat));
			if (hit && hit + strlen(pat) < line + len && off < n)
				off += (size_t)snprintf(what + off, n - off, "%s%s", off ? ", " : "", keys[k]);
		}
	}
	return off > 0;
}

static int pypirc_creds(const customs_config_file *f, char *what, size_t n)
{
	const char *p = f->data, *end = f->data + f->len, *line;
	size_t len;
	while (customs_next_line(&p, end, &line, &len, 1)) {
		while (len && isspace((unsigned char)*line))
			line++, len--;
		if (len > 8 && !strncmp(line, "password", 8)) {
			const char *v = line + 8;
			while (v < line + len && (isspace((unsigned char)*v) || *v == '=' || *v == ':'))
				v++;
			if (v < line + len) {
				snprintf(what, n, "password");
				return 1;
			}
		}
	}
	return 0;
}

static int docker_creds(const customs_config_file *f, char *what, size_t n)
{
	json_error_t je;
	json_t *root = json_loadb(f->data, f->len, 0, &je), *auths, *v;
	const char *host;
	size_t off = 0;
	auths = json_object_get(root, "auths");
	json_object_foreach(auths, host, v)
	{
		const char *a = json_string_value(json_object_get(v, "auth"));
		const char *t = json_string_value(json_object_get(v, "identitytoken"));
		if (((a && *a) || (t && *t)) && off < n)
			off += (size_t)snprintf(what + off, n - off, "%sauths.%s.%s", off ? ", " : "", host,
						a && *a ? "auth" : "identitytoken");
	}
	json_decref(root);
	return off > 0;
}

static int creds_eval(pctx *c, const prule *r)
{
	const pvalue *files = policy__param(r, "files");
	int err;
	for (size_t i = 0; i < c->a->nconfig_files; i++) {
		const customs_config_file *f = &c->a->config_files[i];
		const char *base = strrchr(f->path, '/');
		char what[512] = "";
		base = base ? base + 1 : f->path;
		const char *kind = !strcmp(base, ".npmrc")                                  ? "npmrc"
				   : !strcmp(base, ".pypirc")                               ? "pypirc"
				   : customs_str_has_suffix(f->path, ".docker/config.json") ? "docker"
											    : NULL;
		if (!kind || (files && !policy__in_list(r, "files", kind)))
			continue;
		int has = !strcmp(kind, "npmrc")    ? npmrc_creds(f, what, sizeof(what))
			  : !strcmp(kind, "pypirc") ? pypirc_creds(f, what, sizeof(what))
						    : docker_creds(f, what, sizeof(what));
		if (has &&
		    (err = policy__fire(c, r, NULL, f->layer, f->path, NULL, "Credentials in /%s: %s%s", f->path, what,
					f->visible ? "" : " (deleted in a later layer, still in the image)")) < 0)
			return err;
	}
	return 0;
}

/* ---- the table ---- */

static const customs_policy_param sshd_params[] = {
	P("permit_root_login", CUSTOMS_POLICY_PARAM_LIST, 0, NULL, "no,prohibit-password",
	  "The PermitRootLogin values allowed (default no, prohibit-password, without-password, forced-commands-only): "
	  "any other fires, OpenSSH's default (prohibit-password) when unset."),
	P("password_authentication", CUSTOMS_POLICY_PARAM_BOOL, 0, NULL, "false",
	  "Whether PasswordAuthentication yes is allowed (default false: it fires, and OpenSSH's default is yes)."),
	P("permit_empty_passwords", CUSTOMS_POLICY_PARAM_BOOL, 0, NULL, "false",
	  "Whether PermitEmptyPasswords yes is allowed (default false)."),
	{0},
};

static const trigger_def config_sshd = {
	.pub = {"sshd_config",
		"Triggers for each risky setting in effect in /etc/ssh/sshd_config (with the files it Includes; Match "
		"blocks left out): root login, password authentication, empty passwords.",
		sshd_params, NULL, "customs", CUSTOMS_POLICY_NEEDS_CONFIG},
	.eval = sshd_eval,
};

static const customs_policy_param sudoers_params[] = {
	P("users", CUSTOMS_POLICY_PARAM_LIST, 0, NULL, "deploy,%admin",
	  "Users and %groups whose NOPASSWD rules are allowed."),
	P("any_command", CUSTOMS_POLICY_PARAM_BOOL, 0, NULL, "false",
	  "true: every NOPASSWD rule fires; false (the default): only those that grant ALL commands."),
	{0},
};

static const trigger_def config_sudoers = {
	.pub = {"sudoers",
		"Triggers for each rule of /etc/sudoers and /etc/sudoers.d that runs every command without a password "
		"(NOPASSWD: ALL), and for Defaults !authenticate.",
		sudoers_params, NULL, "customs", CUSTOMS_POLICY_NEEDS_CONFIG},
	.eval = sudoers_eval,
};

static const char *const ww_types[] = {"all", "files", "directories", NULL};

static const customs_policy_param writable_params[] = {
	P("type", CUSTOMS_POLICY_PARAM_ENUM, 0, ww_types, "all", "Files, directories or both (default)."),
	P("exclude_paths", CUSTOMS_POLICY_PARAM_LIST, 0, NULL, "/tmp,/var/tmp",
	  "Paths under which world-writable entries are allowed (default /tmp, /var/tmp, /dev/shm, /run/lock, "
	  "/var/lock)."),
	P("allow_sticky_directories", CUSTOMS_POLICY_PARAM_BOOL, 0, NULL, "true",
	  "Whether a world-writable directory with the sticky bit (like /tmp) is allowed (default true)."),
	{0},
};

static const trigger_def config_writable = {
	.pub = {"world_writable",
		"Triggers for each world-writable regular file and directory a container sees, outside the paths "
		"excluded.",
		writable_params, NULL, "customs", 0},
	.eval = writable_eval,
};

static const customs_policy_param keys_params[] = {
	P("exclude_paths", CUSTOMS_POLICY_PARAM_LIST, 0, NULL, "/usr/share/doc",
	  "Paths under which private keys are allowed."),
	{0},
};

static const trigger_def config_keys = {
	.pub = {"private_keys",
		"Triggers for each private key (PEM: PKCS#1, PKCS#8, EC, OpenSSH, PGP) in any layer, deleted ones too.",
		keys_params, NULL, "customs", CUSTOMS_POLICY_NEEDS_SECRETS},
	.eval = keys_eval,
};

static const char *const cred_files[] = {"npmrc", "pypirc", "docker", NULL};

static const customs_policy_param creds_params[] = {
	P("files", CUSTOMS_POLICY_PARAM_ENUM_LIST, 0, cred_files, "npmrc,docker",
	  "Which files to check (default all): npmrc (_authToken, _auth, _password), pypirc (password), docker "
	  "(config.json auths with an auth or identitytoken)."),
	{0},
};

static const trigger_def config_creds = {
	.pub = {"credentials",
		"Triggers for each .npmrc, .pypirc or .docker/config.json that holds credentials, in any layer.",
		creds_params, NULL, "customs", CUSTOMS_POLICY_NEEDS_CONFIG},
	.eval = creds_eval,
};

static const customs_policy_trigger *const config_triggers[] = {
	&config_sshd.pub, &config_sudoers.pub, &config_writable.pub, &config_keys.pub, &config_creds.pub, NULL};

const gate_def policy__gate_config = {
	{"config",
	 "Checks of the configuration files people get wrong: sshd, sudo, file permissions, "
	 "keys and registry credentials.",
	 config_triggers, "customs"}};
