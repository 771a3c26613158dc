#!/usr/bin/env bash
# The syscall fuzzer (tests/fuzz): builds it (libFuzzer, ASan, UBSan; build/kernel-fuzz),
# replays every input that once found a bug (tests/fuzz/regressions), then fuzzes for the
# given time from the committed corpus (tests/fuzz/corpus) and its dictionary, and prints
# executions per second, edge coverage and the system calls made. A crash, a leak, a hang
# or a broken kernel invariant stops it: the input is saved under build/fuzz/ and the exit
# status is nonzero.
#
#   scripts/fuzz.sh [--minutes N]     (default 2; CI runs the default)
#   scripts/fuzz.sh --replay FILE...  (runs the given inputs once each)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
minutes=2
replay=()
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="${2:?--minutes needs a number}"; shift 2 ;;
    --replay) shift; replay=("$@"); break ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
case "$minutes" in ''|*[!0-9]*) echo "fuzz.sh: --minutes takes a whole number" >&2; exit 2 ;; esac

out=build/fuzz
mkdir -p "$out/corpus"
if [ ! -f build/kernel-fuzz/build.ninja ]; then
  cmake -S kernel -B build/kernel-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++-22 -DWASMUX_FUZZ=ON \
    -DWASMUX_GEN_DIR="$root/build/gen" >/dev/null
fi
start=$(date +%s)
ninja -C build/kernel-fuzz >"$out/build.log" 2>&1 || { tail -n 30 "$out/build.log"; echo "fuzz.sh: build failed"; exit 1; }
echo "fuzz.sh: fuzzer built in $(( $(date +%s) - start )) s"
fuzzer=build/kernel-fuzz/fuzz/syscall_fuzz
# -detect_leaks=0: a leak check after every program that left an allocation behind (most
# do: the kernel's caches) made a program cost 2.5 times as much; LeakSanitizer still
# checks the whole run when the fuzzer exits (replay the corpus with -detect_leaks=1 to
# find the program that leaks).
flags=(-timeout=30 -rss_limit_mb=6000 -detect_leaks=0 -artifact_prefix="$out/")

if [ ${#replay[@]} -gt 0 ]; then
  exec "$fuzzer" "${flags[@]}" "${replay[@]}"
fi

# Each input that once found a bug must run clean now.
if compgen -G "tests/fuzz/regressions/*" >/dev/null; then
  "$fuzzer" "${flags[@]}" tests/fuzz/regressions/* >"$out/regressions.log" 2>&1 ||
    { tail -n 40 "$out/regressions.log"; echo "fuzz.sh: a regression input fails again"; exit 1; }
  echo "fuzz.sh: $(ls tests/fuzz/regressions | wc -l) regression inputs run clean"
fi

# New inputs go to build/fuzz/corpus (the committed corpus is only read).
"$fuzzer" "${flags[@]}" -max_total_time=$((minutes * 60)) -print_final_stats=1 \
  -dict=tests/fuzz/syscalls.dict "$out/corpus" tests/fuzz/corpus >"$out/fuzz.log" 2>&1 &&
  status=0 || status=$?   # (set -e would end the script here before the failure is shown)
grep -E '^#[0-9]+.*(pulse|DONE)' "$out/fuzz.log" | tail -n 1 || true
grep -E 'stat::(number_of_executed_units|average_exec_per_sec)|wasmux fuzz:' "$out/fuzz.log" || true
if [ $status -ne 0 ]; then
  grep -B 5 -A 40 -E 'ERROR|runtime error|wasmux fuzz: [a-z]|timeout' "$out/fuzz.log" | head -n 80
  echo "fuzz.sh: the fuzzer stopped on a failure (input saved under $out/)"
  exit 1
fi
echo "fuzz.sh: no failure in $minutes minutes"
