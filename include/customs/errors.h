/* errors.h - customs error codes and the per-thread error detail.
 *
 * Every library function returns 0 on success or a negative CUSTOMS_E* code;
 * customs_error_last() then holds the detail (which image, layer, path).
 */
#ifndef CUSTOMS_ERRORS_H
#define CUSTOMS_ERRORS_H

#include "customs/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* X(name, value, message) */
#define CUSTOMS_ERRNO_MAP(X)                                                   \
	X(ENOMEM, -1, "out of memory")                                         \
	X(EIO, -2, "input/output error")                                       \
	X(EINVAL, -3, "invalid argument")                                      \
	X(ENOTFOUND, -4, "not found")                                          \
	X(EFORMAT, -5, "malformed input")                                      \
	X(EDIGEST, -6, "digest mismatch")                                      \
	X(ELIMIT, -7, "limit exceeded")                                        \
	X(EUNSUPPORTED, -8, "unsupported")                                     \
	X(EUSAGE, -9, "usage error")                                           \
	X(ENETWORK, -10, "network error")                                      \
	X(EAUTH, -11, "authentication failed")                                 \
	X(EINTERNAL, -12, "internal error")                                    \
	X(EBUSY, -13, "busy: try again")

typedef enum {
	CUSTOMS_OK = 0,
#define CUSTOMS__ERR_ENUM(name, value, msg) CUSTOMS_##name = value,
	CUSTOMS_ERRNO_MAP(CUSTOMS__ERR_ENUM)
#undef CUSTOMS__ERR_ENUM
} customs_error_code;

/* Short name ("EDIGEST") and generic message for a code. */
CUSTOMS_EXTERN const char *customs_error_name(int code);
CUSTOMS_EXTERN const char *customs_strerror(int code);

/* Detail of the last error on this thread, or the generic message. Borrowed. */
CUSTOMS_EXTERN const char *customs_error_last(void);
CUSTOMS_EXTERN void customs_error_clear(void);

#ifdef __cplusplus
}
#endif
#endif
