/* registry.h - the analyzers of one analysis: the registered types that
 * customs_options.analyzers selects, each with its state (registry.c). */
#ifndef CUSTOMS_ANALYZERS_REGISTRY_H
#define CUSTOMS_ANALYZERS_REGISTRY_H

#include <stddef.h>

#include "core/copies.h"
#include "layers/analyzer_run.h"

/* The registered analyzers that opts->analyzers (a comma list; NULL, ""
 * or "all": every one that is not opt-in) selects, and the opt-in ones
 * whose configure() says opts asks for them, in the order they were
 * registered (which is the order their packages are added in), each with
 * a new state: into out[0..*n).  opts NULL: the defaults.  More than cap
 * is CUSTOMS_ELIMIT.  On error the states made so far are destroyed and *n
 * is 0. */
int customs__analyzers_start(analyzer_run *out, size_t *n, size_t cap, const customs_options *opts);
/* destroy() of each. */
void customs__analyzers_stop(analyzer_run *v, size_t n);

/* The analyzers opts selects (opts->analyzers; the opt-in ones when named
 * or when the options ask for what they find), as a key of what they find:
 * "name@analyzer_version,..." in run order (malloc'd).  *cacheable (may be
 * NULL): every one of them keeps what it takes from a layer in the copies
 * service (core/copies.h) and nothing elsewhere, so a layer's results can
 * be kept and fed back (the built-ins, analyzer plugins' bridges; a C
 * plugin's state is its own).
 * *opt_in (may be NULL): an opt-in analyzer is among them; what it finds
 * (secrets, configuration files, package checks) is not stored, so a stored
 * analysis cannot stand in for this one. */
int customs__analyzers_key(char **out, int *cacheable, int *opt_in, const customs_options *opts);
/* The CUSTOMS_COPIES_KINDS copies sets that are r's state, when r keeps
 * its per-layer results there (see above); else NULL. */
copies *customs__analyzer_copies(const analyzer_run *r);
/* The registered type's state starts with CUSTOMS_COPIES_KINDS copies sets
 * and it keeps nothing else from a layer, though it is not made by
 * customs__copies_create (an analyzer plugin's bridge): its layers'
 * results may be kept and fed back like the built-ins'.  Once per type,
 * after customs_analyzer_register(); CUSTOMS_EINVAL when it is not
 * registered. */
int customs__analyzer_keeps_copies(const customs_analyzer_type *type);

#endif
