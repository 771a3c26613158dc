# The environment of a port's recipe (sourced by ports/build.sh before ports/<pkg>/build.sh):
# the SDK as a GNU cross toolchain for HOST, and Debian's build flags, so that a recipe is
# Debian's configure line with our triple.
set -euo pipefail
export HOST=wasm32-unknown-linux-musl
BUILD="$(gcc -dumpmachine)"
export BUILD
export PATH="$WASMUX_ROOT/sdk/bin:$PATH"
export CONFIG_SITE="$WASMUX_ROOT/sdk/config.site"
# dpkg-buildflags' defaults (bookworm: -g -O2, -fstack-protector-strong, -Wformat
# -Werror=format-security, -D_FORTIFY_SOURCE=2, -Wl,-z,relro), as Debian builds with them.
DEB_CFLAGS="$(dpkg-buildflags --get CFLAGS)"
DEB_CPPFLAGS="$(dpkg-buildflags --get CPPFLAGS)"
DEB_CXXFLAGS="$(dpkg-buildflags --get CXXFLAGS)"
DEB_LDFLAGS="$(dpkg-buildflags --get LDFLAGS)"
export DEB_CFLAGS DEB_CPPFLAGS DEB_CXXFLAGS DEB_LDFLAGS
# A test suite's results, one "PASS name" or "FAIL name" line per test.
: >"$PORT_TESTS"
# Whether the recipe runs its package's test suite: ports/build.sh says 0 for the ports
# whose suites take long (bash and the GNU tools), unless asked for them (--suites).
export PORT_SUITE="${PORT_SUITE:-1}"

# ./configure as debhelper's dh_auto_configure runs it for a cross build, with the SDK's
# triple; libraries go to /usr/lib (the sysroot has no multiarch directories). Extra
# arguments are the package's own (debian/rules' override_dh_auto_configure).
# --runstatedir only where configure knows it, as debhelper decides (autoconf before 2.70
# refuses an option it does not know: findutils).
deb_configure() {
  local configure="${CONFIGURE:-./configure}" runstatedir=()
  grep -q runstatedir "$configure" && runstatedir=(--runstatedir=/run)
  "$configure" --build="$BUILD" --host="$HOST" --prefix=/usr \
    --includedir='${prefix}/include' --mandir='${prefix}/share/man' --infodir='${prefix}/share/info' \
    --sysconfdir=/etc --localstatedir=/var --disable-option-checking --disable-silent-rules \
    --libdir='${prefix}/lib' "${runstatedir[@]}" --disable-maintainer-mode --disable-dependency-tracking "$@"
}
export -f deb_configure

# The helpers recipes and native test runs share (wasm_wrap, automake_results).
. "$WASMUX_ROOT/ports/recipe-helpers.sh"
