#!/usr/bin/env bash
# SQLite 3, Debian's sqlite3 and libsqlite3-dev: debian/rules' flags and configure line
# with the SDK's triple, without Tcl (not ported: no Tcl extension, no sqlite3_analyzer).
# Its test suite is Tcl's, except fuzzcheck: the SQL of its fuzzdata databases run under
# wasmux, one result per database.
set -euo pipefail
export DEB_BUILD_MAINT_OPTIONS="hardening=+all future=+lfs"
CFLAGS="$(dpkg-buildflags --get CFLAGS) -O2 -fno-strict-aliasing \
  -DSQLITE_SECURE_DELETE -DSQLITE_ENABLE_COLUMN_METADATA \
  -DSQLITE_ENABLE_FTS3 -DSQLITE_ENABLE_FTS3_PARENTHESIS \
  -DSQLITE_ENABLE_RTREE=1 -DSQLITE_SOUNDEX=1 \
  -DSQLITE_ENABLE_UNLOCK_NOTIFY \
  -DSQLITE_OMIT_LOOKASIDE=1 -DSQLITE_ENABLE_DBSTAT_VTAB \
  -DSQLITE_ALLOW_ROWID_IN_VIEW \
  -DSQLITE_ENABLE_UPDATE_DELETE_LIMIT=1 \
  -DSQLITE_ENABLE_LOAD_EXTENSION \
  -DSQLITE_ENABLE_JSON1 \
  -DSQLITE_LIKE_DOESNT_MATCH_BLOBS \
  -DSQLITE_THREADSAFE=1 \
  -DSQLITE_ENABLE_FTS3_TOKENIZER=1 \
  -DSQLITE_USE_URI=1 \
  -DSQLITE_MAX_SCHEMA_RETRY=25 \
  -DSQLITE_ENABLE_PREUPDATE_HOOK \
  -DSQLITE_ENABLE_SESSION \
  -DSQLITE_ENABLE_STMTVTAB \
  -DSQLITE_MAX_VARIABLE_NUMBER=250000"
export CFLAGS
CPPFLAGS="$(dpkg-buildflags --get CPPFLAGS)"
LDFLAGS="$(dpkg-buildflags --get LDFLAGS) -Wl,--as-needed"
export CPPFLAGS LDFLAGS
autoreconf -f -i
./configure --prefix=/usr --mandir=/usr/share/man --build "$BUILD" --host "$HOST" \
  --enable-threadsafe --enable-load-extension --enable-json --enable-fts4 --enable-fts5 \
  --disable-amalgamation --libdir='${prefix}/lib' --libexecdir='${libdir}/sqlite3' \
  --disable-tcl SHELL=/bin/sh
sed -i "s/\([-ldl .+]\) -ldl/\1/" sqlite3.pc
# The build runs lemon (the parser generator) to make parse.c; one built for this machine
# stands in for it (a Debian cross build runs the target's lemon under qemu's binfmt).
make lemon-for-build
ln -sf lemon-for-build lemon
# Not parallel, as debian/rules runs it: the Makefile does not say that every object needs
# the generated sqlite3.h.
make
make -j"$JOBS" showdb showjournal showstat4 showwal sqldiff
make install DESTDIR="$PORT_STAGE"
install -m 0775 showdb showjournal showstat4 showwal sqldiff "$PORT_STAGE/usr/bin/"
rm -f "$PORT_STAGE/usr/lib/libsqlite3.la"

# The test: fuzzcheck over each fuzzdata database.
make -j"$JOBS" fuzzcheck
for db in test/fuzzdata*.db; do
  name="fuzzcheck $(basename "$db")"
  if wasmux-emulator ./fuzzcheck "$db" >>fuzzcheck.log 2>&1; then
    echo "PASS $name" >>"$PORT_TESTS"
  else
    echo "FAIL $name" >>"$PORT_TESTS"
  fi
done
tail -n 20 fuzzcheck.log

# Last, lemon itself for the image (earlier, a make that found it newer than the parsers
# it made would run it here to make them again).
rm lemon
make lemon
install -m 0775 lemon "$PORT_STAGE/usr/bin/"
install -d "$PORT_STAGE/usr/share/lemon"
install -m 0664 tool/lempar.c "$PORT_STAGE/usr/share/lemon/"
