#!/usr/bin/env bash
# Differential syscall programs (issue 8): tests/differential/syscall_diff.c built natively
# (gcc) and for wasmux, run with the same seeds (natively in a tmpfs, whose rules wasmux's
# /tmp follows), and their outputs compared line by line. A line that differs is a bug to
# fix, or a known difference: KNOWN-DIFFERENCES lists them, one extended regular
# expression per line (matched against the native line) after a comment saying why.
#
#   tests/differential/run.sh [SEEDS]     seeds 1..SEEDS (default 300)
# Prints "differential: N seeds, M lines, K differences (J known)"; fails on an unknown one.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
seeds=${1:-300}
case "$seeds" in ''|*[!0-9]*) echo "run.sh: SEEDS is a number" >&2; exit 2 ;; esac
out="$root/build/differential"
mkdir -p "$out"
gcc -O1 -Wall -o "$out/syscall_diff.native" "$here/syscall_diff.c" || exit 1
"$root/bin/wasmux-cc" -O2 -o "$out/syscall_diff.wasm" "$here/syscall_diff.c" || exit 1
native_dir=/dev/shm
[ -d "$native_dir" ] && [ -w "$native_dir" ] || native_dir=/tmp
WASMUX_DIFF_DIR=$native_dir "$out/syscall_diff.native" 1 "$seeds" >"$out/native.txt" || { echo "run.sh: the native run failed"; exit 1; }
"$root/bin/wasmux" run "$out/syscall_diff.wasm" 1 "$seeds" >"$out/wasmux.txt" || { echo "run.sh: the wasmux run failed"; exit 1; }
known=$(grep -vE '^(#|$)' "$here/KNOWN-DIFFERENCES" 2>/dev/null || true)
lines=$(wc -l <"$out/native.txt")
if [ "$lines" -ne "$(wc -l <"$out/wasmux.txt")" ]; then
  diff "$out/native.txt" "$out/wasmux.txt" | head -n 20
  echo "differential: the outputs have different lengths (a run stopped early?)"
  exit 1
fi
# Line by line: the seeds keep both sides in step (every call prints one line).
differences=0 known_count=0 unknown=0
while IFS=$'\t' read -r n w; do
  [ "$n" = "$w" ] && continue
  differences=$((differences + 1))
  if [ -n "$known" ] && grep -qEx -f <(printf '%s\n' "$known") <<<"$n"; then
    known_count=$((known_count + 1))
  else
    unknown=$((unknown + 1))
    [ "$unknown" -le 20 ] && printf 'native: %s\nwasmux: %s\n' "$n" "$w"
  fi
done < <(paste "$out/native.txt" "$out/wasmux.txt")
echo "differential: $seeds seeds, $lines lines, $differences differences ($known_count known)"
[ "$unknown" -eq 0 ]
