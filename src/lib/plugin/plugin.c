/* plugin.c - finding the plugins (CUSTOMS_PLUGIN_PATH, the user's and the
 * system's plugin directories), asking each `describe` and checking what
 * it says against protocol version 1 (docs/plugins.md), registering the
 * analyzer plugins; one run of a plugin with its response checked. */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyzers/registry.h"
#include "plugin/plugin_int.h"

#ifndef CUSTOMS_PLUGIN_DIR
#define CUSTOMS_PLUGIN_DIR "/usr/local/lib/customs/plugins"
#endif

#define MAX_PLUGINS 256

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int load_err;
static plugin_entry *plugins[MAX_PLUGINS];
static size_t nplugins;

const char *customs_plugin_system_dir(void)
{
	return CUSTOMS_PLUGIN_DIR;
}

/* ---- describe ---- */

static char *dup_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? customs_strdup(s) : NULL;
}

/* Why d is not a describe of protocol 1 for e, or NULL (then e is filled). */
static const char *check_files(plugin_entry *e, const json_t *d, char *why, size_t cap)
{
	const json_t *files = json_object_get(d, "files"), *g;
	size_t i;
	e->max_size = 1u << 20;
	e->max_count = 1000;
	if (!files)
		return NULL;
	if (!json_is_object(files) || !json_is_array(json_object_get(files, "globs")))
		return "describe: \"files\" must be an object with a \"globs\" array";
	json_array_foreach (json_object_get(files, "globs"), i, g) {
		const char *s = json_string_value(g);
		if (!s)
			return "describe: a glob in \"files\" is not a string";
		if (plugin__glob_ok(s) < 0) {
			snprintf(why, cap, "describe: glob \"%.200s\" is refused: globs are relative to the image root, "
				 "without \"..\" or empty components", s);
			return why;
		}
		if (customs_strlist_add(&e->globs, s) < 0)
			return "out of memory";
	}
	const json_t *ms = json_object_get(files, "max_size"), *mc = json_object_get(files, "max_count");
	if (ms && (!json_is_integer(ms) || json_integer_value(ms) < 1 ||
		   json_integer_value(ms) > PLUGIN_MAX_FILE_SIZE)) {
		snprintf(why, cap, "describe: files.max_size must be 1 to %u bytes", PLUGIN_MAX_FILE_SIZE);
		return why;
	}
	if (mc && (!json_is_integer(mc) || json_integer_value(mc) < 1 ||
		   json_integer_value(mc) > PLUGIN_MAX_FILE_COUNT)) {
		snprintf(why, cap, "describe: files.max_count must be 1 to %u", PLUGIN_MAX_FILE_COUNT);
		return why;
	}
	if (ms)
		e->max_size = (uint64_t)json_integer_value(ms);
	if (mc)
		e->max_count = (size_t)json_integer_value(mc);
	return NULL;
}

/* The triggers of a gate: each a name, and params with a name and a type. */
static const char *check_triggers(const json_t *d)
{
	const json_t *ts = json_object_get(d, "triggers"), *t, *p;
	size_t i, j;
	if (!json_is_array(ts) || !json_array_size(ts))
		return "describe: a gate needs a non-empty \"triggers\" array";
	json_array_foreach (ts, i, t) {
		if (!json_is_string(json_object_get(t, "name")))
			return "describe: a trigger has no \"name\"";
		const json_t *ps = json_object_get(t, "params");
		if (ps && !json_is_array(ps))
			return "describe: a trigger's \"params\" is not an array";
		json_array_foreach (ps, j, p) {
			const char *type = json_string_value(json_object_get(p, "type"));
			if (!json_is_string(json_object_get(p, "name")) || !type)
				return "describe: a trigger parameter needs a \"name\" and a \"type\"";
			if (strcmp(type, "string") && strcmp(type, "integer") && strcmp(type, "boolean") &&
			    strcmp(type, "number"))
				return "describe: a trigger parameter's type is string, integer, number or boolean";
		}
	}
	return NULL;
}

