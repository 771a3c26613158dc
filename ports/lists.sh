# The ports ports/build.sh builds (sourced by it; not part of any port's cache key, so a
# port added here is the only one built anew).
default_ports=(dash busybox) # in install order: later stages may not overwrite earlier files
# Libraries before the ports that need them; an earlier port's file wins in the image.
full_ports=(zlib bzip2 xz-utils ncurses readline bash lua5.4 sqlite3 gzip sed grep diffutils findutils tar
  make-dfsg gawk coreutils python3.11 libuv1 pcre2 openssl nginx)
# The ports whose own test suites take minutes under wasmux: run only with --suites (a
# port built without its suite has no results; with them it is another cache entry).
long_suites=(bash sed grep diffutils findutils tar make-dfsg gawk python3.11)
