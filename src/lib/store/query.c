/* query.c - questions to the store (customs_store_query): about one image,
 * answered from its stored analysis (packages, files, setuid, unowned
 * files, layers, introduced-by, config, vulns, base), and about every
 * image at once (has-package, has-vuln, has-file), each one indexed SQL
 * query: a version constraint is checked in C, in the package's own
 * version scheme, on the rows the name selected. */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "customs/plugin.h"
#include "customs/report.h"
#include "customs/version.h"
#include "store/store_int.h"
#include "store/table.h"

static const customs_store_query_info queries[] = {
	{"packages", 0, "[--type T]", "the packages a container sees", "name,version,type,arch,layer,purl", "ssssis"},
	{"files", 0, "[--glob G]", "the files a container sees (G: a glob over the absolute path, * across /)",
	 "path,type,mode,uid,gid,size,layer,link", "sssiiiis"},
	{"setuid", 0, "", "setuid and setgid files", "path,mode,uid,gid,layer,flags", "ssiiis"},
	{"unowned-files", 0, "", "regular files no package owns: what was added outside a package manager",
	 "path,size,mode,layer", "sisi"},
	{"layers", 0, "", "each layer: digest, size, the command that made it, the packages it added",
	 "index,digest,diff_id,size,created_by,packages_added,entries", "issisii"},
	{"introduced-by", 0, "PACKAGE", "which layer (and command) brought a package, and which removed it",
	 "name,version,type,layer,created_by,removed_in_layer", "sssisi"},
	{"config", 0, "", "the image config: user, env, entrypoint, cmd, ports, volumes, labels, ...",
	 "field,key,value", "sss"},
	{"vulns", 0, "",
	 "its active vulnerabilities (last matched), inherited from its base image or introduced by its "
	 "own layers",
	 "id,severity,package,version,type,fix_state,fixed_in,layer,origin", "sssssssis"},
	{"base", 0, "", "the stored image whose layers its first layers are", "digest,tags,reference,layers", "sssi"},
	{"history", 0, "", "what each rematch changed: matches new and resolved, with the time and database",
	 "at,event,id,severity,package,version,type,vulndb_built_at", "ssssssss"},
	{"evaluations", 0, "",
	 "the policy evaluations kept of it (evaluate or scan --policy with a store), newest first",
	 "evaluated_at,bundle_digest,action", "sss"},
	{"plugin-results", 0, "", "what analyzer plugins reported besides packages: facts and findings",
	 "plugin,kind,key,value,severity,path", "ssssss"},
	{"has-package", 1, "NAME [--version CONSTRAINT] [--type T]",
	 "images with a package of that name (the constraint in the package's own version scheme)",
	 "digest,tags,name,version,type,layer", "sssssi"},
	{"has-vuln", 1, "ID", "images with an active match of that vulnerability (any of its ids)",
	 "digest,tags,id,severity,package,version,type", "sssssss"},
	{"has-file", 1, "PATH", "images whose containers see that path", "digest,tags,path,type,size,mode,layer",
	 "ssssisi"},
	{"tag-history", 1, "[TAG]", "every digest each tag (or TAG) named, and since when: a move is a new row",
	 "tag,digest,seen_at,current", "sssb"},
	{NULL, 0, NULL, NULL, NULL, NULL},
};

const customs_store_query_info *customs_store_query_list(void)
{
	return queries;
}

/* ---- cells ---- */

/* an index that may be -1 (unknown) */
static int cell_layer(store_rows *o, long long v)
{
	return v >= 0 ? store__celli(o, v) : store__cell(o, NULL);
}

static int cell_mode(store_rows *o, uint32_t mode)
{
	char b[16];
	snprintf(b, sizeof(b), "%04o", mode & 07777);
	return store__cell(o, b);
}

/* ---- queries about one image ---- */

static int q_packages(store_rows *o, const customs_analysis *a, const customs_store_query_args *x)
{
	int err = 0;
	for (size_t i = 0; i < a->npackages && !err; i++) {
		const customs_package *p = a->packages[i];
		if (!p->visible || (x->type && (!p->type || strcmp(p->type, x->type))))
			continue;
		if ((err = store__cell(o, p->name)) || (err = store__cell(o, p->version)) || (err = store__cell(o, p->type)) ||
		    (err = store__cell(o, p->arch)) || (err = cell_layer(o, p->layer)))
			break;
		err = store__cell(o, p->purl);
	}
	return err;
}

