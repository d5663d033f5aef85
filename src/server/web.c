/* web.c - the web page of customs serve: GET / and the page's script and
 * style, static files built into the server (web.h), no build step of
 * their own.  The page reads the JSON API like any other client. */
#include <stdlib.h>
#include <string.h>

#include "server_int.h"
#include "web.h"

static const char *type_of(const char *path)
{
	const char *dot = strrchr(path, '.');
	return !dot                      ? "application/octet-stream"
	       : !strcmp(dot, ".html")   ? "text/html; charset=utf-8"
	       : !strcmp(dot, ".js")     ? "text/javascript; charset=utf-8"
	       : !strcmp(dot, ".css")    ? "text/css; charset=utf-8"
					 : "application/octet-stream";
}

static void asset(call *c, const char *path)
{
	for (const web_asset *a = web_assets; a->path; a++) {
		if (strcmp(a->path, path))
			continue;
		char *copy = malloc(a->size ? a->size : 1);
		if (!copy) {
			call_error(c, 500, "internal", "out of memory");
			return;
		}
		memcpy(copy, a->data, a->size);
		free(c->buf);
		c->buf = copy;
		c->size = a->size;
		c->status = 200;
		c->content_type = type_of(path);
		return;
	}
	call_error(c, 404, "not_found", "no such file: %s", path);
}

void route_web_index(call *c)
{
	asset(c, "/index.html");
}

void route_web_js(call *c)
{
	asset(c, "/app.js");
}

void route_web_css(call *c)
{
	asset(c, "/app.css");
}