static const char *check_describe(plugin_entry *e, const json_t *d, char *why, size_t cap)
{
	const json_t *proto = json_object_get(d, "protocol");
	const char *kind = json_string_value(json_object_get(d, "kind"));
	const char *name = json_string_value(json_object_get(d, "name"));
	if (!json_is_object(d))
		return "describe did not print a JSON object";
	if (!json_is_integer(proto)) {
		snprintf(why, cap, "describe has no \"protocol\" number; this customs speaks protocol %d",
			 CUSTOMS_PLUGIN_PROTOCOL);
		return why;
	}
	if (json_integer_value(proto) != CUSTOMS_PLUGIN_PROTOCOL) {
		snprintf(why, cap, "speaks protocol %lld; this customs speaks protocol %d",
			 (long long)json_integer_value(proto), CUSTOMS_PLUGIN_PROTOCOL);
		return why;
	}
	if (!kind || strcmp(kind, customs_plugin_kind_name(e->pub.kind))) {
		snprintf(why, cap, "describe says kind \"%.40s\", its file name says \"%s\"", kind ? kind : "",
			 customs_plugin_kind_name(e->pub.kind));
		return why;
	}
	if (name && strcmp(name, e->pub.name)) {
		snprintf(why, cap, "describe says name \"%.60s\", its file name says \"%s\"", name, e->pub.name);
		return why;
	}
	if (!json_is_string(json_object_get(d, "description")) || !json_is_string(json_object_get(d, "version")) ||
	    !*json_string_value(json_object_get(d, "version")))
		return "describe needs a \"description\" and a non-empty \"version\" string";
	if (e->pub.kind == CUSTOMS_PLUGIN_GATE)
		return check_triggers(d);
	if (e->pub.kind == CUSTOMS_PLUGIN_ANALYZER) {
		const json_t *an = json_object_get(d, "analysis"), *v;
		size_t i;
		json_array_foreach (an, i, v)
			e->wants_file_list |= json_is_string(v) && !strcmp(json_string_value(v), "files");
		return check_files(e, d, why, cap);
	}
	return NULL;
}

/* One line on what the plugin asks for, for `customs plugin list`. */
static char *wants_line(const plugin_entry *e, const json_t *d)
{
	customs_buf b = CUSTOMS_BUF_INIT(4096);
	const json_t *v;
	size_t i;
	if (e->pub.kind == CUSTOMS_PLUGIN_ANALYZER) {
		for (i = 0; i < e->globs.n; i++)
			customs_buf_printf(&b, "%s%s", i ? " " : "files ", e->globs.v[i]);
		if (e->globs.n)
			customs_buf_printf(&b, " (max %llu bytes, %zu files)", (unsigned long long)e->max_size,
					   e->max_count);
		customs_buf_printf(&b, "%spackages%s", b.len ? "; " : "", e->wants_file_list ? ", file list" : "");
	} else if (e->pub.kind == CUSTOMS_PLUGIN_GATE) {
		json_array_foreach (json_object_get(d, "triggers"), i, v)
			customs_buf_printf(&b, "%s%s", i ? ", " : "triggers ",
					   json_string_value(json_object_get(v, "name")));
	} else {
		/* as `customs query list` shows arguments: "[N]" */
		json_array_foreach (json_object_get(d, "parameters"), i, v) {
			const char *n = json_string_value(json_object_get(v, "name"));
			customs_buf_printf(&b, "%s[%s]", i ? " " : "", n ? n : "ARG");
		}
	}
	return b.len ? customs_buf_detach(&b) : customs_strdup("");
}

const char *plugin__describe_parse(plugin_entry *e, const char *buf, size_t len, char *why, size_t cap)
{
	json_error_t je;
	json_t *d = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	const char *bad;
	if (!d) {
		snprintf(why, cap, "describe printed invalid JSON: %s (line %d)", je.text, je.line);
		return why;
	}
	if ((bad = check_describe(e, d, why, cap))) {
		json_decref(d);
		return bad;
	}
	e->pub.describe = d;
	e->pub.description = dup_str(d, "description");
	e->pub.version = dup_str(d, "version");
	e->pub.wants = wants_line(e, d);
	if (!e->pub.description || !e->pub.version || !e->pub.wants)
		return "out of memory";
	return NULL;
}