/* A glob over the absolute path, as find -path takes it: a star matches
 * across slashes too. */
static int glob_match(const char *glob, const char *path)
{
	char p[4096], g[4096];
	if (!glob)
		return 1;
	snprintf(p, sizeof(p), "/%s", path);
	snprintf(g, sizeof(g), "%s%s", glob[0] == '/' || glob[0] == '*' ? "" : "/", glob);
	return fnmatch(g, p, 0) == 0;
}

static int file_row(store_rows *o, const customs_file *f)
{
	char p[4096];
	int err;
	snprintf(p, sizeof(p), "/%s", f->path);
	if ((err = store__cell(o, p)) || (err = store__cell(o, customs_file_type_name((customs_file_type)f->type))) ||
	    (err = cell_mode(o, f->mode)) || (err = store__celli(o, f->uid)) || (err = store__celli(o, f->gid)) ||
	    (err = store__celli(o, (long long)f->size)) || (err = store__celli(o, f->layer)))
		return err;
	return store__cell(o, f->link);
}

static int q_files(store_rows *o, const customs_analysis *a, const customs_store_query_args *x)
{
	int err = 0;
	for (size_t i = 0; i < a->nfiles && !err; i++)
		if (a->files[i].visible && glob_match(x->glob, a->files[i].path))
			err = file_row(o, &a->files[i]);
	return err;
}

static int q_setuid(store_rows *o, const customs_analysis *a, const customs_store_query_args *x)
{
	int err = 0;
	for (size_t i = 0; i < a->nfiles && !err; i++) {
		const customs_file *f = &a->files[i];
		if (!f->visible || f->type == CUSTOMS_FILE_DIR || !(f->mode & 06000))
			continue;
		char p[4096];
		snprintf(p, sizeof(p), "/%s", f->path);
		const char *flags = (f->mode & 04000) && (f->mode & 02000) ? "setuid,setgid"
				    : f->mode & 04000                      ? "setuid"
									   : "setgid";
		if ((err = store__cell(o, p)) || (err = cell_mode(o, f->mode)) || (err = store__celli(o, f->uid)) ||
		    (err = store__celli(o, f->gid)) || (err = store__celli(o, f->layer)))
			break;
		err = store__cell(o, flags);
	}
	return err;
}

static int q_unowned(store_rows *o, const customs_analysis *a, const customs_store_query_args *x)
{
	customs_strmap owned = {0};
	int err = 0;
	/* owned files are absolute paths in the package manager's terms, and
	 * may go through symlinks (/bin/su is /usr/bin/su on merged-/usr) */
	for (size_t i = 0; i < a->npackages && !err; i++)
		for (size_t k = 0; k < a->packages[i]->files.n && !err; k++) {
			const char *f = a->packages[i]->files.v[k];
			const customs_file *r = customs_analysis_lookup(a, f, 1);
			if ((err = customs_strmap_put(&owned, f[0] == '/' ? f + 1 : f, (void *)1)) == 0 && r)
				err = customs_strmap_put(&owned, r->path, (void *)1);
		}
	for (size_t i = 0; i < a->nfiles && !err; i++) {
		const customs_file *f = &a->files[i];
		if (!f->visible || f->type != CUSTOMS_FILE_REG || customs_strmap_get(&owned, f->path, NULL))
			continue;
		char p[4096];
		snprintf(p, sizeof(p), "/%s", f->path);
		if ((err = store__cell(o, p)) || (err = store__celli(o, (long long)f->size)) || (err = cell_mode(o, f->mode)))
			break;
		err = store__celli(o, f->layer);
	}
	customs_strmap_release(&owned);
	return err;
}

static int q_layers(store_rows *o, const customs_analysis *a, const customs_store_query_args *x)
{
	int err = 0;
	for (size_t i = 0; i < a->nlayers && !err; i++) {
		const customs_layer *l = &a->layers[i];
		long long added = 0;
		for (size_t k = 0; k < a->npackages; k++)
			added += a->packages[k]->visible && a->packages[k]->layer == (int)i;
		if ((err = store__celli(o, (long long)i)) || (err = store__cell(o, l->digest)) || (err = store__cell(o, l->diff_id)) ||
		    (err = store__celli(o, l->size)) || (err = store__cell(o, l->created_by)) || (err = store__celli(o, added)))
			break;
		err = store__celli(o, (long long)l->entries);
	}
	return err;
}

