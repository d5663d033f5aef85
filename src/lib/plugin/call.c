/* call.c - one run of a plugin as the protocol has it (docs/plugins.md
 * "Environment", "Limits and failure"): its minimal environment, the
 * request written, the response checked to be one JSON object of
 * protocol 1, or the warning that names the plugin and why. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin/plugin_int.h"

static const char *const kind_names[] = {"analyzer", "query", "gate"};

const char *customs_plugin_kind_name(customs_plugin_kind k)
{
	return (unsigned)k < 3 ? kind_names[k] : "unknown";
}

void plugin__env(const char *env[8], char buf[8][1024], const plugin_entry *e, const char *root)
{
	const char *path = getenv("PATH");
	size_t n = 0;
	snprintf(buf[n++], 1024, "PATH=%s", path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	snprintf(buf[n++], 1024, "LC_ALL=C.UTF-8");
	snprintf(buf[n++], 1024, "CUSTOMS_PLUGIN_PROTOCOL=%d", CUSTOMS_PLUGIN_PROTOCOL);
	snprintf(buf[n++], 1024, "CUSTOMS_PLUGIN_NAME=%s", e->pub.name);
	snprintf(buf[n++], 1024, "CUSTOMS_PLUGIN_KIND=%s", customs_plugin_kind_name(e->pub.kind));
	if (root)
		snprintf(buf[n++], 1024, "CUSTOMS_ROOT=%s", root);
	for (size_t i = 0; i < n; i++)
		env[i] = buf[i];
	env[n] = NULL;
}

int plugin__call(json_t **out, const plugin_entry *e, const char *request, const char *root)
{
	plugin_limits lim;
	plugin_output o;
	char why[1024];
	const char *env[8];
	char env_buf[8][1024];
	json_error_t je;
	int err;

	*out = NULL;
	plugin__limits_default(&lim);
	plugin__env(env, env_buf, e, root);
	err = plugin__run(&o, e->pub.path, "run", env, root, request, strlen(request), &lim);
	if (err < 0) {
		plugin__output_release(&o);
		return err;
	}
	if (plugin__failed(&o, &lim, why, sizeof(why)))
		err = customs__error(CUSTOMS_EIO, "plugin %s %s", e->pub.name, why);
	else if (!(*out = json_loadb(o.out.ptr ? o.out.ptr : "", o.out.len, JSON_REJECT_DUPLICATES, &je)))
		err = customs__error(CUSTOMS_EFORMAT, "plugin %s printed invalid JSON: %s (line %d)", e->pub.name, je.text,
				     je.line);
	else if (!json_is_object(*out))
		err = customs__error(CUSTOMS_EFORMAT, "plugin %s printed JSON that is not an object", e->pub.name);
	else if (json_object_get(*out, "protocol") &&
		 json_integer_value(json_object_get(*out, "protocol")) != CUSTOMS_PLUGIN_PROTOCOL)
		err = customs__error(CUSTOMS_EFORMAT, "plugin %s answered in protocol %lld; this customs speaks protocol %d",
				     e->pub.name, (long long)json_integer_value(json_object_get(*out, "protocol")),
				     CUSTOMS_PLUGIN_PROTOCOL);
	if (err < 0) {
		json_decref(*out);
		*out = NULL;
	}
	plugin__output_release(&o);
	return err;
}
