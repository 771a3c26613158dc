#!/usr/bin/env bash
# Python 3.11, Debian's python3.11: debian/rules' static interpreter (its "static" build:
# the common configure arguments without --enable-shared, its flags, its cross-build
# answers) with the SDK's triple. Python's configure builds every extension module into the
# interpreter for a wasm32 host (MODULE_BUILDTYPE=static), so the ones whose libraries are
# ported (zlib, bz2, lzma, sqlite3, readline, curses) are in python3.11 itself; the rest
# are listed by the build (/usr/share/doc/python3.11/MODULES.wasmux) and in ports/README.md.
# Differences from debian/rules, each for a library or tool with no port: the bundled expat
# and libmpdec (no --with-system-expat), no libffi (ctypes), no dtrace, no gdbm or Berkeley
# DB, no LTO (Debian's -flto -fuse-linker-plugin is GCC's linker plugin).
set -euo pipefail
# debian/rules' first step: configure made again from its patched configure.ac.
rm -rf autom4te.cache configure
autoconf
# debian/rules: CFLAGS without -O (configure's -O3), -fstack-protector for -strong.
OPT_CFLAGS="$(echo "$DEB_CFLAGS" | sed 's/-fstack-protector-strong/-fstack-protector/; s/-O[0-9s]*//g')"
EXTRA_OPT_CFLAGS="-g -fwrapv -O3"
mkdir -p build-static
cd build-static
# debian/rules' answers for a cross build; then ours: the test modules that must be shared
# libraries are not applicable (as CPython's own wasm config.site says), and readline's
# two hook variables, which configure looks for with a function's link check (GNU ld links
# that, wasm-ld refuses a data symbol called as a function), are there.
AR=wasm32-unknown-linux-musl-ar RANLIB=wasm32-unknown-linux-musl-ranlib CFLAGS="$OPT_CFLAGS" \
  CPPFLAGS="$DEB_CPPFLAGS" LDFLAGS="$DEB_LDFLAGS" \
  ac_cv_file__dev_ptmx=yes ac_cv_file__dev_ptc=yes ac_cv_little_endian_double=yes \
  py_cv_module__testimportmultiple=n/a py_cv_module__testmultiphase=n/a \
  py_cv_module__ctypes_test=n/a py_cv_module_xxlimited=n/a py_cv_module_xxlimited_35=n/a \
  ac_cv_lib_readline___rl_pre_input_hook=yes ac_cv_lib_readline___rl_completion_display_matches_hook=yes \
  ../configure --build="$BUILD" --host="$HOST" --prefix=/usr --libdir=/usr/lib \
  --enable-ipv6 --enable-loadable-sqlite-extensions --with-dbmliborder=bdb:gdbm \
  --with-computed-gotos --without-ensurepip --with-ssl-default-suites=openssl \
  --with-wheel-pkg-dir=/usr/share/python-wheels/ --with-build-python=python3.11 \
  MKDIR_P="/bin/mkdir -p"
# debian/rules' __post_configure: the extension modules python3.11-minimal has built in
# (its README's list) from Modules/Setup into Setup.local, and makesetup run over
# Setup.local, Setup.bootstrap, Setup.stdlib and Setup, so the modules configure found
# their libraries for come from the Makefile, not from setup.py. (Debian's build makes
# Setup.stdlib's shared; for a wasm32 host configure makes them static: built in.)
# pyexpat and _elementtree keep Setup.stdlib's line, with the bundled expat.
names="$(awk -v ORS='|' '$2 ~ /^extension$/ {print $1}' ../debian/PVER-minimal.README.Debian.in)"
grep -E "^#(${names}XX)" ../Modules/Setup | grep -v -- -lexpat |
  sed -e 's/^#//' -e 's/-Wl,-Bdynamic//;s/-Wl,-Bstatic//' >>Modules/Setup.local
