#!/usr/bin/env bash
# The SDK as a cross toolchain (docs/porting.md), each way a package is built:
#   oldc       old C with Debian's flags: gcc 12's warnings stay warnings, GNU ld options
#              are dropped, calls without prototypes and through pointers of another
#              type work through the adapters, common symbols are merged, a program's own
#              strtoimax wins over the C library's, fork from a static function whose
#              name another file uses too
#   autotools  configure --host=wasm32-unknown-linux-musl with sdk/bin on PATH and
#              sdk/config.site; libtool must find that the linker makes no shared
#              libraries; make; make check with the emulator as the test runner
#   cmake      project() with C and C++, the toolchain file, try_run and ctest through
#              the emulator
#   meson      the same project with sdk/meson-cross.ini, a run check and meson test
#   binfmt     a build that runs what it compiles by its path (./probe, as nginx's
#              configure does) under `bin/wasmux binfmt run`
# Each prints PASS or FAIL with the step that failed; the exit status counts the failures.
# Usage: tests/sdk/run.sh [oldc|autotools|cmake|meson|binfmt]...
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/tests/sdk"
work="$root/build/sdk-tests"
export PATH="$root/sdk/bin:$root/.tools/node/node_modules/node/bin:$PATH"
failures=0
# Runs a step, its output in the log; on failure prints the log's end.
step() {
  local name="$1" log="$2"; shift 2
  if ! "$@" >>"$log" 2>&1; then
    tail -n 25 "$log" | sed 's/^/    /'
    echo "FAIL $name: $* (log: $log)"
    return 1
  fi
}
result() {
  if [ "$2" = 0 ]; then echo "PASS $1"; else failures=$((failures + 1)); fi
}

autotools() {
  local dir="$work/autotools" log="$work/autotools.log"
  rm -rf "$dir" && mkdir -p "$dir" && : >"$log"
  cp -a "$here/autotools/." "$dir/"
  cd "$dir" || return 1
  step autotools "$log" autoreconf -fi || return 1
  step autotools "$log" env CONFIG_SITE="$root/sdk/config.site" ./configure \
    --host=wasm32-unknown-linux-musl --build="$(gcc -dumpmachine)" --prefix=/usr \
    --enable-shared || return 1
  # What configure and libtool concluded.
  grep -q '^checking whether the wasm32-unknown-linux-musl-gcc linker (.*wasm32-unknown-linux-musl-ld) supports shared libraries... no' "$log" ||
    { echo "FAIL autotools: libtool did not find that the linker makes no shared libraries"; return 1; }
  grep -q '^checking whether to build shared libraries... no' "$log" ||
    { echo "FAIL autotools: libtool would build shared libraries"; return 1; }
  grep -q '^checking for wasm32-unknown-linux-musl-pkg-config... .*sdk/bin/wasm32-unknown-linux-musl-pkg-config' "$log" ||
    { echo "FAIL autotools: configure did not find the SDK's pkg-config"; return 1; }
  step autotools "$log" make -j2 || return 1
  [ -f .libs/libgreet.a ] && [ ! -e .libs/libgreet.so ] || { echo "FAIL autotools: expected a static libgreet.a only"; return 1; }
  step autotools "$log" make check LOG_COMPILER="$root/sdk/bin/wasmux-emulator" || return 1
  grep -q '^# PASS: *1$' "$log" || { echo "FAIL autotools: make check did not pass its one test"; return 1; }
  local out
  out="$("$root/sdk/bin/wasmux-emulator" ./greet wasmux 2>&1)"
  [ "$out" = "hello, wasmux" ] || { echo "FAIL autotools: greet printed '$out'"; return 1; }
}

cmake_project() {
  local dir="$work/cmake" log="$work/cmake.log"
  rm -rf "$dir" && mkdir -p "$dir" && : >"$log"
  step cmake "$log" cmake -S "$here/project" -B "$dir" -G Ninja \
    -DCMAKE_TOOLCHAIN_FILE="$root/sdk/wasmux.cmake" -DCMAKE_BUILD_TYPE=Release || return 1
  step cmake "$log" cmake --build "$dir" || return 1
  step cmake "$log" ctest --test-dir "$dir" --output-on-failure || return 1
  grep -q '100% tests passed, 0 tests failed out of 3' "$log" || { echo "FAIL cmake: expected 3 tests to pass"; return 1; }
}

