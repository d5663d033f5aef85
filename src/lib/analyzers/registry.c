/* registry.c - the registered analyzers (sys/analyzer.h): the built-ins,
 * registered once through customs_analyzer_register() as a plugin would
 * be, and the analyzers of one analysis, each with its state (registry.h). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "analyzers/analyzers.h"
#include "analyzers/registry.h"
#include "util/util.h"

#define MAX_TYPES 128

/* In the order they run: the OS package analyzers first, for the language
 * ones link their packages to what those found. */
static const customs_analyzer_type *const builtins[] = {
	&customs__osrelease_analyzer,
	&customs__rpm_analyzer,
	&customs__dpkg_analyzer,
	&customs__apk_analyzer,
	&customs__python_analyzer,
	&customs__npm_analyzer,
	&customs__gobin_analyzer,
	&customs__rust_analyzer,
	&customs__ruby_analyzer,
	&customs__php_analyzer,
	&customs__dotnet_analyzer,
	&customs__java_analyzer,
	&customs__hints_analyzer,
	/* opt-in: what the policy engine asks for */
	&customs__secrets_analyzer,
	&customs__config_analyzer,
	&customs__verify_analyzer,
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t builtins_once = PTHREAD_ONCE_INIT;
static int builtins_err;
static const customs_analyzer_type *types[MAX_TYPES];
static size_t ntypes;
/* the registered types whose state starts with the copies sets, besides
 * those made by customs__copies_create (customs__analyzer_keeps_copies) */
static const customs_analyzer_type *copies_types[MAX_TYPES];
static size_t ncopies_types;

static int wants_files(const customs_analyzer_type *t)
{
	return t->paths || t->basenames || t->suffixes || t->want;
}

/* Check t and append it; with the lock held. */
static int add_type(const customs_analyzer_type *t)
{
	if (!t)
		return customs__error(CUSTOMS_EINVAL, "no analyzer to register");
	const char *name = t->name && *t->name ? t->name : "(no name)";
	if (t->version != CUSTOMS_ANALYZER_VERSION && t->version != 2)
		return customs__error(
			CUSTOMS_EUNSUPPORTED,
			"analyzer %s has interface version %u; this libcustoms (%s) takes version 2 or %d", name,
			t->version, CUSTOMS_VERSION, CUSTOMS_ANALYZER_VERSION);
	if (!t->name || !*t->name || strpbrk(t->name, ", \t\n\r\v\f"))
		return customs__error(CUSTOMS_EINVAL, "analyzer name \"%s\": empty, or with a comma or blank", name);
	for (size_t i = 0; i < ntypes; i++)
		if (!strcmp(types[i]->name, t->name))
			return customs__error(CUSTOMS_EINVAL, "analyzer %s is registered already", name);
	if (!t->analyzer_version || !*t->analyzer_version)
		return customs__error(CUSTOMS_EINVAL, "analyzer %s has no analyzer_version", name);
	if (!t->finish)
		return customs__error(CUSTOMS_EINVAL, "analyzer %s has no finish()", name);
	int streams = t->stream_open || t->stream_write || t->stream_close;
	if (streams && !(t->stream_open && t->stream_write && t->stream_close))
		return customs__error(CUSTOMS_EINVAL,
				      "analyzer %s: stream_open, stream_write and stream_close go together", name);
	if (wants_files(t) && !t->file && !streams)
		return customs__error(CUSTOMS_EINVAL, "analyzer %s wants files but has neither file() nor streams",
				      name);
	if (t->create && !t->destroy)
		return customs__error(CUSTOMS_EINVAL, "analyzer %s has create() but no destroy()", name);
	if (ntypes == MAX_TYPES)
		return customs__error(CUSTOMS_ELIMIT, "more than %d analyzers registered", MAX_TYPES);
	types[ntypes++] = t;
	return 0;
}

static void register_builtins(void)
{
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]) && !builtins_err; i++)
		builtins_err = add_type(builtins[i]);
	pthread_mutex_unlock(&lock);
}

int customs_analyzer_register(const customs_analyzer_type *type)
{
	pthread_once(&builtins_once, register_builtins);
	pthread_mutex_lock(&lock);
	int err = add_type(type);
	pthread_mutex_unlock(&lock);
	return err;
}

int customs__analyzer_keeps_copies(const customs_analyzer_type *type)
{
	int err = customs__error(CUSTOMS_EINVAL, "analyzer %s is not registered", type->name);
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < ntypes; i++)
		if (types[i] == type) {
			copies_types[ncopies_types++] = type; /* at most one per type registered */
			err = 0;
			break;
		}
	pthread_mutex_unlock(&lock);
	return err;
}

/* Its state is the copies sets (the layer cache can keep and feed them);
 * with the lock held. */
static int keeps_copies(const customs_analyzer_type *t)
{
	if (t->create == customs__copies_create)
		return 1;
	for (size_t i = 0; i < ncopies_types; i++)
		if (copies_types[i] == t)
			return 1;
	return 0;
}

size_t customs_analyzer_list(const customs_analyzer_type **out, size_t cap)
{
	pthread_once(&builtins_once, register_builtins);
	pthread_mutex_lock(&lock);
	size_t n = ntypes;
	for (size_t i = 0; i < n && i < cap; i++)
		out[i] = types[i];
	pthread_mutex_unlock(&lock);
	return n;
}

/* ---- the analyzers of one analysis ---- */

static int all(const char *list)
{
	return !list || !*list || !strcmp(list, "all");
}

static int optional(const customs_analyzer_type *t)
{
	return t->version >= 3 && (t->flags & CUSTOMS_ANALYZER_OPTIONAL);
}

/* Every name of the list is a registered analyzer: else CUSTOMS_EUSAGE
 * naming it and the known ones (a typo must not quietly run nothing).
 * Called with lock held. */
