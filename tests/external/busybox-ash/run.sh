#!/usr/bin/env bash
# busybox's own shell test suite (shell/ash_test in Debian's busybox source package, the
# source ports/busybox builds) run twice: with busybox ash built natively by gcc from the
# same source and the same .config as the wasm port, and with the root image's busybox ash
# inside wasmux. See README.md here.
#
#   tests/external/busybox-ash/run.sh [--native | --wasmux] [-j N] [--timeout SECONDS]
#                                     [--write-expected] [TEST]...
#
# TEST is a group (ash-misc) or one test (ash-misc/func1 or ash-misc/func1.tests); the
# default is every test. Prints one line per group, then every result that differs from
# expected-results.txt here (each test's outcome on each side: pass, flaky, fail, timeout,
# panic) and every test that passed only on a retry, and ends with
#   busybox ash tests: native N/T passed, wasmux M/T passed
#   busybox ash gate: PASS: ... | busybox ash gate: FAIL: ...
# exiting 0 on PASS, 1 otherwise. --write-expected records this run's outcomes in
# expected-results.txt instead of checking them (only the tests and sides run; reasons are
# kept). Per-test results: build/ashtest-results.txt; each failure's diff (NAME.xx against
# NAME.right) and log: build/ashtest/<side>/results/.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
cd "$root"
export PATH="$root/.tools/node/node_modules/node/bin:$PATH"

sides=(native wasmux)
jobs=2
# Per test. The slowest take 7 s (read -t, signal tests that sleep): 60 s is a hang, or too
# slow, and counts as a failure. The slow group (ash-z_slow: many_ifs starts 17 000
# processes, 6 s natively, 40 s in wasmux on 2 cores) gets four times as long.
limit=60
write_expected=0
selected=()
while (($#)); do
  case "$1" in
    --native) sides=(native) ;;
    --wasmux) sides=(wasmux) ;;
    -j) jobs="${2:?-j needs a number}"; shift ;;
    -j*) jobs="${1#-j}" ;;
    --timeout) limit="${2:?--timeout needs seconds}"; shift ;;
    --write-expected) write_expected=1 ;;
    -h | --help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    *) selected+=("${1%.tests}") ;;
  esac
  shift
done

out=build/ashtest
results=build/ashtest-results.txt
expected="$here/expected-results.txt"
die() {
  echo "busybox-ash: $*" >&2
  echo "busybox ash tests: not run"
  echo "busybox ash gate: FAIL: not run ($*)"
  exit 1
}

# ---- inputs: the port's busybox and its configuration ----
# (the recipe keeps the .config it ended up with in the stage's doc directory, which the
# image leaves out and the port cache keeps).
port_config=build/ports/busybox/stage/usr/share/doc/busybox/config
[ -f build/rootfs.tar ] && [ -f build/ports/busybox/.hash ] && [ -f "$port_config" ] ||
  die "the busybox port is not built: run scripts/setup.sh first"
src="$(scripts/fetch-debian-source.sh busybox)" || die "cannot fetch busybox's source"
mkdir -p "$out"

# The port's .config without its comment lines (one of them is the generation date).
options() { grep -v -e '^#' -e '^$' "$1"; }