static int q_introduced_by(store_rows *o, const customs_analysis *a, const customs_store_query_args *x)
{
	int err = 0;
	for (size_t i = 0; i < a->npackages && !err; i++) {
		const customs_package *p = a->packages[i];
		if (!p->name || strcmp(p->name, x->operand))
			continue;
		const char *by = p->layer >= 0 && (size_t)p->layer < a->nlayers ? a->layers[p->layer].created_by : NULL;
		if ((err = store__cell(o, p->name)) || (err = store__cell(o, p->version)) || (err = store__cell(o, p->type)) ||
		    (err = cell_layer(o, p->layer)) || (err = store__cell(o, by)))
			break;
		err = cell_layer(o, p->removed_in_layer);
	}
	if (!err && !o->ncells)
		err = customs__error(CUSTOMS_ENOTFOUND, "no package named %s in %s", x->operand,
				     a->image.reference ? a->image.reference : "the image");
	return err;
}

static int kv(store_rows *o, const char *field, const char *key, const char *value)
{
	int err;
	if (!value)
		return 0;
	if ((err = store__cell(o, field)) || (err = store__cell(o, key)))
		return err;
	return store__cell(o, value);
}

static int kv_list(store_rows *o, const char *field, const customs_strlist *l, const char *sep)
{
	customs_buf b = CUSTOMS_BUF_INIT(0);
	int err;
	if (!l->n)
		return 0;
	for (size_t i = 0; i < l->n; i++)
		customs_buf_printf(&b, "%s%s", i ? sep : "", l->v[i]);
	err = kv(o, field, NULL, b.ptr ? b.ptr : "");
	customs_buf_release(&b);
	return err;
}

static int q_config(store_rows *o, const customs_analysis *a, const customs_store_query_args *x)
{
	const customs_image *im = &a->image;
	const customs_config *c = &im->config;
	int err;
	if ((err = kv(o, "created", NULL, im->created)) || (err = kv(o, "author", NULL, im->author)) ||
	    (err = kv(o, "architecture", NULL, im->architecture)) || (err = kv(o, "os", NULL, im->os)) ||
	    (err = kv(o, "user", NULL, c->user)) || (err = kv(o, "workdir", NULL, c->workdir)) ||
	    (err = kv_list(o, "entrypoint", &c->entrypoint, " ")) || (err = kv_list(o, "cmd", &c->cmd, " ")) ||
	    (err = kv_list(o, "shell", &c->shell, " ")) || (err = kv_list(o, "ports", &c->exposed_ports, ",")) ||
	    (err = kv_list(o, "volumes", &c->volumes, ",")) || (err = kv(o, "stop_signal", NULL, c->stop_signal)))
		return err;
	for (size_t i = 0; i < c->env.n; i++) {
		const char *eq = strchr(c->env.v[i], '=');
		char *key = customs_strndup(c->env.v[i], eq ? (size_t)(eq - c->env.v[i]) : strlen(c->env.v[i]));
		err = key ? kv(o, "env", key, eq ? eq + 1 : "") : customs__error(CUSTOMS_ENOMEM, "out of memory");
		free(key);
		if (err)
			return err;
	}
	const char *k;
	json_t *v;
	json_object_foreach(c->labels, k, v) if ((err = kv(o, "labels", k, json_string_value(v)))) return err;
	if (c->healthcheck) {
		char *h = json_dumps(c->healthcheck, JSON_COMPACT | JSON_PRESERVE_ORDER);
		err = kv(o, "healthcheck", NULL, h);
		free(h);
	}
	return err;
}

static int q_plugin_results(store_rows *o, const customs_analysis *a, const customs_store_query_args *x)
{
	const char *name, *k;
	json_t *r, *v;
	size_t i;
	int err = 0;
	json_object_foreach(a->plugin_results, name, r)
	{
		json_object_foreach(json_object_get(r, "facts"), k, v) if ((err = store__cell(o, name)) ||
									   (err = store__cell(o, "fact")) || (err = store__cell(o, k)) ||
									   (err = store__cell(o, json_string_value(v))) ||
									   (err = store__cell(o, NULL)) || (err = store__cell(o, NULL))) return err;
		json_array_foreach (json_object_get(r, "findings"), i, v) {
			const char *p = json_string_value(json_object_get(v, "path"));
			char abs[4096];
			snprintf(abs, sizeof(abs), "/%s", p ? p : "");
			if ((err = store__cell(o, name)) || (err = store__cell(o, "finding")) ||
			    (err = store__cell(o, json_string_value(json_object_get(v, "id")))) ||
			    (err = store__cell(o, json_string_value(json_object_get(v, "message")))) ||
			    (err = store__cell(o, json_string_value(json_object_get(v, "severity")))) ||
			    (err = store__cell(o, p ? abs : NULL)))
				return err;
		}
	}
	return err;
}