static int check_names(const char *list)
{
	if (all(list))
		return 0;
	for (const char *p = list; *p;) {
		const char *c = strchr(p, ',');
		size_t l = c ? (size_t)(c - p) : strlen(p), i;
		for (i = 0; i < ntypes; i++)
			if (strlen(types[i]->name) == l && !strncmp(p, types[i]->name, l))
				break;
		if (i == ntypes) {
			customs_buf known = CUSTOMS_BUF_INIT(4096);
			for (i = 0; i < ntypes; i++)
				customs_buf_printf(&known, "%s%s", i ? ", " : "", types[i]->name);
			int err = customs__error(CUSTOMS_EUSAGE, "unknown analyzer '%.*s' in --analyzers; known: %s",
						 (int)(l > 64 ? 64 : l), p, known.ptr ? known.ptr : "none");
			customs_buf_release(&known);
			return err;
		}
		p += l + (c ? 1 : 0);
	}
	return 0;
}

/* Make t's state and ask its configure() whether the options want it:
 * 1 run, 0 drop (state destroyed), <0 error. */
static int start_one(analyzer_run *r, const customs_analyzer_type *t, const customs_options *opts, int asked)
{
	int err, run = 1;
	char why[512];
	*r = (analyzer_run){t, NULL};
	if (t->create && (err = t->create(&r->state, t)) < 0)
		goto fail;
	if (t->version >= 3 && t->configure) {
		if ((err = t->configure(r->state, opts)) < 0)
			goto fail;
		run = err > 0 || asked;
	}
	if (!run && t->destroy)
		t->destroy(r->state);
	return run;
fail:
	/* copy first: customs__error formats into the buffer it would read */
	snprintf(why, sizeof(why), "%s", customs_error_last());
	if (r->state && t->destroy)
		t->destroy(r->state);
	return customs__error(err, "cannot start analyzer %s: %s", t->name, why);
}

int customs__analyzers_start(analyzer_run *out, size_t *n, size_t cap, const customs_options *opts)
{
	static const customs_options defaults = CUSTOMS_OPTIONS_INIT;
	const customs_analyzer_type *sel[MAX_TYPES];
	int asked[MAX_TYPES];
	const char *names;
	size_t k = 0, used = 0;
	int bad;

	if (!opts)
		opts = &defaults;
	names = opts->analyzers;
	*n = 0;
	pthread_once(&builtins_once, register_builtins);
	if (builtins_err)
		return customs__error(CUSTOMS_EINTERNAL, "the built-in analyzers could not be registered");
	pthread_mutex_lock(&lock);
	bad = check_names(names);
	/* named ones run; "all" means every one that is not opt-in; opt-in
	 * ones are asked (configure) whether the options want them */
	for (size_t i = 0; !bad && i < ntypes; i++) {
		int is_named = !all(names) && customs__analyzer_named(names, types[i]->name);
		if (is_named || (all(names) && !optional(types[i])) || (optional(types[i]) && types[i]->configure)) {
			asked[k] = is_named;
			sel[k++] = types[i];
		}
	}
	pthread_mutex_unlock(&lock);
	if (bad)
		return bad;
	for (size_t i = 0; i < k; i++) {
		if (used == cap) {
			customs__analyzers_stop(out, used);
			return customs__error(CUSTOMS_ELIMIT,
					      "more than %zu analyzers selected, at most %zu run at once", k, cap);
		}
		int rc = start_one(&out[used], sel[i], opts, asked[i] || !optional(sel[i]));
		if (rc < 0) {
			customs__analyzers_stop(out, used);
			return rc;
		}
		used += (size_t)rc;
	}
	*n = used;
	return 0;
}

void customs__analyzers_stop(analyzer_run *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].type->destroy)
			v[i].type->destroy(v[i].state);
}

/* ---- what the store keys layer results by ---- */

/* the options of version 2 ask for what an opt-in analyzer finds */
static int options_opt_in(const customs_options *o)
{
	return o && o->version >= 2 &&
	       (o->secrets || o->secret_patterns || o->content_patterns || o->config_files || o->retrieve_files ||
		o->verify_packages);
}

int customs__analyzers_key(char **out, int *cacheable, int *opt_in, const customs_options *opts)
{
	customs_buf b = CUSTOMS_BUF_INIT(0);
	const char *names = opts ? opts->analyzers : NULL;
	int cache = 1, opted = 0, asked = options_opt_in(opts), err;

	*out = NULL;
	pthread_once(&builtins_once, register_builtins);
	pthread_mutex_lock(&lock);
	err = check_names(names);
	for (size_t i = 0; !err && i < ntypes; i++) {
		int named = !all(names) && customs__analyzer_named(names, types[i]->name);
		if (optional(types[i]) ? !(named || (asked && types[i]->configure)) : !(all(names) || named))
			continue;
		if (customs_buf_printf(&b, "%s%s@%s", b.len ? "," : "", types[i]->name, types[i]->analyzer_version) < 0)
			err = customs__error(CUSTOMS_ENOMEM, "out of memory");
		cache &= keeps_copies(types[i]);
		opted |= optional(types[i]);
	}
	pthread_mutex_unlock(&lock);
	if (!err && !(*out = b.len ? customs_buf_detach(&b) : customs_strdup("")))
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
	customs_buf_release(&b);
	if (cacheable)
		*cacheable = cache;
	if (opt_in)
		*opt_in = opted;
	return err;
}

copies *customs__analyzer_copies(const analyzer_run *r)
{
	pthread_mutex_lock(&lock);
	int keeps = keeps_copies(r->type);
	pthread_mutex_unlock(&lock);
	return keeps ? r->state : NULL;
}
