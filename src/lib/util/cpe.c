/* cpe.c - CPE 2.3 formatted strings (NISTIR 7695 §6.2) for the names the
 * catalogers give packages. */
#include <stdlib.h>

#include "util/util.h"

/* '\' quotes every non-alphanumeric except '_' ('-' and '.' are left as
 * they are, as the NVD dictionary writes them). */
static int cpe_put(customs_buf *b, const char *s)
{
	int err = 0;
	if (!s || !*s)
		return customs_buf_puts(b, "*");
	for (const unsigned char *p = (const unsigned char *)s; *p && err == 0; p++) {
		unsigned char ch = *p;
		if ((ch >= 'A' && ch <= 'Z'))
			ch = (unsigned char)(ch - 'A' + 'a');
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == '.'))
			err = customs_buf_put(b, "\\", 1);
		if (!err)
			err = customs_buf_put(b, &ch, 1);
	}
	return err;
}

char *customs_cpe23(const char *vendor, const char *product, const char *version)
{
	customs_buf b = CUSTOMS_BUF_INIT(1 << 16);
	int err = customs_buf_puts(&b, "cpe:2.3:a:");
	err = err ? err : cpe_put(&b, vendor);
	err = err ? err : customs_buf_puts(&b, ":");
	err = err ? err : cpe_put(&b, product);
	err = err ? err : customs_buf_puts(&b, ":");
	err = err ? err : cpe_put(&b, version);
	err = err ? err : customs_buf_puts(&b, ":*:*:*:*:*:*:*");
	if (err) {
		customs_buf_release(&b);
		return NULL;
	}
	return customs_buf_detach(&b);
}
