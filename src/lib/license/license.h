/* license.h - SPDX license ids and license expressions (SPDX 2.3 Annex D),
 * for the catalogers that read what packages declare and for the SBOM
 * writers and readers (spdx.c; the list itself is spdx_ids.c, generated). */
#ifndef CUSTOMS_LICENSE_H
#define CUSTOMS_LICENSE_H

#include <stddef.h>

#include "customs/analysis.h"

/* 1 when id is on the SPDX license list (case-insensitive); *canon gets
 * the list's spelling.  Exceptions ("Classpath-exception-2.0") separately. */
int customs__spdx_license_id(const char *id, const char **canon);
int customs__spdx_exception_id(const char *id, const char **canon);
/* 1 when s is a valid SPDX license expression over known ids, exceptions
 * and LicenseRef-/DocumentRef- references. */
int customs__spdx_expression_valid(const char *s);
/* s, an SPDX expression but for the case of its ids and operators, in the
 * list's spelling ("apache-2.0 with llvm-exception or mit" → "Apache-2.0
 * WITH LLVM-exception OR MIT"; "GPL-2.0+" stays), or NULL when it is not
 * one (malloc'ed; NULL with no error set means "not an SPDX expression"). */
char *customs__spdx_canonical(const char *s);
/* s as a valid SPDX expression in the list's spelling ("mit" → "MIT",
 * "GPL-2+" → "GPL-2.0-or-later", "Apache 2.0" → "Apache-2.0",
 * "MIT OR apache-2.0" → "MIT OR Apache-2.0"), or NULL when it is not one
 * (malloc'ed; NULL with no error set means "not an SPDX expression"). */
char *customs__spdx_normalize(const char *s);
/* "LicenseRef-" + name with every byte outside [A-Za-z0-9.-] as "-". */
char *customs__spdx_license_ref(const char *name);

/* The licenses a free-form text states (classify.c): SPDX ids for the
 * texts and notices it knows, "GPL"/"LGPL"/... for a GNU license named
 * without a version, appended to out (no duplicates) in the order the text
 * names them.  Nothing when it knows none.  0 or CUSTOMS_ENOMEM. */
int customs__license_classify(customs_strlist *out, const char *text, size_t len);

/* The SPDX id of the license published at url ("https://www.apache.org/
 * licenses/LICENSE-2.0.txt" -> "Apache-2.0"), NULL when it is not one of
 * the known places (classify.c).  Static. */
const char *customs__license_url_id(const char *url);

/* The SPDX license list (spdx_ids.c), sorted for a binary search. */
extern const char *const customs__spdx_licenses[];
extern const size_t customs__spdx_licenses_count;
extern const char *const customs__spdx_exceptions[];
extern const size_t customs__spdx_exceptions_count;

#endif
