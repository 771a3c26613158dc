#!/usr/bin/env bash
# Installs everything wasmux needs on a Debian bookworm machine and builds it. Idempotent:
# a second run only checks. Usage: scripts/setup.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# autoconf, automake and gcc: the ports (ports/build.sh): dash is autoreconf'd, and both
# build helper programs that run here at build time. libc6-dev: busybox's shell tests
# (tests/external/busybox-ash) build a native, static busybox with gcc to compare against.
# libclang-rt-22-dev: the sanitizers of the unit tests and libFuzzer (scripts/fuzz.sh).
# llvm-22: the SDK's nm, strip, objcopy, readelf, objdump (sdk/bin); libtool, meson and
# pkgconf: the cross builds the SDK serves (tests/sdk), and the SDK's pkg-config.
# linux-libc-dev: Linux's UAPI headers for the guest sysroot (libc/uapi-headers.sh).
# tcl8.6: tclsh, which SQLite's build runs to generate its sources (ports/sqlite3);
# texinfo: makeinfo, for the GNU ports' manuals (Debian's build dependency); dejagnu:
# runtest, which findutils' test suites use; bison: bash's and findutils' grammars;
# autopoint: the autoreconf of tar and make (gettext's files, as their Debian builds do).
# perl: OpenSSL's Configure (ports/openssl); curl: the host client that fetches from
# nginx through --publish (tests/e2e/nginx.test.mjs).
apt_pkgs=(clang-22 lld-22 llvm-22 libc++-22-dev-wasm32 libc++abi-22-dev-wasm32
  libclang-rt-22-dev-wasm32 libclang-rt-22-dev cmake ninja-build g++ libgtest-dev dpkg-dev xz-utils make
  autoconf automake libtool meson pkgconf gcc libc6-dev linux-libc-dev tcl8.6 texinfo dejagnu bison autopoint
  perl curl)
missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd=sudo
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# A current Node: the machine's may be too old (Node 20 miscompiles atomic wait loops).
# The npm package `node` ships real Node binaries; it lives in .tools/node.
node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ ! -x .tools/node/node_modules/node/bin/node ] || [ "$(node_major .tools/node/node_modules/node/bin/node)" -lt 22 ]; then
  echo "setup: installing Node 24 into .tools/node"
  mkdir -p .tools/node
  # Its own package.json, so npm doesn't walk up to the project's.
  [ -f .tools/node/package.json ] || echo '{"private":true}' > .tools/node/package.json
  (cd .tools/node && npm install --no-audit --no-fund --silent node@24 >/dev/null)
fi
export PATH="$root/.tools/node/node_modules/node/bin:$PATH"

# npm dependencies of the host (TypeScript, binaryen, types).
if [ ! -d node_modules ] || [ package.json -nt node_modules/.installed ]; then
  echo "setup: npm install"
  npm install --no-audit --no-fund --silent
  touch node_modules/.installed
fi
# Build everything (incremental: a second run only checks).
scripts/build.sh
tests/programs/build.sh build/programs
# libc++, libc++abi and libunwind for C++ guests (bin/wasmux-c++), built from Debian's LLVM
# source (libcxx/README.md): about a minute the first time on a machine, then taken from
# ~/.cache/wasmux or only checked.
libcxx/build.sh
# dash and busybox into the root filesystem image build/rootfs.tar (about a minute the
# first time; then only a check).
ports/build.sh
echo "setup: ok (node $(node --version))"