void plugin__entry_release(plugin_entry *e)
{
	json_decref((json_t *)e->pub.describe);
	free((char *)e->pub.description);
	free((char *)e->pub.version);
	free((char *)e->pub.wants);
	customs_strlist_release(&e->globs);
	*e = (plugin_entry){.pub = {.kind = e->pub.kind, .name = e->pub.name, .path = e->pub.path}};
}

static void describe(plugin_entry *e)
{
	plugin_limits lim;
	plugin_output o;
	char why[1024];
	const char *bad = NULL;
	const char *env[8];
	char env_buf[8][1024];

	plugin__limits_default(&lim);
	plugin__env(env, env_buf, e, NULL);
	if (plugin__run(&o, e->pub.path, "describe", env, NULL, NULL, 0, &lim) < 0) {
		snprintf(why, sizeof(why), "%s", customs_error_last());
		bad = why;
	} else if (plugin__failed(&o, &lim, why + 9, sizeof(why) - 9)) {
		memcpy(why, "describe ", 9);
		bad = why;
	} else
		bad = plugin__describe_parse(e, o.out.ptr ? o.out.ptr : "", o.out.len, why, sizeof(why));
	plugin__output_release(&o);
	if (bad) {
		plugin__entry_release(e);
		e->pub.broken = customs_strdup(bad);
	}
}

/* ---- discovery ---- */

static int name_ok(const char *n)
{
	if (!*n || strlen(n) > 64)
		return 0;
	for (; *n; n++)
		if (!((*n >= 'a' && *n <= 'z') || (*n >= 'A' && *n <= 'Z') || (*n >= '0' && *n <= '9') || *n == '-' ||
		      *n == '_' || *n == '.'))
			return 0;
	return 1;
}

static int known(customs_plugin_kind k, const char *name)
{
	for (size_t i = 0; i < nplugins; i++)
		if (plugins[i]->pub.kind == k && !strcmp(plugins[i]->pub.name, name))
			return 1;
	return 0;
}

/* Add dir/file when it is a plugin's name not seen yet. */
static int consider(const char *dir, const char *file)
{
	static const char *const prefixes[] = {"customs-analyzer-", "customs-query-", "customs-gate-"};
	struct stat st;
	for (int k = 0; k < 3; k++) {
		if (!customs_str_has_prefix(file, prefixes[k]))
			continue;
		const char *name = file + strlen(prefixes[k]);
		if (!name_ok(name) || known((customs_plugin_kind)k, name))
			return 0;
		if (nplugins == MAX_PLUGINS)
			return customs__error(CUSTOMS_ELIMIT, "more than %d plugins", MAX_PLUGINS);
		plugin_entry *e = calloc(1, sizeof(*e));
		char *path = customs_asprintf("%s/%s", dir, file);
		if (!e || !path) {
			free(e);
			free(path);
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		}
		e->pub.kind = (customs_plugin_kind)k;
		e->pub.name = customs_strdup(name);
		e->pub.path = path;
		plugins[nplugins++] = e;
		if (stat(path, &st) || !S_ISREG(st.st_mode) || access(path, X_OK))
			e->pub.broken = customs_strdup("not an executable file");
		else
			describe(e);
		return 0;
	}
	return 0;
}

static int cmp_names(const void *x, const void *y)
{
	const char *a = *(const char *const *)x, *b = *(const char *const *)y;
	return strcmp(a, b);
}

