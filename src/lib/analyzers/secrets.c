/* secrets.c - the secrets analyzer (opt-in): every regular file of every
 * layer scanned as it streams past, binaries skipped by their first bytes,
 * with Hyperscan (stream mode, hs_compile.h) for the built-in patterns of
 * common credentials and for the patterns a policy bundle adds where
 * Hyperscan takes them exactly; PCRE2 line by line for the rest.  A secret
 * deleted by a later layer is still in the image, so every copy counts.
 * The image config's Env and history are scanned too.  A finding keeps
 * path, layer, line and the match redacted (redact()): the secret itself
 * never leaves this file, not even in a warning. */
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <hs.h>

#include "analyzers/analyzers.h"
#include "model/model.h"
#include "util/util.h"

#define WINDOW       4096        /* bytes kept behind a chunk: where a match's line starts */
#define MAX_LINE     (64u << 10) /* PCRE2 rules see longer lines in pieces of this size */
#define MAX_RULES    256
#define MAX_FINDINGS 100000 /* per analysis; past it a warning says so */

/* The built-in patterns: the names Anchore Engine's secret_search
 * analyzer uses (AWS_ACCESS_KEY ... API_KEY), then customs' own.  hs is
 * what Hyperscan scans for; re finds the same text on the match's line,
 * with the secret part as the group named s (no such group: nothing in
 * the match is secret, e.g. a PEM header). */
static const struct builtin {
	const char *name, *hs, *re;
	unsigned flags;
} builtins[] = {
	{"AWS_ACCESS_KEY", "\\b(AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[A-Z0-9]{16}\\b",
	 "\\b(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)(?<s>[A-Z0-9]{16})\\b", 0},
	{"AWS_SECRET_KEY", "aws_?secret_?(access_?)?key[\"']?[ \\t]*[:=]+[ \\t]*[\"']?[A-Za-z0-9/+=]{40}",
	 "(?i)aws_?secret_?(?:access_?)?key[\"']?[ \\t]*[:=]+[ \\t]*[\"']?(?<s>[A-Za-z0-9/+=]{40})", HS_FLAG_CASELESS},
	{"PRIV_KEY", "-----BEGIN[ A-Z0-9]*PRIVATE KEY( BLOCK)?-----", "-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----",
	 0},
	{"DOCKER_AUTH", "\"auth\"[ \\t]*:[ \\t]*\"[A-Za-z0-9+/=]{8,}\"",
	 "\"auth\"[ \\t]*:[ \\t]*\"(?<s>[A-Za-z0-9+/=]{8,})\"", 0},
	{"API_KEY", "api[-_]?key[\"']?[ \\t]*[:=]+[ \\t]*[\"']?[A-Za-z0-9_\\-]{20,60}",
	 "(?i)api[-_]?key[\"']?[ \\t]*[:=]+[ \\t]*[\"']?(?<s>[A-Za-z0-9_\\-]{20,60})", HS_FLAG_CASELESS},
	{"GITHUB_TOKEN", "\\b(gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82})\\b",
	 "\\b(?:gh[pousr]_|github_pat_)(?<s>[A-Za-z0-9_]{36,82})\\b", 0},
	{"GITLAB_TOKEN", "\\bglpat-[A-Za-z0-9_\\-]{20}\\b", "\\bglpat-(?<s>[A-Za-z0-9_\\-]{20})\\b", 0},
	{"SLACK_TOKEN", "\\bxox[abposr]-[0-9A-Za-z\\-]{10,72}", "\\bxox[abposr]-(?<s>[0-9A-Za-z\\-]{10,72})", 0},
	{"NPM_TOKEN", "\\bnpm_[A-Za-z0-9]{36}\\b", "\\bnpm_(?<s>[A-Za-z0-9]{36})\\b", 0},
	{"GCP_SERVICE_ACCOUNT", "\"type\"[ \\t]*:[ \\t]*\"service_account\"",
	 "\"type\"[ \\t]*:[ \\t]*\"service_account\"", 0},
	/* an assignment whose value ends where a quote, a blank or the line
	 * does: "password = base64.b16encode(x)" is code, not a secret */
	{"PASSWORD_ASSIGNMENT",
	 "\\b(password|secret|secret_key|client_secret|db_password|api_secret)[\"']?[ \\t]*[:=][ \\t]*[\"']?"
	 "[A-Za-z0-9!@#$%^&*+\\-_/.~]{8,}([\"' \\t;,\\r]|$)",
	 "(?im)\\b(?:password|secret|secret_key|client_secret|db_password|api_secret)[\"']?[ \\t]*[:=][ \\t]*[\"']?"
	 "(?<s>[A-Za-z0-9!@#$%^&*+\\-_/.~]{8,})(?=[\"' \\t;,\\r]|$)",
	 HS_FLAG_CASELESS | HS_FLAG_MULTILINE},
};
#define NBUILTINS (sizeof(builtins) / sizeof(builtins[0]))