# ---- busybox built natively: the port's recipe (fresh copy of the source, our patches,
# the same .platform.in), with gcc and the .config the wasm build ended up with ----
native_busybox="$out/busybox-native/busybox"
build_native_busybox() {
  local dir="$out/busybox-native" stamp="$out/busybox-native/.built"
  if [ -e "$stamp" ] && [ -z "$(find ports/busybox build/ports/busybox/.hash "$here/run.sh" \
    -newer "$stamp" -print -quit)" ]; then
    return 0
  fi
  echo "busybox-ash: building busybox natively (log in $out/busybox-native.log)"
  rm -rf "$dir"
  cp -a "$src" "$dir"
  local p
  for p in ports/busybox/patches/*.patch; do
    [ -e "$p" ] || continue
    patch -d "$dir" -p1 --quiet --forward <"$p" || die "$p does not apply"
  done
  cp "$port_config" "$dir/.config"
  # Natively gcc defines __linux__ anyway; the same file keeps the two Kconfig trees equal.
  printf 'config PLATFORM_LINUX\n\tbool\n\tdefault y\n' >"$dir/.platform.in"
  # oldconfig first, as the recipe does: it writes the headers the build depends on (with
  # -j2 make would look for them before generating them).
  (cd "$dir" && make oldconfig < <(yes "") && make -j"$jobs" SKIP_STRIP=y busybox busybox.links) \
    >"$out/busybox-native.log" 2>&1 || { tail -n 30 "$out/busybox-native.log" >&2; die "native busybox build failed"; }
  # Kconfig has been over .config again: it must not have changed a single option.
  diff <(options "$port_config") <(options "$dir/.config") >&2 ||
    die "the native build's configuration differs from the port's"
  touch "$stamp"
}

# The applets the tests may call, as links to the native busybox, and sh as dash: what
# wasmux's /bin holds. The native run sees nothing else of the host's commands, so a test
# needing an applet the port leaves out fails on both sides alike.
native_applets="$out/native-applets"
make_native_applets() {
  local dash link
  dash="$(command -v dash)" || die "dash is not installed"
  rm -rf "$native_applets"
  mkdir -p "$native_applets"
  while IFS= read -r link; do
    ln -s "$root/$native_busybox" "$native_applets/${link##*/}"
  done <"$out/busybox-native/busybox.links"
  ln -s "$root/$native_busybox" "$native_applets/busybox"
  ln -sfn "$dash" "$native_applets/sh"
}

# ---- fresh copies of ash_test, one per side (the unpacked source is never touched) ----
# Each holds ash (a link to that side's busybox), the helper programs (printenv, recho,
# zecho) built for that side, run-all's .config, one-test.sh and, later, work/ (a private
# copy of a test's directory per test) and results/.
prepare_copy() {
  local side="$1" copy="$out/$1" c name
  rm -rf "$copy"
  cp -a "$src/shell/ash_test" "$copy"
  if [ -d "$here/overlay" ]; then cp -a "$here/overlay/." "$copy/"; fi
  cp "$port_config" "$copy/.config"
  cp "$here/one-test.sh" "$copy/one-test.sh"
  for c in "$copy"/*.c; do
    name="$(basename "$c" .c)"
    if [ "$side" = native ]; then
      gcc -O2 -w -o "$copy/$name" "$c" || die "gcc $c failed"
    else
      bin/wasmux-cc -O2 -w -o "$copy/$name" "$c" || die "wasmux-cc $c failed"
    fi
  done
  if [ "$side" = native ]; then
    ln -s "$root/$native_busybox" "$copy/ash"
  else
    # A guest path: the root image's busybox, the one bin/wasmux sh runs as /bin/ash.
    ln -s /bin/busybox "$copy/ash"
  fi
  mkdir -p "$copy/work" "$copy/results"
}

# Every test run-all would run: an executable NAME.tests with a NAME.right, in each ash-*
# directory.
list_tests() {
  local copy="$1" d x
  for d in "$copy"/ash-*/; do
    d="${d%/}"
    for x in "$d"/*.tests; do
      [ -x "$x" ] && [ -f "${x%.tests}.right" ] || continue
      x="${x#"$copy"/}"
      echo "${x%.tests}"
    done
  done
}

wanted() {
  local t="$1" s
  ((${#selected[@]})) || return 0
  for s in "${selected[@]}"; do
    [ "$t" = "$s" ] || [ "${t%%/*}" = "$s" ] && return 0
  done
  return 1
}

# One attempt at a test: a fresh copy of its directory, the test, the comparison. Sets
# status to ok, fail (its diff in $base.fail) or timeout.
attempt() {
  local side="$1" test="$2" try="$3" copy="$out/$1" rc
  local group="${test%%/*}" name="${test#*/}" seconds="$limit"
  [ "$group" = ash-z_slow ] && seconds=$((limit * 4))
  # The test's directory gets its own parent too: source1.tests writes ../sourced.sh.
  local work="work/$group/$name.$try/$group"
  mkdir -p "$copy/$work"
  cp -a "$copy/$group/." "$copy/$work/"
  if [ "$side" = native ]; then
    timeout -k 5 "$seconds" sh "$copy/one-test.sh" "$root/$copy" "$root/$native_applets" \
      "$root/$copy/$work" "$name" </dev/null >"$base.log" 2>&1
  else
    timeout -k 5 "$seconds" bin/wasmux sh --mount "$root/$copy:/ashtest" /ashtest/one-test.sh \
      /ashtest /bin "/ashtest/$work" "$name" </dev/null >"$base.log" 2>&1
  fi
  rc=$?
  if [ "$side" = wasmux ] && grep -q "^wasmux: kernel panic" "$base.log"; then
    # A kernel bug, whatever the test printed: never passed on a retry.
    status=panic
  elif [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    status=timeout
  elif diff -u "$copy/$work/$name.xx" "$copy/$work/$name.right" >"$base.fail" 2>&1; then
    status=ok
    # A passing test leaves nothing behind (333 copies of a directory add up to 150 MB).
    rm -rf "$base.fail" "${copy:?}/${work%/*}"
    [ -s "$base.log" ] || rm -f "$base.log"
  else
    status=fail
  fi
}

