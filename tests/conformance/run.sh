#!/usr/bin/env bash
# Conformance runner: builds every tests/conformance/*.c natively (gcc, glibc) and for wasm
# (bin/wasmux-cc, musl), runs each build and compares its stdout with NAME.expected.
#
#   tests/conformance/run.sh [--native|--wasm|--both] [NAME...]
#
# --both is the default. NAMEs (e.g. "files pipes") limit the run to those programs.
# Each (program, side) pair counts as one test; it passes when the program's output equals
# NAME.expected and it exits 0 (or 1, the programs' "some check failed" status, when every
# failing check is a known difference). Checks listed for a program in KNOWN-DIFFERENCES.md
# are ignored on the wasm side. Each run is limited to 60 s (CONFORMANCE_TIMEOUT overrides).
# The last line printed is always "N passed, N failed" (CI reads it); the exit status is
# nonzero when anything failed.
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$root/build/conformance"
time_limit=${CONFORMANCE_TIMEOUT:-60}   # seconds per program run

sides="native wasm"
names=()
for arg in "$@"; do
    case "$arg" in
        --native) sides="native" ;;
        --wasm) sides="wasm" ;;
        --both) sides="native wasm" ;;
        -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "run.sh: unknown option $arg" >&2; exit 2 ;;
        *) names+=("${arg%.c}") ;;
    esac
done
if [ ${#names[@]} -eq 0 ]; then
    for src in "$here"/*.c; do
        names+=("$(basename "$src" .c)")
    done
fi

passed=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Prints the known wasm-side differences of program $1, one check description a line,
# from the table in KNOWN-DIFFERENCES.md (| program | check | reason |).
known_checks() {
    local file="$here/KNOWN-DIFFERENCES.md"
    [ -f "$file" ] || return 0
    awk -F'|' -v prog="$1" '
        function trim(s) { gsub(/^[ \t`]+|[ \t`]+$/, "", s); return s }
        /^[ \t]*\|/ {
            p = trim($2); c = trim($3)
            if (p == prog && c != "") print c
        }' "$file"
}

# Removes from file $1 the lines of the checks listed in file $2.
drop_checks() {
    # (FILENAME, not NR == FNR: the list of known checks is usually empty.)
    awk 'FILENAME == ARGV[1] { known[$0] = 1; next }
         {
             line = $0
             if (line ~ /^ok: /) { d = substr(line, 5); if (d in known) next }
             if (line ~ /^FAIL: /) {
                 rest = substr(line, 7)
                 for (k in known) if (index(rest, k ": ") == 1) next
             }
             print
         }' "$2" "$1"
}

fail() {
    failed=$((failed + 1))
    echo "FAIL  $1"
}

# run_one SIDE NAME COMMAND...
run_one() {
    local side=$1 name=$2
    shift 2
    local expected="$here/$name.expected"
    local actual="$tmp/$side-$name.out" errors="$tmp/$side-$name.err"
    if [ ! -f "$expected" ]; then
        fail "$side/$name: no $name.expected"
        return
    fi
    # A fresh working directory, no standard input: the programs depend on neither.
    # (The trailing exit keeps the subshell from exec'ing timeout, so that a "Segmentation
    # fault" report from bash lands in the stderr file rather than on our output.)
    (cd "$tmp" && timeout "$time_limit" "$@"; exit $?) </dev/null >"$actual" 2>"$errors"
    local status=$?

    local exp_cmp="$tmp/$side-$name.exp" act_cmp="$tmp/$side-$name.act"
    local known="$tmp/$side-$name.known"
    : >"$known"
    [ "$side" = wasm ] && known_checks "$name" >"$known"
    drop_checks "$expected" "$known" >"$exp_cmp"
    drop_checks "$actual" "$known" >"$act_cmp"

    local same=1
    cmp -s "$exp_cmp" "$act_cmp" || same=0
    # Exit status 1 is how a program reports failed checks, which the diff already shows.
    local why=""
    if [ $status -eq 124 ]; then
        why="timed out after ${time_limit}s"
    elif [ $status -gt 128 ]; then
        why="killed by signal $((status - 128))"
    elif [ $status -gt 1 ]; then
        why="exit status $status"
    elif [ $same -eq 0 ]; then
        why="output differs from $name.expected"
    fi
    if [ -z "$why" ]; then
        passed=$((passed + 1))
        local n_known
        n_known=$(grep -c . "$known")
        if [ "$n_known" -gt 0 ]; then
            echo "ok    $side/$name ($n_known known difference(s) ignored)"
        else
            echo "ok    $side/$name"
        fi
        return
    fi
    fail "$side/$name: $why"
    diff -u --label "$name.expected" --label "$side output" "$exp_cmp" "$act_cmp" | sed 's/^/      /'
    if [ -s "$errors" ]; then
        echo "      --- stderr (last 20 lines) ---"
        tail -n 20 "$errors" | sed 's/^/      /'
    fi
}

for side in $sides; do
    if [ "$side" = native ]; then
        mkdir -p "$out/native"
        for name in "${names[@]}"; do
            bin="$out/native/$name"
            if ! gcc -O1 -Wall -o "$bin" "$here/$name.c" 2>"$tmp/build.log"; then
                fail "native/$name: gcc failed"
                sed 's/^/      /' "$tmp/build.log"
                continue
            fi
            run_one native "$name" "$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
        done
    else
        if [ ! -x "$root/bin/wasmux-cc" ] || [ ! -x "$root/bin/wasmux" ]; then
            echo "skip  wasm side: bin/wasmux-cc or bin/wasmux does not exist yet"
            continue
        fi
        mkdir -p "$out/wasm"
        for name in "${names[@]}"; do
            mod="$out/wasm/$name.wasm"
            if ! "$root/bin/wasmux-cc" -O2 -o "$mod" "$here/$name.c" >"$tmp/build.log" 2>&1; then
                fail "wasm/$name: bin/wasmux-cc failed"
                tail -n 30 "$tmp/build.log" | sed 's/^/      /'
                continue
            fi
            # The module's own directory is mounted at the same path inside wasmux, so a
            # program can find itself through argv[0] (spawn.c runs itself as the child).
            wasm_dir="$(cd "$out/wasm" && pwd)"
            run_one wasm "$name" "$root/bin/wasmux" run --mount "$wasm_dir:$wasm_dir" "$wasm_dir/$name.wasm"
        done
    fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
