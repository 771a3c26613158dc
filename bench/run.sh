#!/usr/bin/env bash
# Builds each benchmark natively and for wasmux, runs both in the same minutes, and prints
# every measure with its wasmux/native ratio (for times lower is better, for rates higher).
# Usage: bench/run.sh [NAME...]     (after scripts/setup.sh)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out=build/bench
mkdir -p "$out"
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(syscalls pipe file net spawn fork threads shell lua python sqlite zlib startup)

# The ports' workloads run Debian's own native build of the same source (packages lua5.4,
# python3.11, sqlite3 and zlib1g-dev, installed here when missing) against the port under wasmux
# (the full image, ports/build.sh --full).
ports_ready=0
ports_setup() {
  [ $ports_ready = 1 ] && return 0
  local missing=() p
  for p in lua5.4 python3.11 sqlite3 zlib1g-dev; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if ((${#missing[@]})); then
    local sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd=sudo
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  ports/build.sh --full >/dev/null
  ports_ready=1
}
# The wall time of a command, in milliseconds, best of 5.
best_ms() {
  local best= t0 t1 d
  for _ in 1 2 3 4 5; do
    t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N)
    d=$(( (t1 - t0) / 1000000 ))
    [ -z "$best" ] || [ "$d" -lt "$best" ] && best=$d
  done
  echo "$best"
}
# Sums the "Run Time: real S" lines sqlite3's .timer prints.
sqlite_seconds() { awk '/^Run Time: real/ {s += $4} END {printf "sqlite_workload %.3f s\n", s}'; }
ports_bench() {
  ports_setup
  local stage="$root/build/ports" wasmux=("$root/bin/wasmux" run --mount "$root/bench")
  case "$1" in
    lua) ratios "$(lua5.4 bench/ports_lua.lua)" \
      "$("${wasmux[@]}" "$stage/lua5.4/stage/usr/bin/lua5.4" "$root/bench/ports_lua.lua")" ;;
    python) ratios "$(python3.11 bench/ports_python.py)" \
      "$("${wasmux[@]}" --image full "$stage/python3.11/stage/usr/bin/python3.11" "$root/bench/ports_python.py")" ;;
    sqlite) ratios "$(sqlite3 :memory: <bench/ports_sqlite.sql | sqlite_seconds)" \
      "$("${wasmux[@]}" "$stage/sqlite3/stage/usr/bin/sqlite3" :memory: <bench/ports_sqlite.sql | sqlite_seconds)" ;;
    zlib)
      gcc -O2 -o "$out/ports_zlib.native" bench/ports_zlib.c -lz
      PATH="$root/sdk/bin:$PATH" wasm32-unknown-linux-musl-gcc -O2 bench/ports_zlib.c -lz -o "$out/ports_zlib.wasm"
      ratios "$("$out/ports_zlib.native")" "$("$root/bin/wasmux" run "$out/ports_zlib.wasm")" ;;
    startup)
      # Start-up: a program that does nothing, from a command to its exit. Under wasmux it
      # includes Node's own start (node_start, measured alone) and the kernel's boot.
      local node="$root/.tools/node/node_modules/node/bin/node"
      echo "node_start (Node alone, for reference): $(best_ms "$node" -e 0) ms"
      ratios "lua_v $(best_ms lua5.4 -v) ms" \
        "lua_v $(best_ms "$root/bin/wasmux" run --no-rootfs "$stage/lua5.4/stage/usr/bin/lua5.4" -v) ms"
      ratios "python_c_pass $(best_ms python3.11 -c pass) ms" \
        "python_c_pass $(best_ms "$root/bin/wasmux" run --image full "$stage/python3.11/stage/usr/bin/python3.11" -c pass) ms"
      ratios "sqlite_version $(best_ms sqlite3 -version) ms" \
        "sqlite_version $(best_ms "$root/bin/wasmux" run --no-rootfs "$stage/sqlite3/stage/usr/bin/sqlite3" -version) ms" ;;
  esac
}
echo "wasmux/native ratios measured in this run (times: lower is better; MB/s: higher is better)"
printf '%-22s %14s %14s %10s\n' measure native wasmux ratio

# ratios NATIVE_LINES WASM_LINES: pairs "name value unit" lines by name.
ratios() {
  local native=$1 wasm=$2
  while read -r key value unit; do
    w="$(awk -v k="$key" '$1 == k {print $2}' <<<"$wasm")"
    ratio="$(awk -v n="$value" -v w="$w" 'BEGIN { printf "%.2f", (n > 0 ? w / n : 0) }')"
    printf '%-22s %9s %-4s %9s %-4s %9sx\n' "$key" "$value" "$unit" "$w" "$unit" "$ratio"
  done <<<"$native"
}

for name in "${names[@]}"; do
  case "$name" in lua|python|sqlite|zlib|startup) ports_bench "$name"; continue ;; esac
  if [ "$name" = shell ]; then
    # Shell workloads: the machine's dash against wasmux's (bench/shell.sh).
    ratios "$(bench/shell.sh native)" "$(bench/shell.sh wasmux)"
    continue
  fi
  gcc -O2 -Wall -o "$out/$name.native" "bench/$name.c"
  bin/wasmux-cc -O2 -Wall -c "bench/$name.c" -o "$out/$name.o"
  bin/wasmux-cc "$out/$name.o" -o "$out/$name.wasm"
  # Absolute paths, and the build directory mounted at the same place inside wasmux, so a
  # benchmark can run itself (argv[0]) as a child.
  dir="$(cd "$out" && pwd)"
  args=()
  [ "$name" = net ] && args=("$dir") # where it reads a host file (hostfs under wasmux)
  native="$("$dir/$name.native" "${args[@]}")"
  wasm="$(bin/wasmux run --mount "$dir:$dir" "$dir/$name.wasm" "${args[@]}")"
  ratios "$native" "$wasm"
done