# One test on one side; writes results/<group>+<name>.status: "STATUS SECONDS TRY",
# STATUS being ok, retry-ok, fail, timeout or panic and TRY the attempt it ended with. A
# test whose output differs runs up to twice more: some depend on timing (sleeps, read -t,
# signals racing a fork) on a loaded machine, natively as well (RESULTS.md). A pass on a
# retry is retry-ok, never ok: it is the outcome "flaky", which the gate accepts only for
# a test expected-results.txt lists as flaky. The first attempt's diff and log stay in
# <name>.first.fail / .first.log. A timeout is not retried (it cost the whole limit
# already), nor a kernel panic (a kernel bug whatever the output).
run_one() {
  local side="$1" test="$2" copy="$out/$1"
  local base="$copy/results/${test%%/*}+${test#*/}" status t0="${EPOCHREALTIME/./}" us fd
  # Only stdin, stdout and stderr may reach the test: redir_leak and redir_script count the
  # open descriptors, and CI runners (and bash's job control here) leave others open.
  for fd in /proc/$BASHPID/fd/*; do
    fd="${fd##*/}"
    ((fd > 2)) && eval "exec $fd>&-"
  done
  local try=1
  attempt "$side" "$test" 1
  if [ "$status" = fail ]; then
    [ -f "$base.fail" ] && mv "$base.fail" "$base.first.fail"
    mv "$base.log" "$base.first.log"
    for try in 2 3; do
      attempt "$side" "$test" "$try"
      [ "$status" = fail ] || break
    done
    [ "$status" = ok ] && status=retry-ok
  fi
  us=$((${EPOCHREALTIME/./} - t0))
  echo "$status $((us / 1000000)).$((us / 100000 % 10)) $try" >"$base.status"
}

run_side() {
  local side="$1" t running=0 started=$SECONDS
  prepare_copy "$side"
  for t in "${run_order[@]}"; do
    # stderr: bash reports each test that timeout had to kill ("Killed").
    run_one "$side" "$t" 2>>"$out/$side/driver.log" &
    if ((++running >= jobs)); then
      wait -n
      running=$((running - 1))
    fi
  done
  wait
  echo "busybox-ash: $side: ran ${#tests[@]} tests in $((SECONDS - started)) s (-j$jobs)"
}

