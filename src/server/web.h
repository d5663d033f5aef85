/* web.h - the files of the web page (src/server/web/), built into the
 * server by src/server/embed.cmake. */
#ifndef CUSTOMS_SERVER_WEB_H
#define CUSTOMS_SERVER_WEB_H

#include <stddef.h>

typedef struct web_asset {
	const char *path;            /* "/app.js" */
	const unsigned char *data;
	size_t size;
} web_asset;

/* Every file, ending with a NULL path. */
extern const web_asset web_assets[];

#endif