/* ---- query plugins ---- */

/* A cell of a plugin's row: a string as it is, a number or boolean as
 * JSON writes it, null as NULL. */
static int plugin_cell(store_rows *o, const json_t *v)
{
	if (json_is_string(v) || json_is_null(v))
		return store__cell(o, json_string_value(v));
	char *s = json_is_array(v) || json_is_object(v) ? NULL : json_dumps(v, JSON_ENCODE_ANY);
	if (!s)
		return customs__error(CUSTOMS_EFORMAT, "a cell is not a string, number, boolean or null");
	int err = store__cell(o, s);
	free(s);
	return err;
}

/* The table of what the query plugin answered: "columns" (strings) and
 * "rows" (arrays of as many cells). */
static int plugin_table(store_rows **out, const char *name, const json_t *resp)
{
	const json_t *cols = json_object_get(resp, "columns"), *rows = json_object_get(resp, "rows"), *row, *v;
	customs_buf b = CUSTOMS_BUF_INIT(1u << 20);
	char *types = NULL;
	size_t i, j, n = json_array_size(cols);
	int err = 0;

	*out = NULL;
	if (!n || !json_is_array(rows))
		return customs__error(CUSTOMS_EFORMAT, "query plugin %s: its response needs \"columns\" (a non-empty "
				      "array of strings) and \"rows\" (an array)", name);
	json_array_foreach (cols, i, v) {
		if (!json_is_string(v) || !*json_string_value(v) || strchr(json_string_value(v), ','))
			return customs__error(CUSTOMS_EFORMAT, "query plugin %s: column %zu is not a name", name, i);
		customs_buf_printf(&b, "%s%s", i ? "," : "", json_string_value(v));
	}
	if (!b.ptr || !(types = malloc(n + 1))) {
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
		goto done;
	}
	memset(types, 's', n);
	types[n] = '\0';
	if (!(*out = store__table_new(b.ptr, types))) {
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
		goto done;
	}
	json_array_foreach (rows, i, row) {
		if (json_array_size(row) != n) {
			err = customs__error(CUSTOMS_EFORMAT, "query plugin %s: row %zu has %zu cells for %zu columns",
					     name, i, json_array_size(row), n);
			goto done;
		}
		json_array_foreach (row, j, v)
			if ((err = plugin_cell(*out, v)) < 0) {
				err = customs__error(err, "query plugin %s: row %zu, column %zu: %s", name, i, j,
						     customs_strerror(err));
				goto done;
			}
	}
done:
	if (err < 0 && *out) {
		customs_store_table_free(&(*out)->t);
		*out = NULL;
	}
	customs_buf_release(&b);
	free(types);
	return err;
}

static int q_plugin(customs_store *s, customs_store_table **out, const char *ref, const char *name,
		    const customs_store_query_args *x)
{
	const customs_plugin *p;
	customs_analysis *a = NULL;
	store_rows *o = NULL;
	json_t *args = NULL, *params = NULL, *resp = NULL;
	int err;

	/* a plugin that is not there is the user's mistake, as an unknown query */
	if ((err = customs_plugin_find(&p, CUSTOMS_PLUGIN_QUERY, name)) == CUSTOMS_ENOTFOUND) {
		char why[1024]; /* customs__error formats into the buffer it would read */
		snprintf(why, sizeof(why), "%s", customs_error_last());
		return customs__error(CUSTOMS_EUSAGE, "%s", why);
	}
	if (err < 0)
		return err;
	if (!ref)
		return customs__error(CUSTOMS_EUSAGE, "a query plugin asks one image: customs query IMAGE plugin:%s",
				      name);
	/* unchecked: an argument that is not UTF-8 is made valid when written */
	args = json_array();
	for (size_t i = 0; args && i < x->argc; i++)
		if (json_array_append_new(args, json_string_nocheck(x->argv[i])) < 0)
			json_decref(args), args = NULL;
	if (!args || !(params = json_pack("{s:O}", "args", args))) {
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
		goto done;
	}
	if ((err = customs_store_load(s, &a, ref, 0)) < 0)
		goto done;
	customs_analysis_select_packages(a, 0);
	if ((err = customs_plugin_call(&resp, p, a, params)) < 0 || (err = plugin_table(&o, name, resp)) < 0)
		goto done;
	*out = store__table_done(o);
done:
	json_decref(args);
	json_decref(params);
	json_decref(resp);
	customs_analysis_free(a);
	return err;
}