static int scan_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	int err = 0;
	if (!d)
		return 0; /* a directory that is not there has no plugins */
	while ((de = readdir(d)) && !err) {
		if (!customs_str_has_prefix(de->d_name, "customs-"))
			continue;
		char **v = realloc(names, (n + 1) * sizeof(*v));
		if (!v || !(v[n] = customs_strdup(de->d_name))) {
			names = v ? v : names;
			err = customs__error(CUSTOMS_ENOMEM, "out of memory");
			break;
		}
		names = v;
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		if (!err)
			err = consider(dir, names[i]);
		free(names[i]);
	}
	free(names);
	return err;
}

static int scan_path_list(const char *list)
{
	int err = 0;
	for (const char *p = list; p && *p && !err;) {
		size_t n = strcspn(p, ":");
		if (n) {
			char *dir = customs_strndup(p, n);
			if (!dir)
				return customs__error(CUSTOMS_ENOMEM, "out of memory");
			err = scan_dir(dir);
			free(dir);
		}
		p += n + (p[n] == ':');
	}
	return err;
}

static int by_kind_name(const void *x, const void *y)
{
	const plugin_entry *a = *(plugin_entry *const *)x, *b = *(plugin_entry *const *)y;
	if (a->pub.kind != b->pub.kind)
		return (int)a->pub.kind - (int)b->pub.kind;
	return strcmp(a->pub.name, b->pub.name);
}

static void load(void)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	char *user = xdg && *xdg ? customs_asprintf("%s/customs/plugins", xdg)
		     : home && *home ? customs_asprintf("%s/.local/share/customs/plugins", home) : NULL;
	int err = scan_path_list(getenv("CUSTOMS_PLUGIN_PATH"));
	if (!err && user)
		err = scan_dir(user);
	if (!err)
		err = scan_dir(CUSTOMS_PLUGIN_DIR);
	free(user);
	qsort(plugins, nplugins, sizeof(*plugins), by_kind_name);
	for (size_t i = 0; i < nplugins && !err; i++) {
		plugin_entry *e = plugins[i];
		if (e->pub.kind != CUSTOMS_PLUGIN_ANALYZER)
			continue;
		/* registered as the built-ins are; its state is the copies sets */
		plugin__analyzer_init(e);
		if ((customs_analyzer_register(&e->type) < 0 || customs__analyzer_keeps_copies(&e->type) < 0) &&
		    !e->pub.broken)
			e->pub.broken = customs_strdup(customs_error_last());
	}
	load_err = err;
}

int customs_plugins_load(void)
{
	pthread_once(&load_once, load);
	return load_err;
}

size_t customs_plugin_list(const customs_plugin **out, size_t cap)
{
	customs_plugins_load();
	for (size_t i = 0; i < nplugins && i < cap; i++)
		out[i] = &plugins[i]->pub;
	return nplugins;
}

int customs_plugin_find(const customs_plugin **out, customs_plugin_kind kind, const char *name)
{
	*out = NULL;
	customs_plugins_load();
	for (size_t i = 0; i < nplugins; i++) {
		const customs_plugin *p = &plugins[i]->pub;
		if (p->kind != kind || strcmp(p->name, name))
			continue;
		if (p->broken)
			return customs__error(CUSTOMS_EUNSUPPORTED, "%s plugin %s (%s) is broken: %s",
					      customs_plugin_kind_name(kind), name, p->path, p->broken);
		*out = p;
		return 0;
	}
	return customs__error(CUSTOMS_ENOTFOUND,
			      "no %s plugin %s: no executable customs-%s-%s on CUSTOMS_PLUGIN_PATH, in "
			      "$XDG_DATA_HOME/customs/plugins or in %s (customs plugin list shows what there is)",
			      customs_plugin_kind_name(kind), name, customs_plugin_kind_name(kind), name,
			      CUSTOMS_PLUGIN_DIR);
}

int customs_plugin_call(json_t **out, const customs_plugin *p, const customs_analysis *a, const json_t *params)
{
	char *req = plugin__request((const plugin_entry *)p, a, 1, params, NULL);
	*out = NULL;
	if (!req)
		return CUSTOMS_ENOMEM;
	int err = plugin__call(out, (const plugin_entry *)p, req, NULL);
	free(req);
	return err;
}
