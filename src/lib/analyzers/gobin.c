/* gobin.c - the go-binary analyzer: the build info of every executable
 * (go_buildinfo.c reads it as the file streams past), one copy per layer
 * (core/copies.c).  The callbacks keep no state but the copies (under
 * their mutex), so the analyzer runs on every layer thread at once. */
#include <stdlib.h>

#include "analyzers/analyzers.h"
#include "core/copies.h"
#include "util/util.h"

/* ---- the analyzer ---- */

/* One file as it streams: where it is, and the scanner. */
typedef struct gofile {
	customs_file_warn w;
	customs_goscan *scan;
	int done;
} gofile;

static void *stream_open(void *self, const customs_afile *f)
{
	gofile *g = customs__stream_ctx_new(sizeof(*g), f, "Go build info");
	if (g && !(g->scan = customs__goscan_new(f->size))) {
		free(g);
		return NULL;
	}
	return g;
}

static int stream_write(void *self, void *ctx, const unsigned char *data, size_t len)
{
	gofile *g = ctx;
	int rc = customs__goscan_write(g->scan, data, len);
	if (rc == 1) {
		g->done = 1;
		return CUSTOMS_EINVAL; /* nothing more wanted: stop the deliveries */
	}
	return rc;
}

static void stream_close(void *self, void *ctx, int ok)
{
	gofile *g = ctx;
	customs_package **pkgs = NULL;
	size_t n = 0;
	if (ok || g->done) {
		int rc = customs__goscan_finish(g->scan, &pkgs, &n, customs__file_warn, &g->w);
		if (customs__copies_take(self, g->w.path, g->w.layer, rc, pkgs, n) == CUSTOMS_ENOMEM)
			customs_analysis_warn(g->w.a, CUSTOMS_ERROR, g->w.layer, g->w.path, "Go build info: out of memory");
	}
	customs__goscan_free(g->scan);
	free(g);
}

static int finish(void *self, customs_analysis *a)
{
	return copies__merge(self, a,
			     &(copies_merge){.found_by = "go-binary", .flags = COPIES_HARDLINKS | COPIES_OWNERS});
}

const customs_analyzer_type customs__gobin_analyzer = {
	.version = CUSTOMS_ANALYZER_VERSION,
	.name = "go-binary",
	.description = "Go modules and toolchain from the build info of Go executables",
	.analyzer_version = "1",
	.flags = CUSTOMS_ANALYZER_THREADSAFE,
	.want = customs__exe_want,
	.create = customs__copies_create,
	.destroy = customs__copies_destroy,
	.stream_open = stream_open,
	.stream_write = stream_write,
	.stream_close = stream_close,
	.finish = finish,
};
