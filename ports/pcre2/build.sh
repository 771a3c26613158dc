#!/usr/bin/env bash
# pcre2, Debian's libpcre2-dev and pcre2-utils: debian/rules' configure line (8-, 16- and
# 32-bit libraries; JIT off, as debian/rules does on architectures pcre2's JIT does not
# know, and wasm is one) with the SDK's triple and Debian's flags (regcomp and friends
# renamed so that libpcre2-posix does not clash with the C library's), then its own
# `make check` (RunTest, RunGrepTest) with its programs running as wasm through
# `wasmux binfmt run`.
set -euo pipefail
export DEB_CFLAGS="$DEB_CFLAGS -Dregcomp=PCRE2regcomp -Dregexec=PCRE2regexec -Dregerror=PCRE2regerror -Dregfree=PCRE2regfree"
CFLAGS="$DEB_CFLAGS" CPPFLAGS="$DEB_CPPFLAGS" LDFLAGS="$DEB_LDFLAGS" \
  deb_configure --enable-pcre2-16 --enable-pcre2-32 --disable-pcre2grep-callout --disable-jit
make -j"$JOBS"
if [ "$PORT_SUITE" = 1 ]; then
  "$WASMUX_ROOT/bin/wasmux" binfmt run make -k -j"$JOBS" check >check.log 2>&1 || true
  automake_results .
fi
make install DESTDIR="$PORT_STAGE"
rm -f "$PORT_STAGE"/usr/lib/*.la
