# gawk's test suite (test/Makefile: each test target echoes its name, runs gawk, and
# compares with NAME.ok, leaving _NAME behind when they differ), one result per test:
# the names the output LOG lists between its "Starting" and "Done" lines, FAIL where
# test/_NAME is left.
gawk_results() {
  sed -n '/^======== Starting/,/^======== Done/p' "$1" | grep -E '^[A-Za-z0-9_+-]+$' | sort -u |
    while read -r name; do
      if [ -e "test/_$name" ]; then echo "FAIL $name"; else echo "PASS $name"; fi
    done >>"$PORT_TESTS"
}
