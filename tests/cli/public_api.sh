#!/bin/bash
# public_api.sh - the library as another program uses it: every public
# header compiles on its own (C11, -pedantic, warnings as errors); `cmake
# --install` puts the CLI, libcustoms (shared and static), the headers and
# customs.pc in place; a program built with `pkg-config --cflags --libs
# customs` links against the shared library and runs; the shared library
# exports exactly the functions the public headers declare.
. "$(dirname "$0")/../lib/common.sh"
set +e +o pipefail
: "${CC:=cc}"
: "${BUILDDIR:?BUILDDIR must name the build directory (run through ctest)}"
SAN=
grep -q '^CUSTOMS_SANITIZE:BOOL=ON' "$BUILDDIR/CMakeCache.txt" && SAN="-fsanitize=address,undefined"
JCFLAGS=$(pkg-config --cflags jansson)

# each header alone
for h in $(cd "$SRCDIR/include" && find customs -name '*.h' | sort); do
	printf '#include "%s"\ntypedef int header_test_nonempty;\n' "$h" >"$TMP/h.c"
	if "$CC" -std=c11 -pedantic -Wall -Wextra -Werror -fsyntax-only -I"$SRCDIR/include" $JCFLAGS "$TMP/h.c" 2>"$TMP/h.err"; then
		ok "$h compiles on its own"
	else
		not_ok "$h compiles on its own"; cat "$TMP/h.err"
	fi
done

# install
P=$TMP/prefix
cmake --install "$BUILDDIR" --prefix "$P" >"$TMP/install.log" 2>&1
check_eq "cmake --install" "$?" 0
LIBDIR=$(dirname "$(find "$P" -name 'libcustoms.so' | head -1)")
check "installs bin/customs" test -x "$P/bin/customs"
check "installs libcustoms.so" test -e "$LIBDIR/libcustoms.so"
check "installs libcustoms.a" test -e "$LIBDIR/libcustoms.a"
check "installs include/customs/customs.h" test -f "$P/include/customs/customs.h"
check "installs include/customs/sys/analyzer.h" test -f "$P/include/customs/sys/analyzer.h"
check "installs customs.pc" test -f "$LIBDIR/pkgconfig/customs.pc"
check_eq "installed CLI runs" "$("$P/bin/customs" --version | cut -d' ' -f1)" customs

# a program against the installed library, through pkg-config
cat >"$TMP/prog.c" <<'C'
#include <stdio.h>
#include <customs/customs.h>
#include <customs/version.h>
int main(void)
{
	int cmp = 2;
	const customs_version_scheme *s = customs_version_scheme_find("dpkg");
	if (!s || customs_version_compare(s, "1.0-1", "1.0-2", &cmp) < 0)
		return 1;
	printf("%s %d\n", customs_version(), cmp);
	return 0;
}
C
export PKG_CONFIG_PATH=$LIBDIR/pkgconfig
flags=$(pkg-config --cflags --libs customs)
check_eq "pkg-config knows customs" "$?" 0
"$CC" -std=c11 $SAN -o "$TMP/prog" "$TMP/prog.c" $flags 2>"$TMP/cc.err"
check "a program builds with pkg-config --cflags --libs customs" test -x "$TMP/prog"
cat "$TMP/cc.err"
check_eq "and runs against the shared library" "$(LD_LIBRARY_PATH=$LIBDIR "$TMP/prog")" "$("$CUSTOMS" --version | cut -d' ' -f2) -1"
check "it is linked to libcustoms.so" bash -c "LD_LIBRARY_PATH=$LIBDIR ldd $TMP/prog | grep -q 'libcustoms.so'"

# exports: exactly the declared API
nm -D --defined-only "$LIBDIR/libcustoms.so" | awk '{print $3}' | grep -v '^_' | sort -u >"$TMP/exported"
cat $(find "$SRCDIR/include/customs" -name '*.h') | tr -s ' \t' '  ' |
	grep -o 'CUSTOMS_EXTERN [^(;]*[ *]\(customs_[a-z0-9_]*\)' | grep -o 'customs_[a-z0-9_]*$' | sort -u >"$TMP/declared"
check_eq "libcustoms.so exports only customs_* names" "$(grep -v '^customs_' "$TMP/exported")" ""
check_eq "every exported function is declared with CUSTOMS_EXTERN" "$(comm -23 "$TMP/exported" "$TMP/declared")" ""
check_eq "every CUSTOMS_EXTERN declaration is exported" "$(comm -13 "$TMP/exported" "$TMP/declared")" ""
check "it exports the API ($(wc -l <"$TMP/exported") functions)" test "$(wc -l <"$TMP/exported")" -gt 50
finish
