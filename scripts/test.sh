#!/usr/bin/env bash
# Runs every test suite: set-up and build first (idempotent), then the kernel's unit tests
# (native, ASan+UBSan), the conformance programs (natively and on wasmux), the ports' own
# test suites (tests/ports; it builds the full image), the end-to-end tests, busybox's own
# shell tests (natively and on wasmux; one test: every test's outcome on each side as
# tests/external/busybox-ash/expected-results.txt lists it), the SDK's cross builds
# (tests/sdk: old C, autotools, CMake, Meson), the differential syscall programs
# (tests/differential), the stress tests (scripts/stress.sh) and the syscall fuzzer for
# two minutes (scripts/fuzz.sh).
# Ends with one line "total: N passed, N failed".
#   scripts/test.sh          the default run (CI)
#   scripts/test.sh --full   also the ports' long test suites (bash and the GNU tools,
#                            tests/ports/run.sh --suites): about 40 minutes more
set -uo pipefail
port_suites=()
[ "${1:-}" = --full ] && port_suites=(--suites)
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/setup.sh || { echo "total: 0 passed, 1 failed"; exit 1; }
export PATH="$root/.tools/node/node_modules/node/bin:$PATH"
passed=0
failed=0
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# Counts a suite whose runner prints one "PASS name" or "FAIL name" line per part (the
# output in $log); a runner that printed none failed.
count_verdict_lines() {
  local p f
  p=$(grep -c '^PASS ' "$log"); f=$(grep -c '^FAIL ' "$log")
  [ "$p" -gt 0 ] || f=$((f + 1))
  passed=$((passed + p)); failed=$((failed + f))
}

echo "== unit tests (GoogleTest, ASan+UBSan)"
if [ ! -f build/kernel-native/build.ninja ]; then
  cmake -S kernel -B build/kernel-native -G Ninja -DCMAKE_CXX_COMPILER=clang++-22 \
    -DWASMUX_GEN_DIR="$root/build/gen" >/dev/null
fi
if ninja -C build/kernel-native >"$log" 2>&1; then
  ctest --test-dir build/kernel-native --output-on-failure -j2 2>&1 | tee "$log" | tail -n 15
  p=$(grep -oE '[0-9]+ tests failed out of [0-9]+' "$log" | awk '{print $6 - $1}')
  f=$(grep -oE '[0-9]+ tests failed out of' "$log" | awk '{print $1}')
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-1}))
else
  tail -n 30 "$log"; echo "unit tests: build failed"; failed=$((failed + 1))
fi

echo "== conformance (native and wasmux)"
tests/conformance/run.sh --both 2>&1 | tee "$log" | tail -n 20
# A failure's diff and stderr, which may lie above the last 20 lines.
grep -q '^FAIL  ' "$log" && { echo "-- conformance failures:"; sed -n '/^FAIL  /,/^ok    /p' "$log" | grep -v '^ok    '; }
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)
passed=$((passed + ${line%% *})); f=${line#*, }; failed=$((failed + ${f%% *}))

echo "== ports: the full image and the ports' own test suites (tests/ports, per test against ports/*/test-results)"
# Builds build/rootfs-full.tar first (unchanged ports come from ~/.cache/wasmux), which the
# end-to-end tests below use.
tests/ports/run.sh "${port_suites[@]}" 2>&1 | tee "$log"
count_verdict_lines

echo "== end-to-end and engine facts (node:test)"
node --test --test-concurrency=2 tests/e2e/*.test.mjs tests/engine/*.test.mjs 2>&1 | tee "$log" | grep -E '^(✖|ℹ (tests|pass|fail))' 
p=$(grep -E '^ℹ pass ' "$log" | awk '{print $3}')
f=$(grep -E '^ℹ fail ' "$log" | awk '{print $3}')
passed=$((passed + ${p:-0})); failed=$((failed + ${f:-1}))
# A failure's details (the assertion, expected and actual), which the summary leaves out.
[ "${f:-1}" = 0 ] || sed -n '/^✖ failing tests:/,$p' "$log" | grep -vE '^\s+at ' | head -n 60

echo "== busybox ash tests (busybox's shell/ash_test, native and wasmux; about 3 minutes)"
# One test: passed when every one of the suite's tests ends, on each side, with the outcome
# tests/external/busybox-ash/expected-results.txt lists (failures explained in RESULTS.md
# there). run.sh decides and says so in its last line, "busybox ash gate: PASS|FAIL: ...";
# no such line (run.sh stopped early) is a failure too.
tests/external/busybox-ash/run.sh 2>&1 | tee "$log" |
  grep -E '^(ash-|FLAKY: |REGRESSED: |NOW PASSES: |CHANGED: |NOT LISTED: |NOT IN THE SUITE: |    |busybox ash (tests|gate): )'
if grep -qE '^busybox ash gate: PASS: ' "$log"; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
  grep -qE '^busybox ash gate: ' "$log" || echo "busybox ash gate: FAIL: run.sh gave no verdict"
fi

echo "== the SDK as a cross toolchain (autotools with libtool, CMake, Meson; tests/sdk)"
tests/sdk/run.sh 2>&1 | tee "$log"
count_verdict_lines

echo "== differential syscall programs (native and wasmux, 2,000 seeds)"
if tests/differential/run.sh 2000 2>&1 | tee "$log" | tail -n 25; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
fi

echo "== stress (scripts/stress.sh: 300 processes at once, 10,000 in a row, 1,000 kills)"
scripts/stress.sh 2>&1 | tee "$log" | grep -E '^(stress:|✖|✔|ℹ (tests|pass|fail))'
p=$(grep -E '^ℹ pass ' "$log" | awk '{print $3}')
f=$(grep -E '^ℹ fail ' "$log" | awk '{print $3}')
passed=$((passed + ${p:-0})); failed=$((failed + ${f:-1}))
# A failure's details: a hang prints the kernel's and the host's state.
[ "${f:-1}" = 0 ] || grep -vE '^\s+at ' "$log" | grep -A 80 -E 'HANG|^✖ failing tests:' | head -n 150

echo "== syscall fuzzer (libFuzzer, ASan, UBSan; its regression inputs, then 2 minutes)"
# One test: scripts/fuzz.sh replays every input that once found a bug and fuzzes for a
# bounded time; any crash, leak, hang or broken kernel invariant fails it.
if scripts/fuzz.sh --minutes 2 2>&1 | tee "$log" | grep -E '^(fuzz.sh|wasmux fuzz|stat::|#[0-9])'; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
  tail -n 40 "$log"
fi

echo "total: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
