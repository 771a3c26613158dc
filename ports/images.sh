# The root filesystem images, made from the ports' stages (sourced by ports/build.sh after
# the ports are built; kept apart from it so that a change here remakes the images, not
# the ports). Uses force (1: remake whatever the stamps say).

# The stages merged over the skeleton: /usr/bin, /usr/sbin and /sbin are /bin in the root
# (symlinks to it), so a stage's usr/bin goes to bin; an earlier port's file wins (dash's
# /bin/sh over busybox's). Man pages, info and docs stay out; so do the development files
# (the sysroot has them). A stage's empty directories come along: a package's empty
# directory can be a landmark (Python looks for lib-dynload to find its exec_prefix).
merge_stage() {
  local stage="$1" tree="$2" d
  for d in bin sbin usr/bin usr/sbin; do
    [ -d "$stage/$d" ] && cp -a -n "$stage/$d/." "$tree/bin/"
  done
  (cd "$stage" && find . -mindepth 1 \( -path ./bin -o -path ./sbin -o -path ./usr/bin -o -path ./usr/sbin \
    -o -path ./usr/include -o -path ./include -o -path ./usr/share/man -o -path ./usr/share/info \
    -o -path ./usr/share/doc -o -path ./usr/lib/pkgconfig -o -path ./usr/share/pkgconfig -o -name '*.a' -o -name '*.la' \) -prune \
    -o -type f -print -o -type l -print -o -type d -empty -print) | while read -r f; do
    if [ -d "$stage/$f" ] && [ ! -L "$stage/$f" ]; then
      mkdir -p "$tree/$f"
      continue
    fi
    [ -e "$tree/$f" ] || [ -L "$tree/$f" ] || { mkdir -p "$tree/$(dirname "$f")" && cp -a "$stage/$f" "$tree/$f"; }
  done
}
make_image() {
  local image="$1"; shift
  local tree="${image%.tar}"
  local stamps=() pkg
  for pkg in "$@"; do stamps+=("build/ports/$pkg/.hash"); done
  [ $force = 1 ] || [ ! -e "$image" ] || [ -n "$(find ports/rootfs ports/images.sh "${stamps[@]}" -newer "$image" -print -quit)" ] || return 0
  rm -rf "$tree"
  mkdir -p "$tree/bin" "$tree/usr"
  cp -a ports/rootfs/. "$tree/"
  for pkg in "$@"; do merge_stage "build/ports/$pkg/stage" "$tree"; done
  # Debug information out, as dh_strip moves it to -dbg packages: the image holds what
  # runs (function names stay, for the host's crash messages).
  find "$tree" -type f -print0 | while IFS= read -r -d '' f; do
    if [ "$(head -c 4 "$f" | od -An -tx1 | tr -d ' \n')" = 0061736d ]; then
      sdk/bin/wasm32-unknown-linux-musl-strip --strip-debug "$f"
    fi
  done
  mkdir -p "$tree/tmp" "$tree/home" "$tree/root" "$tree/run/lock" "$tree/var/tmp"
  chmod 1777 "$tree/tmp" "$tree/var/tmp" "$tree/run/lock"
  # Debian's /var/run and /var/lock lead to /run (pid files, nginx's lock file).
  ln -sfn /run "$tree/var/run"
  ln -sfn /run/lock "$tree/var/lock"
  chmod 0700 "$tree/root"
  # One directory of programs: the other usual places lead there.
  ln -sfn ../bin "$tree/usr/bin"
  ln -sfn ../bin "$tree/usr/sbin"
  ln -sfn bin "$tree/sbin"
  # Entries sorted, owned by root, one fixed time: the same inputs give the same bytes.
  # Hard links (gzip's uncompress and gunzip) become copies: the boot loader makes files,
  # directories and symlinks.
  tar --format=ustar --owner=0 --group=0 --numeric-owner --sort=name --mtime=@0 --hard-dereference \
    -C "$tree" -cf "$image.tmp" .
  mv "$image.tmp" "$image"
  echo "ports: $image ready ($(du -k "$image" | cut -f1) KiB, $(tar -tf "$image" | wc -l) entries)"
}
