/* common.h - what every public header of libcustoms needs.
 *
 * CUSTOMS_EXTERN marks the library's public API: libcustoms is built with
 * hidden visibility, so a function without it is not exported from the
 * shared library, whatever its name. */
#ifndef CUSTOMS_COMMON_H
#define CUSTOMS_COMMON_H

#if defined(__GNUC__) || defined(__clang__)
#define CUSTOMS_EXTERN __attribute__((visibility("default")))
#else
#define CUSTOMS_EXTERN
#endif

#endif