/* ---- the image queries that need the store ---- */

static int q_vulns(customs_store *s, store_rows *o, const customs_analysis *a)
{
	customs_match_result *r = NULL;
	customs_store_base *base = NULL;
	int err = customs_store_matches(s, &r, a);
	if (err < 0)
		return err;
	if ((err = customs_store_base_of(s, &base, a)) < 0 && err != CUSTOMS_ENOTFOUND)
		goto done;
	err = 0;
	for (size_t i = 0; i < r->n && !err; i++) {
		const customs_match *m = &r->matches[i];
		customs_buf fx = CUSTOMS_BUF_INIT(0);
		if (!customs_match_active(m))
			continue;
		for (size_t k = 0; k < m->nfixed; k++)
			customs_buf_printf(&fx, "%s%s", k ? ", " : "", m->fixed[k]);
		const char *origin = !base ? NULL : m->layer >= 0 && (size_t)m->layer < base->layers ? "base" : "image";
		if (!(err = store__cell(o, m->id)) && !(err = store__cell(o, customs_severity_name(m->severity))) &&
		    !(err = store__cell(o, m->name)) && !(err = store__cell(o, m->version)) && !(err = store__cell(o, m->type)) &&
		    !(err = store__cell(o, customs_fix_state_name(m->fix_state))) && !(err = store__cell(o, fx.ptr)) &&
		    !(err = cell_layer(o, m->layer)))
			err = store__cell(o, origin);
		customs_buf_release(&fx);
	}
done:
	customs_store_base_free(base);
	customs_store_matches_free(r);
	return err;
}

static char *join(char *const *v, size_t n)
{
	customs_buf b = CUSTOMS_BUF_INIT(0);
	for (size_t i = 0; i < n; i++)
		customs_buf_printf(&b, "%s%s", i ? "," : "", v[i]);
	return customs_buf_detach(&b);
}

static int q_base(customs_store *s, store_rows *o, const customs_analysis *a)
{
	customs_store_base *b = NULL;
	int err = customs_store_base_of(s, &b, a);
	if (err < 0)
		return err;
	char *tags = join(b->tags, b->ntags);
	if (!(err = store__cell(o, b->digest)) && !(err = store__cell(o, tags)) && !(err = store__cell(o, b->reference)))
		err = store__celli(o, (long long)b->layers);
	free(tags);
	customs_store_base_free(b);
	return err;
}

/* at, event, vuln_id, severity, name, version, type, built_at */
static int history_row(void *ud, const customs_store_value *c, size_t n)
{
	store_rows *o = ud;
	int64_t sev = sv_i64(&c[3]);
	int err;
	if ((err = store__cell(o, sv_str(&c[0]))) || (err = store__cell(o, sv_str(&c[1]))) || (err = store__cell(o, sv_str(&c[2]))) ||
	    (err = store__cell(o, customs_severity_name(sev >= 0 && sev < 6 ? (customs_severity)sev
								     : CUSTOMS_SEVERITY_UNKNOWN))) ||
	    (err = store__cell(o, sv_str(&c[4]))) || (err = store__cell(o, sv_str(&c[5]))) || (err = store__cell(o, sv_str(&c[6]))))
		return err;
	return store__cell(o, sv_str(&c[7]));
}

static int q_history(customs_store *s, store_rows *o, const customs_analysis *a)
{
	customs_store_value d = sv_text(store__analysis_digest(a));
	return store__query(s,
			    "SELECT e.at, e.event, e.vuln_id, e.severity, e.name, e.version, e.type, e.built_at"
			    " FROM match_events e JOIN images i ON i.id = e.image_id WHERE i.digest = ? ORDER BY e.id",
			    &d, 1, history_row, o);
}