meson_project() {
  local dir="$work/meson" log="$work/meson.log"
  rm -rf "$dir" && mkdir -p "$work" && : >"$log"
  step meson "$log" meson setup --cross-file "$root/sdk/meson-cross.ini" "$dir" "$here/project" || return 1
  step meson "$log" meson compile -C "$dir" || return 1
  step meson "$log" meson test -C "$dir" --print-errorlogs || return 1
  grep -q '^Ok: *3' "$log" || { echo "FAIL meson: expected 3 tests to pass"; return 1; }
}

# Old C (tests/sdk/oldc): builds with Debian's flags as gcc 12 builds it, with warnings,
# and calls made without prototypes work as natively.
oldc() {
  local dir="$work/oldc" log="$work/oldc.log"
  rm -rf "$dir" && mkdir -p "$dir" && : >"$log"
  # shellcheck disable=SC2046 # the flags are words
  step oldc "$log" wasm32-unknown-linux-musl-gcc $(dpkg-buildflags --get CFLAGS) \
    $(dpkg-buildflags --get LDFLAGS) -Wl,--as-needed -Wl,-Bsymbolic-functions -Wl,-z,now \
    "$here/oldc/callees.c" "$here/oldc/caller.c" -o "$dir/oldc" || return 1
  grep -q 'note: 4 function(s) called with another signature' "$log" ||
    { echo "FAIL oldc: the driver did not report the 4 adapted calls"; return 1; }
  local out expected
  out="$(wasmux-emulator "$dir/oldc" 2>&1)"
  expected="$(printf '5\n7000\nno_result 5\n0\n14')"
  [ "$out" = "$expected" ] || { echo "FAIL oldc: printed '$out', expected '$expected'"; return 1; }
  # The callees in an archive named before the caller, as configure's link checks put
  # $LIBS: the same adapted calls (wasm-ld alone makes an invalid module of it).
  local cc=wasm32-unknown-linux-musl-gcc
  step oldc "$log" $cc -c "$here/oldc/callees.c" -o "$dir/callees.o" || return 1
  step oldc "$log" wasm32-unknown-linux-musl-ar rc "$dir/libcallees.a" "$dir/callees.o" || return 1
  step oldc "$log" $cc -L"$dir" -lcallees "$here/oldc/caller.c" -lcallees -o "$dir/oldc-archive-first" || return 1
  out="$(wasmux-emulator "$dir/oldc-archive-first" 2>&1)"
  [ "$out" = "$expected" ] || { echo "FAIL oldc: with the archive first it printed '$out', expected '$expected'"; return 1; }
  # Common symbols: merged when every definition has no initial value, else an error.
  step oldc "$log" $cc -fcommon -c "$here/oldc/common_lib.c" -o "$dir/common_lib.o" || return 1
  step oldc "$log" wasm32-unknown-linux-musl-ar rc "$dir/libcommon.a" "$dir/common_lib.o" || return 1
  step oldc "$log" $cc -fcommon -c "$here/oldc/common_main.c" -o "$dir/common_main.o" || return 1
  step oldc "$log" $cc "$dir/common_main.o" "$dir/libcommon.a" -o "$dir/common" || return 1
  out="$(wasmux-emulator "$dir/common" 2>&1)"
  [ "$out" = "x up" ] || { echo "FAIL oldc: the common-symbol program printed '$out'"; return 1; }
  step oldc "$log" $cc -c "$here/oldc/common_initialized.c" -o "$dir/common_initialized.o" || return 1
  if $cc "$dir/common_main.o" "$dir/common_initialized.o" "$dir/libcommon.a" -o "$dir/bad" >>"$log" 2>&1; then
    echo "FAIL oldc: a duplicate definition with an initial value linked"; return 1
  fi
  # Indirect calls through a pointer of another type: the same output as natively.
  step oldc "$log" gcc -w "$here/oldc/casts.c" -o "$dir/casts-native" || return 1
  step oldc "$log" $cc -w "$here/oldc/casts.c" -o "$dir/casts" || return 1
  expected="$("$dir/casts-native")"
  out="$(wasmux-emulator "$dir/casts" 2>&1)"
  [ "$out" = "$expected" ] || { echo "FAIL oldc: casts printed '$out', natively '$expected'"; return 1; }
  # The program's own strtoimax over the C library's.
  step oldc "$log" $cc -c "$here/oldc/interpose.c" -o "$dir/interpose.o" || return 1
  step oldc "$log" $cc "$dir/interpose.o" -o "$dir/interpose" || return 1
  grep -q "note: the program's own definition replaces the C library's, as with a shared C library: strtoimax" "$log" ||
    { echo "FAIL oldc: the driver did not report strtoimax as the program's own"; return 1; }
  out="$(wasmux-emulator "$dir/interpose" 2>&1)"
  [ "$out" = "7 42" ] || { echo "FAIL oldc: interpose printed '$out'"; return 1; }
  # fork from a static function whose name another file's static function has too.
  step oldc "$log" $cc "$here/oldc/fork_helper_a.c" "$here/oldc/fork_helper_b.c" -o "$dir/fork_helper" || return 1
  out="$(wasmux-emulator "$dir/fork_helper" 2>&1)"
  [ "$out" = "$(printf 'child\nparent 1 3')" ] || { echo "FAIL oldc: fork_helper printed '$out'"; return 1; }
  # Clean with gcc 12 under -Wall -Wextra -Werror, so clean here too (nginx builds so).
  step oldc "$log" $cc -Wall -Wextra -Werror "$here/oldc/clang_only_warnings.c" -o "$dir/clang_only_warnings" || return 1
  out="$(wasmux-emulator "$dir/clang_only_warnings" 2>&1)"
  [ "$out" = "2 231" ] || { echo "FAIL oldc: clang_only_warnings printed '$out'"; return 1; }
  # With -Werror the old-C diagnostics are errors, as with gcc.
  if wasm32-unknown-linux-musl-gcc -Werror -c "$here/oldc/caller.c" -o "$dir/caller.o" >>"$log" 2>&1; then
    echo "FAIL oldc: -Werror did not make the old-C diagnostics errors"; return 1
  fi
}