const char *const *customs__secret_rule_names(void)
{
	static const char *names[NBUILTINS + 1];
	for (size_t i = 0; i < NBUILTINS; i++)
		names[i] = builtins[i].name;
	return names;
}

typedef struct rule {
	char *name;
	customs_regex *re; /* the extraction (built-ins) or the pattern itself */
	int content;       /* a content pattern (files gate), not a secret */
	int hs;            /* in the Hyperscan database; else matched line by line */
	int builtin;
	int generic; /* an assignment: every match is checked (plausible) */
} rule;

typedef struct state {
	rule rules[MAX_RULES];
	size_t nrules, nline; /* nline: rules matched line by line */
	hs_database_t *db;
	int shared_db;      /* db is builtin_db: not ours to free */
	pthread_mutex_t mu; /* scratch pool and findings */
	hs_scratch_t **pool;
	size_t npool, cappool;
	hs_scratch_t *proto;
	customs_secret *found;
	size_t nfound, capfound;
	int over; /* MAX_FINDINGS reached */
} state;

/* One file as it streams. */
typedef struct sfile {
	customs_file_warn w;
	state *s;
	hs_stream_t *stream;
	hs_scratch_t *scratch;
	const unsigned char *chunk;
	size_t chunk_len;
	uint64_t chunk_off, lines; /* stream offset of the chunk, '\n' before it */
	unsigned char tail[WINDOW];
	size_t tail_len;
	unsigned char found[MAX_RULES];
	char *line; /* line mode: the current line */
	size_t line_len;
	uint64_t line_no;
	int first, limit_warned;
} sfile;

/* ---- redaction ---- */

/* The match with its secret part masked: what comes before the secret
 * (a key name, a token prefix), then at most two characters of a long
 * secret, then "********".  A match without a secret part (a PEM header)
 * is shown as it is; a pattern's match is all secret. */
static char *redact(const char *m, size_t len, size_t s0, size_t s1)
{
	customs_buf b = CUSTOMS_BUF_INIT(512);
	size_t pre = s0 < 80 ? s0 : 80, keep = s1 - s0 >= 16 ? 2 : 0;
	if (s0 == s1 && len)
		keep = 0, pre = len < 80 ? len : 80; /* nothing secret */
	customs_buf_put(&b, m, pre);
	if (s1 > s0) {
		customs_buf_put(&b, m + s0, keep);
		customs_buf_puts(&b, "********");
	}
	char *r = customs_buf_detach(&b);
	char *u = r ? customs_utf8_repair(r) : NULL;
	if (u) {
		free(r);
		return u;
	}
	return r;
}

/* A generic assignment whose value is a name (getpass, self.password,
 * os.environ) is code, not a secret. */