# readline and the curses modules, which Debian's setup.py builds as shared extensions
# (setup.py's detect_readline_curses: ncursesw's headers and defines), built in likewise.
# (No "=" in a module line: makesetup takes a line with one for a variable.)
curses="-DHAVE_NCURSESW -D_XOPEN_SOURCE_EXTENDED -I$WASMUX_ROOT/build/sysroot/usr/include/ncursesw"
cat >>Modules/Setup.local <<SETUP
readline readline.c -lreadline -ltinfo
_curses _cursesmodule.c $curses -lncursesw -ltinfo
_curses_panel _curses_panel.c $curses -lpanelw -lncursesw -ltinfo
SETUP
../Modules/makesetup -c ../Modules/config.c.in -s Modules \
  Modules/Setup.local Modules/Setup.bootstrap Modules/Setup.stdlib ../Modules/Setup
mv config.c Modules/
make Makefile Modules/config.c
sed '/^Modules\/_math.o: .*PY_STDMODULE_CFLAGS/d' Makefile >Makefile.fixed
touch -r Makefile Makefile.fixed
mv -f Makefile.fixed Makefile

make -j"$JOBS" EXTRA_CFLAGS="$EXTRA_OPT_CFLAGS"
# debian/rules' check after the build, under wasmux.
wasmux-emulator ./python -c 'import _decimal; import sys; print(sys.version)'
# The modules this interpreter has, and those of the standard library it lacks (their
# library is not ported): the port's record, installed with its docs.
wasmux-emulator ./python -c '
import sys, importlib
want = ["_asyncio", "_bisect", "_blake2", "_bz2", "_codecs_cn", "_contextvars", "_crypt", "_csv",
        "_ctypes", "_curses", "_curses_panel", "_datetime", "_dbm", "_decimal", "_elementtree",
        "_gdbm", "_hashlib", "_heapq", "_json", "_lsprof", "_lzma", "_md5", "_multibytecodec",
        "_multiprocessing", "_opcode", "_pickle", "_posixshmem", "_posixsubprocess", "_queue",
        "_random", "_sha1", "_sha256", "_sha3", "_sha512", "_socket", "_sqlite3", "_ssl",
        "_statistics", "_struct", "_tkinter", "_uuid", "_zoneinfo", "array", "audioop", "binascii",
        "cmath", "fcntl", "grp", "math", "mmap", "nis", "ossaudiodev", "pyexpat", "readline",
        "resource", "select", "spwd", "syslog", "termios", "unicodedata", "zlib"]
missing = []
for m in want:
    try:
        importlib.import_module(m)
    except ImportError:
        missing.append(m)
print("built in:", " ".join(sorted(sys.builtin_module_names)))
print("missing:", " ".join(missing))
' | tee modules.txt
# Its regression tests on a chosen list of modules (ports/python3.11/tests.sh; long: only
# when ports/build.sh runs the long suites, --suites). debian/rules runs regrtest natively.
if [ "$PORT_SUITE" = 1 ]; then
  . "$PORT_DIR/tests.sh"
  python_suite wasmux-emulator ./python
fi
make install DESTDIR="$PORT_STAGE"
# The image holds what Debian's python3.11, -minimal and libpython3.11-stdlib hold: not the
# test suite (libpython3.11-testsuite), IDLE, tkinter or turtledemo (their own packages),
# and compiled files for the default optimization level only (-O and -OO compile theirs
# on first use).
lib="$PORT_STAGE/usr/lib/python3.11"
rm -rf "$lib/test" "$lib/idlelib" "$lib/tkinter" "$lib/turtledemo" "$lib/ctypes/test" \
  "$lib/unittest/test" "$lib/lib2to3/tests" "$lib/distutils/tests" "$lib/tkinter/test"
find "$lib" -name '*.opt-[12].pyc' -delete
install -D -m 0644 modules.txt "$PORT_STAGE/usr/share/doc/python3.11/MODULES.wasmux"
