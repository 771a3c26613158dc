# Python's own regression tests (regrtest) on a chosen list of modules, for the port's
# results (sourced by build.sh under wasmux and by native-tests.sh natively): one line per
# test case, PASS, FAIL, SKIP or XFAIL, named MODULE.CLASS.METHOD. The modules: the
# language and the standard library the ports serve, each quick enough for one process.
python_test_modules=(test_bool test_int test_float test_long test_list test_tuple test_dict test_set
  test_string test_unicode test_bytes test_format test_fstring test_grammar test_class test_scope
  test_generators test_exceptions test_with test_contextlib test_itertools test_functools
  test_collections test_operator test_math test_cmath test_fractions test_statistics test_random
  test_re test_json test_csv test_struct test_array test_heapq test_bisect test_base64
  test_binascii test_hashlib test_zlib test_bz2 test_lzma test_gzip test_zipfile test_tarfile
  test_sqlite3 test_datetime test_time test_calendar test_textwrap test_difflib test_pprint
  test_os test_posixpath test_shutil test_tempfile test_glob test_fnmatch test_pathlib
  test_io test_fileio test_file test_subprocess test_signal test_threading test_queue
  test_argparse test_getopt test_logging test_unittest test_copy test_pickle test_enum
  test_dataclasses test_typing test_ast test_tokenize test_unicodedata test_codecs)

# python_suite PYTHON [RUNNER...]: runs the modules with PYTHON (through RUNNER) in the
# current directory (a build tree), and appends the results to $PORT_TESTS.
python_suite() {
  local log=regrtest.log
  "$@" -m test -v --timeout 600 "${python_test_modules[@]}" >"$log" 2>&1 || true
  # unittest's verbose lines: "name (module.Class.name) ... ok", possibly with the
  # test's own output between the name and the outcome on later lines.
  awk '
    function verdict(s) {
      if (s ~ /^ok$/) return "PASS"
      if (s ~ /^skipped/) return "SKIP"
      if (s ~ /^expected failure/) return "XFAIL"
      if (s ~ /^(FAIL|ERROR|unexpected success)/) return "FAIL"
      return ""
    }
    /^[A-Za-z_][A-Za-z0-9_]* \([A-Za-z0-9_.]+\)( \.\.\. |$)/ {
      o = index($0, "("); c = index($0, ")")
      name = substr($0, o + 1, c - o - 1)
      rest = substr($0, c + 1); sub(/^ \.\.\. /, "", rest)
      v = verdict(rest)
      if (v != "") { print v, name; name = "" }
      next
    }
    name != "" { v = verdict($0); if (v != "") { print v, name; name = "" } }
  ' "$log" | sort -u -k2 >>"$PORT_TESTS"
  # A module that could not even start (an import error) is one failure under its name.
  grep -oE '^test test_[a-z0-9_]+ crashed|^[0-9:]+ .*test_[a-z0-9_]+ failed \(uncaught exception\)' "$log" |
    grep -oE 'test_[a-z0-9_]+' | sed 's/^/FAIL /' >>"$PORT_TESTS" || true
}
