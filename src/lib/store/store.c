/* store.c - opening a store: the URL names a backend (sqlite.c,
 * postgres.c), whose connection the numbered migrations of schema.c bring
 * to this schema in one transaction. */
#include <stdlib.h>
#include <string.h>

#include "store/schema.h"
#include "store/store_int.h"

int customs_store_default_url(char **out)
{
	const char *env = getenv("CUSTOMS_STORE"), *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	if (env && *env)
		*out = customs_strdup(env);
	else if (xdg && *xdg)
		*out = customs_asprintf("%s/customs/store.sqlite", xdg);
	else if (home && *home)
		*out = customs_asprintf("%s/.local/share/customs/store.sqlite", home);
	else
		return customs__error(CUSTOMS_ENOTFOUND, "no store: set CUSTOMS_STORE, XDG_DATA_HOME or HOME, or give --store");
	return *out ? 0 : customs__error(CUSTOMS_ENOMEM, "out of memory");
}

/* Which backend a URL names, and what it gets of it. */
static const customs_store_backend_type *pick(const char *url, const char **rest)
{
	if (!strncmp(url, "postgres://", 11) || !strncmp(url, "postgresql://", 13)) {
		*rest = url;
		return &store__postgres_backend;
	}
	*rest = !strncmp(url, "sqlite:", 7) ? url + 7 : url;
	return &store__sqlite_backend;
}

int customs_store_open(customs_store **out, const char *url)
{
	customs_store *s = NULL;
	char *dflt = NULL;
	const char *rest;
	int err;

	*out = NULL;
	if (!url || !*url) {
		if ((err = customs_store_default_url(&dflt)) < 0)
			return err;
		url = dflt;
	}
	const customs_store_backend_type *t = pick(url, &rest);
	if (!*rest) {
		err = customs__error(CUSTOMS_EUSAGE, "store URL '%s' names no file", url);
		goto done;
	}
	if (!(s = calloc(1, sizeof(*s)))) {
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
		goto done;
	}
	s->t = t;
	s->sql = (customs_buf)CUSTOMS_BUF_INIT(0);
	if ((err = t->open(&s->b, rest)) < 0)
		goto done;
	if ((err = store__migrate(s)) < 0)
		goto done;
	*out = s;
	s = NULL;
done:
	customs_store_free(s);
	free(dflt);
	return err;
}

void customs_store_free(customs_store *s)
{
	if (!s)
		return;
	if (s->b)
		s->t->close(s->b);
	customs_buf_release(&s->sql);
	free(s);
}
