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
[ ${#names[@]} -gt 0 ] || names=(syscalls pipe file spawn fork threads shell)
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
  native="$("$dir/$name.native")"
  wasm="$(bin/wasmux run --mount "$dir:$dir" "$dir/$name.wasm")"
  ratios "$native" "$wasm"
done