# A configure-like script compiles probes and runs them by path; a usage error is one line.
binfmt() {
  local dir="$work/binfmt" log="$work/binfmt.log" out
  rm -rf "$dir" && mkdir -p "$dir" && : >"$log"
  cd "$dir" || return 1
  printf '#include <stdio.h>\nint main(void) { printf("%%d\\n", (int)sizeof(long)); return 3; }\n' >probe.c
  step binfmt "$log" wasm32-unknown-linux-musl-gcc probe.c -o probe || return 1
  out="$("$root/bin/wasmux" binfmt run sh -c './probe; echo "status $?"' 2>&1)"
  [ "$out" = "$(printf '4\nstatus 3')" ] || { echo "FAIL binfmt: ./probe under binfmt run printed '$out'"; return 1; }
  out="$("$root/bin/wasmux" binfmt run 2>&1)"
  [ $? = 2 ] && [ "$out" = "wasmux: binfmt run: expected a COMMAND to run" ] ||
    { echo "FAIL binfmt: a missing command gave '$out'"; return 1; }
}

which=("$@")
[ ${#which[@]} -gt 0 ] || which=(oldc autotools cmake meson binfmt)
for w in "${which[@]}"; do
  case "$w" in
    oldc) (oldc); result oldc $? ;;
    autotools) (autotools); result autotools $? ;;
    cmake) (cmake_project); result cmake $? ;;
    meson) (meson_project); result meson $? ;;
    binfmt) (binfmt); result binfmt $? ;;
    *) echo "run.sh: unknown part $w" >&2; exit 2 ;;
  esac
done
exit $failures