static int q_evaluations(customs_store *s, store_rows *o, const customs_analysis *a)
{
	customs_store_evaluation_list *l = NULL;
	int err = customs_store_evaluations(s, &l, store__analysis_digest(a), NULL);
	for (size_t i = 0; !err && l && i < l->n; i++)
		if (!(err = store__cell(o, l->v[i].evaluated_at)) && !(err = store__cell(o, l->v[i].bundle_digest)))
			err = store__cell(o, l->v[i].action);
	customs_store_evaluation_list_free(l);
	return err;
}

/* ---- queries over every image ---- */

typedef struct fleet {
	store_rows *o;
	customs_strmap tags; /* digest -> tags (arena text) */
	customs_arena ar;
	const customs_store_query_args *x;
} fleet;

static int tag_row(void *ud, const customs_store_value *c, size_t n)
{
	fleet *f = ud;
	const char *digest = sv_str(&c[1]), *tag = sv_str(&c[0]);
	if (!digest || !tag)
		return 0;
	const char *cur = customs_strmap_get(&f->tags, digest, NULL);
	const char *v = cur ? customs_arena_printf(&f->ar, "%s,%s", cur, tag) : customs_arena_strdup(&f->ar, tag);
	/* a new key must outlive the row; an old one keeps its first copy */
	const char *k = cur ? digest : customs_arena_strdup(&f->ar, digest);
	if (!v || !k)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	return customs_strmap_put(&f->tags, k, (void *)v);
}

static int fleet_tags(customs_store *s, fleet *f)
{
	return store__query(s,
			    "SELECT t.tag, t.digest FROM image_tags t WHERE t.id = (SELECT max(id) FROM image_tags u"
			    " WHERE u.tag = t.tag) ORDER BY t.tag",
			    NULL, 0, tag_row, f);
}

/* the scheme of a package type's versions */
static const customs_version_scheme *scheme_of(const char *type)
{
	static const char *const m[][2] = {
		{"deb", "dpkg"},
		{"rpm", "rpm"},
		{"apk", "apk"},
		{"python", "pep440"},
		{"npm", "semver"},
		{"go-module", "go"},
		{"java-archive", "maven"},
		{"maven", "maven"},
		{"gem", "gem"},
		{"rust-crate", "cargo"},
		{"php-composer", "composer"},
		{"dotnet", "nuget"},
		{"nuget", "nuget"},
	};
	for (size_t i = 0; type && i < NV(m); i++)
		if (!strcmp(type, m[i][0]))
			return customs_version_scheme_find(m[i][1]);
	return NULL;
}

/* tag, digest, seen_at, newest id of the tag, id */
static int tag_history_row(void *ud, const customs_store_value *c, size_t n)
{
	fleet *f = ud;
	int err;
	if ((err = store__cell(f->o, sv_str(&c[0]))) || (err = store__cell(f->o, sv_str(&c[1]))) || (err = store__cell(f->o, sv_str(&c[2]))))
		return err;
	return store__cell(f->o, sv_i64(&c[3]) == sv_i64(&c[4]) ? "true" : "false");
}

/* digest, name, version, type, layer */
static int package_hit(void *ud, const customs_store_value *c, size_t n)
{
	fleet *f = ud;
	const char *digest = sv_str(&c[0]), *version = sv_str(&c[2]), *type = sv_str(&c[3]);
	int err;
	if (f->x->version) {
		const customs_version_scheme *sc = scheme_of(type);
		int ok = 0;
		/* a version its scheme cannot read does not satisfy anything */
		if (!sc || !version || customs_version_satisfies(sc, version, f->x->version, &ok) < 0 || !ok)
			return 0;
	}
	if ((err = store__cell(f->o, digest)) ||
	    (err = store__cell(f->o, digest ? customs_strmap_get(&f->tags, digest, NULL) : NULL)) ||
	    (err = store__cell(f->o, sv_str(&c[1]))) || (err = store__cell(f->o, version)) || (err = store__cell(f->o, type)))
		return err;
	return cell_layer(f->o, sv_i64(&c[4]));
}

