#!/bin/sh
# Runs one test of busybox's shell/ash_test the way its run-all does, with dash as the outer
# shell on both sides (natively and inside wasmux), so the two runs differ only in the
# kernel under them and in how busybox was compiled.
#
#   sh one-test.sh TOPDIR APPLETS WORKDIR NAME
#
# TOPDIR   the prepared copy of ash_test: holds `ash`, the helper programs and `.config`
# APPLETS  the directory of busybox applet links (and `sh`, dash) the tests may call
# WORKDIR  a private copy of the test's directory (tests create and delete files there)
# NAME     the test: WORKDIR/NAME.tests runs, its output goes to WORKDIR/NAME.xx
#
# run.sh compares NAME.xx with NAME.right (diff -u, as run-all does) on the host.
set -u
if [ "${ONE_TEST_CLEAN_ENV:-}" != 1 ]; then
  # The same environment on both sides, whatever the caller had: run-all unsets the locale
  # variables (LANG would turn on UTF-8 in ash's length and glob tests); wasmux's CLI sets
  # a few of its own and the host has many more.
  exec env -i ONE_TEST_CLEAN_ENV=1 PATH="$1:$2" THIS_SH="$1/ash" HOME="$3" \
    sh "$0" "$@"
fi
unset ONE_TEST_CLEAN_ENV
# run-all exports every option of the busybox configuration: a few tests look at one
# (CONFIG_FEATURE_FANCY_ECHO) and stop early when it is off.
eval "$(sed -e '/^#/d' -e '/^$/d' -e 's:^:export :' "$1/.config")"
cd "$3" || exit 1
# run-all's exact pipeline: stdout and stderr in one stream, busybox's suid notice dropped.
"$THIS_SH" "./$4.tests" 2>&1 | grep -va "^ash: using fallback suid method$" >"$4.xx"