# status SIDE TEST → "ok 0.3 1" / "retry-ok 2.5 2" / "fail 1.2 3" / "timeout 60.0 1" /
# "- - -" (not run)
status_of() {
  local f="$out/$1/results/${2%%/*}+${2#*/}.status"
  if [ -f "$f" ]; then cat "$f"; else echo "- - -"; fi
}

# The outcome a status stands for, in expected-results.txt's words: a pass on a retry is
# "flaky", not a pass.
outcome_of() {
  case "$1" in
    ok) echo pass ;;
    retry-ok) echo flaky ;;
    fail | timeout | panic) echo "$1" ;;
    *) echo not-run ;;
  esac
}

# ---- main ----
for side in "${sides[@]}"; do
  if [ "$side" = native ]; then
    build_native_busybox
    make_native_applets
  fi
done
# run-all also runs `run-*` scripts in the test directories; this version has none, and a
# new one must not be skipped silently.
if compgen -G "$src/shell/ash_test/ash-*/run-*" >/dev/null; then
  die "$(compgen -G "$src/shell/ash_test/ash-*/run-*" | head -1): run-* scripts are not supported here"
fi
all_tests=()
tests=()
while IFS= read -r t; do
  all_tests+=("$t")
  wanted "$t" && tests+=("$t")
