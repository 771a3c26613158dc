#!/usr/bin/env bash
# Shell workloads, native dash against wasmux's dash (both from Debian's dash source; the
# native one is the machine's /bin/dash): a subshell forked and reaped, an external command
# (/bin/true: coreutils natively, busybox in wasmux) forked, executed and reaped, a
# three-stage pipeline, and a script of 1000 external commands.
# Each is timed over N and 2N iterations; the difference over N is the cost of one,
# without the start-up of the shell or of wasmux. Prints "name value unit" lines.
# Usage: bench/shell.sh native|wasmux
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
side="${1:?usage: bench/shell.sh native|wasmux}"

run() { # run SCRIPT: the wall time of one run, in nanoseconds
  local t0 t1
  t0=$(date +%s%N)
  if [ "$side" = native ]; then dash -c "$1" >/dev/null; else "$root/bin/wasmux" sh -c "$1" >/dev/null; fi
  t1=$(date +%s%N)
  echo $((t1 - t0))
}

# per_op NAME N BODY: the cost of BODY, repeated N times in a loop, best of 3 differences.
per_op() {
  local name=$1 n=$2 body=$3 best=
  local loop='i=0; while [ $i -lt COUNT ]; do BODY; i=$((i+1)); done'
  loop=${loop//BODY/$body}
  for _ in 1 2 3; do
    local once twice d
    once=$(run "${loop//COUNT/$n}")
    twice=$(run "${loop//COUNT/$((2 * n))}")
    d=$(( (twice - once) / n ))
    if [ -z "$best" ] || [ "$d" -lt "$best" ]; then best=$d; fi
  done
  awk -v name="$name" -v ns="$best" 'BEGIN { printf "%s %.1f us\n", name, ns / 1000 }'
}

per_op dash_subshell_us 200 '(exit 0)'
per_op dash_external_cmd_us 200 '/bin/true'
per_op dash_pipeline3_us 100 'echo x | cat | cat'

# A whole script of 1000 external commands, start-up included (best of 3).
best=
for _ in 1 2 3; do
  t=$(run 'i=0; while [ $i -lt 1000 ]; do /bin/true; i=$((i+1)); done')
  if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
done
awk -v ns="$best" 'BEGIN { printf "script_1000_cmds_ms %.1f ms\n", ns / 1000000 }'
