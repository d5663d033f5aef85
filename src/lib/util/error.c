/* error.c - the CUSTOMS_E* table and the per-thread error detail. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "customs/errors.h"
#include "util/util.h"

static _Thread_local char last_error[1024];

const char *customs_error_name(int code)
{
	switch (code) {
	case CUSTOMS_OK: return "OK";
#define X(name, value, msg) case CUSTOMS_##name: return #name;
	CUSTOMS_ERRNO_MAP(X)
#undef X
	}
	return "EUNKNOWN";
}

const char *customs_strerror(int code)
{
	switch (code) {
	case CUSTOMS_OK: return "success";
#define X(name, value, msg) case CUSTOMS_##name: return msg;
	CUSTOMS_ERRNO_MAP(X)
#undef X
	}
	return "unknown error";
}

int customs__error(int code, const char *fmt, ...)
{
	/* format aside first: callers pass customs_error_last() as an argument
	 * to add context to the error below them */
	char msg[sizeof(last_error)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	memcpy(last_error, msg, sizeof(msg));
	return code;
}

int customs__error_naming(int code, const char *ref)
{
	char msg[sizeof(last_error)];
	const char *path = ref, *c = strchr(ref, ':');
	snprintf(msg, sizeof(msg), "%s", customs_error_last());
	if (c && c > ref && strspn(ref, "abcdefghijklmnopqrstuvwxyz-") == (size_t)(c - ref))
		path = c + 1;
	if (strstr(msg, ref) || (*path && strstr(msg, path)))
		return customs__error(code, "%s", msg);
	return customs__error(code, "%s: %s", ref, msg);
}

const char *customs_error_last(void)
{
	return last_error[0] ? last_error : "no error";
}

void customs_error_clear(void)
{
	last_error[0] = '\0';
}