/* digest, id, severity, name, version, type */
static int vuln_hit(void *ud, const customs_store_value *c, size_t n)
{
	fleet *f = ud;
	const char *digest = sv_str(&c[0]);
	int64_t sev = sv_i64(&c[2]);
	int err;
	if ((err = store__cell(f->o, digest)) ||
	    (err = store__cell(f->o, digest ? customs_strmap_get(&f->tags, digest, NULL) : NULL)) ||
	    (err = store__cell(f->o, sv_str(&c[1]))) ||
	    (err = store__cell(f->o, customs_severity_name(sev >= 0 && sev < 6 ? (customs_severity)sev
									: CUSTOMS_SEVERITY_UNKNOWN))) ||
	    (err = store__cell(f->o, sv_str(&c[3]))) || (err = store__cell(f->o, sv_str(&c[4]))))
		return err;
	return store__cell(f->o, sv_str(&c[5]));
}

/* digest, path, type, size, mode, layer */
static int file_hit(void *ud, const customs_store_value *c, size_t n)
{
	fleet *f = ud;
	const char *digest = sv_str(&c[0]), *path = sv_str(&c[1]);
	char p[4096];
	int err;
	snprintf(p, sizeof(p), "/%s", path ? path : "");
	if ((err = store__cell(f->o, digest)) ||
	    (err = store__cell(f->o, digest ? customs_strmap_get(&f->tags, digest, NULL) : NULL)) || (err = store__cell(f->o, p)) ||
	    (err = store__cell(f->o, customs_file_type_name((customs_file_type)sv_i64(&c[2])))) ||
	    (err = store__celli(f->o, sv_i64(&c[3]))) || (err = cell_mode(f->o, (uint32_t)sv_i64(&c[4]))))
		return err;
	return store__celli(f->o, sv_i64(&c[5]));
}

static int q_fleet(customs_store *s, store_rows *o, const customs_store_query_info *q,
		   const customs_store_query_args *x)
{
	fleet f = {.o = o, .x = x};
	int err;
	if (strcmp(q->name, "tag-history") && (err = fleet_tags(s, &f)) < 0)
		goto done;
	if (!strcmp(q->name, "has-package")) {
		customs_store_value v[] = {sv_text(x->operand), sv_text(x->type)};
		err = store__query(
			s,
			x->type ? "SELECT i.digest, p.name, p.version, p.type, p.layer FROM packages p JOIN images i"
				  " ON i.id = p.image_id WHERE lower(p.name) = lower(?) AND p.visible = 1 AND p.type = "
				  "?"
				  " ORDER BY i.digest, p.seq"
				: "SELECT i.digest, p.name, p.version, p.type, p.layer FROM packages p JOIN images i"
				  " ON i.id = p.image_id WHERE lower(p.name) = lower(?) AND p.visible = 1"
				  " ORDER BY i.digest, p.seq",
			v, x->type ? 2 : 1, package_hit, &f);
	} else if (!strcmp(q->name, "tag-history")) {
		customs_store_value v = sv_text(x->operand);
		err = store__query(
			s,
			x->operand
				? "SELECT t.tag, t.digest, t.seen_at, (SELECT max(id) FROM image_tags u WHERE u.tag ="
				  " t.tag), t.id FROM image_tags t WHERE t.tag = ? ORDER BY t.tag, t.id"
				: "SELECT t.tag, t.digest, t.seen_at, (SELECT max(id) FROM image_tags u WHERE u.tag ="
				  " t.tag), t.id FROM image_tags t ORDER BY t.tag, t.id",
			&v, x->operand ? 1 : 0, tag_history_row, &f);
	} else if (!strcmp(q->name, "has-vuln")) {
		char up[256];
		size_t i = 0;
		for (; x->operand[i] && i + 1 < sizeof(up); i++)
			up[i] = (char)(x->operand[i] >= 'a' && x->operand[i] <= 'z' ? x->operand[i] - 32
										    : x->operand[i]);
		up[i] = '\0';
		customs_store_value v = sv_text(up);
		err = store__query(s,
				   "SELECT i.digest, m.vuln_id, m.severity, m.name, m.version, m.type FROM match_ids x"
				   " JOIN matches m ON m.matchset = x.matchset AND m.seq = x.seq"
				   " JOIN images i ON i.matchset = x.matchset WHERE x.id = ? AND m.active = 1"
				   " ORDER BY i.digest, m.seq",
				   &v, 1, vuln_hit, &f);
	} else {
		/* the path as the catalog keeps it: relative, no trailing "/" */
		char *path = customs_strdup(x->operand);
		if (!path || customs__path_normalize(path, x->operand) < 0) {
			err = path ? customs__error(CUSTOMS_EUSAGE, "has-file: '%s' is not a path in an image",
						    x->operand)
				   : customs__error(CUSTOMS_ENOMEM, "out of memory");
			free(path);
			goto done;
		}
		customs_store_value v = sv_text(path);
		err = store__query(
			s,
			"SELECT i.digest, f.path, f.type, f.size, f.mode, l.idx FROM layer_files f"
			" JOIN image_layers l ON l.files_key = f.files_key JOIN images i ON i.id = l.image_id"
			" WHERE f.path = ? AND f.kind = 0 AND NOT EXISTS (SELECT 1 FROM image_hidden h"
			" WHERE h.image_id = l.image_id AND h.layer = l.idx AND h.seq = f.seq)"
			" ORDER BY i.digest, l.idx",
			&v, 1, file_hit, &f);
		free(path);
	}
done:
	customs_strmap_release(&f.tags);
	customs_arena_release(&f.ar);
	return err;
}