static int plausible(const char *v, size_t n)
{
	if (n && strchr("$%{<@", v[0]))
		return 0; /* a variable or template: "$insta::secret", "%(pw)s", "{{ secret }}" */
	for (size_t i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ._", v[i]))
			return 1;
	return 0;
}

/* Rule ri matched on seg[0..n) (its line, up to the match's end; NULL
 * when unknown): record it once per file, redacted.  0 when the match is
 * not taken (a generic assignment of a name). */
static int add_finding(sfile *f, size_t ri, uint64_t line, const char *seg, size_t n)
{
	state *s = f->s;
	const rule *r = &s->rules[ri];
	size_t m0, m1, s0, s1;
	char *shown = NULL;
	if (f->found[ri])
		return 1;
	if (seg && customs_regex_match_group(r->re, seg, n, "s", &m0, &m1, &s0, &s1) == 1) {
		if (!r->builtin)
			s0 = m0, s1 = m1; /* a bundle's pattern: all of the match */
		if (r->generic && !plausible(seg + s0, s1 - s0))
			return 0;
		shown = redact(seg + m0, m1 - m0, s0 - m0, s1 - m0);
	} else if (r->generic) {
		return 0;
	}
	f->found[ri] = 1;
	pthread_mutex_lock(&s->mu);
	if (s->nfound >= MAX_FINDINGS) {
		if (!s->over++)
			customs_analysis_warn(f->w.a, CUSTOMS_WARN, f->w.layer, f->w.path,
					      "secrets: more than %d findings; the rest are not reported",
					      MAX_FINDINGS);
	} else if (CUSTOMS_ARRAY_GROW(s->found, s->nfound, s->capfound) == 0) {
		customs_secret *x = &s->found[s->nfound];
		memset(x, 0, sizeof(*x));
		x->rule = r->name;
		x->path = customs_strdup(f->w.path);
		x->layer = f->w.layer;
		x->content = r->content;
		x->line = line;
		x->match = shown ? shown : customs_strdup("[redacted]");
		shown = NULL;
		if (x->path && x->match)
			s->nfound++;
		else
			free(x->path), free(x->match);
	}
	pthread_mutex_unlock(&s->mu);
	free(shown);
	return 1;
}

/* ---- Hyperscan matches ---- */

static uint64_t count_lines(const unsigned char *p, size_t n)
{
	uint64_t k = 0;
	const unsigned char *e = p + n;
	while (n && (p = memchr(p, '\n', (size_t)(e - p)))) {
		k++;
		p++;
	}
	return k;
}

/* A Hyperscan match of rule id ending at stream offset to: its line is in
 * the window (the tail kept, then the chunk being scanned). */
static int on_match(unsigned int id, unsigned long long from, unsigned long long to, unsigned int flags, void *ctx)
{
	sfile *f = ctx;
	char seg[WINDOW * 2];
	(void)from, (void)flags;
	if (id >= f->s->nrules || f->found[id])
		return 0;
	size_t in_chunk = to > f->chunk_off ? (size_t)(to - f->chunk_off) : 0;
	if (in_chunk > f->chunk_len)
		in_chunk = f->chunk_len;
	size_t from_chunk = in_chunk < WINDOW ? in_chunk : WINDOW;
	size_t from_tail = WINDOW - from_chunk < f->tail_len ? WINDOW - from_chunk : f->tail_len;
	memcpy(seg, f->tail + f->tail_len - from_tail, from_tail);
	if (from_chunk)
		memcpy(seg + from_tail, f->chunk + in_chunk - from_chunk, from_chunk);
	size_t n = from_tail + from_chunk, start = n;
	uint64_t line = f->lines + (in_chunk ? count_lines(f->chunk, in_chunk) : 0) + 1;
	while (start > 0 && seg[start - 1] != '\n')
		start--;
	add_finding(f, id, line, seg + start, n - start);
	return 0;
}

/* ---- line mode (the bundle's patterns Hyperscan cannot take) ---- */

static void scan_line(sfile *f)
{
	state *s = f->s;
	for (size_t i = 0; i < s->nrules; i++) {
		if (s->rules[i].hs || f->found[i])
			continue;
		int rc = customs_regex_match(s->rules[i].re, f->line, f->line_len, NULL, NULL);
		if (rc == 1)
			add_finding(f, i, f->line_no, f->line, f->line_len);
		else if (rc == CUSTOMS_ELIMIT && !f->limit_warned++)
			customs_analysis_warn(
				f->w.a, CUSTOMS_WARN, f->w.layer, f->w.path,
				"secrets: pattern %s hit the PCRE2 match limit on line %llu: that line is not matched",
				s->rules[i].name, (unsigned long long)f->line_no);
	}
}

static void feed_lines(sfile *f, const unsigned char *p, size_t n)
{
	const unsigned char *e = p + n;
	while (p < e) {
		const unsigned char *nl = memchr(p, '\n', (size_t)(e - p));
		size_t take = (size_t)((nl ? nl : e) - p);
		if (f->line_len + take > MAX_LINE)
			take = MAX_LINE - f->line_len;
		memcpy(f->line + f->line_len, p, take);
		f->line_len += take;
		p += take;
		if (f->line_len == MAX_LINE || (p < e && *p == '\n')) {
			scan_line(f);
			if (p < e && *p == '\n') {
				f->line_no++;
				p++;
			}
			f->line_len = 0;
		}
	}
}

/* ---- binaries ---- */

/* Files that are not text: executables, archives, images, databases by
 * their magic bytes, and anything with a NUL in its first KiB. */
static int binary(const unsigned char *p, size_t n)
{
	static const struct {
		const char *m;
		size_t len;
	} magic[] = {
		{"\x7f"
		 "ELF",
		 4},
		{"PK\x03\x04", 4},
		{"\x1f\x8b", 2},
		{"BZh", 3},
		{"\xfd"
		 "7zXZ",
		 5},
		{"\x28\xb5\x2f\xfd", 4},
		{"7z\xbc\xaf", 4},
		{"\x89PNG", 4},
		{"\xff\xd8\xff", 3},
		{"GIF8", 4},
		{"\xca\xfe\xba\xbe", 4},
		{"\xcf\xfa\xed\xfe", 4},
		{"\xce\xfa\xed\xfe", 4},
		{"\0asm", 4},
		{"SQLite format 3", 16},
		{"!<arch>\n", 8},
		{"MZ", 2},
		{"\xed\xab\xee\xdb", 4},
	};
	for (size_t i = 0; i < sizeof(magic) / sizeof(magic[0]); i++)
		if (n >= magic[i].len && !memcmp(p, magic[i].m, magic[i].len))
			return 1;
	return memchr(p, '\0', n < 1024 ? n : 1024) != NULL;
}

/* ---- scratch pool ---- */

static hs_scratch_t *scratch_take(state *s)
{
	hs_scratch_t *sc = NULL;
	pthread_mutex_lock(&s->mu);
	if (s->npool)
		sc = s->pool[--s->npool];
	else if (hs_clone_scratch(s->proto, &sc) != HS_SUCCESS)
		sc = NULL;
	pthread_mutex_unlock(&s->mu);
	return sc;
}

static void scratch_give(state *s, hs_scratch_t *sc)
{
	if (!sc)
		return;
	pthread_mutex_lock(&s->mu);
	if (CUSTOMS_ARRAY_GROW(s->pool, s->npool, s->cappool) == 0)
		s->pool[s->npool++] = sc;
	else
		hs_free_scratch(sc);
	pthread_mutex_unlock(&s->mu);
}

/* ---- the analyzer ---- */

static int want(void *self, const char *path, uint32_t mode, uint64_t size)
{
	(void)self, (void)path, (void)mode;
	return size > 0;
}

static void sfile_free(sfile *f)
{
	if (f->stream)
		hs_close_stream(f->stream, NULL, NULL, NULL);
	scratch_give(f->s, f->scratch);
	free(f->line);
	free(f);
}

static void *stream_open(void *self, const customs_afile *f)
{
	state *s = self;
	sfile *x = customs__stream_ctx_new(sizeof(*x), f, "secrets");
	if (!x)
		return NULL;
	x->s = s;
	x->first = 1;
	x->line_no = 1;
	if ((s->db && (!(x->scratch = scratch_take(s)) || hs_open_stream(s->db, 0, &x->stream) != HS_SUCCESS)) ||
	    (s->nline && !(x->line = malloc(MAX_LINE)))) {
		customs_analysis_warn(f->analysis, CUSTOMS_WARN, f->layer, f->path,
				      "secrets: out of memory: not scanned");
		x->stream = NULL;
		sfile_free(x);
		return NULL;
	}
	return x;
}

static int stream_write(void *self, void *ctx, const unsigned char *data, size_t len)
{
	sfile *f = ctx;
	if (f->first) {
		f->first = 0;
		if (binary(data, len))
			return CUSTOMS_EINVAL; /* not text: no more of it */
	}
	f->chunk = data;
	f->chunk_len = len;
	if (f->stream &&
	    hs_scan_stream(f->stream, (const char *)data, (unsigned)len, 0, f->scratch, on_match, f) != HS_SUCCESS)
		return CUSTOMS_EINTERNAL;
	if (f->line)
		feed_lines(f, data, len);
	/* keep the last WINDOW bytes for a match whose line began before the next chunk */
	if (len >= WINDOW) {
		memcpy(f->tail, data + len - WINDOW, WINDOW);
		f->tail_len = WINDOW;
	} else {
		size_t keep = f->tail_len + len > WINDOW ? WINDOW - len : f->tail_len;
		memmove(f->tail, f->tail + f->tail_len - keep, keep);
		memcpy(f->tail + keep, data, len);
		f->tail_len = keep + len;
	}
	f->lines += count_lines(data, len);
	f->chunk_off += len;
	return 0;
}

static void stream_close(void *self, void *ctx, int ok)
{
	sfile *f = ctx;
	if (f->stream) {
		/* end-of-data anchors fire now, with no chunk left */
		f->chunk = NULL;
		f->chunk_len = 0;
		hs_close_stream(f->stream, f->scratch, on_match, f);
		f->stream = NULL;
	}
	if (ok && f->line && f->line_len)
		scan_line(f);
	sfile_free(f);
}

/* The image config's Env and history: a secret passed as ENV or build
 * argument lives there, outside every layer. */
static void scan_config(state *s, customs_analysis *a)
{
	customs_afile af = {.path = "config:Env", .layer = -1, .analysis = a};
	const customs_strlist *env = &a->image.config.env;
	for (int pass = 0; pass < 2; pass++) {
		sfile *f = stream_open(s, &af);
		if (!f)
			return;
		for (size_t i = 0; i < (pass ? a->nlayers : env->n); i++) {
			const char *v = pass ? a->layers[i].created_by : env->v[i];
			if (v)
				stream_write(s, f, (const unsigned char *)v, strlen(v));
			stream_write(s, f, (const unsigned char *)"\n", 1);
		}
		stream_close(s, f, 1);
		af.path = "config:history";
	}
}

static int by_place(const void *x, const void *y)
{
	const customs_secret *a = x, *b = y;
	int c = strcmp(a->path, b->path);
	if (!c)
		c = a->layer < b->layer ? -1 : a->layer > b->layer;
	return c ? c : strcmp(a->rule, b->rule);
}

static int finish(void *self, customs_analysis *a)
{
	state *s = self;
	int err = 0;
	scan_config(s, a);
	a->collected |= CUSTOMS_COLLECTED_SECRETS;
	for (size_t i = 0; i < s->nfound && !err; i++) {
		customs_secret *x = &s->found[i];
		x->visible = x->layer < 0 || customs__analysis_visible(a, x->path, x->layer);
		err = customs__analysis_add_secret(a, x);
	}
	if (a->nsecrets)
		qsort(a->secrets, a->nsecrets, sizeof(*a->secrets), by_place);
	return err;
}

static int create(void **out, const customs_analyzer_type *type)
{
	(void)type;
	return customs__locked_state_new(out, sizeof(state), offsetof(state, mu));
}

static void destroy(void *self)
{
	state *s = self;
	for (size_t i = 0; i < s->nrules; i++) {
		free(s->rules[i].name);
		customs_regex_free(s->rules[i].re);
	}
	for (size_t i = 0; i < s->nfound; i++)
		free(s->found[i].path), free(s->found[i].match);
	free(s->found);
	for (size_t i = 0; i < s->npool; i++)
		hs_free_scratch(s->pool[i]);
	free(s->pool);
	hs_free_scratch(s->proto);
	if (!s->shared_db)
		hs_free_database(s->db);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

/* One "NAME=REGEX" (or a bare REGEX, named by itself) as a rule. */
size_t customs__pattern_name(const char *spec)
{
	const char *eq = strchr(spec, '=');
	size_t n = eq ? (size_t)(eq - spec) : 0;
	return n && strspn(spec, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.") == n ? n : 0;
}

static int add_pattern(state *s, const char *spec, int content)
{
	size_t nl = customs__pattern_name(spec);
	const char *eq = spec + nl;
	int named = nl > 0;
	const char *pattern = named ? eq + 1 : spec;
	rule *r;
	int err;
	if (s->nrules == MAX_RULES)
		return customs__error(CUSTOMS_ELIMIT, "more than %d secret and content patterns", MAX_RULES);
	r = &s->rules[s->nrules];
	memset(r, 0, sizeof(*r));
	r->content = content;
	r->name = named ? customs_strndup(spec, (size_t)(eq - spec)) : customs_strdup(spec);
	if (!r->name)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	if ((err = customs_regex_compile(&r->re, pattern, CUSTOMS_REGEX_MULTILINE)) < 0) {
		free(r->name);
		return err;
	}
	s->nrules++;
	return 0;
}

static unsigned hs_flags(const rule *r, size_t i)
{
	return (r->generic ? 0 : HS_FLAG_SINGLEMATCH) | (r->builtin ? builtins[i].flags : HS_FLAG_MULTILINE);
}

static int compile(hs_database_t **db, const char *const *exprs, const unsigned *flags, const unsigned *ids, unsigned n)
{
	hs_compile_error_t *ce = NULL;
	if (hs_compile_multi(exprs, flags, ids, n, HS_MODE_STREAM, NULL, db, &ce) != HS_SUCCESS) {
		int err = customs__error(CUSTOMS_EINTERNAL, "secrets: Hyperscan refused the patterns: %s",
					 ce && ce->message ? ce->message : "?");
		hs_free_compile_error(ce);
		return err;
	}
	return 0;
}

/* The built-ins alone (--secrets, a bundle without patterns of its own)
 * are compiled once per process and shared, read-only, by every analysis:
 * a compile takes milliseconds, which a library analysing image after
 * image (or a fuzzer) would otherwise pay every time.  Never freed. */
static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;
static hs_database_t *builtin_db;

static void compile_builtins(void)
{
	const char *exprs[NBUILTINS];
	unsigned flags[NBUILTINS], ids[NBUILTINS];
	for (size_t i = 0; i < NBUILTINS; i++) {
		rule r = {.builtin = 1, .generic = !strcmp(builtins[i].name, "PASSWORD_ASSIGNMENT")};
		exprs[i] = builtins[i].hs, flags[i] = hs_flags(&r, i), ids[i] = (unsigned)i;
	}
	if (compile(&builtin_db, exprs, flags, ids, NBUILTINS) < 0)
		builtin_db = NULL;
}

/* Every rule Hyperscan takes goes into one stream database; a pattern it
 * refuses is matched line by line through PCRE2. */
static int build_db(state *s, const char *const *user_hs, size_t nuser)
{
	const char *exprs[MAX_RULES];
	unsigned flags[MAX_RULES], ids[MAX_RULES], n = 0;
	int err;
	if (s->nrules && !nuser) {
		pthread_once(&builtin_once, compile_builtins);
		if (!builtin_db)
			return customs__error(CUSTOMS_EINTERNAL, "secrets: Hyperscan refused the built-in patterns");
		for (size_t i = 0; i < s->nrules; i++)
			s->rules[i].hs = 1;
		s->db = builtin_db, s->shared_db = 1;
	}
	for (size_t i = 0; !s->db && i < s->nrules; i++) {
		const char *e = s->rules[i].builtin ? builtins[i].hs : user_hs[i - (s->nrules - nuser)];
		unsigned fl = hs_flags(&s->rules[i], i);
		hs_database_t *probe = NULL;
		hs_compile_error_t *ce = NULL;
		if (!s->rules[i].builtin) {
			/* backreferences, lookarounds: not for Hyperscan */
			if (hs_compile(e, fl, HS_MODE_STREAM, NULL, &probe, &ce) != HS_SUCCESS) {
				hs_free_compile_error(ce);
				s->nline++;
				continue;
			}
			hs_free_database(probe);
		}
		s->rules[i].hs = 1;
		exprs[n] = e, flags[n] = fl, ids[n] = (unsigned)i;
		n++;
	}
	if (!s->db && n && (err = compile(&s->db, exprs, flags, ids, n)) < 0)
		return err;
	if (s->db && hs_alloc_scratch(s->db, &s->proto) != HS_SUCCESS)
		return customs__error(CUSTOMS_ENOMEM, "secrets: out of memory for Hyperscan's scratch space");
	return 0;
}

static int configure(void *self, const customs_options *o)
{
	state *s = self;
	const char *user_hs[MAX_RULES];
	size_t nuser = 0;
	int err;
	int builtin = o->secrets || customs__analyzer_named(o->analyzers, "secrets");
	if (!builtin && !(o->secret_patterns && *o->secret_patterns) && !(o->content_patterns && *o->content_patterns))
		return 0;
	if (hs_valid_platform() != HS_SUCCESS)
		return customs__error(CUSTOMS_EUNSUPPORTED, "secrets: Hyperscan needs a CPU with SSSE3");
	for (size_t i = 0; builtin && i < NBUILTINS; i++) {
		rule *r = &s->rules[s->nrules];
		r->builtin = 1;
		r->generic = !strcmp(builtins[i].name, "PASSWORD_ASSIGNMENT");
		if (!(r->name = customs_strdup(builtins[i].name)))
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		if ((err = customs_regex_compile(&r->re, builtins[i].re, 0)) < 0)
			return customs__error(CUSTOMS_EINTERNAL, "secrets: built-in %s: %s", builtins[i].name,
					      customs_error_last());
		s->nrules++;
	}
	for (int content = 0; content < 2; content++)
		for (const char *const *p = content ? o->content_patterns : o->secret_patterns; p && *p; p++) {
			if ((err = add_pattern(s, *p, content)) < 0)
				return err;
			user_hs[nuser++] = customs_regex_pattern(s->rules[s->nrules - 1].re);
		}
	if ((err = build_db(s, user_hs, nuser)) < 0)
		return err;
	return 1;
}

const customs_analyzer_type customs__secrets_analyzer = {
	.version = CUSTOMS_ANALYZER_VERSION,
	.name = "secrets",
	.description = "secrets (keys, tokens, passwords) and content patterns in every file of every layer (opt-in)",
	.analyzer_version = "1",
	.flags = CUSTOMS_ANALYZER_THREADSAFE | CUSTOMS_ANALYZER_OPTIONAL,
	.want = want,
	.create = create,
	.destroy = destroy,
	.stream_open = stream_open,
	.stream_write = stream_write,
	.stream_close = stream_close,
	.finish = finish,
	.configure = configure,
};
