#!/usr/bin/env bash
# bzip2, Debian's bzip2 and libbz2-dev: debian/rules' make targets and flags (-Wall -Winline,
# -D_REENTRANT -D_FILE_OFFSET_BITS=64) with the SDK's compiler (the shared library, built by
# Makefile-libbz2_so, has no wasm counterpart), then its `make test` under wasmux.
set -euo pipefail
# The Makefile compiles with $(CC) $(CFLAGS) alone, so the preprocessor flags go there.
make -j"$JOBS" libbz2.a bzip2 bzip2recover CC="$HOST-gcc" AR="$HOST-ar" RANLIB="$HOST-ranlib" \
  CFLAGS="$DEB_CFLAGS -Wall -Winline $DEB_CPPFLAGS -D_REENTRANT -D_FILE_OFFSET_BITS=64" LDFLAGS="$DEB_LDFLAGS"
. "$PORT_DIR/tests.sh"
wasm_wrap bzip2
bzip2_tests
wasm_unwrap bzip2
make install PREFIX="$PORT_STAGE/usr"
# Debian's bzip2 package: the programs in /bin, the library and header for the sysroot.
mkdir -p "$PORT_STAGE/bin"
for p in bzip2 bunzip2 bzcat bzip2recover bzgrep bzmore bzdiff; do
  mv "$PORT_STAGE/usr/bin/$p" "$PORT_STAGE/bin/$p"
done
# make install's symbolic links name the stage's absolute path; Debian's are relative.
for p in bzegrep bzfgrep; do ln -sf bzgrep "$PORT_STAGE/bin/$p"; done
ln -sf bzmore "$PORT_STAGE/bin/bzless"
ln -sf bzdiff "$PORT_STAGE/bin/bzcmp"
rm -rf "$PORT_STAGE/usr/bin" "$PORT_STAGE/usr/man"