/* ---- the front ---- */

int customs_store_query(customs_store *s, customs_store_table **out, const char *ref, const char *query,
			const customs_store_query_args *args)
{
	static const customs_store_query_args none = {0};
	const customs_store_query_info *q = NULL;
	const customs_store_query_args *x = args ? args : &none;
	customs_analysis *a = NULL;
	store_rows *o = NULL;
	int err = 0;

	*out = NULL;
	if (query && !strncmp(query, "plugin:", 7))
		return q_plugin(s, out, ref, query + 7, x);
	for (const customs_store_query_info *i = queries; query && i->name && !q; i++)
		if (!strcmp(i->name, query))
			q = i;
	if (!q)
		return customs__error(CUSTOMS_EUSAGE, "unknown query '%s': `customs query list` shows them",
				      query ? query : "");
	if (q->fleet && ref)
		return customs__error(CUSTOMS_EUSAGE, "%s asks every image: customs query --all %s %s", q->name,
				      q->name, q->args);
	if (!q->fleet && !ref)
		return customs__error(CUSTOMS_EUSAGE, "%s asks one image: customs query IMAGE %s %s", q->name, q->name,
				      q->args);
	if (!strncmp(q->args, "PACKAGE", 7) || !strncmp(q->args, "NAME", 4) || !strncmp(q->args, "ID", 2) ||
	    !strncmp(q->args, "PATH", 4)) {
		if (!x->operand || !*x->operand)
			return customs__error(CUSTOMS_EUSAGE, "%s wants %.*s", q->name, (int)strcspn(q->args, " "),
					      q->args);
	}
	if (!(o = store__table_new(q->columns, q->types)))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	if (q->fleet) {
		err = q_fleet(s, o, q, x);
	} else {
		int files =
			!strcmp(q->name, "files") || !strcmp(q->name, "setuid") || !strcmp(q->name, "unowned-files");
		if ((err = customs_store_load(s, &a, ref, files ? 0 : CUSTOMS_STORE_LOAD_NO_FILES)) < 0)
			goto done;
		if (!strcmp(q->name, "vulns") || !strcmp(q->name, "base") || !strcmp(q->name, "history")) {
			/* matches index the packages as the matcher saw them */
			customs_analysis_select_packages(a, 0);
			err = !strcmp(q->name, "vulns")  ? q_vulns(s, o, a)
			      : !strcmp(q->name, "base") ? q_base(s, o, a)
							 : q_history(s, o, a);
		} else if (!strcmp(q->name, "evaluations")) {
			err = q_evaluations(s, o, a);
		} else {
			static const struct {
				const char *name;
				int (*fn)(store_rows *, const customs_analysis *, const customs_store_query_args *);
			} image_queries[] = {
				{"packages", q_packages},     {"files", q_files},   {"setuid", q_setuid},
				{"unowned-files", q_unowned}, {"layers", q_layers}, {"introduced-by", q_introduced_by},
				{"config", q_config}, {"plugin-results", q_plugin_results},
			};
			for (size_t i = 0; i < NV(image_queries); i++)
				if (!strcmp(image_queries[i].name, q->name))
					err = image_queries[i].fn(o, a, x);
		}
	}
done:
	customs_analysis_free(a);
	if (err < 0) {
		customs_store_table_free(&o->t);
		return err;
	}
	*out = store__table_done(o);
	return 0;
}
