/* source.h - where an image comes from: a reference resolved, through the
 * table of source kinds in source.c, to an image (manifest, config and
 * layer blobs for the layer stage: image.h), or, for a source that holds
 * an analysis rather than an image (sbom:FILE), to that analysis. */
#ifndef CUSTOMS_SOURCE_H
#define CUSTOMS_SOURCE_H

#include "customs/analysis.h"
#include "source/image.h"

/* Resolve ref into *img (zeroed by the caller) with every option
 * (platform, registry credentials and hosts); an error names ref.  A
 * source that reads an analysis whole puts it in *analysis (the caller's)
 * and leaves img empty; with analysis NULL such a source is refused. */
int source__open_opts(source_image *img, customs_analysis **analysis, const char *ref, const customs_options *opts);
/* An image with default options but platform ("os/arch[/variant]"). */
int source__open(source_image *img, const char *ref, const char *platform);

#endif
