#!/bin/bash
# structure.sh - the library's shape (tests/tools/layering.py): no two files
# depend on each other in a loop (through includes or calls), no file depends
# on a stage above its own, no file over 1,500 lines, no function over 200.
. "$(dirname "$0")/../lib/common.sh"
set +e
: "${BUILDDIR:?BUILDDIR must name the build directory (run through ctest)}"
command -v python3 >/dev/null || skip "python3 is needed"
command -v nm >/dev/null || skip "nm (binutils) is needed"
python3 "$SRCDIR/tests/tools/layering.py" "$SRCDIR" "$BUILDDIR/CMakeFiles/customs_objs.dir" >"$TMP/out" 2>&1
rc=$?
cat "$TMP/out"
check_eq "no loops, nothing runs back up, sizes within the limits" "$rc" 0
finish