done < <(list_tests "$src/shell/ash_test")
((${#tests[@]})) || die "no test matches ${selected[*]}"

# ---- the expected outcomes, read before the run so that a broken list stops it at once ----
# expected-results.txt: one line per test, "GROUP/NAME  native=OUTCOME  wasmux=OUTCOME",
# then optionally "# reason".
list="${expected#"$root"/}"
declare -A want reason
listed=()
read_expected() {
  local line t n w rest nr=0
  while IFS= read -r line || [ -n "$line" ]; do
    nr=$((nr + 1))
    [[ "$line" =~ ^[[:space:]]*(#.*)?$ ]] && continue
    read -r t n w rest <<<"$line"
    [[ "$n" =~ ^native=(pass|flaky|fail|timeout|panic)$ && "$w" =~ ^wasmux=(pass|flaky|fail|timeout|panic)$ &&
      ( -z "$rest" || "$rest" == '#'* ) ]] ||
      die "$list:$nr: not 'TEST native=OUTCOME wasmux=OUTCOME [# reason]': $line"
    [ -z "${want[native/$t]:-}" ] || die "$list:$nr: $t is listed twice"
    want[native/$t]="${n#native=}"
    want[wasmux/$t]="${w#wasmux=}"
    rest="${rest#\#}"
    reason[$t]="${rest#"${rest%%[![:space:]]*}"}"
    listed+=("$t")
  done <"$expected"
}
if [ -f "$expected" ]; then
  read_expected
elif ((!write_expected)); then
  die "no $list: record one with run.sh --write-expected"
fi
# --write-expected keeps the list's line for what it does not run: that line must exist.
if ((write_expected)); then
  for t in "${all_tests[@]}"; do
    for side in native wasmux; do
      [[ " ${sides[*]} " == *" $side "* ]] && wanted "$t" && continue
      [ -n "${want[$side/$t]:-}" ] ||
        die "$list has no $side outcome for $t: --write-expected needs a run of it"
    done
  done
fi

# Upstream names its slow group so it runs last; with two at a time, starting it first lets
# the other tests run beside it instead of leaving one core idle at the end.
order=()
for t in "${tests[@]}"; do [[ "$t" == ash-z_slow/* ]] && order+=("$t"); done
for t in "${tests[@]}"; do [[ "$t" == ash-z_slow/* ]] || order+=("$t"); done
run_order=("${order[@]}")
rm -rf "$out/native/results" "$out/wasmux/results"
for side in "${sides[@]}"; do run_side "$side"; done

# ---- per-test results and per-group counts. A pass is a pass at the first try: retry-ok
# (the outcome "flaky") is counted apart ----
declare -A pass flaky total
{
  echo "# busybox ash tests ($(basename "$src") shell/ash_test): test, native, wasmux (result, seconds), listed outcomes"
  for t in "${tests[@]}"; do
    g="${t%%/*}"
    total[$g]=$((${total[$g]:-0} + 1))
    line="$(printf '%-58s' "$t.tests")"
    for side in native wasmux; do
      read -r st secs _ < <(status_of "$side" "$t")
      case "$st" in
        ok) pass[$side/$g]=$((${pass[$side/$g]:-0} + 1)) ;;
        retry-ok) flaky[$side/$g]=$((${flaky[$side/$g]:-0} + 1)) ;;
      esac
      line+="$(printf '  %-8s %5s' "$st" "$secs")"
    done
    line+="  native=${want[native/$t]:--} wasmux=${want[wasmux/$t]:--}"
    echo "$line"
  done
} >"$results"

groups=()
last=""
for t in "${tests[@]}"; do
  g="${t%%/*}"
  [ "$last" = "$g" ] || groups+=("$g")
  last="$g"
done
summary="busybox ash tests:"
sep=""
for side in "${sides[@]}"; do
  n=0
  for g in "${groups[@]}"; do n=$((n + ${pass[$side/$g]:-0})); done
  summary+="$sep $side $n/${#tests[@]} passed"
  sep=","
done
for g in "${groups[@]}"; do
  line="$(printf '%-16s' "$g")"
  sep=""
  for side in "${sides[@]}"; do
    line+="$sep $side ${pass[$side/$g]:-0}/${total[$g]}"
    ((${flaky[$side/$g]:-0})) && line+=" (${flaky[$side/$g]} flaky)"
    sep=","
  done
  echo "$line"
done

# ---- the gate: every result of this run must be the outcome the list gives ----
# The start of what a failing test printed differently (the whole diff and log stay in
# results/), so that a failure seen once in CI can be chased afterwards.
show_failure() {
  local base="$out/$1/results/${2%%/*}+${2#*/}" f
  for f in "$base.first.fail" "$base.fail" "$base.log"; do
    [ -s "$f" ] || continue
    echo "    ${f##*/}:"
    head -n 20 "$f" | sed 's/^/    /'
  done
}
declare -A new
regressed=0 flaky_pass=0 now_pass=0 changed=0 unlisted=0 differ=0 checked=0
for t in "${tests[@]}"; do
  for side in "${sides[@]}"; do
    read -r st secs try < <(status_of "$side" "$t")
    got="$(outcome_of "$st")"
    new[$side/$t]="$got"
    exp="${want[$side/$t]:-}"
    checked=$((checked + 1))
    # A retry hides a failure: every one is named, whatever the list says.
    if [ "$got" = flaky ]; then
      if [ "$exp" = flaky ]; then
        echo "FLAKY: $side $t: passed only on try $try of 3, not counted as a pass (listed flaky: accepted)"
      else
        echo "FLAKY: $side $t: passed only on try $try of 3, not counted as a pass (listed ${exp:-nowhere}: the gate fails)"
      fi
    fi
    [ "$got" = "$exp" ] && continue
    # Listed flaky: a pass at the first try is just the race going the usual way.
    [ "$exp" = flaky ] && [ "$got" = pass ] && continue
    differ=$((differ + 1))
    if [ -z "$exp" ]; then
      unlisted=$((unlisted + 1))
      # Writing a first list: every result would be news.
      [ -f "$expected" ] && echo "NOT LISTED: $side $t: $got, and $list has no line for it"
    elif [ "$got" = flaky ] && [ "$exp" = pass ]; then
      flaky_pass=$((flaky_pass + 1))
      show_failure "$side" "$t"
    elif [ "$got" = pass ] || [ "$got" = flaky ]; then
      now_pass=$((now_pass + 1))
      echo "NOW PASSES: $side $t: $got (listed $exp): update the list (run.sh --write-expected) and RESULTS.md"
    elif [ "$exp" = pass ] || [ "$exp" = flaky ]; then
      regressed=$((regressed + 1))
      echo "REGRESSED: $side $t: $got after $secs s (listed $exp)"
      show_failure "$side" "$t"
    else
      changed=$((changed + 1))
      echo "CHANGED: $side $t: $got after $secs s (listed $exp)"
      show_failure "$side" "$t"
    fi
  done
done
# A whole run must also account for every line of the list.
if ((${#selected[@]} == 0)); then
  declare -A in_suite
  for t in "${all_tests[@]}"; do in_suite[$t]=1; done
  for t in "${listed[@]}"; do
    [ -n "${in_suite[$t]:-}" ] && continue
    differ=$((differ + 1))
    changed=$((changed + 1))
    echo "NOT IN THE SUITE: $t: listed in $list, but busybox has no such test"
  done
fi

# --write-expected: the list again, this run's outcome for what ran, the old line's for the
# rest, reasons kept while a test does not pass on both sides.
write_expected_list() {
  local t n w r width=0 tmp="$expected.tmp"
  # Columns wide enough for every name up to 40 characters; the few longer ones (all passing
  # on both sides) just push their line's outcomes right.
  for t in "${all_tests[@]}"; do ((${#t} > width && ${#t} <= 40)) && width=${#t}; done
  # A test that left no result (its runner died) has no outcome to record.
  for t in "${!new[@]}"; do
    [ "${new[$t]}" != not-run ] && continue
    echo "busybox-ash: ${t#*/} left no result on ${t%%/*}" >&2
    echo "busybox ash gate: FAIL: ${t#*/} left no result on ${t%%/*}: $list not written"
    exit 1
  done
  {
    echo "# busybox ash tests ($(basename "$src") shell/ash_test): each test's outcome natively and"
    echo "# on wasmux, recorded from a run by \`run.sh --write-expected\` (README.md here). The gate"
    echo "# (run.sh's last line, which scripts/test.sh reads) fails when any result differs from"
    echo "# its line. Outcomes: pass (at the first try); flaky (passed only on a retry; a pass at the"
    echo "# first try is accepted too); fail (its output differs at all three tries); timeout;"
    echo "# panic (a wasmux kernel panic). After '#': why (RESULTS.md has more); reasons are kept"
    echo "# by --write-expected."
    for t in "${all_tests[@]}"; do
      n="${new[native/$t]:-${want[native/$t]}}"
      w="${new[wasmux/$t]:-${want[wasmux/$t]}}"
      r="${reason[$t]:-}"
      if [ "$n/$w" = pass/pass ]; then
        r=""
      elif [ -z "$r" ]; then
        echo "busybox-ash: $t (native=$n wasmux=$w) has no reason in $list: add one (# ...)" >&2
      fi
      printf "%-${width}s  native=%-7s  wasmux=%-7s%s\n" "$t" "$n" "$w" "${r:+  # $r}" | sed 's/ *$//'
    done
  } >"$tmp"
  mv "$tmp" "$expected"
}

echo "per-test results: $results"
echo "$summary"
scope="${#tests[@]} tests, ${sides[*]}"
if ((${#sides[@]} == 2)); then scope="${scope/native wasmux/native and wasmux}"; else scope+=" only"; fi
if ((write_expected)); then
  if [ -f "$expected" ]; then changes="$differ results changed"; else changes="a new list"; fi
  write_expected_list
  echo "busybox ash gate: not checked: this run ($scope) written to $list ($changes)"
  exit 0
fi
if ((differ == 0)); then
  echo "busybox ash gate: PASS: all $checked results ($scope) as listed in $list"
  exit 0
fi
what=""
((regressed)) && what+=", $regressed regressed"
((flaky_pass)) && what+=", $flaky_pass flaky where listed pass"
((now_pass)) && what+=", $now_pass now passing"
((changed)) && what+=", $changed otherwise changed"
((unlisted)) && what+=", $unlisted not listed"
echo "busybox ash gate: FAIL: $differ of $checked results ($scope) differ from $list: ${what#, }"
exit 1
