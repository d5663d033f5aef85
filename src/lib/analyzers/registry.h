/* registry.h - the analyzers of one analysis: the registered types that
 * customs_options.analyzers selects, each with its state (registry.c). */
#ifndef CUSTOMS_ANALYZERS_REGISTRY_H
#define CUSTOMS_ANALYZERS_REGISTRY_H

#include <stddef.h>

#include "layers/analyzer_run.h"

/* The registered analyzers that opts->analyzers (a comma list; NULL, ""
 * or "all": every one that is not opt-in) selects, and the opt-in ones
 * whose configure() says opts asks for them, in the order they were
 * registered (which is the order their packages are added in), each with
 * a new state: into out[0..*n).  More than cap is CUSTOMS_ELIMIT.  On
 * error the states made so far are destroyed and *n is 0. */
int customs__analyzers_start(analyzer_run *out, size_t *n, size_t cap, const customs_options *opts);
/* destroy() of each. */
void customs__analyzers_stop(analyzer_run *v, size_t n);

#endif
