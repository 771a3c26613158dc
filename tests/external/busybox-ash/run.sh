#!/usr/bin/env bash
# busybox's own shell test suite (shell/ash_test in Debian's busybox source package, the
# source ports/busybox builds) run twice: with busybox ash built natively by gcc from the
# same source and the same .config as the wasm port, and with the root image's busybox ash
# inside wasmux. See README.md here.
#
#   tests/external/busybox-ash/run.sh [--native | --wasmux] [-j N] [--timeout SECONDS] [TEST]...
#
# TEST is a group (ash-misc) or one test (ash-misc/func1 or ash-misc/func1.tests); the
# default is every test. Prints one line per group and ends with
#   busybox ash tests: native N/T passed, wasmux M/T passed
# Per-test results: build/ashtest-results.txt; each failure's diff (NAME.xx against
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
selected=()
while (($#)); do
  case "$1" in
    --native) sides=(native) ;;
    --wasmux) sides=(wasmux) ;;
    -j) jobs="${2:?-j needs a number}"; shift ;;
    -j*) jobs="${1#-j}" ;;
    --timeout) limit="${2:?--timeout needs seconds}"; shift ;;
    -h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    *) selected+=("${1%.tests}") ;;
  esac
  shift
done

out=build/ashtest
results=build/ashtest-results.txt
die() { echo "busybox-ash: $*" >&2; echo "busybox ash tests: not run"; exit 1; }

# ---- inputs: the port's busybox and its configuration ----
port_config=build/ports/busybox/src/.config
[ -f build/rootfs.tar ] && [ -f build/ports/busybox/.built ] && [ -f "$port_config" ] ||
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
  if [ -e "$stamp" ] && [ -z "$(find ports/busybox build/ports/busybox/.built "$here/run.sh" \
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

# One test on one side; writes results/<group>+<name>.status: "STATUS SECONDS", STATUS
# being ok, retry-ok, fail, timeout or panic. A test whose output differs runs up to twice
# more: some depend on timing (sleeps, read -t, signals racing a fork) on a loaded machine,
# natively as well (RESULTS.md), and CI compares the count with a baseline. retry-ok counts
# as passed but stays visible, with the first attempt's diff and log in <name>.first.fail /
# .first.log. A timeout is not retried (it cost the whole limit already), nor a kernel
# panic (a kernel bug whatever the output).
run_one() {
  local side="$1" test="$2" copy="$out/$1"
  local base="$copy/results/${test%%/*}+${test#*/}" status t0="${EPOCHREALTIME/./}" us fd
  # Only stdin, stdout and stderr may reach the test: redir_leak and redir_script count the
  # open descriptors, and CI runners (and bash's job control here) leave others open.
  for fd in /proc/$BASHPID/fd/*; do
    fd="${fd##*/}"
    ((fd > 2)) && eval "exec $fd>&-"
  done
  attempt "$side" "$test" 1
  if [ "$status" = fail ]; then
    [ -f "$base.fail" ] && mv "$base.fail" "$base.first.fail"
    mv "$base.log" "$base.first.log"
    local try
    for try in 2 3; do
      attempt "$side" "$test" "$try"
      [ "$status" = fail ] || break
    done
    [ "$status" = ok ] && status=retry-ok
  fi
  us=$((${EPOCHREALTIME/./} - t0))
  echo "$status $((us / 1000000)).$((us / 100000 % 10))" >"$base.status"
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

# status SIDE TEST → "ok 0.3" / "fail 1.2" / "timeout 60.0" / "- -" (not run)
status_of() {
  local f="$out/$1/results/${2%%/*}+${2#*/}.status"
  if [ -f "$f" ]; then cat "$f"; else echo "- -"; fi
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
tests=()
while IFS= read -r t; do
  wanted "$t" && tests+=("$t")
done < <(list_tests "$src/shell/ash_test")
((${#tests[@]})) || die "no test matches ${selected[*]}"
# Upstream names its slow group so it runs last; with two at a time, starting it first lets
# the other tests run beside it instead of leaving one core idle at the end.
order=()
for t in "${tests[@]}"; do [[ "$t" == ash-z_slow/* ]] && order+=("$t"); done
for t in "${tests[@]}"; do [[ "$t" == ash-z_slow/* ]] || order+=("$t"); done
run_order=("${order[@]}")
rm -rf "$out/native/results" "$out/wasmux/results"
for side in "${sides[@]}"; do run_side "$side"; done

declare -A pass total
retried=()
{
  echo "# busybox ash tests ($(basename "$src") shell/ash_test): test, native, wasmux (result, seconds)"
  for t in "${tests[@]}"; do
    g="${t%%/*}"
    total[$g]=$((${total[$g]:-0} + 1))
    line="$(printf '%-58s' "$t.tests")"
    for side in native wasmux; do
      read -r st secs < <(status_of "$side" "$t")
      case "$st" in
        ok) pass[$side/$g]=$((${pass[$side/$g]:-0} + 1)) ;;
        retry-ok)
          pass[$side/$g]=$((${pass[$side/$g]:-0} + 1))
          retried+=("$side $t")
          ;;
      esac
      line+="$(printf '  %-8s %5s' "$st" "$secs")"
    done
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
    sep=","
  done
  echo "$line"
done
for r in "${retried[@]}"; do echo "passed on a retry: $r"; done
# A test that passes natively and not on wasmux is what CI's baseline check is about: name
# it, with the start of what it printed differently (the whole diff and log stay in
# results/), so a failure seen once in CI can be chased afterwards.
if ((${#sides[@]} == 2)); then
  for t in "${tests[@]}"; do
    read -r nst _ < <(status_of native "$t")
    read -r wst wsecs < <(status_of wasmux "$t")
    [[ "$nst" == ok || "$nst" == retry-ok ]] || continue
    [[ "$wst" == ok || "$wst" == retry-ok ]] && continue
    if [ "$wst" = fail ] && grep -qxF "$t" "$here/known-wasmux-failures"; then
      echo "wasmux only: $t: $wst (known: RESULTS.md)"
      continue
    fi
    echo "wasmux only: $t: $wst after $wsecs s"
    base="$out/wasmux/results/${t%%/*}+${t#*/}"
    for f in "$base.first.fail" "$base.fail" "$base.log"; do
      [ -s "$f" ] || continue
      echo "wasmux only: $t: ${f##*/}:"
      head -n 20 "$f" | sed 's/^/    /'
    done
  done
fi
echo "per-test results: $results"
echo "$summary"
